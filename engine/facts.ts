/**
 * The contract between the scorecard and whatever computes its data (the in-memory reference in
 * facts-memory.ts, the SQL layer in app/): a plan of what is needed, and per row the facts.
 *
 * Semantics every implementation must share (docs/decisions/006-scorecard-semantics.md,
 * docs/decisions/034-who-reports-what.md):
 * 1. Only submissions with status `submitted` or `approved` count (drafts and returned do not).
 * 2. A form is reported by the units of its reporting levels (`plan.reporters[form].levels`:
 *    Puskesmas, Pustu, Posyandu). A row's reporting units for a form: for a national, province,
 *    district or Puskesmas row, the units of those levels in its subtree (a Puskesmas row rolls
 *    up its own reports and those of its Pustu and Posyandu); for a Pustu or Posyandu row (a
 *    village row), the unit itself only.
 * 3. With `plan.orgGroup`, a unit-period counts only when the unit or one of its ancestors at
 *    Puskesmas level or below (its Pustu, its Puskesmas) was a member of a group with that key
 *    during at least one month of the period — in expected, reported and values alike.
 * 4. Per unit and field, values aggregate over the window's counted periods with the field's own
 *    aggregation (sum/last/max/min/avg over periods that have a value; booleans are 1/0); a unit
 *    with no value for the field contributes nothing (missing ≠ zero).
 * 5. Per row, each field's total is Σ over the row's units of their time-aggregated values
 *    (ratio of sums later, never an average of percentages); null when no unit had a value.
 * 6. reported[form] = unit-periods with a counted submission in the window;
 *    expected[form] = Σ over the form's periods in the window of the row's units expected for
 *    that period: of the form's levels and, when the form applies to groups, members of one of
 *    them during the period (engine/expected.ts).
 * 7. Per-unit facts (count_units, units()) list the reporting units: for a Posyandu form the
 *    Posyandu, whatever the row's level.
 * 8. With `window.unitGroups` (keys read by in_group inside count_units), each unit's facts list
 *    the keys it is "in" for the window: the unit or one of its ancestors at a reporting level
 *    (its Pustu, its Puskesmas) was a member of a group with that key (any owner) during at least
 *    one month of the window (docs/decisions/039-groups-in-formulas.md).
 */
import type { Aggregation, PeriodType } from "./documents";
import type { ReportingLevel } from "./expected";

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
  /** Org-unit group keys read by in_group inside count_units, sorted; absent when none. */
  unitGroups?: string[];
  /** Forms whose completeness is needed: those of `fields`. */
  forms: string[];
  /** Per form, the periods of that form that lie in the window (what `expected` counts). */
  formPeriods: Record<string, string[]>;
}

/** Who reports a form: its reporting levels and, when it applies to groups, their keys. */
export interface FormReporters {
  levels: ReportingLevel[];
  /** Group keys of the form's "applies to"; null = every unit of its levels is expected. */
  groups: string[] | null;
  periodType: PeriodType;
}

/** What data a scorecard request needs; made by planScorecard, consumed by fact providers. */
export interface ScorecardPlan {
  package: { key: string; version: number };
  period: string;
  /** Per form read by any window: who reports it. */
  reporters: Record<string, FormReporters>;
  /** Only units in (or below a member of) a group with this key count; null = no filter. */
  orgGroup: string | null;
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
  /** Of the window's unitGroups, the keys this unit is in (rule 8); present exactly when the window has unitGroups. */
  groups?: string[];
}

/**
 * Per-unit facts as columns, which a provider may give instead of one UnitFacts object per unit
 * (the fact index does: a national scorecard has 10,000+ units in each window, docs/decisions/044-columnar-unit-facts.md).
 * Unit i: code `codes[i]`; its value of a per-unit field `values.get(key)[i]`, NaN = no value;
 * bit j of `forms[i]` set = it reported `formNames[j]`; with `groupKeys`, bit j of `groups[i]` set =
 * it is in group `groupKeys[j]` (rule 8). One UnitColumns may hold the units of many rows; each
 * row names its own positions with a UnitSegment.
 */
export interface UnitColumns {
  codes: readonly string[];
  values: ReadonlyMap<string, Float64Array>;
  /** At most 31 forms (bits of an Int32Array). */
  formNames: readonly string[];
  forms: Int32Array;
  /** Present exactly when the window has unitGroups; at most 31 keys. */
  groupKeys?: readonly string[];
  groups?: Int32Array;
}

/** The units of one row in a UnitColumns: positions from..to-1. */
export interface UnitSegment {
  columns: UnitColumns;
  from: number;
  to: number;
}

/** Facts of one row org unit in one window. */
export interface RowFacts {
  row: string;
  window: string;
  /** Σ over the row's units of each unit's time-aggregated value; null if no unit had one. */
  totals: Record<string, number | null>;
  /** Reporting units (a counted submission of a form read by unitFields), for count_units. */
  units?: UnitFacts[];
  /** The same units as columns (instead of `units`; never both): see UnitColumns. unitFactsOf() gives them as objects. */
  unitColumns?: UnitSegment[];
  /** Per form: unit-periods with a counted submission. */
  reported: Record<string, number>;
  /** Per form: Σ over its periods in the window of the units expected for that period. */
  expected: Record<string, number>;
  /** Per form: reporting units with at least one counted submission in the window (for explain). */
  contributing?: Record<string, string[]>;
  /** Per form: units expected for a period of the window they did not report (for explain). */
  missing?: Record<string, string[]>;
}

/** Statuses of a submission that count in facts. */
export const COUNTED_STATUSES: ReadonlySet<string> = new Set(["submitted", "approved"]);

/** A record safe for keys that come from documents (no prototype). */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
