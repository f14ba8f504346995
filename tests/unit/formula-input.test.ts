import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applySuggestion, checkLive, closestKey, segments, suggest, wordAt } from "~/components/designer/indicators/formula-helpers";
import {
  copyLastYear,
  indicatorChecks,
  keyAfterRename,
  newIndicator,
  parseProfileValues,
  scopeAllowed,
  isNationalIn,
  newRule,
  ruleChecks,
  targetChecks,
  targetLocked,
  unitsChecks,
} from "~/components/designer/indicators/checks";
import { en as catalogEn, id as catalogId, translate } from "~/i18n/catalog";
import type { TemplatePackage } from "@engine";
import { importGraph, isAjvPackage } from "../helpers/imports";

const fields = [
  { key: "bumil_k6", type: "integer", label: "Ibu hamil K6" },
  { key: "bumil_sasaran", type: "integer", label: "Sasaran ibu hamil" },
  { key: "ada_dokter", type: "boolean", label: "Ada dokter" },
  { key: "catatan", type: "text", label: "Catatan" },
];

describe("formula editor: live check", () => {
  it("marks an unknown key at its exact characters and offers the closest key", () => {
    const src = "bumil_k66 / bumil_sasaran";
    const errors = checkLive(src, { fields, context: "indicator", expected: "number" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "UNKNOWN_IDENTIFIER", start: 0, end: 9, suggestion: "bumil_k6" });
    expect(errors[0].message).toContain("bumil_k66");
  });

  it("accepts a correct formula, and aggregates only in indicator context", () => {
    expect(checkLive("bumil_k6 + 1", { fields, context: "indicator", expected: "number" })).toEqual([]);
    expect(checkLive("count_units(ada_dokter)", { fields, context: "indicator", expected: "number" })).toEqual([]);
    const row = checkLive("count_units(ada_dokter)", { fields, context: "field", expected: "number" });
    expect(row.map((e) => e.code)).toEqual(["CONTEXT"]);
    expect(row[0]).toMatchObject({ start: 0, end: 11 });
  });

  it("reports the expected result type and syntax errors with positions", () => {
    expect(checkLive("bumil_k6 > 0", { fields, context: "indicator", expected: "number" }).map((e) => e.code)).toEqual(["FORMULA_TYPE"]);
    const syntax = checkLive("bumil_k6 +", { fields, context: "indicator" });
    expect(syntax.map((e) => e.code)).toEqual(["UNEXPECTED_END"]);
    const chr = checkLive("bumil_k6 & ada_dokter", { fields, context: "rule" });
    expect(chr[0]).toMatchObject({ code: "UNEXPECTED_CHAR", start: 9, end: 10 });
    expect(chr[0].message).toContain("and");
  });

  it("explains a text field used in a formula instead of calling it unknown", () => {
    const [e] = checkLive("catatan + 1", { fields, context: "field" });
    expect(e.code).toBe("UNKNOWN_IDENTIFIER");
    expect(e.message).toContain("text");
    expect(e.suggestion).toBeUndefined();
  });

  it("finds close keys only", () => {
    expect(closestKey("bumil_sasran", ["bumil_sasaran", "bumil_k6"])).toBe("bumil_sasaran");
    expect(closestKey("xyz", ["bumil_sasaran"])).toBeUndefined();
  });
});

describe("formula editor: autocomplete", () => {
  it("finds the word under the caret", () => {
    expect(wordAt("a + bumil_k", 11)).toEqual({ start: 4, end: 11, prefix: "bumil_k" });
    expect(wordAt("a + bumil_k66 / 2", 9)).toEqual({ start: 4, end: 13, prefix: "bumil" });
    expect(wordAt("a + 12", 6)).toBeUndefined();
    expect(wordAt("a + ", 4)).toBeUndefined();
  });

  it("suggests readable fields and context functions by prefix, then by substring", () => {
    expect(suggest("bumil", fields, "indicator").map((s) => s.insert)).toEqual(["bumil_k6", "bumil_sasaran"]);
    expect(suggest("cat", fields, "indicator")).toEqual([]);
    // in_group's help text names count_units, so it follows as a match on the help text.
    expect(suggest("cou", fields, "indicator").map((s) => s.insert)).toEqual(["count_units(", "in_group("]);
    expect(suggest("in_g", fields, "indicator").map((s) => s.insert)).toEqual(["in_group("]);
    expect(suggest("cou", fields, "field")).toEqual([]);
    expect(suggest("sasaran", fields, "rule").map((s) => s.insert)).toContain("bumil_sasaran");
  });

  it("replaces the whole word and places the caret after it", () => {
    expect(applySuggestion("bumil_k66 / 2", { start: 0, end: 9 }, { insert: "bumil_k6" })).toEqual({ value: "bumil_k6 / 2", caret: 8 });
    expect(applySuggestion("cou", { start: 0, end: 3 }, { insert: "count_units(" })).toEqual({ value: "count_units(", caret: 12 });
    expect(applySuggestion("cou(x)", { start: 0, end: 3 }, { insert: "count_units(" })).toEqual({ value: "count_units(x)", caret: 12 });
  });

  it("marks error ranges, and an empty range at the end", () => {
    expect(segments("ab+c", [{ start: 3, end: 4 }])).toEqual([
      { text: "ab+", marked: false },
      { text: "c", marked: true },
      { text: " ", marked: false },
    ]);
    expect(segments("a+", [{ start: 2, end: 2 }]).at(-1)).toEqual({ text: " ", marked: true });
  });
});

