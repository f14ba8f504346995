/**
 * Locks and history (decision 010): reporting deadlines per district and period type, scoped and
 * audited unlock grants (docs/security.md item 19), and every stored version of a submission (its data,
 * status and the package version it was made with) for the history view.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from "kysely";

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  // Days after a period ends until its reports lock; the national unit's rows are the defaults.
  await withId(db, db.schema.createTable("report_deadline"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("period_type", "varchar(16)", (c) => c.notNull())
    .addColumn("days_after", "integer", (c) => c.notNull())
    .addColumn("updated_by", "integer")
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("report_deadline_unique", ["org_unit_id", "period_type"])
    .execute();

  await withId(db, db.schema.createTable("unlock_grant"))
    .addColumn("district_id", "integer", (c) => c.notNull().references("org_unit.id"))
    // The Puskesmas the grant covers, or the district itself for all its Puskesmas.
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("form_key", "varchar(64)", (c) => c.notNull())
    .addColumn("period", "varchar(16)", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("reopen_approved", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("granted_by", "integer", (c) => c.notNull())
    .addColumn("granted_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("revoked_by", "integer")
    .addColumn("revoked_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("unlock_grant_lookup_idx").on("unlock_grant").columns(["form_key", "period", "org_unit_id"]).execute();
  await db.schema.createIndex("unlock_grant_district_idx").on("unlock_grant").columns(["district_id", "granted_at"]).execute();

  await withId(db, db.schema.createTable("submission_revision"))
    .addColumn("submission_id", "integer", (c) => c.notNull().references("submission.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("package_version", "integer", (c) => c.notNull())
    .addColumn("overlay_id", "integer")
    .addColumn("return_note", "text")
    .addColumn("actor_user_id", "integer")
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("submission_revision_unique", ["submission_id", "revision"])
    .execute();
  // Reports stored before this migration start their history with their current version.
  await sql`insert into submission_revision (submission_id, revision, action, status, data, package_key, package_version, overlay_id, return_note, actor_user_id, at)
    select id, revision, 'submission.backfill', status, data, package_key, package_version, overlay_id, return_note, null, updated_at from submission`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["submission_revision", "unlock_grant", "report_deadline"]) await db.schema.dropTable(table).execute();
}
