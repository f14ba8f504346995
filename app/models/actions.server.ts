/**
 * The follow-up action tracker (docs/decisions/030-action-tracker.md, data in decision 027): an
 * action on a scorecard cell (unit × indicator × period of a package) or on a meeting as a whole,
 * who answers for it and by when, its dated progress notes, its evidence files, and its status:
 *
 *   planned ⇄ in_progress → done → (confirmed | sent back to in_progress);  any open → cancelled
 *
 * Runners (district admins, facilitators, the national admin in their area) record and edit
 * actions and cancel them; the operator of the responsible Puskesmas reports progress, notes,
 * evidence and "done"; verifiers and admins whose area holds the responsible unit confirm "done"
 * or send it back, but not one they marked done themselves; a confirmed action is final (no notes,
 * no evidence). Editing and cancelling need a runner grant over the cell's unit and the responsible
 * unit. A closed meeting freezes only the meeting's own record: its actions go on (progress,
 * evidence, done, confirmation), but no new action is added to it. Every change writes an audit
 * row in its transaction and checks its rights and the action's state again inside it; changes of
 * the action row check its revision.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import {
  ACTION_CONFIRM_ROLES,
  actionReadScope,
  mayAssignAction,
  mayConfirmAction,
  mayReadAction,
  mayRunMeeting,
  mayUpdateAction,
  MEETING_RUNNER_ROLES,
} from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { ActionStatus, OrgUnit } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { say, type MessageParams } from "~/i18n/message";
import { clock } from "~/utils/clock.server";
import { MAX_EVIDENCE_BYTES } from "~/utils/limits";
import type { ScorecardView } from "~/contracts/scorecard";
import { actionMarkers, cellKey, isOverdue, OPEN_STATUSES, overdueSql } from "./action-markers.server";
import { excerpt, notify, operatorsOf } from "./notifications.server";
import { getOrgByCode, getOrgById } from "./org.server";
import { explainUnit } from "./scorecard.server";
import { getPublishedPackage } from "./templates.server";
import { tryParsePeriod } from "@engine";

export const ACTION_STATUSES: readonly ActionStatus[] = ["planned", "in_progress", "done", "cancelled"];
/** The open statuses and the overdue rule, defined once in the markers' module. */
export { isOverdue, OPEN_STATUSES };

/** Characters per text field. */
export const ACTION_TEXT_MAX = { problem: 2000, cause: 2000, plan: 2000, person: 200, note: 2000 } as const;

/** Evidence: PDF, JPEG or PNG (by content), at most this many bytes per file and files per action. */
export { MAX_EVIDENCE_BYTES };
export const MAX_EVIDENCE_FILES = 10;

/** What a change returns: a message for the reader, or a refusal with its status and the field to fix. */
export type ActionOutcome = { ok: true; message: string; id: number } | { ok: false; status: number; message: string; field?: string };

export type Refusal = Extract<ActionOutcome, { ok: false }>;

function refuse(user: SessionUser, status: number, key: MessageKey, params?: MessageParams, field?: string): Refusal {
  return { ok: false, status, message: say(user, key, params), field };
}

/** The district (third id of the materialised path) of a unit at district level or below; null above. */
export function districtIdOf(unit: Pick<OrgUnit, "path">): number | null {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  return ids[2] ?? null;
}

const isIsoDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** The value of one scorecard cell (the unit's indicator in its parent's scorecard), as the scorecard shows it; null when there is none. */
export async function cellValue(packageKey: string, indicatorKey: string, unitCode: string, period: string, db: DbOrTrx = getDb()): Promise<number | null> {
  try {
    const e = await explainUnit(packageKey, indicatorKey, unitCode, period, undefined, db);
    return e.value ?? null;
  } catch {
    return null;
  }
}

/** The indicator's title in both languages, from the newest published package (the key when unknown). */
export async function indicatorTitle(packageKey: string | null, indicatorKey: string | null): Promise<{ id: string; en: string } | null> {
  if (!packageKey || !indicatorKey) return null;
  const pkg = await getPublishedPackage(packageKey);
  const ind = pkg?.document.indicators.find((i) => i.key === indicatorKey);
  return ind ? { id: ind.name.id, en: ind.name.en || ind.name.id } : { id: indicatorKey, en: indicatorKey };
}

// ---------------------------------------------------------------------------------------------
// Fields

export interface ActionFields {
  problem: string;
  cause: string;
  plan: string;
  /** The responsible unit's code. */
  responsibleUnit: string;
  responsiblePerson: string;
  /** An account id (an active operator of the responsible unit), or "". */
  responsibleUser: string;
  dueDate: string;
}

interface CheckedFields {
  problem: string;
  cause: string | null;
  plan: string;
  responsible: OrgUnit;
  responsiblePerson: string | null;
  responsibleUserId: number | null;
  dueDate: string;
}

