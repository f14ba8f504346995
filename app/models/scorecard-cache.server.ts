/**
 * Scorecard caches keyed by data versions read from the database (decision 009).
 *
 * `scorecard_version` (migration 005) holds one counter per district, bumped by database
 * triggers in the same transaction as every change to submissions and their facts; row 0 is
 * bumped by changes to the org tree and to published packages and overlays. A cached value is
 * stored under the versions read BEFORE its data were read, so it is never older than its key:
 * the next request after any committed write reads a newer version and misses. Because the
 * versions live in the database, every app instance (one process each) sees the same ones;
 * each keeps its own in-memory cache.
 *
 * Two levels:
 * - whole results, per query (with the caller's scope) and the digest of every version: a warm
 *   repeat costs one small read of `scorecard_version`;
 * - facts per scorecard row, per window (months, fields, forms — everything but the rows; see
 *   windowSignature) and the versions of the districts under that row: after an approval only
 *   the rows of its district are recomputed (one narrow, indexed query) and the rest reused.
 *
 * Nothing is cached inside a transaction (it may see uncommitted writes) — callers pass the
 * plain database handle for cached reads.
 */
import crypto from "node:crypto";
import type { PlanWindow, RowFacts, ScorecardPlan } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";

export interface DataVersions {
  /** Row 0: org tree, published packages and overlays, facts of units above district level. */
  global: number;
  byDistrict: Map<number, number>;
  /** Σ of the versions of the province's districts (each grows, so the sum changes with any of them). */
  byProvince: Map<number, number>;
  /** All versions, hashed: equal digests mean no committed change in between. */
  digest: string;
}

/** Reads every data version (one row per district; ~500 rows nationally). */
export async function readVersions(db: DbOrTrx): Promise<DataVersions> {
  const rows = await db.selectFrom("scorecard_version").select(["district_id", "province_id", "version"]).orderBy("district_id").execute();
  let global = 0;
  const byDistrict = new Map<number, number>();
  const byProvince = new Map<number, number>();
  const hash = crypto.createHash("sha1");
  for (const r of rows) {
    const id = Number(r.district_id);
    const v = Number(r.version);
    hash.update(`${id}:${v},`);
    if (id === 0) global = v;
    else {
      byDistrict.set(id, v);
      if (r.province_id !== null) byProvince.set(Number(r.province_id), (byProvince.get(Number(r.province_id)) ?? 0) + v);
    }
  }
  return { global, byDistrict, byProvince, digest: hash.digest("hex") };
}

/** The version a row's facts depend on: its district(s) and row 0. */
export function rowVersion(versions: DataVersions, row: Pick<OrgUnit, "id" | "depth" | "path">): string {
  const ids = row.path.split("/").filter(Boolean).map(Number);
  let own: number;
  if (row.depth === 1) own = versions.byProvince.get(row.id) ?? 0;
  else if (row.depth >= 2) own = versions.byDistrict.get(ids[2]) ?? 0;
  // A national row reads everything.
  else own = [...versions.byDistrict.values()].reduce((a, b) => a + b, 0);
  return `${versions.global}.${own}`;
}

/** A map that forgets its least recently used entries beyond `max`. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
  get size(): number {
    return this.map.size;
  }
  /** Entries, most recently used first. */
  newestFirst(): Array<[K, V]> {
    return [...this.map].reverse();
  }
}

interface RowEntry {
  version: string;
  /** The row's facts of one window (its `window` id is that of the plan it was computed in). */
  facts: RowFacts;
}

/** Most whole results kept per database (a result is ~1 MB at most for 600 rows). */
export const MAX_RESULTS = 64;
/** Most windows whose row facts are kept per database (a plan has up to four). */
export const MAX_WINDOWS = 64;

/** A selection someone viewed, for the warmer (app/models/scorecard-warmer.server.ts). */
export interface RecentQuery<Q> {
  key: string;
  query: Q;
  /** When it was last viewed (ms since the epoch). */
  at: number;
}

export class ScorecardCache<R> {
  readonly results = new Lru<string, { digest: string; result: R }>(MAX_RESULTS);
  /** Selections viewed by people (not by the warmer), most recent last. */
  readonly recent = new Lru<string, RecentQuery<unknown>>(MAX_RESULTS);
  readonly inflight = new Map<string, Promise<R>>();
  /** Row facts per window signature (windowSignature), then per row id. */
  readonly rows = new Lru<string, Map<number, RowEntry>>(MAX_WINDOWS);
  /** Counters for the benchmark and tests. */
  readonly stats = { resultHits: 0, resultMisses: 0, rowHits: 0, rowMisses: 0, windowFactsComputed: 0 };
}

