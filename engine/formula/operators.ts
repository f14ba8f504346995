/**
 * The operator table, as data shared by the parser (precedence, associativity), the checker
 * (operand and result types), the compiler and `describe` (parentheses).
 */
import type { FormulaType } from "./types";

export type BinaryOperator = "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/";
export type UnaryOperator = "-" | "not";

/** How the checker types the operands: both of one type, or both of the *same* type (= and !=). */
export type OperandRule = FormulaType | "same";

export interface BinaryOperatorSpec {
  precedence: number;
  /** Comparisons do not associate: `a < b < c` is a parse error, not `(a < b) < c`. */
  associative: boolean;
  operand: OperandRule;
  result: FormulaType;
}

/** Precedence levels, low to high. Atoms (literals, names, calls) bind tightest. */
export const PRECEDENCE = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
  additive: 5,
  multiplicative: 6,
  unary: 7,
  atom: 8,
} as const;

export const BINARY_OPERATORS: ReadonlyMap<BinaryOperator, BinaryOperatorSpec> = new Map<BinaryOperator, BinaryOperatorSpec>([
  ["or", { precedence: PRECEDENCE.or, associative: true, operand: "boolean", result: "boolean" }],
  ["and", { precedence: PRECEDENCE.and, associative: true, operand: "boolean", result: "boolean" }],
  ["=", { precedence: PRECEDENCE.comparison, associative: false, operand: "same", result: "boolean" }],
  ["!=", { precedence: PRECEDENCE.comparison, associative: false, operand: "same", result: "boolean" }],
  ["<", { precedence: PRECEDENCE.comparison, associative: false, operand: "number", result: "boolean" }],
  ["<=", { precedence: PRECEDENCE.comparison, associative: false, operand: "number", result: "boolean" }],
  [">", { precedence: PRECEDENCE.comparison, associative: false, operand: "number", result: "boolean" }],
  [">=", { precedence: PRECEDENCE.comparison, associative: false, operand: "number", result: "boolean" }],
  ["+", { precedence: PRECEDENCE.additive, associative: true, operand: "number", result: "number" }],
  ["-", { precedence: PRECEDENCE.additive, associative: true, operand: "number", result: "number" }],
  ["*", { precedence: PRECEDENCE.multiplicative, associative: true, operand: "number", result: "number" }],
  ["/", { precedence: PRECEDENCE.multiplicative, associative: true, operand: "number", result: "number" }],
]);

export interface UnaryOperatorSpec {
  precedence: number;
  operand: FormulaType;
  result: FormulaType;
}

export const UNARY_OPERATORS: ReadonlyMap<UnaryOperator, UnaryOperatorSpec> = new Map<UnaryOperator, UnaryOperatorSpec>([
  ["-", { precedence: PRECEDENCE.unary, operand: "number", result: "number" }],
  ["not", { precedence: PRECEDENCE.not, operand: "boolean", result: "boolean" }],
]);

/** Spellings accepted for an operator; the tree stores the canonical one. */
export const OPERATOR_ALIASES: ReadonlyMap<string, BinaryOperator> = new Map<string, BinaryOperator>([["==", "="]]);

/** Keywords (matched case-insensitively); they can never be field keys. */
export const KEYWORDS: ReadonlySet<string> = new Set(["true", "false", "and", "or", "not"]);

/**
 * Names that reach JS object internals. They are rejected as early as the lexer so no later phase
 * ever handles them (docs/security.md items 4–5).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Symbol characters that form operators, longest match first. */
export const OPERATOR_SPELLINGS: readonly string[] = ["==", "!=", "<=", ">=", "+", "-", "*", "/", "=", "<", ">"];

/** The binary operator a token spells, if any. */
export function binaryOperatorOf(text: string): BinaryOperator | undefined {
  const canonical = OPERATOR_ALIASES.get(text) ?? text;
  return BINARY_OPERATORS.has(canonical as BinaryOperator) ? (canonical as BinaryOperator) : undefined;
}
