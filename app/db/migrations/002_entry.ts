/**
 * Data entry: one row per accepted idempotency key (docs/security.md item 17). The key is
 * claimed in the same transaction that stores the submission, so twenty identical POSTs in
 * parallel store once and the others read the first result.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("submission_request")
    .addColumn("idempotency_key", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("org_unit_id", "integer", (c) => c.notNull())
    .addColumn("form_key", "varchar(64)", (c) => c.notNull())
    .addColumn("period", "varchar(16)", (c) => c.notNull())
    .addColumn("submission_id", "integer", (c) => c.references("submission.id").onDelete("cascade"))
    .addColumn("result_json", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("submission_request").execute();
}
