/**
 * Semantic checks of template packages and district overlays, run after the JSON Schema check:
 * key uniqueness, references, formulas (with the right symbols per context), bounds and
 * profiles. Every error carries a JSON pointer; formula errors also carry the character range.
 * Pure and Ajv-free, so the designer can run them in the browser; validate.ts adds the schema.
 */
import { fieldFormulaType, LOCAL_PREFIX } from "../domain";
import { checkFormula, type FormulaType } from "../formula/index";
import { findCycles } from "./cycles";

export { findCycles };
import type { DocumentError } from "../intake/errors";
import { pointerOf } from "../intake/errors";
import { packageError, type PackageMessageCode } from "./package-messages";
import type { JsonCaps } from "../intake/limits";
import type { Condition, DistrictOverlay, Field, Form, Indicator, Target, TemplatePackage, ValidationRule } from "../../schemas/types.generated";

/** The messages of a reference an overlay makes to something its base package lacks. */
type UnknownReferenceCode = Extract<PackageMessageCode, `UNKNOWN_REF_${string}`>;

export interface PackageValidateOptions extends JsonCaps {
  /**
   * Accept `lokal_` keys: true for an *effective* package (base + overlay), false (default)
   * for a national template package.
   */
  allowLocalKeys?: boolean;
}

/** A formula checker's error, with its English twin, as a DocumentError (its text is FORMULA_ERRORS'). */
function formulaErr(pointer: string, code: string, message: string, messageEn: string, extra: Partial<DocumentError>): DocumentError {
  return { pointer, code, message, messageEn, ...extra };
}

function symbolsOf(fields: Iterable<Field>): Map<string, FormulaType> {
  const symbols = new Map<string, FormulaType>();
  for (const f of fields) {
    const t = fieldFormulaType(f);
    if (t) symbols.set(f.key, t);
  }
  return symbols;
}

/** All fields of a form in order, with their pointers relative to the form. */
export function formFields(form: Form): { field: Field; pointer: string }[] {
  const out: { field: Field; pointer: string }[] = [];
  form.sections.forEach((s, si) => s.fields.forEach((f, fi) => out.push({ field: f, pointer: pointerOf("sections", si, "fields", fi) })));
  return out;
}

/**
 * Checks one formula and converts its errors. `expect` is the required result type, if any.
 */
function checkFormulaAt(
  src: string,
  pointer: string,
  symbols: ReadonlyMap<string, FormulaType>,
  context: "field" | "rule" | "indicator",
  expect?: FormulaType,
): { errors: DocumentError[]; refs: string[]; type?: FormulaType; usesUnits?: boolean; unitRefs?: string[] } {
  const result = checkFormula(src, { symbols, context });
  if (!result.ok) {
    const english = checkFormula(src, { symbols, context, locale: "en" }).errors;
    return {
      refs: result.refs,
      errors: result.errors.map((e, i) =>
        formulaErr(pointer, e.code, e.message, english[i]?.message ?? e.message, { start: e.start, end: e.end, formulaCode: e.code }),
      ),
    };
  }
  if (expect && result.type && result.type !== expect) {
    return {
      refs: result.refs,
      type: result.type,
      errors: [packageError(pointer, "FORMULA_TYPE", { expect }, { start: 0, end: src.length, formulaCode: "TYPE_MISMATCH" })],
    };
  }
  return { errors: [], refs: result.refs, type: result.type, usesUnits: result.usesUnits, unitRefs: result.unitRefs };
}

