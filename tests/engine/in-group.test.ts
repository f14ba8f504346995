/**
 * in_group(<key>) inside count_units (docs/decisions/039-groups-in-formulas.md) through the
 * in-memory fact provider and the scorecard, with values counted by hand: a Puskesmas joining
 * mid-window counts for the window, a Pustu's or Puskesmas's membership counts for its Posyandu,
 * a membership wholly outside the window does not, any owner's group with the key counts, and
 * plans without in_group carry no group work.
 */
import { describe, expect, test } from "vitest";
import type { TemplatePackage } from "@engine/documents";
import type { GroupMembership } from "@engine/expected";
import { computeRowFacts, type MemoryOrgUnit, type MemorySubmission } from "@engine/facts-memory";
import { monthIndex } from "@engine/period";
import { computeScorecard, planScorecard, type ScorecardRequest } from "@engine/scorecard";

// ID ─ 11.01 ─ PKM1 ─ PU1 ─ PY1, PY2
//                   └ PY3 (directly under its Puskesmas)
//            └ PKM2 ─ PY4
//      └ 11.02 ─ PKM3 ─ PY5
const ORGS: MemoryOrgUnit[] = [
  { code: "ID", level: "national", parentCode: null },
  { code: "11.01", level: "district", parentCode: "ID" },
  { code: "11.02", level: "district", parentCode: "ID" },
  { code: "PKM1", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM2", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM3", level: "puskesmas", parentCode: "11.02" },
  { code: "PU1", level: "pustu", parentCode: "PKM1" },
  { code: "PY1", level: "posyandu", parentCode: "PU1" },
  { code: "PY2", level: "posyandu", parentCode: "PU1" },
  { code: "PY3", level: "posyandu", parentCode: "PKM1" },
  { code: "PY4", level: "posyandu", parentCode: "PKM2" },
  { code: "PY5", level: "posyandu", parentCode: "PKM3" },
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

function pkg(): TemplatePackage {
  return {
    key: "in-group-uji",
    version: 1,
    title: { id: "Uji in_group" },
    owner: "nasional",
    source: "test",
    groups: [{ key: "g", name: { id: "G" } }],
    forms: [
      form("pkm_bulanan", [field("ikm", "number", "last")]),
      form("posyandu_bulanan", [field("kader_aktif", "integer", "last")], { reportingLevels: ["posyandu"] }),
    ],
    indicators: [
      indicator("blud_ikm", "count_units(in_group(blud) and ikm >= 76.61)", "count_units(in_group(blud))"),
      indicator("lokus_kader", "count_units(in_group(lokus) and kader_aktif >= 5)"),
      indicator("lokus_share", "count_units(in_group(lokus) and filled(kader_aktif))", "units()"),
      indicator("ikm_all", "count_units(ikm >= 76.61)", "units()"),
    ],
    targets: [],
    rules: [],
  } as unknown as TemplatePackage;
}

const m = (year: number, month: number) => monthIndex(year, month);
const sub = (org: string, form: string, period: string, values: Record<string, unknown>): MemorySubmission => ({
  org,
  form,
  period,
  status: "approved",
  values,
});

// Q1 2025. IKM (last of the quarter): PKM1 78 (Mar), PKM2 90 (Mar), PKM3 70 (Mar).
// Kader (last): PY1 6, PY2 3, PY3 8, PY4 7, PY5 5.
const SUBMISSIONS: MemorySubmission[] = [
  sub("PKM1", "pkm_bulanan", "2025-01", { ikm: 60 }),
  sub("PKM1", "pkm_bulanan", "2025-03", { ikm: 78 }),
  sub("PKM2", "pkm_bulanan", "2025-03", { ikm: 90 }),
  sub("PKM3", "pkm_bulanan", "2025-03", { ikm: 70 }),
  sub("PY1", "posyandu_bulanan", "2025-02", { kader_aktif: 6 }),
  sub("PY2", "posyandu_bulanan", "2025-01", { kader_aktif: 3 }),
  sub("PY3", "posyandu_bulanan", "2025-03", { kader_aktif: 8 }),
  sub("PY4", "posyandu_bulanan", "2025-02", { kader_aktif: 7 }),
  sub("PY5", "posyandu_bulanan", "2025-01", { kader_aktif: 5 }),
];

const MEMBERSHIPS: Record<string, GroupMembership[]> = {
  // Joins in March, the last month of Q1: a member during Q1.
  PKM1: [{ groupKey: "blud", from: m(2025, 3), to: null }],
  // BLUD in 2024 only: not in Q1 2025.
  PKM2: [{ groupKey: "blud", from: m(2024, 1), to: m(2024, 12) }],
  // A district's lokus (any owner counts): the Puskesmas, so its Posyandu PY5 is in it too. BLUD from April.
  PKM3: [
    { groupKey: "lokus", from: m(2025, 2), to: m(2025, 2) },
    { groupKey: "blud", from: m(2025, 4), to: null },
  ],
  // The Pustu PU1: PY1 and PY2 are in the lokus, PY3 (directly under PKM1) is not.
  PU1: [{ groupKey: "lokus", from: m(2024, 6), to: null }],
};

const ref = (code: string) => ({ code, name: code, level: ORGS.find((o) => o.code === code)!.level });

function scorecard(period: string, rows: string[], indicators: string[], memberships: Record<string, GroupMembership[]> = MEMBERSHIPS) {
  const req: ScorecardRequest = { period, trend: false, indicators, rows: rows.map(ref) };
  const plan = planScorecard(pkg(), req);
  const facts = computeRowFacts(plan, { orgUnits: ORGS, submissions: SUBMISSIONS, memberships });
  const sc = computeScorecard(pkg(), req, { facts });
  const cell = (row: string, indicator: string) => sc.rows.find((r) => r.code === row)!.cells[indicators.indexOf(indicator)];
  return { plan, facts, sc, cell };
}

describe("in_group inside count_units", () => {
  test("share of BLUD Puskesmas with IKM ≥ 76.61: a Puskesmas joining in the window's last month counts, a past member does not", () => {
    const { cell, sc } = scorecard("2025-Q1", ["11.01", "11.02", "ID"], ["blud_ikm"]);
    // 11.01: PKM1 (member from March, IKM 78) of BLUD {PKM1}; PKM2's membership ended in 2024.
    expect(cell("11.01", "blud_ikm")).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    // 11.02: PKM3 joins in April: no BLUD Puskesmas in Q1 → 0 / 0.
    expect(cell("11.02", "blud_ikm")).toMatchObject({ numerator: 0, denominator: 0, reason: "DIV_ZERO" });
    expect(cell("ID", "blud_ikm")).toMatchObject({ numerator: 1, denominator: 1 });
    expect(sc.total.cells[0]).toMatchObject({ numerator: 1, denominator: 1 });
  });

  test("the window decides: in Q2 PKM3 is BLUD (IKM 70 < 76.61) and PKM1 has no Q2 report", () => {
    const q2 = [sub("PKM3", "pkm_bulanan", "2025-05", { ikm: 70 }), sub("PKM2", "pkm_bulanan", "2025-05", { ikm: 99 })];
    const req: ScorecardRequest = { period: "2025-Q2", trend: false, indicators: ["blud_ikm"], rows: [ref("ID")] };
    const plan = planScorecard(pkg(), req);
    const facts = computeRowFacts(plan, { orgUnits: ORGS, submissions: [...SUBMISSIONS, ...q2], memberships: MEMBERSHIPS });
    const sc = computeScorecard(pkg(), req, { facts });
    // Reporting Puskesmas in Q2: PKM2 (not BLUD), PKM3 (BLUD, 70) → 0 of 1.
    expect(sc.rows[0].cells[0]).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
  });

  test("a Pustu's or Puskesmas's membership counts for its Posyandu", () => {
    const { cell } = scorecard("2025-Q1", ["PKM1", "PKM2", "PKM3", "ID"], ["lokus_kader", "lokus_share"]);
    // PKM1: PY1 (via PU1, kader 6 ✓), PY2 (via PU1, kader 3 ✗), PY3 (not in the lokus, kader 8).
    expect(cell("PKM1", "lokus_kader").value).toBe(1);
    expect(cell("PKM1", "lokus_share")).toMatchObject({ numerator: 2, denominator: 3 });
    // PKM2: PY4 is in no lokus.
    expect(cell("PKM2", "lokus_kader").value).toBe(0);
    // PKM3: its February membership covers PY5 (kader 5 ✓).
    expect(cell("PKM3", "lokus_kader").value).toBe(1);
    expect(cell("PKM3", "lokus_share")).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect(cell("ID", "lokus_share")).toMatchObject({ numerator: 3, denominator: 5 });
  });

  test("a village row reads its own lineage: PY1 is in the lokus through its Pustu, PY3 is not", () => {
    const { cell } = scorecard("2025-Q1", ["PY1", "PY3"], ["lokus_share"]);
    expect(cell("PY1", "lokus_share")).toMatchObject({ numerator: 1, denominator: 1 });
    expect(cell("PY3", "lokus_share")).toMatchObject({ numerator: 0, denominator: 1 });
  });

  test("outside its months a membership does not count: in January PKM3's February lokus does not cover PY5", () => {
    const { cell } = scorecard("2025-01", ["PKM3"], ["lokus_share"]);
    expect(cell("PKM3", "lokus_share")).toMatchObject({ numerator: 0, denominator: 1 });
  });

  test("the plan lists the keys per window and each unit's facts the keys it is in; without in_group nothing is added", () => {
    const { plan, facts } = scorecard("2025-Q1", ["PKM1"], ["blud_ikm", "lokus_kader"]);
    expect(plan.windows.map((w) => w.unitGroups)).toEqual([["blud", "lokus"]]);
    const units = facts[0].units!;
    // A Posyandu is in its Puskesmas's groups too: PKM1 is BLUD from March.
    expect(units.map((u) => [u.code, u.groups])).toEqual([
      ["PKM1", ["blud"]],
      ["PY1", ["blud", "lokus"]],
      ["PY2", ["blud", "lokus"]],
      ["PY3", ["blud"]],
    ]);
    const plain = scorecard("2025-Q1", ["PKM1"], ["ikm_all"]);
    expect(plain.plan.windows[0].unitGroups).toBeUndefined();
    expect(plain.facts[0].units!.every((u) => u.groups === undefined)).toBe(true);
    expect(plain.cell("PKM1", "ikm_all")).toMatchObject({ numerator: 1, denominator: 1 });
  });

  test("without memberships no unit is in a group", () => {
    const { cell } = scorecard("2025-Q1", ["ID"], ["lokus_share", "blud_ikm"], {});
    expect(cell("ID", "lokus_share")).toMatchObject({ numerator: 0, denominator: 5 });
    expect(cell("ID", "blud_ikm")).toMatchObject({ numerator: 0, denominator: 0 });
  });
});
