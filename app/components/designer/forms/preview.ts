/**
 * The form as the live preview can draw it while the admin is still typing: the operator's page
 * only ever sees checked forms, so parts that would not check yet (a formula being written, a
 * choice list still empty, a half-built show-if row) are left out of the preview and listed.
 */
import { checkFormula, CHOICE_VALUE_PATTERN, fieldFormulaType, isValidKey, type FormulaType } from "@engine";
import type { Condition, Field, Form } from "@engine";
import { opNeedsValue, operatorsFor } from "./checks";

export interface PreviewForm {
  form: Form;
  /** Labels (or keys) of the fields left out of the preview until their problem is fixed. */
  skipped: string[];
}

/** A drawable copy of `form`; `form` itself is returned when nothing had to change. */
export function previewForm(form: Form): PreviewForm {
  const skipped: string[] = [];
  const seen = new Set<string>();
  const kept: Field[] = [];
  for (const section of form.sections) {
    for (const field of section.fields) {
      if (!isValidKey(field.key) || seen.has(field.key)) {
        skipped.push(field.label.id || field.key);
        continue;
      }
      seen.add(field.key);
      kept.push(field);
    }
  }
  const byKey = new Map(kept.map((f) => [f.key, f] as const));
  const drawable = new Map<string, Field>();
  for (const field of kept) {
    let next = field;
    if (field.type === "choice" || field.type === "multichoice") {
      const values = new Set<string>();
      const choices = (field.choices ?? []).filter((c) => {
        const ok = CHOICE_VALUE_PATTERN.test(c.value) && !values.has(c.value);
        values.add(c.value);
        return ok;
      });
      if (choices.length === 0) {
        skipped.push(field.label.id || field.key);
        continue;
      }
      if (choices.length !== field.choices?.length) next = { ...next, choices };
    }
    if (field.showIf) {
      const condition = usableCondition(field.showIf, field.key, byKey);
      if (condition !== field.showIf) {
        next = { ...next };
        if (condition) next.showIf = condition;
        else delete next.showIf;
      }
    }
    drawable.set(field.key, next);
  }
  // A formula must check against the fields actually drawn; dropping one calculated field can
  // break another that reads it, so repeat until nothing more drops.
  for (let changed = true; changed;) {
    changed = false;
    const symbols = new Map<string, FormulaType>();
    for (const f of drawable.values()) {
      const t = fieldFormulaType(f);
      if (t) symbols.set(f.key, t);
    }
    for (const field of [...drawable.values()]) {
      if (field.calculate === undefined) continue;
      const expected = fieldFormulaType(field);
      const result = expected && field.calculate.trim() ? checkFormula(field.calculate, { symbols, context: "field" }) : undefined;
      if (!result?.ok || result.type !== expected) {
        skipped.push(field.label.id || field.key);
        drawable.delete(field.key);
        changed = true;
      }
    }
  }
  if (skipped.length === 0 && [...drawable.values()].every((f) => byKey.get(f.key) === f)) return { form, skipped };
  const sections = form.sections.map((s) => ({ ...s, fields: s.fields.map((f) => drawable.get(f.key)).filter((f): f is Field => f !== undefined) }));
  // A field listed twice under one key is drawn once, at its first place.
  const placed = new Set<string>();
  for (const s of sections) s.fields = s.fields.filter((f) => !placed.has(f.key) && placed.add(f.key));
  return { form: { ...form, sections }, skipped };
}

/** The clauses that can be evaluated (known other field, operator of its type, a value when needed). */
function usableCondition(condition: Condition, self: string, byKey: ReadonlyMap<string, Field>): Condition | undefined {
  const clauses = condition.clauses.filter((c) => {
    const target = byKey.get(c.field);
    if (!target || c.field === self) return false;
    if (!(operatorsFor(target.type) as string[]).includes(c.op)) return false;
    return !opNeedsValue(c.op) || (c.value !== undefined && c.value !== "");
  });
  if (clauses.length === condition.clauses.length) return condition;
  return clauses.length > 0 ? { ...condition, clauses } : undefined;
}
