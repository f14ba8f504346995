/**
 * Pure helpers of the formula editor (FormulaInput): live checking with the engine's own
 * parser and checker, the identifier under the caret, and autocomplete suggestions.
 * Browser code: the engine comes from "@engine" ("@engine/server" would pull in Ajv).
 */
import { checkFormula, formulaTypeOf, FUNCTIONS, type FormulaContext, type FormulaType } from "@engine";

export type FormulaLocale = "id" | "en";

/** A field as the formula editor sees it (the props of FormulaInput). */
export interface FormulaFieldInfo {
  key: string;
  type: string;
  label: string;
}

/** One error of the formula being typed, with its character range (end exclusive). */
export interface LiveFormulaError {
  code: string;
  message: string;
  start: number;
  end: number;
  /** A field key close to an unknown name, offered as "did you mean". */
  suggestion?: string;
}

/** The symbol table of the checker: readable fields and their formula types. */
export function symbolsOf(fields: readonly FormulaFieldInfo[]): Map<string, FormulaType> {
  const symbols = new Map<string, FormulaType>();
  for (const f of fields) {
    const t = formulaTypeOf(f.type);
    if (t) symbols.set(f.key, t);
  }
  return symbols;
}

/** Edit distance (Levenshtein), small strings only. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest key to `name` (at most a third of its length in edits), or undefined. */
export function closestKey(name: string, keys: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const key of keys) {
    const d = editDistance(name.toLowerCase(), key);
    if (d < bestDistance && d <= limit) {
      best = key;
      bestDistance = d;
    }
  }
  return best;
}

export interface CheckOptions {
  fields: readonly FormulaFieldInfo[];
  expected?: FormulaType;
  context: FormulaContext;
  locale?: FormulaLocale;
}

const UNREADABLE = {
  id: " Isian '{key}' berjenis {type}; rumus hanya bisa membaca isian angka dan ya/tidak.",
  en: " Field '{key}' is of type {type}; formulas can only read number and yes/no fields.",
};

const EXPECTED = {
  number: {
    id: "Rumus ini harus menghasilkan angka, tetapi hasilnya benar/salah. Ubah dengan if(kondisi, 1, 0).",
    en: "This formula must produce a number but it produces true/false. Convert it with if(condition, 1, 0).",
  },
  boolean: {
    id: "Rumus ini harus menghasilkan benar/salah, tetapi hasilnya angka. Bandingkan dulu, misalnya: x > 0.",
    en: "This formula must produce true/false but it produces a number. Compare it first, e.g. x > 0.",
  },
};

/**
 * Checks `src` exactly as the package validation will (same parser, checker and symbols), and
 * adds the result-type check and "did you mean" hints. Errors are sorted by position.
 */
export function checkLive(src: string, options: CheckOptions): LiveFormulaError[] {
  const locale = options.locale ?? "id";
  const symbols = symbolsOf(options.fields);
  const result = checkFormula(src, { symbols, context: options.context, locale });
  const errors: LiveFormulaError[] = result.errors.map((e) => {
    const out: LiveFormulaError = { code: e.code, message: e.message, start: e.start, end: e.end };
    if (e.code === "UNKNOWN_IDENTIFIER") {
      const name = src.slice(e.start, e.end);
      const field = options.fields.find((f) => f.key === name);
      if (field) out.message += (locale === "en" ? UNREADABLE.en : UNREADABLE.id).replace("{key}", field.key).replace("{type}", field.type);
      else out.suggestion = closestKey(name, symbols.keys());
    }
    return out;
  });
  if (result.ok && options.expected && result.type && result.type !== options.expected) {
    errors.push({ code: "FORMULA_TYPE", message: EXPECTED[options.expected][locale], start: 0, end: src.length });
  }
  return errors.sort((a, b) => a.start - b.start);
}

/** The identifier-like word touching `caret`: its range and the part before the caret. */
export function wordAt(src: string, caret: number): { start: number; end: number; prefix: string } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let start = caret;
  while (start > 0 && isWord(src[start - 1])) start--;
  let end = caret;
  while (end < src.length && isWord(src[end])) end++;
  if (start === end) return undefined;
  // A number (or a number glued to letters) is not a name being typed.
  if (!/[A-Za-z_]/.test(src[start])) return undefined;
  return { start, end, prefix: src.slice(start, caret) };
}

export interface Suggestion {
  kind: "field" | "function";
  /** Text inserted into the formula. */
  insert: string;
  /** What the list shows: key and label or function summary. */
  label: string;
  detail: string;
}

/** Functions offered in a context: row functions everywhere, aggregates only in indicators. */
export function functionsFor(context: FormulaContext): Suggestion[] {
  return [...FUNCTIONS.values()]
    .filter((f) => f.contexts.includes(context))
    .map((f) => ({ kind: "function" as const, insert: `${f.name}(`, label: `${f.name}()`, detail: f.summary.id }));
}

/**
 * Suggestions for a typed prefix: readable field keys and functions, those starting with the
 * prefix first, then those containing it (a typo in the middle still finds the key), at most `limit`.
 */
export function suggest(prefix: string, fields: readonly FormulaFieldInfo[], context: FormulaContext, locale: FormulaLocale = "id", limit = 8): Suggestion[] {
  const lower = prefix.toLowerCase();
  const all: Suggestion[] = [
    ...fields.filter((f) => formulaTypeOf(f.type)).map((f) => ({ kind: "field" as const, insert: f.key, label: f.key, detail: f.label })),
    ...functionsFor(context).map((s) => (locale === "en" ? { ...s, detail: FUNCTIONS.get(s.insert.slice(0, -1))!.summary.en } : s)),
  ];
  const starts = all.filter((s) => s.insert.startsWith(lower) && s.insert !== lower);
  const contains = all.filter((s) => !s.insert.startsWith(lower) && lower.length > 1 && s.insert.includes(lower));
  const label = all.filter((s) => lower.length > 2 && !s.insert.includes(lower) && s.detail.toLowerCase().includes(lower));
  return [...starts, ...contains, ...label].slice(0, limit);
}

/** Replaces the word `[start, end)` with the suggestion; returns the new text and caret. */
export function applySuggestion(src: string, range: { start: number; end: number }, suggestion: Pick<Suggestion, "insert">): { value: string; caret: number } {
  let insert = suggestion.insert;
  // Do not double an opening parenthesis already typed after the word.
  if (insert.endsWith("(") && src[range.end] === "(") insert = insert.slice(0, -1);
  const value = src.slice(0, range.start) + insert + src.slice(range.end);
  const caret = range.start + insert.length + (insert === suggestion.insert ? 0 : 1);
  return { value, caret };
}

/** Splits `src` into plain and marked segments for showing error ranges. */
export function segments(src: string, ranges: ReadonlyArray<{ start: number; end: number }>): Array<{ text: string; marked: boolean }> {
  const marks = new Array<boolean>(src.length + 1).fill(false);
  for (const r of ranges) {
    const start = Math.max(0, Math.min(r.start, src.length));
    // An empty range (e.g. "formula ends too early") marks the position after the text.
    const end = r.end > r.start ? Math.min(r.end, src.length) : start + 1;
    for (let i = start; i < end; i++) marks[i] = true;
  }
  const out: Array<{ text: string; marked: boolean }> = [];
  const padded = src + " ";
  for (let i = 0; i < padded.length; i++) {
    const marked = marks[i];
    const last = out[out.length - 1];
    if (last && last.marked === marked) last.text += padded[i];
    else out.push({ text: padded[i], marked });
  }
  return out;
}
