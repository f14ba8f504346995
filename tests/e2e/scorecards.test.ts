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
/** A cell of the table (decision 041): `<td class="<state> …"><button name=c value=<row>.<column>>value<i> word</i></button>`. */
const CELL = "td:has(> button[name=c])";
const STATE_OF: Record<string, string> = { g: "green", y: "yellow", r: "red", n: "nodata", i: "incomplete", t: "notarget" };
/** Cells judged against a target: coloured, or shown muted (with their band) while reports still come in. */
const JUDGED = ["td.g", "td.y", "td.r", "td.i.bg", "td.i.by", "td.i.br"];

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
    expect(await table.locator(JUDGED.join(", ")).count()).toBeGreaterThan(0);
    await page.getByText(/^Data terakhir berubah: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).waitFor();

    // Accessibility: a caption, every header cell has a scope, every cell's band is also a word and a shape.
    expect(await table.locator("caption").innerText()).toContain("Indonesia");
    const scopes = await table.locator("th").evaluateAll((ths) => ths.map((th) => th.getAttribute("scope")));
    expect(scopes.every((x) => x === "col" || x === "colgroup" || x === "row")).toBe(true);
    const cells = await table.locator(CELL).evaluateAll((tds) =>
      tds.map((td) => ({
        state: td.className.split(" ")[0],
        word: td.querySelector("button > i")?.textContent?.trim() ?? "",
        symbol: getComputedStyle(td.querySelector("button")!, "::before").content,
      })),
    );
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) {
      expect(Object.keys(STATE_OF)).toContain(c.state);
      expect(c.word).toBe(T(`scorecardPage.word.${STATE_OF[c.state]}` as Parameters<typeof T>[0]));
      expect(c.symbol).toMatch(/^"[●▲■○◐◇]" \/ ""$/);
    }
    // Trend arrows: drawn and read out by CSS; the verdict in words in the tooltip a hovered or
    // focused cell gets on demand, which then adds the explain page's summary for that cell.
    const trend = table.locator(["ub", "uw", "us", "db", "dw", "ds", "fb", "fw", "fs"].map((c) => `td.${c}`).join(", "));
    expect(await trend.count()).toBeGreaterThan(0);
    expect(
      await trend
        .first()
        .locator("button")
        .evaluate((b) => getComputedStyle(b, "::after").content),
    ).toMatch(/^"[↑↓→]"$/);
    await waitForHydration(page);
    const arrowCell = trend.first().locator("button");
    await arrowCell.hover();
    const tip = page.getByRole("tooltip");
    await expect.poll(() => tip.innerText()).toMatch(/periode sebelumnya/);
    await expect.poll(() => tip.innerText(), { timeout: 15_000 }).toMatch(/(Hijau|Kuning|Merah|Data belum lengkap|Belum ada target|Tidak ada data)\./);
    // From the keyboard: the focused cell is described by the tooltip; Escape hides it.
    await page.mouse.move(0, 0);
    await expect.poll(() => tip.count()).toBe(0);
    await arrowCell.focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await expect.poll(() => arrowCell.getAttribute("aria-describedby")).toBe("sc-tip");
    expect(await tip.getAttribute("id")).toBe("sc-tip");
    await page.keyboard.press("Escape");
    await expect.poll(() => tip.count()).toBe(0);
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
          .map((tr) => tr.querySelectorAll("td > button[name=c]")[0]?.firstChild?.textContent ?? "–")
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
    const cellsBefore = await page.locator(CELL).count();
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
    expect(await table.locator(CELL).count()).toBe(cellsBefore);
    for (const c of await table.locator(CELL).evaluateAll((tds) =>
      tds.map((td) => ({
        word: td.querySelector("button > i")?.textContent?.trim() ?? "",
        symbol: getComputedStyle(td.querySelector("button")!, "::before").content,
        form: td.querySelector("button")!.form?.getAttribute("action") ?? "",
        transpose: (td.querySelector("button")!.form?.elements.namedItem("transpose") as HTMLInputElement | null)?.value ?? "",
      })),
    )) {
      expect(c.word.length).toBeGreaterThan(0);
      expect(c.symbol).not.toBe("none");
      // Without JavaScript the cell's button submits the explain form, which carries the selection.
      expect(c.form).toBe("/scorecards/explain");
      expect(c.transpose).toBe("1");
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
        [...tr.querySelectorAll("td > button[name=c]")]
          .map((v) => v.firstChild?.textContent ?? "–")
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
    const cell = page.locator(JUDGED.map((c) => `tbody ${c} > button`).join(", ")).first();
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
      // A cell's tooltip names the unit as text too.
      await waitForHydration(page);
      const row = table.locator("tbody tr").filter({ has: page.getByRole("rowheader", { name: /onerror/ }) });
      await row.first().locator("td > button[name=c]").first().hover();
      const tip = page.getByRole("tooltip");
      await expect.poll(() => tip.innerText()).toContain(XSS);
      expect(await tip.locator("img, svg, script").count()).toBe(0);
      await page.mouse.move(0, 0);
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
  it("keeps the page light: no explanation inlined per cell, rows not repeated in the loader data, cells explained without JavaScript (decision 041)", async () => {
    const { page } = e2e;
    const measure = async (search: string) => {
      const res = await page.request.get(`/scorecards${search}`);
      expect(res.status()).toBe(200);
      const html = await res.text();
      const table = html.slice(html.search(/<table[^>]*\bscorecard\b/), html.indexOf("</table>") + "</table>".length);
      const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].reduce((n, m) => n + m[1].length, 0);
      return { table, scripts, cells: (table.match(/<button name=c /g) ?? []).length, rows: (table.match(/<th scope=row/g) ?? []).length };
    };
    const many = await measure("?level=puskesmas");
    const few = await measure("?level=province");
    expect(many.rows).toBeGreaterThan(few.rows + 20);
    // A cell is a few dozen bytes: no explanation, tooltip or full explain link of its own (it was ~700 bytes).
    expect(many.table.length / many.cells).toBeLessThan(110);
    expect(many.table).not.toMatch(/<td[^>]*><button[^>]*\b(aria-label|title)=/);
    expect(many.table).not.toContain(T("scorecards.explainCell", { indicator: "", row: "" }).split(" ")[0]);
    // The loader data streamed into the page do not carry the rows: they hardly differ between many rows and few.
    expect(Math.abs(many.scripts - few.scripts)).toBeLessThan(2_000);

    // Without JavaScript a cell still opens its explanation (a GET form with the selection).
    const context = await e2e.browser.newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await plain.goto(`${e2e.app.baseUrl}/scorecards?parent=13.73`);
      await plain
        .locator(JUDGED.map((c) => `tbody ${c} > button`).join(", "))
        .first()
        .click();
      await plain.waitForURL((u) => u.pathname === "/scorecards/explain" && u.searchParams.has("c"));
      await plain.getByRole("heading", { level: 1, name: /^Penjelasan sel: / }).waitFor();
      expect(await plain.locator(".sc-summary").innerText()).toMatch(/^(Hijau|Kuning|Merah|Data belum lengkap)\./);
    } finally {
      await context.close();
    }
    e2e.expectClean();
  });

  it("paints before the table is laid out: the parser waits for the stylesheet, the band words are no positioned boxes (decision 045)", async () => {
    const { page } = e2e;
    // In the head, after the stylesheet: a classic inline script with this response's nonce and a
    // body (an empty one is not run), which the parser waits for until the stylesheet is in.
    const res = await page.request.get("/scorecards?level=district");
    expect(res.status()).toBe(200);
    const head = (await res.text()).split("</head>")[0];
    const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")?.[1];
    expect(nonce).toBeTruthy();
    const sheet = head.search(/<link rel="stylesheet" href="\/build\/_assets\/app-[^"]+\.css"\/>/);
    const gate = [...head.matchAll(/<script nonce="([^"]*)">([^<]*)<\/script>/g)].find((m) => m.index > sheet && m[2].trim() !== "");
    expect(sheet).toBeGreaterThan(0);
    expect(gate?.[1]).toBe(nonce);

    // In the browser (CSP checked by expectClean): each band word lies in its cell's button, not
    // positioned against the scrolling box, takes no room, and is the button's accessible name.
    await page.goto("/scorecards?level=district");
    const table = page.getByRole("table", { name: /^Scorecard Indonesia/ });
    await table.waitFor();
    const words = await table
      .locator(`${CELL} > button > i`)
      .evaluateAll((is) => is.map((i) => ({ position: getComputedStyle(i).position, width: i.getBoundingClientRect().width })));
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) {
      expect(w.position).toBe("static");
      expect(w.width).toBeLessThanOrEqual(1);
    }
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: Array<{ role?: { value?: string }; name?: { value?: string } }> };
    await cdp.detach();
    const names = nodes.filter((n) => n.role?.value === "button").map((n) => n.name?.value ?? "");
    const bands = ["green", "yellow", "red", "nodata", "incomplete", "notarget"].map((s) => T(`scorecardPage.word.${s}` as Parameters<typeof T>[0]));
    const cellNames = names.filter((n) => bands.some((b) => n.includes(b)));
    expect(cellNames.length).toBeGreaterThanOrEqual(words.length);
    e2e.expectClean();
  });
});
