/**
 * The one table of intake messages: every problem the intake gate reports (JSON limits,
 * forbidden keys, document kinds, the raw-schema gate) and the schema errors Ajv finds, in the
 * words messages.ts gives them. A problem travels as a DocumentError,
 * `{ pointer, code, messageCode, params, message, messageEn }`:
 *   code         the stable code tests, the UI ("(TOO_LARGE)") and audit rows key on;
 *   messageCode  the key of its message in this table (finer than `code` where one code covers
 *                several texts, e.g. REQUIRED for a property or a labelled field);
 *   params       what the message needs (limits, keys, the label of a field …), never prose,
 *                except a param `x` with a sibling `xEn` (Ajv's own wording of a rare keyword)
 *                and `detail`, the parser's or compiler's own text quoted in both languages;
 *   message      the Bahasa Indonesia rendering, messageEn the English one, for callers that
 *                need one text.
 * The app renders `intakeMessage(messageCode, params, locale)` in the reader's language. Each
 * message says what is wrong and how to fix it (docs/style.md house rule 4), Bahasa Indonesia
 * first, English second. Pure and Ajv-free, so browser code may render these too.
 */
import { renderMessage, type Locale, messageParams, type MessageParams } from "../message-table";
import type { DocumentError } from "./errors";

/** Message parameters: plain values; an absent optional one is left out. */
export type IntakeMessageParams = MessageParams;

type Render = (p: IntakeMessageParams) => string;

/** Ajv's type names in Bahasa Indonesia (English keeps Ajv's own names). */
const TYPE_NAMES_ID: Record<string, string> = {
  string: "teks",
  number: "angka",
  integer: "bilangan bulat",
  boolean: "ya/tidak (true/false)",
  object: "objek",
  array: "daftar",
  null: "kosong (null)",
};

/** Format hints for patterns of the platform's own schemas, by the `$defs` name (param `hint`). */
const PATTERN_HINTS: Record<string, { id: string; en: string }> = {
  Key: {
    id: "Kunci memakai huruf kecil, angka dan garis bawah, diawali huruf, paling panjang 64 (contoh: spm1_bumil_k6).",
    en: "Keys use lowercase letters, digits and underscores, start with a letter, at most 64 long (e.g. spm1_bumil_k6).",
  },
  PackageKey: {
    id: "Kunci paket memakai huruf kecil, angka, garis bawah atau tanda hubung, diawali huruf (contoh: ilp-nasional).",
    en: "Package keys use lowercase letters, digits, underscores or hyphens and start with a letter (e.g. ilp-nasional).",
  },
  OrgCode: { id: "Kode unit memakai angka/huruf dan titik (contoh: 13.73).", en: "Org unit codes use digits/letters and dots (e.g. 13.73)." },
  Choice: {
    id: "Nilai pilihan memakai huruf, angka, titik, garis bawah atau tanda hubung, tanpa spasi (contoh: ya, tidak, k1).",
    en: "Choice values use letters, digits, dots, underscores or hyphens, no spaces (e.g. ya, tidak, k1).",
  },
};

/** `$defs` names that have a format hint, for messages.ts. */
export const PATTERN_HINT_NAMES = Object.keys(PATTERN_HINTS);

/** The thing a schema message is about: the quoted `subject` (a field label) or "this value". */
function what(p: IntakeMessageParams): string {
  return p.subject ? `"${p.subject}"` : "Nilai ini";
}

function whatEn(p: IntakeMessageParams): string {
  return p.subject ? `"${p.subject}"` : "This value";
}

function typesId(p: IntakeMessageParams): string {
  return String(p.type)
    .split(",")
    .map((t) => TYPE_NAMES_ID[t] ?? t)
    .join(" atau ");
}

function hint(p: IntakeMessageParams, locale: Locale): string {
  const h = Object.prototype.hasOwnProperty.call(PATTERN_HINTS, String(p.hint)) ? PATTERN_HINTS[String(p.hint)] : undefined;
  if (!h) return "";
  return locale === "en" ? h.en : h.id;
}

/** A schema keyword that needs a companion keyword (param `keyword`, `needs`). */
const companion = {
  id: (p: IntakeMessageParams) => `"${p.keyword}" harus disertai "${p.needs}" pada skema yang sama agar pemeriksaan tetap cepat. Tambahkan "${p.needs}".`,
  en: (p: IntakeMessageParams) => `"${p.keyword}" needs "${p.needs}" on the same schema to keep validation bounded. Add "${p.needs}".`,
};

