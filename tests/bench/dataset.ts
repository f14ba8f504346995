/**
 * Deterministic synthetic national dataset for the benchmark: 38 provinces, 514 districts,
 * 10,268 Puskesmas and a year of submissions of the national package's SPM forms
 * (spm_bulanan monthly, spm_sasaran yearly) and ILP form (ilp_profil monthly).
 *
 * Everything comes from one fixed-seed PRNG (mulberry32), never Math.random, so two runs load
 * byte-identical data. Submissions are produced one Puskesmas at a time (a generator), so the
 * loader can stream them into the database without holding millions of objects.
 */

/** mulberry32: small, fast, deterministic 32-bit PRNG. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.next());
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Roughly normal (sum of uniforms), mean 0, sd 1. */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 6; i++) s += this.next();
    return (s - 3) * Math.SQRT2;
  }
}

export const SEED = 20250101;
export const NATIONAL_CODE = "ID";
export const YEAR = 2025;

/** [BPS code, name, districts, approximate Puskesmas] — district counts are Indonesia's 514. */
const PROVINCES: Array<[string, string, number, number]> = [
  ["11", "Aceh", 23, 360],
  ["12", "Sumatera Utara", 33, 620],
  ["13", "Sumatera Barat", 19, 280],
  ["14", "Riau", 12, 230],
  ["15", "Jambi", 11, 210],
  ["16", "Sumatera Selatan", 17, 340],
  ["17", "Bengkulu", 10, 180],
  ["18", "Lampung", 15, 310],
  ["19", "Kepulauan Bangka Belitung", 7, 65],
  ["21", "Kepulauan Riau", 7, 90],
  ["31", "DKI Jakarta", 6, 340],
  ["32", "Jawa Barat", 27, 1100],
  ["33", "Jawa Tengah", 35, 880],
  ["34", "DI Yogyakarta", 5, 121],
  ["35", "Jawa Timur", 38, 970],
  ["36", "Banten", 8, 250],
  ["51", "Bali", 9, 120],
  ["52", "Nusa Tenggara Barat", 10, 175],
  ["53", "Nusa Tenggara Timur", 22, 420],
  ["61", "Kalimantan Barat", 14, 250],
  ["62", "Kalimantan Tengah", 14, 205],
  ["63", "Kalimantan Selatan", 13, 240],
  ["64", "Kalimantan Timur", 10, 185],
  ["65", "Kalimantan Utara", 5, 55],
  ["71", "Sulawesi Utara", 15, 200],
  ["72", "Sulawesi Tengah", 13, 210],
  ["73", "Sulawesi Selatan", 24, 470],
  ["74", "Sulawesi Tenggara", 17, 290],
  ["75", "Gorontalo", 6, 95],
  ["76", "Sulawesi Barat", 6, 100],
  ["81", "Maluku", 11, 210],
  ["82", "Maluku Utara", 10, 140],
  ["91", "Papua", 9, 120],
  ["92", "Papua Barat", 7, 110],
  ["93", "Papua Selatan", 4, 80],
  ["94", "Papua Tengah", 8, 140],
  ["95", "Papua Pegunungan", 8, 160],
  ["96", "Papua Barat Daya", 6, 85],
];

export const FULL_PUSKESMAS = 10_268;

export interface OrgNode {
  id: number;
  code: string;
  name: string;
  level: "national" | "province" | "district" | "puskesmas";
  parentId: number | null;
  path: string;
  depth: number;
}

export interface Tree {
  national: OrgNode;
  provinces: OrgNode[];
  districts: OrgNode[];
  puskesmas: OrgNode[];
  /** Puskesmas per district id. */
  byDistrict: Map<number, OrgNode[]>;
}

/** Splits `total` in proportion to `weights` (largest remainder), each part at least `min`. */
function apportion(total: number, weights: number[], min: number): number[] {
  const rest = total - min * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * rest);
  const parts = exact.map((x) => Math.floor(x));
  let left = rest - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length].i]++;
  return parts.map((p) => p + min);
}

/**
 * The org tree with ids and materialised paths. `fraction` < 1 keeps every province and district
 * but only ceil(n × fraction) Puskesmas per district (the --quick dataset).
 */
