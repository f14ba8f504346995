/**
 * `npm run bench [-- --quick] [--json] [--runs N] [--keep] [--sqlite-only]`
 *
 * Loads a deterministic synthetic national dataset (38 provinces, 514 districts, 10,268
 * Puskesmas, 12 months of 2025; --quick: ~1/10 of the Puskesmas and 3 months) into a fresh
 * SQLite file and a fresh PostgreSQL database — on the server of BENCH_DATABASE_URL when it is
 * set, else on a throwaway PostgreSQL server the bench starts itself (tests/setup/postgres.ts:
 * initdb + pg_ctl on 127.0.0.1, stopped and removed at the end, also on failure or Ctrl-C;
 * --sqlite-only skips PostgreSQL) — bypassing per-submission validation (this benchmarks
 * reads), then times:
 *  - the national district-level year-to-date scorecard through buildScorecard() (the engine path),
 *  - side by side, hand-written SQL producing the same values, and checks both agree;
 *  - one district's Puskesmas scorecard;
 *  - the delay from storing a new submission to a scorecard that shows it.
 *  - the validated bulk intake (tests/bench/intake.ts; alone: --intake-only).
 * See docs/benchmarks.md.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { sql } from "kysely";
import { computeScorecard, planScorecard, previousPeriod, type OrgChainLink, type ScorecardRequest } from "@engine";
import { migrateToLatest, openDb, setDbHandle, type DbHandle, type DbKind } from "~/db/db.server";
import { sqlRowFacts } from "~/models/facts.server";
import { buildScorecard, type ScorecardQuery, type ScorecardResult } from "~/models/scorecard.server";
import { cacheFor, clearScorecardCache } from "~/models/scorecard-cache.server";
import { createScorecardWarmer } from "~/models/scorecard-warmer.server";
import { prepareSubmission, storeSubmission, SubmissionContext } from "~/models/submissions.server";
import { effectivePackage } from "~/models/templates.server";
import { buildTree, YEAR, type Tree } from "./dataset";
import { familiesOf, handScorecard, type HandResult } from "./handsql";
import { LOADED_FORMS, loadDataset, PACKAGE_KEY, readPackage, type LoadStats } from "./load";
import { median, queryCategory, QueryTimer, round, timeRuns } from "./timing";
import { benchNotulen, notulenLine } from "./notulen";
import { benchPage, pageLines, type PageBench } from "./page";
import { benchPresentation, presentationLines } from "./presentation";
import { benchVillage, villageLines, type VillageResult } from "./village";
import { benchFactIndex } from "./fact-index";
import { startPostgres, type PgServer } from "../setup/postgres";
import { benchIntake, intakeLines, type IntakeResult } from "./intake";

interface Args {
  quick: boolean;
  json: boolean;
  runs: number;
  keep: boolean;
  /** Also write the JSON object to this file. */
  save: string | null;
  /** Only the village-level part (docs/benchmarks.md). */
  villageOnly: boolean;
  /** Only the validated bulk intake (docs/benchmarks.md). */
  intakeOnly: boolean;
  /** Leave out the village-level dataset (its own, long load). */
  skipVillage: boolean;
  /** Skip PostgreSQL (no server started, BENCH_DATABASE_URL ignored). */
  sqliteOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, json: false, runs: 5, keep: false, save: null, villageOnly: false, intakeOnly: false, skipVillage: false, sqliteOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--quick") a.quick = true;
    else if (s === "--json") a.json = true;
    else if (s === "--keep") a.keep = true;
    else if (s === "--village-only") a.villageOnly = true;
    else if (s === "--sqlite-only") a.sqliteOnly = true;
    else if (s === "--intake-only") a.intakeOnly = true;
    else if (s === "--skip-village") a.skipVillage = true;
    else if (s === "--save") a.save = argv[++i] ?? null;
    else if (s === "--runs") a.runs = Math.max(1, Number.parseInt(argv[++i] ?? "", 10) || 5);
    else if (s.startsWith("--runs=")) a.runs = Math.max(1, Number.parseInt(s.slice(7), 10) || 5);
    else if (s === "--help" || s === "-h") {
      process.stdout.write(
        "usage: npm run bench -- [--quick] [--json] [--runs N] [--keep] [--save result.json] [--village-only] [--intake-only] [--skip-village] [--sqlite-only]\n  SQLite and PostgreSQL side by side: a throwaway PostgreSQL 15 server is started (and removed) unless\n  BENCH_DATABASE_URL=postgres://… names one (a fresh database is created and dropped there); --sqlite-only skips PostgreSQL\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${s}`);
  }
  return a;
}

let quiet = false;
function log(msg: string): void {
  if (!quiet) process.stderr.write(`[bench] ${msg}\n`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cpuCount: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage1m: round(os.loadavg()[0], 2),
  };
}

interface Target {
  kind: DbKind;
  url: string;
  cleanup: () => Promise<void>;
  label: string;
}

/** SQLite temp directories not yet cleaned up: removed at exit too (failure, Ctrl-C) unless --keep. */
const sqliteDirs = new Set<string>();
process.once("exit", () => {
  for (const dir of sqliteDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function sqliteTarget(keep: boolean): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-bench-"));
  const file = path.join(dir, "bench.sqlite");
  if (!keep) sqliteDirs.add(dir);
  return {
    kind: "sqlite",
    url: `sqlite:${file}`,
    label: file,
    cleanup: async () => {
      if (keep) log(`kept ${file}`);
      else fs.rmSync(dir, { recursive: true, force: true });
      sqliteDirs.delete(dir);
    },
  };
}

async function postgresTarget(adminUrl: string, keep: boolean): Promise<Target> {
  const name = `pantau_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    kind: "postgres",
    url: u.toString(),
    label: `database ${name} on ${u.host}`,
    cleanup: async () => {
      if (keep) return log(`kept database ${name}`);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name}`);
      await c.end();
    },
  };
}

