/**
 * Checks of the forms of a draft package as the admin types, in the browser (pure, no Ajv):
 * each problem points at the property to fix and says how, in the user's language. The server
 * runs the full package validation on save; these catch the common mistakes before that.
 */
import { checkFormula, CHOICE_VALUE_PATTERN, fieldFormulaType, findCycles, isValidKey, type FormulaType } from "@engine";
import type { Field, Form, TemplatePackage } from "@engine";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import type { DesignerContext, DesignerProblem } from "~/contracts/designer";

/** Show-if operators offered for each field type (in the order the select lists them). */
export function operatorsFor(type: Field["type"]): Array<"eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "filled" | "empty"> {
  switch (type) {
    case "integer":
    case "number":
    case "date":
      return ["eq", "ne", "gt", "gte", "lt", "lte", "filled", "empty"];
    case "boolean":
    case "choice":
    case "multichoice":
      return ["eq", "ne", "filled", "empty"];
    case "text":
      return ["eq", "ne", "filled", "empty"];
  }
}

/** True when the operator compares with a value (all but "filled"/"empty"). */
export function opNeedsValue(op: string): boolean {
  return op !== "filled" && op !== "empty";
}

type Problem = DesignerProblem & { code: string };

/** All client-side problems of the package's forms, with pointers such as /forms/0/sections/1/fields/2/label/id. */
export function checkForms(pkg: TemplatePackage, context: Pick<DesignerContext, "published">, locale: Locale = "id"): Problem[] {
  const out: Problem[] = [];
  const say = (pointer: string, code: string, key: MessageKey, vars?: Record<string, string | number>) =>
    out.push({ pointer, code, message: translate(locale, key, vars) });

  // Field keys are unique in the whole package; indicators share the namespace of formulas.
  const firstByKey = new Map<string, string>();
  const indicatorKeys = new Set(pkg.indicators.map((i) => i.key));
  const formKeys = new Map<string, number>();

  pkg.forms.forEach((form, fi) => {
    const fp = `/forms/${fi}`;
    if (!form.title.id.trim()) say(`${fp}/title/id`, "EMPTY_LABEL", "formbuilder.check.emptyFormTitle");
    if (formKeys.has(form.key)) say(`${fp}/key`, "DUPLICATE_KEY", "formbuilder.check.duplicateFormKey", { key: form.key });
    else formKeys.set(form.key, fi);
    const sectionKeys = new Set<string>();
    form.sections.forEach((section, si) => {
      const sp = `${fp}/sections/${si}`;
      if (!section.title.id.trim()) say(`${sp}/title/id`, "EMPTY_LABEL", "formbuilder.check.emptySectionTitle");
      if (section.fields.length === 0) say(`${sp}/fields`, "EMPTY_SECTION", "formbuilder.check.emptySection");
      if (sectionKeys.has(section.key)) say(`${sp}/key`, "DUPLICATE_KEY", "formbuilder.check.duplicateSectionKey", { key: section.key });
      sectionKeys.add(section.key);
    });
    checkFormFields(form, fp, context, say, firstByKey, indicatorKeys, locale);
  });
  return out;
}

type Say = (pointer: string, code: string, key: MessageKey, vars?: Record<string, string | number>) => void;

