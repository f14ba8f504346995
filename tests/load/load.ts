/**
 * Month-end load test (docs/security.md item 24): the built app on the full demo
 * (SQLite, loopback), 50 concurrent virtual users for 60 s.
 *
 *   npm run load                    # 50 connections, 60 s
 *   npm run load -- --quick         # 15 s
 *   npm run load -- --duration 30   # any length in seconds
 *   npm run load -- --connections 20 --json result.json
 *   npm run load -- --think 1-5     # each user waits 1–5 s (uniform) after each answer (default)
 *   npm run load -- --closed        # autocannon, no think time: every connection sends again at once
 *   npm run load -- --rate 25       # autocannon paced at 25 requests/s in all (see --rate below)
 *   npm run load -- --postgres      # the same on a throwaway PostgreSQL server instead of SQLite
 *   npm run load -- --instances 2 --connections 100   # two app processes on one PostgreSQL, round-robin
 *
 * `--instances 2` (decision 042): a throwaway PostgreSQL 15 server (tests/setup/postgres.ts), the
 * demo seeded by the first app process, a second process on the same database, and every request
 * of every user sent to the next process in turn (round-robin on loopback, as a load balancer
 * without sticky sessions would: sessions live in the database). SQLite is one file for one
 * instance, so several instances need PostgreSQL: `--instances 2` implies `--postgres`.
 *
 * Two drivers (decision 015). By default the 50 virtual users are people: each sends a request,
 * reads the answer, waits a think time (uniform between the --think bounds, default 1–5 s, i.e.
 * one click every ~3 s — far busier than anyone filling a form) and goes on; they arrive spread
 * over the first think time. This is the month-end target of docs/security.md item 24 ("50 concurrent users",
 * p95 < 300 ms). autocannon cannot pace a connection slower than one request per second (and
 * `overallRate` below the connection count silently drops connections), so this driver is
 * plain `fetch` (Node's undici, keep-alive) with one loop per user. `--closed` runs the same users
 * through autocannon with no think time at all: the saturation point (how many requests per
 * second one process serves), reported beside it.
 *
 * Virtual users (one session each, created directly in the database with the app's own
 * createSession(): the login form allows 10 attempts per client per minute, and every virtual
 * user comes from 127.0.0.1):
 *  - operators (20, spread over the 6 demo operator accounts): home → form page → save draft →
 *    submit, each cycle on a new (Puskesmas, spm_bulanan, month) that the demo leaves empty
 *    (2024-12 backwards), with a fresh idempotency key per POST (draft base revision 0, submit 1);
 *  - verifiers (15, the 5 district verifiers): home → their district's scorecard;
 *  - facilitators (15, the 3 facilitators): home → a scorecard of a district in their scope.
 * Scorecard: /scorecards?template=ilp-nasional&period=<last month>&parent=<district>.
 * Logins: 8 POST /login at an even low rate during the run (under the per-client limit).
 *
 * Success = every response has the expected status (200 for pages and saves, 302 for login),
 * no socket errors, no timeouts; afterwards the database holds exactly the acknowledged
 * submissions. Exit code 1 otherwise. Per-scenario latency is measured from the moment a
 * request is built to its complete response.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { sql } from "kysely";
import { DEMO_PASSWORD, TEST_SESSION_SECRET, openMonthlyDeadlines, spawnServer, type ServerProcess } from "../crash/server";
import { startPostgres, type PgServer } from "../setup/postgres";
import { formFieldKeys } from "../helpers/seed-package";

// The app's cookie signing reads SESSION_SECRET on first use: the same secret as the server.
process.env.SESSION_SECRET = TEST_SESSION_SECRET;
const { openDb } = await import("~/db/db.server");
const { createSession } = await import("~/auth/session.server");

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
const quick = argv.includes("--quick");
const durationS = Number(flag("--duration") ?? (quick ? 15 : 60));
const connections = Number(flag("--connections") ?? 50);
const jsonOut = flag("--json");
/**
 * `--rate N`: autocannon paced at N requests per second in all (overallRate). Note: with N below
 * the number of connections autocannon opens only N connections (one request per second each),
 * so this is not "50 users clicking every 50/N seconds"; the default users driver is.
 */
