/**
 * Per-unit facts as columns (engine/facts.ts UnitColumns, docs/decisions/044-columnar-unit-facts.md):
 * the scorecard computed from units given as columns — one UnitColumns per row, or one shared by
 * every row with a segment each, as the fact index gives them — equals the scorecard from the same
 * units as UnitFacts objects, cell by cell and for the total row: count_units and units() over
 * missing values, zero denominators, in_group, an indicator's own per-unit forms, the org-group
 * filter and trends. Values counted by hand pin a few cells so equal is not "equally wrong".
 */
import { describe, expect, test } from "vitest";
import type { TemplatePackage } from "@engine/documents";
import type { GroupMembership } from "@engine/expected";
import { sumRowFacts, unitColumnsOf, unitFactsOf } from "@engine/aggregate";
import type { RowFacts, ScorecardPlan } from "@engine/facts";
import { computeRowFacts, type MemoryOrgUnit, type MemorySubmission } from "@engine/facts-memory";
import { monthIndex } from "@engine/period";
import { computeScorecard, planScorecard, type ScorecardRequest } from "@engine/scorecard";

// ID ─ 11.01 ─ PKM1 ─ PY1, PY2
//            └ PKM2 ─ PY3
//      └ 11.02 ─ PKM3 ─ PY4
//            └ PKM4 (never reports)
const ORGS: MemoryOrgUnit[] = [
  { code: "ID", level: "national", parentCode: null },
  { code: "11.01", level: "district", parentCode: "ID" },
  { code: "11.02", level: "district", parentCode: "ID" },
  { code: "PKM1", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM2", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM3", level: "puskesmas", parentCode: "11.02" },
  { code: "PKM4", level: "puskesmas", parentCode: "11.02" },
  { code: "PY1", level: "posyandu", parentCode: "PKM1" },
  { code: "PY2", level: "posyandu", parentCode: "PKM1" },
  { code: "PY3", level: "posyandu", parentCode: "PKM2" },
  { code: "PY4", level: "posyandu", parentCode: "PKM3" },
];

const field = (key: string, type: string, aggregation: string) => ({ key, type, label: { id: key }, aggregation });
const form = (key: string, fields: unknown[], extra: Record<string, unknown> = {}) => ({
  key,
  title: { id: key },
  periodType: "month",
  source: "test",
  ...extra,
  sections: [{ key: "s", title: { id: "S" }, fields }],
});
const indicator = (key: string, numerator: string, denominator?: string) => ({
  key,
  name: { id: key },
  group: "g",
  numerator,
  ...(denominator ? { denominator, factor: 100 } : {}),
  source: "test",
});

const PKG = {
  key: "kolom-uji",
  version: 1,
  title: { id: "Uji kolom" },
  owner: "nasional",
  source: "test",
  groups: [{ key: "g", name: { id: "G" } }],
  forms: [
    form("pkm_bulanan", [field("ikm", "number", "last"), field("sk", "boolean", "last"), field("kunjungan", "integer", "sum")]),
    form("posyandu_bulanan", [field("kader_aktif", "integer", "last")], { reportingLevels: ["posyandu"] }),
  ],
  indicators: [
    indicator("ikm_baik", "count_units(ikm >= 76.61)", "units()"),
    indicator("sk_ada", "count_units(sk)", "count_units(filled(sk))"),
    indicator("kader", "count_units(kader_aktif >= 5)", "units()"),
    indicator("blud_ikm", "count_units(in_group(blud) and ikm >= 76.61)", "count_units(in_group(blud))"),
    indicator("kunjungan_per_pkm", "kunjungan", "units()"),
    indicator("campur", "count_units(ikm >= 50 or kader_aktif >= 5)", "units()"),
  ],
  targets: [],
  rules: [],
} as unknown as TemplatePackage;

const sub = (org: string, formKey: string, period: string, values: Record<string, unknown>): MemorySubmission => ({
  org,
  form: formKey,
  period,
  status: "approved",
  values,
});

