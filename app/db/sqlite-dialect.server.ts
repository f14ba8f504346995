/**
 * Kysely dialect for node-sqlite3 (the asynchronous `sqlite3` package).
 *
 * Kysely's built-in SqliteDialect expects a synchronous driver (better-sqlite3); the
 * product owner fixed node-sqlite3 as our embedded database, and no maintained dialect
 * for it fits (see docs/decisions/002-sqlite-dialect.md). We reuse Kysely's adapter,
 * query compiler and introspector and only supply the driver.
 *
 * One writer connection per process, serialised by a mutex: SQLite allows a single writer,
 * and transactions must not interleave statements from other requests. Write
 * transactions start with BEGIN IMMEDIATE so that two writers (two processes) queue on
 * busy_timeout instead of deadlocking on a lock upgrade (SQLITE_BUSY).
 *
 * Beside it, a small pool of read-only connections (`PRAGMA query_only`) serves SELECTs
 * outside transactions: under WAL they read the last committed snapshot while the writer
 * commits, so pages and scorecards do not queue behind a submission's fsync
 * (docs/decisions/012-load.md). Everything inside a transaction, every statement that may
 * write, and every PRAGMA goes to the writer. `:memory:` databases have no readers (each
 * connection would be a different database).
 */
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from "kysely";

export interface NodeSqliteDialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** busy_timeout in milliseconds (docs/security.md item 15 wants at least 5000). */
  busyTimeoutMs?: number;
  /** Read-only connections for SELECTs outside transactions (default 2; 0 = everything on the writer). */
  readers?: number;
}

/** Statements that return rows must go through `all`; the rest through `run` to learn changes and lastID. */
function returnsRows(compiled: CompiledQuery): boolean {
  if (SelectQueryNode.is(compiled.query)) return true;
  const head = compiled.sql.trimStart().slice(0, 8).toLowerCase();
  if (head.startsWith("select") || head.startsWith("with") || head.startsWith("pragma") || head.startsWith("explain")) {
    return true;
  }
  return /\breturning\b/i.test(compiled.sql);
}

/**
 * Statements a read-only connection may run: Kysely SELECT queries, and raw SQL that is a
 * single SELECT (no RETURNING, no PRAGMA: those belong to the writer and its settings).
 */
export function isReadOnlyQuery(compiled: CompiledQuery): boolean {
  if (SelectQueryNode.is(compiled.query)) return true;
  if (compiled.query.kind !== "RawNode") return false;
  const text = compiled.sql.trim();
  return /^select\b/i.test(text) && !/\breturning\b/i.test(text) && !text.replace(/;\s*$/, "").includes(";");
}

/** Settings of a read connection (after busy_timeout): it can never write. */
export const READER_PRAGMAS = "PRAGMA foreign_keys = ON; PRAGMA query_only = ON;";

function openDatabase(filename: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(filename, (err) => (err ? reject(err) : resolve(db)));
  });
}

class NodeSqliteConnection implements DatabaseConnection {
  constructor(readonly db: sqlite3.Database) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const params = compiled.parameters.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p)) as unknown[];
    if (returnsRows(compiled)) {
      return new Promise((resolve, reject) => {
        this.db.all(compiled.sql, params, (err, rows) => (err ? reject(err) : resolve({ rows: rows as R[] })));
      });
    }
    return new Promise((resolve, reject) => {
      this.db.run(compiled.sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) return reject(err);
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes ?? 0),
          insertId: this.lastID === undefined ? undefined : BigInt(this.lastID),
        });
      });
    });
  }

  // eslint-disable-next-line require-yield -- Kysely's driver interface requires the generator; node-sqlite3 cannot stream, so it throws before any yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming is not supported by the node-sqlite3 driver");
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

/** FIFO mutex: one holder at a time, waiters served in order. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  async lock(): Promise<void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    this.release = release;
  }

  unlock(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}

/** Idle read-only connections; waiters served in order. */
class ReaderPool {
  private readonly idle: NodeSqliteConnection[];
  private readonly waiters: Array<(c: NodeSqliteConnection) => void> = [];

  constructor(readonly all: NodeSqliteConnection[]) {
    this.idle = [...all];
  }

  acquire(): Promise<NodeSqliteConnection> | NodeSqliteConnection {
    return this.idle.pop() ?? new Promise((resolve) => this.waiters.push(resolve));
  }

  release(connection: NodeSqliteConnection): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(connection);
    else this.idle.push(connection);
  }
}