describe("formula editor: bundle", () => {
  it("reaches the engine through @engine and never pulls in Ajv or engine/server.ts", () => {
    // tests/unit/client-bundle.test.ts checks the same for everything the browser loads.
    const graph = importGraph(["app/components/designer/FormulaInput.tsx"], (f) => /\.server\.tsx?$/.test(f));
    const files = [...graph.reachedFrom.keys()];
    expect(files).toContain("engine/formula/checker.ts");
    expect(files).toContain("engine/index.ts");
    expect(files).not.toContain("engine/server.ts");
    expect([...graph.packages.keys()].filter(isAjvPackage)).toEqual([]);
  });
});

describe("indicator, target and rule editors: checks", () => {
  const pkg = (): TemplatePackage => JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));
  const packageMode = { mode: "package" as const, districtCode: undefined, orgUnits: [] };

  it("flags an empty name, a duplicate key, yellow not below green and the source a new indicator starts without", () => {
    const p = pkg();
    p.indicators.push({ ...newIndicator(p, packageMode), key: p.indicators[0].key, bands: { green: 90, yellow: 90 } });
    const codes = indicatorChecks(p, p.indicators.length - 1, packageMode).map((c) => `${c.at}:${c.key}`);
    expect(codes).toEqual(["key:indcheck.keyDuplicate", "name:indcheck.nameEmpty", "bands:indcheck.bandsOrder", "source:indcheck.sourceEmpty"]);
    // No English placeholder is stored as a new element's source.
    expect([newIndicator(p, packageMode).source, newRule(p, packageMode).source]).toEqual(["", ""]);
    // The national package itself passes every client check.
    const clean = pkg();
    expect(clean.indicators.flatMap((_, i) => indicatorChecks(clean, i, packageMode))).toEqual([]);
    expect(clean.targets.flatMap((_, i) => targetChecks(clean, i, packageMode))).toEqual([]);
    expect(clean.rules.flatMap((_, i) => ruleChecks(clean, i, packageMode))).toEqual([]);
  });

  it("makes the key follow the name until it is typed by hand", () => {
    const p = pkg();
    const ind = newIndicator(p, packageMode);
    const taken = new Set(p.indicators.map((i) => i.key));
    const k1 = keyAfterRename(ind.key, "", "Cakupan K6 (%)", taken);
    expect(k1).toBe("cakupan_k6");
    expect(keyAfterRename(k1, "Cakupan K6 (%)", "Cakupan K6 baru", taken)).toBe("cakupan_k6_baru");
    expect(keyAfterRename("kunci_saya", "Cakupan K6 (%)", "Lain", taken)).toBe("kunci_saya");
    expect(newIndicator(p, { mode: "overlay" }).key.startsWith("lokal_")).toBe(true);
  });

  it("checks target profiles and overlay scopes", () => {
    const p = pkg();
    p.targets[0] = { ...p.targets[0], profile: { type: "quarterly", values: [25, 50, 75] } };
    expect(targetChecks(p, 0, packageMode).map((c) => c.key)).toEqual(["indcheck.profileQuarterly"]);
    const overlay = { mode: "overlay" as const, districtCode: "13.73", orgUnits: [{ code: "13.73.01", name: "PKM", level: "puskesmas" as const }] };
    expect(scopeAllowed({ level: "national" }, overlay)).toBe(false);
    expect(scopeAllowed({ level: "district", org: "13.73" }, overlay)).toBe(true);
    expect(scopeAllowed({ level: "district", org: "33.24" }, overlay)).toBe(false);
    expect(scopeAllowed({ level: "puskesmas", org: "13.73.01" }, overlay)).toBe(true);
    expect(parseProfileValues("25; 50; 75,5; x")).toEqual({ values: [25, 50, 75.5], bad: ["x"] });
    // Overlay mode: national targets are read-only, the district's own are editable.
    const ro = { ...overlay, readOnly: false };
    expect(targetLocked(p.targets[1], ro)).toBe(true);
    expect(targetLocked({ ...p.targets[1], scope: { level: "district", org: "13.73" } }, ro)).toBe(false);
    expect(targetLocked(p.targets[1], { ...packageMode, readOnly: false })).toBe(false);
    expect(isNationalIn({ mode: "overlay" }, "spm_01")).toBe(true);
    expect(isNationalIn({ mode: "overlay" }, "lokal_cakupan")).toBe(false);
    expect(isNationalIn({ mode: "package" }, "spm_01")).toBe(false);
    // With origins (the overlay designer passes them), national means national or overridden.
    const origins = {
      forms: {},
      sections: {},
      fields: {},
      targets: {},
      indicators: { spm_01: "overridden" as const },
      rules: { spm01_lebih_sasaran: "national" as const },
    };
    expect(isNationalIn({ mode: "overlay", origins }, "spm_01")).toBe(true);
    expect(isNationalIn({ mode: "overlay", origins }, "spm01_lebih_sasaran", "rules")).toBe(true);
    // An element added in this session has no origin: local, and its key must carry the lokal_ prefix.
    const local = { ...p, indicators: [...p.indicators, { ...p.indicators[0], key: "cakupan_baru" }] };
    expect(isNationalIn({ mode: "overlay", origins }, "cakupan_baru")).toBe(false);
    expect(indicatorChecks(local, local.indicators.length - 1, { mode: "overlay", origins }).map((c) => c.key)).toEqual(["indcheck.keyLocal"]);
    const rules = { ...p, rules: [...p.rules, { ...newRule(p, { mode: "overlay" }), message: { id: "Periksa" } }] };
    expect(ruleChecks(rules, rules.rules.length - 1, { mode: "overlay", origins })).toEqual([]);
    rules.rules[rules.rules.length - 1] = { ...rules.rules[rules.rules.length - 1], key: "aturan_daerah" };
    expect(ruleChecks(rules, rules.rules.length - 1, { mode: "overlay", origins }).map((c) => c.key)).toEqual(["indcheck.keyLocal"]);
  });

  it("copies last year's targets once, skipping existing ones and, in overlay mode, national ones", () => {
    const p = pkg();
    const from2026 = p.targets.filter((t) => t.year === 2026);
    const first = copyLastYear(p, 2027, packageMode);
    expect(first.copied).toBe(from2026.length);
    expect(first.targets.filter((t) => t.year === 2027).map((t) => t.indicator)).toEqual(from2026.map((t) => t.indicator));
    const again = copyLastYear({ ...p, targets: first.targets }, 2027, packageMode);
    expect(again).toMatchObject({ copied: 0, skipped: from2026.length });
    const local = { ...p, targets: [...p.targets, { ...from2026[0], scope: { level: "district" as const, org: "13.73" } }] };
    const overlay = copyLastYear(local, 2027, { mode: "overlay", districtCode: "13.73", orgUnits: [] });
    expect(overlay).toMatchObject({ copied: 1, skipped: from2026.length });
  });

  it("uses only message keys that exist in both languages", () => {
    const text = fs.readFileSync(path.resolve("app/components/designer/indicators/checks.ts"), "utf8");
    const keys = [...text.matchAll(/"(indcheck\.[A-Za-z]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) {
      expect(k in catalogId, k).toBe(true);
      expect(k in catalogEn, k).toBe(true);
    }
  });
});

