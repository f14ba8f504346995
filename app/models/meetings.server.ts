/**
 * Evaluation meetings (docs/decisions/027-meetings-and-actions.md, 028-meeting-follow-up.md): a
 * rapat evaluasi, Lokmin or kaji banding over a scope of units, a package (optionally one
 * indicator group) and a period, with its participants, attendance, points discussed and
 * decisions. Who may run or read one is decided in policy.server.ts (mayRunMeeting,
 * mayReadMeeting); scope always comes from the session's grants. Every change writes an audit row
 * in the same transaction; the notes carry an optimistic revision (two runners may edit them);
 * a closed meeting refuses every edit.
 */
import { tryParsePeriod } from "@engine";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { areaRoots, invitationsOf, mayReadMeeting, mayRunMeeting, MEETING_RUNNER_ROLES } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { Kysely } from "kysely";
import type { Database, MeetingKind, MeetingStatus, OrgLevel, OrgUnit } from "~/db/schema";
import { periodDetail, type Message, type MessageParams } from "~/i18n/message";
import type { MessageKey } from "~/i18n/catalog";
import { clock } from "~/utils/clock.server";
import { MAX_GUESTS, MAX_LOCATION, MAX_NAME, MAX_NOTES, MAX_TITLE, MEETING_KINDS, MEETING_STATUSES } from "~/contracts/meetings";
export { MAX_GUESTS, MAX_LOCATION, MAX_NAME, MAX_NOTES, MAX_TITLE, MEETING_KINDS, MEETING_STATUSES } from "~/contracts/meetings";
import { notify, operatorsOf } from "./notifications.server";
import { getPublishedPackage, listPackages } from "./templates.server";

/** Levels a meeting's scope may name: a province or a district (several allowed). */
export const SCOPE_LEVELS: readonly OrgLevel[] = ["province", "district"];

/** Meetings listed on one page of /meetings. */
export const LIST_LIMIT = 200;

export interface ScopeUnit {
  id: number;
  code: string;
  name: string;
  level: OrgLevel;
  path: string;
}

export interface MeetingParticipantView {
  id: number;
  kind: "unit" | "user" | "guest";
  /** A unit's or account's name, or the guest's name. */
  name: string;
  /** The unit's code, the account's username, or the guest's position. */
  detail: string | null;
  orgUnitId: number | null;
  userId: number | null;
  attended: boolean;
}

export interface MeetingDetail {
  id: number;
  kind: MeetingKind;
  title: string;
  ownerOrgUnitId: number;
  packageKey: string;
  packageTitle: string;
  indicatorGroup: string | null;
  /** The group's name in both languages, when the meeting has one and the package still names it. */
  indicatorGroupName: { id: string; en: string } | null;
  period: string;
  meetingDate: string;
  location: string | null;
  points: string | null;
  decisions: string | null;
  status: MeetingStatus;
  previousMeetingId: number | null;
  revision: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: number | null;
  scope: ScopeUnit[];
  participants: MeetingParticipantView[];
}

