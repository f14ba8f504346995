/**
 * The domain's rules that every layer needs the same: what a key looks like, the prefix of a
 * district's own keys, and how formulas see field types. The engine, the server and the
 * designer in the browser all import them from here; the JSON Schemas in schemas/ repeat the
 * patterns, and tests/engine/domain.test.ts fails when they drift apart.
 */
import type { Aggregation, Field } from "./documents";
import type { FormulaType } from "./formula/types";

/** Prefix reserved for keys a district adds in its overlay ("lokal_kader"). */
export const LOCAL_PREFIX = "lokal_";

/** A stable key of a form, section, field, indicator, rule or group (the schemas' `$defs/Key`). */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** A package key (the schemas' `$defs/PackageKey`): a key that may also contain "-". */
export const PACKAGE_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** A choice value (the schemas' `$defs/Choice` value). */
export const CHOICE_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Keys that reach `Object.prototype` machinery when used as plain-object property names. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** True for a valid key: the pattern admits "constructor" and "prototype", which no key may be. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key) && !FORBIDDEN_KEYS.has(key);
}

/** Field types formulas can read; text, dates and choices they cannot. A Map: no "__proto__" lookups. */
const FORMULA_TYPES: ReadonlyMap<string, FormulaType> = new Map<string, FormulaType>([
  ["integer", "number"],
  ["number", "number"],
  ["boolean", "boolean"],
]);

/** Formula type of a field type ("integer" → "number"), or undefined for types formulas cannot read. */
export function formulaTypeOf(fieldType: string): FormulaType | undefined {
  return FORMULA_TYPES.get(fieldType);
}

/** Formula type of a field as seen by formulas, or undefined for fields formulas cannot read. */
export function fieldFormulaType(field: Pick<Field, "type">): FormulaType | undefined {
  return formulaTypeOf(field.type);
}

/** How a field without its own `aggregation` is aggregated over time: counts add up, a yes/no keeps the last answer. */
export const DEFAULT_AGGREGATION: Readonly<Record<FormulaType, Aggregation>> = { number: "sum", boolean: "last" };

/** The time aggregation a field of this type gets by default, or undefined for types formulas cannot read. */
export function defaultAggregation(fieldType: string): Aggregation | undefined {
  const type = formulaTypeOf(fieldType);
  return type && DEFAULT_AGGREGATION[type];
}
