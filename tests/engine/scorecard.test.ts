import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { TemplatePackage } from "@engine/documents";
import type { RowFacts } from "@engine/facts";
import { PeriodError } from "@engine/period";
import {
  compilePackage,
  compositeScore,
  computeScorecard,
  explainCell,
  formatNumberId,
  planScorecard,
  rankScores,
  roundForDisplay,
  ScorecardRequestError,
  summarizeExplanation,
  type ScorecardRequest,
} from "@engine/scorecard";
import { expectAllFinite, fixturePackage, rowRef, runPipeline } from "./helpers";

/** A small package: three monthly count indicators with targets of 100 and weights 1, 1, 2. */
function tinyPackage(): TemplatePackage {
  const field = (key: string) => ({ key, type: "integer" as const, label: { id: key } });
  return {
    key: "mini",
    version: 1,
    title: { id: "Mini" },
    owner: "nasional",
    source: "test",
    groups: [],
    forms: [
      {
        key: "f",
        title: { id: "F" },
        periodType: "month",
        source: "t",
        sections: [{ key: "s", title: { id: "S" }, fields: [field("a"), field("b"), field("c"), field("n")] }],
      },
    ],
    indicators: [
      { key: "ia", name: { id: "A" }, group: "g", numerator: "a", denominator: "n", factor: 100, source: "t" },
      { key: "ib", name: { id: "B" }, group: "g", numerator: "b", denominator: "n", factor: 100, source: "t" },
      { key: "ic", name: { id: "C" }, group: "h", numerator: "c", denominator: "n", factor: 100, weight: 2, source: "t" },
    ],
    targets: ["ia", "ib", "ic"].flatMap((indicator) =>
      [2024, 2025].map((year) => ({ indicator, year, scope: { level: "national" as const }, value: 100, profile: { type: "flat" as const }, source: "t" })),
    ),
    rules: [],
  };
}

function facts(row: string, window: string, totals: Record<string, number | null>, reported = 1, expected = 1): RowFacts {
  return { row, window, totals, reported: { f: reported }, expected: { f: expected } };
}

const rows = ["A", "B", "C", "D"].map((code) => ({ code, name: `Unit ${code}`, level: "puskesmas" }));

describe("scorecard: composite and rank", () => {
  const pkg = tinyPackage();
  const request: ScorecardRequest = { period: "2025-03", rows };
  const data = {
    facts: [
      facts("A", "current", { a: 100, b: 50, c: 100, n: 100 }), // (100 + 50 + 2·100)/4 = 87.5
      facts("B", "current", { a: 150, b: 50, c: 100, n: 100 }), // capped: (100 + 50 + 200)/4 = 87.5
      facts("C", "current", { a: 10, b: null, c: null, n: 100 }), // only ia scored: 10
      // D reported nothing at all
    ],
  };
  const sc = computeScorecard(pkg, request, data);

  test("composite = weighted mean of achievements capped at 100", () => {
    expect(sc.rows[0].score).toBeCloseTo(87.5, 9);
    expect(sc.rows[1].score).toBeCloseTo(87.5, 9);
    expect(sc.rows[2].score).toBeCloseTo(10, 9);
    expect(sc.rows[2].scoredCells).toBe(1);
  });

  test("a row without any coloured cell has no score and no rank", () => {
    expect(sc.rows[3].score).toBeNull();
    expect(sc.rows[3].rank).toBeNull();
    expect(sc.rows[3].cells.every((c) => c.state === "nodata" && c.reason === "NO_DATA")).toBe(true);
  });

  test("ties share a rank and the next rank skips", () => {
    expect(sc.rows.map((r) => r.rank)).toEqual([1, 1, 3, null]);
  });

  test("rows keep request order", () => {
    expect(sc.rows.map((r) => r.code)).toEqual(["A", "B", "C", "D"]);
  });

  test("the total row is the ratio of sums over the rows", () => {
    const ia = sc.total.cells.find((c) => c.indicator === "ia")!;
    expect(ia.numerator).toBe(260);
    expect(ia.denominator).toBe(300);
    expect(ia.value).toBeCloseTo((260 / 300) * 100, 9);
    expect(sc.total.rank).toBeNull();
  });

  test("columns carry display metadata", () => {
    expect(sc.columns.map((c) => c.key)).toEqual(["ia", "ib", "ic"]);
    expect(sc.columns[2]).toMatchObject({ weight: 2, decimals: 1, direction: "higher", bands: { green: 100, yellow: 80 }, periodLabel: "Maret 2025" });
  });

  test("group filter and explicit indicator order", () => {
    expect(computeScorecard(pkg, { ...request, group: "h" }, data).columns.map((c) => c.key)).toEqual(["ic"]);
    expect(computeScorecard(pkg, { ...request, indicators: ["ic", "ia"] }, data).columns.map((c) => c.key)).toEqual(["ic", "ia"]);
  });

  test("incomplete cells do not enter the composite", () => {
    const sc2 = computeScorecard(pkg, { period: "2025-03", rows: [rows[0]] }, { facts: [facts("A", "current", { a: 10, b: 100, c: 100, n: 100 }, 1, 2)] });
    expect(sc2.rows[0].cells.every((c) => c.state === "incomplete")).toBe(true);
    expect(sc2.rows[0].score).toBeNull();
  });
});

