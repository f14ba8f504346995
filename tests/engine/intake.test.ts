import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkJsonDepth,
  checkJsonSize,
  checkRawSchema,
  compileRawSchema,
  createDocumentAjv,
  createFormAjv,
  parseJsonDocument,
  patternProblem,
  RAW_SCHEMA_MAX_BYTES,
  SAFE_AJV_OPTIONS,
  validateDocument,
  validateSubmission,
} from "@engine/server";
import type { Form } from "@engine";

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { x: v };
  return v;
}

function codes(result: { errors: { code: string }[] }): string[] {
  return result.errors.map((e) => e.code);
}

function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

describe("docs/security.md item 1: schema intake gate", () => {
  it("size cap: a raw schema over 64 KiB is refused before compile", () => {
    const big = { type: "object", description: "x".repeat(1000), properties: {} as Record<string, unknown> };
    for (let i = 0; i < 80; i++) big.properties[`f${i}`] = { type: "string", maxLength: 10, description: "y".repeat(900) };
    expect(JSON.stringify(big).length).toBeGreaterThan(RAW_SCHEMA_MAX_BYTES);
    expect(codes(checkRawSchema(big))).toEqual(["TOO_LARGE"]);
    expect(codes(checkRawSchema(JSON.stringify(big)))).toEqual(["TOO_LARGE"]);
    expect(checkJsonSize("é".repeat(40_000), 64 * 1024)).toHaveLength(1); // bytes, not characters
  });

  it("size cap: documents take a cap parameter, packages default to 2 MiB", () => {
    expect(checkJsonSize({ a: "x".repeat(3000) }, 1024)[0].code).toBe("TOO_LARGE");
    expect(checkJsonSize({ a: "x".repeat(1_500_000) })).toEqual([]);
    expect(checkJsonSize({ a: "x".repeat(2_200_000) })[0].code).toBe("TOO_LARGE");
    expect(codes(validateDocument("text", { id: "x".repeat(100) }, { maxBytes: 50 }))).toEqual(["TOO_LARGE"]);
  });

  it("depth cap: more than 32 levels is refused", () => {
    expect(checkJsonDepth(nested(32))).toEqual([]);
    expect(checkJsonDepth(nested(33))[0].code).toBe("TOO_DEEP");
    let schema: Record<string, unknown> = { type: "string", maxLength: 3 };
    for (let i = 0; i < 20; i++) schema = { type: "object", properties: { a: schema } };
    expect(codes(checkRawSchema(schema))).toEqual(["TOO_DEEP"]);
    expect(codes(parseJsonDocument("[".repeat(40) + "]".repeat(40)))).toEqual(["TOO_DEEP"]);
    // A depth bomb far beyond the stack limit is measured without recursion.
    expect(checkJsonDepth(nested(100_000))[0].code).toBe("TOO_DEEP");
  });

  it("$data refused", () => {
    const r = checkRawSchema({ type: "object", properties: { a: { type: "integer", maximum: { $data: "1/b" } } } });
    expect(r.ok).toBe(false);
    expect(codes(r)).toContain("FORBIDDEN_KEYWORD");
    expect(r.errors[0].pointer).toBe("/properties/a/maximum/$data");
  });

  it("remote $ref refused; local $ref allowed", () => {
    for (const ref of ["https://evil.example/schema.json", "other.json#/x", "#foo"]) {
      const r = checkRawSchema({ $ref: ref });
      expect(r.ok, ref).toBe(false);
    }
    expect(codes(checkRawSchema({ $ref: "https://evil.example/schema.json" }))).toEqual(["REMOTE_REF"]);
    const local = compileRawSchema({ definitions: { n: { type: "integer" } }, type: "object", properties: { a: { $ref: "#/definitions/n" } } });
    expect(local.ok).toBe(true);
    expect(local.validate!({ a: 1 })).toBe(true);
    expect(local.validate!({ a: "1" })).toBe(false);
  });

  it("pattern and format without maxLength refused", () => {
    expect(codes(checkRawSchema({ type: "string", pattern: "^[0-9]+$" }))).toEqual(["PATTERN_WITHOUT_MAXLENGTH"]);
    expect(codes(checkRawSchema({ type: "string", format: "date" }))).toEqual(["PATTERN_WITHOUT_MAXLENGTH"]);
    expect(checkRawSchema({ type: "string", pattern: "^[0-9]+$", maxLength: 16 }).ok).toBe(true);
    expect(checkRawSchema({ type: "string", format: "date", maxLength: 10 }).ok).toBe(true);
  });

  it("keywords outside the allow-list are refused", () => {
    for (const schema of [
      { $id: "https://x.example/s" },
      { patternProperties: { "^a": { type: "string" } } },
      { type: "object", dependencies: { a: ["b"] } },
      { $async: true },
      { type: "string", format: "email", maxLength: 100 },
    ]) {
      expect(checkRawSchema(schema).ok, JSON.stringify(schema)).toBe(false);
    }
    expect(codes(checkRawSchema({ $id: "https://x.example/s" }))).toEqual(["FORBIDDEN_KEYWORD"]);
  });

  it("a schema that fails to compile is reported, not thrown", () => {
    const r = compileRawSchema({ $ref: "#/definitions/missing" });
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(["COMPILE_ERROR"]);
    expect(compileRawSchema("{not json").errors[0].code).toBe("NOT_JSON");
  });
});

