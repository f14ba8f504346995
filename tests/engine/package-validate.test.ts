import { describe, expect, it } from "vitest";
import { validateOverlay, validatePackage, type DocumentError } from "@engine/server";
import type { DistrictOverlay, Field, TemplatePackage } from "@engine";

const t = (id: string) => ({ id });

/** A tiny but complete package: one monthly form, one yearly form, two indicators. */
function miniPackage(): TemplatePackage {
  return {
    key: "ilp-uji",
    version: 1,
    title: t("Paket uji"),
    owner: "nasional",
    source: "default, to be confirmed",
    groups: [{ key: "spm", name: t("SPM") }],
    forms: [
      {
        key: "bulanan",
        title: t("Bulanan"),
        periodType: "month",
        source: "x",
        sections: [
          {
            key: "ibu",
            title: t("Ibu"),
            fields: [
              { key: "bumil_k6", type: "integer", label: t("Ibu hamil K6"), min: 0, max: 10000 },
              { key: "bumil_k1", type: "integer", label: t("Ibu hamil K1"), min: 0 },
              { key: "bumil_total", type: "integer", label: t("Total"), calculate: "bumil_k6 + bumil_k1" },
              { key: "ada_bidan", type: "boolean", label: t("Ada bidan?") },
              {
                key: "jenis_layanan",
                type: "choice",
                label: t("Jenis layanan"),
                choices: [
                  { value: "dalam", label: t("Dalam gedung") },
                  { value: "luar", label: t("Luar gedung") },
                ],
                showIf: { match: "all", clauses: [{ field: "ada_bidan", op: "eq", value: true }] },
              },
              { key: "catatan", type: "text", label: t("Catatan"), optional: true },
            ],
          },
        ],
      },
      {
        key: "tahunan",
        title: t("Tahunan"),
        periodType: "year",
        source: "x",
        sections: [{ key: "sasaran", title: t("Sasaran"), fields: [{ key: "sasaran_bumil", type: "integer", label: t("Sasaran ibu hamil"), min: 0 }] }],
      },
    ],
    indicators: [
      {
        key: "spm_01",
        name: t("Ibu hamil K6"),
        group: "spm",
        numerator: "bumil_k6",
        denominator: "sasaran_bumil",
        factor: 100,
        bands: { green: 100, yellow: 80 },
        source: "x",
      },
    ],
    targets: [{ indicator: "spm_01", year: 2025, scope: { level: "national" }, value: 100, profile: { type: "flat" }, source: "x" }],
    rules: [
      { key: "k6_lebih_sasaran", form: "bulanan", left: "bumil_k6", op: "<=", right: "sasaran_bumil", severity: "warning", message: t("K6 melebihi sasaran") },
    ],
  };
}

function fieldAt(pkg: TemplatePackage, index: number): Field {
  return pkg.forms[0].sections[0].fields[index];
}

function errorsOf(pkg: unknown): DocumentError[] {
  const r = validatePackage(pkg);
  expect(r.ok).toBe(false);
  return r.errors;
}

const FIELDS = "/forms/0/sections/0/fields";