describe("scorecard: helpers", () => {
  test("rankScores: competition ranking on displayed precision", () => {
    expect(rankScores([50, 80.04, null, 80.01, 10])).toEqual([3, 1, null, 1, 4]);
    expect(rankScores([])).toEqual([]);
  });

  test("compositeScore ignores zero or negative weights", () => {
    expect(
      compositeScore(
        [
          { achievement: 50, state: "red" },
          { achievement: 100, state: "green" },
        ],
        [0, 1],
      ),
    ).toEqual({ score: 100, scoredCells: 1 });
  });

  test("display rounding and Indonesian number format", () => {
    expect(roundForDisplay(12.345, 2)).toBe(12.35);
    expect(roundForDisplay(-0.04, 1)).toBe(0);
    expect(formatNumberId(1234567.891, 1)).toBe("1.234.567,9");
    expect(formatNumberId(0.5, 0)).toBe("1");
    expect(formatNumberId(-1234.5, 2)).toBe("-1.234,50");
    expect(formatNumberId(null)).toBe("–");
  });
});

describe("scorecard: trend", () => {
  const pkg = tinyPackage();
  const request: ScorecardRequest = { period: "2025-01", rows: rows.slice(0, 3), indicators: ["ia"] };
  const data = {
    facts: [
      facts("A", "current", { a: 90, n: 100 }),
      facts("A", "previous", { a: 80, n: 100 }),
      facts("B", "current", { a: 70, n: 100 }),
      facts("B", "previous", { a: 80, n: 100 }),
      facts("C", "current", { a: 70, n: 100 }),
    ],
  };
  const sc = computeScorecard(pkg, request, data);

  test("previous period of January is December of the year before, with that year's target", () => {
    const cell = sc.rows[0].cells[0];
    expect(cell.previous).toEqual({ period: "2024-12", value: 80, achievement: 80 });
    expect(cell.trend).toMatchObject({ arrow: "up", verdict: "better" });
  });

  test("down is worse; no previous data means no trend", () => {
    expect(sc.rows[1].cells[0].trend).toMatchObject({ arrow: "down", verdict: "worse" });
    expect(sc.rows[2].cells[0].trend).toBeNull();
  });

  test("facts split into current/previous give the same scorecard as one list", () => {
    const split = computeScorecard(pkg, request, {
      current: data.facts.filter((f) => f.window === "current"),
      previous: data.facts.filter((f) => f.window === "previous"),
    });
    expect(split).toEqual(sc);
  });

  test("a single total RowFacts replaces the summed total for its window", () => {
    const withTotal = computeScorecard(pkg, request, { ...data, total: facts("X", "current", { a: 1, n: 4 }) });
    expect(withTotal.total.cells[0]).toMatchObject({ value: 25, numerator: 1, denominator: 4 });
    expect(withTotal.total.cells[0].previous).toMatchObject({ value: 80 });
  });

  test("trend: false plans no previous window", () => {
    const plan = planScorecard(pkg, { ...request, trend: false });
    expect(plan.windows.map((w) => w.id)).toEqual(["current"]);
    expect(computeScorecard(pkg, { ...request, trend: false }, data).rows[0].cells[0].trend).toBeNull();
  });
});

