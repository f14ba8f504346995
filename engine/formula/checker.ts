/**
 * Checker: walks the tree once and reports unknown names, type errors (number vs boolean), arity
 * and context errors, each with a code and a span. It also collects the identifiers a formula
 * reads, split into row-level refs and per-unit refs (inside count_units). The formula editor
 * shows exactly these errors inline.
 */
import type { BinaryExpression, CallExpression, Expr, Identifier, UnaryExpression } from "./ast";
import { clipText, formulaError, type FormulaError, type FormulaErrorCode, type Locale, type MessageParams } from "./errors";
import { FUNCTIONS, GROUP_KEY_PATTERN, IN_GROUP, ROUND_MAX_DIGITS, paramType, type FunctionSpec } from "./functions";
import { BINARY_OPERATORS, UNARY_OPERATORS } from "./operators";
import { parseFormula } from "./parser";
import type { CheckEnv, CheckResult, FormulaContext, FormulaType } from "./types";

/** A checked formula: the check result plus the tree (present when parsing succeeded). */
export interface Analysis {
  result: CheckResult;
  ast?: Expr;
}

/** Checks a formula against the symbols and context of `env`. Never throws; errors are data. */
export function checkFormula(src: string, env: CheckEnv): CheckResult {
  return analyzeFormula(src, env).result;
}

/** Parses and checks; used by `checkFormula` and `compileFormula` so both see identical errors. */
export function analyzeFormula(src: string, env: CheckEnv): Analysis {
  const locale: Locale = env.locale ?? "id";
  const parsed = parseFormula(src, locale);
  if (!parsed.ast) {
    return { result: { ok: false, errors: parsed.errors, refs: [], unitRefs: [], groupRefs: [], usesUnits: false } };
  }
  const checker = new Checker(env, locale);
  const type = checker.visit(parsed.ast, false);
  const errors = checker.errors;
  return {
    ast: parsed.ast,
    result: {
      ok: errors.length === 0,
      errors,
      type: errors.length === 0 ? type : undefined,
      refs: [...checker.refs],
      unitRefs: [...checker.unitRefs],
      groupRefs: [...checker.groupRefs],
      usesUnits: checker.usesUnits,
    },
  };
}

const TYPE_NAMES: Record<Locale, Record<FormulaType, string>> = {
  id: { number: "angka", boolean: "benar/salah" },
  en: { number: "number", boolean: "true/false" },
};

const CONTEXT_NAMES: Record<Locale, Record<FormulaContext, string>> = {
  id: { field: "rumus isian terhitung", rule: "aturan validasi", indicator: "rumus indikator" },
  en: { field: "a calculated field", rule: "a validation rule", indicator: "an indicator formula" },
};

/** `undefined` = unknown because of an earlier error; suppresses follow-up errors. */
type Typed = FormulaType | undefined;

class Checker {
  readonly errors: FormulaError[] = [];
  readonly refs = new Set<string>();
  readonly unitRefs = new Set<string>();
  readonly groupRefs = new Set<string>();
  usesUnits = false;

  constructor(
    private readonly env: CheckEnv,
    private readonly locale: Locale,
  ) {}

  visit(node: Expr, inUnits: boolean): Typed {
    switch (node.type) {
      case "NumberLiteral":
        return "number";
      case "BooleanLiteral":
        return "boolean";
      case "Identifier":
        return this.Identifier(node, inUnits);
      case "UnaryExpression":
        return this.UnaryExpression(node, inUnits);
      case "BinaryExpression":
        return this.BinaryExpression(node, inUnits);
      case "CallExpression":
        return this.CallExpression(node, inUnits);
    }
  }

  private Identifier(node: Identifier, inUnits: boolean): Typed {
    (inUnits ? this.unitRefs : this.refs).add(node.name);
    const type = this.env.symbols.get(node.name);
    if (type === "number" || type === "boolean") return type;
    this.report("UNKNOWN_IDENTIFIER", node, { name: clipText(node.name) });
    return undefined;
  }

  private UnaryExpression(node: UnaryExpression, inUnits: boolean): Typed {
    const spec = UNARY_OPERATORS.get(node.operator)!;
    this.expect(node.operand, spec.operand, this.visit(node.operand, inUnits));
    return spec.result;
  }

