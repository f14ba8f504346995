/**
 * docs/security.md item 6: random strings and random well-formed expressions never make the formula
 * engine throw anything but its own coded errors, never produce NaN/Infinity, never hang, and
 * never touch Object.prototype. Seeds are fixed so failures reproduce.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FORMULA_ERROR_CODES,
  FormulaCompileError,
  FormulaRuntimeError,
  checkFormula,
  compileFormula,
  describeFormula,
  type CheckEnv,
  type EvalResult,
  type EvalScope,
  type FormulaType,
  type FormulaValue,
  type ValueScope,
} from "@engine/formula";

const NUMBER_KEYS = ["a", "b", "zero", "empty", "big"] as const;
const BOOLEAN_KEYS = ["ok", "no", "flag"] as const;
const SYMBOLS = new Map<string, FormulaType>([
  ...NUMBER_KEYS.map((k): [string, FormulaType] => [k, "number"]),
  ...BOOLEAN_KEYS.map((k): [string, FormulaType] => [k, "boolean"]),
]);
const ENVS: CheckEnv[] = [
  { symbols: SYMBOLS, context: "indicator" },
  { symbols: SYMBOLS, context: "field", locale: "en" },
];
const RUNS = { numRuns: 2000, seed: 20251123 };
const CODES = new Set<string>(FORMULA_ERROR_CODES);

/** Scope values include what a buggy caller might pass: NaN, ±Infinity, strings, undefined. */
const rawValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.constantFrom(0, -0, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity),
  fc.constant("5"),
);
const valuesArb = fc.dictionary(fc.constantFrom(...SYMBOLS.keys()), rawValue, { maxKeys: SYMBOLS.size });

function scopeOf(values: Record<string, unknown>): ValueScope {
  const map = new Map(Object.entries(values));
  return { get: (key) => map.get(key) as FormulaValue | undefined };
}

const scopeArb: fc.Arbitrary<EvalScope> = fc
  .tuple(valuesArb, fc.option(fc.array(valuesArb, { maxLength: 6 }), { nil: undefined }))
  .map(([row, units]) => ({ ...scopeOf(row), units: units?.map(scopeOf) }));

function assertSaneResult(result: EvalResult, type: FormulaType): void {
  if (result.value === null) {
    expect(["DIV_ZERO", "MISSING", "NOT_FINITE"]).toContain(result.reason);
  } else {
    expect(result.reason).toBeUndefined();
    expect(typeof result.value).toBe(type);
    if (typeof result.value === "number") expect(Number.isFinite(result.value)).toBe(true);
  }
}

/** Runs every public entry point on `src`; only the engine's coded errors may escape. */
function exercise(src: string, scope: EvalScope, env: CheckEnv): EvalResult | undefined {
  const check = checkFormula(src, env);
  for (const error of check.errors) {
    expect(CODES.has(error.code)).toBe(true);
    expect(error.start).toBeGreaterThanOrEqual(0);
    expect(error.end).toBeGreaterThanOrEqual(error.start);
    expect(error.end).toBeLessThanOrEqual(src.length);
  }
  let compiled;
  try {
    compiled = compileFormula(src, env);
  } catch (e) {
    if (!(e instanceof FormulaCompileError)) throw e;
    expect(check.ok).toBe(false);
    return undefined;
  }
  expect(check.ok).toBe(true);
  for (const ref of [...compiled.refs, ...compiled.unitRefs]) expect(SYMBOLS.has(ref)).toBe(true);
  try {
    const result = compiled.evaluate(scope);
    assertSaneResult(result, compiled.type);
    return result;
  } catch (e) {
    if (!(e instanceof FormulaRuntimeError)) throw e;
    expect(e.code).toBe("STEP_BUDGET");
    return undefined;
  }
}

const TOKENS = [
  "a",
  "b",
  "ok",
  "no",
  "empty",
  "zero",
  "big",
  "flag",
  "x",
  "1",
  "2.5",
  "0",
  "007",
  "(",
  ")",
  ",",
  "+",
  "-",
  "*",
  "/",
  "=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "and",
  "or",
  "not",
  "AND",
  "true",
  "false",
  "if",
  "coalesce",
  "min",
  "max",
  "round",
  "abs",
  "filled",
  "count_units",
  "units",
  ".",
  "constructor",
  "__proto__",
  "prototype",
  '"x"',
  "[",
  "]",
  ";",
];
const ALPHABET = "abokzy_019.()+-*/=<>!,& '\"".split("");

const randomSource = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 80 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join(" ")),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join("")),
);

