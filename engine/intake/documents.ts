/**
 * Schema validation of the platform's own documents against schemas/*.schema.json.
 * Validators are compiled once per kind, on first use, and reused.
 */
import type { ValidateFunction } from "ajv";
import formSchema from "../../schemas/form.schema.json";
import indicatorSchema from "../../schemas/indicator.schema.json";
import targetSchema from "../../schemas/target.schema.json";
import ruleSchema from "../../schemas/validation-rule.schema.json";
import packageSchema from "../../schemas/template-package.schema.json";
import overlaySchema from "../../schemas/district-overlay.schema.json";
import textSchema from "../../schemas/text.schema.json";
import { createDocumentAjv } from "./ajv";
import type { DocumentError } from "./errors";
import { intakeError } from "./intake-messages";
import { checkJsonLimits, DOCUMENT_MAX_BYTES, findForbiddenKeys, type JsonCaps, MAX_DEPTH, PACKAGE_MAX_BYTES } from "./limits";
import { fromAjvErrors } from "./messages";

const SCHEMAS = {
  form: formSchema,
  indicator: indicatorSchema,
  target: targetSchema,
  "validation-rule": ruleSchema,
  "template-package": packageSchema,
  "district-overlay": overlaySchema,
  text: textSchema,
} as const;

/** Document kinds, named after their schema files. */
export type DocumentKind = keyof typeof SCHEMAS;

export const DOCUMENT_KINDS = Object.keys(SCHEMAS) as DocumentKind[];

export interface DocumentValidation {
  ok: boolean;
  errors: DocumentError[];
}

const ajv = createDocumentAjv();
const compiled = new Map<DocumentKind, ValidateFunction>();

/** The compiled validator of one kind (compiled on first use, then cached). */
export function getDocumentValidator(kind: DocumentKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    validate = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  return validate;
}

/** Default size cap: whole packages and overlays may be larger than single documents. */
export function defaultMaxBytes(kind: DocumentKind): number {
  return kind === "template-package" || kind === "district-overlay" ? PACKAGE_MAX_BYTES : DOCUMENT_MAX_BYTES;
}

/**
 * Validates a parsed JSON value as a document of `kind`: size/depth caps, forbidden keys, then
 * the JSON Schema. Never throws. With `allErrors: false` the schema step reports the first
 * problem only; the editor shows it, the admin fixes it, saves again.
 */
export function validateDocument(kind: DocumentKind, json: unknown, caps: JsonCaps = {}): DocumentValidation {
  if (!Object.prototype.hasOwnProperty.call(SCHEMAS, kind)) {
    return { ok: false, errors: [intakeError("", "DOCUMENT_UNKNOWN_KIND", { kind: String(kind) })] };
  }
  const limits = checkJsonLimits(json, {
    maxBytes: caps.maxBytes ?? defaultMaxBytes(kind),
    maxDepth: caps.maxDepth ?? MAX_DEPTH,
  });
  if (limits.length > 0) return { ok: false, errors: limits };
  const forbidden = findForbiddenKeys(json);
  if (forbidden.length > 0) return { ok: false, errors: forbidden };
  const validate = getDocumentValidator(kind);
  if (validate(json)) return { ok: true, errors: [] };
  return { ok: false, errors: fromAjvErrors(validate.errors) };
}
