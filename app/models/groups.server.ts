/**
 * Org-unit groups (docs/decisions/033-org-unit-groups.md): named sets of units owned by the
 * national unit or a district, with each unit's membership over ranges of months (month indexes,
 * from and to inclusive, to null = open-ended). A unit's ranges in one group never overlap; members
 * lie inside the owner's area, below it. Who reads and who changes is the policy's
 * (`mayReadGroup`, `mayManageGroup`, `groupOwners`, `groupMemberScope`).
 *
 * Every change runs in one transaction that first bumps the group's revision (checked against the
 * one the page showed, when it showed one): the row lock serialises writers of one group, so the
 * overlap check cannot race another writer, and a stale page gets 409 with its input kept. The
 * audit row is written in the same transaction. A CSV import is checked whole and stored whole, or
 * not at all.
 *
 * `groupMembersAt` / `groupMembersAtQuery` answer "members of group G in month M" for the features
 * that will use groups (forms' "applies to", scorecard filters, formulas).
 */
import { monthIndex, monthPeriodOf } from "@engine";
import { forbidden, notFound } from "~/auth/guards.server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { groupMemberScope, groupOwners, mayManageGroup, mayReadGroup } from "~/auth/policy.server";
import type { Grant, SessionUser } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { both, say, type LocalizedText, type MessageParams, type Reader } from "~/i18n/message";
import { clock } from "~/utils/clock.server";
import { MAX_GROUP_IMPORT_ROWS } from "~/utils/limits";
import { parseRow, readCsv } from "./import-file.server";

export const GROUP_KEY_PATTERN = /^[a-z0-9_]{1,64}$/;
export const MAX_GROUP_NAME_CHARS = 200;
export const MAX_GROUP_DESCRIPTION_CHARS = 1000;
const IMPORT_HEADER = ["unit_code", "from", "to"] as const;

type Actor = Pick<SessionUser, "id" | "grants" | "locale">;

/** "2025-07" → its month index; null for anything else (or outside 2000-01 … 2100-12). */
export function parseMonth(text: string): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (year < 2000 || year > 2100 || month < 1 || month > 12) return null;
  return monthIndex(year, month);
}

/** The month index of the clock's current month (UTC). */
export function currentMonth(): number {
  const now = clock.now();
  return monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1);
}

/** "2025-01 s.d. 2025-06" / "2025-07 onwards", in both languages. */
export function periodText(from: number, to: number | null): LocalizedText {
  return to === null ? both("groups.periodOpen", { from: monthPeriodOf(from) }) : both("groups.period", { from: monthPeriodOf(from), to: monthPeriodOf(to) });
}

interface Range {
  from: number;
  to: number | null;
}
const overlaps = (a: Range, b: Range) => a.from <= (b.to ?? Infinity) && b.from <= (a.to ?? Infinity);

// ---------------------------------------------------------------------------------------------
// Members in a month: for the features that use groups

/**
 * The org-unit ids that are members of the group `groupKey` owned by `ownerOrgUnitId` in `month`
 * (a month index): a sub-query to put in `where("org_unit_id", "in", …)`. One row per unit, since a
 * unit's ranges in a group never overlap.
 */
export function groupMembersAtQuery(db: DbOrTrx, groupKey: string, ownerOrgUnitId: number, month: number) {
  return db
    .selectFrom("org_group_member as m")
    .innerJoin("org_group as g", "g.id", "m.group_id")
    .select("m.org_unit_id")
    .where("g.key", "=", groupKey)
    .where("g.owner_org_unit_id", "=", ownerOrgUnitId)
    .where("m.from_month", "<=", month)
    .where((eb) => eb.or([eb("m.to_month", "is", null), eb("m.to_month", ">=", month)]));
}

