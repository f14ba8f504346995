/**
 * Who reports what (docs/decisions/034-who-reports-what.md) in the in-memory fact provider and the
 * scorecard: Posyandu → Pustu → Puskesmas → district → nation roll-up, `last` per reporting unit,
 * missing ≠ zero, count_units over Posyandu, group-restricted completeness with units joining
 * mid-year and mid-quarter, the org-group filter (a unit's own membership or its Pustu's or
 * Puskesmas's), and village rows of mixed depth.
 */
import { describe, expect, test } from "vitest";
import type { TemplatePackage } from "@engine/documents";
import type { GroupMembership } from "@engine/expected";
import { computeRowFacts, type MemoryOrgUnit, type MemorySubmission } from "@engine/facts-memory";
import { monthIndex } from "@engine/period";
import { computeScorecard, planScorecard, type ScorecardRequest } from "@engine/scorecard";
import type { RowFacts } from "@engine/facts";

// ID ─ 11 ─ 11.01 ─ PKM1 ─ PU1 ─ PY1, PY2
//                       └ PY3 (a Posyandu directly under its Puskesmas)
//              └ PKM2 ─ PU2 ─ PY4
//       └ 11.02 ─ PKM3 ─ PY5
const ORGS: MemoryOrgUnit[] = [
  { code: "ID", level: "national", parentCode: null },
  { code: "11", level: "province", parentCode: "ID" },
  { code: "11.01", level: "district", parentCode: "11" },
  { code: "11.02", level: "district", parentCode: "11" },
  { code: "PKM1", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM2", level: "puskesmas", parentCode: "11.01" },
  { code: "PKM3", level: "puskesmas", parentCode: "11.02" },
  { code: "PU1", level: "pustu", parentCode: "PKM1" },
  { code: "PU2", level: "pustu", parentCode: "PKM2" },
  { code: "PY1", level: "posyandu", parentCode: "PU1" },
  { code: "PY2", level: "posyandu", parentCode: "PU1" },
  { code: "PY3", level: "posyandu", parentCode: "PKM1" },
  { code: "PY4", level: "posyandu", parentCode: "PU2" },
  { code: "PY5", level: "posyandu", parentCode: "PKM3" },
];

const field = (key: string, aggregation?: string) => ({ key, type: "integer", label: { id: key }, ...(aggregation ? { aggregation } : {}) });
const form = (key: string, periodType: string, fields: unknown[], extra: Record<string, unknown> = {}) => ({
  key,
  title: { id: key },
  periodType,
  source: "test",
  ...extra,
  sections: [{ key: "s", title: { id: "S" }, fields }],
});
const indicator = (key: string, numerator: string, denominator?: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: { id: key },
  group: "g",
  numerator,
  ...(denominator ? { denominator, factor: 100 } : {}),
  source: "test",
  ...extra,
});

function pkg(): TemplatePackage {
  return {
    key: "levels-uji",
    version: 1,
    title: { id: "Uji tingkat pelapor" },
    owner: "nasional",
    source: "test",
    groups: [{ key: "g", name: { id: "G" } }],
    forms: [
      form("posyandu_bulanan", "month", [field("kunjungan", "sum"), field("kader_aktif", "last")], { reportingLevels: ["posyandu"] }),
      form("desa_bulanan", "month", [field("layanan", "sum")], { reportingLevels: ["pustu", "posyandu"] }),
      form("pkm_bulanan", "month", [field("pasien", "sum")]),
      form("blud_triwulan", "quarter", [field("pendapatan", "sum")], { appliesTo: { groups: ["blud"] } }),
      form("ranap_bulanan", "month", [field("bed", "sum")], { appliesTo: { groups: ["rawat_inap"] } }),
    ],
    indicators: [
      indicator("kunjungan", "kunjungan"),
      indicator("kader", "kader_aktif"),
      indicator("posyandu_5_kader", "count_units(kader_aktif >= 5)", "units()"),
      indicator("layanan", "layanan"),
      indicator("pasien", "pasien"),
      indicator("blud", "pendapatan"),
      indicator("ranap", "bed"),
    ],
    targets: [],
    rules: [],
  } as unknown as TemplatePackage;
}

const sub = (org: string, form: string, period: string, values: Record<string, unknown>, status = "approved"): MemorySubmission => ({
  org,
  form,
  period,
  status,
  values,
});
const ref = (code: string) => ({ code, name: code, level: ORGS.find((o) => o.code === code)!.level });
const m = (year: number, month: number) => monthIndex(year, month);

