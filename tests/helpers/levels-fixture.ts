/**
 * A small org tree with Pustu and Posyandu, a package whose forms are reported at every level,
 * org-unit groups over time and a deterministic year of reports (drafts, gaps, reports of units
 * not of the form's level): the fixture of tests/integration/reporting-levels.test.ts and
 * tests/integration/fact-index.test.ts.
 */
import { expect } from "vitest";
import { monthIndex, type MemoryFactSource, type TemplatePackage } from "@engine";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import { getOrgByCode, insertOrgUnits, listChildren, listSubtree } from "~/models/org.server";
import { storeSubmissions, type PreparedSubmission } from "~/models/submissions.server";
import { effectivePackage, importPackage } from "~/models/templates.server";
import { openDeadlines } from "./deadlines";
import { membershipsByCode } from "./facts-agree";

export const KEY = "levels-uji";

export function levelsPackage(): TemplatePackage {
  const field = (key: string, aggregation: string) => ({ key, type: "integer", min: 0, label: { id: key }, aggregation });
  const form = (key: string, periodType: string, fields: unknown[], extra: Record<string, unknown> = {}) => ({
    key,
    title: { id: key },
    periodType,
    source: "uji",
    ...extra,
    sections: [{ key: `${key}_s`, title: { id: "Bagian" }, fields }],
  });
  const indicator = (key: string, numerator: string, denominator?: string) => ({
    key,
    name: { id: key },
    group: "uji",
    numerator,
    ...(denominator ? { denominator, factor: 100, unit: "%" } : {}),
    source: "uji",
  });
  return {
    key: KEY,
    version: 1,
    title: { id: "Uji tingkat pelapor" },
    owner: "nasional",
    source: "uji",
    groups: [{ key: "uji", name: { id: "Uji" } }],
    forms: [
      form("posyandu_bulanan", "month", [field("kunjungan", "sum"), field("kader_aktif", "last")], { reportingLevels: ["posyandu"] }),
      form("desa_bulanan", "month", [field("layanan", "sum")], { reportingLevels: ["pustu", "posyandu"] }),
      form("pkm_bulanan", "month", [field("pasien", "sum")]),
      form("blud_triwulan", "quarter", [field("pendapatan", "sum")], { appliesTo: { groups: ["blud"] } }),
    ],
    indicators: [
      indicator("ind_kunjungan", "kunjungan"),
      indicator("ind_kader", "kader_aktif"),
      indicator("posyandu_5_kader", "count_units(kader_aktif >= 5)", "units()"),
      indicator("ind_layanan", "layanan"),
      indicator("ind_pasien", "pasien"),
      indicator("ind_blud", "pendapatan"),
      // in_group (docs/decisions/039-groups-in-formulas.md): a national group, a key two owners have, a district's key.
      indicator("pasien_blud", "count_units(in_group(blud) and pasien > 250)", "count_units(in_group(blud) and filled(pasien))"),
      indicator("kader_lokus", "count_units(in_group(lokus) and kader_aktif >= 5)", "count_units(in_group(lokus) and filled(kader_aktif))"),
      indicator("layanan_terpencil", "count_units(in_group(terpencil) and layanan > 0) + count_units(not in_group(lokus) and layanan > 20)"),
    ],
    targets: [],
    rules: [],
  } as unknown as TemplatePackage;
}

// ID ─ 11 ─ 11.01 ─ P1 ─ U1 ─ Y1, Y2
//                    └ Y3 (a Posyandu directly under its Puskesmas)
//              └ P2 ─ U2 ─ Y4
//       └ 11.02 ─ P3 ─ Y5
export const TREE = [
  ["ID", "national", null],
  ["11", "province", "ID"],
  ["11.01", "district", "11"],
  ["11.02", "district", "11"],
  ["P1", "puskesmas", "11.01"],
  ["P2", "puskesmas", "11.01"],
  ["P3", "puskesmas", "11.02"],
  ["U1", "pustu", "P1"],
  ["U2", "pustu", "P2"],
  ["Y1", "posyandu", "U1"],
  ["Y2", "posyandu", "U1"],
  ["Y3", "posyandu", "P1"],
  ["Y4", "posyandu", "U2"],
  ["Y5", "posyandu", "P3"],
] as const;
export const LEVEL = Object.fromEntries(TREE.map(([code, level]) => [code, level]));
export const MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);

