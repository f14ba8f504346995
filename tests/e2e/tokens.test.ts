/**
 * API tokens in Chromium (docs/api.md, docs/decisions/047-api-tokens.md): a district admin opens
 * /tokens from the menu, fills the issue form with the keyboard only, first with a too-short name
 * and another district's unit (refused in Indonesian, what they typed kept), then a valid token:
 * the secret is shown once (selected, with a copy button and a "shown once" warning; gone after a
 * reload), the list shows its role, unit, access, package and expiry in UTC. The secret works on
 * /api/v1 and is refused by a web page; revoking (two steps, no browser dialog) makes the API
 * answer 401 problem+json. The page in English has no Indonesian left. axe-core finds no serious
 * or critical problem with the empty list, with the secret shown, and after the revoke.
 *
 * The demo is seeded as of 20 November 2026 12:00 UTC (PANTAU_NOW; the server's clock ticks on
 * from there, so expiry minutes are matched loosely). One sign-in.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/catalog";
import { id as idMessages } from "~/i18n/messages/api";
import { accessibilityProblems, screenshot, unfoldMenu, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "tokens", login: "admin.sawahlunto", env: { PANTAU_NOW: "2026-11-20T12:00:00.000Z" } });

const NAME = "SIMPUS Sungai Durian";

async function axeClean(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

function api(path: string, secret: string, init: RequestInit = {}) {
  return fetch(`${e2e.app.baseUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${secret}`, ...init.headers } });
}

/** Replaces a field's content by typing, the keyboard only. */
async function retype(page: Page, text: string) {
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

describe("API tokens page", () => {
  let secret = "";
  let tokenId = 0;

  it("is in the menu and shows an empty list", async () => {
    const page = e2e.page;
    await unfoldMenu(page);
    await page
      .getByRole("navigation", { name: translate("id", "nav.main") })
      .getByRole("link", { name: "Token API" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Token API" }).waitFor();
    await waitForHydration(page);
    expect(page.url()).toMatch(/\/tokens$/);
    await page.getByText("Belum ada token.").waitFor();
    // One main landmark: the shell's (the page does not nest its own).
    expect(await page.getByRole("main").count()).toBe(1);
    await axeClean(page);
  });

  it("refuses a bad token in Indonesian, keeps what was typed; the form works with the keyboard only", async () => {
    const page = e2e.page;
    await page.getByLabel("Nama token").focus();
    await page.keyboard.type("ab");
    await page.keyboard.press("Tab"); // role: the default, Operator Puskesmas
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("role");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("unitCode");
    await page.keyboard.type("P9999999"); // not in Sawahlunto
    await page.keyboard.press("Escape"); // closes the unit suggestions, if open
    await page.keyboard.press("Tab"); // access: "read" is checked
    await page.keyboard.press("ArrowRight"); // → read and write
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("packageKeys");
    await page.keyboard.type("ilp-nasional");
    await page.keyboard.press("Tab"); // for user: empty (an integration)
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("days");
    await retype(page, "30");
    await page.keyboard.press("Enter");

    await page.getByRole("alert").filter({ hasText: "Token belum dibuat" }).waitFor();
    const name = page.getByLabel("Nama token");
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => page.locator("#err-name").innerText()).toContain("Nama token 3–100 karakter");
    // Unknown code: the message names it and says what is wrong.
    expect(await page.locator("#err-unitCode").innerText()).toBe("Tidak ada unit dengan kode P9999999.");
    // Nothing typed is lost.
    expect(await name.inputValue()).toBe("ab");
    expect(await page.getByLabel("Kode unit").inputValue()).toBe("P9999999");
    expect(await page.getByLabel("Paket").inputValue()).toBe("ilp-nasional");
    expect(await page.getByLabel(/^Berlaku \(hari/).inputValue()).toBe("30");
    expect(await page.getByRole("radio", { name: "Baca dan tulis" }).isChecked()).toBe(true);
    // The hint stays read with the field next to the error.
    expect(await page.getByLabel("Kode unit").getAttribute("aria-describedby")).toBe("hint-unit err-unitCode");

    // A unit that exists, but in another district: beyond the admin's rights.
    await page.getByLabel("Kode unit").focus();
    await retype(page, "33.24");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    await page.locator("#err-role").filter({ hasText: "tidak boleh memberi peran ini di unit ini" }).waitFor();
    expect(await page.getByLabel("Kode unit").inputValue()).toBe("33.24");
    await screenshot(page, "tokens-refused");
    e2e.expectClean();
  });

  it("issues a valid token: the secret is shown once, selected and copyable, and listed with scope and expiry", async () => {
    const page = e2e.page;
    await e2e.session.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: e2e.app.baseUrl });
    // The unit field suggests the district's Puskesmas.
    expect(await page.locator("datalist#unit-codes option[value='P1373001']").count()).toBe(1);
    await page.getByLabel("Nama token").focus();
    await retype(page, NAME);
    await page.getByLabel("Kode unit").focus();
    await retype(page, "P1373001");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");

    const heading = page.getByRole("heading", { level: 2, name: /^Token #\d+ dibuat$/ });
    await heading.waitFor();
    tokenId = Number((await heading.innerText()).match(/#(\d+)/)![1]);
    const field = page.getByLabel("Rahasia token");
    secret = await field.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    // Focused and selected, so Ctrl+C copies it straight away.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("token-secret");
    expect(await field.evaluate((el: HTMLInputElement) => el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0))).toBe(secret);
    expect(await field.getAttribute("readonly")).not.toBeNull();
    const panel = page.locator("section", { has: heading });
    expect(await panel.innerText()).toContain("Rahasia ini hanya ditampilkan sekali.");
    expect(await panel.innerText()).toMatch(/Berlaku sampai 2026-12-20 12:\d\d UTC\./);

    await page.getByRole("button", { name: "Salin rahasia" }).click();
    await page.getByRole("status").filter({ hasText: "Rahasia disalin ke papan klip" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(page, "tokens-secret");
    await axeClean(page);

    const row = page.getByRole("row").filter({ hasText: NAME });
    const text = await row.innerText();
    expect(text).toContain(`#${tokenId}`);
    expect(text).toContain(translate("id", "role.puskesmas_operator"));
    expect(text).toContain("(P1373001)");
    expect(text).toContain("Baca dan tulis");
    expect(text).toContain("ilp-nasional");
    expect(text).toMatch(/Aktif sampai 2026-12-20 12:\d\d UTC/);
    expect(text).toContain("Belum pernah");
    // The secret itself is nowhere but in its field.
    expect(text).not.toContain(secret);

    // Not shown again: a reload has no secret, not even in the HTML.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Token API" }).waitFor();
    await waitForHydration(page);
    expect(await page.getByLabel("Rahasia token").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByRole("row").filter({ hasText: NAME }).count()).toBe(1);
    e2e.expectClean();
  });

  it("the secret works on /api/v1, and a web page refuses it", async () => {
    const res = await api("/api/v1/org-units", secret);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/json/);
    const page = await api("/tokens", secret);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain(translate("id", "api.webRefusesToken"));
  });

  it("revokes after a second step: listed as revoked, the API answers 401 problem", async () => {
    const page = e2e.page;
    await page.reload();
    await waitForHydration(page);
    const row = page.getByRole("row").filter({ hasText: NAME });
    // The first click only opens the warning; nothing is revoked yet.
    await row.getByText("Cabut", { exact: true }).click();
    await row.getByText("langsung ditolak").waitFor();
    expect((await api("/api/v1/org-units", secret)).status).toBe(200);
    const confirm = row.getByRole("button", { name: `Ya, cabut ${NAME}` });
    await confirm.focus();
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .filter({ hasText: `Token #${tokenId} dicabut` })
      .waitFor();
    await expect.poll(() => row.innerText()).toMatch(/Dicabut 2026-11-20 12:\d\d UTC/);
    expect(await row.getByRole("button").count()).toBe(0);
    await axeClean(page);
    await screenshot(page, "tokens-revoked");

    const res = await api("/api/v1/org-units", secret);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, title: translate("id", "api.problem.unauthorized.title") });
    e2e.expectClean();
  });

  it("is English after the language switch, with no Indonesian left", async () => {
    const page = e2e.page;
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    const main = page.getByRole("main");
    const headings = await main.getByRole("heading").allInnerTexts();
    expect(headings).toEqual(expect.arrayContaining(["API tokens", "Tokens in your area", "Create a token"]));
    expect(await main.getByRole("button", { name: "Create token" }).count()).toBe(1);
    expect(await main.getByRole("row").filter({ hasText: NAME }).innerText()).toContain("Revoked");
    // No token text of the Indonesian catalogue (the parts between its placeholders) on the page.
    const shown = await main.innerText();
    const left = Object.entries(idMessages)
      .filter(([key]) => key.startsWith("tokens."))
      .flatMap(([key, text]) => text.split(/\{\w+\}/).map((part) => [key, part.trim()] as const))
      .filter(([key, part]) => part.length >= 6 && !(translate("en", key as never) as string).includes(part) && shown.includes(part));
    expect(left).toEqual([]);
    await axeClean(page);
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await page.getByRole("heading", { level: 1, name: "Token API" }).waitFor();
    e2e.expectClean();
  });
});
