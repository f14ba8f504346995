/**
 * Parser: tokens → syntax tree, by precedence climbing over the operator table. It stops at the
 * first syntax error (recovery would only produce confusing follow-up errors) and counts nesting
 * (parentheses, calls, unary operators) so it can never recurse past FORMULA_LIMITS.maxDepth.
 */
import type { BinaryExpression, Expr } from "./ast";
import { clipText, formulaError, hintFor, type FormulaError, type FormulaErrorCode, type Locale, type MessageParams } from "./errors";
import { tokenize, type Token } from "./lexer";
import { FORMULA_LIMITS } from "./limits";
import { BINARY_OPERATORS, PRECEDENCE, UNARY_OPERATORS, binaryOperatorOf } from "./operators";

export interface ParseResult {
  ast?: Expr;
  errors: FormulaError[];
}

/** Internal signal carrying the first syntax error up to `parseFormula`. */
class SyntaxFailure {
  constructor(readonly error: FormulaError) {}
}

/** Parses `src`; returns the tree, or the errors (length/lexical/syntax) that prevent one. */
export function parseFormula(src: string, locale: Locale = "id"): ParseResult {
  if (typeof src !== "string" || src.trim() === "") {
    return { errors: [formulaError("EMPTY_FORMULA", 0, typeof src === "string" ? src.length : 0, {}, locale)] };
  }
  if (src.length > FORMULA_LIMITS.maxLength) {
    return {
      errors: [formulaError("TOO_LONG", FORMULA_LIMITS.maxLength, src.length, { length: src.length, max: FORMULA_LIMITS.maxLength }, locale)],
    };
  }
  const { tokens, errors, parseable } = tokenize(src, locale);
  if (!parseable) return { errors };
  let ast: Expr | undefined;
  try {
    ast = new Parser(tokens, locale).parseFormula();
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    errors.push(e.error);
  }
  // A tree containing a bad or reserved name never reaches the checker or compiler.
  if (errors.length > 0) return { errors: errors.sort((a, b) => a.start - b.start) };
  return { ast, errors };
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly locale: Locale,
  ) {}

  parseFormula(): Expr {
    const expr = this.parseExpression(PRECEDENCE.or, 1);
    const next = this.peek();
    if (next.type !== "eof") this.unexpected(next);
    return expr;
  }

  /** Parses operators binding at least as tightly as `minPrecedence`; loops over flat chains. */
  private parseExpression(minPrecedence: number, depth: number): Expr {
    if (depth > FORMULA_LIMITS.maxDepth) {
      const at = this.peek();
      this.fail("TOO_DEEP", at.start, at.end, { max: FORMULA_LIMITS.maxDepth });
    }
    let left = this.parsePrefix(depth);
    let previousWasComparison = false;
    for (;;) {
      const token = this.peek();
      const operator = token.type === "operator" || token.type === "keyword" ? binaryOperatorOf(token.text) : undefined;
      const spec = operator && BINARY_OPERATORS.get(operator);
      if (!operator || !spec || spec.precedence < minPrecedence) break;
      if (!spec.associative && previousWasComparison) this.fail("CHAINED_COMPARISON", left.start, token.end);
      this.pos++;
      // Right operand binds one level tighter: left-associative, and no recursion for flat chains.
      // It keeps `depth`: without a parenthesis, call or unary operator in between, this recursion
      // can only climb the few precedence levels, so it is bounded without counting it.
      const right = this.parseExpression(spec.precedence + 1, depth);
      const node: BinaryExpression = { type: "BinaryExpression", operator, left, right, start: left.start, end: right.end };
      left = node;
      previousWasComparison = !spec.associative;
    }
    return left;
  }

  /** An operand: literal, name, call, parenthesised expression or unary operator; then postfix checks. */
  private parsePrefix(depth: number): Expr {
    const token = this.next();
    let expr: Expr;
    switch (token.type) {
      case "number":
        expr = { type: "NumberLiteral", value: Number(token.text), raw: token.text, start: token.start, end: token.end };
        break;
      case "keyword":
        if (token.text === "true" || token.text === "false") {
          expr = { type: "BooleanLiteral", value: token.text === "true", start: token.start, end: token.end };
        } else if (token.text === "not") {
          expr = this.parseUnary("not", token, depth);
        } else {
          return this.unexpected(token);
        }
        break;
      case "operator":
        if (token.text !== "-") return this.unexpected(token);
        expr = this.parseUnary("-", token, depth);
        break;
      case "identifier":
        expr = this.peek().type === "(" ? this.parseCall(token, depth) : { type: "Identifier", name: token.text, start: token.start, end: token.end };
        break;
      case "(": {
        const inner = this.parseExpression(PRECEDENCE.or, depth + 1);
        const close = this.expectClose(token);
        // Parentheses leave no node, but the span covers them so errors underline `(…)` whole.
        expr = { ...inner, start: token.start, end: close.end };
        break;
      }
      case ".":
        return this.fail("MEMBER_ACCESS", token.start, this.memberEnd(token));
      case "eof":
        return this.fail("UNEXPECTED_END", token.start, token.end);
      default:
        return this.unexpected(token);
    }
    // Nothing may follow an operand except an operator, ',' or ')': reject `x.y`, `(1).y`, `(f)(x)`.
    const after = this.peek();
    if (after.type === ".") this.fail("MEMBER_ACCESS", after.start, this.memberEnd(after));
    if (after.type === "(") this.fail("NOT_CALLABLE", expr.start, after.end);
    return expr;
  }

  private parseUnary(operator: "not" | "-", token: Token, depth: number): Expr {
    const spec = UNARY_OPERATORS.get(operator)!;
    const operand = this.parseExpression(spec.precedence, depth + 1);
    return { type: "UnaryExpression", operator, operand, start: token.start, end: operand.end };
  }

  private parseCall(name: Token, depth: number): Expr {
    const open = this.next();
    const args: Expr[] = [];
    if (this.peek().type !== ")") {
      for (;;) {
        args.push(this.parseExpression(PRECEDENCE.or, depth + 1));
        if (this.peek().type !== ",") break;
        this.pos++;
      }
    }
    const close = this.expectClose(open);
    return {
      type: "CallExpression",
      callee: name.text,
      calleeSpan: { start: name.start, end: name.end },
      args,
      start: name.start,
      end: close.end,
    };
  }

  private expectClose(open: Token): Token {
    const token = this.peek();
    if (token.type === ")") return this.next();
    if (token.type === "eof") return this.fail("MISSING_RPAREN", open.start, open.end);
    return this.unexpected(token);
  }

  /** `.` plus the name after it, so the whole `.constructor` is underlined. */
  private memberEnd(dot: Token): number {
    const following = this.tokens[this.tokens.indexOf(dot) + 1];
    return following && following.type === "identifier" && following.start === dot.end ? following.end : dot.end;
  }

  private unexpected(token: Token): never {
    if (token.type === "eof") return this.fail("UNEXPECTED_END", token.start, token.end);
    return this.fail("UNEXPECTED_TOKEN", token.start, token.end, { token: clipText(token.text), hint: hintFor(token.text, this.locale) });
  }

  private fail(code: FormulaErrorCode, start: number, end: number, params: MessageParams = {}): never {
    throw new SyntaxFailure(formulaError(code, start, end, params, this.locale));
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.type !== "eof") this.pos++;
    return token;
  }
}
