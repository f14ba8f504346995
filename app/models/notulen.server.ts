/**
 * The meeting record (notulen) of an evaluation meeting, Lokmin or kaji banding
 * (docs/decisions/027-meetings-and-actions.md, 031-notulen-pdf.md): everything the PDF and the XLSX
 * show, read straight from the meeting tables and computed with the same scorecard functions as
 * /scorecards and its export, in the reader's language. Rendering is elsewhere
 * (notulen-pdf.server.ts, notulen-xlsx.server.ts), pure functions of `NotulenData`.
 */
import type { CellState } from "@engine";
import { invitationsOf, mayReadMeeting } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import type { ActionStatus, MeetingKind, MeetingStatus, OrgUnit } from "~/db/schema";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { translate } from "~/i18n/catalog";
import { localeOf, MessageError } from "~/i18n/message";
import { periodName, type ScorecardSelection } from "~/contracts/scorecard";
import { clock } from "~/utils/clock.server";
import { buildScorecard } from "./scorecard.server";
import { meetingQuery } from "./presentation.server";
import { selectionProblem, toView } from "./scorecard-view.server";
import { getPublishedPackage } from "./templates.server";
import { renderNotulenPdf } from "./notulen-pdf.server";
import { renderNotulenXlsx } from "./notulen-xlsx.server";

export interface NotulenPerson {
  name: string;
  position: string | null;
  unit: string | null;
}

export interface NotulenCell {
  state: CellState;
  /** Formatted in the reader's language; "–" without a value. */
  value: string;
}

export interface NotulenRow {
  code: string;
  name: string;
  cells: NotulenCell[];
  /**
   * Reports received of those expected for the row's least complete indicator ("7/9": of the nine
   * reports its forms expected in the period, seven came in); null when none was expected.
   */
  reports: { reported: number; expected: number } | null;
}

export interface NotulenScorecard {
  columns: Array<{ key: string; name: string; unit: string | null }>;
  rows: NotulenRow[];
  /** The scope's total row (the district or province as a whole). */
  totalRow: NotulenRow;
}

export interface NotulenAction {
  /** The cell's unit and indicator, or the unit alone for an action on the meeting as a whole. */
  unit: string;
  indicator: string | null;
  problem: string;
  cause: string | null;
  plan: string;
  responsibleUnit: string;
  person: string | null;
  /** "YYYY-MM-DD". */
  dueDate: string;
  status: ActionStatus;
  verified: boolean;
}

/** Everything a notulen shows, already in the reader's language. */
export interface NotulenData {
  meetingId: number;
  title: string;
  kind: MeetingKind;
  status: MeetingStatus;
  scopeNames: string[];
  packageKey: string;
  packageTitle: string;
  /** The indicator group's name, or null for all the package's indicators. */
  groupName: string | null;
  period: string;
  periodLabel: string;
  /** "YYYY-MM-DD". */
  meetingDate: string;
  location: string | null;
  attendees: NotulenPerson[];
  absent: NotulenPerson[];
  points: string | null;
  decisions: string | null;
  /** Null when the scorecard cannot be built (package withdrawn, bad period): `scorecardProblem` says why. */
  scorecard: NotulenScorecard | null;
  scorecardProblem: string | null;
  actions: NotulenAction[];
  /** ISO UTC, from the clock. */
  generatedAt: string;
  generatedBy: string;
}

/** An unknown meeting (404) or one the reader may not read (403), with the message in the reader's language. */
export class NotulenProblem extends MessageError {}

/** A meeting id from the URL: a positive integer, else null (the route answers 404). */
export function parseMeetingId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

/**
 * The notulen of meeting `meetingId` for `reader` (who must be allowed to read the meeting:
 * `mayReadMeeting` with the scope's paths and the invited accounts), or a thrown NotulenProblem.
 */
