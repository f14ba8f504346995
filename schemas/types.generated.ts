/* eslint-disable */
/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: schemas/*.schema.json. Regenerate with `npm run gen:types`;
 * tests/unit/schema-types-drift.test.ts fails when this file is stale.
 */

/**
 * Any top-level document of Pantau ILP.
 */
export type PantauDocument =
  DistrictOverlay | Form | Indicator | Target | TemplatePackage | Text | ValidationRule;
/**
 * Kunci paket templat, misalnya "ilp-nasional": huruf kecil, angka, garis bawah atau tanda hubung.
 */
export type PackageKey = string;
/**
 * Kode unit organisasi (provinsi, kabupaten/kota, Puskesmas), misalnya "13.73".
 */
export type OrgCode = string;
/**
 * Satu operasi aman dari overlay kabupaten/kota.
 */
export type OverlayOperation =
  | {
      /**
       * Operasi.
       */
      op: "setTarget";
      target: Target;
    }
  | {
      /**
       * Operasi.
       */
      op: "setBands";
      indicator: Key;
      bands: Bands;
    }
  | {
      /**
       * Operasi.
       */
      op: "hideField";
      form: Key;
      field: Key;
    }
  | {
      /**
       * Operasi.
       */
      op: "addField";
      form: Key;
      section: Key;
      field: Field;
      after?: Key;
    }
  | {
      /**
       * Operasi.
       */
      op: "addForm";
      form: Form;
    }
  | {
      /**
       * Operasi.
       */
      op: "addIndicator";
      indicator: Indicator;
    }
  | {
      /**
       * Operasi.
       */
      op: "addRule";
      rule: ValidationRule;
    }
  | {
      /**
       * Operasi.
       */
      op: "relabel";
      form?: Key;
      field?: Key;
      section?: Key;
      indicator?: Key;
      label: Text;
    };
/**
 * Kunci stabil: huruf kecil, angka dan garis bawah, diawali huruf; tidak pernah dipakai ulang untuk arti lain.
 */
export type Key = string;
/**
 * Cakupan target: nasional, atau provinsi/kabupaten/Puskesmas tertentu.
 */
export type TargetScope =
  | {
      /**
       * Tingkat nasional.
       */
      level: "national";
    }
  | {
      /**
       * Tingkat unit organisasi.
       */
      level: "province" | "district" | "puskesmas";
      org: OrgCode;
    };
/**
 * Profil target per periode dalam setahun.
 */
export type TargetProfile =
  | {
      /**
       * Datar.
       */
      type: "flat";
    }
  | {
      /**
       * Kumulatif linear.
       */
      type: "linear-cumulative";
    }
  | {
      /**
       * Per triwulan.
       */
      type: "quarterly";
      /**
       * Tepat 4 nilai (T1..T4).
       *
       * @maxItems 12
       */
      values: number[];
    }
  | {
      /**
       * Per bulan.
       */
      type: "monthly";
      /**
       * Tepat 12 nilai (Januari..Desember).
       *
       * @maxItems 12
       */
      values: number[];
    };
/**
 * Peraturan yang diikuti, atau "default, to be confirmed" untuk asumsi.
 */
export type Source = string;
/**
 * Satuan yang ditampilkan, misalnya "orang" atau "%".
 */
export type Unit = string;
/**
 * Rumus dalam bahasa rumus Pantau ILP (lihat docs/documents.md).
 */
export type Formula = string;
/**
 * Tingkat unit yang mengisi formulir: Puskesmas, Pustu (unit pelayanan kesehatan desa/kelurahan) atau Posyandu.
 */
export type ReportingLevel = "puskesmas" | "pustu" | "posyandu";
/**
 * Kunci kelompok unit (huruf kecil, angka, garis bawah), misalnya "blud".
 */
export type GroupKey = string;

/**
 * Penyesuaian paket templat oleh satu kabupaten/kota.
 */
