/**
 * Package designer in a real browser: the national admin creates a draft of
 * ilp-nasional from the library, changes a field label (to text carrying markup, which must stay
 * text) and adds a field through the JSON view, saves, reads the plain-language diff on the
 * publish tab, confirms and sees version 2 published in the library. Screenshot of the diff.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { screenshot, useE2E, waitForHydration } from "./harness";

const XSS = "<img src=x onerror=alert(1)>";
const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("id", key, vars);

const e2e = useE2E({ name: "designer-publish", login: "admin.nasional" });

function inlineHandlers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("*")).flatMap((el) =>
      Array.from(el.attributes)
        .filter((a) => a.name.toLowerCase().startsWith("on"))
        .map((a) => `${el.tagName.toLowerCase()}[${a.name}]`),
    ),
  );
}

/** Sets a large textarea value the way typing would (React sees an input event); fill() types too slowly for ~100 KB. */
async function setText(box: ReturnType<Page["getByLabel"]>, text: string) {
  await box.evaluate((el, value) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
    setter.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
}

describe("package designer: draft → publish", () => {
  it("admin.nasional drafts ilp-nasional v2 through the JSON view, reads the diff, confirms and publishes", async () => {
    const { page } = e2e;

    await page.goto("/templates");
    await waitForHydration(page);
    const pkg = page.locator("section.template-package").filter({ has: page.getByRole("heading", { level: 2, name: /ilp-nasional/ }) });
    await pkg.getByRole("button", { name: t("designer.library.newVersion"), exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/designer/ilp-nasional/2");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 1, name: /Perancang/ }).waitFor();

    // JSON view: relabel the first field (with markup) and add a field, then apply.
    await page.getByRole("tab", { name: t("designer.tab.json"), exact: true }).click();
    const box = page.getByLabel(t("designer.json.label"), { exact: true });
    const doc = JSON.parse(await box.inputValue());
    expect(doc.version).toBe(2);
    const fields = doc.forms[0].sections[0].fields;
    const oldLabel: string = fields[0].label.id;
    fields[0].label = { ...fields[0].label, id: `SK klaster ${XSS}` };
    fields.push({ key: "jumlah_klaster_aktif", type: "integer", label: { id: "Jumlah klaster aktif" }, min: 0, max: 5 });
    await setText(box, JSON.stringify(doc));
    await page.getByRole("button", { name: t("designer.json.apply"), exact: true }).click();
    await page.getByText(t("designer.json.applied")).waitFor();
    await page.getByText(t("designer.save.unsaved")).waitFor();

    // Broken JSON is not applied and the text stays in the box.
    const broken = '{"key": "ilp-nasional",';
    await box.fill(broken);
    await page.getByRole("button", { name: t("designer.json.apply"), exact: true }).click();
    await page.locator("#designer-json-error").waitFor();
    expect(await box.inputValue()).toBe(broken);
    await page.getByRole("button", { name: t("designer.json.reset"), exact: true }).click();
    expect(JSON.parse(await box.inputValue()).forms[0].sections[0].fields.at(-1).key).toBe("jumlah_klaster_aktif");

    await page.getByRole("button", { name: t("designer.save"), exact: true }).click();
    await page.getByText(t("designer.save.done"), { exact: true }).waitFor();
    await page.getByText(t("designer.save.clean")).waitFor();

    // Publish tab: the diff in plain language.
    await page.getByRole("tab", { name: t("designer.tab.publish"), exact: true }).click();
    const diff = page.getByTestId("publish-diff");
    await diff.waitFor();
    const text = await diff.innerText();
    expect(text).toContain(t("designer.diff.against", { from: 1, to: 2 }));
    expect(text).toContain(t("designer.diff.field", { label: "Jumlah klaster aktif", key: "jumlah_klaster_aktif", form: "ilp_profil" }));
    expect(text).toContain(oldLabel);
    // The label's markup is shown as text; no element got an event handler, nothing ran.
    expect(text).toContain(`SK klaster ${XSS}`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await inlineHandlers(page)).toEqual([]);
    await screenshot(page, "designer-publish-diff");

    const submit = page.getByRole("button", { name: t("designer.publish.submit", { version: 2 }), exact: true });
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel(t("designer.publish.confirm", { key: "ilp-nasional", version: 2 })).check();
    await submit.click();

    await page.waitForURL((url) => url.pathname === "/templates");
    await page.getByText(t("designer.library.published", { key: "ilp-nasional", version: 2 })).waitFor();
    // The versions table comes first; its version cell reads exactly "v2".
    const v2 = pkg
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: "v2", exact: true }) })
      .first();
    expect(await v2.innerText()).toContain(t("templates.status.published"));
    expect(await pkg.innerText()).toContain(t("templates.latest", { version: 2 }));
    await screenshot(page, "designer-published-library");

    e2e.expectClean();
  }, 180_000);
});