/** Shape checks of one field that need no context beyond the field itself. */
export function checkFieldShape(field: Field, pointer: string): DocumentError[] {
  const errors: DocumentError[] = [];
  const numeric = field.type === "integer" || field.type === "number";
  const choice = field.type === "choice" || field.type === "multichoice";
  const notAllowed = (prop: string, forTypes: string): void => {
    errors.push(packageError(`${pointer}/${prop}`, "PROPERTY_NOT_ALLOWED", { prop, forTypes, type: field.type }));
  };
  if (!numeric) {
    if (field.min !== undefined) notAllowed("min", "integer/number");
    if (field.max !== undefined) notAllowed("max", "integer/number");
  }
  if (field.type !== "text" && field.maxLength !== undefined) notAllowed("maxLength", "text");
  if (!choice && field.choices !== undefined) notAllowed("choices", "choice/multichoice");
  if (fieldFormulaType(field) === undefined) {
    if (field.calculate !== undefined) notAllowed("calculate", "integer/number/boolean");
    if (field.aggregation !== undefined) notAllowed("aggregation", "integer/number/boolean");
  }
  if (numeric && field.min !== undefined && field.max !== undefined && field.min > field.max) {
    errors.push(packageError(`${pointer}/min`, "MIN_GT_MAX", { min: field.min, max: field.max }));
  }
  if (field.type === "integer") {
    for (const bound of ["min", "max"] as const) {
      const v = field[bound];
      if (v !== undefined && !Number.isInteger(v)) {
        errors.push(packageError(`${pointer}/${bound}`, "NOT_INTEGER", { bound }));
      }
    }
  }
  if (choice && (field.choices === undefined || field.choices.length === 0)) {
    errors.push(packageError(`${pointer}/choices`, "CHOICES_REQUIRED", { field: field.key }));
  }
  const seen = new Map<string, number>();
  field.choices?.forEach((c, i) => {
    const first = seen.get(c.value);
    if (first !== undefined) {
      errors.push(packageError(`${pointer}/choices/${i}/value`, "DUPLICATE_CHOICE", { value: c.value, first: first + 1, second: i + 1 }));
    } else seen.set(c.value, i);
  });
  if (field.optional === true && field.required === true) {
    errors.push(packageError(`${pointer}/optional`, "OPTIONAL_REQUIRED", { field: field.key }));
  }
  return errors;
}

const ORDER_OPS = new Set(["gt", "gte", "lt", "lte"]);

/** Checks a show-if condition against the fields of its form. */
function checkCondition(condition: Condition, pointer: string, self: Field, byKey: ReadonlyMap<string, Field>): DocumentError[] {
  const errors: DocumentError[] = [];
  condition.clauses.forEach((clause, i) => {
    const at = `${pointer}/clauses/${i}`;
    if (clause.field === self.key) {
      errors.push(packageError(`${at}/field`, "SELF_REFERENCE", { field: self.key }));
      return;
    }
    const target = byKey.get(clause.field);
    if (!target) {
      errors.push(packageError(`${at}/field`, "UNKNOWN_FIELD", { field: clause.field }));
      return;
    }
    const needsValue = clause.op !== "filled" && clause.op !== "empty";
    if (!needsValue) {
      if (clause.value !== undefined) {
        errors.push(packageError(`${at}/value`, "CONDITION_VALUE_UNUSED", { op: clause.op }));
      }
      return;
    }
    if (clause.value === undefined) {
      errors.push(packageError(`${at}/value`, "CONDITION_VALUE_MISSING", { op: clause.op }));
      return;
    }
    const v = clause.value;
    const numeric = target.type === "integer" || target.type === "number";
    const ordered = numeric || target.type === "date";
    if (ORDER_OPS.has(clause.op) && !ordered) {
      errors.push(packageError(`${at}/op`, "CONDITION_ORDER_OP", { op: clause.op, field: target.key, type: target.type }));
      return;
    }
    const expected = numeric ? "number" : target.type === "boolean" ? "boolean" : "string";
    if (typeof v !== expected) {
      errors.push(packageError(`${at}/value`, "CONDITION_VALUE_TYPE", { field: target.key, expected }));
      return;
    }
    if ((target.type === "choice" || target.type === "multichoice") && !target.choices?.some((c) => c.value === v)) {
      errors.push(packageError(`${at}/value`, "UNKNOWN_CHOICE", { value: String(v), field: target.key }));
    }
  });
  return errors;
}

