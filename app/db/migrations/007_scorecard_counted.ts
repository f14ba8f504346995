/**
 * Drafts do not change scorecards (decision 009, amended): the triggers of migration 005 on
 * `submission` bump a district's data version only when the row is or was counted (status
 * submitted or approved). A draft typed and autosaved every 20 s at month-end no longer throws
 * away the district's cached scorecards; a submission, an approval, a return (counted → not
 * counted) and any change to a counted report still do, in the same transaction.
 * `submission_value` keeps its triggers unchanged: it only ever holds facts of counted reports.
 */
import { PostgresAdapter, sql, type Kysely } from "kysely";

const COUNTED = "('submitted', 'approved')";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const bump = (ref: "NEW" | "OLD") =>
  `INSERT INTO scorecard_version (district_id, province_id, version) SELECT coalesce(${ref}.district_id, 0), ${ref}.province_id, 1 WHERE 1 ON CONFLICT (district_id) DO UPDATE SET version = version + 1;`;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists submission_scorecard_version on submission`.execute(db);
    // PostgreSQL: a WHEN clause may not read OLD in an INSERT trigger nor NEW in a DELETE one.
    await sql
      .raw(
        `create trigger submission_scorecard_version_ins after insert on submission for each row when (new.status in ${COUNTED}) execute function scorecard_bump_district()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger submission_scorecard_version_upd after update on submission for each row when (new.status in ${COUNTED} or old.status in ${COUNTED}) execute function scorecard_bump_district()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger submission_scorecard_version_del after delete on submission for each row when (old.status in ${COUNTED}) execute function scorecard_bump_district()`,
      )
      .execute(db);
    return;
  }
  for (const op of ["ins", "del", "upd"]) await sql.raw(`DROP TRIGGER IF EXISTS submission_scorecard_version_${op}`).execute(db);
  await sql
    .raw(`CREATE TRIGGER submission_scorecard_version_ins AFTER INSERT ON submission WHEN NEW.status IN ${COUNTED} BEGIN ${bump("NEW")} END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER submission_scorecard_version_del AFTER DELETE ON submission WHEN OLD.status IN ${COUNTED} BEGIN ${bump("OLD")} END`)
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER submission_scorecard_version_upd AFTER UPDATE ON submission WHEN NEW.status IN ${COUNTED} OR OLD.status IN ${COUNTED} BEGIN ${bump("OLD")} ${bump("NEW")} END`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const op of ["ins", "upd", "del"]) await sql.raw(`drop trigger if exists submission_scorecard_version_${op} on submission`).execute(db);
    await sql`create trigger submission_scorecard_version after insert or update or delete on submission for each row execute function scorecard_bump_district()`.execute(
      db,
    );
    return;
  }
  for (const op of ["ins", "del", "upd"]) await sql.raw(`DROP TRIGGER IF EXISTS submission_scorecard_version_${op}`).execute(db);
  await sql.raw(`CREATE TRIGGER submission_scorecard_version_ins AFTER INSERT ON submission BEGIN ${bump("NEW")} END`).execute(db);
  await sql.raw(`CREATE TRIGGER submission_scorecard_version_del AFTER DELETE ON submission BEGIN ${bump("OLD")} END`).execute(db);
  await sql.raw(`CREATE TRIGGER submission_scorecard_version_upd AFTER UPDATE ON submission BEGIN ${bump("OLD")} ${bump("NEW")} END`).execute(db);
}
