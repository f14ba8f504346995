import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DistrictOverlay, Field, OverlayOperation, TemplatePackage } from "@engine/documents";
import { applyOverlay } from "@engine/overlay";
import { canonical, deriveOverlay, describeOverlay, editableView } from "@engine/overlay-derive";
import { fixturePackage } from "./helpers";

const DISTRICT = "13.73";
const INSIDE = new Set(["13.73", "P1", "P2"]);
const META = { district: DISTRICT, title: { id: "Penyesuaian Sawahlunto" }, version: 2, inDistrict: INSIDE };

/** The fixture package with two more optional fields, one of them first in its section. */
function basePackage(): TemplatePackage {
  const pkg = fixturePackage();
  const ibu = pkg.forms[0].sections[0];
  ibu.fields.unshift({ key: "keterangan_awal", type: "text", label: { id: "Keterangan awal" }, optional: true } as Field);
  pkg.forms[2].sections[0].fields.push({ key: "catatan_ilp", type: "text", label: { id: "Catatan ILP" }, optional: true } as Field);
  return pkg;
}

function emptyOverlay(operations: OverlayOperation[] = []): DistrictOverlay {
  return { package: "ilp-uji", baseVersion: 1, district: DISTRICT, title: { id: "Penyesuaian Sawahlunto" }, version: 2, operations };
}

/** The edited document without the hidden fields (and without sections left empty). */
function withoutHidden(pkg: TemplatePackage, hidden: readonly string[]): TemplatePackage {
  const out = structuredClone(pkg);
  for (const form of out.forms) {
    for (const s of form.sections) s.fields = s.fields.filter((f) => !hidden.includes(f.key));
    form.sections = form.sections.filter((s) => s.fields.length > 0);
  }
  return out;
}

const codes = (problems: Array<{ code: string }>) => problems.map((p) => p.code);

describe("deriveOverlay: allowed changes become operations", () => {
  test("no change gives no operation and no problem", () => {
    const base = basePackage();
    const r = deriveOverlay(base, structuredClone(base), [], META);
    expect(r.problems).toEqual([]);
    expect(r.overlay).toEqual({ package: "ilp-uji", baseVersion: 1, district: DISTRICT, title: META.title, version: 2, operations: [] });
  });

  test("labels, bands, targets, hidden fields, local field/indicator/rule", () => {
    const base = basePackage();
    const ed = structuredClone(base);
    ed.forms[0].title = { id: "SPM bulanan (Sawahlunto)" };
    ed.forms[0].sections[0].title = { id: "Kesehatan ibu" };
    ed.forms[0].sections[0].fields[1].label = { id: "Ibu hamil K6 (lokal)" };
    ed.indicators[0].name = { id: "Bumil K6" };
    ed.indicators[0].bands = { green: 95, yellow: 75 };
    ed.targets[0] = structuredClone(ed.targets[0]);
    ed.targets.push({
      indicator: "spm_01",
      year: 2025,
      scope: { level: "district", org: DISTRICT },
      value: 97,
      profile: { type: "flat" },
      source: "SK Kadinkes",
    });
    ed.targets.push({ indicator: "spm_01", year: 2025, scope: { level: "puskesmas", org: "P1" }, value: 90, profile: { type: "flat" }, source: "SK Kadinkes" });
    ed.forms[0].sections[0].fields.splice(3, 0, { key: "lokal_kader", type: "integer", label: { id: "Kader aktif" }, min: 0 });
    ed.indicators.push({ key: "lokal_kader_ind", name: { id: "Kader" }, group: "spm", numerator: "lokal_kader", source: "lokal" });
    ed.rules.push({
      key: "lokal_r1",
      form: "spm_bulanan",
      left: "lokal_kader",
      op: ">=",
      right: "0",
      severity: "warning",
      message: { id: "Kader tidak boleh negatif" },
    });
    const r = deriveOverlay(base, ed, ["catatan"], META);
    expect(r.problems).toEqual([]);
    expect(r.overlay.operations.map((o) => o.op)).toEqual([
      "relabel",
      "relabel",
      "relabel",
      "relabel",
      "setBands",
      "addField",
      "addIndicator",
      "addRule",
      "setTarget",
      "setTarget",
      "hideField",
    ]);
    expect(r.overlay.operations).toContainEqual({
      op: "addField",
      form: "spm_bulanan",
      section: "ibu",
      field: ed.forms[0].sections[0].fields[3],
      after: "kematian_ibu",
    });
    expect(r.overlay.operations).toContainEqual({ op: "hideField", form: "spm_bulanan", field: "catatan" });
    const applied = applyOverlay(base, r.overlay, { inDistrict: INSIDE });
    expect(applied.problems).toEqual([]);
    expect(canonical(applied.package)).toBe(canonical(withoutHidden(ed, ["catatan"])));
    expect(applied.origins.fields.get("lokal_kader")).toBe("local");
    expect(applied.origins.fields.get("bumil_k6")).toBe("overridden");
  });

  test("a local field first in its section is placed after the hidden leading national field", () => {
    const base = basePackage();
    const ed = withoutHidden(base, ["keterangan_awal"]);
    ed.forms[0].sections[0].fields.unshift({ key: "lokal_awal", type: "integer", label: { id: "Awal" } });
    const r = deriveOverlay(base, ed, ["keterangan_awal"], META);
    expect(r.problems).toEqual([]);
    expect(r.overlay.operations[0]).toMatchObject({ op: "addField", after: "keterangan_awal" });
    expect(canonical(applyOverlay(base, r.overlay).package)).toBe(canonical(ed));
  });

  test("describeOverlay says in plain words what changed", () => {
    const base = basePackage();
    const lines = describeOverlay(
      base,
      emptyOverlay([
        {
          op: "setTarget",
          target: { indicator: "spm_01", year: 2025, scope: { level: "district", org: DISTRICT }, value: 97, profile: { type: "flat" }, source: "x" },
        },
        { op: "hideField", form: "spm_bulanan", field: "catatan" },
        {
          op: "addField",
          form: "spm_bulanan",
          section: "ibu",
          field: { key: "lokal_kader", type: "integer", label: { id: "Kader aktif" } },
          after: "bumil_k6",
        },
      ]),
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/kabupaten\/kota 13\.73: 97/);
    expect(lines[1]).toMatch(/disembunyikan/);
    expect(lines[2]).toMatch(/Isian lokal baru "Kader aktif"/);
  });
});