const rate = flag("--rate") === undefined ? 0 : Number(flag("--rate"));
if (!Number.isFinite(rate) || rate < 0 || rate > 10_000) throw new Error("--rate: 0…10000 requests per second");
/** `--closed`: autocannon, no think time (the saturation point). Implied by --rate. */
const closed = argv.includes("--closed") || rate > 0;
/** `--think a-b`: users wait a uniformly random a…b seconds after each answer (users driver). */
const thinkArg = flag("--think") ?? "1-5";
const thinkMatch = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(thinkArg);
if (!thinkMatch || Number(thinkMatch[1]) > Number(thinkMatch[2]) || Number(thinkMatch[2]) > 600) throw new Error("--think: a-b seconds, e.g. 1-5");
const think = { min: Number(thinkMatch[1]), max: Number(thinkMatch[2]) };
/** `--dev`: the server without NODE_ENV=production (React's development build), for comparison. */
const devMode = argv.includes("--dev");
/** `--instances N`: N app processes on one PostgreSQL database, requests round-robin (decision 042). */
const instances = Number(flag("--instances") ?? 1);
if (!Number.isInteger(instances) || instances < 1 || instances > 4) throw new Error("--instances: 1…4");
/** `--postgres`: a throwaway PostgreSQL server instead of a SQLite file (implied by --instances above 1: SQLite is one file, one instance). */
const postgres = argv.includes("--postgres") || instances > 1;
if (instances > 1 && closed) throw new Error("--closed and --rate drive one instance (autocannon takes one address); several instances run in the users mode");
if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) throw new Error("--duration: 1…600 seconds");
if (!Number.isInteger(connections) || connections < 3 || connections > 200) throw new Error("--connections: 3…200");

const TEMPLATE = "ilp-nasional";
/** The month before today: the demo (seeded today) has most of its reports, as a scorecard viewer finds it. */
const SCORECARD_PERIOD = (() => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
})();
const FORM = "spm_bulanan";
const FIELDS = formFieldKeys("spm_bulanan");
const OPERATORS = ["operator.sungaidurian", "operator.kolokmudik", "operator.tebidah", "operator.bontangutara1", "operator.kaladawa", "operator.plantungan"];
const VERIFIERS: Array<[string, string]> = [
  ["verifikator.sawahlunto", "13.73"],
  ["verifikator.sintang", "61.05"],
  ["verifikator.bontang", "64.74"],
  ["verifikator.tegal", "33.28"],
  ["verifikator.kendal", "33.24"],
];
const FACILITATORS: Array<[string, string[]]> = [
  ["fasilitator.nasional", ["13.73", "61.05", "64.74", "33.28", "33.24"]],
  ["fasilitator.jateng", ["33.28", "33.24"]],
  ["fasilitator.kalimantan", ["61.05", "64.74"]],
];
const LOGIN_USERS = [
  "operator.sungaidurian",
  "verifikator.tegal",
  "fasilitator.jateng",
  "admin.bontang",
  "operator.plantungan",
  "fasilitator.nasional",
  "verifikator.sintang",
  "admin.nasional",
];
const LOGINS = 8;

type Scenario = "home" | "scorecard" | "form" | "draft" | "submit" | "login";
const SCENARIOS: Scenario[] = ["home", "scorecard", "form", "draft", "submit", "login"];

// ---------------------------------------------------------------- virtual users
interface Step {
  scenario: Scenario;
  method: "GET" | "POST";
  path: string;
  body?: string;
}

interface VirtualUser {
  name: string;
  role: "operator" | "verifier" | "facilitator";
  cookie: string;
  step: number;
  /** Operators: the month of the current cycle. */
  period?: string;
  districts?: string[];
}

/** Empty months per operator account, newest first (the demo starts at 2025-01). */
const nextMonth = new Map<string, number>();
function takePeriod(username: string): string {
  const index = nextMonth.get(username) ?? 2024 * 12 + 11;
  nextMonth.set(username, index - 1);
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

function answers(): string {
  return JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, crypto.randomInt(0, 60)])));
}

function saveBody(intent: "draft" | "submit", baseRevision: number): string {
  return new URLSearchParams({
    intent,
    data: answers(),
    idempotencyKey: crypto.randomUUID(),
    baseRevision: String(baseRevision),
    confirmWarnings: "1",
  }).toString();
}

