/**
 * District adaptation in a real browser: the Kota Sawahlunto district admin
 * opens the adaptation of ilp-nasional from the template library, overrides a target for the
 * district in the Target tab, adds a local field, a local form with a field, and relabels a national
 * one in the form builder (no JSON), saves, reads the plain-language summary, publishes, and sees
 * the Lokal/Diubah marks on the package page. Screenshot: designer-overlay.png.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { screenshot, useE2E, waitForHydration } from "./harness";

const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);

const e2e = useE2E({ name: "designer-overlay", login: "admin.sawahlunto", clean: { dialogs: false } });

async function tab(page: Page, name: string) {
  await page.getByRole("tab", { name, exact: false }).first().click();
}

describe("district adaptation", () => {
  it("admin.sawahlunto overrides a target, adds a local field, saves, publishes and sees the marks", async () => {
    const { page } = e2e;

    // From the library to the adaptation designer.
    await page.goto("/templates");
    await waitForHydration(page);
    const usage = page.getByRole("table", { name: t("templates.usageOf", { package: "ilp-nasional" }) });
    await usage
      .getByRole("row")
      .filter({ hasText: "Kota Sawahlunto" })
      .getByRole("link", { name: t("overlayDesigner.open") })
      .click();
    await page.waitForURL((url) => url.pathname === "/designer/overlay/13.73/ilp-nasional");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 1, name: /Kota Sawahlunto/ }).waitFor();
    await page.getByText(t("overlayDesigner.publishedInfo", { version: 1, base: 1 })).waitFor();

    // A local field through the form builder: the palette of section "Posyandu dan kader".
    await tab(page, t("designer.tab.forms"));
    await page.getByRole("button", { name: t("formbuilder.palette.add", { type: t("formbuilder.type.integer"), title: "Posyandu dan kader" }) }).click();
    await page.waitForFunction(() => /-label$/.test(document.activeElement?.id ?? ""));
    await page.locator(":focus").fill("Posyandu yang buka malam hari");

    await page.waitForFunction(() => document.querySelector('[data-field-key^="lokal_"]') !== null);
    const addedKey = await page.locator('[data-field-key^="lokal_"]').first().getAttribute("data-field-key");
    expect(addedKey).toMatch(/^lokal_/);

    // A relabel of a national field in the same builder: only its label may change, its key stays.
    const national = page.locator('li[data-field-key="posyandu_ilp"]');
    await national.getByRole("button", { name: "Posyandu ILP (melayani seluruh siklus hidup)", exact: true }).click();
    const nationalKey = national.getByLabel(t("formbuilder.field.key"), { exact: true });
    expect(await nationalKey.getAttribute("readonly")).not.toBeNull();
    await national.getByLabel(t("formbuilder.field.label"), { exact: true }).fill("Posyandu ILP aktif (Sawahlunto)");
    await national.getByRole("button", { name: "Posyandu ILP aktif (Sawahlunto)", exact: true }).waitFor();
    expect(await page.locator('li[data-field-key="posyandu_ilp"]').count()).toBe(1);

    // A local form of the district's own: "add form" in an adaptation gives a lokal_ key, and its
    // section takes fields from the palette like any form of the district's own package.
    await page.getByLabel(t("formbuilder.form.newTitle"), { exact: true }).fill("Kunjungan keluarga kota");
    await page.getByRole("button", { name: t("formbuilder.form.add"), exact: true }).click();
    await page
      .getByRole("button", { name: /^Kunjungan keluarga kota/ })
      .first()
      .waitFor();
    await page
      .getByRole("button", { name: t("formbuilder.palette.add", { type: t("formbuilder.type.integer"), title: t("formbuilder.section.defaultTitle") }) })
      .click();
    await page.waitForFunction(() => /-label$/.test(document.activeElement?.id ?? ""));
    await page.locator(":focus").fill("Rumah dikunjungi bulan ini");
    const localFieldKeys = await page.locator('[data-field-key^="lokal_"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-field-key")));
    expect(localFieldKeys.length).toBeGreaterThan(0);

    // The target override through the Target tab: the national 2026 target of SPM 1 is read-only,
    // the district adds its own for Kota Sawahlunto (13.73) with another value.
    await tab(page, t("designer.tab.targets"));
    await page.getByLabel(t("targets.filterIndicator"), { exact: true }).selectOption("spm_01");
    await page.getByLabel(t("targets.filterYear"), { exact: true }).selectOption("2026");
    const targets = page.locator("table.targets-table");
    const nationalRow = targets
      .locator("tbody tr")
      .filter({ hasText: t("targets.national") })
      .first();
    await nationalRow.waitFor();
    await expect.poll(async () => (await nationalRow.locator("td.num").textContent())?.trim()).toBe("100");
    await nationalRow.getByText(t("targets.readOnly")).waitFor();
    expect(await nationalRow.getByRole("button", { name: t("targets.edit") }).count()).toBe(0);

    await page.getByRole("button", { name: t("targets.add"), exact: true }).click();
    const editor = page
      .locator("section.ind-form")
      .filter({ has: page.getByRole("heading", { name: t("targets.editTitle", { indicator: "spm_01", year: 2026 }) }) });
    await editor.waitFor();
    // Overlay mode: only the district's own scopes are offered, and the district is preselected.
    const levelSelect = editor.getByLabel(t("targets.level"), { exact: true });
    expect((await levelSelect.locator("option").allTextContents()).sort()).toEqual([t("level.district"), t("level.puskesmas")].sort());
    expect(await levelSelect.inputValue()).toBe("district");
    expect(await editor.getByLabel(t("targets.org"), { exact: true }).inputValue()).toBe("13.73");
    await editor.getByLabel(t("targets.valueAnnual"), { exact: true }).fill("97");
    await editor.getByLabel(t("targets.source"), { exact: true }).fill("SK Kadinkes Kota Sawahlunto 2026");
    await editor.getByRole("button", { name: t("targets.close"), exact: true }).click();
    await editor.waitFor({ state: "detached" });
    const localRow = targets.locator("tbody tr").filter({ hasText: "Kota Sawahlunto" }).first();
    await localRow.waitFor();
    expect((await localRow.locator("td.num").textContent())?.trim()).toBe("97");
    expect(await localRow.locator(".origin-local").count()).toBeGreaterThan(0);
    expect((await nationalRow.locator("td.num").textContent())?.trim()).toBe("100");

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
    await panel.getByText(/Formulir lokal baru "Kunjungan keluarga kota" \(lokal_kunjungan_keluarga_kota\) dengan 1 isian/).waitFor();
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
    // The district's target for SPM 1 in 2026 is the one it set, marked local; the national default stays.
    const spm2026 = page.getByRole("row").filter({ hasText: "(spm_01)" }).filter({ hasText: "2026" });
    const targetRow = spm2026.filter({ hasText: "(13.73)" });
    expect(await targetRow.count()).toBe(1);
    expect((await targetRow.locator("td.num").textContent())?.trim()).toBe("97");
    expect(await targetRow.locator(".origin-local").count()).toBeGreaterThan(0);
    const nationalTarget = spm2026.filter({ hasNotText: "(13.73)" });
    expect(await nationalTarget.count()).toBe(1);
    expect((await nationalTarget.locator("td.num").textContent())?.trim()).toBe("100");
    e2e.expectClean();
  }, 120_000);
});
