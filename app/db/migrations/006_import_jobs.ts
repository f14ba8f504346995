/**
 * Bulk import jobs (decision 011): an uploaded CSV/XLSX is parsed once into `payload`, then stored
 * in chunks; `next_row` advances in the same transaction as each chunk's submissions, so after
 * a crash it says exactly which rows were stored and where to resume. Per-row problems go to
 * `import_job_error` (paginated on the result page).
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("import_job"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("form_key", "varchar(64)", (c) => c.notNull())
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("file_format", "varchar(8)", (c) => c.notNull())
    .addColumn("file_bytes", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("confirm_warnings", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("scope_json", "text", (c) => c.notNull())
    .addColumn("total_rows", "integer", (c) => c.notNull())
    .addColumn("next_row", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("stored_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("refused_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("warning_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("message", "text")
    .addColumn("payload", "text")
    .addColumn("worker", "varchar(64)")
    .addColumn("ip", "varchar(64)")
    .addColumn("heartbeat_at", "varchar(32)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("started_at", "varchar(32)")
    .addColumn("finished_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("import_job_user_idx").on("import_job").columns(["user_id", "created_at"]).execute();

  await withId(db, db.schema.createTable("import_job_error"))
    .addColumn("job_id", "integer", (c) => c.notNull().references("import_job.id").onDelete("cascade"))
    .addColumn("row_number", "integer", (c) => c.notNull())
    .addColumn("column_key", "varchar(128)")
    .addColumn("severity", "varchar(8)", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("import_job_error_job_idx").on("import_job_error").columns(["job_id", "row_number"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["import_job_error", "import_job"]) await db.schema.dropTable(table).execute();
}
