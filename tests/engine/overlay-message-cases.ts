/**
 * Inputs that provoke every overlay message (engine/overlay-messages.ts): each case runs
 * applyOverlay, rebaseOverlay or deriveOverlay on the fixture package and returns the problems
 * (rebase conflicts included, with their reason as `message`). The engine functions are passed in,
 * so the same cases can run against another build of the engine.
 */
import type { DistrictOverlay, Field, Form, Indicator, OverlayOperation, Target, TemplatePackage, ValidationRule } from "@engine/documents";
import type { applyOverlay, rebaseOverlay } from "@engine/overlay";
import type { deriveOverlay } from "@engine/overlay-derive";
import { fixturePackage } from "./helpers";

export interface OverlayEngine {
  applyOverlay: typeof applyOverlay;
  rebaseOverlay: typeof rebaseOverlay;
  deriveOverlay: typeof deriveOverlay;
}

/** What a case reports: the fields all three functions share. */
export interface CaseProblem {
  code: string;
  message: string;
  messageCode?: string;
  params?: Readonly<Record<string, string | number>>;
}

export interface OverlayMessageCase {
  name: string;
  run: (engine: OverlayEngine) => CaseProblem[];
}

const DISTRICT = "13.73";
const INSIDE = new Set([DISTRICT, "P1", "P2"]);
const META = { district: DISTRICT, title: { id: "Penyesuaian Sawahlunto" }, version: 2, inDistrict: INSIDE };

function overlay(operations: unknown[], extra: Partial<DistrictOverlay> = {}): DistrictOverlay {
  return {
    package: "ilp-uji",
    baseVersion: 1,
    district: DISTRICT,
    title: { id: "Sawahlunto" },
    version: 1,
    operations: operations as OverlayOperation[],
    ...extra,
  };
}

const target = (extra: Record<string, unknown> = {}) =>
  ({
    indicator: "spm_01",
    year: 2025,
    scope: { level: "district", org: DISTRICT },
    value: 90,
    profile: { type: "flat" },
    source: "lokal",
    ...extra,
  }) as unknown as Target;
const localField = (key: string, extra: Record<string, unknown> = {}) => ({ key, type: "integer", label: { id: "Isian lokal" }, ...extra }) as unknown as Field;
const localIndicator = (key: string, extra: Record<string, unknown> = {}) =>
  ({ key, name: { id: "Indikator lokal" }, group: "spm", numerator: "bumil_k6", source: "lokal", ...extra }) as unknown as Indicator;
const localRule = (key: string, extra: Record<string, unknown> = {}) =>
  ({
    key,
    form: "spm_bulanan",
    left: "bumil_k6",
    op: ">=",
    right: "0",
    severity: "warning",
    message: { id: "Aturan lokal" },
    ...extra,
  }) as unknown as ValidationRule;

/** The fixture package with `edit` applied to a copy. */
function packageWith(edit: (p: TemplatePackage) => void): TemplatePackage {
  const pkg = fixturePackage();
  edit(pkg);
  return pkg;
}

const section = (pkg: TemplatePackage, form: number) => pkg.forms[form].sections[0];

function apply(
  name: string,
  operations: unknown[],
  options: { extra?: Partial<DistrictOverlay>; base?: (p: TemplatePackage) => void } = {},
): OverlayMessageCase {
  return {
    name,
    run: (e) => e.applyOverlay(packageWith(options.base ?? (() => {})), overlay(operations, options.extra), { inDistrict: INSIDE }).problems,
  };
}

function rebase(name: string, operations: unknown[], next: (p: TemplatePackage) => void): OverlayMessageCase {
  return {
    name,
    run: (e) => {
      const newBase = packageWith((p) => {
        p.version = 2;
        next(p);
      });
      return e.rebaseOverlay(overlay(operations), fixturePackage(), newBase, { inDistrict: INSIDE }).conflicts.map((c) => ({ ...c, message: c.reason }));
    },
  };
}

function derive(name: string, edit: (p: TemplatePackage) => string[] | void): OverlayMessageCase {
  return {
    name,
    run: (e) => {
      const edited = fixturePackage();
      const hidden = edit(edited) ?? [];
      return e.deriveOverlay(fixturePackage(), edited, hidden, META).problems;
    },
  };
}