/** Checks the typed fields (not yet who may assign the responsible unit); `earliestDue` is the creation day. */
async function checkFields(db: DbOrTrx, user: SessionUser, f: ActionFields, earliestDue: string): Promise<CheckedFields | Refusal> {
  const problem = f.problem.trim();
  const cause = f.cause.trim();
  const plan = f.plan.trim();
  const person = f.responsiblePerson.trim();
  if (!problem) return refuse(user, 400, "actions.error.problem", undefined, "problem");
  if (problem.length > ACTION_TEXT_MAX.problem) return refuse(user, 400, "actions.error.tooLong", { max: ACTION_TEXT_MAX.problem }, "problem");
  if (cause.length > ACTION_TEXT_MAX.cause) return refuse(user, 400, "actions.error.tooLong", { max: ACTION_TEXT_MAX.cause }, "cause");
  if (!plan) return refuse(user, 400, "actions.error.plan", undefined, "plan");
  if (plan.length > ACTION_TEXT_MAX.plan) return refuse(user, 400, "actions.error.tooLong", { max: ACTION_TEXT_MAX.plan }, "plan");
  if (person.length > ACTION_TEXT_MAX.person) return refuse(user, 400, "actions.error.tooLong", { max: ACTION_TEXT_MAX.person }, "responsiblePerson");
  const responsible = f.responsibleUnit.trim() ? await getOrgByCode(db, f.responsibleUnit.trim()) : undefined;
  if (!responsible) return refuse(user, 400, "actions.error.responsibleUnit", undefined, "responsibleUnit");
  let responsibleUserId: number | null = null;
  if (f.responsibleUser.trim()) {
    const id = Number(f.responsibleUser.trim());
    const operators = await operatorsOf(db, responsible.id);
    if (!Number.isInteger(id) || !operators.includes(id))
      return refuse(user, 400, "actions.error.responsibleUser", { unit: responsible.name }, "responsibleUser");
    responsibleUserId = id;
  }
  const due = f.dueDate.trim();
  if (!isIsoDate(due)) return refuse(user, 400, "actions.error.dueDate", undefined, "dueDate");
  if (due < earliestDue) return refuse(user, 400, "actions.error.duePast", { today: earliestDue }, "dueDate");
  return { problem, cause: cause || null, plan, responsible, responsiblePerson: person || null, responsibleUserId, dueDate: due };
}

/** A text cut to `n` characters (an ellipsis included) for a notification or an email. */

async function notifyAssigned(db: DbOrTrx, actionId: number, f: CheckedFields, actorId: number): Promise<void> {
  const recipients = [...(await operatorsOf(db, f.responsible.id)), ...(f.responsibleUserId ? [f.responsibleUserId] : [])].filter((id) => id !== actorId);
  await notify(db, recipients, {
    kind: "action_assigned",
    eventKey: `action_assigned:${actionId}`,
    params: { problem: excerpt(f.problem), plan: excerpt(f.plan), unit: f.responsible.name, due: f.dueDate },
    link: `/actions/${actionId}`,
    orgUnitId: f.responsible.id,
  });
}

