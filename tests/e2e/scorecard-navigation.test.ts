/**
 * Finding and reading the scorecard in Chromium, as a national facilitator who never edits the
 * URL: the menu opens a scorecard on the latest period with enough reports (mostly coloured),
 * the rows level, an area and a period are chosen on the page, a cell is explained in words,
 * and a comparison gets a chosen reference unit, a unit added and one removed, with target
 * lines on its charts. In Bahasa Indonesia and in English, at 1366×768 and 390×844, axe-clean
 * on every page. The app's clock stands at a fixed instant (PANTAU_NOW): early December, when
 * November's reports are still coming in.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { periodName } from "~/contracts/scorecard";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { accessibilityProblems, screenshot, STACK_TRACE_PATTERN, unfoldMenu, useE2E, waitForHydration } from "./harness";

const NOW = "2026-12-03T12:00:00Z";
const e2e = useE2E({
  name: "scorecard-navigation",
  env: { PANTAU_NOW: NOW, PANTAU_ENV: "development" },
  clean: { consoleErrors: /status of (400|403|404)/ },
});

const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;

/** What the page should not do at any size: scroll sideways, show a stack trace, fail axe. */
async function checkPage(page: Page, name: string) {
  expect(await page.locator("main").innerText()).not.toMatch(STACK_TRACE_PATTERN);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${name}: no sideways page scroll`).toBeLessThanOrEqual(innerWidth);
  expect(await accessibilityProblems(page), name).toEqual([]);
  await screenshot(page, name);
}

async function journey(lang: Locale, size: keyof typeof VIEWPORTS) {
  const T = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const session = await e2e.signedIn("fasilitator.nasional");
  const page = session.page;
  await page.setViewportSize(VIEWPORTS[size]);
  await page.goto("/");
  await waitForHydration(page);
  if ((await page.locator("html").getAttribute("lang")) !== lang) {
    await unfoldMenu(page);
    await page.getByRole("button", { name: lang === "en" ? "English" : "Bahasa Indonesia" }).click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
  const shot = (what: string) => `scorecard-navigation-${what}-${lang}-${size}`;

  // 1. The menu opens the scorecard on the latest period with enough reports, and says so.
  await unfoldMenu(page);
  await page
    .getByRole("navigation", { name: T("nav.main") })
    .getByRole("link", { name: T("nav.scorecards") })
    .click();
  await page.waitForURL((u) => u.pathname === "/scorecards");
  await page.getByRole("table", { name: /^Scorecard Indonesia/ }).waitFor();
  await waitForHydration(page);
  const note = page.locator(".sc-period-default").first();
  expect(await note.innerText()).toMatch(
    lang === "en" ? /^The latest period with ≥80% of reports in your area/ : /^Periode terakhir dengan ≥80% laporan di wilayah Anda/,
  );
  const period = page.getByLabel(T("scorecards.period"), { exact: true });
  expect(await period.evaluate((el) => el.tagName)).toBe("SELECT");
  const opened = await period.inputValue();
  // Not the last complete month (November, still coming in) but October, reported at ≥ 80 %.
  expect(opened).toBe("2026-10");

  // 2. By district, without touching the URL: mostly coloured cells.
  await page.getByLabel(T("scorecards.rows"), { exact: true }).selectOption("district");
  await page.getByRole("button", { name: T("scorecards.show") }).click();
  await page.waitForURL((u) => u.searchParams.get("level") === "district");
  const table = page.getByRole("table", { name: /^Scorecard / });
  await table.waitFor();
  // The URL changes before the new rows render: until then the table still has the 4 provinces.
  await expect.poll(() => table.locator("tbody tr").count()).toBe(5);
  const states = await table.locator("tbody td:has(> button[name=c])").evaluateAll((tds) => tds.map((td) => td.className.split(" ")[0]));
  const coloured = states.filter((s) => s === "g" || s === "y" || s === "r").length;
  expect(coloured / states.length).toBeGreaterThan(0.5);
  await checkPage(page, shot("by-district"));

  // 3. Another period from the picker, then the Puskesmas of one province.
  await waitForHydration(page);
  await page.getByLabel(T("scorecards.period"), { exact: true }).selectOption("2026-09");
  await page.getByRole("button", { name: T("scorecards.show") }).click();
  await page.waitForURL((u) => u.searchParams.get("period") === "2026-09");
  await page.getByText(periodName("2026-09", T), { exact: true }).first().waitFor();
  await waitForHydration(page);
  await page.getByLabel(T("scorecards.rows"), { exact: true }).selectOption("puskesmas");
  await page.getByLabel(T("scorecards.area"), { exact: true }).selectOption({ label: "Jawa Tengah" });
  await page.getByRole("button", { name: T("scorecards.show") }).click();
  await page.waitForURL((u) => u.searchParams.get("level") === "puskesmas" && u.searchParams.get("parent") === "33");
  await page.getByRole("table", { name: /^Scorecard Jawa Tengah/ }).waitFor();
  const puskesmas = await page.locator("table.scorecard tbody tr th[scope=row]").allInnerTexts();
  expect(puskesmas.length).toBeGreaterThan(5);
  expect(puskesmas.every((n) => /Puskesmas/i.test(n))).toBe(true);
  await checkPage(page, shot("puskesmas-of-province"));

  // Back to the districts of October for the rest.
  await waitForHydration(page);
  await page.getByLabel(T("scorecards.rows"), { exact: true }).selectOption("district");
  await page.getByLabel(T("scorecards.area"), { exact: true }).selectOption("");
  await page.getByLabel(T("scorecards.period"), { exact: true }).selectOption("2026-10");
  await page.getByRole("button", { name: T("scorecards.show") }).click();
  await page.waitForURL((u) => u.searchParams.get("level") === "district" && u.searchParams.get("period") === "2026-10" && !u.searchParams.get("parent"));
  await table.waitFor();

  // 4. Explain a cell of Kota Sawahlunto: words, names, the reader's number format, one list per unit.
  const row = table.locator("tbody tr", { has: page.getByRole("rowheader", { name: /Kota Sawahlunto/ }) });
  await row.locator("td > button[name=c]").first().click();
  await page.waitForURL((u) => u.pathname === "/scorecards/explain");
  await page.getByRole("heading", { level: 1 }).waitFor();
  const main = await page.locator("main").innerText();
  expect(main).not.toMatch(/\b(13\.73|kabupaten\/kota 13)\b/);
  const source = page.locator("dt", { hasText: T("scorecards.explain.targetSource") }).locator("xpath=following-sibling::dd[1]");
  if (await source.count())
    expect(await source.innerText()).toMatch(
      lang === "en" ? /^(national target|target of Kota Sawahlunto) · year 2026/ : /^target (nasional|Kota Sawahlunto) · tahun 2026/,
    );
  const aggregations = await page.locator("table.sc-inputs tbody tr td:nth-of-type(2)").allInnerTexts();
  expect(aggregations.length).toBeGreaterThan(0);
  for (const a of aggregations) expect(a).not.toMatch(/^(sum|last|avg|max|min)$/);
  for (const n of await page.locator("table.sc-inputs tbody td.num").allInnerTexts())
    expect(n.trim()).toMatch(lang === "en" ? /^(–|\d{1,3}(,\d{3})*)$/ : /^(–|\d{1,3}(\.\d{3})*)$/);
  const blocks = page.locator(".sc-form-block");
  expect(await blocks.count()).toBeGreaterThan(0);
  for (let i = 0; i < (await blocks.count()); i++) {
    const units = await blocks.nth(i).locator(".sc-unit-list li small").allInnerTexts();
    expect(new Set(units).size, "each unit in one list").toBe(units.length);
    expect(await blocks.nth(i).getByRole("heading", { level: 4 }).count()).toBe(3);
  }
  await checkPage(page, shot("explain"));
  await page.goBack();
  await table.waitFor();
  await waitForHydration(page);

  // 5. Compare two districts, choose the reference, add one, remove one.
  await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Tegal" }) }).check();
  await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Kendal" }) }).check();
  await page.getByRole("button", { name: T("scorecards.compare.submit") }).click();
  await page.waitForURL((u) => u.pathname === "/scorecards/compare");
  const heads = () => page.locator("table.cmp-table thead th.cmp-unit").evaluateAll((ths) => ths.map((th) => th.firstChild?.textContent?.trim() ?? ""));
  await page.locator("table.cmp-table").waitFor();
  await waitForHydration(page);
  await page.getByLabel(T("scorecards.compare.chooseReference"), { exact: true }).selectOption({ label: "Kabupaten Kendal" });
  await page.getByRole("button", { name: T("scorecards.compare.apply") }).click();
  await page.waitForURL((u) => u.searchParams.get("ref") === "33.24");
  await page.locator("table.cmp-table").waitFor();
  await expect.poll(async () => (await heads())[0]).toBe("Kabupaten Kendal");
  await waitForHydration(page);
  await page.getByLabel(T("scorecards.compare.add"), { exact: true }).selectOption({ label: "Kota Sawahlunto" });
  await page.getByRole("button", { name: T("scorecards.compare.apply") }).click();
  await page.waitForURL((u) => u.searchParams.getAll("units").includes("13.73"));
  await page.locator("table.cmp-table").waitFor();
  await expect.poll(heads).toEqual(["Kabupaten Kendal", "Kabupaten Tegal", "Kota Sawahlunto"]);
  await waitForHydration(page);
  await page.getByRole("link", { name: T("scorecards.compare.remove", { name: "Kabupaten Tegal" }) }).click();
  await page.waitForURL((u) => !u.searchParams.getAll("units").includes("33.28"));
  await page.locator("table.cmp-table").waitFor();
  await expect.poll(heads).toEqual(["Kabupaten Kendal", "Kota Sawahlunto"]);
  // Every chart with a target has its line and its legend entry, named after the reference.
  expect(await page.locator("svg.tc-chart g.tc-target polyline").count()).toBeGreaterThan(0);
  expect(await page.locator(".tc-shared-legend .tc-legend-text").allInnerTexts()).toEqual([
    "Kabupaten Kendal",
    "Kota Sawahlunto",
    T("scorecards.compare.chart.target", { name: "Kabupaten Kendal" }),
  ]);
  await checkPage(page, shot("compare"));
  if (size === "desktop") {
    // Compact per indicator: under 4000 px for the 24 indicators the bound was set with; the
    // national package has since gained the Pustu and Posyandu ILP indicators, each a row and a chart.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const indicators = await page.locator("table.cmp-table tbody tr").count();
    expect(indicators).toBeGreaterThanOrEqual(24);
    expect(height, "compact compare page").toBeLessThan((4000 / 24) * indicators);
  }
  e2e.expectClean(session);
}

describe("finding and reading the scorecard", () => {
  it("in Bahasa Indonesia at 1366×768", () => journey("id", "desktop"), 120_000);
  it("in Bahasa Indonesia at 390×844", () => journey("id", "phone"), 120_000);
  it("in English at 1366×768", () => journey("en", "desktop"), 120_000);
  it("in English at 390×844", () => journey("en", "phone"), 120_000);
});
