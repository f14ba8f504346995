/**
 * The contract between the scorecard and whatever computes its data (the in-memory reference in
 * facts-memory.ts, the SQL layer in app/): a plan of what is needed, and per row the facts.
 *
 * Semantics every implementation must share:
 * 1. Only submissions with status `submitted` or `approved` count (drafts and returned do not).
 * 2. Per unit and field, values aggregate over the window's periods with the field's own
 *    aggregation (sum/last/max/min/avg over periods that have a value; booleans are 1/0); a unit
 *    with no value for the field contributes nothing (missing ≠ zero).
 * 3. Per row, each field's total is Σ over the row's units of their time-aggregated values
 *    (ratio of sums later, never an average of percentages); null when no unit had a value.
 * 4. reported[form] = distinct unit-periods with a counted submission in the window;
 *    expected[form] = units in the row × periods of that form in the window.
 */
import type { Aggregation, PeriodType } from "./documents";

/** A field a scorecard needs, with what the aggregation needs to know about it. */
export interface PlanField {
  key: string;
  form: string;
  periodType: PeriodType;
  /** Value type as the formula sees it; booleans are stored as 1/0 in facts. */
  type: "number" | "boolean";
  aggregation: Aggregation;
}

/** One month window the scorecard reads, with the fields and forms needed in it. */
export interface PlanWindow {
  /** `current`, `current-ytd`, `previous` or `previous-ytd`. */
  id: string;
  role: "current" | "previous";
  ytd: boolean;
  /** The period the window belongs to (e.g. `2025-03`; with ytd it covers Jan..Mar). */
  period: string;
  /** Inclusive month indexes (year*12 + month-1). */
  start: number;
  end: number;
  /** Fields needed as row totals. */
  fields: string[];
  /** Fields also needed per unit (read inside count_units); a subset of `fields`. */
  unitFields: string[];
  /** Forms whose completeness is needed: those of `fields`. */
  forms: string[];
  /** Per form, the periods of that form that lie in the window (what `expected` counts). */
  formPeriods: Record<string, string[]>;
}

/** What data a scorecard request needs; made by planScorecard, consumed by fact providers. */
export interface ScorecardPlan {
  package: { key: string; version: number };
  period: string;
  /** Org level of the units whose submissions are aggregated. */
  unitLevel: string;
  /** Row org codes, in request order. */
  rows: string[];
  /** Every field any window needs, by key. */
  fields: Record<string, PlanField>;
  windows: PlanWindow[];
  /** Per indicator, the window of its current value and of its trend. */
  indicators: Array<{ key: string; window: string; previousWindow: string | null }>;
}

/** Time-aggregated values of one unit (only for plans with unitFields). */
export interface UnitFacts {
  code: string;
  values: Record<string, number | null>;
  /**
   * Forms read per unit (those of the window's unitFields) that this unit reported in the window.
   * An indicator's count_units/units() see only the units that reported one of its own per-unit
   * forms, so a cell does not change with the other indicators of the request.
   */
  forms?: string[];
}

/** Facts of one row org unit in one window. */
export interface RowFacts {
  row: string;
  window: string;
  /** Σ over the row's units of each unit's time-aggregated value; null if no unit had one. */
  totals: Record<string, number | null>;
  /** Reporting units (a counted submission of a form read by unitFields), for count_units. */
  units?: UnitFacts[];
  /** Per form: distinct unit-periods with a counted submission. */
  reported: Record<string, number>;
  /** Per form: units × periods of the window. */
  expected: Record<string, number>;
  /** Per form: units with at least one counted submission in the window (for explain). */
  contributing?: Record<string, string[]>;
  /** Per form: units missing at least one expected period (for explain). */
  missing?: Record<string, string[]>;
}

/** Statuses of a submission that count in facts. */
export const COUNTED_STATUSES: ReadonlySet<string> = new Set(["submitted", "approved"]);

/** A record safe for keys that come from documents (no prototype). */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
