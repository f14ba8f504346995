/**
 * Org-unit groups (docs/decisions/033-org-unit-groups.md):
 *   org_group — a named set of org units (BLUD, rawat inap, lokus ILP 2025, terpencil …) owned by
 *     the national unit or by a district; its key is unique per owner; `revision` is the
 *     optimistic-lock token of its edits;
 *   org_group_member — one unit's membership of one group over a range of months, stored as month
 *     indexes (year*12 + month-1, as submission.month_index): from_month inclusive, to_month
 *     inclusive, null = open-ended. A unit's ranges in one group never overlap (checked by the model).
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return isPostgres(db)
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("org_group"))
    .addColumn("key", "varchar(64)", (c) => c.notNull())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("name_en", "varchar(200)")
    .addColumn("description", "text")
    .addColumn("owner_org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("created_by", "integer", (c) => c.references("app_user.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint("org_group_owner_key", ["owner_org_unit_id", "key"])
    .execute();

  await withId(db, db.schema.createTable("org_group_member"))
    .addColumn("group_id", "integer", (c) => c.notNull().references("org_group.id").onDelete("cascade"))
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    .addColumn("from_month", "integer", (c) => c.notNull())
    .addColumn("to_month", "integer")
    .addColumn("created_by", "integer", (c) => c.references("app_user.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  // "Members of group G in month M": the group's rows, then the range test.
  await db.schema.createIndex("org_group_member_group_idx").on("org_group_member").columns(["group_id", "from_month"]).execute();
  // "Which groups is unit U in" and the overlap check.
  await db.schema.createIndex("org_group_member_unit_idx").on("org_group_member").columns(["org_unit_id", "group_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("org_group_member").execute();
  await db.schema.dropTable("org_group").execute();
}
