/**
 * engine/domain.ts is the one home of the key rules in code; the JSON Schemas repeat them for
 * the intake gate. This test fails when the two drift apart, and pins the field-type map.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHOICE_VALUE_PATTERN, FORBIDDEN_KEYS, KEY_PATTERN, LOCAL_PREFIX, PACKAGE_KEY_PATTERN, defaultAggregation, formulaTypeOf, isValidKey } from "@engine";

const SCHEMAS = join(__dirname, "..", "..", "schemas");

type Def = { pattern?: string; not?: { enum?: string[] } };
function defs(): Array<[string, Record<string, Def>]> {
  return readdirSync(SCHEMAS)
    .filter((name) => name.endsWith(".schema.json"))
    .map((name) => [name, (JSON.parse(readFileSync(join(SCHEMAS, name), "utf8")).$defs ?? {}) as Record<string, Def>]);
}

describe("engine/domain.ts and schemas/ agree", () => {
  it("every schema's Key and PackageKey use the engine's patterns", () => {
    let keys = 0;
    for (const [name, d] of defs()) {
      if (d.Key) {
        keys++;
        expect(d.Key.pattern, name).toBe(KEY_PATTERN.source);
        expect(new Set(d.Key.not?.enum), name).toEqual(new Set(FORBIDDEN_KEYS));
      }
      if (d.PackageKey) expect(d.PackageKey.pattern, name).toBe(PACKAGE_KEY_PATTERN.source);
    }
    expect(keys).toBeGreaterThanOrEqual(5);
  });

  it("choice values in the schemas use the engine's pattern", () => {
    const text = readdirSync(SCHEMAS)
      .filter((name) => name.endsWith(".schema.json"))
      .map((name) => readFileSync(join(SCHEMAS, name), "utf8"))
      .join("\n");
    const choice = [...text.matchAll(/"pattern": "(\^\[A-Za-z0-9\][^"]*)"/g)].map((m) => m[1]);
    expect(choice.length).toBeGreaterThan(0);
    for (const p of choice) expect(p).toBe(CHOICE_VALUE_PATTERN.source);
  });

  it("keys: valid, invalid, and the names that reach a prototype", () => {
    expect(isValidKey("jumlah_k1")).toBe(true);
    expect(isValidKey(LOCAL_PREFIX + "kader")).toBe(true);
    for (const bad of ["", "1a", "A", "a-b", "__proto__", "constructor", "prototype", "a".repeat(65)]) expect(isValidKey(bad), bad).toBe(false);
  });

  it("formulas read integers and numbers as numbers, yes/no as booleans, nothing else", () => {
    expect(formulaTypeOf("integer")).toBe("number");
    expect(formulaTypeOf("number")).toBe("number");
    expect(formulaTypeOf("boolean")).toBe("boolean");
    for (const t of ["text", "date", "choice", "__proto__", "toString"]) expect(formulaTypeOf(t), t).toBeUndefined();
    expect(defaultAggregation("integer")).toBe("sum");
    expect(defaultAggregation("boolean")).toBe("last");
    expect(defaultAggregation("text")).toBeUndefined();
  });
});
