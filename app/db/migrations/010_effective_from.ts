/**
 * From which period a published package version applies (docs/decisions/026-effective-from.md):
 * `template_package.effective_from` is the first month ("YYYY-MM") in which forms new in that
 * version are due. Null: versions published before this rule, due from any period as before.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("template_package").addColumn("effective_from", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("template_package").dropColumn("effective_from").execute();
}
