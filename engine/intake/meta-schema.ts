/**
 * Restricted meta-schema for power-user raw JSON Schemas (docs/security.md item 1): an allow-list of
 * draft-07 keywords. Everything not listed is refused, including `$data` (no keyword accepts an
 * object where a number/string is expected), `$id`, `patternProperties` (a regex as a key has no
 * maxLength to pair with) and `dependencies`. `pattern`/`format` require `maxLength`, and
 * `uniqueItems` requires `maxItems` (Ajv's security notes: both are linear-in-size costs that
 * need a bound). `$ref` may only point inside the schema.
 */
const PROPERTY_NAME = {
  type: "string",
  maxLength: 64,
  pattern: "^[A-Za-z_][A-Za-z0-9_-]{0,63}$",
  not: { enum: ["__proto__", "constructor", "prototype"] },
};

const schemaArray = { type: "array", minItems: 1, maxItems: 50, items: { $ref: "#" } };

export const RAW_SCHEMA_META_SCHEMA = {
  $id: "https://pantau-ilp.invalid/meta/raw-schema",
  type: ["object", "boolean"],
  properties: {
    $schema: { type: "string", maxLength: 100, enum: ["http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema"] },
    $comment: { type: "string", maxLength: 2000 },
    $ref: { type: "string", maxLength: 500, pattern: "^#(/[^#]*)?$" },
    definitions: { type: "object", maxProperties: 200, propertyNames: PROPERTY_NAME, additionalProperties: { $ref: "#" } },
    $defs: { type: "object", maxProperties: 200, propertyNames: PROPERTY_NAME, additionalProperties: { $ref: "#" } },
    title: { type: "string", maxLength: 500 },
    description: { type: "string", maxLength: 2000 },
    default: true,
    examples: { type: "array", maxItems: 20 },
    readOnly: { type: "boolean" },
    writeOnly: { type: "boolean" },
    type: {
      anyOf: [
        { enum: ["null", "boolean", "object", "array", "number", "integer", "string"] },
        { type: "array", maxItems: 7, uniqueItems: true, items: { enum: ["null", "boolean", "object", "array", "number", "integer", "string"] } },
      ],
    },
    enum: { type: "array", minItems: 1, maxItems: 1000 },
    const: true,
    multipleOf: { type: "number", exclusiveMinimum: 0 },
    maximum: { type: "number" },
    exclusiveMaximum: { type: "number" },
    minimum: { type: "number" },
    exclusiveMinimum: { type: "number" },
    maxLength: { type: "integer", minimum: 0, maximum: 100000 },
    minLength: { type: "integer", minimum: 0, maximum: 100000 },
    pattern: { type: "string", maxLength: 500 },
    format: { type: "string", maxLength: 20, enum: ["date", "date-time"] },
    items: { anyOf: [{ $ref: "#" }, schemaArray] },
    additionalItems: { $ref: "#" },
    maxItems: { type: "integer", minimum: 0, maximum: 10000 },
    minItems: { type: "integer", minimum: 0, maximum: 10000 },
    uniqueItems: { type: "boolean" },
    contains: { $ref: "#" },
    maxProperties: { type: "integer", minimum: 0, maximum: 10000 },
    minProperties: { type: "integer", minimum: 0, maximum: 10000 },
    required: { type: "array", maxItems: 1000, uniqueItems: true, items: PROPERTY_NAME },
    properties: { type: "object", maxProperties: 1000, propertyNames: PROPERTY_NAME, additionalProperties: { $ref: "#" } },
    additionalProperties: { $ref: "#" },
    propertyNames: { $ref: "#" },
    if: { $ref: "#" },
    then: { $ref: "#" },
    else: { $ref: "#" },
    allOf: schemaArray,
    anyOf: schemaArray,
    oneOf: schemaArray,
    not: { $ref: "#" },
  },
  additionalProperties: false,
  dependencies: {
    pattern: ["maxLength"],
    format: ["maxLength"],
    uniqueItems: ["maxItems"],
  },
} as const;
