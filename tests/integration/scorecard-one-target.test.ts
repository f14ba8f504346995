/**
 * One cell, one judgement: a unit × indicator × period shows the same value, target,
 * achievement and colour on every page that shows it — the district's own scorecard, its
 * province's, the national one, a level view across districts, the comparison, the explanation
 * and the CSV export — because each row is judged by its nearest scope's target and its
 * district's bands (docs/documents.md, "Targets"). With basis=national every page judges every
 * row by the national target instead, and says so.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roundForDisplay, type ScorecardCell, type TemplatePackage } from "@engine";
import { getDb } from "~/db/db.server";
import { getOrgByCode } from "~/models/org.server";
import { buildScorecard, explainScorecardCell, type TargetBasis } from "~/models/scorecard.server";
import { buildUnitsScorecard, unitsByCode } from "~/models/scorecard-compare.server";
import { getPublishedPackage, importPackage } from "~/models/templates.server";
import * as exportRoute from "~/routes/scorecards_.export";
import * as page from "~/routes/scorecards";
import { call, FACILITATOR_USERS, makeRequest, payloadOf, puskesmasCode, useDemoDatabase } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

const PERIOD = "2025-09";
const KEY = "ilp-nasional";
const DISTRICTS = ["13.73", "61.05", "64.74", "33.28", "33.24"];

/** What must not change between pages. */
const judged = (c: Pick<ScorecardCell, "value" | "target" | "achievement" | "state" | "band">) => ({
  value: c.value,
  target: c.target?.value ?? null,
  scope: c.target ? `${c.target.scope.level}:${"org" in c.target.scope ? c.target.scope.org : ""}` : null,
  achievement: c.achievement,
  state: c.state,
  band: c.band,
});

