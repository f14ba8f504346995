/**
 * The form builder in a real browser: the national admin opens a draft of
 * ilp-nasional, adds a form with a yes/no question, a number shown only when the answer is "Ya"
 * (show-if built with clicks), and a calculated field; sees the min > max check; reorders a field
 * with the keyboard (focus stays on the moved field, the move is announced); fills the live
 * preview with a value beyond its maximum, gets the server's Indonesian error next to it, fixes
 * it. A label with markup renders as text. Then sets who reports the Posyandu recap (levels and
 * groups, decision 036) and sees an unknown group key listed as a problem in words. No CSP
 * violation, page error or dialog on the way.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { screenshot, useE2E, waitForHydration } from "./harness";

const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);
const XSS = "<img src=x onerror=alert(1)>";
const YES_NO = "Ada Posbindu aktif?";
const COUNT = "Jumlah peserta Posbindu";
const CALC = `Dua kali peserta ${XSS}`;

const e2e = useE2E({ name: "designer-forms", login: "admin.nasional" });

/**
 * A draft of ilp-nasional open in the designer: through the library's "Buat draf versi baru"
 * button when the page offers it, otherwise a copy of v1 inserted through the app's db helpers
 * into the test server's database.
 */
async function openDraft(page: Page): Promise<void> {
  await page.goto("/templates/ilp-nasional/1");
  await waitForHydration(page);
  const button = page
    .getByRole("button", { name: /Buat draf versi baru/ })
    .or(page.getByRole("link", { name: /Buat draf versi baru/ }))
    .first();
  if (await button.isVisible().catch(() => false)) {
    await button.click();
    await page.waitForURL(/\/designer\/ilp-nasional\/\d+$/);
  } else {
    await insertDraftCopy();
    await page.goto("/designer/ilp-nasional/2");
  }
  await waitForHydration(page);
}

async function insertDraftCopy(): Promise<void> {
  const { openDb, nowIso } = await import("~/db/db.server");
  const handle = openDb(e2e.app.databaseUrl);
  try {
    const v1 = await handle.db.selectFrom("template_package").selectAll().where("key", "=", "ilp-nasional").where("version", "=", 1).executeTakeFirstOrThrow();
    const doc = { ...JSON.parse(v1.document), version: 2 };
    const now = nowIso();
    await handle.db
      .insertInto("template_package")
      .values({
        key: v1.key,
        version: 2,
        status: "draft",
        owner_org_unit_id: v1.owner_org_unit_id,
        title: v1.title,
        document: JSON.stringify(doc),
        created_by: null,
        created_at: now,
        published_at: null,
        revision: 1,
        updated_at: now,
      })
      .execute();
  } finally {
    await handle.destroy();
  }
}

/** dragstart on `source`, dragenter/dragover/drop on `target`, dragend on `source`, sharing one DataTransfer. */
async function dragAndDrop(page: Page, source: Locator, target: Locator): Promise<void> {
  const from = await source.elementHandle();
  const to = await target.elementHandle();
  await page.evaluate(
    ([a, b]) => {
      const dataTransfer = new DataTransfer();
      const fire = (el: Element, type: string) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
      fire(a!, "dragstart");
      fire(b!, "dragenter");
      fire(b!, "dragover");
      fire(b!, "drop");
      fire(a!, "dragend");
    },
    [from, to] as const,
  );
}

/** The builder's row of a field (head + properties when open). */
function fieldRow(page: Page, key: string): Locator {
  return page.locator(`li.fb-field[data-field-key="${key}"]`);
}

async function keyOf(page: Page): Promise<string> {
  return page.getByLabel(t("formbuilder.field.key"), { exact: true }).inputValue();
}

async function fieldOrder(page: Page): Promise<string[]> {
  return page.locator("li.fb-field").evaluateAll((els) => els.map((e) => e.getAttribute("data-field-key") ?? ""));
}

