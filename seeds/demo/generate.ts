/**
 * Deterministic demo data for the five demo districts (docs/domain.md): monthly ILP profile and
 * SPM counts, yearly SPM sasaran, quarterly BOK and BLUD reports (BLUD Puskesmas only: the
 * members of the demo group `blud`, demoBludMemberships), the monthly Pustu and Posyandu reports
 * (seeds/demo/village.ts), from 2025-01 up to the day the
 * demo is seeded (`asOf`): every period before it as a district would have it on that day — the
 * last month mostly reported and partly verified, the current month a few early reports, nothing
 * submitted after `asOf`.
 *
 * Pure: a seeded PRNG (mulberry32) and no clock (the caller hands over `asOf`). Every random draw comes from a stream keyed by
 * seed + unit + purpose, so one unit's story does not change when another unit is added.
 * The stories follow the source articles: Sungai Durian and Plantungan lead; Sintang starts 2025
 * with 3 of 22 Puskesmas on ILP; Tegal has 3 pilots (2024) and 15 more in 2025; Bontang's 6
 * Puskesmas run 124 Posyandu ILP; BOK absorption ends near 79.5 %; SPM lands at 45–95 %.
 */
import type { DistrictOverlay, Field, TemplatePackage } from "../../engine/documents";
import type { OrgUnitRow } from "../org-units";
import { buildVillageStories, posyanduValues, pustuValues, VILLAGE_RETURN_NOTES } from "./village";
import { clamp, hash, makeRng, monthIdx, monthOf, monthPeriod, pad2, yearOf, type Rng } from "./rng";

export type DemoStatus = "draft" | "submitted" | "returned" | "approved";
export type DemoValue = number | boolean | string | null;

export interface DemoSubmission {
  org: string;
  form: string;
  period: string;
  status: DemoStatus;
  /** ISO UTC time the report was (last) submitted; null for a draft that was never submitted. */
  submittedAt: string | null;
  /** Verifier's note, only on a returned report. */
  returnNote?: string;
  values: Record<string, DemoValue>;
}

export interface GenerateOptions {
  seed?: number;
  orgUnits: readonly OrgUnitRow[];
  pkg: TemplatePackage;
  /** District overlays: their `lokal_` fields are filled and hidden fields left out. */
  overlays?: readonly DistrictOverlay[];
  /**
   * The instant the demo is seeded (ISO 8601): data runs up to it. Data starts 2025-01, so `asOf`
   * must be 2025-02 or later.
   */
  asOf: string;
}

export const DEFAULT_DEMO_SEED = 20250101;
const FIRST_YEAR = 2025;

/** ISO UTC timestamp on day `day` (may exceed the month length) after the 1st of month `idx`. */
function isoAt(idx: number, day: number, rng: Rng): string {
  const ms = Date.UTC(yearOf(idx), monthOf(idx) - 1, 1) + (day - 1) * 86_400_000;
  const hour = rng.int(1, 9); // 08:00–16:59 WIB
  const minute = rng.int(0, 59);
  return new Date(ms + hour * 3_600_000 + minute * 60_000).toISOString();
}

// ------------------------------------------------------------------ district profiles

interface DistrictProfile {
  /** Year-end SPM achievement level (0..1) before service and unit effects. */
  spm: number;
  /** Year-end BOK absorption (0..1). */
  bok: number;
  population: [number, number];
  villages: [number, number];
  posyanduPerVillage: [number, number];
  kaderPerPosyandu: [number, number];
  elderlyShare: number;
  /** Probability that a unit-month is never reported. */
  missing: number;
  /** Probability that a report comes after the 10th. */
  late: number;
  lokmin: number;
  blud: boolean;
}

const DISTRICTS: Record<string, DistrictProfile> = {
  "13.73": {
    spm: 0.8,
    bok: 0.84,
    population: [9000, 16000],
    villages: [5, 8],
    posyanduPerVillage: [2.2, 3.2],
    kaderPerPosyandu: [5.2, 6.4],
    elderlyShare: 0.12,
    missing: 0.02,
    late: 0.08,
    lokmin: 0.95,
    blud: false,
  },
  "61.05": {
    spm: 0.64,
    bok: 0.74,
    population: [12000, 30000],
    villages: [12, 24],
    posyanduPerVillage: [1.2, 1.8],
    kaderPerPosyandu: [4.4, 5.6],
    elderlyShare: 0.08,
    missing: 0.06,
    late: 0.22,
    lokmin: 0.8,
    blud: false,
  },
  "64.74": {
    spm: 0.84,
    bok: 0.86,
    population: [22000, 40000],
    villages: [1, 3],
    posyanduPerVillage: [8, 10],
    kaderPerPosyandu: [5.2, 6.2],
    elderlyShare: 0.07,
    missing: 0.01,
    late: 0.05,
    lokmin: 0.95,
    blud: true,
  },
  "33.28": {
    spm: 0.7,
    bok: 0.8,
    population: [38000, 60000],
    villages: [7, 13],
    posyanduPerVillage: [4, 5.5],
    kaderPerPosyandu: [5.1, 6.0],
    elderlyShare: 0.12,
    missing: 0.04,
    late: 0.12,
    lokmin: 0.9,
    blud: false,
  },
  "33.24": {
    spm: 0.74,
    bok: 0.82,
    population: [25000, 50000],
    villages: [7, 12],
    posyanduPerVillage: [3.5, 4.8],
    kaderPerPosyandu: [5.1, 6.2],
    elderlyShare: 0.12,
    missing: 0.03,
    late: 0.1,
    lokmin: 0.92,
    blud: true,
  },
};
const FALLBACK_DISTRICT: DistrictProfile = { ...DISTRICTS["33.24"], blud: false };