export interface Report {
  unit: string;
  form: string;
  period: string;
  data: Record<string, number>;
  status: "approved" | "submitted" | "draft";
}

/** A deterministic year of reports with gaps, drafts, and reports of units not of the form's level. */
export function reports(): Report[] {
  const out: Report[] = [];
  const gap = (unit: string, i: number) => (unit.charCodeAt(1) * 7 + i * 3) % 5 === 0;
  MONTHS.forEach((period, i) => {
    for (const y of ["Y1", "Y2", "Y3", "Y4", "Y5"]) {
      if (gap(y, i)) continue;
      const n = Number(y.slice(1));
      out.push({
        unit: y,
        form: "posyandu_bulanan",
        period,
        data: { kunjungan: 10 * n + i, kader_aktif: (n + i) % 8 },
        status: i % 4 === 3 ? "submitted" : "approved",
      });
    }
    for (const u of ["U1", "U2", "Y1", "Y2", "Y3", "Y4", "Y5"]) {
      if (gap(u, i + 1)) continue;
      out.push({ unit: u, form: "desa_bulanan", period, data: { layanan: u.length + i + Number(u.slice(1)) }, status: "approved" });
    }
    for (const p of ["P1", "P2", "P3"])
      if (!gap(p, i)) out.push({ unit: p, form: "pkm_bulanan", period, data: { pasien: 100 * Number(p.slice(1)) + i }, status: "approved" });
  });
  // Not counted: a draft, a Pustu's report of a Puskesmas form, a Puskesmas's report of a Posyandu form.
  out.push({ unit: "Y4", form: "posyandu_bulanan", period: "2025-03", data: { kunjungan: 999, kader_aktif: 9 }, status: "draft" }); // Y4 has no report for March
  out.push({ unit: "U1", form: "pkm_bulanan", period: "2025-03", data: { pasien: 5000 }, status: "approved" });
  out.push({ unit: "P1", form: "posyandu_bulanan", period: "2025-03", data: { kunjungan: 7000, kader_aktif: 70 }, status: "approved" });
  // BLUD, quarterly: P1 all year, P2 from Q3, P3 (no longer BLUD) in Q1.
  for (const q of ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"])
    out.push({ unit: "P1", form: "blud_triwulan", period: q, data: { pendapatan: 50 }, status: "approved" });
  out.push({ unit: "P2", form: "blud_triwulan", period: "2025-Q3", data: { pendapatan: 20 }, status: "approved" });
  out.push({ unit: "P3", form: "blud_triwulan", period: "2025-Q1", data: { pendapatan: 30 }, status: "approved" });
  return out;
}

export const m = (year: number, month: number) => monthIndex(year, month);
/** Groups: key, owner, members [unit, from, to]. */
export const GROUPS: Array<{ key: string; owner: string; members: Array<[string, number, number | null]> }> = [
  // P1 joins in February (mid-Q1), P2 in August (mid-Q3), P3 was BLUD in 2024 only.
  {
    key: "blud",
    owner: "ID",
    members: [
      ["P1", m(2025, 2), null],
      ["P2", m(2025, 8), null],
      ["P3", m(2024, 1), m(2024, 12)],
    ],
  },
  // A lokus: the Pustu U1 all year (its Posyandu count, Y3 does not), P3 in January only.
  {
    key: "lokus",
    owner: "ID",
    members: [
      ["U1", m(2025, 1), null],
      ["P3", m(2025, 1), m(2025, 1)],
    ],
  },
  // The same key owned by district 11.02: P3 June–September (any owner counts).
  { key: "lokus", owner: "11.02", members: [["P3", m(2025, 6), m(2025, 9)]] },
  // A key only district 11.02 has.
  { key: "terpencil", owner: "11.02", members: [["Y5", m(2025, 1), null]] },
];

/** Stores the fixture (tree, package, groups, a year of reports) in the current test database; returns the units by code. */
export async function seedLevelsFixture(): Promise<Record<string, OrgUnit>> {
  const unit: Record<string, OrgUnit> = {};
  const db = getDb();
  await insertOrgUnits(
    db,
    TREE.map(([code, level, parentCode]) => ({ code, name: `Unit ${code}`, level, parentCode })),
  );
  for (const [code] of TREE) unit[code] = (await getOrgByCode(db, code))!;
  const imported = await importPackage(levelsPackage(), { userId: null }, "ID");
  expect(imported.ok, JSON.stringify(imported)).toBe(true);
  await openDeadlines(db);
  const now = nowIso();
  for (const g of GROUPS) {
    const { id } = await db
      .insertInto("org_group")
      .values({
        key: g.key,
        name: g.key,
        name_en: null,
        description: null,
        owner_org_unit_id: unit[g.owner].id,
        created_by: null,
        created_at: now,
        updated_at: now,
        revision: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [code, from, to] of g.members)
      await db
        .insertInto("org_group_member")
        .values({ group_id: id, org_unit_id: unit[code].id, from_month: from, to_month: to, created_by: null, created_at: now })
        .execute();
  }
  for (const district of ["11.01", "11.02"]) {
    const effective = (await effectivePackage(KEY, unit[district].id))!;
    const mine = reports().filter((r) => unit[r.unit].path.startsWith(unit[district].path));
    for (const status of ["approved", "submitted", "draft"] as const) {
      const items: PreparedSubmission[] = mine
        .filter((r) => r.status === status)
        .map((r) => ({
          unit: unit[r.unit],
          effective,
          form: effective.package.forms.find((f) => f.key === r.form)!,
          period: r.period,
          data: r.data,
          warnings: [],
        }));
      await db.transaction().execute((trx) => storeSubmissions(trx, items, { status, actorUserId: null }));
    }
  }
  return unit;
}

/** The stored reports of the fixture's package, the org tree and memberships, as the engine's in-memory reference takes them. */
export async function loadLevelsMemorySource(): Promise<MemoryFactSource> {
  const db = getDb();
  const units = await db
    .selectFrom("org_unit as o")
    .leftJoin("org_unit as p", "p.id", "o.parent_id")
    .select(["o.code", "o.level", "o.path", "p.code as parentCode"])
    .execute();
  const subs = await db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["o.code", "s.form_key", "s.period", "s.status", "s.data"])
    .where("s.package_key", "=", KEY)
    .execute();
  const memberships = await membershipsByCode(db);
  return {
    orgUnits: units.map((u) => ({ code: u.code, level: u.level, parentCode: u.parentCode, path: u.path })),
    submissions: subs.map((s) => ({ org: s.code, form: s.form_key, period: s.period, status: s.status, values: JSON.parse(s.data) })),
    memberships,
  };
}

/** The row sets the providers are compared on: every row level, village rows of mixed depth, every Posyandu. */
export function levelRowSets(unit: Record<string, OrgUnit>): Array<{ name: string; rows: () => Promise<OrgUnit[]> }> {
  return [
    { name: "Puskesmas of 11.01", rows: () => listChildren(getDb(), unit["11.01"].id) },
    { name: "every Puskesmas", rows: () => listSubtree(getDb(), unit.ID, "puskesmas") },
    { name: "districts", rows: () => listChildren(getDb(), unit["11"].id) },
    { name: "the province", rows: async () => [unit["11"]] },
    { name: "the nation", rows: async () => [unit.ID] },
    {
      name: "village rows of P1 (mixed depth)",
      rows: async () => (await listSubtree(getDb(), unit.P1)).filter((u) => u.level === "pustu" || u.level === "posyandu"),
    },
    { name: "every Posyandu", rows: () => listSubtree(getDb(), unit.ID, "posyandu") },
  ];
}

/** The windows they are compared in: a month, a quarter, a year, year-to-date. */
export const LEVEL_PERIODS: Array<{ period: string; ytd?: boolean }> = [
  { period: "2025-03" },
  { period: "2025-Q3" },
  { period: "2025" },
  { period: "2025-09", ytd: true },
];