export interface DistrictOverlay {
  package: PackageKey;
  /**
   * Versi paket dasar.
   */
  baseVersion: number;
  district: OrgCode;
  title: Text;
  /**
   * Versi overlay.
   */
  version: number;
  /**
   * Operasi, diterapkan berurutan.
   *
   * @maxItems 2000
   */
  operations: OverlayOperation[];
}
/**
 * Teks untuk pengguna: Bahasa Indonesia wajib, Bahasa Inggris opsional.
 */
export interface Text {
  /**
   * Teks dalam Bahasa Indonesia.
   */
  id: string;
  /**
   * Teks dalam Bahasa Inggris (opsional).
   */
  en?: string;
}
/**
 * Target satu indikator untuk satu cakupan dan satu tahun.
 */
export interface Target {
  indicator: Key;
  /**
   * Tahun target.
   */
  year: number;
  scope: TargetScope;
  /**
   * Nilai target tahunan.
   */
  value: number;
  profile: TargetProfile;
  source: Source;
}
/**
 * Batas warna dalam % dari target.
 */
export interface Bands {
  /**
   * Hijau bila capaian ≥ nilai ini (% target); bawaan 100.
   */
  green: number;
  /**
   * Kuning bila capaian ≥ nilai ini (% target); bawaan 80.
   */
  yellow: number;
}
/**
 * Satu isian formulir.
 */
export interface Field {
  key: Key;
  /**
   * Jenis isian.
   */
  type: "integer" | "number" | "boolean" | "text" | "date" | "choice" | "multichoice";
  label: Text;
  help?: Text;
  unit?: Unit;
  /**
   * Wajib diisi (bawaan: false).
   */
  required?: boolean;
  /**
   * true: kabupaten/kota boleh menyembunyikan isian ini (maka tidak boleh wajib).
   */
  optional?: boolean;
  /**
   * Nilai terkecil (integer/number).
   */
  min?: number;
  /**
   * Nilai terbesar (integer/number).
   */
  max?: number;
  /**
   * Panjang teks maksimum (text; bawaan 500).
   */
  maxLength?: number;
  /**
   * Pilihan jawaban (choice/multichoice).
   *
   * @maxItems 200
   */
  choices?: Choice[];
  showIf?: Condition;
  calculate?: Formula;
  /**
   * Agregasi lintas waktu (bawaan: sum untuk angka, last untuk boolean).
   */
  aggregation?: "sum" | "last" | "max" | "min" | "avg";
  source?: Source;
  changeCheck?: ChangeCheck;
}
/**
 * Satu pilihan jawaban untuk isian pilihan tunggal/ganda.
 */
export interface Choice {
  /**
   * Nilai yang disimpan; stabil, tidak pernah dipakai ulang untuk arti lain.
   */
  value: string;
  label: Text;
}
/**
 * Syarat tampil (show-if) yang disusun dengan klik, bukan kode.
 */
export interface Condition {
  /**
   * "all": semua syarat harus benar; "any": cukup satu.
   */
  match: "all" | "any";
  /**
   * Daftar syarat.
   *
   * @maxItems 20
   */
  clauses: ConditionClause[];
}
/**
 * Satu syarat tampil: membandingkan isian lain pada formulir yang sama.
 */
export interface ConditionClause {
  field: Key;
  /**
   * Operator: sama, tidak sama, lebih dari, lebih dari atau sama, kurang dari, kurang dari atau sama, terisi, kosong.
   */
  op: "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "filled" | "empty";
  /**
   * Nilai pembanding; tidak dipakai untuk "filled" dan "empty".
   */
  value?: number | string | boolean;
}
/**
 * Ambang tanda perubahan untuk verifikator (opsional; bawaan dalam docs/decisions/024-verifier-change-flags.md). Pada isian menggantikan pengaturan formulir.
 */
export interface ChangeCheck {
  /**
   * Perubahan terhadap laporan sebelumnya (dalam persen) yang ditandai bila terlampaui; bawaan 50.
   */
  percent?: number;
  /**
   * Selisih mutlak yang harus dilampaui sebelum perubahan ditandai; bawaan 3.
   */
  minChange?: number;
  /**
   * Lebar pita riwayat: median ± k × MAD terskala dari 6–12 laporan terakhir; bawaan 3,5.
   */
  bandWidth?: number;
  /**
   * true: perubahan isian (atau formulir) ini tidak ditandai.
   */
  off?: boolean;
}
/**
 * Formulir yang diisi Puskesmas tiap periode.
 */
