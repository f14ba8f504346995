/**
 * Kysely dialect for node-sqlite3 (the asynchronous `sqlite3` package).
 *
 * Kysely's built-in SqliteDialect expects a synchronous driver (better-sqlite3); the
 * product owner fixed node-sqlite3 as our embedded database, and no maintained dialect
 * for it fits (see docs/decisions/002-sqlite-dialect.md). We reuse Kysely's adapter,
 * query compiler and introspector and only supply the driver.
 *
 * One connection per process, serialised by a mutex: SQLite allows a single writer,
 * and transactions must not interleave statements from other requests. Write
 * transactions start with BEGIN IMMEDIATE so that two writers (two processes) queue on
 * busy_timeout instead of deadlocking on a lock upgrade (SQLITE_BUSY).
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
  /** busy_timeout in milliseconds (SECURITY.md 15 wants at least 5000). */
  busyTimeoutMs?: number;
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

  // eslint-disable-next-line require-yield
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

class NodeSqliteDriver implements Driver {
  private connection: NodeSqliteConnection | null = null;
  private readonly mutex = new Mutex();

  constructor(private readonly config: NodeSqliteDialectConfig) {}

  async init(): Promise<void> {
    const db = await openDatabase(this.config.filename);
    const connection = new NodeSqliteConnection(db);
    // busy_timeout first: switching to WAL itself needs a lock another process may hold.
    await connection.exec(`PRAGMA busy_timeout = ${Math.max(5000, this.config.busyTimeoutMs ?? 5000)}`);
    if (this.config.filename !== ":memory:") await connection.exec("PRAGMA journal_mode = WAL");
    await connection.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
    this.connection = connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    if (!this.connection) {
      this.mutex.unlock();
      throw new Error("SQLite connection is closed");
    }
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
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
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
