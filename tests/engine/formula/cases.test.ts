/**
 * Runs every case file in ./cases (one topic per file). A case:
 *   formula | formulaParts   source text; parts are strings or [text, times] to build long inputs
 *   symbols?  {key: "number"|"boolean"}   default: DEFAULT_SYMBOLS
 *   context?  "field"|"rule"|"indicator"   default: "indicator"
 *   locale?   "id"|"en"
 *   data?     {key: value|null}            default: DEFAULT_DATA
 *   units?    [{key: value}] | unitsRepeat: {unit, times}; a unit's `$groups` (group keys) answers in_group
 *   expected? value | reason?              evaluation result (reason defaults to MISSING for null)
 *   type?, refs?, unitRefs?, groupRefs?, usesUnits?, describe?   checked when present
 *   error?    first error code (errors sorted by position) | start?, end? of that error
 *   errors?   all error codes in order | messageContains? text in the first message
 *   runtimeError?  code thrown by evaluate (FormulaRuntimeError)
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FORMULA_ERROR_CODES,
  FormulaCompileError,
  FormulaRuntimeError,
  checkFormula,
  compileFormula,
  describeFormula,
  type CheckEnv,
  type EvalScope,
  type FormulaContext,
  type FormulaType,
  type FormulaValue,
  type ValueScope,
} from "@engine/formula";

type Part = string | [string, number];
interface Case {
  name?: string;
  formula?: string;
  formulaParts?: Part[];
  symbols?: Record<string, FormulaType>;
  context?: FormulaContext;
  locale?: "id" | "en";
  data?: Record<string, unknown>;
  units?: Record<string, unknown>[];
  unitsRepeat?: { unit: Record<string, unknown>; times: number };
  expected?: FormulaValue;
  reason?: string;
  type?: FormulaType;
  refs?: string[];
  unitRefs?: string[];
  groupRefs?: string[];
  usesUnits?: boolean;
  describe?: string;
  error?: string;
  errors?: string[];
  start?: number;
  end?: number;
  messageContains?: string;
  runtimeError?: string;
}

/** Shared vocabulary so most cases need no symbols/data of their own. */
const DEFAULT_SYMBOLS: Record<string, FormulaType> = {
  a: "number",
  b: "number",
  c: "number",
  x: "number",
  y: "number",
  zero: "number",
  empty: "number",
  big: "number",
  ok: "boolean",
  no: "boolean",
  flag_empty: "boolean",
};
const DEFAULT_DATA: Record<string, unknown> = {
  a: 6,
  b: 3,
  c: 2,
  x: 1.5,
  y: -4,
  zero: 0,
  empty: null,
  big: 1e300,
  ok: true,
  no: false,
  flag_empty: null,
};