/** Bontang: 15 kelurahan and 124 Posyandu split over its 6 Puskesmas (docs/domain.md), by name. */
const BONTANG: Record<string, { villages: number; posyandu: number }> = {
  "Puskesmas Bontang Utara I": { villages: 3, posyandu: 24 },
  "Puskesmas Bontang Utara II": { villages: 3, posyandu: 22 },
  "Puskesmas Bontang Selatan I": { villages: 2, posyandu: 20 },
  "Puskesmas Bontang Selatan II": { villages: 3, posyandu: 21 },
  "Puskesmas Bontang Lestari": { villages: 1, posyandu: 12 },
  "Puskesmas Bontang Barat": { villages: 3, posyandu: 25 },
};

// ------------------------------------------------------------------ SPM

interface SpmService {
  served: string;
  sasaran: string;
  /** Sasaran as a share of the population. */
  share: number;
  /** Achievement offset from the district level. */
  effect: number;
  /** Seasonal weight per month (1..12). */
  season: readonly number[];
}

const FLAT = [0.85, 0.95, 1, 1, 1, 1, 1, 1.05, 1, 1, 1, 1.1];
const BALITA = [0.8, 1.6, 0.9, 0.9, 0.9, 0.9, 0.9, 1.6, 0.9, 0.9, 0.9, 0.9]; // Bulan Vitamin A: Feb, Aug
const SCHOOL = [0.5, 0.6, 0.6, 0.5, 0.5, 0.3, 1.2, 2.2, 1.8, 1.2, 0.9, 0.6]; // new school year
const SCREENING = [0.7, 0.9, 1, 0.9, 1, 1, 1, 1.1, 1.1, 1.1, 1.1, 1.2]; // campaigns pick up in H2

const SPM: readonly SpmService[] = [
  { served: "spm01_bumil_k6", sasaran: "spm01_sasaran_bumil", share: 0.0205, effect: 0.1, season: FLAT },
  { served: "spm02_persalinan_faskes", sasaran: "spm02_sasaran_bersalin", share: 0.0196, effect: 0.12, season: FLAT },
  { served: "spm03_bbl_kn_lengkap", sasaran: "spm03_sasaran_bbl", share: 0.0187, effect: 0.1, season: FLAT },
  { served: "spm04_balita_standar", sasaran: "spm04_sasaran_balita", share: 0.068, effect: 0.02, season: BALITA },
  { served: "spm05_usia_dasar_skrining", sasaran: "spm05_sasaran_usia_dasar", share: 0.165, effect: 0.1, season: SCHOOL },
  { served: "spm06_usia_produktif_skrining", sasaran: "spm06_sasaran_usia_produktif", share: 0.645, effect: -0.15, season: SCREENING },
  { served: "spm07_lansia_skrining", sasaran: "spm07_sasaran_lansia", share: -1, effect: -0.04, season: SCREENING },
  { served: "spm08_hipertensi_standar", sasaran: "spm08_sasaran_hipertensi", share: 0.22, effect: -0.14, season: SCREENING },
  { served: "spm09_dm_standar", sasaran: "spm09_sasaran_dm", share: 0.016, effect: -0.05, season: SCREENING },
  { served: "spm10_odgj_berat_standar", sasaran: "spm10_sasaran_odgj_berat", share: 0.0007, effect: 0.06, season: FLAT },
  { served: "spm11_terduga_tb_diperiksa", sasaran: "spm11_sasaran_terduga_tb", share: 0.012, effect: -0.05, season: FLAT },
  { served: "spm12_risiko_hiv_diperiksa", sasaran: "spm12_sasaran_risiko_hiv", share: 0.03, effect: -0.02, season: FLAT },
];

