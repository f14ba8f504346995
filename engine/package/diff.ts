/**
 * What changes when a package draft is published: a structured diff against the previous
 * published version (rendered as plain language by the designer), and the refusals that keep
 * stored data meaningful — a field key keeps its type forever, and a key removed earlier may
 * only come back with the same type and unit. Pure: no I/O; the caller supplies the versions.
 */
import { defaultAggregation } from "../domain";
import { parseFormula } from "../formula/parser";
import type { Expr } from "../formula/ast";
import type { DocumentError } from "../intake/errors";
import { pointerOf } from "../intake/errors";
import { packageError } from "./package-messages";
import type { Field, Form, Indicator, TemplatePackage, Text, ValidationRule } from "../../schemas/types.generated";

/** Aspects of a field the diff compares (each becomes one line in the designer). */
export type FieldAspect =
  "label" | "help" | "type" | "required" | "optional" | "bounds" | "maxLength" | "choices" | "showIf" | "calculate" | "aggregation" | "unit" | "section";
export type IndicatorAspect =
  "name" | "group" | "cluster" | "numerator" | "denominator" | "factor" | "unit" | "decimals" | "direction" | "ytd" | "bands" | "minCompleteness" | "weight";
export type RuleAspect = "form" | "left" | "op" | "right" | "severity" | "message";

export interface AspectChange<A extends string> {
  aspect: A;
  /** Short, display-ready renderings of the old and new value ("" when absent). */
  before: string;
  after: string;
}

export interface FormRef {
  key: string;
  title: Text;
}
export interface FormChange extends FormRef {
  aspects: Array<AspectChange<"title" | "periodType" | "description">>;
}
export interface SectionRef {
  form: string;
  key: string;
  title: Text;
}
export interface FieldRef {
  form: string;
  section: string;
  key: string;
  label: Text;
  type: Field["type"];
}
export interface FieldChange extends FieldRef {
  aspects: Array<AspectChange<FieldAspect>>;
}
export interface IndicatorRef {
  key: string;
  name: Text;
}
export interface IndicatorChange extends IndicatorRef {
  aspects: Array<AspectChange<IndicatorAspect>>;
}
export interface AffectedIndicator extends IndicatorRef {
  /** Changed or removed fields its formulas read. */
  fields: string[];
}
export interface RuleRef {
  key: string;
  form: string;
  message: Text;
}
export interface RuleChange extends RuleRef {
  aspects: Array<AspectChange<RuleAspect>>;
}
export interface TargetLine {
  indicator: string;
  year: number;
  level: string;
  org: string | null;
  before: number | null;
  after: number | null;
}

export interface PackageDiff {
  /** Version compared against; null for a first version (everything is new). */
  fromVersion: number | null;
  toVersion: number;
  /** Title/description/owner/source of the package itself. */
  meta: Array<AspectChange<"title" | "description" | "source" | "owner">>;
  forms: { added: FormRef[]; removed: FormRef[]; changed: FormChange[] };
  sections: { added: SectionRef[]; removed: SectionRef[]; changed: Array<SectionRef & { before: Text }> };
  fields: { added: FieldRef[]; removed: FieldRef[]; changed: FieldChange[] };
  groups: { added: string[]; removed: string[]; changed: string[] };
  indicators: { added: IndicatorRef[]; removed: IndicatorRef[]; changed: IndicatorChange[] };
  /** Indicators (of the new version, or removed ones) whose formulas read a changed or removed field. */
  affectedIndicators: AffectedIndicator[];
  targets: { added: TargetLine[]; removed: TargetLine[]; changed: TargetLine[] };
  rules: { added: RuleRef[]; removed: RuleRef[]; changed: RuleChange[] };
  /** Forms of the previous version whose data changes meaning: fields added, removed or changed beyond wording. */
  changedForms: string[];
  /** True when nothing at all differs. */
  empty: boolean;
}