/** A meeting with its scope units, participants and package title; undefined when there is none. */
export async function getMeeting(db: DbOrTrx, id: number): Promise<MeetingDetail | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const m = await db.selectFrom("meeting").selectAll().where("id", "=", id).executeTakeFirst();
  if (!m) return undefined;
  const scope = await db
    .selectFrom("meeting_scope")
    .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
    .select(["org_unit.id", "org_unit.code", "org_unit.name", "org_unit.level", "org_unit.path"])
    .where("meeting_scope.meeting_id", "=", id)
    .orderBy("org_unit.code")
    .execute();
  const rows = await db
    .selectFrom("meeting_participant as p")
    .leftJoin("org_unit as u", "u.id", "p.org_unit_id")
    .leftJoin("app_user as a", "a.id", "p.user_id")
    .select([
      "p.id",
      "p.org_unit_id",
      "p.user_id",
      "p.name",
      "p.position",
      "p.attended",
      "u.name as unit_name",
      "u.code as unit_code",
      "a.display_name",
      "a.username",
    ])
    .where("p.meeting_id", "=", id)
    .orderBy("p.id")
    .execute();
  const participants: MeetingParticipantView[] = rows.map((r) =>
    r.org_unit_id !== null
      ? { id: r.id, kind: "unit", name: r.unit_name ?? "", detail: r.unit_code, orgUnitId: r.org_unit_id, userId: null, attended: r.attended === 1 }
      : r.user_id !== null
        ? { id: r.id, kind: "user", name: r.display_name ?? "", detail: r.username, orgUnitId: null, userId: r.user_id, attended: r.attended === 1 }
        : { id: r.id, kind: "guest", name: r.name ?? "", detail: r.position, orgUnitId: null, userId: null, attended: r.attended === 1 },
  );
  const pkg = await getPublishedPackage(m.package_key, undefined, db);
  const group = m.indicator_group ? pkg?.document.groups.find((g) => g.key === m.indicator_group) : undefined;
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    ownerOrgUnitId: m.owner_org_unit_id,
    packageKey: m.package_key,
    packageTitle: pkg ? pkg.document.title.id : m.package_key,
    indicatorGroup: m.indicator_group,
    indicatorGroupName: group ? { id: group.name.id, en: group.name.en || group.name.id } : null,
    period: m.period,
    meetingDate: m.meeting_date,
    location: m.location,
    points: m.points,
    decisions: m.decisions,
    status: m.status,
    previousMeetingId: m.previous_meeting_id,
    revision: m.revision,
    createdBy: m.created_by,
    createdAt: m.created_at,
    updatedAt: m.updated_at,
    closedAt: m.closed_at,
    closedBy: m.closed_by,
    scope,
    participants,
  };
}

/** What `user` may do with `meeting`: read it (policy's mayReadMeeting, invited accounts too) and run it (a runner grant over its whole scope). */
export function meetingAccess(
  user: Pick<SessionUser, "grants" | "id">,
  meeting: Pick<MeetingDetail, "scope" | "participants">,
): { read: boolean; run: boolean } {
  const run = mayRunMeeting(user, meeting.scope) !== undefined;
  return { read: run || mayReadMeeting(user, meeting.scope, invitationsOf(meeting.participants)), run };
}

// ---------------------------------------------------------------------------------------------
// The list (/meetings)

export interface MeetingFilters {
  kind?: string;
  status?: string;
  period?: string;
}

export interface MeetingListRow {
  id: number;
  kind: MeetingKind;
  title: string;
  period: string;
  meetingDate: string;
  status: MeetingStatus;
  scopeNames: string[];
  packageKey: string;
}

/**
 * The meetings `user` may read, newest first: candidates are those whose scope lies in one of the
 * user's grant areas, those that invited the user or one of the units they hold a grant on; each
 * is checked with mayReadMeeting (the whole scope in one area, or an invitation).
 */