/** Compares engine cells with the baseline: every district × indicator within 1e-9 relative, nulls equal. */
function compare(engine: ScorecardResult, hand: HandResult, tree: Tree, indicators: readonly string[]) {
  const idOf = new Map(tree.districts.map((d) => [d.code, d.id]));
  let cells = 0;
  let nulls = 0;
  let maxRel = 0;
  const mismatches: Array<{ row: string; indicator: string; engine: number | null; sql: number | null }> = [];
  const seen = new Set<string>();
  for (const row of engine.scorecard.rows) {
    seen.add(row.code);
    const mine = hand.values.get(idOf.get(row.code) ?? -1);
    for (const cell of row.cells) {
      cells++;
      const a = cell.value;
      const b = mine?.get(cell.indicator) ?? null;
      if (a === null || b === null) {
        if (a === null && b === null) nulls++;
        else mismatches.push({ row: row.code, indicator: cell.indicator, engine: a, sql: b });
        continue;
      }
      const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
      if (a !== b) maxRel = Math.max(maxRel, rel);
      if (rel > 1e-9) mismatches.push({ row: row.code, indicator: cell.indicator, engine: a, sql: b });
    }
  }
  const expectedCells = tree.districts.length * indicators.length;
  const missingRows = tree.districts.filter((d) => !seen.has(d.code)).length;
  const agree = mismatches.length === 0 && missingRows === 0 && cells === expectedCells;
  return { agree, cells, nullCells: nulls, maxRelDiff: maxRel, mismatches: mismatches.slice(0, 10), mismatchCount: mismatches.length, missingRows };
}

