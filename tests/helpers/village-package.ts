/**
 * A small test package for village-level reporting (docs/decisions/035-village-reporting.md): a
 * monthly Puskesmas form, a monthly Posyandu recap, a monthly Pustu-and-Posyandu form, and a
 * quarterly and a monthly form that apply only to members of the group `blud`. Not the national
 * package's village forms (those live in seeds/).
 */
import type { TemplatePackage } from "@engine";

const SOURCE = "Paket uji untuk pelaporan desa (bukan regulasi)";

function form(key: string, title: string, periodType: "month" | "quarter", extra: Record<string, unknown>, field: string) {
  return {
    key,
    title: { id: title, en: `${title} (EN)` },
    periodType,
    source: SOURCE,
    ...extra,
    sections: [
      {
        key: "utama",
        title: { id: "Isian", en: "Entries" },
        fields: [
          {
            key: field,
            type: "integer",
            required: true,
            aggregation: "sum",
            min: 0,
            max: 100000,
            source: SOURCE,
            label: { id: `Jumlah ${field}`, en: `Number ${field}` },
          },
        ],
      },
    ],
  };
}

/** The package `uji-desa` version 1. */
export function villagePackage(): TemplatePackage {
  return {
    key: "uji-desa",
    version: 1,
    title: { id: "Paket uji pelaporan desa", en: "Village reporting test package" },
    owner: "nasional",
    source: SOURCE,
    groups: [{ key: "desa", name: { id: "Desa", en: "Village" } }],
    forms: [
      form("pkm_bulanan", "Laporan bulanan Puskesmas", "month", {}, "kunjungan"),
      form("posyandu_rekap", "Rekap Posyandu", "month", { reportingLevels: ["posyandu"] }, "balita_ditimbang"),
      form("desa_bulanan", "Laporan desa", "month", { reportingLevels: ["pustu", "posyandu"] }, "kunjungan_rumah"),
      form("blud_triwulan", "Keuangan BLUD", "quarter", { appliesTo: { groups: ["blud"] } }, "pendapatan"),
      form("blud_bulanan", "Kas BLUD", "month", { appliesTo: { groups: ["blud"] } }, "kas"),
    ],
    indicators: [],
    targets: [],
    rules: [],
  } as unknown as TemplatePackage;
}