describe("validatePackage", () => {
  it("accepts the mini package and returns it typed", () => {
    const pkg = miniPackage();
    const r = validatePackage(pkg);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.package).toBe(pkg);
  });

  it("stops at the schema when the structure is wrong", () => {
    const pkg = miniPackage() as unknown as Record<string, unknown>;
    delete pkg.groups;
    expect(errorsOf(pkg)[0]).toMatchObject({ pointer: "/groups", code: "REQUIRED" });
  });

  it("field keys are unique across all forms", () => {
    const pkg = miniPackage();
    pkg.forms[1].sections[0].fields[0].key = "bumil_k1";
    pkg.indicators[0].denominator = "bumil_k1";
    pkg.rules[0].right = "bumil_k1";
    const [e] = errorsOf(pkg);
    expect(e).toMatchObject({ pointer: "/forms/1/sections/0/fields/0/key", code: "DUPLICATE_KEY" });
    expect(e.message).toContain(`${FIELDS}/1/key`);
  });

  it("form, section, indicator, rule and group keys are unique", () => {
    const pkg = miniPackage();
    pkg.forms[1].key = "bulanan";
    pkg.forms[0].sections.push({ key: "ibu", title: t("Lagi"), fields: [{ key: "lain", type: "integer", label: t("Lain") }] });
    pkg.indicators.push({ ...pkg.indicators[0] });
    pkg.rules.push({ ...pkg.rules[0] });
    pkg.groups.push({ key: "spm", name: t("SPM lagi") });
    const pointers = errorsOf(pkg)
      .filter((e) => e.code === "DUPLICATE_KEY")
      .map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/forms/1/key", "/forms/0/sections/1/key", "/indicators/1/key", "/rules/1/key", "/groups/1/key"]));
  });

  it("refuses units() in an indicator that counts no field with count_units", () => {
    const pkg = miniPackage();
    pkg.indicators[0].numerator = "bumil_k6 * 0 + units()";
    const [e] = errorsOf(pkg);
    expect(e).toMatchObject({ pointer: "/indicators/0/numerator", code: "UNITS_WITHOUT_COUNT", start: 15, end: 22 });
    expect(e.message).toContain("count_units");
    // With count_units over a field, units() names the units that reported its form.
    pkg.indicators[0].numerator = "count_units(ada_bidan)";
    pkg.indicators[0].denominator = "units()";
    expect(validatePackage(pkg).errors).toEqual([]);
  });

  it("refuses count_units over forms of different reporting levels (decision 036), allows one level or one form of several", () => {
    const pkg = miniPackage();
    pkg.forms[0].reportingLevels = ["posyandu"];
    pkg.forms[1].reportingLevels = ["pustu"];
    const yearly = pkg.forms[1].sections[0].fields[0].key;
    pkg.indicators[0].numerator = `count_units(ada_bidan) + count_units(${yearly} > 0)`;
    pkg.indicators[0].denominator = "units()";
    const [e, ...rest] = errorsOf(pkg);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ pointer: "/indicators/0/numerator", code: "UNITS_MIXED_LEVELS" });
    expect(e.message).toContain("posyandu");
    expect(e.message).toContain("pustu");
    expect(e.messageEn).toContain("Split it into one indicator per reporting level");
    // Puskesmas is the level of a form that names none: still mixed against Posyandu.
    delete pkg.forms[1].reportingLevels;
    expect(errorsOf(pkg).map((x) => x.code)).toEqual(["UNITS_MIXED_LEVELS"]);
    // The same levels on both forms (in any order): allowed.
    pkg.forms[0].reportingLevels = ["pustu", "posyandu"];
    pkg.forms[1].reportingLevels = ["posyandu", "pustu"];
    expect(validatePackage(pkg).errors).toEqual([]);
    // One form reported by several levels: allowed.
    pkg.indicators[0].numerator = "count_units(ada_bidan)";
    expect(validatePackage(pkg).errors).toEqual([]);
  });

  it("an indicator key may not equal a field key", () => {
    const pkg = miniPackage();
    pkg.indicators[0].key = "bumil_k6";
    pkg.targets[0].indicator = "bumil_k6";
    expect(errorsOf(pkg)).toEqual([expect.objectContaining({ pointer: "/indicators/0/key", code: "KEY_COLLISION" })]);
  });

  it("references: targets → indicators, rules → forms, indicators → groups", () => {
    const pkg = miniPackage();
    pkg.targets[0].indicator = "spm_99";
    pkg.rules[0].form = "mingguan";
    pkg.indicators[0].group = "bok";
    const errors = errorsOf(pkg);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: "/targets/0/indicator", code: "UNKNOWN_INDICATOR" }),
        expect.objectContaining({ pointer: "/rules/0/form", code: "UNKNOWN_FORM" }),
        expect.objectContaining({ pointer: "/indicators/0/group", code: "UNKNOWN_GROUP" }),
      ]),
    );
  });

  it("show-if: field must exist in the same form and not be the field itself", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 4).showIf = {
      match: "any",
      clauses: [
        { field: "sasaran_bumil", op: "gt", value: 0 },
        { field: "jenis_layanan", op: "filled" },
      ],
    };
    expect(errorsOf(pkg)).toEqual([
      expect.objectContaining({ pointer: `${FIELDS}/4/showIf/clauses/0/field`, code: "UNKNOWN_FIELD" }),
      expect.objectContaining({ pointer: `${FIELDS}/4/showIf/clauses/1/field`, code: "SELF_REFERENCE" }),
    ]);
  });

  it("show-if: operator, value type and choice value are checked", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 5).showIf = {
      match: "all",
      clauses: [
        { field: "jenis_layanan", op: "gt", value: "dalam" },
        { field: "jenis_layanan", op: "eq", value: "rumah" },
        { field: "bumil_k6", op: "eq", value: "5" },
        { field: "ada_bidan", op: "eq" },
      ],
    };
    expect(errorsOf(pkg).map((e) => [e.pointer, e.code])).toEqual([
      [`${FIELDS}/5/showIf/clauses/0/op`, "BAD_CONDITION"],
      [`${FIELDS}/5/showIf/clauses/1/value`, "UNKNOWN_CHOICE"],
      [`${FIELDS}/5/showIf/clauses/2/value`, "BAD_CONDITION"],
      [`${FIELDS}/5/showIf/clauses/3/value`, "BAD_CONDITION"],
    ]);
  });

  it("show-if cycles are refused", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 3).showIf = { match: "all", clauses: [{ field: "jenis_layanan", op: "filled" }] };
    const [e] = errorsOf(pkg);
    expect(e).toMatchObject({ code: "SHOWIF_CYCLE", cycle: ["ada_bidan", "jenis_layanan", "ada_bidan"] });
  });

  it("calculated field formulas: unknown field with pointer and character position", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 2).calculate = "bumil_k6 + bumil_k9";
    const [e] = errorsOf(pkg);
    expect(e).toMatchObject({ pointer: `${FIELDS}/2/calculate`, code: "UNKNOWN_IDENTIFIER", formulaCode: "UNKNOWN_IDENTIFIER", start: 11, end: 19 });
    expect(e.message).toMatch(/bumil_k9/);
  });

  it("calculated fields see only fields of their own form", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 2).calculate = "sasaran_bumil";
    expect(errorsOf(pkg)[0]).toMatchObject({ pointer: `${FIELDS}/2/calculate`, code: "UNKNOWN_IDENTIFIER", start: 0, end: 13 });
  });

  it("calculated field result type must match the field type", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 2).calculate = "bumil_k6 > bumil_k1";
    expect(errorsOf(pkg)[0]).toMatchObject({ pointer: `${FIELDS}/2/calculate`, code: "FORMULA_TYPE" });
  });

  it("circular calculated fields are reported with the cycle", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 0).calculate = "bumil_total - bumil_k1";
    const errors = errorsOf(pkg);
    expect(errors).toEqual([expect.objectContaining({ code: "CIRCULAR", pointer: `${FIELDS}/0/calculate`, cycle: ["bumil_k6", "bumil_total", "bumil_k6"] })]);
    const self = miniPackage();
    fieldAt(self, 2).calculate = "bumil_total + 1";
    expect(errorsOf(self)[0]).toMatchObject({ code: "CIRCULAR", cycle: ["bumil_total", "bumil_total"] });
  });

  it("indicator formulas see all numeric/boolean fields and must be numbers", () => {
    const pkg = miniPackage();
    pkg.indicators[0].numerator = "catatan";
    pkg.indicators[0].denominator = "ada_bidan";
    expect(errorsOf(pkg)).toEqual([
      expect.objectContaining({ pointer: "/indicators/0/numerator", code: "UNKNOWN_IDENTIFIER", start: 0, end: 7 }),
      expect.objectContaining({ pointer: "/indicators/0/denominator", code: "FORMULA_TYPE" }),
    ]);
  });

  it("indicator formulas may use count_units; calculated fields may not", () => {
    const pkg = miniPackage();
    pkg.indicators[0].numerator = "count_units(ada_bidan)";
    pkg.indicators[0].denominator = "units()";
    expect(validatePackage(pkg).errors).toEqual([]);
    fieldAt(pkg, 2).calculate = "count_units(ada_bidan)";
    expect(errorsOf(pkg)[0]).toMatchObject({ pointer: `${FIELDS}/2/calculate` });
  });

  it("rule formulas see the rule's form and the yearly forms, and the operator needs matching types", () => {
    const pkg = miniPackage();
    pkg.forms.push({
      key: "lain",
      title: t("Lain"),
      periodType: "month",
      source: "x",
      sections: [{ key: "x", title: t("X"), fields: [{ key: "lain_n", type: "integer", label: t("N") }] }],
    });
    pkg.rules[0].right = "lain_n";
    expect(errorsOf(pkg)[0]).toMatchObject({ pointer: "/rules/0/right", code: "UNKNOWN_IDENTIFIER" });
    const typed = miniPackage();
    typed.rules[0].left = "ada_bidan";
    expect(errorsOf(typed)[0]).toMatchObject({ pointer: "/rules/0/op", code: "RULE_TYPE" });
  });

  it("min ≤ max, bounds only on numbers", () => {
    const pkg = miniPackage();
    Object.assign(fieldAt(pkg, 0), { min: 10, max: 5 });
    Object.assign(fieldAt(pkg, 5), { min: 1 });
    expect(errorsOf(pkg)).toEqual([
      expect.objectContaining({ pointer: `${FIELDS}/0/min`, code: "MIN_GT_MAX" }),
      expect.objectContaining({ pointer: `${FIELDS}/5/min`, code: "PROPERTY_NOT_ALLOWED" }),
    ]);
  });

  it("choices: unique values, required for choice fields", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 4).choices!.push({ value: "dalam", label: t("Dalam lagi") });
    expect(errorsOf(pkg)).toEqual([expect.objectContaining({ pointer: `${FIELDS}/4/choices/2/value`, code: "DUPLICATE_CHOICE" })]);
    const none = miniPackage();
    delete fieldAt(none, 4).choices;
    fieldAt(none, 4).showIf = undefined;
    delete fieldAt(none, 4).showIf;
    expect(errorsOf(none)).toEqual([expect.objectContaining({ pointer: `${FIELDS}/4/choices`, code: "CHOICES_REQUIRED" })]);
  });

  it("optional (hideable) fields cannot be required", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 5).required = true;
    expect(errorsOf(pkg)).toEqual([expect.objectContaining({ pointer: `${FIELDS}/5/optional`, code: "OPTIONAL_REQUIRED" })]);
  });

  it("national packages may not use lokal_ keys; effective packages may", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 5).key = "lokal_catatan";
    expect(errorsOf(pkg)).toEqual([expect.objectContaining({ pointer: `${FIELDS}/5/key`, code: "LOCAL_KEY_IN_NATIONAL" })]);
    expect(validatePackage(pkg, { allowLocalKeys: true }).ok).toBe(true);
  });

  it("bands: green ≥ yellow", () => {
    const pkg = miniPackage();
    pkg.indicators[0].bands = { green: 70, yellow: 90 };
    expect(errorsOf(pkg)).toEqual([expect.objectContaining({ pointer: "/indicators/0/bands/yellow", code: "BANDS_ORDER" })]);
  });

  it("target profiles: quarterly needs 4 values, monthly 12; duplicates refused", () => {
    const pkg = miniPackage();
    pkg.targets[0].profile = { type: "quarterly", values: [25, 50, 75] };
    pkg.targets.push({
      indicator: "spm_01",
      year: 2025,
      scope: { level: "district", org: "13.73" },
      value: 95,
      profile: { type: "monthly", values: [1, 2, 3] },
      source: "x",
    });
    pkg.targets.push({ ...pkg.targets[1], profile: { type: "flat" } });
    expect(errorsOf(pkg)).toEqual([
      expect.objectContaining({ pointer: "/targets/0/profile/values", code: "PROFILE_LENGTH" }),
      expect.objectContaining({ pointer: "/targets/1/profile/values", code: "PROFILE_LENGTH" }),
      expect.objectContaining({ pointer: "/targets/2", code: "DUPLICATE_TARGET" }),
    ]);
  });

  it("every error has a pointer, a code and both messages", () => {
    const pkg = miniPackage();
    fieldAt(pkg, 2).calculate = "(bumil_k6 +";
    pkg.indicators[0].bands = { green: 1, yellow: 2 };
    for (const e of errorsOf(pkg)) {
      expect(e.pointer).toMatch(/^\//);
      expect(e.code).toMatch(/^[A-Z_]+$/);
      expect(e.message.length).toBeGreaterThan(10);
      expect(e.messageEn.length).toBeGreaterThan(10);
    }
  });
});