/**
 * What Kysely acquires: it holds no lock until it needs one. Outside a transaction each
 * statement takes a reader (SELECT) or the writer's mutex (anything else) for that statement
 * only; beginTransaction takes the writer's mutex until commit or rollback.
 */
class RoutingConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(private readonly driver: NodeSqliteDriver) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const writer = this.driver.writer();
    if (this.inTransaction) return writer.executeQuery<R>(compiled);
    const readers = this.driver.readers;
    if (readers && isReadOnlyQuery(compiled)) {
      const reader = await readers.acquire();
      try {
        return await reader.executeQuery<R>(compiled);
      } finally {
        readers.release(reader);
      }
    }
    await this.driver.writeLock.lock();
    try {
      return await this.driver.writer().executeQuery<R>(compiled);
    } finally {
      this.driver.writeLock.unlock();
    }
  }

  // eslint-disable-next-line require-yield -- Kysely's driver interface requires the generator; node-sqlite3 cannot stream, so it throws before any yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming is not supported by the node-sqlite3 driver");
  }
}

class NodeSqliteDriver implements Driver {
  private connection: NodeSqliteConnection | null = null;
  readers: ReaderPool | null = null;
  readonly writeLock = new Mutex();

  constructor(private readonly config: NodeSqliteDialectConfig) {}

  async init(): Promise<void> {
    const busy = Math.max(5000, this.config.busyTimeoutMs ?? 5000);
    const db = await openDatabase(this.config.filename);
    const connection = new NodeSqliteConnection(db);
    // busy_timeout first: switching to WAL itself needs a lock another process may hold.
    await connection.exec(`PRAGMA busy_timeout = ${busy}`);
    const memory = this.config.filename === ":memory:" || this.config.filename === "";
    if (!memory) await connection.exec("PRAGMA journal_mode = WAL");
    await connection.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
    this.connection = connection;
    const count = memory ? 0 : Math.max(0, Math.floor(this.config.readers ?? 2));
    const readers: NodeSqliteConnection[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const reader = new NodeSqliteConnection(await openDatabase(this.config.filename));
        readers.push(reader);
        await reader.exec(`PRAGMA busy_timeout = ${busy}; ${READER_PRAGMAS}`);
      }
    } catch (err) {
      await Promise.allSettled([connection, ...readers].map((c) => c.close()));
      this.connection = null;
      throw err;
    }
    this.readers = readers.length ? new ReaderPool(readers) : null;
  }

  writer(): NodeSqliteConnection {
    if (!this.connection) throw new Error("SQLite connection is closed");
    return this.connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.writer();
    return new RoutingConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const routing = connection as RoutingConnection;
    await this.writeLock.lock();
    try {
      await this.writer().executeQuery(CompiledQuery.raw("begin immediate"));
    } catch (err) {
      this.writeLock.unlock();
      throw err;
    }
    routing.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.endTransaction(connection as RoutingConnection, "commit");
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.endTransaction(connection as RoutingConnection, "rollback");
  }

  private async endTransaction(routing: RoutingConnection, statement: "commit" | "rollback"): Promise<void> {
    if (!routing.inTransaction) throw new Error(`${statement} without a transaction`);
    try {
      await this.writer().executeQuery(CompiledQuery.raw(statement));
    } catch (err) {
      // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open and Kysely rolls back
      // next, still holding the writer; a failed ROLLBACK means SQLite already ended it.
      if (statement === "commit") throw err;
      this.finishTransaction(routing);
      throw err;
    }
    this.finishTransaction(routing);
  }

  private finishTransaction(routing: RoutingConnection): void {
    routing.inTransaction = false;
    this.writeLock.unlock();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const routing = connection as RoutingConnection;
    if (routing.inTransaction) {
      // Kysely always commits or rolls back first; never leave the writer locked.
      await this.connection?.exec("rollback").catch(() => {});
      this.finishTransaction(routing);
    }
  }

  async destroy(): Promise<void> {
    const connection = this.connection;
    const readers = this.readers?.all ?? [];
    this.connection = null;
    this.readers = null;
    // Wait for the writer: a transaction in progress finishes (or fails) before the file closes.
    await this.writeLock.lock();
    try {
      await Promise.all([connection?.close(), ...readers.map((r) => r.close())]);
    } finally {
      this.writeLock.unlock();
    }
  }
}

/** Kysely dialect for node-sqlite3. */
export class NodeSqliteDialect implements Dialect {
  constructor(private readonly config: NodeSqliteDialectConfig) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new NodeSqliteDriver(this.config);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  // Kysely's Dialect interface takes Kysely<any>: the introspector works on any schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature Kysely's Dialect interface requires
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