/** The members (org-unit ids, ascending) of the group `groupKey` owned by `ownerOrgUnitId` in `month`; none for an unknown group. */
export async function groupMembersAt(db: DbOrTrx, groupKey: string, ownerOrgUnitId: number, month: number): Promise<number[]> {
  const rows = await groupMembersAtQuery(db, groupKey, ownerOrgUnitId, month).orderBy("m.org_unit_id").execute();
  return rows.map((r) => r.org_unit_id);
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export type GroupFailure = { ok: false; status: number; message: string; field?: string };
export type GroupOutcome = { ok: true; message: string; id: number } | GroupFailure;

/** A refusal thrown inside a transaction, so nothing of it is kept. */
class Refused extends Error {
  constructor(readonly failure: GroupFailure) {
    super(failure.message);
  }
}

function refusal(reader: Reader, status: number, key: MessageKey, params?: MessageParams, field?: string): GroupFailure {
  return { ok: false, status, message: say(reader, key, params), ...(field ? { field } : {}) };
}

async function refusing<T>(work: () => Promise<T>): Promise<T | GroupFailure> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Refused) return e.failure;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Groups

interface GroupRow {
  id: number;
  key: string;
  name: string;
  name_en: string | null;
  description: string | null;
  revision: number;
  owner: Pick<OrgUnit, "id" | "code" | "name" | "level" | "path">;
}

