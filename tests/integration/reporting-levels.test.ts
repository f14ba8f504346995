/**
 * Reports from every level (docs/decisions/034-who-reports-what.md) on SQLite and PostgreSQL: the
 * SQL fact provider agrees with the engine's reference on Puskesmas, Pustu and Posyandu reports,
 * a form that applies to a group, memberships over time and the org-group filter, for every row
 * level and village rows; migration 014's backfill of puskesmas_id; the query layer's org-group
 * filter (validated against what the viewer may read, the Puskesmas rows it keeps), village rows
 * with the Puskesmas as their total; a membership change invalidating a cached scorecard; and the
 * opening period counting expected units per form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeRowFacts, planScorecard, type ScorecardRequest } from "@engine";
import type { Grant } from "~/auth/session.server";
import * as m014 from "~/db/migrations/014_reporting_levels";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import { sqlRowFacts } from "~/models/facts.server";
import { listChildren } from "~/models/org.server";
import { readVersions } from "~/models/scorecard-cache.server";
import { defaultScorecardPeriod } from "~/models/scorecard-period.server";
import { buildScorecard, explainScorecardCell, ScorecardQueryError } from "~/models/scorecard.server";
import { effectivePackage } from "~/models/templates.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { expectSameFacts } from "../helpers/facts-agree";
import { KEY, LEVEL, loadLevelsMemorySource, m, reports, seedLevelsFixture, TREE, levelRowSets, LEVEL_PERIODS } from "../helpers/levels-fixture";

describe.each(DIALECTS)("reports from every level on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const unit: Record<string, OrgUnit> = {};
  let memorySource: Parameters<typeof computeRowFacts>[1];

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    Object.assign(unit, await seedLevelsFixture());
    memorySource = await loadLevelsMemorySource();
  }, 120_000);
  afterAll(() => handle.destroy());

  it("writes each report's Puskesmas on submission and submission_value", async () => {
    const db = getDb();
    const rows = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.puskesmas_id"])
      .where("s.package_key", "=", KEY)
      .execute();
    const puskesmasOf = (code: string): string => (LEVEL[code] === "puskesmas" ? code : puskesmasOf(TREE.find(([c]) => c === code)![2]!));
    for (const r of rows) expect(r.puskesmas_id, r.code).toBe(unit[puskesmasOf(r.code)].id);
    const values = await db
      .selectFrom("submission_value as v")
      .innerJoin("submission as s", "s.id", "v.submission_id")
      .select(["v.puskesmas_id as v", "s.puskesmas_id as s"])
      .where("v.package_key", "=", KEY)
      .execute();
    expect(values.length).toBeGreaterThan(100);
    for (const x of values) expect(x.v).toBe(x.s);
  });

  const rowSets = levelRowSets(unit);
  const periods = LEVEL_PERIODS;

  for (const orgGroup of [undefined, "lokus", "blud", "terpencil"]) {
    it(`SQL and reference facts agree on every row level and window${orgGroup ? ` under org group ${orgGroup}` : ""}`, async () => {
      const pkg = (await effectivePackage(KEY, null))!.package;
      const seen = { values: 0, expected: 0, inGroup: 0 };
      for (const set of rowSets) {
        const rows = await set.rows();
        for (const p of periods) {
          const request: ScorecardRequest = { ...p, orgGroup, rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) };
          const plan = planScorecard(pkg, request);
          const label = `${set.name} ${p.period}${p.ytd ? " ytd" : ""} ${orgGroup ?? ""}`;
          const reference = computeRowFacts(plan, memorySource);
          expectSameFacts(await sqlRowFacts(getDb(), plan, rows, { withUnitLists: true }), reference, label);
          seen.values += reference.filter((f) => Object.values(f.totals).some((v) => v !== null)).length;
          seen.expected += reference.filter((f) => Object.values(f.expected).some((v) => v > 0)).length;
          seen.inGroup += reference.flatMap((f) => f.units ?? []).filter((u) => (u.groups ?? []).length > 0).length;
          expectSameFacts(await sqlRowFacts(getDb(), plan, rows), reference, `${label} (no lists)`);
        }
      }
      // Not an agreement on empty facts.
      expect(seen.values).toBeGreaterThan(20);
      expect(seen.expected).toBeGreaterThan(20);
      // Units in an in_group group (their keys compared too).
      expect(seen.inGroup).toBeGreaterThan(5);
    });
  }

  it("rolls Posyandu reports up to their Puskesmas: the number a hand count gives", async () => {
    const counted = reports().filter((r) => r.status !== "draft" && r.form === "posyandu_bulanan" && LEVEL[r.unit] === "posyandu");
    const q1 = ["2025-01", "2025-02", "2025-03"];
    const sum = (units: string[]) => counted.filter((r) => units.includes(r.unit) && q1.includes(r.period)).reduce((a, r) => a + r.data.kunjungan, 0);
    const result = await buildScorecard({ packageKey: KEY, period: "2025-Q1", parentCode: "11.01", indicators: ["ind_kunjungan"] });
    const cell = (code: string) => result.scorecard.rows.find((r) => r.code === code)!.cells[0];
    expect(cell("P1").value).toBe(sum(["Y1", "Y2", "Y3"]));
    expect(cell("P2").value).toBe(sum(["Y4"]));
    expect(cell("P1").expected).toBe(9);
    expect(cell("P1").reported).toBe(counted.filter((r) => ["Y1", "Y2", "Y3"].includes(r.unit) && q1.includes(r.period)).length);
  });

  it("count_units(kader_aktif >= 5) * 100 / units() over Posyandu: a hand count on Puskesmas, district, province and national rows", async () => {
    const q1 = ["2025-01", "2025-02", "2025-03"];
    // reports() is in month order: each Posyandu's last counted report of the quarter wins.
    const lastKader = new Map<string, number>();
    for (const r of reports())
      if (r.status !== "draft" && r.form === "posyandu_bulanan" && LEVEL[r.unit] === "posyandu" && q1.includes(r.period))
        lastKader.set(r.unit, r.data.kader_aktif);
    const share = (units: string[]) => {
      const reporting = units.filter((u) => lastKader.has(u));
      return (reporting.filter((u) => lastKader.get(u)! >= 5).length * 100) / reporting.length;
    };
    const under = { P1: ["Y1", "Y2", "Y3"], P3: ["Y5"], "11.01": ["Y1", "Y2", "Y3", "Y4"], "11.02": ["Y5"], "11": ["Y1", "Y2", "Y3", "Y4", "Y5"] };
    const value = async (parentCode: string, row: string | null) => {
      const r = await buildScorecard({ packageKey: KEY, period: "2025-Q1", parentCode, indicators: ["posyandu_5_kader"] });
      return (row === null ? r.scorecard.total : r.scorecard.rows.find((x) => x.code === row)!).cells[0].value;
    };
    expect(await value("11.01", "P1")).toBeCloseTo(share(under.P1), 9);
    expect(await value("11.02", "P3")).toBeCloseTo(share(under.P3), 9);
    expect(await value("11", "11.01")).toBeCloseTo(share(under["11.01"]), 9);
    expect(await value("11", "11.02")).toBeCloseTo(share(under["11.02"]), 9);
    expect(await value("ID", "11")).toBeCloseTo(share(under["11"]), 9);
    expect(await value("ID", null)).toBeCloseTo(share(under["11"]), 9);
  });

  it("in_group through buildScorecard: a national group (BLUD, P2 joining mid-quarter) and a district's group (the lokus of 11.02) counted by hand", async () => {
    const q3 = ["2025-07", "2025-08", "2025-09"];
    const counted = reports().filter((r) => r.status !== "draft" && q3.includes(r.period));
    // BLUD in Q3: P1 (since February) and P2 (from August); P3 only in 2024. Pasien sums over the quarter.
    const pasien = (p: string) => counted.filter((r) => r.unit === p && r.form === "pkm_bulanan").reduce((a, r) => a + r.data.pasien, 0);
    const bludReporting = ["P1", "P2"].filter((p) => counted.some((r) => r.unit === p && r.form === "pkm_bulanan"));
    expect(bludReporting).toEqual(["P1", "P2"]);
    const bludOver = bludReporting.filter((p) => pasien(p) > 250);
    // Lokus in Q3: Y1 and Y2 through their Pustu U1 (national group), Y5 through its Puskesmas P3 (the
    // 11.02 group, June–September); Y3 and Y4 are in no lokus. Kader: the last report of the quarter.
    const lastKader = new Map<string, number>();
    for (const r of counted) if (r.form === "posyandu_bulanan" && LEVEL[r.unit] === "posyandu") lastKader.set(r.unit, r.data.kader_aktif);
    const lokus = (units: string[]) => {
      const reporting = units.filter((u) => lastKader.has(u));
      return { numerator: reporting.filter((u) => lastKader.get(u)! >= 5).length, denominator: reporting.length };
    };
    const result = await buildScorecard({ packageKey: KEY, period: "2025-Q3", parentCode: "11", indicators: ["pasien_blud", "kader_lokus"] });
    const row = (code: string) => result.scorecard.rows.find((r) => r.code === code)!;
    expect(row("11.01").cells[0]).toMatchObject({ numerator: bludOver.length, denominator: 2 });
    expect(row("11.02").cells[0]).toMatchObject({ numerator: 0, denominator: 0, reason: "DIV_ZERO" });
    expect(row("11.01").cells[1]).toMatchObject(lokus(["Y1", "Y2"]));
    expect(row("11.02").cells[1]).toMatchObject(lokus(["Y5"]));
    expect(lokus(["Y1", "Y2", "Y5"]).denominator).toBeGreaterThan(1);
    // The province row and the national total.
    const national = await buildScorecard({ packageKey: KEY, period: "2025-Q3", parentCode: "ID", indicators: ["pasien_blud", "kader_lokus"] });
    for (const r of [national.scorecard.rows[0], national.scorecard.total]) {
      expect(r.cells[0]).toMatchObject({ numerator: bludOver.length, denominator: 2 });
      expect(r.cells[1]).toMatchObject(lokus(["Y1", "Y2", "Y5"]));
    }
    // In Q1 P2 is not yet BLUD (P1 is, from February).
    const q1 = await buildScorecard({ packageKey: KEY, period: "2025-Q1", parentCode: "ID", indicators: ["pasien_blud"] });
    expect(q1.scorecard.total.cells[0].denominator).toBe(1);
  });

  it("gives a Puskesmas its Pustu and Posyandu as rows, with the Puskesmas's own roll-up as the total", async () => {
    const district = await buildScorecard({ packageKey: KEY, period: "2025-03", parentCode: "11.01", indicators: ["ind_layanan", "ind_kunjungan"] });
    const village = await buildScorecard({ packageKey: KEY, period: "2025-03", parentCode: "P1", indicators: ["ind_layanan", "ind_kunjungan"] });
    expect(village.rows.map((r) => r.code).sort()).toEqual(["U1", "Y1", "Y2", "Y3"]);
    expect(village.scorecard.total.code).toBe("P1");
    const p1 = district.scorecard.rows.find((r) => r.code === "P1")!;
    village.scorecard.total.cells.forEach((c, i) => {
      expect(c.value, c.indicator).toBe(p1.cells[i].value);
      expect(c.expected, c.indicator).toBe(p1.cells[i].expected);
    });
    // Each village row its own reports: the Pustu's layanan is its own, not its Posyandu's.
    const own = reports().find((r) => r.unit === "U1" && r.form === "desa_bulanan" && r.period === "2025-03");
    const u1 = village.scorecard.rows.find((r) => r.code === "U1")!.cells[0];
    expect(u1.value).toBe(own ? own.data.layanan : null);
    expect(village.scorecard.rows.find((r) => r.code === "U1")!.cells[1].expected).toBe(0);
    // Explain lists reporting units: the total's Posyandu form lists Posyandu codes only.
    const e = await explainScorecardCell({ packageKey: KEY, period: "2025-03", parentCode: "P1" }, { row: "P1", indicator: "ind_kunjungan" });
    const listed = [...e.forms[0].contributing, ...e.forms[0].missing];
    expect(listed.length).toBeGreaterThan(0);
    for (const code of listed) expect(LEVEL[code], code).toBe("posyandu");
    expect(e.value).toBe(village.scorecard.total.cells[1].value);
  });

  it("keeps the Puskesmas rows that are members during the period or have a member below them", async () => {
    const march = await buildScorecard({ packageKey: KEY, period: "2025-03", parentCode: "11.01", orgGroup: "lokus" });
    expect(march.rows.map((r) => r.code)).toEqual(["P1"]); // through its Pustu U1
    // P3: a national lokus in January, a district-owned one in June–September.
    const july = await buildScorecard({ packageKey: KEY, period: "2025-07", parentCode: "11.02", orgGroup: "lokus" });
    expect(july.rows.map((r) => r.code)).toEqual(["P3"]);
    const q1 = await buildScorecard({ packageKey: KEY, period: "2025-Q1", level: "puskesmas", orgGroup: "lokus" });
    expect(q1.rows.map((r) => r.code).sort()).toEqual(["P1", "P3"]);
    const refused = await buildScorecard({ packageKey: KEY, period: "2025-03", parentCode: "11.02", orgGroup: "lokus" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ScorecardQueryError);
    expect((refused as ScorecardQueryError).status).toBe(404);
    expect((refused as ScorecardQueryError).message).toContain("lokus");
    expect((refused as ScorecardQueryError).for("en")).toContain("No Puskesmas");
  });

  it("refuses an org group the viewer may not read, and a malformed key, with a message in both languages", async () => {
    const grant = (code: string, role: Grant["role"]): Grant => ({
      role,
      orgUnitId: unit[code].id,
      orgCode: code,
      orgName: unit[code].name,
      orgLevel: unit[code].level,
      orgPath: unit[code].path,
    });
    const base = { packageKey: KEY, period: "2025-03", parentCode: "11.01" };
    const outside = { grants: [grant("11.01", "district_verifier")] };
    const inside = { grants: [grant("11.02", "district_verifier")] };
    const error = async (q: Parameters<typeof buildScorecard>[0]) => (await buildScorecard(q).catch((e: unknown) => e)) as ScorecardQueryError;
    // "terpencil" is only a group of district 11.02: a verifier of 11.01 may not use it; one of 11.02 may.
    const hidden = await error({ ...base, orgGroup: "terpencil", viewer: outside, scopePaths: [unit["11.01"].path] });
    expect(hidden).toBeInstanceOf(ScorecardQueryError);
    expect(hidden.status).toBe(404);
    expect(hidden.message).toContain("tidak dapat Anda lihat");
    expect(hidden.for("en")).toContain("may not see");
    const ok = await buildScorecard({
      packageKey: KEY,
      period: "2025-03",
      parentCode: "11.02",
      orgGroup: "terpencil",
      viewer: inside,
      scopePaths: [unit["11.02"].path],
    });
    expect(ok.rows.map((r) => r.code)).toEqual(["P3"]);
    // A national group: any reader.
    expect((await buildScorecard({ ...base, orgGroup: "lokus", viewer: outside, scopePaths: [unit["11.01"].path] })).rows).toHaveLength(1);
    // An operator reads no group.
    const operator = { grants: [grant("P1", "puskesmas_operator")] };
    expect((await error({ ...base, parentCode: "P1", orgGroup: "lokus", viewer: operator, scopePaths: [unit.P1.path] })).status).toBe(404);
    const unknown = await error({ ...base, orgGroup: "tidak_ada" });
    expect(unknown.status).toBe(404);
    const malformed = await error({ ...base, orgGroup: "BLUD; drop" });
    expect(malformed.status).toBe(400);
    expect(malformed.message).toContain("BLUD; drop");
    expect(malformed.for("en")).toContain("not valid");
  });

  it("a form that applies to a group is expected from the period a unit joins (mid-quarter)", async () => {
    const year = await buildScorecard({ packageKey: KEY, period: "2025", parentCode: "11.01", indicators: ["ind_blud"], trend: false });
    const cell = (code: string) => year.scorecard.rows.find((r) => r.code === code)!.cells[0];
    expect(cell("P1").expected).toBe(4); // joined in February: Q1 counts
    expect(cell("P2").expected).toBe(2); // joined in August: Q3 and Q4
    expect(cell("P2").completeness).toBeCloseTo(1 / 2, 9);
    const q2 = await buildScorecard({ packageKey: KEY, period: "2025-Q2", parentCode: "11.01", indicators: ["ind_blud"], trend: false });
    expect(q2.scorecard.rows.find((r) => r.code === "P2")!.cells[0].expected).toBe(0);
  });

  it("a membership change reaches a cached scorecard: group tables bump the global version", async () => {
    const db = getDb();
    const q = { packageKey: KEY, period: "2025-Q2", parentCode: "11.01", indicators: ["ind_blud"], trend: false };
    const before = await buildScorecard(q);
    expect(await buildScorecard(q)).toBe(before); // cached
    const p2 = () => before.scorecard.rows.find((r) => r.code === "P2")!;
    expect(p2().cells[0].expected).toBe(0);
    const v0 = (await readVersions(db)).global;
    const blud = await db.selectFrom("org_group").select("id").where("key", "=", "blud").executeTakeFirstOrThrow();
    const { id } = await db
      .insertInto("org_group_member")
      .values({ group_id: blud.id, org_unit_id: unit.P2.id, from_month: m(2025, 4), to_month: m(2025, 6), created_by: null, created_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const v1 = (await readVersions(db)).global;
    expect(v1).toBeGreaterThan(v0);
    const after = await buildScorecard(q);
    expect(after.scorecard.rows.find((r) => r.code === "P2")!.cells[0].expected).toBe(1);
    await db
      .updateTable("org_group_member")
      .set({ to_month: m(2025, 3) })
      .where("id", "=", id)
      .execute();
    const v2 = (await readVersions(db)).global;
    expect(v2).toBeGreaterThan(v1);
    expect((await buildScorecard(q)).scorecard.rows.find((r) => r.code === "P2")!.cells[0].expected).toBe(0);
    await db.deleteFrom("org_group_member").where("id", "=", id).execute();
    const v3 = (await readVersions(db)).global;
    expect(v3).toBeGreaterThan(v2);
    await db.updateTable("org_group").set({ name: "BLUD" }).where("id", "=", blud.id).execute();
    expect((await readVersions(db)).global).toBeGreaterThan(v3);
  });

  it("opens on the latest period whose reports reach 80 % of the units expected for each form", async () => {
    const now = new Date("2026-01-20T08:00:00Z");
    const chosen = await defaultScorecardPeriod(KEY, [unit.ID.path], now);
    // Expected per month: 5 Posyandu (posyandu_bulanan) + 2 Pustu and 5 Posyandu (desa_bulanan) + 3 Puskesmas (pkm_bulanan).
    const share = (period: string) =>
      reports().filter(
        (r) =>
          r.status !== "draft" &&
          r.period === period &&
          ((r.form === "posyandu_bulanan" && LEVEL[r.unit] === "posyandu") ||
            (r.form === "desa_bulanan" && LEVEL[r.unit] !== "puskesmas") ||
            (r.form === "pkm_bulanan" && LEVEL[r.unit] === "puskesmas")),
      ).length / 15;
    const candidates = ["2025-12", "2025-11", "2025-10", "2025-09", "2025-08", "2025-07"];
    const first = candidates.find((p) => share(p) >= 0.8);
    expect(first).toBeDefined();
    expect(chosen.period).toBe(first);
    expect(chosen.rule).toBe("threshold");
    expect(chosen.completeness).toBeCloseTo(share(first!), 9);
  });

  it("migration 014 backfills puskesmas_id of existing reports", async () => {
    const db = getDb();
    const snapshot = async () =>
      (await db.selectFrom("submission").select(["id", "puskesmas_id"]).where("package_key", "=", KEY).orderBy("id").execute()).map((r) => [
        r.id,
        r.puskesmas_id,
      ]);
    const before = await snapshot();
    await m014.down(db);
    await m014.up(db);
    expect(await snapshot()).toEqual(before);
    const values = await db
      .selectFrom("submission_value as v")
      .innerJoin("submission as s", "s.id", "v.submission_id")
      .select(["v.puskesmas_id as v", "s.puskesmas_id as s"])
      .execute();
    for (const x of values) expect(x.v).toBe(x.s);
    // Still grouped right after the backfill.
    const pkg = (await effectivePackage(KEY, null))!.package;
    const rows = await listChildren(db, unit["11.01"].id);
    const plan = planScorecard(pkg, { period: "2025", rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) });
    expectSameFacts(await sqlRowFacts(db, plan, rows), computeRowFacts(plan, memorySource), "after backfill");
  });
});