/** Splits `total` into integers proportional to `weights` (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) out[order[k][1]]++;
  return out;
}

// ------------------------------------------------------------------ unit stories

interface UnitStory {
  code: string;
  name: string;
  district: string;
  profile: DistrictProfile;
  population: number;
  /** Month index of the ILP start (cluster flow in place); Infinity = not by `until`. */
  ilpStart: number;
  /** Tegal's cohort year (2024 pilot, 2025 scale-up, 2026), if designated. */
  cohort?: number;
  leader: boolean;
  villages: number;
  posyandu: number;
  kaderPerPosyandu: number;
  /** Achievement offset of this unit (management quality). */
  skill: number;
  /** Share of Pustu/Posyandu the unit can convert (remote areas stay below 1). */
  reach: number;
  usesPws: boolean;
  rmeFullAfter: number;
  blud: "penuh" | "belum" | null;
  bludSince: number;
}

const LEADERS = new Set(["Puskesmas Sungai Durian", "Puskesmas Plantungan"]);

/** Assigns ILP start months per district following docs/domain.md. */
function ilpStarts(seed: number, district: string, units: readonly OrgUnitRow[]): Map<string, { start: number; cohort?: number }> {
  const rng = makeRng(seed, `ilp-starts|${district}`);
  const out = new Map<string, { start: number; cohort?: number }>();
  const byName = (name: string) => units.find((u) => u.name === name);
  const rest = (taken: readonly (OrgUnitRow | undefined)[]) => {
    const ids = new Set(taken.filter((u): u is OrgUnitRow => !!u).map((u) => u.code));
    const others = units.filter((u) => !ids.has(u.code));
    // Seeded shuffle (Fisher–Yates) so which generated unit goes when varies with the seed.
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [others[i], others[j]] = [others[j], others[i]];
    }
    return others;
  };
  const spread = (list: readonly OrgUnitRow[], from: number, to: number, cohort?: number) =>
    list.forEach((u, i) => out.set(u.code, { start: from + Math.round(((to - from) * i) / Math.max(1, list.length - 1)), cohort }));

  if (district === "13.73") {
    const first = [byName("Puskesmas Sungai Durian"), byName("Puskesmas Kolok Mudik")];
    if (first[0]) out.set(first[0].code, { start: monthIdx(2024, 3) });
    if (first[1]) out.set(first[1].code, { start: monthIdx(2024, 7) });
    spread(rest(first), monthIdx(2024, 9), monthIdx(2025, 4));
  } else if (district === "33.24") {
    const plantungan = byName("Puskesmas Plantungan");
    if (plantungan) out.set(plantungan.code, { start: monthIdx(2023, 12) });
    const others = rest([plantungan]);
    spread(others.slice(0, others.length - 3), monthIdx(2024, 4), monthIdx(2025, 6));
    spread(others.slice(others.length - 3), monthIdx(2025, 8), monthIdx(2025, 11));
  } else if (district === "33.28") {
    const pilots = [byName("Puskesmas Kaladawa"), byName("Puskesmas Dukuhwaru"), byName("Puskesmas Slawi (contoh)")];
    spread(
      pilots.filter((u): u is OrgUnitRow => !!u),
      monthIdx(2024, 6),
      monthIdx(2024, 9),
      2024,
    );
    const others = rest(pilots);
    spread(others.slice(0, 15), monthIdx(2025, 2), monthIdx(2025, 11), 2025);
    spread(others.slice(15, 21), monthIdx(2026, 2), monthIdx(2026, 8), 2026);
    others.slice(21).forEach((u) => out.set(u.code, { start: Infinity }));
  } else if (district === "61.05") {
    const early = [byName("Puskesmas Tebidah"), byName("Puskesmas Dedai"), byName("Puskesmas Sintang (contoh)")];
    spread(
      early.filter((u): u is OrgUnitRow => !!u),
      monthIdx(2024, 10),
      monthIdx(2024, 12),
    );
    const others = rest(early);
    spread(others.slice(0, 16), monthIdx(2025, 2), monthIdx(2025, 12));
    spread(others.slice(16, 18), monthIdx(2026, 3), monthIdx(2026, 6));
    others.slice(18).forEach((u) => out.set(u.code, { start: Infinity }));
  } else if (district === "64.74") {
    spread(rest([]), monthIdx(2024, 1), monthIdx(2024, 6));
  } else {
    spread(rest([]), monthIdx(2024, 6), monthIdx(2026, 6));
  }
  return out;
}