export async function listMeetings(user: SessionUser, filters: MeetingFilters = {}, db: DbOrTrx = getDb()): Promise<MeetingListRow[]> {
  const roots = areaRoots(user.grants);
  const grantUnitIds = [...new Set(user.grants.map((g) => g.orgUnitId))];
  let q = db
    .selectFrom("meeting")
    .select(["id", "kind", "title", "period", "meeting_date", "status", "package_key"])
    .where((eb) =>
      eb.or([
        eb(
          "id",
          "in",
          eb
            .selectFrom("meeting_scope")
            .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
            .select("meeting_scope.meeting_id")
            .where((inner) => inner.or(roots.map((r) => inner("org_unit.path", "like", `${r.orgPath}%`)))),
        ),
        eb("id", "in", eb.selectFrom("meeting_participant").select("meeting_id").where("user_id", "=", user.id)),
        ...(grantUnitIds.length ? [eb("id", "in", eb.selectFrom("meeting_participant").select("meeting_id").where("org_unit_id", "in", grantUnitIds))] : []),
      ]),
    );
  if (filters.kind && (MEETING_KINDS as readonly string[]).includes(filters.kind)) q = q.where("kind", "=", filters.kind as MeetingKind);
  if (filters.status && (MEETING_STATUSES as readonly string[]).includes(filters.status)) q = q.where("status", "=", filters.status as MeetingStatus);
  if (filters.period) q = q.where("period", "=", filters.period);
  const rows = await q.orderBy("meeting_date", "desc").orderBy("id", "desc").limit(LIST_LIMIT).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const scopes = await db
    .selectFrom("meeting_scope")
    .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
    .select(["meeting_scope.meeting_id", "org_unit.name", "org_unit.path", "org_unit.code"])
    .where("meeting_scope.meeting_id", "in", ids)
    .orderBy("org_unit.code")
    .execute();
  const invitations = await db
    .selectFrom("meeting_participant")
    .select(["meeting_id", "user_id as userId", "org_unit_id as orgUnitId"])
    .where("meeting_id", "in", ids)
    .where((eb) => eb.or([eb("user_id", "=", user.id), ...(grantUnitIds.length ? [eb("org_unit_id", "in", grantUnitIds)] : [])]))
    .execute();
  return rows
    .map((r) => ({ row: r, scope: scopes.filter((s) => s.meeting_id === r.id) }))
    .filter(({ row, scope }) => mayReadMeeting(user, scope, invitationsOf(invitations.filter((i) => i.meeting_id === row.id))))
    .map(({ row, scope }) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      period: row.period,
      meetingDate: row.meeting_date,
      status: row.status,
      scopeNames: scope.map((s) => s.name),
      packageKey: row.package_key,
    }));
}

// ---------------------------------------------------------------------------------------------
// The new-meeting form (/meetings/new)

export interface MeetingFormOptions {
  /** Provinces and districts the user may hold a meeting over (each alone or together). */
  scopeUnits: Array<{ code: string; name: string; level: OrgLevel; path: string }>;
  packages: Array<{ key: string; title: string; groups: Array<{ key: string; name: { id: string; en: string } }> }>;
  /** The Puskesmas inside the chosen scope, invited by default. */
  puskesmas: Array<{ code: string; name: string; district: string }>;
  /** Active accounts whose grants lie inside the chosen scope. */
  accounts: Array<{ id: number; name: string; username: string; role: string; unit: string }>;
}

/** Provinces and districts inside the user's runner grants' areas. */
export async function runnerScopeUnits(user: SessionUser, db: DbOrTrx = getDb()): Promise<MeetingFormOptions["scopeUnits"]> {
  const roots = areaRoots(user.grants.filter((g) => MEETING_RUNNER_ROLES.includes(g.role)));
  if (roots.length === 0) return [];
  const rows = await db
    .selectFrom("org_unit")
    .select(["code", "name", "level", "path"])
    .where("level", "in", [...SCOPE_LEVELS])
    .where((eb) => eb.or(roots.map((r) => eb("path", "like", `${r.orgPath}%`))))
    .execute();
  return rows.sort((a, b) => a.path.split("/").length - b.path.split("/").length || a.name.localeCompare(b.name, "id"));
}

/** Published packages (newest version of each) with their indicator groups. */
export async function packageChoices(db: DbOrTrx = getDb()): Promise<MeetingFormOptions["packages"]> {
  const keys = [...new Set((await listPackages(db)).filter((r) => r.status === "published").map((r) => r.key))];
  const out: MeetingFormOptions["packages"] = [];
  for (const key of keys) {
    const pkg = await getPublishedPackage(key, undefined, db);
    if (!pkg) continue;
    out.push({
      key,
      title: pkg.document.title.id,
      groups: pkg.document.groups.map((g) => ({ key: g.key, name: { id: g.name.id, en: g.name.en || g.name.id } })),
    });
  }
  return out;
}

