/**
 * The database handle. `DATABASE_URL` unset → SQLite file data/pantau.sqlite;
 * `postgres://…` → PostgreSQL; `sqlite:<file>` → that SQLite file.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet } from "kysely";
import { NodeSqliteDialect } from "./sqlite-dialect.server";
import { migrations } from "./migrations";
import { clock } from "~/utils/clock.server";
import type { Database } from "./schema";

export type DbKind = "sqlite" | "postgres";

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
  /** Whether migrations have run in this process (healthz reports ready only then). */
  migrated: boolean;
  destroy(): Promise<void>;
}

// bigint count(*) and numeric come back as strings from pg; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export const DEFAULT_SQLITE_FILE = path.join("data", "pantau.sqlite");

/**
 * PostgreSQL connections per process (`PANTAU_PG_POOL`, 2–200, default 20). A request runs its
 * queries one after another and waits in the pool's queue before each, so a pool smaller than
 * the requests in flight makes the requests with many queries (scorecards) wait longest: with 10
 * per process, two instances under 100 users timed out scorecards where 30 did not
 * (docs/benchmarks.md "Load test"). Every instance opens up to this many: instances × pool must
 * stay under PostgreSQL's `max_connections` (100 by default) with room for administration.
 */
export function pgPoolSize(source: Record<string, string | undefined> = process.env): number {
  const raw = (source.PANTAU_PG_POOL ?? "").trim();
  if (raw === "") return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 200) {
    throw new Error(`PANTAU_PG_POOL harus bilangan bulat 2–200 (koneksi PostgreSQL per proses), bukan "${source.PANTAU_PG_POOL}".`);
  }
  return n;
}

/** Opens a database from a URL (see module doc). Does not migrate. */
export function openDb(url: string | null | undefined): DbHandle {
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: pgPoolSize(), idleTimeoutMillis: 30_000 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", migrated: false, destroy: () => db.destroy() };
  }
  const filename = url?.startsWith("sqlite:") ? url.slice("sqlite:".length) : DEFAULT_SQLITE_FILE;
  if (filename !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect({ filename, busyTimeoutMs: 10_000 }) });
  return { db, kind: "sqlite", migrated: false, destroy: () => db.destroy() };
}

/** Runs all pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(handle: DbHandle): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`Migrasi ${failed} gagal: ${String((result.error as Error).message ?? result.error)}`);
  }
  handle.migrated = true;
  return result;
}

/** True when every registered migration is recorded in the database (checked once, then remembered). */
export async function isMigrated(handle: DbHandle): Promise<boolean> {
  if (handle.migrated) return true;
  const names = Object.keys(migrations);
  const rows = await handle.db
    .selectFrom("kysely_migration" as never)
    .select("name" as never)
    .execute()
    .catch(() => [] as Array<{ name: string }>);
  const done = new Set((rows as Array<{ name: string }>).map((r) => r.name));
  handle.migrated = names.every((n) => done.has(n));
  return handle.migrated;
}

let current: DbHandle | null = null;

/** The process-wide database handle, opened on first use from DATABASE_URL. */
export function getDbHandle(): DbHandle {
  current ??= openDb(process.env.DATABASE_URL);
  return current;
}

export function getDb(): Kysely<Database> {
  return getDbHandle().db;
}

const handleListeners: Array<() => void> = [];

/** Caches keyed by row ids register here: ids mean something else in another database. */
export function onDbHandleChange(listener: () => void): void {
  handleListeners.push(listener);
}

/** Replaces the process-wide handle (tests and the CLI's serve command). */
export function setDbHandle(handle: DbHandle | null): void {
  current = handle;
  for (const listener of handleListeners) listener();
}

/** The current instant as the database stores it, on the app's clock (app/utils/clock.server.ts). */
export function nowIso(): string {
  return clock.iso();
}