async function loadGroup(db: DbOrTrx, id: number): Promise<GroupRow | undefined> {
  const row = await db
    .selectFrom("org_group as g")
    .innerJoin("org_unit as o", "o.id", "g.owner_org_unit_id")
    .select(["g.id", "g.key", "g.name", "g.name_en", "g.description", "g.revision", "o.id as owner_id", "o.code", "o.name as owner_name", "o.level", "o.path"])
    .where("g.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { owner_id, code, owner_name, level, path, ...group } = row;
  return { ...group, owner: { id: owner_id, code, name: owner_name, level, path } };
}

/** A group's name in the reader's language (English falls back to Indonesian). */
function groupName(reader: Reader, g: { name: string; name_en: string | null }): string {
  return typeof reader === "object" && reader?.locale === "en" && g.name_en ? g.name_en : g.name;
}

const bilingualName = (g: { name: string; name_en: string | null }): LocalizedText => ({ id: g.name, en: g.name_en || g.name });

function pathFilter(scope: readonly Grant[]) {
  // A root at the national unit (path "/n/") holds everything: no filter at all.
  return scope.some((g) => g.orgLevel === "national") ? null : scope.map((g) => `${g.orgPath}%`);
}

/** The groups `user` may read with their members in the user's area this month, and the owners they may create groups for. */
export async function listGroups(user: SessionUser, db = getDb()) {
  const month = currentMonth();
  const rows = await db
    .selectFrom("org_group as g")
    .innerJoin("org_unit as o", "o.id", "g.owner_org_unit_id")
    .select(["g.id", "g.key", "g.name", "g.name_en", "o.id as owner_id", "o.name as owner_name", "o.level", "o.path"])
    .orderBy("o.path")
    .orderBy("g.name")
    .execute();
  const visible = rows.filter((r) => mayReadGroup(user, { level: r.level, path: r.path }));
  const counts = new Map<number, number>();
  if (visible.length > 0) {
    const like = pathFilter(groupMemberScope(user));
    let q = db
      .selectFrom("org_group_member as m")
      .innerJoin("org_unit as u", "u.id", "m.org_unit_id")
      .select(["m.group_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where(
        "m.group_id",
        "in",
        visible.map((r) => r.id),
      )
      .where("m.from_month", "<=", month)
      .where((eb) => eb.or([eb("m.to_month", "is", null), eb("m.to_month", ">=", month)]));
    if (like) q = q.where((eb) => eb.or(like.map((p) => eb("u.path", "like", p))));
    for (const r of await q.groupBy("m.group_id").execute()) counts.set(r.group_id, Number(r.n));
  }
  return {
    month: monthPeriodOf(month),
    groups: visible.map((r) => ({
      id: r.id,
      key: r.key,
      name: groupName(user, r),
      owner: r.owner_name,
      ownerLevel: r.level,
      members: counts.get(r.id) ?? 0,
      canEdit: mayManageGroup(user, { id: r.owner_id, level: r.level }) !== undefined,
    })),
    owners: groupOwners(user).map((g) => ({ id: g.orgUnitId, name: g.orgName, level: g.orgLevel })),
  };
}

export interface GroupFields {
  name: string;
  nameEn: string;
  description: string;
}

function checkFields(reader: Reader, f: GroupFields): GroupFailure | null {
  if (!f.name.trim() || f.name.trim().length > MAX_GROUP_NAME_CHARS) return refusal(reader, 400, "groups.error.name", undefined, "name");
  if (f.nameEn.trim().length > MAX_GROUP_NAME_CHARS) return refusal(reader, 400, "groups.error.nameEn", undefined, "nameEn");
  if (f.description.trim().length > MAX_GROUP_DESCRIPTION_CHARS) return refusal(reader, 400, "groups.error.description", undefined, "description");
  return null;
}

const fieldValues = (f: GroupFields) => ({ name: f.name.trim(), name_en: f.nameEn.trim() || null, description: f.description.trim() || null });

/** Creates a group owned by `ownerOrgUnitId`: the national unit for the national admin, a district for its admin. */
export async function createGroup(input: GroupFields & { user: Actor; ownerOrgUnitId: number; key: string; ip?: string | null }): Promise<GroupOutcome> {
  const { user } = input;
  const owners = groupOwners(user);
  const owner = owners.find((g) => g.orgUnitId === input.ownerOrgUnitId);
  if (!owner) {
    const unit = await getDb().selectFrom("org_unit").select("name").where("id", "=", input.ownerOrgUnitId).executeTakeFirst();
    return unit
      ? refusal(user, 403, "groups.error.ownerNotAllowed", { owner: unit.name }, "owner")
      : refusal(user, owners.length ? 400 : 403, "groups.error.ownerUnknown", undefined, "owner");
  }
  const key = input.key.trim();
  if (!GROUP_KEY_PATTERN.test(key)) return refusal(user, 400, "groups.error.key", undefined, "key");
  const bad = checkFields(user, input);
  if (bad) return bad;
  return refusing(() =>
    getDb()
      .transaction()
      .execute(async (trx) => {
        const taken = await trx.selectFrom("org_group").select("id").where("owner_org_unit_id", "=", owner.orgUnitId).where("key", "=", key).executeTakeFirst();
        if (taken) throw new Refused(refusal(user, 409, "groups.error.keyTaken", { owner: owner.orgName, key }, "key"));
        const now = nowIso();
        const values = { key, ...fieldValues(input), owner_org_unit_id: owner.orgUnitId, created_by: user.id, created_at: now, updated_at: now };
        const { id } = await trx.insertInto("org_group").values(values).returning("id").executeTakeFirstOrThrow();
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "group.create",
          entityType: "org_group",
          entityId: id,
          orgUnitId: owner.orgUnitId,
          after: values,
          ip: input.ip,
        });
        return { ok: true as const, id, message: say(user, "groups.created", { name: values.name }) };
      }),
  );
}

/** A group and its members inside the reader's area; 404 for an unknown group, 403 for one the reader may not read. */
export async function groupDetails(user: SessionUser, id: number, db = getDb()) {
  const group = await loadGroup(db, id);
  if (!group) throw notFound(user, "groups.error.notFound");
  if (!mayReadGroup(user, group.owner)) throw forbidden(user, "groups.error.forbiddenRead");
  const month = currentMonth();
  const like = pathFilter(groupMemberScope(user));
  let q = db
    .selectFrom("org_group_member as m")
    .innerJoin("org_unit as u", "u.id", "m.org_unit_id")
    .select(["m.id", "m.from_month", "m.to_month", "u.code", "u.name", "u.level"])
    .where("m.group_id", "=", id);
  if (like) q = q.where((eb) => eb.or(like.map((p) => eb("u.path", "like", p))));
  const members = await q.orderBy("u.name").orderBy("m.from_month").execute();
  return {
    group: { id: group.id, key: group.key, name: group.name, nameEn: group.name_en ?? "", description: group.description ?? "", revision: group.revision },
    title: groupName(user, group),
    owner: { name: group.owner.name, level: group.owner.level as OrgLevel },
    canEdit: mayManageGroup(user, group.owner) !== undefined,
    // A national group read from a district or province: only that area's members are listed.
    partial: like !== null && group.owner.level === "national",
    month: monthPeriodOf(month),
    members: members.map((m) => ({
      id: m.id,
      code: m.code,
      name: m.name,
      level: m.level,
      from: monthPeriodOf(m.from_month),
      to: m.to_month === null ? null : monthPeriodOf(m.to_month),
      state: m.from_month > month ? ("future" as const) : m.to_month !== null && m.to_month < month ? ("ended" as const) : ("active" as const),
    })),
  };
}