export const INTAKE_MESSAGES = {
  // ---- JSON limits (limits.ts)
  JSON_TOO_DEEP: {
    code: "TOO_DEEP",
    id: (p) => `Dokumen bersarang terlalu dalam (lebih dari ${p.maxDepth} tingkat). Sederhanakan strukturnya.`,
    en: (p) => `The document is nested too deeply (more than ${p.maxDepth} levels). Flatten its structure.`,
  },
  JSON_TOO_LARGE: {
    code: "TOO_LARGE",
    id: (p) =>
      `Dokumen terlalu besar${p.sizeKib === undefined ? "" : ` (${p.sizeKib} KiB)`}; paling besar ${p.maxKib} KiB. Pecah menjadi beberapa dokumen atau buang bagian yang tidak perlu.`,
    en: (p) => `The document is too large${p.sizeKib === undefined ? "" : ` (${p.sizeKib} KiB)`}; at most ${p.maxKib} KiB. Split it or remove unneeded parts.`,
  },
  JSON_NOT_SERIALIZABLE: {
    code: "NOT_JSON",
    id: () => "Dokumen bukan JSON yang sah. Periksa isinya lalu simpan ulang.",
    en: () => "The document is not valid JSON. Check its content and save again.",
  },
  JSON_PARSE: {
    code: "NOT_JSON",
    id: (p) => `Teks bukan JSON yang sah (${p.detail}). Periksa tanda kutip, koma dan kurung.`,
    en: (p) => `The text is not valid JSON (${p.detail}). Check quotes, commas and brackets.`,
  },
  JSON_FORBIDDEN_KEY: {
    code: "FORBIDDEN_KEY",
    id: (p) => `Nama "${p.key}" tidak boleh dipakai sebagai kunci. Ganti dengan nama lain.`,
    en: (p) => `"${p.key}" cannot be used as a key. Use another name.`,
  },
  // ---- documents.ts
  DOCUMENT_UNKNOWN_KIND: {
    code: "UNKNOWN_KIND",
    id: (p) => `Jenis dokumen "${p.kind}" tidak dikenal.`,
    en: (p) => `Unknown document kind "${p.kind}".`,
  },
  // ---- raw-schema.ts: the gate for power-user JSON Schemas
  RAW_DATA_KEYWORD: {
    code: "FORBIDDEN_KEYWORD",
    id: () => `Kata kunci "$data" tidak diizinkan: batas harus berupa angka/teks tetap. Ganti dengan nilai tetap.`,
    en: () => `The "$data" keyword is not allowed: limits must be fixed values.`,
  },
  RAW_PATTERN_TOO_LONG: {
    code: "PATTERN_TOO_LONG",
    id: () => "Pola (pattern) terlalu panjang; paling panjang 500 karakter.",
    en: () => "The pattern is too long; at most 500 characters.",
  },
  RAW_PATTERN_INVALID: {
    code: "PATTERN_INVALID",
    id: () => "Pola (pattern) bukan ekspresi reguler yang sah. Perbaiki penulisannya.",
    en: () => "The pattern is not a valid regular expression.",
  },
  RAW_PATTERN_REDOS: {
    code: "REDOS_PATTERN",
    id: () =>
      "Pola (pattern) memuat pengulangan bersarang seperti (a+)+ yang bisa membuat server macet. Tulis ulang tanpa pengulangan di dalam kelompok yang diulang.",
    en: () => "The pattern nests quantifiers like (a+)+, which can hang the server (ReDoS). Rewrite it without a repeated group containing a repetition.",
  },
  RAW_PATTERN_BACKREFERENCE: {
    code: "PATTERN_BACKREFERENCE",
    id: () => "Pola (pattern) memakai rujukan balik (\\1, \\k<...>) yang tidak didukung. Tulis ulang tanpa rujukan balik.",
    en: () => "The pattern uses back-references (\\1, \\k<...>), which are not supported.",
  },
  RAW_FORBIDDEN_KEYWORD: {
    code: "FORBIDDEN_KEYWORD",
    id: (p) => `Kata kunci "${p.keyword}" tidak diizinkan dalam skema. Hapus atau ganti dengan kata kunci yang didukung.`,
    en: (p) => `The keyword "${p.keyword}" is not allowed in schemas. Remove it or use a supported keyword.`,
  },
  RAW_REMOTE_REF: {
    code: "REMOTE_REF",
    id: () => `"$ref" hanya boleh merujuk ke dalam skema ini (diawali "#/"). Salin definisinya ke "definitions" lalu rujuk dari sana.`,
    en: () => `"$ref" may only point inside this schema (starting with "#/"). Copy the definition into "definitions".`,
  },
  RAW_PATTERN_WITHOUT_MAXLENGTH: { code: "PATTERN_WITHOUT_MAXLENGTH", ...companion },
  RAW_UNIQUE_WITHOUT_MAXITEMS: { code: "UNIQUE_WITHOUT_MAXITEMS", ...companion },
  RAW_COMPILE_ERROR: {
    code: "COMPILE_ERROR",
    id: (p) => `Skema tidak dapat dipakai: ${p.detail}. Perbaiki bagian yang disebut.`,
    en: (p) => `The schema cannot be compiled: ${p.detail}.`,
  },
  // ---- messages.ts: schema errors found by Ajv, per keyword (param `subject`: a field label, if any)
  SCHEMA_REQUIRED_PROPERTY: {
    code: "REQUIRED",
    id: (p) => `Properti "${p.property}" wajib ada. Tambahkan properti ini.`,
    en: (p) => `Property "${p.property}" is required. Add it.`,
  },
  SCHEMA_REQUIRED: {
    code: "REQUIRED",
    id: (p) => `${what(p)} wajib diisi. Isi dulu lalu kirim ulang.`,
    en: (p) => `${whatEn(p)} is required. Fill it in and submit again.`,
  },
  SCHEMA_TYPE: {
    code: "WRONG_TYPE",
    id: (p) => `${what(p)} harus berupa ${typesId(p)}. Ganti nilainya.`,
    en: (p) => `${whatEn(p)} must be of type ${p.type}. Change the value.`,
  },
  SCHEMA_UNKNOWN_PROPERTY: {
    code: "UNKNOWN_PROPERTY",
    id: (p) => `Properti "${p.property}" tidak dikenal di sini. Hapus atau periksa ejaannya.`,
    en: (p) => `Property "${p.property}" is not allowed here. Remove it or check its spelling.`,
  },
  SCHEMA_TOO_LONG: {
    code: "TOO_LONG",
    id: (p) => `${what(p)} terlalu panjang: paling banyak ${p.limit} karakter. Persingkat teksnya.`,
    en: (p) => `${whatEn(p)} is too long: at most ${p.limit} characters. Shorten it.`,
  },
  SCHEMA_EMPTY: {
    code: "TOO_SHORT",
    id: (p) => `${what(p)} tidak boleh kosong. Isi teksnya.`,
    en: (p) => `${whatEn(p)} must not be empty. Fill it in.`,
  },
  SCHEMA_TOO_SHORT: {
    code: "TOO_SHORT",
    id: (p) => `${what(p)} terlalu pendek: paling sedikit ${p.limit} karakter. Lengkapi teksnya.`,
    en: (p) => `${whatEn(p)} is too short: at least ${p.limit} characters.`,
  },
  SCHEMA_PATTERN_HINT: {
    code: "BAD_FORMAT",
    id: (p) => `${what(p)} tidak sesuai format. ${hint(p, "id")}`,
    en: (p) => `${whatEn(p)} has the wrong format. ${hint(p, "en")}`,
  },
  SCHEMA_PATTERN: {
    code: "BAD_FORMAT",
    id: (p) => `${what(p)} tidak sesuai format yang diminta (pola ${p.pattern}). Perbaiki penulisannya.`,
    en: (p) => `${whatEn(p)} does not match the required pattern ${p.pattern}.`,
  },
  SCHEMA_DATE: {
    code: "BAD_FORMAT",
    id: (p) => `${what(p)} bukan tanggal yang sah. Tulis sebagai TTTT-BB-HH, misalnya 2025-03-31.`,
    en: (p) => `${whatEn(p)} is not a valid date. Write it as YYYY-MM-DD, e.g. 2025-03-31.`,
  },
  SCHEMA_FORMAT: {
    code: "BAD_FORMAT",
    id: (p) => `${what(p)} harus berformat ${p.format}.`,
    en: (p) => `${whatEn(p)} must have format ${p.format}.`,
  },
  SCHEMA_ENUM: {
    code: "NOT_ALLOWED",
    id: (p) => `${what(p)} tidak termasuk pilihan yang diizinkan. Pilih salah satu: ${p.allowed}.`,
    en: (p) => `${whatEn(p)} is not one of the allowed values: ${p.allowed}.`,
  },
  SCHEMA_CONST: {
    code: "NOT_ALLOWED",
    id: (p) => `${what(p)} harus ${p.value}.`,
    en: (p) => `${whatEn(p)} must be ${p.value}.`,
  },
  SCHEMA_FORBIDDEN_KEY_NAME: {
    code: "NOT_ALLOWED",
    id: () => `Kata "__proto__", "constructor" dan "prototype" tidak boleh dipakai sebagai kunci. Pilih kunci lain.`,
    en: () => `"__proto__", "constructor" and "prototype" cannot be used as keys. Choose another key.`,
  },
  SCHEMA_NOT: {
    code: "NOT_ALLOWED",
    id: (p) => `${what(p)} tidak diizinkan di sini. Ganti nilainya.`,
    en: (p) => `${whatEn(p)} is not allowed here.`,
  },
  SCHEMA_DISCRIMINATOR_MAPPING: {
    code: "NOT_ALLOWED",
    id: (p) => `Nilai "${p.tag}" tidak dikenal. Gunakan salah satu jenis yang didukung.`,
    en: (p) => `Unknown value of "${p.tag}". Use one of the supported kinds.`,
  },
  SCHEMA_DISCRIMINATOR_TAG: {
    code: "NOT_ALLOWED",
    id: (p) => `Properti "${p.tag}" harus berupa teks.`,
    en: (p) => `Property "${p.tag}" must be a string.`,
  },
  SCHEMA_TOO_SMALL: {
    code: "TOO_SMALL",
    id: (p) => `${what(p)} terlalu kecil: harus ${p.comparison} ${p.limit}. Periksa kembali angkanya.`,
    en: (p) => `${whatEn(p)} is too small: must be ${p.comparison} ${p.limit}.`,
  },
  SCHEMA_TOO_LARGE: {
    code: "TOO_LARGE",
    id: (p) => `${what(p)} terlalu besar: harus ${p.comparison} ${p.limit}. Periksa kembali angkanya.`,
    en: (p) => `${whatEn(p)} is too large: must be ${p.comparison} ${p.limit}.`,
  },
  SCHEMA_TOO_MANY_ITEMS: {
    code: "TOO_MANY",
    id: (p) => `Terlalu banyak butir: paling banyak ${p.limit}. Kurangi jumlahnya.`,
    en: (p) => `Too many items: at most ${p.limit}. Remove some.`,
  },
  SCHEMA_TOO_FEW_ITEMS: {
    code: "TOO_FEW",
    id: (p) => `Terlalu sedikit butir: paling sedikit ${p.limit}. Tambahkan butir.`,
    en: (p) => `Too few items: at least ${p.limit}.`,
  },
  SCHEMA_DUPLICATE_ITEMS: {
    code: "DUPLICATE",
    id: (p) => `Butir ke-${p.first} dan ke-${p.second} sama. Setiap butir harus berbeda; hapus salah satunya.`,
    en: (p) => `Items ${p.first} and ${p.second} are identical. Remove one of them.`,
  },
  SCHEMA_MULTIPLE_OF: {
    code: "NOT_MULTIPLE",
    id: (p) => `${what(p)} harus kelipatan ${p.multipleOf}.`,
    en: (p) => `${whatEn(p)} must be a multiple of ${p.multipleOf}.`,
  },
  SCHEMA_NO_MATCH: {
    code: "NO_MATCH",
    id: (p) => `${what(p)} tidak cocok dengan bentuk yang diizinkan. Periksa kembali isinya sesuai dokumentasi.`,
    en: (p) => `${whatEn(p)} does not match any allowed shape. Check it against the documentation.`,
  },
  /**
   * Any other keyword, in Ajv's own words (`ajv` from ajv-i18n's Indonesian, `ajvEn` Ajv's
   * English). Its code follows the keyword (TOO_MANY for maxProperties …), INVALID when none.
   */
  SCHEMA_OTHER: {
    code: "INVALID",
    id: (p) => (p.ajv ? `Nilai ${p.ajv}. Perbaiki sesuai petunjuk.` : "Nilai tidak sah. Perbaiki sesuai petunjuk."),
    en: (p) => `${whatEn(p)} ${p.ajvEn ?? "is invalid"}.`,
  },
} as const satisfies Record<string, { code: string; id: Render; en: Render }>;

