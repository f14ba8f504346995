/**
 * The one table of formula error codes. Codes are stable (tests and the UI key on them); messages
 * are templates with `{name}` placeholders, Bahasa Indonesia first, English second. Each message
 * says what is wrong and how to fix it (docs/style.md house rule 4).
 */
export const FORMULA_ERRORS = {
  // Limits
  EMPTY_FORMULA: {
    id: "Rumus masih kosong. Tulis sebuah ekspresi, misalnya: a + b.",
    en: "The formula is empty. Write an expression, for example: a + b.",
  },
  TOO_LONG: {
    id: "Rumus terlalu panjang ({length} karakter, paling banyak {max}). Pecah menjadi beberapa indikator atau isian terhitung.",
    en: "The formula is too long ({length} characters, at most {max}). Split it into several indicators or calculated fields.",
  },
  TOO_MANY_TOKENS: {
    id: "Rumus terlalu rumit (lebih dari {max} unsur). Sederhanakan atau pecah rumusnya.",
    en: "The formula is too complex (more than {max} tokens). Simplify or split it.",
  },
  TOO_DEEP: {
    id: "Rumus bersarang terlalu dalam (lebih dari {max} tingkat kurung/fungsi). Kurangi tingkat kurung.",
    en: "The formula is nested too deeply (more than {max} levels of parentheses/functions). Reduce the nesting.",
  },
  STEP_BUDGET: {
    id: "Perhitungan rumus melebihi batas {max} langkah. Sederhanakan rumus atau kurangi jumlah unit.",
    en: "Evaluating the formula exceeded the limit of {max} steps. Simplify the formula or reduce the number of units.",
  },
  // Lexer
  UNEXPECTED_CHAR: {
    id: "Karakter '{char}' tidak dikenal dalam rumus.{hint}",
    en: "Unknown character '{char}' in the formula.{hint}",
  },
  STRING_NOT_ALLOWED: {
    id: "Teks dalam tanda kutip tidak didukung dalam rumus. Gunakan angka, true/false, atau kode isian.",
    en: "Quoted text is not supported in formulas. Use numbers, true/false or field keys.",
  },
  BAD_NUMBER: {
    id: "Angka '{text}' tidak valid. Tulis angka seperti 12 atau 3.5 (desimal memakai titik).",
    en: "Invalid number '{text}'. Write numbers like 12 or 3.5 (decimal point, no exponent).",
  },
  BAD_IDENTIFIER: {
    id: "Nama '{name}' tidak valid. Kode isian/indikator ditulis huruf kecil, angka dan garis bawah, diawali huruf (misalnya: bumil_k6).",
    en: "Invalid name '{name}'. Field/indicator keys use lowercase letters, digits and underscores and start with a letter (e.g. bumil_k6).",
  },
  RESERVED_NAME: {
    id: "Nama '{name}' tidak boleh dipakai dalam rumus.",
    en: "The name '{name}' cannot be used in formulas.",
  },
  // Parser
  UNEXPECTED_TOKEN: {
    id: "'{token}' tidak diharapkan di sini.{hint}",
    en: "Unexpected '{token}' here.{hint}",
  },
  UNEXPECTED_END: {
    id: "Rumus berakhir terlalu cepat; masih ada yang kurang di akhir (angka, kode isian atau kurung tutup).",
    en: "The formula ends too early; something is missing at the end (a number, a field key or a closing parenthesis).",
  },
  MISSING_RPAREN: {
    id: "Kurung '(' ini belum ditutup. Tambahkan ')'.",
    en: "This '(' is not closed. Add ')'.",
  },
  MEMBER_ACCESS: {
    id: "Tanda titik '.' hanya boleh dipakai sebagai pemisah desimal (3.5). Rumus tidak mengenal akses properti.",
    en: "A dot '.' is only allowed as a decimal point (3.5). Formulas have no property access.",
  },
  NOT_CALLABLE: {
    id: "Hanya nama fungsi (misalnya if, min, round) yang boleh diikuti tanda kurung argumen.",
    en: "Only a function name (such as if, min, round) can be followed by an argument list.",
  },
  CHAINED_COMPARISON: {
    id: "Perbandingan tidak boleh dirangkai (misalnya a < b < c). Tulis a < b and b < c.",
    en: "Comparisons cannot be chained (like a < b < c). Write a < b and b < c.",
  },
  // Checker
  UNKNOWN_IDENTIFIER: {
    id: "Kode '{name}' tidak dikenal. Periksa ejaan; hanya kode isian/indikator yang tersedia di sini yang boleh dipakai.",
    en: "Unknown key '{name}'. Check the spelling; only the field/indicator keys available here can be used.",
  },
  UNKNOWN_FUNCTION: {
    id: "Fungsi '{name}' tidak dikenal. Fungsi yang tersedia: {available}.",
    en: "Unknown function '{name}'. Available functions: {available}.",
  },
  ARITY: {
    id: "Fungsi {name} memerlukan {expected} argumen, tetapi diberi {actual}.",
    en: "Function {name} needs {expected} argument(s) but got {actual}.",
  },
  EXPECTED_NUMBER: {
    id: "Di sini diperlukan angka, tetapi nilainya benar/salah (boolean). Ubah dengan if(kondisi, 1, 0).",
    en: "A number is needed here but the value is true/false (boolean). Convert it with if(condition, 1, 0).",
  },
  EXPECTED_BOOLEAN: {
    id: "Di sini diperlukan kondisi benar/salah, tetapi nilainya angka. Bandingkan dulu, misalnya: x > 0.",
    en: "A true/false condition is needed here but the value is a number. Compare it first, e.g. x > 0.",
  },
  TYPE_MISMATCH: {
    id: "Jenis nilai tidak cocok: {left} dan {right}. Kedua sisi harus sama-sama angka atau sama-sama benar/salah.",
    en: "Mismatched value types: {left} and {right}. Both must be numbers or both true/false.",
  },
  CONTEXT: {
    id: "Fungsi {name}() hanya boleh dipakai dalam rumus indikator (agregasi antar unit), bukan dalam {context}.",
    en: "Function {name}() can only be used in indicator formulas (aggregation over units), not in {context}.",
  },
  NESTED_AGGREGATE: {
    id: "Fungsi {name}() tidak boleh dipakai di dalam count_units(). Kondisi count_units dihitung per unit.",
    en: "Function {name}() cannot be used inside count_units(). The count_units condition is evaluated per unit.",
  },
  IN_GROUP_CONTEXT: {
    id: "Fungsi in_group() hanya boleh dipakai di dalam count_units(...) pada rumus indikator, karena keanggotaan kelompok dinilai per unit. Contoh: count_units(in_group(blud) and ikm >= 76.61).",
    en: "Function in_group() can only be used inside count_units(...) in an indicator formula, because group membership is judged per unit. Example: count_units(in_group(blud) and ikm >= 76.61).",
  },
  GROUP_KEY: {
    id: "in_group() memerlukan tepat satu kode kelompok unit yang ditulis langsung (huruf kecil, angka dan garis bawah, paling banyak 64 karakter), misalnya in_group(blud).",
    en: "in_group() needs exactly one org-unit group key written directly (lowercase letters, digits and underscores, at most 64 characters), e.g. in_group(blud).",
  },
  ROUND_DIGITS: {
    id: "Jumlah desimal pada round() harus bilangan bulat 0 sampai 10 yang ditulis langsung, misalnya round(x, 1).",
    en: "The digits argument of round() must be a whole number 0 to 10 written directly, e.g. round(x, 1).",
  },
} as const satisfies Record<string, { id: string; en: string }>;