// Two months. PKM3 reports without ikm (missing ≠ zero); PKM4 never reports; in 11.02 no
// Puskesmas has sk, so sk_ada divides by zero there.
const SUBMISSIONS: MemorySubmission[] = [
  sub("PKM1", "pkm_bulanan", "2025-01", { ikm: 70, sk: true, kunjungan: 10 }),
  sub("PKM1", "pkm_bulanan", "2025-02", { ikm: 80, sk: true, kunjungan: 12 }),
  sub("PKM2", "pkm_bulanan", "2025-02", { ikm: 90, sk: false, kunjungan: 5 }),
  sub("PKM3", "pkm_bulanan", "2025-01", { kunjungan: 7 }),
  sub("PKM3", "pkm_bulanan", "2025-02", { kunjungan: 8 }),
  sub("PY1", "posyandu_bulanan", "2025-01", { kader_aktif: 6 }),
  sub("PY2", "posyandu_bulanan", "2025-02", { kader_aktif: 3 }),
  sub("PY3", "posyandu_bulanan", "2025-02", {}),
  sub("PY4", "posyandu_bulanan", "2025-01", { kader_aktif: 5 }),
  sub("PKM2", "pkm_bulanan", "2025-01", { ikm: 40, sk: false, kunjungan: 1 }),
  { ...sub("PKM4", "pkm_bulanan", "2025-02", { ikm: 99, sk: true }), status: "draft" },
];

const MEMBERSHIPS: Record<string, GroupMembership[]> = {
  PKM1: [{ groupKey: "blud", from: monthIndex(2025, 2), to: null }],
  PKM3: [{ groupKey: "blud", from: monthIndex(2024, 1), to: null }],
};

const ref = (code: string) => ({ code, name: code, level: ORGS.find((o) => o.code === code)!.level });

/** Each row's units as its own UnitColumns (rows may overlap: the total then de-duplicates by code). */
function perRow(facts: RowFacts[], plan: ScorecardPlan): RowFacts[] {
  return facts.map((f) => {
    if (!f.units) return f;
    const w = plan.windows.find((x) => x.id === f.window)!;
    const { units, ...rest } = f;
    return { ...rest, unitColumns: unitColumnsOf(units, w.unitFields, w.unitGroups) };
  });
}

/** Every row's units of a window in one UnitColumns, a segment per row (disjoint rows only), as the fact index gives them. */
function shared(facts: RowFacts[], plan: ScorecardPlan): RowFacts[] {
  return plan.windows.flatMap((w) => {
    const rows = facts.filter((f) => f.window === w.id);
    if (!rows.some((r) => r.units)) return rows;
    const [all] = unitColumnsOf(
      rows.flatMap((r) => r.units ?? []),
      w.unitFields,
      w.unitGroups,
    );
    let at = 0;
    return rows.map((r) => {
      const n = r.units?.length ?? 0;
      const { units: _units, ...rest } = r;
      const out: RowFacts = { ...rest, unitColumns: n > 0 ? [{ columns: all.columns, from: at, to: at + n }] : [] };
      at += n;
      return out;
    });
  });
}

function scorecards(request: Omit<ScorecardRequest, "rows">, rows: string[], memberships: Record<string, GroupMembership[]> = MEMBERSHIPS) {
  const req: ScorecardRequest = { ...request, rows: rows.map(ref) };
  const plan = planScorecard(PKG, req);
  const facts = computeRowFacts(plan, { orgUnits: ORGS, submissions: SUBMISSIONS, memberships });
  expect(facts.some((f) => f.units && f.units.length > 0)).toBe(true);
  return { plan, facts, objects: computeScorecard(PKG, req, { facts }), req };
}

