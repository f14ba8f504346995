/**
 * Crash test (docs/security.md item 16): the built server under a burst of concurrent, valid submissions
 * is killed with SIGKILL (whole process group) mid-burst and restarted on the same database
 * without reseeding. Afterwards:
 *  - SQLite `PRAGMA integrity_check` is "ok";
 *  - every submission that got a success answer (200, `ok: true`) is there, status submitted,
 *    its JSON equal to what was sent, its submission_value rows present and equal, its
 *    idempotency key recorded with the same result, exactly one audit row for that revision;
 *  - nothing is half-written: every target is either untouched or fully saved (revision,
 *    data, facts, audit row and key together); no facts without a submission; every counted
 *    submission's facts equal the numbers in its document; drafts/returned have none.
 * Then the same on PostgreSQL: the app server is SIGKILLed mid-burst and, in the same moment,
 * PostgreSQL is stopped in immediate mode (crash-like, WAL recovery on start) and restarted.
 *
 * Targets are distinct (Puskesmas, spm_bulanan, period): 2023–2024 months the demo has no
 * report for (baseRevision 0), plus the demo's own non-approved spm_bulanan reports of 2025–2026
 * (update path: facts deleted and rewritten) with their current revision.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { sql, type Kysely } from "kysely";
import { decode } from "turbo-stream";
import { afterAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "~/db/db.server";
import type { Database } from "~/db/schema";
import { startPostgres, type PgServer } from "../setup/postgres";
import { FILL_DATA_PARAM, loginCookie, openMonthlyDeadlines, spawnServer, type ServerProcess } from "./server";
import { formFieldKeys } from "../helpers/seed-package";

const OPERATORS: Array<[username: string, unit: string]> = [
  ["operator.sungaidurian", "P1373001"],
  ["operator.kolokmudik", "P1373002"],
  ["operator.tebidah", "P6105001"],
  ["operator.bontangutara1", "P6474001"],
  ["operator.kaladawa", "P3328001"],
  ["operator.plantungan", "P3324001"],
];
const FORM = "spm_bulanan";
const FIELDS = formFieldKeys("spm_bulanan");
const OLD_PERIODS = [2023, 2024].flatMap((y) => Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, "0")}`));
/** Requests in flight at once. */
const CONCURRENCY = 12;

interface Target {
  username: string;
  unit: string;
  unitId: number;
  period: string;
  baseRevision: number;
  /** Submission id before the burst (update path), or null. */
  existingId: number | null;
}

interface Outcome {
  target: Target;
  key: string;
  data: Record<string, number>;
  /** 200 with ok: true. */
  acked: boolean;
  /** The status of a fully read answer; null when the answer (or its body) was lost. */
  status: number | null;
  result?: { ok: boolean; submissionId?: number; revision?: number; status?: string; code?: string };
  error?: string;
  /** When the answer (or the failure) arrived, in ms since the epoch. */
  endedAt?: number;
}

async function findTargets(db: Kysely<Database>): Promise<Target[]> {
  const units = await db
    .selectFrom("org_unit")
    .select(["id", "code"])
    .where(
      "code",
      "in",
      OPERATORS.map(([, u]) => u),
    )
    .execute();
  const unitId = new Map(units.map((u) => [u.code, u.id]));
  const existing = await db
    .selectFrom("submission")
    .select(["id", "org_unit_id", "period", "status", "revision"])
    .where(
      "org_unit_id",
      "in",
      units.map((u) => u.id),
    )
    .where("form_key", "=", FORM)
    .execute();
  const targets: Target[] = [];
  for (const [username, unit] of OPERATORS) {
    const id = unitId.get(unit);
    if (id === undefined) throw new Error(`demo unit ${unit} missing`);
    const mine = existing.filter((s) => s.org_unit_id === id);
    for (const period of OLD_PERIODS) {
      if (mine.some((s) => s.period === period)) continue;
      targets.push({ username, unit, unitId: id, period, baseRevision: 0, existingId: null });
    }
    for (const s of mine) {
      if (s.status === "approved") continue;
      targets.push({ username, unit, unitId: id, period: s.period, baseRevision: s.revision, existingId: s.id });
    }
  }
  return targets;
}

function answers(): Record<string, number> {
  // Small random counts: valid (0…100000); a sasaran warning, if any, is confirmed.
  return Object.fromEntries(FIELDS.map((f) => [f, crypto.randomInt(0, 60)]));
}

