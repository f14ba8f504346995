/**
 * The columnar fact index in the benchmark (docs/decisions/040-columnar-fact-index.md): its load
 * time and memory for the dataset, the national scorecard through the engine with the index side
 * by side with the hand-written SQL (same numbers, checked cell by cell), and the cold cost of any
 * national scorecard — by province or by district, every period of the year with and without
 * year-to-date, with an org-group filter, right after a publication and right after an approval.
 * "Cold" = the scorecard caches emptied before each view; the index itself stays loaded, as in a
 * running server.
 */
import { sql } from "kysely";
import type { DbHandle } from "~/db/db.server";
import { nowIso } from "~/db/db.server";
import { dropFactIndex, loadFactIndex } from "~/models/fact-index.server";
import { clearScorecardCache, readVersions } from "~/models/scorecard-cache.server";
import { buildScorecard, type ScorecardQuery, type ScorecardResult } from "~/models/scorecard.server";
import { importPackage } from "~/models/templates.server";
import type { Tree } from "./dataset";
import { handScorecard, type Families, type HandOptions, type HandResult } from "./handsql";
import { PACKAGE_KEY, readPackage } from "./load";
import { median, round } from "./timing";

export interface FactIndexBench {
  loadMs: number;
  values: number;
  reports: number;
  indexMiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** Engine (index) ÷ hand-written SQL, values only, cold caches. */
  scorecardEngineMs: number;
  scorecardSqlMs: number;
  ratio: number;
  scorecardEngineWithTrendMs: number;
  ratioWithTrend: number;
  agree: boolean;
  mismatchCount: number;
  cells: number;
  coldAnyPeriod: { views: number; medianMs: number; p95Ms: number; maxMs: number; slowest: Array<{ query: string; ms: number }> };
  afterPublicationMs: number;
  afterApprovalMs: number;
  groupMembers: number;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** A national org-unit group (every 7th Puskesmas, from January) so the group filter is measured too. */
export async function addGroup(handle: DbHandle, tree: Tree, year: number): Promise<number> {
  const db = handle.db;
  const now = nowIso();
  const { id } = await db
    .insertInto("org_group")
    .values({
      key: "bench_blud",
      name: "BLUD (bench)",
      name_en: null,
      description: null,
      owner_org_unit_id: tree.national.id,
      created_by: null,
      created_at: now,
      updated_at: now,
      revision: 1,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const members = tree.puskesmas.filter((_p, i) => i % 7 === 0);
  for (let i = 0; i < members.length; i += 500) {
    await db
      .insertInto("org_group_member")
      .values(
        members.slice(i, i + 500).map((p) => ({ group_id: id, org_unit_id: p.id, from_month: year * 12, to_month: null, created_by: null, created_at: now })),
      )
      .execute();
  }
  return members.length;
}

/**
 * The national scorecards of the cold any-period measurement: every month with and without
 * year-to-date, every quarter, the year (12 months only), by district and by province, and a third
 * of them by district filtered to the bench's org-unit group (addGroup).
 */
export function coldViewQueries(year: number, months: number): ScorecardQuery[] {
  const queries: ScorecardQuery[] = [];
  const periods: Array<{ period: string; ytd: boolean }> = [];
  for (let m = 1; m <= months; m++) {
    const period = `${year}-${String(m).padStart(2, "0")}`;
    periods.push({ period, ytd: false }, { period, ytd: true });
  }
  for (let q = 1; q <= Math.floor(months / 3); q++) periods.push({ period: `${year}-Q${q}`, ytd: false });
  if (months === 12) periods.push({ period: `${year}`, ytd: false });
  for (const p of periods) for (const level of ["district", "province"] as const) queries.push({ packageKey: PACKAGE_KEY, ...p, level });
  for (const p of periods.filter((_p, i) => i % 3 === 0)) queries.push({ packageKey: PACKAGE_KEY, ...p, level: "district", orgGroup: "bench_blud" });
  return queries;
}

/**
 * Each of coldViewQueries, computed with the scorecard caches emptied first (the index stays
 * loaded): wall time, and the process's CPU time (every thread: garbage collection, SQLite's) —
 * on a machine shared with other work the CPU time moves less than the wall time.
 */
export async function coldViews(db: DbHandle["db"], year: number, months: number): Promise<Array<{ query: string; ms: number; cpuMs: number }>> {
  const cold: Array<{ query: string; ms: number; cpuMs: number }> = [];
  for (const q of coldViewQueries(year, months)) {
    clearScorecardCache(db);
    const t = performance.now();
    const c = process.cpuUsage();
    await buildScorecard(q, db);
    const cpu = process.cpuUsage(c);
    cold.push({
      query: `${q.period}${q.ytd ? " ytd" : ""} ${q.level}${q.orgGroup ? ` ${q.orgGroup}` : ""}`,
      ms: performance.now() - t,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  }
  return cold;
}

export async function benchFactIndex(
  handle: DbHandle,
  o: {
    tree: Tree;
    year: number;
    months: number;
    runs: number;
    query: ScorecardQuery;
    fam: Families;
    handOpts: HandOptions;
    compare: (engine: ScorecardResult, hand: HandResult) => { agree: boolean; mismatchCount: number; cells: number };
    log: (m: string) => void;
  },
): Promise<FactIndexBench> {
  const db = handle.db;
  const groupMembers = await addGroup(handle, o.tree, o.year);
  dropFactIndex(db);
  clearScorecardCache(db);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const index = await loadFactIndex(db);
  const loadMs = performance.now() - t0;
  const rssAfter = process.memoryUsage().rss;
  o.log(`fact index: ${index.stats.values} values, ${index.stats.reports} reports, ${mib(index.stats.bytes)} MiB, loaded in ${Math.round(loadMs)} ms`);

  // Side by side with the hand-written SQL, values only (as the SQL provider's ratio) and with trend.
  const valuesOnly: ScorecardQuery = { ...o.query, trend: false };
  const engineMs: number[] = [];
  const trendMs: number[] = [];
  const sqlMs: number[] = [];
  let engine: ScorecardResult | null = null;
  let hand: HandResult | null = null;
  await buildScorecard(valuesOnly, db);
  for (let i = 0; i < o.runs; i++) {
    clearScorecardCache(db);
    let t = performance.now();
    engine = await buildScorecard(valuesOnly, db);
    engineMs.push(performance.now() - t);
    clearScorecardCache(db);
    t = performance.now();
    await buildScorecard(o.query, db);
    trendMs.push(performance.now() - t);
    t = performance.now();
    hand = await handScorecard(db, o.fam, o.handOpts);
    sqlMs.push(performance.now() - t);
    o.log(`  index run ${i + 1}/${o.runs}: engine ${Math.round(engineMs[i])} ms (with trend ${Math.round(trendMs[i])}), sql ${Math.round(sqlMs[i])} ms`);
  }
  const comparison = o.compare(engine!, hand!);

  // Any national scorecard, cold: every indicator (the page's view), each period, both levels.
  const cold = await coldViews(db, o.year, o.months);
  const sorted = cold.map((c) => c.ms).sort((a, b) => a - b);
  o.log(`fact index: ${cold.length} cold national views, median ${Math.round(median(sorted))} ms, max ${Math.round(sorted[sorted.length - 1])} ms`);

  // Right after a publication (row 0 moves: the tree and memberships reload) and after an approval (one district reloads).
  const pkg = readPackage();
  const published = await importPackage({ ...pkg, version: pkg.version + 1 }, { userId: null }, "ID");
  if (!published.ok) throw new Error(`bench: republishing the package failed: ${JSON.stringify(published).slice(0, 300)}`);
  clearScorecardCache(db);
  let t = performance.now();
  await buildScorecard(o.query, db);
  const afterPublicationMs = performance.now() - t;
  const versionsBefore = await readVersions(db);
  await sql`update submission set status = 'approved', approved_at = ${nowIso()}, updated_at = ${nowIso()} where id = (select min(id) from submission where status = 'submitted')`.execute(
    db,
  );
  if ((await readVersions(db)).digest === versionsBefore.digest) throw new Error("bench: the approval moved no data version");
  clearScorecardCache(db);
  t = performance.now();
  await buildScorecard(o.query, db);
  const afterApprovalMs = performance.now() - t;

  const e = median(engineMs);
  const s = median(sqlMs);
  return {
    loadMs: round(loadMs),
    values: index.stats.values,
    reports: index.stats.reports,
    indexMiB: mib(index.stats.bytes),
    rssBeforeMiB: mib(rssBefore),
    rssAfterMiB: mib(rssAfter),
    scorecardEngineMs: round(e),
    scorecardSqlMs: round(s),
    ratio: round(e / s, 2),
    scorecardEngineWithTrendMs: round(median(trendMs)),
    ratioWithTrend: round(median(trendMs) / s, 2),
    agree: comparison.agree,
    mismatchCount: comparison.mismatchCount,
    cells: comparison.cells,
    coldAnyPeriod: {
      views: cold.length,
      medianMs: round(median(sorted)),
      p95Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]),
      maxMs: round(sorted[sorted.length - 1]),
      slowest: [...cold]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((c) => ({ query: c.query, ms: round(c.ms) })),
    },
    afterPublicationMs: round(afterPublicationMs),
    afterApprovalMs: round(afterApprovalMs),
    groupMembers,
  };
}
