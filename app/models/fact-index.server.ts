/**
 * The columnar fact index (docs/decisions/040-columnar-fact-index.md): every counted report and
 * every fact value of the database, held per process as typed arrays, one bucket per district,
 * kept current from the data versions the scorecard caches already read (decision 009). A
 * scorecard's facts are then a scan of a few megabytes in memory instead of GROUP BY queries over
 * millions of rows; the numbers are those of the SQL provider (app/models/facts.server.ts) and of
 * the engine's reference (engine/facts-memory.ts), which tests check cell by cell on both databases.
 *
 * - Loaded once at start (`loadFactIndex`, the server starts it with the warmer) in chunks of
 *   submissions; until it is ready, scorecards read through SQL as before.
 * - Before each use, the versions read by the caller (or read here) are compared with those of
 *   the buckets the caller reads: a district whose version moved is reloaded — only its new and
 *   changed reports when it has a bucket (decision 042, amended), else all its reports and values;
 *   a move of row 0 (org tree, groups, packages, reports of units above district
 *   level) reloads the org tree, the group memberships and bucket 0. A bucket is stored under the
 *   version read before its data, so it is never older than its key (as the caches).
 * - Inside a transaction the index is never used (it may not see uncommitted writes).
 */
import { sql, type RawBuilder } from "kysely";
import type { GroupMembership } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import { readVersions, type DataVersions } from "./scorecard-cache.server";

const COUNTED = ["submitted", "approved"] as const;

/** Submissions read per query while loading (their values: ~12 per report in the national packages). */
const LOAD_CHUNK = 20_000;

/** Reports (units × months) of one form, or values of one field, in one bucket: sorted by month, then unit. */
export interface Series {
  months: Int32Array;
  /** Dense unit indexes (UnitTable). */
  units: Int32Array;
  /** Values (fields only). */
  values: Float64Array | null;
  /** The submission of each entry: a partial reload drops the entries of changed reports. */
  subs: Int32Array;
}

export interface PackageData {
  forms: Map<string, Series>;
  fields: Map<string, Series>;
  /** Newest updated_at of a counted report of the package in the bucket (ISO UTC). */
  lastChange: string | null;
}

export interface Bucket {
  /** District id (0: reports of units outside any district). */
  district: number;
  version: number;
  packages: Map<string, PackageData>;
  /** Counted submissions in the bucket: id → stamp (revision and updated_at, `stampOf`). */
  stamps: Map<number, number>;
}

/** A unit as the counting rules need it (engine/reporting-units.ts), with its place in the tree. */
export interface IndexUnit {
  id: number;
  code: string;
  level: string;
  depth: number;
  path: string;
  memberships: readonly GroupMembership[];
  lineage: readonly GroupMembership[];
}

/** Every org unit, by a dense index that never changes for a unit while the process lives. */
export interface UnitTable {
  /** Dense index → unit (undefined: a unit deleted since it got its index). */
  units: Array<IndexUnit | undefined>;
  denseOf: Map<number, number>;
  /** Per depth 0..3, dense index → DB id of the ancestor at that depth (-1: none). */
  ancestors: Int32Array[];
  /** Dense index → LEVEL_CODES index of the unit's level (3: not a reporting level, or gone). */
  levelCode: Uint8Array;
}

/** Reporting levels by code, for the per-month totals of a series (fact-index-facts.server.ts). */
export const LEVEL_CODES = ["puskesmas", "pustu", "posyandu"] as const;

export interface IndexStats {
  loadMs: number;
  reports: number;
  values: number;
  buckets: number;
  districtReloads: number;
  /** District reloads that read only the reports changed since the bucket's version (the rest of `districtReloads` read all). */
  partialReloads: number;
  globalReloads: number;
  /** Typed-array bytes held. */
  bytes: number;
}

const NONE: readonly GroupMembership[] = [];

