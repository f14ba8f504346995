import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, migrateToLatest, openDb } from "~/db/db.server";
import { dropFactIndex, loadFactIndex } from "~/models/fact-index.server";
import { isReadOnlyQuery, READER_PRAGMAS } from "~/db/sqlite-dialect.server";
import { getAncestors, getOrgByCode, listChildren, listSubtree } from "~/models/org.server";
import { checkOrgCsv, importOrgCsv } from "~/models/org-import.server";
import * as healthz from "~/routes/healthz";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { seedOrgTree } from "../helpers/app";

describe("SQLite settings (docs/security.md item 15)", () => {
  it("opens with WAL, synchronous=FULL, busy_timeout >= 5000 and foreign keys on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-pragma-"));
    const handle = openDb(`sqlite:${path.join(dir, "p.sqlite")}`);
    const one = async (pragma: string) => Object.values((await sql.raw(`PRAGMA ${pragma}`).execute(handle.db)).rows[0] as object)[0];
    expect(await one("journal_mode")).toBe("wal");
    expect(await one("synchronous")).toBe(2);
    expect(Number(await one("busy_timeout"))).toBeGreaterThanOrEqual(5000);
    expect(await one("foreign_keys")).toBe(1);
    await handle.destroy();
  });

  it("two writer processes on one file never fail with SQLITE_BUSY", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-writers-"));
    const url = `sqlite:${path.join(dir, "w.sqlite")}`;
    const handle = openDb(url);
    await migrateToLatest(handle);
    await sql`create table counter (id integer primary key, n integer not null)`.execute(handle.db);
    await sql`insert into counter (id, n) values (1, 0)`.execute(handle.db);
    await handle.destroy();
    const script = path.resolve("tests/helpers/sqlite-writer.ts");
    const runWriter = () =>
      new Promise<number>((resolve, reject) => {
        const child = fork(script, [url, "150"], { execArgv: ["--import", "tsx"], stdio: "pipe" });
        let err = "";
        child.stderr?.on("data", (d) => (err += d));
        child.on("exit", (code) => (code === 0 ? resolve(0) : reject(new Error(`writer exited ${code}: ${err}`))));
      });
    await Promise.all([runWriter(), runWriter()]);
    const check = openDb(url);
    const row = (await sql<{ n: number }>`select n from counter where id = 1`.execute(check.db)).rows[0];
    // Each writer does read-modify-write increments in transactions: no lost update, no BUSY.
    expect(row.n).toBe(300);
    const integrity = (await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(check.db)).rows[0];
    expect(integrity.integrity_check).toBe("ok");
    await check.destroy();
  });
});