function nextStep(vu: VirtualUser): Step {
  const i = vu.step++;
  if (vu.role === "operator") {
    const phase = i % 4;
    if (phase === 0) vu.period = takePeriod(vu.name);
    const at = `/forms/${FORM}/${vu.period}`;
    if (phase === 0) return { scenario: "home", method: "GET", path: "/" };
    if (phase === 1) return { scenario: "form", method: "GET", path: at };
    // The fill page's own POST, answered through Remix single fetch (`.data`), as the hydrated page does.
    if (phase === 2) return { scenario: "draft", method: "POST", path: `${at}.data`, body: saveBody("draft", 0) };
    return { scenario: "submit", method: "POST", path: `${at}.data`, body: saveBody("submit", 1) };
  }
  if (i % 2 === 0) return { scenario: "home", method: "GET", path: "/" };
  const district = vu.districts![Math.floor(i / 2) % vu.districts!.length];
  return { scenario: "scorecard", method: "GET", path: `/scorecards?template=${TEMPLATE}&period=${SCORECARD_PERIOD}&parent=${district}` };
}

// ---------------------------------------------------------------- measurements
const samples: Record<Scenario, number[]> = { home: [], scorecard: [], form: [], draft: [], submit: [], login: [] };
const failures: Record<Scenario, number> = { home: 0, scorecard: 0, form: 0, draft: 0, submit: 0, login: 0 };
const failureExamples: string[] = [];
let acknowledgedSubmits = 0;
/** "username|period" of every acknowledged submit. */
const acknowledged: string[] = [];

function record(scenario: Scenario, ms: number, ok: boolean, detail: string): void {
  samples[scenario].push(ms);
  if (!ok) {
    failures[scenario]++;
    if (failureExamples.length < 10) failureExamples.push(`${scenario}: ${detail}`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN,
  };
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n) : NaN);

