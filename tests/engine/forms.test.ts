import rjsfValidator from "@rjsf/validator-ajv8";
import { describe, expect, it } from "vitest";
import {
  applyCalculations,
  compileRawSchema,
  createFormAjv,
  evaluateShowIf,
  formToJsonSchema,
  getFormValidator,
  hiddenByShowIf,
  pruneHidden,
  validateSubmission,
} from "@engine/server";
import type { Form } from "@engine";

const t = (id: string, en?: string) => (en ? { id, en } : { id });

function sampleForm(): Form {
  return {
    key: "spm_bulanan",
    title: t("Capaian SPM (bulanan)", "SPM achievement (monthly)"),
    periodType: "month",
    source: "test",
    sections: [
      {
        key: "ibu",
        title: t("Ibu hamil", "Pregnant women"),
        fields: [
          { key: "k1", type: "integer", label: t("Ibu hamil K1"), unit: "orang", min: 0, max: 5000, required: true, help: t("Jumlah kunjungan pertama") },
          { key: "k6", type: "integer", label: t("Ibu hamil K6"), unit: "orang", min: 0, max: 5000 },
          { key: "k_total", type: "integer", label: t("Total K1 + K6"), calculate: "k1 + k6" },
          { key: "rasio", type: "number", label: t("Rasio K6/K1"), calculate: "k6 / k1" },
          { key: "lengkap", type: "boolean", label: t("Semua K6?"), calculate: "k6 >= k1" },
        ],
      },
      {
        key: "layanan",
        title: t("Layanan"),
        fields: [
          { key: "ada_posyandu", type: "boolean", label: t("Ada posyandu?", "Any posyandu?"), required: true },
          {
            key: "jenis_posyandu",
            type: "choice",
            label: t("Jenis posyandu"),
            required: true,
            choices: [
              { value: "pratama", label: t("Pratama") },
              { value: "madya", label: t("Madya") },
            ],
            showIf: { match: "all", clauses: [{ field: "ada_posyandu", op: "eq", value: true }] },
          },
          {
            key: "jumlah_kader",
            type: "integer",
            label: t("Jumlah kader"),
            min: 0,
            showIf: { match: "all", clauses: [{ field: "jenis_posyandu", op: "eq", value: "madya" }] },
          },
          {
            key: "kader_terlatih",
            type: "integer",
            label: t("Kader terlatih"),
            min: 0,
            showIf: { match: "all", clauses: [{ field: "jumlah_kader", op: "gt", value: 0 }] },
          },
          {
            key: "alasan_tidak_ada",
            type: "text",
            label: t("Alasan tidak ada posyandu"),
            maxLength: 100,
            showIf: { match: "all", clauses: [{ field: "jenis_posyandu", op: "empty" }] },
          },
          {
            key: "kegiatan",
            type: "multichoice",
            label: t("Kegiatan"),
            choices: [
              { value: "timbang", label: t("Penimbangan") },
              { value: "imunisasi", label: t("Imunisasi") },
            ],
          },
          { key: "tanggal", type: "date", label: t("Tanggal laporan") },
          { key: "catatan", type: "text", label: t("Catatan"), optional: true },
        ],
      },
    ],
  };
}

