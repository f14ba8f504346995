/** Test databases: a fresh SQLite file or a fresh PostgreSQL database, migrated, installed as the app's handle. */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { migrateToLatest, openDb, setDbHandle, type DbHandle, type DbKind } from "~/db/db.server";

export const DIALECTS: DbKind[] = ["sqlite", "postgres"];

export async function createTestDatabase(kind: DbKind): Promise<DbHandle & { url: string }> {
  let url: string;
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-sqlite-"));
    url = `sqlite:${path.join(dir, "test.sqlite")}`;
  } else {
    const adminUrl = inject("pgUrl");
    const name = `t_${crypto.randomBytes(6).toString("hex")}`;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    url = adminUrl.replace(/\/postgres$/, `/${name}`);
  }
  const handle = openDb(url);
  await migrateToLatest(handle);
  return Object.assign(handle, { url });
}

/** Creates a migrated database of `kind` and makes it the app's database until `destroy`. */
export async function useTestDatabase(kind: DbKind) {
  const handle = await createTestDatabase(kind);
  setDbHandle(handle);
  return handle;
}