describe("per-unit facts as columns", () => {
  test("columns give the scorecard objects give: district rows, every indicator, with trend (one UnitColumns per row, and one shared)", () => {
    const { plan, facts, objects, req } = scorecards({ period: "2025-02", trend: true }, ["11.01", "11.02"]);
    expect(plan.windows.map((w) => w.id)).toEqual(["current", "previous"]);
    expect(computeScorecard(PKG, req, { facts: perRow(facts, plan) })).toEqual(objects);
    const columnar = shared(facts, plan);
    expect(columnar.every((f) => f.units === undefined && f.unitColumns !== undefined)).toBe(true);
    expect(computeScorecard(PKG, req, { facts: columnar })).toEqual(objects);

    // By hand, February, 11.01: Puskesmas PKM1 (ikm 80, sk) and PKM2 (ikm 90, no sk); Posyandu PY2 (kader 3), PY3 (no value).
    const cell = (row: string, key: string) => objects.rows.find((r) => r.code === row)!.cells[plan.indicators.findIndex((p) => p.key === key)];
    expect(cell("11.01", "ikm_baik")).toMatchObject({ numerator: 2, denominator: 2, value: 100 });
    expect(cell("11.01", "kader")).toMatchObject({ numerator: 0, denominator: 2, value: 0 });
    expect(cell("11.01", "sk_ada")).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    // 11.02: PKM3 reported without ikm or sk (missing is not zero), PKM4 only a draft.
    expect(cell("11.02", "ikm_baik")).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    expect(cell("11.02", "sk_ada")).toMatchObject({ numerator: 0, denominator: 0, reason: "DIV_ZERO" });
    expect(cell("11.02", "blud_ikm")).toMatchObject({ numerator: 0, denominator: 1 });
    expect(cell("11.01", "blud_ikm")).toMatchObject({ numerator: 1, denominator: 1 });
    // An indicator reading both forms sees the units of either: 11.01 has PKM1, PKM2 (ikm ≥ 50), PY2, PY3.
    expect(cell("11.01", "campur")).toMatchObject({ numerator: 2, denominator: 4 });
    // The total row over both districts, and the previous month's (trend) values.
    expect(objects.total.cells[plan.indicators.findIndex((p) => p.key === "ikm_baik")]).toMatchObject({ numerator: 2, denominator: 3 });
    expect(cell("11.01", "ikm_baik").previous).toMatchObject({ period: "2025-01", value: 0 });
  });

  test("year-to-date, the org-group filter and overlapping rows (the total de-duplicates by code)", () => {
    const ytd = scorecards({ period: "2025-02", ytd: true, trend: true }, ["11.01", "11.02"]);
    expect(computeScorecard(PKG, ytd.req, { facts: shared(ytd.facts, ytd.plan) })).toEqual(ytd.objects);
    const filtered = scorecards({ period: "2025-02", orgGroup: "blud", trend: false }, ["11.01", "11.02"]);
    expect(computeScorecard(PKG, filtered.req, { facts: shared(filtered.facts, filtered.plan) })).toEqual(filtered.objects);
    const overlapping = scorecards({ period: "2025-02", trend: false }, ["11.01", "PKM1", "ID"]);
    expect(computeScorecard(PKG, overlapping.req, { facts: perRow(overlapping.facts, overlapping.plan) })).toEqual(overlapping.objects);
  });

  test("without group lists in_group has no value (no unit counted), as with objects", () => {
    const { plan, facts, objects, req } = scorecards({ period: "2025-02", trend: false, indicators: ["blud_ikm"] }, ["11.01"]);
    const stripped = facts.map((f) => (f.units ? { ...f, units: f.units.map(({ groups: _g, ...u }) => u) } : f));
    const fromObjects = computeScorecard(PKG, req, { facts: stripped });
    // in_group has no value for any unit: none counted, 0 of 0.
    expect(fromObjects.rows[0].cells[0]).toMatchObject({ numerator: 0, denominator: 0, reason: "DIV_ZERO" });
    const columns = stripped.map((f) => (f.units ? { ...f, units: undefined, unitColumns: unitColumnsOf(f.units, plan.windows[0].unitFields) } : f));
    expect(computeScorecard(PKG, req, { facts: columns })).toEqual(fromObjects);
    expect(objects.rows[0].cells[0]).toMatchObject({ numerator: 1, denominator: 1 });
  });

  test("unitFactsOf gives back the objects; sumRowFacts keeps one shared UnitColumns as merged segments", () => {
    const { plan, facts } = scorecards({ period: "2025-02", trend: false }, ["11.01", "11.02"]);
    const w = plan.windows[0];
    for (const f of facts.filter((x) => x.units)) {
      const back = unitFactsOf({ unitColumns: unitColumnsOf(f.units!, w.unitFields, w.unitGroups) })!;
      expect(back.map((u) => ({ ...u, values: { ...u.values } }))).toEqual(f.units!.map((u) => ({ ...u, values: { ...u.values } })));
    }
    const columnar = shared(facts, plan);
    const total = sumRowFacts(columnar, { row: "T", window: w.id });
    expect(total.units).toBeUndefined();
    expect(total.unitColumns).toHaveLength(1);
    expect(unitFactsOf(total)!.map((u) => u.code)).toEqual(facts.flatMap((f) => f.units ?? []).map((u) => u.code));
    // Columns of different UnitColumns: the total lists objects, each code once.
    const mixed = sumRowFacts([...perRow(facts, plan), ...perRow(facts, plan)], { row: "T", window: w.id });
    expect(mixed.unitColumns).toBeUndefined();
    expect(mixed.units!.map((u) => u.code)).toEqual(facts.flatMap((f) => f.units ?? []).map((u) => u.code));
  });
});
