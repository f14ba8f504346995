/**
 * The designer's "who reports" settings without a server (decision 036): how the checkboxes
 * write a form's reporting levels and groups into the document, and which "applies to" keys are
 * problems (one per unknown key, at its place, in both languages; not-yet-valid documents too),
 * and likewise the keys indicator formulas read with in_group (decision 039).
 */
import { describe, expect, it } from "vitest";
import type { Form } from "@engine";
import { withAppliesTo, withReportingLevels } from "~/components/designer/forms/ReportingSettings";
import { appliesToProblems, appliesToProblemsOfText, groupKeyProblemsOfText, inGroupProblems } from "~/models/designer-groups.server";

const form: Form = { key: "rekap", title: { id: "Rekap" }, periodType: "month", source: "x", sections: [] };

describe("reporting levels and groups in the document", () => {
  it("stores levels in the schema's order and leaves Puskesmas alone out (the default)", () => {
    expect(withReportingLevels(form, ["posyandu", "pustu"]).reportingLevels).toEqual(["pustu", "posyandu"]);
    expect("reportingLevels" in withReportingLevels({ ...form, reportingLevels: ["pustu"] }, ["puskesmas"])).toBe(false);
    expect(withReportingLevels(form, ["puskesmas", "posyandu"]).reportingLevels).toEqual(["puskesmas", "posyandu"]);
    expect(withReportingLevels(form, ["pustu", "pustu"]).reportingLevels).toEqual(["pustu"]);
  });

  it("stores groups as appliesTo and leaves it out when none is chosen", () => {
    expect(withAppliesTo(form, ["blud"]).appliesTo).toEqual({ groups: ["blud"] });
    expect("appliesTo" in withAppliesTo({ ...form, appliesTo: { groups: ["blud"] } }, [])).toBe(false);
  });
});

describe("appliesTo problems", () => {
  const groups = [{ key: "blud" }, { key: "rawat_inap" }];
  const doc = {
    forms: [{ key: "a", appliesTo: { groups: ["blud", "lokus_2025"] } }, { key: "b" }, { key: "c", appliesTo: { groups: ["rawat_inap", "blud_", 7] } }],
  };

  it("names every unknown key at its place, in Bahasa Indonesia or English", () => {
    const id = appliesToProblems(doc, groups, "id");
    expect(id.map((p) => [p.pointer, p.code])).toEqual([
      ["/forms/0/appliesTo/groups/1", "UNKNOWN_GROUP_KEY"],
      ["/forms/2/appliesTo/groups/1", "UNKNOWN_GROUP_KEY"],
    ]);
    expect(id[0].message).toContain('Kelompok "lokus_2025" tidak ada atau tidak dapat Anda lihat');
    expect(appliesToProblems(doc, groups, "en")[1].message).toContain('The group "blud_" does not exist');
  });

  it("finds none when every key is known, and none in what is not a package or not JSON", () => {
    expect(appliesToProblems(doc, [...groups, { key: "lokus_2025" }, { key: "blud_" }], "id")).toEqual([]);
    for (const nothing of [null, 3, "x", { forms: "x" }, { forms: [null, { appliesTo: null }, { appliesTo: { groups: "blud" } }] }])
      expect(appliesToProblems(nothing, groups, "id")).toEqual([]);
    expect(appliesToProblemsOfText("{ not json", groups, "id")).toEqual([]);
    expect(appliesToProblemsOfText(JSON.stringify(doc), groups, "id")).toHaveLength(2);
  });
});

describe("in_group problems", () => {
  const groups = [{ key: "blud" }, { key: "terpencil" }];
  const doc = {
    forms: [{ key: "a", appliesTo: { groups: ["lokus_2025"] } }],
    indicators: [
      { key: "i0", numerator: "count_units(in_group(blud) and ikm >= 76.61)", denominator: "count_units(in_group(blud))" },
      { key: "i1", numerator: "count_units(in_group(lokus_2025) and lokmin)", denominator: "count_units(in_group(terpencil) or in_group(rawat_inap))" },
      { key: "i2", numerator: "count_units(lokmin)" },
      { key: "i3", numerator: "in_group(typo_x)" },
      { key: "i4", numerator: "count_units(in_group(a + b))", denominator: 7 },
      null,
    ],
  };

  it("names every unknown key at its formula, in Bahasa Indonesia or English; a context error still names its key", () => {
    const id = inGroupProblems(doc, groups, "id");
    expect(id.map((p) => [p.pointer, p.code])).toEqual([
      ["/indicators/1/numerator", "UNKNOWN_GROUP_KEY"],
      ["/indicators/1/denominator", "UNKNOWN_GROUP_KEY"],
      ["/indicators/3/numerator", "UNKNOWN_GROUP_KEY"],
    ]);
    expect(id[0].message).toContain('Rumus memakai in_group(lokus_2025), tetapi kelompok "lokus_2025" tidak ada atau tidak dapat Anda lihat');
    expect(id[1].message).toContain('"rawat_inap"');
    expect(inGroupProblems(doc, groups, "en")[2].message).toContain('The formula uses in_group(typo_x), but the group "typo_x" does not exist');
  });

  it("finds none when every key is known; the designer's list has both kinds of group problems", () => {
    expect(inGroupProblems(doc, [...groups, { key: "lokus_2025" }, { key: "rawat_inap" }, { key: "typo_x" }], "id")).toEqual([]);
    for (const nothing of [null, 3, { indicators: "x" }, { indicators: [{ numerator: 5 }] }]) expect(inGroupProblems(nothing, groups, "id")).toEqual([]);
    expect(groupKeyProblemsOfText(JSON.stringify(doc), groups, "id").map((p) => p.pointer)).toEqual([
      "/forms/0/appliesTo/groups/0",
      "/indicators/1/numerator",
      "/indicators/1/denominator",
      "/indicators/3/numerator",
    ]);
    expect(groupKeyProblemsOfText("{ not json", groups, "id")).toEqual([]);
  });
});
