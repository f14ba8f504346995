/**
 * A small world for scorecards within an org-unit group and down to the village
 * (docs/decisions/037-scorecard-group-filter.md), built in whatever database `getDb()` holds (the
 * test database, or the e2e app's file after `setDbHandle`): a package `uji-desa` with a Puskesmas
 * form and a Posyandu form, a national group `blud_uji` (one member joining in July), a Kendal group
 * `terpencil_uji` (keys of their own, so a demo that seeds a `blud` group never collides), in
 * Kota Sawahlunto a Puskesmas of its own with a Pustu and three Posyandu and one without any (the
 * demo gives every one of its Puskesmas Pustu and Posyandu, so the world's village tree hangs
 * under codes no demo uses), and approved reports of September and March 2025 with figures chosen
 * so every expected value is a simple fraction.
 */
import type { TemplatePackage } from "@engine";
import { getDb, nowIso } from "~/db/db.server";
import { getOrgByCode, insertOrgUnits } from "~/models/org.server";
import { ancestorIds, storeSubmissions, type PreparedSubmission } from "~/models/submissions.server";
import { effectivePackage, importPackage } from "~/models/templates.server";
import { openDeadlines } from "./deadlines";

export const VILLAGE_PACKAGE_KEY = "uji-desa";
export const SEPTEMBER = "2025-09";
export const MARCH = "2025-03";
/** The national BLUD group's key and Kendal's own group's key. */
export const BLUD = "blud_uji";
export const TERPENCIL = "terpencil_uji";

/** The units of the world by role. */
export const U = {
  tegal: "33.28",
  kendal: "33.24",
  sawahlunto: "13.73",
  /** BLUD from January 2025. */
  kaladawa: "P3328001",
  /** BLUD from July 2025: a member in September, not in March. */
  dukuhwaru: "P3328002",
  /** Not BLUD. */
  margasari: "P3328003",
  /** BLUD from January 2025. */
  plantungan: "P3324001",
  /** Not BLUD; in Kendal's own group (TERPENCIL). */
  sukorejo: "P3324002",
  /** The world's own Puskesmas with a Pustu and Posyandu (none of the demo's). */
  ujiDesa: "P1373901",
  /** The world's own Puskesmas without Pustu or Posyandu: nothing to drill to. */
  tanpaDesa: "P1373902",
  pustu: "U1373901A",
  /** Posyandu under the Pustu. */
  melati: "Y1373901A",
  /** Posyandu directly under the Puskesmas. */
  mawar: "Y1373901B",
  /** Posyandu that sent nothing. */
  anggrek: "Y1373901C",
} as const;

const text = (id: string, en: string) => ({ id, en });
const count = (key: string, id: string, en: string) => ({ key, type: "integer", min: 0, max: 100000, aggregation: "sum", label: text(id, en) });

export const VILLAGE_PACKAGE = {
  key: VILLAGE_PACKAGE_KEY,
  version: 1,
  title: text("Uji layanan desa", "Village services test"),
  owner: "nasional",
  source: "uji",
  groups: [{ key: "layanan", name: text("Layanan", "Services") }],
  forms: [
    {
      key: "pkm_bulanan",
      title: text("Laporan bulanan Puskesmas", "Puskesmas monthly report"),
      periodType: "month",
      source: "uji",
      sections: [
        {
          key: "utama",
          title: text("Utama", "Main"),
          fields: [count("pkm_kunjungan", "Kunjungan", "Visits"), count("pkm_sasaran", "Sasaran kunjungan", "Visit target population")],
        },
      ],
    },
    {
      key: "posyandu_bulanan",
      title: text("Laporan bulanan Posyandu", "Posyandu monthly report"),
      periodType: "month",
      reportingLevels: ["posyandu"],
      source: "uji",
      sections: [
        {
          key: "utama",
          title: text("Utama", "Main"),
          fields: [count("py_ditimbang", "Balita ditimbang", "Children weighed"), count("py_balita", "Balita", "Children under five")],
        },
      ],
    },
  ],
  indicators: [
    {
      key: "kunjungan",
      group: "layanan",
      name: text("Cakupan kunjungan", "Visit coverage"),
      numerator: "pkm_kunjungan",
      denominator: "pkm_sasaran",
      factor: 100,
      unit: "%",
      decimals: 1,
      direction: "higher",
      source: "uji",
    },
    {
      key: "penimbangan",
      group: "layanan",
      name: text("Balita ditimbang", "Children weighed"),
      numerator: "py_ditimbang",
      denominator: "py_balita",
      factor: 100,
      unit: "%",
      decimals: 1,
      direction: "higher",
      source: "uji",
    },
  ],
  targets: [
    { indicator: "kunjungan", year: 2025, scope: { level: "national" }, value: 80, profile: { type: "flat" }, source: "uji" },
    { indicator: "penimbangan", year: 2025, scope: { level: "national" }, value: 80, profile: { type: "flat" }, source: "uji" },
  ],
  rules: [],
} as unknown as TemplatePackage;

