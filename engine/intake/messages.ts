/**
 * Turns Ajv errors into platform errors: a JSON pointer, a stable code, and a message of
 * INTAKE_MESSAGES (intake-messages.ts) that says what is wrong and how to fix it. ajv-i18n's
 * Indonesian locale only says what is wrong ("harus sama dengan konstan"), so common keywords
 * get our own wording and ajv-i18n covers the rest (SCHEMA_OTHER).
 */
import type { ErrorObject } from "ajv";
import localizeId from "ajv-i18n/localize/id/index.js";
import { type DocumentError, escapePointerToken } from "./errors";
import { intakeError, PATTERN_HINT_NAMES, type IntakeMessageCode } from "./intake-messages";

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
  return (copy.message ?? "").trim();
}

/** The message of one Ajv error in INTAKE_MESSAGES, with its params; `subject` names the thing (e.g. a field label). */
function describe(error: ErrorObject, subject?: string): [IntakeMessageCode, Record<string, unknown>] {
  const p = error.params as Record<string, unknown>;
  const about = { subject: subject || undefined };
  switch (error.keyword) {
    case "required":
      return subject ? ["SCHEMA_REQUIRED", about] : ["SCHEMA_REQUIRED_PROPERTY", { property: p.missingProperty }];
    case "type":
      return ["SCHEMA_TYPE", { ...about, type: p.type }];
    case "additionalProperties":
      return ["SCHEMA_UNKNOWN_PROPERTY", { property: p.additionalProperty }];
    case "maxLength":
      return ["SCHEMA_TOO_LONG", { ...about, limit: p.limit }];
    case "minLength":
      return p.limit === 1 ? ["SCHEMA_EMPTY", about] : ["SCHEMA_TOO_SHORT", { ...about, limit: p.limit }];
    case "pattern": {
      const hint = PATTERN_HINT_NAMES.find((name) => error.schemaPath.includes(`$defs/${name}/`));
      return hint ? ["SCHEMA_PATTERN_HINT", { ...about, hint }] : ["SCHEMA_PATTERN", { ...about, pattern: p.pattern }];
    }
    case "format":
      return p.format === "date" ? ["SCHEMA_DATE", about] : ["SCHEMA_FORMAT", { ...about, format: p.format }];
    case "enum":
      return ["SCHEMA_ENUM", { ...about, allowed: list(p.allowedValues) }];
    case "const":
      return ["SCHEMA_CONST", { ...about, value: JSON.stringify(p.allowedValue) }];
    case "not":
      return /\$defs\/(Package)?Key\//.test(error.schemaPath) ? ["SCHEMA_FORBIDDEN_KEY_NAME", {}] : ["SCHEMA_NOT", about];
    case "discriminator":
      return [p.error === "mapping" ? "SCHEMA_DISCRIMINATOR_MAPPING" : "SCHEMA_DISCRIMINATOR_TAG", { tag: p.tag }];
    case "minimum":
    case "exclusiveMinimum":
      return ["SCHEMA_TOO_SMALL", { ...about, comparison: p.comparison, limit: p.limit }];
    case "maximum":
    case "exclusiveMaximum":
      return ["SCHEMA_TOO_LARGE", { ...about, comparison: p.comparison, limit: p.limit }];
    case "maxItems":
      return ["SCHEMA_TOO_MANY_ITEMS", { limit: p.limit }];
    case "minItems":
      return ["SCHEMA_TOO_FEW_ITEMS", { limit: p.limit }];
    case "uniqueItems":
      return ["SCHEMA_DUPLICATE_ITEMS", { first: Number(p.j) + 1, second: Number(p.i) + 1 }];
    case "multipleOf":
      return ["SCHEMA_MULTIPLE_OF", { ...about, multipleOf: p.multipleOf }];
    case "oneOf":
    case "anyOf":
      return ["SCHEMA_NO_MATCH", about];
    default:
      return ["SCHEMA_OTHER", { ...about, ajv: localizedFallback(error) || undefined, ajvEn: error.message }];
  }
}

/** Converts one Ajv error into a platform error. */
export function fromAjvError(error: ErrorObject, subject?: string): DocumentError {
  const [messageCode, params] = describe(error, subject);
  return intakeError(ajvErrorPointer(error), messageCode, params, CODES[error.keyword] ?? "INVALID");
}

/** Converts Ajv's error list (may be null). */
export function fromAjvErrors(errors: ErrorObject[] | null | undefined, subject?: string): DocumentError[] {
  return (errors ?? []).map((e) => fromAjvError(e, subject));
}
