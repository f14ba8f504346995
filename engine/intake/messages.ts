/**
 * Turns Ajv errors into platform errors: a JSON pointer, a stable code, and a message in Bahasa
 * Indonesia that says what is wrong and how to fix it. ajv-i18n's Indonesian locale only says
 * what is wrong ("harus sama dengan konstan"), so common keywords get our own wording and
 * ajv-i18n covers the rest.
 */
import type { ErrorObject } from "ajv";
import localizeId from "ajv-i18n/localize/id/index.js";
import { type DocumentError, escapePointerToken } from "./errors";

const TYPE_NAMES_ID: Record<string, string> = {
  string: "teks",
  number: "angka",
  integer: "bilangan bulat",
  boolean: "ya/tidak (true/false)",
  object: "objek",
  array: "daftar",
  null: "kosong (null)",
};

/** Stable codes per Ajv keyword. */
const CODES: Record<string, string> = {
  required: "REQUIRED",
  type: "WRONG_TYPE",
  additionalProperties: "UNKNOWN_PROPERTY",
  maxLength: "TOO_LONG",
  minLength: "TOO_SHORT",
  pattern: "BAD_FORMAT",
  format: "BAD_FORMAT",
  enum: "NOT_ALLOWED",
  const: "NOT_ALLOWED",
  not: "NOT_ALLOWED",
  discriminator: "NOT_ALLOWED",
  minimum: "TOO_SMALL",
  exclusiveMinimum: "TOO_SMALL",
  maximum: "TOO_LARGE",
  exclusiveMaximum: "TOO_LARGE",
  maxItems: "TOO_MANY",
  minItems: "TOO_FEW",
  maxProperties: "TOO_MANY",
  minProperties: "TOO_FEW",
  uniqueItems: "DUPLICATE",
  multipleOf: "NOT_MULTIPLE",
  oneOf: "NO_MATCH",
  anyOf: "NO_MATCH",
  propertyNames: "BAD_PROPERTY_NAME",
  dependencies: "MISSING_DEPENDENCY",
};

/** Hints for patterns of the platform's own schemas, found by the `$defs` name in schemaPath. */
const PATTERN_HINTS: [RegExp, string, string][] = [
  [
    /\$defs\/Key\//,
    "Kunci memakai huruf kecil, angka dan garis bawah, diawali huruf, paling panjang 64 (contoh: spm1_bumil_k6).",
    "Keys use lowercase letters, digits and underscores, start with a letter, at most 64 long (e.g. spm1_bumil_k6).",
  ],
  [
    /\$defs\/PackageKey\//,
    "Kunci paket memakai huruf kecil, angka, garis bawah atau tanda hubung, diawali huruf (contoh: ilp-nasional).",
    "Package keys use lowercase letters, digits, underscores or hyphens and start with a letter (e.g. ilp-nasional).",
  ],
  [/\$defs\/OrgCode\//, "Kode unit memakai angka/huruf dan titik (contoh: 13.73).", "Org unit codes use digits/letters and dots (e.g. 13.73)."],
  [
    /\$defs\/Choice\//,
    "Nilai pilihan memakai huruf, angka, titik, garis bawah atau tanda hubung, tanpa spasi (contoh: ya, tidak, k1).",
    "Choice values use letters, digits, dots, underscores or hyphens, no spaces (e.g. ya, tidak, k1).",
  ],
];

/** Pointer of an Ajv error, pointing at the missing/extra property itself where there is one. */
export function ajvErrorPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required" && typeof params.missingProperty === "string") {
    return `${error.instancePath}/${escapePointerToken(params.missingProperty)}`;
  }
  if (error.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return `${error.instancePath}/${escapePointerToken(params.additionalProperty)}`;
  }
  return error.instancePath;
}

function list(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(", ") : String(values);
}

function localizedFallback(error: ErrorObject): string {
  const copy = { ...error };
  localizeId([copy]);
  const text = (copy.message ?? "").trim();
  return text ? `Nilai ${text}. Perbaiki sesuai petunjuk.` : "Nilai tidak sah. Perbaiki sesuai petunjuk.";
}

