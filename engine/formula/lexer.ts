/**
 * Lexer: source text → tokens. It reports every lexical error it finds (up to a cap) so the
 * editor can underline them all, and it enforces the token-count limit.
 */
import { clipText, formulaError, hintFor, type FormulaError, type Locale } from "./errors";
import { FORMULA_LIMITS } from "./limits";
import { KEYWORDS, OPERATOR_SPELLINGS, RESERVED_NAMES } from "./operators";

export type TokenType = "number" | "identifier" | "keyword" | "operator" | "(" | ")" | "," | "." | "eof";

export interface Token {
  type: TokenType;
  /** Source text; keywords are lower-cased. */
  text: string;
  start: number;
  end: number;
}

export interface LexResult {
  tokens: Token[];
  errors: FormulaError[];
  /** True when every error is a bad name: the token stream is complete and worth parsing for more errors. */
  parseable: boolean;
}

const NAME_ERRORS: ReadonlySet<string> = new Set(["RESERVED_NAME", "BAD_IDENTIFIER"]);

const MAX_LEX_ERRORS = 20;
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/;
/** Opening quote → closing quote; typographic quotes come from text pasted out of documents. */
const QUOTES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ["`", "`"],
  ["\u201c", "\u201d"],
  ["\u2018", "\u2019"],
  ["\u201d", "\u201d"],
  ["\u2019", "\u2019"],
]);
const PUNCTUATION = new Set<TokenType>(["(", ")", ",", "."]);

/** Splits `src` into tokens (always ending with an `eof` token). */
export function tokenize(src: string, locale: Locale = "id"): LexResult {
  const tokens: Token[] = [];
  const errors: FormulaError[] = [];
  let i = 0;

  const push = (type: TokenType, text: string, start: number, end: number): boolean => {
    if (tokens.length >= FORMULA_LIMITS.maxTokens) {
      errors.push(formulaError("TOO_MANY_TOKENS", start, src.length, { max: FORMULA_LIMITS.maxTokens }, locale));
      return false;
    }
    tokens.push({ type, text, start, end });
    return true;
  };

  while (i < src.length && errors.length < MAX_LEX_ERRORS) {
    const ch = src[i];
    const start = i;

    if (WHITESPACE.test(ch)) {
      i++;
      continue;
    }

    if (DIGIT.test(ch) || (ch === "." && DIGIT.test(src[i + 1] ?? ""))) {
      i = readNumber(src, i);
      const text = src.slice(start, i);
      // Only plain decimals: no leading dot, exponent, digit separators, or digits glued to letters.
      const wellFormed = /^[0-9]+(\.[0-9]+)?$/.test(text) && Number.isFinite(Number(text));
      if (!wellFormed) errors.push(formulaError("BAD_NUMBER", start, i, { text: clipText(text) }, locale));
      else if (!push("number", text, start, i)) break;
      continue;
    }

    if (WORD_START.test(ch)) {
      while (i < src.length && WORD_CHAR.test(src[i])) i++;
      const text = src.slice(start, i);
      const lower = text.toLowerCase();
      if (KEYWORDS.has(lower)) {
        if (!push("keyword", lower, start, i)) break;
      } else {
        // Bad names still become tokens so the parser can add its own error (e.g. MEMBER_ACCESS
        // in `(1).constructor`); the tree is discarded whenever the lexer reported anything.
        if (RESERVED_NAMES.has(lower)) errors.push(formulaError("RESERVED_NAME", start, i, { name: clipText(text) }, locale));
        else if (!IDENTIFIER.test(text)) errors.push(formulaError("BAD_IDENTIFIER", start, i, { name: clipText(text) }, locale));
        if (!push("identifier", text, start, i)) break;
      }
      continue;
    }

    const closingQuote = QUOTES.get(ch);
    if (closingQuote !== undefined) {
      // Skip to the matching quote so one string yields one error, not one per character.
      const close = src.indexOf(closingQuote, i + 1);
      i = close === -1 ? src.length : close + 1;
      errors.push(formulaError("STRING_NOT_ALLOWED", start, i, {}, locale));
      continue;
    }

    const op = OPERATOR_SPELLINGS.find((spelling) => src.startsWith(spelling, i));
    if (op !== undefined) {
      i += op.length;
      if (!push("operator", op, start, i)) break;
      continue;
    }

    if (PUNCTUATION.has(ch as TokenType)) {
      i++;
      if (!push(ch as TokenType, ch, start, i)) break;
      continue;
    }

    // Report whole code points so an emoji is one error with a sensible span.
    const char = String.fromCodePoint(src.codePointAt(i) ?? 0);
    i += char.length;
    errors.push(formulaError("UNEXPECTED_CHAR", start, i, { char, hint: hintFor(char, locale) }, locale));
  }

  tokens.push({ type: "eof", text: "", start: src.length, end: src.length });
  const parseable = errors.every((e) => NAME_ERRORS.has(e.code)) && errors.length < MAX_LEX_ERRORS;
  return { tokens, errors, parseable };
}

/** Reads a number-like run: digits, dots and glued word characters, so `1.2.3` or `1e5` is one bad token. */
function readNumber(src: string, i: number): number {
  let j = i;
  while (j < src.length) {
    const c = src[j];
    if (WORD_CHAR.test(c)) j++;
    // A dot continues the number only when a digit follows: `1.constructor` stays `1` `.` `constructor`.
    else if (c === "." && DIGIT.test(src[j + 1] ?? "")) j++;
    else break;
  }
  return j;
}