function textOf(t: Text | undefined): string {
  if (!t) return "";
  return t.en ? `${t.id} / ${t.en}` : t.id;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function changeIf<A extends string>(out: Array<AspectChange<A>>, aspect: A, before: unknown, after: unknown, show: (v: never) => string): void {
  if (!sameJson(before, after))
    out.push({ aspect, before: before === undefined ? "" : show(before as never), after: after === undefined ? "" : show(after as never) });
}

const str = (v: unknown) => String(v);
const txt = (v: Text) => textOf(v);

function boundsOf(f: Field): string | undefined {
  if (f.min === undefined && f.max === undefined) return undefined;
  return `${f.min ?? "–"} … ${f.max ?? "–"}`;
}

function choicesOf(f: Field): string | undefined {
  if (!f.choices) return undefined;
  return f.choices.map((c) => `${c.value}=${c.label.id}`).join(", ");
}

function showIfOf(f: Field): string | undefined {
  if (!f.showIf) return undefined;
  const joiner = f.showIf.match === "all" ? " & " : " | ";
  return f.showIf.clauses.map((c) => `${c.field} ${c.op}${c.value === undefined ? "" : " " + JSON.stringify(c.value)}`).join(joiner);
}

/** Time aggregation as the engine applies it (the default made explicit, so adding the default is no change). */
function aggregationOf(f: Field): string | undefined {
  if (f.aggregation) return f.aggregation;
  return defaultAggregation(f.type);
}

interface Located {
  form: string;
  section: string;
  field: Field;
  pointer: string;
}

function fieldsOf(pkg: TemplatePackage): Map<string, Located> {
  const out = new Map<string, Located>();
  pkg.forms.forEach((form, fi) =>
    form.sections.forEach((s, si) =>
      s.fields.forEach((f, i) => {
        if (!out.has(f.key)) out.set(f.key, { form: form.key, section: s.key, field: f, pointer: pointerOf("forms", fi, "sections", si, "fields", i) });
      }),
    ),
  );
  return out;
}

function fieldChange(a: Located, b: Located): FieldChange {
  const aspects: Array<AspectChange<FieldAspect>> = [];
  const fa = a.field;
  const fb = b.field;
  changeIf(aspects, "label", fa.label, fb.label, txt);
  changeIf(aspects, "help", fa.help, fb.help, txt);
  changeIf(aspects, "type", fa.type, fb.type, str);
  changeIf(aspects, "required", fa.required === true, fb.required === true, str);
  changeIf(aspects, "optional", fa.optional === true, fb.optional === true, str);
  changeIf(aspects, "bounds", boundsOf(fa), boundsOf(fb), str);
  changeIf(aspects, "maxLength", fa.maxLength, fb.maxLength, str);
  changeIf(aspects, "choices", choicesOf(fa), choicesOf(fb), str);
  changeIf(aspects, "showIf", showIfOf(fa), showIfOf(fb), str);
  changeIf(aspects, "calculate", fa.calculate, fb.calculate, str);
  changeIf(aspects, "aggregation", aggregationOf(fa), aggregationOf(fb), str);
  changeIf(aspects, "unit", fa.unit, fb.unit, str);
  if (a.form !== b.form || a.section !== b.section) aspects.push({ aspect: "section", before: `${a.form}/${a.section}`, after: `${b.form}/${b.section}` });
  return { form: b.form, section: b.section, key: fb.key, label: fb.label, type: fb.type, aspects };
}

/** Aspects that change what stored values mean (not only how the question reads). */
const DATA_ASPECTS: ReadonlySet<FieldAspect> = new Set([
  "type",
  "bounds",
  "choices",
  "showIf",
  "calculate",
  "aggregation",
  "unit",
  "section",
  "maxLength",
  "required",
]);

function collectIdentifiers(expr: Expr, into: Set<string>): void {
  switch (expr.type) {
    case "Identifier":
      into.add(expr.name);
      return;
    case "UnaryExpression":
      collectIdentifiers(expr.operand, into);
      return;
    case "BinaryExpression":
      collectIdentifiers(expr.left, into);
      collectIdentifiers(expr.right, into);
      return;
    case "CallExpression":
      for (const a of expr.args) collectIdentifiers(a, into);
      return;
    default:
      return;
  }
}

/** Field keys a formula reads (inside count_units too); empty for a formula that does not parse. */
export function formulaIdentifiers(src: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!src) return out;
  const parsed = parseFormula(src);
  if (parsed.ast) collectIdentifiers(parsed.ast, out);
  return out;
}

