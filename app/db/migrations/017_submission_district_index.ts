/**
 * An index of submissions by district and status: the fact index's reload of one district
 * (docs/decisions/040-columnar-fact-index.md) lists that district's counted reports and checks
 * their value count and sum. Without it both read every submission of the country (the older
 * indexes lead with package_key), and for the reports outside any district (`district_id is null`,
 * row 0 after a publication) SQLite chose to scan every submission value: 0.7 s on the full
 * benchmark dataset instead of a few milliseconds.
 * Frozen in time: never edit after release, add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("submission_district_status_idx").on("submission").columns(["district_id", "status"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submission_district_status_idx").execute();
}
