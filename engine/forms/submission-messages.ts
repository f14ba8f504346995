/**
 * The one table of submission messages: the problems validateSubmission reports itself. A
 * field's schema errors are intake messages (INTAKE_MESSAGES, SCHEMA_*) naming the field by its
 * label. A problem travels as a SubmissionError,
 * `{ field, pointer, code, messageCode, params, message, messageEn }`:
 *   code         the stable code tests and the UI key on (REQUIRED, NOT_ALLOWED …);
 *   messageCode  the key of its message here or in INTAKE_MESSAGES;
 *   params       `label` (the field's label in the requested locale), `choices`/`choicesEn`
 *                (the choice labels, already in both languages);
 *   message      the rendering in the requested locale, messageEn the English one.
 * The app renders `submissionMessage(messageCode, params, locale)` in the reader's language.
 * Each message says what is wrong and how to fix it (docs/style.md house rule 4), Bahasa
 * Indonesia first, English second.
 */
import { renderMessage, type Locale } from "../message-table";
import { formatNumber } from "./text";
import { INTAKE_MESSAGES, intakeMessage, type IntakeMessageCode, type IntakeMessageParams } from "../intake/intake-messages";

type Render = (p: IntakeMessageParams) => string;

/** A numeric param written the reader's way ("100.000" / "100,000"); text params pass through. */
const num = (v: string | number | undefined, locale: Locale) => (typeof v === "number" ? formatNumber(v, locale) : String(v));

export const SUBMISSION_MESSAGES = {
  SUBMISSION_NOT_OBJECT: {
    code: "WRONG_TYPE",
    id: () => "Kiriman harus berupa objek berisi jawaban isian. Muat ulang formulir lalu kirim lagi.",
    en: () => "The submission must be an object of answers.",
  },
  SUBMISSION_FORM_DEFINITION: {
    code: "FORM_DEFINITION",
    id: () => "Definisi formulir ini tidak sah, sehingga kiriman belum bisa diproses. Hubungi admin Dinas Kesehatan.",
    en: () => "This form definition is invalid, so submissions cannot be processed. Contact the health office admin.",
  },
  SUBMISSION_REQUIRED: {
    code: "REQUIRED",
    id: (p) => `"${p.label}" wajib diisi. Isi dulu lalu kirim ulang.`,
    en: (p) => `"${p.label}" is required. Fill it in and submit again.`,
  },
  SUBMISSION_NOT_CALCULABLE: {
    code: "NOT_CALCULABLE",
    id: (p) => `"${p.label}" dihitung otomatis tetapi belum bisa dihitung. Lengkapi isian yang dipakai rumusnya.`,
    en: (p) => `"${p.label}" is calculated but cannot be computed yet. Fill in the fields its formula uses.`,
  },
  SUBMISSION_UNKNOWN_CHOICE: {
    code: "NOT_ALLOWED",
    id: (p) => `Pilihan untuk "${p.label}" tidak dikenal. Pilih salah satu: ${p.choices}.`,
    en: (p) => `Unknown choice for "${p.label}". Pick one of: ${p.choicesEn}.`,
  },
  /** A number above the field's maximum; `limit` and `value` are numbers, written the reader's way. */
  SUBMISSION_TOO_LARGE: {
    code: "TOO_LARGE",
    id: (p) => `"${p.label}" paling banyak ${num(p.limit, "id")}, tetapi terisi ${num(p.value, "id")}. Periksa kembali angkanya.`,
    en: (p) => `"${p.label}" can be at most ${num(p.limit, "en")}, but ${num(p.value, "en")} was entered. Check the number.`,
  },
  /** A number below the field's minimum. */
  SUBMISSION_TOO_SMALL: {
    code: "TOO_SMALL",
    id: (p) => `"${p.label}" paling sedikit ${num(p.limit, "id")}, tetapi terisi ${num(p.value, "id")}. Periksa kembali angkanya.`,
    en: (p) => `"${p.label}" must be at least ${num(p.limit, "en")}, but ${num(p.value, "en")} was entered. Check the number.`,
  },
  /** A yes/no field whose value fails the Ya/Tidak choice (the derived schema's `type` usually answers first). */
  SUBMISSION_YES_NO: {
    code: "WRONG_TYPE",
    id: (p) => `"${p.label}" harus dijawab Ya atau Tidak.`,
    en: (p) => `"${p.label}" must be answered Yes or No.`,
  },
} as const satisfies Record<string, { code: string; id: Render; en: Render }>;

/** Key of a message in SUBMISSION_MESSAGES, e.g. `SUBMISSION_REQUIRED`. */
export type SubmissionOwnMessageCode = keyof typeof SUBMISSION_MESSAGES;

/** What a SubmissionError's messageCode may be: a message of this table or of INTAKE_MESSAGES. */
export type SubmissionMessageCode = SubmissionOwnMessageCode | IntakeMessageCode;

/** All codes of this table, for exhaustiveness tests. */
export const SUBMISSION_MESSAGE_CODES = Object.keys(SUBMISSION_MESSAGES) as SubmissionOwnMessageCode[];

/** The stable `code` of a message of either table. */
export function submissionMessageErrorCode(messageCode: SubmissionMessageCode): string {
  return Object.prototype.hasOwnProperty.call(SUBMISSION_MESSAGES, messageCode)
    ? SUBMISSION_MESSAGES[messageCode as SubmissionOwnMessageCode].code
    : INTAKE_MESSAGES[messageCode as IntakeMessageCode].code;
}

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function submissionMessage(messageCode: SubmissionMessageCode, params: IntakeMessageParams = {}, locale: Locale = "id"): string {
  if (!Object.prototype.hasOwnProperty.call(SUBMISSION_MESSAGES, messageCode)) return intakeMessage(messageCode as IntakeMessageCode, params, locale);
  return renderMessage(SUBMISSION_MESSAGES[messageCode as SubmissionOwnMessageCode], params, locale);
}