/** Key of a message in INTAKE_MESSAGES, e.g. `JSON_TOO_LARGE`. */
export type IntakeMessageCode = keyof typeof INTAKE_MESSAGES;

/** All message codes, for exhaustiveness tests. */
export const INTAKE_MESSAGE_CODES = Object.keys(INTAKE_MESSAGES) as IntakeMessageCode[];

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function intakeMessage(messageCode: IntakeMessageCode, params: IntakeMessageParams = {}, locale: Locale = "id"): string {
  return renderMessage(INTAKE_MESSAGES[messageCode], params, locale);
}

/**
 * Params from raw values: numbers stay numbers, undefined is left out, anything else becomes the
 * text a template literal would give.
 */
export function intakeParams(raw: Readonly<Record<string, unknown>>): IntakeMessageParams {
  return messageParams(raw);
}

/** A DocumentError for a message of the table, rendered in both languages; `code` may be overridden (SCHEMA_OTHER). */
export function intakeError(pointer: string, messageCode: IntakeMessageCode, raw: Readonly<Record<string, unknown>> = {}, code?: string): DocumentError {
  const params = intakeParams(raw);
  return {
    pointer,
    code: code ?? INTAKE_MESSAGES[messageCode].code,
    messageCode,
    params,
    message: intakeMessage(messageCode, params, "id"),
    messageEn: intakeMessage(messageCode, params, "en"),
  };
}
