/**
 * Inputs that provoke every package message (engine/package/package-messages.ts): semantic
 * checks of a template package and of a district overlay, and the refusals of publishing.
 */
import type { DistrictOverlay, Field, OverlayOperation, TemplatePackage } from "@engine/documents";
import { checkOverlaySemantics, checkPackageSemantics, publishRefusals, type DocumentError } from "@engine/server";
import { fixturePackage } from "./helpers";

export interface PackageMessageCase {
  name: string;
  run: () => DocumentError[];
}

/** The fixture package with `edit` applied to a copy. */
function packageWith(edit: (p: TemplatePackage) => void): TemplatePackage {
  const pkg = fixturePackage();
  edit(pkg);
  return pkg;
}

const fields = (pkg: TemplatePackage, form = 0) => pkg.forms[form].sections[0].fields;
const addField = (pkg: TemplatePackage, field: Record<string, unknown>, form = 0) => fields(pkg, form).push(field as unknown as Field);
const semantics = (edit: (p: TemplatePackage) => void, options = {}) => checkPackageSemantics(packageWith(edit), options);

function overlay(operations: unknown[], extra: Partial<DistrictOverlay> = {}): DocumentError[] {
  const o: DistrictOverlay = {
    package: "ilp-uji",
    baseVersion: 1,
    district: "13.73",
    title: { id: "Sawahlunto" },
    version: 1,
    operations: operations as OverlayOperation[],
    ...extra,
  };
  return checkOverlaySemantics(o, fixturePackage());
}

const label = { id: "Isian uji", en: "Test field" };