/** The Puskesmas and accounts inside `scope` (already checked to lie in the user's area). */
export async function scopeInvitees(
  scope: ReadonlyArray<Pick<OrgUnit, "path">>,
  db: DbOrTrx = getDb(),
): Promise<Pick<MeetingFormOptions, "puskesmas" | "accounts">> {
  if (scope.length === 0) return { puskesmas: [], accounts: [] };
  const under = <T extends { path: string }>(u: T) => scope.some((s) => u.path.startsWith(s.path));
  const units = await db
    .selectFrom("org_unit as u")
    .leftJoin("org_unit as parent", "parent.id", "u.parent_id")
    .select(["u.code", "u.name", "u.path", "parent.name as district"])
    .where("u.level", "=", "puskesmas")
    .where((eb) => eb.or(scope.map((s) => eb("u.path", "like", `${s.path}%`))))
    .orderBy("u.code")
    .execute();
  const grants = await db
    .selectFrom("role_grant")
    .innerJoin("app_user", "app_user.id", "role_grant.user_id")
    .innerJoin("org_unit", "org_unit.id", "role_grant.org_unit_id")
    .select(["app_user.id", "app_user.display_name", "app_user.username", "role_grant.role", "org_unit.name as unit", "org_unit.path"])
    .where("app_user.active", "=", 1)
    .where((eb) => eb.or(scope.map((s) => eb("org_unit.path", "like", `${s.path}%`))))
    .orderBy("app_user.display_name")
    .execute();
  const accounts = new Map<number, MeetingFormOptions["accounts"][number]>();
  for (const g of grants.filter(under))
    if (!accounts.has(g.id)) accounts.set(g.id, { id: g.id, name: g.display_name, username: g.username, role: g.role, unit: g.unit });
  return { puskesmas: units.filter(under).map((u) => ({ code: u.code, name: u.name, district: u.district ?? "" })), accounts: [...accounts.values()] };
}

/** What the new-meeting form sends, as typed (kept when it is refused). */
export interface MeetingInput {
  kind: string;
  title: string;
  scope: string[];
  packageKey: string;
  group: string;
  period: string;
  date: string;
  location: string;
  /** Codes of the invited Puskesmas. */
  units: string[];
  /** Ids of the invited accounts, as typed. */
  accounts: string[];
  guests: Array<{ name: string; position: string }>;
}

export type CreateResult =
  { ok: true; id: number; previousMeetingId: number | null; notified: number } | { ok: false; status: number; field?: string; message: Message };

const fail = (field: string | undefined, key: MessageKey, params?: MessageParams, status = 400): CreateResult => ({
  ok: false,
  status,
  field,
  message: params ? { key, params } : { key },
});

/** Whether `value` is a real calendar date "YYYY-MM-DD". */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Creates a meeting from the form: validates every field (a Message naming the field and how to
 * fix it), checks that a runner grant of `user` holds the whole scope and that every invitee lies
 * inside it, links the latest earlier meeting with exactly the same scope and package as the
 * previous one, writes the audit row and notifies the invited accounts and the active operators
 * of the invited Puskesmas, all in one transaction.
 */
/** The narrowest unit whose subtree holds every unit of `scope` (its paths' common "/1/4/" prefix). */
function commonAncestorId(scope: ReadonlyArray<Pick<OrgUnit, "path">>): number {
  const [first, ...rest] = scope.map((u) => u.path.split("/").filter(Boolean));
  let n = first.length;
  for (const ids of rest) {
    let i = 0;
    while (i < n && i < ids.length && ids[i] === first[i]) i++;
    n = i;
  }
  return Number(first[Math.max(0, n - 1)]);
}

