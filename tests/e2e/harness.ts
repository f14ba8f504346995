/**
 * End-to-end harness: the real built app (`serve --seed-if-empty` on a temp SQLite file),
 * a real Chromium driven by playwright-core, and a few helpers the journeys share.
 * Server logs and screenshots go to tests/artifacts/ (git-ignored).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { readFakeNow } from "~/env.server";
import { clock } from "~/utils/clock.server";
import { demoSeedHash, runTemplate } from "../helpers/run-templates";
import { freePort } from "../setup/postgres";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ARTIFACTS_DIR = path.join(REPO_ROOT, "tests", "artifacts");
export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, "screenshots");
export const DEMO_PASSWORD = "pantau-demo";
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface RunningApp {
  baseUrl: string;
  port: number;
  /** The server's database (a temp SQLite file), for tests that set data up directly. */
  databaseUrl: string;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  /** The spawned tsx process, leader of the server's process group. */
  pid: number;
  stop(): Promise<void>;
}

/** Builds the app once when build/index.js is missing (npm test builds before vitest). */
function ensureBuilt(): void {
  if (fs.existsSync(path.join(REPO_ROOT, "build", "index.js"))) return;
  execFileSync("npx", ["remix", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
}

async function waitForHealthy(baseUrl: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = "no answer yet";
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Server exited (${child.exitCode ?? child.signalCode}) before /healthz answered; see ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === 200) {
        const json = JSON.parse(body) as { ok?: boolean; db?: string };
        if (json.ok === true && json.db === "sqlite") return;
      }
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`/healthz not ready after ${timeoutMs} ms (last: ${last}); see ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * A demo database seeded once per test run and clock (PANTAU_NOW, or today's date) and seed code
 * (`runTemplate` in tests/helpers/run-templates.ts), copied for each file that needs that clock:
 * seeding the demo takes about half a minute, copying it a few milliseconds.
 */
async function demoTemplate(env: NodeJS.ProcessEnv, logFile: string): Promise<string> {
  // Today's date only for a server on the wall clock, which startApp notes for the clock audit.
  const today = () => new Date().toISOString().slice(0, 10); // clock-audit: noted by startApp
  const clockKey = (env.PANTAU_NOW ?? today()).replace(/[^0-9A-Za-z]/g, "");
  const made = await runTemplate(`e2e-${clockKey}-${demoSeedHash()}`, async (base) => {
    const file = `${base}.sqlite`;
    const out = fs.openSync(logFile, "a");
    try {
      execFileSync(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["app/cli/main.ts", "db", "seed"], {
        cwd: REPO_ROOT,
        env: { ...env, DATABASE_URL: `sqlite:${file}` },
        stdio: ["ignore", out, out],
        timeout: 230_000,
      });
    } finally {
      fs.closeSync(out);
    }
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
    return { file };
  });
  return made.file;
}

/**
 * Starts the app on a free port with a fresh SQLite database holding the demo org tree, accounts
 * (password pantau-demo) and reports (a copy of the run's template for that clock), migrates it
 * and serves build/index.js.
 */
export async function startApp(options: { name?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningApp> {
  ensureBuilt();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-e2e-"));
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, `server-${options.name ?? "e2e"}.log`);
  const databaseFile = path.join(dir, "e2e.sqlite");
  const databaseUrl = `sqlite:${databaseFile}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PORT: String(port), DATABASE_URL: databaseUrl };
  delete env.PANTAU_SEEDS_DIR;
  delete env.TRUST_PROXY;
  // tests/setup/clock-audit.ts: a server on the wall clock makes this file date-dependent.
  if (!env.PANTAU_NOW)
    (globalThis as { [k: symbol]: ((what: string) => void) | undefined })[Symbol.for("pantau.clock-audit.note")]?.(
      "an app server on the wall clock (no PANTAU_NOW)",
    );
  fs.writeFileSync(logFile, "");
  fs.copyFileSync(await demoTemplate(env, logFile), databaseFile);
  const log = fs.openSync(logFile, "a");
  const child = spawn(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["app/cli/main.ts", "serve", "--seed-if-empty"], {
    cwd: REPO_ROOT,
    env,
    // Own process group, so stop() ends tsx and the node process it starts together.
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealthy(baseUrl, child, logFile, options.timeoutMs ?? 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, port, databaseUrl, logFile, pid: child.pid!, stop };
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment; make sure nothing keeps the port.
  signal("SIGKILL");
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** What a page said on the side: console errors, uncaught page errors, dialogs, CSP reports. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  /** `securitypolicyviolation` events seen in the page. */
  cspEvents: string[];
  /** CSP events plus console errors that mention the Content Security Policy. */
  readonly cspViolations: string[];
}

export interface Session {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  close(): Promise<void>;
}

/** A fresh browser context (no cookies) with one page whose errors and dialogs are collected. */
export async function openSession(browser: Browser, baseUrl: string, storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>): Promise<Session> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: "id-ID", storageState });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    cspEvents: [],
    get cspViolations() {
      return [...this.cspEvents, ...this.consoleErrors.filter((m) => /Content[ -]Security[ -]Policy/i.test(m))];
    },
  };
  // Init scripts and bindings come from the browser itself, so the page's CSP does not block them.
  await context.exposeBinding("__pantauCspViolation", ({ page: source }, text: string) => {
    problems.cspEvents.push(`${source.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __pantauCspViolation(text: string): void }).__pantauCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const source = msg.location().url;
    problems.consoleErrors.push(`${page.url()}: ${msg.text()}${source ? ` (${source})` : ""}`);
  });
  page.on("pageerror", (err) => problems.pageErrors.push(`${page.url()}: ${err.message}`));
  page.on("dialog", (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  return { context, page, problems, close: () => context.close() };
}

/** Saves a full-page PNG to tests/artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^a-zA-Z0-9._-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What axe-core found on a page at the impacts that block someone: serious and critical. */
export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now and returns the serious and
 * critical violations, each with the elements concerned. Use `expect(await accessibilityProblems(page)).toEqual([])`.
 */
export async function accessibilityProblems(page: Page, options: { exclude?: string[] } = {}): Promise<AxeProblem[]> {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

/** On a phone the header folds the main menu and the user box behind "Menu": opens it when it is folded. */
export async function unfoldMenu(page: Page): Promise<void> {
  const toggle = page.getByRole("button", { name: "Menu", exact: true });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

/**
 * The button of a scorecard cell: in `row` (a row of `table`), the cell of `indicator`. A cell's
 * button names its column by index (docs/decisions/041-lighter-scorecard-page.md); the column
 * headers' sort links name the indicators.
 */
export async function scorecardCell(table: Locator, row: Locator, indicator: string): Promise<Locator> {
  const keys = await table
    .locator("thead th.sc-ind a.sc-sort")
    .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get("sort")));
  const i = keys.indexOf(indicator);
  if (i < 0) throw new Error(`no column ${indicator} in the scorecard (${keys.join(", ")})`);
  return row.locator(`td > button[name=c][value$=".${i}"]`);
}

/** Waits until React has hydrated the document, so forms submit through Remix. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixContext?: unknown; __remixRouter?: { state?: { initialized?: boolean } } };
    return Boolean(w.__remixRouter?.state?.initialized);
  });
}

/**
 * Signs in through the login form (labels "Nama pengguna", "Kata sandi", button "Masuk").
 * The app allows 10 sign-in attempts per client per minute: journeys that do not test
 * signing in should reuse a signed-in context (`useE2E`'s `signedIn`) instead of calling this.
 */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Nama pengguna", { exact: true }).fill(username);
  await page.getByLabel("Kata sandi", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
}

/** Signs in and waits for the home page; fails with the page's alert text if sign-in is refused. */
export async function loginAndWaitHome(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await login(page, username, password);
  const heading = page.getByRole("heading", { level: 1, name: /^(Selamat datang|Welcome), / });
  const alert = page.getByRole("alert");
  // scrypt makes sign-in slow-ish on purpose, more so when the rest of the suite loads the CPU.
  await heading.or(alert).first().waitFor({ timeout: 30_000 });
  if (!(await heading.isVisible())) throw new Error(`Login as ${username} refused: ${await alert.first().innerText()}`);
}

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** What `expectClean()` checks besides uncaught page errors and CSP violations. */
export interface CleanChecks {
  /** Dialogs the page opened (default: checked). */
  dialogs?: boolean;
  /** Console errors: not checked (default), all of them, or all but those matching the pattern. */
  consoleErrors?: boolean | RegExp;
}

export interface E2EOptions {
  /** Names the server log, tests/artifacts/server-<name>.log. */
  name: string;
  /** Signs the first session in as this user before the first test. */
  login?: string;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** False for files that only speak HTTP: no Chromium, no session. */
  browser?: boolean;
  clean?: CleanChecks;
}

/** One file's app, browser and sessions; read its getters inside tests and hooks, not at import time. */
export interface E2E {
  readonly app: RunningApp;
  readonly browser: Browser;
  /** The session opened before the first test (signed in when `login` was given). */
  readonly session: Session;
  readonly page: Page;
  /** Every session opened so far, the first one included. */
  readonly sessions: readonly Session[];
  /** Another fresh browser context, closed with the rest after the file. */
  newSession(storageState?: StorageState): Promise<Session>;
  /**
   * A session signed in as `username`: through the login form the first time, then from that
   * sign-in's saved cookies, so a file needing a role several times spends one sign-in on it.
   */
  signedIn(username: string): Promise<Session>;
  /** No uncaught page error or CSP violation so far (and what `clean` adds), in `s` or the first session. */
  expectClean(s?: Session): void;
}

/**
 * Starts the app (and Chromium, and a first session) before the file's tests and tears all down
 * after them. Call once per file, at the top level, before the file's own hooks: those then run
 * with the app up and the browser open.
 */
export function useE2E(options: E2EOptions): E2E {
  const withBrowser = options.browser !== false;
  const clean = { dialogs: true, consoleErrors: false, ...options.clean };
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  const sessions: Session[] = [];
  const signedInStates = new Map<string, StorageState>();

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`useE2E("${options.name}"): no ${what} ${withBrowser || what === "app" ? "before its beforeAll has run" : "with browser: false"}`);
    return value;
  };
  const newSession = async (storageState?: StorageState): Promise<Session> => {
    const s = await openSession(need(browser, "browser"), need(app, "app").baseUrl, storageState);
    sessions.push(s);
    return s;
  };

  beforeAll(
    async () => {
      // What the file writes to the server's database from its own process (users, packages) is
      // stamped on the server's clock: a file whose server is pinned runs the same on any day.
      const pinned = readFakeNow({ NODE_ENV: "test", PANTAU_NOW: options.env?.PANTAU_NOW });
      if (pinned !== null) clock.set(new Date(pinned));
      // Assigned as each settles, so afterAll ends whichever started when the other failed.
      await Promise.all([
        startApp({ name: options.name, env: options.env }).then((a) => (app = a)),
        withBrowser ? launchBrowser().then((b) => (browser = b)) : null,
      ]);
      if (!withBrowser) return;
      const first = await newSession();
      if (options.login) await loginAndWaitHome(first.page, options.login);
    },
    // scrypt makes the seeding and a sign-in slow; both take longer while other files load the CPU.
    options.login ? 240_000 : 180_000,
  );

  afterAll(async () => {
    clock.set(null);
    await Promise.allSettled(sessions.map((s) => s.close()));
    await browser?.close();
    await app?.stop();
  });

  return {
    get app() {
      return need(app, "app");
    },
    get browser() {
      return need(browser, "browser");
    },
    get session() {
      return need(sessions[0], "session");
    },
    get page() {
      return need(sessions[0], "session").page;
    },
    get sessions() {
      return sessions;
    },
    newSession,
    async signedIn(username) {
      const state = signedInStates.get(username);
      if (state) return newSession(state);
      const s = await newSession();
      await loginAndWaitHome(s.page, username);
      signedInStates.set(username, await s.context.storageState());
      return s;
    },
    expectClean(s = need(sessions[0], "session")) {
      expect(s.problems.pageErrors, "uncaught errors in the page").toEqual([]);
      expect(s.problems.cspViolations, "Content Security Policy violations").toEqual([]);
      if (clean.dialogs) expect(s.problems.dialogs, "dialogs opened by the page").toEqual([]);
      if (clean.consoleErrors !== false) {
        const ignored = clean.consoleErrors === true ? null : clean.consoleErrors;
        expect(
          s.problems.consoleErrors.filter((m) => !ignored?.test(m)),
          "console errors",
        ).toEqual([]);
      }
    },
  };
}

/** JavaScript stack frames or error class prefixes that must never reach a user. */
export const STACK_TRACE_PATTERN = /(^|\n)\s*at [^\n]*(\(|:\d+:\d+)|\b[A-Z][A-Za-z]*Error:/;
