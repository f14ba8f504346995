/**
 * The function table, as data: arity, argument and result types, and the contexts a function may
 * be used in. The checker reads it; the compiler pairs each name with its implementation.
 * It is a Map, never an object literal, so names such as `toString` or `hasOwnProperty` can never
 * resolve to anything inherited from Object.prototype.
 */
import type { FormulaContext, FormulaType } from "./types";

/** `T` = one type shared by all `T` positions (and the result); `any` = either type. */
export type ParamType = FormulaType | "any" | "T";

export interface FunctionSpec {
  name: string;
  /** Types of the leading parameters. */
  params: readonly ParamType[];
  /** Type of every argument after `params` (variadic functions). */
  rest?: ParamType;
  minArgs: number;
  maxArgs: number;
  result: FormulaType | "T";
  contexts: readonly FormulaContext[];
  /** Aggregates over units: not allowed inside count_units. */
  aggregate: boolean;
  /** Help text for the formula editor. */
  summary: { id: string; en: string };
}

const ALL_CONTEXTS: readonly FormulaContext[] = ["field", "rule", "indicator"];
const INDICATOR_ONLY: readonly FormulaContext[] = ["indicator"];

const SPECS: FunctionSpec[] = [
  {
    name: "if",
    params: ["boolean", "T", "T"],
    minArgs: 3,
    maxArgs: 3,
    result: "T",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "if(kondisi, a, b): a bila kondisi benar, b bila salah.", en: "if(condition, a, b): a when true, b when false." },
  },
  {
    name: "coalesce",
    params: [],
    rest: "T",
    minArgs: 2,
    maxArgs: Infinity,
    result: "T",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "coalesce(a, b, …): nilai pertama yang terisi.", en: "coalesce(a, b, …): the first value that is present." },
  },
  {
    name: "min",
    params: [],
    rest: "number",
    minArgs: 1,
    maxArgs: Infinity,
    result: "number",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "min(a, b, …): nilai terkecil.", en: "min(a, b, …): the smallest value." },
  },
  {
    name: "max",
    params: [],
    rest: "number",
    minArgs: 1,
    maxArgs: Infinity,
    result: "number",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "max(a, b, …): nilai terbesar.", en: "max(a, b, …): the largest value." },
  },
  {
    name: "round",
    params: ["number", "number"],
    minArgs: 1,
    maxArgs: 2,
    result: "number",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: {
      id: "round(x, d): dibulatkan ke d desimal (0–10, bawaan 0), setengah menjauhi nol.",
      en: "round(x, d): rounded to d decimals (0–10, default 0), half away from zero.",
    },
  },
  {
    name: "abs",
    params: ["number"],
    minArgs: 1,
    maxArgs: 1,
    result: "number",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "abs(x): nilai mutlak.", en: "abs(x): absolute value." },
  },
  {
    name: "filled",
    params: ["any"],
    minArgs: 1,
    maxArgs: 1,
    result: "boolean",
    contexts: ALL_CONTEXTS,
    aggregate: false,
    summary: { id: "filled(x): benar bila x punya nilai.", en: "filled(x): true when x has a value." },
  },
  {
    name: "count_units",
    params: ["boolean"],
    minArgs: 1,
    maxArgs: 1,
    result: "number",
    contexts: INDICATOR_ONLY,
    aggregate: true,
    summary: {
      id: "count_units(kondisi): jumlah unit yang nilainya sendiri memenuhi kondisi.",
      en: "count_units(condition): number of units whose own values make the condition true.",
    },
  },
  {
    name: "in_group",
    params: [],
    minArgs: 1,
    maxArgs: 1,
    result: "boolean",
    contexts: INDICATOR_ONLY,
    aggregate: false,
    summary: {
      id: "in_group(kode): di dalam count_units, benar bila unit (atau Pustu/Puskesmas-nya) anggota kelompok unit berkode itu pada periode yang dibaca.",
      en: "in_group(key): inside count_units, true when the unit (or its Pustu/Puskesmas) was a member of the org-unit group with that key in the period read.",
    },
  },
  {
    name: "units",
    params: [],
    minArgs: 0,
    maxArgs: 0,
    result: "number",
    contexts: INDICATOR_ONLY,
    aggregate: true,
    summary: { id: "units(): jumlah unit yang melapor.", en: "units(): number of reporting units." },
  },
];

/** Functions by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((spec) => [spec.name, spec]));

/** The declared type of argument `index` of `spec`. */
export function paramType(spec: FunctionSpec, index: number): ParamType {
  return index < spec.params.length ? spec.params[index] : (spec.rest ?? "any");
}

/** The function whose single argument is an org-unit group key, not an expression. */
export const IN_GROUP = "in_group";

/** Shape of an org-unit group key (docs/decisions/033-org-unit-groups.md). */
export const GROUP_KEY_PATTERN = /^[a-z0-9_]{1,64}$/;

/** Largest `digits` accepted by round(). */
export const ROUND_MAX_DIGITS = 10;
