/**
 * What a meeting agreed and what became of the previous meeting's actions
 * (docs/decisions/028-meeting-follow-up.md): the follow-up actions of a meeting, and for the
 * meeting it follows up, each action's status and how its cell's indicator moved between the
 * value kept when it was agreed (`baseline_value`) and the value of the same cell in this
 * meeting's period, computed by the scorecard engine (the same numbers the scorecard shows).
 */
import type { DbOrTrx } from "~/auth/audit.server";
import type { ActionStatus, MeetingKind } from "~/db/schema";
import { clock } from "~/utils/clock.server";
import { cellKey } from "./action-markers.server";
import { getOrgsByIds } from "./org.server";
import { buildScorecard } from "./scorecard.server";
import { getPublishedPackage } from "./templates.server";
import type { MeetingDetail } from "./meetings.server";

export interface CellValue {
  value: number | null;
  /** "green", "yellow" or "red" when the cell has a colour; null otherwise (no data, no target, incomplete). */
  colour: string | null;
}

const COLOURS = new Set(["green", "yellow", "red"]);

/**
 * The scorecard value and colour of each cell (unit × indicator) of `packageKey` in `period`,
 * keyed by `cellKey`. Each unit is read as a row of its parent's scorecard, as the scorecard page
 * shows it (so cached results are shared). A cell the engine cannot compute (unknown package,
 * period or indicator, a unit without a parent) is `{ value: null, colour: null }`. The caller
 * has checked that the reader may see these cells.
 */
export async function cellValues(
  db: DbOrTrx,
  query: { packageKey: string; period: string; cells: ReadonlyArray<{ orgUnitId: number; indicatorKey: string }> },
): Promise<Map<string, CellValue>> {
  const out = new Map<string, CellValue>();
  for (const c of query.cells) out.set(cellKey(c.orgUnitId, c.indicatorKey), { value: null, colour: null });
  if (query.cells.length === 0) return out;
  const units = await getOrgsByIds(db, [...new Set(query.cells.map((c) => c.orgUnitId))]);
  const parents = await getOrgsByIds(db, [...new Set(units.map((u) => u.parent_id).filter((id): id is number => id !== null))]);
  const parentById = new Map(parents.map((p) => [p.id, p]));
  const byParent = new Map<string, Array<{ orgUnitId: number; code: string; indicatorKey: string }>>();
  for (const c of query.cells) {
    const unit = units.find((u) => u.id === c.orgUnitId);
    const parent = unit?.parent_id != null ? parentById.get(unit.parent_id) : undefined;
    if (!unit || !parent) continue;
    const list = byParent.get(parent.code) ?? [];
    list.push({ orgUnitId: c.orgUnitId, code: unit.code, indicatorKey: c.indicatorKey });
    byParent.set(parent.code, list);
  }
  for (const [parentCode, cells] of byParent) {
    let result;
    try {
      result = await buildScorecard({ packageKey: query.packageKey, period: query.period, parentCode }, db);
    } catch {
      // An unreadable period, a package no longer published: the cells stay "no data".
      continue;
    }
    for (const c of cells) {
      const row = result.scorecard.rows.find((r) => r.code === c.code);
      const cell = row?.cells.find((x) => x.indicator === c.indicatorKey);
      if (cell) out.set(cellKey(c.orgUnitId, c.indicatorKey), { value: cell.value, colour: COLOURS.has(cell.state) ? cell.state : null });
    }
  }
  return out;
}

export interface MeetingActionRow {
  id: number;
  problem: string;
  cause: string | null;
  plan: string;
  unitName: string;
  responsibleUnitName: string;
  responsiblePerson: string | null;
  packageKey: string | null;
  indicatorKey: string | null;
  /** The indicator's name in both languages (from the package), when the action sits on a cell. */
  indicatorName: { id: string; en: string } | null;
  /** The indicator is better when lower (its `direction`). */
  lowerIsBetter: boolean;
  orgUnitId: number;
  period: string | null;
  baselineValue: number | null;
  dueDate: string;
  status: ActionStatus;
  /** Done and confirmed by the district. */
  verified: boolean;
  /** Planned or in progress after its due date. */
  overdue: boolean;
}

