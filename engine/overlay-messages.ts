/**
 * The one table of overlay messages: every problem applyOverlay, rebaseOverlay and deriveOverlay
 * report. A problem travels as data, `{ code, messageCode, params, message }`:
 *   code         the stable problem code tests, the UI ("(NATIONAL_LOCKED)") and audit rows key on;
 *   messageCode  the key of its message in this table (finer than `code` where one code covers
 *                several situations, e.g. NATIONAL_LOCKED for a field type or a rule);
 *   params       what the message needs (keys, years …), never prose, except a param `x` with a
 *                sibling `xEn`: text already rendered in both languages (a formula error);
 *   message      the Bahasa Indonesia rendering, for callers that need one text.
 * The app renders `overlayMessage(messageCode, params, locale)` in the reader's language. Each
 * message says what is wrong and how to fix it (docs/style.md house rule 4), Bahasa Indonesia
 * first, English second.
 */
import { LOCAL_PREFIX } from "./domain";
import { renderMessage, type Locale, messageParams, type MessageParams } from "./message-table";

/** Message parameters: plain values; an absent optional one is left out. */
export type OverlayMessageParams = MessageParams;

type Render = (p: OverlayMessageParams) => string;

/** Names of things in both languages, for messages shared by fields, indicators and rules. */
const KIND: Record<string, { id: string; en: string }> = {
  form: { id: "formulir", en: "form" },
  field: { id: "isian", en: "field" },
  indicator: { id: "indikator", en: "indicator" },
  rule: { id: "aturan", en: "rule" },
};

/** Whose formula a formula problem is about: "Rumus <id>" in Bahasa Indonesia, "<en>" in English. */
const FORMULA_SUBJECT: Record<string, { id: (key: string) => string; en: (key: string) => string }> = {
  field: { id: (k) => `isian "${k}"`, en: (k) => `The formula of field "${k}"` },
  numerator: { id: (k) => `pembilang "${k}"`, en: (k) => `The numerator formula of "${k}"` },
  denominator: { id: (k) => `penyebut "${k}"`, en: (k) => `The denominator formula of "${k}"` },
  ruleLeft: { id: (k) => `aturan "${k}" (kiri)`, en: (k) => `The left side of rule "${k}"` },
  ruleRight: { id: (k) => `aturan "${k}" (kanan)`, en: (k) => `The right side of rule "${k}"` },
};

const FIELD_PROP_NAMES: Record<string, { id: string; en: string }> = {
  type: { id: "jenis", en: "type" },
  help: { id: "bantuan", en: "help text" },
  unit: { id: "satuan", en: "unit" },
  required: { id: "wajib", en: "required flag" },
  optional: { id: "opsional", en: "optional flag" },
  min: { id: "nilai minimum", en: "minimum value" },
  max: { id: "nilai maksimum", en: "maximum value" },
  maxLength: { id: "panjang maksimum", en: "maximum length" },
  choices: { id: "pilihan", en: "choices" },
  showIf: { id: "syarat tampil", en: "display condition" },
  calculate: { id: "rumus hitung", en: "calculation formula" },
  aggregation: { id: "agregasi waktu", en: "time aggregation" },
  source: { id: "sumber", en: "source" },
};

const INDICATOR_PROP_NAMES: Record<string, { id: string; en: string }> = {
  group: { id: "kelompok", en: "group" },
  cluster: { id: "klaster", en: "cluster" },
  numerator: { id: "rumus pembilang", en: "numerator formula" },
  denominator: { id: "rumus penyebut", en: "denominator formula" },
  factor: { id: "faktor pengali", en: "multiplier" },
  unit: { id: "satuan", en: "unit" },
  decimals: { id: "jumlah desimal", en: "number of decimals" },
  direction: { id: "arah", en: "direction" },
  ytd: { id: "kumulatif tahun berjalan", en: "year-to-date accumulation" },
  minCompleteness: { id: "kelengkapan minimum", en: "minimum completeness" },
  weight: { id: "bobot", en: "weight" },
  description: { id: "keterangan", en: "description" },
  source: { id: "sumber", en: "source" },
};

const FORM_PROP_NAMES: Record<string, { id: string; en: string }> = {
  periodType: { id: "Periode", en: "period" },
  reportingLevels: { id: "Tingkat pelapor", en: "reporting levels" },
  appliesTo: { id: "Unit yang wajib mengisi", en: "units it applies to" },
  source: { id: "Sumber", en: "source" },
  description: { id: "Keterangan", en: "description" },
};

/** The name of a document property in `locale`; an unknown property is named by itself. */
function propName(names: Record<string, { id: string; en: string }>, prop: string | number, locale: Locale): string {
  const key = String(prop);
  if (!Object.prototype.hasOwnProperty.call(names, key)) return key;
  return locale === "en" ? names[key].en : names[key].id;
}

function kind(p: OverlayMessageParams, locale: Locale): string {
  const k = KIND[String(p.kind)];
  return k ? (locale === "en" ? k.en : k.id) : String(p.kind);
}

function subject(p: OverlayMessageParams, locale: Locale): string {
  const s = FORMULA_SUBJECT[String(p.subject)];
  if (!s) return String(p.key);
  return locale === "en" ? s.en(String(p.key)) : s.id(String(p.key));
}