describe("validateOverlay", () => {
  const base = miniPackage();
  const overlay = (operations: DistrictOverlay["operations"]): DistrictOverlay => ({
    package: "ilp-uji",
    baseVersion: 1,
    district: "13.73",
    title: t("Overlay uji"),
    version: 1,
    operations,
  });

  it("accepts safe operations on existing keys", () => {
    const r = validateOverlay(
      overlay([
        {
          op: "setTarget",
          target: {
            indicator: "spm_01",
            year: 2025,
            scope: { level: "district", org: "13.73" },
            value: 90,
            profile: { type: "linear-cumulative" },
            source: "SK Bupati",
          },
        },
        { op: "setBands", indicator: "spm_01", bands: { green: 90, yellow: 70 } },
        { op: "hideField", form: "bulanan", field: "catatan" },
        {
          op: "addField",
          form: "bulanan",
          section: "ibu",
          after: "bumil_k1",
          field: { key: "lokal_bumil_risti", type: "integer", label: t("Ibu hamil risti"), min: 0 },
        },
        { op: "addIndicator", indicator: { key: "lokal_01", name: t("Risti"), group: "spm", numerator: "lokal_bumil_risti", source: "x" } },
        {
          op: "addRule",
          rule: { key: "lokal_r1", form: "bulanan", left: "lokal_bumil_risti", op: "<=", right: "bumil_k6", severity: "warning", message: t("Cek") },
        },
        { op: "relabel", form: "bulanan", field: "lokal_bumil_risti", label: t("Bumil risiko tinggi") },
        { op: "relabel", indicator: "lokal_01", label: t("Risti lokal") },
        { op: "relabel", form: "bulanan", section: "ibu", label: t("Kesehatan ibu") },
      ]),
      base,
    );
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("refuses unknown references, non-lokal_ keys, hiding required fields and targets outside the district", () => {
    const r = validateOverlay(
      overlay([
        {
          op: "setTarget",
          target: { indicator: "spm_01", year: 2025, scope: { level: "district", org: "13.71" }, value: 90, profile: { type: "flat" }, source: "x" },
        },
        { op: "setBands", indicator: "spm_77", bands: { green: 90, yellow: 70 } },
        { op: "hideField", form: "bulanan", field: "bumil_k6" },
        { op: "addField", form: "bulanan", section: "anak", field: { key: "lokal_x", type: "integer", label: t("X") } },
        { op: "addField", form: "bulanan", section: "ibu", field: { key: "risti", type: "integer", label: t("X") } },
        { op: "addIndicator", indicator: { key: "spm_01", name: t("X"), group: "spm", numerator: "1", source: "x" } },
        { op: "relabel", label: t("Apa?") },
      ]),
      base,
    );
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.pointer, e.code])).toEqual([
      ["/operations/0/target/scope", "SCOPE_OUTSIDE_DISTRICT"],
      ["/operations/1/indicator", "UNKNOWN_REFERENCE"],
      ["/operations/2/field", "FIELD_NOT_OPTIONAL"],
      ["/operations/3/section", "UNKNOWN_REFERENCE"],
      ["/operations/4/field/key", "LOCAL_KEY_REQUIRED"],
      ["/operations/5/indicator/key", "LOCAL_KEY_REQUIRED"],
      ["/operations/6", "RELABEL_TARGET"],
    ]);
  });

  it("refuses an overlay of another package and malformed overlays", () => {
    expect(validateOverlay({ ...overlay([]), package: "lain" }, base).errors[0]).toMatchObject({ pointer: "/package", code: "PACKAGE_MISMATCH" });
    expect(validateOverlay({ ...overlay([]), operations: [{ op: "hideField", form: "bulanan" }] }, base).errors[0]).toMatchObject({
      pointer: "/operations/0/field",
      code: "REQUIRED",
    });
  });
});

describe("every broken part listed", () => {
  it("reports a schema error in each broken form, indicator and target at once, with pointers", async () => {
    const fs = await import("node:fs");
    const { validatePackage: validate } = await import("@engine/server");
    const doc = JSON.parse(fs.readFileSync("seeds/packages/ilp-nasional.v1.json", "utf8"));
    doc.forms[0].sections[0].fields[0].type = "integr";
    doc.indicators[1].direction = "up";
    doc.targets[0].year = "2025";
    const result = validate(doc);
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.pointer)).toEqual(["/forms/0/sections/0/fields/0/type", "/indicators/1/direction", "/targets/0/year"]);
  });
});
