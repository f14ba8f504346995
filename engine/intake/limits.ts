/**
 * Size and depth caps for untrusted JSON, checked before any schema work so a hostile document
 * costs at most one bounded walk.
 */
import { FORBIDDEN_KEYS } from "../domain";
import { type DocumentError, escapePointerToken } from "./errors";
import { intakeError } from "./intake-messages";

/** Cap for admin-authored raw JSON Schemas (docs/security.md item 1). */
export const RAW_SCHEMA_MAX_BYTES = 64 * 1024;
/** Cap for a whole template package or overlay. */
export const PACKAGE_MAX_BYTES = 2 * 1024 * 1024;
/** Cap for a single form, indicator, target or rule document. */
export const DOCUMENT_MAX_BYTES = 512 * 1024;
/** Nesting cap for every document kind (docs/security.md item 1). */
export const MAX_DEPTH = 32;
/** Guards the walk itself against shared-reference graphs built in code (JSON.parse never makes them). */
const MAX_NODES = 2_000_000;

export interface JsonCaps {
  maxBytes?: number;
  maxDepth?: number;
}

const encoder = new TextEncoder();

/** UTF-8 byte length of a string (what travels over the wire and lands in the database). */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function tooDeep(maxDepth: number): DocumentError {
  return intakeError("", "JSON_TOO_DEEP", { maxDepth });
}

function tooLarge(bytes: number | null, maxBytes: number): DocumentError {
  return intakeError("", "JSON_TOO_LARGE", { sizeKib: bytes === null ? undefined : Math.ceil(bytes / 1024), maxKib: Math.round(maxBytes / 1024) });
}

/**
 * Nesting depth of a JSON value: scalars are 0, `{}`/`[]` are 1. Iterative (no recursion, so
 * no stack overflow) and stops as soon as `stopAbove` is exceeded.
 */
export function jsonDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let max = 0;
  let visited = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > stopAbove || ++visited > MAX_NODES) return Math.max(max, stopAbove + 1);
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, d]);
  }
  return max;
}

/** Refuses values nested deeper than `maxDepth` (default 32). */
export function checkJsonDepth(value: unknown, maxDepth = MAX_DEPTH): DocumentError[] {
  return jsonDepth(value, maxDepth) > maxDepth ? [tooDeep(maxDepth)] : [];
}

/**
 * Refuses values whose JSON serialisation exceeds `maxBytes` (UTF-8). Accepts raw JSON text too.
 * Depth is checked first so stringify never recurses without bound.
 */
export function checkJsonSize(value: unknown, maxBytes = PACKAGE_MAX_BYTES): DocumentError[] {
  if (typeof value === "string") {
    // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
    if (value.length > maxBytes) return [tooLarge(null, maxBytes)];
    const bytes = utf8Length(value);
    return bytes > maxBytes ? [tooLarge(bytes, maxBytes)] : [];
  }
  if (jsonDepth(value, 512) > 512) return [tooDeep(512)];
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return [intakeError("", "JSON_NOT_SERIALIZABLE")];
  }
  if (text === undefined) return [];
  const bytes = text.length > maxBytes ? text.length : utf8Length(text);
  return bytes > maxBytes ? [tooLarge(bytes, maxBytes)] : [];
}

/** Size and depth together, depth first. */
export function checkJsonLimits(value: unknown, caps: JsonCaps = {}): DocumentError[] {
  const depth = checkJsonDepth(value, caps.maxDepth ?? MAX_DEPTH);
  if (depth.length > 0) return depth;
  return checkJsonSize(value, caps.maxBytes ?? PACKAGE_MAX_BYTES);
}

/**
 * Finds `__proto__`, `constructor` and `prototype` used as property names anywhere in a value
 * (docs/security.md item 4). Such documents are refused rather than cleaned: they are never legitimate here.
 */
export function findForbiddenKeys(value: unknown, limit = 20): DocumentError[] {
  const errors: DocumentError[] = [];
  const stack: [unknown, string][] = [[value, ""]];
  let visited = 0;
  while (stack.length > 0 && errors.length < limit && ++visited <= MAX_NODES) {
    const [node, pointer] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${pointer}/${i}`]);
      continue;
    }
    for (const key of Object.keys(node)) {
      const childPointer = `${pointer}/${escapePointerToken(key)}`;
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push(intakeError(childPointer, "JSON_FORBIDDEN_KEY", { key }));
        continue;
      }
      stack.push([(node as Record<string, unknown>)[key], childPointer]);
    }
  }
  return errors;
}

export interface ParsedJson {
  ok: boolean;
  value?: unknown;
  errors: DocumentError[];
}

/** Parses untrusted JSON text with the size cap applied before parsing and depth after. */
export function parseJsonDocument(text: string, caps: JsonCaps = {}): ParsedJson {
  const size = checkJsonSize(text, caps.maxBytes ?? PACKAGE_MAX_BYTES);
  if (size.length > 0) return { ok: false, errors: size };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [intakeError("", "JSON_PARSE", { detail })] };
  }
  const depth = checkJsonDepth(value, caps.maxDepth ?? MAX_DEPTH);
  if (depth.length > 0) return { ok: false, errors: depth };
  return { ok: true, value, errors: [] };
}