describe("formToJsonSchema", () => {
  it("derives a flat draft-07 schema with sections in the uiSchema", () => {
    const { schema, uiSchema } = formToJsonSchema(sampleForm());
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(uiSchema["ui:order"]);
    expect(uiSchema["ui:sections"].map((s) => [s.key, s.title, s.fields.length])).toEqual([
      ["ibu", "Ibu hamil", 5],
      ["layanan", "Layanan", 8],
    ]);
    expect(schema.properties.k1).toEqual({ type: "integer", title: "Ibu hamil K1 (orang)", minimum: 0, maximum: 5000 });
    expect(uiSchema.k1).toEqual({ "ui:help": "Jumlah kunjungan pertama" });
    // Required only when always visible and not calculated.
    expect(schema.required).toEqual(["k1", "ada_posyandu"]);
  });

  it("maps every field type", () => {
    const { schema, uiSchema } = formToJsonSchema(sampleForm());
    expect(schema.properties.jenis_posyandu).toEqual({
      type: "string",
      title: "Jenis posyandu",
      oneOf: [
        { const: "pratama", title: "Pratama" },
        { const: "madya", title: "Madya" },
      ],
    });
    expect(schema.properties.kegiatan).toMatchObject({ type: "array", uniqueItems: true, maxItems: 2, items: { type: "string" } });
    expect(uiSchema.kegiatan).toEqual({ "ui:widget": "checkboxes" });
    expect(schema.properties.tanggal).toEqual({ type: "string", title: "Tanggal laporan", format: "date", maxLength: 10 });
    expect(schema.properties.alasan_tidak_ada).toMatchObject({ type: "string", maxLength: 100 });
    expect(schema.properties.catatan).toMatchObject({ type: "string", maxLength: 500 });
    expect(uiSchema.catatan).toEqual({ "ui:widget": "textarea" });
    expect(schema.properties.ada_posyandu).toMatchObject({
      type: "boolean",
      oneOf: [
        { const: true, title: "Ya" },
        { const: false, title: "Tidak" },
      ],
    });
    expect(schema.properties.k_total).toMatchObject({ type: "integer", readOnly: true });
    expect(uiSchema.k_total).toEqual({ "ui:readonly": true });
  });

  it("uses English labels when asked, falling back to Bahasa Indonesia", () => {
    const { schema, uiSchema } = formToJsonSchema(sampleForm(), { locale: "en" });
    expect(schema.title).toBe("SPM achievement (monthly)");
    expect(schema.properties.ada_posyandu).toMatchObject({ title: "Any posyandu?", oneOf: [{ title: "Yes" }, { title: "No" }] });
    expect(schema.properties.k1.title).toBe("Ibu hamil K1 (orang)");
    expect(uiSchema["ui:sections"][0].title).toBe("Pregnant women");
  });

  it("@rjsf/validator-ajv8 accepts the derived schema and agrees with the server", () => {
    const { schema } = formToJsonSchema(sampleForm());
    const good = { k1: 10, ada_posyandu: true, jenis_posyandu: "madya", kegiatan: ["imunisasi"], tanggal: "2025-01-31" };
    expect(rjsfValidator.validateFormData(good, schema as never).errors).toEqual([]);
    expect(validateSubmission(sampleForm(), good).ok).toBe(true);
    const bad = { k1: -1, ada_posyandu: true, jenis_posyandu: "utama" };
    const fields = rjsfValidator.validateFormData(bad, schema as never).errors.map((e) => e.property);
    expect(fields).toEqual(expect.arrayContaining([".k1", ".jenis_posyandu"]));
    expect(validateSubmission(sampleForm(), bad).errors.map((e) => e.field)).toEqual(["k1", "jenis_posyandu"]);
  });

  it("leaves out fields hidden by the overlay", () => {
    const { schema, uiSchema } = formToJsonSchema(sampleForm(), { hiddenFields: ["catatan"] });
    expect(schema.properties).not.toHaveProperty("catatan");
    expect(uiSchema["ui:order"]).not.toContain("catatan");
  });

  it("passes the intake gate and compiles in strict Ajv (what rjsf's validator would do)", () => {
    const { schema } = formToJsonSchema(sampleForm());
    const gated = compileRawSchema(schema);
    expect(gated.errors).toEqual([]);
    expect(() => createFormAjv().compile(schema)).not.toThrow();
  });
});

