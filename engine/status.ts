/**
 * Achievement, colour bands and cell states. Achievement is always "higher is better" (a
 * lower-is-better indicator is inverted here), so bands, composite scores and trends treat every
 * indicator alike.
 */
import type { Bands, Direction } from "./documents";

/** Band thresholds used when an indicator does not set its own (percent of target). */
export const DEFAULT_BANDS: Readonly<Bands> = Object.freeze({ green: 100, yellow: 80 });
/** Completeness below which a cell is "incomplete" when the indicator does not say. */
export const DEFAULT_MIN_COMPLETENESS = 0.9;
/**
 * Upper bound of an achievement. A lower-is-better indicator at value 0 is "best" and would
 * otherwise be infinite; any achievement is clamped so no Infinity reaches a scorecard.
 */
export const MAX_ACHIEVEMENT = 1000;
/**
 * Tolerance for band comparisons: value/target×100 computed in floating point can land a hair
 * under a threshold it meets exactly (e.g. 58.33333333333333 vs 58.333333333333336).
 */
const BAND_EPSILON = 1e-9;

export type Band = "green" | "yellow" | "red";
export type CellState = Band | "nodata" | "incomplete" | "notarget";

/**
 * Achievement in percent of target. higher: value/target×100; lower: target/value×100 (value 0 →
 * MAX_ACHIEVEMENT). A target of 0 is met (100) when the value is at or on the right side of 0,
 * missed (0) otherwise. Null when value or target is missing, not finite, or the target negative.
 */
export function achievement(value: number | null | undefined, target: number | null | undefined, direction: Direction = "higher"): number | null {
  if (value == null || target == null || !Number.isFinite(value) || !Number.isFinite(target) || target < 0) return null;
  let a: number;
  if (direction === "lower") {
    if (target === 0) a = value <= 0 ? 100 : 0;
    else if (value <= 0) a = MAX_ACHIEVEMENT;
    else a = (target / value) * 100;
  } else {
    if (target === 0) a = value >= 0 ? 100 : 0;
    else a = (value / target) * 100;
  }
  if (!Number.isFinite(a)) a = a > 0 ? MAX_ACHIEVEMENT : 0;
  return Math.min(MAX_ACHIEVEMENT, Math.max(0, a));
}

/** Effective bands of an indicator (its own override, else the defaults). */
export function bandsOf(indicator: { bands?: Partial<Bands> | undefined }): Bands {
  const b = indicator.bands;
  return {
    green: typeof b?.green === "number" && Number.isFinite(b.green) ? b.green : DEFAULT_BANDS.green,
    yellow: typeof b?.yellow === "number" && Number.isFinite(b.yellow) ? b.yellow : DEFAULT_BANDS.yellow,
  };
}

/** Colour of an achievement: green ≥ bands.green, yellow ≥ bands.yellow, else red. */
export function bandOf(achievementPct: number | null, bands: Bands = DEFAULT_BANDS): Band | null {
  if (achievementPct == null || !Number.isFinite(achievementPct)) return null;
  if (achievementPct >= bands.green - BAND_EPSILON) return "green";
  if (achievementPct >= bands.yellow - BAND_EPSILON) return "yellow";
  return "red";
}

/**
 * The value thresholds that correspond to the bands, for explain panels: the value needed for
 * green and for yellow given the target and direction. Null when the target does not allow it.
 */
export function bandValueThresholds(target: number | null, bands: Bands, direction: Direction = "higher"): { green: number | null; yellow: number | null } {
  if (target == null || !Number.isFinite(target) || target < 0) return { green: null, yellow: null };
  const at = (pct: number): number | null => {
    if (direction === "higher") return (target * pct) / 100;
    if (pct <= 0 || target === 0) return target === 0 ? 0 : null;
    return (target * 100) / pct;
  };
  return { green: at(bands.green), yellow: at(bands.yellow) };
}

/** Inputs of a cell's status. `reported` = unit-periods received for the forms read. */
export interface StatusInput {
  value: number | null;
  target: number | null;
  direction?: Direction;
  bands?: Bands;
  /** 0..1, null when the indicator reads no form (nothing expected). */
  completeness: number | null;
  minCompleteness?: number;
  /** True when no unit reported anything the indicator reads. */
  noData?: boolean;
}

/** Outcome of a cell's status: the state shown, plus band and achievement even when incomplete. */
export interface StatusResult {
  state: CellState;
  achievement: number | null;
  band: Band | null;
}

/**
 * State of a cell. Order matters: nothing reported → nodata (grey, never red); no value (e.g.
 * division by zero) → nodata; completeness under the minimum → incomplete (value, achievement and
 * band still carried so the UI can show them muted); no target → notarget; else the band.
 */
export function cellStatus(input: StatusInput): StatusResult {
  const direction = input.direction ?? "higher";
  const bands = input.bands ?? DEFAULT_BANDS;
  if (input.noData || input.value == null || !Number.isFinite(input.value)) {
    return { state: "nodata", achievement: null, band: null };
  }
  const ach = achievement(input.value, input.target, direction);
  const band = bandOf(ach, bands);
  const min = input.minCompleteness ?? DEFAULT_MIN_COMPLETENESS;
  if (input.completeness != null && input.completeness < min) return { state: "incomplete", achievement: ach, band };
  if (ach == null || band == null) return { state: "notarget", achievement: null, band: null };
  return { state: band, achievement: ach, band };
}

/** Trend of a cell against the previous comparable period. */
export interface Trend {
  /** Movement of the compared quantity. */
  arrow: "up" | "down" | "flat";
  /** What the movement means given the indicator's direction. */
  verdict: "better" | "worse" | "same";
  /** Achievement when both periods have one (targets can change between periods), else value. */
  basis: "achievement" | "value";
  previous: number;
  current: number;
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * Trend of a cell. Compares achievements when both exist, else raw values (direction-aware).
 * Movements invisible at display precision count as flat, so an arrow never contradicts the
 * numbers the user sees. Null when either side has nothing to compare.
 */
export function trendOf(
  current: { value: number | null; achievement: number | null },
  previous: { value: number | null; achievement: number | null } | null | undefined,
  options: { direction?: Direction; decimals?: number } = {},
): Trend | null {
  if (!previous) return null;
  const direction = options.direction ?? "higher";
  let basis: Trend["basis"];
  let cur: number;
  let prev: number;
  let decimals: number;
  if (current.achievement != null && previous.achievement != null) {
    basis = "achievement";
    cur = current.achievement;
    prev = previous.achievement;
    decimals = 1;
  } else if (current.value != null && previous.value != null) {
    basis = "value";
    cur = current.value;
    prev = previous.value;
    decimals = options.decimals ?? 1;
  } else {
    return null;
  }
  if (!Number.isFinite(cur) || !Number.isFinite(prev)) return null;
  const a = roundTo(cur, decimals);
  const b = roundTo(prev, decimals);
  const arrow: Trend["arrow"] = a > b ? "up" : a < b ? "down" : "flat";
  let verdict: Trend["verdict"];
  if (arrow === "flat") verdict = "same";
  else if (basis === "achievement" || direction === "higher") verdict = arrow === "up" ? "better" : "worse";
  else verdict = arrow === "up" ? "worse" : "better";
  return { arrow, verdict, basis, previous: prev, current: cur };
}
