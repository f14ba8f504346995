/**
 * Which scorecard cells carry follow-up actions (docs/decisions/027-meetings-and-actions.md): the
 * scorecard and presentation pages mark a cell (unit × indicator × period) that has any, and say
 * when one is overdue. Cancelled actions do not mark a cell. The overdue rule lives here, once, for
 * the queries (`overdueSql`) and for rows already read (`isOverdue`).
 */
import { sql, type RawBuilder } from "kysely";
import type { DbOrTrx } from "~/auth/audit.server";
import type { ActionStatus } from "~/db/schema";
import { clock } from "~/utils/clock.server";

/** The statuses of an action still to be done: planned or in progress. */
export const OPEN_STATUSES: readonly ActionStatus[] = ["planned", "in_progress"];

/** An action is overdue when it is planned or in progress after its due date (`today`, YYYY-MM-DD). */
export const isOverdue = (a: { status: ActionStatus; due_date: string }, today = clock.today()): boolean =>
  OPEN_STATUSES.includes(a.status) && a.due_date < today;

/** `isOverdue` as an SQL condition on the columns `status` and `dueDate` (e.g. "a.status", "a.due_date"). */
export function overdueSql(status: string, dueDate: string, today = clock.today()): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(status)} in (${sql.join([...OPEN_STATUSES])}) and ${sql.ref(dueDate)} < ${today})`;
}

export interface CellActionMarker {
  /** Actions not cancelled. */
  total: number;
  /** Planned or in progress. */
  open: number;
  /** Open and past their due date. */
  overdue: number;
}

/** The key of a cell in `actionMarkers`' map. */
export const cellKey = (orgUnitId: number, indicatorKey: string) => `${orgUnitId}:${indicatorKey}`;

/** Markers for the cells of `packageKey` × `period` on `orgUnitIds`, keyed by `cellKey`. */
export async function actionMarkers(
  db: DbOrTrx,
  query: { packageKey: string; period: string; orgUnitIds: readonly number[] },
): Promise<Map<string, CellActionMarker>> {
  const markers = new Map<string, CellActionMarker>();
  if (query.orgUnitIds.length === 0) return markers;
  const today = clock.today();
  // Chunked: a national view passes a few hundred units; keep each IN list well under the drivers' limits.
  for (let i = 0; i < query.orgUnitIds.length; i += 500) {
    const rows = await db
      .selectFrom("follow_up_action")
      .select(["org_unit_id", "indicator_key", "status", "due_date"])
      .where("package_key", "=", query.packageKey)
      .where("period", "=", query.period)
      .where("indicator_key", "is not", null)
      .where("status", "!=", "cancelled")
      .where("org_unit_id", "in", query.orgUnitIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const key = cellKey(r.org_unit_id, r.indicator_key!);
      const m = markers.get(key) ?? { total: 0, open: 0, overdue: 0 };
      m.total += 1;
      if (OPEN_STATUSES.includes(r.status)) {
        m.open += 1;
        if (isOverdue(r, today)) m.overdue += 1;
      }
      markers.set(key, m);
    }
  }
  return markers;
}
