/**
 * The designer without friction, in Chromium at 1366×768 and 390×844: every problem listed at
 * once with the place in words, the counters agreeing, a problem fixed leaving the list at once
 * and the panel's links landing on the input; a group created by typing its name and tabbing
 * away; autosave surviving a reload; the field editor's buttons never under the preview; publish
 * asking from which month the version applies (retroactive only when ticked); the district's
 * adaptation labelled "Adaptasi vN atas Nasional vM" with no count on national targets. axe-core
 * finds no serious or critical violation on any page of the way. The server's clock is fixed.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);
/** 15 March 2026: the first month not yet begun is April. */
const NOW = "2026-03-15T03:00:00.000Z";

const e2e = useE2E({ name: "designer-path", login: "admin.nasional", env: { PANTAU_NOW: NOW } });

async function problemCount(page: Page): Promise<number> {
  const text = await page.getByTestId("problem-count").innerText();
  return Number(/\d+/.exec(text)![0]);
}

/** The counts on the tabs (a tab without problems shows none). */
async function tabCounts(page: Page): Promise<number> {
  const counts = await page.locator(".designer-tabs .designer-tab-count").allInnerTexts();
  return counts.reduce((sum, n) => sum + Number(n), 0);
}

async function panelItems(page: Page): Promise<string[]> {
  if ((await page.getByTestId("problem-list").count()) === 0) return [];
  return page.getByTestId("problem-list").locator("li").allInnerTexts();
}

async function expectAxeClean(page: Page, where: string) {
  expect(await accessibilityProblems(page), where).toEqual([]);
}

/** Every visible button of the open field editor is the element at its own centre: nothing covers it. */
async function coveredButtons(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const b of Array.from(document.querySelectorAll<HTMLElement>(".fb-field.is-open button"))) {
      b.scrollIntoView({ block: "center" });
      const r = b.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === b || b.contains(hit))) out.push(`${b.innerText || b.getAttribute("aria-label")} under ${hit?.className ?? "nothing"}`);
    }
    return out;
  });
}