/** Those of `userIds` who still run meetings over `unit` (an active account with a runner grant on one of its ancestors). */
async function runnersOver(db: DbOrTrx, userIds: readonly number[], unit: Pick<OrgUnit, "path">): Promise<number[]> {
  if (userIds.length === 0) return [];
  const ancestors = unit.path.split("/").filter(Boolean).map(Number);
  const rows = await db
    .selectFrom("role_grant")
    .innerJoin("app_user", "app_user.id", "role_grant.user_id")
    .select("app_user.id")
    .where("role_grant.user_id", "in", [...userIds])
    .where("role_grant.org_unit_id", "in", ancestors)
    .where("role_grant.role", "in", [...MEETING_RUNNER_ROLES])
    .where("app_user.active", "=", 1)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** Active accounts that may confirm a done action of `responsible`: confirming roles on one of its ancestors (not a Puskesmas). */
export async function confirmersOf(db: DbOrTrx, responsible: Pick<OrgUnit, "path">): Promise<number[]> {
  const ancestors = responsible.path.split("/").filter(Boolean).map(Number);
  const rows = await db
    .selectFrom("role_grant")
    .innerJoin("app_user", "app_user.id", "role_grant.user_id")
    .innerJoin("org_unit", "org_unit.id", "role_grant.org_unit_id")
    .select("app_user.id")
    .where("role_grant.org_unit_id", "in", ancestors)
    .where("role_grant.role", "in", [...ACTION_CONFIRM_ROLES])
    .where("org_unit.level", "!=", "puskesmas")
    .where("app_user.active", "=", 1)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

// ---------------------------------------------------------------------------------------------
// Create

export interface CellRef {
  packageKey: string;
  indicatorKey: string;
  /** The cell's unit code (the scorecard row). */
  unit: string;
  period: string;
}

/** The meeting an action is recorded at, with its scope units; undefined when there is none. */
async function meetingWithScope(db: DbOrTrx, meetingId: number) {
  const meeting = await db.selectFrom("meeting").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) return undefined;
  const scope = await db
    .selectFrom("meeting_scope")
    .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
    .selectAll("org_unit")
    .where("meeting_scope.meeting_id", "=", meetingId)
    .orderBy("org_unit.path")
    .execute();
  return { meeting, scope };
}

/**
 * Records an action on a cell (optionally at a meeting) or on a meeting as a whole. The cell's
 * unit and the responsible unit must lie in the area of one runner grant (403 otherwise), the
 * responsible unit inside the meeting's scope, the due date not before today; the cell's current
 * value is kept as the baseline. Audited; the responsible unit's operators are notified.
 */
export async function createAction(input: {
  user: SessionUser;
  cell?: CellRef | null;
  meetingId?: number | null;
  fields: ActionFields;
  ip?: string | null;
}): Promise<ActionOutcome> {
  const { user } = input;
  const db = getDb();
  const today = clock.today();
  let unit: OrgUnit | undefined;
  let scope: OrgUnit[] | null = null;
  let meetingId: number | null = null;
  if (input.meetingId != null) {
    const found = await meetingWithScope(db, input.meetingId);
    if (!found) return refuse(user, 404, "actions.error.meetingNotFound");
    if (!mayRunMeeting(user, found.scope)) return refuse(user, 403, "actions.error.forbiddenAssign");
    if (found.meeting.status === "closed") return refuse(user, 400, "actions.error.meetingClosed");
    scope = found.scope;
    meetingId = found.meeting.id;
    unit = found.scope[0];
  }
  let cell: CellRef | null = null;
  if (input.cell) {
    const c = input.cell;
    unit = await getOrgByCode(db, c.unit);
    if (!unit) return refuse(user, 404, "actions.error.cellUnit", { code: c.unit });
    const pkg = await getPublishedPackage(c.packageKey);
    if (!pkg || !pkg.document.indicators.some((i) => i.key === c.indicatorKey)) return refuse(user, 400, "actions.error.cell");
    if (!tryParsePeriod(c.period).ok) return refuse(user, 400, "actions.error.cell");
    if (scope && !scope.some((s) => unit!.path.startsWith(s.path))) return refuse(user, 400, "actions.error.cellOutsideMeeting", { unit: unit.name });
    cell = c;
  }
  if (!unit) return refuse(user, 400, "actions.error.cell");
  // Outside the creator's area: refused before anything typed is judged.
  if (!mayRunMeeting(user, [unit])) return refuse(user, 403, "actions.error.forbiddenAssign");
  const checked = await checkFields(db, user, input.fields, today);
  if ("ok" in checked) return checked;
  if (scope && !scope.some((s) => checked.responsible.path.startsWith(s.path)))
    return refuse(user, 400, "actions.error.responsibleOutsideMeeting", { unit: checked.responsible.name }, "responsibleUnit");
  if (!mayAssignAction(user, unit, checked.responsible)) return refuse(user, 403, "actions.error.forbiddenAssign");
  const baseline = cell ? await cellValue(cell.packageKey, cell.indicatorKey, unit.code, cell.period) : null;
  // A cell's action is filed under the cell's district; a meeting-wide one under the responsible
  // unit's, so a meeting over two districts files each action where the district looks for it.
  const districtId = cell ? (districtIdOf(unit) ?? districtIdOf(checked.responsible)) : (districtIdOf(checked.responsible) ?? districtIdOf(unit));
  const at = clock.iso();
  return db.transaction().execute(async (trx) => {
    // The meeting may have been closed since it was read: checked again inside the transaction
    // by a write that locks its row (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers), so
    // a close and this insert cannot interleave.
    if (meetingId !== null) {
      const open = await trx
        .updateTable("meeting")
        .set({ updated_at: sql`updated_at` })
        .where("id", "=", meetingId)
        .where("status", "=", "open")
        .executeTakeFirst();
      if (Number(open.numUpdatedRows) !== 1) return refuse(user, 400, "actions.error.meetingClosed");
    }
    const row = {
      meeting_id: meetingId,
      district_id: districtId,
      org_unit_id: unit.id,
      package_key: cell?.packageKey ?? null,
      indicator_key: cell?.indicatorKey ?? null,
      period: cell?.period ?? null,
      baseline_value: baseline,
      problem: checked.problem,
      cause: checked.cause,
      plan: checked.plan,
      responsible_org_unit_id: checked.responsible.id,
      responsible_person: checked.responsiblePerson,
      responsible_user_id: checked.responsibleUserId,
      due_date: checked.dueDate,
      status: "planned" as const,
      created_by: user.id,
      created_at: at,
      updated_at: at,
    };
    const { id } = await trx.insertInto("follow_up_action").values(row).returning("id").executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "action.create",
      entityType: "follow_up_action",
      entityId: id,
      orgUnitId: unit.id,
      after: row,
      ip: input.ip,
    });
    await notifyAssigned(trx, id, checked, user.id);
    return { ok: true as const, id, message: say(user, "actions.done.created") };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

async function loadAction(db: DbOrTrx, id: number) {
  const action = await db.selectFrom("follow_up_action").selectAll().where("id", "=", id).executeTakeFirst();
  if (!action) return undefined;
  const unit = (await getOrgById(db, action.org_unit_id))!;
  const responsible = (await getOrgById(db, action.responsible_org_unit_id))!;
  return { action, unit, responsible };
}

export type Loaded = NonNullable<Awaited<ReturnType<typeof loadAction>>>;

/**
 * What `user` may do with a loaded action. Editing and cancelling need a runner grant over both
 * the cell's unit and the responsible unit (`mayAssignAction`, as when it was recorded); a
 * confirmed action takes no more notes or evidence; whoever marked it done does not confirm it
 * (the confirmation is a second pair of eyes) but may still send it back.
 */
export function permissionsOf(user: SessionUser, l: Loaded) {
  const role = mayUpdateAction(user, l.responsible);
  const status = l.action.status;
  const open = OPEN_STATUSES.includes(status);
  const confirmed = status === "done" && l.action.verified_at !== null;
  const assigner = role === "runner" && mayAssignAction(user, l.unit, l.responsible) !== undefined;
  const confirmer = status === "done" && !confirmed && mayConfirmAction(user, l.responsible) !== undefined;
  return {
    role: role ?? null,
    edit: assigner && open,
    progress: role !== undefined && open,
    note: role !== undefined && status !== "cancelled" && !confirmed,
    evidence: role !== undefined && status !== "cancelled" && !confirmed,
    done: role !== undefined && open,
    confirm: confirmer && l.action.done_by !== user.id,
    sendBack: confirmer,
    /** The reader marked it done and would confirm it otherwise: the page says someone else confirms. */
    ownDone: confirmer && l.action.done_by === user.id,
    cancel: assigner && (open || (status === "done" && !confirmed)),
    confirmed,
  };
}

/** Why a note or an evidence file is refused on an action the reader may update: cancelled or confirmed. */
function closedRefusal(user: SessionUser, p: ReturnType<typeof permissionsOf>): Refusal {
  return p.confirmed ? refuse(user, 400, "actions.error.confirmedClosed") : refuse(user, 400, "actions.error.cancelled");
}

/** The action `id` if `user` may read it; a 404/403 outcome otherwise. */
async function readable(db: DbOrTrx, user: SessionUser, id: number): Promise<Loaded | Refusal> {
  const l = Number.isInteger(id) ? await loadAction(db, id) : undefined;
  if (!l) return refuse(user, 404, "actions.error.notFound");
  if (!mayReadAction(user, [l.unit, l.responsible])) return refuse(user, 403, "actions.error.forbiddenRead");
  return l;
}

/** The details page of an action: the action, names, notes, evidence (without bytes), what the reader may do. */
export async function actionDetails(user: SessionUser, id: number) {
  const db = getDb();
  const l = await readable(db, user, id);
  if ("ok" in l) return l;
  const { action } = l;
  const userIds = [action.created_by, action.responsible_user_id, action.done_by, action.verified_by].filter((x): x is number => x !== null);
  const notes = await db
    .selectFrom("action_note")
    .innerJoin("app_user", "app_user.id", "action_note.user_id")
    .select(["action_note.id", "action_note.at", "action_note.note", "action_note.status_from", "action_note.status_to", "app_user.display_name as author"])
    .where("action_note.action_id", "=", id)
    .orderBy("action_note.at", "desc")
    .orderBy("action_note.id", "desc")
    .execute();
  const evidence = await db
    .selectFrom("action_evidence")
    .innerJoin("app_user", "app_user.id", "action_evidence.uploaded_by")
    .select([
      "action_evidence.id",
      "action_evidence.file_name",
      "action_evidence.media_type",
      "action_evidence.byte_size",
      "action_evidence.sha256",
      "action_evidence.uploaded_at",
      "app_user.display_name as uploader",
    ])
    .where("action_evidence.action_id", "=", id)
    .orderBy("action_evidence.id")
    .execute();
  const people = userIds.length ? await db.selectFrom("app_user").select(["id", "display_name"]).where("id", "in", userIds).execute() : [];
  const nameOf = (uid: number | null) => (uid === null ? null : (people.find((p) => p.id === uid)?.display_name ?? null));
  const meeting = action.meeting_id
    ? await db.selectFrom("meeting").select(["id", "title", "status"]).where("id", "=", action.meeting_id).executeTakeFirst()
    : undefined;
  const perms = permissionsOf(user, l);
  // The units a runner may make responsible: Puskesmas in the area of their grant over this action (and the meeting's scope).
  const unitChoices = perms.edit ? await responsibleChoices(db, user, l.unit, action.meeting_id) : [];
  const operators = perms.edit ? await operatorChoices(db, l.responsible.id) : [];
  return {
    action,
    overdue: isOverdue(action),
    unit: { code: l.unit.code, name: l.unit.name, level: l.unit.level },
    responsible: { code: l.responsible.code, name: l.responsible.name },
    indicator: await indicatorTitle(action.package_key, action.indicator_key),
    meeting: meeting ?? null,
    createdBy: nameOf(action.created_by),
    responsibleUser: nameOf(action.responsible_user_id),
    doneBy: nameOf(action.done_by),
    verifiedBy: nameOf(action.verified_by),
    notes,
    evidence,
    perms,
    unitChoices,
    operators,
  };
}

/** Units a runner may make responsible for an action on `unit`: the district and Puskesmas of the unit's district (or of the meeting's scope), in the runner's area. */
export async function responsibleChoices(
  db: DbOrTrx,
  user: SessionUser,
  unit: OrgUnit,
  meetingId: number | null,
): Promise<Array<{ code: string; name: string }>> {
  const grant = mayRunMeeting(user, [unit]);
  if (!grant) return [];
  const districtId = districtIdOf(unit);
  const district = districtId !== null ? await getOrgById(db, districtId) : undefined;
  let roots = [district?.path ?? unit.path];
  if (meetingId !== null) {
    const found = await meetingWithScope(db, meetingId);
    if (found) roots = found.scope.map((s) => s.path);
  }
  roots = roots.filter((p) => p.startsWith(grant.orgPath));
  if (roots.length === 0) return [];
  const rows = await db
    .selectFrom("org_unit")
    .select(["code", "name", "path"])
    .where((eb) => eb.or(roots.map((r) => eb("path", "like", `${r}%`))))
    .where("level", "in", ["district", "puskesmas"])
    .orderBy("path")
    .limit(500)
    .execute();
  const all = [unit, ...rows].filter((u) => roots.some((p) => u.path.startsWith(p)));
  const seen = new Set<string>();
  return all.filter((u) => !seen.has(u.code) && seen.add(u.code)).map((u) => ({ code: u.code, name: u.name }));
}

/** Active operators of a unit, for the optional responsible account. */
export async function operatorChoices(db: DbOrTrx, unitId: number): Promise<Array<{ id: number; name: string }>> {
  const ids = await operatorsOf(db, unitId);
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("app_user").select(["id", "display_name"]).where("id", "in", ids).orderBy("display_name").execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

export interface ActionFilter {
  meetingId?: number | null;
  /** Responsible unit code. */
  unit?: string | null;
  /** District code. */
  district?: string | null;
  status?: ActionStatus | null;
  overdueOnly?: boolean;
}

export const LIST_LIMIT = 500;

/** Actions `user` may read (their cell's unit or the responsible unit in the reader's area), filtered, overdue first then by due date. */
export async function listActions(user: SessionUser, filter: ActionFilter = {}) {
  const db = getDb();
  const roots = actionReadScope(user);
  if (roots.length === 0) return { rows: [], truncated: false };
  const today = clock.today();
  let q = db
    .selectFrom("follow_up_action as a")
    .innerJoin("org_unit as cu", "cu.id", "a.org_unit_id")
    .innerJoin("org_unit as ru", "ru.id", "a.responsible_org_unit_id")
    .leftJoin("org_unit as du", "du.id", "a.district_id")
    .select([
      "a.id",
      "a.meeting_id",
      "a.package_key",
      "a.indicator_key",
      "a.period",
      "a.problem",
      "a.plan",
      "a.status",
      "a.due_date",
      "a.verified_at",
      "cu.name as unit_name",
      "ru.name as responsible_name",
      "ru.code as responsible_code",
      "du.name as district_name",
    ])
    .where((eb) => eb.or(roots.flatMap((r) => [eb("cu.path", "like", `${r.orgPath}%`), eb("ru.path", "like", `${r.orgPath}%`)])));
  if (filter.meetingId != null) q = q.where("a.meeting_id", "=", filter.meetingId);
  if (filter.unit) q = q.where("ru.code", "=", filter.unit);
  if (filter.district) q = q.where("du.code", "=", filter.district);
  if (filter.status) q = q.where("a.status", "=", filter.status);
  if (filter.overdueOnly) q = q.where(overdueSql("a.status", "a.due_date", today));
  const rows = await q
    .orderBy(sql`case when ${overdueSql("a.status", "a.due_date", today)} then 0 when a.status in (${sql.join([...OPEN_STATUSES])}) then 1 else 2 end`)
    .orderBy("a.due_date")
    .orderBy("a.id")
    .limit(LIST_LIMIT + 1)
    .execute();
  const shown = rows.slice(0, LIST_LIMIT);
  // Indicator names in both languages, one package read per package key (cached per process).
  const titles = new Map<string, { id: string; en: string } | null>();
  for (const r of shown) {
    const key = `${r.package_key}|${r.indicator_key}`;
    if (r.indicator_key && !titles.has(key)) titles.set(key, await indicatorTitle(r.package_key, r.indicator_key));
  }
  return {
    rows: shown.map((r) => ({ ...r, overdue: isOverdue(r, today), indicator: titles.get(`${r.package_key}|${r.indicator_key}`) ?? null })),
    truncated: rows.length > LIST_LIMIT,
  };
}

/** The home page's actions: a Puskesmas operator's open actions (overdue first), and the done actions a confirmer may confirm. */
export async function homeActions(user: SessionUser) {
  const db = getDb();
  const today = clock.today();
  const operatorUnits = user.grants.filter((g) => g.role === "puskesmas_operator").map((g) => g.orgUnitId);
  const open = operatorUnits.length
    ? await db
        .selectFrom("follow_up_action as a")
        .innerJoin("org_unit as ru", "ru.id", "a.responsible_org_unit_id")
        .select(["a.id", "a.problem", "a.plan", "a.status", "a.due_date", "ru.name as responsible_name"])
        .where("a.responsible_org_unit_id", "in", operatorUnits)
        .where("a.status", "in", [...OPEN_STATUSES])
        .orderBy("a.due_date")
        .orderBy("a.id")
        .limit(50)
        .execute()
    : [];
  const confirmRoots = user.grants.filter((g) => ACTION_CONFIRM_ROLES.includes(g.role) && g.orgLevel !== "puskesmas");
  const toConfirm = confirmRoots.length
    ? await db
        .selectFrom("follow_up_action as a")
        .innerJoin("org_unit as ru", "ru.id", "a.responsible_org_unit_id")
        .select(["a.id", "a.problem", "a.plan", "a.status", "a.due_date", "a.done_at", "ru.name as responsible_name"])
        .where("a.status", "=", "done")
        .where("a.verified_at", "is", null)
        .where((eb) => eb.or(confirmRoots.map((g) => eb("ru.path", "like", `${g.orgPath}%`))))
        .orderBy("a.done_at")
        .limit(50)
        .execute()
    : [];
  return { open: open.map((a) => ({ ...a, overdue: isOverdue(a, today) })), toConfirm };
}

/** The actions of one cell (for the explain page), newest first; only when `user` may read them. */
export async function cellActions(user: SessionUser, cell: { packageKey: string; indicatorKey: string; unit: Pick<OrgUnit, "id" | "path">; period: string }) {
  if (!mayReadAction(user, [cell.unit])) return [];
  const rows = await getDb()
    .selectFrom("follow_up_action as a")
    .innerJoin("org_unit as ru", "ru.id", "a.responsible_org_unit_id")
    .select(["a.id", "a.problem", "a.plan", "a.status", "a.due_date", "a.verified_at", "ru.name as responsible_name"])
    .where("a.package_key", "=", cell.packageKey)
    .where("a.indicator_key", "=", cell.indicatorKey)
    .where("a.period", "=", cell.period)
    .where("a.org_unit_id", "=", cell.unit.id)
    .orderBy("a.id", "desc")
    .execute();
  return rows.map((r) => ({ ...r, overdue: isOverdue(r) }));
}

/**
 * Marks the cells of a scorecard view that carry follow-up actions (one grouped query): "overdue",
 * "open", or "closed" (only done ones). The view is the request's own copy.
 */
export async function markActionCells(
  view: ScorecardView,
  units: ReadonlyArray<Pick<OrgUnit, "id" | "code">>,
  packageKey: string,
  period: string,
): Promise<void> {
  const idOf = new Map(units.map((u) => [u.code, u.id]));
  const shown = view.rows.map((r) => idOf.get(r.code)).filter((id): id is number => id !== undefined);
  const markers = await actionMarkers(getDb(), { packageKey, period, orgUnitIds: shown });
  if (markers.size === 0) return;
  for (const row of view.rows) {
    const id = idOf.get(row.code);
    if (id === undefined) continue;
    for (const cell of row.cells) {
      const m = markers.get(cellKey(id, cell.indicator));
      if (m) cell.action = m.overdue > 0 ? "overdue" : m.open > 0 ? "open" : "closed";
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Changes

type Change = { user: SessionUser; id: number; revision: number; ip?: string | null };

/**
 * Runs `fn` on a readable action inside a transaction; `need` says who may do it. `need` is asked
 * before the transaction (a refusal costs no write) and again inside it on the action as it is
 * then, after a write that locks its row (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
 * writers): a note, a file or a change cannot slip past a cancellation, a confirmation or the
 * evidence count of a concurrent request.
 */
async function change(
  input: { user: SessionUser; id: number },
  need: (l: Loaded, perms: ReturnType<typeof permissionsOf>) => ActionOutcome | null,
  fn: (trx: DbOrTrx, l: Loaded) => Promise<ActionOutcome>,
): Promise<ActionOutcome> {
  const db = getDb();
  const l = await readable(db, input.user, input.id);
  if ("ok" in l) return l;
  const refusal = need(l, permissionsOf(input.user, l));
  if (refusal) return refusal;
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable("follow_up_action")
      .set({ updated_at: sql`updated_at` })
      .where("id", "=", l.action.id)
      .execute();
    const now = await readable(trx, input.user, input.id);
    if ("ok" in now) return now;
    return need(now, permissionsOf(input.user, now)) ?? (await fn(trx, now));
  });
}

/** Before an upload's body is read: whether `user` may add evidence to action `id` (a refusal otherwise). */
export async function evidenceAllowed(user: SessionUser, id: number): Promise<Refusal | null> {
  const l = await readable(getDb(), user, id);
  if ("ok" in l) return l;
  return evidenceNeed(user, permissionsOf(user, l));
}

const evidenceNeed = (user: SessionUser, p: ReturnType<typeof permissionsOf>): Refusal | null =>
  !p.role ? forbiddenChange(user) : !p.evidence ? closedRefusal(user, p) : null;

/** Updates the action row when its revision is still `revision`; false when someone changed it meanwhile. */
async function updateRow(trx: DbOrTrx, id: number, revision: number, set: Record<string, unknown>): Promise<boolean> {
  const result = await trx
    .updateTable("follow_up_action")
    .set({ ...set, updated_at: clock.iso(), revision: sql`revision + 1` })
    .where("id", "=", id)
    .where("revision", "=", revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

class Conflict extends Error {}

async function withConflict(user: SessionUser, run: () => Promise<ActionOutcome>): Promise<ActionOutcome> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof Conflict) return refuse(user, 409, "actions.error.conflict");
    throw e;
  }
}

async function noteRow(trx: DbOrTrx, actionId: number, userId: number, note: string, from: ActionStatus | null, to: ActionStatus | null) {
  await trx.insertInto("action_note").values({ action_id: actionId, at: clock.iso(), user_id: userId, note, status_from: from, status_to: to }).execute();
}

function checkNote(user: SessionUser, note: string, required: boolean): string | Refusal {
  const text = note.trim();
  if (required && !text) return refuse(user, 400, "actions.error.noteRequired", undefined, "note");
  if (text.length > ACTION_TEXT_MAX.note) return refuse(user, 400, "actions.error.tooLong", { max: ACTION_TEXT_MAX.note }, "note");
  return text;
}

const forbiddenChange = (user: SessionUser) => refuse(user, 403, "actions.error.forbiddenChange");

/** A runner edits every field of an open action (the due date may not move before today). */
export async function updateAction(input: Change & { fields: ActionFields }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (l, p) =>
        p.role !== "runner" || !mayAssignAction(user, l.unit, l.responsible)
          ? forbiddenChange(user)
          : !p.edit
            ? refuse(user, 400, "actions.error.notOpen")
            : null,
      async (trx, l) => {
        const checked = await checkFields(trx, user, input.fields, l.action.due_date < clock.today() ? l.action.due_date : clock.today());
        if ("ok" in checked) return checked;
        if (!mayAssignAction(user, l.unit, checked.responsible)) return refuse(user, 403, "actions.error.forbiddenAssign");
        if (l.action.meeting_id !== null) {
          const found = await meetingWithScope(trx, l.action.meeting_id);
          if (found && !found.scope.some((s) => checked.responsible.path.startsWith(s.path)))
            return refuse(user, 400, "actions.error.responsibleOutsideMeeting", { unit: checked.responsible.name }, "responsibleUnit");
        }
        const set = {
          problem: checked.problem,
          cause: checked.cause,
          plan: checked.plan,
          responsible_org_unit_id: checked.responsible.id,
          responsible_person: checked.responsiblePerson,
          responsible_user_id: checked.responsibleUserId,
          due_date: checked.dueDate,
          // A meeting-wide action follows its responsible unit's district (as when it was recorded).
          ...(l.action.indicator_key === null ? { district_id: districtIdOf(checked.responsible) ?? districtIdOf(l.unit) } : {}),
        };
        if (!(await updateRow(trx, l.action.id, input.revision, set))) throw new Conflict();
        const before = Object.fromEntries(Object.keys(set).map((k) => [k, l.action[k as keyof typeof l.action]]));
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.update",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          before,
          after: set,
          ip: input.ip,
        });
        // A new responsible unit or account hears of it (the others already have).
        await notifyAssigned(trx, l.action.id, checked, user.id);
        return { ok: true, id: l.action.id, message: say(user, "actions.done.updated") };
      },
    ),
  );
}

