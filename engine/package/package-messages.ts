/**
 * The one table of package messages: what the semantic checks of template packages and district
 * overlays (semantics.ts) and the refusals of publishing (diff.ts) report. A problem travels as a
 * DocumentError, `{ pointer, code, messageCode, params, message, messageEn }`:
 *   code         the stable code tests, the UI ("(DUPLICATE_KEY)") and audit rows key on;
 *   messageCode  the key of its message in this table (finer than `code` where one code covers
 *                several texts, e.g. BAD_CONDITION or UNKNOWN_REFERENCE);
 *   params       keys, limits, versions, labels, type names (`integer` …), never prose;
 *   message      the Bahasa Indonesia rendering, messageEn the English one.
 * Formula errors inside a package keep their own table (FORMULA_ERRORS, as `formulaCode`).
 * The app renders `packageMessage(messageCode, params, locale)` in the reader's language. Each
 * message says what is wrong and how to fix it (docs/style.md house rule 4), Bahasa Indonesia
 * first, English second. Pure and Ajv-free, like semantics.ts.
 */
import { LOCAL_PREFIX } from "../domain";
import { renderMessage, type Locale, type MessageParams } from "../message-table";
import type { DocumentError } from "../intake/errors";

/** Message parameters: plain values; an absent optional one is left out. */
export type PackageMessageParams = MessageParams;

type Render = (p: PackageMessageParams) => string;

/** Field types in both languages, for publishing refusals (an unknown type is named by itself). */
const TYPE_NAMES: Record<string, { id: string; en: string }> = {
  integer: { id: "bilangan bulat", en: "whole number" },
  number: { id: "bilangan desimal", en: "decimal number" },
  boolean: { id: "ya/tidak", en: "yes/no" },
  text: { id: "teks", en: "text" },
  date: { id: "tanggal", en: "date" },
  choice: { id: "pilihan tunggal", en: "single choice" },
  multichoice: { id: "pilihan ganda", en: "multiple choice" },
};

function typeName(type: string | number | undefined, locale: Locale): string {
  const key = String(type);
  if (!Object.prototype.hasOwnProperty.call(TYPE_NAMES, key)) return key;
  return locale === "en" ? TYPE_NAMES[key].en : TYPE_NAMES[key].id;
}

/** A reference the overlay makes to something its base package lacks. */
function unknownReference(what: (p: PackageMessageParams) => string, whatEn: (p: PackageMessageParams) => string) {
  return {
    code: "UNKNOWN_REFERENCE",
    id: (p: PackageMessageParams) => `${what(p)} "${p.key}" tidak ada di paket dasar. Periksa kuncinya.`,
    en: (p: PackageMessageParams) => `${whatEn(p)} "${p.key}" does not exist in the base package.`,
  };
}

