/**
 * Local forms in district adaptations: an overlay adds a whole form (lokal_ key, lokal_ fields),
 * local indicators read it, the designer's edited document derives it back, rebase keeps it, and
 * a national form's reporting levels and "applies to" stay national.
 */
import { describe, expect, test } from "vitest";
import type { DistrictOverlay, Form, OverlayOperation } from "@engine/documents";
import { applyOverlay, rebaseOverlay } from "@engine/overlay";
import { deriveOverlay, describeOverlay, editableView } from "@engine/overlay-derive";
import { checkOverlaySemantics } from "@engine/package/semantics";
import { computeScorecard } from "@engine/scorecard";
import { fixturePackage, rowRef } from "./helpers";

const DISTRICT = "13.73";

function overlay(operations: OverlayOperation[]): DistrictOverlay {
  return { package: "ilp-uji", baseVersion: 1, district: DISTRICT, title: { id: "Sawahlunto" }, version: 1, operations };
}

/** A district's monthly form for its own "lokus" Puskesmas group. */
function localForm(extra: Partial<Form> = {}): Form {
  return {
    key: "lokal_lokus_ilp",
    title: { id: "Pemantauan lokus ILP kota", en: "City ILP focus monitoring" },
    periodType: "month",
    source: "Keputusan Kepala Dinkes Kota Sawahlunto (contoh)",
    appliesTo: { groups: ["lokus_ilp_2025"] },
    sections: [
      {
        key: "lokal_kunjungan",
        title: { id: "Kunjungan" },
        fields: [
          { key: "lokal_rumah_sasaran", type: "integer", label: { id: "Rumah sasaran" }, min: 0 },
          { key: "lokal_rumah_dikunjungi", type: "integer", label: { id: "Rumah dikunjungi" }, min: 0 },
          { key: "lokal_sisa", type: "integer", label: { id: "Belum dikunjungi" }, calculate: "lokal_rumah_sasaran - lokal_rumah_dikunjungi" },
        ],
      },
    ],
    ...extra,
  } as Form;
}

const localIndicator = {
  key: "lokal_kunjungan_rumah",
  name: { id: "% rumah sasaran dikunjungi" },
  group: "ilp",
  numerator: "lokal_rumah_dikunjungi",
  denominator: "lokal_rumah_sasaran",
  factor: 100,
  source: "lokal",
};

