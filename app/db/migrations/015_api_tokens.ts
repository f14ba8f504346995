/**
 * API tokens (docs/decisions/047-api-tokens.md): credentials for a person or an integration, each
 * one role at one org unit (its subtree is the token's area), read or write, optionally limited to
 * some packages. Only the SHA-256 of the secret is stored. `api_token_use` counts calls per token
 * and minute in the database, so the rate limit holds across app instances; `audit_log.api_token_id`
 * names the token behind a change.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("api_token"))
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    // SHA-256 (hex) of the whole secret; the secret itself is shown once and never stored.
    .addColumn("secret_hash", "varchar(64)", (c) => c.notNull().unique())
    // The secret's first characters, to recognise a token in lists and logs.
    .addColumn("hint", "varchar(16)", (c) => c.notNull())
    .addColumn("role", "varchar(32)", (c) => c.notNull())
    .addColumn("org_unit_id", "integer", (c) => c.notNull().references("org_unit.id"))
    // "read" or "write".
    .addColumn("access", "varchar(8)", (c) => c.notNull())
    // JSON array of package keys, or null for every package.
    .addColumn("package_keys", "text")
    // The person the token acts for (their own grants bound it too); null: an integration.
    .addColumn("user_id", "integer", (c) => c.references("app_user.id"))
    .addColumn("created_by", "integer", (c) => c.notNull().references("app_user.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_used_at", "varchar(32)")
    .addColumn("revoked_at", "varchar(32)")
    .addColumn("revoked_by", "integer", (c) => c.references("app_user.id"))
    .execute();
  await db.schema.createIndex("api_token_org_unit_idx").on("api_token").column("org_unit_id").execute();

  await db.schema
    .createTable("api_token_use")
    .addColumn("token_id", "integer", (c) => c.notNull().references("api_token.id").onDelete("cascade"))
    // The minute (ISO, seconds cut) the calls were counted in.
    .addColumn("window_start", "varchar(32)", (c) => c.notNull())
    .addColumn("calls", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("api_token_use_pk", ["token_id", "window_start"])
    .execute();

  await db.schema.alterTable("audit_log").addColumn("api_token_id", "integer").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("audit_log").dropColumn("api_token_id").execute();
  await db.schema.dropTable("api_token_use").execute();
  await db.schema.dropTable("api_token").execute();
}
