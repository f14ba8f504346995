/**
 * Aggregation primitives shared by every fact provider: a value as a number, a field over time,
 * rows summed into a total, and completeness.
 */
import type { Aggregation } from "./documents";
import { dict, type RowFacts, type UnitColumns, type UnitFacts, type UnitSegment } from "./facts";

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

/** Whether a row's facts list its units, as objects or as columns. */
export function hasUnitFacts(facts: Pick<RowFacts, "units" | "unitColumns">): boolean {
  return facts.units !== undefined || facts.unitColumns !== undefined;
}

/** One unit of a UnitColumns as the UnitFacts object it stands for. */
function unitAt(c: UnitColumns, i: number): UnitFacts {
  const values = dict<number | null>();
  for (const [key, column] of c.values) {
    const v = column[i];
    values[key] = Number.isNaN(v) ? null : v;
  }
  const one: UnitFacts = { code: c.codes[i], values, forms: c.formNames.filter((_f, j) => (c.forms[i] & (1 << j)) !== 0) };
  if (c.groupKeys && c.groups) one.groups = c.groupKeys.filter((_k, j) => (c.groups![i] & (1 << j)) !== 0);
  return one;
}

/** A row's units as UnitFacts objects, whichever way the provider gave them (explain panels, tests); undefined when it gave none. */
export function unitFactsOf(facts: Pick<RowFacts, "units" | "unitColumns">): UnitFacts[] | undefined {
  if (facts.units) return facts.units;
  if (!facts.unitColumns) return undefined;
  const out: UnitFacts[] = [];
  for (const s of facts.unitColumns) for (let i = s.from; i < s.to; i++) out.push(unitAt(s.columns, i));
  return out;
}

/**
 * UnitFacts objects as one UnitColumns segment (the other way round from unitFactsOf), for the
 * window's per-unit fields and group keys; engine tests use it to check both shapes give the same
 * scorecard. Forms a unit lists are its bits, over the sorted forms of every unit.
 */
export function unitColumnsOf(units: readonly UnitFacts[], unitFields: readonly string[], groupKeys?: readonly string[]): UnitSegment[] {
  const formNames = [...new Set(units.flatMap((u) => u.forms ?? []))].sort();
  if (formNames.length > 31 || (groupKeys?.length ?? 0) > 31) throw new Error("unitColumnsOf: more than 31 forms or group keys");
  const values = new Map<string, Float64Array>();
  for (const key of unitFields) {
    const column = new Float64Array(units.length);
    units.forEach((u, i) => {
      const v = Object.hasOwn(u.values, key) ? u.values[key] : null;
      column[i] = v == null ? NaN : v;
    });
    values.set(key, column);
  }
  const forms = Int32Array.from(units, (u) => (u.forms ?? formNames).reduce((bits, f) => bits | (1 << formNames.indexOf(f)), 0));
  const columns: UnitColumns = { codes: units.map((u) => u.code), values, formNames, forms };
  if (groupKeys) {
    columns.groupKeys = groupKeys;
    columns.groups = Int32Array.from(units, (u) =>
      (u.groups ?? []).reduce((bits, g) => (groupKeys.includes(g) ? bits | (1 << groupKeys.indexOf(g)) : bits), 0),
    );
  }
  return [{ columns, from: 0, to: units.length }];
}

/**
 * The units of several rows' facts as segments, without a unit twice: segments over the same
 * UnitColumns are merged by position; null when the rows do not all give columns, or give columns
 * of different UnitColumns (then the caller lists objects, de-duplicated by code).
 */
function mergedSegments(rows: readonly RowFacts[]): UnitSegment[] | null {
  let columns: UnitColumns | null = null;
  const segments: UnitSegment[] = [];
  for (const r of rows) {
    if (r.units) return null;
    for (const s of r.unitColumns ?? []) {
      if (columns !== null && s.columns !== columns) return null;
      columns = s.columns;
      segments.push(s);
    }
  }
  segments.sort((a, b) => a.from - b.from);
  const out: UnitSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) {
      if (s.to > last.to) out[out.length - 1] = { columns: last.columns, from: last.from, to: s.to };
    } else if (s.to > s.from) out.push(s);
  }
  return out;
}

/**
 * Facts of several disjoint rows summed into one (the total row): totals add, counts add, unit
 * lists concatenate (de-duplicated by code; rows giving columns of the same UnitColumns keep
 * columns, de-duplicated by position). Ratio of sums follows because formulas then run on these
 * totals.
 */
export function sumRowFacts(rows: readonly RowFacts[], id: { row: string; window: string }): RowFacts {
  const totals = dict<number | null>();
  const reported = dict<number>();
  const expected = dict<number>();
  const contributing = dict<string[]>();
  const missing = dict<string[]>();
  const seenContributing = new Map<string, Set<string>>();
  const seenMissing = new Map<string, Set<string>>();
  const anyUnits = rows.some(hasUnitFacts);
  const segments = anyUnits ? mergedSegments(rows) : null;
  let units: UnitFacts[] | undefined;
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r.totals)) totals[k] = addNullable(totals[k], r.totals[k]);
    for (const k of Object.keys(r.reported)) reported[k] = (reported[k] ?? 0) + r.reported[k];
    for (const k of Object.keys(r.expected)) expected[k] = (expected[k] ?? 0) + r.expected[k];
    mergeLists(contributing, seenContributing, r.contributing);
    mergeLists(missing, seenMissing, r.missing);
    if (anyUnits && segments === null && hasUnitFacts(r)) {
      units ??= [];
      for (const u of unitFactsOf(r)!) {
        if (seen.has(u.code)) continue;
        seen.add(u.code);
        units.push(u);
      }
    }
  }
  const out: RowFacts = { row: id.row, window: id.window, totals, reported, expected, contributing, missing };
  if (segments) out.unitColumns = segments;
  else if (units) out.units = units;
  return out;
}