function indicatorChange(a: Indicator, b: Indicator): IndicatorChange {
  const aspects: Array<AspectChange<IndicatorAspect>> = [];
  changeIf(aspects, "name", a.name, b.name, txt);
  changeIf(aspects, "group", a.group, b.group, str);
  changeIf(aspects, "cluster", a.cluster, b.cluster, str);
  changeIf(aspects, "numerator", a.numerator, b.numerator, str);
  changeIf(aspects, "denominator", a.denominator, b.denominator, str);
  changeIf(aspects, "factor", a.factor ?? 1, b.factor ?? 1, str);
  changeIf(aspects, "unit", a.unit, b.unit, str);
  changeIf(aspects, "decimals", a.decimals ?? 1, b.decimals ?? 1, str);
  changeIf(aspects, "direction", a.direction ?? "higher", b.direction ?? "higher", str);
  changeIf(aspects, "ytd", a.ytd === true, b.ytd === true, str);
  changeIf(
    aspects,
    "bands",
    a.bands ?? { green: 100, yellow: 80 },
    b.bands ?? { green: 100, yellow: 80 },
    (v: { green: number; yellow: number }) => `${v.green}/${v.yellow}`,
  );
  changeIf(aspects, "minCompleteness", a.minCompleteness ?? 0.9, b.minCompleteness ?? 0.9, str);
  changeIf(aspects, "weight", a.weight ?? 1, b.weight ?? 1, str);
  return { key: b.key, name: b.name, aspects };
}

function ruleChange(a: ValidationRule, b: ValidationRule): RuleChange {
  const aspects: Array<AspectChange<RuleAspect>> = [];
  changeIf(aspects, "form", a.form, b.form, str);
  changeIf(aspects, "left", a.left, b.left, str);
  changeIf(aspects, "op", a.op, b.op, str);
  changeIf(aspects, "right", a.right, b.right, str);
  changeIf(aspects, "severity", a.severity, b.severity, str);
  changeIf(aspects, "message", a.message, b.message, txt);
  return { key: b.key, form: b.form, message: b.message, aspects };
}

function targetLines(pkg: TemplatePackage | null): Map<string, { line: Omit<TargetLine, "before" | "after">; value: number; rest: string }> {
  const out = new Map<string, { line: Omit<TargetLine, "before" | "after">; value: number; rest: string }>();
  for (const t of pkg?.targets ?? []) {
    const org = t.scope.level === "national" ? null : t.scope.org;
    const key = `${t.indicator}|${t.year}|${t.scope.level}|${org ?? ""}`;
    out.set(key, { line: { indicator: t.indicator, year: t.year, level: t.scope.level, org }, value: t.value, rest: JSON.stringify([t.profile, t.source]) });
  }
  return out;
}

function byKey<T extends { key: string }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((x) => [x.key, x] as const));
}

