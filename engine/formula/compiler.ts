/**
 * Compiler: turns a checked tree into nested JS closures once, so evaluating it many times (per
 * cell, per unit) is cheap. No `eval`, no Function constructor, no `vm`, no property access driven by
 * formula text: identifiers are read only through `ValueScope.get`, functions only from a Map.
 *
 * Inside the closures "no value" is carried as its reason string ('MISSING' | 'DIV_ZERO' |
 * 'NOT_FINITE'), so the reason for a null result travels with it and is reported by `evaluate`.
 */
import type { BinaryExpression, CallExpression, Expr, Identifier, UnaryExpression } from "./ast";
import { FormulaCompileError, FormulaRuntimeError, formatMessage, type Locale } from "./errors";
import { analyzeFormula } from "./checker";
import { IN_GROUP } from "./functions";
import { FORMULA_LIMITS } from "./limits";
import type { BinaryOperator } from "./operators";
import type { CheckEnv, CompiledFormula, EvalResult, EvalScope, FormulaType, NullReason, ValueScope } from "./types";

type Value = number | boolean | NullReason;

interface EvalState {
  steps: number;
  locale: Locale;
}

type Closure = (scope: EvalScope, state: EvalState) => Value;

/**
 * Checks and compiles `src`. Throws FormulaCompileError with the checker's errors when the
 * formula is not valid in `env`.
 */
export function compileFormula(src: string, env: CheckEnv): CompiledFormula {
  const { result, ast } = analyzeFormula(src, env);
  if (!result.ok || !ast || !result.type) throw new FormulaCompileError(result.errors);
  const root = compileNode(ast, env);
  const locale: Locale = env.locale ?? "id";
  return {
    source: src,
    type: result.type,
    refs: result.refs,
    unitRefs: result.unitRefs,
    groupRefs: result.groupRefs,
    usesUnits: result.usesUnits,
    evaluate(scope: EvalScope): EvalResult {
      return toResult(root(scope, { steps: 0, locale }));
    },
  };
}

function toResult(value: Value): EvalResult {
  if (typeof value === "string") return { value: null, reason: value };
  // -0 is an artefact of arithmetic, not something a user should ever see.
  if (value === 0) return { value: 0 };
  return { value };
}

/** Counts one node visit; the budget bounds work per evaluate call, count_units loops included. */
function tick(state: EvalState): void {
  if (++state.steps > FORMULA_LIMITS.maxSteps) {
    const message = formatMessage("STEP_BUDGET", { max: FORMULA_LIMITS.maxSteps }, state.locale);
    throw new FormulaRuntimeError("STEP_BUDGET", message);
  }
}

const isNull = (value: Value): value is NullReason => typeof value === "string";

/** Arithmetic never yields NaN/Infinity: those become "no value" with reason NOT_FINITE. */
const finite = (value: number): Value => (Number.isFinite(value) ? value : "NOT_FINITE");

/**
 * Numbers equal within a relative 1e-12 compare equal, so `0.1 + 0.2 = 0.3` holds as users
 * expect; all six comparisons derive from this one function to stay consistent.
 */
function compareNumbers(a: number, b: number): number {
  if (Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) return 0;
  return a < b ? -1 : 1;
}

function compileNode(node: Expr, env: CheckEnv): Closure {
  switch (node.type) {
    case "NumberLiteral":
    case "BooleanLiteral": {
      const value = node.value;
      return (_, state) => {
        tick(state);
        return value;
      };
    }
    case "Identifier": {
      const name = node.name;
      const type = env.symbols.get(name) as FormulaType;
      return (scope, state) => {
        tick(state);
        return readValue(scope.get(name), type);
      };
    }
    case "UnaryExpression":
      return compileUnary(node, env);
    case "BinaryExpression":
      return compileBinary(node, env);
    case "CallExpression":
      return compileCall(node, env);
  }
}

