/**
 * The national admin's indicator journey in Chromium: on a draft of
 * ilp-nasional, add an indicator whose numerator has a typo in a field key, see the inline error
 * at the right characters, fix it with autocomplete, preview it on the demo data, catch a bad
 * band, set a national target and copy last year's targets, then save the draft.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import type { TemplatePackage } from "@engine";
import { loginAndWaitHome, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";
import { withTargetsThrough } from "@seeds/demo/targets";

const T = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);
const seedPackage = (): TemplatePackage => JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));

const e2e = useE2E({ name: "designer-indicators", login: "admin.nasional", clean: { dialogs: false, consoleErrors: true } });
let draftPath = "";

beforeAll(async () => {
  const { app, page } = e2e;
  // A draft of the next version of ilp-nasional, made the way the library's button makes it.
  const res = await page.request.post("/designer/new", {
    form: { intent: "fromLatest", package: "ilp-nasional" },
    headers: { Origin: app.baseUrl },
    maxRedirects: 0,
  });
  expect(res.status(), await res.text()).toBe(302);
  draftPath = new URL(res.headers()["location"]!, app.baseUrl).pathname;
  expect(draftPath).toMatch(/^\/designer\/ilp-nasional\/\d+$/);
});

describe("indicator designer journey", () => {
  it("shows a typo in a formula at its characters, fixes it with autocomplete and previews on real data", async () => {
    const { page } = e2e;
    await page.goto(draftPath);
    await waitForHydration(page);
    await page.getByRole("tab", { name: T("designer.tab.indicators") }).click();
    await page.getByRole("button", { name: T("indicators.add") }).click();
    await page.getByLabel(T("indicators.nameId"), { exact: true }).fill("Cakupan K6 uji coba");
    expect(await page.getByLabel(T("indicators.key"), { exact: true }).inputValue()).toBe("cakupan_k6_uji_coba");

    // A typo: spm01_bumil_k5 does not exist (the field is spm01_bumil_k6).
    const numerator = page.getByRole("combobox", { name: T("indicators.numerator") });
    await numerator.fill("spm01_bumil_k5 + 0");
    const error = page.locator(".fi-errors li[data-code='UNKNOWN_IDENTIFIER']").first();
    await error.waitFor();
    expect(await error.getAttribute("data-start")).toBe("0");
    expect(await error.getAttribute("data-end")).toBe("14");
    expect(await error.innerText()).toContain("spm01_bumil_k5");
    expect(await error.innerText()).toContain(T("formula.at", { from: 1, to: 14, text: "spm01_bumil_k5" }));
    // The marked range inside the input's backdrop is exactly the typo.
    const marked = numerator.locator("xpath=preceding-sibling::div[contains(@class,'fi-backdrop')]").locator("mark");
    expect(await marked.allInnerTexts()).toEqual(["spm01_bumil_k5"]);
    // ... and it lies under the typed characters: same start, and narrower than the whole text.
    const [markBox, inputBox] = [await marked.boundingBox(), await numerator.boundingBox()];
    expect(markBox && inputBox).toBeTruthy();
    expect(markBox!.width).toBeGreaterThan(20);
    expect(markBox!.x).toBeGreaterThan(inputBox!.x);
    expect(markBox!.x - inputBox!.x).toBeLessThan(16);
    expect(markBox!.y).toBeGreaterThanOrEqual(inputBox!.y);
    expect(markBox!.y + markBox!.height).toBeLessThanOrEqual(inputBox!.y + inputBox!.height);
    const textWidth = await numerator.evaluate((el: HTMLInputElement) => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = getComputedStyle(el).font;
      return ctx.measureText("spm01_bumil_k5").width;
    });
    expect(Math.abs(markBox!.width - textWidth)).toBeLessThan(2);
    expect(await numerator.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "designer-indicator-formula-error");

    // Fix it with autocomplete: caret after the typo, delete the wrong digit, pick the suggestion.
    await numerator.click();
    await numerator.press("Home");
    for (let i = 0; i < 14; i++) await numerator.press("ArrowRight");
    await numerator.press("Backspace");
    const listbox = page.getByRole("listbox", { name: T("formula.suggestions", { label: T("indicators.numerator") }) });
    await listbox.waitFor();
    expect(await numerator.getAttribute("aria-expanded")).toBe("true");
    const option = listbox.getByRole("option").first();
    expect(await option.innerText()).toContain("spm01_bumil_k6");
    expect(await option.getAttribute("aria-selected")).toBe("true");
    await numerator.press("Enter");
    expect(await numerator.inputValue()).toBe("spm01_bumil_k6 + 0");
    await expect.poll(() => page.locator(".fi-errors li").count()).toBe(0);
    expect(await numerator.getAttribute("aria-invalid")).toBe("false");

    const denominator = page.getByRole("combobox", { name: T("indicators.denominator") });
    await denominator.fill("spm01_sasaran_bumil");
    await denominator.press("Escape");
    expect(await denominator.getAttribute("aria-expanded")).toBe("false");

    // Preview on the demo data of the last 6 months, nation-wide.
    await page.getByRole("button", { name: T("indpreview.run") }).click();
    const table = page.getByRole("table", { name: T("indpreview.caption", { key: "cakupan_k6_uji_coba" }) });
    await table.waitFor({ timeout: 30_000 });
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBe(6);
    const values = await rows.locator("td:nth-child(2)").allInnerTexts();
    expect(values.filter((v) => /\d/.test(v)).length).toBeGreaterThan(0);
    const numerators = await rows.locator("td:nth-child(3)").allInnerTexts();
    expect(numerators.every((v) => /^\d[\d.]*$/.test(v.trim()))).toBe(true);
    expect(await page.getByText(T("indpreview.scope", { name: "Indonesia", rows: 4 })).count()).toBe(1);
    await screenshot(page, "designer-indicator");

    // Bad band: yellow not below green is refused next to the input, the draft keeps it.
    const yellow = page.getByLabel(T("indicators.yellow"), { exact: true });
    await yellow.fill("120");
    await page
      .getByRole("tabpanel")
      .getByText(T("indcheck.bandsOrder", { yellow: 120, green: 100 }))
      .waitFor();
    await yellow.fill("80");
    await expect.poll(() => page.getByText(T("indcheck.bandsOrder", { yellow: 120, green: 100 })).count()).toBe(0);
    e2e.expectClean();
  });

  it("sets a national target, copies last year's targets, and saves the draft", async () => {
    const { page } = e2e;
    await page.getByRole("tab", { name: T("designer.tab.targets") }).click();
    await page.getByLabel(T("targets.filterIndicator"), { exact: true }).selectOption("cakupan_k6_uji_coba");
    // The demo carries targets forward to the year it was seeded: the newest year is 2026 or later.
    const year = Math.max(2026, new Date().getUTCFullYear());
    await page.getByLabel(T("targets.filterYear"), { exact: true }).selectOption(String(year));
    await page.getByRole("button", { name: T("targets.add") }).click();
    const value = page.getByLabel(T("targets.valueAnnual"), { exact: true });
    await value.fill("95");
    expect(await page.getByLabel(T("targets.level"), { exact: true }).inputValue()).toBe("national");

    // A quarterly profile without its 4 values is pointed out; then flat again.
    await page.getByLabel(T("targets.profile"), { exact: true }).selectOption("quarterly");
    await page
      .getByRole("tabpanel")
      .getByText(T("indcheck.profileQuarterly", { count: 0 }))
      .waitFor();
    await page.getByLabel(T("targets.valuesQuarterly"), { exact: true }).fill("25; 50; 75; 95");
    await expect.poll(() => page.getByText(T("indcheck.profileQuarterly", { count: 0 })).count()).toBe(0);
    await page.getByRole("button", { name: T("targets.close") }).click();
    const row = page.locator(`tr[data-target='cakupan_k6_uji_coba|${year}|national|']`);
    await row.waitFor();
    expect(await row.innerText()).toContain("95");

    // Copy year → year + 1: every target of that year (the package's and ours) is copied once.
    const next = year + 1;
    const expected = withTargetsThrough(seedPackage(), year).targets.filter((t) => t.year === year).length + 1;
    await page.getByLabel(T("targets.copyYear"), { exact: true }).fill(String(next));
    await page.getByRole("button", { name: T("targets.copy") }).click();
    await page.getByText(T("targets.copyDone", { copied: expected, skipped: 0, from: year, to: next })).waitFor();
    // A second copy skips them all.
    await page.getByRole("button", { name: T("targets.copy") }).click();
    await page.getByText(T("targets.copyDone", { copied: 0, skipped: expected, from: year, to: next })).waitFor();
    await page.getByLabel(T("targets.filterIndicator"), { exact: true }).selectOption("");
    expect(await page.locator(`tr[data-target$='|${next}|national|']`).count()).toBe(expected);
    await page.locator(`tr[data-target='cakupan_k6_uji_coba|${next}|national|']`).waitFor();

    await page.getByRole("button", { name: T("designer.save") }).click();
    await page.getByText(T("designer.save.clean")).waitFor({ timeout: 30_000 });
    const body = await page.locator("body").innerText();
    expect(body).not.toMatch(STACK_TRACE_PATTERN);
    e2e.expectClean();
  });

  it("in a district adaptation, national indicators keep only their bands editable, national targets and rules are read-only", async () => {
    const d = await e2e.newSession();
    try {
      const { page } = d;
      await loginAndWaitHome(page, "admin.sawahlunto");
      await page.goto("/designer/overlay/13.73/ilp-nasional");
      await waitForHydration(page);

      await page.getByRole("tab", { name: T("designer.tab.indicators") }).click();
      await page.getByRole("button", { name: T("indicators.editNamed", { name: seedPackage().indicators.find((i) => i.key === "spm_01")!.name.id }) }).click();
      await page.getByText(T("indicators.nationalLocked")).waitFor();
      expect(await page.getByLabel(T("indicators.nameId"), { exact: true }).isDisabled()).toBe(true);
      expect(await page.getByRole("combobox", { name: T("indicators.numerator") }).isDisabled()).toBe(true);
      expect(await page.getByLabel(T("indicators.green"), { exact: true }).isEnabled()).toBe(true);
      // The preview covers the district admin's own district.
      await page.getByRole("button", { name: T("indpreview.run") }).click();
      await page.getByText(T("indpreview.scope", { name: "Kota Sawahlunto", rows: 6 })).waitFor({ timeout: 30_000 });

      await page.getByRole("tab", { name: T("designer.tab.targets") }).click();
      await page.getByLabel(T("targets.filterYear"), { exact: true }).selectOption("2026");
      const national = page.locator("tr[data-target='spm_01|2026|national|']");
      expect(await national.innerText()).toContain(T("targets.readOnly"));
      expect(await national.locator(".origin-national").count()).toBe(1);
      await page.getByRole("button", { name: T("targets.add") }).click();
      const levels = await page.getByLabel(T("targets.level"), { exact: true }).locator("option").allInnerTexts();
      expect(levels).toEqual([T("level.district"), T("level.puskesmas")]);
      expect(await page.getByLabel(T("targets.org"), { exact: true }).inputValue()).toBe("13.73");

      await page.getByRole("tab", { name: T("designer.tab.rules") }).click();
      await page.getByText(T("rules.nationalLocked")).waitFor();
      await page.getByRole("button", { name: T("rules.add") }).click();
      expect(await page.getByLabel(T("rules.key"), { exact: true }).inputValue()).toMatch(/^lokal_/);
      expect(d.problems.pageErrors).toEqual([]);
      expect(d.problems.cspViolations).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