const CASES_DIR = path.join(__dirname, "cases");
const files = readdirSync(CASES_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const allCases: { file: string; c: Case }[] = files.flatMap((file) =>
  (JSON.parse(readFileSync(path.join(CASES_DIR, file), "utf8")) as Case[]).map((c) => ({ file, c })),
);

function sourceOf(c: Case): string {
  if (c.formula !== undefined) return c.formula;
  return (c.formulaParts ?? []).map((p) => (typeof p === "string" ? p : p[0].repeat(p[1]))).join("");
}

function envOf(c: Case): CheckEnv {
  return { symbols: new Map(Object.entries(c.symbols ?? DEFAULT_SYMBOLS)), context: c.context ?? "indicator", locale: c.locale };
}

/** A Map-backed scope: own keys only, like the engine's real scopes; `$groups` makes it a unit in those groups. */
function scopeOf(values: Record<string, unknown>): ValueScope {
  const { $groups, ...own } = values;
  const map = new Map(Object.entries(own));
  const get = (key: string) => map.get(key) as FormulaValue | undefined;
  if (!Array.isArray($groups)) return { get };
  return { get, inGroup: (key) => $groups.includes(key) };
}

function evalScopeOf(c: Case): EvalScope {
  const units = c.unitsRepeat ? Array.from({ length: c.unitsRepeat.times }, () => scopeOf(c.unitsRepeat!.unit)) : c.units?.map(scopeOf);
  return { ...scopeOf(c.data ?? DEFAULT_DATA), units };
}

function caseName(c: Case): string {
  const src = sourceOf(c);
  const shown = src.length > 60 ? `${src.slice(0, 57)}… (${src.length} chars)` : src;
  return c.name ?? JSON.stringify(shown);
}

for (const file of files) {
  describe(file, () => {
    for (const { c } of allCases.filter((entry) => entry.file === file)) {
      it(caseName(c), () => runCase(c));
    }
  });
}

function runCase(c: Case): void {
  const src = sourceOf(c);
  const env = envOf(c);
  const result = checkFormula(src, env);

  if (c.error || c.errors) {
    expect(result.ok).toBe(false);
    const codes = result.errors.map((e) => e.code);
    if (c.errors) expect(codes).toEqual(c.errors);
    if (c.error) expect(codes[0]).toBe(c.error);
    if (c.start !== undefined) expect(result.errors[0].start).toBe(c.start);
    if (c.end !== undefined) expect(result.errors[0].end).toBe(c.end);
    if (c.messageContains) expect(result.errors[0].message).toContain(c.messageContains);
    for (const e of result.errors) {
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.start).toBeGreaterThanOrEqual(0);
      expect(e.end).toBeGreaterThanOrEqual(e.start);
      expect(e.end).toBeLessThanOrEqual(Math.max(src.length, 0));
    }
    let thrown: unknown;
    try {
      compileFormula(src, env);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FormulaCompileError);
    expect((thrown as FormulaCompileError).errors).toEqual(result.errors);
    return;
  }

  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(true);
  if (c.type) expect(result.type).toBe(c.type);
  if (c.refs) expect(result.refs).toEqual(c.refs);
  if (c.unitRefs) expect(result.unitRefs).toEqual(c.unitRefs);
  if (c.groupRefs) expect(result.groupRefs).toEqual(c.groupRefs);
  if (c.usesUnits !== undefined) expect(result.usesUnits).toBe(c.usesUnits);
  if (c.describe !== undefined) expect(describeFormula(src)).toBe(c.describe);

  const compiled = compileFormula(src, env);
  expect(compiled.type).toBe(result.type);
  const scope = evalScopeOf(c);

  if (c.runtimeError) {
    let thrown: unknown;
    try {
      compiled.evaluate(scope);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FormulaRuntimeError);
    expect((thrown as FormulaRuntimeError).code).toBe(c.runtimeError);
    return;
  }

  const evaluated = compiled.evaluate(scope);
  if ("expected" in c) {
    expect(evaluated.value).toBe(c.expected);
    expect(evaluated.reason).toBe(c.reason ?? (c.expected === null ? "MISSING" : undefined));
  }
  // Normalised text means the same thing: same type, same result.
  const normalised = compileFormula(describeFormula(src), env);
  expect(normalised.type).toBe(compiled.type);
  expect(normalised.evaluate(scope)).toEqual(evaluated);
}

describe("case files", () => {
  it("have at least 150 cases", () => {
    expect(allCases.length).toBeGreaterThanOrEqual(150);
  });

  it("exercise every error code in errors.ts", () => {
    const seen = new Set<string>();
    for (const { c } of allCases) {
      if (c.runtimeError) seen.add(c.runtimeError);
      if (c.error || c.errors) for (const e of checkFormula(sourceOf(c), envOf(c)).errors) seen.add(e.code);
    }
    expect(FORMULA_ERROR_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  it("every case states an outcome", () => {
    const vague = allCases.filter(({ c }) => !("expected" in c) && !c.error && !c.errors && !c.runtimeError && c.describe === undefined && !c.type);
    expect(vague.map(({ c }) => sourceOf(c))).toEqual([]);
  });
});
