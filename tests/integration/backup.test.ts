/** `db backup` / `db restore` round trip on SQLite (online VACUUM INTO) and PostgreSQL (pg_dump). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "~/cli/main";
import { openDb, setDbHandle } from "~/db/db.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { insertUser, seedOrgTree } from "../helpers/app";

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe.each(DIALECTS)("backup and restore on %s", (kind) => {
  let url: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-backup-"));
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    const handle = await useTestDatabase(kind);
    url = handle.url;
    process.env.DATABASE_URL = url;
    await seedOrgTree();
    await insertUser("pengguna.cadangan", [["facilitator", "ID"]]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  const usernames = async () => {
    const handle = openDb(url);
    try {
      return (await handle.db.selectFrom("app_user").select("username").execute()).map((u) => u.username);
    } finally {
      await handle.destroy();
    }
  };

  it("backs up while the app's connection stays open, and restores what was there", async () => {
    const file = path.join(dir, `cadangan-${kind}.bak`);
    const backup = await cli("db", "backup", file);
    expect(backup.err).toBe("");
    expect(backup.code).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    expect((await cli("db", "backup", file)).err).toMatch(/sudah ada/);

    const live = openDb(url);
    await live.db.deleteFrom("role_grant").execute();
    await live.db.deleteFrom("app_user").execute();
    await live.destroy();
    expect(await usernames()).toEqual([]);

    const restore = await cli("db", "restore", file);
    expect(restore.err).toBe("");
    expect(restore.code).toBe(0);
    expect(await usernames()).toEqual(["pengguna.cadangan"]);
    setDbHandle(openDb(url));
  });

  if (kind === "sqlite") {
    it("refuses a damaged backup and leaves the database untouched", async () => {
      const bad = path.join(dir, "rusak.bak");
      fs.writeFileSync(bad, "SQLite format 3\0" + "x".repeat(4096));
      const r = await cli("db", "restore", bad);
      expect(r.code).toBe(1);
      expect(await usernames()).toEqual(["pengguna.cadangan"]);
      setDbHandle(openDb(url));
    });
  }
});