export async function createMeeting(user: SessionUser, input: MeetingInput, ip: string | null, db: Kysely<Database> = getDb()): Promise<CreateResult> {
  if (!(MEETING_KINDS as readonly string[]).includes(input.kind)) return fail("kind", "meetings.error.kind");
  const title = input.title.trim();
  if (!title) return fail("title", "meetings.error.titleRequired");
  if (title.length > MAX_TITLE) return fail("title", "meetings.error.tooLong", { max: MAX_TITLE });
  const scopeCodes = [...new Set(input.scope.map((c) => c.trim()).filter(Boolean))];
  if (scopeCodes.length === 0) return fail("scope", "meetings.error.scopeRequired");
  const scopeUnits = await db.selectFrom("org_unit").selectAll().where("code", "in", scopeCodes).execute();
  if (scopeUnits.length !== scopeCodes.length || scopeUnits.some((u) => !SCOPE_LEVELS.includes(u.level))) return fail("scope", "meetings.error.scopeUnknown");
  if (scopeUnits.some((a) => scopeUnits.some((b) => a.id !== b.id && a.path.startsWith(b.path)))) return fail("scope", "meetings.error.scopeNested");
  if (!mayRunMeeting(user, scopeUnits)) return fail("scope", "meetings.error.scopeOutside", undefined, 403);
  const owner = commonAncestorId(scopeUnits);
  const pkg = input.packageKey ? await getPublishedPackage(input.packageKey, undefined, db) : undefined;
  if (!pkg) return fail("package", "meetings.error.package");
  const group = input.group.trim();
  if (group && !pkg.document.groups.some((g) => g.key === group)) return fail("group", "meetings.error.group");
  const period = input.period.trim();
  if (!period) return fail("period", "meetings.error.periodRequired");
  const parsed = tryParsePeriod(period);
  if (!parsed.ok) return fail("period", "meetings.error.period", { detail: periodDetail(parsed) });
  const date = input.date.trim();
  if (!isIsoDate(date)) return fail("date", "meetings.error.date");
  const location = input.location.trim();
  if (location.length > MAX_LOCATION) return fail("location", "meetings.error.tooLong", { max: MAX_LOCATION });
  const guests = input.guests.map((g) => ({ name: g.name.trim(), position: g.position.trim() })).filter((g) => g.name || g.position);
  if (guests.length > MAX_GUESTS) return fail("guests", "meetings.error.guestsMany", { max: MAX_GUESTS });
  if (guests.some((g) => !g.name)) return fail("guests", "meetings.error.guestName");
  if (guests.some((g) => g.name.length > MAX_NAME || g.position.length > MAX_NAME)) return fail("guests", "meetings.error.tooLong", { max: MAX_NAME });

  const invitees = await scopeInvitees(scopeUnits, db);
  const unitCodes = [...new Set(input.units)];
  const allowedUnits = new Set(invitees.puskesmas.map((p) => p.code));
  if (unitCodes.some((c) => !allowedUnits.has(c))) return fail("units", "meetings.error.unitOutside");
  const accountIds = [...new Set(input.accounts.map(Number))];
  const allowedAccounts = new Set(invitees.accounts.map((a) => a.id));
  if (accountIds.some((id) => !allowedAccounts.has(id))) return fail("accounts", "meetings.error.accountOutside");

  const unitRows = unitCodes.length ? await db.selectFrom("org_unit").select(["id", "code"]).where("code", "in", unitCodes).execute() : [];
  const now = clock.iso();
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("meeting")
      .values({
        kind: input.kind as MeetingKind,
        title,
        owner_org_unit_id: owner,
        package_key: pkg.key,
        indicator_group: group || null,
        period,
        meeting_date: date,
        location: location || null,
        points: null,
        decisions: null,
        status: "open",
        previous_meeting_id: null,
        created_by: user.id,
        created_at: now,
        updated_at: now,
        closed_at: null,
        closed_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("meeting_scope")
      .values(scopeUnits.map((u) => ({ meeting_id: id, org_unit_id: u.id })))
      .execute();
    const participants = [
      ...unitRows.map((u) => ({ meeting_id: id, org_unit_id: u.id, user_id: null, name: null, position: null })),
      ...accountIds.map((uid) => ({ meeting_id: id, org_unit_id: null, user_id: uid, name: null, position: null })),
      ...guests.map((g) => ({ meeting_id: id, org_unit_id: null, user_id: null, name: g.name, position: g.position || null })),
    ];
    if (participants.length) await trx.insertInto("meeting_participant").values(participants).execute();
    const previousMeetingId = await findPreviousMeeting(
      trx,
      id,
      pkg.key,
      date,
      scopeUnits.map((u) => u.id),
    );
    if (previousMeetingId !== null) await trx.updateTable("meeting").set({ previous_meeting_id: previousMeetingId }).where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "meeting.create",
      entityType: "meeting",
      entityId: id,
      orgUnitId: owner,
      after: {
        kind: input.kind,
        title,
        scope: scopeCodes,
        package: pkg.key,
        group: group || null,
        period,
        date,
        location: location || null,
        units: unitCodes,
        accounts: accountIds,
        guests: guests.length,
        previousMeetingId,
      },
      ip,
    });
    const operatorIds = (await Promise.all(unitRows.map((u) => operatorsOf(trx, u.id)))).flat();
    const notified = await notify(trx, [...accountIds, ...operatorIds], {
      kind: "meeting_invitation",
      eventKey: `meeting_invitation:${id}`,
      params: { title, date },
      link: `/meetings/${id}`,
      orgUnitId: owner,
    });
    return { ok: true as const, id, previousMeetingId, notified };
  });
}