/** Planned ⇄ in progress, by the responsible operator or a runner, with an optional note. */
export async function changeStatus(input: Change & { to: string; note: string }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (l, p) => {
        if (!p.role) return forbiddenChange(user);
        if (!p.progress || (input.to !== "planned" && input.to !== "in_progress") || input.to === l.action.status)
          return refuse(user, 400, "actions.error.transition");
        return null;
      },
      async (trx, l) => {
        const note = checkNote(user, input.note, false);
        if (typeof note !== "string") return note;
        const to = input.to as ActionStatus;
        if (!(await updateRow(trx, l.action.id, input.revision, { status: to }))) throw new Conflict();
        await noteRow(trx, l.action.id, user.id, note, l.action.status, to);
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.status",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          before: { status: l.action.status },
          after: { status: to, note },
          ip: input.ip,
        });
        return { ok: true, id: l.action.id, message: say(user, "actions.done.status") };
      },
    ),
  );
}

/** A dated progress note (no status change). */
export async function addNote(input: { user: SessionUser; id: number; note: string; ip?: string | null }): Promise<ActionOutcome> {
  const { user } = input;
  return change(
    input,
    (_l, p) => (!p.role ? forbiddenChange(user) : !p.note ? closedRefusal(user, p) : null),
    async (trx, l) => {
      const note = checkNote(user, input.note, true);
      if (typeof note !== "string") return note;
      await noteRow(trx, l.action.id, user.id, note, null, null);
      await trx.updateTable("follow_up_action").set({ updated_at: clock.iso() }).where("id", "=", l.action.id).execute();
      await writeAudit(trx, {
        actorUserId: user.id,
        action: "action.note",
        entityType: "follow_up_action",
        entityId: l.action.id,
        orgUnitId: l.unit.id,
        after: { note },
        ip: input.ip,
      });
      return { ok: true, id: l.action.id, message: say(user, "actions.done.note") };
    },
  );
}