/**
 * Runs a change of group `id` in one transaction: the group loaded, the user's right to manage it
 * checked, its revision bumped (only from `revision` when given: 409 otherwise), then `work`.
 */
async function changeGroup<T>(
  user: Actor,
  id: number,
  revision: number | null,
  work: (trx: DbOrTrx, group: GroupRow) => Promise<T>,
): Promise<T | GroupFailure> {
  return refusing(() =>
    getDb()
      .transaction()
      .execute(async (trx) => {
        const group = await loadGroup(trx, id);
        if (!group) throw new Refused(refusal(user, 404, "groups.error.notFound"));
        if (!mayManageGroup(user, group.owner)) {
          throw new Refused(
            mayReadGroup(user, group.owner)
              ? refusal(user, 403, "groups.error.readOnly", { name: bilingualName(group), owner: group.owner.name })
              : refusal(user, 403, "groups.error.forbiddenRead"),
          );
        }
        let bump = trx
          .updateTable("org_group")
          .set((eb) => ({ revision: eb("revision", "+", 1), updated_at: nowIso() }))
          .where("id", "=", id);
        if (revision !== null) bump = bump.where("revision", "=", revision);
        const bumped = await bump.executeTakeFirst();
        if (Number(bumped.numUpdatedRows) !== 1) throw new Refused(refusal(user, 409, "groups.error.stale"));
        return work(trx, group);
      }),
  );
}

/** Renames a group and changes its description (optimistic revision). */
export async function updateGroup(input: GroupFields & { user: Actor; id: number; revision: number; ip?: string | null }): Promise<GroupOutcome> {
  const { user } = input;
  const bad = checkFields(user, input);
  if (bad) return bad;
  return changeGroup(user, input.id, input.revision, async (trx, group) => {
    const values = fieldValues(input);
    await trx.updateTable("org_group").set(values).where("id", "=", group.id).execute();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "group.update",
      entityType: "org_group",
      entityId: group.id,
      orgUnitId: group.owner.id,
      before: { name: group.name, name_en: group.name_en, description: group.description },
      after: values,
      ip: input.ip,
    });
    return { ok: true as const, id: group.id, message: say(user, "groups.renamed", { name: values.name }) };
  });
}

// ---------------------------------------------------------------------------------------------
// Members

/** One problem of one member row: where (CSV row and column; row 0 = the whole file) and what, in both languages. */
export interface MemberProblem {
  row: number;
  column: (typeof IMPORT_HEADER)[number] | null;
  message: string;
  messageEn: string;
}

interface MemberInput {
  row: number;
  unitCode: string;
  from: string;
  to: string;
}

interface CheckedMember {
  row: number;
  unit: Pick<OrgUnit, "id" | "code" | "name">;
  from: number;
  to: number | null;
}

const problem = (row: number, column: MemberProblem["column"], key: MessageKey, params?: MessageParams): MemberProblem => ({
  row,
  column,
  message: say("id", key, params),
  messageEn: say("en", key, params),
});

/**
 * Checks member rows against the owner's area, the months, each other and the group's stored
 * memberships (except `ignoreMemberId`, the row being changed). Reads only.
 */