/**
 * The meeting a new one follows up: the latest earlier meeting (by date, then by creation) with
 * exactly the same scope units and the same package, or null.
 */
export async function findPreviousMeeting(
  db: DbOrTrx,
  meetingId: number,
  packageKey: string,
  date: string,
  scopeIds: readonly number[],
): Promise<number | null> {
  const wanted = [...scopeIds].sort((a, b) => a - b).join(",");
  const candidates = await db
    .selectFrom("meeting")
    .innerJoin("meeting_scope", "meeting_scope.meeting_id", "meeting.id")
    .select(["meeting.id", "meeting.meeting_date"])
    .where("meeting.package_key", "=", packageKey)
    .where("meeting.id", "!=", meetingId)
    .where((eb) => eb.or([eb("meeting.meeting_date", "<", date), eb.and([eb("meeting.meeting_date", "=", date), eb("meeting.id", "<", meetingId)])]))
    .where("meeting_scope.org_unit_id", "=", scopeIds[0])
    .orderBy("meeting.meeting_date", "desc")
    .orderBy("meeting.id", "desc")
    .limit(50)
    .execute();
  if (candidates.length === 0) return null;
  const scopes = await db
    .selectFrom("meeting_scope")
    .select(["meeting_id", "org_unit_id"])
    .where(
      "meeting_id",
      "in",
      candidates.map((c) => c.id),
    )
    .execute();
  for (const c of candidates) {
    const set = scopes
      .filter((s) => s.meeting_id === c.id)
      .map((s) => s.org_unit_id)
      .sort((a, b) => a - b)
      .join(",");
    if (set === wanted) return c.id;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Editing a meeting (/meetings/<id>)

export type EditResult = { ok: true; revision: number; message: Message } | { ok: false; status: number; message: Message; field?: string };

const refuse = (status: number, key: MessageKey, field?: string): EditResult => ({ ok: false, status, message: { key }, field });

/** The meeting for an edit by `user`: 404 unknown, 403 not a runner of its scope, 409 closed. */
async function editable(db: DbOrTrx, user: SessionUser, id: number): Promise<{ meeting: MeetingDetail } | { refused: EditResult }> {
  const meeting = await getMeeting(db, id);
  if (!meeting) return { refused: refuse(404, "meetings.error.notFound") };
  if (!meetingAccess(user, meeting).run) return { refused: refuse(403, "meetings.error.notRunner") };
  if (meeting.status === "closed") return { refused: refuse(409, "meetings.error.closed") };
  return { meeting };
}

/**
 * Saves the points discussed and the decisions when `revision` is still the meeting's (the
 * update's WHERE checks it, so of two runners saving the same revision exactly one wins); a stale
 * revision is a 409 and the caller keeps the typed text.
 */
export async function saveMeetingNotes(
  user: SessionUser,
  id: number,
  input: { points: string; decisions: string; revision: number },
  ip: string | null,
  db: Kysely<Database> = getDb(),
): Promise<EditResult> {
  if (input.points.length > MAX_NOTES)
    return { ok: false, status: 400, field: "points", message: { key: "meetings.error.tooLong", params: { max: MAX_NOTES } } };
  if (input.decisions.length > MAX_NOTES)
    return { ok: false, status: 400, field: "decisions", message: { key: "meetings.error.tooLong", params: { max: MAX_NOTES } } };
  return db.transaction().execute(async (trx) => {
    const found = await editable(trx, user, id);
    if ("refused" in found) return found.refused;
    const { meeting } = found;
    if (!Number.isInteger(input.revision) || input.revision !== meeting.revision) return refuse(409, "meetings.error.stale");
    const points = input.points.trim() ? input.points : null;
    const decisions = input.decisions.trim() ? input.decisions : null;
    const result = await trx
      .updateTable("meeting")
      .set({ points, decisions, revision: meeting.revision + 1, updated_at: clock.iso() })
      .where("id", "=", id)
      .where("revision", "=", input.revision)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return refuse(409, "meetings.error.stale");
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "meeting.notes",
      entityType: "meeting",
      entityId: id,
      orgUnitId: meeting.ownerOrgUnitId,
      before: { points: meeting.points, decisions: meeting.decisions, revision: meeting.revision },
      after: { points, decisions, revision: meeting.revision + 1 },
      ip,
    });
    return { ok: true, revision: meeting.revision + 1, message: { key: "meetings.saved.notes" } };
  });
}

