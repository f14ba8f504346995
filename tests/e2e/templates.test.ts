/**
 * The template library in a real browser: a district admin sees the
 * national package and their adaptation, the package view with origin badges, and the error
 * report on a broken upload; the national admin uploads a version whose labels carry markup
 * and viewing it runs no script (docs/security.md item 13). Two sign-ins for the whole file.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { REPO_ROOT, screenshot, useE2E, waitForHydration } from "./harness";

const XSS_IMG = "<img src=x onerror=alert(1)>";
const XSS_SVG = "<svg onload=alert(1)>";
const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);
const seed = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "seeds", file), "utf8"));

const e2e = useE2E({ name: "templates" });

/** Every attribute whose name starts with "on", anywhere in the document. */
function inlineHandlers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("*")).flatMap((el) =>
      Array.from(el.attributes)
        .filter((a) => a.name.toLowerCase().startsWith("on"))
        .map((a) => `${el.tagName.toLowerCase()}[${a.name}]`),
    ),
  );
}

async function uploadJson(page: Page, name: string, json: unknown) {
  await page.goto("/templates/import");
  await waitForHydration(page);
  await page
    .getByLabel(t("templates.import.file"), { exact: true })
    .setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(json, null, 2)) });
  await page.getByRole("button", { name: t("templates.import.submit"), exact: true }).click();
}

describe("template library", () => {
  it("admin.sawahlunto sees ilp-nasional used by Kota Sawahlunto, the local field badge, and the report on a broken upload", async () => {
    const s = await e2e.signedIn("admin.sawahlunto");
    const { page } = s;
    await page
      .getByRole("navigation", { name: t("nav.main") })
      .getByRole("link", { name: t("nav.templates"), exact: true })
      .click();
    await page.waitForURL((url) => url.pathname === "/templates");
    await page.getByRole("heading", { level: 1, name: t("templates.title") }).waitFor();
    await page.getByRole("heading", { level: 2, name: /ilp-nasional/ }).waitFor();

    const usage = page.getByRole("table", { name: t("templates.usageOf", { package: "ilp-nasional" }) });
    const row = usage.getByRole("row").filter({ hasText: "Kota Sawahlunto" });
    await row.waitFor();
    expect(await row.innerText()).toContain(t("templates.usage.overlay", { version: 1, base: 1 }));
    // A district admin sees only their own district's use.
    expect(await usage.getByRole("row").filter({ hasText: "Kabupaten Kendal" }).count()).toBe(0);
    await screenshot(page, "templates-library-sawahlunto");

    await page.getByRole("link", { name: t("templates.openVersion", { package: "ilp-nasional", version: 1 }) }).click();
    await page.waitForURL((url) => url.pathname === "/templates/ilp-nasional/1");
    await page
      .getByText(/Penyesuaian Kota Sawahlunto/)
      .first()
      .waitFor();
    const localRow = page.getByRole("row").filter({ hasText: "Posyandu ILP yang mencatat layanan langsung di RME/Simpus" });
    await localRow.getByText(t("templates.origin.local"), { exact: true }).waitFor();
    const nationalRow = page.locator('tr[data-field="posyandu_ilp"]');
    expect(await nationalRow.getByText(t("templates.origin.national"), { exact: true }).count()).toBe(1);
    await localRow.scrollIntoViewIfNeeded();
    await screenshot(page, "templates-detail-sawahlunto");

    // A broken overlay (formula typo) for the admin's own district: a report, nothing published.
    const broken = seed("overlays/1373-kota-sawahlunto.json");
    broken.version = 2;
    broken.operations[1].indicator.numerator = "lokal_posyandu_ilp_rme + posyandu_ilpp";
    await uploadJson(page, "sawahlunto-rusak.json", broken);
    await page
      .getByRole("alert")
      .filter({ hasText: /Berkas ditolak/ })
      .waitFor();
    const report = page.getByRole("region", { name: /Laporan galat/ });
    await report.waitFor();
    const reportText = await report.innerText();
    expect(reportText).toContain("/operations/1/indicator/numerator");
    expect(reportText).toContain(t("templates.report.chars", { start: 26, end: 38 }));
    // The faulty characters are marked inside the formula.
    expect(await report.locator("mark.formula-error").first().innerText()).toBe("posyandu_ilpp");
    await screenshot(page, "templates-import-report");

    // Not JSON at all: still a clear report.
    await page.goto("/templates/import");
    await waitForHydration(page);
    await page
      .getByLabel(t("templates.import.file"), { exact: true })
      .setInputFiles({ name: "bukan.json", mimeType: "application/json", buffer: Buffer.from('{"package": "ilp-nasional",') });
    await page.getByRole("button", { name: t("templates.import.submit"), exact: true }).click();
    await page
      .getByRole("region", { name: /Laporan galat/ })
      .getByText(/bukan JSON yang sah/)
      .waitFor();

    // The library still shows adaptation v1 only.
    await page.goto("/templates");
    expect(await page.getByRole("table", { name: t("templates.usageOf", { package: "ilp-nasional" }) }).innerText()).toContain(
      t("templates.usage.overlay", { version: 1, base: 1 }),
    );
    e2e.expectClean(s);
  });

  it("a package version whose labels carry markup is shown as text: no dialog, no on* attribute", async () => {
    const s = await e2e.signedIn("admin.nasional");
    const { page } = s;
    const pkg = seed("packages/ilp-nasional.v1.json");
    pkg.version = 2;
    pkg.title = { id: `Paket uji ${XSS_SVG}` };
    pkg.forms[0].title = { id: `Formulir ${XSS_IMG}` };
    pkg.forms[0].sections[0].title = { id: `Bagian ${XSS_SVG}` };
    pkg.forms[0].sections[0].fields[0].label = { id: XSS_IMG };
    pkg.forms[0].sections[0].fields[0].help = { id: `Bantuan ${XSS_SVG} [x](javascript:alert(1))` };
    pkg.indicators[0].name = { id: `Indikator ${XSS_SVG}` };
    pkg.rules[0].message = { id: `Pesan ${XSS_IMG}` };
    await uploadJson(page, "ilp-nasional.v2.json", pkg);
    await page
      .getByRole("status")
      .filter({ hasText: t("templates.import.packagePublished", { package: "ilp-nasional", version: 2 }) })
      .waitFor();
    await page.getByRole("link", { name: t("templates.import.view"), exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/templates/ilp-nasional/2");
    await page.getByRole("heading", { level: 1, name: `Paket uji ${XSS_SVG}` }).waitFor();
    await page.getByText(XSS_IMG, { exact: true }).first().waitFor();
    await page.getByText(`Indikator ${XSS_SVG}`, { exact: true }).waitFor();
    await page.getByText(`Pesan ${XSS_IMG}`, { exact: true }).waitFor();
    // Give a late handler a moment to fire before judging.
    await page.waitForTimeout(300);
    expect(await inlineHandlers(page)).toEqual([]);
    expect(await page.$$eval("img[src='x'], svg[onload]", (els) => els.length)).toBe(0);
    expect(await page.$$eval("a[href^='javascript:']", (els) => els.length)).toBe(0);
    await screenshot(page, "templates-xss-v2");

    // The library lists v2 as the latest version.
    await page.goto("/templates");
    await page.getByText(t("templates.latest", { version: 2 })).waitFor();
    expect(await inlineHandlers(page)).toEqual([]);
    e2e.expectClean(s);
  });
});
