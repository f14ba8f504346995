/**
 * Evaluation meetings, follow-up actions, notifications and reminders
 * (docs/decisions/027-meetings-and-actions.md):
 *   meeting, meeting_scope, meeting_participant — a rapat evaluasi / Lokmin / kaji banding over a
 *     scope (one or more org units), a package or indicator group, a period and a date;
 *   follow_up_action, action_note, action_evidence — the action tracker on a cell
 *     (unit × indicator × period) or a meeting, its dated progress notes and evidence files
 *     (bytes kept in the database with a SHA-256, so every app instance serves them);
 *   notification, notification_pref, job_claim — the in-app notification centre, each user's
 *     email choice, and database-held claims so a reminder or a digest goes out once even when
 *     several app instances share one database;
 *   app_user.email — the only address a message is ever sent to.
 * Frozen in time: never edit after release, add a new migration instead.
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
  const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;

  await db.schema.alterTable("app_user").addColumn("email", "varchar(254)").execute();

  await withId(db, db.schema.createTable("meeting"))
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("title", "varchar(200)", (c) => c.notNull())
    .addColumn("owner_org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("indicator_group", "varchar(64)")
    .addColumn("period", "varchar(16)", (c) => c.notNull())
    .addColumn("meeting_date", "varchar(10)", (c) => c.notNull())
    .addColumn("location", "varchar(200)")
    .addColumn("points", "text")
    .addColumn("decisions", "text")
    .addColumn("status", "varchar(16)", (c) => c.notNull().defaultTo("open"))
    .addColumn("previous_meeting_id", "integer", (c) => c.references("meeting.id"))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("closed_at", "varchar(32)")
    .addColumn("closed_by", "integer", (c) => c.references("app_user.id"))
    .execute();
  await db.schema.createIndex("meeting_owner_idx").on("meeting").columns(["owner_org_unit_id", "meeting_date"]).execute();

  await db.schema
    .createTable("meeting_scope")
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meeting.id").onDelete("cascade"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addPrimaryKeyConstraint("meeting_scope_pk", ["meeting_id", "org_unit_id"])
    .execute();
  await db.schema.createIndex("meeting_scope_unit_idx").on("meeting_scope").column("org_unit_id").execute();

  await withId(db, db.schema.createTable("meeting_participant"))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meeting.id").onDelete("cascade"))
    .addColumn("org_unit_id", "integer", (c) => c.references("org_unit.id"))
    .addColumn("user_id", "integer", (c) => c.references("app_user.id"))
    .addColumn("name", "varchar(200)")
    .addColumn("position", "varchar(200)")
    .addColumn("attended", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("meeting_participant_meeting_idx").on("meeting_participant").column("meeting_id").execute();
  await db.schema.createIndex("meeting_participant_user_idx").on("meeting_participant").column("user_id").execute();

  await withId(db, db.schema.createTable("follow_up_action"))
    .addColumn("meeting_id", "integer", (c) => c.references("meeting.id"))
    .addColumn("district_id", "integer", (c) => c.references("org_unit.id"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("package_key", "varchar(64)")
    .addColumn("indicator_key", "varchar(64)")
    .addColumn("period", "varchar(16)")
    .addColumn("baseline_value", double)
    .addColumn("problem", "text", (c) => c.notNull())
    .addColumn("cause", "text")
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("responsible_org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("responsible_person", "varchar(200)")
    .addColumn("responsible_user_id", "integer", (c) => c.references("app_user.id"))
    .addColumn("due_date", "varchar(10)", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("done_at", "varchar(32)")
    .addColumn("done_by", "integer", (c) => c.references("app_user.id"))
    .addColumn("verified_at", "varchar(32)")
    .addColumn("verified_by", "integer", (c) => c.references("app_user.id"))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("follow_up_action_meeting_idx").on("follow_up_action").column("meeting_id").execute();
  await db.schema.createIndex("follow_up_action_district_idx").on("follow_up_action").columns(["district_id", "status", "due_date"]).execute();
  await db.schema.createIndex("follow_up_action_responsible_idx").on("follow_up_action").columns(["responsible_org_unit_id", "status"]).execute();
  await db.schema.createIndex("follow_up_action_cell_idx").on("follow_up_action").columns(["package_key", "period", "org_unit_id", "indicator_key"]).execute();

  await withId(db, db.schema.createTable("action_note"))
    .addColumn("action_id", "integer", (c) => c.notNull().references("follow_up_action.id").onDelete("cascade"))
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("status_from", "varchar(16)")
    .addColumn("status_to", "varchar(16)")
    .execute();
  await db.schema.createIndex("action_note_action_idx").on("action_note").columns(["action_id", "at"]).execute();

  await withId(db, db.schema.createTable("action_evidence"))
    .addColumn("action_id", "integer", (c) => c.notNull().references("follow_up_action.id").onDelete("cascade"))
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("media_type", "varchar(64)", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("content", bytes, (c) => c.notNull())
    .addColumn("uploaded_by", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("uploaded_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("action_evidence_action_idx").on("action_evidence").column("action_id").execute();

  await withId(db, db.schema.createTable("notification"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("app_user.id").onDelete("cascade"))
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    .addColumn("event_key", "varchar(200)", (c) => c.notNull())
    .addColumn("params_json", "text", (c) => c.notNull())
    .addColumn("link", "varchar(400)")
    .addColumn("org_unit_id", "integer", (c) => c.references("org_unit.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("read_at", "varchar(32)")
    .addColumn("email_claimed_at", "varchar(32)")
    .addColumn("emailed_at", "varchar(32)")
    .addColumn("email_error", "text")
    .addColumn("email_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint("notification_once", ["user_id", "event_key"])
    .execute();
  await db.schema.createIndex("notification_user_idx").on("notification").columns(["user_id", "read_at", "created_at"]).execute();

  await db.schema
    .createTable("notification_pref")
    .addColumn("user_id", "integer", (c) => c.primaryKey().references("app_user.id").onDelete("cascade"))
    .addColumn("email_mode", "varchar(16)", (c) => c.notNull().defaultTo("off"))
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("job_claim")
    .addColumn("claim_key", "varchar(200)", (c) => c.primaryKey())
    .addColumn("claimed_by", "varchar(64)", (c) => c.notNull())
    .addColumn("claimed_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "job_claim",
    "notification_pref",
    "notification",
    "action_evidence",
    "action_note",
    "follow_up_action",
    "meeting_participant",
    "meeting_scope",
    "meeting",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("app_user").dropColumn("email").execute();
}
