/**
 * Late entries (docs/decisions/018-backfill.md): a Dinkes admin imports reports of periods past
 * their deadline, with a reason, for a district that joins Pantau. `submission.late_entry` marks
 * a report a backfill stored (it stays marked through later versions);
 * `submission_revision.late_entry_reason` holds the reason on each version a backfill stored, and
 * `import_job_id` the import job that stored a version; `import_job.backfill_reason` marks a
 * backfill job (null: an ordinary import).
 * Frozen in time: never edit after release, add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE takes a single change.
  await db.schema
    .alterTable("submission")
    .addColumn("late_entry", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("submission_revision").addColumn("late_entry_reason", "text").execute();
  await db.schema.alterTable("submission_revision").addColumn("import_job_id", "integer").execute();
  await db.schema.createIndex("submission_revision_job_idx").on("submission_revision").column("import_job_id").execute();
  await db.schema.alterTable("import_job").addColumn("backfill_reason", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("import_job").dropColumn("backfill_reason").execute();
  await db.schema.dropIndex("submission_revision_job_idx").execute();
  await db.schema.alterTable("submission_revision").dropColumn("import_job_id").execute();
  await db.schema.alterTable("submission_revision").dropColumn("late_entry_reason").execute();
  await db.schema.alterTable("submission").dropColumn("late_entry").execute();
}
