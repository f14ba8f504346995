/**
 * Pure helpers of the indicator, target and rule editors: keys, client-side checks shown next
 * to the inputs as the admin types (the server repeats every check on save), target copying.
 * Messages are message keys + parameters; the editors translate them.
 */
import type { Indicator, Target, TemplatePackage, ValidationRule } from "@engine";
import type { DesignerContext } from "~/contracts/designer";
import { checkFormula, formulaTypeOf, isValidKey, LOCAL_PREFIX } from "@engine";
import { symbolsOf, type FormulaFieldInfo } from "./formula-helpers";

/** A check result: message key of app/i18n/messages/designer-indicators.ts and its parameters. */
export interface Check {
  /** Which input it belongs to ("key", "name", "bands", …). */
  at: string;
  key: string;
  params?: Record<string, string | number>;
}

/** "Cakupan K6 Ibu Hamil (%)" → "cakupan_k6_ibu_hamil". */
export function slugKey(text: string, fallback = "indikator"): string {
  const base = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 56)
    .replace(/_+$/, "");
  if (!base) return fallback;
  return /^[a-z]/.test(base) ? base : `${fallback}_${base}`.slice(0, 56);
}

export function uniqueKey(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** Field keys of every form (keys are unique package-wide). */
export function fieldKeys(pkg: TemplatePackage): Set<string> {
  return new Set(pkg.forms.flatMap((f) => f.sections.flatMap((s) => s.fields.map((x) => x.key))));
}

/** Fields an indicator formula may read: every readable field of the package. */
export function indicatorFields(pkg: TemplatePackage): FormulaFieldInfo[] {
  return pkg.forms.flatMap((form) =>
    form.sections.flatMap((s) =>
      s.fields.filter((f) => formulaTypeOf(f.type)).map((f) => ({ key: f.key, type: f.type, label: `${f.label.id} · ${form.title.id}` })),
    ),
  );
}

/** Fields a rule of `formKey` may read: that form's fields plus yearly forms' fields (e.g. sasaran). */
export function ruleFields(pkg: TemplatePackage, formKey: string): FormulaFieldInfo[] {
  return pkg.forms
    .filter((f) => f.key === formKey || f.periodType === "year")
    .flatMap((form) =>
      form.sections.flatMap((s) =>
        s.fields.filter((f) => formulaTypeOf(f.type)).map((f) => ({ key: f.key, type: f.type, label: `${f.label.id} · ${form.title.id}` })),
      ),
    );
}

/** Key, after the name changed: a key that still follows the old name follows the new one. */
export function keyAfterRename(currentKey: string, oldName: string, newName: string, taken: ReadonlySet<string>, prefix = ""): string {
  const others = new Set(taken);
  others.delete(currentKey);
  const follows = currentKey === uniqueKey(prefix + slugKey(oldName), others) || currentKey === "";
  return follows ? uniqueKey(prefix + slugKey(newName), others) : currentKey;
}

function keyChecks(key: string, taken: ReadonlyMap<string, number>, at: string, mustBeLocal: boolean): Check[] {
  const out: Check[] = [];
  if (key.trim() === "") out.push({ at, key: "indcheck.keyEmpty" });
  else if (!isValidKey(key)) out.push({ at, key: "indcheck.keyPattern", params: { key } });
  else if ((taken.get(key) ?? 0) > 1) out.push({ at, key: "indcheck.keyDuplicate", params: { key } });
  if (mustBeLocal && key !== "" && !key.startsWith(LOCAL_PREFIX)) out.push({ at, key: "indcheck.keyLocal", params: { prefix: LOCAL_PREFIX } });
  return out;
}

function counts(keys: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/**
 * True when the element is national in an overlay (locked except what overlays allow): its
 * origin says so, or, without origins, its key lacks the lokal_ prefix. An element added in this
 * session has no origin yet and counts as local (so a key without the prefix gets a message).
 */
export function isNationalIn(context: Pick<DesignerContext, "mode" | "origins">, key: string, kind: "indicators" | "rules" = "indicators"): boolean {
  if (context.mode !== "overlay") return false;
  if (context.origins) {
    const origin = context.origins[kind][key];
    return origin === "national" || origin === "overridden";
  }
  return !key.startsWith(LOCAL_PREFIX);
}

/** Client-side checks of one indicator (formulas are checked by FormulaInput itself). */
export function indicatorChecks(pkg: TemplatePackage, index: number, context: Pick<DesignerContext, "mode" | "origins">): Check[] {
  const ind = pkg.indicators[index];
  const out: Check[] = [];
  const taken = counts([...pkg.indicators.map((i) => i.key), ...fieldKeys(pkg)]);
  const national = isNationalIn(context, ind.key);
  if (!national) out.push(...keyChecks(ind.key, taken, "key", context.mode === "overlay"));
  if (ind.name.id.trim() === "") out.push({ at: "name", key: "indcheck.nameEmpty" });
  if (!pkg.groups.some((g) => g.key === ind.group)) out.push({ at: "group", key: "indcheck.groupMissing", params: { group: ind.group } });
  out.push(...unitsChecks(ind, indicatorFields(pkg)));
  if (ind.bands) {
    const { green, yellow } = ind.bands;
    if (!(yellow < green)) out.push({ at: "bands", key: "indcheck.bandsOrder", params: { yellow, green } });
    if (yellow < 0 || green < 0) out.push({ at: "bands", key: "indcheck.bandsNegative" });
  }
  if (ind.factor !== undefined && !(ind.factor > 0)) out.push({ at: "factor", key: "indcheck.factorPositive" });
  if (ind.decimals !== undefined && !(Number.isInteger(ind.decimals) && ind.decimals >= 0 && ind.decimals <= 6))
    out.push({ at: "decimals", key: "indcheck.decimals" });
  if (ind.minCompleteness !== undefined && !(ind.minCompleteness >= 0 && ind.minCompleteness <= 1))
    out.push({ at: "minCompleteness", key: "indcheck.completeness" });
  if (ind.weight !== undefined && !(ind.weight >= 0)) out.push({ at: "weight", key: "indcheck.weight" });
  if (ind.source.trim() === "") out.push({ at: "source", key: "indcheck.sourceEmpty" });
  return out;
}

/**
 * units() counts the units that reported the forms read inside count_units(...): an indicator
 * that uses units() but counts no field with count_units has no such form (the package
 * validation refuses it as UNITS_WITHOUT_COUNT; this says so while the admin types). The same
 * for count_units(in_group(key)) without any field: its cells would have no value.
 */
export function unitsChecks(ind: Pick<Indicator, "numerator" | "denominator">, fields: readonly FormulaFieldInfo[]): Check[] {
  const symbols = symbolsOf(fields);
  const parts = [{ at: "numerator", src: ind.numerator }, ...(ind.denominator !== undefined ? [{ at: "denominator", src: ind.denominator }] : [])].map((p) => ({
    ...p,
    res: checkFormula(p.src, { symbols, context: "indicator" }),
  }));
  const unitFields = parts.flatMap((p) => p.res.unitRefs);
  if (unitFields.length > 0) return [];
  const unitsOnly = parts.find((p) => p.res.ok && p.res.usesUnits && /\bunits\s*\(/.test(p.src));
  if (unitsOnly) return [{ at: unitsOnly.at, key: "indcheck.unitsWithoutCount" }];
  // in_group alone names no form either (decision 039): which units would be counted?
  const groupsOnly = parts.find((p) => p.res.ok && p.res.groupRefs.length > 0);
  return groupsOnly ? [{ at: groupsOnly.at, key: "indcheck.inGroupWithoutField", params: { group: groupsOnly.res.groupRefs[0] } }] : [];
}

/** A new indicator: first group, a key that follows its (empty) name, default percent settings. */
export function newIndicator(pkg: TemplatePackage, context: Pick<DesignerContext, "mode">, group?: string): Indicator {
  const prefix = context.mode === "overlay" ? LOCAL_PREFIX : "";
  const taken = new Set([...pkg.indicators.map((i) => i.key), ...fieldKeys(pkg)]);
  return {
    // The key of an empty name, so it follows the name as soon as one is typed.
    key: uniqueKey(prefix + slugKey(""), taken),
    name: { id: "" },
    group: group ?? pkg.groups[0]?.key ?? "",
    numerator: "",
    denominator: "",
    factor: 100,
    unit: "%",
    decimals: 1,
    direction: "higher",
    source: "",
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

/** The identity of a target (engine/overlay.ts targetKey). */
export function targetKey(t: Pick<Target, "indicator" | "year" | "scope">): string {
  const org = t.scope.level === "national" ? "" : t.scope.org;
  return `${t.indicator}|${t.year}|${t.scope.level}|${org}`;
}

/** Parses "25; 50; 75; 100" (or commas/spaces between values, decimal comma "12,5" only with ";"). */
export function parseProfileValues(text: string): { values: number[]; bad: string[] } {
  const parts = text.includes(";") ? text.split(";") : text.split(/[\s,]+/);
  const values: number[] = [];
  const bad: string[] = [];
  for (const raw of parts) {
    const p = raw.trim().replace(",", ".");
    if (p === "") continue;
    if (/^-?(\d+(\.\d+)?|\.\d+)$/.test(p)) values.push(Number(p));
    else bad.push(raw.trim());
  }
  return { values, bad };
}

/** True when the scope may be set in this designer (overlay: only the district and its Puskesmas). */
export function scopeAllowed(scope: Target["scope"], context: Pick<DesignerContext, "mode" | "districtCode" | "orgUnits">): boolean {
  if (context.mode !== "overlay") return true;
  if (scope.level === "national" || scope.level === "province") return false;
  if (scope.org === context.districtCode) return scope.level === "district";
  return scope.level === "puskesmas" && context.orgUnits.some((u) => u.code === scope.org && u.level === "puskesmas");
}

/** Whether a target is read-only here: overlay mode, and it is not at the district's own scopes. */
export function targetLocked(t: Target, context: Pick<DesignerContext, "mode" | "districtCode" | "orgUnits" | "readOnly">): boolean {
  return context.readOnly || (context.mode === "overlay" && !scopeAllowed(t.scope, context));
}

export function targetChecks(pkg: TemplatePackage, index: number, context: Pick<DesignerContext, "mode" | "districtCode" | "orgUnits">): Check[] {
  const t = pkg.targets[index];
  const out: Check[] = [];
  // A national target shown in a district's adaptation is read-only there: nothing to fix, so nothing to flag or count.
  if (context.mode === "overlay" && !scopeAllowed(t.scope, context)) return out;
  if (!pkg.indicators.some((i) => i.key === t.indicator)) out.push({ at: "indicator", key: "indcheck.targetIndicator", params: { key: t.indicator } });
  if (!Number.isInteger(t.year) || t.year < 2000 || t.year > 2100) out.push({ at: "year", key: "indcheck.targetYear" });
  if (!Number.isFinite(t.value) || t.value < 0) out.push({ at: "value", key: "indcheck.targetValue" });
  if (t.scope.level !== "national" && !t.scope.org) out.push({ at: "scope", key: "indcheck.scopeOrg" });
  if (!scopeAllowed(t.scope, context)) out.push({ at: "scope", key: "indcheck.scopeOverlay" });
  const id = targetKey(t);
  if (pkg.targets.some((o, j) => j !== index && targetKey(o) === id)) out.push({ at: "scope", key: "indcheck.targetDuplicate" });
  const p = t.profile;
  if (p.type === "quarterly" && p.values.length !== 4) out.push({ at: "profile", key: "indcheck.profileQuarterly", params: { count: p.values.length } });
  if (p.type === "monthly" && p.values.length !== 12) out.push({ at: "profile", key: "indcheck.profileMonthly", params: { count: p.values.length } });
  return out;
}

/**
 * Copies every target of year `year - 1` to `year`, skipping those that already exist for `year`
 * (same indicator and scope) and, in overlay mode, those outside the district's own scopes.
 */
export function copyLastYear(
  pkg: TemplatePackage,
  year: number,
  context: Pick<DesignerContext, "mode" | "districtCode" | "orgUnits">,
): { targets: Target[]; copied: number; skipped: number } {
  const existing = new Set(pkg.targets.map(targetKey));
  const added: Target[] = [];
  let skipped = 0;
  for (const t of pkg.targets) {
    if (t.year !== year - 1) continue;
    const copy: Target = { ...t, year, profile: structuredClone(t.profile), scope: { ...t.scope } };
    if (existing.has(targetKey(copy)) || !scopeAllowed(copy.scope, context)) {
      skipped++;
      continue;
    }
    existing.add(targetKey(copy));
    added.push(copy);
  }
  return { targets: [...pkg.targets, ...added], copied: added.length, skipped };
}

// ---------------------------------------------------------------------------------------------
// Rules

export function ruleChecks(pkg: TemplatePackage, index: number, context: Pick<DesignerContext, "mode" | "origins">): Check[] {
  const r: ValidationRule = pkg.rules[index];
  const out: Check[] = [];
  if (!isNationalIn(context, r.key, "rules")) out.push(...keyChecks(r.key, counts(pkg.rules.map((x) => x.key)), "key", context.mode === "overlay"));
  if (!pkg.forms.some((f) => f.key === r.form)) out.push({ at: "form", key: "indcheck.ruleForm", params: { form: r.form } });
  if (r.message.id.trim() === "") out.push({ at: "message", key: "indcheck.messageEmpty" });
  return out;
}

export function newRule(pkg: TemplatePackage, context: Pick<DesignerContext, "mode">, form?: string): ValidationRule {
  const prefix = context.mode === "overlay" ? LOCAL_PREFIX : "";
  return {
    key: uniqueKey(prefix + "aturan_baru", new Set(pkg.rules.map((r) => r.key))),
    form: form ?? pkg.forms[0]?.key ?? "",
    left: "",
    op: "<=",
    right: "",
    severity: "warning",
    message: { id: "" },
    source: "",
  };
}

/** Replaces element `index` of a list without touching the others (structural sharing). */
export function replaceAt<T>(list: readonly T[], index: number, next: T): T[] {
  const copy = list.slice();
  copy[index] = next;
  return copy;
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}