function buildStories(seed: number, orgUnits: readonly OrgUnitRow[]): UnitStory[] {
  const byDistrict = new Map<string, OrgUnitRow[]>();
  for (const u of orgUnits) {
    if (u.level !== "puskesmas" || !u.parentCode) continue;
    const list = byDistrict.get(u.parentCode) ?? [];
    list.push(u);
    byDistrict.set(u.parentCode, list);
  }
  const stories: UnitStory[] = [];
  for (const [district, units] of byDistrict) {
    const profile = DISTRICTS[district] ?? FALLBACK_DISTRICT;
    const starts = ilpStarts(seed, district, units);
    const bludRng = makeRng(seed, `blud|${district}`);
    for (const u of units) {
      const rng = makeRng(seed, `unit|${u.code}`);
      const leader = LEADERS.has(u.name);
      const fixed = district === "64.74" ? BONTANG[u.name] : undefined;
      const villages = fixed?.villages ?? rng.int(profile.villages[0], profile.villages[1]);
      const posyandu = fixed?.posyandu ?? Math.max(villages, Math.round(villages * rng.between(...profile.posyanduPerVillage)));
      const start = starts.get(u.code) ?? { start: Infinity };
      let blud: UnitStory["blud"] = null;
      if (profile.blud) blud = district === "64.74" || bludRng.chance(0.8) ? "penuh" : "belum";
      stories.push({
        code: u.code,
        name: u.name,
        district,
        profile,
        population: Math.round(rng.between(...profile.population) / 10) * 10,
        ilpStart: start.start,
        cohort: start.cohort,
        leader,
        villages,
        posyandu,
        kaderPerPosyandu: rng.between(...profile.kaderPerPosyandu),
        skill: leader ? 0.08 : rng.between(-0.07, 0.07),
        reach: leader || district === "64.74" ? 1 : district === "61.05" ? rng.between(0.75, 0.95) : rng.between(0.88, 1),
        usesPws: leader || rng.chance(0.7),
        rmeFullAfter: leader ? 4 : rng.chance(0.6) ? rng.int(8, 16) : Infinity,
        blud,
        bludSince: bludRng.int(2019, 2022),
      });
    }
  }
  return stories;
}

// ------------------------------------------------------------------ form values

const RETURN_NOTES: Record<string, readonly string[]> = {
  ilp_profil: [
    "Jumlah Posyandu ILP turun dibanding bulan lalu tanpa penjelasan. Mohon diperiksa dan beri catatan.",
    "Rincian kader per tingkat belum sesuai data sertifikasi di Dinkes. Mohon disesuaikan.",
    "Jumlah desa dengan Pustu ILP aktif berbeda dengan hasil supervisi. Mohon dikonfirmasi.",
  ],
  spm_bulanan: [
    "Capaian SPM 8 (hipertensi) melonjak dibanding bulan lalu. Mohon periksa kembali kohort hipertensi.",
    "Jumlah ibu hamil K6 lebih besar dari kunjungan K6 di register kohort ibu. Mohon disesuaikan.",
    "Skrining usia produktif tampaknya menghitung ulang orang yang sama. Hitung setiap orang sekali setahun.",
  ],
  bok_triwulan: [
    "Realisasi BOK belum sesuai SP2D yang diterima Dinkes. Mohon lampirkan rekap SP2D.",
    "Kegiatan terlaksana belum disertai laporan kegiatan. Mohon dilengkapi.",
  ],
  blud_triwulan: ["Realisasi pendapatan berbeda dengan laporan keuangan BLUD triwulan ini. Mohon disesuaikan."],
  ...VILLAGE_RETURN_NOTES,
};

const ILP_NOTES = [
  "Dua Posyandu belum memiliki 5 kader aktif; rekrutmen kader baru bersama pemerintah desa.",
  "Pelatihan 25 keterampilan dasar kader gelombang berikutnya dijadwalkan bulan depan.",
  "Jaringan internet di Pustu belum stabil sehingga input RME tertunda.",
  "Ruang layanan klaster 3 masih berbagi dengan ruang KIA; renovasi direncanakan.",
  "Lokmin tribulanan dihadiri camat dan kepala desa; disepakati jadwal Posyandu ILP terpadu.",
];

const BOK_NOTES = [
  "Pencairan tahap awal terlambat sehingga kegiatan luar gedung bergeser ke triwulan berikutnya.",
  "Beberapa kegiatan sweeping imunisasi digabung dengan kunjungan rumah ILP.",
  "Transport petugas ke dusun terpencil lebih tinggi dari rencana.",
];