async function checkMembers(
  trx: DbOrTrx,
  group: GroupRow,
  inputs: readonly MemberInput[],
  ignoreMemberId: number | null = null,
): Promise<{ members: CheckedMember[]; problems: MemberProblem[] }> {
  const problems: MemberProblem[] = [];
  const codes = [...new Set(inputs.map((i) => i.unitCode.trim()).filter((c) => c !== ""))];
  const units = new Map<string, Pick<OrgUnit, "id" | "code" | "name" | "level" | "path">>();
  for (let i = 0; i < codes.length; i += 500) {
    const rows = await trx
      .selectFrom("org_unit")
      .select(["id", "code", "name", "level", "path"])
      .where("code", "in", codes.slice(i, i + 500))
      .execute();
    for (const u of rows) units.set(u.code, u);
  }
  // By unit, so 10,000 rows against 10,000 stored memberships stay linear.
  const stored = new Map<number, Array<{ id: number; from_month: number; to_month: number | null }>>();
  for (const s of await trx.selectFrom("org_group_member").select(["id", "org_unit_id", "from_month", "to_month"]).where("group_id", "=", group.id).execute()) {
    stored.set(s.org_unit_id, [...(stored.get(s.org_unit_id) ?? []), s]);
  }
  const checked = new Map<number, CheckedMember[]>();
  const members: CheckedMember[] = [];
  for (const input of inputs) {
    const code = input.unitCode.trim();
    const unit = units.get(code);
    const before = problems.length;
    if (!code) problems.push(problem(input.row, "unit_code", "groups.error.unitMissing"));
    else if (!unit) problems.push(problem(input.row, "unit_code", "groups.error.unitUnknown", { code }));
    else if (!unit.path.startsWith(group.owner.path))
      problems.push(problem(input.row, "unit_code", "groups.error.unitOutside", { unit: unit.name, owner: group.owner.name }));
    else if (unit.id === group.owner.id)
      problems.push(
        problem(input.row, "unit_code", "groups.error.unitLevel", {
          unit: unit.name,
          level: both(`level.${unit.level}` as MessageKey),
          owner: group.owner.name,
        }),
      );
    const from = parseMonth(input.from);
    if (!input.from.trim()) problems.push(problem(input.row, "from", "groups.error.monthMissing"));
    else if (from === null) problems.push(problem(input.row, "from", "groups.error.month", { value: input.from.trim().slice(0, 20) }));
    const to = input.to.trim() ? parseMonth(input.to) : null;
    if (input.to.trim() && to === null) problems.push(problem(input.row, "to", "groups.error.month", { value: input.to.trim().slice(0, 20) }));
    else if (to !== null && from !== null && to < from)
      problems.push(problem(input.row, "to", "groups.error.toBeforeFrom", { from: monthPeriodOf(from), to: monthPeriodOf(to) }));
    if (problems.length > before || !unit || from === null) continue;
    const range = { from, to };
    const clash = stored.get(unit.id)?.find((s) => s.id !== ignoreMemberId && overlaps(range, { from: s.from_month, to: s.to_month }));
    if (clash) {
      problems.push(
        problem(input.row, "from", "groups.error.overlap", {
          unit: unit.name,
          existing: periodText(clash.from_month, clash.to_month),
          period: periodText(from, to),
        }),
      );
      continue;
    }
    const twin = checked.get(unit.id)?.find((m) => overlaps(range, m));
    if (twin) {
      problems.push(
        problem(input.row, "from", "groups.error.overlapInFile", {
          unit: unit.name,
          other: twin.row,
          existing: periodText(twin.from, twin.to),
          period: periodText(from, to),
        }),
      );
      continue;
    }
    const member = { row: input.row, unit, from, to };
    members.push(member);
    checked.set(unit.id, [...(checked.get(unit.id) ?? []), member]);
  }
  return { members, problems };
}

type MemberChange = { user: Actor; id: number; revision: number; ip?: string | null };

