/**
 * Login throttling by client and by (account, client) (docs/decisions/017-login-throttling.md).
 * `login_attempt` holds one row per sign-in attempt that has not succeeded, for a day: the row is
 * written before the password is checked and deleted when that client signs in to that account.
 * Rows are keyed by the typed username (known or not), so the throttle behaves the same for
 * names that have no account. The account-wide lock of 001 (app_user.failed_logins and
 * locked_until) let anyone lock an owner out and goes.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("login_attempt"))
    .addColumn("username", "varchar(64)", (c) => c.notNull())
    // "ip:<address or IPv6 /64>" or "device:<id>" of a signed familiar-device cookie.
    .addColumn("client", "varchar(100)", (c) => c.notNull())
    // 1 when the client held a familiar-device cookie for this username: outside the account budget.
    .addColumn("familiar", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempt_pair_idx").on("login_attempt").columns(["username", "client", "at"]).execute();
  await db.schema.createIndex("login_attempt_at_idx").on("login_attempt").column("at").execute();

  // One column per statement: SQLite's ALTER TABLE takes a single change.
  await db.schema.alterTable("app_user").dropColumn("locked_until").execute();
  await db.schema.alterTable("app_user").dropColumn("failed_logins").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("app_user")
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("app_user").addColumn("locked_until", "varchar(32)").execute();
  await db.schema.dropTable("login_attempt").execute();
}