/** Typed, well-formed expressions; binary operations are parenthesised, describe() removes the excess. */
const numberLiteral = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 })).map(([i, f]) => `${i}.${f}`),
  fc.constant("99999999999999999999"),
);
const unitCondition = fc.oneof(
  fc
    .tuple(fc.constantFrom(...NUMBER_KEYS), fc.constantFrom("<", "<=", ">", ">=", "=", "!="), fc.integer({ min: -5, max: 5 }))
    .map(([k, op, n]) => `${k} ${op} ${n < 0 ? `-${-n}` : n}`),
  fc.constantFrom(...BOOLEAN_KEYS),
  fc.constantFrom(...NUMBER_KEYS).map((k) => `filled(${k})`),
);
const DEPTH = { maxDepth: 5, depthSize: "small", depthIdentifier: "formula" } as const;
const { num, bool } = fc.letrec<{ num: string; bool: string }>((tie) => ({
  num: fc.oneof(
    DEPTH,
    fc.oneof(numberLiteral, fc.constantFrom(...NUMBER_KEYS)),
    fc.tuple(tie("num"), fc.constantFrom("+", "-", "*", "/"), tie("num")).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie("num").map((x) => `-${x}`),
    fc.tuple(tie("bool"), tie("num"), tie("num")).map(([c, x, y]) => `if(${c}, ${x}, ${y})`),
    fc.array(tie("num"), { minLength: 2, maxLength: 3 }).map((xs) => `coalesce(${xs.join(", ")})`),
    fc.tuple(fc.constantFrom("min", "max"), fc.array(tie("num"), { minLength: 1, maxLength: 3 })).map(([f, xs]) => `${f}(${xs.join(", ")})`),
    fc
      .tuple(tie("num"), fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }))
      .map(([x, d]) => (d === undefined ? `round(${x})` : `round(${x}, ${d})`)),
    tie("num").map((x) => `abs(${x})`),
    unitCondition.map((c) => `count_units(${c})`),
    fc.constant("units()"),
  ),
  bool: fc.oneof(
    DEPTH,
    fc.constantFrom("true", "false", ...BOOLEAN_KEYS),
    fc.tuple(tie("num"), fc.constantFrom("<", "<=", ">", ">=", "=", "==", "!="), tie("num")).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie("bool"), fc.constantFrom("and", "or", "=", "!="), tie("bool")).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie("bool").map((x) => `not ${x}`),
    fc.oneof(tie("num"), tie("bool")).map((x) => `filled(${x})`),
    fc.tuple(tie("bool"), tie("bool"), tie("bool")).map(([c, x, y]) => `if(${c}, ${x}, ${y})`),
    fc.array(tie("bool"), { minLength: 2, maxLength: 3 }).map((xs) => `coalesce(${xs.join(", ")})`),
  ),
}));

let prototypeNamesBefore: string[][];
const prototypeNames = () => [Object.prototype, Function.prototype, Array.prototype].map((p) => Object.getOwnPropertyNames(p).sort());

beforeAll(() => {
  prototypeNamesBefore = prototypeNames();
});

afterAll(() => {
  expect(prototypeNames()).toEqual(prototypeNamesBefore);
});

describe("formula fuzzing", () => {
  it("random text yields results or coded errors only", () => {
    fc.assert(
      fc.property(randomSource, scopeArb, fc.constantFrom(...ENVS), (src, scope, env) => {
        exercise(src, scope, env);
        try {
          describeFormula(src);
        } catch (e) {
          if (!(e instanceof FormulaCompileError)) throw e;
        }
      }),
      RUNS,
    );
  });

  for (const [type, arb] of [
    ["number", num],
    ["boolean", bool],
  ] as const) {
    it(`well-formed ${type} expressions check, compile and evaluate to a sane ${type} or no value`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(arb, scopeArb, (src, scope) => {
          const env = ENVS[0];
          const check = checkFormula(src, env);
          // The generator only writes valid formulas; only size limits may reject them.
          if (!check.ok) {
            expect(check.errors.every((e) => e.code === "TOO_LONG" || e.code === "TOO_MANY_TOKENS")).toBe(true);
            return;
          }
          expect(check.type).toBe(type);
          accepted++;
          const result = exercise(src, scope, env);
          // Normalising is idempotent and keeps the meaning.
          const normalised = describeFormula(src);
          expect(describeFormula(normalised)).toBe(normalised);
          expect(exercise(normalised, scope, env)).toEqual(result);
        }),
        RUNS,
      );
      // Guard against a vacuous property: nearly all generated formulas must be within limits.
      expect(accepted).toBeGreaterThan(RUNS.numRuns * 0.9);
    });
  }

  it("nothing was added to Object.prototype", () => {
    expect(prototypeNames()).toEqual(prototypeNamesBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