/** "Selesai": the responsible operator or a runner; the creator and the confirmers are told. */
export async function markDone(input: Change & { note: string }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (_l, p) => (!p.role ? forbiddenChange(user) : !p.done ? refuse(user, 400, "actions.error.transition") : null),
      async (trx, l) => {
        const note = checkNote(user, input.note, false);
        if (typeof note !== "string") return note;
        const at = clock.iso();
        if (!(await updateRow(trx, l.action.id, input.revision, { status: "done", done_at: at, done_by: user.id, verified_at: null, verified_by: null })))
          throw new Conflict();
        await noteRow(trx, l.action.id, user.id, note, l.action.status, "done");
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.done",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          before: { status: l.action.status },
          after: { status: "done", note },
          ip: input.ip,
        });
        const creator = await runnersOver(trx, [l.action.created_by], l.responsible);
        const recipients = [...creator, ...(await confirmersOf(trx, l.responsible))].filter((id) => id !== user.id);
        await notify(trx, recipients, {
          kind: "action_done",
          eventKey: `action_done:${l.action.id}:${at}`,
          params: { problem: excerpt(l.action.problem), plan: excerpt(l.action.plan), unit: l.responsible.name },
          link: `/actions/${l.action.id}`,
          orgUnitId: l.responsible.id,
        });
        return { ok: true, id: l.action.id, message: say(user, "actions.done.done") };
      },
    ),
  );
}