/** Adds one membership (unit code, from month, optional to month). */
export async function addMember(input: MemberChange & { unitCode: string; from: string; to: string }): Promise<GroupOutcome> {
  const { user } = input;
  return changeGroup(user, input.id, input.revision, async (trx, group) => {
    const { members, problems } = await checkMembers(trx, group, [{ row: 1, unitCode: input.unitCode, from: input.from, to: input.to }]);
    if (problems.length > 0) {
      const p = problems[0];
      throw new Refused({
        ok: false,
        status: 400,
        message: user.locale === "en" ? p.messageEn : p.message,
        field: p.column === "unit_code" ? "unit" : (p.column ?? undefined),
      });
    }
    const m = members[0];
    const { id } = await trx
      .insertInto("org_group_member")
      .values({ group_id: group.id, org_unit_id: m.unit.id, from_month: m.from, to_month: m.to, created_by: user.id, created_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "group.member.add",
      entityType: "org_group",
      entityId: group.id,
      orgUnitId: m.unit.id,
      after: { member_id: id, unit: m.unit.code, from: monthPeriodOf(m.from), to: m.to === null ? null : monthPeriodOf(m.to) },
      ip: input.ip,
    });
    return { ok: true as const, id: group.id, message: say(user, "groups.added", { unit: m.unit.name, from: monthPeriodOf(m.from) }) };
  });
}

async function loadMember(trx: DbOrTrx, groupId: number, memberId: number) {
  return trx
    .selectFrom("org_group_member as m")
    .innerJoin("org_unit as u", "u.id", "m.org_unit_id")
    .select(["m.id", "m.from_month", "m.to_month", "u.id as unit_id", "u.code", "u.name"])
    .where("m.id", "=", memberId)
    .where("m.group_id", "=", groupId)
    .executeTakeFirst();
}

/** Ends a membership in month `to` (inclusive); also corrects an end month set before. */
export async function endMember(input: MemberChange & { memberId: number; to: string }): Promise<GroupOutcome> {
  const { user } = input;
  return changeGroup(user, input.id, input.revision, async (trx, group) => {
    const member = await loadMember(trx, group.id, input.memberId);
    if (!member) throw new Refused(refusal(user, 404, "groups.error.memberUnknown"));
    if (!input.to.trim()) throw new Refused(refusal(user, 400, "groups.error.month", { value: "" }, "to"));
    const { problems, members } = await checkMembers(
      trx,
      group,
      [{ row: 1, unitCode: member.code, from: monthPeriodOf(member.from_month), to: input.to }],
      member.id,
    );
    if (problems.length > 0) {
      const p = problems[0];
      throw new Refused({ ok: false, status: 400, message: user.locale === "en" ? p.messageEn : p.message, field: "to" });
    }
    const to = members[0].to;
    await trx.updateTable("org_group_member").set({ to_month: to }).where("id", "=", member.id).execute();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "group.member.end",
      entityType: "org_group",
      entityId: group.id,
      orgUnitId: member.unit_id,
      before: { member_id: member.id, unit: member.code, to: member.to_month === null ? null : monthPeriodOf(member.to_month) },
      after: { member_id: member.id, unit: member.code, to: to === null ? null : monthPeriodOf(to) },
      ip: input.ip,
    });
    return { ok: true as const, id: group.id, message: say(user, "groups.ended", { unit: member.name, to: to === null ? "" : monthPeriodOf(to) }) };
  });
}