async function benchOne(target: Target, args: Args) {
  const months = args.quick ? 3 : 12;
  const fraction = args.quick ? 0.1 : 1;
  const period = `${YEAR}-${String(months).padStart(2, "0")}`;
  const tree = buildTree(fraction);
  const holdOut = tree.puskesmas[Math.floor(tree.puskesmas.length / 2)];
  const pkgDoc = readPackage();

  const handle: DbHandle = openDb(target.url);
  setDbHandle(handle);
  try {
    const tMig = performance.now();
    await migrateToLatest(handle);
    const migrateMs = performance.now() - tMig;
    log(
      `${target.kind}: migrated ${target.label} (${Math.round(migrateMs)} ms); loading ${tree.puskesmas.length} Puskesmas × ${months} months (validation bypassed)…`,
    );
    const stats: LoadStats = await loadDataset(handle, tree, pkgDoc, {
      months,
      holdOut,
      onProgress: (done, total) => {
        if (done % 2000 === 0) log(`  ${done}/${total} Puskesmas loaded`);
      },
    });
    log(`${target.kind}: loaded ${stats.submissions} submissions, ${stats.values} values in ${round(stats.loadMs / 1000, 1)} s`);
    let analyzeMs = 0;
    if (target.kind === "postgres") {
      // Autovacuum would analyze the freshly loaded tables soon; do it now so plans are settled.
      const t = performance.now();
      await sql`analyze`.execute(handle.db);
      analyzeMs = performance.now() - t;
    }
    let dbVersion = "";
    if (target.kind === "sqlite") dbVersion = `SQLite ${(await sql<{ v: string }>`select sqlite_version() as v`.execute(handle.db)).rows[0].v}`;
    else dbVersion = (await sql<{ v: string }>`select version() as v`.execute(handle.db)).rows[0].v.split(",")[0];
    const dbBytes =
      target.kind === "sqlite"
        ? fileBytes(target.url.slice("sqlite:".length))
        : Number((await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(handle.db)).rows[0].n);

    const effective = (await effectivePackage(PACKAGE_KEY, null, handle.db))!;
    const pkg = effective.package;
    const indicators = pkg.indicators
      .filter((i) => {
        const refs = [i.numerator, i.denominator ?? ""].join(" ");
        const formsRead = pkg.forms.filter((f) => f.sections.some((s) => s.fields.some((fl) => new RegExp(`\\b${fl.key}\\b`).test(refs)))).map((f) => f.key);
        return formsRead.length > 0 && formsRead.every((f) => (LOADED_FORMS as readonly string[]).includes(f));
      })
      .map((i) => i.key);
    const fam = familiesOf(pkg, LOADED_FORMS, indicators);
    const query: ScorecardQuery = { packageKey: PACKAGE_KEY, period, ytd: true, level: "district", indicators };
    const districtIds = tree.districts.map((d) => d.id);

    // Side by side: engine and hand-written SQL alternate within each run.
    log(
      `${target.kind}: timing national district scorecard (${indicators.length} indicators × ${tree.districts.length} districts), 1 warm-up + ${args.runs} runs…`,
    );
    const handOpts = { kind: target.kind, packageKey: PACKAGE_KEY, year: YEAR, lastMonth: months, districtIds };
    let engineResult = await buildScorecard(query, handle.db);
    let handResult = await handScorecard(handle.db, fam, handOpts);
    const valuesOnlyQuery: ScorecardQuery = { ...query, trend: false };
    await buildScorecard(valuesOnlyQuery, handle.db);
    const engineMs: number[] = [];
    const valuesOnlyMs: number[] = [];
    const sqlMs: number[] = [];
    const handQueryMs: Record<string, number[]> = {};
    // Cold: the scorecard cache (decision 009) is emptied before every engine run, so the ratio
    // compares computing the numbers, not reading them from memory.
    for (let i = 0; i < args.runs; i++) {
      clearScorecardCache(handle.db);
      let t = performance.now();
      engineResult = await buildScorecard(query, handle.db);
      engineMs.push(performance.now() - t);
      clearScorecardCache(handle.db);
      t = performance.now();
      const valuesOnly = await buildScorecard(valuesOnlyQuery, handle.db);
      valuesOnlyMs.push(performance.now() - t);
      if (i === 0 && !compare(valuesOnly, await handScorecard(handle.db, fam, handOpts), tree, indicators).agree)
        throw new Error("values-only scorecard disagrees with the hand-written SQL");
      t = performance.now();
      handResult = await handScorecard(handle.db, fam, handOpts);
      sqlMs.push(performance.now() - t);
      for (const [k, v] of Object.entries(handResult.queryMs)) (handQueryMs[k] ??= []).push(v);
      log(`  run ${i + 1}/${args.runs}: engine ${Math.round(engineMs[i])} ms, sql ${Math.round(sqlMs[i])} ms`);
    }
    const comparison = compare(engineResult, handResult, tree, indicators);
    const scorecardEngineMs = median(engineMs);
    const scorecardSqlMs = median(sqlMs);

    // The columnar fact index (decision 040): loaded here, so everything measured after it runs
    // as a server does (the engine-path profile below still calls the SQL provider directly).
    log(`${target.kind}: the fact index: load, engine ÷ SQL, cold views of any national scorecard…`);
    const factIndex = await benchFactIndex(handle, {
      tree,
      year: YEAR,
      months,
      runs: args.runs,
      query,
      fam,
      handOpts,
      compare: (e, h) => compare(e, h, tree, indicators),
      log,
    });
    // The index bench published a new package version and approved a report: the reference result again.
    clearScorecardCache(handle.db);
    engineResult = await buildScorecard(query, handle.db);

    // The page as users get it: warm (nothing changed since the last view) and after one
    // approval (one district's rows recomputed, the rest from the row cache).
    log(`${target.kind}: cached scorecard: warm and after an approval…`);
    const cached = await cachedRuns(handle, query, args.runs, engineResult);
    log(`${target.kind}: the page's scorecard with the background warmer…`);
    const warmed = await warmedRuns(handle, period, args.runs);
    let page: PageBench | null = null;
    if (target.kind === "sqlite") {
      log(`${target.kind}: the page over HTTP (built server)…`);
      page = await benchPage(handle, target.url, period, args.runs, log);
    }

    // Where the engine path spends its time: one instrumented run, and the parts called directly.
    const timer = new QueryTimer(target.kind);
    const timedDb = handle.db.withPlugin(timer);
    const tProf = performance.now();
    await buildScorecard(query, timedDb);
    const profiledTotal = performance.now() - tProf;
    const byCategory: Record<string, { ms: number; queries: number; rows: number }> = {};
    for (const qt of timer.queries) {
      const c = (byCategory[queryCategory(qt.sql)] ??= { ms: 0, queries: 0, rows: 0 });
      c.ms += qt.ms;
      c.queries++;
      c.rows += qt.rows;
    }
    const queryTotal = timer.queries.reduce((s, x) => s + x.ms, 0);
    const slowest = [...timer.queries]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6)
      .map((x) => ({ ms: round(x.ms), rows: x.rows, sql: x.sql.slice(0, 160) }));
    log(`${target.kind}: profiling the engine path…`);
    const parts = await engineParts(handle, tree, pkg, period, indicators, args.runs);
    log(`${target.kind}: district scorecard and freshness…`);

    // One district's Puskesmas scorecard (the largest district).
    const biggest = [...tree.districts].sort((a, b) => tree.byDistrict.get(b.id)!.length - tree.byDistrict.get(a.id)!.length || (a.code < b.code ? -1 : 1))[0];
    const districtQuery: ScorecardQuery = { packageKey: PACKAGE_KEY, period, ytd: true, parentCode: biggest.code, indicators };
    const district = await timeRuns(args.runs, () => {
      clearScorecardCache(handle.db);
      return buildScorecard(districtQuery, handle.db);
    });
    const districtWarm = await timeRuns(args.runs, () => buildScorecard(districtQuery, handle.db));

    // Freshness: validate + store one new submission, then a national scorecard that shows it.
    const freshness = await measureFreshness(handle, tree, holdOut, period, query, engineResult);

    return {
      db: target.kind,
      dbVersion,
      dbBytes,
      dataset: {
        quick: args.quick,
        provinces: stats.provinces,
        districts: stats.districts,
        puskesmas: stats.puskesmas,
        orgUnits: stats.orgUnits,
        months,
        forms: [...LOADED_FORMS],
        submissions: stats.submissions,
        submissionsCounted: stats.submissionsCounted,
        submissionsDraft: stats.submissionsDraft,
        values: stats.values,
        perForm: stats.perForm,
      },
      load: {
        validation: "bypassed (multi-row INSERTs; a benchmark of reads)",
        migrateMs: round(migrateMs),
        loadMs: round(stats.loadMs),
        orgMs: round(stats.orgMs),
        packageMs: round(stats.packageMs),
        submissionsMs: round(stats.submissionsMs),
        valuesPerSecond: Math.round(stats.values / (stats.submissionsMs / 1000)),
        analyzeMs: round(analyzeMs),
      },
      scorecard: {
        period,
        ytd: true,
        level: "district",
        indicators,
        runs: args.runs,
        // The ratio compares like with like: the engine path computing the same numbers as the
        // hand-written SQL (values, no trend). The full page scorecard with trend is reported too.
        scorecardEngineMs: round(median(valuesOnlyMs)),
        scorecardEngineWithTrendMs: round(scorecardEngineMs),
        scorecardSqlMs: round(scorecardSqlMs),
        ratio: round(median(valuesOnlyMs) / scorecardSqlMs, 2),
        ratioWithTrend: round(scorecardEngineMs / scorecardSqlMs, 2),
        valuesOnlyRunsMs: valuesOnlyMs.map((x) => round(x)),
        engineRunsMs: engineMs.map((x) => round(x)),
        sqlRunsMs: sqlMs.map((x) => round(x)),
        sqlQueryMedianMs: Object.fromEntries(Object.entries(handQueryMs).map(([k, v]) => [k, round(median(v))])),
        ...comparison,
      },
      engineProfile: {
        totalMs: round(profiledTotal),
        queryMs: round(queryTotal),
        queries: timer.queries.length,
        jsAndDriverOverheadMs: round(profiledTotal - queryTotal),
        byCategory: Object.fromEntries(
          Object.entries(byCategory)
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([k, v]) => [k, { ms: round(v.ms), queries: v.queries, rows: v.rows }]),
        ),
        slowest,
        ...parts,
      },
      factIndex,
      cached,
      warmed,
      page,
      districtScorecard: {
        district: biggest.code,
        puskesmas: tree.byDistrict.get(biggest.id)!.length,
        ms: round(district.median),
        runsMs: district.ms.map((x) => round(x)),
        warmMs: round(districtWarm.median),
      },
      freshness,
    };
  } finally {
    setDbHandle(null);
    await handle.destroy();
  }
}

function fileBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) n += fs.statSync(f).size;
  return n;
}

/** The engine path's parts called one by one (median of `runs`): facts with and without the trend window, computeScorecard. */
async function engineParts(handle: DbHandle, tree: Tree, pkg: ReturnType<typeof readPackage>, period: string, indicators: string[], runs: number) {
  const rowsT = performance.now();
  const rows = await handle.db.selectFrom("org_unit").selectAll().where("level", "=", "district").orderBy("code").execute();
  const rowsMs = performance.now() - rowsT;
  const byId = new Map([tree.national, ...tree.provinces, ...tree.districts].map((u) => [u.id, u]));
  const orgChains: Record<string, OrgChainLink[]> = Object.create(null);
  for (const r of rows) {
    orgChains[r.code] = r.path
      .split("/")
      .filter(Boolean)
      .map((id) => byId.get(Number(id))!)
      .map((u) => ({ code: u.code, level: u.level }));
  }
  const request: ScorecardRequest = { period, ytd: true, indicators, rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) };
  const plan = planScorecard(pkg, request);
  const withTrend = await timeRuns(runs, () => sqlRowFacts(handle.db, plan, rows));
  const noTrendPlan = planScorecard(pkg, { ...request, trend: false });
  const withoutTrend = await timeRuns(runs, () => sqlRowFacts(handle.db, noTrendPlan, rows));
  const facts = withTrend.result;
  const compute = await timeRuns(runs, async () => computeScorecard(pkg, request, { facts, orgChains }));
  const lastChange = await timeRuns(runs, () =>
    handle.db
      .selectFrom("submission")
      .select((eb) => eb.fn.max("updated_at").as("at"))
      // As buildScorecard asks it for a national scope (no unit filter; index (package_key, updated_at)).
      .where("package_key", "=", PACKAGE_KEY)
      .executeTakeFirst(),
  );
  return {
    districtRowsQueryMs: round(rowsMs),
    sqlRowFactsMs: round(withTrend.median),
    sqlRowFactsWithoutTrendMs: round(withoutTrend.median),
    computeScorecardMs: round(compute.median),
    lastChangeQueryMs: round(lastChange.median),
  };
}

/** Every cell's value, state, achievement, trend and completeness, and the ranks: to check a cached scorecard against a fresh one. */
function fingerprint(r: ScorecardResult): string {
  return JSON.stringify([r.scorecard.rows, r.scorecard.total, r.lastChange]);
}

/**
 * The cache as users meet it: warm repeats (no change in between), and a view right after a
 * verifier's decision on one submitted report per run, a different district each time, written
 * as verification.server.ts writes it (approve: status; return: status and its facts deleted,
 * so values change), the triggers bumping that district's version. Each post-decision result
 * is checked against a cold recomputation, every cell.
 */
async function cachedRuns(handle: DbHandle, query: ScorecardQuery, runs: number, coldResult: ScorecardResult) {
  clearScorecardCache(handle.db);
  const firstT = performance.now();
  await buildScorecard(query, handle.db);
  const coldMs = performance.now() - firstT;
  const warm = await timeRuns(runs, () => buildScorecard(query, handle.db));
  const warmSame = fingerprint(warm.result) === fingerprint(coldResult);
  const picks = await pickPending(handle, runs);
  const afterMs: number[] = [];
  const approveMs: number[] = [];
  let last: ScorecardResult | null;
  let afterApprovalSame = true;
  const cache = cacheFor(handle.db)!;
  Object.assign(cache.stats, { resultHits: 0, resultMisses: 0, rowHits: 0, rowMisses: 0 });
  for (const [i, p] of picks.entries()) {
    const t0 = performance.now();
    await decide(handle, p.id, i % 2 === 0);
    const t1 = performance.now();
    last = await buildScorecard(query, handle.db);
    afterMs.push(performance.now() - t1);
    approveMs.push(t1 - t0);
    if (i >= picks.length - 2) {
      // Checked against a cold recomputation outside the timing: another Kysely instance on the same database has its own, empty cache.
      const fresh = await buildScorecard(query, handle.db.withPlugin({ transformQuery: (a) => a.node, transformResult: async (a) => a.result }));
      afterApprovalSame &&= fingerprint(last) === fingerprint(fresh);
    }
  }
  const stats = { ...cache.stats };
  if (!warmSame || !afterApprovalSame)
    throw new Error(`cached scorecard differs from a fresh one (warm same: ${warmSame}, after approval same: ${afterApprovalSame})`);
  return {
    firstViewMs: round(coldMs),
    warmMs: round(warm.median),
    warmRunsMs: warm.ms.map((x) => round(x)),
    afterApprovalMs: round(median(afterMs)),
    afterApprovalRunsMs: afterMs.map((x) => round(x)),
    approveWriteMs: round(median(approveMs)),
    approvals: picks.length,
    identicalToFresh: warmSame && afterApprovalSame,
    cacheStats: stats,
  };
}

/** Submitted reports of `n` different districts, for verifier decisions. */
async function pickPending(handle: DbHandle, n: number) {
  const pending = await handle.db
    .selectFrom("submission")
    .select(["id", "district_id"])
    .where("status", "=", "submitted")
    .where("package_key", "=", PACKAGE_KEY)
    .orderBy("id")
    .limit(2000)
    .execute();
  const seen = new Set<number | null>();
  return pending.filter((p) => !seen.has(p.district_id) && seen.add(p.district_id)).slice(0, n);
}

/** A verifier's decision as verification.server.ts writes it: approve (status), or return (status, facts deleted). */
async function decide(handle: DbHandle, submissionId: number, approve: boolean): Promise<void> {
  const now = new Date().toISOString();
  await handle.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("submission")
      .set(approve ? { status: "approved", approved_at: now, updated_at: now } : { status: "returned", return_note: "bench", updated_at: now })
      .where("id", "=", submissionId)
      .execute();
    if (!approve) await trx.deleteFrom("submission_value").where("submission_id", "=", submissionId).execute();
  });
}

