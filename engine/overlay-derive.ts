/**
 * The inverse of applyOverlay for the overlay designer: a district admin edits the *effective*
 * package (national version + the district's changes) and this module turns the edited document
 * back into overlay operations. Everything an overlay may not do to a national element (change
 * a type or formula, remove it, change a key, add a section …) becomes a problem located by a
 * JSON pointer into the edited document, with a message (engine/overlay-messages.ts, Bahasa
 * Indonesia and English) saying what cannot be changed in an adaptation and what to do instead.
 *
 * Pure: no I/O, inputs never mutated. Lookups keyed by document keys use Maps.
 */
import type { DistrictOverlay, Field, Form, Indicator, OverlayOperation, Section, Target, TemplatePackage, Text, ValidationRule } from "./documents";
import { KEY_PATTERN, LOCAL_PREFIX } from "./domain";
import { applyOverlay, targetKey, type ApplyOverlayOptions, type DistrictMembership, type OverlayOrigins } from "./overlay";
import { overlayParams, OVERLAY_MESSAGES, overlayMessage, type OverlayMessageCode, type OverlayMessageParams } from "./overlay-messages";
import { overlaySummaryMessage, type OverlaySummaryCode, type OverlaySummaryLine } from "./overlay-summary-messages";
import type { Locale } from "./formula/errors";

/** A problem of the edited document (pointer into the edited package; "" = whole document). */
export interface DeriveProblem {
  pointer: string;
  /** Bahasa Indonesia; the app renders overlayMessage(messageCode, params, locale). */
  message: string;
  code: string;
  messageCode: OverlayMessageCode;
  params: OverlayMessageParams;
}

export interface DeriveMeta {
  /** Org code of the district. */
  district: string;
  title: Text;
  /** Version the overlay will have. */
  version: number;
  /** Org units inside the district (for Puskesmas-level targets); the district itself always counts. */
  inDistrict?: DistrictMembership;
}

export interface DerivedOverlay {
  overlay: DistrictOverlay;
  problems: DeriveProblem[];
  /** For each operation, the pointer into the edited document it came from. */
  pointers: string[];
}

