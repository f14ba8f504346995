/**
 * Aggregation primitives shared by every fact provider: a value as a number, a field over time,
 * rows summed into a total, and completeness.
 */
import type { Aggregation } from "./documents";
import { dict, type RowFacts, type UnitFacts } from "./facts";

/** A stored value as a fact: finite numbers as is, booleans 1/0, anything else no value. */
export function numericValue(raw: unknown): number | null {
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (typeof raw === "number" && Number.isFinite(raw)) return raw;
  return null;
}

/**
 * One unit's field over a window. `values` are in period order; nulls (periods without a value)
 * are skipped, so a missing month is not a zero. Null when no period has a value.
 */
export function aggregateOverTime(values: ReadonlyArray<number | null | undefined>, aggregation: Aggregation): number | null {
  let n = 0;
  let sum = 0;
  let last: number | null = null;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    if (v == null || !Number.isFinite(v)) continue;
    n++;
    sum += v;
    last = v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (n === 0) return null;
  switch (aggregation) {
    case "sum":
      return sum;
    case "last":
      return last;
    case "max":
      return max;
    case "min":
      return min;
    case "avg":
      return sum / n;
  }
}

/** Adds to a nullable total: null + null = null, null + x = x. */
export function addNullable(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return a + b;
}

/** Reported ÷ expected unit-periods, summed over forms; null when nothing is expected. */
export function completenessOf(facts: Pick<RowFacts, "reported" | "expected">, forms: readonly string[]): number | null {
  let reported = 0;
  let expected = 0;
  for (const f of forms) {
    reported += facts.reported[f] ?? 0;
    expected += facts.expected[f] ?? 0;
  }
  if (expected <= 0) return null;
  return Math.min(1, reported / expected);
}

/** Number of unit-periods reported over forms (0 → the row has no data for these forms). */
export function reportedOf(facts: Pick<RowFacts, "reported">, forms: readonly string[]): number {
  let n = 0;
  for (const f of forms) n += facts.reported[f] ?? 0;
  return n;
}

/** Appends codes per form without duplicates; the Sets keep this linear for national totals. */
function mergeLists(target: Record<string, string[]>, seen: Map<string, Set<string>>, source: Record<string, string[]> | undefined): void {
  if (!source) return;
  for (const form of Object.keys(source)) {
    const list = target[form] ?? (target[form] = []);
    let set = seen.get(form);
    if (!set) seen.set(form, (set = new Set(list)));
    for (const code of source[form]) {
      if (set.has(code)) continue;
      set.add(code);
      list.push(code);
    }
  }
}

/**
 * Facts of several disjoint rows summed into one (the total row): totals add, counts add, unit
 * lists concatenate (de-duplicated by code). Ratio of sums follows because formulas then run on
 * these totals.
 */
export function sumRowFacts(rows: readonly RowFacts[], id: { row: string; window: string }): RowFacts {
  const totals = dict<number | null>();
  const reported = dict<number>();
  const expected = dict<number>();
  const contributing = dict<string[]>();
  const missing = dict<string[]>();
  const seenContributing = new Map<string, Set<string>>();
  const seenMissing = new Map<string, Set<string>>();
  let units: UnitFacts[] | undefined;
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r.totals)) totals[k] = addNullable(totals[k], r.totals[k]);
    for (const k of Object.keys(r.reported)) reported[k] = (reported[k] ?? 0) + r.reported[k];
    for (const k of Object.keys(r.expected)) expected[k] = (expected[k] ?? 0) + r.expected[k];
    mergeLists(contributing, seenContributing, r.contributing);
    mergeLists(missing, seenMissing, r.missing);
    if (r.units) {
      units ??= [];
      for (const u of r.units) {
        if (seen.has(u.code)) continue;
        seen.add(u.code);
        units.push(u);
      }
    }
  }
  const out: RowFacts = { row: id.row, window: id.window, totals, reported, expected, contributing, missing };
  if (units) out.units = units;
  return out;
}