function ilpValues(s: UnitStory, idx: number, rng: Rng): Record<string, DemoValue> {
  const since = idx - s.ilpStart; // months since ILP start (negative before)
  const started = since >= 0;
  const month = monthOf(idx);
  const ramp = (base: number, perMonth: number) => (started ? clamp(base + perMonth * since, 0, 1) : 0);

  let desaFrac = ramp(0.3, 0.06) * s.reach;
  let posyFrac = ramp(0.2, 0.05) * s.reach;
  if (s.name === "Puskesmas Plantungan" && idx >= monthIdx(2024, 1)) desaFrac = 1;
  if (s.name === "Puskesmas Sungai Durian") {
    desaFrac = 1;
    if (idx >= monthIdx(2024, 11)) posyFrac = 1;
  }
  if (s.district === "64.74") posyFrac = started ? clamp(0.55 + 0.045 * since, 0, 1) : 0;
  if (s.leader) posyFrac = Math.max(posyFrac, ramp(0.5, 0.1));

  const growth = yearOf(idx) - FIRST_YEAR; // a few new kader each year
  const kader = Math.round(s.posyandu * s.kaderPerPosyandu) + growth * Math.round(s.posyandu * 0.1);
  const trainedFrac = started ? clamp((s.leader ? 0.35 : 0.08) + (s.leader ? 0.05 : 0.035) * since, 0, 0.95) : 0;
  const trained = Math.round(kader * trainedFrac);
  const utama = Math.round(trained * 0.1);
  const madya = Math.round(trained * 0.3);
  const purwa = trained - utama - madya;
  const fiveFrac = clamp(0.62 + (started ? 0.015 * since : 0) + (s.leader ? 0.2 : 0), 0, 1);
  const posyandu5 = Math.min(Math.round(s.posyandu * fiveFrac), Math.floor(kader / 5));
  const desaPustu = Math.round(s.villages * desaFrac);

  const skOn = since >= -1;
  const lokmin = rng.chance(started ? s.profile.lokmin : s.profile.lokmin - 0.15);
  const v: Record<string, DemoValue> = {
    sk_klaster: skOn,
    sotk_revisi: skOn,
    pj_klaster_ditetapkan: started,
    sosialisasi_staf: started,
    alur_layanan_klaster: started,
    pws_dashboard: s.usesPws && since >= 3,
    rme_satusehat: since >= s.rmeFullAfter ? "penuh" : since >= 2 ? "sebagian" : "belum",
    jumlah_desa: s.villages,
    desa_pustu_ilp: desaPustu,
    jumlah_posyandu: s.posyandu,
    posyandu_ilp: Math.round(s.posyandu * posyFrac),
    posyandu_5_kader: posyandu5,
    jumlah_kader: kader,
    kader_purwa: purwa,
    kader_madya: madya,
    kader_utama: utama,
    kader_terlatih: purwa + madya + utama,
    kader_belum_sertifikat: kader - trained,
    kunjungan_rumah: started ? Math.round(Math.max(1, desaPustu) * rng.between(8, 22)) : rng.int(0, 25),
    lokmin_bulanan: lokmin,
    lokmin_bulanan_terlaksana: lokmin ? 1 : 0,
    bulan_laporan: 1,
  };
  if (skOn) v.sk_klaster_nomor = `445/${pad2((hash(s.code) % 90) + 10)}/SK/PKM/${yearOf(s.ilpStart - 1)}`;
  if (month % 3 === 0) {
    const held = rng.chance(started ? 0.85 : 0.6);
    v.lokmin_triwulan = held;
    if (held) v.lokmin_lintas_sektor = rng.int(3, 9);
  }
  if (rng.chance(0.12)) v.catatan_ilp = rng.pick(ILP_NOTES);
  // Local fields of the overlays (kept only when the overlay is passed in).
  v.lokal_posyandu_ilp_rme =
    s.name === "Puskesmas Sungai Durian"
      ? (v.posyandu_ilp as number)
      : Math.round((v.posyandu_ilp as number) * (started ? clamp(0.1 + 0.04 * since, 0, 1) : 0));
  if (s.cohort !== undefined && yearOf(idx) >= s.cohort) v.lokal_tahun_kohort_ilp = s.cohort;
  return v;
}

interface SpmPlan {
  sasaran: Record<string, number>;
  monthly: Record<string, number[]>;
}

function spmPlan(seed: number, s: UnitStory, year: number): SpmPlan {
  const rng = makeRng(seed, `spm|${s.code}|${year}`);
  const population = Math.round(s.population * (1 + 0.011 * (year - FIRST_YEAR)));
  const sasaran: Record<string, number> = {};
  const monthly: Record<string, number[]> = {};
  // Achievement improves once the cluster flow is in place (screening at the Posyandu ILP).
  const ilpBoost = monthIdx(year, 6) >= s.ilpStart ? 0.03 : 0;
  for (const svc of SPM) {
    const share = svc.share < 0 ? s.profile.elderlyShare : svc.share;
    const target = Math.max(3, Math.round(population * share * rng.between(0.95, 1.05)));
    sasaran[svc.sasaran] = target;
    const achievement = clamp(s.profile.spm + svc.effect + s.skill + ilpBoost + 0.02 * (year - FIRST_YEAR) + rng.between(-0.05, 0.05), 0.3, 0.97);
    const total = Math.floor(target * achievement);
    const weights = svc.season.map((w, i) => {
      const lebaran = (year === 2025 && i === 3) || (year === 2026 && i === 2) ? 0.8 : 1;
      return w * lebaran * rng.between(0.85, 1.15);
    });
    monthly[svc.served] = apportion(total, weights);
  }
  return { sasaran, monthly };
}