/**
 * The national district scorecard as the national admin's page asks for it (every indicator of
 * the package, each with its own year-to-date setting, scoped to the nation), served with the
 * background warmer of decision 013: the warmer's first run after a start (cache empty), the
 * admin's first view after it, repeats, and per verifier decision: the view right after it
 * (before the warmer's next check), the warmer's check, and the view after that check. The last
 * view is checked against a cold recomputation, every cell.
 */
async function warmedRuns(handle: DbHandle, period: string, runs: number) {
  clearScorecardCache(handle.db);
  // A clock whose default period (the last complete month) is the benchmark's period.
  const clock = reportingTime(period);
  const warmer = createScorecardWarmer(handle.db, { now: () => clock });
  let t = performance.now();
  const firstRun = await warmer.tick();
  const warmUpMs = performance.now() - t;
  const nation = await handle.db.selectFrom("org_unit").select("path").where("level", "=", "national").executeTakeFirstOrThrow();
  const pageQuery: ScorecardQuery = { packageKey: PACKAGE_KEY, period, level: "district", scopePaths: [nation.path] };
  t = performance.now();
  await buildScorecard(pageQuery, handle.db);
  const firstViewMs = performance.now() - t;
  const repeat = await timeRuns(runs, () => buildScorecard(pageQuery, handle.db));
  // An indicator group the warmer does not build: served from the full view's rows.
  const groupFirstViewMs: Record<string, number> = {};
  for (const g of (await buildScorecard(pageQuery, handle.db)).effective.package.groups ?? []) {
    t = performance.now();
    await buildScorecard({ ...pageQuery, group: g.key }, handle.db);
    groupFirstViewMs[g.key] = round(performance.now() - t);
  }
  // The month before (warmed too; its current columns are this month's trend columns).
  t = performance.now();
  await buildScorecard({ ...pageQuery, period: previousPeriod(period) }, handle.db);
  const monthBeforeFirstViewMs = performance.now() - t;
  const afterDecisionMs: number[] = [];
  const tickMs: number[] = [];
  const afterTickMs: number[] = [];
  let last: ScorecardResult | null = null;
  for (const [i, p] of (await pickPending(handle, runs)).entries()) {
    await decide(handle, p.id, i % 2 === 1);
    t = performance.now();
    await buildScorecard(pageQuery, handle.db);
    afterDecisionMs.push(performance.now() - t);
    // The next decision again, so the warmer (not the view) meets the change.
    await decide(handle, (await pickPending(handle, 1))[0].id, true);
    t = performance.now();
    await warmer.tick();
    tickMs.push(performance.now() - t);
    t = performance.now();
    last = await buildScorecard(pageQuery, handle.db);
    afterTickMs.push(performance.now() - t);
  }
  const fresh = await buildScorecard(pageQuery, handle.db.withPlugin({ transformQuery: (a) => a.node, transformResult: async (a) => a.result }));
  if (!last || fingerprint(last) !== fingerprint(fresh)) throw new Error("warmed scorecard differs from a fresh one");
  return {
    warmUpMs: round(warmUpMs),
    warmUpViews: firstRun?.views ?? 0,
    firstViewMs: round(firstViewMs),
    repeatMs: round(repeat.median),
    groupFirstViewMs,
    monthBeforeFirstViewMs: round(monthBeforeFirstViewMs),
    afterDecisionMs: round(median(afterDecisionMs)),
    afterDecisionRunsMs: afterDecisionMs.map((x) => round(x)),
    warmerCheckMs: round(median(tickMs)),
    afterWarmerMs: round(median(afterTickMs)),
    afterWarmerRunsMs: afterTickMs.map((x) => round(x)),
    identicalToFresh: true,
  };
}

/** A moment inside the reporting window of `period` (the 1st of the next month), so the deadline lock lets the report in. */
function reportingTime(period: string): Date {
  const [y, m] = period.split("-").map(Number);
  return new Date(Date.UTC(y, m, 1));
}

async function measureFreshness(handle: DbHandle, tree: Tree, unit: Tree["puskesmas"][number], period: string, query: ScorecardQuery, before: ScorecardResult) {
  const districtId = Number(unit.path.split("/").filter(Boolean)[2]);
  const district = tree.districts.find((d) => d.id === districtId)!;
  const cellOf = (r: ScorecardResult) => r.scorecard.rows.find((row) => row.code === district.code)!.cells.find((c) => c.indicator === "spm_01")!;
  const beforeNum = cellOf(before).numerator ?? 0;
  const data: Record<string, number> = {
    spm01_bumil_k6: 4321,
    spm02_persalinan_faskes: 40,
    spm03_bbl_kn_lengkap: 38,
    spm04_balita_standar: 150,
    spm05_usia_dasar_skrining: 200,
    spm06_usia_produktif_skrining: 500,
    spm07_lansia_skrining: 120,
    spm08_hipertensi_standar: 90,
    spm09_dm_standar: 20,
    spm10_odgj_berat_standar: 2,
    spm11_terduga_tb_diperiksa: 15,
    spm12_risiko_hiv_diperiksa: 30,
  };
  // As on a live server: the scorecard was viewed before the report came in (cache warm).
  await buildScorecard(query, handle.db);
  const t0 = performance.now();
  const ctx = new SubmissionContext(PACKAGE_KEY, handle.db);
  const prepared = await prepareSubmission(ctx, { unitCode: unit.code, formKey: "spm_bulanan", period, data });
  if (!prepared.ok) throw new Error(`freshness submission refused: ${JSON.stringify(prepared.problems)}`);
  const t1 = performance.now();
  await handle.db
    .transaction()
    .execute((trx) => storeSubmission(trx, prepared.submission, { status: "submitted", actorUserId: null, now: reportingTime(period) }));
  const t2 = performance.now();
  const after = await buildScorecard(query, handle.db);
  const t3 = performance.now();
  const afterNum = cellOf(after).numerator ?? 0;
  const shown = afterNum - beforeNum === data.spm01_bumil_k6;
  if (!shown) throw new Error(`freshness: scorecard did not reflect the new submission (${beforeNum} → ${afterNum})`);
  return {
    unit: unit.code,
    period,
    freshnessMs: round(t3 - t0),
    validateMs: round(t1 - t0),
    storeMs: round(t2 - t1),
    scorecardMs: round(t3 - t2),
    reflected: shown,
  };
}

