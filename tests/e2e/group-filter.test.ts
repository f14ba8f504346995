/**
 * Scorecards within an org-unit group and down to the village in Chromium
 * (docs/decisions/037-scorecard-group-filter.md), over the world of
 * tests/helpers/village-scorecard.ts written into the app's database: a facilitator of Tegal and
 * Kendal picks the "Kelompok unit" filter on the page and compares the BLUD Puskesmas of the two
 * districts; a group the URL names but nobody may read gets its message and a way out; a district
 * verifier drills from a Puskesmas to its Pustu and Posyandu and opens an explanation listing the
 * Posyandu by name. In Bahasa Indonesia and English, at 1366×768 and 390×844, axe-clean.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { DbHandle } from "~/db/db.server";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { BLUD, SEPTEMBER, seedVillageScorecard, U, VILLAGE_PACKAGE_KEY } from "../helpers/village-scorecard";
import { accessibilityProblems, scorecardCell, screenshot, STACK_TRACE_PATTERN, unfoldMenu, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({
  name: "group-filter",
  env: { PANTAU_NOW: "2026-01-20T12:00:00Z", PANTAU_ENV: "development" },
  clean: { consoleErrors: /status of 404/ },
});

const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;
const Q = `?template=${VILLAGE_PACKAGE_KEY}&period=${SEPTEMBER}`;

let handle: DbHandle | null = null;
beforeAll(async () => {
  const { openDb, setDbHandle } = await import("~/db/db.server");
  handle = openDb(e2e.app.databaseUrl);
  setDbHandle(handle);
  await seedVillageScorecard();
}, 120_000);
afterAll(async () => {
  await handle?.destroy();
});

/** What no page may do at any size: scroll sideways, show a stack trace, fail axe. */
async function checkPage(page: Page, name: string) {
  expect(await page.locator("main").innerText()).not.toMatch(STACK_TRACE_PATTERN);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${name}: no sideways page scroll`).toBeLessThanOrEqual(innerWidth);
  expect(await accessibilityProblems(page), name).toEqual([]);
  await screenshot(page, name);
}

async function open(username: string, lang: Locale, size: keyof typeof VIEWPORTS) {
  const session = await e2e.signedIn(username);
  const page = session.page;
  await page.setViewportSize(VIEWPORTS[size]);
  await page.goto("/");
  await waitForHydration(page);
  if ((await page.locator("html").getAttribute("lang")) !== lang) {
    await unfoldMenu(page);
    await page.getByRole("button", { name: lang === "en" ? "English" : "Bahasa Indonesia" }).click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
  return { session, page, T: (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars) };
}

async function compareWithinGroup(lang: Locale, size: keyof typeof VIEWPORTS) {
  const { session, page, T } = await open("fasilitator.jateng", lang, size);
  const shot = (what: string) => `group-filter-${what}-${lang}-${size}`;
  const groupName = lang === "en" ? "BLUD Puskesmas" : "Puskesmas BLUD";
  const number = (x: string) => (lang === "en" ? x.replace(",", ".") : x);

  // A group nobody here may read: the message, the typed key kept, and a way out without the filter.
  await page.goto(`/scorecards${Q}&orgGroup=terpencil_lain`);
  const alert = page.getByRole("alert");
  expect(await alert.innerText()).toContain(T("groupFilter.error.unknown", { key: "terpencil_lain" }));
  expect(await page.getByLabel(T("groupFilter.label"), { exact: true }).inputValue()).toBe("terpencil_lain");
  await checkPage(page, shot("unknown"));
  await waitForHydration(page);
  await alert.getByRole("link", { name: T("groupFilter.removeFilter") }).click();
  await page.waitForURL((u) => u.pathname === "/scorecards" && !u.searchParams.has("orgGroup"));
  const table = page.getByRole("table", { name: /^Scorecard / });
  await table.waitFor();
  await waitForHydration(page);

  // The two districts side by side, then only their BLUD Puskesmas, chosen on the page.
  expect(await table.locator("tbody tr").count()).toBe(2);
  await page.getByLabel(T("groupFilter.label"), { exact: true }).selectOption({ label: `${groupName} (Indonesia)` });
  await page.getByRole("button", { name: T("scorecards.show") }).click();
  await page.waitForURL((u) => u.searchParams.get("orgGroup") === BLUD);
  const note = T("groupFilter.applied", { name: groupName });
  await page.locator(".sc-group-note", { hasText: note }).waitFor();
  expect(await page.getByRole("table", { name: new RegExp(`\\(${note}\\)`) }).count()).toBe(1);
  // Every link of the table keeps the filter.
  const hrefs = await page.locator("table.scorecard a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.length).toBeGreaterThan(4);
  for (const h of hrefs) expect(h, h).toContain(`orgGroup=${BLUD}`);
  expect(await page.getByRole("link", { name: T("presentation.open") }).getAttribute("href")).toContain(`orgGroup=${BLUD}`);
  await checkPage(page, shot("filtered"));

  await waitForHydration(page);
  await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Tegal" }) }).check();
  await page.getByRole("checkbox", { name: T("scorecards.compare.select", { name: "Kabupaten Kendal" }) }).check();
  await page.getByRole("button", { name: T("scorecards.compare.submit") }).click();
  await page.waitForURL((u) => u.pathname === "/scorecards/compare" && u.searchParams.get("orgGroup") === BLUD);
  await page.locator("table.cmp-table").waitFor();
  expect(await page.locator(".sc-group-note").innerText()).toBe(T("groupFilter.compare.applied", { name: groupName }));
  // Tegal over Kaladawa and Dukuhwaru (80 + 30 of 200), Kendal over Plantungan (90 of 100).
  const visits = page.locator("table.cmp-table tbody tr", {
    has: page.getByRole("rowheader", { name: new RegExp(lang === "en" ? "Visit coverage" : "Cakupan kunjungan") }),
  });
  const heads = await page.locator("table.cmp-table thead th.cmp-unit").evaluateAll((ths) => ths.map((th) => th.firstChild?.textContent?.trim() ?? ""));
  const shown = await visits.locator("td .sc-value").allInnerTexts();
  expect(Object.fromEntries(heads.map((h, i) => [h, shown[i]]))).toEqual({ "Kabupaten Tegal": number("55,0"), "Kabupaten Kendal": number("90,0") });
  expect(await page.getByLabel(T("groupFilter.label"), { exact: true }).inputValue()).toBe(BLUD);
  await checkPage(page, shot("compare"));
  e2e.expectClean(session);
}

async function drillToVillage(lang: Locale, size: keyof typeof VIEWPORTS) {
  const { session, page, T } = await open("verifikator.sawahlunto", lang, size);
  const shot = (what: string) => `group-filter-${what}-${lang}-${size}`;
  await page.goto(`/scorecards${Q}`);
  const table = page.getByRole("table", { name: /^Scorecard Kota Sawahlunto/ });
  await table.waitFor();
  await waitForHydration(page);
  await table.getByRole("link", { name: T("scorecards.drill", { name: "Puskesmas Uji Desa" }) }).click();
  await page.waitForURL((u) => u.searchParams.get("parent") === U.ujiDesa);
  const village = page.getByRole("table", { name: /^Scorecard Puskesmas Uji Desa/ });
  await village.waitFor();
  const rows = await village.locator("tbody th[scope=row]").allInnerTexts();
  expect(rows.map((r) => r.replace(/\s*[A-Z]\d+[A-Z]?$/, "").trim()).sort()).toEqual(
    ["Posyandu Anggrek", "Posyandu Mawar", "Posyandu Melati", "Pustu Uji Desa Atas"].sort(),
  );
  // The Puskesmas indicator in words on every village row, never a number.
  expect(await village.locator("tbody td.ol").allInnerTexts()).toEqual(Array(5).fill(T("groupFilter.offLevel")));
  const crumbs = await page.getByRole("navigation", { name: T("scorecards.breadcrumbs") }).innerText();
  expect(crumbs).toContain("Kota Sawahlunto");
  expect(crumbs).toContain("Puskesmas Uji Desa");
  expect(await page.getByText(T("groupFilter.rows.village", { name: "Puskesmas Uji Desa" })).count()).toBe(1);
  await checkPage(page, shot("village"));

  // The Puskesmas' own cell of the Posyandu indicator: who reported and who did not, by name.
  await waitForHydration(page);
  const cell = await scorecardCell(village, village.locator("tfoot tr"), "penimbangan");
  await cell.click();
  await page.waitForURL((u) => u.pathname === "/scorecards/explain" && u.searchParams.get("row") === U.ujiDesa);
  await page.getByRole("heading", { level: 1 }).waitFor();
  const lists = await page.locator(".sc-unit-list li").allInnerTexts();
  expect(lists.map((l) => l.replace(/\s*Y\d+[A-Z]$/, "").trim()).sort()).toEqual(["Posyandu Anggrek", "Posyandu Mawar", "Posyandu Melati"]);
  expect(await page.getByRole("heading", { level: 4, name: T("scorecards.explain.notReported", { count: 1 }) }).count()).toBe(1);
  await checkPage(page, shot("explain"));
  e2e.expectClean(session);
}

describe("scorecards within a group and down to the village", () => {
  it("a facilitator compares the BLUD Puskesmas of two districts, in Bahasa Indonesia at 1366×768", () => compareWithinGroup("id", "desktop"), 120_000);
  it("a facilitator compares the BLUD Puskesmas of two districts, in English at 390×844", () => compareWithinGroup("en", "phone"), 120_000);
  it("a district verifier drills to the Posyandu of a Puskesmas, in Bahasa Indonesia at 390×844", () => drillToVillage("id", "phone"), 120_000);
  it("a district verifier drills to the Posyandu of a Puskesmas, in English at 1366×768", () => drillToVillage("en", "desktop"), 120_000);
});