function bokValues(seed: number, s: UnitStory, year: number, quarter: number, onTime: boolean): Record<string, DemoValue> {
  const rng = makeRng(seed, `bok|${s.code}|${year}`);
  const remote = s.district === "61.05" ? 150 : 0;
  const pagu = Math.round(350 + s.population / 100 + remote + rng.between(0, 250)) * 1_000_000;
  const yearEnd = clamp(s.profile.bok + s.skill * 0.5 + rng.between(-0.06, 0.06), 0.5, 0.98);
  const shape = [0.14, 0.42, 0.7, 1].map((f, i) => f * (i < 3 ? rng.between(0.85, 1.15) : 1));
  const absorbed = Math.min(shape[quarter - 1] * yearEnd, 0.99);
  const planned = rng.int(40, 120);
  const activity = clamp(absorbed * rng.between(1.02, 1.12), 0, 1);
  const noteRng = makeRng(seed, `bok-note|${s.code}|${year}|${quarter}`);
  const v: Record<string, DemoValue> = {
    bok_pagu: pagu,
    bok_realisasi_kumulatif: Math.round((pagu * absorbed) / 1000) * 1000,
    bok_kegiatan_rencana: planned,
    bok_kegiatan_terlaksana: Math.floor(planned * activity),
    bok_laporan_tepat_waktu: onTime,
  };
  if (noteRng.chance(0.15)) v.bok_catatan = noteRng.pick(BOK_NOTES);
  return v;
}

function bludValues(seed: number, s: UnitStory, year: number, quarter: number): Record<string, DemoValue> {
  const rng = makeRng(seed, `blud|${s.code}|${year}`);
  const q = makeRng(seed, `blud|${s.code}|${year}|${quarter}`);
  const ikm = Math.round((rng.between(74, 89) + (quarter >= 3 ? q.between(-1.5, 2) : 0)) * 100) / 100;
  const revenueTarget = Math.round((s.population * rng.between(35_000, 60_000)) / 1_000_000) * 1_000_000;
  const spendTarget = Math.round((revenueTarget * rng.between(0.95, 1.02)) / 1_000_000) * 1_000_000;
  const revenueRate = rng.between(0.92, 1.12);
  const spendRate = rng.between(0.85, 0.99);
  const part = quarter / 4;
  const wobble = quarter < 4 ? q.between(0.9, 1.05) : 1;
  const revenue = Math.round((revenueTarget * part * revenueRate * wobble) / 1000) * 1000;
  const spending = Math.min(spendTarget, Math.round((spendTarget * part * spendRate * wobble) / 1000) * 1000);
  const opening = Math.round((revenueTarget * rng.between(0.1, 0.3)) / 1000) * 1000;
  return {
    blud_status: "penuh",
    blud_sk_nomor: `900/${pad2((hash(s.code) % 90) + 10)}/BLUD/${s.bludSince}`,
    blud_sk_tanggal: `${s.bludSince}-${pad2(monthOf(bludMonth(s)))}-${pad2(1 + (hash(s.name) % 28))}`,
    blud_rba_disetujui: true,
    blud_remunerasi: rng.chance(0.85),
    blud_target_pendapatan: revenueTarget,
    blud_realisasi_pendapatan: revenue,
    blud_target_belanja: spendTarget,
    blud_realisasi_belanja: spending,
    blud_kas_akhir: opening + revenue - spending,
    blud_ikm: ikm,
  };
}

// ------------------------------------------------------------------ workflow

interface Timing {
  status: DemoStatus;
  submittedAt: string | null;
  returnNote?: string;
  late: boolean;
}

/** What the demo knows of "today": the instant, and the months before and after it. */
interface AsOf {
  ms: number;
  /** Month index of the month `ms` falls in. */
  current: number;
}

const monthStartMs = (idx: number) => Date.UTC(yearOf(idx), monthOf(idx) - 1, 1);

/**
 * Keeps a submission time at or before `asOf`: a time after it is redrawn between the 25th of the
 * period's last month (operators send in its last days too; a period may be reported once it has
 * begun) — or the month's 1st when `asOf` is earlier — and `asOf`.
 */
function notAfter(iso: string, periodEndIdx: number, asOf: AsOf, rng: Rng): string {
  if (Date.parse(iso) <= asOf.ms) return iso;
  const day25 = monthStartMs(periodEndIdx) + 24 * 86_400_000;
  const lo = Math.min(asOf.ms, day25 <= asOf.ms ? day25 : monthStartMs(periodEndIdx));
  const minutes = Math.floor((asOf.ms - lo) / 60_000);
  return new Date(Math.floor(lo / 60_000) * 60_000 + Math.floor(minutes * rng.next()) * 60_000).toISOString();
}

