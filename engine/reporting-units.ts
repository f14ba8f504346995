/**
 * Which unit-periods a scorecard counts (docs/decisions/034-who-reports-what.md), shared by the
 * fact providers: the expected rule of engine/expected.ts applied to a plan's form reporters, and
 * the org-group filter of a request (a unit counts when it, its Pustu or its Puskesmas was a
 * member of a group with the filter's key during the period).
 */
import { membershipOverlaps, REPORTING_LEVELS, type GroupMembership } from "./expected";
import type { FormReporters } from "./facts";
import type { MonthWindow } from "./period";

/** Levels whose rows are village rows: each such row counts its own reports only. */
export const VILLAGE_LEVELS: readonly string[] = ["pustu", "posyandu"];

export function isVillageLevel(level: string): boolean {
  return VILLAGE_LEVELS.includes(level);
}

/** Whether a level reports at all (Puskesmas, Pustu, Posyandu); the org-group filter looks at these ancestors. */
export function isReportingLevel(level: string): boolean {
  return (REPORTING_LEVELS as readonly string[]).includes(level);
}

/** A reporting unit as the counting rules need it. */
export interface CountingUnit {
  level: string;
  /** The unit's own memberships (the form's "applies to" reads these). */
  memberships: readonly GroupMembership[];
  /** Memberships of the unit and of its ancestors at a reporting level (its Pustu, its Puskesmas). */
  lineage: readonly GroupMembership[];
}

/** Whether a unit-period passes the org-group filter (always, without one). */
export function passesOrgGroup(unit: Pick<CountingUnit, "lineage">, orgGroup: string | null, start: number, end: number): boolean {
  if (orgGroup === null) return true;
  return unit.lineage.some((m) => m.groupKey === orgGroup && membershipOverlaps(m, start, end));
}

/**
 * Of `keys`, those the unit is "in" for months [start, end]: it or one of its ancestors at a
 * reporting level was a member of a group with the key during at least one of those months
 * (in_group in formulas, docs/decisions/039-groups-in-formulas.md). Keys keep their order.
 */
export function groupsInWindow(unit: Pick<CountingUnit, "lineage">, keys: readonly string[], start: number, end: number): string[] {
  return keys.filter((key) => unit.lineage.some((m) => m.groupKey === key && membershipOverlaps(m, start, end)));
}

/** Whether a unit reports a form at all (its level is one of the form's). */
export function reportsForm(reporters: FormReporters, level: string): boolean {
  return (reporters.levels as string[]).includes(level);
}

/**
 * Whether a unit is expected to report the form for the period spanning months [start, end]
 * (periodWindow), the org-group filter included: `isExpectedReporter` of engine/expected.ts on a
 * plan's reporters, with the period already turned into months (providers call this per unit and
 * period).
 */
export function expectedFor(reporters: FormReporters, unit: CountingUnit, months: MonthWindow, orgGroup: string | null): boolean {
  if (!reportsForm(reporters, unit.level)) return false;
  const groups = reporters.groups;
  if (groups && !unit.memberships.some((m) => groups.includes(m.groupKey) && membershipOverlaps(m, months.start, months.end))) return false;
  return passesOrgGroup(unit, orgGroup, months.start, months.end);
}

/** Whether a unit's report for the period [start, end] counts: its level reports the form and it passes the filter. */
export function countsFor(reporters: FormReporters, unit: CountingUnit, months: MonthWindow, orgGroup: string | null): boolean {
  return reportsForm(reporters, unit.level) && passesOrgGroup(unit, orgGroup, months.start, months.end);
}