describe("scorecard: plan", () => {
  test("per-unit fields only for count_units, ytd windows only where needed", () => {
    const plan = planScorecard(fixturePackage(), { period: "2025-03", rows: [rowRef("13.73")], indicators: ["spm_01", "ilp_pkm"] });
    const byId = Object.fromEntries(plan.windows.map((w) => [w.id, w]));
    expect(Object.keys(byId).sort()).toEqual(["current", "current-ytd", "previous", "previous-ytd"]);
    expect(byId["current-ytd"]).toMatchObject({ start: 2025 * 12, end: 2025 * 12 + 2, fields: ["bumil_k6", "sasaran_bumil"], unitFields: [] });
    expect(byId.current.unitFields).toEqual(["sk_klaster", "alur_klaster"]);
    // March closes Q1, so the month window reads it; February (the previous window) closes no quarter.
    expect(byId.current.formPeriods.ilp_triwulan).toEqual(["2025-Q1"]);
    expect(byId.previous.formPeriods.ilp_triwulan).toEqual([]);
    expect(plan.fields.sk_klaster).toEqual({ key: "sk_klaster", form: "ilp_triwulan", periodType: "quarter", type: "boolean", aggregation: "last" });
    expect(plan.indicators).toEqual([
      { key: "spm_01", window: "current-ytd", previousWindow: "previous-ytd" },
      { key: "ilp_pkm", window: "current", previousWindow: "previous" },
    ]);
  });

  test("a year period never plans a separate ytd window", () => {
    const plan = planScorecard(fixturePackage(), { period: "2025", rows: [], indicators: ["spm_01"] });
    expect(plan.windows.map((w) => w.id)).toEqual(["current", "previous"]);
  });

  test("bad requests fail with Bahasa Indonesia messages", () => {
    expect(() => planScorecard(fixturePackage(), { period: "2025-13", rows: [] })).toThrow(PeriodError);
    expect(() => planScorecard(fixturePackage(), { period: "2025-01", rows: [], indicators: ["tidak_ada"] })).toThrow(ScorecardRequestError);
    expect(() => planScorecard(fixturePackage(), { period: "2025-01", rows: [], indicators: ["__proto__"] })).toThrow(/tidak ada dalam paket/);
  });

  test("indicators are compiled once per package object", () => {
    const pkg = fixturePackage();
    expect(compilePackage(pkg)).toBe(compilePackage(pkg));
    expect(compilePackage(fixturePackage())).not.toBe(compilePackage(pkg));
  });
});