/**
 * Status and submission time of a report due on day `dueDay` of month `dueIdx` (the month after
 * the period), seen on `asOf`. `age` = months between the period's last month and the month
 * before `asOf` (0 = last month, -1 = the current month). Null: no report (yet).
 */
function timing(rng: Rng, s: { profile: { late: number } }, form: string, dueIdx: number, dueDay: number, age: number, asOf: AsOf): Timing | null {
  const late = rng.chance(s.profile.late);
  const day = late ? rng.int(dueDay + 1, dueDay + 30) : rng.int(1, dueDay);
  const submittedAt = notAfter(isoAt(dueIdx, day, rng), dueIdx - 1, asOf, rng);
  const roll = rng.next();
  const returned = { status: "returned" as const, submittedAt, late, returnNote: rng.pick(RETURN_NOTES[form] ?? RETURN_NOTES.ilp_profil) };
  if (age < 0) {
    // The current month: a few early reports, most of them still drafts.
    if (roll < 0.85) return null;
    if (roll < 0.94) return { status: "draft", submittedAt: null, late: false };
    return { status: "submitted", submittedAt, late: false };
  }
  if (age === 0) {
    if (roll < 0.3) return { status: "draft", submittedAt: null, late };
    if (roll < 0.7) return { status: "submitted", submittedAt, late };
    if (roll < 0.76) return returned;
    return { status: "approved", submittedAt, late };
  }
  if (age === 1) {
    if (roll < 0.15) return { status: "submitted", submittedAt, late };
    if (roll < 0.2) return returned;
    return { status: "approved", submittedAt, late };
  }
  if (age <= 3 && roll < 0.03) return returned;
  return { status: "approved", submittedAt, late };
}

// ------------------------------------------------------------------ main

/** Field keys per form of the package plus the overlays' added fields, minus hidden ones per district. */
function formFields(pkg: TemplatePackage, overlays: readonly DistrictOverlay[]) {
  const base = new Map<string, Set<string>>();
  for (const form of pkg.forms) base.set(form.key, new Set(form.sections.flatMap((sec) => sec.fields.map((f: Field) => f.key))));
  const perDistrict = new Map<string, Map<string, Set<string>>>();
  for (const overlay of overlays) {
    const forms = new Map([...base].map(([k, v]) => [k, new Set(v)] as const));
    for (const op of overlay.operations) {
      if (op.op === "addField") forms.get(op.form)?.add(op.field.key);
      if (op.op === "hideField") forms.get(op.form)?.delete(op.field);
    }
    perDistrict.set(overlay.district, forms);
  }
  return (district: string, form: string) => (perDistrict.get(district) ?? base).get(form);
}

/** Keeps the values of fields the (effective) form has; a national key missing from it is a bug. */
function restrict(values: Record<string, DemoValue>, allowed: Set<string>, hidden: (key: string) => boolean): Record<string, DemoValue> {
  const out: Record<string, DemoValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (allowed.has(key)) out[key] = value;
    else if (!key.startsWith("lokal_") && !hidden(key)) throw new Error(`Demo generator: field "${key}" is not in the package`);
  }
  return out;
}