describe("show-if", () => {
  it("evaluates clauses with all/any; comparisons with no answer are false", () => {
    const cond = {
      match: "all" as const,
      clauses: [
        { field: "a", op: "gt" as const, value: 3 },
        { field: "b", op: "filled" as const },
      ],
    };
    expect(evaluateShowIf(cond, { a: 4, b: "x" })).toBe(true);
    expect(evaluateShowIf(cond, { a: 3, b: "x" })).toBe(false);
    expect(evaluateShowIf({ ...cond, match: "any" }, { a: 3, b: "x" })).toBe(true);
    expect(evaluateShowIf({ match: "all", clauses: [{ field: "a", op: "ne", value: 1 }] }, {})).toBe(false);
    expect(evaluateShowIf({ match: "all", clauses: [{ field: "a", op: "empty" }] }, { a: "" })).toBe(true);
    expect(evaluateShowIf({ match: "all", clauses: [{ field: "m", op: "eq", value: "x" }] }, { m: ["y", "x"] })).toBe(true);
    expect(evaluateShowIf({ match: "all", clauses: [{ field: "d", op: "lt", value: "2025-06-01" }] }, { d: "2025-05-31" })).toBe(true);
    // Inherited members are not answers.
    expect(evaluateShowIf({ match: "all", clauses: [{ field: "constructor", op: "filled" }] }, {})).toBe(false);
  });

  it("prunes a chain: hiding one field hides the fields that depend on it", () => {
    const data = { k1: 1, ada_posyandu: false, jenis_posyandu: "madya", jumlah_kader: 5, kader_terlatih: 3 };
    const pruned = pruneHidden(sampleForm(), data);
    expect(pruned).toEqual({ k1: 1, ada_posyandu: false });
    expect(data.jenis_posyandu).toBe("madya"); // input untouched
  });

  it("a hidden field counts as empty for later conditions (fixpoint, not one pass)", () => {
    const data = { ada_posyandu: false, jenis_posyandu: "madya", alasan_tidak_ada: "jauh" };
    // jenis_posyandu is hidden, so it is empty, so alasan_tidak_ada is shown and kept.
    expect(pruneHidden(sampleForm(), data)).toEqual({ ada_posyandu: false, alasan_tidak_ada: "jauh" });
    expect([...hiddenByShowIf(sampleForm(), data)].sort()).toEqual(["jenis_posyandu", "jumlah_kader", "kader_terlatih"]);
  });

  it("keeps the chain when every link is visible", () => {
    const data = { ada_posyandu: true, jenis_posyandu: "madya", jumlah_kader: 5, kader_terlatih: 3, alasan_tidak_ada: "x" };
    expect(pruneHidden(sampleForm(), data)).toEqual({ ada_posyandu: true, jenis_posyandu: "madya", jumlah_kader: 5, kader_terlatih: 3 });
  });
});

describe("calculated fields", () => {
  it("computes in dependency order and replaces client values", () => {
    const form: Form = {
      ...sampleForm(),
      sections: [
        {
          key: "s",
          title: t("S"),
          fields: [
            { key: "c", type: "number", label: t("C"), calculate: "b * 2" },
            { key: "b", type: "number", label: t("B"), calculate: "a + 1" },
            { key: "a", type: "number", label: t("A") },
          ],
        },
      ],
    };
    expect(applyCalculations(form, { a: 1, b: 100, c: 100 })).toEqual({ a: 1, b: 2, c: 4 });
  });

  it("missing inputs and division by zero give no value, not zero; integers are rounded", () => {
    const form = sampleForm();
    expect(applyCalculations(form, { k1: 3 })).toEqual({ k1: 3 });
    expect(applyCalculations(form, { k1: 0, k6: 0 })).toEqual({ k1: 0, k6: 0, k_total: 0, lengkap: true });
    expect(applyCalculations(form, { k1: 4, k6: 1 })).toMatchObject({ k_total: 5, rasio: 0.25, lengkap: false });
  });
});

