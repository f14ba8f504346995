/**
 * District adaptation in a real browser (issue 5, item 7): the Kota Sawahlunto district admin
 * opens the adaptation of ilp-nasional from the template library, overrides a target for the
 * district and adds a local field, saves, reads the plain-language summary, publishes, and sees
 * the Lokal/Diubah marks on the package page. Screenshot: designer-overlay.png.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { launchBrowser, loginAndWaitHome, openSession, screenshot, startApp, waitForHydration, type RunningApp, type Session } from "./harness";

const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);

let app: RunningApp;
let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ name: "designer-overlay" }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(sessions.map((s) => s.close()));
  await browser?.close();
  await app?.stop();
});

function expectClean(s: Session) {
  expect(s.problems.pageErrors, "uncaught errors in the page").toEqual([]);
  expect(s.problems.cspViolations, "Content Security Policy violations").toEqual([]);
}

async function tab(page: Page, name: string) {
  await page.getByRole("tab", { name, exact: false }).first().click();
}

describe("district adaptation", () => {
  it("admin.sawahlunto overrides a target, adds a local field, saves, publishes and sees the marks", async () => {
    const s = await openSession(browser, app.baseUrl);
    sessions.push(s);
    const { page } = s;
    await loginAndWaitHome(page, "admin.sawahlunto");

    // From the library to the adaptation designer.
    await page.goto("/templates");
    await waitForHydration(page);
    const usage = page.getByRole("table", { name: t("templates.usageOf", { package: "ilp-nasional" }) });
    await usage.getByRole("row").filter({ hasText: "Kota Sawahlunto" }).getByRole("link", { name: t("overlayDesigner.open") }).click();
    await page.waitForURL((url) => url.pathname === "/designer/overlay/13.73/ilp-nasional");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 1, name: /Kota Sawahlunto/ }).waitFor();
    await page.getByText(t("overlayDesigner.publishedInfo", { version: 1, base: 1 })).waitFor();

    // A local field through the form builder: the palette of section "Posyandu dan kader".
    await tab(page, t("designer.tab.forms"));
    await page.getByRole("button", { name: t("formbuilder.palette.add", { type: t("formbuilder.type.integer"), title: "Posyandu dan kader" }) }).click();
    await page.waitForFunction(() => /-label$/.test(document.activeElement?.id ?? ""));
    await page.locator(":focus").fill("Posyandu yang buka malam hari");

    // The target override and a relabel through the JSON tab of the shell (the same server gate).
    await tab(page, t("designer.tab.json"));
    const box = page.locator("#designer-json-text");
    await box.waitFor();
    await expect.poll(async () => (await box.inputValue()).includes("Posyandu yang buka malam hari")).toBe(true);
    const doc = JSON.parse(await box.inputValue());
    doc.targets.push({ indicator: "spm_01", year: 2026, scope: { level: "district", org: "13.73" }, value: 97, profile: { type: "flat" }, source: "SK Kadinkes Kota Sawahlunto 2026" });
    const form = doc.forms.find((f: { key: string }) => f.key === "ilp_profil");
    const section = form.sections.find((x: { key: string }) => x.key === "posyandu");
    const added = section.fields[section.fields.length - 1];
    expect(added.label.id).toBe("Posyandu yang buka malam hari");
    expect(added.key).toMatch(/^lokal_/);
    const relabelled = section.fields.find((f: { key: string }) => f.key === "posyandu_ilp");
    relabelled.label = { id: "Posyandu ILP aktif (Sawahlunto)" };
    // The document is large: set it in one go (as a paste would) rather than typing it.
    await box.evaluate((el, text) => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
      setter.call(el, text);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, JSON.stringify(doc, null, 2));
    await page.getByRole("button", { name: t("designer.json.apply"), exact: true }).click();
    await page.getByText(t("designer.json.applied")).waitFor();

    await page.getByRole("button", { name: t("designer.save"), exact: true }).click();
    try {
      await page.getByText(/Draf adaptasi tersimpan\. Tidak ada masalah/).waitFor();
    } catch (e) {
      await screenshot(page, "designer-overlay-failure");
      throw e;
    }
    await page.getByText(t("designer.save.clean")).waitFor();

    // The publish tab: a plain-language summary, a confirmation, publish.
    await tab(page, t("overlayDesigner.tab.publish"));
    const panel = page.locator(".overlay-publish");
    await panel.getByText(/Isian lokal baru "Posyandu yang buka malam hari"/).waitFor();
    await panel.getByText(/tahun 2026 untuk kabupaten\/kota 13\.73: 97/).waitFor();
    await panel.getByText(/diubah menjadi "Posyandu ILP aktif \(Sawahlunto\)"/).waitFor();
    await screenshot(page, "designer-overlay");
    await panel.getByLabel(t("overlayDesigner.publish.confirm")).check();
    await panel.getByRole("button", { name: t("overlayDesigner.publish.button") }).click();
    await page.waitForURL((url) => url.searchParams.get("published") === "2");
    await page.getByText(t("overlayDesigner.done.published", { version: 2 })).waitFor();

    // The package page marks what is local and what the district changed.
    await page.goto("/templates/ilp-nasional/1");
    await waitForHydration(page);
    const fieldRow = page.locator("tr, li, div").filter({ hasText: "Posyandu yang buka malam hari" }).last();
    await fieldRow.waitFor();
    expect(await fieldRow.locator(".origin-local").count()).toBeGreaterThan(0);
    const changedRow = page.locator("tr, li, div").filter({ hasText: "Posyandu ILP aktif (Sawahlunto)" }).last();
    expect(await changedRow.locator(".origin-overridden").count()).toBeGreaterThan(0);
    const targetRow = page.getByRole("row").filter({ hasText: "2026" }).filter({ hasText: "97" }).first();
    expect(await targetRow.locator(".origin-local").count()).toBeGreaterThan(0);
    expectClean(s);
  }, 120_000);
});
