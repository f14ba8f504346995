/**
 * Demo stories and values of the village-level units (docs/domain.md): each Pustu files the
 * monthly Pustu ILP report (`pustu_ilp_bulanan`) and each Posyandu the monthly Posyandu ILP recap
 * (`posyandu_ilp_bulanan`). A unit follows its Puskesmas: it turns to ILP some months after the
 * Puskesmas (Sungai Durian's Pustu at once; Posyandu ILP Kayu Gadang from July 2024, the rest of
 * Sungai Durian's Posyandu by November 2024), and reports with its Puskesmas's diligence.
 * Pure, like generate.ts: every draw comes from a stream keyed by seed + unit + purpose.
 */
import type { DemoValue } from "./generate";
import type { OrgUnitRow } from "../org-units";
import { clamp, makeRng, monthIdx, type Rng } from "./rng";

/** What a village unit takes over from its Puskesmas's story (generate.ts's UnitStory has it). */
export interface ParentStory {
  code: string;
  name: string;
  district: string;
  ilpStart: number;
  leader: boolean;
  reach: number;
  usesPws: boolean;
  kaderPerPosyandu: number;
  profile: { missing: number; late: number; posyanduPerVillage: [number, number] };
}

export interface VillageStory {
  code: string;
  name: string;
  level: "pustu" | "posyandu";
  parent: ParentStory;
  /** Month index from which the unit works as Pustu ILP / Posyandu ILP; Infinity = not yet. */
  ilpStart: number;
  /** Registered kader in 2025 (Posyandu). */
  kader: number;
  /** Posyandu in the Pustu's village (Pustu). */
  posyanduInVillage: number;
  /** Probability that a month is not reported. */
  missing: number;
}

const SUNGAI_DURIAN = "Puskesmas Sungai Durian";
const KAYU_GADANG = "Posyandu ILP Kayu Gadang";

/** One story per Pustu and Posyandu whose Puskesmas (parent, or the parent's parent) has a story. */
export function buildVillageStories(seed: number, orgUnits: readonly OrgUnitRow[], parents: ReadonlyMap<string, ParentStory>): VillageStory[] {
  const byCode = new Map(orgUnits.map((u) => [u.code, u]));
  const puskesmasOf = (u: OrgUnitRow): ParentStory | undefined => {
    for (let c = u.parentCode; c; c = byCode.get(c)?.parentCode ?? null) {
      const story = parents.get(c);
      if (story) return story;
    }
    return undefined;
  };
  const out: VillageStory[] = [];
  for (const u of orgUnits) {
    if (u.level !== "pustu" && u.level !== "posyandu") continue;
    const parent = puskesmasOf(u);
    if (!parent) continue;
    const rng = makeRng(seed, `village|${u.code}`);
    let ilpStart: number;
    if (u.name === KAYU_GADANG) ilpStart = monthIdx(2024, 7);
    else if (parent.name === SUNGAI_DURIAN) ilpStart = u.level === "pustu" ? parent.ilpStart : rng.int(monthIdx(2024, 8), monthIdx(2024, 11));
    else if (!Number.isFinite(parent.ilpStart)) ilpStart = Infinity;
    else {
      // Remote units (reach below 1) may not convert for a long time.
      const lag = u.level === "pustu" ? rng.int(0, 6) : rng.int(2, 14);
      ilpStart = rng.chance(0.15 * (1 - parent.reach) * 4) ? Infinity : parent.ilpStart + (parent.leader ? 0 : lag);
    }
    const kader = Math.max(3, Math.round(parent.kaderPerPosyandu + rng.between(-1.5, 1.5)));
    const posyanduInVillage = Math.max(1, Math.round(rng.between(...parent.profile.posyanduPerVillage)));
    out.push({ code: u.code, name: u.name, level: u.level, parent, ilpStart, kader, posyanduInVillage, missing: Math.min(0.1, parent.profile.missing * 1.5) });
  }
  return out;
}

export const VILLAGE_RETURN_NOTES: Record<string, readonly string[]> = {
  posyandu_ilp_bulanan: [
    "Jumlah kader aktif lebih besar dari daftar hadir kader bulan ini. Mohon diperiksa.",
    "Kelompok lansia dilaporkan dilayani tetapi tidak ada pengunjung lansia di register. Mohon dikonfirmasi.",
  ],
  pustu_ilp_bulanan: [
    "Koordinator Pustu belum tercantum dalam SK Kepala Puskesmas. Mohon dilengkapi.",
    "Jumlah Posyandu yang dibina tidak sesuai jadwal supervisi. Mohon disesuaikan.",
  ],
};

