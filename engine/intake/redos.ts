/**
 * Save-time ReDoS screen for `pattern` (docs/security.md item 3). JavaScript regexes backtrack, so a repeated
 * group that itself contains an unbounded quantifier (`^(a+)+$`, `(\d*)*`) or alternatives that
 * may match the same text (`(a|aa)+`, `(\w|x)*`) can take exponential time on a near-miss input.
 * Such patterns and back-references are refused outright. The screen is conservative (it also
 * refuses a few safe patterns such as `(ab|a)+`); real form patterns (codes, phone numbers, NIK)
 * never need these constructs.
 */

/** Longest pattern accepted; form patterns are short. */
export const MAX_PATTERN_LENGTH = 500;

export type PatternProblem = "TOO_LONG" | "INVALID" | "NESTED_QUANTIFIER" | "BACKREFERENCE";

interface Frame {
  /** The group's body contains an unbounded quantifier somewhere. */
  unbounded: boolean;
  /** First atom of each alternative ("*" when it could match many characters). */
  firstAtoms: string[];
  /** Whether the next atom starts a new alternative. */
  atAlternativeStart: boolean;
}

function newFrame(): Frame {
  return { unbounded: false, firstAtoms: [], atAlternativeStart: true };
}

/** Alternatives may match the same text when two start alike or one starts with a class/group. */
function ambiguous(frame: Frame): boolean {
  const atoms = frame.atAlternativeStart ? [...frame.firstAtoms, "*"] : frame.firstAtoms;
  if (atoms.length < 2) return false;
  return atoms.includes("*") || new Set(atoms).size < atoms.length;
}

function recordAtom(frame: Frame, atom: string): void {
  if (frame.atAlternativeStart) {
    frame.firstAtoms.push(atom);
    frame.atAlternativeStart = false;
  }
}

/** Reads a quantifier at `i`; returns its max repetitions (Infinity for * + {n,}) and its end. */
function readQuantifier(src: string, i: number): { max: number; end: number } | null {
  const c = src[i];
  let max: number;
  let end: number;
  if (c === "*" || c === "+") {
    max = Number.POSITIVE_INFINITY;
    end = i + 1;
  } else if (c === "?") {
    max = 1;
    end = i + 1;
  } else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return null;
    max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    end = i + m[0].length;
  } else {
    return null;
  }
  if (src[end] === "?") end++; // lazy variant backtracks just the same
  return { max, end };
}

/** Returns the first problem found in a regex source, or null when it is safe to run. */
export function patternProblem(source: string): PatternProblem | null {
  if (source.length > MAX_PATTERN_LENGTH) return "TOO_LONG";
  try {
    new RegExp(source, "u"); // Ajv compiles patterns with the unicode flag
  } catch {
    return "INVALID";
  }
  const stack: Frame[] = [newFrame()];
  let i = 0;
  // The group that is the atom just before `i`, if that atom was a group.
  let lastGroup: Frame | null = null;
  const top = (): Frame => stack[stack.length - 1];
  while (i < source.length) {
    const c = source[i];
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "BACKREFERENCE";
      // \d, \w, \s … are classes; \. \+ … are literals.
      recordAtom(top(), /[dDwWsSpP]/.test(next) ? "*" : next);
      i += 2;
      lastGroup = null;
    } else if (c === "[") {
      recordAtom(top(), "*");
      i++;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i++;
      lastGroup = null;
    } else if (c === "|") {
      const frame = top();
      if (frame.atAlternativeStart) frame.firstAtoms.push("*"); // empty alternative
      frame.atAlternativeStart = true;
      i++;
      lastGroup = null;
    } else if (c === "(") {
      recordAtom(top(), "*");
      stack.push(newFrame());
      i++;
      if (source[i] === "?") {
        // (?: (?= (?! (?<= (?<! (?<name>
        i++;
        if (source[i] === "<" && source[i + 1] !== "=" && source[i + 1] !== "!") {
          while (i < source.length && source[i] !== ">") i++;
        }
        i++;
      }
      lastGroup = null;
    } else if (c === ")") {
      const frame = stack.length > 1 ? stack.pop()! : newFrame();
      top().unbounded ||= frame.unbounded;
      lastGroup = frame;
      i++;
    } else {
      const q = readQuantifier(source, i);
      if (q) {
        if (lastGroup && q.max > 1 && (lastGroup.unbounded || (q.max === Number.POSITIVE_INFINITY && ambiguous(lastGroup)))) {
          return "NESTED_QUANTIFIER";
        }
        if (q.max === Number.POSITIVE_INFINITY) top().unbounded = true;
        i = q.end;
      } else {
        if (c !== "^" && c !== "$") recordAtom(top(), c === "." ? "*" : c);
        i++;
      }
      lastGroup = null;
    }
  }
  return null;
}
