/**
 * Calculated fields: compiled once per form object, evaluated in dependency order at submission
 * time; the results are stored with the submission.
 */
import { fieldFormulaType } from "../domain";
import { compileFormula, type CompiledFormula, type FormulaType, type FormulaValue } from "../formula/index";
import type { Field, Form } from "../../schemas/types.generated";
import { fieldsOf, getOwn, setOwn } from "./text";

interface CompiledCalculation {
  field: Field;
  formula: CompiledFormula;
}

const compiledByForm = new WeakMap<Form, CompiledCalculation[]>();

/**
 * Topological order of the calculated fields (inputs before the fields that read them).
 * Fields on a cycle are left out: package validation reports them as CIRCULAR.
 */
function dependencyOrder(calcs: CompiledCalculation[]): CompiledCalculation[] {
  const byKey = new Map(calcs.map((c) => [c.field.key, c] as const));
  const state = new Map<string, "visiting" | "done" | "cycle">();
  const order: CompiledCalculation[] = [];
  const visit = (c: CompiledCalculation): boolean => {
    const key = c.field.key;
    const s = state.get(key);
    if (s === "done") return true;
    if (s === "visiting" || s === "cycle") return false;
    state.set(key, "visiting");
    for (const ref of c.formula.refs) {
      const dep = byKey.get(ref);
      if (dep && !visit(dep)) {
        state.set(key, "cycle");
        return false;
      }
    }
    state.set(key, "done");
    order.push(c);
    return true;
  };
  calcs.forEach(visit);
  return order;
}

/**
 * Compiled calculations of a form, in evaluation order. Throws FormulaCompileError for a
 * formula that does not check (forms are validated before use, so this means a bug upstream).
 */
export function compileCalculations(form: Form): CompiledCalculation[] {
  const cached = compiledByForm.get(form);
  if (cached) return cached;
  const fields = fieldsOf(form);
  const symbols = new Map<string, FormulaType>();
  for (const f of fields) {
    const t = fieldFormulaType(f);
    if (t) symbols.set(f.key, t);
  }
  const calcs = fields
    .filter((f) => f.calculate !== undefined && fieldFormulaType(f) !== undefined)
    .map((field) => ({ field, formula: compileFormula(field.calculate!, { symbols, context: "field" }) }));
  const ordered = dependencyOrder(calcs);
  compiledByForm.set(form, ordered);
  return ordered;
}

/** Value of a field as the formula language sees it: numbers and booleans, anything else missing. */
function asFormulaValue(value: unknown): FormulaValue {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  return null;
}

function storedValue(field: Field, value: FormulaValue): number | boolean | undefined {
  if (value === null) return undefined;
  // An integer field cannot hold 2.5, and the user cannot edit a calculated value to fix it.
  if (field.type === "integer" && typeof value === "number") return Math.round(value);
  return value;
}

/**
 * Computes every calculated field from `data` and returns a new object: calculated values
 * set, or removed when the formula has no value (missing input, division by zero). Values the
 * client sent for calculated fields are always replaced. `skip`: fields not to compute
 * (hidden by the overlay or by show-if).
 */
export function applyCalculations(form: Form, data: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(data)) setOwn(out, key, data[key]);
  for (const f of fieldsOf(form)) if (f.calculate !== undefined) delete out[f.key];
  const scope = { get: (key: string): FormulaValue => asFormulaValue(getOwn(out, key)) };
  for (const { field, formula } of compileCalculations(form)) {
    if (skip.has(field.key)) continue;
    let value: FormulaValue;
    try {
      value = formula.evaluate(scope).value;
    } catch {
      // Step budget exceeded: no value rather than a failed submission.
      value = null;
    }
    const stored = storedValue(field, value);
    if (stored !== undefined) setOwn(out, field.key, stored);
  }
  return out;
}

/**
 * Calculated fields the fill page does not show: those whose formula reads no field (a constant,
 * such as `bulan_laporan = 1`, which counts reported months for the scorecard). Their value never
 * depends on an answer, so they tell the operator nothing; they are still computed and stored.
 * docs/documents.md, "Calculated fields", records the rule.
 */
export function bookkeepingFields(form: Form): string[] {
  try {
    return compileCalculations(form)
      .filter((c) => c.formula.refs.length === 0)
      .map((c) => c.field.key);
  } catch {
    // A form whose formulas do not check never reaches operators (validatePackage); show everything.
    return [];
  }
}