const POSYANDU_NOTES = [
  "Hari buka digabung dengan kelas ibu hamil.",
  "Dua kader pindah domisili; rekrutmen kader baru bersama pemerintah desa.",
  "Skrining PTM usia dewasa dibantu perawat Pustu.",
  "Hujan deras, sebagian sasaran dikunjungi di rumah.",
];

/** Posyandu ILP recap of month `idx`: the five life-cycle groups once it works as Posyandu ILP. */
export function posyanduValues(v: VillageStory, idx: number, rng: Rng): Record<string, DemoValue> {
  const since = idx - v.ilpStart;
  const ilp = since >= 0;
  const held = rng.chance(v.parent.district === "61.05" ? 0.92 : 0.98);
  // A leader's Posyandu ILP (Sungai Durian, Plantungan) serves every group whenever it is held.
  const serve = (ifIlp: number, before: number) => held && rng.chance(ilp ? (v.parent.leader ? 1 : ifIlp) : before);
  const year = Math.floor(idx / 12);
  // Posyandu ILP recruit a kader or two towards the five the guideline asks for.
  const registered = v.kader + (ilp ? 1 : 0) + Math.max(0, year - 2025);
  const active = Math.max(0, registered - (rng.chance(0.6) ? 0 : rng.int(1, 2)) - (held ? 0 : 2));
  const trainedFrac = ilp ? clamp((v.parent.leader ? 0.4 : 0.1) + 0.04 * since, 0, 0.95) : 0;
  const trained = Math.round(registered * trainedFrac);
  const utama = Math.round(trained * 0.1);
  const madya = Math.round(trained * 0.3);
  const values: Record<string, DemoValue> = {
    posy_buka: held,
    posy_layan_bumil: serve(1, 0.95),
    posy_layan_balita: serve(1, 1),
    posy_layan_remaja: serve(0.96, 0.1),
    posy_layan_dewasa: serve(0.98, 0.25),
    posy_layan_lansia: serve(0.99, 0.35),
    posy_pengunjung: held ? Math.round(rng.between(30, 90) * (ilp ? 1.4 : 1)) : 0,
    posy_jumlah_kader: registered,
    posy_kader_aktif: active,
    posy_kader_purwa: trained - utama - madya,
    posy_kader_madya: madya,
    posy_kader_utama: utama,
    posy_kunjungan_rumah: ilp ? rng.int(4, 24) : rng.int(0, 6),
  };
  values.posy_kelompok_dilayani = ["bumil", "balita", "remaja", "dewasa", "lansia"].filter((g) => values[`posy_layan_${g}`] === true).length;
  if (rng.chance(0.08)) values.posy_catatan = rng.pick(POSYANDU_NOTES);
  return values;
}

/** Pustu ILP report of month `idx`. */
export function pustuValues(v: VillageStory, idx: number, rng: Rng): Record<string, DemoValue> {
  const since = idx - v.ilpStart;
  const ilp = since >= 0;
  const coached = ilp ? rng.int(Math.ceil(v.posyanduInVillage * 0.6), v.posyanduInVillage) : rng.int(0, Math.floor(v.posyanduInVillage / 2));
  const values: Record<string, DemoValue> = {
    pustu_layanan_ilp: ilp,
    pustu_bidan: rng.chance(ilp ? 0.98 : 0.85),
    pustu_perawat: rng.chance(ilp ? 0.95 : 0.55),
    pustu_koordinator: ilp,
    pustu_pws_desa: ilp && v.parent.usesPws && since >= 2 && rng.chance(0.9),
    pustu_kunjungan_rumah: ilp ? rng.int(10, 45) : rng.int(0, 12),
    pustu_jumlah_posyandu: v.posyanduInVillage,
    pustu_posyandu_dibina: coached,
  };
  if (rng.chance(0.06)) values.pustu_catatan = "Jadwal pembinaan Posyandu disesuaikan dengan jadwal Lokmin desa.";
  return values;
}
