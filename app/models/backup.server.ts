/**
 * Backups. SQLite: `VACUUM INTO` writes a consistent, compacted copy while the app keeps running
 * (an online backup; WAL readers and writers continue). PostgreSQL: `pg_dump --format=custom`.
 * Restore: SQLite checks the backup's integrity and replaces the database file (the app must be
 * stopped); PostgreSQL runs `pg_restore --clean --if-exists` into the configured database.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { DEFAULT_SQLITE_FILE, openDb, type DbHandle } from "~/db/db.server";

const run = promisify(execFile);

/** The SQLite file behind a DATABASE_URL (null for PostgreSQL). */
export function sqliteFileOf(url: string | null | undefined): string | null {
  if (url && /^postgres(ql)?:\/\//.test(url)) return null;
  return url?.startsWith("sqlite:") ? url.slice("sqlite:".length) : DEFAULT_SQLITE_FILE;
}

export async function backupDatabase(handle: DbHandle, url: string | null | undefined, target: string): Promise<{ bytes: number }> {
  if (fs.existsSync(target)) throw new Error(`Berkas ${target} sudah ada; pilih nama lain agar cadangan lama tidak tertimpa.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  if (handle.kind === "sqlite") {
    await sql`vacuum into ${path.resolve(target)}`.execute(handle.db);
  } else {
    await run("pg_dump", ["--format=custom", "--no-owner", "--file", target, "--dbname", url!]);
  }
  return { bytes: fs.statSync(target).size };
}

export async function restoreDatabase(kind: DbHandle["kind"], url: string | null | undefined, source: string): Promise<void> {
  if (!fs.existsSync(source)) throw new Error(`Berkas cadangan ${source} tidak ditemukan.`);
  if (kind === "postgres") {
    await run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--dbname", url!, source]);
    return;
  }
  // Check the backup before touching the live file: a broken backup must not replace good data.
  const check = openDb(`sqlite:${source}`);
  try {
    const row = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(check.db)).rows[0];
    if (row?.integrity_check !== "ok") throw new Error(`Berkas ${source} rusak (${row?.integrity_check ?? "tidak terbaca"}); pemulihan dibatalkan.`);
  } finally {
    await check.destroy();
  }
  const file = sqliteFileOf(url)!;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const staging = `${file}.restore-${process.pid}`;
  fs.copyFileSync(source, staging);
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.renameSync(staging, file);
}
