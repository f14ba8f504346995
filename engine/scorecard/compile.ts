/**
 * Compiling a package for scorecards: the field table, the indicators' formulas compiled once,
 * and the target index, cached per package object.
 */
import type { Form, Indicator, TemplatePackage } from "../documents";
import { DEFAULT_AGGREGATION, formulaTypeOf } from "../domain";
import { compileFormula, FormulaCompileError } from "../formula/index";
import type { CompiledFormula, FormulaError, FormulaType } from "../formula/index";
import type { PlanField } from "../facts";
import { TargetIndex } from "../targets";

/** An indicator with its formulas compiled once. */
export interface CompiledIndicator {
  indicator: Indicator;
  numerator: CompiledFormula | null;
  denominator: CompiledFormula | null;
  /** Compile errors; a broken indicator yields cells with reason FORMULA_ERROR, not a crash. */
  errors: Array<FormulaError & { part: "numerator" | "denominator" }>;
  /** Fields read anywhere (row totals). */
  fields: string[];
  /** Fields read inside count_units (needed per unit). */
  unitFields: string[];
  /** Org-unit group keys read by in_group inside count_units (each unit's groups are needed). */
  unitGroups: string[];
  /** Forms of unitFields: count_units/units() see the units that reported one of them. */
  unitForms: string[];
  /** Forms of `fields`: completeness is computed over them. */
  forms: string[];
  usesUnits: boolean;
  /**
   * True when a form read is quarterly: its data in a window runs to the last quarter ending
   * there, so a quarterly target profile is read at that quarter (engine/targets.ts profileValue).
   */
  quarterlyData: boolean;
}

/** A field of the package as the scorecard needs it. */
export interface PackageField extends PlanField {
  label: string;
}

/** Everything derived once from a package: field table, compiled indicators, target index. */
export interface CompiledPackage {
  fields: Map<string, PackageField>;
  forms: Map<string, Form>;
  indicators: Map<string, CompiledIndicator>;
  /** Indicator keys in package order. */
  order: string[];
  targets: TargetIndex;
}

const compiledCache = new WeakMap<TemplatePackage, CompiledPackage>();

function compilePart(
  src: string,
  symbols: ReadonlyMap<string, FormulaType>,
  part: "numerator" | "denominator",
  errors: CompiledIndicator["errors"],
): CompiledFormula | null {
  try {
    const f = compileFormula(src, { symbols, context: "indicator" });
    if (f.type !== "number") {
      errors.push({
        code: "EXPECTED_NUMBER",
        message: "Pembilang dan penyebut indikator harus berupa angka. Untuk kondisi benar/salah gunakan count_units(kondisi).",
        start: 0,
        end: src.length,
        part,
      });
      return null;
    }
    return f;
  } catch (e) {
    if (e instanceof FormulaCompileError) {
      for (const err of e.errors) errors.push({ ...err, part });
      return null;
    }
    throw e;
  }
}

/**
 * Compiles a package's indicators once; later calls with the same package object reuse the
 * result (packages are immutable once published, and overlays produce new objects).
 */
export function compilePackage(pkg: TemplatePackage): CompiledPackage {
  const cached = compiledCache.get(pkg);
  if (cached) return cached;
  const fields = new Map<string, PackageField>();
  const forms = new Map<string, Form>();
  const symbols = new Map<string, FormulaType>();
  for (const form of pkg.forms) {
    forms.set(form.key, form);
    for (const section of form.sections) {
      for (const field of section.fields) {
        const type = formulaTypeOf(field.type);
        if (!type || fields.has(field.key)) continue;
        symbols.set(field.key, type);
        fields.set(field.key, {
          key: field.key,
          form: form.key,
          periodType: form.periodType,
          type,
          aggregation: field.aggregation ?? DEFAULT_AGGREGATION[type],
          label: field.label.id,
        });
      }
    }
  }
  const indicators = new Map<string, CompiledIndicator>();
  const order: string[] = [];
  for (const indicator of pkg.indicators) {
    const errors: CompiledIndicator["errors"] = [];
    const numerator = compilePart(indicator.numerator, symbols, "numerator", errors);
    const denominator = indicator.denominator !== undefined ? compilePart(indicator.denominator, symbols, "denominator", errors) : null;
    const all = new Set<string>();
    const perUnit = new Set<string>();
    const groups = new Set<string>();
    for (const f of [numerator, denominator]) {
      if (!f) continue;
      for (const g of f.groupRefs) groups.add(g);
      for (const r of f.refs) all.add(r);
      for (const r of f.unitRefs) {
        all.add(r);
        perUnit.add(r);
      }
    }
    const fieldKeys = [...all].filter((k) => fields.has(k));
    const formsRead = [...new Set(fieldKeys.map((k) => fields.get(k)!.form))];
    if (!indicators.has(indicator.key)) order.push(indicator.key);
    indicators.set(indicator.key, {
      indicator,
      numerator,
      denominator,
      errors,
      fields: fieldKeys,
      unitFields: [...perUnit].filter((k) => fields.has(k)),
      unitGroups: [...groups],
      unitForms: [...new Set([...perUnit].filter((k) => fields.has(k)).map((k) => fields.get(k)!.form))].sort(),
      forms: formsRead,
      usesUnits: Boolean(numerator?.usesUnits || denominator?.usesUnits),
      quarterlyData: formsRead.some((f) => forms.get(f)?.periodType === "quarter"),
    });
  }
  const compiled: CompiledPackage = { fields, forms, indicators, order, targets: new TargetIndex(pkg.targets) };
  compiledCache.set(pkg, compiled);
  return compiled;
}
