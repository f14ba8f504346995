/**
 * District overlays: a district's safe patch of a national template package version, applied to
 * give the effective package, and rebased when the national package gets a new version.
 *
 * Inputs are never mutated (the package is deep-cloned first); lookups keyed by document keys use
 * Maps so a key such as "__proto__" can never reach an object prototype. National indicator keys
 * are never changed, so districts stay comparable.
 */
import type { Bands, DistrictOverlay, Field, Form, Indicator, OverlayOperation, Section, Target, TemplatePackage, Text, ValidationRule } from "./documents";
import { formulaTypeOf, isValidKey, LOCAL_PREFIX } from "./domain";
import { checkFormula } from "./formula/index";
import type { FormulaType } from "./formula/index";
import { overlayParams, OVERLAY_MESSAGES, overlayMessage, type OverlayMessageCode, type OverlayMessageParams } from "./overlay-messages";

/** Where an element of the effective package comes from. */
export type Origin = "national" | "local" | "overridden";

/** Origin marks of the effective package, per kind of element. */
export interface OverlayOrigins {
  forms: Map<string, Origin>;
  /** Keyed `form/section`. */
  sections: Map<string, Origin>;
  /** Keyed by field key (unique across the package). */
  fields: Map<string, Origin>;
  indicators: Map<string, Origin>;
  rules: Map<string, Origin>;
  /** Keyed by targetKey(): `indicator|year|level|org`. */
  targets: Map<string, Origin>;
}

/** Stable codes of overlay problems (tests and the UI key on them). */
export type OverlayProblemCode =
  | "PACKAGE_MISMATCH"
  | "BASE_VERSION_MISMATCH"
  | "UNKNOWN_OP"
  | "BAD_KEY"
  | "NOT_LOCAL_KEY"
  | "KEY_EXISTS"
  | "FORM_NOT_FOUND"
  | "SECTION_NOT_FOUND"
  | "FIELD_NOT_FOUND"
  | "AFTER_NOT_FOUND"
  | "INDICATOR_NOT_FOUND"
  | "FIELD_NOT_OPTIONAL"
  | "FIELD_IN_USE"
  | "LAST_FIELD"
  | "SCOPE_LEVEL"
  | "SCOPE_OUTSIDE_DISTRICT"
  | "BAD_TARGET"
  | "BAD_BANDS"
  | "BAD_FORMULA"
  | "BAD_LABEL"
  | "RELABEL_TARGET"
  | "LOCAL_FORM_EMPTY";

/** An operation that could not be applied; `op` is its index (-1 for the overlay as a whole). */
export interface OverlayProblem {
  op: number;
  code: OverlayProblemCode;
  /** Key of its message in OVERLAY_MESSAGES; render it with overlayMessage(messageCode, params, locale). */
  messageCode: OverlayMessageCode;
  params: OverlayMessageParams;
  /** Bahasa Indonesia: what is wrong and how to fix it. */
  message: string;
}

/** Result of applyOverlay. */
export interface AppliedOverlay {
  package: TemplatePackage;
  origins: OverlayOrigins;
  problems: OverlayProblem[];
  /** Indexes of the operations that were applied. */
  applied: number[];
  /** Fields hidden by the overlay (removed from the effective forms). */
  hidden: Array<{ form: string; field: string }>;
}

/** Which org codes lie inside the overlay's district (the district itself always does). */
export type DistrictMembership = ReadonlySet<string> | ((orgCode: string) => boolean);

export interface ApplyOverlayOptions {
  /** Org units inside the district, for setTarget at Puskesmas scope. */
  inDistrict?: DistrictMembership;
}

/** Identity of a target inside a package: indicator × year × scope. */
export function targetKey(t: Pick<Target, "indicator" | "year" | "scope">): string {
  const org = t.scope.level === "national" ? "" : t.scope.org;
  return `${t.indicator}|${t.year}|${t.scope.level}|${org}`;
}

