/**
 * Cascading targets: for an indicator and year the nearest scope wins
 * (puskesmas → district → province → national), then the target's period profile gives the value
 * expected for the period being scored.
 */
import type { Target, TargetLevel, TargetProfile, TargetScope } from "./documents";
import { lastQuarterEndingIn, parsePeriod, quarterOfMonth, periodEndMonth, periodLength, type Period } from "./period";

/** One link of an org unit's chain, listed from national down to the unit itself. */
export interface OrgChainLink {
  code: string;
  level: string;
}

/** A target chosen for a cell, with where it came from (for explain). */
export interface ResolvedTarget {
  /** The value expected for the scored period (after the profile). */
  value: number;
  /** The annual value written in the target document. */
  annual: number;
  profile: TargetProfile;
  scope: TargetScope;
  year: number;
  source?: string;
}

const LEVEL_RANK: Readonly<Record<TargetLevel, number>> = { national: 0, province: 1, district: 2, puskesmas: 3 };

function isTargetLevel(level: string): level is TargetLevel {
  return level === "national" || level === "province" || level === "district" || level === "puskesmas";
}

/**
 * Index of targets by indicator and year, built once per package (targets are scanned for every
 * scorecard cell).
 */
export class TargetIndex {
  /** By indicator, then year (no key string built per lookup: two lookups per scorecard cell). */
  private readonly byKey = new Map<string, Map<number, Target[]>>();

  constructor(targets: readonly Target[]) {
    for (const t of targets) {
      let byYear = this.byKey.get(t.indicator);
      if (!byYear) this.byKey.set(t.indicator, (byYear = new Map()));
      const list = byYear.get(t.year);
      if (list) list.push(t);
      else byYear.set(t.year, [t]);
    }
  }

  /** All targets of an indicator in a year, in document order. */
  candidates(indicator: string, year: number): readonly Target[] {
    return this.byKey.get(indicator)?.get(year) ?? NONE;
  }
}

const NONE: readonly Target[] = Object.freeze([]);

const indexCache = new WeakMap<readonly Target[], TargetIndex>();

function indexOf(targets: readonly Target[] | TargetIndex): TargetIndex {
  if (targets instanceof TargetIndex) return targets;
  let idx = indexCache.get(targets);
  if (!idx) {
    idx = new TargetIndex(targets);
    indexCache.set(targets, idx);
  }
  return idx;
}

/**
 * The target document that applies to an org unit: the one whose scope is deepest in the unit's
 * chain. `chain` lists {code, level} from national down to the unit; a national target applies to
 * every chain. A scope must match both code and level of a link. When two targets share a scope,
 * the later one wins (an overlay's setTarget is appended after the national ones).
 */
export function resolveTargetDocument(
  targets: readonly Target[] | TargetIndex,
  indicator: string,
  year: number,
  chain: readonly OrgChainLink[],
): Target | null {
  let best: Target | null = null;
  let bestRank = -1;
  for (const t of indexOf(targets).candidates(indicator, year)) {
    const scope = t.scope;
    if (!scope || !isTargetLevel(scope.level)) continue;
    let rank = -1;
    if (scope.level === "national") rank = 0;
    else if (chain.some((l) => l.level === scope.level && l.code === scope.org)) rank = LEVEL_RANK[scope.level];
    if (rank >= 0 && rank >= bestRank) {
      best = t;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * The value a target expects for a window of `monthsInPeriod` months ending in month `endMonth`
 * (1..12; with `ytd` the window is January..endMonth):
 * flat → value; linear-cumulative → value × m/12 (ytd) or value × monthsInPeriod/12;
 * monthly → values[m-1]; quarterly → values[quarter of m], except for an indicator that reads
 * quarterly reports (`quarterlyData`): then the value of the last quarter that ends inside the
 * window, the quarter its data runs to (Q3 for January–October, Q4 for December), and null when
 * no quarter ends in it (January–February, November alone) — the same rule that decides which
 * quarterly reports a window reads (periodsInWindow).
 * Null when a profile lacks the value.
 */
export function profileValue(
  target: Pick<Target, "value" | "profile">,
  when: { endMonth: number; monthsInPeriod: number; ytd: boolean; quarterlyData?: boolean },
): number | null {
  const profile = target.profile ?? { type: "flat" };
  let v: number | undefined;
  switch (profile.type) {
    case "flat":
      v = target.value;
      break;
    case "linear-cumulative":
      v = (target.value * (when.ytd ? when.endMonth : when.monthsInPeriod)) / 12;
      break;
    case "quarterly": {
      let q: number | null = quarterOfMonth(when.endMonth);
      if (when.quarterlyData) q = lastQuarterEndingIn(when.ytd ? 1 : when.endMonth - when.monthsInPeriod + 1, when.endMonth);
      v = q === null ? undefined : profile.values?.[q - 1];
      break;
    }
    case "monthly":
      v = profile.values?.[when.endMonth - 1];
      break;
    default:
      v = undefined;
  }
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Parsed periods by string: a scorecard asks for the same one or two periods for every cell (read-only results). */
const PARSED = new Map<string, Readonly<Period>>();
function parsedPeriod(period: string): Period {
  let p = PARSED.get(period);
  if (!p) {
    p = parsePeriod(period);
    if (PARSED.size >= 256) PARSED.clear();
    PARSED.set(period, p);
  }
  return p as Period;
}

/**
 * The effective target of an indicator for a period as seen by an org unit, with its source
 * scope; null when no target applies. `quarterlyData`: the indicator reads quarterly reports, so
 * a quarterly profile is read at the last quarter ending in the window (see profileValue).
 */
export function targetForPeriod(
  targets: readonly Target[] | TargetIndex,
  indicator: string,
  period: Period | string,
  options: { ytd?: boolean; chain: readonly OrgChainLink[]; quarterlyData?: boolean },
): ResolvedTarget | null {
  const p = typeof period === "string" ? parsedPeriod(period) : period;
  const doc = resolveTargetDocument(targets, indicator, p.year, options.chain);
  if (!doc) return null;
  const ytd = Boolean(options.ytd) && p.type !== "year";
  const value = profileValue(doc, {
    endMonth: periodEndMonth(p),
    monthsInPeriod: ytd ? periodEndMonth(p) : periodLength(p),
    ytd,
    quarterlyData: Boolean(options.quarterlyData),
  });
  if (value === null) return null;
  const resolved: ResolvedTarget = {
    value,
    annual: doc.value,
    profile: doc.profile ?? { type: "flat" },
    scope: doc.scope,
    year: doc.year,
  };
  if (doc.source !== undefined) resolved.source = doc.source;
  return resolved;
}

/** Short Bahasa Indonesia description of a target scope, for explain panels. */
export function describeScope(scope: TargetScope, locale: "id" | "en" = "id"): string {
  const en = locale === "en";
  switch (scope.level) {
    case "national":
      return en ? "national" : "nasional";
    case "province":
      return `${en ? "province" : "provinsi"} ${scope.org}`;
    case "district":
      return `${en ? "district" : "kabupaten/kota"} ${scope.org}`;
    case "puskesmas":
      return `puskesmas ${scope.org}`;
  }
}