export async function loadNotulen(db: DbOrTrx, meetingId: number, reader: Pick<SessionUser, "id" | "grants" | "displayName" | "locale">): Promise<NotulenData> {
  const locale = localeOf(reader);
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const meeting = await db.selectFrom("meeting").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) throw new NotulenProblem("notulen.error.unknown", {}, 404);
  const scope = await db
    .selectFrom("meeting_scope as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .selectAll("o")
    .where("s.meeting_id", "=", meetingId)
    .orderBy("o.code")
    .execute();
  const participants = await db
    .selectFrom("meeting_participant as p")
    .leftJoin("app_user as u", "u.id", "p.user_id")
    .leftJoin("org_unit as o", "o.id", "p.org_unit_id")
    .select(["p.id", "p.user_id", "p.org_unit_id", "p.name", "p.position", "p.attended", "u.display_name", "o.name as unit_name"])
    .where("p.meeting_id", "=", meetingId)
    .orderBy("p.id")
    .execute();
  const invited = invitationsOf(participants.map((p) => ({ userId: p.user_id, orgUnitId: p.org_unit_id })));
  if (!mayReadMeeting(reader, scope, invited)) throw new NotulenProblem("notulen.error.forbidden", {}, 403);

  const pkg = await getPublishedPackage(meeting.package_key, undefined, db);
  const doc = pkg?.document;
  const pick = (n: { id: string; en?: string }) => (locale === "en" && n.en ? n.en : n.id);
  const group = meeting.indicator_group ? doc?.groups.find((g) => g.key === meeting.indicator_group) : undefined;
  const indicatorNames = new Map((doc?.indicators ?? []).map((i) => [i.key, pick(i.name)]));

  // An invited account without a unit on the invitation: the unit of its narrowest grant.
  const grantUnit = new Map<number, { name: string; depth: number }>();
  const bare = participants.flatMap((p) => (p.user_id !== null && p.unit_name === null ? [p.user_id] : []));
  if (bare.length > 0) {
    const grants = await db
      .selectFrom("role_grant as g")
      .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
      .select(["g.user_id", "o.name", "o.depth"])
      .where("g.user_id", "in", bare)
      .execute();
    for (const g of grants) {
      const known = grantUnit.get(g.user_id);
      if (!known || g.depth > known.depth || (g.depth === known.depth && g.name < known.name)) grantUnit.set(g.user_id, { name: g.name, depth: g.depth });
    }
  }
  const person = (p: (typeof participants)[number]): NotulenPerson => ({
    name: p.name ?? p.display_name ?? p.unit_name ?? "–",
    position: p.position,
    unit: p.unit_name ?? (p.user_id !== null ? (grantUnit.get(p.user_id)?.name ?? null) : null),
  });

  const actions = await db
    .selectFrom("follow_up_action as a")
    .innerJoin("org_unit as cell", "cell.id", "a.org_unit_id")
    .innerJoin("org_unit as r", "r.id", "a.responsible_org_unit_id")
    .leftJoin("app_user as u", "u.id", "a.responsible_user_id")
    .select([
      "a.id",
      "a.indicator_key",
      "a.problem",
      "a.cause",
      "a.plan",
      "a.responsible_person",
      "a.due_date",
      "a.status",
      "a.verified_at",
      "cell.name as cell_name",
      "r.name as responsible_name",
      "u.display_name as user_name",
    ])
    .where("a.meeting_id", "=", meetingId)
    .orderBy("a.id")
    .execute();

  let scorecard: NotulenScorecard | null = null;
  let scorecardProblem: string | null = null;
  try {
    scorecard = await meetingScorecard(db, meeting, scope, locale);
  } catch (e) {
    scorecardProblem = t("notulen.noScorecard", { reason: selectionProblem(e, locale).message });
  }

  return {
    meetingId: meeting.id,
    title: meeting.title,
    kind: meeting.kind,
    status: meeting.status,
    scopeNames: scope.map((u) => u.name),
    packageKey: meeting.package_key,
    packageTitle: pkg ? `${pkg.document.title ? pick(pkg.document.title) : meeting.package_key}` : meeting.package_key,
    groupName: meeting.indicator_group ? (group ? pick(group.name) : meeting.indicator_group) : null,
    period: meeting.period,
    periodLabel: safePeriodName(meeting.period, t),
    meetingDate: meeting.meeting_date,
    location: meeting.location,
    attendees: participants.filter((p) => Number(p.attended) === 1).map(person),
    absent: participants.filter((p) => Number(p.attended) !== 1).map(person),
    points: meeting.points,
    decisions: meeting.decisions,
    scorecard,
    scorecardProblem,
    actions: actions.map((a) => ({
      unit: a.cell_name,
      indicator: a.indicator_key ? (indicatorNames.get(a.indicator_key) ?? a.indicator_key) : null,
      problem: a.problem,
      cause: a.cause,
      plan: a.plan,
      responsibleUnit: a.responsible_name,
      person: a.responsible_person ?? a.user_name,
      dueDate: a.due_date,
      status: a.status,
      verified: a.verified_at !== null,
    })),
    generatedAt: clock.iso(),
    generatedBy: reader.displayName,
  };
}