export function buildTree(fraction = 1): Tree {
  const rng = new Prng(SEED);
  let nextId = 1;
  const national: OrgNode = { id: nextId++, code: NATIONAL_CODE, name: "Indonesia", level: "national", parentId: null, path: "/1/", depth: 0 };
  const provinces: OrgNode[] = [];
  const districts: OrgNode[] = [];
  const puskesmas: OrgNode[] = [];
  const byDistrict = new Map<number, OrgNode[]>();
  const provinceTotals = apportion(
    FULL_PUSKESMAS,
    PROVINCES.map((p) => p[3]),
    0,
  );
  const districtCounts: number[][] = PROVINCES.map(([, , n], pi) =>
    apportion(
      provinceTotals[pi],
      Array.from({ length: n }, () => rng.range(0.4, 1.6)),
      3,
    ),
  );
  for (const [code, name] of PROVINCES) {
    const id = nextId++;
    provinces.push({ id, code, name: `Provinsi ${name}`, level: "province", parentId: national.id, path: `${national.path}${id}/`, depth: 1 });
  }
  PROVINCES.forEach(([, , n], pi) => {
    const prov = provinces[pi];
    for (let d = 1; d <= n; d++) {
      const id = nextId++;
      const code = `${prov.code}.${String(d).padStart(2, "0")}`;
      const kota = d > n - Math.max(1, Math.round(n / 6));
      districts.push({
        id,
        code,
        name: `${kota ? "Kota" : "Kab."} Sintetis ${code}`,
        level: "district",
        parentId: prov.id,
        path: `${prov.path}${id}/`,
        depth: 2,
      });
    }
  });
  let di = 0;
  PROVINCES.forEach(([, , n], pi) => {
    for (let d = 0; d < n; d++, di++) {
      const dist = districts[di];
      const full = districtCounts[pi][d];
      const count = fraction >= 1 ? full : Math.max(1, Math.ceil(full * fraction));
      const list: OrgNode[] = [];
      for (let k = 1; k <= count; k++) {
        const id = nextId++;
        const code = `${dist.code}.P${String(k).padStart(3, "0")}`;
        const node: OrgNode = { id, code, name: `Puskesmas Sintetis ${code}`, level: "puskesmas", parentId: dist.id, path: `${dist.path}${id}/`, depth: 3 };
        list.push(node);
        puskesmas.push(node);
      }
      byDistrict.set(dist.id, list);
    }
  });
  return { national, provinces, districts, puskesmas, byDistrict };
}

// ---------------------------------------------------------------------------------------------
// Submissions

export type Status = "submitted" | "approved" | "draft";

export interface GeneratedSubmission {
  unit: OrgNode;
  form: "spm_bulanan" | "spm_sasaran" | "ilp_profil";
  period: string;
  /** 1..12 (yearly forms: 12). */
  month: number;
  status: Status;
  data: Record<string, unknown>;
}

const SPM = [
  // [monthly field, yearly sasaran field, share of population, yearly coverage range]
  ["spm01_bumil_k6", "spm01_sasaran_bumil", 0.0225, 0.55, 1.02],
  ["spm02_persalinan_faskes", "spm02_sasaran_bersalin", 0.0214, 0.7, 1.02],
  ["spm03_bbl_kn_lengkap", "spm03_sasaran_bbl", 0.0204, 0.65, 1.02],
  ["spm04_balita_standar", "spm04_sasaran_balita", 0.09, 0.45, 0.98],
  ["spm05_usia_dasar_skrining", "spm05_sasaran_usia_dasar", 0.17, 0.4, 0.95],
  ["spm06_usia_produktif_skrining", "spm06_sasaran_usia_produktif", 0.6, 0.2, 0.8],
  ["spm07_lansia_skrining", "spm07_sasaran_lansia", 0.11, 0.35, 0.9],
  ["spm08_hipertensi_standar", "spm08_sasaran_hipertensi", 0.2, 0.15, 0.7],
  ["spm09_dm_standar", "spm09_sasaran_dm", 0.02, 0.3, 0.9],
  ["spm10_odgj_berat_standar", "spm10_sasaran_odgj_berat", 0.0015, 0.5, 1.0],
  ["spm11_terduga_tb_diperiksa", "spm11_sasaran_terduga_tb", 0.01, 0.4, 1.0],
  ["spm12_risiko_hiv_diperiksa", "spm12_sasaran_risiko_hiv", 0.04, 0.3, 0.9],
] as const;

export interface GenerateOptions {
  months: number;
  /** Puskesmas whose spm_bulanan of the last month is left out (the freshness test fills it). */
  holdOut: OrgNode;
}

/** Status of a reported period: mostly submitted or approved, a few drafts (no facts). */
function statusOf(rng: Prng): Status {
  const r = rng.next();
  return r < 0.015 ? "draft" : r < 0.6 ? "approved" : "submitted";
}

/**
 * Yields one Puskesmas' submissions at a time (its sasaran, then per month its SPM and ILP
 * reports). About 2% of unit-months are not reported at all; about 1% of units lack sasaran.
 * Values respect the form (required fields present, min/max, show-if, calculations) and the
 * package's error rules (e.g. desa_pustu_ilp ≤ jumlah_desa, kader_terlatih ≤ jumlah_kader).
 */