function factsFor(
  request: Omit<ScorecardRequest, "rows"> & { rows: string[] },
  submissions: MemorySubmission[],
  memberships?: Record<string, GroupMembership[]>,
) {
  const req: ScorecardRequest = { trend: false, ...request, rows: request.rows.map(ref) };
  const plan = planScorecard(pkg(), req);
  const facts = computeRowFacts(plan, { orgUnits: ORGS, submissions, memberships });
  const of = (row: string, window = "current"): RowFacts => facts.find((f) => f.row === row && f.window === window)!;
  return { plan, facts, of, req };
}

// Q1 2025 of the Posyandu form: PY1 Jan+Feb, PY2 Jan, PY3 Jan+Feb+Mar, PY4 none, PY5 Mar; a draft and a Puskesmas's stray report never count.
const POSYANDU: MemorySubmission[] = [
  sub("PY1", "posyandu_bulanan", "2025-01", { kunjungan: 10, kader_aktif: 3 }),
  sub("PY1", "posyandu_bulanan", "2025-02", { kunjungan: 12, kader_aktif: 6 }),
  sub("PY2", "posyandu_bulanan", "2025-01", { kunjungan: 7, kader_aktif: 7 }),
  sub("PY3", "posyandu_bulanan", "2025-01", { kunjungan: 1, kader_aktif: 2 }),
  sub("PY3", "posyandu_bulanan", "2025-02", { kunjungan: 2, kader_aktif: 4 }),
  sub("PY3", "posyandu_bulanan", "2025-03", { kunjungan: 3, kader_aktif: 4 }),
  sub("PY5", "posyandu_bulanan", "2025-03", { kunjungan: 5, kader_aktif: 5 }),
  sub("PY4", "posyandu_bulanan", "2025-03", { kunjungan: 99, kader_aktif: 99 }, "draft"),
  sub("PKM1", "posyandu_bulanan", "2025-03", { kunjungan: 1000, kader_aktif: 1000 }),
];

describe("roll-up of Posyandu reports", () => {
  test("Posyandu → Pustu → Puskesmas → district → province → nation: sums, reported and expected at the Posyandu level", () => {
    const { of } = factsFor({ period: "2025-Q1", rows: ["PKM1", "PKM2", "PKM3", "11.01", "11", "ID"] }, POSYANDU);
    // PKM1: PY1 (22) + PY2 (7) + PY3 (6); its own stray report of a Posyandu form is not counted.
    expect(of("PKM1").totals.kunjungan).toBe(35);
    expect(of("PKM1").reported.posyandu_bulanan).toBe(6);
    expect(of("PKM1").expected.posyandu_bulanan).toBe(9);
    // PKM2: PY4 only has a draft: no value (missing ≠ zero), 0 of 3 reported.
    expect(of("PKM2").totals.kunjungan).toBeNull();
    expect(of("PKM2").reported.posyandu_bulanan).toBe(0);
    expect(of("PKM2").expected.posyandu_bulanan).toBe(3);
    expect(of("11.01").totals.kunjungan).toBe(35);
    expect(of("11.01").expected.posyandu_bulanan).toBe(12);
    for (const row of ["11", "ID"]) {
      expect(of(row).totals.kunjungan).toBe(40);
      expect(of(row).reported.posyandu_bulanan).toBe(7);
      expect(of(row).expected.posyandu_bulanan).toBe(15);
    }
  });

  test("`last` is taken per Posyandu, then summed (a unit's gap is not a zero, nor someone else's month)", () => {
    const { of } = factsFor({ period: "2025-Q1", rows: ["PKM1", "ID"] }, POSYANDU);
    // PY1 last = 6 (Feb), PY2 last = 7 (Jan), PY3 last = 4 (Mar).
    expect(of("PKM1").totals.kader_aktif).toBe(17);
    expect(of("ID").totals.kader_aktif).toBe(22);
  });

  test("count_units(kader_aktif >= 5) * 100 / units() counts reporting Posyandu on every row level", () => {
    const { req, facts } = factsFor({ period: "2025-Q1", rows: ["PKM1", "PKM2", "PKM3"], indicators: ["posyandu_5_kader"] }, POSYANDU);
    const sc = computeScorecard(pkg(), req, { facts });
    const value = (code: string) => sc.rows.find((r) => r.code === code)!.cells[0];
    // PKM1: PY1 (6) and PY2 (7) of three reporting Posyandu; PKM3: PY5 (5) of one.
    expect(value("PKM1").value).toBeCloseTo(200 / 3, 9);
    expect(value("PKM1").numerator).toBe(2);
    expect(value("PKM1").denominator).toBe(3);
    expect(value("PKM2").reason).toBe("NO_DATA");
    expect(value("PKM3").value).toBe(100);
    // The total (Σ of rows) and a national row agree: 3 of 4 reporting Posyandu; completeness is 7 of 15 Posyandu-months.
    expect(sc.total.cells[0].value).toBe(75);
    for (const rows of [["11.01", "11.02"], ["11"], ["ID"]]) {
      const r = factsFor({ period: "2025-Q1", rows, indicators: ["posyandu_5_kader"] }, POSYANDU);
      const card = computeScorecard(pkg(), r.req, { facts: r.facts });
      expect(card.total.cells[0].value, rows.join()).toBe(75);
      expect(card.total.cells[0].completeness, rows.join()).toBeCloseTo(7 / 15, 9);
    }
  });

  test("units() lists the Posyandu, never their Puskesmas or Pustu", () => {
    const { of } = factsFor({ period: "2025-Q1", rows: ["ID"], indicators: ["posyandu_5_kader"] }, POSYANDU);
    expect(of("ID").units!.map((u) => u.code)).toEqual(["PY1", "PY2", "PY3", "PY5"]);
  });

  test("a form of Pustu and Posyandu rolls up both; explain lists the reporting units and the missing ones", () => {
    const subs = [
      sub("PU1", "desa_bulanan", "2025-03", { layanan: 4 }),
      sub("PY1", "desa_bulanan", "2025-03", { layanan: 1 }),
      sub("PY3", "desa_bulanan", "2025-03", { layanan: 2 }),
    ];
    const { of } = factsFor({ period: "2025-03", rows: ["PKM1", "PKM2"] }, subs);
    expect(of("PKM1").totals.layanan).toBe(7);
    expect(of("PKM1").expected.desa_bulanan).toBe(4); // PU1, PY1, PY2, PY3
    expect(of("PKM1").contributing!.desa_bulanan).toEqual(["PU1", "PY1", "PY3"]);
    expect(of("PKM1").missing!.desa_bulanan).toEqual(["PY2"]);
    expect(of("PKM2").missing!.desa_bulanan).toEqual(["PU2", "PY4"]);
  });

  test("a Puskesmas form stays a Puskesmas form: its rows are as before", () => {
    const subs = [sub("PKM1", "pkm_bulanan", "2025-03", { pasien: 30 }), sub("PU1", "pkm_bulanan", "2025-03", { pasien: 500 })];
    const { of } = factsFor({ period: "2025-03", rows: ["11.01"] }, subs);
    expect(of("11.01").totals.pasien).toBe(30);
    expect(of("11.01").reported.pkm_bulanan).toBe(1);
    expect(of("11.01").expected.pkm_bulanan).toBe(2);
  });
});