function isText(x: unknown): x is Text {
  return typeof x === "object" && x !== null && typeof (x as Text).id === "string" && (x as Text).id.trim().length > 0;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function usesIdentifier(formula: string | undefined, key: string): boolean {
  if (!formula) return false;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^a-z0-9_])${escaped}([^a-z0-9_]|$)`).test(formula);
}

/** Mutable working state of one application. */
class Effective {
  readonly pkg: TemplatePackage;
  readonly origins: OverlayOrigins;
  readonly hidden: Array<{ form: string; field: string }> = [];

  constructor(base: TemplatePackage) {
    this.pkg = structuredClone(base);
    this.origins = {
      forms: new Map(),
      sections: new Map(),
      fields: new Map(),
      indicators: new Map(),
      rules: new Map(),
      targets: new Map(),
    };
    for (const form of this.pkg.forms) {
      this.origins.forms.set(form.key, "national");
      for (const s of form.sections) {
        this.origins.sections.set(`${form.key}/${s.key}`, "national");
        for (const f of s.fields) this.origins.fields.set(f.key, "national");
      }
    }
    for (const i of this.pkg.indicators) this.origins.indicators.set(i.key, "national");
    for (const r of this.pkg.rules) this.origins.rules.set(r.key, "national");
    for (const t of this.pkg.targets) this.origins.targets.set(targetKey(t), "national");
  }

  form(key: string): Form | undefined {
    return this.pkg.forms.find((f) => f.key === key);
  }

  /** The field and where it sits, searching all forms (field keys are package-unique). */
  findField(key: string): { form: Form; section: Section; index: number; field: Field } | undefined {
    for (const form of this.pkg.forms) {
      for (const section of form.sections) {
        const index = section.fields.findIndex((f) => f.key === key);
        if (index >= 0) return { form, section, index, field: section.fields[index] };
      }
    }
    return undefined;
  }

  indicator(key: string): Indicator | undefined {
    return this.pkg.indicators.find((i) => i.key === key);
  }

  /** Numeric/boolean fields visible to formulas, optionally limited to some forms. */
  symbols(forms?: ReadonlySet<string>): Map<string, FormulaType> {
    const out = new Map<string, FormulaType>();
    for (const form of this.pkg.forms) {
      if (forms && !forms.has(form.key)) continue;
      for (const s of form.sections) {
        for (const f of s.fields) {
          const type = formulaTypeOf(f.type);
          if (type) out.set(f.key, type);
        }
      }
    }
    return out;
  }

  markOverridden(map: Map<string, Origin>, key: string): void {
    if (map.get(key) === "national") map.set(key, "overridden");
  }
}

type OpResult = Omit<OverlayProblem, "op"> | null;

/** A problem as data (code, message code, params) with its Bahasa Indonesia rendering. */
function fail(messageCode: OverlayMessageCode, raw: Readonly<Record<string, unknown>> = {}): Omit<OverlayProblem, "op"> {
  const params = overlayParams(raw);
  return { code: OVERLAY_MESSAGES[messageCode].code as OverlayProblemCode, messageCode, params, message: overlayMessage(messageCode, params) };
}

function checkLocalKey(key: unknown, kind: "form" | "field" | "indicator" | "rule"): OpResult {
  if (typeof key !== "string" || !isValidKey(key)) return fail("BAD_KEY", { kind, key });
  if (!key.startsWith(LOCAL_PREFIX)) return fail("NOT_LOCAL_KEY", { kind, key });
  return null;
}

type FormulaSubject = "field" | "numerator" | "denominator" | "ruleLeft" | "ruleRight";

function formulaProblem(
  src: unknown,
  symbols: ReadonlyMap<string, FormulaType>,
  context: "field" | "rule" | "indicator",
  subject: FormulaSubject,
  key: string,
): OpResult {
  if (typeof src !== "string") return fail("FORMULA_NOT_TEXT", { subject, key });
  const r = checkFormula(src, { symbols, context });
  if (r.ok) return null;
  const first = r.errors[0];
  // The checker renders its messages in one locale, so the English one is asked for separately.
  const firstEn = checkFormula(src, { symbols, context, locale: "en" }).errors[0];
  return fail("BAD_FORMULA", {
    subject,
    key,
    error: first ? first.message : "tidak dapat diperiksa",
    errorEn: firstEn ? firstEn.message : "it could not be checked",
  });
}

function checkTarget(t: Target | undefined): OpResult {
  if (!t || typeof t !== "object") return fail("TARGET_EMPTY");
  if (!Number.isInteger(t.year) || t.year < 1900 || t.year > 2999) return fail("TARGET_YEAR", { year: String(t.year) });
  if (!isFiniteNumber(t.value) || t.value < 0) return fail("TARGET_VALUE");
  const p = t.profile;
  if (p !== undefined) {
    const need = p.type === "quarterly" ? 4 : p.type === "monthly" ? 12 : 0;
    if (p.type !== "flat" && p.type !== "linear-cumulative" && need === 0) return fail("TARGET_PROFILE_UNKNOWN");
    if (need > 0) {
      const values = (p as { values?: unknown[] }).values;
      if (!Array.isArray(values) || values.length !== need || !values.every((v) => isFiniteNumber(v) && v >= 0)) {
        return fail("TARGET_PROFILE_VALUES", { profile: p.type });
      }
    }
  }
  return null;
}

function inDistrict(membership: DistrictMembership | undefined, district: string, code: string): boolean {
  if (code === district) return true;
  if (!membership) return false;
  return typeof membership === "function" ? membership(code) : membership.has(code);
}

function applyOp(state: Effective, op: OverlayOperation, overlay: DistrictOverlay, options: ApplyOverlayOptions): OpResult {
  switch (op?.op) {
    case "setTarget": {
      const t = op.target;
      const bad = checkTarget(t);
      if (bad) return bad;
      if (!state.indicator(t.indicator)) {
        return fail("TARGET_INDICATOR_NOT_FOUND", { indicator: t.indicator });
      }
      if (t.scope?.level !== "district" && t.scope?.level !== "puskesmas") {
        return fail("SCOPE_LEVEL");
      }
      if ((t.scope.level === "district" && t.scope.org !== overlay.district) || !inDistrict(options.inDistrict, overlay.district, t.scope.org)) {
        return fail("SCOPE_OUTSIDE_DISTRICT", { org: t.scope.org, district: overlay.district });
      }
      const key = targetKey(t);
      const copy = structuredClone(t);
      const i = state.pkg.targets.findIndex((x) => targetKey(x) === key);
      if (i >= 0) {
        state.pkg.targets[i] = copy;
        state.markOverridden(state.origins.targets, key);
      } else {
        state.pkg.targets.push(copy);
        state.origins.targets.set(key, "local");
      }
      return null;
    }
    case "setBands": {
      const ind = state.indicator(op.indicator);
      if (!ind) return fail("INDICATOR_NOT_FOUND", { indicator: op.indicator });
      const b = op.bands as Bands | undefined;
      if (!b || !isFiniteNumber(b.green) || !isFiniteNumber(b.yellow) || b.yellow < 0 || b.yellow > b.green) {
        return fail("BAD_BANDS");
      }
      ind.bands = { green: b.green, yellow: b.yellow };
      state.markOverridden(state.origins.indicators, ind.key);
      return null;
    }
    case "hideField": {
      const form = state.form(op.form);
      if (!form) return fail("FORM_NOT_FOUND", { form: op.form });
      const found = state.findField(op.field);
      if (!found || found.form !== form) return fail("FIELD_NOT_IN_FORM", { field: op.field, form: op.form });
      if (found.field.optional !== true || found.field.required === true) {
        return fail("FIELD_NOT_OPTIONAL", { field: op.field });
      }
      for (const s of form.sections) {
        for (const f of s.fields) {
          if (f.key === op.field) continue;
          if (usesIdentifier(f.calculate, op.field) || f.showIf?.clauses?.some((c) => c.field === op.field)) {
            return fail("FIELD_USED_BY_FIELD", { field: op.field, by: f.key });
          }
        }
      }
      for (const ind of state.pkg.indicators) {
        if (usesIdentifier(ind.numerator, op.field) || usesIdentifier(ind.denominator, op.field)) {
          return fail("FIELD_USED_BY_INDICATOR", { field: op.field, by: ind.key });
        }
      }
      for (const rule of state.pkg.rules) {
        if (usesIdentifier(rule.left, op.field) || usesIdentifier(rule.right, op.field)) {
          return fail("FIELD_USED_BY_RULE", { field: op.field, by: rule.key });
        }
      }
      const remaining = form.sections.reduce((n, s) => n + s.fields.length, 0);
      if (remaining <= 1) return fail("LAST_FIELD", { field: op.field, form: op.form });
      found.section.fields.splice(found.index, 1);
      if (found.section.fields.length === 0) {
        // Schemas require non-empty sections: a section left empty disappears with its field.
        form.sections.splice(form.sections.indexOf(found.section), 1);
        state.origins.sections.delete(`${form.key}/${found.section.key}`);
      }
      state.origins.fields.delete(op.field);
      state.hidden.push({ form: form.key, field: op.field });
      return null;
    }
    case "addField": {
      const field = op.field;
      const bad = checkLocalKey(field?.key, "field");
      if (bad) return bad;
      const form = state.form(op.form);
      if (!form) return fail("FORM_NOT_FOUND", { form: op.form });
      const section = form.sections.find((s) => s.key === op.section);
      if (!section) return fail("SECTION_NOT_FOUND", { section: op.section, form: op.form });
      if (state.findField(field.key) || state.origins.fields.has(field.key)) {
        return fail("KEY_EXISTS", { kind: "field", key: field.key });
      }
      if (!isText(field.label)) return fail("FIELD_LABEL_MISSING", { field: field.key });
      let at = section.fields.length;
      if (op.after !== undefined) {
        const i = section.fields.findIndex((f) => f.key === op.after);
        if (i < 0) return fail("AFTER_NOT_FOUND", { after: op.after, section: op.section });
        at = i + 1;
      }
      if (field.calculate !== undefined) {
        const p = formulaProblem(field.calculate, state.symbols(new Set([form.key])), "field", "field", field.key);
        if (p) return p;
      }
      section.fields.splice(at, 0, structuredClone(field));
      state.origins.fields.set(field.key, "local");
      return null;
    }
    case "addForm": {
      const form = op.form;
      const bad = checkLocalKey(form?.key, "form");
      if (bad) return bad;
      if (state.form(form.key) || state.origins.forms.has(form.key)) return fail("KEY_EXISTS", { kind: "form", key: form.key });
      if (!isText(form.title)) return fail("FORM_TITLE_MISSING", { form: form.key });
      const sections = Array.isArray(form.sections) ? form.sections : [];
      if (sections.length === 0) return fail("LOCAL_FORM_EMPTY", { form: form.key });
      // Every field of a local form is local: its key starts with the local prefix and is new to the package.
      const keys = new Set<string>();
      const symbols = new Map<string, FormulaType>();
      for (const section of sections) {
        for (const field of Array.isArray(section?.fields) ? section.fields : []) {
          const badField = checkLocalKey(field?.key, "field");
          if (badField) return badField;
          if (keys.has(field.key) || state.findField(field.key) || state.origins.fields.has(field.key))
            return fail("KEY_EXISTS", { kind: "field", key: field.key });
          if (!isText(field.label)) return fail("FIELD_LABEL_MISSING", { field: field.key });
          keys.add(field.key);
          const type = formulaTypeOf(field.type);
          if (type) symbols.set(field.key, type);
        }
      }
      for (const section of sections) {
        for (const field of section.fields) {
          if (field.calculate === undefined) continue;
          const p = formulaProblem(field.calculate, symbols, "field", "field", field.key);
          if (p) return p;
        }
      }
      state.pkg.forms.push(structuredClone(form));
      state.origins.forms.set(form.key, "local");
      for (const section of sections) {
        state.origins.sections.set(`${form.key}/${section.key}`, "local");
        for (const field of section.fields) state.origins.fields.set(field.key, "local");
      }
      return null;
    }
    case "addIndicator": {
      const ind = op.indicator;
      const bad = checkLocalKey(ind?.key, "indicator");
      if (bad) return bad;
      if (state.indicator(ind.key)) return fail("KEY_EXISTS", { kind: "indicator", key: ind.key });
      if (!isText(ind.name)) return fail("INDICATOR_NAME_MISSING", { indicator: ind.key });
      const symbols = state.symbols();
      const p =
        formulaProblem(ind.numerator, symbols, "indicator", "numerator", ind.key) ??
        (ind.denominator !== undefined ? formulaProblem(ind.denominator, symbols, "indicator", "denominator", ind.key) : null);
      if (p) return p;
      state.pkg.indicators.push(structuredClone(ind));
      state.origins.indicators.set(ind.key, "local");
      return null;
    }
    case "addRule": {
      const rule = op.rule as ValidationRule;
      const bad = checkLocalKey(rule?.key, "rule");
      if (bad) return bad;
      if (state.pkg.rules.some((r) => r.key === rule.key)) return fail("KEY_EXISTS", { kind: "rule", key: rule.key });
      const form = state.form(rule.form);
      if (!form) return fail("FORM_NOT_FOUND", { form: rule.form });
      if (!isText(rule.message)) return fail("RULE_MESSAGE_MISSING", { rule: rule.key });
      // A rule sees its own form and the package's yearly forms (docs/documents.md).
      const visible = new Set(state.pkg.forms.filter((f) => f.key === form.key || f.periodType === "year").map((f) => f.key));
      const symbols = state.symbols(visible);
      const p = formulaProblem(rule.left, symbols, "rule", "ruleLeft", rule.key) ?? formulaProblem(rule.right, symbols, "rule", "ruleRight", rule.key);
      if (p) return p;
      state.pkg.rules.push(structuredClone(rule));
      state.origins.rules.set(rule.key, "local");
      return null;
    }
    case "relabel": {
      if (!isText(op.label)) return fail("RELABEL_EMPTY");
      const label = structuredClone(op.label);
      const targets = [op.field, op.section, op.indicator].filter((x) => x !== undefined).length;
      if (targets > 1 || (targets === 0 && op.form === undefined) || (op.indicator !== undefined && op.form !== undefined)) {
        return fail("RELABEL_ONE_THING");
      }
      if (op.indicator !== undefined) {
        const ind = state.indicator(op.indicator);
        if (!ind) return fail("INDICATOR_NOT_FOUND", { indicator: op.indicator });
        ind.name = label;
        state.markOverridden(state.origins.indicators, ind.key);
        return null;
      }
      if (op.field !== undefined) {
        const found = state.findField(op.field);
        if (!found || (op.form !== undefined && found.form.key !== op.form)) {
          return op.form !== undefined ? fail("FIELD_NOT_IN_FORM", { field: op.field, form: op.form }) : fail("FIELD_NOT_IN_PACKAGE", { field: op.field });
        }
        found.field.label = label;
        state.markOverridden(state.origins.fields, found.field.key);
        return null;
      }
      if (op.form === undefined) return fail("RELABEL_SECTION_FORM");
      const form = state.form(op.form);
      if (!form) return fail("FORM_NOT_FOUND", { form: op.form });
      if (op.section !== undefined) {
        const section = form.sections.find((s) => s.key === op.section);
        if (!section) return fail("SECTION_NOT_FOUND", { section: op.section, form: op.form });
        section.title = label;
        state.markOverridden(state.origins.sections, `${form.key}/${section.key}`);
        return null;
      }
      form.title = label;
      state.markOverridden(state.origins.forms, form.key);
      return null;
    }
    default:
      return fail("UNKNOWN_OP", { op: String((op as { op?: unknown })?.op) });
  }
}

/**
 * Applies a district overlay to a package version. Each operation is checked on its own; one that
 * is not allowed is skipped and reported, the others still apply. A base-version mismatch is
 * reported (the overlay should be rebased) but operations that still fit are applied.
 */
export function applyOverlay(pkg: TemplatePackage, overlay: DistrictOverlay, options: ApplyOverlayOptions = {}): AppliedOverlay {
  const state = new Effective(pkg);
  const problems: OverlayProblem[] = [];
  const applied: number[] = [];
  const result = (): AppliedOverlay => ({ package: state.pkg, origins: state.origins, problems, applied, hidden: state.hidden });
  if (overlay.package !== pkg.key) {
    problems.push({ op: -1, ...fail("PACKAGE_MISMATCH", { overlayPackage: overlay.package, package: pkg.key }) });
    return result();
  }
  if (overlay.baseVersion !== pkg.version) {
    problems.push({ op: -1, ...fail("BASE_VERSION_MISMATCH", { baseVersion: overlay.baseVersion, version: pkg.version }) });
  }
  const ops = Array.isArray(overlay.operations) ? overlay.operations : [];
  ops.forEach((op, i) => {
    const p = applyOp(state, op, overlay, options);
    if (p) problems.push({ op: i, ...p });
    else applied.push(i);
  });
  return result();
}

/** An operation that no longer applies after a rebase. */
export interface RebaseConflict {
  op: number;
  code: OverlayProblemCode;
  /** Key of the reason in OVERLAY_MESSAGES (absent in drafts stored before messages were data). */
  messageCode?: OverlayMessageCode;
  params?: OverlayMessageParams;
  /** Bahasa Indonesia. */
  reason: string;
  operation: OverlayOperation;
}

/** Result of rebaseOverlay. */
export interface RebasedOverlay {
  /** The overlay re-targeted to the new version, holding only the operations that still apply. */
  overlay: DistrictOverlay;
  /** Indexes (in the original overlay) of the operations kept. */
  applied: number[];
  conflicts: RebaseConflict[];
}

function fieldIn(pkg: TemplatePackage, key: string): Field | undefined {
  for (const form of pkg.forms) for (const s of form.sections) for (const f of s.fields) if (f.key === key) return f;
  return undefined;
}

/** Explains with the old version in hand why an operation stopped fitting. */
function rebaseReason(
  op: OverlayOperation,
  problem: Omit<OverlayProblem, "op">,
  oldBase: TemplatePackage,
  newBase: TemplatePackage,
): Omit<OverlayProblem, "op"> {
  const { code } = problem;
  const version = newBase.version;
  // The operation's own problem, quoted in both languages.
  const detail = { detail: problem.message, detailEn: overlayMessage(problem.messageCode, problem.params, "en") };
  const reason = (messageCode: OverlayMessageCode, raw: Readonly<Record<string, unknown>>): Omit<OverlayProblem, "op"> => ({ ...fail(messageCode, raw), code });
  switch (op?.op) {
    case "hideField":
      if (code === "FIELD_NOT_FOUND" && fieldIn(oldBase, op.field)) return reason("REBASE_FIELD_REMOVED", { field: op.field, version });
      if (code === "FIELD_NOT_OPTIONAL" && fieldIn(oldBase, op.field)?.optional) return reason("REBASE_FIELD_NOT_OPTIONAL", { field: op.field, version });
      break;
    case "addField":
      if (code === "KEY_EXISTS" && fieldIn(newBase, op.field.key) && !fieldIn(oldBase, op.field.key))
        return reason("REBASE_FIELD_KEY_TAKEN", { key: op.field.key, version });
      if (code === "SECTION_NOT_FOUND") return reason("REBASE_SECTION_GONE", { section: op.section, form: op.form, version });
      if (code === "AFTER_NOT_FOUND") return reason("REBASE_AFTER_GONE", { after: op.after, version });
      break;
    case "addForm":
      if (code === "KEY_EXISTS") return reason("REBASE_LOCAL_FORM_KEY_TAKEN", { key: String(problem.params.key ?? op.form.key), version });
      break;
    case "addIndicator":
      if (code === "KEY_EXISTS") return reason("REBASE_INDICATOR_KEY_TAKEN", { key: op.indicator.key, version });
      if (code === "BAD_FORMULA") return reason("REBASE_INDICATOR_FORMULA", { key: op.indicator.key, version, ...detail });
      break;
    case "setTarget":
    case "setBands": {
      const key = op.op === "setTarget" ? op.target.indicator : op.indicator;
      if (code === "INDICATOR_NOT_FOUND" && oldBase.indicators.some((i) => i.key === key))
        return reason("REBASE_INDICATOR_REMOVED", { indicator: key, version });
      break;
    }
    case "relabel":
      if (code.endsWith("_NOT_FOUND")) return reason("REBASE_RELABEL_GONE", { version, ...detail });
      break;
  }
  if (code === "FORM_NOT_FOUND") return reason("REBASE_FORM_GONE", { version, ...detail });
  return problem;
}

/**
 * Re-targets an overlay from `oldBase` to `newBase`: replays its operations on the new version in
 * order, keeps those that still apply, and reports the others with a reason in Bahasa Indonesia
 * (field removed, no longer optional, key now used nationally, indicator removed, …).
 */
export function rebaseOverlay(overlay: DistrictOverlay, oldBase: TemplatePackage, newBase: TemplatePackage, options: ApplyOverlayOptions = {}): RebasedOverlay {
  const state = new Effective(newBase);
  const conflicts: RebaseConflict[] = [];
  const applied: number[] = [];
  const kept: OverlayOperation[] = [];
  const ops = Array.isArray(overlay.operations) ? overlay.operations : [];
  ops.forEach((op, i) => {
    const p = applyOp(state, op, overlay, options);
    if (p) {
      const r = rebaseReason(op, p, oldBase, newBase);
      conflicts.push({ op: i, code: r.code, messageCode: r.messageCode, params: r.params, reason: r.message, operation: structuredClone(op) });
    } else {
      applied.push(i);
      kept.push(structuredClone(op));
    }
  });
  const rebased: DistrictOverlay = { ...structuredClone(overlay), package: newBase.key, baseVersion: newBase.version, operations: kept };
  return { overlay: rebased, applied, conflicts };
}
