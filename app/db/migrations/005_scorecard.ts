/**
 * Scorecard data versions (docs/decisions/009-scorecard-speed.md). One row per district
 * (district_id 0: everything not tied to a district — org tree, template packages, overlays,
 * facts of units above district level) whose `version` grows by one in the same transaction as
 * every change a scorecard could show. Database triggers keep it, so no write path (web, CLI,
 * import, seed, a future one) can forget it, and several app instances see the same versions:
 * a scorecard cached under the versions it was computed at is fresh exactly while they are
 * unchanged. Also indexes for the scorecard's "data last changed" (max updated_at).
 */
import { PostgresAdapter, sql, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Tables whose rows carry district_id/province_id: a change bumps that district's row. */
const DISTRICT_TABLES = ["submission", "submission_value"] as const;
/** Tables whose changes may alter any scorecard: a change bumps row 0 (documents: only published ones, so draft saves do not). */
const GLOBAL_TABLES = ["org_unit", "template_package", "district_overlay"] as const;
const DOCUMENT_TABLES = new Set<string>(["template_package", "district_overlay"]);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("scorecard_version")
    .addColumn("district_id", "integer", (c) => c.primaryKey())
    .addColumn("province_id", "integer")
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
  await db.insertInto("scorecard_version").values({ district_id: 0, province_id: null, version: 1 }).execute();
  // "Data last changed" of a scorecard: max(updated_at) nationally, per province, per district.
  await db.schema.createIndex("submission_changed_idx").on("submission").columns(["package_key", "updated_at"]).execute();
  await db.schema.createIndex("submission_province_changed_idx").on("submission").columns(["package_key", "province_id", "updated_at"]).execute();
  await db.schema.createIndex("submission_district_changed_idx").on("submission").columns(["package_key", "district_id", "updated_at"]).execute();

  if (isPostgres(db)) {
    await sql`
      create function scorecard_bump_district() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then
          insert into scorecard_version (district_id, province_id, version) values (coalesce(old.district_id, 0), old.province_id, 1)
            on conflict (district_id) do update set version = scorecard_version.version + 1;
        end if;
        if tg_op <> 'DELETE' and (tg_op = 'INSERT' or coalesce(new.district_id, 0) <> coalesce(old.district_id, 0)) then
          insert into scorecard_version (district_id, province_id, version) values (coalesce(new.district_id, 0), new.province_id, 1)
            on conflict (district_id) do update set version = scorecard_version.version + 1;
        end if;
        return null;
      end $$`.execute(db);
    await sql`
      create function scorecard_bump_global() returns trigger language plpgsql as $$
      begin
        update scorecard_version set version = version + 1 where district_id = 0;
        return null;
      end $$`.execute(db);
    for (const table of DISTRICT_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_scorecard_version`)} after insert or update or delete on ${sql.table(table)} for each row execute function scorecard_bump_district()`.execute(
        db,
      );
      await sql`create trigger ${sql.raw(`${table}_scorecard_truncate`)} after truncate on ${sql.table(table)} for each statement execute function scorecard_bump_global()`.execute(
        db,
      );
    }
    await sql`create trigger org_unit_scorecard_version after insert or update or delete or truncate on org_unit for each statement execute function scorecard_bump_global()`.execute(
      db,
    );
    for (const table of DOCUMENT_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_scorecard_version`)} after insert or update on ${sql.table(table)} for each row when (new.status <> 'draft') execute function scorecard_bump_global()`.execute(
        db,
      );
      await sql`create trigger ${sql.raw(`${table}_scorecard_unpublish`)} after update or delete on ${sql.table(table)} for each row when (old.status <> 'draft') execute function scorecard_bump_global()`.execute(
        db,
      );
    }
    return;
  }

  // SQLite: row triggers only; an upsert per changed row (a few µs).
  const bump = (ref: "NEW" | "OLD") =>
    `INSERT INTO scorecard_version (district_id, province_id, version) SELECT coalesce(${ref}.district_id, 0), ${ref}.province_id, 1 WHERE 1 ON CONFLICT (district_id) DO UPDATE SET version = version + 1;`;
  for (const table of DISTRICT_TABLES) {
    await sql.raw(`CREATE TRIGGER ${table}_scorecard_version_ins AFTER INSERT ON ${table} BEGIN ${bump("NEW")} END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_scorecard_version_del AFTER DELETE ON ${table} BEGIN ${bump("OLD")} END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_scorecard_version_upd AFTER UPDATE ON ${table} BEGIN ${bump("OLD")} ${bump("NEW")} END`).execute(db);
  }
  const global = "UPDATE scorecard_version SET version = version + 1 WHERE district_id = 0;";
  for (const table of GLOBAL_TABLES) {
    const docs = DOCUMENT_TABLES.has(table);
    const when: Record<string, string> = {
      INSERT: docs ? "WHEN NEW.status <> 'draft'" : "",
      UPDATE: docs ? "WHEN NEW.status <> 'draft' OR OLD.status <> 'draft'" : "",
      DELETE: docs ? "WHEN OLD.status <> 'draft'" : "",
    };
    for (const op of ["INSERT", "UPDATE", "DELETE"]) {
      await sql.raw(`CREATE TRIGGER ${table}_scorecard_version_${op.toLowerCase()} AFTER ${op} ON ${table} ${when[op]} BEGIN ${global} END`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of [...DISTRICT_TABLES, ...GLOBAL_TABLES])
      await sql`drop trigger if exists ${sql.raw(`${table}_scorecard_version`)} on ${sql.table(table)}`.execute(db);
    for (const table of DISTRICT_TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_scorecard_truncate`)} on ${sql.table(table)}`.execute(db);
    for (const table of DOCUMENT_TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_scorecard_unpublish`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function if exists scorecard_bump_district()`.execute(db);
    await sql`drop function if exists scorecard_bump_global()`.execute(db);
  } else {
    for (const table of DISTRICT_TABLES)
      for (const op of ["ins", "del", "upd"]) await sql.raw(`DROP TRIGGER IF EXISTS ${table}_scorecard_version_${op}`).execute(db);
    for (const table of GLOBAL_TABLES)
      for (const op of ["insert", "update", "delete"]) await sql.raw(`DROP TRIGGER IF EXISTS ${table}_scorecard_version_${op}`).execute(db);
  }
  for (const name of ["submission_changed_idx", "submission_province_changed_idx", "submission_district_changed_idx"])
    await db.schema.dropIndex(name).execute();
  await db.schema.dropTable("scorecard_version").execute();
}