/**
 * Values from the scope are untrusted at run time: anything that is not a finite number or a
 * boolean is "no value". Booleans and numbers are coerced to the declared type the way the
 * numeric fact store counts booleans (true = 1, false = 0; non-zero = true).
 */
function readValue(raw: unknown, type: FormulaType): Value {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return "NOT_FINITE";
    return type === "number" ? raw : raw !== 0;
  }
  if (typeof raw === "boolean") return type === "boolean" ? raw : raw ? 1 : 0;
  return "MISSING";
}

function compileUnary(node: UnaryExpression, env: CheckEnv): Closure {
  const operand = compileNode(node.operand, env);
  if (node.operator === "not") {
    return (scope, state) => {
      tick(state);
      const value = operand(scope, state);
      return isNull(value) ? value : !value;
    };
  }
  return (scope, state) => {
    tick(state);
    const value = operand(scope, state);
    return isNull(value) ? value : -(value as number);
  };
}

const ARITHMETIC: ReadonlyMap<BinaryOperator, (a: number, b: number) => Value> = new Map<BinaryOperator, (a: number, b: number) => Value>([
  ["+", (a, b) => finite(a + b)],
  ["-", (a, b) => finite(a - b)],
  ["*", (a, b) => finite(a * b)],
  ["/", (a, b) => (b === 0 ? "DIV_ZERO" : finite(a / b))],
  ["<", (a, b) => compareNumbers(a, b) < 0],
  ["<=", (a, b) => compareNumbers(a, b) <= 0],
  [">", (a, b) => compareNumbers(a, b) > 0],
  [">=", (a, b) => compareNumbers(a, b) >= 0],
]);

function equals(a: number | boolean, b: number | boolean): boolean {
  return typeof a === "number" && typeof b === "number" ? compareNumbers(a, b) === 0 : a === b;
}

function compileBinary(node: BinaryExpression, env: CheckEnv): Closure {
  const left = compileNode(node.left, env);
  const right = compileNode(node.right, env);
  switch (node.operator) {
    // SQL three-valued logic: a definite false (and) / true (or) wins over "no value".
    case "and":
      return (scope, state) => {
        tick(state);
        const a = left(scope, state);
        if (a === false) return false;
        const b = right(scope, state);
        if (b === false) return false;
        if (isNull(a)) return a;
        return isNull(b) ? b : true;
      };
    case "or":
      return (scope, state) => {
        tick(state);
        const a = left(scope, state);
        if (a === true) return true;
        const b = right(scope, state);
        if (b === true) return true;
        if (isNull(a)) return a;
        return isNull(b) ? b : false;
      };
    case "=":
    case "!=": {
      const negate = node.operator === "!=";
      return (scope, state) => {
        tick(state);
        const a = left(scope, state);
        if (isNull(a)) return a;
        const b = right(scope, state);
        if (isNull(b)) return b;
        return equals(a, b) !== negate;
      };
    }
    default: {
      const apply = ARITHMETIC.get(node.operator)!;
      return (scope, state) => {
        tick(state);
        const a = left(scope, state);
        if (isNull(a)) return a;
        const b = right(scope, state);
        if (isNull(b)) return b;
        return apply(a as number, b as number);
      };
    }
  }
}

type FunctionBuilder = (args: Closure[]) => Closure;