/** The diff from `prev` (the previous published version; null for a first version) to `next`. */
export function diffPackages(prev: TemplatePackage | null, next: TemplatePackage): PackageDiff {
  const meta: PackageDiff["meta"] = [];
  if (prev) {
    changeIf(meta, "title", prev.title, next.title, txt);
    changeIf(meta, "description", prev.description, next.description, txt);
    changeIf(meta, "source", prev.source, next.source, str);
    changeIf(meta, "owner", prev.owner, next.owner, str);
  }

  // Forms and sections
  const prevForms = byKey<Form>(prev?.forms);
  const nextForms = byKey<Form>(next.forms);
  const forms: PackageDiff["forms"] = { added: [], removed: [], changed: [] };
  const sections: PackageDiff["sections"] = { added: [], removed: [], changed: [] };
  for (const f of next.forms) {
    const old = prevForms.get(f.key);
    if (!old) {
      forms.added.push({ key: f.key, title: f.title });
      continue;
    }
    const aspects: FormChange["aspects"] = [];
    changeIf(aspects, "title", old.title, f.title, txt);
    changeIf(aspects, "periodType", old.periodType, f.periodType, str);
    changeIf(aspects, "description", old.description, f.description, txt);
    if (aspects.length > 0) forms.changed.push({ key: f.key, title: f.title, aspects });
    const oldSections = byKey(old.sections);
    const newSections = byKey(f.sections);
    for (const s of f.sections) {
      const os = oldSections.get(s.key);
      if (!os) sections.added.push({ form: f.key, key: s.key, title: s.title });
      else if (!sameJson(os.title, s.title)) sections.changed.push({ form: f.key, key: s.key, title: s.title, before: os.title });
    }
    for (const s of old.sections) if (!newSections.has(s.key)) sections.removed.push({ form: f.key, key: s.key, title: s.title });
  }
  for (const f of prev?.forms ?? []) if (!nextForms.has(f.key)) forms.removed.push({ key: f.key, title: f.title });

  // Fields (by key across the whole package: a field moved between sections is "changed", not removed + added)
  const prevFields = prev ? fieldsOf(prev) : new Map<string, Located>();
  const nextFields = fieldsOf(next);
  const fields: PackageDiff["fields"] = { added: [], removed: [], changed: [] };
  const changedForms = new Set<string>();
  const dataChanged = new Set<string>();
  for (const [key, loc] of nextFields) {
    const old = prevFields.get(key);
    const ref = { form: loc.form, section: loc.section, key, label: loc.field.label, type: loc.field.type };
    if (!old) {
      fields.added.push(ref);
      // Earlier reports of an existing form have no value for it (completeness, indicators reading it).
      if (prevForms.has(loc.form)) changedForms.add(loc.form);
      continue;
    }
    const change = fieldChange(old, loc);
    if (change.aspects.length === 0) continue;
    fields.changed.push(change);
    if (change.aspects.some((a) => DATA_ASPECTS.has(a.aspect))) {
      dataChanged.add(key);
      changedForms.add(old.form);
    }
  }
  for (const [key, old] of prevFields) {
    if (nextFields.has(key)) continue;
    fields.removed.push({ form: old.form, section: old.section, key, label: old.field.label, type: old.field.type });
    dataChanged.add(key);
    changedForms.add(old.form);
  }
  for (const f of forms.removed) changedForms.add(f.key);
  for (const f of forms.changed) if (f.aspects.some((a) => a.aspect === "periodType")) changedForms.add(f.key);

  // Groups
  const prevGroups = byKey(prev?.groups);
  const nextGroups = byKey(next.groups);
  const groups: PackageDiff["groups"] = { added: [], removed: [], changed: [] };
  for (const g of next.groups) {
    const old = prevGroups.get(g.key);
    if (!old) groups.added.push(g.key);
    else if (!sameJson(old.name, g.name)) groups.changed.push(g.key);
  }
  for (const g of prev?.groups ?? []) if (!nextGroups.has(g.key)) groups.removed.push(g.key);

  // Indicators
  const prevInd = byKey<Indicator>(prev?.indicators);
  const nextInd = byKey<Indicator>(next.indicators);
  const indicators: PackageDiff["indicators"] = { added: [], removed: [], changed: [] };
  for (const i of next.indicators) {
    const old = prevInd.get(i.key);
    if (!old) indicators.added.push({ key: i.key, name: i.name });
    else {
      const c = indicatorChange(old, i);
      if (c.aspects.length > 0) indicators.changed.push(c);
    }
  }
  for (const i of prev?.indicators ?? []) if (!nextInd.has(i.key)) indicators.removed.push({ key: i.key, name: i.name });

  // Indicators reading changed/removed fields: those of the new version, plus removed ones (their history changes too).
  const affectedIndicators: AffectedIndicator[] = [];
  if (dataChanged.size > 0) {
    const candidates = [...next.indicators, ...(prev?.indicators ?? []).filter((i) => !nextInd.has(i.key))];
    for (const i of candidates) {
      const refs = new Set([...formulaIdentifiers(i.numerator), ...formulaIdentifiers(i.denominator)]);
      const hit = [...refs].filter((r) => dataChanged.has(r)).sort();
      if (hit.length > 0) affectedIndicators.push({ key: i.key, name: i.name, fields: hit });
    }
  }

  // Targets
  const prevT = targetLines(prev);
  const nextT = targetLines(next);
  const targets: PackageDiff["targets"] = { added: [], removed: [], changed: [] };
  for (const [k, t] of nextT) {
    const old = prevT.get(k);
    if (!old) targets.added.push({ ...t.line, before: null, after: t.value });
    else if (old.value !== t.value || old.rest !== t.rest) targets.changed.push({ ...t.line, before: old.value, after: t.value });
  }
  for (const [k, t] of prevT) if (!nextT.has(k)) targets.removed.push({ ...t.line, before: t.value, after: null });

  // Rules
  const prevR = byKey<ValidationRule>(prev?.rules);
  const nextR = byKey<ValidationRule>(next.rules);
  const rules: PackageDiff["rules"] = { added: [], removed: [], changed: [] };
  for (const r of next.rules) {
    const old = prevR.get(r.key);
    if (!old) rules.added.push({ key: r.key, form: r.form, message: r.message });
    else {
      const c = ruleChange(old, r);
      if (c.aspects.length > 0) rules.changed.push(c);
    }
  }
  for (const r of prev?.rules ?? []) if (!nextR.has(r.key)) rules.removed.push({ key: r.key, form: r.form, message: r.message });

  const counts = [
    meta.length,
    forms.added.length + forms.removed.length + forms.changed.length,
    sections.added.length + sections.removed.length + sections.changed.length,
    fields.added.length + fields.removed.length + fields.changed.length,
    groups.added.length + groups.removed.length + groups.changed.length,
    indicators.added.length + indicators.removed.length + indicators.changed.length,
    targets.added.length + targets.removed.length + targets.changed.length,
    rules.added.length + rules.removed.length + rules.changed.length,
  ];
  return {
    fromVersion: prev?.version ?? null,
    toVersion: next.version,
    meta,
    forms,
    sections,
    fields,
    groups,
    indicators,
    affectedIndicators,
    targets,
    rules,
    changedForms: [...changedForms].sort(),
    empty: counts.every((n) => n === 0),
  };
}

