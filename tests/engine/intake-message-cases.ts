/**
 * Inputs that provoke every intake message (engine/intake/intake-messages.ts): JSON limits,
 * forbidden keys, unknown document kinds, the raw-schema gate and the Ajv keyword messages
 * (with and without a subject, the label of a submission field).
 */
import type { ErrorObject } from "ajv";
import {
  checkJsonDepth,
  checkJsonSize,
  checkRawSchema,
  compileRawSchema,
  createDocumentAjv,
  createFormAjv,
  findForbiddenKeys,
  fromAjvErrors,
  parseJsonDocument,
  validateDocument,
  type DocumentError,
} from "@engine/server";

export interface IntakeMessageCase {
  name: string;
  run: () => DocumentError[];
}

const formAjv = createFormAjv({ allowUnionTypes: true });
const documentAjv = createDocumentAjv();

/** The Ajv errors of `data` against `schema`, converted (draft-07 unless `draft2020`). */
function ajvCase(name: string, schema: object, data: unknown, subject?: string, draft2020 = false): IntakeMessageCase {
  return {
    name,
    run: () => {
      const ajv = draft2020 ? documentAjv : formAjv;
      const validate = ajv.compile(schema);
      const errors: ErrorObject[] | null | undefined = validate(data) ? [] : validate.errors;
      ajv.removeSchema(schema);
      return fromAjvErrors(errors, subject);
    },
  };
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const KEY_DEFS = { $defs: { Key: { type: "string", maxLength: 64, pattern: "^[a-z][a-z0-9_]*$", not: { enum: ["__proto__"] } } } };

export const INTAKE_MESSAGE_CASES: IntakeMessageCase[] = [
  // ---- limits
  { name: "too deep", run: () => checkJsonDepth(nested(40)) },
  { name: "too large, size known", run: () => checkJsonSize("é".repeat(700), 1024) },
  { name: "too large, size unknown", run: () => checkJsonSize("x".repeat(2000), 1024) },
  { name: "not serialisable", run: () => checkJsonSize({ a: BigInt(1) }) },
  { name: "forbidden key", run: () => findForbiddenKeys(JSON.parse('{"a": {"__proto__": 1}}')) },
  { name: "not JSON text", run: () => parseJsonDocument("{").errors },
  // ---- documents
  { name: "unknown kind", run: () => validateDocument("nope" as never, {}).errors },
  // ---- raw schemas
  { name: "$data", run: () => checkRawSchema({ type: "object", properties: { a: { $data: "1/b" } } }).errors },
  { name: "pattern too long", run: () => checkRawSchema({ type: "string", maxLength: 10, pattern: "a".repeat(501) }).errors },
  { name: "pattern invalid", run: () => checkRawSchema({ type: "string", maxLength: 10, pattern: "(" }).errors },
  { name: "pattern ReDoS", run: () => checkRawSchema({ type: "string", maxLength: 10, pattern: "(a+)+" }).errors },
  { name: "pattern back-reference", run: () => checkRawSchema({ type: "string", maxLength: 10, pattern: "(a)\\1" }).errors },
  { name: "unknown keyword", run: () => checkRawSchema({ type: "string", patternProperties: {} }).errors },
  { name: "remote $ref", run: () => checkRawSchema({ $ref: "https://example.com/s.json" }).errors },
  { name: "pattern without maxLength", run: () => checkRawSchema({ type: "string", pattern: "^a$" }).errors },
  { name: "uniqueItems without maxItems", run: () => checkRawSchema({ type: "array", uniqueItems: true }).errors },
  { name: "compile error", run: () => compileRawSchema({ $ref: "#/definitions/missing" }).errors },
  // ---- Ajv keywords
  ajvCase("required property", { type: "object", properties: { a: { type: "number" } }, required: ["a"] }, {}),
  ajvCase("required subject", { type: "object", properties: { a: { type: "number" } }, required: ["a"] }, {}, "Jumlah kunjungan"),
  ajvCase("type", { type: ["integer", "null"] }, "x", "Jumlah"),
  ajvCase("additional property", { type: "object", additionalProperties: false }, { b: 1 }),
  ajvCase("maxLength", { type: "string", maxLength: 3 }, "abcd"),
  ajvCase("empty", { type: "string", minLength: 1 }, "", "Nama"),
  ajvCase("minLength", { type: "string", minLength: 3 }, "ab"),
  ajvCase("pattern with hint", { ...KEY_DEFS, $ref: "#/$defs/Key" }, "A b", undefined, true),
  ajvCase("pattern", { type: "string", maxLength: 10, pattern: "^[0-9]+$" }, "x1"),
  ajvCase("date", { type: "string", maxLength: 10, format: "date" }, "2025-02-30", "Tanggal"),
  ajvCase("format", { type: "string", maxLength: 30, format: "date-time" }, "kemarin"),
  ajvCase("enum", { enum: ["a", "b"] }, "c"),
  ajvCase("const", { const: 1 }, 2),
  ajvCase("not (forbidden key name)", { ...KEY_DEFS, $ref: "#/$defs/Key" }, "__proto__", undefined, true),
  ajvCase("not", { not: { type: "string" } }, "x"),
  ajvCase(
    "discriminator mapping",
    {
      type: "object",
      discriminator: { propertyName: "kind" },
      properties: { kind: { type: ["string", "number"] } },
      required: ["kind"],
      oneOf: [{ properties: { kind: { const: "a" } } }, { properties: { kind: { const: "c" } } }],
    },
    { kind: "b" },
  ),
  ajvCase(
    "discriminator tag",
    {
      type: "object",
      discriminator: { propertyName: "kind" },
      properties: { kind: { type: ["string", "number"] } },
      required: ["kind"],
      oneOf: [{ properties: { kind: { const: "a" } } }, { properties: { kind: { const: "c" } } }],
    },
    { kind: 1 },
  ),
  ajvCase("minimum", { type: "number", minimum: 0 }, -1, "Jumlah"),
  ajvCase("exclusiveMaximum", { type: "number", exclusiveMaximum: 10 }, 10),
  ajvCase("maxItems", { type: "array", maxItems: 1 }, [1, 2]),
  ajvCase("minItems", { type: "array", minItems: 2 }, [1]),
  ajvCase("uniqueItems", { type: "array", maxItems: 5, uniqueItems: true }, [1, 2, 1]),
  ajvCase("multipleOf", { type: "number", multipleOf: 5 }, 7),
  ajvCase("oneOf", { oneOf: [{ type: "string" }, { type: "number" }] }, true),
  ajvCase("other keyword", { type: "object", maxProperties: 1 }, { a: 1, b: 2 }),
  ajvCase("other keyword with subject", { type: "array", contains: { const: 1 } }, [2], "Daftar"),
];
