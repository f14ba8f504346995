/**
 * docs/security.md item 5: formulas never execute code. The attack strings are errors, reserved names
 * never resolve even when a symbol table declares them, and the engine source contains no code
 * evaluation primitive.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FormulaCompileError, checkFormula, compileFormula, type CheckEnv, type FormulaType } from "@engine/formula";

const ENGINE_DIR = path.resolve(__dirname, "../../../engine/formula");

const ATTACKS = [
  'constructor.constructor("return process")()',
  "__proto__.x",
  "(1).constructor",
  "a.constructor.constructor",
  "constructor['constructor']",
  "this.constructor",
  "a.__proto__",
  "prototype",
  "(a)(b)",
  "eval(a)",
  "require(a)",
  "globalthis",
  "process",
];

/** Even a symbol table that (wrongly) declares the dangerous names must not make them usable. */
const ENV: CheckEnv = {
  symbols: new Map<string, FormulaType>([
    ["a", "number"],
    ["b", "number"],
    ["constructor", "number"],
    ["__proto__", "number"],
    ["prototype", "number"],
  ]),
  context: "indicator",
};

describe("docs/security.md item 5: formulas never execute code", () => {
  for (const attack of ATTACKS) {
    it(`refuses ${attack}`, () => {
      const result = checkFormula(attack, ENV);
      expect(result.ok).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
      expect(() => compileFormula(attack, ENV)).toThrow(FormulaCompileError);
    });
  }

  it("rejects member access with a dedicated code", () => {
    for (const src of ["(1).constructor", "a.b", "min(a).x"]) {
      expect(checkFormula(src, ENV).errors.map((e) => e.code)).toContain("MEMBER_ACCESS");
    }
  });

  it("engine source has no eval, Function constructor, vm or dynamic import", () => {
    const files = readdirSync(ENGINE_DIR).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const forbidden: [string, RegExp][] = [
      ["eval(", /\beval\s*\(/],
      ["new Function", /\bnew\s+Function\b/],
      ["Function(", /\bFunction\s*\(/],
      ["require('vm')", /require\s*\(\s*['"](node:)?vm['"]\s*\)/],
      ["vm import", /from\s+['"](node:)?vm['"]/],
      ["node:vm", /node:vm/],
      ["dynamic import", /\bimport\s*\(/],
      ["globalThis", /\bglobalThis\b/],
      ["with statement", /\bwith\s*\(/],
    ];
    const hits = files.flatMap((file) => {
      const text = readFileSync(path.join(ENGINE_DIR, file), "utf8");
      return forbidden.filter(([, pattern]) => pattern.test(text)).map(([name]) => `${file}: ${name}`);
    });
    expect(hits).toEqual([]);
  });
});