type BenchResult = Awaited<ReturnType<typeof benchOne>>;

function printTable(r: BenchResult): void {
  const out: string[] = [];
  const line = (k: string, v: string | number) => out.push(`  ${k.padEnd(44)} ${v}`);
  const d = r.dataset;
  out.push(`\n== ${r.db} (${r.dbVersion}) ==`);
  out.push("Dataset (deterministic, seed fixed)");
  line("provinces / districts / Puskesmas", `${d.provinces} / ${d.districts} / ${d.puskesmas}`);
  line("months of 2025", d.months);
  line("forms", d.forms.join(", "));
  line("submissions (counted / draft)", `${d.submissions} (${d.submissionsCounted} / ${d.submissionsDraft})`);
  for (const [f, v] of Object.entries(d.perForm)) line(`  ${f}`, `${v.submissions} submissions, ${v.values} values`);
  line("submission_value rows", d.values);
  line("database size", `${round(r.dbBytes / 2 ** 20, 1)} MiB`);
  out.push("Load (validation BYPASSED — this benchmarks reads)");
  line(
    "total",
    `${round(r.load.loadMs / 1000, 1)} s  (org ${r.load.orgMs} ms, package ${r.load.packageMs} ms, submissions ${round(r.load.submissionsMs / 1000, 1)} s, ${r.load.valuesPerSecond} values/s)`,
  );
  if (r.load.analyzeMs) line("analyze", `${r.load.analyzeMs} ms`);
  const s = r.scorecard;
  out.push(
    `National district scorecard: ${s.period} year-to-date, ${s.indicators.length} indicators × ${d.districts} districts (median of ${s.runs} after 1 warm-up)`,
  );
  line("engine path buildScorecard(), same numbers", `${s.scorecardEngineMs} ms   runs ${s.valuesOnlyRunsMs.join(", ")}`);
  line("hand-written SQL", `${s.scorecardSqlMs} ms   runs ${s.sqlRunsMs.join(", ")}`);
  line(
    "  per family (median ms)",
    Object.entries(s.sqlQueryMedianMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
  );
  line("ratio = engine ÷ sql", `${s.ratio}   (target ≤ 1.5: ${s.ratio <= 1.5 ? "met" : "NOT met"})`);
  line("full page scorecard (with trend)", `${s.scorecardEngineWithTrendMs} ms   runs ${s.engineRunsMs.join(", ")}   ratio ${s.ratioWithTrend}`);
  line("agree", `${s.agree}  (${s.cells} cells, ${s.nullCells} null in both, max rel diff ${s.maxRelDiff.toExponential(1)}, ${s.mismatchCount} mismatches)`);
  const f = r.factIndex;
  out.push("Columnar fact index (decision 040), the same scorecard");
  line(
    "index load at start / size",
    `${f.loadMs} ms / ${f.indexMiB} MiB (${f.values} values, ${f.reports} reports; RSS ${f.rssBeforeMiB} → ${f.rssAfterMiB} MiB)`,
  );
  line("engine with the index, same numbers", `${f.scorecardEngineMs} ms; with trend ${f.scorecardEngineWithTrendMs} ms`);
  line("hand-written SQL (same runs)", `${f.scorecardSqlMs} ms`);
  line("ratio = engine ÷ sql", `${f.ratio}   (target ≤ 1.0: ${f.ratio <= 1 ? "met" : "NOT met"}); with trend ${f.ratioWithTrend}`);
  line("agree", `${f.agree} (${f.cells} cells, ${f.mismatchCount} mismatches)`);
  line(
    `cold national views (${f.coldAnyPeriod.views}: every period, ytd or not, by district and province, group)`,
    `median ${f.coldAnyPeriod.medianMs} ms, p95 ${f.coldAnyPeriod.p95Ms} ms, max ${f.coldAnyPeriod.maxMs} ms (target ≤ 300: ${f.coldAnyPeriod.maxMs <= 300 ? "met" : "NOT met"})`,
  );
  line("  slowest", f.coldAnyPeriod.slowest.map((x) => `${x.query} ${x.ms}`).join(", "));
  line("cold view right after a publication / an approval", `${f.afterPublicationMs} / ${f.afterApprovalMs} ms`);
  const c = r.cached;
  out.push("Cached scorecard (decision 009: per-district data versions kept by triggers)");
  line("cold, full page with trend (cache empty)", `${s.scorecardEngineWithTrendMs} ms (first view after a restart: ${c.firstViewMs} ms)`);
  line("warm: repeat view, no change in between", `${c.warmMs} ms   runs ${c.warmRunsMs.join(", ")}`);
  line(
    "right after an approval (1 district changed)",
    `${c.afterApprovalMs} ms   runs ${c.afterApprovalRunsMs.join(", ")}   (approval write ${c.approveWriteMs} ms)`,
  );
  line(
    "cached = fresh, every cell",
    `${c.identicalToFresh}  (row facts reused ${c.cacheStats.rowHits}, recomputed ${c.cacheStats.rowMisses}; results hit ${c.cacheStats.resultHits})`,
  );
  const w = r.warmed;
  out.push(`The national admin's page, every indicator, with the background warmer (decision 013)`);
  line("warmer's first run after a start (cache empty)", `${w.warmUpMs} ms (${w.warmUpViews} selections)`);
  line("admin's first view after it", `${w.firstViewMs} ms; repeat ${w.repeatMs} ms`);
  line(
    "first view of each indicator group",
    Object.entries(w.groupFirstViewMs)
      .map(([g, ms]) => `${g} ${ms} ms`)
      .join(", "),
  );
  line("first view of the month before", `${w.monthBeforeFirstViewMs} ms`);
  line("view right after a decision (before the check)", `${w.afterDecisionMs} ms   runs ${w.afterDecisionRunsMs.join(", ")}`);
  line("warmer's check after a decision", `${w.warmerCheckMs} ms (in the background)`);
  line("view after the warmer's check", `${w.afterWarmerMs} ms   runs ${w.afterWarmerRunsMs.join(", ")}`);
  if (r.page) out.push(...pageLines(r.page));
  const p = r.engineProfile;
  out.push("Where the engine path spends its time (one instrumented run, cold)");
  line("wall / queries summed / queries", `${p.totalMs} ms / ${p.queryMs} ms / ${p.queries} (the forms are read concurrently, so query times overlap)`);
  for (const [k, v] of Object.entries(p.byCategory)) line(`  ${k}`, `${v.ms} ms in ${v.queries} queries, ${v.rows} rows`);
  line("sqlRowFacts (current + previous window)", `${p.sqlRowFactsMs} ms`);
  line("sqlRowFacts without trend window", `${p.sqlRowFactsWithoutTrendMs} ms`);
  line("computeScorecard (pure engine)", `${p.computeScorecardMs} ms`);
  line("lastChange query alone", `${p.lastChangeQueryMs} ms`);
  out.push("Other reads");
  line(
    `district Puskesmas scorecard (${r.districtScorecard.district})`,
    `cold ${r.districtScorecard.ms} ms, warm ${r.districtScorecard.warmMs} ms (${r.districtScorecard.puskesmas} rows)`,
  );
  line(
    "freshness: new submission → scorecard shows it (cache warm)",
    `${r.freshness.freshnessMs} ms (validate ${r.freshness.validateMs}, store ${r.freshness.storeMs}, scorecard ${r.freshness.scorecardMs})`,
  );
  process.stdout.write(out.join("\n") + "\n");
}

/**
 * The PostgreSQL server to benchmark on: BENCH_DATABASE_URL's, or a throwaway one started here
 * (tests/setup/postgres.ts, as the test run starts its own), or none with --sqlite-only. The
 * throwaway server is stopped and its directory removed at the end, on failure, and on Ctrl-C
 * or SIGTERM (its stop() is synchronous, so it also runs at exit, which the signals lead to).
 */
async function postgresServer(args: Args): Promise<{ url: string; label: string; stop: () => void } | null> {
  if (args.sqliteOnly) return null;
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, label: "BENCH_DATABASE_URL", stop: () => {} };
  log("starting a throwaway PostgreSQL server (initdb + pg_ctl on 127.0.0.1; --sqlite-only skips it)…");
  const server: PgServer = await startPostgres();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      server.stop();
      log("throwaway PostgreSQL server stopped and removed");
    } catch (err) {
      process.stderr.write(`[bench] stopping the throwaway PostgreSQL server failed: ${(err as Error).message}\n`);
    }
  };
  process.once("exit", stop);
  if (args.keep) log("--keep keeps the SQLite files; the throwaway PostgreSQL server is removed at the end (use BENCH_DATABASE_URL to keep a database)");
  return { url: server.url, label: `throwaway server ${new URL(server.url).host}`, stop };
}