describe("SQLite read connections (docs/decisions/012-load.md)", () => {
  it("a SELECT outside a transaction does not wait for an open write transaction and sees only committed rows", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-readers-"));
    const handle = openDb(`sqlite:${path.join(dir, "r.sqlite")}`);
    await sql`create table t (id integer primary key)`.execute(handle.db);
    await sql`insert into t (id) values (1)`.execute(handle.db);
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from t`.execute(handle.db)).rows[0].n);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedInTrx = new Promise<void>((r) => (inserted = r));
    const trx = handle.db.transaction().execute(async (t) => {
      await sql`insert into t (id) values (2)`.execute(t);
      inserted();
      await gate;
    });
    await insertedInTrx;
    const timeout = (ms: number) => new Promise<"blocked">((r) => setTimeout(() => r("blocked"), ms));
    // With one serialised connection the read would queue behind the transaction ("blocked").
    expect(await Promise.race([count(), timeout(3000)])).toBe(1);
    expect(
      await Promise.race([
        handle.db
          .selectFrom("t" as never)
          .selectAll()
          .execute()
          .then((rows) => rows.length),
        timeout(3000),
      ]),
    ).toBe(1);
    // A write outside the transaction still waits for the writer.
    let writeDone = false;
    const write = sql`insert into t (id) values (3)`.execute(handle.db).then(() => (writeDone = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(writeDone).toBe(false);
    release();
    await trx;
    await write;
    expect(await count()).toBe(3);
    await handle.destroy();
  });

  it("sends only single SELECTs to the read connections", () => {
    const raw = (text: string) => isReadOnlyQuery(CompiledQuery.raw(text));
    expect(raw("select 1")).toBe(true);
    expect(raw("  SELECT n FROM counter WHERE id = 1;")).toBe(true);
    expect(raw("PRAGMA journal_mode")).toBe(false);
    expect(raw("insert into t (id) values (1)")).toBe(false);
    expect(raw("with x as (select 1) delete from t")).toBe(false);
    expect(raw("select 1; delete from t")).toBe(false);
    expect(raw("update t set id = 2 returning id")).toBe(false);
  });

  it("read connections refuse writes (query_only)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-readers-"));
    const handle = openDb(`sqlite:${path.join(dir, "q.sqlite")}`);
    await sql`create table t (id integer primary key)`.execute(handle.db);
    // A connection with the driver's reader settings cannot write, should a write ever be routed to one.
    const sqlite3 = (await import("sqlite3")).default;
    const reader = new sqlite3.Database(path.join(dir, "q.sqlite"));
    const exec = (text: string) => new Promise<void>((resolve, reject) => reader.exec(text, (err) => (err ? reject(err) : resolve())));
    await exec(READER_PRAGMAS);
    await expect(exec("insert into t (id) values (1)")).rejects.toThrow(/readonly/i);
    await new Promise<void>((r) => reader.close(() => r()));
    await handle.destroy();
  });
});

describe.each(DIALECTS)("database layer on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
  });
  afterAll(() => handle.destroy());

  it("runs the one migration set and reports ready on /healthz", async () => {
    const res = (await healthz.loader()) as Response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: kind });
  });

  it("answers 503 on /healthz while the fact index is loading, 200 once it is ready", async () => {
    const db = getDb();
    const loading = loadFactIndex(db); // under way: its first query has not answered yet
    try {
      const during = (await healthz.loader()) as Response;
      expect(during.status).toBe(503);
      expect(await during.json()).toMatchObject({ ok: true, starting: true, factIndex: { ready: false } });
      await loading;
      const after = (await healthz.loader()) as Response;
      expect(after.status).toBe(200);
      const body = await after.json();
      expect(body).toMatchObject({ ok: true, factIndex: { ready: true } });
      expect(body.starting).toBeUndefined();
    } finally {
      await loading.catch(() => undefined);
      dropFactIndex(db);
    }
  });

  it("keeps a materialised path: subtree, children and ancestors by prefix", async () => {
    const db = handle.db;
    const sawahlunto = (await getOrgByCode(db, "13.73"))!;
    const puskesmas = await listSubtree(db, sawahlunto, "puskesmas");
    expect(puskesmas.length).toBeGreaterThanOrEqual(2);
    expect(puskesmas.every((p) => p.path.startsWith(sawahlunto.path))).toBe(true);
    expect((await listChildren(db, sawahlunto.id)).map((c) => c.level)).toContain("puskesmas");
    const chain = await getAncestors(db, puskesmas[0]);
    expect(chain.map((c) => c.level)).toEqual(["national", "province", "district", "puskesmas"]);
    expect(chain[2].code).toBe("13.73");
    const national = (await getOrgByCode(db, "ID"))!;
    const all = await listSubtree(db, national, "district");
    expect(all.map((d) => d.code).sort()).toEqual(["13.73", "33.24", "33.28", "61.05", "64.74"]);
  });

  it("refuses a bad org CSV with every error by row, storing nothing", async () => {
    const before = (await handle.db.selectFrom("org_unit").select("id").execute()).length;
    const csv = [
      "code,name,level,parent_code",
      "99,Provinsi Uji,province,ID",
      "99.01,,district,99",
      "99.02,Kab X,kecamatan,99",
      "P-X,Puskesmas X,puskesmas,99",
      "13.73,Duplikat,district,13",
    ].join("\n");
    const result = await importOrgCsv(csv);
    expect(result.inserted).toBe(0);
    const messages = result.errors.map((e) => `${e.row}:${e.column}`);
    expect(messages).toEqual(expect.arrayContaining(["3:name", "4:level", "5:parent_code", "6:code"]));
    expect((await handle.db.selectFrom("org_unit").select("id").execute()).length).toBe(before);
    const header = await checkOrgCsv(handle.db, "kode,nama\n1,2");
    expect(header.errors[0].message).toMatch(/Baris judul/);
  });

  it("enforces foreign keys", async () => {
    await expect(
      handle.db.insertInto("role_grant").values({ user_id: 999999, role: "facilitator", org_unit_id: 1, created_at: "x" }).execute(),
    ).rejects.toThrow();
  });

  if (kind === "postgres") {
    it("runs PostgreSQL with synchronous_commit=on", async () => {
      const row = (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(handle.db)).rows[0];
      expect(row.synchronous_commit).toBe("on");
    });
  }
});
