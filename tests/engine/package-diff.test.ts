import { describe, expect, it } from "vitest";
import { diffPackages, formulaIdentifiers, publishedFieldHistory, publishRefusals } from "@engine/package/diff";
import type { Field, TemplatePackage } from "@engine";
import { seedPackage } from "../helpers/seed-package";

const t = (id: string) => ({ id });

function pkg(version: number, fields: Field[], extra: Partial<TemplatePackage> = {}): TemplatePackage {
  return {
    key: "uji",
    version,
    title: t("Paket uji"),
    owner: "nasional",
    source: "x",
    groups: [{ key: "spm", name: t("SPM") }],
    forms: [{ key: "bulanan", title: t("Bulanan"), periodType: "month", source: "x", sections: [{ key: "ibu", title: t("Ibu"), fields }] }],
    indicators: [
      { key: "cakupan_k6", name: t("Cakupan K6"), group: "spm", numerator: "bumil_k6", denominator: "sasaran", factor: 100, source: "x" },
      { key: "rasio_bidan", name: t("Bidan"), group: "spm", numerator: "if(ada_bidan, 1, 0)", source: "x" },
    ],
    targets: [{ indicator: "cakupan_k6", year: 2025, scope: { level: "national" }, value: 100, profile: { type: "flat" }, source: "x" }],
    rules: [{ key: "k6_sasaran", form: "bulanan", left: "bumil_k6", op: "<=", right: "sasaran", severity: "warning", message: t("K6 melebihi sasaran") }],
    ...extra,
  };
}

const base: Field[] = [
  { key: "bumil_k6", type: "integer", label: t("Ibu hamil K6"), min: 0, unit: "orang" },
  { key: "sasaran", type: "integer", label: t("Sasaran"), min: 0, unit: "orang" },
  { key: "ada_bidan", type: "boolean", label: t("Ada bidan?") },
];

describe("diffPackages", () => {
  it("reports nothing for identical versions apart from the number", () => {
    const d = diffPackages(pkg(1, base), pkg(2, base));
    expect(d.empty).toBe(true);
    expect(d.fromVersion).toBe(1);
    expect(d.toVersion).toBe(2);
    expect(d.changedForms).toEqual([]);
  });

  it("names added, removed and changed fields with the aspects that changed", () => {
    const next = [
      { ...base[0], label: t("Ibu hamil K6 (baru)"), max: 500 },
      { ...base[2], required: true },
      { key: "bumil_k1", type: "integer", label: t("Ibu hamil K1") } as Field,
    ];
    const d = diffPackages(pkg(1, base), pkg(2, next));
    expect(d.fields.added.map((f) => f.key)).toEqual(["bumil_k1"]);
    expect(d.fields.removed.map((f) => f.key)).toEqual(["sasaran"]);
    const k6 = d.fields.changed.find((f) => f.key === "bumil_k6");
    expect(k6?.aspects.map((a) => a.aspect)).toEqual(["label", "bounds"]);
    expect(k6?.aspects[0]).toMatchObject({ before: "Ibu hamil K6", after: "Ibu hamil K6 (baru)" });
    expect(d.fields.changed.find((f) => f.key === "ada_bidan")?.aspects.map((a) => a.aspect)).toEqual(["required"]);
    expect(d.changedForms).toEqual(["bulanan"]);
    expect(d.empty).toBe(false);
  });

  it("a wording-only change does not mark the form's data as changed", () => {
    const d = diffPackages(pkg(1, base), pkg(2, [{ ...base[0], label: t("K6") }, base[1], base[2]]));
    expect(d.fields.changed).toHaveLength(1);
    expect(d.changedForms).toEqual([]);
    expect(d.affectedIndicators).toEqual([]);
  });

  it("lists the indicators whose formulas read a changed or removed field", () => {
    const next = pkg(2, [{ ...base[0], aggregation: "max" }, base[2]], {
      rules: [],
      indicators: [{ key: "cakupan_k6", name: t("Cakupan K6"), group: "spm", numerator: "bumil_k6", factor: 100, source: "x" }, pkg(1, base).indicators[1]],
    });
    const d = diffPackages(pkg(1, base), next);
    expect(d.affectedIndicators).toEqual([{ key: "cakupan_k6", name: t("Cakupan K6"), fields: ["bumil_k6"] }]);
    expect(d.indicators.changed.map((i) => [i.key, i.aspects.map((a) => a.aspect)])).toEqual([["cakupan_k6", ["denominator"]]]);
    expect(d.rules.removed.map((r) => r.key)).toEqual(["k6_sasaran"]);
  });

  it("compares choices, show-if, calculate, unit and the default aggregation", () => {
    const a: Field[] = [
      { key: "jenis", type: "choice", label: t("Jenis"), choices: [{ value: "a", label: t("A") }] },
      { key: "total", type: "integer", label: t("Total"), calculate: "x + 1" },
      { key: "x", type: "integer", label: t("X"), unit: "orang" },
    ];
    const b: Field[] = [
      {
        ...a[0],
        choices: [
          { value: "a", label: t("A") },
          { value: "b", label: t("B") },
        ],
        showIf: { match: "all", clauses: [{ field: "x", op: "gt", value: 0 }] },
      },
      { ...a[1], calculate: "x + 2" },
      { ...a[2], unit: "jiwa", aggregation: "sum" },
    ];
    const d = diffPackages(pkg(1, a, { indicators: [], rules: [], targets: [] }), pkg(2, b, { indicators: [], rules: [], targets: [] }));
    const byKey = Object.fromEntries(d.fields.changed.map((f) => [f.key, f.aspects.map((x) => x.aspect)]));
    expect(byKey).toEqual({ jenis: ["choices", "showIf"], total: ["calculate"], x: ["unit"] });
  });

  it("reports forms, sections, targets and rules", () => {
    const prev = pkg(1, base);
    const next = pkg(2, base, {
      targets: [
        { indicator: "cakupan_k6", year: 2025, scope: { level: "national" }, value: 95, profile: { type: "flat" }, source: "x" },
        { indicator: "cakupan_k6", year: 2026, scope: { level: "national" }, value: 100, profile: { type: "flat" }, source: "x" },
      ],
      rules: [{ ...prev.rules[0], severity: "error" }],
    });
    next.forms = [
      { ...next.forms[0], title: t("Bulanan baru"), sections: [...next.forms[0].sections, { key: "anak", title: t("Anak"), fields: [] }] },
      { key: "tahunan", title: t("Tahunan"), periodType: "year", source: "x", sections: [] },
    ];
    const d = diffPackages(prev, next);
    expect(d.forms.added.map((f) => f.key)).toEqual(["tahunan"]);
    expect(d.forms.changed[0].aspects.map((a) => a.aspect)).toEqual(["title"]);
    expect(d.sections.added).toEqual([{ form: "bulanan", key: "anak", title: t("Anak") }]);
    expect(d.targets.changed).toEqual([{ indicator: "cakupan_k6", year: 2025, level: "national", org: null, before: 100, after: 95 }]);
    expect(d.targets.added).toHaveLength(1);
    expect(d.rules.changed[0].aspects).toEqual([{ aspect: "severity", before: "warning", after: "error" }]);
  });

  it("treats a first version as all new", () => {
    const d = diffPackages(null, pkg(1, base));
    expect(d.fromVersion).toBeNull();
    expect(d.fields.added).toHaveLength(3);
    expect(d.indicators.added).toHaveLength(2);
  });

  it("diffs the real national package against itself as empty", () => {
    expect(diffPackages(seedPackage, { ...seedPackage, version: 2 }).empty).toBe(true);
  });
});

