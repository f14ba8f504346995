/**
 * The fact index's cold any-period views alone (tests/bench/fact-index.ts, coldViews), without the
 * rest of `npm run bench`: for iterating on their cost and for before/after figures in
 * docs/benchmarks.md.
 *
 *   npx tsx tests/bench/cold-views.ts [--quick] [--db file.sqlite] [--postgres] [--rounds N] [--cpu-prof dir]
 *
 * SQLite: with --db the file is kept; when it already holds the dataset it is reused (the full
 * dataset takes ~1.5 minutes to load), else it is built there. Without --db a temp file is used and
 * removed. --postgres: the same on a throwaway PostgreSQL server (tests/setup/postgres.ts), never
 * kept. The index is loaded once; then N rounds (default 3) of every view, each with the scorecard
 * caches emptied first. --cpu-prof writes a V8 CPU profile of the rounds (inspector) to that directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session } from "node:inspector/promises";
import { sql } from "kysely";
import { migrateToLatest, openDb, setDbHandle, type DbHandle } from "~/db/db.server";
import { loadFactIndex } from "~/models/fact-index.server";
import { buildTree, YEAR } from "./dataset";
import { addGroup, coldViews } from "./fact-index";
import { loadDataset, readPackage } from "./load";
import { median, round } from "./timing";
import { startPostgres } from "../setup/postgres";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? null) : null;
};
const quick = flag("--quick");
const rounds = Math.max(1, Number(option("--rounds") ?? 3) || 3);
const months = quick ? 3 : 12;
const log = (m: string) => process.stderr.write(`[cold-views] ${m}\n`);

async function prepare(handle: DbHandle): Promise<void> {
  setDbHandle(handle);
  const has = await sql<{ n: number }>`select count(*) as n from org_group where key = 'bench_blud'`.execute(handle.db).catch(() => null);
  if (has && Number(has.rows[0].n) > 0) {
    log("reusing the dataset already in the database");
    return;
  }
  await migrateToLatest(handle);
  const tree = buildTree(quick ? 0.1 : 1);
  log(`loading ${tree.puskesmas.length} Puskesmas × ${months} months…`);
  const stats = await loadDataset(handle, tree, readPackage(), { months, holdOut: tree.puskesmas[Math.floor(tree.puskesmas.length / 2)] });
  log(`loaded ${stats.submissions} submissions, ${stats.values} values in ${round(stats.loadMs / 1000, 1)} s`);
  await addGroup(handle, tree, YEAR);
  if (handle.kind === "postgres") await sql`analyze`.execute(handle.db);
}

async function measure(handle: DbHandle, label: string): Promise<void> {
  const t = performance.now();
  const index = await loadFactIndex(handle.db);
  log(`${label}: index ${index.stats.values} values loaded in ${Math.round(performance.now() - t)} ms; load average ${os.loadavg()[0].toFixed(1)}`);
  await coldViews(handle.db, YEAR, months); // warm-up round (JIT), not counted
  const profDir = option("--cpu-prof");
  const session = profDir ? new Session() : null;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const all: number[] = [];
  const allCpu: number[] = [];
  const byQuery = new Map<string, number[]>();
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${round(median(s))} ms, p95 ${round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))])} ms, max ${round(s[s.length - 1])} ms`;
  };
  for (let r = 0; r < rounds; r++) {
    const cold = await coldViews(handle.db, YEAR, months);
    for (const c of cold) byQuery.set(c.query, [...(byQuery.get(c.query) ?? []), c.ms]);
    all.push(...cold.map((c) => c.ms));
    allCpu.push(...cold.map((c) => c.cpuMs));
    log(
      `${label} round ${r + 1}/${rounds}: ${cold.length} views, wall ${stats(cold.map((c) => c.ms))}; CPU ${stats(cold.map((c) => c.cpuMs))}; load ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  if (session && profDir) {
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(profDir, { recursive: true });
    const file = path.join(profDir, `cold-views-${label}-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    log(`CPU profile: ${file}`);
  }
  const slowest = [...byQuery].map(([q, ms]) => ({ q, ms: median(ms) })).sort((a, b) => b.ms - a.ms);
  process.stdout.write(
    `${label}: ${all.length} cold views (${rounds} rounds), wall ${stats(all)}; CPU ${stats(allCpu)}; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}; ` +
      `slowest wall (median of rounds): ${slowest
        .slice(0, 5)
        .map((s) => `${s.q} ${round(s.ms)}`)
        .join(", ")}\n`,
  );
}

async function main(): Promise<void> {
  const dbFile = option("--db");
  let tempDir: string | null = null;
  const file = dbFile ?? path.join((tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-cold-"))), "bench.sqlite");
  try {
    if (!flag("--postgres-only")) {
      const handle = openDb(`sqlite:${file}`);
      await prepare(handle);
      await measure(handle, "sqlite");
      await handle.db.destroy();
    }
    if (flag("--postgres") || flag("--postgres-only")) {
      log("starting a throwaway PostgreSQL server…");
      const server = await startPostgres();
      try {
        const handle = openDb(server.url);
        await prepare(handle);
        await measure(handle, "postgres");
        await handle.db.destroy();
      } finally {
        server.stop();
      }
    }
  } finally {
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