/** Puskesmas reports: [unit, period, kunjungan, sasaran]. Tegal Sept: all 120/300, BLUD 110/200; March BLUD 80/100. */
const PUSKESMAS_REPORTS: Array<[string, string, number, number]> = [
  [U.kaladawa, SEPTEMBER, 80, 100],
  [U.dukuhwaru, SEPTEMBER, 30, 100],
  [U.margasari, SEPTEMBER, 10, 100],
  [U.plantungan, SEPTEMBER, 90, 100],
  [U.sukorejo, SEPTEMBER, 20, 100],
  [U.kaladawa, MARCH, 80, 100],
  [U.dukuhwaru, MARCH, 30, 100],
  [U.ujiDesa, SEPTEMBER, 50, 100],
];

/** Posyandu reports of September: [unit, ditimbang, balita]; Anggrek sent none. Puskesmas Uji Desa: 60/90. */
const POSYANDU_REPORTS: Array<[string, number, number]> = [
  [U.melati, 40, 50],
  [U.mawar, 20, 40],
];

/** Builds the world; the org tree of seeds/org-units.csv must be there. */
export async function seedVillageScorecard(): Promise<void> {
  const db = getDb();
  await openDeadlines(db);
  await insertOrgUnits(db, [
    { code: U.ujiDesa, name: "Puskesmas Uji Desa", level: "puskesmas", parentCode: U.sawahlunto },
    { code: U.tanpaDesa, name: "Puskesmas Uji Tanpa Desa", level: "puskesmas", parentCode: U.sawahlunto },
    { code: U.pustu, name: "Pustu Uji Desa Atas", level: "pustu", parentCode: U.ujiDesa },
    { code: U.melati, name: "Posyandu Melati", level: "posyandu", parentCode: U.pustu },
    { code: U.mawar, name: "Posyandu Mawar", level: "posyandu", parentCode: U.ujiDesa },
    { code: U.anggrek, name: "Posyandu Anggrek", level: "posyandu", parentCode: U.ujiDesa },
  ]);
  const imported = await importPackage(VILLAGE_PACKAGE, { userId: null });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));

  const now = nowIso();
  const group = async (ownerCode: string, key: string, name: string, nameEn: string, members: Array<[string, number]>) => {
    const owner = (await getOrgByCode(db, ownerCode))!;
    const { id } = await db
      .insertInto("org_group")
      .values({ key, name, name_en: nameEn, description: null, owner_org_unit_id: owner.id, created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [code, from] of members) {
      const unit = (await getOrgByCode(db, code))!;
      await db
        .insertInto("org_group_member")
        .values({ group_id: id, org_unit_id: unit.id, from_month: from, to_month: null, created_by: null, created_at: now })
        .execute();
    }
  };
  const month = (period: string) => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
  await group("ID", BLUD, "Puskesmas BLUD", "BLUD Puskesmas", [
    [U.kaladawa, month("2025-01")],
    [U.dukuhwaru, month("2025-07")],
    [U.plantungan, month("2025-01")],
  ]);
  await group(U.kendal, TERPENCIL, "Puskesmas terpencil Kendal", "Remote Puskesmas of Kendal", [[U.sukorejo, month("2025-01")]]);

  const items: PreparedSubmission[] = [];
  const prepared = async (code: string, formKey: string, period: string, data: Record<string, number>): Promise<PreparedSubmission> => {
    const unit = (await getOrgByCode(db, code))!;
    const effective = (await effectivePackage(VILLAGE_PACKAGE_KEY, ancestorIds(unit).districtId, db))!;
    const form = effective.package.forms.find((f) => f.key === formKey)!;
    return { unit, effective, form, period, data, warnings: [] };
  };
  for (const [code, period, kunjungan, sasaran] of PUSKESMAS_REPORTS)
    items.push(await prepared(code, "pkm_bulanan", period, { pkm_kunjungan: kunjungan, pkm_sasaran: sasaran }));
  for (const [code, ditimbang, balita] of POSYANDU_REPORTS)
    items.push(await prepared(code, "posyandu_bulanan", SEPTEMBER, { py_ditimbang: ditimbang, py_balita: balita }));
  await db.transaction().execute((trx) => storeSubmissions(trx, items, { status: "approved", actorUserId: null }));
}
