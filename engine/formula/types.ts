/** Public value and environment types of the formula language (re-exported by index.ts). */
import type { FormulaError } from "./errors";

/** Static type of an expression. */
export type FormulaType = "number" | "boolean";

/** Runtime value; `null` means "no value" (missing), never zero. */
export type FormulaValue = number | boolean | null;

/**
 * Where a formula runs. `field` = a form's `calculate`, `rule` = a validation rule operand,
 * `indicator` = numerator/denominator (the only context with `count_units`/`units`).
 */
export type FormulaContext = "field" | "rule" | "indicator";

/** What the checker knows: the symbols (field/indicator keys) in reach and their types. */
export interface CheckEnv {
  symbols: ReadonlyMap<string, FormulaType>;
  context: FormulaContext;
  /** Language of error messages; default 'id'. */
  locale?: "id" | "en";
}

/** Outcome of `checkFormula`: never throws, errors are data. */
export interface CheckResult {
  ok: boolean;
  errors: FormulaError[];
  /** Result type, when it could be determined. */
  type?: FormulaType;
  /** Identifiers used outside `count_units`, in order of first use. */
  refs: string[];
  /** Identifiers used inside `count_units` (resolved against each unit's scope). */
  unitRefs: string[];
  /** Org-unit group keys read by `in_group(key)` (inside `count_units`), in order of first use. */
  groupRefs: string[];
  /** True when the formula uses `count_units` or `units()`. */
  usesUnits: boolean;
}

/** Read access to values by key; `undefined` or `null` means "no value". */
export interface ValueScope {
  get(key: string): FormulaValue | undefined;
  /**
   * Per-unit scopes only: whether the unit (or its Pustu or Puskesmas) was a member of a group
   * with this key during the window; absent = membership unknown, `in_group` has no value.
   */
  inGroup?(key: string): boolean;
}

/**
 * The per-unit scopes as one moving scope (no object per unit): `at(i)` makes it unit i of
 * `count`, then it answers `get`/`inGroup` for that unit.
 */
export interface UnitCursor extends ValueScope {
  readonly count: number;
  at(i: number): void;
}

/**
 * Scope of one evaluation; `units` are the per-unit scopes seen by `count_units`/`units()`, or
 * `unitCursor` the same units as a cursor (a scope gives one or the other).
 */
export interface EvalScope extends ValueScope {
  units?: readonly ValueScope[];
  unitCursor?: UnitCursor;
}

/** Why a result has no value. */
export type NullReason = "DIV_ZERO" | "MISSING" | "NOT_FINITE";

/** Result of one evaluation: `reason` is set exactly when `value` is null. */
export interface EvalResult {
  value: FormulaValue;
  reason?: NullReason;
}

/** A checked formula compiled once into closures; `evaluate` may be called many times. */
export interface CompiledFormula {
  source: string;
  type: FormulaType;
  refs: string[];
  unitRefs: string[];
  groupRefs: string[];
  usesUnits: boolean;
  evaluate(scope: EvalScope): EvalResult;
}