function checkFormFields(
  form: Form,
  fp: string,
  context: Pick<DesignerContext, "published">,
  say: Say,
  firstByKey: Map<string, string>,
  indicatorKeys: ReadonlySet<string>,
  locale: Locale,
): void {
  const placed: Array<{ field: Field; pointer: string }> = [];
  form.sections.forEach((s, si) => s.fields.forEach((field, i) => placed.push({ field, pointer: `${fp}/sections/${si}/fields/${i}` })));
  const orderOf = new Map(placed.map(({ field }, i) => [field.key, i] as const));
  const byKey = new Map(placed.map(({ field }) => [field.key, field] as const));
  const symbols = new Map<string, FormulaType>();
  for (const { field } of placed) {
    const t = fieldFormulaType(field);
    if (t) symbols.set(field.key, t);
  }
  const calcGraph = new Map<string, string[]>();
  const pointerOfKey = new Map<string, string>();

  placed.forEach(({ field, pointer }, order) => {
    pointerOfKey.set(field.key, pointer);
    const label = field.label.id.trim() || field.key;
    if (!field.label.id.trim()) say(`${pointer}/label/id`, "EMPTY_LABEL", "formbuilder.check.emptyLabel");
    if (!isValidKey(field.key)) say(`${pointer}/key`, "INVALID_KEY", "formbuilder.check.invalidKey", { key: field.key });
    else if (firstByKey.has(field.key)) say(`${pointer}/key`, "DUPLICATE_KEY", "formbuilder.check.duplicateKey", { key: field.key });
    else if (indicatorKeys.has(field.key)) say(`${pointer}/key`, "DUPLICATE_KEY", "formbuilder.check.indicatorKey", { key: field.key });
    if (!firstByKey.has(field.key)) firstByKey.set(field.key, pointer);

    const published = context.published[field.key];
    if (published && published.type !== field.type) {
      say(`${pointer}/type`, "PUBLISHED_TYPE", "formbuilder.check.publishedType", { key: field.key });
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      say(`${pointer}/max`, "MIN_GT_MAX", "formbuilder.check.minMax", { min: field.min, max: field.max });
    }
    if (field.type === "integer") {
      for (const bound of ["min", "max"] as const) {
        const v = field[bound];
        if (v !== undefined && !Number.isInteger(v)) say(`${pointer}/${bound}`, "NOT_INTEGER", "formbuilder.check.integerBound");
      }
    }
    if (field.optional && field.required) say(`${pointer}/optional`, "OPTIONAL_REQUIRED", "formbuilder.check.optionalRequired");
    if (field.type === "choice" || field.type === "multichoice") {
      const choices = field.choices ?? [];
      if (choices.length === 0) say(`${pointer}/choices`, "CHOICES_REQUIRED", "formbuilder.check.noChoices");
      const values = new Set<string>();
      choices.forEach((c, ci) => {
        if (!c.label.id.trim()) say(`${pointer}/choices/${ci}/label/id`, "EMPTY_LABEL", "formbuilder.check.emptyChoice");
        if (!CHOICE_VALUE_PATTERN.test(c.value)) say(`${pointer}/choices/${ci}/value`, "INVALID_KEY", "formbuilder.check.invalidChoice");
        else if (values.has(c.value)) say(`${pointer}/choices/${ci}/value`, "DUPLICATE_CHOICE", "formbuilder.check.duplicateChoice", { value: c.value });
        values.add(c.value);
      });
    }

    field.showIf?.clauses.forEach((clause, ci) => {
      const at = `${pointer}/showIf/clauses/${ci}`;
      const target = byKey.get(clause.field);
      if (clause.field === field.key) return say(`${at}/field`, "SELF_REFERENCE", "formbuilder.check.showIfSelf");
      if (!target) return say(`${at}/field`, "UNKNOWN_FIELD", "formbuilder.check.showIfUnknown", { key: clause.field || "—" });
      if ((orderOf.get(clause.field) ?? 0) > order)
        say(`${at}/field`, "LATER_FIELD", "formbuilder.check.showIfLater", { label: target.label.id || target.key });
      if (!(operatorsFor(target.type) as string[]).includes(clause.op)) return say(`${at}/op`, "BAD_CONDITION", "formbuilder.check.showIfOp");
      if (opNeedsValue(clause.op) && (clause.value === undefined || clause.value === "")) say(`${at}/value`, "BAD_CONDITION", "formbuilder.check.showIfValue");
      else if (
        opNeedsValue(clause.op) &&
        (target.type === "choice" || target.type === "multichoice") &&
        !(target.choices ?? []).some((c) => c.value === clause.value)
      ) {
        say(`${at}/value`, "UNKNOWN_CHOICE", "formbuilder.check.showIfChoice");
      }
    });

    if (field.calculate !== undefined) {
      const expected = fieldFormulaType(field);
      if (!expected) say(`${pointer}/calculate`, "PROPERTY_NOT_ALLOWED", "formbuilder.check.calcType");
      else if (!field.calculate.trim()) say(`${pointer}/calculate`, "FORMULA_EMPTY", "formbuilder.check.calcEmpty", { label });
      else {
        const result = checkFormula(field.calculate, { symbols, context: "field", locale });
        calcGraph.set(field.key, result.refs);
        for (const e of result.errors) say(`${pointer}/calculate`, e.code, "formbuilder.check.formula", { message: e.message });
        if (result.ok && result.type && result.type !== expected)
          say(`${pointer}/calculate`, "FORMULA_TYPE", expected === "number" ? "formbuilder.check.formulaNumber" : "formbuilder.check.formulaBoolean");
      }
    }
  });

  for (const cycle of findCycles(calcGraph)) {
    const labels = cycle.map((k) => byKey.get(k)?.label.id || k);
    say(`${pointerOfKey.get(cycle[0])}/calculate`, "CIRCULAR", "formbuilder.check.circular", { cycle: labels.join(" → ") });
  }
}

/**
 * Messages at `pointer` or under it, from both the client checks and the server; each text
 * once (the server often says the same as the client after a save).
 */
export function messagesAt(problems: readonly DesignerProblem[], pointer: string, exact = false): string[] {
  const seen = new Set<string>();
  for (const p of problems) {
    const hit = exact ? p.pointer === pointer : p.pointer === pointer || p.pointer.startsWith(pointer + "/");
    if (hit) seen.add(p.message);
  }
  return [...seen];
}
