/**
 * Initial schema. Frozen in time: never edit after release, add a new migration instead.
 * Runs unchanged on SQLite and PostgreSQL; branches only where the SQL differs.
 */
import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return isPostgres(db)
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  const double = isPostgres(db) ? sql`double precision` : sql`real`;

  await withId(db, db.schema.createTable("org_unit"))
    .addColumn("code", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("level", "varchar(16)", (c) => c.notNull())
    .addColumn("parent_id", "integer", (c) => c.references("org_unit.id"))
    .addColumn("path", "varchar(400)", (c) => c.notNull())
    .addColumn("depth", "integer", (c) => c.notNull())
    .addColumn("note", "varchar(200)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("org_unit_path_idx").on("org_unit").column("path").execute();
  await db.schema.createIndex("org_unit_parent_idx").on("org_unit").column("parent_id").execute();

  await withId(db, db.schema.createTable("app_user"))
    .addColumn("username", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("display_name", "varchar(200)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(400)", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("locale", "varchar(8)", (c) => c.notNull().defaultTo("id"))
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("role_grant"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("app_user.id").onDelete("cascade"))
    .addColumn("role", "varchar(32)", (c) => c.notNull())
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("role_grant_unique", ["user_id", "role", "org_unit_id"])
    .execute();

  await db.schema
    .createTable("session")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("app_user.id").onDelete("cascade"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_seen_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("session_user_idx").on("session").column("user_id").execute();

  await withId(db, db.schema.createTable("audit_log"))
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("actor_user_id", "integer")
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("entity_type", "varchar(64)", (c) => c.notNull())
    .addColumn("entity_id", "varchar(128)")
    .addColumn("org_unit_id", "integer")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("ip", "varchar(64)")
    .execute();
  await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();

  await withId(db, db.schema.createTable("template_package"))
    .addColumn("key", "varchar(64)", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("owner_org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("title", "varchar(200)", (c) => c.notNull())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("created_by", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("published_at", "varchar(32)")
    .addUniqueConstraint("template_package_key_version", ["key", "version"])
    .execute();

  await withId(db, db.schema.createTable("district_overlay"))
    .addColumn("district_org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("base_version", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("created_by", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("published_at", "varchar(32)")
    .addUniqueConstraint("district_overlay_unique", ["district_org_unit_id", "package_key", "version"])
    .execute();

  await withId(db, db.schema.createTable("submission"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("district_id", "integer")
    .addColumn("province_id", "integer")
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("package_version", "integer", (c) => c.notNull())
    .addColumn("overlay_id", "integer", (c) => c.references("district_overlay.id"))
    .addColumn("form_key", "varchar(64)", (c) => c.notNull())
    .addColumn("period", "varchar(16)", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("month_index", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("idempotency_key", "varchar(128)", (c) => c.unique())
    .addColumn("return_note", "text")
    .addColumn("created_by", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("submitted_at", "varchar(32)")
    .addColumn("approved_at", "varchar(32)")
    .addColumn("approved_by", "integer")
    .addUniqueConstraint("submission_one_per_period", ["org_unit_id", "package_key", "form_key", "period"])
    .execute();
  await db.schema.createIndex("submission_status_idx").on("submission").columns(["package_key", "form_key", "status", "month_index", "district_id"]).execute();
  await db.schema.createIndex("submission_unit_idx").on("submission").columns(["org_unit_id", "period"]).execute();

  await db.schema
    .createTable("submission_value")
    .addColumn("submission_id", "integer", (c) => c.notNull().references("submission.id").onDelete("cascade"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull())
    .addColumn("district_id", "integer")
    .addColumn("province_id", "integer")
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("form_key", "varchar(64)", (c) => c.notNull())
    .addColumn("field_key", "varchar(64)", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("month_index", "integer", (c) => c.notNull())
    .addColumn("value", double, (c) => c.notNull())
    .addPrimaryKeyConstraint("submission_value_pk", ["submission_id", "field_key"])
    .execute();
  // Scorecards filter by package, field and month window, then group by district or unit.
  await db.schema
    .createIndex("submission_value_scan_idx")
    .on("submission_value")
    .columns(["package_key", "field_key", "month_index", "district_id", "org_unit_id", "value"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "submission_value",
    "submission",
    "district_overlay",
    "template_package",
    "audit_log",
    "session",
    "role_grant",
    "app_user",
    "org_unit",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
