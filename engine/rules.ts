/**
 * Validation rules on one submission: `left op right`, each side a formula over the rule's form
 * and the package's yearly forms (same unit, same year). A rule whose operands have no value is
 * skipped, not failed: missing is not zero. Rules compile once per package object.
 */
import { formulaTypeOf } from "./domain";
import { compileFormula, type CompiledFormula, type FormulaType } from "./formula/index";
import type { Form, TemplatePackage, ValidationRule } from "./documents";
import { localText, type Locale } from "./forms/text";

export interface RuleViolation {
  rule: string;
  severity: "error" | "warning";
  /** In the requested locale (Bahasa Indonesia by default). */
  message: string;
  /** In English (the Indonesian text where the rule has no English one), for texts kept for any reader. */
  messageEn: string;
  left: number | boolean | null;
  right: number | boolean | null;
}

interface CompiledRule {
  rule: ValidationRule;
  left: CompiledFormula | null;
  right: CompiledFormula | null;
}

const cache = new WeakMap<TemplatePackage, Map<string, CompiledRule[]>>();

function symbolsOf(forms: readonly Form[]): Map<string, FormulaType> {
  const symbols = new Map<string, FormulaType>();
  for (const form of forms) {
    for (const section of form.sections) {
      for (const field of section.fields) {
        const t = formulaTypeOf(field.type);
        if (t) symbols.set(field.key, t);
      }
    }
  }
  return symbols;
}

function compileSide(src: string, symbols: Map<string, FormulaType>): CompiledFormula | null {
  try {
    return compileFormula(src, { symbols, context: "rule" });
  } catch {
    // validatePackage refuses such packages; a rule that cannot compile never blocks a user.
    return null;
  }
}

/** The compiled rules of one form of a package. */
export function rulesForForm(pkg: TemplatePackage, formKey: string): CompiledRule[] {
  let byForm = cache.get(pkg);
  if (!byForm) {
    byForm = new Map();
    cache.set(pkg, byForm);
  }
  const hit = byForm.get(formKey);
  if (hit) return hit;
  const form = pkg.forms.find((f) => f.key === formKey);
  const yearly = pkg.forms.filter((f) => f.periodType === "year" && f.key !== formKey);
  const symbols = symbolsOf(form ? [form, ...yearly] : yearly);
  const compiled = pkg.rules
    .filter((r) => r.form === formKey)
    .map((rule) => ({ rule, left: compileSide(rule.left, symbols), right: compileSide(rule.right, symbols) }));
  byForm.set(formKey, compiled);
  return compiled;
}

function holds(left: number | boolean, op: ValidationRule["op"], right: number | boolean): boolean {
  const l = typeof left === "boolean" ? Number(left) : left;
  const r = typeof right === "boolean" ? Number(right) : right;
  switch (op) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    case ">=":
      return l >= r;
    case "==":
      return Math.abs(l - r) <= 1e-9 * Math.max(1, Math.abs(l), Math.abs(r));
    case "!=":
      return Math.abs(l - r) > 1e-9 * Math.max(1, Math.abs(l), Math.abs(r));
  }
}

/**
 * Checks a submission's (validated) values against the rules of its form. `yearly` holds the
 * same unit's values of the package's yearly forms for the submission's year.
 */
export function checkRules(
  pkg: TemplatePackage,
  formKey: string,
  values: Readonly<Record<string, unknown>>,
  yearly: Readonly<Record<string, unknown>> = {},
  locale: Locale = "id",
): RuleViolation[] {
  const read = (key: string) => {
    const v = Object.hasOwn(values, key) ? values[key] : Object.hasOwn(yearly, key) ? yearly[key] : undefined;
    return typeof v === "number" || typeof v === "boolean" ? v : null;
  };
  const scope = { get: read };
  const out: RuleViolation[] = [];
  for (const { rule, left, right } of rulesForForm(pkg, formKey)) {
    if (!left || !right) continue;
    const l = left.evaluate(scope).value;
    const r = right.evaluate(scope).value;
    if (l === null || r === null) continue;
    if (!holds(l, rule.op, r)) {
      out.push({
        rule: rule.key,
        severity: rule.severity,
        message: localText(rule.message, locale) ?? rule.key,
        messageEn: localText(rule.message, "en") ?? rule.key,
        left: l,
        right: r,
      });
    }
  }
  return out;
}