export const PACKAGE_MESSAGES = {
  // ---- formulas of the package (the formula's own errors are FORMULA_ERRORS)
  FORMULA_TYPE: {
    code: "FORMULA_TYPE",
    id: (p) =>
      `Rumus ini harus menghasilkan ${p.expect === "number" ? "angka" : "ya/tidak (true/false)"}. Ubah rumusnya, misalnya dengan if(kondisi, 1, 0) atau perbandingan.`,
    en: (p) => `This formula must produce ${p.expect === "number" ? "a number" : "true/false"}. Change it, e.g. with if(condition, 1, 0) or a comparison.`,
  },
  // ---- fields
  PROPERTY_NOT_ALLOWED: {
    code: "PROPERTY_NOT_ALLOWED",
    id: (p) => `"${p.prop}" hanya berlaku untuk isian ${p.forTypes}, bukan "${p.type}". Hapus "${p.prop}" atau ganti jenis isian.`,
    en: (p) => `"${p.prop}" only applies to ${p.forTypes} fields, not "${p.type}". Remove it or change the field type.`,
  },
  MIN_GT_MAX: {
    code: "MIN_GT_MAX",
    id: (p) => `Nilai terkecil (${p.min}) lebih besar dari nilai terbesar (${p.max}). Tukar atau perbaiki batasnya.`,
    en: (p) => `min (${p.min}) is greater than max (${p.max}). Swap or fix the bounds.`,
  },
  NOT_INTEGER: {
    code: "NOT_INTEGER",
    id: (p) => `Batas "${p.bound}" isian bilangan bulat harus bilangan bulat.`,
    en: (p) => `"${p.bound}" of an integer field must be an integer.`,
  },
  CHOICES_REQUIRED: {
    code: "CHOICES_REQUIRED",
    id: (p) => `Isian pilihan "${p.field}" belum punya daftar pilihan. Tambahkan "choices".`,
    en: (p) => `Choice field "${p.field}" has no choices. Add "choices".`,
  },
  DUPLICATE_CHOICE: {
    code: "DUPLICATE_CHOICE",
    id: (p) => `Nilai pilihan "${p.value}" dipakai dua kali (pilihan ke-${p.first} dan ke-${p.second}). Setiap nilai pilihan harus unik.`,
    en: (p) => `Choice value "${p.value}" is used twice (choices ${p.first} and ${p.second}). Each value must be unique.`,
  },
  OPTIONAL_REQUIRED: {
    code: "OPTIONAL_REQUIRED",
    id: (p) => `Isian "${p.field}" tidak bisa sekaligus opsional (boleh disembunyikan) dan wajib. Hapus salah satunya.`,
    en: (p) => `Field "${p.field}" cannot be both optional (hideable) and required. Remove one.`,
  },
  // ---- show-if conditions
  SELF_REFERENCE: {
    code: "SELF_REFERENCE",
    id: (p) => `Syarat tampil isian "${p.field}" tidak boleh merujuk ke isian itu sendiri. Pilih isian lain.`,
    en: (p) => `The show-if of "${p.field}" cannot refer to the field itself.`,
  },
  UNKNOWN_FIELD: {
    code: "UNKNOWN_FIELD",
    id: (p) => `Isian "${p.field}" tidak ada di formulir ini. Pilih isian yang ada di formulir yang sama.`,
    en: (p) => `Field "${p.field}" is not in this form. Pick a field of the same form.`,
  },
  CONDITION_VALUE_UNUSED: {
    code: "BAD_CONDITION",
    id: (p) => `Operator "${p.op}" tidak memakai nilai. Hapus "value".`,
    en: (p) => `Operator "${p.op}" takes no value. Remove "value".`,
  },
  CONDITION_VALUE_MISSING: {
    code: "BAD_CONDITION",
    id: (p) => `Operator "${p.op}" perlu nilai pembanding. Isi "value".`,
    en: (p) => `Operator "${p.op}" needs a value. Fill in "value".`,
  },
  CONDITION_ORDER_OP: {
    code: "BAD_CONDITION",
    id: (p) => `Operator "${p.op}" hanya untuk isian angka atau tanggal; "${p.field}" berjenis ${p.type}. Gunakan "eq" atau "ne".`,
    en: (p) => `Operator "${p.op}" only applies to number or date fields; "${p.field}" is ${p.type}. Use "eq" or "ne".`,
  },
  CONDITION_VALUE_TYPE: {
    code: "BAD_CONDITION",
    id: (p) =>
      `Nilai pembanding untuk "${p.field}" harus berjenis ${p.expected === "number" ? "angka" : p.expected === "boolean" ? "true/false" : "teks"}. Perbaiki nilainya.`,
    en: (p) => `The value compared with "${p.field}" must be a ${p.expected}.`,
  },
  UNKNOWN_CHOICE: {
    code: "UNKNOWN_CHOICE",
    id: (p) => `"${p.value}" bukan pilihan dari isian "${p.field}". Pilih salah satu nilai pilihannya.`,
    en: (p) => `"${p.value}" is not a choice of "${p.field}".`,
  },
  CIRCULAR: {
    code: "CIRCULAR",
    id: (p) => `Rumus isian terhitung saling bergantung melingkar: ${p.cycle}. Putus lingkarannya dengan mengubah salah satu rumus.`,
    en: (p) => `Calculated fields depend on each other in a circle: ${p.cycle}. Break the cycle by changing one formula.`,
  },
  SHOWIF_CYCLE: {
    code: "SHOWIF_CYCLE",
    id: (p) => `Syarat tampil saling bergantung melingkar: ${p.cycle}. Ubah salah satu syarat tampil.`,
    en: (p) => `Show-if conditions depend on each other in a circle: ${p.cycle}. Change one of them.`,
  },
  // ---- keys
  DUPLICATE_KEY: {
    code: "DUPLICATE_KEY",
    id: (p) => `Kunci "${p.key}" sudah dipakai (di ${p.first}). Setiap kunci harus unik; pilih kunci lain.`,
    en: (p) => `Key "${p.key}" is already used (at ${p.first}). Keys must be unique; choose another.`,
  },
  DUPLICATE_KEY_OVERLAY: {
    code: "DUPLICATE_KEY",
    id: (p) => `Kunci "${p.key}" sudah dipakai (di paket/overlay). Setiap kunci harus unik; pilih kunci lain.`,
    en: (p) => `Key "${p.key}" is already used (at paket/overlay). Keys must be unique; choose another.`,
  },
  LOCAL_KEY_IN_NATIONAL: {
    code: "LOCAL_KEY_IN_NATIONAL",
    id: (p) => `Kunci "${p.key}" diawali "${LOCAL_PREFIX}", awalan khusus tambahan kabupaten/kota. Paket nasional harus memakai kunci lain.`,
    en: (p) => `Key "${p.key}" starts with "${LOCAL_PREFIX}", reserved for district additions. Use another key in a national package.`,
  },
  KEY_COLLISION: {
    code: "KEY_COLLISION",
    id: (p) => `Kunci indikator "${p.key}" sama dengan kunci isian (${p.first}). Rumus tidak bisa membedakannya; pilih kunci lain.`,
    en: (p) => `Indicator key "${p.key}" equals a field key (${p.first}). Choose another key.`,
  },
  // ---- indicators, targets, rules
  UNKNOWN_GROUP: {
    code: "UNKNOWN_GROUP",
    id: (p) => `Kelompok "${p.group}" tidak ada di paket. Tambahkan ke "groups" atau pilih kelompok yang ada.`,
    en: (p) => `Group "${p.group}" is not in the package. Add it to "groups" or pick an existing one.`,
  },
  BANDS_ORDER: {
    code: "BANDS_ORDER",
    id: (p) => `Batas kuning (${p.yellow}%) lebih tinggi dari batas hijau (${p.green}%). Batas hijau harus ≥ batas kuning.`,
    en: (p) => `The yellow band (${p.yellow}%) is above the green band (${p.green}%). Green must be ≥ yellow.`,
  },
  UNITS_WITHOUT_COUNT: {
    code: "UNITS_WITHOUT_COUNT",
    id: () =>
      "units() menghitung unit yang melaporkan formulir yang dibaca count_units(kondisi); rumus indikator ini tidak memakai count_units atas isian apa pun. Tambahkan count_units(kondisi) pada pembilang atau penyebut, misalnya count_units(isian > 0) / units().",
    en: () =>
      "units() counts the units that reported the forms read by count_units(condition); this indicator uses no count_units over any field. Add count_units(condition) to the numerator or denominator, e.g. count_units(field > 0) / units().",
  },
  UNITS_MIXED_LEVELS: {
    code: "UNITS_MIXED_LEVELS",
    id: (p) =>
      `count_units pada indikator ini membaca formulir dengan tingkat pelapor berbeda (${p.forms}), sehingga units() tidak jelas menghitung unit tingkat mana. Pisahkan menjadi satu indikator per tingkat pelapor, atau baca isian dari formulir bertingkat sama.`,
    en: (p) =>
      `count_units in this indicator reads forms reported at different levels (${p.forms}), so it is unclear which units units() counts. Split it into one indicator per reporting level, or read fields of forms of the same level.`,
  },
  UNKNOWN_INDICATOR: {
    code: "UNKNOWN_INDICATOR",
    id: (p) => `Indikator "${p.indicator}" tidak ada di paket. Pilih indikator yang ada.`,
    en: (p) => `Indicator "${p.indicator}" is not in the package.`,
  },
  PROFILE_LENGTH: {
    code: "PROFILE_LENGTH",
    id: (p) =>
      `Profil ${p.profile === "quarterly" ? "triwulanan" : "bulanan"} harus berisi tepat ${p.want} nilai, sekarang ${p.actual}. Lengkapi atau kurangi nilainya.`,
    en: (p) => `A ${p.profile === "quarterly" ? "quarterly" : "monthly"} profile needs exactly ${p.want} values, it has ${p.actual}.`,
  },
  DUPLICATE_TARGET: {
    code: "DUPLICATE_TARGET",
    id: (p) => `Target untuk indikator, tahun dan cakupan yang sama sudah ada (di ${p.first}). Hapus salah satunya.`,
    en: (p) => `A target for the same indicator, year and scope already exists (at ${p.first}).`,
  },
  UNKNOWN_FORM: {
    code: "UNKNOWN_FORM",
    id: (p) => `Formulir "${p.form}" tidak ada di paket. Pilih formulir yang ada.`,
    en: (p) => `Form "${p.form}" is not in the package. Pick an existing form.`,
  },
  RULE_TYPE_ORDERED: {
    code: "RULE_TYPE",
    id: (p) => `Operator "${p.op}" membandingkan angka, tetapi salah satu sisi menghasilkan true/false. Ubah rumusnya.`,
    en: (p) => `Operator "${p.op}" compares numbers but a side is boolean.`,
  },
  RULE_TYPE_MIXED: {
    code: "RULE_TYPE",
    id: (p) => `Kedua sisi "${p.op}" harus sejenis (angka dengan angka, true/false dengan true/false).`,
    en: (p) => `Both sides of "${p.op}" must have the same type.`,
  },
  // ---- district overlays
  OVERLAY_PACKAGE_MISMATCH: {
    code: "PACKAGE_MISMATCH",
    id: (p) => `Overlay ini untuk paket "${p.overlayPackage}", bukan "${p.package}". Pilih paket dasar yang benar.`,
    en: (p) => `This overlay is for package "${p.overlayPackage}", not "${p.package}".`,
  },
  UNKNOWN_REF_FORM: unknownReference(
    () => "Formulir",
    () => "Form",
  ),
  UNKNOWN_REF_INDICATOR: unknownReference(
    () => "Indikator",
    () => "Indicator",
  ),
  UNKNOWN_REF_GROUP: unknownReference(
    () => "Kelompok",
    () => "Group",
  ),
  UNKNOWN_REF_FIELD: unknownReference(
    () => "Isian",
    () => "Field",
  ),
  UNKNOWN_REF_FIELD_OF_FORM: unknownReference(
    (p) => `Isian pada formulir ${p.form}`,
    (p) => `Field of form ${p.form}`,
  ),
  UNKNOWN_REF_SECTION_OF_FORM: unknownReference(
    (p) => `Bagian pada formulir ${p.form}`,
    (p) => `Section of form ${p.form}`,
  ),
  UNKNOWN_REF_FIELD_OF_SECTION: unknownReference(
    (p) => `Isian pada bagian ${p.section}`,
    (p) => `Field of section ${p.section}`,
  ),
  LOCAL_KEY_REQUIRED: {
    code: "LOCAL_KEY_REQUIRED",
    id: (p) => `Kunci tambahan kabupaten/kota harus diawali "${LOCAL_PREFIX}" (misalnya ${LOCAL_PREFIX}${p.key}). Ganti kuncinya.`,
    en: (p) => `Keys added by a district must start with "${LOCAL_PREFIX}" (e.g. ${LOCAL_PREFIX}${p.key}).`,
  },
  OVERLAY_TARGET_SCOPE: {
    code: "SCOPE_OUTSIDE_DISTRICT",
    id: (p) => `Target overlay hanya boleh untuk kabupaten/kota ${p.district} atau Puskesmas di dalamnya. Ubah cakupannya.`,
    en: (p) => `Overlay targets must be scoped to district ${p.district} or its Puskesmas.`,
  },
  OVERLAY_FIELD_NOT_OPTIONAL: {
    code: "FIELD_NOT_OPTIONAL",
    id: (p) => `Isian "${p.field}" tidak bertanda opsional sehingga tidak boleh disembunyikan.`,
    en: (p) => `Field "${p.field}" is not optional and cannot be hidden.`,
  },
  RELABEL_NOTHING: {
    code: "RELABEL_TARGET",
    id: () => `Pilih yang diberi label baru: "form", "section" (dengan "form"), "field" atau "indicator".`,
    en: () => `Say what to relabel: "form", "section" (with "form"), "field" or "indicator".`,
  },
  RELABEL_ONE_THING: {
    code: "RELABEL_TARGET",
    id: () => `Satu operasi relabel hanya untuk satu hal: indikator, atau formulir/bagian/isian.`,
    en: () => `One relabel operation targets one thing only.`,
  },
  RELABEL_SECTION_OR_FIELD: {
    code: "RELABEL_TARGET",
    id: () => `Pilih "section" atau "field", tidak keduanya.`,
    en: () => `Give "section" or "field", not both.`,
  },
  RELABEL_SECTION_FORM: {
    code: "RELABEL_TARGET",
    id: () => `Relabel bagian perlu "form". Tambahkan kunci formulirnya.`,
    en: () => `Relabelling a section needs "form".`,
  },
  // ---- publishing (diff.ts): changes that would change the meaning of stored submissions
  KEY_REUSED: {
    code: "KEY_REUSED",
    id: (p) =>
      `Kunci "${p.key}" (isian "${p.label}") pernah terbit di versi ${p.version} sebagai ${typeName(p.oldType, "id")} (${p.oldUnit ?? "tanpa satuan"}) untuk "${p.oldLabel}", lalu dihapus. Kunci tidak boleh dipakai ulang untuk arti lain: data lama akan tercampur. Pakai kunci baru untuk isian ini, atau kembalikan jenis dan satuannya.`,
    en: (p) =>
      `Key "${p.key}" (field "${p.label}") was published in version ${p.version} as ${typeName(p.oldType, "en")} (${p.oldUnit ?? "no unit"}) for "${p.oldLabel}" and later removed. A key cannot be reused for another meaning: old data would mix in. Use a new key, or restore its type and unit.`,
  },
  FIELD_TYPE_CHANGED: {
    code: "FIELD_TYPE_CHANGED",
    id: (p) =>
      `Jenis isian "${p.label}" (kunci "${p.key}") tidak boleh diubah dari ${typeName(p.oldType, "id")} menjadi ${typeName(p.newType, "id")}: isian ini sudah terbit dan data yang tersimpan akan rusak. Kembalikan jenisnya, atau buat isian baru dengan kunci baru.`,
    en: (p) =>
      `The type of field "${p.label}" (key "${p.key}") cannot change from ${typeName(p.oldType, "en")} to ${typeName(p.newType, "en")}: the field is published and stored data would be corrupted. Restore its type, or add a new field with a new key.`,
  },
  FORM_PERIOD_CHANGED: {
    code: "FORM_PERIOD_CHANGED",
    id: (p) =>
      `Periode formulir "${p.title}" (kunci "${p.form}") tidak boleh diubah dari ${p.oldPeriod} menjadi ${p.newPeriod}: laporan yang sudah masuk memakai periode lama. Kembalikan periodenya, atau buat formulir baru dengan kunci baru.`,
    en: (p) =>
      `The period of form "${p.title}" (key "${p.form}") cannot change from ${p.oldPeriod} to ${p.newPeriod}: stored reports use the old period. Restore it, or create a new form with a new key.`,
  },
} as const satisfies Record<string, { code: string; id: Render; en: Render }>;

/** Key of a message in PACKAGE_MESSAGES, e.g. `DUPLICATE_KEY`. */
export type PackageMessageCode = keyof typeof PACKAGE_MESSAGES;

/** All message codes, for exhaustiveness tests. */
export const PACKAGE_MESSAGE_CODES = Object.keys(PACKAGE_MESSAGES) as PackageMessageCode[];

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function packageMessage(messageCode: PackageMessageCode, params: PackageMessageParams = {}, locale: Locale = "id"): string {
  return renderMessage(PACKAGE_MESSAGES[messageCode], params, locale);
}

/** A DocumentError for a message of the table, rendered in both languages, with `extra` (range, cycle …). */
export function packageError(
  pointer: string,
  messageCode: PackageMessageCode,
  raw: Readonly<Record<string, unknown>> = {},
  extra: Partial<DocumentError> = {},
): DocumentError {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) params[k] = typeof v === "number" ? v : String(v);
  return {
    pointer,
    code: PACKAGE_MESSAGES[messageCode].code,
    messageCode,
    params,
    message: packageMessage(messageCode, params, "id"),
    messageEn: packageMessage(messageCode, params, "en"),
    ...extra,
  };
}
