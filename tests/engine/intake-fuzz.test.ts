import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DOCUMENT_KINDS, checkRawSchema, parseJsonDocument, validateDocument, validateOverlay, validatePackage, validateSubmission } from "@engine/server";
import type { Form, TemplatePackage } from "@engine";

/** Keys that steer random objects towards our documents and towards pollution attempts. */
const interestingKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "key",
  "type",
  "op",
  "forms",
  "sections",
  "fields",
  "label",
  "id",
  "calculate",
  "showIf",
  "clauses",
  "field",
  "indicators",
  "targets",
  "rules",
  "groups",
  "scope",
  "level",
  "profile",
  "values",
  "$ref",
  "$data",
  "pattern",
  "maxLength",
  "properties",
  "polluted",
);

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), fc.constantFrom("a + b", "^(a+)+$", "spm_01", "#/x", "13.73")),
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(interestingKey, fc.string({ maxLength: 6 })), tie("tree"), { maxKeys: 5 }),
  ),
}));

/** Random JSON as the server sees it: parsed from text, so `__proto__` is an own key. */
const parsedJson = fc.oneof(
  tree.map((v) => JSON.parse(JSON.stringify(v) ?? "null")),
  fc.json().map((s) => JSON.parse(s)),
);

const form: Form = {
  key: "f",
  title: { id: "F" },
  periodType: "month",
  source: "x",
  sections: [
    {
      key: "s",
      title: { id: "S" },
      fields: [
        { key: "key", type: "integer", label: { id: "A" }, min: 0 },
        { key: "b", type: "number", label: { id: "B" }, calculate: "key * 2" },
        {
          key: "op",
          type: "choice",
          label: { id: "C" },
          choices: [{ value: "x", label: { id: "X" } }],
          showIf: { match: "all", clauses: [{ field: "key", op: "gt", value: 1 }] },
        },
        { key: "values", type: "multichoice", label: { id: "M" }, choices: [{ value: "y", label: { id: "Y" } }] },
        { key: "label", type: "text", label: { id: "T" } },
      ],
    },
  ],
};

const base: TemplatePackage = {
  key: "p",
  version: 1,
  title: { id: "P" },
  owner: "nasional",
  source: "x",
  groups: [{ key: "spm", name: { id: "SPM" } }],
  forms: [form],
  indicators: [],
  targets: [],
  rules: [],
};

function snapshot(): string {
  return JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort()) + String(Object.getPrototypeOf({}) === Object.prototype);
}

describe("property: random JSON never throws and never pollutes Object.prototype", () => {
  it("validateDocument, validatePackage, validateOverlay, checkRawSchema, validateSubmission", () => {
    const before = snapshot();
    fc.assert(
      fc.property(parsedJson, fc.constantFrom(...DOCUMENT_KINDS), (value, kind) => {
        expect(() => validateDocument(kind, value)).not.toThrow();
        const pkg = validatePackage(value);
        expect(pkg.ok === false || pkg.package !== undefined).toBe(true);
        expect(() => validateOverlay(value, base)).not.toThrow();
        expect(() => checkRawSchema(value)).not.toThrow();
        const sub = validateSubmission(form, value);
        expect(Object.getPrototypeOf(sub.data)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it("random text into the JSON parser never throws", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseJsonDocument(text);
        expect(r.ok || r.errors.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("mutated valid packages never throw", () => {
    const valid = JSON.stringify(base);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.constantFrom("", '"', "{", "]", "0", ",", "lokal_", "__proto__")), { maxLength: 4 }), (edits) => {
        let text = valid;
        for (const [at, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i);
        }
        const parsed = parseJsonDocument(text);
        if (parsed.ok) expect(() => validatePackage(parsed.value)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it("schema-valid packages with random formulas and conditions never throw in the semantic checks", () => {
    const token = fc.constantFrom(
      "key",
      "b",
      "1",
      "0",
      "+",
      "-",
      "*",
      "/",
      "(",
      ")",
      ",",
      "and",
      "not",
      ">",
      "=",
      "if",
      "coalesce",
      "count_units",
      "units()",
      "__proto__",
      "constructor",
      "true",
      " ",
    );
    const formula = fc.array(token, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(" "));
    const clause = fc.record({
      field: fc.constantFrom("key", "b", "op", "values", "label", "nope"),
      op: fc.constantFrom("eq", "ne", "gt", "gte", "lt", "lte", "filled", "empty"),
      value: fc.oneof(fc.integer(), fc.constantFrom("x", "y", "z"), fc.boolean()),
    });
    fc.assert(
      fc.property(formula, formula, formula, fc.array(clause, { minLength: 1, maxLength: 3 }), (calc, numerator, left, clauses) => {
        const pkg = structuredClone(base);
        pkg.forms[0].sections[0].fields[1].calculate = calc;
        pkg.forms[0].sections[0].fields[4].showIf = { match: "any", clauses };
        pkg.indicators.push({ key: "i1", name: { id: "I" }, group: "spm", numerator, source: "x" });
        pkg.rules.push({ key: "r1", form: "f", left, op: "<=", right: numerator, severity: "error", message: { id: "m" } });
        const r = validatePackage(pkg);
        for (const e of r.errors) {
          expect(e.pointer).toMatch(/^\//);
          if (e.start !== undefined) expect(e.end).toBeGreaterThanOrEqual(e.start);
        }
        if (r.ok) {
          expect(() => validateSubmission(r.package!.forms[0], { key: 3, b: 1, op: "x", values: ["y"], label: "t" })).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });
});
