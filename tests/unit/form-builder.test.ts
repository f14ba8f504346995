/**
 * Pure helpers of the form builder (app/components/designer/forms): key generation, document
 * edits, the inline checks the admin sees while typing, and the preview's drawable form.
 */
import { describe, expect, it } from "vitest";
import { findCycles } from "@engine/package/semantics";
import { applyCalculations } from "@engine/forms/calculate";
import { hiddenByShowIf } from "@engine/forms/show-if";
import type { Field, Form, TemplatePackage } from "@engine";
import { checkForms, messagesAt, operatorsFor } from "~/components/designer/forms/checks";
import {
  addField,
  addForm,
  addSection,
  moveFieldTo,
  moveSection,
  newField,
  renameFieldKey,
  stepField,
  withNewChoice,
  withType,
} from "~/components/designer/forms/doc";
import { isValidKey } from "@engine";
import { choiceValue, keyAfterRelabel, slugKey, uniqueKey } from "~/components/designer/forms/keys";
import { previewForm } from "~/components/designer/forms/preview";

function field(key: string, type: Field["type"], extra: Partial<Field> = {}): Field {
  return { key, type, label: { id: key.replace(/_/g, " ") }, ...extra };
}

function pkgWith(fields: Field[], more: Field[] = []): TemplatePackage {
  const sections = [{ key: "umum", title: { id: "Umum" }, fields }];
  if (more.length) sections.push({ key: "lain", title: { id: "Lain" }, fields: more });
  return {
    key: "uji",
    version: 1,
    title: { id: "Uji" },
    owner: "nasional",
    source: "uji",
    groups: [],
    forms: [{ key: "f1", title: { id: "Formulir" }, periodType: "month", source: "uji", sections }],
    indicators: [],
    targets: [],
    rules: [],
  };
}

const NONE = { published: {} };
const codesAt = (pkg: TemplatePackage, pointer: string, context = NONE) =>
  checkForms(pkg, context)
    .filter((p) => p.pointer === pointer)
    .map((p) => p.code);

describe("keys", () => {
  it("makes a valid key from any label", () => {
    expect(slugKey("Jumlah Ibu Hamil (K1)")).toBe("jumlah_ibu_hamil_k1");
    expect(slugKey("Café — posyandu")).toBe("cafe_posyandu");
    expect(slugKey("1. Kunjungan")).toBe("isian_1_kunjungan");
    expect(slugKey("<script>alert(1)</script>")).toBe("script_alert_1_script");
    expect(slugKey("   ")).toBe("isian");
    expect(slugKey("a".repeat(200)).length).toBeLessThanOrEqual(56);
    for (const label of ["Jumlah Ibu Hamil (K1)", "1. Kunjungan", "???", "Ñandú", "a".repeat(300)]) expect(isValidKey(slugKey(label)), label).toBe(true);
  });

  it("refuses invalid keys", () => {
    for (const key of ["", "1abc", "Abc", "a-b", "a b", "constructor", "__proto__", "a".repeat(65)]) expect(isValidKey(key), key).toBe(false);
    expect(isValidKey("a".repeat(64))).toBe(true);
  });

  it("keeps keys unique", () => {
    expect(uniqueKey("ada", new Set(["ada", "ada_2"]))).toBe("ada_3");
    expect(choiceValue("Penuh (semua klaster)", new Set())).toBe("penuh_semua_klaster");
    expect(choiceValue("Ya", new Set(["ya"]))).toBe("ya_2");
  });

  it("lets the key follow the label until the admin types one or it is published", () => {
    const f = field("jumlah_kader", "integer", { label: { id: "Jumlah kader" } });
    expect(keyAfterRelabel(f, "Jumlah kader aktif", new Set(["jumlah_kader"]), false)).toBe("jumlah_kader_aktif");
    expect(keyAfterRelabel(f, "Jumlah kader aktif", new Set(["jumlah_kader"]), true)).toBe("jumlah_kader");
    const typed = { ...f, key: "kader" };
    expect(keyAfterRelabel(typed, "Jumlah kader aktif", new Set(["kader"]), false)).toBe("kader");
    expect(keyAfterRelabel(f, "Ada", new Set(["jumlah_kader", "ada"]), false)).toBe("ada_2");
    expect(keyAfterRelabel({ ...f, key: "lokal_jumlah_kader" }, "Kader", new Set(), false, "lokal_")).toBe("lokal_kader");
  });
});