describe("scorecard: robustness", () => {
  test("a broken indicator formula yields FORMULA_ERROR cells, the rest still computes", () => {
    const pkg = tinyPackage();
    pkg.indicators.push({ key: "rusak", name: { id: "Rusak" }, group: "g", numerator: "a +", source: "t" });
    pkg.indicators.push({ key: "bool", name: { id: "Bool" }, group: "g", numerator: "a > 1", source: "t" });
    const sc = computeScorecard(pkg, { period: "2025-03", rows: [rows[0]] }, { facts: [facts("A", "current", { a: 1, n: 1 })] });
    const byKey = Object.fromEntries(sc.rows[0].cells.map((c) => [c.indicator, c]));
    expect(byKey.rusak).toMatchObject({ value: null, reason: "FORMULA_ERROR", state: "nodata" });
    expect(byKey.bool).toMatchObject({ reason: "FORMULA_ERROR" });
    expect(byKey.ia.value).toBe(100);
    const ex = explainCell(pkg, { period: "2025-03", rows: [rows[0]] }, { facts: [] }, { row: "A", indicator: "rusak" });
    expect(ex.formula.errors.length).toBeGreaterThan(0);
    expect(ex.formula.errors[0].part).toBe("numerator");
  });

  test("facts without the per-unit values a count_units indicator needs are a contract error", () => {
    const pkg = fixturePackage();
    const request: ScorecardRequest = { period: "2025-Q1", rows: [rowRef("13.73")], indicators: ["ilp_pkm"], trend: false };
    const f: RowFacts = {
      row: "13.73",
      window: "current",
      totals: { sk_klaster: 1, alur_klaster: 1 },
      reported: { ilp_triwulan: 1 },
      expected: { ilp_triwulan: 2 },
    };
    expect(() => computeScorecard(pkg, request, { facts: [f] })).toThrow(/per-unit/);
  });

  test("org chains may be a Map; missing chains fall back to the row itself", () => {
    const pkg = fixturePackage();
    const request: ScorecardRequest = { period: "2025-06", rows: [rowRef("P3")], indicators: ["spm_01"], trend: false };
    const f: RowFacts = {
      row: "P3",
      window: "current-ytd",
      totals: { bumil_k6: 30, sasaran_bumil: 100 },
      reported: { spm_bulanan: 6, sasaran_tahunan: 1 },
      expected: { spm_bulanan: 6, sasaran_tahunan: 1 },
    };
    const withMap = computeScorecard(pkg, request, {
      facts: [f],
      orgChains: new Map([
        [
          "P3",
          [
            { code: "13.74", level: "district" },
            { code: "P3", level: "puskesmas" },
          ],
        ],
      ]),
    });
    expect(withMap.rows[0].cells[0].target?.scope).toEqual({ level: "puskesmas", org: "P3" });
    const without = computeScorecard(pkg, request, { facts: [f] });
    expect(without.rows[0].cells[0].target?.scope).toEqual({ level: "puskesmas", org: "P3" });
  });

  test("no NaN or Infinity for any facts (property)", () => {
    const pkg = fixturePackage();
    const request: ScorecardRequest = { period: "2025-03", rows: [rowRef("13.73"), rowRef("13.74")] };
    const plan = planScorecard(pkg, request);
    const value = fc.oneof(
      fc.constant(null),
      fc.constant(0),
      fc.integer({ min: -5, max: 1000 }),
      fc.double({ min: -1e6, max: 1e300, noNaN: true, noDefaultInfinity: true }),
    );
    const rowFacts = (row: string) =>
      fc.tuple(
        ...plan.windows.map((w) =>
          fc
            .record({
              totals: fc.tuple(...w.fields.map(() => value)),
              units: fc.array(fc.tuple(...w.unitFields.map(() => fc.oneof(fc.constant(null), fc.constant(0), fc.constant(1)))), { maxLength: 4 }),
              counts: fc.tuple(...w.forms.map(() => fc.tuple(fc.nat(5), fc.nat(5)))),
            })
            .map(({ totals, units, counts }): RowFacts => ({
              row,
              window: w.id,
              totals: Object.fromEntries(w.fields.map((k, i) => [k, totals[i]])),
              units: units.map((vals, i) => ({ code: `${row}-${i}`, values: Object.fromEntries(w.unitFields.map((k, j) => [k, vals[j]])) })),
              reported: Object.fromEntries(w.forms.map((f, i) => [f, Math.min(counts[i][0], counts[i][1])])),
              expected: Object.fromEntries(w.forms.map((f, i) => [f, counts[i][1]])),
            })),
        ),
      );
    fc.assert(
      fc.property(rowFacts("13.73"), rowFacts("13.74"), (a, b) => {
        const data = { facts: [...a, ...b] };
        const sc = computeScorecard(pkg, request, data);
        expectAllFinite(sc);
        for (const row of [...sc.rows, sc.total]) {
          for (const cell of row.cells) {
            expect((cell.value === null) === (cell.reason !== null)).toBe(true);
            if (cell.completeness !== null) expect(cell.completeness).toBeLessThanOrEqual(1);
          }
        }
        expectAllFinite(explainCell(pkg, request, data, { row: "13.73", indicator: "spm_01" }));
      }),
      { numRuns: 150 },
    );
  });
});

