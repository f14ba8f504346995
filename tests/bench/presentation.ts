/**
 * `npx tsx tests/bench/presentation.ts [--runs N]` (after `npx remix build`)
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

async function main() {
  const runs = parseRuns(process.argv.slice(2));
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
    const med = median(sorted);
    const p95 = percentile(sorted, 95);
    const verdict = (x: number) => (x <= BUDGET_MS ? "within" : "OVER");
    process.stdout.write(
      [
        `presentation slide change (keypress → next slide painted), ${samples.length} changes over ${total} slides, Chromium 1920×1080:`,
        `  median ${med.toFixed(1)} ms (${verdict(med)} the ${BUDGET_MS} ms budget)`,
        `  p95    ${p95.toFixed(1)} ms (${verdict(p95)} the ${BUDGET_MS} ms budget)`,
        `  min ${sorted[0].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
        "",
      ].join("\n"),
    );
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