describe("document edits", () => {
  it("adds a form with a key from its title and one section", () => {
    const { pkg, index } = addForm(pkgWith([field("a", "integer")]), "Formulir Posyandu", "quarter", "Bagian 1");
    expect(index).toBe(1);
    expect(pkg.forms[1]).toMatchObject({ key: "formulir_posyandu", periodType: "quarter", sections: [{ key: "bagian_1", fields: [] }] });
    const again = addForm(pkg, "Formulir Posyandu", "month", "Bagian 1").pkg;
    expect(again.forms[2].key).toBe("formulir_posyandu_2");
  });

  it("creates palette fields with package-unique keys", () => {
    const pkg = pkgWith([field("pertanyaan_ya_tidak_baru", "boolean")]);
    expect(newField(pkg, "boolean", "Pertanyaan ya/tidak baru")).toMatchObject({ key: "pertanyaan_ya_tidak_baru_2", type: "boolean" });
    expect(newField(pkg, "calculated", "Total")).toEqual({ key: "total", type: "number", label: { id: "Total" }, calculate: "" });
    expect(newField(pkg, "choice", "Status")).toMatchObject({ type: "choice", choices: [] });
    expect(newField(pkg, "integer", "Kader", "lokal_").key).toBe("lokal_kader");
  });

  it("moves fields inside a section and across sections, by step and by drop", () => {
    const pkg = pkgWith([field("a", "integer"), field("b", "integer"), field("c", "integer")], [field("d", "integer")]);
    const keys = (p: TemplatePackage) => p.forms[0].sections.map((s) => s.fields.map((f) => f.key).join(""));
    const down = stepField(pkg, { form: 0, section: 0, index: 0 }, 1)!;
    expect(keys(down.pkg)).toEqual(["bac", "d"]);
    expect(down.pos).toEqual({ form: 0, section: 0, index: 1 });
    const across = stepField(pkg, { form: 0, section: 0, index: 2 }, 1)!;
    expect(keys(across.pkg)).toEqual(["ab", "cd"]);
    const back = stepField(across.pkg, across.pos, -1)!;
    expect(keys(back.pkg)).toEqual(["abc", "d"]);
    expect(stepField(pkg, { form: 0, section: 0, index: 0 }, -1)).toBeUndefined();
    expect(stepField(pkg, { form: 0, section: 1, index: 0 }, 1)).toBeUndefined();
    expect(keys(moveFieldTo(pkg, { form: 0, section: 0, index: 0 }, { section: 0, index: 3 }))).toEqual(["bca", "d"]);
    expect(keys(moveFieldTo(pkg, { form: 0, section: 1, index: 0 }, { section: 0, index: 0 }))).toEqual(["dabc", ""]);
    expect(moveSection(pkg, 0, 1, 0).forms[0].sections.map((s) => s.key)).toEqual(["lain", "umum"]);
    // The original is never mutated.
    expect(keys(pkg)).toEqual(["abc", "d"]);
  });

  it("renames a key together with the show-if clauses that read it", () => {
    const pkg = pkgWith([
      field("ada", "boolean"),
      field("jumlah", "integer", { showIf: { match: "all", clauses: [{ field: "ada", op: "eq", value: true }] } }),
    ]);
    const next = renameFieldKey(pkg, { form: 0, section: 0, index: 0 }, "ada_posbindu");
    expect(next.forms[0].sections[0].fields[1].showIf!.clauses[0].field).toBe("ada_posbindu");
  });

  it("adds sections, choices, and drops properties a new type does not allow", () => {
    const pkg = addSection(pkgWith([field("a", "integer")]), 0, "Umum");
    expect(pkg.forms[0].sections[1].key).toBe("umum_2");
    const choice = withNewChoice(withNewChoice(field("s", "choice", { choices: [] }), "Ya"), "Ya");
    expect(choice.choices!.map((c) => c.value)).toEqual(["ya", "ya_2"]);
    const text = withType(field("n", "integer", { min: 0, max: 5, aggregation: "last", calculate: "1" }), "text");
    expect(text).toEqual({ key: "n", type: "text", label: { id: "n" } });
    expect(addField(pkg, 0, 1, field("b", "date")).pos).toEqual({ form: 0, section: 1, index: 0 });
  });
});