/** The district confirms a done action (verified_at/by). */
export async function confirmDone(input: Change & { note: string }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (l, p) =>
        !mayConfirmAction(user, l.responsible)
          ? refuse(user, 403, "actions.error.forbiddenConfirm")
          : p.ownDone
            ? refuse(user, 403, "actions.error.confirmOwn")
            : !p.confirm
              ? refuse(user, 400, "actions.error.notDone")
              : null,
      async (trx, l) => {
        const note = checkNote(user, input.note, false);
        if (typeof note !== "string") return note;
        const at = clock.iso();
        if (!(await updateRow(trx, l.action.id, input.revision, { verified_at: at, verified_by: user.id }))) throw new Conflict();
        if (note) await noteRow(trx, l.action.id, user.id, note, null, null);
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.confirm",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          after: { verified_at: at, note },
          ip: input.ip,
        });
        return { ok: true, id: l.action.id, message: say(user, "actions.done.confirmed") };
      },
    ),
  );
}

/** The district sends a done action back to "in progress", with a note saying what is missing. */
export async function sendBack(input: Change & { note: string }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (l, p) =>
        !mayConfirmAction(user, l.responsible)
          ? refuse(user, 403, "actions.error.forbiddenConfirm")
          : !p.sendBack
            ? refuse(user, 400, "actions.error.notDone")
            : null,
      async (trx, l) => {
        const note = checkNote(user, input.note, true);
        if (typeof note !== "string") return note;
        if (!(await updateRow(trx, l.action.id, input.revision, { status: "in_progress", done_at: null, done_by: null }))) throw new Conflict();
        await noteRow(trx, l.action.id, user.id, note, "done", "in_progress");
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.sendBack",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          before: { status: "done" },
          after: { status: "in_progress", note },
          ip: input.ip,
        });
        return { ok: true, id: l.action.id, message: say(user, "actions.done.sentBack") };
      },
    ),
  );
}

