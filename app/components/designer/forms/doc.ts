/**
 * Edits of the package's forms as pure functions: each returns a new package that shares every
 * untouched part with the old one (the designer page keeps the document in React state).
 */
import type { Condition, Field, Form, Section, TemplatePackage } from "@engine";
import { choiceValue, sectionKey, slugKey, takenKeys, uniqueKey } from "./keys";

/** What the palette offers; "calculated" is a number field with a formula. */
export type PaletteKind = Field["type"] | "calculated";

export const PALETTE: readonly PaletteKind[] = ["integer", "number", "boolean", "text", "date", "choice", "multichoice", "calculated"];

/** Where a field sits: form, section, position in the section. */
export interface FieldPos {
  form: number;
  section: number;
  index: number;
}

/** Source line for documents made in the designer (the schema requires one). */
/** A new element's source starts empty: the admin names the regulation (no English placeholder as data). */
export const DESIGNER_SOURCE = "";

function replaceAt<T>(list: readonly T[], i: number, value: T): T[] {
  const out = list.slice();
  out[i] = value;
  return out;
}

function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = list.slice();
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

export function updateForm(pkg: TemplatePackage, fi: number, fn: (form: Form) => Form): TemplatePackage {
  return { ...pkg, forms: replaceAt(pkg.forms, fi, fn(pkg.forms[fi])) };
}

export function updateSection(pkg: TemplatePackage, fi: number, si: number, fn: (s: Section) => Section): TemplatePackage {
  return updateForm(pkg, fi, (form) => ({ ...form, sections: replaceAt(form.sections, si, fn(form.sections[si])) }));
}

export function updateField(pkg: TemplatePackage, pos: FieldPos, fn: (f: Field) => Field): TemplatePackage {
  return updateSection(pkg, pos.form, pos.section, (s) => ({ ...s, fields: replaceAt(s.fields, pos.index, fn(s.fields[pos.index])) }));
}

/** Adds a form with one empty section; its key comes from the title. Returns the new form's index. */
export function addForm(
  pkg: TemplatePackage,
  title: string,
  periodType: Form["periodType"],
  sectionTitle: string,
  prefix = "",
): { pkg: TemplatePackage; index: number } {
  const key = uniqueKey(prefix + slugKey(title, "formulir"), new Set(pkg.forms.map((f) => f.key)));
  const form: Form = {
    key,
    title: { id: title },
    periodType,
    source: DESIGNER_SOURCE,
    sections: [{ key: prefix + slugKey(sectionTitle, "bagian"), title: { id: sectionTitle }, fields: [] }],
  };
  return { pkg: { ...pkg, forms: [...pkg.forms, form] }, index: pkg.forms.length };
}

export function removeForm(pkg: TemplatePackage, fi: number): TemplatePackage {
  return { ...pkg, forms: pkg.forms.filter((_, i) => i !== fi) };
}

export function addSection(pkg: TemplatePackage, fi: number, title: string, prefix = ""): TemplatePackage {
  return updateForm(pkg, fi, (form) => ({ ...form, sections: [...form.sections, { key: sectionKey(form, title, prefix), title: { id: title }, fields: [] }] }));
}

export function removeSection(pkg: TemplatePackage, fi: number, si: number): TemplatePackage {
  return updateForm(pkg, fi, (form) => ({ ...form, sections: form.sections.filter((_, i) => i !== si) }));
}

export function moveSection(pkg: TemplatePackage, fi: number, from: number, to: number): TemplatePackage {
  const count = pkg.forms[fi].sections.length;
  if (from === to || to < 0 || to >= count) return pkg;
  return updateForm(pkg, fi, (form) => ({ ...form, sections: move(form.sections, from, to) }));
}

/** A new field of a palette kind, with a key unique in the package. */
export function newField(pkg: TemplatePackage, kind: PaletteKind, label: string, prefix = ""): Field {
  const key = uniqueKey(prefix + slugKey(label), takenKeys(pkg));
  const base = { key, label: { id: label } };
  switch (kind) {
    case "calculated":
      return { ...base, type: "number", calculate: "" };
    case "choice":
    case "multichoice":
      return { ...base, type: kind, choices: [] };
    default:
      return { ...base, type: kind };
  }
}

export function addField(pkg: TemplatePackage, fi: number, si: number, field: Field): { pkg: TemplatePackage; pos: FieldPos } {
  const index = pkg.forms[fi].sections[si].fields.length;
  return { pkg: updateSection(pkg, fi, si, (s) => ({ ...s, fields: [...s.fields, field] })), pos: { form: fi, section: si, index } };
}

export function removeField(pkg: TemplatePackage, pos: FieldPos): TemplatePackage {
  return updateSection(pkg, pos.form, pos.section, (s) => ({ ...s, fields: s.fields.filter((_, i) => i !== pos.index) }));
}

