/**
 * DHIS2 exchange (docs/dhis2.md, docs/decisions/048-dhis2-exchange.md):
 *   dhis2_mapping — per package, one row per mapped thing: the package's DHIS2 data set
 *     (`dataset`: dhis2_id the data set, dhis2_coc its attribute option combo or ''), a form field
 *     (`field`: form_key + pantau_key → data element dhis2_id + category option combo dhis2_coc or
 *     ''), an indicator (`indicator`: pantau_key → data element or DHIS2 indicator), an org unit
 *     (`org_unit`: pantau_key the unit code → DHIS2 org unit UID or code). The national admin
 *     replaces a package's rows as a whole (CSV import); keys are unique per package.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const table = db.schema.createTable("dhis2_mapping");
  await (
    isPostgres(db)
      ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
  )
    .addColumn("package_key", "varchar(64)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("form_key", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("pantau_key", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("dhis2_id", "varchar(64)", (c) => c.notNull())
    .addColumn("dhis2_coc", "varchar(16)", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_by", "integer", (c) => c.references("app_user.id"))
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("dhis2_mapping_key", ["package_key", "kind", "form_key", "pantau_key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("dhis2_mapping").execute();
}
