/**
 * The only places Ajv instances are created. Options follow docs/security.md item 2: strict mode, no `$data`,
 * no `loadSchema` (compile never reaches the network), one error at a time on the server.
 */
import Ajv, { type Options } from "ajv";
import Ajv2020 from "ajv/dist/2020.js";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Calendar check for `YYYY-MM-DD` (so 2025-02-30 is refused, not just malformed text). */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function isIsoDateTime(text: string): boolean {
  return DATE_TIME.test(text) && isIsoDate(text.slice(0, 10));
}

/**
 * Formats known to the platform; defined here instead of pulling in ajv-formats. Any other
 * `format` makes strict compile fail, which the intake gate reports.
 */
export const KNOWN_FORMATS = { date: isIsoDate, "date-time": isIsoDateTime } as const;

/** Options shared by every Ajv instance of the platform. */
export const SAFE_AJV_OPTIONS: Readonly<Options> = Object.freeze({
  strict: true,
  $data: false,
  allErrors: false,
  // No loadSchema: a `$ref` that is not inside the schema fails to compile instead of fetching.
  loadSchema: undefined,
  validateFormats: true,
  formats: KNOWN_FORMATS,
  discriminator: true,
  messages: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
});

/** Draft 2020-12 instance for the platform's own documents (schemas/*.schema.json). */
export function createDocumentAjv(): Ajv2020 {
  return new Ajv2020({ ...SAFE_AJV_OPTIONS });
}

/**
 * Draft-07 instance for form schemas (derived or power-user raw), the draft @rjsf/validator-ajv8
 * uses by default, so what the server enforces is what the form renders. `allowUnionTypes` is
 * the only relaxation offered (`"type": ["string", "null"]` is common in hand-written schemas).
 */
export function createFormAjv(extra: Pick<Options, "allowUnionTypes"> = {}): Ajv {
  return new Ajv({ ...SAFE_AJV_OPTIONS, ...extra });
}
