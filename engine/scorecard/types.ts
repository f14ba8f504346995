/** The scorecard's results, and the facts and yardsticks it consumes. */
import type { Bands, Direction, Target, TargetProfile, TargetScope } from "../documents";
import type { RowFacts } from "../facts";
import type { Band, CellState, Trend } from "../status";
import type { OrgChainLink } from "../targets";
import type { ScorecardRowRef } from "./plan";

/** Why a cell has no value. */
export type CellReason = "NO_DATA" | "MISSING" | "DIV_ZERO" | "NOT_FINITE" | "FORMULA_ERROR";

/** The target of a cell and where it came from. */
export interface CellTarget {
  value: number;
  annual: number;
  profile: TargetProfile;
  scope: TargetScope;
  /** e.g. "kabupaten/kota 13.73". */
  scopeLabel: string;
  year: number;
  source?: string;
}

/** One scorecard cell. All numbers are unrounded and finite (or null). */
export interface ScorecardCell {
  indicator: string;
  row: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Set exactly when value is null. */
  reason: CellReason | null;
  target: CellTarget | null;
  achievement: number | null;
  /** Colour by achievement, kept for incomplete cells (the UI shows them muted). */
  band: Band | null;
  state: CellState;
  /** Reported ÷ expected unit-periods of the forms read; null when nothing is expected. */
  completeness: number | null;
  reported: number;
  expected: number;
  trend: Trend | null;
  previous: { period: string; value: number | null; achievement: number | null } | null;
}

/** One row: its cells in column order, composite score and rank. */
export interface ScorecardRow extends ScorecardRowRef {
  cells: ScorecardCell[];
  /** Weighted mean of achievements capped at 100 over cells with a colour; null if none. */
  score: number | null;
  /** Number of cells that entered the score. */
  scoredCells: number;
  /** 1 = best; rows with equal (displayed) scores share a rank; null without a score. */
  rank: number | null;
}

/** A column of the scorecard. */
export interface ScorecardColumn {
  key: string;
  name: string;
  group: string;
  unit: string | null;
  decimals: number;
  direction: Direction;
  factor: number;
  ytd: boolean;
  bands: Bands;
  weight: number;
  /** e.g. "Januari–Maret 2025 (kumulatif)". */
  periodLabel: string;
}

export interface Scorecard {
  period: string;
  columns: ScorecardColumn[];
  rows: ScorecardRow[];
  total: ScorecardRow;
}

/**
 * The facts a scorecard consumes (from computeRowFacts or the SQL layer). Every RowFacts names its
 * row and window, so `facts`, `current` and `previous` are simply merged: pass all facts in
 * `facts`, or split them by role, whichever the provider finds natural.
 */
export interface ScorecardData {
  /** Facts of the plan's (row, window) pairs; a missing pair means nothing was reported. */
  facts?: readonly RowFacts[];
  /** Facts of the current windows (`current`, `current-ytd`). */
  current?: readonly RowFacts[];
  /** Facts of the previous windows, for trends. */
  previous?: readonly RowFacts[];
  /** Facts of the total row (one per window); when absent the rows' facts are summed (rows are disjoint). */
  total?: RowFacts | readonly RowFacts[];
  /** Per row code, the org chain from national down to the row (for target resolution). */
  orgChains?: Readonly<Record<string, readonly OrgChainLink[]>> | ReadonlyMap<string, readonly OrgChainLink[]>;
  /** Targets and bands that judge rows instead of the package's own (see Yardsticks). */
  yardsticks?: Yardsticks;
}

/**
 * What a cell is judged against: the targets to resolve (nearest scope wins within them) and the
 * colour bands per indicator key (an indicator without an entry keeps its own bands).
 */
export interface Yardstick {
  targets: readonly Target[];
  bands: Readonly<Record<string, Bands>>;
}

/**
 * Yardsticks other than the package's. A cell is one org unit × indicator × period and must be
 * judged the same on every page: a row inside a district that adapted the package is judged by
 * the district's adapted targets and bands (`byDistrict`, keyed by district code) even on a
 * province or national scorecard computed with the national package. `all` judges every row
 * with one yardstick instead (e.g. the national target for a like-for-like comparison).
 */
export interface Yardsticks {
  all?: Yardstick;
  byDistrict?: Readonly<Record<string, Yardstick>>;
}