export interface Form {
  key: Key;
  title: Text;
  /**
   * Periode pelaporan.
   */
  periodType: "month" | "quarter" | "year";
  /**
   * Tingkat unit yang mengisi formulir ini; tanpa isian: Puskesmas.
   *
   * @maxItems 3
   */
  reportingLevels?: ReportingLevel[];
  appliesTo?: AppliesTo;
  source: Source;
  description?: Text;
  /**
   * Bagian-bagian formulir.
   *
   * @maxItems 50
   */
  sections: Section[];
  changeCheck?: ChangeCheck;
}
/**
 * Unit yang wajib mengisi: hanya anggota salah satu kelompok ini pada periode laporan (kelompok nasional, atau kelompok kabupaten/kota unit itu).
 */
export interface AppliesTo {
  /**
   * Kunci kelompok unit; cukup anggota salah satunya.
   *
   * @maxItems 20
   */
  groups: GroupKey[];
}
/**
 * Bagian formulir berisi isian.
 */
export interface Section {
  key: Key;
  title: Text;
  description?: Text;
  /**
   * Isian dalam bagian ini.
   *
   * @maxItems 300
   */
  fields: Field[];
}
/**
 * Indikator yang dihitung dari isian formulir.
 */
export interface Indicator {
  key: Key;
  name: Text;
  group: Key;
  /**
   * Klaster ILP (opsional).
   */
  cluster?: "1" | "2" | "3" | "4" | "lintas";
  numerator: Formula;
  denominator?: Formula;
  /**
   * Pengali; bawaan 1, 100 untuk persen.
   */
  factor?: number;
  unit?: Unit;
  /**
   * Jumlah desimal; bawaan 1.
   */
  decimals?: number;
  /**
   * Arah baik: higher (makin tinggi makin baik) atau lower; bawaan higher.
   */
  direction?: "higher" | "lower";
  /**
   * true: bermakna kumulatif sejak awal tahun (SPM).
   */
  ytd?: boolean;
  bands?: Bands;
  /**
   * Kelengkapan minimum 0..1 (bawaan 0,9); di bawahnya sel "belum lengkap".
   */
  minCompleteness?: number;
  /**
   * Bobot skor komposit; bawaan 1.
   */
  weight?: number;
  description?: Text;
  source: Source;
}
/**
 * Aturan validasi: rumus kiri, operator, rumus kanan.
 */
export interface ValidationRule {
  key: Key;
  form: Key;
  left: Formula;
  /**
   * Operator pembanding.
   */
  op: "<=" | "<" | ">=" | ">" | "==" | "!=";
  right: Formula;
  /**
   * error menghalangi pengiriman; warning meminta konfirmasi.
   */
  severity: "error" | "warning";
  message: Text;
  source?: Source;
}
/**
 * Paket templat berversi: formulir, indikator, target dan aturan.
 */
export interface TemplatePackage {
  key: PackageKey;
  /**
   * Versi paket; versi terbit tidak berubah.
   */
  version: number;
  title: Text;
  /**
   * Pemilik paket, misalnya "nasional".
   */
  owner: string;
  source: Source;
  description?: Text;
  /**
   * Kelompok indikator.
   *
   * @maxItems 100
   */
  groups: Group[];
  /**
   * Formulir.
   *
   * @maxItems 100
   */
  forms: Form[];
  /**
   * Indikator.
   *
   * @maxItems 2000
   */
  indicators: Indicator[];
  /**
   * Target.
   *
   * @maxItems 20000
   */
  targets: Target[];
  /**
   * Aturan validasi.
   *
   * @maxItems 2000
   */
  rules: ValidationRule[];
}
/**
 * Kelompok indikator (spm, ilp, bok, blud, ...).
 */
export interface Group {
  key: Key;
  name: Text;
}