export function* generateSubmissions(tree: Tree, options: GenerateOptions): Generator<GeneratedSubmission[]> {
  const rng = new Prng(SEED ^ 0x5eed);
  for (const unit of tree.puskesmas) {
    const out: GeneratedSubmission[] = [];
    const population = Math.round(Math.min(150_000, Math.max(4_000, 30_000 * Math.exp(0.55 * rng.normal()))));
    // Yearly sasaran.
    const sasaran: Record<string, number> = Object.create(null);
    const coverage: Record<string, number> = Object.create(null);
    for (const [monthly, target, share, lo, hi] of SPM) {
      sasaran[target] = Math.max(1, Math.round(population * share * rng.range(0.85, 1.15)));
      coverage[monthly] = rng.range(lo, hi);
    }
    if (!rng.chance(0.01)) {
      out.push({ unit, form: "spm_sasaran", period: String(YEAR), month: 12, status: rng.chance(0.01) ? "draft" : "approved", data: { ...sasaran } });
    }
    // ILP profile: a slowly improving Puskesmas over the year.
    const desa = rng.int(3, 30);
    const posyandu = Math.min(1000, desa * rng.int(2, 8));
    let desaPustu = Math.floor(desa * rng.range(0, 0.6));
    let posyanduIlp = Math.floor(posyandu * rng.range(0.1, 0.7));
    let posyandu5 = Math.floor(posyandu * rng.range(0.3, 0.9));
    const kaderExtra = rng.int(0, posyandu);
    let terlatihShare = rng.range(0.1, 0.6);
    const adoptMonth: number[] = Array.from({ length: 6 }, () => (rng.chance(0.35) ? 1 : rng.chance(0.5) ? rng.int(2, 12) : 13));
    const pwsFilled = rng.chance(0.8);
    const lokminRate = rng.range(0.6, 1);
    for (let m = 1; m <= options.months; m++) {
      const period = `${YEAR}-${String(m).padStart(2, "0")}`;
      // SPM monthly.
      const skipSpm = (unit === options.holdOut && m === options.months) || rng.chance(0.02);
      if (!skipSpm) {
        const data: Record<string, unknown> = Object.create(null);
        for (const [monthly, target] of SPM) {
          data[monthly] = Math.max(0, Math.min(100_000, Math.round(((sasaran[target] * coverage[monthly]) / 12) * rng.range(0.6, 1.4))));
        }
        out.push({ unit, form: "spm_bulanan", period, month: m, status: statusOf(rng), data });
      }
      // ILP monthly.
      if (rng.chance(0.02)) continue;
      if (rng.chance(0.3)) desaPustu = Math.min(desa, desaPustu + 1);
      if (rng.chance(0.4)) posyanduIlp = Math.min(posyandu, posyanduIlp + rng.int(1, 3));
      if (rng.chance(0.3)) posyandu5 = Math.min(posyandu, posyandu5 + 1);
      terlatihShare = Math.min(0.95, terlatihShare + rng.range(0, 0.03));
      const kader = posyandu5 * 5 + (posyandu - posyandu5) * 3 + kaderExtra;
      const terlatih = Math.floor(kader * terlatihShare);
      const purwa = Math.floor(terlatih * 0.6);
      const madya = Math.floor(terlatih * 0.3);
      const utama = terlatih - purwa - madya;
      const flags = adoptMonth.map((a) => m >= a);
      const lokmin = rng.chance(lokminRate);
      const data: Record<string, unknown> = Object.create(null);
      data.sk_klaster = flags[0];
      if (flags[0]) data.sk_klaster_nomor = `440/${unit.id}/SK/${YEAR}`;
      data.sotk_revisi = flags[1];
      data.pj_klaster_ditetapkan = flags[2];
      data.sosialisasi_staf = flags[3];
      data.alur_layanan_klaster = flags[4];
      if (pwsFilled) data.pws_dashboard = flags[5];
      data.rme_satusehat = flags[5] ? "penuh" : flags[1] ? "sebagian" : "belum";
      data.jumlah_desa = desa;
      data.desa_pustu_ilp = desaPustu;
      data.jumlah_posyandu = posyandu;
      data.posyandu_ilp = posyanduIlp;
      data.posyandu_5_kader = posyandu5;
      data.jumlah_kader = kader;
      data.kader_purwa = purwa;
      data.kader_madya = madya;
      data.kader_utama = utama;
      data.kader_terlatih = purwa + madya + utama;
      data.kader_belum_sertifikat = kader - terlatih;
      data.kunjungan_rumah = rng.int(0, Math.min(100_000, Math.round(population / 40)));
      data.lokmin_bulanan = lokmin;
      data.lokmin_bulanan_terlaksana = lokmin ? 1 : 0;
      data.bulan_laporan = 1;
      if (m % 3 === 0) {
        const tri = rng.chance(0.7);
        data.lokmin_triwulan = tri;
        if (tri) data.lokmin_lintas_sektor = rng.int(1, 30);
      }
      out.push({ unit, form: "ilp_profil", period, month: m, status: statusOf(rng), data });
    }
    yield out;
  }
}