/** Ticks attendance: exactly the participants in `attendedIds` attended (ids of other meetings are ignored). */
export async function saveAttendance(
  user: SessionUser,
  id: number,
  attendedIds: readonly number[],
  ip: string | null,
  db: Kysely<Database> = getDb(),
): Promise<EditResult> {
  return db.transaction().execute(async (trx) => {
    const found = await editable(trx, user, id);
    if ("refused" in found) return found.refused;
    const { meeting } = found;
    const wanted = new Set(attendedIds);
    const before = meeting.participants.filter((p) => p.attended).map((p) => p.id);
    const after = meeting.participants.filter((p) => wanted.has(p.id)).map((p) => p.id);
    const yes = after;
    const no = meeting.participants.filter((p) => !wanted.has(p.id)).map((p) => p.id);
    // Written first and only while open: on PostgreSQL this also locks the row, so a close committed meanwhile is seen.
    const open = await trx.updateTable("meeting").set({ updated_at: clock.iso() }).where("id", "=", id).where("status", "=", "open").executeTakeFirst();
    if (Number(open.numUpdatedRows) !== 1) return refuse(409, "meetings.error.closed");
    if (yes.length) await trx.updateTable("meeting_participant").set({ attended: 1 }).where("meeting_id", "=", id).where("id", "in", yes).execute();
    if (no.length) await trx.updateTable("meeting_participant").set({ attended: 0 }).where("meeting_id", "=", id).where("id", "in", no).execute();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "meeting.attendance",
      entityType: "meeting",
      entityId: id,
      orgUnitId: meeting.ownerOrgUnitId,
      before: { attended: before },
      after: { attended: after },
      ip,
    });
    return { ok: true, revision: meeting.revision, message: { key: "meetings.saved.attendance" } };
  });
}

/** Closes the meeting (its notes as of `revision`); afterwards every edit is refused. */
export async function closeMeeting(user: SessionUser, id: number, revision: number, ip: string | null, db: Kysely<Database> = getDb()): Promise<EditResult> {
  return db.transaction().execute(async (trx) => {
    const found = await editable(trx, user, id);
    if ("refused" in found) return found.refused;
    const { meeting } = found;
    if (revision !== meeting.revision) return refuse(409, "meetings.error.staleClose");
    const at = clock.iso();
    const result = await trx
      .updateTable("meeting")
      .set({ status: "closed", closed_at: at, closed_by: user.id, revision: meeting.revision + 1, updated_at: at })
      .where("id", "=", id)
      .where("revision", "=", revision)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return refuse(409, "meetings.error.staleClose");
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "meeting.close",
      entityType: "meeting",
      entityId: id,
      orgUnitId: meeting.ownerOrgUnitId,
      before: { status: "open", revision },
      after: { status: "closed", revision: revision + 1 },
      ip,
    });
    return { ok: true, revision: revision + 1, message: { key: "meetings.saved.closed" } };
  });
}