/** Growable columns while a bucket's series are built. */
class SeriesBuilder {
  months: number[] = [];
  units: number[] = [];
  values: number[] = [];
  subs: number[] = [];
  add(month: number, unit: number, sub: number, value?: number): void {
    this.months.push(month);
    this.units.push(unit);
    this.subs.push(sub);
    if (value !== undefined) this.values.push(value);
  }
  /** The entries of a built series, but those of the `drop` submissions. */
  keep(s: Series, drop: ReadonlySet<number>): void {
    for (let i = 0; i < s.subs.length; i++) {
      if (drop.has(s.subs[i])) continue;
      this.add(s.months[i], s.units[i], s.subs[i], s.values ? s.values[i] : undefined);
    }
  }
  /** Every entry of another builder. */
  append(b: SeriesBuilder): void {
    for (let i = 0; i < b.subs.length; i++) this.add(b.months[i], b.units[i], b.subs[i], b.values.length ? b.values[i] : undefined);
  }
  build(withValues: boolean): Series {
    const n = this.months.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const m = this.months;
    const u = this.units;
    order.sort((a, b) => m[a] - m[b] || u[a] - u[b]);
    const months = new Int32Array(n);
    const units = new Int32Array(n);
    const subs = new Int32Array(n);
    const values = withValues ? new Float64Array(n) : null;
    for (let i = 0; i < n; i++) {
      const j = order[i];
      months[i] = m[j];
      units[i] = u[j];
      subs[i] = this.subs[j];
      if (values) values[i] = this.values[j];
    }
    return { months, units, values, subs };
  }
}

class BucketBuilder {
  readonly packages = new Map<string, { forms: Map<string, SeriesBuilder>; fields: Map<string, SeriesBuilder>; lastChange: string | null }>();
  readonly stamps = new Map<number, number>();
  pkg(key: string) {
    let p = this.packages.get(key);
    if (!p) this.packages.set(key, (p = { forms: new Map(), fields: new Map(), lastChange: null }));
    return p;
  }
  report(pkg: string, form: string, month: number, unit: number, sub: number, revision: number, updatedAt: string): void {
    const p = this.pkg(pkg);
    let s = p.forms.get(form);
    if (!s) p.forms.set(form, (s = new SeriesBuilder()));
    s.add(month, unit, sub);
    this.stamps.set(sub, stampOf(revision, updatedAt));
    if (p.lastChange === null || updatedAt > p.lastChange) p.lastChange = updatedAt;
  }
  value(pkg: string, field: string, month: number, unit: number, sub: number, value: number): void {
    const p = this.pkg(pkg);
    let s = p.fields.get(field);
    if (!s) p.fields.set(field, (s = new SeriesBuilder()));
    s.add(month, unit, sub, value);
  }
  build(district: number, version: number): Bucket {
    const packages = new Map<string, PackageData>();
    for (const [key, p] of this.packages) {
      packages.set(key, {
        forms: new Map([...p.forms].map(([k, s]) => [k, s.build(false)])),
        fields: new Map([...p.fields].map(([k, s]) => [k, s.build(true)])),
        lastChange: p.lastChange,
      });
    }
    return { district, version, packages, stamps: this.stamps };
  }

  /**
   * The bucket `old` with the entries of the `drop` submissions taken out and this builder's
   * added: series neither touches are reused as they are (and so are their month totals).
   * `lastChange`: the newest updated_at per package of the district's counted reports, as read.
   */
  merge(old: Bucket, drop: ReadonlySet<number>, lastChange: ReadonlyMap<string, string>, version: number): Bucket {
    const packages = new Map<string, PackageData>();
    for (const key of new Set([...old.packages.keys(), ...this.packages.keys()])) {
      const before = old.packages.get(key);
      const added = this.packages.get(key);
      const mergeSeries = (was: Map<string, Series> | undefined, now: Map<string, SeriesBuilder> | undefined, withValues: boolean) => {
        const out = new Map<string, Series>();
        for (const k of new Set([...(was?.keys() ?? []), ...(now?.keys() ?? [])])) {
          const s = was?.get(k);
          const more = now?.get(k);
          if (s && !more && !hasAny(s.subs, drop)) {
            out.set(k, s);
            continue;
          }
          const b = new SeriesBuilder();
          if (s) b.keep(s, drop);
          if (more) b.append(more);
          if (b.subs.length > 0) out.set(k, b.build(withValues));
        }
        return out;
      };
      const forms = mergeSeries(before?.forms, added?.forms, false);
      const fields = mergeSeries(before?.fields, added?.fields, true);
      const newest = [lastChange.get(key) ?? null, added?.lastChange ?? null].reduce<string | null>(
        (a, b) => (b !== null && (a === null || b > a) ? b : a),
        null,
      );
      if (forms.size > 0 || fields.size > 0) packages.set(key, { forms, fields, lastChange: forms.size > 0 ? newest : null });
    }
    const stamps = new Map(old.stamps);
    for (const id of drop) stamps.delete(id);
    for (const [id, stamp] of this.stamps) stamps.set(id, stamp);
    return { district: old.district, version, packages, stamps };
  }
}