describe("indicator editor: units() without count_units", () => {
  it("says so while typing, on the formula that uses units()", () => {
    expect(unitsChecks({ numerator: "count_units(ada_dokter)", denominator: "units()" }, fields)).toEqual([]);
    expect(unitsChecks({ numerator: "bumil_k6", denominator: "units()" }, fields)).toEqual([{ at: "denominator", key: "indcheck.unitsWithoutCount" }]);
    expect(unitsChecks({ numerator: "units()" }, fields)).toEqual([{ at: "numerator", key: "indcheck.unitsWithoutCount" }]);
    expect(unitsChecks({ numerator: "bumil_k6", denominator: "bumil_sasaran" }, fields)).toEqual([]);
  });

  it("says so for in_group without any field inside count_units (decision 039), not when a field is read there", () => {
    expect(unitsChecks({ numerator: "count_units(in_group(blud))" }, fields)).toEqual([
      { at: "numerator", key: "indcheck.inGroupWithoutField", params: { group: "blud" } },
    ]);
    expect(unitsChecks({ numerator: "count_units(in_group(blud) and ada_dokter)", denominator: "count_units(in_group(blud))" }, fields)).toEqual([]);
    expect(translate("id", "indcheck.inGroupWithoutField", { group: "blud" })).toContain("count_units(in_group(blud) and isian > 0)");
    expect(translate("en", "indcheck.inGroupWithoutField", { group: "blud" })).toContain("reads no field there");
  });
});