/** One submit through the fill route's single-fetch action endpoint; never throws. */
async function submit(baseUrl: string, cookie: string, target: Target): Promise<Outcome> {
  const key = crypto.randomUUID();
  const data = answers();
  const outcome: Outcome = { target, key, data, acked: false, status: null };
  let headStatus: number | null = null;
  try {
    const res = await fetch(`${baseUrl}/forms/${FORM}/${target.period}.data`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        intent: "submit",
        data: JSON.stringify(data),
        idempotencyKey: key,
        baseRevision: String(target.baseRevision),
        confirmWarnings: "1",
      }),
      signal: AbortSignal.timeout(30_000),
    });
    headStatus = res.status;
    // Answered only once the whole body has arrived: with gzip the status line can leave before
    // the body, and a kill in between leaves the client with a status but no acknowledgement.
    // The body is read whole first, so a cut stream fails here (caught below) and not inside the
    // decoder's own reading, whose promise nobody would be waiting on any more.
    const bytes = await res.arrayBuffer();
    const decoded = await decode(new Response(bytes).body!);
    await decoded.done;
    const result = (decoded.value as { data?: Outcome["result"] } | undefined)?.data;
    if (result === undefined) throw new Error("incomplete answer");
    outcome.status = res.status;
    outcome.result = result;
    outcome.acked = res.status === 200 && outcome.result?.ok === true;
  } catch (err) {
    outcome.error =
      (err as Error).message +
      ((err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : "") +
      (headStatus !== null ? ` after status ${headStatus}, body cut` : "");
  }
  outcome.endedAt = Date.now();
  return outcome;
}

/**
 * Fires every target with CONCURRENCY requests in flight and calls `crash` once `killAfter`
 * successes have arrived. Requests keep going until the server is gone, so the kill meets
 * requests in flight (the ones in flight at the decision may all have been answered already by
 * the time the signal lands — seen once in CI). Returns all outcomes.
 */
