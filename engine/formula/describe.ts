/**
 * Renders a formula in normalised form for "explain" views and diffs: canonical operators
 * (`==` → `=`), lower-case keywords, single spaces around binary operators, `f(a, b)` calls and
 * only the parentheses the precedence rules need. Parsing the output gives the same tree.
 */
import type { Expr } from "./ast";
import { FormulaCompileError, type Locale } from "./errors";
import { BINARY_OPERATORS, PRECEDENCE, UNARY_OPERATORS } from "./operators";
import { parseFormula } from "./parser";

/** Normalised text of a formula (source or tree). Throws FormulaCompileError if the source does not parse. */
export function describeFormula(formula: string | Expr, locale: Locale = "id"): string {
  if (typeof formula !== "string") return render(formula);
  const { ast, errors } = parseFormula(formula, locale);
  if (!ast) throw new FormulaCompileError(errors);
  return render(ast);
}

function precedenceOf(node: Expr): number {
  switch (node.type) {
    case "BinaryExpression":
      return BINARY_OPERATORS.get(node.operator)!.precedence;
    case "UnaryExpression":
      return UNARY_OPERATORS.get(node.operator)!.precedence;
    default:
      return PRECEDENCE.atom;
  }
}

function wrap(node: Expr, parenthesise: boolean): string {
  const text = render(node);
  return parenthesise ? `(${text})` : text;
}

function render(node: Expr): string {
  switch (node.type) {
    case "NumberLiteral": {
      // Keep the written digits when String() would switch to exponent form (not valid syntax).
      const text = String(node.value);
      return /e/i.test(text) ? node.raw : text;
    }
    case "BooleanLiteral":
      return node.value ? "true" : "false";
    case "Identifier":
      return node.name;
    case "UnaryExpression": {
      const own = UNARY_OPERATORS.get(node.operator)!.precedence;
      const inner = precedenceOf(node.operand);
      if (node.operator === "not") return `not ${wrap(node.operand, inner < own)}`;
      // `- -a` rather than `--a`, which reads like a different operator; no parentheses, so the
      // normalised text never nests deeper than the original.
      if (node.operand.type === "UnaryExpression" && node.operand.operator === "-") return `- ${render(node.operand)}`;
      return `-${wrap(node.operand, inner < own)}`;
    }
    case "BinaryExpression": {
      const spec = BINARY_OPERATORS.get(node.operator)!;
      const left = precedenceOf(node.left);
      const right = precedenceOf(node.right);
      // Left-associative: a right operand of equal precedence needs parentheses (a - (b - c));
      // comparisons do not associate, so they need them on both sides.
      const leftText = wrap(node.left, left < spec.precedence || (left === spec.precedence && !spec.associative));
      const rightText = wrap(node.right, right <= spec.precedence);
      return `${leftText} ${node.operator} ${rightText}`;
    }
    case "CallExpression":
      return `${node.callee}(${node.args.map(render).join(", ")})`;
  }
}
