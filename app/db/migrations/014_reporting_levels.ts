/**
 * Reports from every level (docs/decisions/034-who-reports-what.md):
 *   submission.puskesmas_id, submission_value.puskesmas_id — the reporting unit's Puskesmas (itself
 *     for a Puskesmas report, its ancestor for a Pustu or Posyandu report: the 4th id of the
 *     materialised path), so a Puskesmas row of a scorecard rolls up its Pustu and Posyandu with one
 *     GROUP BY, as district rows do with district_id; backfilled for existing rows; indexed like
 *     district_id (migration 001).
 *   Triggers on org_group and org_group_member bump the global scorecard version (row 0 of
 *     scorecard_version, migration 005): who is expected and the org-group filter depend on
 *     memberships, and the scorecard caches key on these versions.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, sql, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const GROUP_TABLES = ["org_group", "org_group_member"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submission").addColumn("puskesmas_id", "integer").execute();
  await db.schema.alterTable("submission_value").addColumn("puskesmas_id", "integer").execute();
  // A Puskesmas sits at depth 3, a Pustu at 4 (its parent is the Puskesmas), a Posyandu at 4
  // (under its Puskesmas) or 5 (under a Pustu, whose parent is the Puskesmas).
  await sql`
    update submission set puskesmas_id = (
      select case when o.depth = 3 then o.id when o.depth = 4 then o.parent_id when o.depth = 5 then p.parent_id end
      from org_unit o left join org_unit p on p.id = o.parent_id
      where o.id = submission.org_unit_id)`.execute(db);
  await sql`
    update submission_value set puskesmas_id = (select s.puskesmas_id from submission s where s.id = submission_value.submission_id)`.execute(db);
  // The Puskesmas rows' scans, as submission_status_idx and submission_value_scan_idx (migration
  // 001) do for districts: a Puskesmas row seeks its district, then its Puskesmas, and the index
  // covers the level condition (org_unit_id = puskesmas_id for a Puskesmas form) and the value, so
  // the scan never reads the table.
  await db.schema
    .createIndex("submission_puskesmas_idx")
    .on("submission")
    .columns(["package_key", "form_key", "status", "month_index", "puskesmas_id", "org_unit_id"])
    .execute();
  await db.schema
    .createIndex("submission_value_puskesmas_idx")
    .on("submission_value")
    .columns(["package_key", "field_key", "month_index", "district_id", "puskesmas_id", "org_unit_id", "value"])
    .execute();

  if (isPostgres(db)) {
    // scorecard_bump_global() is migration 005's: one bump of row 0 per statement.
    for (const table of GROUP_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_scorecard_version`)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function scorecard_bump_global()`.execute(
        db,
      );
    }
    return;
  }
  const global = "UPDATE scorecard_version SET version = version + 1 WHERE district_id = 0;";
  for (const table of GROUP_TABLES) {
    for (const op of ["INSERT", "UPDATE", "DELETE"]) {
      await sql.raw(`CREATE TRIGGER ${table}_scorecard_version_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN ${global} END`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of GROUP_TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_scorecard_version`)} on ${sql.table(table)}`.execute(db);
  } else {
    for (const table of GROUP_TABLES)
      for (const op of ["insert", "update", "delete"]) await sql.raw(`DROP TRIGGER IF EXISTS ${table}_scorecard_version_${op}`).execute(db);
  }
  await db.schema.dropIndex("submission_value_puskesmas_idx").execute();
  await db.schema.dropIndex("submission_puskesmas_idx").execute();
  await db.schema.alterTable("submission_value").dropColumn("puskesmas_id").execute();
  await db.schema.alterTable("submission").dropColumn("puskesmas_id").execute();
}