/** A runner cancels an action that is open or done but not confirmed, with a reason. */
export async function cancelAction(input: Change & { reason: string }): Promise<ActionOutcome> {
  const { user } = input;
  return withConflict(user, () =>
    change(
      input,
      (l, p) =>
        p.role !== "runner" || !mayAssignAction(user, l.unit, l.responsible)
          ? forbiddenChange(user)
          : !p.cancel
            ? refuse(user, 400, "actions.error.transition")
            : null,
      async (trx, l) => {
        const reason = checkNote(user, input.reason, true);
        if (typeof reason !== "string") return { ...reason, field: "reason" };
        if (!(await updateRow(trx, l.action.id, input.revision, { status: "cancelled" }))) throw new Conflict();
        await noteRow(trx, l.action.id, user.id, reason, l.action.status, "cancelled");
        await writeAudit(trx, {
          actorUserId: user.id,
          action: "action.cancel",
          entityType: "follow_up_action",
          entityId: l.action.id,
          orgUnitId: l.unit.id,
          before: { status: l.action.status },
          after: { status: "cancelled", reason },
          ip: input.ip,
        });
        return { ok: true, id: l.action.id, message: say(user, "actions.done.cancelled") };
      },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Evidence

/** The media type of `bytes` by their first bytes (PDF, JPEG, PNG), or null for anything else. */
export function sniffEvidenceType(bytes: Uint8Array): "application/pdf" | "image/jpeg" | "image/png" | null {
  const starts = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  return null;
}

const EXTENSIONS = { "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png" } as const;

/** A file name safe in a header and a file system: letters, digits, dot, dash, underscore; the extension of its real type. */
export function safeFileName(name: string, mediaType: keyof typeof EXTENSIONS): string {
  const base = (name.split(/[\\/]/).pop() ?? "")
    .replace(/\.[^.]*$/, "")
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "")
    .slice(0, 80);
  return `${base || "bukti"}${EXTENSIONS[mediaType]}`;
}

/** Stores an evidence file: the type by content (415 otherwise), at most MAX_EVIDENCE_BYTES (413) and MAX_EVIDENCE_FILES per action. */
export async function addEvidence(input: { user: SessionUser; id: number; fileName: string; bytes: Uint8Array; ip?: string | null }): Promise<ActionOutcome> {
  const { user } = input;
  if (input.bytes.length === 0) return refuse(user, 400, "actions.error.noFile", undefined, "file");
  if (input.bytes.length > MAX_EVIDENCE_BYTES) return refuse(user, 413, "actions.error.fileTooLarge", { max: MAX_EVIDENCE_BYTES / 1024 / 1024 }, "file");
  const mediaType = sniffEvidenceType(input.bytes);
  if (!mediaType) return refuse(user, 415, "actions.error.fileType", undefined, "file");
  return change(
    input,
    (_l, p) => evidenceNeed(user, p),
    async (trx, l) => {
      const count = await trx
        .selectFrom("action_evidence")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action_id", "=", l.action.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_EVIDENCE_FILES) return refuse(user, 400, "actions.error.tooManyFiles", { max: MAX_EVIDENCE_FILES }, "file");
      const sha256 = createHash("sha256").update(input.bytes).digest("hex");
      const fileName = safeFileName(input.fileName, mediaType);
      const { id } = await trx
        .insertInto("action_evidence")
        .values({
          action_id: l.action.id,
          file_name: fileName,
          media_type: mediaType,
          byte_size: input.bytes.length,
          sha256,
          content: Buffer.from(input.bytes),
          uploaded_by: user.id,
          uploaded_at: clock.iso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.updateTable("follow_up_action").set({ updated_at: clock.iso() }).where("id", "=", l.action.id).execute();
      await writeAudit(trx, {
        actorUserId: user.id,
        action: "action.evidence.add",
        entityType: "follow_up_action",
        entityId: l.action.id,
        orgUnitId: l.unit.id,
        after: { evidenceId: id, fileName, mediaType, bytes: input.bytes.length, sha256 },
        ip: input.ip,
      });
      return { ok: true, id: l.action.id, message: say(user, "actions.done.evidence", { name: fileName }) };
    },
  );
}

/** An evidence file of an action `user` may read, with its bytes; a 404/403 outcome otherwise. */
export async function evidenceFile(user: SessionUser, actionId: number, evidenceId: number) {
  const db = getDb();
  const l = await readable(db, user, actionId);
  if ("ok" in l) return l;
  const row = Number.isInteger(evidenceId)
    ? await db.selectFrom("action_evidence").selectAll().where("id", "=", evidenceId).where("action_id", "=", actionId).executeTakeFirst()
    : undefined;
  if (!row) return refuse(user, 404, "actions.error.evidenceNotFound");
  return { file: row };
}
