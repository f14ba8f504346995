/**
 * An import problem in both languages: `import_job_error.message` stays the Indonesian text and
 * `message_en` holds the English one, written together when a row is checked, so the job page and
 * its problems CSV speak the reader's language. Null on rows stored before this migration: those
 * are shown in Indonesian.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("import_job_error").addColumn("message_en", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("import_job_error").dropColumn("message_en").execute();
}