describe("explainCell", () => {
  const pkg = fixturePackage();
  const submissions = [
    { org: "P1", form: "spm_bulanan", period: "2025-01", status: "approved", values: { bumil_k6: 5 } },
    { org: "P1", form: "spm_bulanan", period: "2025-02", status: "approved", values: { bumil_k6: 5 } },
    { org: "P1", form: "sasaran_tahunan", period: "2025", status: "approved", values: { sasaran_bumil: 100 } },
    { org: "P2", form: "spm_bulanan", period: "2025-01", status: "approved", values: { bumil_k6: 5 } },
    { org: "P2", form: "spm_bulanan", period: "2025-02", status: "approved", values: { bumil_k6: 5 } },
    { org: "P2", form: "spm_bulanan", period: "2025-03", status: "draft", values: { bumil_k6: 50 } },
    { org: "P2", form: "sasaran_tahunan", period: "2025", status: "approved", values: { sasaran_bumil: 100 } },
    { org: "P1", form: "ilp_triwulan", period: "2025-Q1", status: "approved", values: { sk_klaster: true, alur_klaster: true } },
    { org: "P2", form: "ilp_triwulan", period: "2025-Q1", status: "approved", values: { sk_klaster: false, alur_klaster: true } },
  ];
  const request = { period: "2025-03", rows: [rowRef("P1"), rowRef("P2")], total: rowRef("13.73") };
  const { explain } = runPipeline(pkg, request, submissions);

  test("why a cell is red: formula, inputs, target with scope, bands, thresholds", () => {
    const ex = explain("P1", "spm_01");
    expect(ex.formula).toEqual({ numerator: "bumil_k6", denominator: "sasaran_bumil", errors: [] });
    expect(ex.inputs.map((i) => [i.field, i.value, i.aggregation, i.form])).toEqual([
      ["bumil_k6", 10, "sum", "spm_bulanan"],
      ["sasaran_bumil", 100, "sum", "sasaran_tahunan"],
    ]);
    expect(ex).toMatchObject({ numerator: 10, denominator: 100, value: 10, state: "incomplete", band: "red", achievement: 40 });
    expect(ex.target).toMatchObject({ value: 25, annual: 100, scope: { level: "national" }, scopeLabel: "nasional" });
    expect(ex.bands).toEqual({ green: 100, yellow: 80 });
    expect(ex.thresholds).toEqual({ green: 25, yellow: 20 });
    expect(ex.window).toMatchObject({ period: "2025-03", ytd: true, label: "Januari–Maret 2025 (kumulatif)" });
  });

  test("contributing and missing units per form, with the periods expected", () => {
    const ex = explain("13.73", "spm_01");
    const monthly = ex.forms.find((f) => f.form === "spm_bulanan")!;
    expect(monthly).toMatchObject({ periods: ["2025-01", "2025-02", "2025-03"], reported: 4, expected: 6, contributing: ["P1", "P2"], missing: ["P1", "P2"] });
    expect(ex.completeness).toBeCloseTo(6 / 8, 9);
    expect(ex.summary).toContain("Data belum lengkap");
    expect(ex.summary).toContain("Kelengkapan laporan 75,0%");
  });

  test("count_units cells list each unit's own values", () => {
    const quarter = runPipeline(pkg, { period: "2025-Q1", rows: [rowRef("13.73")] }, submissions);
    const ex = quarter.explain("13.73", "ilp_pkm");
    expect(ex).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(ex.units).toEqual(
      [
        { code: "P1", values: { sk_klaster: 1, alur_klaster: 1 } },
        { code: "P2", values: { sk_klaster: 0, alur_klaster: 1 } },
      ].map((u) => ({ ...u, values: expect.objectContaining(u.values) })),
    );
    expect(ex.inputs.every((i) => i.perUnit)).toBe(true);
  });

  test("a month that closes a quarter reads that quarter's reports (March → Q1)", () => {
    const ex = explain("13.73", "ilp_pkm");
    expect(ex).toMatchObject({ numerator: 1, denominator: 2, value: 50, completeness: 1, reason: null });
    expect(ex.forms[0]).toMatchObject({ periods: ["2025-Q1"], reported: 2, expected: 2 });
    // February, the previous window, closes no quarter: no trend value.
    expect(ex.previous).toMatchObject({ period: "2025-02", value: null });
  });

  test("a month mid-quarter closes no quarter: quarterly indicators are no data", () => {
    const feb = runPipeline(pkg, { period: "2025-02", rows: [rowRef("P1"), rowRef("P2")], total: rowRef("13.73"), indicators: ["ilp_pkm"] }, submissions);
    const ex = feb.explain("13.73", "ilp_pkm");
    expect(ex).toMatchObject({ reason: "NO_DATA", completeness: null, units: [] });
    expect(ex.forms[0].periods).toEqual([]);
  });

  test("a nodata cell explains the reason in Bahasa Indonesia", () => {
    const ex = explain("P1", "kematian");
    expect(ex.reason).toBe("NO_DATA");
    expect(ex.summary).toMatch(/Tidak ada data/);
    expect(ex.summary).toMatch(/belum ada laporan/);
    expect(summarizeExplanation(ex, "en")).toBe(
      "No data. No value: no report has come in for this period yet. Reporting completeness 0,0% (minimum 90%); 1 unit has not fully reported.",
    );
  });

  test("the summary in English says the same as the Indonesian one", () => {
    const red = explain("P1", "spm_01");
    expect(summarizeExplanation(red)).toBe(red.summary);
    expect(red.summary).toBe(
      "Data belum lengkap. Nilai 10,0 %. Target 25,0 (dari target nasional), capaian 40,0%; hijau bila capaian ≥ 100,0%, kuning bila ≥ 80,0%. Kelengkapan laporan 75,0% (minimal 90%); 1 unit belum lengkap melapor.",
    );
    expect(summarizeExplanation(red, "en")).toBe(
      "Incomplete data. Value 10,0 %. Target 25,0 (from the national target), achievement 40,0%; green when achievement ≥ 100,0%, yellow when ≥ 80,0%. Reporting completeness 75,0% (minimum 90%); 1 unit has not fully reported.",
    );
  });

  test("unknown row or indicator is a request error", () => {
    expect(() => explain("P9", "spm_01")).toThrow(ScorecardRequestError);
    expect(() => explain("P1", "tidak_ada")).toThrow(ScorecardRequestError);
  });
});

