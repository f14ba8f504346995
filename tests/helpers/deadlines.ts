/**
 * Tests that store reports for long-past periods (CLI imports of 2025 data, the crash and load
 * tests, the bench's freshness probe) set the national reporting deadline far away, as a
 * national admin could on the Batas waktu page; deadline locks have their own tests
 * (tests/integration/locks.test.ts).
 */
import type { Kysely } from "kysely";
import { nowIso } from "~/db/db.server";
import type { Database } from "~/db/schema";

export const FAR_DEADLINE_DAYS = 100_000;

export async function openDeadlines(db: Kysely<Database>): Promise<void> {
  const national = await db.selectFrom("org_unit").select("id").where("level", "=", "national").executeTakeFirstOrThrow();
  const now = nowIso();
  for (const period_type of ["month", "quarter", "year"] as const) {
    await db.deleteFrom("report_deadline").where("org_unit_id", "=", national.id).where("period_type", "=", period_type).execute();
    await db
      .insertInto("report_deadline")
      .values({ org_unit_id: national.id, period_type, days_after: FAR_DEADLINE_DAYS, updated_by: null, updated_at: now })
      .execute();
  }
}