describe("deriveOverlay: what an adaptation cannot do", () => {
  const cases: Array<[string, (p: TemplatePackage) => string[] | void, string, string]> = [
    ["type of a national field", (p) => void (p.forms[0].sections[0].fields[1].type = "number"), "NATIONAL_LOCKED", "/forms/0/sections/0/fields/1/type"],
    ["min of a national field", (p) => void (p.forms[0].sections[0].fields[1].min = 5), "NATIONAL_LOCKED", "/forms/0/sections/0/fields/1/min"],
    ["formula of a national indicator", (p) => void (p.indicators[0].numerator = "kematian_ibu"), "NATIONAL_LOCKED", "/indicators/0/numerator"],
    ["removing a national field", (p) => void p.forms[0].sections[0].fields.splice(1, 1), "FIELD_REMOVED", "/forms/0"],
    [
      "renaming a national field key",
      (p) => void (p.forms[0].sections[0].fields[1].key = "bumil_k6_baru"),
      "NOT_LOCAL_KEY",
      "/forms/0/sections/0/fields/1/key",
    ],
    ["removing a national indicator", (p) => void p.indicators.splice(0, 1), "INDICATOR_REMOVED", "/indicators"],
    ["adding a form without the lokal_ prefix", (p) => void p.forms.push({ ...structuredClone(p.forms[1]), key: "form_baru" }), "FORM_ADDED", "/forms/3/key"],
    [
      "a local form reusing national field keys",
      (p) => void p.forms.push({ ...structuredClone(p.forms[1]), key: "lokal_form" }),
      "NOT_LOCAL_KEY",
      "/forms/3/sections/0/fields/0/key",
    ],
    [
      "a local form with a field key without the lokal_ prefix",
      (p) =>
        void p.forms.push({
          key: "lokal_form",
          title: { id: "Formulir lokal" },
          periodType: "month",
          source: "Dinkes",
          sections: [{ key: "lokal_b", title: { id: "B" }, fields: [{ key: "kader_baru", type: "integer", label: { id: "Kader" } }] }],
        }),
      "NOT_LOCAL_KEY",
      "/forms/3/sections/0/fields/0/key",
    ],
    ["changing who reports a national form", (p) => void (p.forms[0].reportingLevels = ["posyandu"]), "NATIONAL_LOCKED", "/forms/0/reportingLevels"],
    ["narrowing a national form to a group", (p) => void (p.forms[0].appliesTo = { groups: ["blud"] }), "NATIONAL_LOCKED", "/forms/0/appliesTo"],
    [
      "adding a section",
      (p) => void p.forms[0].sections.push({ key: "lokal_bagian", title: { id: "x" }, fields: [{ key: "lokal_a", type: "integer", label: { id: "a" } }] }),
      "SECTION_ADDED",
      "/forms/0/sections/1/key",
    ],
    [
      "a local field without the lokal_ prefix",
      (p) => void p.forms[0].sections[0].fields.push({ key: "kader", type: "integer", label: { id: "Kader" } }),
      "NOT_LOCAL_KEY",
      "/forms/0/sections/0/fields/9/key",
    ],
    [
      "a local field first in a section",
      (p) => void p.forms[1].sections[0].fields.unshift({ key: "lokal_a", type: "integer", label: { id: "a" } }),
      "LOCAL_FIELD_FIRST",
      "/forms/1/sections/0/fields/0",
    ],
    ["reordering national fields", (p) => void p.forms[1].sections[0].fields.reverse(), "NATIONAL_ORDER", "/forms/1/sections/0/fields"],
    ["changing the national target", (p) => void (p.targets[0].value = 1), "SCOPE_OUTSIDE_DISTRICT", "/targets/0/scope"],
    [
      "a target for another district",
      (p) =>
        void p.targets.push({ indicator: "spm_01", year: 2026, scope: { level: "district", org: "13.74" }, value: 1, profile: { type: "flat" }, source: "x" }),
      "SCOPE_OUTSIDE_DISTRICT",
      "/targets/9/scope",
    ],
    [
      "a target for a Puskesmas of another district",
      (p) =>
        void p.targets.push({ indicator: "spm_01", year: 2026, scope: { level: "puskesmas", org: "P4" }, value: 1, profile: { type: "flat" }, source: "x" }),
      "SCOPE_OUTSIDE_DISTRICT",
      "/targets/9/scope",
    ],
    ["removing a national target", (p) => void p.targets.pop(), "TARGET_REMOVED", "/targets"],
    [
      "changing a national rule",
      (p) => void (p.rules[0].severity = p.rules[0].severity === "error" ? "warning" : "error"),
      "NATIONAL_LOCKED",
      "/rules/0/severity",
    ],
    ["hiding a required field", () => ["bumil_k6"], "FIELD_NOT_OPTIONAL", "/forms/0/sections/0/fields/1"],
    [
      "a local field computed from a field the district hides",
      (p) => {
        p.forms[2].sections[0].fields.push({ key: "lokal_hitung", type: "integer", label: { id: "h" }, calculate: "posyandu_ilp * 2" });
        p.forms[2].sections[0].fields[2] = { ...p.forms[2].sections[0].fields[2], optional: true } as Field;
        return [];
      },
      "NATIONAL_LOCKED",
      "/forms/2/sections/0/fields/2/optional",
    ],
    [
      "a local indicator with a broken formula",
      (p) => void p.indicators.push({ key: "lokal_x", name: { id: "x" }, group: "spm", numerator: "tidak_ada + ", source: "x" }),
      "BAD_FORMULA",
      "/indicators/8",
    ],
    ["changing the package version", (p) => void (p.version = 9), "NATIONAL_LOCKED", "/version"],
  ];
  test.each(cases)("%s is a problem with a pointer and a message in Bahasa Indonesia", (_name, edit, code, pointer) => {
    const base = basePackage();
    const ed = structuredClone(base);
    const hidden = edit(ed) ?? [];
    const r = deriveOverlay(base, ed, hidden, META);
    expect(codes(r.problems)).toContain(code);
    const p = r.problems.find((x) => x.code === code)!;
    expect(p.pointer).toBe(pointer);
    expect(p.message).toMatch(/tidak|harus|Kembalikan|Pindahkan|Ubah|bermasalah/);
    expect(p.message.length).toBeGreaterThan(30);
  });

  test("a hidden field still used by a local indicator is reported at the indicator-free field", () => {
    const base = basePackage();
    const ed = structuredClone(base);
    ed.indicators.push({ key: "lokal_cat", name: { id: "c" }, group: "spm", numerator: "count_units(catatan_ilp != 0)", denominator: "units()", source: "x" });
    const r = deriveOverlay(base, ed, ["catatan"], META);
    // the broken formula (text field in arithmetic) is refused by applyOverlay and pointed at the indicator
    expect(r.problems.map((p) => p.pointer)).toContain("/indicators/8");
  });

  test("the overlay is still produced with problems (nothing typed is lost)", () => {
    const base = basePackage();
    const ed = structuredClone(base);
    ed.forms[0].sections[0].fields[1].type = "number";
    ed.indicators[1].name = { id: "Nama baru" };
    const r = deriveOverlay(base, ed, [], META);
    expect(r.problems).toHaveLength(1);
    expect(r.overlay.operations).toEqual([{ op: "relabel", indicator: "ilp_pkm", label: { id: "Nama baru" } }]);
  });
});