/** The headline figures of one database (the top-level JSON keys are these for SQLite). */
function summaryOf(r: BenchResult) {
  return {
    dbVersion: r.dbVersion,
    dbBytes: r.dbBytes,
    submissions: r.dataset.submissions,
    values: r.dataset.values,
    loadMs: r.load.loadMs,
    scorecardEngineMs: r.scorecard.scorecardEngineMs,
    scorecardSqlMs: r.scorecard.scorecardSqlMs,
    ratio: r.scorecard.ratio,
    scorecardEngineWithTrendMs: r.scorecard.scorecardEngineWithTrendMs,
    agree: r.scorecard.agree,
    districtScorecardMs: r.districtScorecard.ms,
    warmScorecardMs: r.cached.warmMs,
    afterApprovalScorecardMs: r.cached.afterApprovalMs,
    warmedFirstViewMs: r.warmed.firstViewMs,
    warmedAfterDecisionMs: r.warmed.afterWarmerMs,
    warmerCheckMs: r.warmed.warmerCheckMs,
    pageWarmMs: r.page?.warmMs ?? null,
    freshnessMs: r.freshness.freshnessMs,
  };
}

/** SQLite and PostgreSQL in two columns: the headline figures of each. */
function sideBySide(results: BenchResult[], village: Partial<Record<DbKind, VillageResult>>): string {
  const cols = results.map((r) => ({ r, s: summaryOf(r), v: village[r.db] }));
  const rows: Array<[string, (c: (typeof cols)[number]) => string | number]> = [
    ["version", (c) => c.s.dbVersion.split(" (")[0]],
    ["submissions / values loaded", (c) => `${c.s.submissions} / ${c.s.values}`],
    ["load (validation bypassed)", (c) => `${round(c.s.loadMs / 1000, 1)} s`],
    ["database size", (c) => `${round(c.s.dbBytes / 2 ** 20, 1)} MiB`],
    ["national scorecard: engine, same numbers", (c) => `${c.s.scorecardEngineMs} ms`],
    ["  hand-written SQL", (c) => `${c.s.scorecardSqlMs} ms`],
    ["  ratio engine ÷ sql (target ≤ 1.5)", (c) => c.s.ratio],
    ["  full page scorecard, with trend, cold", (c) => `${c.s.scorecardEngineWithTrendMs} ms`],
    ["  agree with the SQL", (c) => String(c.s.agree)],
    ["cached: warm repeat", (c) => `${c.s.warmScorecardMs} ms`],
    ["cached: right after an approval", (c) => `${c.s.afterApprovalScorecardMs} ms`],
    ["warmer: admin's first view", (c) => `${c.s.warmedFirstViewMs} ms`],
    ["warmer: check after a decision", (c) => `${c.s.warmerCheckMs} ms`],
    ["warmer: view after the check", (c) => `${c.s.warmedAfterDecisionMs} ms`],
    ["district Puskesmas scorecard, cold", (c) => `${c.s.districtScorecardMs} ms`],
    ["freshness: submission → scorecard", (c) => `${c.s.freshnessMs} ms`],
    ["page over HTTP, warm (SQLite only)", (c) => (c.s.pageWarmMs === null ? "–" : `${c.s.pageWarmMs} ms`)],
    ["village: national by district cold / warm", (c) => (c.v ? `${c.v.national.coldMs} / ${c.v.national.warmMs} ms` : "–")],
    ["village: district cold / warm", (c) => (c.v ? `${c.v.district.coldMs} / ${c.v.district.warmMs} ms` : "–")],
  ];
  const width = 46;
  const colWidth = 26;
  const out = [`== side by side ==`, `  ${"".padEnd(width)} ${cols.map((c) => c.r.db.padEnd(colWidth)).join(" ")}`];
  for (const [label, f] of rows) out.push(`  ${label.padEnd(width)} ${cols.map((c) => String(f(c)).slice(0, colWidth).padEnd(colWidth)).join(" ")}`);
  return out.join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  quiet = false;
  // Ctrl-C and the like end the process through "exit", whose handlers remove the temp databases and the throwaway server.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));
  const pgServer = await postgresServer(args);
  try {
    await benchAll(args, pgServer?.url ?? null, pgServer?.label ?? null);
  } finally {
    pgServer?.stop();
  }
}

