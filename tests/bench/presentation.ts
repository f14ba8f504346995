/**
 * Part of `npm run bench`; alone: `npx tsx tests/bench/presentation.ts [--runs N]` (after `npx remix build`)
 *
 * How fast presentation mode changes slides in Chromium: starts the app on the demo data (clock
 * at a fixed instant), signs in as a district admin, opens the district's presentation and
 * presses ArrowRight (ArrowLeft on the way back) N times. Each change is timed in the page from
 * the key event's timestamp to the first frame painted after the slide counter changed (a
 * requestAnimationFrame, then a message posted from it, which runs after that frame's paint).
 * Prints the median and p95 against the 100 ms budget of decision 029. A measure, not a test:
 * it asserts nothing.
 */
import { median } from "./timing";
import { launchBrowser, loginAndWaitHome, openSession, startApp, waitForHydration } from "../e2e/harness";

const BUDGET_MS = 100;
const NOW = "2026-12-03T12:00:00Z";
const PATH = "/scorecards/present?period=2026-10&parent=13.73";

function parseRuns(argv: string[]): number {
  const i = argv.findIndex((a) => a === "--runs" || a.startsWith("--runs="));
  if (i < 0) return 60;
  const raw = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  const n = Number.parseInt(raw ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : 60;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface PresentationBench {
  changes: number;
  slides: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  budgetMs: number;
}

/** Starts the app, presses through the slides `runs` times and returns the timings. */
export async function benchPresentation(runs = 60): Promise<PresentationBench> {
  const app = await startApp({ name: "bench-presentation", env: { PANTAU_NOW: NOW, PANTAU_ENV: "development" } });
  const browser = await launchBrowser();
  try {
    const session = await openSession(browser, app.baseUrl);
    const page = session.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await loginAndWaitHome(page, "admin.sawahlunto");
    await page.goto(PATH);
    await page.getByTestId("slide-counter").waitFor();
    await waitForHydration(page);
    await page.evaluate(() => {
      const w = window as unknown as { __samples: number[]; __start: number | null };
      w.__samples = [];
      w.__start = null;
      window.addEventListener("keydown", (e) => (w.__start = e.timeStamp), true);
      const counter = document.querySelector("[data-testid=slide-counter]")!;
      new MutationObserver(() => {
        const start = w.__start;
        if (start === null) return;
        w.__start = null;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => w.__samples.push(performance.now() - start);
          channel.port2.postMessage(null);
        });
      }).observe(counter, { childList: true, subtree: true, characterData: true });
    });
    const total = Number(/\/ (\d+)/.exec(await page.getByTestId("slide-counter").innerText())![1]);
    let at = 1;
    let forward = true;
    for (let i = 0; i < runs; i++) {
      if (at === total) forward = false;
      if (at === 1) forward = true;
      await page.keyboard.press(forward ? "ArrowRight" : "ArrowLeft");
      at += forward ? 1 : -1;
      await page.waitForFunction((n) => (window as unknown as { __samples: number[] }).__samples.length >= n, i + 1);
    }
    const samples = await page.evaluate(() => (window as unknown as { __samples: number[] }).__samples);
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      changes: samples.length,
      slides: total,
      medianMs: median(sorted),
      p95Ms: percentile(sorted, 95),
      minMs: sorted[0],
      maxMs: sorted[sorted.length - 1],
      budgetMs: BUDGET_MS,
    };
  } finally {
    await browser.close();
    await app.stop();
  }
}

/** The bench's lines for the slide changes. */
export function presentationLines(b: PresentationBench): string {
  const verdict = (x: number) => (x <= b.budgetMs ? "within" : "OVER");
  return [
    `presentation slide change (keypress → next slide painted), ${b.changes} changes over ${b.slides} slides, Chromium 1920×1080:`,
    `  median ${b.medianMs.toFixed(1)} ms (${verdict(b.medianMs)} the ${b.budgetMs} ms budget)`,
    `  p95    ${b.p95Ms.toFixed(1)} ms (${verdict(b.p95Ms)} the ${b.budgetMs} ms budget)`,
    `  min ${b.minMs.toFixed(1)} ms, max ${b.maxMs.toFixed(1)} ms`,
  ].join("\n");
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  benchPresentation(parseRuns(process.argv.slice(2)))
    .then((b) => process.stdout.write(`${presentationLines(b)}\n`))
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