/** Position of a field key in the package, if any. */
export function findField(pkg: TemplatePackage, key: string): FieldPos | undefined {
  for (let f = 0; f < pkg.forms.length; f++) {
    const sections = pkg.forms[f].sections;
    for (let s = 0; s < sections.length; s++) {
      const i = sections[s].fields.findIndex((x) => x.key === key);
      if (i >= 0) return { form: f, section: s, index: i };
    }
  }
  return undefined;
}

/**
 * Moves a field to `to` (same form). `to.index` counts positions in the target section before
 * the move; moving down within a section accounts for the gap the field leaves.
 */
export function moveFieldTo(pkg: TemplatePackage, from: FieldPos, to: { section: number; index: number }): TemplatePackage {
  const form = pkg.forms[from.form];
  const field = form.sections[from.section].fields[from.index];
  const sections = form.sections.map((s, i) => (i === from.section ? { ...s, fields: s.fields.filter((_, j) => j !== from.index) } : s));
  const target = sections[to.section];
  let index = to.index;
  if (to.section === from.section && to.index > from.index) index -= 1;
  index = Math.max(0, Math.min(index, target.fields.length));
  const fields = target.fields.slice();
  fields.splice(index, 0, field);
  sections[to.section] = { ...target, fields };
  return updateForm(pkg, from.form, (f) => ({ ...f, sections }));
}

/**
 * One step up (-1) or down (+1) in the form's reading order: inside the section, or across into
 * the neighbouring section (to its end when going up, its start when going down). Returns the
 * new position, or undefined when the field is already first/last.
 */
export function stepField(pkg: TemplatePackage, pos: FieldPos, delta: -1 | 1): { pkg: TemplatePackage; pos: FieldPos } | undefined {
  const sections = pkg.forms[pos.form].sections;
  const inSection = sections[pos.section].fields.length;
  if (delta === -1 && pos.index > 0) {
    return { pkg: moveFieldTo(pkg, pos, { section: pos.section, index: pos.index - 1 }), pos: { ...pos, index: pos.index - 1 } };
  }
  if (delta === 1 && pos.index < inSection - 1) {
    return { pkg: moveFieldTo(pkg, pos, { section: pos.section, index: pos.index + 2 }), pos: { ...pos, index: pos.index + 1 } };
  }
  const next = pos.section + delta;
  if (next < 0 || next >= sections.length) return undefined;
  const index = delta === -1 ? sections[next].fields.length : 0;
  return { pkg: moveFieldTo(pkg, pos, { section: next, index }), pos: { form: pos.form, section: next, index } };
}

/** Renames a field key and the show-if clauses of its form that refer to it. */
export function renameFieldKey(pkg: TemplatePackage, pos: FieldPos, key: string): TemplatePackage {
  const old = pkg.forms[pos.form].sections[pos.section].fields[pos.index].key;
  if (old === key) return pkg;
  const renamed = updateField(pkg, pos, (f) => ({ ...f, key }));
  return updateForm(renamed, pos.form, (form) => ({
    ...form,
    sections: form.sections.map((s) => ({
      ...s,
      fields: s.fields.map((f) => (f.showIf && f.showIf.clauses.some((c) => c.field === old) ? { ...f, showIf: renameInCondition(f.showIf, old, key) } : f)),
    })),
  }));
}

function renameInCondition(condition: Condition, from: string, to: string): Condition {
  return { ...condition, clauses: condition.clauses.map((c) => (c.field === from ? { ...c, field: to } : c)) };
}

/** Adds a choice whose value comes from its label (unique in the field). */
export function withNewChoice(field: Field, label: string): Field {
  const taken = new Set((field.choices ?? []).map((c) => c.value));
  return { ...field, choices: [...(field.choices ?? []), { value: choiceValue(label, taken), label: { id: label } }] };
}

/** Drops properties that do not apply to the field's new type (the schema check would refuse them). */
export function withType(field: Field, type: Field["type"]): Field {
  const next: Field = { ...field, type };
  const numeric = type === "integer" || type === "number";
  if (!numeric) {
    delete next.min;
    delete next.max;
    delete next.aggregation;
    if (type !== "boolean") delete next.calculate;
  }
  if (type !== "text") delete next.maxLength;
  if (type === "choice" || type === "multichoice") next.choices = field.choices ?? [];
  else delete next.choices;
  if (type === "boolean" && field.aggregation && field.aggregation !== "last") delete next.aggregation;
  return next;
}

/** Sets or clears an optional property (undefined removes it, so the document stays minimal). */
export function withProp<K extends keyof Field>(field: Field, prop: K, value: Field[K] | undefined): Field {
  const next = { ...field };
  if (value === undefined) delete next[prop];
  else next[prop] = value;
  return next;
}