/** Form-internal checks: section keys, show-if, calculated fields and their cycles. */
function checkForm(form: Form, pointer: string): DocumentError[] {
  const errors: DocumentError[] = [];
  const sectionSeen = new Map<string, number>();
  form.sections.forEach((s, i) => {
    if (sectionSeen.has(s.key)) {
      errors.push(duplicate(`${pointer}/sections/${i}/key`, s.key, `${pointer}/sections/${sectionSeen.get(s.key)}/key`));
    } else sectionSeen.set(s.key, i);
  });
  const fields = formFields(form);
  const byKey = new Map(fields.map(({ field }) => [field.key, field] as const));
  const symbols = symbolsOf(byKey.values());
  const calcGraph = new Map<string, string[]>();
  const showGraph = new Map<string, string[]>();
  const pointerByKey = new Map<string, string>();
  for (const { field, pointer: rel } of fields) {
    const at = pointer + rel;
    pointerByKey.set(field.key, at);
    if (field.showIf) {
      errors.push(...checkCondition(field.showIf, `${at}/showIf`, field, byKey));
      // A self-reference is already reported as SELF_REFERENCE, not again as a cycle.
      showGraph.set(
        field.key,
        field.showIf.clauses.map((c) => c.field).filter((k) => k !== field.key),
      );
    }
    if (field.calculate !== undefined && fieldFormulaType(field)) {
      const checked = checkFormulaAt(field.calculate, `${at}/calculate`, symbols, "field", fieldFormulaType(field));
      errors.push(...checked.errors);
      calcGraph.set(field.key, checked.refs);
    }
  }
  for (const cycle of findCycles(calcGraph)) {
    errors.push(packageError(`${pointerByKey.get(cycle[0])}/calculate`, "CIRCULAR", { cycle: cycle.join(" → ") }, { cycle }));
  }
  for (const cycle of findCycles(showGraph)) {
    errors.push(packageError(`${pointerByKey.get(cycle[0])}/showIf`, "SHOWIF_CYCLE", { cycle: cycle.join(" → ") }, { cycle }));
  }
  return errors;
}

/** A key used twice: `firstPointer` is where it was first, or undefined when it is already in the package or an earlier operation of the overlay. */
function duplicate(pointer: string, key: string, firstPointer?: string): DocumentError {
  return firstPointer === undefined
    ? packageError(pointer, "DUPLICATE_KEY_OVERLAY", { key })
    : packageError(pointer, "DUPLICATE_KEY", { key, first: firstPointer });
}

function checkBands(bands: { green: number; yellow: number }, pointer: string): DocumentError[] {
  return bands.green < bands.yellow ? [packageError(`${pointer}/yellow`, "BANDS_ORDER", { yellow: bands.yellow, green: bands.green })] : [];
}

function checkTargetProfile(target: Target, pointer: string): DocumentError[] {
  const p = target.profile;
  const want = p.type === "quarterly" ? 4 : p.type === "monthly" ? 12 : 0;
  if (want === 0 || !("values" in p) || p.values.length === want) return [];
  return [packageError(`${pointer}/profile/values`, "PROFILE_LENGTH", { profile: p.type, want, actual: p.values.length })];
}

/** A form's reporting levels as one label, "puskesmas" when it names none ("pustu+posyandu"). */
function levelsLabel(form: Pick<Form, "reportingLevels">): string {
  return form.reportingLevels && form.reportingLevels.length > 0 ? [...form.reportingLevels].sort().join("+") : "puskesmas";
}

/**
 * An indicator's count_units over fields of forms reported at different levels (a Posyandu recap
 * and a Puskesmas profile): units() would count units of which level? Refused (decision 036).
 */
function checkUnitLevels(unitFields: readonly string[], at: string, formOfField: ReadonlyMap<string, Form>): DocumentError[] {
  const byLevels = new Map<string, Set<string>>();
  for (const key of unitFields) {
    const form = formOfField.get(key);
    if (!form) continue;
    const label = levelsLabel(form);
    byLevels.set(label, (byLevels.get(label) ?? new Set()).add(form.key));
  }
  if (byLevels.size < 2) return [];
  const forms = [...byLevels].map(([levels, keys]) => `${[...keys].join(", ")}: ${levels}`).join("; ");
  return [packageError(at, "UNITS_MIXED_LEVELS", { forms })];
}

