/**
 * Part of `npm run bench`; alone (after `npx remix build`):
 *   npx tsx tests/bench/page.ts [--quick] [--runs N] [--db sqlite:/path/kept.sqlite] [--keep]
 * (without `--db` it loads the benchmark dataset into a fresh SQLite file first; `--keep` keeps it
 * for the next run's `--db`; `--save-html file` writes the page it measured).
 *
 * The national admin's scorecard by district over HTTP, as a projector laptop meets it: the built
 * server (`serve`, NODE_ENV=production) on the benchmark's database, `GET /scorecards?…&level=district`
 * with every indicator (514 rows on the full dataset). It reports the time of the first (cold) and
 * the warm requests, the HTML's size uncompressed and as gzip on the wire, where the bytes go
 * (table markup, the streamed loader data, other scripts), and in Chromium (playwright-core) the
 * first contentful paint and DOMContentLoaded, each in a fresh browser context (no cached assets).
 * Budget (decision 041): at most 1.5 MB of HTML, 150 KB gzip, first paint under 1 s. A measure,
 * not a test: it asserts nothing.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { migrateToLatest, openDb, setDbHandle, type DbHandle } from "~/db/db.server";
import { spawnServer, TEST_SESSION_SECRET } from "../crash/server";
import { buildTree, YEAR } from "./dataset";
import { loadDataset, PACKAGE_KEY, readPackage } from "./load";
import { median, round } from "./timing";

export const PAGE_BUDGET = { htmlBytes: 1_500_000, gzipBytes: 150_000, firstPaintMs: 1_000 };

export interface PageBench {
  path: string;
  rows: number;
  firstMs: number;
  warmMs: number;
  warmRunsMs: number[];
  gzipMs: number;
  htmlBytes: number;
  gzipBytes: number;
  /** Bytes of the HTML by part: the scorecard table, the loader data streamed into scripts, other scripts, the rest. */
  parts: { table: number; loaderData: number; otherScripts: number; rest: number };
  browser: {
    firstContentfulPaintMs: number;
    domContentLoadedMs: number;
    loadMs: number;
    /** First byte of the HTML (server time included in the paint). */
    responseStartMs: number;
    runs: Array<{ fcp: number; dcl: number; load: number; ttfb: number }>;
  };
  budget: typeof PAGE_BUDGET;
}

type Log = (msg: string) => void;

/** GET with node:http, so the body's bytes are the bytes on the wire (fetch would decompress gzip). */
function getRaw(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** Where the bytes of the page go: the table element, scripts that stream loader data (single fetch), other scripts, the rest. */
export function htmlParts(html: string): PageBench["parts"] {
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  const start = html.search(/<table[^>]*\bscorecard\b/);
  const end = start < 0 ? -1 : html.indexOf("</table>", start);
  const table = start < 0 || end < 0 ? 0 : bytes(html.slice(start, end + "</table>".length));
  let loaderData = 0;
  let otherScripts = 0;
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    if (/streamController|__remixContext\.[a-z]*enqueue|turbo/i.test(m[1]) && m[1].length > 200) loaderData += bytes(m[0]);
    else otherScripts += bytes(m[0]);
  }
  return { table, loaderData, otherScripts, rest: bytes(html) - table - loaderData - otherScripts };
}