/** Implementations of the functions in functions.ts, by name. */
const IMPLEMENTATIONS: ReadonlyMap<string, FunctionBuilder> = new Map<string, FunctionBuilder>([
  [
    "if",
    ([condition, whenTrue, whenFalse]) =>
      (scope, state) => {
        tick(state);
        const c = condition(scope, state);
        if (isNull(c)) return c;
        return c ? whenTrue(scope, state) : whenFalse(scope, state);
      },
  ],
  [
    "coalesce",
    (args) => (scope, state) => {
      tick(state);
      // All arguments empty: the reason of the last one (the final fallback) is reported.
      let last: Value = "MISSING";
      for (const arg of args) {
        last = arg(scope, state);
        if (!isNull(last)) return last;
      }
      return last;
    },
  ],
  ["min", (args) => numericFold(args, Math.min)],
  ["max", (args) => numericFold(args, Math.max)],
  [
    "round",
    ([x, digits]) =>
      (scope, state) => {
        tick(state);
        const value = x(scope, state);
        if (isNull(value)) return value;
        const d = digits ? digits(scope, state) : 0;
        if (isNull(d)) return d;
        return roundHalfAwayFromZero(value as number, d as number);
      },
  ],
  [
    "abs",
    ([x]) =>
      (scope, state) => {
        tick(state);
        const value = x(scope, state);
        return isNull(value) ? value : Math.abs(value as number);
      },
  ],
  [
    "filled",
    ([x]) =>
      (scope, state) => {
        tick(state);
        return !isNull(x(scope, state));
      },
  ],
  [
    "count_units",
    ([condition]) =>
      (scope, state) => {
        tick(state);
        const cursor = scope.unitCursor;
        if (cursor) {
          // The same loop over a cursor: count_units cannot nest, so one cursor serves the whole loop.
          let count = 0;
          for (let i = 0, n = cursor.count; i < n; i++) {
            tick(state);
            cursor.at(i);
            if (condition(cursor, state) === true) count++;
          }
          return count;
        }
        const units = scope.units;
        if (!Array.isArray(units)) return "MISSING";
        let count = 0;
        for (const unit of units as readonly ValueScope[]) {
          tick(state);
          // A unit whose condition has no value is not counted: only a definite true counts.
          if (condition(unit, state) === true) count++;
        }
        return count;
      },
  ],
  [
    "units",
    () => (scope, state) => {
      tick(state);
      if (scope.unitCursor) return scope.unitCursor.count;
      const units = scope.units;
      return Array.isArray(units) ? units.length : "MISSING";
    },
  ],
]);

function numericFold(args: Closure[], pick: (a: number, b: number) => number): Closure {
  return (scope, state) => {
    tick(state);
    let result = Infinity;
    let first = true;
    for (const arg of args) {
      const value = arg(scope, state);
      if (isNull(value)) return value;
      result = first ? (value as number) : pick(result, value as number);
      first = false;
    }
    return result;
  };
}

/**
 * Half away from zero on the *decimal* value the user sees: shifting by a decimal exponent in the
 * number's shortest string form avoids binary artefacts (round(1.005, 2) = 1.01, not 1.00).
 */
function roundHalfAwayFromZero(x: number, digits: number): number {
  const magnitude = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (digits === 0) return sign * Math.round(magnitude);
  // Below 1e-7 String() uses exponent form; plain scaling is fine there because the binary
  // error is far below the digits asked for.
  if (magnitude < 1e-7) return (sign * Math.round(magnitude * 10 ** digits)) / 10 ** digits;
  // Already at or beyond double precision at this scale: nothing to round.
  if (magnitude * 10 ** digits >= Number.MAX_SAFE_INTEGER) return x;
  const scaled = Math.round(Number(`${magnitude}e${digits}`));
  return sign * Number(`${scaled}e-${digits}`);
}

function compileCall(node: CallExpression, env: CheckEnv): Closure {
  if (node.callee === IN_GROUP) return compileInGroup(node);
  const build = IMPLEMENTATIONS.get(node.callee);
  // The checker has already rejected unknown functions; this guards the two tables drifting.
  if (!build) throw new Error(`No implementation for formula function ${node.callee}`);
  return build(node.args.map((arg) => compileNode(arg, env)));
}

/**
 * in_group(key): the key is a name, not a value to read; the unit scope answers from the groups
 * its provider attached. A scope that cannot answer (no per-unit membership) yields no value.
 */
function compileInGroup(node: CallExpression): Closure {
  const key = (node.args[0] as Identifier).name;
  return (scope, state) => {
    tick(state);
    return typeof scope.inGroup === "function" ? scope.inGroup(key) === true : "MISSING";
  };
}