/** Removes a membership entered by mistake (the audit row keeps what it was). */
export async function removeMember(input: MemberChange & { memberId: number }): Promise<GroupOutcome> {
  const { user } = input;
  return changeGroup(user, input.id, input.revision, async (trx, group) => {
    const member = await loadMember(trx, group.id, input.memberId);
    if (!member) throw new Refused(refusal(user, 404, "groups.error.memberUnknown"));
    await trx.deleteFrom("org_group_member").where("id", "=", member.id).execute();
    const before = {
      member_id: member.id,
      unit: member.code,
      from: monthPeriodOf(member.from_month),
      to: member.to_month === null ? null : monthPeriodOf(member.to_month),
    };
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "group.member.remove",
      entityType: "org_group",
      entityId: group.id,
      orgUnitId: member.unit_id,
      before,
      ip: input.ip,
    });
    return {
      ok: true as const,
      id: group.id,
      message: say(user, "groups.removed", { unit: member.name, period: periodText(member.from_month, member.to_month) }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV import of members

export type ImportOutcome = { ok: true; message: string; added: number } | (GroupFailure & { problems: MemberProblem[] });

/** Whether `user` may change group `id`: checked before an upload's body is read, so a refusal costs no buffering. */
export async function groupChangeRefusal(user: Actor, id: number): Promise<GroupFailure | null> {
  const group = await loadGroup(getDb(), id);
  if (!group) return refusal(user, 404, "groups.error.notFound");
  if (mayManageGroup(user, group.owner)) return null;
  return mayReadGroup(user, group.owner)
    ? refusal(user, 403, "groups.error.readOnly", { name: bilingualName(group), owner: group.owner.name })
    : refusal(user, 403, "groups.error.forbiddenRead");
}

/**
 * Imports members from a CSV (`unit_code,from,to`): every row checked (units, months, overlaps
 * with each other and with stored memberships) and every problem listed; stored in one
 * transaction only when there is none. `revision` null (the CLI) takes the group as it is.
 */
export async function importMembers(input: {
  user: Actor;
  id: number;
  revision: number | null;
  bytes: Uint8Array;
  ip?: string | null;
}): Promise<ImportOutcome> {
  const { user } = input;
  const failed = (status: number, problems: MemberProblem[]): ImportOutcome => ({
    ok: false,
    status,
    message: say(user, "groups.import.refused", { count: problems.length }),
    problems,
  });
  const readIn = (locale: "id" | "en") =>
    readCsv(input.bytes, {
      locale,
      checkHeader: async (header) => {
        const names = header.map((h) => h.toLowerCase());
        return names.length === IMPORT_HEADER.length && IMPORT_HEADER.every((c, i) => names[i] === c)
          ? null
          : say(locale, "groups.error.header", { header: header.join(",").slice(0, 200) });
      },
    });
  const read = await readIn("id");
  if (!read.ok) {
    // The reader renders one language; a refused file (at most 1 MB) is read again for the other.
    const en = await readIn("en");
    return failed(400, [{ row: read.wrongForm ? 1 : 0, column: null, message: read.message, messageEn: en.ok ? read.message : en.message }]);
  }
  const rows = read.file.rows.map(parseRow);
  if (rows.length > MAX_GROUP_IMPORT_ROWS) {
    return failed(413, [problem(0, null, "groups.error.tooManyRows", { count: rows.length, max: MAX_GROUP_IMPORT_ROWS })]);
  }
  if (rows.length === 0) return failed(400, [problem(0, null, "groups.error.noRows")]);
  const inputs = rows.map(({ row, cells }) => ({ row, unitCode: cells[0] ?? "", from: cells[1] ?? "", to: cells[2] ?? "" }));
  const outcome = await changeGroup(user, input.id, input.revision, async (trx, group) => {
    const { members, problems } = await checkMembers(trx, group, inputs);
    if (problems.length > 0) throw new Refused({ ...failed(400, problems), ok: false } as GroupFailure & { problems: MemberProblem[] });
    const now = nowIso();
    for (let i = 0; i < members.length; i += 500) {
      await trx
        .insertInto("org_group_member")
        .values(
          members
            .slice(i, i + 500)
            .map((m) => ({ group_id: group.id, org_unit_id: m.unit.id, from_month: m.from, to_month: m.to, created_by: user.id, created_at: now })),
        )
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "group.import",
      entityType: "org_group",
      entityId: group.id,
      orgUnitId: group.owner.id,
      after: { count: members.length, units: members.slice(0, 50).map((m) => m.unit.code) },
      ip: input.ip,
    });
    return { ok: true as const, added: members.length, message: say(user, "groups.imported", { count: members.length, name: bilingualName(group) }) };
  });
  if (outcome.ok) return outcome;
  return "problems" in outcome ? (outcome as ImportOutcome) : { ...outcome, problems: [] };
}