/** Generates the demo submissions, ordered by unit, form, period. */
export function generateDemoSubmissions(options: GenerateOptions): DemoSubmission[] {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const asOfMs = Date.parse(options.asOf);
  if (!Number.isFinite(asOfMs)) throw new Error(`asOf harus tanggal ISO, ditemukan "${options.asOf}"`);
  const asOfDate = new Date(asOfMs);
  const asOf: AsOf = { ms: asOfMs, current: monthIdx(asOfDate.getUTCFullYear(), asOfDate.getUTCMonth() + 1) };
  const first = monthIdx(FIRST_YEAR, 1);
  const last = asOf.current - 1; // the last complete month
  if (last < first) throw new Error(`asOf ${options.asOf} terlalu awal: data demo dimulai ${FIRST_YEAR}-01`);
  const overlays = options.overlays ?? [];
  const fieldsOf = formFields(options.pkg, overlays);
  const hiddenIn = new Map<string, Set<string>>();
  for (const o of overlays) {
    const hidden = new Set<string>();
    for (const op of o.operations) if (op.op === "hideField") hidden.add(op.field);
    hiddenIn.set(o.district, hidden);
  }

  const out: DemoSubmission[] = [];
  const stories = buildStories(seed, options.orgUnits);
  for (const s of stories) {
    const allowed = (form: string) => fieldsOf(s.district, form);
    const hidden = (key: string) => hiddenIn.get(s.district)?.has(key) ?? false;
    const push = (form: string, period: string, t: Timing | null, values: Record<string, DemoValue>) => {
      if (!t) return; // not reported (yet)
      const fields = allowed(form);
      if (!fields) return; // form not in this package
      const sub: DemoSubmission = { org: s.code, form, period, status: t.status, submittedAt: t.submittedAt, values: restrict(values, fields, hidden) };
      if (t.returnNote) sub.returnNote = t.returnNote;
      out.push(sub);
    };

    const plans = new Map<number, SpmPlan>();
    for (let year = FIRST_YEAR; year <= yearOf(asOf.current); year++) {
      const plan = spmPlan(seed, s, year);
      plans.set(year, plan);
      const rng = makeRng(seed, `sasaran|${s.code}|${year}`);
      const day = rng.int(15, 50); // January to late February
      const at = isoAt(monthIdx(year, 1), day, rng);
      // Seeded before its usual date: sent in the first days of January, not yet verified.
      const early = Date.parse(at) > asOf.ms;
      const submittedAt = early ? notAfter(at, monthIdx(year, 1), asOf, rng) : at;
      push("spm_sasaran", String(year), { status: early ? "submitted" : "approved", submittedAt, late: false }, { ...plan.sasaran });
    }

    for (let idx = first; idx <= asOf.current; idx++) {
      const rng = makeRng(seed, `month|${s.code}|${idx}`);
      if (rng.chance(s.profile.missing)) continue; // the unit did not report this month
      const age = last - idx;
      push("ilp_profil", monthPeriod(idx), timing(rng, s, "ilp_profil", idx + 1, 10, age, asOf), ilpValues(s, idx, rng));
      const plan = plans.get(yearOf(idx))!;
      const spm: Record<string, DemoValue> = {};
      for (const svc of SPM) spm[svc.served] = plan.monthly[svc.served][monthOf(idx) - 1];
      push("spm_bulanan", monthPeriod(idx), timing(rng, s, "spm_bulanan", idx + 1, 10, age, asOf), spm);
    }

    for (let idx = first + 2; idx <= last; idx += 3) {
      const year = yearOf(idx);
      const quarter = monthOf(idx) / 3;
      const period = `${year}-Q${quarter}`;
      const age = last - idx;
      const rng = makeRng(seed, `quarter|${s.code}|${period}`);
      if (!rng.chance(s.profile.missing / 2)) {
        const t = timing(rng, s, "bok_triwulan", idx + 1, 15, age, asOf);
        if (t) push("bok_triwulan", period, t, bokValues(seed, s, year, quarter, !t.late));
      }
      // Only BLUD Puskesmas file it: the form applies to the `blud` group (demoBludMemberships).
      if (s.blud === "penuh" && idx >= bludMonth(s))
        push("blud_triwulan", period, timing(rng, s, "blud_triwulan", idx + 1, 15, age, asOf), bludValues(seed, s, year, quarter));
    }
  }

  // Pustu and Posyandu: their monthly reports, with their Puskesmas's diligence.
  const parents = new Map(stories.map((s) => [s.code, s]));
  for (const v of buildVillageStories(seed, options.orgUnits, parents)) {
    const form = v.level === "pustu" ? "pustu_ilp_bulanan" : "posyandu_ilp_bulanan";
    const fields = fieldsOf(v.parent.district, form);
    if (!fields) continue; // form not in this package
    const hidden = (key: string) => hiddenIn.get(v.parent.district)?.has(key) ?? false;
    for (let idx = first; idx <= asOf.current; idx++) {
      const rng = makeRng(seed, `month|${v.code}|${idx}`);
      if (rng.chance(v.missing)) continue;
      const t = timing(rng, v.parent, form, idx + 1, 10, last - idx, asOf);
      if (!t) continue;
      const values = v.level === "pustu" ? pustuValues(v, idx, rng) : posyanduValues(v, idx, rng);
      const sub: DemoSubmission = {
        org: v.code,
        form,
        period: monthPeriod(idx),
        status: t.status,
        submittedAt: t.submittedAt,
        values: restrict(values, fields, hidden),
      };
      if (t.returnNote) sub.returnNote = t.returnNote;
      out.push(sub);
    }
  }
  return out;
}

/** The month index a BLUD Puskesmas became BLUD: the month of its decree (blud_sk_tanggal). */
function bludMonth(s: UnitStory): number {
  return monthIdx(s.bludSince, 1 + (hash(s.code) % 12));
}

/**
 * The demo's BLUD Puskesmas and the month each became BLUD (its decree's month, YYYY-MM): the
 * memberships of the demo's national group `blud` (app/models/seed.server.ts). Generated demo
 * data, not a published list.
 */
export function demoBludMemberships(options: Pick<GenerateOptions, "seed" | "orgUnits">): Array<{ code: string; from: string }> {
  return buildStories(options.seed ?? DEFAULT_DEMO_SEED, options.orgUnits)
    .filter((s) => s.blud === "penuh")
    .map((s) => ({ code: s.code, from: monthPeriod(bludMonth(s)) }));
}