describe("forms that apply to groups: expected from the period a unit joins", () => {
  const memberships: Record<string, GroupMembership[]> = {
    // PKM1 joins BLUD in February (the middle of Q1); PKM2 in May (the middle of Q2); PKM3 was BLUD in 2024 only.
    PKM1: [{ groupKey: "blud", from: m(2025, 2), to: null }],
    PKM2: [
      { groupKey: "blud", from: m(2025, 5), to: null },
      { groupKey: "rawat_inap", from: m(2025, 7), to: null },
    ],
    PKM3: [{ groupKey: "blud", from: m(2024, 1), to: m(2024, 12) }],
  };

  test("a quarterly form: a unit joining in the middle of a quarter is expected for that quarter", () => {
    const { of } = factsFor({ period: "2025-Q1", rows: ["PKM1", "PKM2", "PKM3"] }, [sub("PKM1", "blud_triwulan", "2025-Q1", { pendapatan: 5 })], memberships);
    expect(of("PKM1").expected.blud_triwulan).toBe(1);
    expect(of("PKM2").expected.blud_triwulan).toBe(0);
    expect(of("PKM3").expected.blud_triwulan).toBe(0);
    const q2 = factsFor({ period: "2025-Q2", rows: ["PKM2"] }, [], memberships);
    expect(q2.of("PKM2").expected.blud_triwulan).toBe(1);
  });

  test("over a year: each unit from the period it joined; completeness counts only the expected", () => {
    const subs = [
      sub("PKM1", "blud_triwulan", "2025-Q1", { pendapatan: 5 }),
      sub("PKM1", "blud_triwulan", "2025-Q2", { pendapatan: 5 }),
      sub("PKM2", "blud_triwulan", "2025-Q2", { pendapatan: 8 }),
      sub("PKM2", "ranap_bulanan", "2025-07", { bed: 10 }),
      sub("PKM2", "ranap_bulanan", "2025-08", { bed: 11 }),
    ];
    const { of, req, facts } = factsFor({ period: "2025", rows: ["11.01", "11.02"] }, subs, memberships);
    // BLUD: PKM1 Q1–Q4 (4), PKM2 Q2–Q4 (3); PKM3 left before 2025.
    expect(of("11.01").expected.blud_triwulan).toBe(7);
    expect(of("11.01").reported.blud_triwulan).toBe(3);
    expect(of("11.02").expected.blud_triwulan).toBe(0);
    // Rawat inap, monthly: PKM2 from July, 6 months.
    expect(of("11.01").expected.ranap_bulanan).toBe(6);
    expect(of("11.01").missing!.ranap_bulanan).toEqual(["PKM2"]);
    const sc = computeScorecard(pkg(), req, { facts });
    const cell = (row: string, key: string) => sc.rows.find((r) => r.code === row)!.cells.find((c) => c.indicator === key)!;
    expect(cell("11.01", "blud").completeness).toBeCloseTo(3 / 7, 9);
    expect(cell("11.01", "ranap").completeness).toBeCloseTo(2 / 6, 9);
    // Nothing expected in 11.02: no completeness rather than 0 %.
    expect(cell("11.02", "blud").completeness).toBeNull();
  });
});