describe("the designer's path", () => {
  it("admin.nasional: problems at once and cleared, a typed group, autosave, no overlap, publish from a chosen month", async () => {
    const { page } = e2e;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/templates");
    await waitForHydration(page);
    await expectAxeClean(page, "/templates");
    const pkg = page.locator("section.template-package").filter({ has: page.getByRole("heading", { level: 2, name: /ilp-nasional/ }) });
    await pkg.getByRole("button", { name: t("designer.library.newVersion"), exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/designer/ilp-nasional/2");
    await waitForHydration(page);
    expect(await problemCount(page)).toBe(0);
    expect(await page.getByText(t("designer.problems.none")).count()).toBe(1);
    await expectAxeClean(page, "designer, forms tab");

    // Two problems in two tabs: an empty field label and an empty indicator name.
    const fieldButton = page.locator(".fb-field-name").first();
    const fieldLabel = (await fieldButton.innerText()).trim();
    await fieldButton.click();
    const label = page.getByLabel(t("formbuilder.field.label"), { exact: true });
    const originalLabel = await label.inputValue();
    await label.fill("");
    await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.indicators")}`) }).click();
    const name = page.getByLabel(t("indicators.nameId"), { exact: true });
    const originalName = await name.inputValue();
    await name.fill("");

    // Every problem at once, the same count in the header, the tabs and the panel, each place in words.
    await page.getByRole("button", { name: t("designer.check"), exact: true }).click();
    await page.getByText(t("designer.checked", { count: 2 })).waitFor();
    expect(await problemCount(page)).toBe(2);
    expect(await tabCounts(page)).toBe(2);
    const items = await panelItems(page);
    expect(items).toHaveLength(2);
    expect(items.join("\n")).not.toMatch(/\/forms\/|\/indicators\//);
    expect(items.some((x) => x.startsWith("Formulir ") && x.includes(" › Label"))).toBe(true);
    expect(items.some((x) => x.startsWith("Indikator ") && x.includes(" › Nama"))).toBe(true);
    await screenshot(page, "designer-path-problems-1366");
    await expectAxeClean(page, "designer with problems");

    // The panel's link lands on the input; fixing it clears the problem without a save or a check.
    await page
      .getByTestId("problem-list")
      .getByRole("button", { name: /Formulir .* › Label/ })
      .click();
    await page.waitForFunction(() => document.activeElement?.id.endsWith("-label") === true);
    await page.keyboard.type(originalLabel);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=problem-list] li").length === 1);
    expect(await problemCount(page)).toBe(1);
    expect(await page.locator(".fb-field-name").first().innerText()).toContain(fieldLabel);
    await page
      .getByTestId("problem-list")
      .getByRole("button", { name: /Indikator .* › Nama/ })
      .click();
    await page.waitForFunction(() => /^ind-\d+-name$/.test(document.activeElement?.id ?? ""));
    await page.keyboard.type(originalName);
    await page.getByText(t("designer.problems.none")).waitFor();
    expect([await problemCount(page), await tabCounts(page)]).toEqual([0, 0]);

    // A new group: typed and left with Tab, it exists and the indicator is in it.
    const group = page.getByLabel(t("indicators.group"), { exact: true });
    await group.selectOption("__new");
    await page.getByLabel(t("indicators.groupNewName"), { exact: true }).fill("Kelompok uji jalur");
    await page.keyboard.press("Tab");
    await page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>("select[id$='-group']");
      return select?.selectedOptions[0]?.textContent?.startsWith("Kelompok uji jalur") === true;
    });
    expect(await panelItems(page)).toEqual([]);

    // Autosave a pause after the last edit; the group survives a reload.
    await page.getByText(/^Tersimpan otomatis \d\d\.\d\d$/).waitFor({ timeout: 20_000 });
    await page.reload();
    await waitForHydration(page);
    await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.indicators")}`) }).click();
    expect(await page.getByLabel(t("indicators.group"), { exact: true }).locator("option:checked").innerText()).toMatch(/^Kelompok uji jalur/);

    // Two pages on one draft: this one autosaves first; the other's autosave is then refused, not
    // written over it, and it stops saving by itself.
    const other = await e2e.newSession(await e2e.session.context.storageState());
    await other.page.setViewportSize({ width: 1366, height: 768 });
    await other.page.goto("/designer/ilp-nasional/2");
    await waitForHydration(other.page);
    await other.page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.indicators")}`) }).click();
    await page.getByLabel(t("indicators.nameId"), { exact: true }).fill(`${originalName} (A)`);
    await page.getByText(/^Tersimpan otomatis \d\d\.\d\d$/).waitFor({ timeout: 20_000 });
    await other.page.getByLabel(t("indicators.nameId"), { exact: true }).fill(`${originalName} (B)`);
    await other.page.getByText(t("designer.error.stale")).waitFor({ timeout: 20_000 });
    await other.page.getByText(t("designer.save.unsaved")).waitFor();
    e2e.expectClean(other);
    await other.close();
    await page.reload();
    await waitForHydration(page);
    await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.indicators")}`) }).click();
    expect(await page.getByLabel(t("indicators.nameId"), { exact: true }).inputValue()).toBe(`${originalName} (A)`);

    // At 1366×768 the open field editor's buttons are not under the preview.
    await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.forms")}`) }).click();
    await page.locator(".fb-field-name").first().click();
    expect(await coveredButtons(page)).toEqual([]);
    expect(
      await page.evaluate(() => document.querySelector(".fb-field.is-open")!.scrollWidth <= document.querySelector(".fb-field.is-open")!.clientWidth + 1),
    ).toBe(true);
    await screenshot(page, "designer-path-field-editor-1366");

    // A phone: readable, nothing wider than the screen, axe clean.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "designer-path-forms-390");
    await expectAxeClean(page, "designer at 390");
    await page.setViewportSize({ width: 1366, height: 768 });

    // A form new in this version, which will not be due before the month chosen below.
    await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.forms")}`) }).click();
    await page.getByLabel(t("formbuilder.form.newTitle"), { exact: true }).fill("Kunjungan rumah");
    await page.getByLabel(t("formbuilder.form.period"), { exact: true }).first().selectOption("month");
    await page.getByRole("button", { name: t("formbuilder.form.add"), exact: true }).click();
    await page.getByRole("heading", { name: t("formbuilder.form.heading", { title: "Kunjungan rumah" }) }).waitFor();
    await page
      .getByRole("button", {
        name: t("formbuilder.palette.add", { type: t("formbuilder.type.integer"), title: t("formbuilder.section.defaultTitle") }),
        exact: true,
      })
      .click();
    await page.getByLabel(t("formbuilder.field.label"), { exact: true }).fill("Jumlah kunjungan rumah");
    await page.getByText(t("designer.problems.none")).waitFor();
    await page.getByText(/^Tersimpan otomatis \d\d\.\d\d$/).waitFor({ timeout: 20_000 });

    // Publish: from which month? April by default; an earlier month warns and needs its own tick.
    await page.getByRole("tab", { name: t("designer.tab.publish"), exact: true }).click();
    await page
      .getByTestId("publish-new-forms")
      .getByText(/Kunjungan rumah.*2026-04/)
      .waitFor();
    const from = page.getByLabel(t("designer.publish.effectiveFrom"), { exact: true });
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>("#publish-effective-from")?.value === "2026-04");
    const submit = page.getByRole("button", { name: t("designer.publish.submit", { version: 2 }), exact: true });
    await page.getByLabel(t("designer.publish.confirm", { key: "ilp-nasional", version: 2 })).check();
    expect(await submit.isEnabled()).toBe(true);
    await from.fill("2026-02");
    await page.getByText(t("designer.publish.retroactiveWarning", { month: "2026-02" })).waitFor();
    expect(await page.getByTestId("publish-new-forms").innerText()).toContain("2026-02");
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel(t("designer.publish.retroactiveConfirm", { month: "2026-02" })).check();
    expect(await submit.isEnabled()).toBe(true);
    await screenshot(page, "designer-path-publish-retroactive-1366");
    await expectAxeClean(page, "publish tab");
    await from.fill("2026-04");
    expect(await page.getByText(t("designer.publish.retroactiveWarning", { month: "2026-02" })).count()).toBe(0);
    await submit.click();
    await page.waitForURL((url) => url.pathname === "/templates");
    await page.getByText(t("designer.library.published", { key: "ilp-nasional", version: 2 })).waitFor();
    const v2 = pkg
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: "v2", exact: true }) })
      .first();
    expect(await v2.innerText()).toContain("2026-04");
    await expectAxeClean(page, "/templates after publishing");
    e2e.expectClean();
  }, 240_000);

  it("admin.sawahlunto: the adaptation says which version it is, national targets count nothing", async () => {
    const { page } = await e2e.signedIn("admin.sawahlunto");
    for (const [width, height] of [
      [1366, 768],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height });
      await page.goto("/designer/overlay/13.73/ilp-nasional");
      await waitForHydration(page);
      const head = await page.locator(".designer-head").innerText();
      expect(head).toMatch(/Adaptasi v\d+ atas Nasional v\d+/);
      expect(head).not.toMatch(/· v\d+ ·/);
      await page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.targets")}`) }).click();
      expect(
        await page
          .getByRole("tab", { name: new RegExp(`^${t("designer.tab.targets")}`) })
          .locator(".designer-tab-count")
          .count(),
      ).toBe(0);
      expect(await page.locator("tr[data-target$='|national|'] .designer-tab-count").count()).toBe(0);
      expect(await problemCount(page)).toBe(await tabCounts(page));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), "nothing wider than the screen").toBeLessThanOrEqual(width);
      await screenshot(page, `designer-path-overlay-${width}`);
      await expectAxeClean(page, `overlay designer at ${width}`);
    }

    // In English: the same page, no Indonesian UI text.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole("button", { name: "English", exact: true }).click();
    await page.getByRole("tab", { name: /^Targets/ }).waitFor();
    await waitForHydration(page);
    const en = (key: Parameters<typeof translate>[1]) => translate("en", key);
    const head = await page.locator(".designer-head").innerText();
    expect(head).toMatch(/Adaptation v\d+ on National v\d+/);
    const body = await page.locator("main").innerText();
    for (const key of ["designer.save", "designer.check", "designer.problems.title", "designer.tab.forms", "designer.tab.indicators"] as const) {
      expect(body, key).toContain(en(key));
      expect(body, key).not.toContain(t(key));
    }
    await page.getByRole("tab", { name: /^Publish/ }).click();
    expect(await page.locator("main").innerText()).not.toMatch(/\b(Terbitkan|Simpan|Periksa|belum|masalah)\b/);
    await screenshot(page, "designer-path-overlay-en-1366");
    await expectAxeClean(page, "overlay designer in English");
  }, 180_000);
});
