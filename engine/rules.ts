/**
 * Validation rules on one submission: `left op right`, each side a formula over the rule's form
 * and the package's yearly forms (same unit, same year). A rule whose operands have no value is
 * skipped, not failed: missing is not zero. Rules compile once per package object.
 */
import { formulaTypeOf } from "./domain";
import { compileFormula, type CompiledFormula, type FormulaType } from "./formula/index";
import type { Form, TemplatePackage, ValidationRule } from "./documents";
import { formatNumber, localText, type Locale } from "./forms/text";
import type { Field } from "../schemas/types.generated";
import { ruleMessage, type RuleMessageCode } from "./rule-messages";

export interface RuleViolation {
  rule: string;
  severity: "error" | "warning";
  /** In the requested locale (Bahasa Indonesia by default), with the figures compared. */
  message: string;
  /** In English, for texts kept for any reader (import problems). */
  messageEn: string;
  messageCode: RuleMessageCode;
  params: Record<string, string>;
  /** Fields of the rule's own form that its formulas read: where the page shows the problem. */
  fields: string[];
  left: number | boolean | null;
  right: number | boolean | null;
}

interface CompiledRule {
  rule: ValidationRule;
  left: CompiledFormula | null;
  right: CompiledFormula | null;
  /** Fields both sides read, in order of appearance, each once. */
  refs: string[];
  /** The rule form's own fields among `refs`. */
  own: string[];
  labels: Map<string, Field["label"]>;
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
  const labels = new Map<string, Field["label"]>();
  for (const f of form ? [form, ...yearly] : yearly)
    for (const s of f.sections) for (const field of s.fields) if (!labels.has(field.key)) labels.set(field.key, field.label);
  const ownKeys = new Set(form ? form.sections.flatMap((s) => s.fields.map((f) => f.key)) : []);
  const compiled = pkg.rules
    .filter((r) => r.form === formKey)
    .map((rule) => {
      const left = compileSide(rule.left, symbols);
      const right = compileSide(rule.right, symbols);
      const refs = [...new Set([...(left?.refs ?? []), ...(right?.refs ?? [])])].filter((k) => labels.has(k));
      return { rule, left, right, refs, own: refs.filter((k) => ownKeys.has(k)), labels };
    });
  byForm.set(formKey, compiled);
  return compiled;
}

const yesNo = (v: boolean, locale: Locale) => (locale === "en" ? (v ? "Yes" : "No") : v ? "Ya" : "Tidak");

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
  for (const { rule, left, right, refs, own, labels } of rulesForForm(pkg, formKey)) {
    if (!left || !right) continue;
    const l = left.evaluate(scope).value;
    const r = right.evaluate(scope).value;
    if (l === null || r === null) continue;
    if (!holds(l, rule.op, r)) {
      const figures = (loc: Locale) =>
        refs
          .map((key) => ({ key, value: read(key) }))
          .filter((x) => x.value !== null)
          .map(
            ({ key, value }) =>
              `${localText(labels.get(key), loc) ?? key} = ${typeof value === "number" ? formatNumber(value, loc) : yesNo(value === true, loc)}`,
          )
          .join("; ");
      const params = {
        message: localText(rule.message, "id") ?? rule.key,
        messageEn: localText(rule.message, "en") ?? rule.key,
        values: figures("id"),
        valuesEn: figures("en"),
      };
      const messageCode: RuleMessageCode = params.values ? "RULE_VIOLATED" : "RULE_VIOLATED_PLAIN";
      out.push({
        rule: rule.key,
        severity: rule.severity,
        message: ruleMessage(messageCode, params, locale),
        messageEn: ruleMessage(messageCode, params, "en"),
        messageCode,
        params,
        fields: own,
        left: l,
        right: r,
      });
    }
  }
  return out;
}