describe("the org-group filter", () => {
  const memberships: Record<string, GroupMembership[]> = {
    // The Pustu PU1 is a lokus all year: PU1, PY1 and PY2 count; PY3 (directly under PKM1) and PKM1 do not.
    PU1: [{ groupKey: "lokus", from: m(2025, 1), to: null }],
    // PKM3 is a lokus in January only: its Posyandu PY5 counts in a period that overlaps January.
    PKM3: [{ groupKey: "lokus", from: m(2025, 1), to: m(2025, 1) }],
    // Another group's membership does nothing.
    PY3: [{ groupKey: "lain", from: m(2025, 1), to: null }],
  };

  test("counts units that are members or lie below a member, in expected, reported and values", () => {
    const { of } = factsFor({ period: "2025-Q1", rows: ["PKM1", "PKM2", "PKM3", "ID"], orgGroup: "lokus" }, POSYANDU, memberships);
    expect(of("PKM1").totals.kunjungan).toBe(29); // PY1 22 + PY2 7, without PY3
    expect(of("PKM1").expected.posyandu_bulanan).toBe(6);
    expect(of("PKM1").reported.posyandu_bulanan).toBe(3);
    expect(of("PKM2").expected.posyandu_bulanan).toBe(0);
    // Membership is read per period of the form: PY5 is expected for January only.
    expect(of("PKM3").expected.posyandu_bulanan).toBe(1);
    expect(of("PKM3").reported.posyandu_bulanan).toBe(0); // PY5 reported in March, when PKM3 was not a lokus
    expect(of("PKM3").totals.kunjungan).toBeNull();
    expect(of("ID").totals.kunjungan).toBe(29);
    expect(of("ID").expected.posyandu_bulanan).toBe(7);
    expect(of("ID").units!.map((u) => u.code)).toEqual(["PY1", "PY2"]);
  });

  test("values of a unit aggregate over the periods in which it counts only (`last` of the counted months)", () => {
    const ms = { PY1: [{ groupKey: "lokus", from: m(2025, 1), to: m(2025, 1) }] };
    const { of } = factsFor({ period: "2025-Q1", rows: ["PKM1"], orgGroup: "lokus", indicators: ["kader"] }, POSYANDU, ms);
    expect(of("PKM1").totals.kader_aktif).toBe(3); // PY1's January, not its February
  });

  test("count_units sees only the Posyandu the filter keeps", () => {
    const { req, facts } = factsFor({ period: "2025-Q1", rows: ["PKM1"], orgGroup: "lokus", indicators: ["posyandu_5_kader"] }, POSYANDU, memberships);
    const sc = computeScorecard(pkg(), req, { facts });
    expect(sc.rows[0].cells[0].numerator).toBe(2);
    expect(sc.rows[0].cells[0].denominator).toBe(2);
  });
});

describe("village rows: the Pustu and Posyandu under one Puskesmas", () => {
  test("each row its own reports only, rows of mixed depth", () => {
    const subs = [
      sub("PU1", "desa_bulanan", "2025-03", { layanan: 4 }),
      sub("PY1", "desa_bulanan", "2025-03", { layanan: 1 }),
      sub("PY3", "desa_bulanan", "2025-03", { layanan: 2 }),
      ...POSYANDU,
    ];
    const { of } = factsFor({ period: "2025-03", rows: ["PU1", "PY1", "PY2", "PY3"] }, subs);
    expect(of("PU1").totals.layanan).toBe(4);
    expect(of("PU1").expected.desa_bulanan).toBe(1);
    expect(of("PU1").expected.posyandu_bulanan).toBe(0); // a Pustu does not fill the Posyandu form
    expect(of("PY1").totals.layanan).toBe(1);
    expect(of("PY2").totals.layanan).toBeNull();
    expect(of("PY2").expected.desa_bulanan).toBe(1);
    expect(of("PY3").totals.layanan).toBe(2); // depth 4, beside depth-5 PY1
    expect(of("PY3").totals.kunjungan).toBe(3);
    expect(of("PY3").units?.map((u) => u.code)).toEqual(["PY3"]);
  });
});