/** Stable error code, e.g. `UNKNOWN_IDENTIFIER`. */
export type FormulaErrorCode = keyof typeof FORMULA_ERRORS;

/** All codes, for exhaustiveness tests and the UI's help page. */
export const FORMULA_ERROR_CODES = Object.keys(FORMULA_ERRORS) as FormulaErrorCode[];

/** One error with its character span in the source (`end` exclusive, UTF-16 offsets). */
export interface FormulaError {
  code: FormulaErrorCode;
  message: string;
  start: number;
  end: number;
}

export type { Locale, MessageParams } from "../message-table";
import type { Locale, MessageParams } from "../message-table";

/** Hints appended to UNEXPECTED_CHAR / UNEXPECTED_TOKEN for mistakes users coming from Excel make. */
const HINTS: ReadonlyMap<string, { id: string; en: string }> = new Map([
  ["&", { id: " Gunakan 'and'.", en: " Use 'and'." }],
  ["|", { id: " Gunakan 'or'.", en: " Use 'or'." }],
  ["!", { id: " Gunakan 'not' atau '!='.", en: " Use 'not' or '!='." }],
  [";", { id: " Pisahkan argumen dengan koma ','.", en: " Separate arguments with a comma ','." }],
  [
    ",",
    {
      id: " Koma hanya memisahkan argumen fungsi; desimal ditulis dengan titik (3.5).",
      en: " A comma only separates function arguments; decimals use a point (3.5).",
    },
  ],
  ["%", { id: " Persen diatur lewat faktor indikator (100).", en: " Percentages are set by the indicator factor (100)." }],
]);

/** The hint for a character or token (text the user typed), or ''. */
export function hintFor(text: string, locale: Locale): string {
  const hint = HINTS.get(text);
  return hint ? (locale === "en" ? hint.en : hint.id) : "";
}

/** User text echoed in a message is clipped so a hostile formula cannot produce huge messages. */
export function clipText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Renders the message template of `code` in `locale`. */
export function formatMessage(code: FormulaErrorCode, params: MessageParams = {}, locale: Locale = "id"): string {
  // Any locale other than 'en' falls back to Bahasa Indonesia, even from untyped callers.
  const template = locale === "en" ? FORMULA_ERRORS[code].en : FORMULA_ERRORS[code].id;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : ""));
}

/** Builds a FormulaError. */
export function formulaError(code: FormulaErrorCode, start: number, end: number, params: MessageParams = {}, locale: Locale = "id"): FormulaError {
  return { code, message: formatMessage(code, params, locale), start, end };
}

/** Thrown by `compileFormula` (and `describeFormula` on text that does not parse). */
export class FormulaCompileError extends Error {
  readonly errors: FormulaError[];
  constructor(errors: FormulaError[]) {
    super(errors.map((e) => `${e.code} @${e.start}: ${e.message}`).join("\n"));
    this.name = "FormulaCompileError";
    this.errors = errors;
  }
}

/** Thrown by `evaluate` only when the step budget is exhausted. */
export class FormulaRuntimeError extends Error {
  readonly code: FormulaErrorCode;
  constructor(code: FormulaErrorCode, message: string) {
    super(message);
    this.name = "FormulaRuntimeError";
    this.code = code;
  }
}