function cap(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export const OVERLAY_MESSAGES = {
  // ---- applyOverlay: the overlay as a whole
  PACKAGE_MISMATCH: {
    code: "PACKAGE_MISMATCH",
    id: (p) => `Overlay ini untuk paket "${p.overlayPackage}", bukan "${p.package}"; tidak ada perubahan yang diterapkan.`,
    en: (p) => `This overlay is for package "${p.overlayPackage}", not "${p.package}"; no change was applied.`,
  },
  BASE_VERSION_MISMATCH: {
    code: "BASE_VERSION_MISMATCH",
    id: (p) => `Overlay dibuat untuk versi ${p.baseVersion}, paket saat ini versi ${p.version}. Sesuaikan (rebase) overlay ke versi baru.`,
    en: (p) => `The overlay was made for version ${p.baseVersion}; the package is now at version ${p.version}. Rebase the overlay onto the new version.`,
  },
  UNKNOWN_OP: {
    code: "UNKNOWN_OP",
    id: (p) => `Operasi "${p.op}" tidak dikenal. Operasi yang boleh: setTarget, setBands, hideField, addField, addIndicator, addRule, relabel.`,
    en: (p) => `Unknown operation "${p.op}". Allowed operations: setTarget, setBands, hideField, addField, addIndicator, addRule, relabel.`,
  },
  // ---- applyOverlay: keys of local elements (kind: field | indicator | rule)
  BAD_KEY: {
    code: "BAD_KEY",
    id: (p) => `Kode ${kind(p, "id")} "${p.key}" tidak valid. Gunakan huruf kecil, angka dan garis bawah, diawali huruf, dan diawali "${LOCAL_PREFIX}".`,
    en: (p) =>
      `The ${kind(p, "en")} key "${p.key}" is not valid. Use lowercase letters, digits and underscores, start with a letter, and start with "${LOCAL_PREFIX}".`,
  },
  NOT_LOCAL_KEY: {
    code: "NOT_LOCAL_KEY",
    id: (p) =>
      `Kode ${kind(p, "id")} tambahan kabupaten/kota harus diawali "${LOCAL_PREFIX}" (misalnya ${LOCAL_PREFIX}${p.key}) agar tidak bentrok dengan kode nasional.`,
    en: (p) =>
      `A district's additional ${kind(p, "en")} key must start with "${LOCAL_PREFIX}" (for example ${LOCAL_PREFIX}${p.key}) so it cannot clash with national keys.`,
  },
  KEY_EXISTS: {
    code: "KEY_EXISTS",
    id: (p) => `Kode ${kind(p, "id")} "${p.key}" sudah dipakai dalam paket. Pilih kode lain.`,
    en: (p) => `The ${kind(p, "en")} key "${p.key}" is already used in the package. Choose another key.`,
  },
  // ---- applyOverlay: formulas of local elements (subject: field | numerator | denominator | ruleLeft | ruleRight)
  FORMULA_NOT_TEXT: {
    code: "BAD_FORMULA",
    id: (p) => `Rumus ${subject(p, "id")} harus berupa teks.`,
    en: (p) => `${subject(p, "en")} must be text.`,
  },
  BAD_FORMULA: {
    code: "BAD_FORMULA",
    id: (p) => `Rumus ${subject(p, "id")} bermasalah: ${p.error}`,
    en: (p) => `${subject(p, "en")} has a problem: ${p.errorEn}`,
  },
  // ---- applyOverlay: targets and bands
  TARGET_EMPTY: {
    code: "BAD_TARGET",
    id: () => "Target kosong. Isi indikator, tahun, cakupan dan nilai.",
    en: () => "The target is empty. Fill in the indicator, year, scope and value.",
  },
  TARGET_YEAR: {
    code: "BAD_TARGET",
    id: (p) => `Tahun target "${p.year}" tidak valid.`,
    en: (p) => `The target year "${p.year}" is not valid. Use a year such as 2025.`,
  },
  TARGET_VALUE: {
    code: "BAD_TARGET",
    id: () => "Nilai target harus angka 0 atau lebih.",
    en: () => "The target value must be a number, 0 or more.",
  },
  TARGET_PROFILE_UNKNOWN: {
    code: "BAD_TARGET",
    id: () => "Profil target tidak dikenal.",
    en: () => "Unknown target profile. Use flat, linear-cumulative, quarterly or monthly.",
  },
  TARGET_PROFILE_VALUES: {
    code: "BAD_TARGET",
    id: (p) => `Profil target ${p.profile === "quarterly" ? "per triwulan memerlukan tepat 4" : "per bulan memerlukan tepat 12"} nilai angka.`,
    en: (p) => `A ${p.profile === "quarterly" ? "quarterly target profile needs exactly 4" : "monthly target profile needs exactly 12"} numeric values.`,
  },
  TARGET_INDICATOR_NOT_FOUND: {
    code: "INDICATOR_NOT_FOUND",
    id: (p) => `Indikator "${p.indicator}" tidak ada dalam paket; target tidak dapat dipasang.`,
    en: (p) => `Indicator "${p.indicator}" is not in the package; the target cannot be set.`,
  },
  SCOPE_LEVEL: {
    code: "SCOPE_LEVEL",
    id: () => "Target kabupaten/kota hanya boleh untuk kabupaten/kota sendiri atau Puskesmas di wilayahnya, bukan nasional atau provinsi.",
    en: () => "A district target may only be for the district itself or a Puskesmas in it, not national or provincial.",
  },
  SCOPE_OUTSIDE_DISTRICT: {
    code: "SCOPE_OUTSIDE_DISTRICT",
    id: (p) => `Unit "${p.org}" tidak berada di wilayah kabupaten/kota ${p.district}. Pilih kabupaten/kota sendiri atau Puskesmas di wilayahnya.`,
    en: (p) => `Unit "${p.org}" is not inside district ${p.district}. Choose the district itself or a Puskesmas in it.`,
  },
  INDICATOR_NOT_FOUND: {
    code: "INDICATOR_NOT_FOUND",
    id: (p) => `Indikator "${p.indicator}" tidak ada dalam paket.`,
    en: (p) => `Indicator "${p.indicator}" is not in the package.`,
  },
  BAD_BANDS: {
    code: "BAD_BANDS",
    id: () => "Batas warna tidak valid: isi angka hijau dan kuning (persen dari target) dengan kuning ≤ hijau.",
    en: () => "Invalid colour bands: give green and yellow as numbers (percent of target) with yellow ≤ green.",
  },
  // ---- applyOverlay: forms, sections, fields
  FORM_NOT_FOUND: {
    code: "FORM_NOT_FOUND",
    id: (p) => `Formulir "${p.form}" tidak ada dalam paket.`,
    en: (p) => `Form "${p.form}" is not in the package.`,
  },
  SECTION_NOT_FOUND: {
    code: "SECTION_NOT_FOUND",
    id: (p) => `Bagian "${p.section}" tidak ada di formulir "${p.form}".`,
    en: (p) => `Section "${p.section}" is not in form "${p.form}".`,
  },
  FIELD_NOT_IN_FORM: {
    code: "FIELD_NOT_FOUND",
    id: (p) => `Isian "${p.field}" tidak ada di formulir "${p.form}".`,
    en: (p) => `Field "${p.field}" is not in form "${p.form}".`,
  },
  FIELD_NOT_IN_PACKAGE: {
    code: "FIELD_NOT_FOUND",
    id: (p) => `Isian "${p.field}" tidak ada dalam paket.`,
    en: (p) => `Field "${p.field}" is not in the package.`,
  },
  AFTER_NOT_FOUND: {
    code: "AFTER_NOT_FOUND",
    id: (p) => `Isian "${p.after}" (posisi sesudahnya) tidak ada di bagian "${p.section}".`,
    en: (p) => `Field "${p.after}" (the one to insert after) is not in section "${p.section}".`,
  },
  FIELD_NOT_OPTIONAL: {
    code: "FIELD_NOT_OPTIONAL",
    id: (p) => `Isian "${p.field}" wajib secara nasional dan tidak boleh disembunyikan. Hanya isian bertanda opsional yang boleh disembunyikan.`,
    en: (p) => `Field "${p.field}" is required nationally and cannot be hidden. Only fields marked optional may be hidden.`,
  },
  FIELD_USED_BY_FIELD: {
    code: "FIELD_IN_USE",
    id: (p) => `Isian "${p.field}" dipakai oleh isian "${p.by}" (rumus atau syarat tampil); sembunyikan atau ubah isian itu dulu.`,
    en: (p) => `Field "${p.field}" is used by field "${p.by}" (formula or display condition); hide or change that field first.`,
  },
  FIELD_USED_BY_INDICATOR: {
    code: "FIELD_IN_USE",
    id: (p) => `Isian "${p.field}" dipakai oleh indikator "${p.by}"; isian yang dipakai indikator tidak boleh disembunyikan.`,
    en: (p) => `Field "${p.field}" is used by indicator "${p.by}"; a field an indicator uses cannot be hidden.`,
  },
  FIELD_USED_BY_RULE: {
    code: "FIELD_IN_USE",
    id: (p) => `Isian "${p.field}" dipakai oleh aturan validasi "${p.by}"; isian itu tidak boleh disembunyikan.`,
    en: (p) => `Field "${p.field}" is used by validation rule "${p.by}"; it cannot be hidden.`,
  },
  LAST_FIELD: {
    code: "LAST_FIELD",
    id: (p) => `Isian "${p.field}" adalah isian terakhir formulir "${p.form}" dan tidak boleh disembunyikan.`,
    en: (p) => `Field "${p.field}" is the last field of form "${p.form}" and cannot be hidden.`,
  },
  // ---- applyOverlay: labels
  FIELD_LABEL_MISSING: {
    code: "BAD_LABEL",
    id: (p) => `Isian "${p.field}" memerlukan label dalam Bahasa Indonesia.`,
    en: (p) => `Field "${p.field}" needs a label in Bahasa Indonesia.`,
  },
  FORM_TITLE_MISSING: {
    code: "BAD_LABEL",
    id: (p) => `Formulir lokal "${p.form}" memerlukan judul dalam Bahasa Indonesia.`,
    en: (p) => `Local form "${p.form}" needs a title in Bahasa Indonesia.`,
  },
  LOCAL_FORM_EMPTY: {
    code: "LOCAL_FORM_EMPTY",
    id: (p) => `Formulir lokal "${p.form}" belum memiliki bagian berisi isian. Tambahkan setidaknya satu bagian dengan satu isian.`,
    en: (p) => `Local form "${p.form}" has no section with fields yet. Add at least one section with one field.`,
  },
  INDICATOR_NAME_MISSING: {
    code: "BAD_LABEL",
    id: (p) => `Indikator "${p.indicator}" memerlukan nama dalam Bahasa Indonesia.`,
    en: (p) => `Indicator "${p.indicator}" needs a name in Bahasa Indonesia.`,
  },
  RULE_MESSAGE_MISSING: {
    code: "BAD_LABEL",
    id: (p) => `Aturan "${p.rule}" memerlukan pesan dalam Bahasa Indonesia.`,
    en: (p) => `Rule "${p.rule}" needs a message in Bahasa Indonesia.`,
  },
  RELABEL_EMPTY: {
    code: "BAD_LABEL",
    id: () => "Label baru harus berisi teks Bahasa Indonesia.",
    en: () => "The new label must contain text in Bahasa Indonesia.",
  },
  RELABEL_ONE_THING: {
    code: "RELABEL_TARGET",
    id: () => "Ubah label untuk tepat satu hal: satu formulir, bagian, isian, atau indikator.",
    en: () => "Relabel exactly one thing: one form, section, field or indicator.",
  },
  RELABEL_SECTION_FORM: {
    code: "RELABEL_TARGET",
    id: () => "Untuk mengubah label bagian, sebutkan juga formulirnya.",
    en: () => "To relabel a section, also give its form.",
  },
  // ---- rebaseOverlay: why an operation stopped fitting the new national version
  REBASE_FIELD_REMOVED: {
    code: "FIELD_NOT_FOUND",
    id: (p) => `Isian "${p.field}" dihapus pada versi nasional ${p.version}; operasi sembunyikan tidak diperlukan lagi.`,
    en: (p) => `Field "${p.field}" was removed in national version ${p.version}; hiding it is no longer needed.`,
  },
  REBASE_FIELD_NOT_OPTIONAL: {
    code: "FIELD_NOT_OPTIONAL",
    id: (p) => `Isian "${p.field}" tidak lagi opsional pada versi nasional ${p.version} dan harus ditampilkan.`,
    en: (p) => `Field "${p.field}" is no longer optional in national version ${p.version} and must be shown.`,
  },
  REBASE_FIELD_KEY_TAKEN: {
    code: "KEY_EXISTS",
    id: (p) => `Versi nasional ${p.version} menambahkan isian dengan kode "${p.key}"; ganti kode isian lokal.`,
    en: (p) => `National version ${p.version} adds a field with key "${p.key}"; change the local field's key.`,
  },
  REBASE_SECTION_GONE: {
    code: "SECTION_NOT_FOUND",
    id: (p) => `Bagian "${p.section}" tidak ada lagi di formulir "${p.form}" pada versi nasional ${p.version}; pilih bagian lain.`,
    en: (p) => `Section "${p.section}" no longer exists in form "${p.form}" in national version ${p.version}; choose another section.`,
  },
  REBASE_AFTER_GONE: {
    code: "AFTER_NOT_FOUND",
    id: (p) => `Isian "${p.after}" tempat isian lokal disisipkan tidak ada lagi pada versi nasional ${p.version}; pilih posisi lain.`,
    en: (p) => `Field "${p.after}", after which the local field was inserted, no longer exists in national version ${p.version}; choose another position.`,
  },
  REBASE_INDICATOR_KEY_TAKEN: {
    code: "KEY_EXISTS",
    id: (p) => `Versi nasional ${p.version} menambahkan indikator dengan kode "${p.key}"; ganti kode indikator lokal.`,
    en: (p) => `National version ${p.version} adds an indicator with key "${p.key}"; change the local indicator's key.`,
  },
  REBASE_LOCAL_FORM_KEY_TAKEN: {
    code: "KEY_EXISTS",
    id: (p) => `Versi nasional ${p.version} memakai kode "${p.key}" yang juga dipakai formulir lokal; ganti kode formulir atau isian lokal.`,
    en: (p) => `National version ${p.version} uses the key "${p.key}", which the local form also uses; change the local form's or field's key.`,
  },
  REBASE_INDICATOR_FORMULA: {
    code: "BAD_FORMULA",
    id: (p) => `Rumus indikator lokal "${p.key}" tidak berlaku lagi pada versi nasional ${p.version}: ${p.detail}`,
    en: (p) => `The formula of local indicator "${p.key}" no longer works on national version ${p.version}: ${p.detailEn}`,
  },
  REBASE_INDICATOR_REMOVED: {
    code: "INDICATOR_NOT_FOUND",
    id: (p) => `Indikator "${p.indicator}" dihapus pada versi nasional ${p.version}.`,
    en: (p) => `Indicator "${p.indicator}" was removed in national version ${p.version}.`,
  },
  REBASE_RELABEL_GONE: {
    code: "FIELD_NOT_FOUND",
    id: (p) => `Yang diubah labelnya tidak ada lagi pada versi nasional ${p.version}: ${p.detail}`,
    en: (p) => `What was relabelled no longer exists in national version ${p.version}: ${p.detailEn}`,
  },
  REBASE_FORM_GONE: {
    code: "FORM_NOT_FOUND",
    id: (p) => `Formulir tidak ada lagi pada versi nasional ${p.version}: ${p.detail}`,
    en: (p) => `The form no longer exists in national version ${p.version}: ${p.detailEn}`,
  },
  // ---- deriveOverlay: the package as a whole
  NOT_A_PACKAGE: {
    code: "NOT_A_PACKAGE",
    id: () => "Dokumen adaptasi harus berupa objek JSON paket templat. Muat ulang halaman untuk memulai dari versi tersimpan.",
    en: () => "The adaptation document must be a template package JSON object. Reload the page to start from the saved version.",
  },
  PACKAGE_HEAD_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `"${p.prop}" paket nasional tidak dapat diubah dalam adaptasi kabupaten/kota. Kembalikan ke nilai nasional (${p.value ?? "kosong"}); judul adaptasi Anda diatur terpisah.`,
    en: (p) =>
      `The national package's "${p.prop}" cannot be changed in a district adaptation. Restore the national value (${p.value ?? "empty"}); your adaptation's title is set separately.`,
  },
  GROUPS_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: () => "Kelompok indikator nasional tidak dapat diubah, ditambah atau dihapus dalam adaptasi. Pakai kelompok yang ada untuk indikator lokal.",
    en: () => "National indicator groups cannot be changed, added or removed in an adaptation. Use the existing groups for local indicators.",
  },
  // ---- deriveOverlay: forms and sections
  FORM_NOT_OBJECT: {
    code: "BAD_SHAPE",
    id: () => "Formulir ini bukan objek yang valid. Hapus entri ini atau muat ulang halaman.",
    en: () => "This form is not a valid object. Delete this entry or reload the page.",
  },
  FORM_ADDED: {
    code: "FORM_ADDED",
    id: (p) =>
      `Formulir baru "${p.form}" harus berkode diawali "${LOCAL_PREFIX}" (huruf kecil, angka, garis bawah), begitu pula setiap isiannya, agar tidak bentrok dengan kode nasional.`,
    en: (p) =>
      `New form "${p.form}" needs a key starting with "${LOCAL_PREFIX}" (lowercase letters, digits, underscores), and so does each of its fields, so they cannot clash with national keys.`,
  },
  FORM_DUPLICATE: {
    code: "DUPLICATE_KEY",
    id: (p) => `Formulir "${p.form}" muncul dua kali. Hapus salinannya.`,
    en: (p) => `Form "${p.form}" appears twice. Delete the copy.`,
  },
  FORM_TITLE_EMPTY: {
    code: "BAD_LABEL",
    id: (p) => `Judul formulir "${p.form}" harus berisi teks Bahasa Indonesia.`,
    en: (p) => `The title of form "${p.form}" must contain text in Bahasa Indonesia.`,
  },
  FORM_PROP_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `${propName(FORM_PROP_NAMES, p.prop, "id")} formulir nasional "${p.form}" tidak dapat diubah dalam adaptasi. Kembalikan ke nilai nasional; yang boleh diubah hanya judulnya.`,
    en: (p) =>
      `The ${propName(FORM_PROP_NAMES, p.prop, "en")} of national form "${p.form}" cannot be changed in an adaptation. Restore the national value; only its title may change.`,
  },
  FORM_REMOVED: {
    code: "FORM_REMOVED",
    id: (p) => `Formulir nasional "${p.form}" tidak dapat dihapus dalam adaptasi. Kembalikan formulir itu (muat ulang halaman bila perlu).`,
    en: (p) => `National form "${p.form}" cannot be removed in an adaptation. Restore it (reload the page if needed).`,
  },
  SECTION_NOT_OBJECT: {
    code: "BAD_SHAPE",
    id: () => "Bagian ini bukan objek yang valid. Hapus entri ini atau muat ulang halaman.",
    en: () => "This section is not a valid object. Delete this entry or reload the page.",
  },
  SECTION_ADDED: {
    code: "SECTION_ADDED",
    id: (p) =>
      `Bagian "${p.section}" tidak ada di formulir nasional "${p.form}". Adaptasi tidak dapat menambah bagian; letakkan isian lokal di bagian yang sudah ada.`,
    en: (p) => `Section "${p.section}" is not in national form "${p.form}". An adaptation cannot add sections; put local fields in an existing section.`,
  },
  SECTION_DUPLICATE: {
    code: "DUPLICATE_KEY",
    id: (p) => `Bagian "${p.section}" muncul dua kali di formulir "${p.form}". Hapus salinannya.`,
    en: (p) => `Section "${p.section}" appears twice in form "${p.form}". Delete the copy.`,
  },
  SECTION_TITLE_EMPTY: {
    code: "BAD_LABEL",
    id: (p) => `Judul bagian "${p.section}" harus berisi teks Bahasa Indonesia.`,
    en: (p) => `The title of section "${p.section}" must contain text in Bahasa Indonesia.`,
  },
  SECTION_DESCRIPTION_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) => `Keterangan bagian nasional "${p.section}" tidak dapat diubah dalam adaptasi. Kembalikan ke teks nasional; judulnya boleh diubah.`,
    en: (p) => `The description of national section "${p.section}" cannot be changed in an adaptation. Restore the national text; its title may change.`,
  },
  NATIONAL_ORDER: {
    code: "NATIONAL_ORDER",
    id: (p) =>
      `Urutan isian nasional di bagian "${p.section}" tidak dapat diubah dalam adaptasi. Kembalikan urutannya; isian lokal boleh diletakkan di mana saja kecuali paling atas.`,
    en: (p) =>
      `The order of the national fields in section "${p.section}" cannot be changed in an adaptation. Restore their order; local fields may go anywhere except first.`,
  },
  SECTION_REMOVED: {
    code: "SECTION_REMOVED",
    id: (p) =>
      `Bagian nasional "${p.section}" formulir "${p.form}" tidak dapat dihapus dalam adaptasi. Kembalikan bagian itu; isian opsionalnya boleh disembunyikan.`,
    en: (p) => `National section "${p.section}" of form "${p.form}" cannot be removed in an adaptation. Restore it; its optional fields may be hidden.`,
  },
  // ---- deriveOverlay: fields
  FIELD_NO_KEY: {
    code: "BAD_SHAPE",
    id: () => `Isian ini tidak memiliki kode yang valid. Beri kode (huruf kecil, angka, garis bawah, diawali "${LOCAL_PREFIX}") atau hapus isiannya.`,
    en: () => `This field has no valid key. Give it a key (lowercase letters, digits, underscores, starting with "${LOCAL_PREFIX}") or delete the field.`,
  },
  FIELD_DUPLICATE: {
    code: "DUPLICATE_KEY",
    id: (p) => `Kode isian "${p.field}" dipakai dua kali. Setiap isian memerlukan kode yang berbeda.`,
    en: (p) => `Field key "${p.field}" is used twice. Every field needs a different key.`,
  },
  NATIONAL_MOVED: {
    code: "NATIONAL_MOVED",
    id: (p) =>
      `Isian nasional "${p.field}" berasal dari bagian "${p.section}" formulir "${p.form}" dan tidak dapat dipindahkan dalam adaptasi. Kembalikan ke tempatnya.`,
    en: (p) => `National field "${p.field}" belongs to section "${p.section}" of form "${p.form}" and cannot be moved in an adaptation. Put it back.`,
  },
  FIELD_TYPE_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `Jenis isian nasional "${p.field}" tidak dapat diubah dalam adaptasi (data antar kabupaten/kota harus tetap sebanding). Kembalikan jenisnya ke "${p.type}"; bila perlu jenis lain, tambahkan isian lokal baru berkode "${LOCAL_PREFIX}…".`,
    en: (p) =>
      `The type of national field "${p.field}" cannot be changed in an adaptation (data must stay comparable across districts). Change it back to "${p.type}"; if you need another type, add a new local field with a key "${LOCAL_PREFIX}…".`,
  },
  FIELD_CALCULATE_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `Rumus hitung isian nasional "${p.field}" tidak dapat diubah dalam adaptasi. Kembalikan rumusnya; bila perlu hitungan lain, tambahkan isian lokal berhitung dengan kode "${LOCAL_PREFIX}…".`,
    en: (p) =>
      `The calculation formula of national field "${p.field}" cannot be changed in an adaptation. Restore the formula; if you need another calculation, add a calculated local field with a key "${LOCAL_PREFIX}…".`,
  },
  FIELD_OPTIONAL_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `Sifat wajib/opsional isian nasional "${p.field}" tidak dapat diubah dalam adaptasi. Kembalikan ke nilai nasional; isian opsional boleh disembunyikan.`,
    en: (p) =>
      `Whether national field "${p.field}" is required or optional cannot be changed in an adaptation. Restore the national value; optional fields may be hidden.`,
  },
  FIELD_PROP_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `${cap(propName(FIELD_PROP_NAMES, p.prop, "id"))} isian nasional "${p.field}" tidak dapat diubah dalam adaptasi kabupaten/kota. Kembalikan ke nilai nasional; yang boleh diubah hanya labelnya (atau sembunyikan bila opsional).`,
    en: (p) =>
      `The ${propName(FIELD_PROP_NAMES, p.prop, "en")} of national field "${p.field}" cannot be changed in a district adaptation. Restore the national value; only its label may change (or hide it if optional).`,
  },
  FIELD_LABEL_EMPTY: {
    code: "BAD_LABEL",
    id: (p) => `Label isian "${p.field}" harus berisi teks Bahasa Indonesia.`,
    en: (p) => `The label of field "${p.field}" must contain text in Bahasa Indonesia.`,
  },
  NEW_FIELD_NOT_LOCAL: {
    code: "NOT_LOCAL_KEY",
    id: (p) =>
      `Isian baru "${p.field}" harus berkode diawali "${LOCAL_PREFIX}" (huruf kecil, angka, garis bawah), misalnya "${LOCAL_PREFIX}${p.stem || "isian"}". Kode nasional tidak dapat diubah atau dipakai ulang.`,
    en: (p) =>
      `New field "${p.field}" needs a key starting with "${LOCAL_PREFIX}" (lowercase letters, digits, underscores), for example "${LOCAL_PREFIX}${p.stem || "field"}". National keys cannot be changed or reused.`,
  },
  LOCAL_FIELD_FIRST: {
    code: "LOCAL_FIELD_FIRST",
    id: (p) => `Isian lokal "${p.field}" tidak dapat diletakkan paling atas bagian "${p.section}". Pindahkan ke bawah isian nasional pertama di bagian itu.`,
    en: (p) => `Local field "${p.field}" cannot be first in section "${p.section}". Move it below the first national field of that section.`,
  },
  FIELD_REMOVED: {
    code: "FIELD_REMOVED",
    id: (p) => `Isian nasional "${p.field}" tidak dapat dihapus atau diganti kodenya dalam adaptasi. Kembalikan isian itu.`,
    en: (p) => `National field "${p.field}" cannot be removed or have its key changed in an adaptation. Restore it.`,
  },
  OPTIONAL_FIELD_REMOVED: {
    code: "FIELD_REMOVED",
    id: (p) =>
      `Isian nasional "${p.field}" tidak dapat dihapus atau diganti kodenya dalam adaptasi. Kembalikan isian itu; karena opsional, Anda boleh menyembunyikannya.`,
    en: (p) => `National field "${p.field}" cannot be removed or have its key changed in an adaptation. Restore it; as it is optional, you may hide it.`,
  },
  // ---- deriveOverlay: indicators
  INDICATOR_NO_KEY: {
    code: "BAD_SHAPE",
    id: () => `Indikator ini tidak memiliki kode yang valid. Beri kode diawali "${LOCAL_PREFIX}" atau hapus indikatornya.`,
    en: () => `This indicator has no valid key. Give it a key starting with "${LOCAL_PREFIX}" or delete the indicator.`,
  },
  INDICATOR_DUPLICATE: {
    code: "DUPLICATE_KEY",
    id: (p) => `Kode indikator "${p.indicator}" dipakai dua kali. Setiap indikator memerlukan kode yang berbeda.`,
    en: (p) => `Indicator key "${p.indicator}" is used twice. Every indicator needs a different key.`,
  },
  NEW_INDICATOR_NOT_LOCAL: {
    code: "NOT_LOCAL_KEY",
    id: (p) =>
      `Indikator baru "${p.indicator}" harus berkode diawali "${LOCAL_PREFIX}" (huruf kecil, angka, garis bawah). Kode indikator nasional tidak dapat diubah, agar kabupaten/kota tetap dapat dibandingkan.`,
    en: (p) =>
      `New indicator "${p.indicator}" needs a key starting with "${LOCAL_PREFIX}" (lowercase letters, digits, underscores). National indicator keys cannot be changed, so that districts stay comparable.`,
  },
  INDICATOR_FORMULA_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `${cap(propName(INDICATOR_PROP_NAMES, p.prop, "id"))} indikator nasional "${p.indicator}" tidak dapat diubah dalam adaptasi (kabupaten/kota harus tetap sebanding). Kembalikan rumusnya; bila perlu rumus lain, tambahkan indikator lokal berkode "${LOCAL_PREFIX}…".`,
    en: (p) =>
      `The ${propName(INDICATOR_PROP_NAMES, p.prop, "en")} of national indicator "${p.indicator}" cannot be changed in an adaptation (districts must stay comparable). Restore the formula; if you need another formula, add a local indicator with a key "${LOCAL_PREFIX}…".`,
  },
  INDICATOR_PROP_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `${cap(propName(INDICATOR_PROP_NAMES, p.prop, "id"))} indikator nasional "${p.indicator}" tidak dapat diubah dalam adaptasi. Kembalikan ke nilai nasional; yang boleh diubah hanya nama, batas warna, dan target untuk wilayah Anda.`,
    en: (p) =>
      `The ${propName(INDICATOR_PROP_NAMES, p.prop, "en")} of national indicator "${p.indicator}" cannot be changed in an adaptation. Restore the national value; only the name, the colour bands and the targets for your area may change.`,
  },
  INDICATOR_NAME_EMPTY: {
    code: "BAD_LABEL",
    id: (p) => `Nama indikator "${p.indicator}" harus berisi teks Bahasa Indonesia.`,
    en: (p) => `The name of indicator "${p.indicator}" must contain text in Bahasa Indonesia.`,
  },
  BANDS_REMOVED: {
    code: "BANDS_REMOVED",
    id: (p) => `Batas warna indikator "${p.indicator}" tidak dapat dikosongkan dalam adaptasi. Isi batas hijau dan kuning (persen dari target).`,
    en: (p) => `The colour bands of indicator "${p.indicator}" cannot be emptied in an adaptation. Fill in green and yellow (percent of target).`,
  },
  INDICATOR_REMOVED: {
    code: "INDICATOR_REMOVED",
    id: (p) =>
      `Indikator nasional "${p.indicator}" tidak dapat dihapus atau diganti kodenya dalam adaptasi. Kembalikan indikator itu; Anda boleh mengubah nama dan batas warnanya.`,
    en: (p) =>
      `National indicator "${p.indicator}" cannot be removed or have its key changed in an adaptation. Restore it; you may change its name and colour bands.`,
  },
  // ---- deriveOverlay: rules
  RULE_NO_KEY: {
    code: "BAD_SHAPE",
    id: () => `Aturan ini tidak memiliki kode yang valid. Beri kode diawali "${LOCAL_PREFIX}" atau hapus aturannya.`,
    en: () => `This rule has no valid key. Give it a key starting with "${LOCAL_PREFIX}" or delete the rule.`,
  },
  RULE_DUPLICATE: {
    code: "DUPLICATE_KEY",
    id: (p) => `Kode aturan "${p.rule}" dipakai dua kali. Setiap aturan memerlukan kode yang berbeda.`,
    en: (p) => `Rule key "${p.rule}" is used twice. Every rule needs a different key.`,
  },
  RULE_LOCKED: {
    code: "NATIONAL_LOCKED",
    id: (p) =>
      `Aturan validasi nasional "${p.rule}" tidak dapat diubah dalam adaptasi. Kembalikan ke versi nasional; bila perlu aturan lain, tambahkan aturan lokal berkode "${LOCAL_PREFIX}…".`,
    en: (p) =>
      `National validation rule "${p.rule}" cannot be changed in an adaptation. Restore the national version; if you need another rule, add a local rule with a key "${LOCAL_PREFIX}…".`,
  },
  NEW_RULE_NOT_LOCAL: {
    code: "NOT_LOCAL_KEY",
    id: (p) => `Aturan baru "${p.rule}" harus berkode diawali "${LOCAL_PREFIX}" (huruf kecil, angka, garis bawah).`,
    en: (p) => `New rule "${p.rule}" needs a key starting with "${LOCAL_PREFIX}" (lowercase letters, digits, underscores).`,
  },
  RULE_REMOVED: {
    code: "RULE_REMOVED",
    id: (p) => `Aturan validasi nasional "${p.rule}" tidak dapat dihapus dalam adaptasi. Kembalikan aturan itu.`,
    en: (p) => `National validation rule "${p.rule}" cannot be removed in an adaptation. Restore it.`,
  },
  // ---- deriveOverlay: targets (org absent = the national scope)
  TARGET_INCOMPLETE: {
    code: "BAD_SHAPE",
    id: () => "Target ini tidak lengkap. Isi indikator, tahun, cakupan dan nilai, atau hapus barisnya.",
    en: () => "This target is incomplete. Fill in the indicator, year, scope and value, or delete the row.",
  },
  DUPLICATE_TARGET: {
    code: "DUPLICATE_TARGET",
    id: (p) => `Ada dua target untuk indikator "${p.indicator}", tahun ${p.year}, cakupan yang sama. Hapus salah satunya.`,
    en: (p) => `There are two targets for indicator "${p.indicator}", year ${p.year}, with the same scope. Delete one of them.`,
  },
  NATIONAL_TARGET_LOCKED: {
    code: "SCOPE_OUTSIDE_DISTRICT",
    id: (p) =>
      `Target ${p.org === undefined ? "nasional" : `untuk ${p.org}`} indikator "${p.indicator}" tahun ${p.year} tidak dapat diubah dalam adaptasi. Kembalikan nilainya dan tambahkan target untuk kabupaten/kota ${p.district} atau Puskesmas di wilayahnya.`,
    en: (p) =>
      `The ${p.org === undefined ? "national target" : `target for ${p.org}`} of indicator "${p.indicator}", year ${p.year}, cannot be changed in an adaptation. Restore its value and add a target for district ${p.district} or a Puskesmas in it.`,
  },
  TARGET_OUTSIDE_DISTRICT: {
    code: "SCOPE_OUTSIDE_DISTRICT",
    id: (p) => `Adaptasi hanya boleh memasang target untuk kabupaten/kota ${p.district} atau Puskesmas di wilayahnya. Ubah cakupan target ini.`,
    en: (p) => `An adaptation may only set targets for district ${p.district} or a Puskesmas in it. Change the scope of this target.`,
  },
  TARGET_REMOVED: {
    code: "TARGET_REMOVED",
    id: (p) =>
      `Target nasional indikator "${p.indicator}" tahun ${p.year} (${p.org === undefined ? "nasional" : p.org}) tidak dapat dihapus dalam adaptasi. Kembalikan barisnya; Anda boleh menambah target untuk wilayah Anda yang menggantikannya.`,
    en: (p) =>
      `The national target of indicator "${p.indicator}", year ${p.year} (${p.org === undefined ? "national" : p.org}), cannot be removed in an adaptation. Restore the row; you may add a target for your area that replaces it.`,
  },
} as const satisfies Record<string, { code: string; id: Render; en: Render }>;

/** Key of a message in OVERLAY_MESSAGES, e.g. `FIELD_TYPE_LOCKED`. */
export type OverlayMessageCode = keyof typeof OVERLAY_MESSAGES;

/** All message codes, for exhaustiveness tests. */
export const OVERLAY_MESSAGE_CODES = Object.keys(OVERLAY_MESSAGES) as OverlayMessageCode[];

/** A message as data: what the app renders in the reader's language. */
export interface OverlayMessageRef {
  messageCode: OverlayMessageCode;
  params: OverlayMessageParams;
}

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function overlayMessage(messageCode: OverlayMessageCode, params: OverlayMessageParams = {}, locale: Locale = "id"): string {
  return renderMessage(OVERLAY_MESSAGES[messageCode], params, locale);
}

/**
 * Params from raw values: numbers stay numbers, undefined is left out, anything else becomes the
 * text a template literal would give (document values may have any shape).
 */
export function overlayParams(raw: Readonly<Record<string, unknown>>): OverlayMessageParams {
  return messageParams(raw);
}