// ---------------------------------------------------------------- run
async function main(): Promise<number> {
  const started = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-load-"));
  let pgServer: PgServer | null = null;
  const servers: ServerProcess[] = [];
  // Ctrl-C and the like: "exit" ends the app processes (their own process groups) and removes the PostgreSQL server and the temp dir.
  const atExit = () => {
    for (const s of servers) {
      try {
        process.kill(-s.child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    try {
      pgServer?.stop();
    } catch {
      // Already stopped.
    }
    pgServer = null;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", atExit);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));
  let databaseUrl = `sqlite:${path.join(dir, "load.sqlite")}`;
  if (postgres) {
    console.error("[load] starting a throwaway PostgreSQL server (initdb + pg_ctl on 127.0.0.1)…");
    pgServer = await startPostgres();
    const admin = openDb(pgServer.url);
    await sql`create database pantau_load`.execute(admin.db);
    await admin.destroy();
    databaseUrl = pgServer.url.replace(/\/postgres$/, "/pantau_load");
  }
  try {
    console.error(`[load] starting the built app on the demo (${databaseUrl}); seeding takes ~30 s${postgres ? " (longer on PostgreSQL)" : ""}…`);
    // As deployed (README "Configuration"): NODE_ENV=production, so React renders with its
    // production build; in development mode React's checks double the CPU per page.
    const serverEnv: Record<string, string> = devMode ? {} : { NODE_ENV: "production" };
    servers.push(await spawnServer({ databaseUrl, seed: true, name: "load", env: serverEnv, timeoutMs: 600_000 }));
    // More instances on the same database (already seeded): each with its own caches and warmer (decision 042).
    for (let i = 1; i < instances; i++) servers.push(await spawnServer({ databaseUrl, seed: false, name: `load-${i + 1}`, env: serverEnv }));
    const server = servers[0];
    const baseUrl = server.baseUrl;
    /** The next instance in turn (round-robin; one instance: always the same). */
    let turn = 0;
    const nextBase = () => servers[turn++ % servers.length].baseUrl;
    const cpuOfServers = () => servers.reduce((n, s) => n + groupCpuMs(s.child.pid!), 0) + (pgServer ? postgresCpuMs(pgServer) : 0);

    // Sessions straight into the server's database (same file, WAL), signed like the app's.
    const handle = openDb(databaseUrl);
    // The operators report months the demo leaves empty (2024 and before): open them.
    await openMonthlyDeadlines(handle.db);
    const userIds = new Map((await handle.db.selectFrom("app_user").select(["id", "username"]).execute()).map((u) => [u.username, u.id]));
    const cookieOf = async (username: string) => {
      const id = userIds.get(username);
      if (id === undefined) throw new Error(`demo user ${username} missing`);
      return (await createSession(handle.db, id)).setCookie.split(";")[0];
    };
    const operatorCount = Math.round(connections * 0.4);
    const verifierCount = Math.round(connections * 0.3);
    const facilitatorCount = connections - operatorCount - verifierCount;
    const users: VirtualUser[] = [];
    for (let i = 0; i < operatorCount; i++)
      users.push({ name: OPERATORS[i % OPERATORS.length], role: "operator", cookie: await cookieOf(OPERATORS[i % OPERATORS.length]), step: 0 });
    for (let i = 0; i < verifierCount; i++) {
      const [name, district] = VERIFIERS[i % VERIFIERS.length];
      users.push({ name, role: "verifier", cookie: await cookieOf(name), step: i % 2, districts: [district] });
    }
    for (let i = 0; i < facilitatorCount; i++) {
      const [name, districts] = FACILITATORS[i % FACILITATORS.length];
      users.push({ name, role: "facilitator", cookie: await cookieOf(name), step: (i % 2) + 2 * i, districts });
    }

    // Warm-up, then each page alone (one request at a time, median of 3): the unloaded baseline.
    const unloaded: Record<string, number> = {};
    const pages: Array<[string, VirtualUser, string]> = [
      ["home (operator)", users[0], "/"],
      ["form page", users[0], `/forms/${FORM}/${SCORECARD_PERIOD}`],
      ["home (verifier)", users[operatorCount], "/"],
      [
        "scorecard (verifier)",
        users[operatorCount],
        `/scorecards?template=${TEMPLATE}&period=${SCORECARD_PERIOD}&parent=${users[operatorCount].districts![0]}`,
      ],
    ];
    for (const [label, vu, at] of pages) {
      const times: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        const res = await fetch(baseUrl + at, { headers: { Cookie: vu.cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`warm-up ${at} as ${vu.name}: ${res.status}`);
        if (i > 0) times.push(performance.now() - t0);
      }
      unloaded[label] = Math.round(stats(times).p50);
    }

    const headersFor = (vu: VirtualUser, step: Step, target = baseUrl): Record<string, string> => {
      const headers: Record<string, string> = { Cookie: vu.cookie, Accept: "text/html,*/*" };
      if (step.method === "POST") {
        headers.Origin = target;
        headers["Content-Type"] = "application/x-www-form-urlencoded";
      }
      return headers;
    };
    const answered = (vu: VirtualUser, step: Step, status: number, body: string, ms: number, problem = "") => {
      let ok = status === 200 && !problem;
      if (ok && step.method === "POST") ok = /"ok",true|"ok":true/.test(body) || body.includes('"submitted"') || body.includes('"draft"');
      if (ok && step.scenario === "submit") {
        acknowledgedSubmits++;
        acknowledged.push(`${vu.name}|${vu.period}`);
      }
      record(step.scenario, ms, ok, `${step.method} ${step.path} as ${vu.name} → ${status} ${problem}${ok ? "" : body.slice(0, 200).replace(/\s+/g, " ")}`);
    };

    // autocannon (--closed, --rate): each connection takes an idle virtual user per request (a
    // user never has two requests in flight).
    const idle: VirtualUser[] = [...users];
    const request = {
      setupRequest(req: Record<string, unknown>, context: Record<string, unknown>) {
        // Only after a lost answer (reset, timeout: already a failure) can no user be idle.
        const vu = idle.shift() ?? users[users.length - 1];
        const step = nextStep(vu);
        context.vu = vu;
        context.step = step;
        context.t0 = performance.now();
        return { ...req, method: step.method, path: step.path, headers: headersFor(vu, step), body: step.body ?? "" };
      },
      onResponse(status: number, body: string, context: Record<string, unknown>) {
        const vu = context.vu as VirtualUser;
        answered(vu, context.step as Step, status, body, performance.now() - (context.t0 as number));
        idle.push(vu);
      },
    };

    // Users driver (default): one loop per person — request, answer, think, again — until the time is up.
    const runUsers = async () => {
      const start = new Date();
      const end = performance.now() + durationS * 1000;
      const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
      const thinkTime = () => think.min + Math.random() * (think.max - think.min);
      let sent = 0;
      let errors = 0;
      let timeouts = 0;
      await Promise.all(
        users.map(async (vu) => {
          await sleep(Math.random() * think.max);
          while (performance.now() < end) {
            const step = nextStep(vu);
            const target = nextBase();
            const t0 = performance.now();
            sent++;
            try {
              // The 10-s abort, and a second clock beside it: one run (of several) once waited
              // minutes after its time was up with no request open, so an answer that neither
              // comes nor aborts is counted as a timeout rather than holding the report back.
              const controller = new AbortController();
              let timer: NodeJS.Timeout | undefined;
              const deadline = new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                  controller.abort();
                  reject(Object.assign(new Error("no answer within 10 s"), { name: "TimeoutError" }));
                }, 10_000);
              });
              try {
                const answer = (async () => {
                  const res = await fetch(target + step.path, {
                    method: step.method,
                    headers: headersFor(vu, step, target),
                    body: step.body,
                    redirect: "manual",
                    signal: controller.signal,
                  });
                  return { status: res.status, body: await res.text() };
                })();
                answer.catch(() => undefined);
                const { status, body } = await Promise.race([answer, deadline]);
                answered(vu, step, status, body, performance.now() - t0);
              } finally {
                clearTimeout(timer);
              }
            } catch (err) {
              const timeout = (err as Error).name === "TimeoutError";
              if (timeout) timeouts++;
              else errors++;
              answered(vu, step, 0, "", performance.now() - t0, timeout ? "timeout" : (err as Error).message);
            }
            await sleep(thinkTime());
          }
        }),
      );
      return { start, finish: new Date(), sent, errors, timeouts };
    };

    // A few real logins, evenly spread, under the 10-per-minute client limit.
    let loginsDone = 0;
    const loginLoop = (async () => {
      const gap = (durationS * 1000) / (LOGINS + 1);
      for (let i = 0; i < LOGINS; i++) {
        await new Promise((r) => setTimeout(r, gap));
        const username = LOGIN_USERS[i % LOGIN_USERS.length];
        const target = nextBase();
        const t0 = performance.now();
        let status = 0;
        let detail = "";
        try {
          const res = await fetch(`${target}/login`, {
            method: "POST",
            redirect: "manual",
            headers: { Origin: target, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ username, password: DEMO_PASSWORD, next: "/" }),
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          const cookie = res.headers.getSetCookie().some((c) => c.startsWith("pantau_session="));
          await res.arrayBuffer();
          if (!cookie) detail = "no session cookie";
        } catch (err) {
          detail = (err as Error).message;
        }
        record("login", performance.now() - t0, status === 302 && !detail, `POST /login as ${username} → ${status} ${detail}`);
        loginsDone++;
      }
    })();

    console.error(
      `[load] ${users.length} virtual users (${operatorCount} operators, ${verifierCount} verifiers, ${facilitatorCount} facilitators), ${connections} connections, ${durationS} s…`,
    );
    // The fact index's reloads per instance (decision 040, /healthz): a district reloads when a
    // submission moved its version and someone reads it.
    const reloadsOf = async () =>
      Promise.all(
        servers.map(async (s) => {
          const health = (await (await fetch(`${s.baseUrl}/healthz`, { signal: AbortSignal.timeout(10_000) })).json()) as {
            factIndex?: { districtReloads?: number; partialReloads?: number; globalReloads?: number };
          };
          return {
            district: health.factIndex?.districtReloads ?? 0,
            partial: health.factIndex?.partialReloads ?? 0,
            global: health.factIndex?.globalReloads ?? 0,
          };
        }),
      );
    const reloads0 = await reloadsOf();
    const cpu0 = cpuOfServers();
    let driver: {
      tool: string;
      start: Date;
      finish: Date;
      requests: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      autocannon: Record<string, unknown> | null;
    };
    if (closed) {
      const result = await autocannon({
        url: baseUrl,
        connections,
        duration: durationS,
        timeout: 10,
        pipelining: 1,
        requests: [request],
        ...(rate > 0 ? { overallRate: rate } : {}),
      });
      driver = {
        tool: "autocannon",
        start: result.start,
        finish: result.finish,
        requests: result.requests.total,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        autocannon: {
          latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
          resets: result.resets,
          statusCodes: result.statusCodeStats,
          // overallRate below the connection count makes autocannon open fewer connections.
          connectionsUsed: rate > 0 && rate < connections ? rate : connections,
        },
      };
    } else {
      const result = await runUsers();
      driver = {
        tool: "virtual users (fetch, keep-alive)",
        start: result.start,
        finish: result.finish,
        requests: result.sent,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: 0,
        autocannon: null,
      };
    }
    console.error("[load] users done; waiting for the last login, then counting the stored submissions…");
    await loginLoop;
    const serverCpuMs = cpuOfServers() - cpu0;
    const reloads1 = await reloadsOf();
    const factIndexReloads = reloads1.map((r, i) => ({
      district: r.district - reloads0[i].district,
      partial: r.partial - reloads0[i].partial,
      global: r.global - reloads0[i].global,
    }));

    // Every acknowledged submit is stored as submitted; the only others are those whose answer
    // autocannon dropped when the time was up (at most one per operator connection).
    const stored = await handle.db
      .selectFrom("submission as s")
      .innerJoin("role_grant as g", "g.org_unit_id", "s.org_unit_id")
      .innerJoin("app_user as u", "u.id", "g.user_id")
      .select(["u.username", "s.period", "s.status"])
      .where("s.form_key", "=", FORM)
      .where("s.period", "<", "2025")
      .where("u.username", "in", OPERATORS)
      .execute();
    await handle.destroy();
    const submitted = new Set(stored.filter((r) => r.status === "submitted").map((r) => `${r.username}|${r.period}`));
    const missing = acknowledged.filter((k) => !submitted.has(k));
    const unanswered = submitted.size - (acknowledged.length - missing.length);
    if (missing.length && failureExamples.length < 10) failureExamples.push(`acknowledged submits not stored: ${missing.slice(0, 5).join(", ")}`);

    const all = SCENARIOS.flatMap((s) => samples[s]);
    const perScenario = Object.fromEntries(SCENARIOS.map((s) => [s, { ...stats(samples[s]), failed: failures[s] }]));
    const overall = { ...stats(all), failed: SCENARIOS.reduce((n, s) => n + failures[s], 0) };
    const elapsedS = (driver.finish.getTime() - driver.start.getTime()) / 1000;
    const cpus = os.cpus();
    const summary = {
      date: started.toISOString(),
      command: `npm run load${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
      machine: {
        cpu: `${cpus.length} × ${cpus[0]?.model ?? "?"}`,
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
      },
      connections,
      durationS,
      rate,
      database: postgres ? "postgres" : "sqlite",
      instances: servers.length,
      virtualUsers: { operators: operatorCount, verifiers: verifierCount, facilitators: facilitatorCount },
      mode: closed ? (rate > 0 ? "paced" : "closed") : "users",
      think: closed ? null : think,
      driver: {
        tool: driver.tool,
        requests: driver.requests,
        requestsPerSecond: Math.round((driver.requests / elapsedS) * 10) / 10,
        errors: driver.errors,
        timeouts: driver.timeouts,
        non2xx: driver.non2xx,
        ...(driver.autocannon ?? {}),
      },
      unloadedMs: unloaded,
      server: {
        nodeEnv: devMode ? "development" : "production",
        cpuMs: Math.round(serverCpuMs),
        cpuMsPerRequest: Math.round((serverCpuMs / Math.max(1, driver.requests + loginsDone)) * 10) / 10,
        cpuCores: Math.round((serverCpuMs / 1000 / elapsedS) * 100) / 100,
      },
      factIndexReloads,
      scenarios: perScenario,
      overall,
      logins: loginsDone,
      acknowledgedSubmits,
      storedSubmits: submitted.size,
      acknowledgedNotStored: missing.length,
      storedUnanswered: unanswered,
      // Answered as expected ÷ sent (requests without an answer — timeouts, resets — count as failed).
      successPercent: Math.floor((10_000 * (overall.count - overall.failed)) / Math.max(1, overall.count + (closed ? driver.errors : 0))) / 100,
      p95Target: 300,
      p95Met: overall.p95 < 300,
      failureExamples,
    };
    const failed =
      overall.failed > 0 ||
      driver.errors > 0 ||
      driver.timeouts > 0 ||
      driver.non2xx > 0 ||
      loginsDone !== LOGINS ||
      missing.length > 0 ||
      unanswered < 0 ||
      unanswered > operatorCount;
    printReport(summary, failed);
    if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 2) + "\n");
    return failed ? 1 : 0;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    atExit();
  }
}

/** CPU time (ms) of the PostgreSQL postmaster and its children (the backends), from /proc. */
function postgresCpuMs(server: PgServer): number {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(path.join(server.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return 0;
  }
  let ticks = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[1] is the parent (field 4).
      if (Number(pid) !== postmaster && Number(fields[1]) !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return (ticks * 1000) / 100;
}

/** CPU time (user + system, ms) of every live process in the server's process group (/proc; 0 elsewhere). */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] is state (field 3): pgrp is field 5, utime 14, stime 15.
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux.
}

function printReport(s: any, failed: boolean): void {
  const line = (name: string, x: { count: number; p50: number; p95: number; p99: number; max: number; failed: number }) =>
    `| ${name} | ${x.count} | ${x.failed} | ${round(x.p50)} | ${round(x.p95)} | ${round(x.p99)} | ${round(x.max)} |`;
  const out = [
    `Load test ${s.date} — \`${s.command}\``,
    `Machine: ${s.machine.cpu}, ${s.machine.memoryGiB} GiB, Node ${s.machine.node}, ${s.machine.os}; load average after the run ${s.machine.loadavg.join(" / ")}`,
    `${s.connections} users, ${s.durationS} s, ${
      s.mode === "users"
        ? `each waits ${s.think.min}–${s.think.max} s after every answer (one click every ~${(s.think.min + s.think.max) / 2} s)`
        : s.mode === "paced"
          ? `autocannon paced at ${s.rate} requests/s in all over ${s.driver.connectionsUsed} connections`
          : "autocannon, no think time (each connection sends again as soon as it is answered: the saturation point)"
    }; virtual users: ${s.virtualUsers.operators} operators, ${s.virtualUsers.verifiers} verifiers, ${s.virtualUsers.facilitators} facilitators; ${s.logins} logins`,
    "",
    "| scenario | requests | failed | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...SCENARIOS.map((n) => line(n, s.scenarios[n])),
    line("**overall**", s.overall),
    "",
    `${s.driver.tool}: ${s.driver.requests} requests, ${s.driver.requestsPerSecond} req/s${s.driver.latencyMs ? `; latency p50 ${s.driver.latencyMs.p50} ms, p90 ${s.driver.latencyMs.p90}, p97.5 ${s.driver.latencyMs.p97_5}, p99 ${s.driver.latencyMs.p99}, max ${s.driver.latencyMs.max}` : ""}; non-2xx ${s.driver.non2xx}, errors ${s.driver.errors}, timeouts ${s.driver.timeouts}`,
    `Database: ${s.database === "postgres" ? "PostgreSQL (throwaway server on 127.0.0.1)" : "SQLite (one file)"}; ${s.instances} app instance${s.instances > 1 ? "s, requests round-robin" : ""}`,
    `Server${s.instances > 1 ? "s" : ""}: NODE_ENV=${s.server.nodeEnv}; CPU${s.database === "postgres" ? " (app processes + PostgreSQL)" : ""} ${s.server.cpuMs} ms during the run = ${s.server.cpuMsPerRequest} ms per request, ${s.server.cpuCores} cores busy on average (from /proc: independent of other load on the machine)`,
    `Fact index reloads during the run, per instance (districts, of them partial / tree): ${s.factIndexReloads.map((r: { district: number; partial: number; global: number }) => `${r.district}, ${r.partial} partial / ${r.global}`).join("; ")}`,
    `Unloaded (one request at a time, median of 3, ms): ${Object.entries(s.unloadedMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `Submissions: ${s.acknowledgedSubmits} acknowledged, all stored: ${s.acknowledgedNotStored === 0 ? "yes" : `NO (${s.acknowledgedNotStored} missing)`}; ${s.storedUnanswered} more stored whose answer was cut off when the run ended`,
    `Success: ${s.successPercent} % of ${s.overall.count + (s.mode === "users" ? 0 : s.driver.errors)} requests (target 100 %); p50 ${round(s.overall.p50)} ms, p95 ${round(s.overall.p95)} ms, p99 ${round(s.overall.p99)} ms`,
    `p95 < ${s.p95Target} ms: ${s.p95Met ? "met" : "NOT met"} (overall p95 ${round(s.overall.p95)} ms)`,
    failed ? `RESULT: FAILED${s.failureExamples.length ? `\n  ${s.failureExamples.join("\n  ")}` : ""}` : "RESULT: 100 % success",
  ];
  console.log(out.join("\n"));
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 1;
});