describe("formulaIdentifiers", () => {
  it("finds keys inside calls and count_units, none for broken formulas", () => {
    expect([...formulaIdentifiers("count_units(a and b) + sum(c) * 2")].sort()).toEqual(["a", "b", "c"]);
    expect(formulaIdentifiers("a +")).toEqual(new Set());
    expect(formulaIdentifiers(undefined)).toEqual(new Set());
  });
});

describe("publishRefusals", () => {
  it("accepts a first version and unchanged types", () => {
    expect(publishRefusals([], pkg(1, base))).toEqual([]);
    expect(publishRefusals([pkg(1, base)], pkg(2, [{ ...base[0], label: t("Baru") }, base[1]]))).toEqual([]);
  });

  it("refuses a type change of a published field, naming the field", () => {
    const errors = publishRefusals([pkg(1, base)], pkg(2, [{ ...base[0], type: "number" }, base[1], base[2]]));
    expect(errors.map((e) => [e.code, e.pointer])).toEqual([["FIELD_TYPE_CHANGED", "/forms/0/sections/0/fields/0/type"]]);
    expect(errors[0].message).toContain("Ibu hamil K6");
    expect(errors[0].message).toContain("bumil_k6");
  });

  it("refuses a type change against ANY earlier version, not only the previous one", () => {
    // v1 had bumil_k6 as integer; v2 removed it; v3 has it again as text.
    const v3 = pkg(3, [{ ...base[0], type: "text" }]);
    const errors = publishRefusals([pkg(1, base), pkg(2, [base[1]])], v3);
    expect(errors.map((e) => e.code)).toEqual(["KEY_REUSED"]);
    expect(errors[0].pointer).toBe("/forms/0/sections/0/fields/0/key");
  });

  it("refuses reusing a removed key with another unit, accepts it with the same meaning", () => {
    const history = [pkg(1, base), pkg(2, [base[1], base[2]])];
    expect(publishRefusals(history, pkg(3, [{ ...base[0], unit: "dosis" }])).map((e) => e.code)).toEqual(["KEY_REUSED"]);
    expect(publishRefusals(history, pkg(3, [{ ...base[0] }]))).toEqual([]);
  });

  it("refuses changing the reporting period of a published form", () => {
    const next = pkg(2, base);
    next.forms[0] = { ...next.forms[0], periodType: "quarter" };
    expect(publishRefusals([pkg(1, base)], next).map((e) => [e.code, e.pointer])).toEqual([["FORM_PERIOD_CHANGED", "/forms/0/periodType"]]);
  });

  it("history keeps every type and unit a key was published with", () => {
    const h = publishedFieldHistory([pkg(2, [{ ...base[0], label: t("Baru") }]), pkg(1, base)]);
    expect(h.get("bumil_k6")).toMatchObject({ type: "integer", unit: "orang", label: "Baru", lastVersion: 2 });
    expect(h.get("sasaran")?.lastVersion).toBe(1);
  });
});
