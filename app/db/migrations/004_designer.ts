/**
 * Package designer (decision 008): drafts of template packages are edited in place, so a draft row
 * carries an optimistic-lock revision and the time of its last save; at most one draft per
 * package key (a partial unique index, the same SQL on SQLite and PostgreSQL).
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("template_package")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("template_package").addColumn("updated_at", "varchar(32)").execute();
  await db.schema.createIndex("template_package_one_draft").on("template_package").column("key").unique().where(sql.ref("status"), "=", "draft").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("template_package_one_draft").execute();
  await db.schema.alterTable("template_package").dropColumn("updated_at").execute();
  await db.schema.alterTable("template_package").dropColumn("revision").execute();
}
