/**
 * Compare side by side in Chromium: a facilitator ticks two districts on the
 * scorecard, presses "Bandingkan" and sees the units as columns and, per indicator, an SVG
 * trend chart with one series per unit. One sign-in for the whole file.
 */
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

const T = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);

// Console errors other than the browser's own report of a 4xx answer (hydration and the like).
const e2e = useE2E({ name: "scorecard-compare", login: "fasilitator.nasional", clean: { consoleErrors: /status of (400|403|404)/ } });

describe("compare side by side", () => {
  it("selects two districts on the scorecard and compares them with trend charts", async () => {
    const { page } = e2e;
    // A month whose reports are all in (the last month's may still be arriving on the day the demo was seeded).
    const now = new Date();
    const complete = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 4, 1)).toISOString().slice(0, 7);
    await page.goto(`/scorecards?parent=33&period=${complete}`);
    await page.getByRole("table", { name: /^Scorecard Jawa Tengah/ }).waitFor();
    await waitForHydration(page);
    await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Tegal" }) }).check();
    await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Kendal" }) }).check();
    await page.getByRole("button", { name: T("scorecards.compare.submit") }).click();
    await page.waitForURL((u) => u.pathname === "/scorecards/compare");
    expect(new URL(page.url()).searchParams.getAll("units").sort()).toEqual(["33.24", "33.28"]);

    const table = page.getByRole("table", { name: /^Perbandingan / });
    await table.waitFor();
    const heads = (await table.locator("thead th.cmp-unit").allInnerTexts()).map((x) => x.split("\n")[0].trim());
    expect(heads).toHaveLength(2);
    expect([...heads].sort()).toEqual(["Kabupaten Kendal", "Kabupaten Tegal"]);
    expect(await table.locator("tbody tr").count()).toBeGreaterThan(5);
    expect(await table.locator("td.sc-green, td.sc-yellow, td.sc-red").count()).toBeGreaterThan(0);
    // The band is text too, the best value is marked in words, differences are shown.
    const bandTexts = await table.locator("td.cmp-cell .cmp-band").allInnerTexts();
    expect(bandTexts.every((x) => /^(Hijau|Kuning|Merah|Abu-abu|Arsir|Putih):/.test(x.trim()))).toBe(true);
    expect(await table.locator("td.cmp-best .cmp-best-mark").count()).toBeGreaterThan(0);
    expect(await table.locator(".cmp-diff").count()).toBeGreaterThan(0);
    expect((await table.locator(".cmp-diff").first().innerText()).trim()).toMatch(/^(±0|[+−][\d.,]+)/);

    // One SVG chart per indicator, each with two series, a title, a text summary and a legend.
    const charts = page.locator("svg.tc-chart");
    expect(await charts.count()).toBe(await table.locator("tbody tr").count());
    const chart = charts.first();
    expect(await chart.getAttribute("role")).toBe("img");
    expect(await chart.locator("g.tc-series").count()).toBe(2);
    expect(await chart.locator("title").first().textContent()).toMatch(/^Tren /);
    expect((await chart.locator("desc").textContent()) ?? "").toMatch(/Kabupaten (Tegal|Kendal)/);
    // One legend for all charts (the same units, lines and markers in each).
    expect(await page.locator(".tc-shared-legend .tc-legend-text").allTextContents()).toEqual(expect.arrayContaining(["Kabupaten Tegal", "Kabupaten Kendal"]));
    const dashes = await chart.locator("g.tc-series polyline").evaluateAll((ps) => [...new Set(ps.map((p) => p.getAttribute("stroke-dasharray") ?? "solid"))]);
    expect(dashes.length).toBeGreaterThanOrEqual(2);
    // No on* attributes or inline styles reached the DOM.
    const inline = await page.locator("main [style], main svg [onload]").count();
    expect(inline).toBe(0);
    expect(await page.locator("main").innerText()).not.toMatch(STACK_TRACE_PATTERN);
    await screenshot(page, "scorecards-compare");
    e2e.expectClean();
  });

  it("answers too few units and units outside the scope of the level with messages", async () => {
    const { page } = e2e;
    const few = await page.goto("/scorecards/compare?units=33.28");
    expect(few?.status()).toBe(400);
    expect(await page.getByRole("alert").innerText()).toContain(T("scorecards.compare.error.tooFew", { min: 2 }));
    const mixed = await page.goto("/scorecards/compare?units=33.28,33");
    expect(mixed?.status()).toBe(400);
    expect(await page.getByRole("alert").innerText()).toContain(T("scorecards.compare.error.mixed"));
    e2e.expectClean();
  });
});