/** Canonical JSON: object keys sorted, undefined members dropped (key order never matters). */
export function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) out[k] = (v as Record<string, unknown>)[k];
      return out;
    }
    return v;
  });
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function arr<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function esc(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function props(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/**
 * The document the overlay designer edits: the effective package with the fields the overlay
 * hides kept in place (they are listed in `hidden`, so the editor can show them greyed out and
 * un-hide them). `origins` are those of applyOverlay (hidden fields stay "national").
 */
export interface EditableOverlayView {
  package: TemplatePackage;
  origins: OverlayOrigins;
  hidden: string[];
  problems: ReturnType<typeof applyOverlay>["problems"];
}

export function editableView(base: TemplatePackage, overlay: DistrictOverlay, options: ApplyOverlayOptions = {}): EditableOverlayView {
  const hidden: string[] = [];
  const kept: OverlayOperation[] = [];
  for (const op of arr<OverlayOperation>(overlay.operations)) {
    if (op?.op === "hideField") {
      if (!hidden.includes(op.field)) hidden.push(op.field);
    } else kept.push(op);
  }
  const shown = applyOverlay(base, { ...overlay, operations: kept }, options);
  // Problems (including hidden fields that may not be hidden) are those of the full overlay.
  const full = applyOverlay(base, overlay, options);
  return { package: shown.package, origins: shown.origins, hidden: hidden.filter((h) => shown.origins.fields.has(h)), problems: full.problems };
}

interface FieldAt {
  field: Field;
  form: string;
  section: string;
  pointer: string;
  /** Position inside its section. */
  index: number;
}

function fieldsOf(pkg: TemplatePackage, pointerPrefix = ""): Map<string, FieldAt> {
  const out = new Map<string, FieldAt>();
  arr<Form>(pkg.forms).forEach((form, fi) => {
    arr<Section>(form?.sections).forEach((s, si) => {
      arr<Field>(s?.fields).forEach((f, ki) => {
        if (isObj(f) && typeof f.key === "string" && !out.has(f.key)) {
          out.set(f.key, { field: f, form: form.key, section: s.key, pointer: `${pointerPrefix}/forms/${fi}/sections/${si}/fields/${ki}`, index: ki });
        }
      });
    });
  });
  return out;
}

/**
 * Turns an edited effective package back into an overlay on `base`. `hidden` lists the optional
 * national fields the district hides (they may or may not still be present in `edited`).
 * Operations come out in a fixed order that applyOverlay accepts: addForm, relabel, setBands,
 * addField, addIndicator, addRule, setTarget, hideField (local forms first: the district's
 * indicators and rules may read their fields).
 */
export function deriveOverlay(base: TemplatePackage, edited: TemplatePackage, hidden: readonly string[], meta: DeriveMeta): DerivedOverlay {
  const problems: DeriveProblem[] = [];
  const problem = (pointer: string, messageCode: OverlayMessageCode, raw: Readonly<Record<string, unknown>> = {}): void => {
    const params = overlayParams(raw);
    problems.push({ pointer, code: OVERLAY_MESSAGES[messageCode].code, message: overlayMessage(messageCode, params), messageCode, params });
  };
  const addForms: OverlayOperation[] = [];
  const relabels: OverlayOperation[] = [];
  const bands: OverlayOperation[] = [];
  const addFields: OverlayOperation[] = [];
  const addIndicators: OverlayOperation[] = [];
  const addRules: OverlayOperation[] = [];
  const setTargets: OverlayOperation[] = [];
  const hides: OverlayOperation[] = [];
  /** Pointer into the edited document of each operation, in emission order per kind. */
  const where = new Map<OverlayOperation, string>();
  const emit = (list: OverlayOperation[], op: OverlayOperation, pointer: string): void => {
    list.push(op);
    where.set(op, pointer);
  };

  const doc = (isObj(edited) ? edited : {}) as TemplatePackage;
  if (!isObj(edited)) problem("", "NOT_A_PACKAGE");

  // Package head: nothing of it belongs to the district.
  for (const prop of ["key", "version", "title", "owner", "source", "description"] as const) {
    if (!same(doc[prop], base[prop])) {
      problem(`/${prop}`, "PACKAGE_HEAD_LOCKED", { prop, value: canonical(base[prop]) });
    }
  }
  if (!same(doc.groups, base.groups)) {
    problem("/groups", "GROUPS_LOCKED");
  }

  // ---- Forms, sections, fields
  const baseFields = fieldsOf(base);
  const editedFields = fieldsOf(doc);
  const hiddenSet = new Set(hidden);
  const editedForms = arr<Form>(doc.forms);
  const baseForms = new Map(base.forms.map((f) => [f.key, f] as const));
  const seenForms = new Set<string>();
  const seenFieldKeys = new Set<string>();

  editedForms.forEach((form, fi) => {
    const fp = `/forms/${fi}`;
    if (!isObj(form)) {
      problem(fp, "FORM_NOT_OBJECT");
      return;
    }
    const baseForm = baseForms.get(form.key);
    if (seenForms.has(form.key)) {
      problem(`${fp}/key`, "FORM_DUPLICATE", { form: form.key });
      return;
    }
    if (!baseForm) {
      // A form the national version does not have: a local form, whole, with local fields only.
      if (typeof form.key !== "string" || !KEY_PATTERN.test(form.key) || !form.key.startsWith(LOCAL_PREFIX)) {
        problem(`${fp}/key`, "FORM_ADDED", { form: String(form.key) });
        return;
      }
      seenForms.add(form.key);
      let fine = true;
      arr<Section>(form.sections).forEach((section, si) => {
        arr<Field>(section?.fields).forEach((field, ki) => {
          const kp = `${fp}/sections/${si}/fields/${ki}`;
          if (!isObj(field) || typeof field.key !== "string") {
            problem(kp, "FIELD_NO_KEY");
            fine = false;
          } else if (!KEY_PATTERN.test(field.key) || !field.key.startsWith(LOCAL_PREFIX)) {
            problem(`${kp}/key`, "NEW_FIELD_NOT_LOCAL", { field: field.key, stem: field.key.replace(/[^a-z0-9_]/g, "_").replace(/^lokal_?/, "") });
            fine = false;
          } else if (seenFieldKeys.has(field.key) || baseFields.has(field.key)) {
            problem(`${kp}/key`, "FIELD_DUPLICATE", { field: field.key });
            fine = false;
          } else seenFieldKeys.add(field.key);
        });
      });
      if (fine) emit(addForms, { op: "addForm", form: structuredClone(form) }, fp);
      return;
    }
    seenForms.add(form.key);
    if (!same(form.title, baseForm.title)) {
      if (isObj(form.title)) emit(relabels, { op: "relabel", form: form.key, label: structuredClone(form.title) as Text }, `${fp}/title`);
      else problem(`${fp}/title`, "FORM_TITLE_EMPTY", { form: form.key });
    }
    for (const prop of ["periodType", "source", "description", "reportingLevels", "appliesTo"] as const) {
      if (!same(form[prop], baseForm[prop])) {
        problem(`${fp}/${prop}`, "FORM_PROP_LOCKED", { prop, form: form.key });
      }
    }
    const baseSections = new Map(baseForm.sections.map((s) => [s.key, s] as const));
    const seenSections = new Set<string>();
    arr<Section>(form.sections).forEach((section, si) => {
      const sp = `${fp}/sections/${si}`;
      if (!isObj(section)) {
        problem(sp, "SECTION_NOT_OBJECT");
        return;
      }
      const baseSection = baseSections.get(section.key);
      if (!baseSection) {
        problem(`${sp}/key`, "SECTION_ADDED", { section: String(section.key), form: form.key });
        return;
      }
      if (seenSections.has(section.key)) {
        problem(`${sp}/key`, "SECTION_DUPLICATE", { section: section.key, form: form.key });
        return;
      }
      seenSections.add(section.key);
      if (!same(section.title, baseSection.title)) {
        if (isObj(section.title))
          emit(relabels, { op: "relabel", form: form.key, section: section.key, label: structuredClone(section.title) as Text }, `${sp}/title`);
        else problem(`${sp}/title`, "SECTION_TITLE_EMPTY", { section: section.key });
      }
      if (!same(section.description, baseSection.description)) {
        problem(`${sp}/description`, "SECTION_DESCRIPTION_LOCKED", { section: section.key });
      }
      const fields = arr<Field>(section.fields);
      // National fields must keep their national order (hidden ones may be left out).
      const nationalHere = fields
        .filter((f) => isObj(f) && baseFields.get(f.key)?.form === form.key && baseFields.get(f.key)?.section === section.key)
        .map((f) => f.key);
      const baseOrder = baseSection.fields.map((f) => f.key).filter((k) => nationalHere.includes(k));
      if (!same(nationalHere, baseOrder)) {
        problem(`${sp}/fields`, "NATIONAL_ORDER", { section: section.key });
      }
      fields.forEach((field, ki) => {
        const kp = `${sp}/fields/${ki}`;
        if (!isObj(field) || typeof field.key !== "string") {
          problem(kp, "FIELD_NO_KEY");
          return;
        }
        if (seenFieldKeys.has(field.key)) {
          problem(`${kp}/key`, "FIELD_DUPLICATE", { field: field.key });
          return;
        }
        seenFieldKeys.add(field.key);
        const national = baseFields.get(field.key);
        if (national) {
          if (national.form !== form.key || national.section !== section.key) {
            problem(`${kp}`, "NATIONAL_MOVED", { field: field.key, section: national.section, form: national.form });
            return;
          }
          for (const prop of props(field, national.field)) {
            if (prop === "key" || prop === "label") continue;
            if (same((field as unknown as Record<string, unknown>)[prop], (national.field as unknown as Record<string, unknown>)[prop])) continue;
            const at = `${kp}/${esc(prop)}`;
            if (prop === "type") problem(at, "FIELD_TYPE_LOCKED", { field: field.key, type: national.field.type });
            else if (prop === "calculate") problem(at, "FIELD_CALCULATE_LOCKED", { field: field.key });
            else if (prop === "optional" || prop === "required") problem(at, "FIELD_OPTIONAL_LOCKED", { field: field.key });
            else problem(at, "FIELD_PROP_LOCKED", { field: field.key, prop });
          }
          if (!same(field.label, national.field.label)) {
            if (isObj(field.label))
              emit(relabels, { op: "relabel", form: form.key, field: field.key, label: structuredClone(field.label) as Text }, `${kp}/label`);
            else problem(`${kp}/label`, "FIELD_LABEL_EMPTY", { field: field.key });
          }
          return;
        }
        // A field the national version does not have: a local field.
        if (!KEY_PATTERN.test(field.key) || !field.key.startsWith(LOCAL_PREFIX)) {
          problem(`${kp}/key`, "NEW_FIELD_NOT_LOCAL", { field: field.key, stem: field.key.replace(/[^a-z0-9_]/g, "_").replace(/^lokal_?/, "") });
          return;
        }
        let after: string | undefined;
        if (ki > 0) {
          const prev = fields[ki - 1];
          after = isObj(prev) && typeof prev.key === "string" ? prev.key : undefined;
        } else {
          // First in the section: only possible after national fields the district hides (and left out).
          const leading: string[] = [];
          for (const f of baseSection.fields) {
            if (hiddenSet.has(f.key) && !editedFields.has(f.key)) leading.push(f.key);
            else break;
          }
          after = leading[leading.length - 1];
          if (after === undefined) {
            problem(kp, "LOCAL_FIELD_FIRST", { field: field.key, section: section.key });
            return;
          }
        }
        const op: OverlayOperation = { op: "addField", form: form.key, section: section.key, field: structuredClone(field), after };
        emit(addFields, op, kp);
      });
    });
    for (const s of baseForm.sections) {
      if (seenSections.has(s.key)) continue;
      if (s.fields.every((f) => hiddenSet.has(f.key))) continue;
      problem(`${fp}/sections`, "SECTION_REMOVED", { section: s.key, form: form.key });
    }
  });
  for (const f of base.forms) {
    if (!seenForms.has(f.key)) problem("/forms", "FORM_REMOVED", { form: f.key });
  }
  for (const [key, at] of baseFields) {
    if (editedFields.has(key) || hiddenSet.has(key)) continue;
    if (!seenForms.has(at.form)) continue;
    const formIndex = editedForms.findIndex((f) => isObj(f) && f.key === at.form);
    problem(`/forms/${formIndex}`, at.field.optional === true && at.field.required !== true ? "OPTIONAL_FIELD_REMOVED" : "FIELD_REMOVED", { field: key });
  }
  // Hidden fields: only optional national fields.
  const hideSeen = new Set<string>();
  for (const key of hidden) {
    if (hideSeen.has(key)) continue;
    hideSeen.add(key);
    const national = baseFields.get(key);
    if (!national) continue; // a stale mark on a local field that is gone: nothing to hide
    const pointer = editedFields.get(key)?.pointer ?? "";
    if (national.field.optional !== true || national.field.required === true) {
      problem(pointer, "FIELD_NOT_OPTIONAL", { field: key });
      continue;
    }
    emit(hides, { op: "hideField", form: national.form, field: key }, pointer);
  }

  // ---- Indicators
  const baseIndicators = new Map(base.indicators.map((i) => [i.key, i] as const));
  const seenIndicators = new Set<string>();
  arr<Indicator>(doc.indicators).forEach((ind, ii) => {
    const ip = `/indicators/${ii}`;
    if (!isObj(ind) || typeof ind.key !== "string") {
      problem(ip, "INDICATOR_NO_KEY");
      return;
    }
    if (seenIndicators.has(ind.key)) {
      problem(`${ip}/key`, "INDICATOR_DUPLICATE", { indicator: ind.key });
      return;
    }
    seenIndicators.add(ind.key);
    const national = baseIndicators.get(ind.key);
    if (!national) {
      if (!KEY_PATTERN.test(ind.key) || !ind.key.startsWith(LOCAL_PREFIX)) {
        problem(`${ip}/key`, "NEW_INDICATOR_NOT_LOCAL", { indicator: ind.key });
        return;
      }
      emit(addIndicators, { op: "addIndicator", indicator: structuredClone(ind) }, ip);
      return;
    }
    for (const prop of props(ind, national)) {
      if (prop === "key" || prop === "name" || prop === "bands") continue;
      if (same((ind as unknown as Record<string, unknown>)[prop], (national as unknown as Record<string, unknown>)[prop])) continue;
      problem(`${ip}/${esc(prop)}`, prop === "numerator" || prop === "denominator" ? "INDICATOR_FORMULA_LOCKED" : "INDICATOR_PROP_LOCKED", {
        indicator: ind.key,
        prop,
      });
    }
    if (!same(ind.name, national.name)) {
      if (isObj(ind.name)) emit(relabels, { op: "relabel", indicator: ind.key, label: structuredClone(ind.name) as Text }, `${ip}/name`);
      else problem(`${ip}/name`, "INDICATOR_NAME_EMPTY", { indicator: ind.key });
    }
    if (!same(ind.bands, national.bands)) {
      if (isObj(ind.bands)) emit(bands, { op: "setBands", indicator: ind.key, bands: { green: ind.bands.green, yellow: ind.bands.yellow } }, `${ip}/bands`);
      else problem(`${ip}/bands`, "BANDS_REMOVED", { indicator: ind.key });
    }
  });
  for (const key of baseIndicators.keys()) {
    if (!seenIndicators.has(key)) problem("/indicators", "INDICATOR_REMOVED", { indicator: key });
  }

  // ---- Rules
  const baseRules = new Map(base.rules.map((r) => [r.key, r] as const));
  const seenRules = new Set<string>();
  arr<ValidationRule>(doc.rules).forEach((rule, ri) => {
    const rp = `/rules/${ri}`;
    if (!isObj(rule) || typeof rule.key !== "string") {
      problem(rp, "RULE_NO_KEY");
      return;
    }
    if (seenRules.has(rule.key)) {
      problem(`${rp}/key`, "RULE_DUPLICATE", { rule: rule.key });
      return;
    }
    seenRules.add(rule.key);
    const national = baseRules.get(rule.key);
    if (national) {
      if (!same(rule, national)) {
        const prop =
          props(rule, national).find((p) => !same((rule as unknown as Record<string, unknown>)[p], (national as unknown as Record<string, unknown>)[p])) ?? "";
        problem(`${rp}/${esc(prop)}`, "RULE_LOCKED", { rule: rule.key });
      }
      return;
    }
    if (!KEY_PATTERN.test(rule.key) || !rule.key.startsWith(LOCAL_PREFIX)) {
      problem(`${rp}/key`, "NEW_RULE_NOT_LOCAL", { rule: rule.key });
      return;
    }
    emit(addRules, { op: "addRule", rule: structuredClone(rule) }, rp);
  });
  for (const key of baseRules.keys()) {
    if (!seenRules.has(key)) problem("/rules", "RULE_REMOVED", { rule: key });
  }

  // ---- Targets
  const baseTargets = new Map(base.targets.map((t) => [targetKey(t), t] as const));
  const seenTargets = new Set<string>();
  const member = meta.inDistrict;
  const inside = (code: string): boolean =>
    code === meta.district || (member === undefined ? true : typeof member === "function" ? member(code) : member.has(code));
  arr<Target>(doc.targets).forEach((t, ti) => {
    const tp = `/targets/${ti}`;
    if (!isObj(t) || !isObj(t.scope) || typeof t.indicator !== "string") {
      problem(tp, "TARGET_INCOMPLETE");
      return;
    }
    const key = targetKey(t);
    if (seenTargets.has(key)) {
      problem(tp, "DUPLICATE_TARGET", { indicator: t.indicator, year: t.year });
      return;
    }
    seenTargets.add(key);
    const national = baseTargets.get(key);
    if (national && same(t, national)) return;
    const level = t.scope.level;
    const org = level === "national" ? "" : (t.scope as { org: string }).org;
    const own = (level === "district" && org === meta.district) || (level === "puskesmas" && inside(org));
    if (!own) {
      if (national)
        problem(`${tp}/scope`, "NATIONAL_TARGET_LOCKED", {
          indicator: t.indicator,
          year: t.year,
          org: level === "national" ? undefined : org,
          district: meta.district,
        });
      else problem(`${tp}/scope`, "TARGET_OUTSIDE_DISTRICT", { district: meta.district });
      return;
    }
    emit(setTargets, { op: "setTarget", target: structuredClone(t) }, tp);
  });
  for (const [key, t] of baseTargets) {
    if (!seenTargets.has(key)) {
      problem("/targets", "TARGET_REMOVED", { indicator: t.indicator, year: t.year, org: t.scope.level === "national" ? undefined : t.scope.org });
    }
  }

  const operations = [...addForms, ...relabels, ...bands, ...addFields, ...addIndicators, ...addRules, ...setTargets, ...hides];
  const overlay: DistrictOverlay = {
    package: base.key,
    baseVersion: base.version,
    district: meta.district,
    title: structuredClone(meta.title),
    version: meta.version,
    operations,
  };
  // Whatever applyOverlay itself refuses (bad formula of a local field, a hidden field still in use …).
  const applied = applyOverlay(base, overlay, meta.inDistrict ? { inDistrict: meta.inDistrict } : {});
  for (const p of applied.problems) {
    if (p.op < 0) continue;
    problem(where.get(operations[p.op]) ?? "", p.messageCode, p.params);
  }
  return { overlay, problems, pointers: operations.map((op) => where.get(op) ?? "") };
}

/** What an overlay changes, one line per operation as data (OVERLAY_SUMMARY_MESSAGES), for the publish summary. */
export function describeOverlayLines(base: TemplatePackage, overlay: DistrictOverlay): OverlaySummaryLine[] {
  const fields = fieldsOf(base);
  const label = (t: Text | undefined): string => (t && typeof t.id === "string" ? t.id : "");
  const labelEn = (t: Text | undefined): string => (t && typeof t.en === "string" && t.en ? t.en : label(t));
  /** A package text as a param `name` with its English sibling, each falling back to `fallback` when empty. */
  const text = (name: string, t: Text | undefined, fallback = ""): Record<string, string> => ({
    [name]: label(t) || fallback,
    [`${name}En`]: labelEn(t) || fallback,
  });
  const local = new Map<string, Text>();
  for (const op of arr<OverlayOperation>(overlay.operations)) if (op?.op === "addIndicator") local.set(op.indicator.key, op.indicator.name);
  const indicatorText = (key: string): Text | undefined => base.indicators.find((i) => i.key === key)?.name ?? local.get(key);
  const lines: OverlaySummaryLine[] = [];
  const line = (messageCode: OverlaySummaryCode, raw: Record<string, unknown>) => lines.push({ messageCode, params: overlayParams(raw) });
  for (const op of arr<OverlayOperation>(overlay.operations)) {
    switch (op.op) {
      case "relabel":
        if (op.indicator !== undefined)
          line("RELABEL_INDICATOR", { ...text("indicator", indicatorText(op.indicator), op.indicator), ...text("label", op.label) });
        else if (op.field !== undefined) line("RELABEL_FIELD", { ...text("field", fields.get(op.field)?.field.label, op.field), ...text("label", op.label) });
        else if (op.section !== undefined) line("RELABEL_SECTION", { section: op.section, form: op.form, ...text("label", op.label) });
        else line("RELABEL_FORM", { form: op.form, ...text("label", op.label) });
        break;
      case "setBands":
        line("SET_BANDS", { ...text("indicator", indicatorText(op.indicator), op.indicator), green: op.bands.green, yellow: op.bands.yellow });
        break;
      case "hideField":
        line("HIDE_FIELD", { ...text("field", fields.get(op.field)?.field.label, op.field), form: op.form });
        break;
      case "addField":
        line("ADD_FIELD", { ...text("label", op.field.label), key: op.field.key, form: op.form, section: op.section });
        break;
      case "addForm":
        line("ADD_FORM", {
          ...text("title", op.form.title, op.form.key),
          key: op.form.key,
          fields: op.form.sections.reduce((n, sct) => n + sct.fields.length, 0),
        });
        break;
      case "addIndicator":
        line("ADD_INDICATOR", { ...text("name", op.indicator.name), key: op.indicator.key });
        break;
      case "addRule":
        line("ADD_RULE", { ...text("message", op.rule.message), key: op.rule.key, form: op.rule.form });
        break;
      case "setTarget": {
        const t = op.target;
        const national = base.targets.find((x) => targetKey(x) === targetKey(t));
        line("SET_TARGET", {
          ...text("indicator", indicatorText(t.indicator), t.indicator),
          year: t.year,
          scope: t.scope.level === "national" || t.scope.level === "district" ? t.scope.level : "puskesmas",
          org: t.scope.level === "national" ? undefined : t.scope.org,
          value: t.value,
          previous: national?.value,
        });
        break;
      }
    }
  }
  return lines;
}

/** Plain-language lines of what an overlay changes, in `locale` (Bahasa Indonesia by default: the audit row keeps these). */
export function describeOverlay(base: TemplatePackage, overlay: DistrictOverlay, locale: Locale = "id"): string[] {
  return describeOverlayLines(base, overlay).map((l) => overlaySummaryMessage(l.messageCode, l.params, locale));
}