/** The follow-up actions agreed at a meeting, by due date. */
export async function listMeetingActions(db: DbOrTrx, meetingId: number): Promise<MeetingActionRow[]> {
  const rows = await db
    .selectFrom("follow_up_action as a")
    .innerJoin("org_unit as u", "u.id", "a.org_unit_id")
    .innerJoin("org_unit as r", "r.id", "a.responsible_org_unit_id")
    .select([
      "a.id",
      "a.problem",
      "a.cause",
      "a.plan",
      "a.org_unit_id",
      "a.package_key",
      "a.indicator_key",
      "a.period",
      "a.baseline_value",
      "a.responsible_person",
      "a.due_date",
      "a.status",
      "a.verified_at",
      "u.name as unit_name",
      "r.name as responsible_name",
    ])
    .where("a.meeting_id", "=", meetingId)
    .orderBy("a.due_date")
    .orderBy("a.id")
    .execute();
  const today = clock.today();
  const names = new Map<string, Map<string, { id: string; en: string; lowerIsBetter: boolean }>>();
  for (const key of new Set(rows.map((r) => r.package_key).filter((k): k is string => k !== null))) {
    const pkg = await getPublishedPackage(key, undefined, db);
    names.set(
      key,
      new Map((pkg?.document.indicators ?? []).map((i) => [i.key, { id: i.name.id, en: i.name.en || i.name.id, lowerIsBetter: i.direction === "lower" }])),
    );
  }
  const indicatorOf = (r: { package_key: string | null; indicator_key: string | null }) => {
    const found = r.package_key && r.indicator_key ? names.get(r.package_key)?.get(r.indicator_key) : undefined;
    return found ? { name: { id: found.id, en: found.en }, lowerIsBetter: found.lowerIsBetter } : undefined;
  };
  return rows.map((r) => ({
    id: r.id,
    problem: r.problem,
    cause: r.cause,
    plan: r.plan,
    unitName: r.unit_name,
    responsibleUnitName: r.responsible_name,
    responsiblePerson: r.responsible_person,
    packageKey: r.package_key,
    indicatorKey: r.indicator_key,
    indicatorName: indicatorOf(r)?.name ?? null,
    lowerIsBetter: indicatorOf(r)?.lowerIsBetter ?? false,
    orgUnitId: r.org_unit_id,
    period: r.period,
    baselineValue: r.baseline_value === null ? null : Number(r.baseline_value),
    dueDate: r.due_date,
    status: r.status,
    verified: r.verified_at !== null,
    overdue: (r.status === "planned" || r.status === "in_progress") && r.due_date < today,
  }));
}

export type Movement = "up" | "down" | "same" | "nodata" | "none";

export interface FollowUpRow extends MeetingActionRow {
  /** The cell's value in the following meeting's period; null without data. */
  nowValue: number | null;
  nowColour: string | null;
  /** now − baseline; null when either is missing. */
  change: number | null;
  /** "none": the action is on the meeting as a whole, not on a cell. */
  movement: Movement;
  /** What the movement means given the indicator's direction (a falling value is better when lower is better); null without a movement. */
  verdict: "better" | "worse" | null;
}

export interface PreviousMeetingFollowUp {
  meeting: { id: number; kind: MeetingKind; title: string; meetingDate: string; period: string; status: string };
  /** The period the "now" values are of (the following meeting's). */
  period: string;
  actions: FollowUpRow[];
}

/**
 * The previous meeting's actions with how each cell's indicator moved from its baseline to
 * `meeting`'s period; undefined when `meeting` follows up none. The reader of `meeting` reads the
 * previous one's actions too: both have exactly the same scope.
 */
export async function previousMeetingFollowUp(
  db: DbOrTrx,
  meeting: Pick<MeetingDetail, "previousMeetingId" | "period">,
): Promise<PreviousMeetingFollowUp | undefined> {
  if (meeting.previousMeetingId === null) return undefined;
  const prev = await db
    .selectFrom("meeting")
    .select(["id", "kind", "title", "meeting_date", "period", "status"])
    .where("id", "=", meeting.previousMeetingId)
    .executeTakeFirst();
  if (!prev) return undefined;
  const actions = await listMeetingActions(db, prev.id);
  const byPackage = new Map<string, Array<{ orgUnitId: number; indicatorKey: string }>>();
  for (const a of actions) {
    if (!a.packageKey || !a.indicatorKey) continue;
    const list = byPackage.get(a.packageKey) ?? [];
    list.push({ orgUnitId: a.orgUnitId, indicatorKey: a.indicatorKey });
    byPackage.set(a.packageKey, list);
  }
  const values = new Map<string, Map<string, CellValue>>();
  for (const [packageKey, cells] of byPackage) values.set(packageKey, await cellValues(db, { packageKey, period: meeting.period, cells }));
  const rows: FollowUpRow[] = actions.map((a) => {
    if (!a.packageKey || !a.indicatorKey) return { ...a, nowValue: null, nowColour: null, change: null, movement: "none", verdict: null };
    const now = values.get(a.packageKey)?.get(cellKey(a.orgUnitId, a.indicatorKey)) ?? { value: null, colour: null };
    const change = now.value !== null && a.baselineValue !== null ? now.value - a.baselineValue : null;
    // "Same" below the precision the value is shown with (one decimal).
    const movement: Movement = change === null ? "nodata" : Math.abs(change) < 0.05 ? "same" : change > 0 ? "up" : "down";
    const verdict = movement === "up" || movement === "down" ? ((movement === "up") !== a.lowerIsBetter ? "better" : "worse") : null;
    return { ...a, nowValue: now.value, nowColour: now.colour, change, movement, verdict };
  });
  return {
    meeting: { id: prev.id, kind: prev.kind, title: prev.title, meetingDate: prev.meeting_date, period: prev.period, status: prev.status },
    period: meeting.period,
    actions: rows,
  };
}