describe("inline checks (bad input)", () => {
  const f = (i: number) => `/forms/0/sections/0/fields/${i}`;

  it("reports an empty label with how to fix it, in Bahasa Indonesia", () => {
    const pkg = pkgWith([field("a", "integer", { label: { id: "  " } })]);
    const [problem] = checkForms(pkg, NONE).filter((p) => p.pointer === `${f(0)}/label/id`);
    expect(problem.code).toBe("EMPTY_LABEL");
    expect(problem.message).toMatch(/Label masih kosong\. Tulis/);
    expect(checkForms(pkg, NONE, "en").find((p) => p.code === "EMPTY_LABEL")!.message).toMatch(/label is empty/);
  });

  it("reports duplicate keys across the package, and keys equal to an indicator key", () => {
    const pkg = pkgWith([field("a", "integer"), field("a", "integer")]);
    expect(codesAt(pkg, `${f(1)}/key`)).toEqual(["DUPLICATE_KEY"]);
    expect(codesAt(pkg, `${f(0)}/key`)).toEqual([]);
    const other = addForm(pkg, "Dua", "month", "Bagian").pkg;
    const withDup = { ...other, forms: [other.forms[0], { ...other.forms[1], sections: [{ ...other.forms[1].sections[0], fields: [field("a", "text")] }] }] };
    expect(codesAt(withDup, "/forms/1/sections/0/fields/0/key")).toEqual(["DUPLICATE_KEY"]);
    const ind = {
      ...pkgWith([field("cakupan", "integer")]),
      indicators: [{ key: "cakupan", name: { id: "C" }, group: "g", numerator: "1" }],
    } as TemplatePackage;
    expect(codesAt(ind, `${f(0)}/key`)).toEqual(["DUPLICATE_KEY"]);
  });

  it("reports invalid keys", () => {
    expect(codesAt(pkgWith([field("Jumlah Kader", "integer")]), `${f(0)}/key`)).toEqual(["INVALID_KEY"]);
    expect(codesAt(pkgWith([field("constructor", "integer")]), `${f(0)}/key`)).toEqual(["INVALID_KEY"]);
  });

  it("reports min > max and fractional bounds of whole numbers", () => {
    const pkg = pkgWith([field("a", "integer", { min: 10, max: 2 }), field("b", "integer", { min: 0.5 })]);
    expect(codesAt(pkg, `${f(0)}/max`)).toEqual(["MIN_GT_MAX"]);
    expect(checkForms(pkg, NONE).find((p) => p.code === "MIN_GT_MAX")!.message).toContain("(10)");
    expect(codesAt(pkg, `${f(1)}/min`)).toEqual(["NOT_INTEGER"]);
    expect(codesAt(pkgWith([field("a", "integer", { min: 2, max: 2 })]), `${f(0)}/max`)).toEqual([]);
  });

  it("reports choice fields without choices, empty and duplicate choices", () => {
    expect(codesAt(pkgWith([field("s", "choice", { choices: [] })]), `${f(0)}/choices`)).toEqual(["CHOICES_REQUIRED"]);
    expect(codesAt(pkgWith([field("s", "multichoice")]), `${f(0)}/choices`)).toEqual(["CHOICES_REQUIRED"]);
    const pkg = pkgWith([
      field("s", "choice", {
        choices: [
          { value: "x", label: { id: "" } },
          { value: "x", label: { id: "X" } },
        ],
      }),
    ]);
    expect(codesAt(pkg, `${f(0)}/choices/0/label/id`)).toEqual(["EMPTY_LABEL"]);
    expect(codesAt(pkg, `${f(0)}/choices/1/value`)).toEqual(["DUPLICATE_CHOICE"]);
  });

  it("reports show-if clauses about later, unknown or the same field, and missing values", () => {
    const cond = (fieldKey: string, op: "eq" | "filled" | "gt" = "eq", value?: number | string | boolean) => ({
      showIf: { match: "all" as const, clauses: [{ field: fieldKey, op, ...(value !== undefined ? { value } : {}) }] },
    });
    const pkg = pkgWith([
      field("a", "integer", cond("b", "filled")),
      field("b", "boolean"),
      field("c", "integer", cond("tidak_ada", "filled")),
      field("d", "integer", cond("d", "filled")),
      field("e", "integer", cond("b", "eq")),
      field("g", "integer", cond("b", "gt", 1)),
    ]);
    expect(codesAt(pkg, `${f(0)}/showIf/clauses/0/field`)).toEqual(["LATER_FIELD"]);
    expect(codesAt(pkg, `${f(2)}/showIf/clauses/0/field`)).toEqual(["UNKNOWN_FIELD"]);
    expect(codesAt(pkg, `${f(3)}/showIf/clauses/0/field`)).toEqual(["SELF_REFERENCE"]);
    expect(codesAt(pkg, `${f(4)}/showIf/clauses/0/value`)).toEqual(["BAD_CONDITION"]);
    expect(codesAt(pkg, `${f(5)}/showIf/clauses/0/op`)).toEqual(["BAD_CONDITION"]);
    expect(checkForms(pkg, NONE).find((p) => p.code === "LATER_FIELD")!.message).toMatch(/di bawah isian ini/);
  });

  it("reports empty formulas, formula errors and circular calculated fields", () => {
    const pkg = pkgWith([
      field("a", "number", { calculate: "b + 1" }),
      field("b", "number", { calculate: "a * 2" }),
      field("c", "number", { calculate: "" }),
      field("d", "number", { calculate: "tidak_ada + 1" }),
      field("e", "number", { calculate: "a > 1" }),
    ]);
    expect(codesAt(pkg, `${f(0)}/calculate`)).toEqual(["CIRCULAR"]);
    expect(checkForms(pkg, NONE).find((p) => p.code === "CIRCULAR")!.message).toContain("a → b → a");
    expect(codesAt(pkg, `${f(2)}/calculate`)).toEqual(["FORMULA_EMPTY"]);
    expect(codesAt(pkg, `${f(3)}/calculate`).length).toBeGreaterThan(0);
    expect(codesAt(pkg, `${f(4)}/calculate`)).toEqual(["FORMULA_TYPE"]);
  });

  it("reports a published field whose type changed", () => {
    const pkg = pkgWith([field("a", "text")]);
    const context = { published: { a: { type: "integer" as const, label: "a" } } };
    expect(codesAt(pkg, `${f(0)}/type`, context)).toEqual(["PUBLISHED_TYPE"]);
    expect(codesAt(pkgWith([field("a", "integer")]), `${f(0)}/type`, context)).toEqual([]);
  });

  it("reports empty sections, empty titles and optional+required", () => {
    const pkg = addSection(pkgWith([field("a", "integer", { required: true, optional: true })]), 0, " ");
    expect(codesAt(pkg, "/forms/0/sections/1/fields")).toEqual(["EMPTY_SECTION"]);
    expect(codesAt(pkg, "/forms/0/sections/1/title/id")).toEqual(["EMPTY_LABEL"]);
    expect(codesAt(pkg, `${f(0)}/optional`)).toEqual(["OPTIONAL_REQUIRED"]);
  });

  it("finds nothing wrong in a sound form", () => {
    const pkg = pkgWith([
      field("ada", "boolean"),
      field("jumlah", "integer", { min: 0, max: 100, showIf: { match: "all", clauses: [{ field: "ada", op: "eq", value: true }] } }),
      field("dua_kali", "number", { calculate: "jumlah * 2" }),
      field("status", "choice", { choices: [{ value: "penuh", label: { id: "Penuh" } }] }),
    ]);
    expect(checkForms(pkg, NONE)).toEqual([]);
  });

  it("finds each cycle once, first key repeated last, ignoring keys outside the graph", () => {
    expect(
      findCycles(
        new Map([
          ["a", ["b"]],
          ["b", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "a"]]);
    expect(
      findCycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a", "x"]],
          ["d", ["d"]],
        ]),
      ),
    ).toEqual([
      ["a", "b", "c", "a"],
      ["d", "d"],
    ]);
    expect(
      findCycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("collects messages under a pointer once each", () => {
    const problems = [
      { pointer: "/forms/0/x", message: "A" },
      { pointer: "/forms/0/x/y", message: "A" },
      { pointer: "/forms/0/xy", message: "B" },
    ];
    expect(messagesAt(problems, "/forms/0/x")).toEqual(["A"]);
    expect(messagesAt(problems, "/forms/0/x", true)).toEqual(["A"]);
  });

  it("offers order operators only for numbers and dates", () => {
    expect(operatorsFor("boolean")).toEqual(["eq", "ne", "filled", "empty"]);
    expect(operatorsFor("integer")).toContain("gt");
    expect(operatorsFor("date")).toContain("lte");
  });
});

describe("preview form", () => {
  it("leaves out what cannot be drawn yet and keeps show-if and calculations live", () => {
    const form: Form = pkgWith([
      field("ada", "boolean"),
      field("jumlah", "integer", {
        max: 10,
        showIf: {
          match: "all",
          clauses: [
            { field: "ada", op: "eq", value: true },
            { field: "ada", op: "eq" },
          ],
        },
      }),
      field("dua_kali", "number", { calculate: "jumlah * 2" }),
      field("rusak", "number", { calculate: "jumlah +" }),
      field("status", "choice", { choices: [] }),
      field("dari_rusak", "number", { calculate: "rusak + 1" }),
    ]).forms[0];
    const { form: drawn, skipped } = previewForm(form);
    // A calculated field reading one that is left out goes too (it could not be computed).
    expect(skipped.sort()).toEqual(["dari rusak", "rusak", "status"]);
    const keys = drawn.sections[0].fields.map((x) => x.key);
    expect(keys).toEqual(["ada", "jumlah", "dua_kali"]);
    // The half-built clause (no value) is dropped; the complete one still works.
    expect(drawn.sections[0].fields[1].showIf!.clauses).toHaveLength(1);
    expect([...hiddenByShowIf(drawn, { ada: false })]).toEqual(["jumlah"]);
    expect(applyCalculations(drawn, { ada: true, jumlah: 4 }, new Set()).dua_kali).toBe(8);
  });

  it("returns the form itself when all of it can be drawn", () => {
    const form = pkgWith([field("a", "integer")]).forms[0];
    expect(previewForm(form).form).toBe(form);
  });
});
