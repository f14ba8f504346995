/**
 * Notifications (docs/decisions/027-meetings-and-actions.md): one row per person and event, made
 * in the same transaction as the change that causes it. (user_id, event_key) is unique, so an
 * event reaches a person once however many times, and on however many app instances, it is
 * raised. What is shown is rendered from `kind` and `params` in the reader's language.
 */
import type { DbOrTrx } from "~/auth/audit.server";
import type { NotificationKind } from "~/db/schema";
import { clock } from "~/utils/clock.server";

export interface NotificationEvent {
  kind: NotificationKind;
  /** Unique per person: "action_assigned:42", "meeting_invitation:7". */
  eventKey: string;
  /** Message parameters (titles, names, dates); rendered when shown. */
  params: Record<string, string | number>;
  /** An app path ("/actions/42"); never an outside address. */
  link?: string | null;
  orgUnitId?: number | null;
}

/** Records `event` for each of `userIds` (duplicates and people who already have it are skipped); returns how many were new. */
export async function notify(db: DbOrTrx, userIds: readonly number[], event: NotificationEvent): Promise<number> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return 0;
  const at = clock.iso();
  const rows = ids.map((userId) => ({
    user_id: userId,
    kind: event.kind,
    event_key: event.eventKey,
    params_json: JSON.stringify(event.params),
    link: event.link ?? null,
    org_unit_id: event.orgUnitId ?? null,
    created_at: at,
  }));
  const result = await db
    .insertInto("notification")
    .values(rows)
    .onConflict((oc) => oc.columns(["user_id", "event_key"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** The active accounts holding a Puskesmas-operator grant on `orgUnitId`: who answers for that unit's reports and actions. */
export async function operatorsOf(db: DbOrTrx, orgUnitId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("role_grant")
    .innerJoin("app_user", "app_user.id", "role_grant.user_id")
    .select("app_user.id")
    .where("role_grant.org_unit_id", "=", orgUnitId)
    .where("role_grant.role", "=", "puskesmas_operator")
    .where("app_user.active", "=", 1)
    .execute();
  return rows.map((r) => r.id);
}
