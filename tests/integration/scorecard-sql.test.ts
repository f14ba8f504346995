/**
 * The SQL fact provider must agree exactly with the engine's in-memory reference on the same
 * stored data, on SQLite and PostgreSQL — for every window kind (month, ytd, quarter, year),
 * every row level, and with a district overlay; and with an indicator counting units within the
 * demo's BLUD group (in_group, docs/decisions/039-groups-in-formulas.md). The columnar fact index
 * (docs/decisions/040-columnar-fact-index.md) gives the same facts on the demo too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeRowFacts, planScorecard, type ScorecardRequest, type TemplatePackage } from "@engine";
import { getDb } from "~/db/db.server";
import { sqlRowFacts } from "~/models/facts.server";
import { dropFactIndex, loadFactIndex } from "~/models/fact-index.server";
import { indexRowFacts } from "~/models/fact-index-facts.server";
import { listChildren, getOrgByCode, listSubtree } from "~/models/org.server";
import { buildScorecard } from "~/models/scorecard.server";
import { effectivePackage } from "~/models/templates.server";
import { DIALECTS } from "../helpers/db";
import { demoSeededAfter, useDemoDatabaseAt } from "../helpers/app";
import { expectSameFacts, membershipsByCode } from "../helpers/facts-agree";

describe.each(DIALECTS)("SQL facts agree with the engine's reference on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useDemoDatabaseAt>>["handle"];
  let memorySource: Parameters<typeof computeRowFacts>[1];

  beforeAll(async () => {
    ({ handle } = await useDemoDatabaseAt(kind, demoSeededAfter("2025-12"), {}));
    const db = getDb();
    const units = await db
      .selectFrom("org_unit as o")
      .leftJoin("org_unit as p", "p.id", "o.parent_id")
      .select(["o.code", "o.name", "o.level", "o.path", "p.code as parentCode"])
      .execute();
    const subs = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.form_key", "s.period", "s.status", "s.data"])
      .execute();
    const memberships = await membershipsByCode(db);
    memorySource = {
      orgUnits: units.map((u) => ({ code: u.code, name: u.name, level: u.level, parentCode: u.parentCode, path: u.path })),
      submissions: subs.map((s) => ({ org: s.code, form: s.form_key, period: s.period, status: s.status, values: JSON.parse(s.data) })),
      memberships,
    };
  }, 300_000);
  afterAll(async () => {
    dropFactIndex(getDb());
    await handle.destroy();
  });

  const cases: Array<{ name: string; parent?: string; level?: "district"; period: string; ytd?: boolean; overlayDistrict?: string; inGroup?: boolean }> = [
    { name: "districts nationally, month", level: "district", period: "2025-07" },
    { name: "districts nationally, year-to-date", level: "district", period: "2025-09", ytd: true },
    { name: "provinces, quarter", parent: "ID", period: "2025-Q3" },
    { name: "districts of Jawa Tengah, year", parent: "33", period: "2025" },
    { name: "Puskesmas of Sintang with its overlay, ytd", parent: "61.05", period: "2025-11", ytd: true, overlayDistrict: "61.05" },
    { name: "Puskesmas of Bontang with its overlay, quarter", parent: "64.74", period: "2025-Q2", overlayDistrict: "64.74" },
    { name: "districts nationally, quarter, with in_group", level: "district", period: "2025-Q3", inGroup: true },
    { name: "provinces, year-to-date, with in_group", parent: "ID", period: "2025-10", ytd: true, inGroup: true },
  ];
  /** The national package with a BLUD share: ILP Puskesmas among BLUD members. */
  const withInGroup = (pkg: TemplatePackage): TemplatePackage => ({
    ...pkg,
    indicators: [
      ...pkg.indicators,
      {
        ...pkg.indicators.find((i) => i.key === "ilp_puskesmas")!,
        key: "ilp_puskesmas_blud",
        numerator: "count_units(in_group(blud) and sk_klaster and alur_layanan_klaster)",
        denominator: "count_units(in_group(blud))",
      },
    ],
  });

  for (const c of cases) {
    it(c.name, async () => {
      const db = getDb();
      const rows = c.parent
        ? await listChildren(db, (await getOrgByCode(db, c.parent))!.id)
        : await listSubtree(db, (await getOrgByCode(db, "ID"))!, "district");
      const district = c.overlayDistrict ? await getOrgByCode(db, c.overlayDistrict) : null;
      const eff = await effectivePackage("ilp-nasional", district?.id ?? null);
      if (c.overlayDistrict) expect(eff!.overlay).not.toBeNull();
      const pkg: TemplatePackage = c.inGroup ? withInGroup(eff!.package) : eff!.package;
      const request: ScorecardRequest = { period: c.period, ytd: c.ytd, rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) };
      const plan = planScorecard(pkg, request);
      const sql = await sqlRowFacts(db, plan, rows, { withUnitLists: true });
      const mem = computeRowFacts(plan, memorySource);
      expectSameFacts(sql, mem, c.name);
      const index = await loadFactIndex(db);
      expectSameFacts(indexRowFacts(index, plan, rows, { withUnitLists: true }), mem, `${c.name} (fact index)`);
      expect(sql.some((f) => Object.values(f.totals).some((v) => v !== null))).toBe(true);
      if (c.inGroup) {
        expect(plan.windows.filter((w) => w.unitGroups?.includes("blud")).length).toBeGreaterThan(0);
        expect(mem.flatMap((f) => f.units ?? []).filter((u) => u.groups?.includes("blud")).length).toBeGreaterThan(3);
      }
    });
  }

  it("builds a national district-level scorecard with values, colours and no NaN/Infinity", async () => {
    const result = await buildScorecard({ packageKey: "ilp-nasional", period: "2025-12", level: "district" });
    expect(result.scorecard.rows).toHaveLength(5);
    const cells = result.scorecard.rows.flatMap((r) => r.cells);
    for (const c of cells) for (const v of [c.value, c.achievement, c.numerator, c.denominator]) if (v !== null) expect(Number.isFinite(v)).toBe(true);
    expect(cells.filter((c) => c.value !== null).length).toBeGreaterThan(cells.length / 2);
    expect(result.lastChange).not.toBeNull();
  });

  it("gives each count_units indicator the same value whatever other indicators are requested", async () => {
    const pkg = (await effectivePackage("ilp-nasional", null))!.package;
    const unitIndicators = pkg.indicators.filter((i) => /count_units|units\(\)/.test(`${i.numerator} ${i.denominator ?? ""}`)).map((i) => i.key);
    expect(unitIndicators.length).toBeGreaterThan(1);
    for (const query of [
      { packageKey: "ilp-nasional", period: "2025-06", parentCode: "33.28" },
      { packageKey: "ilp-nasional", period: "2025-12", level: "district" as const },
    ]) {
      const full = await buildScorecard(query);
      for (const key of unitIndicators) {
        const alone = await buildScorecard({ ...query, indicators: [key] });
        const col = full.scorecard.columns.findIndex((c) => c.key === key);
        for (const row of alone.scorecard.rows) {
          const together = full.scorecard.rows.find((r) => r.code === row.code)!.cells[col];
          const label = `${key} ${row.code} ${query.period}`;
          if (together.value === null) expect(row.cells[0].value, label).toBeNull();
          else expect(row.cells[0].value, label).toBeCloseTo(together.value, 9);
        }
      }
    }
  });

  it("shows a new submission in the very next scorecard (no batch job)", async () => {
    const before = await buildScorecard({ packageKey: "ilp-nasional", period: "2025-12", parentCode: "13.73", indicators: ["spm_01"] });
    const db = getDb();
    const sub = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "o.code"])
      .where("s.form_key", "=", "spm_bulanan")
      .where("s.period", "=", "2025-12")
      .where("s.status", "in", ["submitted", "approved"])
      .executeTakeFirstOrThrow();
    await db
      .updateTable("submission_value")
      .set((eb) => ({ value: eb("value", "+", 10) }))
      .where("submission_id", "=", sub.id)
      .where("field_key", "=", "spm01_bumil_k6")
      .execute();
    const after = await buildScorecard({ packageKey: "ilp-nasional", period: "2025-12", parentCode: "13.73", indicators: ["spm_01"] });
    const cell = (r: typeof before) => r.scorecard.rows.find((row) => row.code === sub.code)!.cells[0];
    // December alone (not ytd by request? spm is ytd by default): numerator grows by exactly 10.
    expect(cell(after).numerator! - cell(before).numerator!).toBeCloseTo(10, 9);
  });
});