function checkIndicator(
  ind: Indicator,
  pointer: string,
  symbols: ReadonlyMap<string, FormulaType>,
  groups: ReadonlySet<string>,
  formOfField: ReadonlyMap<string, Form> = new Map(),
): DocumentError[] {
  const errors: DocumentError[] = [];
  if (!groups.has(ind.group)) {
    errors.push(packageError(`${pointer}/group`, "UNKNOWN_GROUP", { group: ind.group }));
  }
  const num = checkFormulaAt(ind.numerator, `${pointer}/numerator`, symbols, "indicator", "number");
  errors.push(...num.errors);
  const den = ind.denominator !== undefined ? checkFormulaAt(ind.denominator, `${pointer}/denominator`, symbols, "indicator", "number") : undefined;
  if (den) errors.push(...den.errors);
  // units() counts the units that reported the forms read inside count_units(...): without any
  // count_units field there is no such form, and every cell would be a formula problem.
  const parts = [
    { res: num, src: ind.numerator, at: `${pointer}/numerator` },
    ...(den && ind.denominator !== undefined ? [{ res: den, src: ind.denominator, at: `${pointer}/denominator` }] : []),
  ];
  const unitFields = parts.flatMap((p) => p.res.unitRefs ?? []);
  const unitsOnly = parts.find((p) => p.res.errors.length === 0 && p.res.usesUnits && /\bunits\s*\(/.test(p.src));
  if (unitsOnly && unitFields.length === 0) {
    const start = unitsOnly.src.search(/\bunits\s*\(/);
    errors.push(packageError(unitsOnly.at, "UNITS_WITHOUT_COUNT", {}, { start, end: start + "units()".length, formulaCode: "UNITS_WITHOUT_COUNT" }));
  }
  errors.push(...checkUnitLevels(unitFields, parts[0].at, formOfField));
  if (ind.bands) errors.push(...checkBands(ind.bands, `${pointer}/bands`));
  return errors;
}

function checkRule(rule: ValidationRule, pointer: string, formsByKey: ReadonlyMap<string, Form>, yearlyFields: readonly Field[]): DocumentError[] {
  const form = formsByKey.get(rule.form);
  if (!form) {
    return [packageError(`${pointer}/form`, "UNKNOWN_FORM", { form: rule.form })];
  }
  // The rule's own form wins over a yearly form on the same key (keys are unique anyway).
  const symbols = symbolsOf([...yearlyFields, ...formFields(form).map((f) => f.field)]);
  const left = checkFormulaAt(rule.left, `${pointer}/left`, symbols, "rule");
  const right = checkFormulaAt(rule.right, `${pointer}/right`, symbols, "rule");
  const errors = [...left.errors, ...right.errors];
  if (errors.length === 0 && left.type && right.type) {
    const ordered = rule.op !== "==" && rule.op !== "!=";
    if ((ordered && (left.type !== "number" || right.type !== "number")) || left.type !== right.type) {
      errors.push(packageError(`${pointer}/op`, ordered ? "RULE_TYPE_ORDERED" : "RULE_TYPE_MIXED", { op: rule.op }));
    }
  }
  return errors;
}

function targetIdentity(t: Target): string {
  return JSON.stringify([t.indicator, t.year, t.scope.level, "org" in t.scope ? t.scope.org : ""]);
}

/** Semantic checks of a package that already passed the schema. */
export function checkPackageSemantics(pkg: TemplatePackage, options: PackageValidateOptions = {}): DocumentError[] {
  const errors: DocumentError[] = [];
  const localKey = (key: string, pointer: string): void => {
    if (!options.allowLocalKeys && key.startsWith(LOCAL_PREFIX)) {
      errors.push(packageError(pointer, "LOCAL_KEY_IN_NATIONAL", { key }));
    }
  };
  const unique = (seen: Map<string, string>, key: string, pointer: string): void => {
    localKey(key, pointer);
    const first = seen.get(key);
    if (first !== undefined) errors.push(duplicate(pointer, key, first));
    else seen.set(key, pointer);
  };

  const groupKeys = new Map<string, string>();
  pkg.groups.forEach((g, i) => unique(groupKeys, g.key, pointerOf("groups", i, "key")));

  const formKeys = new Map<string, string>();
  const fieldKeys = new Map<string, string>();
  const formOfField = new Map<string, Form>();
  const allFields: Field[] = [];
  const yearlyFields: Field[] = [];
  pkg.forms.forEach((form, fi) => {
    const fp = pointerOf("forms", fi);
    unique(formKeys, form.key, `${fp}/key`);
    form.sections.forEach((s, si) => localKey(s.key, `${fp}/sections/${si}/key`));
    for (const { field, pointer } of formFields(form)) {
      unique(fieldKeys, field.key, `${fp}${pointer}/key`);
      errors.push(...checkFieldShape(field, fp + pointer));
      allFields.push(field);
      formOfField.set(field.key, form);
      if (form.periodType === "year") yearlyFields.push(field);
    }
    errors.push(...checkForm(form, fp));
  });

  const indicatorKeys = new Map<string, string>();
  const packageSymbols = symbolsOf(allFields);
  const groupSet = new Set(groupKeys.keys());
  pkg.indicators.forEach((ind, i) => {
    const p = pointerOf("indicators", i);
    unique(indicatorKeys, ind.key, `${p}/key`);
    if (fieldKeys.has(ind.key)) {
      errors.push(packageError(`${p}/key`, "KEY_COLLISION", { key: ind.key, first: fieldKeys.get(ind.key) }));
    }
    errors.push(...checkIndicator(ind, p, packageSymbols, groupSet, formOfField));
  });

  const targetSeen = new Map<string, string>();
  pkg.targets.forEach((t, i) => {
    const p = pointerOf("targets", i);
    if (!indicatorKeys.has(t.indicator)) {
      errors.push(packageError(`${p}/indicator`, "UNKNOWN_INDICATOR", { indicator: t.indicator }));
    }
    errors.push(...checkTargetProfile(t, p));
    const id = targetIdentity(t);
    const first = targetSeen.get(id);
    if (first !== undefined) {
      errors.push(packageError(p, "DUPLICATE_TARGET", { first }));
    } else targetSeen.set(id, p);
  });

  const ruleKeys = new Map<string, string>();
  const formsByKey = new Map(pkg.forms.map((f) => [f.key, f] as const));
  pkg.rules.forEach((rule, i) => {
    const p = pointerOf("rules", i);
    unique(ruleKeys, rule.key, `${p}/key`);
    errors.push(...checkRule(rule, p, formsByKey, yearlyFields));
  });
  return errors;
}

/**
 * Checks of a district overlay against its base package, once it passed its schema: referenced
 * keys exist (in the base or added earlier in the overlay; a local form's fields count once it is
 * added), added keys (forms and their fields too) start with `lokal_`, only
 * optional fields hidden, targets scoped inside the district.
 */
export function checkOverlaySemantics(overlay: DistrictOverlay, basePackage: TemplatePackage): DocumentError[] {
  const errors: DocumentError[] = [];
  if (overlay.package !== basePackage.key) {
    errors.push(packageError("/package", "OVERLAY_PACKAGE_MISMATCH", { overlayPackage: overlay.package, package: basePackage.key }));
  }
  const forms = new Map(basePackage.forms.map((f) => [f.key, f] as const));
  // form key → section key → field keys (mutable copies, so added fields count for later operations)
  const sections = new Map<string, Map<string, string[]>>();
  const fieldToForm = new Map<string, string>();
  const fieldDefs = new Map<string, Field>();
  for (const form of basePackage.forms) {
    const m = new Map<string, string[]>();
    for (const s of form.sections) {
      m.set(
        s.key,
        s.fields.map((f) => f.key),
      );
      for (const f of s.fields) {
        fieldToForm.set(f.key, form.key);
        fieldDefs.set(f.key, f);
      }
    }
    sections.set(form.key, m);
  }
  const indicators = new Set(basePackage.indicators.map((i) => i.key));
  const rules = new Set(basePackage.rules.map((r) => r.key));
  const groups = new Set(basePackage.groups.map((g) => g.key));

  const unknown = (pointer: string, messageCode: UnknownReferenceCode, key: string, where: { form?: string; section?: string } = {}): void => {
    errors.push(packageError(pointer, messageCode, { key, ...where }));
  };
  const mustBeLocal = (pointer: string, key: string): boolean => {
    if (key.startsWith(LOCAL_PREFIX)) return true;
    errors.push(packageError(pointer, "LOCAL_KEY_REQUIRED", { key }));
    return false;
  };
  const formExists = (pointer: string, key: string): boolean => {
    if (forms.has(key)) return true;
    unknown(pointer, "UNKNOWN_REF_FORM", key);
    return false;
  };

  overlay.operations.forEach((op, i) => {
    const p = pointerOf("operations", i);
    switch (op.op) {
      case "setTarget": {
        const t = op.target;
        if (!indicators.has(t.indicator)) unknown(`${p}/target/indicator`, "UNKNOWN_REF_INDICATOR", t.indicator);
        errors.push(...checkTargetProfile(t, `${p}/target`));
        if (t.scope.level === "national" || t.scope.level === "province" || (t.scope.level === "district" && t.scope.org !== overlay.district)) {
          errors.push(packageError(`${p}/target/scope`, "OVERLAY_TARGET_SCOPE", { district: overlay.district }));
        }
        break;
      }
      case "setBands":
        if (!indicators.has(op.indicator)) unknown(`${p}/indicator`, "UNKNOWN_REF_INDICATOR", op.indicator);
        errors.push(...checkBands(op.bands, `${p}/bands`));
        break;
      case "hideField": {
        if (!formExists(`${p}/form`, op.form)) break;
        if (fieldToForm.get(op.field) !== op.form) {
          unknown(`${p}/field`, "UNKNOWN_REF_FIELD_OF_FORM", op.field, { form: op.form });
          break;
        }
        const f = fieldDefs.get(op.field)!;
        if (f.optional !== true || f.required === true) {
          errors.push(packageError(`${p}/field`, "OVERLAY_FIELD_NOT_OPTIONAL", { field: op.field }));
        }
        break;
      }
      case "addField": {
        if (!formExists(`${p}/form`, op.form)) break;
        const sectionFields = sections.get(op.form)!.get(op.section);
        if (!sectionFields) {
          unknown(`${p}/section`, "UNKNOWN_REF_SECTION_OF_FORM", op.section, { form: op.form });
          break;
        }
        if (op.after !== undefined && !sectionFields.includes(op.after)) {
          unknown(`${p}/after`, "UNKNOWN_REF_FIELD_OF_SECTION", op.after, { section: op.section });
        }
        const key = op.field.key;
        if (mustBeLocal(`${p}/field/key`, key)) {
          if (fieldDefs.has(key)) errors.push(duplicate(`${p}/field/key`, key));
          errors.push(...checkFieldShape(op.field, `${p}/field`));
          sectionFields.push(key);
          fieldToForm.set(key, op.form);
          fieldDefs.set(key, op.field);
        }
        break;
      }
      case "addForm": {
        const form = op.form;
        if (!mustBeLocal(`${p}/form/key`, form.key)) break;
        if (forms.has(form.key)) {
          errors.push(duplicate(`${p}/form/key`, form.key));
          break;
        }
        forms.set(form.key, form);
        const m = new Map<string, string[]>();
        form.sections.forEach((section, si) => {
          m.set(section.key, []);
          section.fields.forEach((field, fi) => {
            const fp = `${p}/form/sections/${si}/fields/${fi}`;
            if (!mustBeLocal(`${fp}/key`, field.key)) return;
            if (fieldDefs.has(field.key)) errors.push(duplicate(`${fp}/key`, field.key));
            errors.push(...checkFieldShape(field, fp));
            m.get(section.key)!.push(field.key);
            fieldToForm.set(field.key, form.key);
            fieldDefs.set(field.key, field);
          });
        });
        sections.set(form.key, m);
        break;
      }
      case "addIndicator": {
        const key = op.indicator.key;
        if (!groups.has(op.indicator.group)) unknown(`${p}/indicator/group`, "UNKNOWN_REF_GROUP", op.indicator.group);
        if (op.indicator.bands) errors.push(...checkBands(op.indicator.bands, `${p}/indicator/bands`));
        if (mustBeLocal(`${p}/indicator/key`, key)) {
          if (indicators.has(key) || fieldDefs.has(key)) errors.push(duplicate(`${p}/indicator/key`, key));
          indicators.add(key);
        }
        break;
      }
      case "addRule": {
        formExists(`${p}/rule/form`, op.rule.form);
        const key = op.rule.key;
        if (mustBeLocal(`${p}/rule/key`, key)) {
          if (rules.has(key)) errors.push(duplicate(`${p}/rule/key`, key));
          rules.add(key);
        }
        break;
      }
      case "relabel": {
        const targets = [op.form, op.field, op.section, op.indicator].filter((x) => x !== undefined);
        if (targets.length === 0) {
          errors.push(packageError(p, "RELABEL_NOTHING"));
          break;
        }
        if (op.indicator !== undefined) {
          if (op.form !== undefined || op.field !== undefined || op.section !== undefined) {
            errors.push(packageError(p, "RELABEL_ONE_THING"));
          } else if (!indicators.has(op.indicator)) unknown(`${p}/indicator`, "UNKNOWN_REF_INDICATOR", op.indicator);
          break;
        }
        if (op.section !== undefined && op.field !== undefined) {
          errors.push(packageError(p, "RELABEL_SECTION_OR_FIELD"));
          break;
        }
        if (op.form !== undefined && !formExists(`${p}/form`, op.form)) break;
        if (op.section !== undefined) {
          if (op.form === undefined) {
            errors.push(packageError(`${p}/section`, "RELABEL_SECTION_FORM"));
          } else if (!sections.get(op.form)!.has(op.section)) unknown(`${p}/section`, "UNKNOWN_REF_SECTION_OF_FORM", op.section, { form: op.form });
        }
        if (op.field !== undefined) {
          const owner = fieldToForm.get(op.field);
          if (owner === undefined || (op.form !== undefined && owner !== op.form)) unknown(`${p}/field`, "UNKNOWN_REF_FIELD", op.field);
        }
        break;
      }
    }
  });
  return errors;
}
