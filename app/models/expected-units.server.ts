/**
 * Who is expected to report a form for a period, asked of the database
 * (docs/decisions/034-who-reports-what.md). The same rule as `isExpectedReporter` in
 * engine/expected.ts: units of the form's reporting levels and, when the form applies to groups,
 * members of one of them (a group of any owner: national, or the unit's own district, since a
 * district group's members lie inside that district) during at least one month of the period.
 */
import { sql, type Expression, type SqlBool } from "kysely";
import { appliesToGroupsOf, periodWindow, reportingLevelsOf, type Form, type Period } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";

type FormRule = Pick<Form, "reportingLevels" | "appliesTo">;

/** Ids of units that were members of one of `groupKeys` during a month of [start, end]. */
export function groupMembersDuringQuery(db: DbOrTrx, groupKeys: readonly string[], start: number, end: number) {
  return db
    .selectFrom("org_group_member as m")
    .innerJoin("org_group as g", "g.id", "m.group_id")
    .select("m.org_unit_id")
    .where("g.key", "in", [...groupKeys])
    .where("m.from_month", "<=", end)
    .where((eb) => eb.or([eb("m.to_month", "is", null), eb("m.to_month", ">=", start)]));
}

/**
 * The units expected to report `form` for `period`, at or below `underPath` (a materialised path
 * such as "/1/4/"; all units when omitted), ordered by code.
 */
export function expectedUnitsQuery(db: DbOrTrx, form: FormRule, period: Period | string, underPath?: string) {
  const levels = reportingLevelsOf(form) as OrgUnit["level"][];
  const groups = appliesToGroupsOf(form);
  let q = db.selectFrom("org_unit").selectAll().where("level", "in", levels);
  if (underPath) q = q.where("path", "like", `${underPath}%`);
  if (groups) {
    const { start, end } = periodWindow(period);
    q = q.where("id", "in", groupMembersDuringQuery(db, groups, start, end));
  }
  return q.orderBy("code");
}

/** The units expected to report `form` for `period` at or below `underPath`. */
export async function expectedUnits(db: DbOrTrx, form: FormRule, period: Period | string, underPath?: string): Promise<OrgUnit[]> {
  return expectedUnitsQuery(db, form, period, underPath).execute();
}

/** Whether one unit is expected to report `form` for `period`. */
export async function isUnitExpected(db: DbOrTrx, form: FormRule, unit: Pick<OrgUnit, "id" | "level">, period: Period | string): Promise<boolean> {
  if (!(reportingLevelsOf(form) as string[]).includes(unit.level)) return false;
  const groups = appliesToGroupsOf(form);
  if (!groups) return true;
  const { start, end } = periodWindow(period);
  const row = await groupMembersDuringQuery(db, groups, start, end).where("m.org_unit_id", "=", unit.id).executeTakeFirst();
  return row !== undefined;
}

/** A where-clause condition "this org_unit id column is a member during [start, end]" for joins. */
export function memberDuring(db: DbOrTrx, column: string, groupKeys: readonly string[], start: number, end: number): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${groupMembersDuringQuery(db, groupKeys, start, end)})`;
}
