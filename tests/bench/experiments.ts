/**
 * Query-shape experiments behind the suggestions in docs/benchmarks.md, on a database kept by
 * `npm run bench -- --keep` (full year): `npx tsx tests/bench/experiments.ts sqlite:/tmp/…/bench.sqlite [runs] [label filter]`.
 * Each variant reproduces the SQL facts.server.ts sends (or a proposed replacement) for the
 * national district-level ytd scorecard, and prints its median time.
 */
import { sql, type RawBuilder } from "kysely";
import { openDb } from "~/db/db.server";
import { median, round } from "./timing";
import { formFieldKeys } from "../helpers/seed-package";

const url = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!url) {
  process.stderr.write("usage: npx tsx tests/bench/experiments.ts <sqlite:file | postgres://…> [runs]\n");
  process.exit(2);
}

const handle = openDb(url);
const db = handle.db;
const Y = 2025;
const cur = Array.from({ length: 12 }, (_, i) => Y * 12 + i);
const prev = cur.slice(0, 11);
const ids = (xs: number[]) => sql.join(xs.map((x) => sql.lit(x)));
const texts = (xs: string[]) => sql.join(xs.map((x) => sql.lit(x)));
const sumFields = formFieldKeys("spm_bulanan");
const lastFields = [
  "sk_klaster",
  "alur_layanan_klaster",
  "desa_pustu_ilp",
  "jumlah_desa",
  "posyandu_ilp",
  "jumlah_posyandu",
  "kader_terlatih",
  "jumlah_kader",
  "posyandu_5_kader",
];

const only = process.argv[4];

async function time(label: string, q: () => RawBuilder<unknown>): Promise<void> {
  if (only && !label.includes(only)) return;
  await q().execute(db);
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    rows = (await q().execute(db)).rows.length;
    ms.push(performance.now() - t);
  }
  process.stdout.write(`${label.padEnd(78)} ${String(round(median(ms))).padStart(8)} ms  (${rows} rows)\n`);
}

async function main() {
  const districts = (await sql<{ id: number }>`select id from org_unit where level = 'district'`.execute(db)).rows.map((r) => Number(r.id));
  const inDistricts = sql`and district_id in (${ids(districts)})`;
  const pkg = sql.lit("ilp-nasional");
  const whereSum = (months: number[], rowFilter: RawBuilder<unknown> | null) =>
    sql`package_key = ${pkg} and field_key in (${texts(sumFields)}) and month_index in (${ids(months)}) ${rowFilter ?? sql``}`;
  const whereLast = (months: number[], rowFilter: RawBuilder<unknown> | null) =>
    sql`package_key = ${pkg} and field_key in (${texts(lastFields)}) and month_index in (${ids(months)}) ${rowFilter ?? sql``}`;

  process.stdout.write(`${url}, median of ${runs}\n`);
  // Sum totals: as facts.server.ts does (IN list of months, IN list of 514 districts), and variants.
  await time(
    "sum totals, current window, engine shape (month IN, district IN 514)",
    () =>
      sql`select district_id as row_id, field_key, sum(value) as total from submission_value where ${whereSum(cur, inDistricts)} group by district_id, field_key`,
  );
  await time(
    "sum totals, current window, without district IN list",
    () => sql`select district_id as row_id, field_key, sum(value) as total from submission_value where ${whereSum(cur, null)} group by district_id, field_key`,
  );
  await time(
    "sum totals, current + previous window in ONE scan (conditional sum)",
    () =>
      sql`select district_id as row_id, field_key, sum(value) as total, sum(case when month_index <= ${sql.lit(prev[prev.length - 1])} then value end) as prev_total
        from submission_value where ${whereSum(cur, null)} group by district_id, field_key`,
  );
  // Last totals.
  await time(
    "last totals, engine shape (row_number window, district IN 514)",
    () =>
      sql`select row_id, field_key, sum(value) as total from (
          select district_id as row_id, field_key, value, row_number() over (partition by org_unit_id, field_key order by month_index desc) as rn
          from submission_value where ${whereLast(cur, inDistricts)}) t where rn = 1 group by row_id, field_key`,
  );
  if (handle.kind === "sqlite") {
    await time(
      "last totals, SQLite bare column of max(month_index)",
      () =>
        sql`select d, f, sum(v) from (select district_id as d, field_key as f, value as v, max(month_index) from submission_value where ${whereLast(cur, null)} group by org_unit_id, field_key) t group by d, f`,
    );
  } else {
    await time(
      "last totals, PostgreSQL DISTINCT ON",
      () =>
        sql`select d, f, sum(v) from (select distinct on (org_unit_id, field_key) district_id as d, field_key as f, value as v from submission_value where ${whereLast(cur, null)} order by org_unit_id, field_key, month_index desc) t group by d, f`,
    );
  }
  await time(
    "per-unit last values for count_units, engine shape",
    () =>
      sql`select org_unit_id, field_key, value as v from (
          select org_unit_id, field_key, value, row_number() over (partition by org_unit_id, field_key order by month_index desc) as rn
          from submission_value where package_key = ${pkg} and field_key in ('sk_klaster', 'alur_layanan_klaster') and month_index in (${ids(cur)}) ${inDistricts}) t where rn = 1`,
  );
  // Completeness counts.
  const base = (form: string) =>
    sql`from submission where package_key = ${pkg} and form_key = ${sql.lit(form)} and status in ('submitted', 'approved') and month_index in (${ids(cur)}) ${inDistricts}`;
  await time(
    "reported per row (spm_bulanan), engine shape",
    () => sql`select district_id as row_id, count(*) as n ${base("spm_bulanan")} group by district_id`,
  );
  await time(
    "reported per unit (spm_bulanan), engine shape (needed only for count_units forms)",
    () => sql`select org_unit_id, count(*) as n ${base("spm_bulanan")} group by org_unit_id`,
  );
  // A district's Puskesmas scorecard: rows grouped by org_unit_id; the engine filters org_unit_id IN (…),
  // which the scan index (package_key, field_key, month_index, district_id, org_unit_id, value) cannot seek on.
  const big = (await sql<{ id: number }>`select id from org_unit where code = '31.06'`.execute(db)).rows[0];
  if (big) {
    const units = (await sql<{ id: number }>`select id from org_unit where parent_id = ${sql.lit(Number(big.id))}`.execute(db)).rows.map((r) => Number(r.id));
    const inUnits = sql`and org_unit_id in (${ids(units)})`;
    await time(
      `district 31.06 sum totals per Puskesmas, engine shape (org_unit_id IN ${units.length})`,
      () =>
        sql`select org_unit_id as row_id, field_key, sum(value) as total from submission_value where ${whereSum(cur, inUnits)} group by org_unit_id, field_key`,
    );
    await time(
      "district 31.06 sum totals per Puskesmas, plus district_id = X",
      () =>
        sql`select org_unit_id as row_id, field_key, sum(value) as total from submission_value where ${whereSum(cur, sql`${inUnits} and district_id = ${sql.lit(Number(big.id))}`)} group by org_unit_id, field_key`,
    );
  }
  // lastChange.
  await time(
    "lastChange, engine shape (org_unit_id IN subtree subquery)",
    () => sql`select max(updated_at) as at from submission where package_key = ${pkg} and org_unit_id in (select id from org_unit where path like '/%')`,
  );
  await time("lastChange, national scope without the subtree subquery", () => sql`select max(updated_at) as at from submission where package_key = ${pkg}`);
  await handle.destroy();
}

main().catch(async (err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  await handle.destroy();
  process.exit(1);
});