function seriesBytes(s: Series): number {
  return s.months.byteLength + s.units.byteLength + s.subs.byteLength + (s.values?.byteLength ?? 0);
}

/**
 * What a counted report looked like when read: its revision (every write to a report moves it,
 * migration-free: storeSubmissions, decisions and re-openings all set revision + 1) and its
 * updated_at (so a row id reused after a deletion on SQLite is not taken for the old report).
 * NaN (never equal, so always re-read) when either cannot be packed into one number.
 */
export function stampOf(revision: number, updatedAt: string): number {
  const at = Date.parse(updatedAt);
  const rev = Number(revision);
  return Number.isInteger(rev) && rev >= 0 && rev < 900 && Number.isFinite(at) && at >= 0 && at < 1e13 ? rev * 1e13 + at : NaN;
}

function hasAny(subs: Int32Array, drop: ReadonlySet<number>): boolean {
  if (drop.size === 0) return false;
  for (let i = 0; i < subs.length; i++) if (drop.has(subs[i])) return true;
  return false;
}

/**
 * Whether a bucket holds `n` values summing to `total`, to a relative 1e-12 (the database sums in
 * another order; whole numbers, most facts, sum exactly): a change of a value by 0.02 in a district
 * whose values sum to 1.6 × 10¹⁰ is seen.
 */
function sameValues(bucket: Bucket, n: number, total: number): boolean {
  let count = 0;
  let sum = 0;
  for (const p of bucket.packages.values()) {
    for (const s of p.fields.values()) {
      count += s.subs.length;
      if (s.values) for (let i = 0; i < s.values.length; i++) sum += s.values[i];
    }
  }
  return count === n && Math.abs(sum - total) <= 1e-12 * Math.max(1, Math.abs(total));
}

/** Most changed reports a partial reload reads (beyond, or beyond a quarter of the district's reports, all are read again). */
const PARTIAL_MAX = 2_000;
/** Ids per `in (…)` list of a partial reload. */
const ID_CHUNK = 500;

/** The index of one database handle. */
export class FactIndex {
  units: UnitTable = { units: [], denseOf: new Map(), ancestors: [0, 1, 2, 3].map(() => new Int32Array(0)), levelCode: new Uint8Array(0) };
  readonly buckets = new Map<number, Bucket>();
  globalVersion = -1;
  ready = false;
  readonly stats: IndexStats = { loadMs: 0, reports: 0, values: 0, buckets: 0, districtReloads: 0, partialReloads: 0, globalReloads: 0, bytes: 0 };
  private loading: Promise<void> | null = null;

  constructor(private readonly db: DbOrTrx) {}

  /** The load under way or done (null before any). */
  get pending(): Promise<void> | null {
    return this.loading;
  }

