/**
 * Who is expected to report a form (docs/decisions/034-who-reports-what.md): units of the form's
 * reporting levels (Puskesmas when the form names none) and, when the form has an "applies to",
 * only those that were members of one of its groups during at least one month of the period.
 * Pure: the org units and memberships are given; app/models/expected-units.server.ts asks the
 * database the same question.
 */
import type { Form } from "./documents";
import { periodWindow, type Period } from "./period";

export const REPORTING_LEVELS = ["puskesmas", "pustu", "posyandu"] as const;
export type ReportingLevel = (typeof REPORTING_LEVELS)[number];

/** The levels whose units fill the form; Puskesmas when the form names none. */
export function reportingLevelsOf(form: Pick<Form, "reportingLevels">): ReportingLevel[] {
  return form.reportingLevels && form.reportingLevels.length > 0 ? [...form.reportingLevels] : ["puskesmas"];
}

/** The group keys a form applies to, or null when every unit of its levels is expected. */
export function appliesToGroupsOf(form: Pick<Form, "appliesTo">): string[] | null {
  return form.appliesTo && form.appliesTo.groups.length > 0 ? [...form.appliesTo.groups] : null;
}

/** One membership of a unit in a group, as month indexes (both inclusive; `to` null = open). */
export interface GroupMembership {
  groupKey: string;
  from: number;
  to: number | null;
}

/** Whether a membership covers at least one month of [start, end]. */
export function membershipOverlaps(m: Pick<GroupMembership, "from" | "to">, start: number, end: number): boolean {
  return m.from <= end && (m.to === null || m.to >= start);
}

/**
 * Whether a unit (its level and its memberships, of any owner) is expected to report `form` for
 * `period`. A unit that joins a group in the middle of a quarter or year is expected for that
 * quarter or year; one that left before the period began is not.
 */
export function isExpectedReporter(
  form: Pick<Form, "reportingLevels" | "appliesTo">,
  unit: { level: string; memberships?: readonly GroupMembership[] },
  period: Period | string,
): boolean {
  if (!(reportingLevelsOf(form) as string[]).includes(unit.level)) return false;
  const groups = appliesToGroupsOf(form);
  if (!groups) return true;
  const { start, end } = periodWindow(period);
  return (unit.memberships ?? []).some((m) => groups.includes(m.groupKey) && membershipOverlaps(m, start, end));
}
