/**
 * Which period a scorecard opens on, and which periods its picker offers (decision 025).
 *
 * The last complete month is often barely reported when a facilitator looks (reports come in
 * during the month after), so a scorecard opened on it is almost all grey. The default is the
 * latest recent period whose reports within the viewer's scope reach a threshold; else the most
 * complete of those periods. A count of expected units per form (per form and period for a form
 * that applies to groups) and one grouped count of reports: no query per unit.
 */
import {
  appliesToGroupsOf,
  isFinerOrEqual,
  monthIndex,
  reportingLevelsOf,
  parsePeriod,
  periodContaining,
  periodEndMonth,
  shiftPeriod,
  type PeriodType,
} from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import { clock } from "~/utils/clock.server";
import { expectedUnitsQuery } from "./expected-units.server";
import { COUNTED } from "./submissions.server";
import { getPublishedPackage } from "./templates.server";

/** A period counts as "reported enough" at this share of the expected reports. */
export const DEFAULT_PERIOD_THRESHOLD = 0.8;
/** How many complete periods back the default looks (six months, six quarters or six years). */
export const DEFAULT_PERIOD_LOOKBACK = 6;
/** How many periods of each type the picker offers, newest first. */
export const PICKER_PERIODS: Record<PeriodType, number> = { month: 24, quarter: 8, year: 4 };

export interface PeriodDefault {
  period: string;
  /** Share of expected reports that came in for `period` (0..1); null when nothing is expected (no Puskesmas, no form). */
  completeness: number | null;
  /**
   * Why this period: "threshold" (the latest with at least the threshold), "mostComplete" (none
   * reached it: the most complete of the recent periods), "none" (no report at all: the last
   * complete period).
   */
  rule: "threshold" | "mostComplete" | "none";
  threshold: number;
  lookback: number;
}

/** The finest period type among the package's forms (a month when any form is monthly, or when there is no form). */
export function finestPeriodType(types: readonly PeriodType[]): PeriodType {
  if (types.length === 0) return "month";
  let finest: PeriodType = "year";
  for (const t of types) if (isFinerOrEqual(t, finest)) finest = t;
  return finest;
}

/** The newest period of `type` that has ended before the month of `now` (UTC). */
export function lastCompletePeriod(type: PeriodType, now: Date): string {
  const current = monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1);
  const containing = periodContaining(current, type);
  // A period still running (it ends in or after this month) is not complete.
  return periodEndMonthIndex(containing) >= current ? shiftPeriod(containing, -1) : containing;
}

function periodEndMonthIndex(period: string): number {
  const p = parsePeriod(period);
  return monthIndex(p.year, periodEndMonth(p));
}

/** The periods the picker offers for the package's forms: per period type, the newest (the running one included) first. */
export function pickerPeriods(types: readonly PeriodType[], now: Date): Array<{ type: PeriodType; periods: string[] }> {
  const current = monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1);
  const order: PeriodType[] = ["month", "quarter", "year"];
  return order
    .filter((t) => types.includes(t))
    .map((type) => {
      const newest = periodContaining(current, type);
      return { type, periods: Array.from({ length: PICKER_PERIODS[type] }, (_, i) => shiftPeriod(newest, -i)) };
    });
}

/** The period types of a published package's forms; empty for an unknown package. */
export async function packagePeriodTypes(packageKey: string, db: DbOrTrx = getDb()): Promise<PeriodType[]> {
  const pkg = await getPublishedPackage(packageKey, undefined, db);
  return [...new Set((pkg?.document.forms ?? []).map((f) => f.periodType))];
}

/**
 * The period a scorecard of `packageKey` opens on for a viewer whose area is the subtrees
 * `paths` (materialised paths of their grants). Completeness of a period = counted reports of
 * the package's forms of the finest period type by units of each form's reporting levels, over
 * the units in the area expected to report those forms for that period (decision 034).
 */