describe("docs/security.md item 2: Ajv version and options", () => {
  it("Ajv is pinned at 8.18 or newer (CVE-2025-69873)", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "../../node_modules/ajv/package.json"), "utf8"));
    const [major, minor] = String(pkg.version).split(".").map(Number);
    expect(major).toBe(8);
    expect(minor).toBeGreaterThanOrEqual(18);
  });

  it("strict mode on, $data off, no loadSchema, allErrors off", () => {
    expect(SAFE_AJV_OPTIONS).toMatchObject({ strict: true, $data: false, allErrors: false });
    expect(SAFE_AJV_OPTIONS.loadSchema).toBeUndefined();
    for (const ajv of [createDocumentAjv(), createFormAjv()]) {
      expect(ajv.opts.strict).toBe(true);
      expect(ajv.opts.$data).toBe(false);
      expect(ajv.opts.allErrors).toBe(false);
      expect(ajv.opts.loadSchema).toBeUndefined();
      // Strict mode: unknown keywords fail compile instead of being ignored.
      expect(() => ajv.compile({ type: "string", maxLenght: 3 })).toThrow(/strict mode/);
    }
  });

  it("compile never touches the network: remote refs fail synchronously", () => {
    expect(() => createFormAjv().compile({ $ref: "https://evil.example/s.json" })).toThrow(/can't resolve reference/);
  });
});