describe.each(DIALECTS)("one target per cell on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, "2025-12", FACILITATOR_USERS));
  }, 300_000);
  afterAll(() => handle.destroy());

  /** Every page's view of one row's cells, keyed by indicator. */
  async function views(row: string, basis: TargetBasis) {
    const db = getDb();
    const unit = (await getOrgByCode(db, row))!;
    const parent = (await db.selectFrom("org_unit").select("code").where("id", "=", unit.parent_id!).executeTakeFirstOrThrow()).code;
    const q = { packageKey: KEY, period: PERIOD, basis };
    const national = (await buildScorecard({ ...q })).effective.package;
    const nationalKeys = new Set(national.indicators.map((i) => i.key));
    const pick = (cells: readonly ScorecardCell[]) =>
      Object.fromEntries(cells.filter((c) => nationalKeys.has(c.indicator)).map((c) => [c.indicator, judged(c)]));
    const out: Record<string, Record<string, ReturnType<typeof judged>>> = {};
    const inParent = await buildScorecard({ ...q, parentCode: parent });
    out.parentPage = pick(inParent.scorecard.rows.find((r) => r.code === row)!.cells);
    const level = await buildScorecard({ ...q, level: unit.level as "district" | "puskesmas" });
    out.levelPage = pick(level.scorecard.rows.find((r) => r.code === row)!.cells);
    if (unit.level === "district") out.ownPage = pick((await buildScorecard({ ...q, parentCode: row })).scorecard.total.cells);
    // Compared with a unit of another district (so the national package computes both rows).
    const other = unit.level === "district" ? (row === "33.28" ? "33.24" : "33.28") : puskesmasCode(row.startsWith("33.28") ? "Plantungan" : "Kaladawa");
    const { units } = await unitsByCode([row, other], db);
    out.compare = pick((await buildUnitsScorecard({ ...q }, units, db)).scorecard.rows.find((r) => r.code === row)!.cells);
    const explained: Record<string, ReturnType<typeof judged>> = {};
    for (const key of Object.keys(out.parentPage)) {
      const e = await explainScorecardCell({ ...q, parentCode: parent, indicators: [key] }, { row, indicator: key });
      explained[key] = judged(e);
    }
    out.explain = explained;
    return out;
  }

  it("judges each district by its own adapted targets and bands on every page", async () => {
    let fromDistrict = 0;
    for (const d of DISTRICTS) {
      const v = await views(d, "nearest");
      for (const [name, cells] of Object.entries(v)) expect(cells, `${d} ${name}`).toEqual(v.ownPage);
      fromDistrict += Object.values(v.ownPage).filter((c) => c.scope === `district:${d}`).length;
    }
    // The demo districts set their own targets for several national indicators: the check bites.
    expect(fromDistrict).toBeGreaterThanOrEqual(5);
    // Sintang: its own quarterly target for ilp_puskesmas (Q3: 70) and its own bands, on the national page too.
    const national = await buildScorecard({ packageKey: KEY, period: PERIOD, level: "district" });
    const sintang = national.scorecard.rows.find((r) => r.code === "61.05")!.cells.find((c) => c.indicator === "ilp_puskesmas")!;
    expect(sintang.target).toMatchObject({ value: 70, scope: { level: "district", org: "61.05" } });
  });

  it("judges a Puskesmas the same in its district's page, a level view across districts and a comparison", async () => {
    for (const name of ["Kaladawa", "Plantungan", "Tebidah"]) {
      const code = puskesmasCode(name);
      const v = await views(code, "nearest");
      for (const [page, cells] of Object.entries(v)) expect(cells, `${name} ${page}`).toEqual(v.parentPage);
    }
    // Across two districts (the Central Java facilitator's Puskesmas): each by its own district.
    const across = await buildScorecard({ packageKey: KEY, period: PERIOD, level: "puskesmas", scopePaths: await pathsOf(["33.28", "33.24"]) });
    const tegal = await buildScorecard({ packageKey: KEY, period: PERIOD, parentCode: "33.28" });
    for (const row of tegal.scorecard.rows) {
      const same = across.scorecard.rows.find((r) => r.code === row.code)!;
      for (const cell of row.cells.filter((c) => !c.indicator.startsWith("lokal_"))) {
        expect(judged(same.cells.find((c) => c.indicator === cell.indicator)!), `${row.code} ${cell.indicator}`).toEqual(judged(cell));
      }
    }
  });

  it("with basis=national judges every row by the national target on every page", async () => {
    for (const d of ["61.05", "33.28"]) {
      const v = await views(d, "national");
      for (const [name, cells] of Object.entries(v)) expect(cells, `${d} ${name}`).toEqual(v.ownPage);
      for (const c of Object.values(v.ownPage)) if (c.scope !== null) expect(c.scope, d).toBe("national:");
    }
    const sintang = (await buildScorecard({ packageKey: KEY, period: PERIOD, level: "district", basis: "national" })).scorecard.rows.find(
      (r) => r.code === "61.05",
    )!;
    expect(sintang.cells.find((c) => c.indicator === "ilp_puskesmas")!.target?.scope.level).toBe("national");
  });

  it("exports the cells as the page judges them, and says which basis", async () => {
    for (const basis of ["nearest", "national"] as const) {
      const search = `?period=${PERIOD}&parent=61&basis=${basis}`;
      const res = (await call(exportRoute.loader, makeRequest(`/scorecards${search}&format=csv`, { cookie: cookie.national }))) as Response;
      expect(res.status).toBe(200);
      const rows = parse((await res.text()).replace(/^\uFEFF/, ""), { columns: true }) as Array<Record<string, string>>;
      const built = await buildScorecard({ packageKey: KEY, period: PERIOD, parentCode: "61", basis });
      const sintang = rows.find((r) => r.kode === "61.05")!;
      expect(sintang.dasar_target).toBe(basis === "national" ? "nasional" : "terdekat");
      for (const cell of built.scorecard.rows.find((r) => r.code === "61.05")!.cells) {
        expect(sintang[`${cell.indicator}_target`], cell.indicator).toBe(cell.target ? String(cell.target.value) : "");
        expect(sintang[`${cell.indicator}_status`], cell.indicator).toBe(cell.state);
        expect(sintang[`${cell.indicator}_capaian`], cell.indicator).toBe(cell.achievement === null ? "" : String(roundForDisplay(cell.achievement, 1)));
      }
      const html = payloadOf<{ view: unknown; sel: { basis: string } }>(
        await call(page.loader, makeRequest(`/scorecards${search}`, { cookie: cookie.national })),
      );
      expect(html.sel.basis).toBe(basis);
    }
  });

  it("after a new national version, judges an adaptation still on the old one by the newest national targets on every page", async () => {
    const v1 = (await getPublishedPackage(KEY))!.document;
    const before: Record<string, number | null> = {};
    for (const d of ["61.05", "33.24"]) before[d] = (await views(d, "nearest")).ownPage.spm_07.target;
    // v2 changes one national target; no district has adapted onto it.
    const v2 = structuredClone(v1) as TemplatePackage;
    v2.version = v1.version + 1;
    const t = v2.targets.find((x) => x.indicator === "spm_07" && x.year === 2025 && x.scope.level === "national")!;
    t.value = t.value - 7;
    const published = await importPackage(v2, { userId: null });
    expect(published.ok).toBe(true);
    for (const basis of ["nearest", "national"] as const) {
      for (const d of ["61.05", "33.24"]) {
        const v = await views(d, basis);
        for (const [name, cells] of Object.entries(v)) expect(cells, `${basis} ${d} ${name}`).toEqual(v.ownPage);
        // The newest national target (the cell's profile scales the annual value alike).
        expect(v.ownPage.spm_07.target! / before[d]!, `${basis} ${d}`).toBeCloseTo(t.value / (t.value + 7), 10);
      }
    }
  });
});

async function pathsOf(codes: string[]): Promise<string[]> {
  const rows = await getDb().selectFrom("org_unit").select("path").where("code", "in", codes).execute();
  return rows.map((r) => r.path);
}