function safePeriodName(period: string, t: (key: MessageKey, vars?: Record<string, string | number>) => string): string {
  try {
    return periodName(period, t);
  } catch {
    return period;
  }
}

/**
 * The scorecard of the meeting's scope and period, as the meeting's slides show it
 * (`meetingQuery`: one unit's children, several units side by side), columns the package's
 * indicators or its group's. Built by `buildScorecard` and ordered by `toView`, as on /scorecards.
 */
async function meetingScorecard(
  db: DbOrTrx,
  meeting: { package_key: string; period: string; indicator_group: string | null },
  scope: OrgUnit[],
  locale: Locale,
): Promise<NotulenScorecard | null> {
  if (scope.length === 0) return null;
  const query = meetingQuery(meeting, scope);
  const result = await buildScorecard(query, db);
  const sel: ScorecardSelection = {
    template: meeting.package_key,
    period: meeting.period,
    ytd: undefined,
    parent: query.parentCode ?? null,
    level: query.level ?? null,
    group: meeting.indicator_group,
    orgGroup: null,
    sort: "name",
    dir: "asc",
    limit: null,
    transpose: false,
    basis: "nearest",
  };
  const view = toView(result, sel, locale);
  const engineRows = new Map([...result.scorecard.rows, result.scorecard.total].map((r) => [r.code, r]));
  const mkRow = (r: (typeof view.rows)[number]): NotulenRow => ({
    code: r.code,
    name: r.name,
    cells: r.cells.map((c) => ({ state: c.state, value: c.value })),
    reports: leastComplete(engineRows.get(r.code)?.cells ?? []),
  });
  return {
    columns: view.columns.map((c) => ({ key: c.key, name: c.name, unit: c.unit })),
    rows: view.rows.map(mkRow),
    totalRow: mkRow(view.total),
  };
}

/** The reports of a row's least complete indicator (lowest reported ÷ expected); null when no indicator expected any. */
function leastComplete(cells: ReadonlyArray<{ reported: number; expected: number }>): NotulenRow["reports"] {
  let worst: NotulenRow["reports"] = null;
  for (const c of cells) {
    if (c.expected <= 0) continue;
    if (!worst || c.reported / c.expected < worst.reported / worst.expected) worst = { reported: c.reported, expected: c.expected };
  }
  return worst;
}

/** The download's file name: notulen-<date>-<kind>.<ext>, safe characters only. */
export function notulenFileName(data: Pick<NotulenData, "meetingDate" | "kind">, ext: "pdf" | "xlsx"): string {
  const kind = { evaluation: "rapat-evaluasi", lokmin: "lokmin", benchmark: "kaji-banding" }[data.kind] ?? "rapat";
  return `notulen-${data.meetingDate}-${kind}.${ext}`.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/**
 * The routes' answer: the notulen of meeting `rawId` as a PDF or XLSX download for the signed-in
 * `user`, audited; a malformed or unknown id is 404, a meeting the user may not read 403, both
 * as text in the user's language.
 */
export async function notulenDownload(db: DbOrTrx, user: SessionUser, rawId: string | undefined, format: "pdf" | "xlsx", ip: string | null): Promise<Response> {
  const locale = localeOf(user);
  const id = parseMeetingId(rawId);
  if (id === null) return plain(404, translate(locale, "notulen.error.unknown"));
  let data: NotulenData;
  try {
    data = await loadNotulen(db, id, user);
  } catch (e) {
    if (e instanceof NotulenProblem) return plain(e.status, e.for(user));
    throw e;
  }
  const body: ArrayBuffer = format === "pdf" ? new Uint8Array(await renderNotulenPdf(data, locale)).slice().buffer : await renderNotulenXlsx(data, locale);
  await writeAudit(db, {
    actorUserId: user.id,
    action: "meeting.notulen",
    entityType: "meeting",
    entityId: id,
    after: { format, bytes: body.byteLength, actions: data.actions.length },
    ip,
  });
  return new Response(body, {
    headers: {
      "Content-Type": format === "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${notulenFileName(data, format)}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
