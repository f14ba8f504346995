/**
 * Keeps the scorecards people look at computed before they ask (decision 013).
 *
 * The caches of decision 009 make a repeat view cost milliseconds and a view after an approval
 * cost one district's facts, but the first view of a selection after a start, a package
 * publication or an org change still computes every row (5–7 s for the national district
 * scorecard on SQLite). The warmer pays that cost in the background instead of the first user:
 *
 * - at start, and whenever any data version changed, it builds the national scorecards of the
 *   current default period and the month before for every published template (rows =
 *   districts, rows = provinces):
 *   their row facts are what every national, provincial and district-by-district view of that
 *   period reuses, whatever the viewer's scope;
 * - it rebuilds the selections people viewed in the last 30 minutes (most recent first, at most
 *   `MAX_RECENT`) once their data changed, so after an approval the next viewer finds the
 *   result ready instead of recomputing that district.
 *
 * It goes through `buildScorecard` (same code, same caches, same version checks), one selection
 * at a time, never inside a transaction. A view that arrives while the same selection is being
 * warmed joins that computation. Errors are logged and the loop goes on. Every app instance
 * warms its own memory.
 */
import { previousPeriod } from "@engine";
import { getDb } from "~/db/db.server";
import type { DbOrTrx } from "~/auth/audit.server";
import { factIndexSettled } from "./fact-index.server";
import { buildScorecard, type ScorecardQuery } from "./scorecard.server";
import { cacheFor, readVersions, recentQueries, type ScorecardCache } from "./scorecard-cache.server";
import { defaultPeriod } from "./scorecard-view.server";
import { defaultScorecardPeriod } from "./scorecard-period.server";
import { clock } from "~/utils/clock.server";

export interface WarmerOptions {
  /** Time between checks for changed data (ms). */
  intervalMs: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Where problems are reported (default console.error). */
  log?: (message: string) => void;
}

export interface WarmRun {
  /** When the run finished (ISO UTC). */
  at: string;
  /** Selections built in this run. */
  views: number;
  /** Selections that failed (logged). */
  failed: number;
  ms: number;
}

export interface WarmerStatus {
  /** The last run that built something; null before the first. */
  last: WarmRun | null;
  runs: number;
}

export interface ScorecardWarmer {
  /** One check: builds what is stale; resolves when done (also used by tests and the benchmark). */
  tick(): Promise<WarmRun | null>;
  status(): WarmerStatus;
  stop(): Promise<void>;
}

/** Recently viewed selections rebuilt per run, at most. */
export const MAX_RECENT = 16;
/** A selection not viewed for this long is no longer kept warm. */
export const RECENT_MS = 30 * 60_000;

/**
 * The selections every national or provincial viewer's rows come from: by district and by
 * province, for the period a national page opens on (when reports of the last complete month
 * are still coming in, an earlier one), the last complete month and then the month before (while late reports for the last
 * month still come in, people look at the one before). The month before costs only its own
 * trend columns: its current columns are the default period's trend columns (the row cache is
 * per window).
 */
export async function defaultQueries(db: DbOrTrx, now: Date): Promise<ScorecardQuery[]> {
  const published = await db.selectFrom("template_package").select("key").distinct().where("status", "=", "published").orderBy("key").execute();
  const period = defaultPeriod(now);
  const before = previousPeriod(period);
  const views = (key: string, p: string): ScorecardQuery[] => [
    { packageKey: key, period: p, level: "district" as const },
    { packageKey: key, period: p, level: "province" as const },
  ];
  // The period a national page opens on (decision 025) first, when it is neither of those two.
  const opening: ScorecardQuery[] = [];
  for (const { key } of published) {
    const open = (await defaultScorecardPeriod(key, ["/"], now, db)).period;
    if (open !== period && open !== before) opening.push(...views(key, open));
  }
  return [...opening, ...[period, before].flatMap((p) => published.flatMap(({ key }) => views(key, p)))];
}

let current: ScorecardWarmer | null = null;

/** The running warmer's status for /healthz (null when none runs in this process). */
export function warmerStatus(): WarmerStatus | null {
  return current?.status() ?? null;
}

export function createScorecardWarmer(db: DbOrTrx, options: Omit<WarmerOptions, "intervalMs">): ScorecardWarmer {
  const now = options.now ?? (() => clock.now());
  const log = options.log ?? ((m: string) => console.error(m));
  const cache = cacheFor(db) as ScorecardCache<unknown> | null;
  if (!cache) throw new Error("the scorecard warmer needs a database handle outside a transaction");
  let lastDigest: string | null = null;
  let lastPeriod: string | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const status: WarmerStatus = { last: null, runs: 0 };

  async function run(): Promise<WarmRun | null> {
    // The fact index loading at start (decision 040): build with it rather than through SQL.
    await factIndexSettled(db);
    const started = performance.now();
    // Versions first (as buildScorecard does): what is built below is at least this new.
    const versions = await readVersions(db);
    const at = now();
    const period = defaultPeriod(at);
    const recent = recentQueries<ScorecardQuery>(cache!, at.getTime() - RECENT_MS).slice(0, MAX_RECENT);
    // Nothing changed since the last run: everything built then, and everything viewed since
    // (built at view time under these same versions), is current.
    if (versions.digest === lastDigest && period === lastPeriod) return null;
    const queries: ScorecardQuery[] = [...(await defaultQueries(db, at)), ...recent.map((r) => r.query)];
    let views = 0;
    let failed = 0;
    for (const q of queries) {
      try {
        await buildScorecard(q, db, { background: true });
        views++;
      } catch (e) {
        failed++;
        log(`Scorecard warmer: ${q.packageKey} ${q.period} ${q.parentCode ?? q.level ?? ""}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    lastDigest = versions.digest;
    lastPeriod = period;
    const result: WarmRun = { at: clock.iso(), views, failed, ms: Math.round(performance.now() - started) };
    status.last = result;
    status.runs++;
    return result;
  }

  return {
    tick() {
      // One run at a time; a tick during a run waits for it and then checks again.
      const next = chain.then(run, run);
      chain = next.catch(() => undefined);
      return next;
    },
    status: () => ({ ...status }),
    stop: async () => {
      await chain;
    },
  };
}

/**
 * Starts warming in the background of the server process: a first run right away, then a check
 * every `intervalMs`. The timer does not keep the process alive. Returns the warmer (one per process).
 */
export function startScorecardWarmer(options: WarmerOptions, db: DbOrTrx = getDb()): ScorecardWarmer {
  if (current) return current;
  const warmer = createScorecardWarmer(db, options);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const loop = async () => {
    try {
      await warmer.tick();
    } catch (e) {
      (options.log ?? console.error)(`Scorecard warmer: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopped) {
      timer = setTimeout(loop, options.intervalMs);
      timer.unref();
    }
  };
  void loop();
  current = {
    ...warmer,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await warmer.stop();
      current = null;
    },
  };
  return current;
}
