/**
 * The facilitator's scorecard journey in Chromium: open the national scorecard, see
 * coloured cells whose band is also text, sort, drill into a district, explain a cell,
 * download the XLSX and open the print view. One sign-in for the whole file (10 per minute).
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { openDb } from "~/db/db.server";
import { translate } from "~/i18n/catalog";
import { ARTIFACTS_DIR, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

const T = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);
const STATES = ["green", "yellow", "red", "nodata", "incomplete", "notarget"] as const;

// Console errors other than the browser's own report of a 4xx answer (hydration and the like).
const e2e = useE2E({ name: "scorecards", login: "fasilitator.nasional", clean: { consoleErrors: /status of (400|403|404)/ } });

describe("facilitator scorecard journey", () => {
  it("opens the national scorecard: provinces, coloured cells, band in text, accessible table", async () => {
    const { page } = e2e;
    await page
      .getByRole("navigation", { name: T("nav.main") })
      .getByRole("link", { name: T("nav.scorecards") })
      .click();
    await page.waitForURL((u) => u.pathname === "/scorecards");
    const table = page.getByRole("table", { name: /^Scorecard Indonesia/ });
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBe(4);
    // Cells judged against a target: coloured, or shown muted while last month's reports still come in.
    expect(
      await table
        .locator("td.sc-green, td.sc-yellow, td.sc-red, td.sc-incomplete.sc-band-green, td.sc-incomplete.sc-band-yellow, td.sc-incomplete.sc-band-red")
        .count(),
    ).toBeGreaterThan(0);
    await page.getByText(/^Data terakhir berubah: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).waitFor();

    // Accessibility: a caption, every header cell has a scope, every cell's band is also text and shape.
    expect(await table.locator("caption").innerText()).toContain("Indonesia");
    const scopes = await table.locator("th").evaluateAll((ths) => ths.map((th) => th.getAttribute("scope")));
    expect(scopes.every((x) => x === "col" || x === "colgroup" || x === "row")).toBe(true);
    const cells = await table.locator("td.sc-cell").evaluateAll((tds) =>
      tds.map((td) => ({
        state: td.getAttribute("data-state"),
        text: td.querySelector(".sc-band-text")?.textContent?.trim() ?? "",
        symbol: td.querySelector(".sc-symbol")?.textContent ?? "",
        label: td.querySelector("a")?.getAttribute("aria-label") ?? "",
      })),
    );
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) {
      const state = c.state as (typeof STATES)[number];
      expect(STATES).toContain(state);
      expect(c.text).toBe(T(`scorecards.state.${state}`));
      expect(c.label).toContain(T(`scorecards.state.${state}`));
      expect(c.symbol.trim()).not.toBe("");
    }
    // Trend arrows: a tooltip on the arrow, the same words in the cell link's label.
    const arrows = await table
      .locator(".sc-trend")
      .evaluateAll((els) => els.map((e) => [e.getAttribute("aria-hidden"), e.getAttribute("title"), e.closest("a")?.getAttribute("aria-label") ?? ""]));
    expect(arrows.length).toBeGreaterThan(0);
    for (const [hidden, title, label] of arrows) {
      expect(hidden).toBe("true");
      expect(title).toMatch(/periode sebelumnya/);
      expect(label).toContain(title);
    }
    // An arrow that compares achievement says both achievements (a year-to-date value can rise
    // while its achievement falls): in the link's label and in the tooltip.
    const ytd = await page.request.get(`/scorecards?ytd=1&parent=33.28`);
    expect(ytd.status()).toBe(200);
    const html = await ytd.text();
    const cellsWithTrend = [
      ...html.matchAll(/<a class="sc-cell-link" aria-label="([^"]*)"[^>]*>(?:(?!<\/a>).)*?class="sc-trend[^"]*" aria-hidden="true" title="([^"]*)"/g),
    ];
    expect(cellsWithTrend.length).toBeGreaterThan(0);
    const withAchievements = cellsWithTrend.filter((m) => /capaian terhadap target \d+(\.\d{3})*,\d% → \d+(\.\d{3})*,\d%/.test(m[2]));
    expect(withAchievements.length).toBeGreaterThan(0);
    for (const m of withAchievements) expect(m[1]).toContain(m[2]);
    await page.getByRole("region", { name: T("scorecards.legend") }).waitFor();
    await screenshot(page, "scorecards-national");
    e2e.expectClean();
  });

  it("filters by indicator group through the selection form", async () => {
    const { page } = e2e;
    await waitForHydration(page);
    const form = page.getByRole("form", { name: T("scorecards.selection") });
    await form.getByLabel(T("scorecards.group")).selectOption("spm");
    await form.getByLabel(T("scorecards.ytdMode")).selectOption("1");
    await form.getByRole("button", { name: T("scorecards.show") }).click();
    await page.waitForURL((u) => u.searchParams.get("group") === "spm" && u.searchParams.get("ytd") === "1");
    const table = page.getByRole("table", { name: /^Scorecard Indonesia/ });
    await expect.poll(async () => (await table.locator("th.sc-group").allInnerTexts()).map((x) => x.trim())).toEqual(["SPM Kesehatan"]);
    expect(await table.locator("th.sc-ind").count()).toBe(12);
    expect(await table.locator("th.sc-ind .sc-col-note").first().innerText()).toBe(T("scorecards.ytdColumn"));
    e2e.expectClean();
  });

  it("sorts by an indicator column through a shareable URL", async () => {
    const { page } = e2e;
    await waitForHydration(page);
    const header = page.locator("thead th.sc-ind").first();
    await header.getByRole("link").click();
    await page.waitForURL((u) => u.searchParams.has("sort"));
    const url = new URL(page.url());
    expect(url.searchParams.get("dir")).toBe("desc");
    await expect.poll(() => page.locator("thead th.sc-ind").first().getAttribute("aria-sort")).toBe("descending");
    // The shown values are in descending order (rows without a value last).
    const values = await page
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs
          .map((tr) => tr.querySelectorAll("td.sc-cell .sc-value")[0]?.textContent ?? "–")
          .map((v) => (v === "–" ? null : Number(v.replace(/\./g, "").replace(",", ".")))),
      );
    const present = values.filter((v): v is number => v !== null);
    expect(present).toEqual([...present].sort((a, b) => b - a));
    await screenshot(page, "scorecards-sorted");
    e2e.expectClean();
  });

  it("transposes (indicators as rows, units as columns) through a shareable URL, keeping order, bands, sorting and export links", async () => {
    const { page } = e2e;
    await waitForHydration(page);
    const unitsBefore = await page.locator("tbody th[scope=row] .sc-code").allInnerTexts();
    const indicatorsBefore = await page.locator("thead th.sc-ind").count();
    const cellsBefore = await page.locator("td.sc-cell").count();
    await page.getByRole("link", { name: T("scorecards.transpose.on") }).click();
    await page.waitForURL((u) => u.searchParams.get("transpose") === "1");
    const table = page.locator("table[data-transposed='1']");
    await table.waitFor();
    expect(await page.getByRole("table", { name: /^Scorecard Indonesia/ }).getAttribute("data-transposed")).toBe("1");
    expect(await table.locator("caption").innerText()).toBe(
      T("scorecards.captionTransposed", { scope: "Indonesia", period: await page.locator("h1 + p strong").innerText() }),
    );
    // Units are the columns in the same (sorted) order, the total last; indicators are the rows.
    const unitColumns = (await table.locator("thead th.sc-unit .sc-code").allInnerTexts()).map((x) => x.trim());
    expect(unitColumns.slice(0, -1)).toEqual(unitsBefore.map((x) => x.trim()));
    expect(await table.locator("tbody th.sc-ind[scope=row]").count()).toBe(indicatorsBefore + 2); // + rank and score rows
    expect(await table.locator("td.sc-cell").count()).toBe(cellsBefore);
    for (const c of await table.locator("td.sc-cell").evaluateAll((tds) =>
      tds.map((td) => ({
        text: td.querySelector(".sc-band-text")?.textContent?.trim() ?? "",
        symbol: td.querySelector(".sc-symbol")?.textContent ?? "",
        href: td.querySelector("a")?.getAttribute("href") ?? "",
      })),
    )) {
      expect(c.text.length).toBeGreaterThan(0);
      expect(c.symbol.length).toBeGreaterThan(0);
      expect(c.href).toMatch(/^\/scorecards\/explain\?.*transpose=1/);
    }
    const scopes = await table.locator("th").evaluateAll((ths) => ths.map((th) => th.getAttribute("scope")));
    expect(scopes.every((x) => x === "col" || x === "rowgroup" || x === "row")).toBe(true);
    for (const format of ["csv", "xlsx"]) expect(await page.locator(`a[href*="format=${format}"]`).getAttribute("href")).toContain("transpose=1");

    // An indicator row header sorts the units (the columns) by that indicator, still transposed.
    // (rows 0 and 1 are rank and score, row 2 the indicator sorted above: take the next one)
    const previousSort = new URL(page.url()).searchParams.get("sort");
    const rowHeader = table.locator("tbody th.sc-ind[scope=row]").nth(3);
    await rowHeader.getByRole("link").click();
    await page.waitForURL(
      (u) =>
        u.searchParams.get("transpose") === "1" &&
        u.searchParams.get("dir") === "desc" &&
        u.searchParams.has("sort") &&
        u.searchParams.get("sort") !== previousSort,
    );
    await expect.poll(() => table.locator("tbody th.sc-ind[scope=row]").nth(3).getAttribute("aria-sort")).toBe("descending");
    const values = await table
      .locator("tbody tr:not(.sc-group-row)")
      .nth(3)
      .evaluate((tr) =>
        [...tr.querySelectorAll("td.sc-cell .sc-value")]
          .map((v) => v.textContent ?? "–")
          .map((v) => (v === "–" ? null : Number(v.replace(/\./g, "").replace(",", ".")))),
      );
    const present = values.slice(0, -1).filter((v): v is number => v !== null);
    expect(present).toEqual([...present].sort((a, b) => b - a));
    await screenshot(page, "scorecards-transposed");

    // And back, with the sort kept.
    const sort = new URL(page.url()).searchParams.get("sort");
    await page.getByRole("link", { name: T("scorecards.transpose.off") }).click();
    await page.waitForURL((u) => !u.searchParams.has("transpose") && u.searchParams.get("sort") === sort);
    await page.locator("table.scorecard:not([data-transposed])").waitFor();
    e2e.expectClean();
  });

  it("drills from the provinces into a district and back up with breadcrumbs", async () => {
    const { page } = e2e;
    await page.getByRole("link", { name: T("scorecards.drill", { name: "Jawa Tengah" }) }).click();
    await page.getByRole("table", { name: /^Scorecard Jawa Tengah/ }).waitFor();
    await page.getByRole("link", { name: T("scorecards.drill", { name: "Kabupaten Tegal" }) }).click();
    const table = page.getByRole("table", { name: /^Scorecard Kabupaten Tegal/ });
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);
    const crumbs = page.getByRole("navigation", { name: T("scorecards.breadcrumbs") });
    expect((await crumbs.getByRole("listitem").allInnerTexts()).map((x) => x.trim())).toEqual([
      T("scorecards.myScope"),
      "Indonesia",
      "Jawa Tengah",
      "Kabupaten Tegal",
    ]);
    expect(new URL(page.url()).searchParams.get("parent")).toBe("33.28");
    await screenshot(page, "scorecards-district");
    await crumbs.getByRole("link", { name: "Jawa Tengah" }).click();
    await page.getByRole("table", { name: /^Scorecard Jawa Tengah/ }).waitFor();
    await page.goBack();
    await table.waitFor();
    e2e.expectClean();
  });

  it("explains a cell: formula, target and its source, completeness with units", async () => {
    const { page } = e2e;
    const cell = page
      .locator(
        "tbody td.sc-green a, tbody td.sc-yellow a, tbody td.sc-red a, tbody td.sc-incomplete.sc-band-green a, tbody td.sc-incomplete.sc-band-yellow a, tbody td.sc-incomplete.sc-band-red a",
      )
      .first();
    await cell.click();
    await page.waitForURL((u) => u.pathname === "/scorecards/explain");
    await page.getByRole("heading", { level: 1, name: /^Penjelasan sel: / }).waitFor();
    for (const heading of [
      "scorecards.explain.summary",
      "scorecards.explain.formula",
      "scorecards.explain.target",
      "scorecards.explain.completeness",
    ] as const) {
      await page.getByRole("heading", { name: T(heading) }).waitFor();
    }
    await page.getByText(T("scorecards.explain.targetSource")).waitFor();
    expect(await page.locator(".sc-summary").innerText()).toMatch(/^(Hijau|Kuning|Merah)\./);
    expect(await page.locator("main").innerText()).not.toMatch(STACK_TRACE_PATTERN);
    await screenshot(page, "scorecards-explain");
    await page.getByRole("link", { name: T("scorecards.back"), exact: false }).click();
    await page.getByRole("table", { name: /^Scorecard Kabupaten Tegal/ }).waitFor();
    e2e.expectClean();
  });

  it("downloads the XLSX with the scorecard's cells", async () => {
    const { page } = e2e;
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: T("scorecards.exportXlsx") }).click()]);
    expect(download.suggestedFilename()).toMatch(/^scorecard-ilp-nasional-\d{4}-\d{2}-kumulatif-33\.28\.xlsx$/);
    const file = path.join(ARTIFACTS_DIR, download.suggestedFilename());
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet("Scorecard")!;
    expect(String(ws.getCell("A1").value)).toContain("Kabupaten Tegal");
    const firstName = (await page.locator("tbody tr th[scope=row]").first().innerText()).split("\n")[0].trim();
    const names: string[] = [];
    ws.eachRow((row) => names.push(String(row.getCell(2).value ?? "")));
    expect(names).toContain(firstName);
    fs.rmSync(file, { force: true });
    e2e.expectClean();
  });

  it("opens the print view with title, period, legend and generation time", async () => {
    const { page } = e2e;
    await page.getByRole("link", { name: T("scorecards.printView") }).click();
    await page.waitForURL((u) => u.searchParams.get("print") === "1");
    await page.getByRole("button", { name: T("scorecards.printNow") }).waitFor();
    await page.emulateMedia({ media: "print" });
    await page.getByRole("heading", { level: 1, name: /Kabupaten Tegal/ }).waitFor();
    expect(await page.locator(".sc-form").isVisible()).toBe(false);
    expect(await page.locator(".topbar").isVisible()).toBe(false);
    await page.getByRole("region", { name: T("scorecards.legend") }).waitFor();
    await page.getByText(/Dibuat \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).waitFor();
    await page.getByText(/^Periode: /).waitFor();
    await screenshot(page, "scorecards-print");
    await page.emulateMedia({ media: "screen" });
    e2e.expectClean();
  });

  it("answers a bad period and an unknown template with clear messages, not crashes", async () => {
    const { page } = e2e;
    const bad = await page.goto("/scorecards?period=2025-13");
    expect(bad?.status()).toBe(400);
    expect(await page.getByRole("alert").innerText()).toContain("Bulan 13");
    const unknown = await page.goto("/scorecards?template=tidak-ada");
    expect(unknown?.status()).toBe(404);
    expect(await page.getByRole("alert").innerText()).toContain('Templat "tidak-ada"');
    await screenshot(page, "scorecards-unknown-template");
    e2e.expectClean();
  });

  // docs/security.md item 13: the table rows are written as escaped HTML strings (ScorecardTable.tsx), on
  // the server and again in the browser after a client-side navigation. Markup in a unit's name
  // must stay text in both. Last in the file: it renames a unit.
  it("shows markup in a unit's name as text, on a full load and after a client-side drill-down", async () => {
    const { page } = e2e;
    const XSS = `<img src=x onerror=alert(1)> "quoted" & 'single' <svg onload=alert(2)>`;
    const handle = openDb(e2e.app.databaseUrl);
    try {
      const sawahlunto = await handle.db.selectFrom("org_unit").select("path").where("code", "=", "13.73").executeTakeFirstOrThrow();
      const unit = await handle.db
        .selectFrom("org_unit")
        .select("id")
        .where("level", "=", "puskesmas")
        .where("path", "like", `${sawahlunto.path}%`)
        .orderBy("code")
        .executeTakeFirstOrThrow();
      await handle.db.updateTable("org_unit").set({ name: XSS }).where("id", "=", unit.id).execute();
    } finally {
      await handle.destroy();
    }
    const check = async () => {
      const table = page.getByRole("table", { name: /^Scorecard/ });
      await table.waitFor();
      await page
        .getByRole("rowheader", { name: /onerror/ })
        .first()
        .waitFor();
      expect(await table.locator("img, svg, script").count()).toBe(0);
      const onAttributes = await table.evaluate((t) =>
        [...t.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`)),
      );
      expect(onAttributes).toEqual([]);
      expect(
        await table
          .getByRole("rowheader", { name: /onerror/ })
          .first()
          .innerText(),
      ).toContain(XSS);
      // The cell links name the unit in their label as text too.
      const labels = await table.locator("a.sc-cell-link").evaluateAll((as) => as.map((a) => a.getAttribute("aria-label") ?? ""));
      expect(labels.some((l) => l.includes(XSS))).toBe(true);
      e2e.expectClean();
    };
    await page.goto("/scorecards?parent=13.73");
    await check();
    // Client-side: from the province, drill into the district (rows built in the browser).
    await page.goto("/scorecards?parent=13");
    await waitForHydration(page);
    await page.getByRole("link", { name: T("scorecards.drill", { name: "Kota Sawahlunto" }) }).click();
    await page.waitForURL((u) => u.searchParams.get("parent") === "13.73");
    await check();
  });
});