describe("units() without count_units", () => {
  test("marks the cell as a formula problem instead of failing the scorecard", async () => {
    const { planScorecard: plan, computeScorecard: compute, computeRowFacts: facts } = await import("@engine");
    const pkg = {
      key: "uji",
      version: 1,
      title: { id: "Uji" },
      owner: "nasional",
      source: "uji",
      groups: [{ key: "g", name: { id: "G" } }],
      forms: [
        {
          key: "f",
          title: { id: "F" },
          periodType: "month",
          source: "uji",
          sections: [{ key: "s", title: { id: "S" }, fields: [{ key: "a", type: "integer", label: { id: "A" } }] }],
        },
      ],
      indicators: [{ key: "per_unit", name: { id: "Per unit" }, group: "g", numerator: "a", denominator: "units()", source: "uji" }],
      targets: [],
      rules: [],
    } as never;
    const request = { period: "2025-01", rows: [{ code: "D", name: "D", level: "district" }] };
    const data = facts(plan(pkg, request), {
      orgUnits: [
        { code: "D", level: "district", parentCode: null },
        { code: "P", level: "puskesmas", parentCode: "D" },
      ],
      submissions: [{ org: "P", form: "f", period: "2025-01", status: "submitted", values: { a: 3 } }],
    });
    const card = compute(pkg, request, { facts: data });
    expect(card.rows[0].cells[0].reason).toBe("FORMULA_ERROR");
    expect(card.rows[0].cells[0].value).toBeNull();
  });
});