/** Runs the page measurements against the SQLite file at `url` (loaded with the benchmark dataset). */
export async function benchPage(
  handle: DbHandle,
  url: string,
  period: string,
  runs: number,
  log: Log = () => {},
  saveHtml: string | null = null,
): Promise<PageBench> {
  // The server signs cookies with this secret; sessions are made here with the app's own code.
  process.env.SESSION_SECRET = TEST_SESSION_SECRET;
  const { createSession } = await import("~/auth/session.server");
  const now = new Date().toISOString();
  const nation = await handle.db.selectFrom("org_unit").select(["id"]).where("level", "=", "national").executeTakeFirstOrThrow();
  const rows = Number(
    (
      await handle.db
        .selectFrom("org_unit")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("level", "=", "district")
        .executeTakeFirstOrThrow()
    ).n,
  );
  const { id } = await handle.db
    .insertInto("app_user")
    .values({ username: `bench.admin.${Date.now()}`, display_name: "Bench", password_hash: "x", active: 1, locale: "id", created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await handle.db.insertInto("role_grant").values({ user_id: id, role: "national_admin", org_unit_id: nation.id, created_at: now }).execute();
  const cookie = (await createSession(handle.db, id)).setCookie.split(";")[0];
  const server = await spawnServer({ databaseUrl: url, seed: false, name: "bench-page", env: { NODE_ENV: "production" }, timeoutMs: 300_000 });
  try {
    const pagePath = `/scorecards?template=${PACKAGE_KEY}&period=${period}&level=district`;
    const get = async (encoding: "identity" | "gzip") => {
      const res = await getRaw(server.baseUrl + pagePath, { Cookie: cookie, "Accept-Encoding": encoding });
      if (res.status !== 200) throw new Error(`page ${pagePath}: HTTP ${res.status} ${res.body.toString("utf8", 0, 200)}`);
      return res.body;
    };
    let t = performance.now();
    const html = (await get("identity")).toString("utf8");
    const firstMs = performance.now() - t;
    const htmlBytes = Buffer.byteLength(html, "utf8");
    if (saveHtml) fs.writeFileSync(saveHtml, html);
    let gzipBytes = 0;
    const times: number[] = [];
    const gzipTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await get("identity");
      times.push(performance.now() - t);
      t = performance.now();
      gzipBytes = (await get("gzip")).length;
      gzipTimes.push(performance.now() - t);
    }
    log(`page: ${Math.round(htmlBytes / 1024)} KiB HTML, ${Math.round(gzipBytes / 1024)} KiB gzip; Chromium first paint…`);
    const browser = await paintRuns(server.baseUrl, pagePath, cookie, Math.max(3, runs));
    return {
      path: pagePath,
      rows,
      firstMs: round(firstMs),
      warmMs: round(median(times)),
      warmRunsMs: times.map((x) => round(x)),
      gzipMs: round(median(gzipTimes)),
      htmlBytes,
      gzipBytes,
      parts: htmlParts(html),
      browser,
      budget: PAGE_BUDGET,
    };
  } finally {
    await server.stop();
  }
}

/** First contentful paint and DOMContentLoaded in Chromium, each run in a fresh context (no cache), after one warm-up. */
async function paintRuns(baseUrl: string, pagePath: string, cookie: string, runs: number): Promise<PageBench["browser"]> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const [name, ...value] = cookie.split("=");
  const samples: Array<{ fcp: number; dcl: number; load: number; ttfb: number }> = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await context.addCookies([{ name, value: value.join("="), url: baseUrl }]);
      const page = await context.newPage();
      await page.goto(baseUrl + pagePath, { waitUntil: "load", timeout: 120_000 });
      // FCP is recorded with the paint; wait for the entry if it came after the load event.
      await page.waitForFunction(() => performance.getEntriesByType("paint").some((e) => e.name === "first-contentful-paint"), null, { timeout: 60_000 });
      const s = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const fcp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint")!;
        return { fcp: fcp.startTime, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ttfb: nav.responseStart };
      });
      if (i > 0) samples.push({ fcp: round(s.fcp), dcl: round(s.dcl), load: round(s.load), ttfb: round(s.ttfb) });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return {
    firstContentfulPaintMs: round(median(samples.map((s) => s.fcp))),
    domContentLoadedMs: round(median(samples.map((s) => s.dcl))),
    loadMs: round(median(samples.map((s) => s.load))),
    responseStartMs: round(median(samples.map((s) => s.ttfb))),
    runs: samples,
  };
}

/** The bench's lines for the page. */
export function pageLines(p: PageBench): string[] {
  const kib = (n: number) => `${Math.round(n / 1024).toLocaleString("en")} KiB`;
  const within = (x: number, budget: number) => (x <= budget ? "within" : "OVER");
  return [
    `the page over HTTP (built server, ${p.rows} rows): first / warm ${p.firstMs} / ${p.warmMs} ms (runs ${p.warmRunsMs.join(", ")}), gzip ${p.gzipMs} ms`,
    `  HTML ${kib(p.htmlBytes)} (${within(p.htmlBytes, p.budget.htmlBytes)} ${p.budget.htmlBytes / 1e6} MB), gzip ${kib(p.gzipBytes)} (${within(p.gzipBytes, p.budget.gzipBytes)} ${p.budget.gzipBytes / 1000} KB)`,
    `  parts: table ${kib(p.parts.table)}, loader data ${kib(p.parts.loaderData)}, other scripts ${kib(p.parts.otherScripts)}, rest ${kib(p.parts.rest)}`,
    `  Chromium: first contentful paint ${p.browser.firstContentfulPaintMs} ms (${within(p.browser.firstContentfulPaintMs, p.budget.firstPaintMs)} ${p.budget.firstPaintMs} ms), DOMContentLoaded ${p.browser.domContentLoadedMs} ms, load ${p.browser.loadMs} ms (first byte ${p.browser.responseStartMs} ms)`,
  ];
}

async function standalone(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const keep = argv.includes("--keep");
  const runsAt = argv.indexOf("--runs");
  const runs = runsAt >= 0 ? Math.max(1, Number.parseInt(argv[runsAt + 1] ?? "", 10) || 3) : 3;
  const dbAt = argv.indexOf("--db");
  const months = quick ? 3 : 12;
  const period = `${YEAR}-${String(months).padStart(2, "0")}`;
  const log: Log = (m) => process.stderr.write(`[bench] ${m}\n`);
  let url = dbAt >= 0 ? argv[dbAt + 1] : "";
  let dir: string | null = null;
  if (!url) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-bench-page-"));
    url = `sqlite:${path.join(dir, "bench.sqlite")}`;
  }
  const handle = openDb(url);
  setDbHandle(handle);
  try {
    await migrateToLatest(handle);
    const loaded = await handle.db.selectFrom("org_unit").select("id").limit(1).executeTakeFirst();
    if (!loaded) {
      const tree = buildTree(quick ? 0.1 : 1);
      log(`loading ${tree.puskesmas.length} Puskesmas × ${months} months into ${url}…`);
      await loadDataset(handle, tree, readPackage(), { months, holdOut: tree.puskesmas[Math.floor(tree.puskesmas.length / 2)] });
    }
    const saveAt = argv.indexOf("--save-html");
    const p = await benchPage(handle, url, period, runs, log, saveAt >= 0 ? argv[saveAt + 1] : null);
    process.stdout.write(argv.includes("--json") ? `${JSON.stringify(p)}\n` : `${pageLines(p).join("\n")}\n`);
  } finally {
    await handle.destroy();
    if (dir && !keep) fs.rmSync(dir, { recursive: true, force: true });
    else if (dir) log(`kept ${url}`);
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  standalone(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