const caches = new WeakMap<object, ScorecardCache<unknown>>();

/** The cache of one database handle (a Kysely instance); null inside a transaction. */
export function cacheFor<R>(db: DbOrTrx): ScorecardCache<R> | null {
  if (db.isTransaction) return null;
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new ScorecardCache<unknown>()));
  return c as ScorecardCache<R>;
}

/** Selections viewed since `since` (ms since the epoch), most recent first. */
export function recentQueries<Q>(cache: ScorecardCache<unknown>, since: number): Array<RecentQuery<Q>> {
  return cache.recent
    .newestFirst()
    .map(([, r]) => r as RecentQuery<Q>)
    .filter((r) => r.at >= since);
}

/** Forgets everything cached for a database handle (tests, the benchmark's cold runs). */
export function clearScorecardCache(db: DbOrTrx): void {
  caches.delete(db);
}

/**
 * What one window's row facts depend on besides the row: the package, who reports each form
 * (levels, applies-to groups) and the org-group filter, the window's months, fields (with their definitions), per-unit fields and forms — not its id or
 * role. The previous windows of one period are the current windows of the period before, so a
 * view of last month reuses the trend columns of this month's view, and the other way round.
 */
export function windowSignature(plan: ScorecardPlan, window: PlanWindow): string {
  const { id: _id, role: _role, period: _period, ...content } = window;
  const definitions = window.fields.map((k) => plan.fields[k]);
  return crypto
    .createHash("sha1")
    .update(JSON.stringify([plan.package, plan.reporters, plan.orgGroup, content, definitions]))
    .digest("hex");
}

/**
 * Row facts from the cache where the row's version is unchanged, per window; `compute` is called
 * once for what is not — with the windows that miss some row and the rows that miss some window
 * — and its facts stored under the versions read before it ran. Returns facts in `sqlRowFacts`
 * order: per window, per row.
 */
export async function cachedRowFacts<Row extends Pick<OrgUnit, "id" | "code" | "depth" | "path">>(
  cache: ScorecardCache<unknown>,
  versions: DataVersions,
  plan: ScorecardPlan,
  rows: readonly Row[],
  compute: (plan: ScorecardPlan, rows: Row[]) => Promise<RowFacts[]>,
): Promise<RowFacts[]> {
  const perWindow = plan.windows.map((w) => {
    const signature = windowSignature(plan, w);
    let entries = cache.rows.get(signature);
    if (!entries) cache.rows.set(signature, (entries = new Map()));
    return entries;
  });
  const wanted = rows.map((r) => ({ row: r, version: rowVersion(versions, r) }));
  const missingIn = plan.windows.map(
    (_w, wi) => new Set(wanted.filter(({ row, version }) => perWindow[wi].get(row.id)?.version !== version).map(({ row }) => row.id)),
  );
  const missingRows = wanted.filter(({ row }) => missingIn.some((set) => set.has(row.id)));
  cache.stats.rowHits += rows.length - missingRows.length;
  cache.stats.rowMisses += missingRows.length;
  if (missingRows.length > 0) {
    const windows = plan.windows.filter((_w, wi) => missingIn[wi].size > 0);
    const fresh = await compute(
      windows.length === plan.windows.length ? plan : { ...plan, windows },
      missingRows.map((m) => m.row),
    );
    cache.stats.windowFactsComputed += fresh.length;
    const windowIndex = new Map(plan.windows.map((w, i) => [w.id, i]));
    const missingByCode = new Map(missingRows.map((m) => [m.row.code, m]));
    for (const f of fresh) {
      const m = missingByCode.get(f.row)!;
      perWindow[windowIndex.get(f.window)!].set(m.row.id, { version: m.version, facts: f });
    }
  }
  const out: RowFacts[] = [];
  plan.windows.forEach((w, wi) => {
    for (const { row } of wanted) {
      const f = perWindow[wi].get(row.id)?.facts;
      if (f) out.push(f.window === w.id ? f : { ...f, window: w.id });
    }
  });
  return out;
}