export const OVERLAY_MESSAGE_CASES: OverlayMessageCase[] = [
  // ---- applyOverlay
  apply("an overlay of another package", [], { extra: { package: "lain" } }),
  apply("an overlay of an older base version", [{ op: "setBands", indicator: "spm_01", bands: { green: 90, yellow: 70 } }], { extra: { baseVersion: 0 } }),
  apply("an unknown operation", [{ op: "dropForm", form: "spm_bulanan" }]),
  apply("local forms", [
    { op: "addForm", form: { key: "lokal_f", title: { id: " " }, periodType: "month", source: "x", sections: [] } },
    { op: "addForm", form: { key: "lokal_g", title: { id: "G" }, periodType: "month", source: "x", sections: [] } },
  ]),
  rebase(
    "a local form whose field key a new national version takes",
    [
      {
        op: "addForm",
        form: {
          key: "lokal_f",
          title: { id: "F" },
          periodType: "month",
          source: "x",
          sections: [{ key: "s", title: { id: "S" }, fields: [localField("lokal_a")] }],
        },
      },
    ],
    (p) => void section(p, 0).fields.push(localField("lokal_a")),
  ),
  apply("local keys", [
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("Lokal-X") },
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("kader") },
    { op: "addIndicator", indicator: localIndicator("stok") },
    { op: "addRule", rule: localRule("aturan_baru") },
  ]),
  apply("keys already used", [
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_a") },
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_a") },
    { op: "addIndicator", indicator: localIndicator("lokal_i") },
    { op: "addIndicator", indicator: localIndicator("lokal_i") },
    { op: "addRule", rule: localRule("lokal_r") },
    { op: "addRule", rule: localRule("lokal_r") },
  ]),
  apply("formulas of local elements", [
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_hitung", { calculate: "tidak_ada + 1" }) },
    { op: "addIndicator", indicator: localIndicator("lokal_i", { numerator: 5 }) },
    { op: "addIndicator", indicator: localIndicator("lokal_j", { denominator: "bumil_k6 +" }) },
    { op: "addRule", rule: localRule("lokal_r", { left: "x &" }) },
    { op: "addRule", rule: localRule("lokal_s", { right: "sasaran_bumil > 1" }) },
  ]),
  apply("targets", [
    { op: "setTarget" },
    { op: "setTarget", target: target({ year: 1800 }) },
    { op: "setTarget", target: target({ value: -1 }) },
    { op: "setTarget", target: target({ profile: { type: "weekly" } }) },
    { op: "setTarget", target: target({ profile: { type: "quarterly", values: [1, 2] } }) },
    { op: "setTarget", target: target({ profile: { type: "monthly", values: [1] } }) },
    { op: "setTarget", target: target({ indicator: "tidak_ada" }) },
    { op: "setTarget", target: target({ scope: { level: "national" } }) },
    { op: "setTarget", target: target({ scope: { level: "district", org: "13.74" } }) },
  ]),
  apply("bands", [
    { op: "setBands", indicator: "tidak_ada", bands: { green: 90, yellow: 70 } },
    { op: "setBands", indicator: "spm_01", bands: { green: 50, yellow: 70 } },
  ]),
  apply("forms, sections and fields that are not there", [
    { op: "hideField", form: "tidak_ada", field: "catatan" },
    { op: "hideField", form: "spm_bulanan", field: "tidak_ada" },
    { op: "addField", form: "spm_bulanan", section: "tidak_ada", field: localField("lokal_a") },
    { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_b"), after: "tidak_ada" },
    { op: "relabel", field: "tidak_ada", label: { id: "x" } },
    { op: "relabel", form: "spm_bulanan", field: "tidak_ada", label: { id: "x" } },
    { op: "relabel", form: "spm_bulanan", section: "tidak_ada", label: { id: "x" } },
    { op: "relabel", form: "tidak_ada", label: { id: "x" } },
    { op: "relabel", indicator: "tidak_ada", label: { id: "x" } },
  ]),
  apply(
    "hiding fields that may not be hidden",
    [
      { op: "hideField", form: "spm_bulanan", field: "bumil_k6" },
      { op: "hideField", form: "spm_bulanan", field: "suhu_min" },
      { op: "hideField", form: "spm_bulanan", field: "antrian_avg" },
      { op: "hideField", form: "spm_bulanan", field: "opsi_aturan" },
      { op: "hideField", form: "tunggal", field: "satu" },
    ],
    {
      base: (p) => {
        const ibu = section(p, 0);
        for (const f of ibu.fields) if (f.key === "suhu_min" || f.key === "antrian_avg") f.optional = true;
        ibu.fields.push(localField("selisih", { calculate: "suhu_max - suhu_min" }), localField("opsi_aturan", { optional: true }));
        p.rules.push(localRule("r_opsi", { left: "opsi_aturan" }));
        p.forms.push({
          key: "tunggal",
          title: { id: "Tunggal" },
          periodType: "month",
          sections: [{ key: "s", title: { id: "S" }, fields: [localField("satu", { optional: true })] }],
        } as unknown as Form);
      },
    },
  ),
  apply("labels", [
    { op: "addField", form: "spm_bulanan", section: "ibu", field: { key: "lokal_a", type: "integer" } },
    { op: "addIndicator", indicator: localIndicator("lokal_i", { name: undefined }) },
    { op: "addRule", rule: localRule("lokal_r", { message: { id: " " } }) },
    { op: "relabel", form: "spm_bulanan", label: {} },
    { op: "relabel", field: "bumil_k6", indicator: "spm_01", label: { id: "x" } },
    { op: "relabel", section: "ibu", label: { id: "x" } },
  ]),
  // ---- rebaseOverlay
  rebase("a hidden field removed nationally", [{ op: "hideField", form: "spm_bulanan", field: "catatan" }], (p) => {
    section(p, 0).fields = section(p, 0).fields.filter((f) => f.key !== "catatan");
  }),
  rebase("a hidden field no longer optional", [{ op: "hideField", form: "spm_bulanan", field: "catatan" }], (p) => {
    for (const f of section(p, 0).fields) if (f.key === "catatan") delete f.optional;
  }),
  rebase(
    "local keys taken nationally",
    [
      { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_a") },
      { op: "addIndicator", indicator: localIndicator("lokal_i") },
    ],
    (p) => {
      section(p, 0).fields.push(localField("lokal_a"));
      p.indicators.push(localIndicator("lokal_i"));
    },
  ),
  rebase(
    "a section and a position gone",
    [
      { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_a") },
      { op: "addField", form: "sasaran_tahunan", section: "sasaran", field: localField("lokal_b"), after: "jumlah_posyandu" },
    ],
    (p) => {
      section(p, 0).key = "ibu_baru";
      section(p, 1).fields = section(p, 1).fields.filter((f) => f.key !== "jumlah_posyandu");
    },
  ),
  rebase("a local formula broken by the new version", [{ op: "addIndicator", indicator: localIndicator("lokal_i", { numerator: "stok_vaksin" }) }], (p) => {
    section(p, 0).fields = section(p, 0).fields.filter((f) => f.key !== "stok_vaksin");
  }),
  rebase(
    "indicators removed nationally",
    [
      { op: "setBands", indicator: "stok", bands: { green: 90, yellow: 70 } },
      { op: "relabel", indicator: "antrian", label: { id: "Antrean" } },
    ],
    (p) => {
      p.indicators = p.indicators.filter((i) => i.key !== "stok" && i.key !== "antrian");
    },
  ),
  rebase("a form removed nationally", [{ op: "addRule", rule: localRule("lokal_r", { form: "ilp_triwulan", left: "posyandu_ilp" }) }], (p) => {
    p.forms = p.forms.filter((f) => f.key !== "ilp_triwulan");
  }),
  // ---- deriveOverlay
  {
    name: "a document that is not an object",
    run: (e) => e.deriveOverlay(fixturePackage(), 42 as unknown as TemplatePackage, [], META).problems,
  },
  derive("the package head", (p) => {
    p.version = 9;
    p.description = { id: "Keterangan baru" };
  }),
  derive("the groups", (p) => void p.groups.push({ key: "lokal_g", name: { id: "G" } } as never)),
  derive("forms", (p) => {
    p.forms[0].title = "x" as never;
    p.forms[0].periodType = "year";
    p.forms[0].description = "x" as never;
    p.forms.push(5 as never);
    p.forms.push({ ...structuredClone(p.forms[1]), key: "form_baru" });
    p.forms.push(structuredClone(p.forms[1]));
    p.forms.splice(2, 1);
  }),
  derive("sections", (p) => {
    const s = p.forms[0].sections;
    s[0].title = null as never;
    s[0].description = "x" as never;
    s.push(5 as never);
    s.push({ key: "lokal_bagian", title: { id: "x" }, fields: [localField("lokal_a")] });
    s.push(structuredClone(s[0]));
    p.forms[1].sections[0].fields.reverse();
    p.forms[2].sections = [];
  }),
  derive("national fields", (p) => {
    const f = section(p, 0).fields;
    f[0].optional = true;
    f[1].type = "number";
    f[2].calculate = "bumil_k6";
    f[3].min = 5;
    f[4].label = "x" as never;
    f.push({ type: "integer" } as never);
    f.push(structuredClone(f[5]));
    f.push(section(p, 2).fields.pop()!);
  }),
  derive("local fields", (p) => {
    section(p, 0).fields.push(localField("Kader-X"), localField("lokal"));
    section(p, 1).fields.unshift(localField("lokal_a"));
  }),
  derive("removed and hidden fields", (p) => {
    section(p, 0).fields = section(p, 0).fields.filter((f) => f.key !== "bumil_k6" && f.key !== "catatan");
    return ["kematian_ibu"];
  }),
  derive("indicators", (p) => {
    const i = p.indicators;
    i[0].numerator = "kematian_ibu";
    i[1].weight = 2;
    i[2].name = "x" as never;
    i[3].bands = "x" as never;
    i.push({} as never, structuredClone(i[4]), localIndicator("baru"));
    i.splice(5, 1);
  }),
  derive("rules", (p) => {
    p.rules[0].severity = p.rules[0].severity === "error" ? "warning" : "error";
    p.rules.push({} as never, structuredClone(p.rules[0]), localRule("baru"));
  }),
  derive("removed rules", (p) => void p.rules.splice(0, 1)),
  derive("targets", (p) => {
    const t = p.targets;
    t[0].value = 1;
    t[1].value = 1;
    t.push({} as never, structuredClone(t[3]), target({ scope: { level: "district", org: "13.74" }, year: 2026 }));
    t.splice(8, 1);
    t.splice(2, 1);
  }),
  derive("operations applyOverlay refuses", (p) => void p.indicators.push(localIndicator("lokal_x", { numerator: "tidak_ada + " }))),
];
