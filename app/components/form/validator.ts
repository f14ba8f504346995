/**
 * An rjsf validator that never compiles a schema (CSP: no `unsafe-eval`, so Ajv cannot run in
 * the browser; docs/decisions/007-form-entry.md). The server is the validator of record: its
 * errors reach the form as `extraErrors`. rjsf's schema utilities only ask `isValid` to pick a
 * `oneOf` option; our flat schemas use `oneOf` solely for lists of `const`, which this checks.
 */
import type { RJSFSchema, ValidatorType } from "@rjsf/utils";

function typeMatches(type: unknown, value: unknown): boolean {
  if (type === undefined) return true;
  if (Array.isArray(type)) return type.some((t) => typeMatches(t, value));
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

/** Structural match of the keywords our derived schemas use (`const`, `type`, `oneOf`). */
export function matchesSchema(schema: RJSFSchema, value: unknown): boolean {
  if (typeof schema !== "object" || schema === null) return true;
  if ("const" in schema && schema.const !== value) return false;
  if (!typeMatches(schema.type, value)) return false;
  if (Array.isArray(schema.oneOf)) return schema.oneOf.filter((s) => matchesSchema(s as RJSFSchema, value)).length === 1;
  return true;
}

/** Never reports errors itself (the server does) and never compiles. */
export const noCompileValidator: ValidatorType = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  isValid: (schema, formData) => matchesSchema(schema, formData),
  rawValidation: () => ({ errors: [] }),
};