describe("applyOverlay: addForm", () => {
  test("a local form is added whole, marked local, and a local indicator over it is computed", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addForm", form: localForm() },
        { op: "addIndicator", indicator: localIndicator },
      ]),
    );
    expect(r.problems).toEqual([]);
    const added = r.package.forms.find((f) => f.key === "lokal_lokus_ilp")!;
    expect(added.appliesTo).toEqual({ groups: ["lokus_ilp_2025"] });
    expect(r.origins.forms.get("lokal_lokus_ilp")).toBe("local");
    expect(r.origins.sections.get("lokal_lokus_ilp/lokal_kunjungan")).toBe("local");
    expect(r.origins.fields.get("lokal_rumah_dikunjungi")).toBe("local");
    const sc = computeScorecard(
      r.package,
      { period: "2025-03", rows: [rowRef("P1")], indicators: ["lokal_kunjungan_rumah"], trend: false },
      {
        facts: [
          {
            row: "P1",
            window: "current",
            totals: { lokal_rumah_dikunjungi: 30, lokal_rumah_sasaran: 40 },
            reported: { lokal_lokus_ilp: 1 },
            expected: { lokal_lokus_ilp: 1 },
          },
        ],
      },
    );
    expect(sc.rows[0].cells[0]).toMatchObject({ indicator: "lokal_kunjungan_rumah", value: 75 });
  });

  test("keys: the form and every field need the lokal_ prefix and must be new; a title and a section are required", () => {
    const base = fixturePackage();
    const national = base.forms[0];
    const r = applyOverlay(
      base,
      overlay([
        { op: "addForm", form: localForm({ key: "lokus_ilp" }) },
        { op: "addForm", form: localForm({ key: national.key }) },
        {
          op: "addForm",
          form: localForm({ key: "lokal_b", sections: [{ key: "s", title: { id: "S" }, fields: [{ key: "kader", type: "integer", label: { id: "K" } }] }] }),
        },
        {
          op: "addForm",
          form: localForm({ key: "lokal_c", sections: [{ key: "s", title: { id: "S" }, fields: [{ key: "bumil_k6", type: "integer", label: { id: "K" } }] }] }),
        },
        { op: "addForm", form: localForm({ key: "lokal_d", title: { id: " " } }) },
        { op: "addForm", form: localForm({ key: "lokal_e", sections: [] }) },
        { op: "addForm", form: localForm() },
        { op: "addForm", form: localForm({ key: "lokal_lain" }) },
      ]),
    );
    expect(r.problems.map((p) => [p.op, p.code])).toEqual([
      [0, "NOT_LOCAL_KEY"],
      [1, "NOT_LOCAL_KEY"],
      [2, "NOT_LOCAL_KEY"],
      [3, "NOT_LOCAL_KEY"],
      [4, "BAD_LABEL"],
      [5, "LOCAL_FORM_EMPTY"],
      [7, "KEY_EXISTS"],
    ]);
    expect(r.problems[0].message).toContain('Kode formulir tambahan kabupaten/kota harus diawali "lokal_"');
    expect(r.problems[6].message).toContain('"lokal_rumah_sasaran" sudah dipakai');
    expect(r.applied).toEqual([6]);
    expect(r.package.forms.map((f) => f.key)).toEqual([...base.forms.map((f) => f.key), "lokal_lokus_ilp"]);
  });

  test("a calculated field of a local form may read only that form's fields", () => {
    const form = localForm();
    form.sections[0].fields[2] = { key: "lokal_sisa", type: "integer", label: { id: "Sisa" }, calculate: "bumil_k6 - lokal_rumah_dikunjungi" } as never;
    const r = applyOverlay(fixturePackage(), overlay([{ op: "addForm", form }]));
    expect(r.problems.map((p) => p.code)).toEqual(["BAD_FORMULA"]);
    expect(r.problems[0].message).toContain("bumil_k6");
  });

  test("the overlay's semantic check refuses the same things before publication", () => {
    const base = fixturePackage();
    const ok = checkOverlaySemantics(
      overlay([
        { op: "addForm", form: localForm() },
        { op: "addIndicator", indicator: localIndicator },
      ]),
      base,
    );
    expect(ok).toEqual([]);
    const bad = checkOverlaySemantics(
      overlay([
        { op: "addForm", form: localForm({ key: "lokus" }) },
        { op: "addForm", form: localForm() },
        { op: "addForm", form: localForm() },
      ]),
      base,
    );
    expect(bad.map((e) => e.pointer)).toEqual(["/operations/0/form/key", "/operations/2/form/key"]);
  });
});

describe("deriveOverlay and the designer round trip", () => {
  test("a lokal_ form typed in the designer becomes one addForm, first, and reads back the same", () => {
    const base = fixturePackage();
    const edited = structuredClone(base);
    edited.forms.push(localForm());
    edited.indicators.push(localIndicator as never);
    const d = deriveOverlay(base, edited, [], { district: DISTRICT, title: { id: "Sawahlunto" }, version: 2 });
    expect(d.problems).toEqual([]);
    expect(d.overlay.operations.map((o) => o.op)).toEqual(["addForm", "addIndicator"]);
    expect(d.pointers[0]).toBe(`/forms/${base.forms.length}`);
    const view = editableView(base, d.overlay);
    expect(view.problems).toEqual([]);
    expect(view.package.forms.at(-1)).toEqual(localForm());
    expect(view.origins.forms.get("lokal_lokus_ilp")).toBe("local");
    expect(describeOverlay(base, d.overlay)).toContain('Formulir lokal baru "Pemantauan lokus ILP kota" (lokal_lokus_ilp) dengan 3 isian.');
    expect(describeOverlay(base, d.overlay, "en")).toContain('New local form "City ILP focus monitoring" (lokal_lokus_ilp) with 3 fields.');
  });
});

describe("rebaseOverlay keeps local forms", () => {
  test("a new national version keeps the local form; a national key equal to a local field's is a conflict with a reason", () => {
    const ops: OverlayOperation[] = [{ op: "addForm", form: localForm() }];
    const v2 = fixturePackage();
    v2.version = 2;
    expect(rebaseOverlay(overlay(ops), fixturePackage(), v2).conflicts).toEqual([]);
    const v3 = fixturePackage();
    v3.version = 3;
    v3.forms[0].sections[0].fields.push({ key: "lokal_rumah_sasaran", type: "integer", label: { id: "x" } } as never);
    const r = rebaseOverlay(overlay(ops), fixturePackage(), v3);
    expect(r.conflicts.map((c) => c.code)).toEqual(["KEY_EXISTS"]);
    expect(r.conflicts[0].reason).toContain("Versi nasional 3 memakai kode");
  });
});
