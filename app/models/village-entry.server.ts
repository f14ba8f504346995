/**
 * Reports of Pustu and Posyandu (docs/decisions/035-village-reporting.md): which units an operator
 * enters for (a Puskesmas operator its Puskesmas and the Pustu and Posyandu under it, a village
 * operator its Pustu and the Posyandu under it), why a unit may not report a form for a period
 * (not one of the form's reporting levels, or not a member of its groups during the period), and
 * who answers for a unit's reports (its operators, for notifications and reminders).
 */
import { appliesToGroupsOf, isExpectedReporter, reportingLevelsOf, type Form, type GroupMembership, type Period } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { ENTRY_LEVELS } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import { both, bilingual, message, type LocalizedText, type Message } from "~/i18n/message";
import { isUnitExpected } from "./expected-units.server";

type FormRule = Pick<Form, "key" | "title" | "reportingLevels" | "appliesTo">;

/** "Posyandu" / "Pustu atau Posyandu": a list of levels in both languages. */
export function levelWords(levels: readonly string[]): LocalizedText {
  const words = levels.map((l) => both(`level.${l as OrgLevel}`));
  const or = both("village.levels.or");
  return { id: words.map((w) => w.id).join(or.id), en: words.map((w) => w.en).join(or.en) };
}

/**
 * Why `unit` may not report `form` for `period`, or null when it is expected (the rule of
 * `isUnitExpected`): a unit above the Puskesmas never reports; a unit of another level than the
 * form's; a unit that was not a member of one of the form's groups in any month of the period.
 * `period` must be a valid period (checked before).
 */
export async function notExpectedProblem(
  db: DbOrTrx,
  unit: Pick<OrgUnit, "id" | "level" | "name" | "code">,
  form: FormRule,
  period: Period | string,
): Promise<Message | null> {
  const names = { unit: unit.name, code: unit.code };
  if (!ENTRY_LEVELS.includes(unit.level)) return message("village.refuse.entryLevel", { ...names, level: both(`level.${unit.level}`) });
  if (await isUnitExpected(db, form, unit, period)) return null;
  const formTitle = bilingual(form.title);
  const levels = reportingLevelsOf(form);
  if (!(levels as string[]).includes(unit.level)) {
    return message("village.refuse.level", { ...names, form: formTitle, levels: levelWords(levels), level: both(`level.${unit.level}`) });
  }
  const groups = appliesToGroupsOf(form) ?? [];
  return message("village.refuse.notMember", { ...names, form: formTitle, period: String(period), groups: groups.join(", ") });
}

/** The group memberships (of any owner) of some units: unit id → memberships, for `isExpectedReporter`. */
export async function membershipsOf(db: DbOrTrx, unitIds: readonly number[]): Promise<Map<number, GroupMembership[]>> {
  const out = new Map<number, GroupMembership[]>();
  for (let i = 0; i < unitIds.length; i += 500) {
    const rows = await db
      .selectFrom("org_group_member as m")
      .innerJoin("org_group as g", "g.id", "m.group_id")
      .select(["m.org_unit_id", "g.key", "m.from_month", "m.to_month"])
      .where("m.org_unit_id", "in", unitIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.org_unit_id, [...(out.get(r.org_unit_id) ?? []), { groupKey: r.key, from: r.from_month, to: r.to_month }]);
  }
  return out;
}

/** Whether a unit with these memberships is expected to report `form` for `period` (pure; the same rule as the database's). */
export function expectedWith(
  form: Pick<Form, "reportingLevels" | "appliesTo">,
  unit: Pick<OrgUnit, "level">,
  memberships: readonly GroupMembership[],
  period: string,
) {
  return isExpectedReporter(form, { level: unit.level, memberships }, period);
}

export type EntryUnit = Pick<OrgUnit, "id" | "code" | "name" | "path" | "level" | "parent_id">;

/**
 * The units the operator grants let one enter for, each grant's unit first and then its units
 * below: the Posyandu directly under a Puskesmas, then each Pustu (by name) followed by its
 * Posyandu (by name). A unit under two grants is listed once.
 */
export async function entryUnits(db: DbOrTrx, grants: readonly Grant[]): Promise<EntryUnit[]> {
  if (grants.length === 0) return [];
  const rows = await db
    .selectFrom("org_unit")
    .select(["id", "code", "name", "path", "level", "parent_id"])
    .where("level", "in", [...ENTRY_LEVELS])
    .where((eb) => eb.or(grants.map((g) => eb("path", "like", `${g.orgPath}%`))))
    .execute();
  const children = new Map<number, EntryUnit[]>();
  for (const r of rows) if (r.parent_id !== null) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r]);
  const rank = (u: EntryUnit) => (u.level === "posyandu" ? 0 : 1);
  const out: EntryUnit[] = [];
  const seen = new Set<number>();
  const visit = (u: EntryUnit) => {
    if (seen.has(u.id)) return;
    seen.add(u.id);
    out.push(u);
    const below = [...(children.get(u.id) ?? [])].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
    below.forEach(visit);
  };
  const roots = [...grants].sort((a, b) => a.orgCode.localeCompare(b.orgCode));
  for (const g of roots) {
    const root = rows.find((r) => r.id === g.orgUnitId);
    if (root) visit(root);
  }
  return out;
}

/**
 * The active accounts that answer for the reports of each unit: the Puskesmas operators of the
 * unit's Puskesmas (the unit itself or its ancestor) and, for a Pustu or Posyandu, the village
 * operators of its Pustu. Unit id → account ids (units without any are left out).
 */
export async function reportOperatorsByUnit(db: DbOrTrx, units: ReadonlyArray<Pick<OrgUnit, "id" | "path">>): Promise<Map<number, number[]>> {
  const byUnit = new Map<number, number[]>();
  if (units.length === 0) return byUnit;
  const pathIds = (u: Pick<OrgUnit, "path">) => u.path.split("/").filter(Boolean).map(Number);
  const ancestors = [...new Set(units.flatMap(pathIds))];
  const grants: Array<{ org_unit_id: number; id: number }> = [];
  for (let i = 0; i < ancestors.length; i += 500) {
    grants.push(
      ...(await db
        .selectFrom("role_grant as g")
        .innerJoin("app_user as a", "a.id", "g.user_id")
        .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
        .select(["g.org_unit_id", "a.id"])
        .where("g.org_unit_id", "in", ancestors.slice(i, i + 500))
        .where((eb) =>
          eb.or([
            eb.and([eb("g.role", "=", "puskesmas_operator"), eb("o.level", "=", "puskesmas")]),
            eb.and([eb("g.role", "=", "village_operator"), eb("o.level", "=", "pustu")]),
          ]),
        )
        .where("a.active", "=", 1)
        .execute()),
    );
  }
  for (const u of units) {
    const ids = new Set(pathIds(u));
    const accounts = [...new Set(grants.filter((g) => ids.has(g.org_unit_id)).map((g) => g.id))].sort((a, b) => a - b);
    if (accounts.length > 0) byUnit.set(u.id, accounts);
  }
  return byUnit;
}
