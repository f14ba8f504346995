/**
 * The built app as a child process on a database we choose (so it can be killed with SIGKILL
 * and restarted on the same file or database). Used by the crash test and the load test; the
 * e2e harness's startApp() always makes a fresh temp database, which a restart cannot reuse.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { ARTIFACTS_DIR, DEMO_PASSWORD, REPO_ROOT } from "../e2e/harness";
import { freePort } from "../setup/postgres";

export { DEMO_PASSWORD, REPO_ROOT };

/** Fixed for the test run, so a restarted server accepts the cookies of the first one. */
export const TEST_SESSION_SECRET = "crash-and-load-test-secret-0123456789abcdef";

export interface ServerProcess {
  baseUrl: string;
  port: number;
  logFile: string;
  child: ChildProcess;
  /** SIGKILL to the whole process group (tsx and the node process it starts); resolves on exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Runs `tsx app/cli/main.ts serve [--seed-if-empty]` with DATABASE_URL = `databaseUrl` on a
 * free loopback port and waits for /healthz. `port` reuses a port (a restart).
 */
export async function spawnServer(options: {
  databaseUrl: string;
  seed: boolean;
  name: string;
  port?: number;
  timeoutMs?: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  if (!fs.existsSync(path.join(REPO_ROOT, "build", "index.js"))) throw new Error("build/index.js missing: run npx remix build first");
  const port = options.port ?? (await freePort());
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, `server-${options.name}.log`);
  const log = fs.openSync(logFile, "a");
  const env: NodeJS.ProcessEnv = { ...process.env, SESSION_SECRET: TEST_SESSION_SECRET, ...options.env, PORT: String(port), DATABASE_URL: options.databaseUrl };
  delete env.PANTAU_SEEDS_DIR;
  delete env.TRUST_PROXY;
  // Development mode unless the caller asks for production (the load test measures production:
  // React's production build; Secure cookies, which the tests send by hand anyway).
  if (options.env?.NODE_ENV === undefined) Reflect.deleteProperty(env, "NODE_ENV");
  const args = [
    ...(process.env.PANTAU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PANTAU_PROFILE_DIR}`] : []),
    "app/cli/main.ts",
    "serve",
    ...(options.seed ? ["--seed-if-empty"] : []),
  ];
  const child = spawn(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), args, { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone.
    }
  };
  const kill9 = async () => {
    signal("SIGKILL");
    if (!gone()) await exited;
  };
  const stop = async () => {
    if (gone()) {
      signal("SIGKILL");
      return;
    }
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    signal("SIGKILL");
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last: string;
  for (;;) {
    if (gone()) throw new Error(`server ${options.name} exited (${child.exitCode ?? child.signalCode}) before /healthz; ${logFile}:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === 200 && (JSON.parse(body) as { ok?: boolean }).ok === true) break;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) {
      await kill9();
      throw new Error(`server ${options.name}: /healthz not ready (last: ${last}); ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, port, logFile, child, kill9, stop };
}

/** Signs in through POST /login (counts toward the 10-per-minute client limit); returns the Cookie header value. */
export async function loginCookie(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, next: "/" }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("pantau_session="));
  if (res.status !== 302 || !cookie) throw new Error(`login as ${username}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return cookie.split(";")[0];
}

/** Remix's data request for the fill route's action (JSON answer instead of the HTML page). */
export const FILL_DATA_PARAM = `_data=${encodeURIComponent("routes/forms.$formKey.$period")}`;

/**
 * The crash and load tests submit reports for months long past (2023–2024: the demo leaves them
 * empty). Reporting deadlines (app/models/locks.server.ts) lock those months, so the tests open
 * them the way a national admin would: one national monthly deadline far in the future and no
 * district override. A database without deadlines (before migration 003) is left as it is.
 */
export async function openMonthlyDeadlines(db: Kysely<any>): Promise<void> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_name = 'report_deadline'`
    .execute(db)
    .catch(() => sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'report_deadline'`.execute(db));
  if (tables.rows.length === 0) return;
  const national = await db.selectFrom("org_unit").select("id").where("level", "=", "national").executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("report_deadline").where("period_type", "=", "month").execute();
    await trx
      .insertInto("report_deadline")
      .values({ org_unit_id: national.id, period_type: "month", days_after: 36_500, updated_by: null, updated_at: new Date().toISOString() })
      .execute();
  });
}
