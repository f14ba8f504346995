/**
 * Syntax tree of a formula: a discriminated union on `type`, every node with its source span
 * (`start` inclusive, `end` exclusive) so the checker can point at the exact characters.
 * Parentheses leave no node; `==` is stored as `=` (see operators.ts).
 */
import type { BinaryOperator, UnaryOperator } from "./operators";

export interface Span {
  start: number;
  end: number;
}

export interface NumberLiteral extends Span {
  type: "NumberLiteral";
  value: number;
  /** The digits as written, kept for `describe` when String(value) would use an exponent. */
  raw: string;
}

export interface BooleanLiteral extends Span {
  type: "BooleanLiteral";
  value: boolean;
}

export interface Identifier extends Span {
  type: "Identifier";
  name: string;
}

export interface UnaryExpression extends Span {
  type: "UnaryExpression";
  operator: UnaryOperator;
  operand: Expr;
}

export interface BinaryExpression extends Span {
  type: "BinaryExpression";
  operator: BinaryOperator;
  left: Expr;
  right: Expr;
}

export interface CallExpression extends Span {
  type: "CallExpression";
  callee: string;
  /** Span of the function name alone, for "unknown function" errors. */
  calleeSpan: Span;
  args: Expr[];
}

export type Expr = NumberLiteral | BooleanLiteral | Identifier | UnaryExpression | BinaryExpression | CallExpression;