describe("docs/security.md item 3: ReDoS", () => {
  it('pattern "^(a+)+$" is refused at save', () => {
    const r = checkRawSchema({ type: "string", pattern: "^(a+)+$", maxLength: 100 });
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(["REDOS_PATTERN"]);
  });

  it("nested quantifiers and back-references are detected; ordinary patterns pass", () => {
    for (const p of ["^(a+)+$", "(a*)*", "((ab)+c)*", "(a{2,})+", "(?:x+y?)+", "^(a|aa)+$", "(\\w|x)*", "(a)\\1"]) expect(patternProblem(p), p).not.toBeNull();
    for (const p of ["^[0-9]{16}$", "^[a-z][a-z0-9_]{0,63}$", "^(ab|cd)+$", "^\\+?[0-9 ]{6,20}$", "^(a+)?$"]) expect(patternProblem(p), p).toBeNull();
    expect(patternProblem("(")).toBe("INVALID");
    expect(patternProblem("a".repeat(501))).toBe("TOO_LONG");
  });

  it("every pattern the gate accepts validates 30 × 'a' + '!' quickly", () => {
    const r = compileRawSchema({ type: "string", pattern: "^(ab|cd|x)+a*$", maxLength: 100 });
    expect(r.ok).toBe(true);
    // Not a speed target: exponential backtracking on 31 characters runs for minutes, a linear
    // match for microseconds; the wide bound tells the two apart on a loaded machine too.
    const started = performance.now();
    r.validate!("a".repeat(30) + "!");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("docs/security.md item 4: prototype pollution", () => {
  it("__proto__/constructor/prototype as keys in a schema are refused and leave Object.prototype untouched", () => {
    const before = prototypeSnapshot();
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const text = `{"type":"object","properties":{"${key}":{"type":"object","properties":{"polluted":{"const":1}}}},"default":{"${key}":{"polluted":1}}}`;
      const r = compileRawSchema(text);
      expect(r.ok, key).toBe(false);
      expect(codes(r)).toContain("FORBIDDEN_KEY");
      const doc = validateDocument("form", JSON.parse(text));
      expect(doc.errors.length).toBeGreaterThan(0);
      expect(new Set(codes(doc))).toEqual(new Set(["FORBIDDEN_KEY"]));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeSnapshot()).toEqual(before);
  });

  it("such keys in submission data are dropped and pollute nothing", () => {
    const form: Form = {
      key: "f",
      title: { id: "F" },
      periodType: "month",
      source: "test",
      sections: [{ key: "s", title: { id: "S" }, fields: [{ key: "a", type: "integer", label: { id: "A" } }] }],
    };
    const before = prototypeSnapshot();
    const data = JSON.parse('{"a": 1, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1}');
    const r = validateSubmission(form, data);
    expect(r.ok).toBe(true);
    expect(r.data).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(r.data)).toBe(Object.prototype);
    expect(r.ignored.sort()).toEqual(["__proto__", "constructor", "prototype"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeSnapshot()).toEqual(before);
  });

  it("such keys in an overlay are refused before any operation is looked at", () => {
    const before = prototypeSnapshot();
    const overlay = JSON.parse(
      '{"package":"p","baseVersion":1,"district":"13.73","title":{"id":"x"},"version":1,"operations":[{"op":"relabel","indicator":"a","label":{"id":"x","__proto__":{"polluted":1}}}]}',
    );
    expect(validateDocument("district-overlay", overlay).errors[0]).toMatchObject({ pointer: "/operations/0/label/__proto__", code: "FORBIDDEN_KEY" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeSnapshot()).toEqual(before);
  });

  it("keys named constructor/prototype are refused by the document schemas", () => {
    const r = validateDocument("indicator", { key: "constructor", name: { id: "x" }, group: "spm", numerator: "1", source: "x" });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ pointer: "/key", code: "NOT_ALLOWED" });
  });
});

describe("validateDocument", () => {
  it("reports a JSON pointer and an Indonesian message that says how to fix it", () => {
    const r = validateDocument("target", { indicator: "spm_01", year: 2025, scope: { level: "district" }, value: 100, profile: { type: "flat" }, source: "x" });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ pointer: "/scope/org", code: "REQUIRED" });
    expect(r.errors[0].message).toMatch(/wajib ada.*Tambahkan/);
    expect(r.errors[0].messageEn).toMatch(/required/);
  });

  it("explains key patterns", () => {
    const r = validateDocument("validation-rule", { key: "Spm-1", form: "f", left: "a", op: "<=", right: "b", severity: "error", message: { id: "x" } });
    expect(r.errors[0]).toMatchObject({ pointer: "/key", code: "BAD_FORMAT" });
    expect(r.errors[0].message).toMatch(/huruf kecil/);
  });

  it("unknown properties are refused with their pointer", () => {
    const r = validateDocument("text", { id: "Halo", fr: "Bonjour" });
    expect(r.errors[0]).toMatchObject({ pointer: "/fr", code: "UNKNOWN_PROPERTY" });
  });

  it("accepts a valid overlay and refuses an unknown operation", () => {
    const overlay = {
      package: "ilp-nasional",
      baseVersion: 1,
      district: "13.73",
      title: { id: "Overlay Sawahlunto" },
      version: 1,
      operations: [{ op: "setBands", indicator: "spm_01", bands: { green: 95, yellow: 75 } }],
    };
    expect(validateDocument("district-overlay", overlay)).toEqual({ ok: true, errors: [] });
    const bad = validateDocument("district-overlay", { ...overlay, operations: [{ op: "dropTable" }] });
    expect(bad.errors[0]).toMatchObject({ pointer: "/operations/0/op" });
  });

  it("never throws on odd input", () => {
    for (const v of [undefined, null, 1, "x", [], () => 1, Symbol("s"), 10n]) {
      expect(() => validateDocument("form", v)).not.toThrow();
      expect(validateDocument("form", v).ok).toBe(false);
    }
    expect(validateDocument("nope" as never, {}).errors[0].code).toBe("UNKNOWN_KIND");
  });
});