describe("validateSubmission", () => {
  it("accepts a good submission and returns pruned + calculated data", () => {
    const r = validateSubmission(sampleForm(), {
      k1: 10,
      k6: 8,
      k_total: 999,
      ada_posyandu: true,
      jenis_posyandu: "pratama",
      jumlah_kader: 4,
      kegiatan: ["timbang"],
      tanggal: "2025-03-31",
    });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.data).toEqual({
      k1: 10,
      k6: 8,
      ada_posyandu: true,
      jenis_posyandu: "pratama",
      kegiatan: ["timbang"],
      tanggal: "2025-03-31",
      k_total: 18,
      rasio: 0.8,
      lengkap: false,
    });
    expect(r.ignored).toEqual(["k_total"]);
  });

  it("reports every invalid field with an Indonesian message naming the field", () => {
    const r = validateSubmission(sampleForm(), {
      k1: -1,
      k6: 2.5,
      ada_posyandu: true,
      jenis_posyandu: "utama",
      kegiatan: ["timbang", "timbang"],
      tanggal: "2025-02-30",
      catatan: "x".repeat(501),
    });
    expect(r.ok).toBe(false);
    const byField = Object.fromEntries(r.errors.map((e) => [e.field, e]));
    expect(Object.keys(byField)).toEqual(["k1", "k6", "jenis_posyandu", "kegiatan", "tanggal", "catatan"]);
    expect(byField.k1).toMatchObject({ pointer: "/k1", code: "TOO_SMALL" });
    expect(byField.k1.message).toBe('"Ibu hamil K1" paling sedikit 0, tetapi terisi -1. Periksa kembali angkanya.');
    expect(byField.k6.message).toBe('"Ibu hamil K6" harus berupa bilangan bulat. Ganti nilainya.');
    expect(byField.jenis_posyandu.message).toBe('Pilihan untuk "Jenis posyandu" tidak dikenal. Pilih salah satu: Pratama, Madya.');
    expect(byField.kegiatan.code).toBe("DUPLICATE");
    expect(byField.tanggal.message).toMatch(/bukan tanggal yang sah.*TTTT-BB-HH/);
    expect(byField.catatan.message).toMatch(/terlalu panjang: paling banyak 500 karakter/);
    // Nothing the user typed is lost.
    expect(r.data.k1).toBe(-1);
  });

  it("requires visible required fields only", () => {
    const missing = validateSubmission(sampleForm(), { ada_posyandu: true });
    expect(missing.errors.map((e) => [e.field, e.code])).toEqual([
      ["k1", "REQUIRED"],
      ["jenis_posyandu", "REQUIRED"],
    ]);
    expect(missing.errors[0].message).toBe('"Ibu hamil K1" wajib diisi. Isi dulu lalu kirim ulang.');
    // jenis_posyandu is hidden when there is no posyandu, so it is not required.
    expect(validateSubmission(sampleForm(), { k1: 1, ada_posyandu: false, jenis_posyandu: "madya" })).toMatchObject({
      ok: true,
      data: { k1: 1, ada_posyandu: false },
    });
  });

  it("English messages on request", () => {
    const r = validateSubmission(sampleForm(), { ada_posyandu: false }, { locale: "en" });
    expect(r.errors[0].message).toBe('"Ibu hamil K1" is required. Fill it in and submit again.');
  });

  it("strips unknown keys, empties and overlay-hidden fields", () => {
    const r = validateSubmission(
      sampleForm(),
      { k1: 1, ada_posyandu: false, orgUnitId: 7, status: "approved", catatan: "x", k6: null, tanggal: "" },
      { hiddenFields: ["catatan"] },
    );
    expect(r.ok).toBe(true);
    expect(r.data).toEqual({ k1: 1, ada_posyandu: false });
    expect(r.ignored).toEqual(["orgUnitId", "status", "catatan"]);
  });

  it("a form with a broken formula yields FORM_DEFINITION instead of throwing", () => {
    const form = sampleForm();
    form.sections[0].fields[2].calculate = "k1 +";
    expect(validateSubmission(form, { k1: 1 }).errors).toEqual([expect.objectContaining({ field: "", code: "FORM_DEFINITION" })]);
  });

  it("refuses a non-object submission without throwing", () => {
    for (const v of [null, 1, "x", [1]]) expect(validateSubmission(sampleForm(), v).errors[0].code).toBe("WRONG_TYPE");
  });
});

describe("getFormValidator", () => {
  it("compiles once per (form key, version, hidden fields) and returns the cached validator", () => {
    const form = sampleForm();
    const a = getFormValidator(form, { formVersion: 1 });
    expect(getFormValidator(form, { formVersion: 1 })).toBe(a);
    expect(getFormValidator(sampleForm(), { formVersion: 1 })).toBe(a); // same content, other object
    expect(getFormValidator(form, { formVersion: 1, hiddenFields: [] })).toBe(a);
    const hidden = getFormValidator(form, { formVersion: 1, hiddenFields: ["catatan"] });
    expect(hidden).not.toBe(a);
    expect(getFormValidator(form, { formVersion: 1, hiddenFields: ["catatan"] })).toBe(hidden);
    expect(getFormValidator(form, { formVersion: 2 })).not.toBe(a);
    expect(a.fields.map((f) => f.validate)).toEqual(getFormValidator(form, { formVersion: 1 }).fields.map((f) => f.validate));
  });

  it("a changed form under the same key and version gets its own validator", () => {
    const form = sampleForm();
    const changed = sampleForm();
    changed.sections[0].fields[0].max = 10;
    expect(getFormValidator(changed, { formVersion: 1 })).not.toBe(getFormValidator(form, { formVersion: 1 }));
  });
});