/** [Indonesian, English] message for one Ajv error; `subject` names the thing (e.g. a field label). */
function describe(error: ErrorObject, subject?: string): [string, string] {
  const p = error.params as Record<string, unknown>;
  const what = subject ? `"${subject}"` : "Nilai ini";
  const whatEn = subject ? `"${subject}"` : "This value";
  switch (error.keyword) {
    case "required":
      return subject
        ? [`${what} wajib diisi. Isi dulu lalu kirim ulang.`, `${whatEn} is required. Fill it in and submit again.`]
        : [`Properti "${p.missingProperty}" wajib ada. Tambahkan properti ini.`, `Property "${p.missingProperty}" is required. Add it.`];
    case "type": {
      const types = String(p.type)
        .split(",")
        .map((t) => TYPE_NAMES_ID[t] ?? t)
        .join(" atau ");
      return [`${what} harus berupa ${types}. Ganti nilainya.`, `${whatEn} must be of type ${p.type}. Change the value.`];
    }
    case "additionalProperties":
      return [
        `Properti "${p.additionalProperty}" tidak dikenal di sini. Hapus atau periksa ejaannya.`,
        `Property "${p.additionalProperty}" is not allowed here. Remove it or check its spelling.`,
      ];
    case "maxLength":
      return [
        `${what} terlalu panjang: paling banyak ${p.limit} karakter. Persingkat teksnya.`,
        `${whatEn} is too long: at most ${p.limit} characters. Shorten it.`,
      ];
    case "minLength":
      return p.limit === 1
        ? [`${what} tidak boleh kosong. Isi teksnya.`, `${whatEn} must not be empty. Fill it in.`]
        : [`${what} terlalu pendek: paling sedikit ${p.limit} karakter. Lengkapi teksnya.`, `${whatEn} is too short: at least ${p.limit} characters.`];
    case "pattern": {
      const hint = PATTERN_HINTS.find(([re]) => re.test(error.schemaPath));
      return hint
        ? [`${what} tidak sesuai format. ${hint[1]}`, `${whatEn} has the wrong format. ${hint[2]}`]
        : [
            `${what} tidak sesuai format yang diminta (pola ${p.pattern}). Perbaiki penulisannya.`,
            `${whatEn} does not match the required pattern ${p.pattern}.`,
          ];
    }
    case "format":
      return p.format === "date"
        ? [
            `${what} bukan tanggal yang sah. Tulis sebagai TTTT-BB-HH, misalnya 2025-03-31.`,
            `${whatEn} is not a valid date. Write it as YYYY-MM-DD, e.g. 2025-03-31.`,
          ]
        : [`${what} harus berformat ${p.format}.`, `${whatEn} must have format ${p.format}.`];
    case "enum":
      return [
        `${what} tidak termasuk pilihan yang diizinkan. Pilih salah satu: ${list(p.allowedValues)}.`,
        `${whatEn} is not one of the allowed values: ${list(p.allowedValues)}.`,
      ];
    case "const":
      return [`${what} harus ${JSON.stringify(p.allowedValue)}.`, `${whatEn} must be ${JSON.stringify(p.allowedValue)}.`];
    case "not":
      return /\$defs\/(Package)?Key\//.test(error.schemaPath)
        ? [
            `Kata "__proto__", "constructor" dan "prototype" tidak boleh dipakai sebagai kunci. Pilih kunci lain.`,
            `"__proto__", "constructor" and "prototype" cannot be used as keys. Choose another key.`,
          ]
        : [`${what} tidak diizinkan di sini. Ganti nilainya.`, `${whatEn} is not allowed here.`];
    case "discriminator":
      return p.error === "mapping"
        ? [`Nilai "${p.tag}" tidak dikenal. Gunakan salah satu jenis yang didukung.`, `Unknown value of "${p.tag}". Use one of the supported kinds.`]
        : [`Properti "${p.tag}" harus berupa teks.`, `Property "${p.tag}" must be a string.`];
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum": {
      const small = error.keyword.endsWith("inimum");
      return [
        `${what} terlalu ${small ? "kecil" : "besar"}: harus ${p.comparison} ${p.limit}. Periksa kembali angkanya.`,
        `${whatEn} is too ${small ? "small" : "large"}: must be ${p.comparison} ${p.limit}.`,
      ];
    }
    case "maxItems":
      return [`Terlalu banyak butir: paling banyak ${p.limit}. Kurangi jumlahnya.`, `Too many items: at most ${p.limit}. Remove some.`];
    case "minItems":
      return [`Terlalu sedikit butir: paling sedikit ${p.limit}. Tambahkan butir.`, `Too few items: at least ${p.limit}.`];
    case "uniqueItems":
      return [
        `Butir ke-${Number(p.j) + 1} dan ke-${Number(p.i) + 1} sama. Setiap butir harus berbeda; hapus salah satunya.`,
        `Items ${Number(p.j) + 1} and ${Number(p.i) + 1} are identical. Remove one of them.`,
      ];
    case "multipleOf":
      return [`${what} harus kelipatan ${p.multipleOf}.`, `${whatEn} must be a multiple of ${p.multipleOf}.`];
    case "oneOf":
    case "anyOf":
      return [
        `${what} tidak cocok dengan bentuk yang diizinkan. Periksa kembali isinya sesuai dokumentasi.`,
        `${whatEn} does not match any allowed shape. Check it against the documentation.`,
      ];
    default:
      return [localizedFallback(error), `${whatEn} ${error.message ?? "is invalid"}.`];
  }
}

/** Converts one Ajv error into a platform error. */
export function fromAjvError(error: ErrorObject, subject?: string): DocumentError {
  const [message, messageEn] = describe(error, subject);
  return { pointer: ajvErrorPointer(error), code: CODES[error.keyword] ?? "INVALID", message, messageEn };
}

/** Converts Ajv's error list (may be null). */
export function fromAjvErrors(errors: ErrorObject[] | null | undefined, subject?: string): DocumentError[] {
  return (errors ?? []).map((e) => fromAjvError(e, subject));
}
