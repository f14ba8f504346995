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
 * - facts per scorecard row, per plan (fields, windows, forms — everything but the rows) and the
 *   versions of the districts under that row: after an approval only the rows of its district
 *   are recomputed (one narrow, indexed query) and the rest reused.
 *
 * Nothing is cached inside a transaction (it may see uncommitted writes) — callers pass the
 * plain database handle for cached reads.
 */
import crypto from "node:crypto";
import type { RowFacts, ScorecardPlan } from "../../engine/index";
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
  /** The row's facts, one per window of the plan, in the plan's window order. */
  facts: RowFacts[];
}

/** Most whole results kept per database (a result is ~1 MB at most for 600 rows). */
export const MAX_RESULTS = 64;
/** Most plans whose row facts are kept per database. */
export const MAX_PLANS = 24;

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
  readonly rows = new Lru<string, Map<number, RowEntry>>(MAX_PLANS);
  /** Counters for the benchmark and tests. */
  readonly stats = { resultHits: 0, resultMisses: 0, rowHits: 0, rowMisses: 0 };
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

/** What the row facts depend on besides the row: the plan without its row list. */
export function planSignature(plan: ScorecardPlan, extra = ""): string {
  const { rows: _rows, ...rest } = plan;
  return crypto.createHash("sha1").update(JSON.stringify(rest)).update(extra).digest("hex");
}

/**
 * Row facts from the cache where the row's version is unchanged; `compute` is called once for
 * the rows that are not (with those rows only) and its facts stored under the versions read
 * before it ran. Returns facts in `sqlRowFacts` order: per window, per row.
 */
export async function cachedRowFacts<Row extends Pick<OrgUnit, "id" | "code" | "depth" | "path">>(
  cache: ScorecardCache<unknown>,
  versions: DataVersions,
  plan: ScorecardPlan,
  rows: readonly Row[],
  compute: (rows: Row[]) => Promise<RowFacts[]>,
): Promise<RowFacts[]> {
  const signature = planSignature(plan);
  let perRow = cache.rows.get(signature);
  if (!perRow) cache.rows.set(signature, (perRow = new Map()));
  const wanted = rows.map((r) => ({ row: r, version: rowVersion(versions, r) }));
  const missing = wanted.filter(({ row, version }) => perRow!.get(row.id)?.version !== version);
  cache.stats.rowHits += rows.length - missing.length;
  cache.stats.rowMisses += missing.length;
  if (missing.length > 0) {
    const fresh = await compute(missing.map((m) => m.row));
    const windowIndex = new Map(plan.windows.map((w, i) => [w.id, i]));
    const byCode = new Map<string, RowFacts[]>();
    for (const f of fresh) {
      let list = byCode.get(f.row);
      if (!list) byCode.set(f.row, (list = new Array(plan.windows.length)));
      list[windowIndex.get(f.window)!] = f;
    }
    for (const { row, version } of missing) perRow.set(row.id, { version, facts: byCode.get(row.code) ?? [] });
  }
  const out: RowFacts[] = [];
  plan.windows.forEach((_w, wi) => {
    for (const { row } of wanted) {
      const f = perRow!.get(row.id)!.facts[wi];
      if (f) out.push(f);
    }
  });
  return out;
}