export async function defaultScorecardPeriod(
  packageKey: string,
  paths: readonly string[],
  now: Date = clock.now(),
  db: DbOrTrx = getDb(),
): Promise<PeriodDefault> {
  const pkg = await getPublishedPackage(packageKey, undefined, db);
  const forms = pkg?.document.forms ?? [];
  const type = finestPeriodType(forms.map((f) => f.periodType));
  const last = lastCompletePeriod(type, now);
  const candidates = Array.from({ length: DEFAULT_PERIOD_LOOKBACK }, (_, i) => shiftPeriod(last, -i));
  const base = { threshold: DEFAULT_PERIOD_THRESHOLD, lookback: DEFAULT_PERIOD_LOOKBACK };
  const typed = forms.filter((f) => f.periodType === type);
  const formKeys = typed.map((f) => f.key);
  const national = paths.some((p) => p.split("/").filter(Boolean).length <= 1);
  const under = national ? [] : paths;
  if (formKeys.length === 0) return { ...base, period: last, completeness: null, rule: "none" };

  // Expected per period: for each form, the units in the area expected to report it then — its
  // reporting levels and, when it applies to groups, members during that period (decision 034).
  // One count per form, or per form and period for a form that applies to groups.
  const countExpected = async (form: (typeof typed)[number], period: string): Promise<number> => {
    let n = 0;
    for (const path of under.length > 0 ? under : [undefined]) {
      const q = db.selectFrom(expectedUnitsQuery(db, form, period, path).clearOrderBy().as("e")).select((eb) => eb.fn.countAll<number | string>().as("n"));
      n += Number((await q.executeTakeFirst())?.n ?? 0);
    }
    return n;
  };
  const expectedIn = new Map<string, number>(candidates.map((p) => [p, 0]));
  for (const form of typed) {
    if (appliesToGroupsOf(form)) {
      for (const p of candidates) expectedIn.set(p, expectedIn.get(p)! + (await countExpected(form, p)));
    } else {
      const n = await countExpected(form, last);
      for (const p of candidates) expectedIn.set(p, expectedIn.get(p)! + n);
    }
  }
  if (candidates.every((p) => expectedIn.get(p) === 0)) return { ...base, period: last, completeness: null, rule: "none" };

  // One grouped count over the index (package, form, status, month_index, district): the area as
  // the denormalised province/district columns, deeper grants through the org tree; per level of
  // the reporting unit, so each form counts the reports of its own levels only.
  let reports = db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["s.period", "s.form_key", "o.level", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("s.package_key", "=", packageKey)
    .where("s.form_key", "in", formKeys)
    .where("s.status", "in", [...COUNTED])
    .where("s.month_index", ">=", periodEndMonthIndex(candidates[candidates.length - 1]))
    .where("s.month_index", "<=", periodEndMonthIndex(last))
    .groupBy(["s.period", "s.form_key", "o.level"]);
  if (under.length > 0) {
    reports = reports.where((eb) =>
      eb.or(
        under.map((p) => {
          const ids = p.split("/").filter(Boolean).map(Number);
          if (ids.length === 2) return eb("s.province_id", "=", ids[1]);
          if (ids.length === 3) return eb("s.district_id", "=", ids[2]);
          return eb("s.org_unit_id", "in", eb.selectFrom("org_unit").select("id").where("path", "like", `${p}%`));
        }),
      ),
    );
  }
  const levelsOf = new Map(typed.map((f) => [f.key, reportingLevelsOf(f) as string[]]));
  const counts = new Map<string, number>();
  for (const r of await reports.execute()) {
    if (!levelsOf.get(r.form_key)?.includes(r.level)) continue;
    counts.set(r.period, (counts.get(r.period) ?? 0) + Number(r.n));
  }
  const share = (period: string) => (expectedIn.get(period)! > 0 ? Math.min(1, (counts.get(period) ?? 0) / expectedIn.get(period)!) : 0);
  const enough = candidates.find((p) => share(p) >= DEFAULT_PERIOD_THRESHOLD);
  if (enough) return { ...base, period: enough, completeness: share(enough), rule: "threshold" };
  // Newest first, so the newest of equally complete periods wins.
  const best = candidates.reduce((a, b) => (share(b) > share(a) ? b : a));
  if (share(best) === 0) return { ...base, period: last, completeness: 0, rule: "none" };
  return { ...base, period: best, completeness: share(best), rule: "mostComplete" };
}
