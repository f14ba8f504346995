/** Test databases: a fresh SQLite file or a fresh PostgreSQL database, migrated, installed as the app's handle. */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { migrateToLatest, openDb, setDbHandle, type DbHandle, type DbKind } from "~/db/db.server";

export const DIALECTS: DbKind[] = ["sqlite", "postgres"];

/**
 * A fresh migrated database of `kind`; with `template`, a copy of it (a SQLite file, or the name of
 * a PostgreSQL database on the run's server that nobody is connected to).
 */
export async function createTestDatabase(kind: DbKind, template?: string): Promise<DbHandle & { url: string }> {
  let url: string;
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-sqlite-"));
    const file = path.join(dir, "test.sqlite");
    if (template) fs.copyFileSync(template, file);
    url = `sqlite:${file}`;
  } else {
    const name = `t_${crypto.randomBytes(6).toString("hex")}`;
    await adminQuery(`create database ${name}${template ? ` template ${template}` : ""}`);
    url = pgUrlOf(name);
  }
  const handle = openDb(url);
  await migrateToLatest(handle);
  return Object.assign(handle, { url });
}

/** The URL of database `name` on the run's PostgreSQL server. */
export function pgUrlOf(name: string): string {
  return inject("pgUrl").replace(/\/postgres$/, `/${name}`);
}

/** Runs one statement on the run's PostgreSQL server as its superuser (create, rename databases). */
export async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("pgUrl") });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates a migrated database of `kind` and makes it the app's database until `destroy`. */
export async function useTestDatabase(kind: DbKind, template?: string) {
  const handle = await createTestDatabase(kind, template);
  setDbHandle(handle);
  return handle;
}