  /** Loads everything (once; later calls wait for the same load). */
  load(): Promise<void> {
    this.loading ??= this.loadAll().catch((e) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    const started = performance.now();
    // Versions first: every bucket is stored under versions read before its data.
    const versions = await readVersions(this.db);
    await this.loadUnits();
    const builders = new Map<number, BucketBuilder>();
    const builderOf = (district: number) => {
      let b = builders.get(district);
      if (!b) builders.set(district, (b = new BucketBuilder()));
      return b;
    };
    const db = this.db;
    let after = 0;
    for (;;) {
      const subs = await db
        .selectFrom("submission")
        .select(["id", "revision", "org_unit_id", "district_id", "package_key", "form_key", "month_index", "updated_at"])
        .where("id", ">", after)
        .where("status", "in", [...COUNTED])
        .orderBy("id")
        .limit(LOAD_CHUNK)
        .execute();
      if (subs.length === 0) break;
      const last = Number(subs[subs.length - 1].id);
      for (const s of subs) {
        const unit = this.denseOfId(Number(s.org_unit_id));
        builderOf(s.district_id === null ? 0 : Number(s.district_id)).report(
          s.package_key,
          s.form_key,
          Number(s.month_index),
          unit,
          Number(s.id),
          Number(s.revision),
          s.updated_at,
        );
      }
      // submission_value holds the facts of counted reports only (migration 007).
      const values = await sql<{
        submission_id: number;
        org_unit_id: number;
        district_id: number | null;
        package_key: string;
        field_key: string;
        month_index: number;
        value: number;
      }>`select submission_id, org_unit_id, district_id, package_key, field_key, month_index, value from submission_value where submission_id > ${after} and submission_id <= ${last}`.execute(
        db,
      );
      for (const v of values.rows) {
        builderOf(v.district_id === null ? 0 : Number(v.district_id)).value(
          v.package_key,
          v.field_key,
          Number(v.month_index),
          this.denseOfId(Number(v.org_unit_id)),
          Number(v.submission_id),
          Number(v.value),
        );
      }
      after = last;
      if (subs.length < LOAD_CHUNK) break;
    }
    // Every district with a version gets a bucket (an empty one when it has no reports yet).
    for (const d of versions.byDistrict.keys()) builderOf(d);
    builderOf(0);
    for (const [district, b] of builders)
      this.buckets.set(district, b.build(district, district === 0 ? versions.global : (versions.byDistrict.get(district) ?? 0)));
    this.globalVersion = versions.global;
    this.stats.loadMs = Math.round(performance.now() - started);
    this.recount();
    this.ready = true;
  }

  private recount(): void {
    let reports = 0;
    let values = 0;
    let bytes = 0;
    for (const b of this.buckets.values()) {
      for (const p of b.packages.values()) {
        for (const s of p.forms.values()) {
          reports += s.units.length;
          bytes += seriesBytes(s);
        }
        for (const s of p.fields.values()) {
          values += s.units.length;
          bytes += seriesBytes(s);
        }
      }
    }
    bytes += this.units.ancestors.reduce((a, x) => a + x.byteLength, 0);
    Object.assign(this.stats, { reports, values, bytes, buckets: this.buckets.size });
  }

  /** The dense index of a unit id (a new one for a unit not seen yet: its reports stay until the tree is reloaded). */
  denseOfId(id: number): number {
    let d = this.units.denseOf.get(id);
    if (d === undefined) {
      d = this.units.units.length;
      this.units.denseOf.set(id, d);
      this.units.units.push(undefined);
    }
    return d;
  }

  /** The org tree and every group membership (a unit keeps its dense index across reloads). */
  private async loadUnits(): Promise<void> {
    const rows = await this.db.selectFrom("org_unit").select(["id", "code", "level", "path", "depth"]).orderBy("id").execute();
    const ms = await this.db
      .selectFrom("org_group_member as m")
      .innerJoin("org_group as g", "g.id", "m.group_id")
      .select(["m.org_unit_id", "g.key", "m.from_month", "m.to_month"])
      .execute();
    const membershipsOf = new Map<number, GroupMembership[]>();
    for (const m of ms) {
      const list = membershipsOf.get(Number(m.org_unit_id)) ?? [];
      list.push({ groupKey: m.key, from: Number(m.from_month), to: m.to_month === null ? null : Number(m.to_month) });
      membershipsOf.set(Number(m.org_unit_id), list);
    }
    for (const r of rows) this.denseOfId(Number(r.id));
    const n = this.units.units.length;
    const units: Array<IndexUnit | undefined> = new Array(n).fill(undefined);
    const ancestors = [0, 1, 2, 3].map(() => new Int32Array(n).fill(-1));
    const levelCode = new Uint8Array(n).fill(3);
    for (const r of rows) {
      const id = Number(r.id);
      const d = this.units.denseOf.get(id)!;
      const ids = r.path.split("/").filter(Boolean).map(Number);
      for (let k = 0; k < 4 && k < ids.length; k++) ancestors[k][d] = ids[k];
      const code = (LEVEL_CODES as readonly string[]).indexOf(r.level);
      if (code >= 0) levelCode[d] = code;
      units[d] = {
        id,
        code: r.code,
        level: r.level,
        depth: Number(r.depth),
        path: r.path,
        memberships: membershipsOf.get(id) ?? NONE,
        // Its own memberships and those of its ancestors at a reporting level (Puskesmas, Pustu): depth 3 and below.
        lineage: membershipsOf.size === 0 ? NONE : ids.slice(3).flatMap((a) => membershipsOf.get(a) ?? NONE),
      };
    }
    this.units = { units, denseOf: this.units.denseOf, ancestors, levelCode };
  }

  /**
   * Brings one district's bucket up to `version`. When it has a bucket, the district's counted
   * reports are listed (id, revision, updated_at: one narrow query) and only those new or changed
   * since are read with their values; entries of changed and no longer counted reports are
   * dropped. Otherwise, or when many changed, everything of the district is read again.
   */
  private async loadDistrict(district: number, version: number): Promise<void> {
    const old = this.buckets.get(district);
    const inDistrict = district === 0 ? sql`s.district_id is null` : sql`s.district_id = ${district}`;
    const counted = sql`s.status in (${sql.join([...COUNTED])})`;
    if (old) {
      const listed = await sql<{
        id: number;
        revision: number;
        package_key: string;
        updated_at: string;
      }>`select s.id, s.revision, s.package_key, s.updated_at from submission s where ${inDistrict} and ${counted}`.execute(this.db);
      const now = new Map<number, number>();
      const lastChange = new Map<string, string>();
      for (const r of listed.rows) {
        now.set(Number(r.id), stampOf(Number(r.revision), r.updated_at));
        const at = lastChange.get(r.package_key);
        if (at === undefined || r.updated_at > at) lastChange.set(r.package_key, r.updated_at);
      }
      const drop = new Set<number>();
      const read: number[] = [];
      for (const [id, stamp] of old.stamps) {
        const current = now.get(id);
        if (current === undefined) drop.add(id);
        else if (current !== stamp) {
          drop.add(id);
          read.push(id);
        }
      }
      for (const id of now.keys()) if (!old.stamps.has(id)) read.push(id);
      if (read.length <= PARTIAL_MAX && read.length <= Math.max(100, now.size / 4)) {
        // The district's values counted and summed by the database: a value written without its
        // report's revision moving (no app path does; a hand-made fix in SQL could) makes them
        // differ from the merged bucket's, and then everything is read again.
        const check = await sql<{
          n: number;
          total: number | null;
        }>`select count(*) as n, sum(v.value) as total from submission s inner join submission_value v on v.submission_id = s.id where ${inDistrict} and ${counted}`.execute(
          this.db,
        );
        const b = new BucketBuilder();
        for (let i = 0; i < read.length; i += ID_CHUNK) await this.readReports(b, inDistrict, counted, read.slice(i, i + ID_CHUNK));
        const merged = b.merge(old, drop, lastChange, version);
        if (sameValues(merged, Number(check.rows[0]?.n ?? 0), Number(check.rows[0]?.total ?? 0))) {
          this.store(merged);
          this.stats.partialReloads++;
          return;
        }
      }
    }
    const b = new BucketBuilder();
    await this.readReports(b, inDistrict, counted, null);
    this.store(b.build(district, version));
  }

  /** Counted reports of a district with their values into `b`: those with the given ids, or all (null). */
  private async readReports(b: BucketBuilder, inDistrict: RawBuilder<unknown>, counted: RawBuilder<unknown>, ids: number[] | null): Promise<void> {
    const db = this.db;
    const only = ids === null ? sql`` : sql` and s.id in (${sql.join(ids)})`;
    const subs = await sql<{
      id: number;
      revision: number;
      org_unit_id: number;
      package_key: string;
      form_key: string;
      month_index: number;
      updated_at: string;
    }>`select s.id, s.revision, s.org_unit_id, s.package_key, s.form_key, s.month_index, s.updated_at from submission s where ${inDistrict} and ${counted}${only}`.execute(
      db,
    );
    for (const s of subs.rows)
      b.report(s.package_key, s.form_key, Number(s.month_index), this.denseOfId(Number(s.org_unit_id)), Number(s.id), Number(s.revision), s.updated_at);
    if (ids !== null && subs.rows.length === 0) return;
    // Values of the reports just read only (one read later than the other: a report changed in
    // between moves the version again, and its stamp, kept from the first read, reads it again then).
    const found = ids === null ? sql`` : sql` and s.id in (${sql.join(subs.rows.map((s) => Number(s.id)))})`;
    const values = await sql<{
      submission_id: number;
      org_unit_id: number;
      package_key: string;
      field_key: string;
      month_index: number;
      value: number;
    }>`select v.submission_id, v.org_unit_id, v.package_key, v.field_key, v.month_index, v.value from submission s inner join submission_value v on v.submission_id = s.id where ${inDistrict} and ${counted}${found}`.execute(
      db,
    );
    for (const v of values.rows)
      b.value(v.package_key, v.field_key, Number(v.month_index), this.denseOfId(Number(v.org_unit_id)), Number(v.submission_id), Number(v.value));
  }

  /** Keeps a reloaded bucket unless a newer reload finished first (versions only grow). */
  private store(bucket: Bucket): void {
    if ((this.buckets.get(bucket.district)?.version ?? -1) < bucket.version) this.buckets.set(bucket.district, bucket);
    this.stats.districtReloads++;
  }

  /**
   * Brings the index up to `versions` (read by the caller before it reads anything else) for what
   * the caller reads: the districts in `districts` (every district when null), and the tree,
   * memberships and bucket 0 when row 0 moved. Each district reloads on its own, once for
   * concurrent callers (a caller that needs a version a reload under way already reaches joins
   * it); a caller never waits for the reload of a district it does not read, so the view of one
   * district is not held up by submissions elsewhere. A district left behind reloads when
   * someone reads it (its version is compared again then).
   */
  async refresh(versions: DataVersions, districts: ReadonlySet<number> | null = null): Promise<void> {
    if (versions.global > this.globalVersion) await this.reloadGlobal(versions.global);
    const waits: Array<Promise<void>> = [];
    const wanted = districts ?? versions.byDistrict.keys();
    for (const district of wanted) {
      const version = versions.byDistrict.get(district);
      if (version === undefined) continue;
      const wait = this.reloadDistrict(district, version);
      if (wait) waits.push(wait);
    }
    await Promise.all(waits);
  }

  /** The reload of row 0 under way, if any, and the version it loads. */
  private globalReload: { version: number; done: Promise<void> } | null = null;
  /** Reloads of districts under way, and the version each loads. */
  private readonly districtReloads = new Map<number, { version: number; done: Promise<void> }>();

  private reloadGlobal(version: number): Promise<void> {
    const running = this.globalReload;
    if (running && running.version >= version) return running.done;
    const done = (async () => {
      // One reload of the tree at a time: a newer one waits for the older one, then reads again.
      await running?.done.catch(() => undefined);
      if (this.globalVersion >= version) return;
      await this.loadUnits();
      await this.loadDistrict(0, version);
      if (version > this.globalVersion) this.globalVersion = version;
      this.stats.globalReloads++;
      this.recount();
    })().finally(() => {
      if (this.globalReload?.done === done) this.globalReload = null;
    });
    this.globalReload = { version, done };
    return done;
  }

  /** Null when the district's bucket is already at `version` or newer; else the reload to wait for. */
  private reloadDistrict(district: number, version: number): Promise<void> | null {
    const b = this.buckets.get(district);
    // Versions only grow; an older caller's versions never roll a bucket back.
    if (b && b.version >= version) return null;
    const running = this.districtReloads.get(district);
    if (running && running.version >= version) return running.done;
    const done = (async () => {
      await running?.done.catch(() => undefined);
      if ((this.buckets.get(district)?.version ?? -1) >= version) return;
      await this.loadDistrict(district, version);
      this.recount();
    })().finally(() => {
      if (this.districtReloads.get(district)?.done === done) this.districtReloads.delete(district);
    });
    this.districtReloads.set(district, { version, done });
    return done;
  }

  /**
   * Newest change (updated_at) to a counted report of the package under the org paths, from the
   * buckets: for the nation, provinces and districts; undefined for a path below a district
   * (the caller asks SQL, one indexed query).
   */
  lastChangeUnder(packageKey: string, paths: readonly string[]): string | null | undefined {
    const wanted = new Set<number>();
    let everything = false;
    for (const p of paths) {
      const ids = p.split("/").filter(Boolean).map(Number);
      if (ids.length <= 1) everything = true;
      else if (ids.length === 2) {
        for (const b of this.buckets.values()) {
          const d = this.units.denseOf.get(b.district);
          if (d !== undefined && this.units.ancestors[1][d] === ids[1]) wanted.add(b.district);
        }
      } else if (ids.length === 3) wanted.add(ids[2]);
      else return undefined;
    }
    let newest: string | null = null;
    for (const b of this.buckets.values()) {
      if (!everything && !wanted.has(b.district)) continue;
      const at = b.packages.get(packageKey)?.lastChange ?? null;
      if (at !== null && (newest === null || at > newest)) newest = at;
    }
    return newest;
  }
}

/**
 * The districts whose buckets facts of these units (rows, or org paths) read: each unit's own
 * district; null (every district) when one is above district level.
 */
export function districtsOf(units: ReadonlyArray<{ path: string }>): Set<number> | null {
  const out = new Set<number>();
  for (const u of units) {
    const ids = u.path.split("/").filter(Boolean);
    if (ids.length < 3) return null;
    out.add(Number(ids[2]));
  }
  return out;
}

const indexes = new WeakMap<object, FactIndex>();

/** Starts (or joins) loading the index of a database handle; resolves when it is ready. */
export function loadFactIndex(db: DbOrTrx): Promise<FactIndex> {
  if (db.isTransaction) return Promise.reject(new Error("the fact index needs a database handle outside a transaction"));
  let index = indexes.get(db);
  if (!index) indexes.set(db, (index = new FactIndex(db)));
  return index.load().then(() => index);
}

/** The ready index of a database handle; null inside a transaction, before it is loaded, or when none was started. */
export function readyFactIndex(db: DbOrTrx): FactIndex | null {
  if (db.isTransaction) return null;
  const index = indexes.get(db);
  return index?.ready ? index : null;
}

/** Waits until the index of a handle is loaded or failed, when a load was started (the warmer's first run). */
export async function factIndexSettled(db: DbOrTrx): Promise<void> {
  await indexes.get(db)?.pending?.catch(() => undefined);
}

/**
 * Readiness and size of the index for /healthz (null when this process has none). `loading`: a
 * load is under way and not yet done (a failed load is not loading: scorecards stay on SQL).
 */
export function factIndexStatus(db: DbOrTrx = getDb()): ({ ready: boolean; loading: boolean } & IndexStats) | null {
  const index = indexes.get(db);
  return index ? { ready: index.ready, loading: !index.ready && index.pending !== null, ...index.stats } : null;
}

/**
 * Starts loading the index in the background of the server process (`serve`; off with
 * PANTAU_FACT_INDEX=0). Until it is ready scorecards read through SQL; a failed load is logged
 * and leaves them on SQL.
 */
export function startFactIndex(options: { log?: (message: string) => void } = {}, db: DbOrTrx = getDb()): void {
  const log = options.log ?? ((m: string) => console.error(m));
  loadFactIndex(db).then(
    (index) =>
      log(
        `Indeks fakta siap: ${index.stats.values} nilai, ${index.stats.reports} laporan, ${Math.round(index.stats.bytes / 2 ** 20)} MiB, ${index.stats.loadMs} ms.`,
      ),
    (e: unknown) => log(`Indeks fakta gagal dimuat; scorecard tetap dihitung dengan SQL: ${e instanceof Error ? e.message : String(e)}`),
  );
}

/** Forgets the index of a handle (tests, the benchmark's cold runs). */
export function dropFactIndex(db: DbOrTrx): void {
  indexes.delete(db);
}
