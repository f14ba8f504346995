/**
 * Intake gate for power-user raw JSON Schemas (docs/security.md items 1–4). Order matters: cheap bounded
 * checks first, Ajv `compile()` last and only for schemas that passed everything else.
 */
import type { ValidateFunction } from "ajv";
import { createFormAjv } from "./ajv";
import { type DocumentError, escapePointerToken } from "./errors";
import { checkJsonLimits, findForbiddenKeys, MAX_DEPTH, parseJsonDocument, RAW_SCHEMA_MAX_BYTES } from "./limits";
import { fromAjvErrors } from "./messages";
import { RAW_SCHEMA_META_SCHEMA } from "./meta-schema";
import { patternProblem } from "./redos";

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

const PATTERN_MESSAGES: Record<string, [string, string]> = {
  TOO_LONG: ["Pola (pattern) terlalu panjang; paling panjang 500 karakter.", "The pattern is too long; at most 500 characters."],
  INVALID: ["Pola (pattern) bukan ekspresi reguler yang sah. Perbaiki penulisannya.", "The pattern is not a valid regular expression."],
  NESTED_QUANTIFIER: [
    "Pola (pattern) memuat pengulangan bersarang seperti (a+)+ yang bisa membuat server macet. Tulis ulang tanpa pengulangan di dalam kelompok yang diulang.",
    "The pattern nests quantifiers like (a+)+, which can hang the server (ReDoS). Rewrite it without a repeated group containing a repetition.",
  ],
  BACKREFERENCE: [
    "Pola (pattern) memakai rujukan balik (\\1, \\k<...>) yang tidak didukung. Tulis ulang tanpa rujukan balik.",
    "The pattern uses back-references (\\1, \\k<...>), which are not supported.",
  ],
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
        errors.push({
          pointer: child,
          code: "FORBIDDEN_KEYWORD",
          message: `Kata kunci "$data" tidak diizinkan: batas harus berupa angka/teks tetap. Ganti dengan nilai tetap.`,
          messageEn: `The "$data" keyword is not allowed: limits must be fixed values.`,
        });
        continue;
      }
      if (!Array.isArray(node) && key === "pattern" && typeof value === "string") {
        const problem = patternProblem(value);
        if (problem) {
          const [message, messageEn] = PATTERN_MESSAGES[problem];
          errors.push({ pointer: child, code: problem === "NESTED_QUANTIFIER" ? "REDOS_PATTERN" : `PATTERN_${problem}`, message, messageEn });
        }
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
      const keyword = String(params.additionalProperty);
      return {
        ...base,
        code: "FORBIDDEN_KEYWORD",
        message: `Kata kunci "${keyword}" tidak diizinkan dalam skema. Hapus atau ganti dengan kata kunci yang didukung.`,
        messageEn: `The keyword "${keyword}" is not allowed in schemas. Remove it or use a supported keyword.`,
      };
    }
    if (e.keyword === "pattern" && e.instancePath.endsWith("/$ref")) {
      return {
        ...base,
        code: "REMOTE_REF",
        message: `"$ref" hanya boleh merujuk ke dalam skema ini (diawali "#/"). Salin definisinya ke "definitions" lalu rujuk dari sana.`,
        messageEn: `"$ref" may only point inside this schema (starting with "#/"). Copy the definition into "definitions".`,
      };
    }
    if (e.keyword === "dependencies") {
      const keyword = String(params.property);
      const needs = String(params.missingProperty);
      return {
        ...base,
        pointer: `${e.instancePath}/${escapePointerToken(keyword)}`,
        code: needs === "maxLength" ? "PATTERN_WITHOUT_MAXLENGTH" : "UNIQUE_WITHOUT_MAXITEMS",
        message: `"${keyword}" harus disertai "${needs}" pada skema yang sama agar pemeriksaan tetap cepat. Tambahkan "${needs}".`,
        messageEn: `"${keyword}" needs "${needs}" on the same schema to keep validation bounded. Add "${needs}".`,
      };
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
      errors: [
        {
          pointer: "",
          code: "COMPILE_ERROR",
          message: `Skema tidak dapat dipakai: ${detail}. Perbaiki bagian yang disebut.`,
          messageEn: `The schema cannot be compiled: ${detail}.`,
        },
      ],
    };
  } finally {
    if (typeof checked.schema === "object") ajv.removeSchema(checked.schema);
  }
}