describe("form builder", () => {
  it("builds a form with show-if and a calculated field, reorders by keyboard, and checks the preview on the server", async () => {
    const { page } = e2e;
    await openDraft(page);
    const formsTab = page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.forms")}`) });
    if (await formsTab.isVisible().catch(() => false)) await formsTab.click();

    // A new form: key from the title, one section.
    await page.getByLabel(t("formbuilder.form.newTitle"), { exact: true }).fill("Posbindu PTM");
    await page.getByLabel(t("formbuilder.form.period"), { exact: true }).first().selectOption("month");
    await page.getByRole("button", { name: t("formbuilder.form.add"), exact: true }).click();
    await page.getByRole("heading", { name: t("formbuilder.form.heading", { title: "Posbindu PTM" }) }).waitFor();
    const section = t("formbuilder.section.defaultTitle");
    const addTo = (type: string) => page.getByRole("button", { name: t("formbuilder.palette.add", { type, title: section }), exact: true });
    const label = () => page.getByLabel(t("formbuilder.field.label"), { exact: true });

    // Yes/no question; the key follows the label.
    await addTo(t("formbuilder.type.boolean")).click();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(t("formbuilder.newLabel.boolean"));
    await label().fill(YES_NO);
    await expect.poll(() => keyOf(page)).toBe("ada_posbindu_aktif");

    // Whole number with a maximum, shown only if the question is answered "Ya".
    await addTo(t("formbuilder.type.integer")).click();
    await label().fill(COUNT);
    await expect.poll(() => keyOf(page)).toBe("jumlah_peserta_posbindu");
    const min = page.getByLabel(t("formbuilder.field.min"), { exact: true });
    await page.getByLabel(t("formbuilder.field.max"), { exact: true }).fill("50");
    await min.fill("100");
    const minMax = fieldRow(page, "jumlah_peserta_posbindu").getByText(t("formbuilder.check.minMax", { min: 100, max: 50 }));
    await minMax.waitFor();
    await min.fill("");
    await expect(minMax.count()).resolves.toBe(0);
    await page.getByLabel(t("formbuilder.showIf.enable"), { exact: true }).check();
    await page.getByLabel(t("formbuilder.showIf.field", { n: 1 }), { exact: true }).selectOption({ label: YES_NO });
    await page.getByLabel(t("formbuilder.showIf.op", { n: 1 }), { exact: true }).selectOption({ label: t("formbuilder.op.eq") });
    await page.getByLabel(t("formbuilder.showIf.value", { n: 1 }), { exact: true }).selectOption({ label: t("formbuilder.yes") });

    // Calculated field whose label carries markup; a formula over a missing field is flagged first.
    await addTo(t("formbuilder.type.calculated")).click();
    await label().fill(CALC);
    const calcKey = await keyOf(page);
    expect(calcKey).toMatch(/^dua_kali_peserta_/);
    const formula = page.getByLabel(t("formbuilder.field.formula"), { exact: true });
    await formula.fill("jumlah_peserta * 2");
    await expect.poll(() => formula.getAttribute("aria-invalid")).toBe("true");
    await formula.fill("jumlah_peserta_posbindu * 2");
    await expect.poll(() => formula.getAttribute("aria-invalid")).not.toBe("true");
    await formula.press("Escape");
    expect(await fieldOrder(page)).toEqual(["ada_posbindu_aktif", "jumlah_peserta_posbindu", calcKey]);

    // Keyboard reorder: the question moves down, focus stays on it, the move is announced,
    // and the show-if now reading a later field is flagged; moving back up clears it.
    const down = page.getByRole("button", { name: t("formbuilder.field.down", { label: YES_NO }), exact: true });
    await down.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => fieldOrder(page)).toEqual(["jumlah_peserta_posbindu", "ada_posbindu_aktif", calcKey]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(t("formbuilder.field.down", { label: YES_NO }));
    await page
      .getByRole("status")
      .filter({ hasText: t("formbuilder.moved", { label: YES_NO, position: 2, total: 3, section }) })
      .waitFor({ state: "attached" });
    await fieldRow(page, "jumlah_peserta_posbindu").getByRole("button", { name: COUNT, exact: true }).click();
    await fieldRow(page, "jumlah_peserta_posbindu")
      .getByText(/letaknya di bawah isian ini/)
      .waitFor();
    await page.getByRole("button", { name: t("formbuilder.field.up", { label: YES_NO }), exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => fieldOrder(page)).toEqual(["ada_posbindu_aktif", "jumlah_peserta_posbindu", calcKey]);
    // At the top "up" is disabled, so focus lands on the same field's "down" button.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(t("formbuilder.field.down", { label: YES_NO }));
    await expect(
      fieldRow(page, "jumlah_peserta_posbindu")
        .getByText(/letaknya di bawah isian ini/)
        .count(),
    ).resolves.toBe(0);

    // Drag and drop (HTML5 events; headless Chromium does not start a native drag from mouse
    // input here, so the test dispatches the events a drag gesture produces): the calculated
    // field onto the first row, then onto the section's empty end.
    await dragAndDrop(page, fieldRow(page, calcKey).locator(".fb-handle"), fieldRow(page, "ada_posbindu_aktif").locator(".fb-field-head"));
    await expect.poll(() => fieldOrder(page)).toEqual([calcKey, "ada_posbindu_aktif", "jumlah_peserta_posbindu"]);
    await page
      .getByRole("status")
      .filter({ hasText: t("formbuilder.moved", { label: CALC, position: 1, total: 3, section }) })
      .waitFor({ state: "attached" });
    await dragAndDrop(page, fieldRow(page, calcKey).locator(".fb-handle"), page.locator(".fb-section .fb-palette").last());
    await expect.poll(() => fieldOrder(page)).toEqual(["ada_posbindu_aktif", "jumlah_peserta_posbindu", calcKey]);
    await screenshot(page, "designer-builder");

    // Live preview: the number appears only after "Ya"; the calculation follows.
    const preview = page.locator(".fb-preview");
    await expect(preview.locator("#root_jumlah_peserta_posbindu").count()).resolves.toBe(0);
    await preview.locator("#root_ada_posbindu_aktif").getByLabel("Ya", { exact: true }).check();
    await preview.locator("#root_jumlah_peserta_posbindu").fill("80");
    await expect.poll(() => preview.locator(`#root_${calcKey}`).inputValue()).toBe("160");
    // The label with markup is text: no element was made from it.
    await expect(preview.getByText(CALC).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator(".fb img, .fb-preview img").count()).resolves.toBe(0);

    // The server's validation: beyond the maximum → the Indonesian message next to the field.
    await page.getByRole("button", { name: t("formbuilder.preview.check"), exact: true }).click();
    const countBlock = preview.locator(".form-group", { has: page.locator("#root_jumlah_peserta_posbindu") }).last();
    await countBlock.getByText(/paling banyak 50, tetapi terisi/).waitFor();
    await screenshot(page, "designer-preview");
    await preview.locator("#root_jumlah_peserta_posbindu").fill("20");
    await expect(countBlock.getByText(/paling banyak 50/).count()).resolves.toBe(0);
    await expect.poll(() => preview.locator(`#root_${calcKey}`).inputValue()).toBe("40");
    await page.getByRole("button", { name: t("formbuilder.preview.check"), exact: true }).click();
    await preview.getByText(t("formbuilder.preview.passed")).waitFor();

    // "Ya" → "Tidak" hides the number again (its answer is kept for when it flips back).
    await preview.locator("#root_ada_posbindu_aktif").getByLabel("Tidak", { exact: true }).check();
    await expect.poll(() => preview.locator("#root_jumlah_peserta_posbindu").count()).toBe(0);
    e2e.expectClean();
  });

  it("sets who reports a form with checkboxes: levels (never none) and groups, an unknown typed key listed as a problem in words, saved to the draft", async () => {
    // A fresh session, and the first test's page taken off the designer: an autosave of its older
    // document landing after this page loaded would make this page's save stale (409).
    await e2e.page.close(); // without its "unsaved changes" prompt, which a navigation would meet
    const session = await e2e.signedIn("admin.nasional");
    const { page } = session;
    const opened = await page.goto("/designer/ilp-nasional/2");
    if (opened?.status() !== 200) await openDraft(page);
    await waitForHydration(page);
    const formsTab = page.getByRole("tab", { name: new RegExp(`^${t("designer.tab.forms")}`) });
    if (await formsTab.isVisible().catch(() => false)) await formsTab.click();
    await page.getByRole("button", { name: /^Rekap Bulanan Posyandu ILP/ }).click();
    const settings = page.getByTestId("fb-reporting");
    const level = (name: "puskesmas" | "pustu" | "posyandu") => settings.getByLabel(t(`formbuilder.reporting.level.${name}`), { exact: true });
    // The recap is reported by Posyandu: its only level cannot be unchecked.
    await expect(level("posyandu").isChecked()).resolves.toBe(true);
    await expect(level("posyandu").isDisabled()).resolves.toBe(true);
    await level("pustu").check();
    await expect(level("posyandu").isDisabled()).resolves.toBe(false);
    await level("posyandu").uncheck();
    await expect(level("pustu").isDisabled()).resolves.toBe(true);

    // Groups: the demo's blud group by name, and a key typed by hand (a bad one is kept, with the reason).
    await settings.getByLabel(/Puskesmas BLUD \(data demo\) \(blud, Indonesia\)/).check();
    const typed = settings.getByLabel(t("formbuilder.reporting.typeKey"), { exact: true });
    await typed.fill("Lokus ILP");
    await settings.getByRole("button", { name: t("formbuilder.reporting.addKey"), exact: true }).click();
    await settings.getByText(t("formbuilder.reporting.badKey")).waitFor();
    await expect(typed.inputValue()).resolves.toBe("Lokus ILP");
    await typed.fill("lokus_ilp_2025");
    await typed.press("Enter");
    await settings.locator("code", { hasText: "lokus_ilp_2025" }).waitFor();

    // Saved: the server lists the unknown key in words, at its place.
    await page.getByRole("button", { name: t("designer.save"), exact: true }).click();
    // The server's answer to this save (not a problem the page computed itself, nor an earlier autosave).
    await page
      .getByText(/^Draf tersimpan dengan \d+ masalah/)
      .first()
      .waitFor();
    const problem = page.getByTestId("problem-list").locator("li", { hasText: 'Kelompok "lokus_ilp_2025" tidak ada' });
    await problem.waitFor();
    await expect(problem.getByRole("button").textContent()).resolves.toContain(t("designer.where.prop.appliesTo"));
    await settings.getByText(/Kelompok "lokus_ilp_2025" tidak ada/).waitFor();
    await screenshot(page, "designer-reporting");
    await expect.poll(async () => (await storedForm("posyandu_ilp_bulanan")).reportingLevels).toEqual(["pustu"]);
    const stored = await storedForm("posyandu_ilp_bulanan");
    expect(stored.reportingLevels).toEqual(["pustu"]);
    expect(stored.appliesTo).toEqual({ groups: ["blud", "lokus_ilp_2025"] });

    // Removing the unknown key and saving again clears the problem.
    await settings.getByRole("button", { name: t("formbuilder.reporting.remove", { key: "lokus_ilp_2025" }), exact: true }).click();
    await page.getByRole("button", { name: t("designer.save"), exact: true }).click();
    await expect.poll(() => problem.count()).toBe(0);
    await expect.poll(async () => (await storedForm("posyandu_ilp_bulanan")).appliesTo).toEqual({ groups: ["blud"] });
    e2e.expectClean(session);
  });
});

/** A form of the stored draft v2, read from the test server's database. */
async function storedForm(key: string): Promise<{ reportingLevels?: string[]; appliesTo?: { groups: string[] } }> {
  const { openDb } = await import("~/db/db.server");
  const handle = openDb(e2e.app.databaseUrl);
  try {
    const row = await handle.db
      .selectFrom("template_package")
      .select("document")
      .where("key", "=", "ilp-nasional")
      .where("version", "=", 2)
      .executeTakeFirstOrThrow();
    const forms = (JSON.parse(row.document) as { forms: Array<{ key: string; reportingLevels?: string[]; appliesTo?: { groups: string[] } }> }).forms;
    return forms.find((f) => f.key === key)!;
  } finally {
    await handle.destroy();
  }
}