  private BinaryExpression(node: BinaryExpression, inUnits: boolean): Typed {
    const spec = BINARY_OPERATORS.get(node.operator)!;
    const left = this.visit(node.left, inUnits);
    const right = this.visit(node.right, inUnits);
    if (spec.operand === "same") {
      if (left && right && left !== right) this.mismatch(node, left, right);
    } else {
      this.expect(node.left, spec.operand, left);
      this.expect(node.right, spec.operand, right);
    }
    return spec.result;
  }

  private CallExpression(node: CallExpression, inUnits: boolean): Typed {
    const spec = FUNCTIONS.get(node.callee);
    if (!spec) {
      this.report("UNKNOWN_FUNCTION", node.calleeSpan, { name: clipText(node.callee), available: [...FUNCTIONS.keys()].join(", ") });
      for (const arg of node.args) this.visit(arg, inUnits);
      return undefined;
    }
    if (spec.name === IN_GROUP) return this.inGroup(node, inUnits);
    if (!spec.contexts.includes(this.env.context)) {
      this.report("CONTEXT", node.calleeSpan, { name: spec.name, context: CONTEXT_NAMES[this.locale][this.env.context] });
    } else if (spec.aggregate && inUnits) {
      this.report("NESTED_AGGREGATE", node.calleeSpan, { name: spec.name });
    }
    if (spec.aggregate) this.usesUnits = true;
    if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
      this.report("ARITY", node, { name: spec.name, expected: this.arityText(spec), actual: node.args.length });
    }

    // count_units evaluates its condition once per unit, against that unit's own values.
    const argsInUnits = inUnits || spec.name === "count_units";
    let generic: Typed;
    node.args.forEach((arg, index) => {
      const type = this.visit(arg, argsInUnits);
      if (index >= spec.maxArgs) return;
      const expected = paramType(spec, index);
      if (expected === "T") {
        if (!generic) generic = type;
        else if (type && type !== generic) this.mismatch(arg, generic, type);
      } else if (expected !== "any") {
        this.expect(arg, expected, type);
      }
      if (spec.name === "round" && index === 1 && type === "number") this.roundDigits(arg);
    });
    return spec.result === "T" ? generic : spec.result;
  }

  /**
   * in_group(key): per unit only (inside count_units of an indicator formula); its argument is a
   * group key written as a bare name, never read as a field.
   */
  private inGroup(node: CallExpression, inUnits: boolean): Typed {
    if (this.env.context !== "indicator" || !inUnits) this.report("IN_GROUP_CONTEXT", node.calleeSpan);
    const arg = node.args.length === 1 ? node.args[0] : undefined;
    if (!arg || arg.type !== "Identifier" || !GROUP_KEY_PATTERN.test(arg.name)) {
      this.report("GROUP_KEY", node.args.length === 1 ? node.args[0] : node);
      return "boolean";
    }
    this.groupRefs.add(arg.name);
    return "boolean";
  }

  /** Digits must be a literal so the rounding is known when the formula is saved. */
  private roundDigits(arg: Expr): void {
    const ok = arg.type === "NumberLiteral" && Number.isInteger(arg.value) && arg.value >= 0 && arg.value <= ROUND_MAX_DIGITS;
    if (!ok) this.report("ROUND_DIGITS", arg);
  }

  private arityText(spec: FunctionSpec): string {
    const en = this.locale === "en";
    if (spec.minArgs === spec.maxArgs) return String(spec.minArgs);
    if (spec.maxArgs === Infinity) return en ? `at least ${spec.minArgs}` : `minimal ${spec.minArgs}`;
    return `${spec.minArgs} ${en ? "or" : "atau"} ${spec.maxArgs}`;
  }

  private expect(node: Expr, expected: FormulaType, actual: Typed): void {
    if (actual && actual !== expected) this.report(expected === "number" ? "EXPECTED_NUMBER" : "EXPECTED_BOOLEAN", node);
  }

  private mismatch(node: Expr, left: FormulaType, right: FormulaType): void {
    const names = TYPE_NAMES[this.locale];
    this.report("TYPE_MISMATCH", node, { left: names[left], right: names[right] });
  }

  private report(code: FormulaErrorCode, span: { start: number; end: number }, params: MessageParams = {}): void {
    this.errors.push(formulaError(code, span.start, span.end, params, this.locale));
  }
}
