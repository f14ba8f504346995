/**
 * Backfill (docs/decisions/018-backfill.md): the import paths (web job, CLI) in a mode where a
 * Dinkes admin files reports of periods past their deadline for their own area, with a reason.
 * The exemption itself lives with the deadline check (`Backfill` in locks.server.ts, judged inside
 * the write transaction); who may backfill where is `backfillScope` in app/auth/policy.server.ts;
 * this module checks the reason and reads back what a backfill job stored.
 */
import { getDb } from "~/db/db.server";
import type { MessageKey } from "~/i18n/catalog";
import { MAX_REASON_CHARS } from "./locks.server";

export const BACKFILL_REASON_MIN = 10;
export const BACKFILL_REASON_MAX = MAX_REASON_CHARS;

export type ReasonCheck = { ok: true; reason: string } | { ok: false; key: MessageKey; vars: Record<string, number> };

/** The reason trimmed, or why it is refused (empty, shorter than 10 or longer than 500 characters). */
export function checkBackfillReason(raw: string | null | undefined): ReasonCheck {
  const reason = (raw ?? "").trim();
  const vars = { min: BACKFILL_REASON_MIN, max: BACKFILL_REASON_MAX, length: reason.length };
  if (reason.length === 0) return { ok: false, key: "backfill.reason.missing", vars };
  if (reason.length < BACKFILL_REASON_MIN) return { ok: false, key: "backfill.reason.short", vars };
  if (reason.length > BACKFILL_REASON_MAX) return { ok: false, key: "backfill.reason.long", vars };
  return { ok: true, reason };
}

export const JOB_REPORTS_SHOWN = 100;

/**
 * The reports a job stored, for its result page: unit, period, whether that version is a late
 * entry, with the report's id for its history (first JOB_REPORTS_SHOWN by unit and period).
 */
export async function jobReports(jobId: number) {
  const db = getDb();
  const rows = await db
    .selectFrom("submission_revision as r")
    .innerJoin("submission as s", "s.id", "r.submission_id")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["s.id", "o.code", "o.name", "s.period", "r.revision", "r.late_entry_reason"])
    .where("r.import_job_id", "=", jobId)
    .orderBy("o.code")
    .orderBy("s.month_index")
    .orderBy("r.revision")
    .limit(JOB_REPORTS_SHOWN)
    .execute();
  const total = await db
    .selectFrom("submission_revision")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("import_job_id", "=", jobId)
    .executeTakeFirst();
  return {
    rows: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, period: r.period, revision: r.revision, lateEntry: r.late_entry_reason !== null })),
    total: Number(total?.n ?? 0),
  };
}
