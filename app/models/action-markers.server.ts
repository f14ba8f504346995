/**
 * Which scorecard cells carry follow-up actions (docs/decisions/027-meetings-and-actions.md): the
 * scorecard, compare and presentation pages mark a cell (unit × indicator × period) that has any,
 * and say when one is overdue. Cancelled actions do not mark a cell.
 */
import type { DbOrTrx } from "~/auth/audit.server";
import { clock } from "~/utils/clock.server";

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
      if (r.status === "planned" || r.status === "in_progress") {
        m.open += 1;
        if (r.due_date < today) m.overdue += 1;
      }
      markers.set(key, m);
    }
  }
  return markers;
}