async function benchAll(args: Args, pgUrl: string | null, pgLabel: string | null): Promise<void> {
  // A throwaway server's databases go with it; --keep applies to BENCH_DATABASE_URL's only.
  const keepPg = args.keep && pgLabel === "BENCH_DATABASE_URL";
  const newTargets = async () => {
    const list: Target[] = [await sqliteTarget(args.keep)];
    if (pgUrl) list.push(await postgresTarget(pgUrl, keepPg));
    return list;
  };
  // The validated bulk intake (upload path, job, storeSubmissions) in databases of its own.
  const intake: IntakeResult[] = [];
  if (!args.villageOnly) {
    for (const t of await newTargets()) {
      try {
        intake.push(await benchIntake(t.url, t.label, t.kind, { quick: args.quick, log }));
      } finally {
        await t.cleanup();
      }
    }
  }
  if (args.intakeOnly) {
    if (args.json) process.stdout.write(JSON.stringify({ intake, machine: machine() }) + "\n");
    else for (const r of intake) process.stdout.write(`${intakeLines(r)}\n`);
    return;
  }
  // The village-level dataset (Pustu and Posyandu under every Puskesmas) in databases of its own.
  const village: VillageResult[] = [];
  const villageByDb: Partial<Record<DbKind, VillageResult>> = {};
  for (const t of args.skipVillage ? [] : await newTargets()) {
    try {
      village.push((villageByDb[t.kind] = await benchVillage(t.url, t.label, t.kind, { quick: args.quick, runs: args.runs, log })));
    } finally {
      await t.cleanup();
    }
  }
  if (args.villageOnly) {
    if (args.json) process.stdout.write(JSON.stringify({ village, villageByDb, machine: machine() }) + "\n");
    else for (const v of village) process.stdout.write(`${villageLines(v)}\n`);
    return;
  }
  const targets: Target[] = await newTargets();
  const results: BenchResult[] = [];
  for (const t of targets) {
    try {
      results.push(await benchOne(t, args));
    } finally {
      await t.cleanup();
    }
  }
  const notulen = await benchNotulen(args.runs);
  const presentation = await benchPresentation(args.quick ? 20 : 60);
  const m = machine();
  const first = results[0];
  const agree = results.every((r) => r.scorecard.agree && r.factIndex.agree);
  const json = {
    scorecardEngineMs: first.scorecard.scorecardEngineMs,
    scorecardSqlMs: first.scorecard.scorecardSqlMs,
    ratio: first.scorecard.ratio,
    agree,
    factIndex: Object.fromEntries(results.map((r) => [r.db, r.factIndex])),
    db: first.db,
    dataset: first.dataset,
    districtScorecardMs: first.districtScorecard.ms,
    warmScorecardMs: first.cached.warmMs,
    afterApprovalScorecardMs: first.cached.afterApprovalMs,
    warmedFirstViewMs: first.warmed.firstViewMs,
    warmedAfterDecisionMs: first.warmed.afterWarmerMs,
    pageWarmMs: first.page?.warmMs ?? null,
    pageHtmlBytes: first.page?.htmlBytes ?? null,
    pageGzipBytes: first.page?.gzipBytes ?? null,
    pageFirstContentfulPaintMs: first.page?.browser.firstContentfulPaintMs ?? null,
    pageDomContentLoadedMs: first.page?.browser.domContentLoadedMs ?? null,
    freshnessMs: first.freshness.freshnessMs,
    notulen,
    presentation,
    village,
    intake,
    machine: m,
    results,
    // Per database, side by side: the same figures as the top-level keys (which are SQLite's).
    databases: Object.fromEntries(results.map((r) => [r.db, { ...summaryOf(r), village: villageByDb[r.db] ?? null }])),
    postgresServer: pgLabel,
  };
  if (args.save) fs.writeFileSync(args.save, JSON.stringify(json, null, 2) + "\n");
  if (args.json) {
    process.stdout.write(JSON.stringify(json) + "\n");
  } else {
    process.stdout.write(`Pantau ILP benchmark${args.quick ? " (--quick)" : ""}\n`);
    process.stdout.write(`machine: ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}, load avg ${m.loadAverage1m}\n`);
    for (const r of results) printTable(r);
    if (results.length > 1) process.stdout.write(`\n${sideBySide(results, villageByDb)}\n`);
    else process.stdout.write("\n(PostgreSQL skipped: --sqlite-only)\n");
    process.stdout.write(`\n${notulenLine(notulen)}\n`);
    process.stdout.write(`\n${presentationLines(presentation)}\n`);
    for (const v of village) process.stdout.write(`\n${villageLines(v)}\n`);
    for (const r of intake) process.stdout.write(`\n${intakeLines(r)}\n`);
    process.stdout.write(`\nagree: ${agree}\n`);
  }
  if (!agree) {
    for (const r of results) if (!r.scorecard.agree) process.stderr.write(`[bench] ${r.db}: mismatches ${JSON.stringify(r.scorecard.mismatches)}\n`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