describe("editableView", () => {
  test("keeps hidden fields in place and lists them; deriving it back gives the same overlay", () => {
    const base = basePackage();
    const ov = emptyOverlay([
      { op: "relabel", field: "bumil_k6", form: "spm_bulanan", label: { id: "K6" } },
      { op: "addField", form: "spm_bulanan", section: "ibu", field: { key: "lokal_a", type: "integer", label: { id: "a" } }, after: "catatan" },
      { op: "hideField", form: "spm_bulanan", field: "catatan" },
    ]);
    const view = editableView(base, ov, { inDistrict: INSIDE });
    expect(view.problems).toEqual([]);
    expect(view.hidden).toEqual(["catatan"]);
    expect(view.package.forms[0].sections[0].fields.map((f) => f.key)).toContain("catatan");
    expect(view.origins.fields.get("lokal_a")).toBe("local");
    const again = deriveOverlay(base, view.package, view.hidden, META);
    expect(again.problems).toEqual([]);
    expect(canonical(again.overlay.operations)).toBe(canonical(ov.operations));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: derive ∘ edit is the inverse of apply.

const label = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((s) => s.trim().length > 0)
  .map((id) => ({ id }));

interface Edit {
  relabelFields: Array<[number, { id: string }]>;
  relabelIndicators: Array<[number, { id: string }]>;
  relabelSections: Array<[number, { id: string }]>;
  bands: Array<[number, number, number]>;
  targets: Array<[number, number, number, number]>;
  hide: boolean[];
  locals: Array<[number, number, "integer" | "number" | "boolean" | "text"]>;
  indicators: number[];
  rules: number;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  relabelFields: fc.array(fc.tuple(fc.nat(40), label), { maxLength: 4 }),
  relabelIndicators: fc.array(fc.tuple(fc.nat(20), label), { maxLength: 3 }),
  relabelSections: fc.array(fc.tuple(fc.nat(5), label), { maxLength: 2 }),
  bands: fc.array(fc.tuple(fc.nat(20), fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 150 })), { maxLength: 3 }),
  targets: fc.array(fc.tuple(fc.nat(20), fc.integer({ min: 2024, max: 2027 }), fc.nat(2), fc.integer({ min: 0, max: 1000 })), { maxLength: 4 }),
  hide: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  locals: fc.array(fc.tuple(fc.nat(5), fc.nat(20), fc.constantFrom("integer" as const, "number" as const, "boolean" as const, "text" as const)), {
    maxLength: 4,
  }),
  indicators: fc.array(fc.nat(40), { maxLength: 2 }),
  rules: fc.nat(2),
});

/** Applies a generated edit to the editable document, as the designer would. */
function applyEdit(base: TemplatePackage, e: Edit): { edited: TemplatePackage; hidden: string[] } {
  const ed = structuredClone(base);
  const allFields = ed.forms.flatMap((f) => f.sections.flatMap((s) => s.fields));
  const sections = ed.forms.flatMap((f) => f.sections.map((s) => ({ form: f, section: s })));
  for (const [i, l] of e.relabelFields) allFields[i % allFields.length].label = l;
  for (const [i, l] of e.relabelIndicators) ed.indicators[i % ed.indicators.length].name = l;
  for (const [i, l] of e.relabelSections) sections[i % sections.length].section.title = l;
  for (const [i, a, b] of e.bands) ed.indicators[i % ed.indicators.length].bands = { green: Math.max(a, b), yellow: Math.min(a, b) };
  for (const [i, year, scope, value] of e.targets) {
    const t = {
      indicator: ed.indicators[i % ed.indicators.length].key,
      year,
      scope: scope === 0 ? { level: "district" as const, org: DISTRICT } : { level: "puskesmas" as const, org: scope === 1 ? "P1" : "P2" },
      value,
      profile: { type: "flat" as const },
      source: "lokal",
    };
    const key = `${t.indicator}|${t.year}|${t.scope.level}|${t.scope.org}`;
    const at = ed.targets.findIndex((x) => `${x.indicator}|${x.year}|${x.scope.level}|${x.scope.level === "national" ? "" : x.scope.org}` === key);
    if (at >= 0) ed.targets[at] = t;
    else ed.targets.push(t);
  }
  const optional = ["catatan", "keterangan_awal", "catatan_ilp"];
  const hidden = optional.filter((_k, i) => e.hide[i]);
  const numeric: string[] = allFields.filter((f) => f.type === "integer" || f.type === "number").map((f) => f.key);
  e.locals.forEach(([s, pos, type], n) => {
    const { section } = sections[s % sections.length];
    const at = 1 + (pos % section.fields.length);
    const key = `lokal_f${n}`;
    section.fields.splice(at, 0, { key, type, label: { id: `Lokal ${n}` } } as Field);
    if (type === "integer" || type === "number") numeric.push(key);
  });
  e.indicators.forEach((i, n) => {
    ed.indicators.push({ key: `lokal_i${n}`, name: { id: `Indikator ${n}` }, group: "spm", numerator: numeric[i % numeric.length], source: "lokal" });
  });
  for (let n = 0; n < e.rules; n++) {
    ed.rules.push({
      key: `lokal_r${n}`,
      form: "spm_bulanan",
      left: "kematian_ibu",
      op: "<=",
      right: "bumil_k6",
      severity: "warning",
      message: { id: `Aturan ${n}` },
    });
  }
  return { edited: ed, hidden };
}

describe("deriveOverlay: properties", () => {
  test("applyOverlay(base, derive(edited)) gives back the edited package (modulo hidden fields)", () => {
    const base = basePackage();
    fc.assert(
      fc.property(editArb, (e) => {
        const { edited, hidden } = applyEdit(base, e);
        const r = deriveOverlay(base, edited, hidden, META);
        expect(r.problems).toEqual([]);
        const applied = applyOverlay(base, r.overlay, { inDistrict: INSIDE });
        expect(applied.problems).toEqual([]);
        expect(canonical(applied.package)).toBe(canonical(withoutHidden(edited, hidden)));
      }),
      { numRuns: 300 },
    );
  });

  test("deriving from applyOverlay(base, overlay).package reproduces an equivalent overlay", () => {
    const base = basePackage();
    fc.assert(
      fc.property(editArb, (e) => {
        const { edited, hidden } = applyEdit(base, e);
        const first = deriveOverlay(base, edited, hidden, META).overlay;
        const applied = applyOverlay(base, first, { inDistrict: INSIDE });
        const again = deriveOverlay(base, applied.package, hidden, META);
        expect(again.problems).toEqual([]);
        // Same operations up to where a local field is anchored ("after" may name another neighbour).
        // A relabel of a field the district hides has no effect, so the applied package cannot carry it.
        const strip = (ops: OverlayOperation[]) =>
          ops
            .filter((o) => !(o.op === "relabel" && o.field !== undefined && hidden.includes(o.field)))
            .map((o) => (o.op === "addField" ? canonical({ ...o, after: undefined }) : canonical(o)))
            .sort();
        expect(strip(again.overlay.operations)).toEqual(strip(first.operations));
        expect(canonical(applyOverlay(base, again.overlay, { inDistrict: INSIDE }).package)).toBe(canonical(applied.package));
        // And through the editable view (hidden fields kept in place) it is the same overlay exactly.
        const view = editableView(base, first, { inDistrict: INSIDE });
        expect(canonical(deriveOverlay(base, view.package, view.hidden, META).overlay)).toBe(canonical(first));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the shipped seed overlays survive the designer round trip", () => {
  const seedDir = path.resolve("seeds");
  const pkg = JSON.parse(fs.readFileSync(path.join(seedDir, "packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
  for (const file of fs.readdirSync(path.join(seedDir, "overlays")).filter((f) => f.endsWith(".json"))) {
    test(file, () => {
      const ov = JSON.parse(fs.readFileSync(path.join(seedDir, "overlays", file), "utf8")) as DistrictOverlay;
      const view = editableView(pkg, ov);
      expect(view.problems).toEqual([]);
      const again = deriveOverlay(pkg, view.package, view.hidden, { district: ov.district, title: ov.title, version: ov.version });
      expect(again.problems).toEqual([]);
      expect(again.overlay.operations.map((o) => canonical(o)).sort()).toEqual(ov.operations.map((o) => canonical(o)).sort());
      expect(canonical(applyOverlay(pkg, again.overlay).package)).toBe(canonical(applyOverlay(pkg, ov).package));
    });
  }
});