/** What a field key meant when it was last published. */
export interface PublishedFieldHistory {
  type: Field["type"];
  unit: string | null;
  /** Label (id) at its last publication. */
  label: string;
  /** Every type it was published with (more than one only in data imported before this check). */
  types: Array<Field["type"]>;
  /** Every unit it was published with ("" for none). */
  units: string[];
  /** Last published version containing the key. */
  lastVersion: number;
}

/** Field keys of all published versions (any order), with what each meant. */
export function publishedFieldHistory(versions: readonly TemplatePackage[]): Map<string, PublishedFieldHistory> {
  const out = new Map<string, PublishedFieldHistory>();
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  for (const pkg of sorted) {
    for (const [key, loc] of fieldsOf(pkg)) {
      const f = loc.field;
      const unit = f.unit ?? "";
      const prev = out.get(key);
      out.set(key, {
        type: f.type,
        unit: f.unit ?? null,
        label: f.label.id,
        types: prev ? (prev.types.includes(f.type) ? prev.types : [...prev.types, f.type]) : [f.type],
        units: prev ? (prev.units.includes(unit) ? prev.units : [...prev.units, unit]) : [unit],
        lastVersion: pkg.version,
      });
    }
  }
  return out;
}

/**
 * Changes publishing must refuse because stored submissions would change meaning:
 * - a field key published in ANY earlier version changes its type;
 * - a key published earlier, absent from the previous version, comes back with another type or unit;
 * - a published form changes its reporting period (month/quarter/year).
 * `history` holds every earlier published version of the package (the previous one included).
 */
export function publishRefusals(history: readonly TemplatePackage[], next: TemplatePackage): DocumentError[] {
  if (history.length === 0) return [];
  const errors: DocumentError[] = [];
  const fieldHistory = publishedFieldHistory(history);
  const previous = [...history].sort((a, b) => b.version - a.version)[0];
  const inPrevious = fieldsOf(previous);
  for (const [key, loc] of fieldsOf(next)) {
    const h = fieldHistory.get(key);
    if (!h) continue;
    const f = loc.field;
    const label = f.label.id || key;
    const unit = f.unit ?? "";
    if (!inPrevious.has(key)) {
      if (h.types.some((t) => t !== f.type) || h.units.some((u) => u !== unit)) {
        errors.push(
          packageError(loc.pointer + "/key", "KEY_REUSED", {
            key,
            label,
            version: h.lastVersion,
            oldType: h.type,
            oldUnit: h.unit ?? undefined,
            oldLabel: h.label,
          }),
        );
      }
      continue;
    }
    if (h.types.some((t) => t !== f.type)) {
      errors.push(packageError(loc.pointer + "/type", "FIELD_TYPE_CHANGED", { label, key, oldType: h.type, newType: f.type }));
    }
  }
  const prevForms = byKey(previous.forms);
  next.forms.forEach((form, fi) => {
    const old = prevForms.get(form.key);
    if (old && old.periodType !== form.periodType) {
      errors.push(
        packageError(pointerOf("forms", fi, "periodType"), "FORM_PERIOD_CHANGED", {
          title: form.title.id,
          form: form.key,
          oldPeriod: old.periodType,
          newPeriod: form.periodType,
        }),
      );
    }
  });
  return errors;
}