export const PACKAGE_MESSAGE_CASES: PackageMessageCase[] = [
  // ---- fields
  { name: "formula type", run: () => semantics((p) => addField(p, { key: "hitung", type: "integer", label, calculate: "bumil_k6 > 1" })) },
  { name: "property not allowed", run: () => semantics((p) => addField(p, { key: "teks", type: "text", label, min: 1 })) },
  { name: "min > max", run: () => semantics((p) => addField(p, { key: "angka", type: "number", label, min: 5, max: 1 })) },
  { name: "not integer", run: () => semantics((p) => addField(p, { key: "bulat", type: "integer", label, max: 1.5 })) },
  { name: "choices required", run: () => semantics((p) => addField(p, { key: "pilih", type: "choice", label })) },
  {
    name: "duplicate choice",
    run: () =>
      semantics((p) =>
        addField(p, {
          key: "pilih",
          type: "choice",
          label,
          choices: [
            { value: "a", label: { id: "A" } },
            { value: "a", label: { id: "B" } },
          ],
        }),
      ),
  },
  { name: "optional and required", run: () => semantics((p) => addField(p, { key: "dua", type: "integer", label, optional: true, required: true })) },
  // ---- show-if conditions
  ...(
    [
      ["self reference", { field: "x", op: "filled" }],
      ["unknown field", { field: "tidak_ada", op: "filled" }],
      ["value unused", { field: "bumil_k6", op: "filled", value: 1 }],
      ["value missing", { field: "bumil_k6", op: "eq" }],
      ["order operator", { field: "lokmin", op: "gt", value: true }],
      ["value type", { field: "bumil_k6", op: "eq", value: "satu" }],
      ["unknown choice", { field: "pilih", op: "eq", value: "c" }],
    ] as const
  ).map(([name, clause]) => ({
    name: `condition: ${name}`,
    run: () =>
      semantics((p) => {
        addField(p, { key: "pilih", type: "choice", label, choices: [{ value: "a", label: { id: "A" } }] });
        addField(p, { key: "x", type: "integer", label, showIf: { match: "all", clauses: [clause] } });
      }),
  })),
  {
    name: "circular calculation",
    run: () =>
      semantics((p) => {
        addField(p, { key: "a1", type: "integer", label, calculate: "a2 + 1" });
        addField(p, { key: "a2", type: "integer", label, calculate: "a1 + 1" });
      }),
  },
  {
    name: "show-if cycle",
    run: () =>
      semantics((p) => {
        addField(p, { key: "s1", type: "integer", label, showIf: { match: "all", clauses: [{ field: "s2", op: "filled" }] } });
        addField(p, { key: "s2", type: "integer", label, showIf: { match: "all", clauses: [{ field: "s1", op: "filled" }] } });
      }),
  },
  // ---- keys, indicators, targets, rules
  { name: "duplicate key", run: () => semantics((p) => addField(p, { key: "bumil_k6", type: "integer", label })) },
  { name: "local key in a national package", run: () => semantics((p) => addField(p, { key: "lokal_x", type: "integer", label })) },
  { name: "key collision", run: () => semantics((p) => (p.indicators[3].key = "kematian_ibu")) },
  { name: "unknown group", run: () => semantics((p) => (p.indicators[0].group = "tidak_ada")) },
  { name: "bands order", run: () => semantics((p) => (p.indicators[0].bands = { green: 50, yellow: 80 })) },
  { name: "units without count", run: () => semantics((p) => (p.indicators[3].denominator = "units()")) },
  {
    name: "units over forms of different reporting levels",
    run: () =>
      semantics((p) => {
        p.forms[0].reportingLevels = ["posyandu"];
        p.indicators[1].numerator = "count_units(sk_klaster and bumil_k6 > 0)";
      }),
  },
  { name: "unknown indicator", run: () => semantics((p) => (p.targets[0].indicator = "tidak_ada")) },
  {
    name: "profile length",
    run: () => semantics((p) => (p.targets[0].profile = { type: "quarterly", values: [1, 2] } as unknown as TemplatePackage["targets"][0]["profile"])),
  },
  { name: "duplicate target", run: () => semantics((p) => p.targets.push(structuredClone(p.targets[0]))) },
  { name: "unknown form", run: () => semantics((p) => (p.rules[0].form = "tidak_ada")) },
  { name: "rule type, ordered", run: () => semantics((p) => Object.assign(p.rules[0], { left: "lokmin", op: ">=", right: "lokmin" })) },
  { name: "rule type, mixed", run: () => semantics((p) => Object.assign(p.rules[0], { left: "lokmin", op: "==", right: "bumil_k6" })) },
  // ---- overlays
  { name: "overlay for another package", run: () => overlay([], { package: "lain" }) },
  {
    name: "overlay target outside the district",
    run: () =>
      overlay([
        { op: "setTarget", target: { indicator: "tidak_ada", year: 2025, scope: { level: "national" }, value: 1, profile: { type: "flat" }, source: "x" } },
      ]),
  },
  { name: "overlay hides a required field", run: () => overlay([{ op: "hideField", form: "spm_bulanan", field: "bumil_k6" }]) },
  { name: "overlay: unknown form", run: () => overlay([{ op: "hideField", form: "tidak_ada", field: "x" }]) },
  { name: "overlay: field of another form", run: () => overlay([{ op: "hideField", form: "spm_bulanan", field: "sasaran_bumil" }]) },
  {
    name: "overlay: unknown section",
    run: () => overlay([{ op: "addField", form: "spm_bulanan", section: "tidak_ada", field: { key: "lokal_x", type: "integer", label } }]),
  },
  {
    name: "overlay: unknown field of a section, key not local",
    run: () => overlay([{ op: "addField", form: "spm_bulanan", section: "ibu", after: "tidak_ada", field: { key: "x", type: "integer", label } }]),
  },
  {
    name: "overlay: duplicate added key",
    run: () =>
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: { key: "lokal_x", type: "integer", label } },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: { key: "lokal_x", type: "integer", label } },
      ]),
  },
  {
    name: "overlay: unknown group",
    run: () => overlay([{ op: "addIndicator", indicator: { key: "lokal_i", name: { id: "I" }, group: "tidak_ada", numerator: "1", source: "x" } }]),
  },
  { name: "overlay: relabel nothing", run: () => overlay([{ op: "relabel", label: { id: "L" } }]) },
  { name: "overlay: relabel an indicator and a form", run: () => overlay([{ op: "relabel", indicator: "spm_01", form: "spm_bulanan", label: { id: "L" } }]) },
  { name: "overlay: relabel an unknown indicator", run: () => overlay([{ op: "relabel", indicator: "tidak_ada", label: { id: "L" } }]) },
  {
    name: "overlay: relabel a section and a field",
    run: () => overlay([{ op: "relabel", form: "spm_bulanan", section: "ibu", field: "bumil_k6", label: { id: "L" } }]),
  },
  { name: "overlay: relabel a section without its form", run: () => overlay([{ op: "relabel", section: "ibu", label: { id: "L" } }]) },
  { name: "overlay: relabel an unknown field", run: () => overlay([{ op: "relabel", field: "tidak_ada", label: { id: "L" } }]) },
  // ---- publishing
  {
    name: "key reused",
    run: () => {
      const v1 = fixturePackage();
      const v2 = packageWith((p) => {
        p.version = 2;
        fields(p).splice(1, 1);
      });
      const v3 = packageWith((p) => {
        p.version = 3;
        fields(p)[1] = { ...fields(p)[1], type: "text" } as Field;
      });
      return publishRefusals([v1, v2], v3);
    },
  },
  {
    name: "field type changed, form period changed",
    run: () =>
      publishRefusals(
        [fixturePackage()],
        packageWith((p) => {
          p.version = 2;
          fields(p)[0] = { ...fields(p)[0], type: "number" } as Field;
          p.forms[1].periodType = "quarter";
        }),
      ),
  },
];
