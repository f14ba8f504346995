/**
 * The audit log (docs/security.md item 18): one helper, called with the same transaction as the
 * change it records, so a change and its audit row commit or roll back together.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "~/db/schema";
import { nowIso } from "~/db/db.server";

export type DbOrTrx = Kysely<Database> | Transaction<Database>;

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  orgUnitId?: number | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  /** The API token the change came through (docs/decisions/047-api-tokens.md). */
  apiTokenId?: number | null;
}

/** The audit_log row of an entry: one shape for single writes and batches. */
export function auditRow(entry: AuditEntry, at: string = nowIso()) {
  return {
    at,
    actor_user_id: entry.actorUserId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    org_unit_id: entry.orgUnitId ?? null,
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
    ip: entry.ip ?? null,
    api_token_id: entry.apiTokenId ?? null,
  };
}

export async function writeAudit(db: DbOrTrx, entry: AuditEntry): Promise<void> {
  await db.insertInto("audit_log").values(auditRow(entry)).execute();
}