async function burst(
  baseUrl: string,
  cookies: Map<string, string>,
  targets: Target[],
  killAfter: number,
  crash: () => Promise<void>,
): Promise<{ outcomes: Outcome[]; inFlightAtKill: number; killAt: number }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let acked = 0;
  let inFlight = 0;
  let inFlightAtKill = -1;
  let killAt = Infinity;
  let crashed: Promise<void> | null = null;
  let dead = false;
  const worker = async () => {
    while (next < targets.length && !dead) {
      const target = targets[next++];
      inFlight++;
      const outcome = await submit(baseUrl, cookies.get(target.username)!, target);
      inFlight--;
      outcomes.push(outcome);
      if (outcome.acked) acked++;
      if (acked >= killAfter && !crashed) {
        inFlightAtKill = inFlight;
        killAt = Date.now();
        crashed = crash().then(() => {
          dead = true;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (!crashed) throw new Error(`burst ended before the kill: only ${acked} successes for killAfter=${killAfter}`);
  await crashed;
  return { outcomes, inFlightAtKill, killAt };
}

function numericOf(doc: Record<string, unknown>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === "number" && Number.isFinite(v)) out.set(k, v);
    else if (typeof v === "boolean") out.set(k, v ? 1 : 0);
  }
  return out;
}

/** Every check after the restart; returns a summary for the log. */
async function verify(handle: DbHandle, outcomes: Outcome[], burstStartIso: string) {
  const db = handle.db;
  if (handle.kind === "sqlite") {
    const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
    expect(check.rows.map((r) => r.integrity_check)).toEqual(["ok"]);
    const fk = await sql`PRAGMA foreign_key_check`.execute(db);
    expect(fk.rows).toEqual([]);
  }

  // No facts without their submission.
  const orphans = await db
    .selectFrom("submission_value as v")
    .leftJoin("submission as s", "s.id", "v.submission_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("s.id", "is", null)
    .executeTakeFirstOrThrow();
  expect(Number(orphans.n)).toBe(0);

  // Every submission's facts equal the numbers (and booleans) of its document when counted, none otherwise.
  const subs = await db.selectFrom("submission").select(["id", "status", "data", "revision", "org_unit_id", "period", "form_key"]).execute();
  const facts = await db.selectFrom("submission_value").select(["submission_id", "field_key", "value", "org_unit_id", "form_key", "month_index"]).execute();
  const factsBySub = new Map<number, Map<string, number>>();
  for (const f of facts) {
    const m = factsBySub.get(f.submission_id) ?? new Map<string, number>();
    expect(m.has(f.field_key), `duplicate fact ${f.field_key} of submission ${f.submission_id}`).toBe(false);
    m.set(f.field_key, Number(f.value));
    factsBySub.set(f.submission_id, m);
  }
  const halfWritten: string[] = [];
  for (const s of subs) {
    const have = factsBySub.get(s.id) ?? new Map<string, number>();
    const want = s.status === "submitted" || s.status === "approved" ? numericOf(JSON.parse(s.data) as Record<string, unknown>) : new Map<string, number>();
    const same = have.size === want.size && [...want].every(([k, v]) => have.get(k) === v);
    if (!same)
      halfWritten.push(
        `submission ${s.id} (${s.form_key} ${s.period}, ${s.status}): facts ${JSON.stringify([...have])} vs document ${JSON.stringify([...want])}`,
      );
  }
  expect(halfWritten.slice(0, 5)).toEqual([]);

  const subByKey = new Map(subs.map((s) => [`${s.org_unit_id}|${s.form_key}|${s.period}`, s]));
  const requests = await db
    .selectFrom("submission_request")
    .selectAll()
    .where(
      "idempotency_key",
      "in",
      outcomes.map((o) => o.key),
    )
    .execute();
  const requestByKey = new Map(requests.map((r) => [r.idempotency_key, r]));
  const audits = await db
    .selectFrom("audit_log")
    .select(["entity_id", "after_json", "at"])
    .where("action", "=", "submission.submit")
    .where("entity_type", "=", "submission")
    .where("at", ">=", burstStartIso)
    .execute();
  const auditRevisions = new Map<string, number[]>();
  for (const a of audits) {
    const revision = (JSON.parse(a.after_json ?? "{}") as { revision?: number }).revision ?? -1;
    auditRevisions.set(a.entity_id ?? "", [...(auditRevisions.get(a.entity_id ?? "") ?? []), revision]);
  }

  let committedUnacked = 0;
  let untouched = 0;
  for (const o of outcomes) {
    const t = o.target;
    const row = subByKey.get(`${t.unitId}|${FORM}|${t.period}`);
    const req = requestByKey.get(o.key);
    const label = `${t.unit} ${t.period} (base ${t.baseRevision}, key ${o.key})`;
    const saved = row !== undefined && row.revision === t.baseRevision + 1;
    if (o.acked) {
      // Acknowledged: present and complete.
      expect(row, `acked ${label} missing`).toBeDefined();
      expect(row!.id, label).toBe(o.result!.submissionId);
      expect(row!.revision, label).toBe(o.result!.revision);
      expect(row!.revision, label).toBe(t.baseRevision + 1);
      expect(row!.status, label).toBe("submitted");
    }
    if (saved) {
      const doc = JSON.parse(row!.data) as Record<string, unknown>;
      for (const f of FIELDS) expect(doc[f], `${label} ${f}`).toBe(o.data[f]);
      const have = factsBySub.get(row!.id) ?? new Map<string, number>();
      for (const f of FIELDS) expect(have.get(f), `${label} fact ${f}`).toBe(o.data[f]);
      expect(req, `${label}: saved without its idempotency key`).toBeDefined();
      expect(req!.submission_id, label).toBe(row!.id);
      expect(JSON.parse(req!.result_json ?? "null"), label).toMatchObject({ ok: true, submissionId: row!.id, revision: row!.revision, status: "submitted" });
      expect(auditRevisions.get(String(row!.id)) ?? [], `${label}: one audit row for revision ${row!.revision}`).toEqual([row!.revision]);
      if (!o.acked) committedUnacked++;
    } else {
      // Not saved: nothing of the request may remain.
      expect(o.acked, `acked ${label} was not saved`).toBe(false);
      expect(req, `${label}: key claimed without a saved submission`).toBeUndefined();
      if (t.existingId === null) expect(row, `${label}: a submission exists without the save`).toBeUndefined();
      else {
        expect(row?.id, label).toBe(t.existingId);
        expect(row?.revision, label).toBe(t.baseRevision);
        expect(auditRevisions.get(String(t.existingId)) ?? [], label).toEqual([]);
      }
      untouched++;
    }
  }
  // No audit row of the burst without its saved revision.
  const savedIds = new Set(
    outcomes
      .map((o) => subByKey.get(`${o.target.unitId}|${FORM}|${o.target.period}`))
      .filter((r) => r !== undefined)
      .map((r) => String(r!.id)),
  );
  for (const id of auditRevisions.keys()) expect(savedIds.has(id), `audit row for submission ${id} outside the burst`).toBe(true);
  return { acked: outcomes.filter((o) => o.acked).length, committedUnacked, untouched, submissions: subs.length, facts: facts.length };
}

async function loginAll(baseUrl: string): Promise<Map<string, string>> {
  // 6 logins per server process: under the 10-per-minute client limit.
  const cookies = new Map<string, string>();
  for (const [username] of OPERATORS) cookies.set(username, await loginCookie(baseUrl, username));
  return cookies;
}

function summarise(kind: string, outcomes: Outcome[], inFlightAtKill: number, killAt: number, ms: number) {
  const refused = outcomes.filter((o) => o.status !== null && !o.acked);
  const errors = outcomes.filter((o) => o.status === null);
  console.log(
    `[crash ${kind}] ${outcomes.length} requests answered or cut (of the targets), ${outcomes.filter((o) => o.acked).length} acked, ${refused.length} refused, ${errors.length} without answer (in flight at kill: ${inFlightAtKill}); burst+kill ${ms} ms` +
      (errors[0] ? `; e.g. ${errors[0].error}` : ""),
  );
  // Every answer before the kill must be a success: the targets are distinct and valid.
  expect(refused.map((o) => `${o.target.unit} ${o.target.period}: ${o.status} ${JSON.stringify(o.result)}`)).toEqual([]);
  // The kill happened mid-burst: some requests lost their answer — and only from the kill on.
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.filter((o) => o.endedAt! < killAt).map((o) => `${o.target.unit} ${o.target.period}: ${o.error}`)).toEqual([]);
}

function phases(kind: string) {
  let last = Date.now();
  const times: string[] = [];
  return (name: string) => {
    times.push(`${name} ${Date.now() - last} ms`);
    last = Date.now();
    if (name === "verify") console.log(`[crash ${kind}] ${times.join(", ")}`);
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
});

// The two databases run side by side (separate servers, files and PostgreSQL instance): ~1 min instead of ~2.
describe.concurrent("crash: kill -9 mid-burst of submissions", () => {
  it("SQLite: integrity ok, every acknowledged submission complete, none half-written", { timeout: 300_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-crash-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const url = `sqlite:${path.join(dir, "crash.sqlite")}`;
    const phase = phases("sqlite");
    let server: ServerProcess = await spawnServer({ databaseUrl: url, seed: true, name: "crash-sqlite", timeoutMs: 180_000 });
    phase("start + seed");
    cleanups.push(() => server.stop());

    const before = openDb(url);
    await openMonthlyDeadlines(before.db);
    const targets = await findTargets(before.db);
    await before.destroy();
    expect(targets.length).toBeGreaterThan(100);
    const cookies = await loginAll(server.baseUrl);
    phase("logins");

    const burstStart = new Date(Date.now() - 1000).toISOString();
    const t0 = Date.now();
    const { outcomes, inFlightAtKill, killAt } = await burst(server.baseUrl, cookies, targets, Math.floor(targets.length * 0.4), () => server.kill9());
    summarise("sqlite", outcomes, inFlightAtKill, killAt, Date.now() - t0);
    phase("burst + kill");

    // Restart on the same file, no reseed.
    server = await spawnServer({ databaseUrl: url, seed: false, name: "crash-sqlite", port: server.port });
    phase("restart");
    const after = openDb(url);
    try {
      const summary = await verify(after, outcomes, burstStart);
      phase("verify");
      console.log(`[crash sqlite] after restart: ${JSON.stringify(summary)}`);
      // The restarted server serves an acknowledged report to its operator.
      const acked = outcomes.find((o) => o.acked)!;
      const page = await fetch(`${server.baseUrl}/forms/${FORM}/${acked.target.period}`, {
        headers: { Cookie: cookies.get(acked.target.username)!, "Accept-Encoding": "gzip" },
      });
      expect(page.status).toBe(200);
      // Pages travel compressed (fetch decompresses the body for the check below).
      expect(page.headers.get("content-encoding")).toBe("gzip");
      expect(await page.text()).toContain(String(acked.data[FIELDS[0]]));

      // A legacy pre-single-fetch action request (`?_data=<route>`) is refused before any route
      // code runs: a clean 400 with a message, nothing stored (it used to store and answer 500).
      const untried = targets.find((t) => t.existingId === null && !outcomes.some((o) => o.target === t))!;
      expect(untried).toBeDefined();
      const legacy = await fetch(`${server.baseUrl}/forms/${FORM}/${untried.period}?${FILL_DATA_PARAM}`, {
        method: "POST",
        headers: { Cookie: cookies.get(untried.username)!, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          intent: "submit",
          data: JSON.stringify(answers()),
          idempotencyKey: crypto.randomUUID(),
          baseRevision: "0",
          confirmWarnings: "1",
        }),
      });
      expect(legacy.status).toBe(400);
      expect(await legacy.text()).toMatch(/Muat ulang halaman/);
      const stored = await after.db
        .selectFrom("submission")
        .select("id")
        .where("org_unit_id", "=", untried.unitId)
        .where("form_key", "=", FORM)
        .where("period", "=", untried.period)
        .execute();
      expect(stored).toEqual([]);

      // The `serve` command started the scorecard warmer in the build (decision 013): after the
      // restart it has built the national views, as /healthz reports.
      let health: { scorecards?: { warmedAt: string | null; views: number } } = {};
      for (let i = 0; i < 120 && !health.scorecards?.warmedAt; i++) {
        health = await (await fetch(`${server.baseUrl}/healthz`)).json();
        if (!health.scorecards?.warmedAt) await new Promise((r) => setTimeout(r, 250));
      }
      expect(health.scorecards?.views).toBeGreaterThanOrEqual(2);
    } finally {
      await after.destroy();
      await server.stop();
    }
  });

  it("PostgreSQL: app killed with SIGKILL and PostgreSQL stopped in immediate mode mid-burst", { timeout: 300_000 }, async () => {
    const pgServer: PgServer = await startPostgres();
    cleanups.push(() => pgServer.stop());
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    const dbName = `pantau_crash_${crypto.randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${dbName}`);
    const dataDir = (await admin.query<{ data_directory: string }>("SHOW data_directory")).rows[0].data_directory;
    await admin.end();
    const url = pgServer.url.replace(/\/postgres$/, `/${dbName}`);

    const phase = phases("postgres");
    let server: ServerProcess = await spawnServer({ databaseUrl: url, seed: true, name: "crash-postgres", timeoutMs: 180_000 });
    phase("start + seed");
    cleanups.push(() => server.stop());
    const before = openDb(url);
    await openMonthlyDeadlines(before.db);
    const targets = await findTargets(before.db);
    await before.destroy();
    const cookies = await loginAll(server.baseUrl);
    phase("logins");

    const burstStart = new Date(Date.now() - 1000).toISOString();
    const t0 = Date.now();
    const { outcomes, inFlightAtKill, killAt } = await burst(server.baseUrl, cookies, targets, Math.floor(targets.length * 0.4), async () => {
      await server.kill9();
      // And the database server itself: immediate mode = no checkpoint, crash recovery from WAL on start.
      pgCtl(dataDir, ["-m", "immediate", "-w", "-t", "60", "-l", path.join(path.dirname(dataDir), "log"), "restart"]);
    });
    summarise("postgres", outcomes, inFlightAtKill, killAt, Date.now() - t0);
    phase("burst + kill");

    server = await spawnServer({ databaseUrl: url, seed: false, name: "crash-postgres", port: server.port });
    phase("restart");
    const after = openDb(url);
    try {
      const summary = await verify(after, outcomes, burstStart);
      phase("verify");
      console.log(`[crash postgres] after restart: ${JSON.stringify(summary)}`);
    } finally {
      await after.destroy();
      await server.stop();
    }
  });
});

/** pg_ctl of the throwaway server from tests/setup/postgres.ts (run as `postgres` when we are root). */
function pgCtl(dataDir: string, args: string[]): void {
  const versions = fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  const bin = versions.map((v) => path.join("/usr/lib/postgresql", v, "bin", "pg_ctl")).find((p) => fs.existsSync(p));
  if (!bin) throw new Error("pg_ctl not found");
  const full = ["-D", dataDir, ...args];
  if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", bin, ...full], { stdio: "pipe" });
  else execFileSync(bin, full, { stdio: "pipe" });
}
