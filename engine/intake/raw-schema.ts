/**
 * Intake gate for power-user raw JSON Schemas (docs/security.md items 1–4). Order matters: cheap bounded
 * checks first, Ajv `compile()` last and only for schemas that passed everything else.
 */
import type { ValidateFunction } from "ajv";
import { createFormAjv } from "./ajv";
import { type DocumentError, escapePointerToken } from "./errors";
import { intakeError, type IntakeMessageCode } from "./intake-messages";
import { checkJsonLimits, findForbiddenKeys, MAX_DEPTH, parseJsonDocument, RAW_SCHEMA_MAX_BYTES } from "./limits";
import { fromAjvErrors } from "./messages";
import { RAW_SCHEMA_META_SCHEMA } from "./meta-schema";
import { patternProblem, type PatternProblem } from "./redos";

export interface RawSchemaCheck {
  ok: boolean;
  errors: DocumentError[];
  /** The parsed schema, when `ok`. */
  schema?: Record<string, unknown> | boolean;
}

export interface RawSchemaCompileResult extends RawSchemaCheck {
  validate?: ValidateFunction;
}

// One instance for the gate: the meta-schema is compiled once; gated schemas are removed from
// its cache right after compiling so the instance does not grow with every save.
const ajv = createFormAjv({ allowUnionTypes: true });
const validateMeta = ajv.compile(RAW_SCHEMA_META_SCHEMA);

/** The message of each pattern problem of redos.ts. */
const PATTERN_MESSAGES: Record<PatternProblem, IntakeMessageCode> = {
  TOO_LONG: "RAW_PATTERN_TOO_LONG",
  INVALID: "RAW_PATTERN_INVALID",
  NESTED_QUANTIFIER: "RAW_PATTERN_REDOS",
  BACKREFERENCE: "RAW_PATTERN_BACKREFERENCE",
};

/** Finds `$data` keys and unsafe `pattern` strings anywhere in the schema. */
function scanSchema(schema: unknown): DocumentError[] {
  const errors: DocumentError[] = [];
  const stack: [unknown, string][] = [[schema, ""]];
  while (stack.length > 0 && errors.length < 20) {
    const [node, pointer] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node as Record<string, unknown>);
    for (const [key, value] of entries) {
      const child = `${pointer}/${escapePointerToken(key)}`;
      if (!Array.isArray(node) && key === "$data") {
        errors.push(intakeError(child, "RAW_DATA_KEYWORD"));
        continue;
      }
      if (!Array.isArray(node) && key === "pattern" && typeof value === "string") {
        const problem = patternProblem(value);
        if (problem) errors.push(intakeError(child, PATTERN_MESSAGES[problem]));
      }
      stack.push([value, child]);
    }
  }
  return errors;
}

/** Re-words the meta-schema's findings for the three refusals users will meet most. */
function metaErrors(): DocumentError[] {
  return (validateMeta.errors ?? []).map((e) => {
    const base = fromAjvErrors([e])[0];
    const params = e.params as Record<string, unknown>;
    if (e.keyword === "additionalProperties") {
      return intakeError(base.pointer, "RAW_FORBIDDEN_KEYWORD", { keyword: String(params.additionalProperty) });
    }
    if (e.keyword === "pattern" && e.instancePath.endsWith("/$ref")) {
      return intakeError(base.pointer, "RAW_REMOTE_REF");
    }
    if (e.keyword === "dependencies") {
      const keyword = String(params.property);
      const needs = String(params.missingProperty);
      return intakeError(
        `${e.instancePath}/${escapePointerToken(keyword)}`,
        needs === "maxLength" ? "RAW_PATTERN_WITHOUT_MAXLENGTH" : "RAW_UNIQUE_WITHOUT_MAXITEMS",
        { keyword, needs },
      );
    }
    return base;
  });
}

/** Runs every check except `compile()`. Accepts JSON text or an already parsed value. */
export function checkRawSchema(input: unknown): RawSchemaCheck {
  let schema: unknown = input;
  const caps = { maxBytes: RAW_SCHEMA_MAX_BYTES, maxDepth: MAX_DEPTH };
  if (typeof input === "string") {
    const parsed = parseJsonDocument(input, caps);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    schema = parsed.value;
  } else {
    const limits = checkJsonLimits(input, caps);
    if (limits.length > 0) return { ok: false, errors: limits };
  }
  const forbidden = findForbiddenKeys(schema);
  if (forbidden.length > 0) return { ok: false, errors: forbidden };
  const scanned = scanSchema(schema);
  if (scanned.length > 0) return { ok: false, errors: scanned };
  if (!validateMeta(schema)) return { ok: false, errors: metaErrors() };
  return { ok: true, errors: [], schema: schema as Record<string, unknown> | boolean };
}

/** Gate + strict Ajv compile. Never throws; compile failures become COMPILE_ERROR. */
export function compileRawSchema(input: unknown): RawSchemaCompileResult {
  const checked = checkRawSchema(input);
  if (!checked.ok || checked.schema === undefined) return checked;
  try {
    const validate = ajv.compile(checked.schema);
    return { ...checked, validate };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      errors: [intakeError("", "RAW_COMPILE_ERROR", { detail })],
    };
  } finally {
    if (typeof checked.schema === "object") ajv.removeSchema(checked.schema);
  }
}
