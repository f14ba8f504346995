/**
 * The app shell in a real browser: sign-in per role, navigation by role, sign-out, errors,
 * language switch, user administration, and the browser-side security checks (escaped
 * output, a nonce Content-Security-Policy). One app and one browser for the whole file.
 *
 * The app allows 10 sign-in attempts per client per minute (docs/decisions/017-login-throttling.md)
 * and every context here comes from 127.0.0.1, so journeys that do not test signing in reuse one
 * signed-in admin context (`e2e.signedIn`) instead of logging in again.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { menuFor } from "~/auth/policy.server";
import type { Role } from "~/db/schema";
import { translate } from "~/i18n/catalog";
import { login, loginAndWaitHome, REPO_ROOT, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  scopes: string[];
}

const DEMO_USERS = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "seeds", "users.json"), "utf8")) as DemoUser[];
const demoUser = (username: string): DemoUser => {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`seeds/users.json has no ${username}`);
  return user;
};

const ROLE_ACCOUNTS = ["admin.nasional", "admin.sawahlunto", "verifikator.sawahlunto", "operator.sungaidurian", "fasilitator.nasional"];
const ADMIN_ROLES: Role[] = ["national_admin", "district_admin"];
const HOME = translate("id", "nav.home");
const USERS = translate("id", "nav.users");
const XSS_NAME = "<img src=x onerror=alert(1)>";

const e2e = useE2E({ name: "shell" });

async function navLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole("navigation", { name: translate("id", "nav.main") });
  await nav.waitFor();
  return (await nav.getByRole("link").allInnerTexts()).map((t) => t.trim());
}

function pathname(page: Page): string {
  return new URL(page.url()).pathname;
}

describe("sign-in, navigation by role, sign-out", () => {
  it.each(ROLE_ACCOUNTS)("%s lands home with the links of the role and can log out", async (username) => {
    const user = demoUser(username);
    const s = await e2e.newSession();
    const { page } = s;
    await loginAndWaitHome(page, username);
    expect(pathname(page)).toBe("/");
    await page.getByRole("heading", { level: 1, name: `Selamat datang, ${user.displayName}` }).waitFor();
    // The browser is now familiar to the account (never held back by others' failures on it):
    // a signed cookie that scripts cannot read, sent only to the sign-in form.
    const device = (await s.context.cookies()).find((c) => c.name === "pantau_device");
    expect(device).toMatchObject({ httpOnly: true, path: "/login", sameSite: "Lax" });

    const links = await navLinks(page);
    expect(links).toEqual(menuFor([user.role]).map((item) => translate("id", item.label)));
    // The rule itself, independent of the policy's menu: everyone gets home, only admins get users.
    expect(links).toContain(HOME);
    if (ADMIN_ROLES.includes(user.role)) expect(links).toContain(USERS);
    else expect(links).not.toContain(USERS);
    await screenshot(page, `home-${username}`);

    await page.getByRole("button", { name: translate("id", "nav.logout"), exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("button", { name: translate("id", "login.submit"), exact: true }).waitFor();

    // The session is gone on the server too: home sends us back to the login page.
    await page.goto("/");
    expect(pathname(page)).toBe("/login");
    await page.getByLabel(translate("id", "login.username"), { exact: true }).waitFor();
    expect(s.problems.consoleErrors).toEqual([]);
    e2e.expectClean(s);
  });

  it("a wrong password shows the Indonesian error and keeps the typed username", async () => {
    const s = await e2e.newSession();
    await login(s.page, "verifikator.sawahlunto", "salah-sekali");
    const alert = s.page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toContain(translate("id", "login.failed"));
    expect(await s.page.getByLabel(translate("id", "login.username"), { exact: true }).inputValue()).toBe("verifikator.sawahlunto");
    expect(pathname(s.page)).toBe("/login");
    await screenshot(s.page, "login-wrong-password");
    e2e.expectClean(s);
  });
});

describe("errors", () => {
  it("an operator opening /users gets the 403 page, not a stack trace", async () => {
    const s = await e2e.newSession();
    await loginAndWaitHome(s.page, "operator.sungaidurian");
    const response = await s.page.goto("/users");
    expect(response?.status()).toBe(403);
    const alert = s.page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toContain("Anda tidak berhak");
    const text = await s.page.locator("body").innerText();
    expect(text).not.toMatch(STACK_TRACE_PATTERN);
    expect(text).not.toContain("Error:");
    await screenshot(s.page, "operator-users-403");
    e2e.expectClean(s);
  });
});

describe("language switch", () => {
  it("switches the shell to English and back without a full reload", async () => {
    const s = await e2e.signedIn("admin.sawahlunto");
    const name = demoUser("admin.sawahlunto").displayName;
    await s.page.goto("/");
    await waitForHydration(s.page);
    await s.page.getByRole("heading", { level: 1, name: `Selamat datang, ${name}` }).waitFor();
    await s.page.evaluate(() => ((window as unknown as { __e2eMarker: number }).__e2eMarker = 42));

    // The button's accessible name is its visible text, the target language (WCAG 2.5.3).
    const toEnglish = s.page.getByRole("button", { name: "English" });
    expect(await toEnglish.getAttribute("title")).toBe(translate("id", "lang.switch"));
    await toEnglish.click();
    await s.page.getByRole("heading", { level: 1, name: `Welcome, ${name}` }).waitFor();
    expect(await s.page.locator("html").getAttribute("lang")).toBe("en");
    await s.page
      .getByRole("navigation", { name: translate("en", "nav.main") })
      .getByRole("link", { name: translate("en", "nav.users") })
      .waitFor();
    await screenshot(s.page, "home-english");

    const toIndonesian = s.page.getByRole("button", { name: "Bahasa Indonesia" });
    expect(await toIndonesian.getAttribute("title")).toBe(translate("en", "lang.switch"));
    await toIndonesian.click();
    await s.page.getByRole("heading", { level: 1, name: `Selamat datang, ${name}` }).waitFor();
    expect(await s.page.locator("html").getAttribute("lang")).toBe("id");
    // Same document: Remix handled both switches on the client.
    expect(await s.page.evaluate(() => (window as unknown as { __e2eMarker?: number }).__e2eMarker)).toBe(42);
    e2e.expectClean(s);
  });
});

describe("user administration", () => {
  it("a district admin creates a user, and a unit outside the district is refused with the input kept", async () => {
    const s = await e2e.signedIn("admin.sawahlunto");
    const { page } = s;
    await page.goto("/users");
    await waitForHydration(page);
    const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string>) => translate("id", key, vars);

    await page.getByLabel(t("users.username"), { exact: true }).fill("e2e.operator");
    await page.getByLabel(t("users.displayName"), { exact: true }).fill("Operator Uji Kolok Mudik");
    await page.getByLabel(t("users.password"), { exact: true }).fill("rahasia-uji-123");
    await page.getByLabel(t("users.role"), { exact: true }).selectOption({ label: t("role.puskesmas_operator") });
    await page.getByLabel(t("users.unit"), { exact: true }).fill("P1373002");
    await page.getByRole("button", { name: t("users.create"), exact: true }).click();
    const status = page.getByRole("status");
    await status.waitFor();
    expect(await status.innerText()).toContain(t("users.created", { username: "e2e.operator" }));
    await page.getByRole("cell", { name: "e2e.operator", exact: true }).waitFor();
    // A fresh form after success.
    expect(await page.getByLabel(t("users.username"), { exact: true }).inputValue()).toBe("");

    await page.getByLabel(t("users.username"), { exact: true }).fill("e2e.verifikator.tegal");
    await page.getByLabel(t("users.displayName"), { exact: true }).fill("Verifikator Salah Wilayah");
    await page.getByLabel(t("users.password"), { exact: true }).fill("rahasia-uji-123");
    await page.getByLabel(t("users.role"), { exact: true }).selectOption({ label: t("role.district_verifier") });
    await page.getByLabel(t("users.unit"), { exact: true }).fill("33.28");
    await page.getByRole("button", { name: t("users.create"), exact: true }).click();

    const unitInput = page.getByLabel(t("users.unit"), { exact: true });
    await page.locator("#err-unit").waitFor();
    expect(await page.locator("#err-unit").innerText()).toBe(t("users.error.outOfScope", { code: "33.28" }));
    expect(await unitInput.getAttribute("aria-invalid")).toBe("true");
    expect(await unitInput.getAttribute("aria-describedby")).toBe("err-unit");
    expect(await page.getByRole("alert").first().innerText()).toBe(t("form.fixErrors"));
    expect(await unitInput.inputValue()).toBe("33.28");
    expect(await page.getByLabel(t("users.username"), { exact: true }).inputValue()).toBe("e2e.verifikator.tegal");
    expect(await page.getByLabel(t("users.displayName"), { exact: true }).inputValue()).toBe("Verifikator Salah Wilayah");
    expect(await page.getByLabel(t("users.role"), { exact: true }).inputValue()).toBe("district_verifier");
    expect(await page.getByRole("cell", { name: "e2e.verifikator.tegal", exact: true }).count()).toBe(0);
    await screenshot(page, "users-out-of-scope");
    e2e.expectClean(s);
  });
});

describe("security in the browser", () => {
  it("/login sends a nonce CSP without unsafe-eval, and the nonce is on every script", async () => {
    const s = await e2e.newSession();
    const response = await s.page.goto("/login");
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `CSP: ${csp}`).toBeTruthy();
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBeTruthy();

    await waitForHydration(s.page);
    const scriptNonces = await s.page.$$eval("script", (els) => els.map((el) => (el as HTMLScriptElement).nonce));
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
    e2e.expectClean(s);
  });

  it("an XSS display name stays text: no dialog, no onerror attribute", async () => {
    const s = await e2e.signedIn("admin.sawahlunto");
    const { page } = s;
    const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string>) => translate("id", key, vars);
    await page.goto("/users");
    await waitForHydration(page);
    await page.getByLabel(t("users.username"), { exact: true }).fill("e2e.xss");
    await page.getByLabel(t("users.displayName"), { exact: true }).fill(XSS_NAME);
    await page.getByLabel(t("users.password"), { exact: true }).fill("pantau-demo");
    await page.getByLabel(t("users.role"), { exact: true }).selectOption({ label: t("role.puskesmas_operator") });
    await page.getByLabel(t("users.unit"), { exact: true }).fill("P1373003");
    await page.getByRole("button", { name: t("users.create"), exact: true }).click();
    await page.getByRole("status").waitFor();

    // Server-rendered and hydrated, the name is shown as text.
    await page.goto("/users");
    await waitForHydration(page);
    await page.getByRole("cell", { name: XSS_NAME, exact: true }).waitFor();
    expect(await page.$$eval("[onerror]", (els) => els.length)).toBe(0);
    expect(await page.$$eval("img[src='x']", (els) => els.length)).toBe(0);

    // The account's own shell (header and greeting) renders the name too.
    const victim = await e2e.newSession();
    await loginAndWaitHome(victim.page, "e2e.xss");
    await victim.page.getByRole("heading", { level: 1, name: `Selamat datang, ${XSS_NAME}` }).waitFor();
    expect(await victim.page.$$eval("[onerror]", (els) => els.length)).toBe(0);
    await screenshot(victim.page, "xss-home");
    // Give a late handler a moment to fire before judging.
    await victim.page.waitForTimeout(300);
    e2e.expectClean(s);
    e2e.expectClean(victim);
  });

  it("no page saw a CSP violation or an uncaught error", () => {
    for (const s of e2e.sessions) {
      expect(s.problems.cspViolations).toEqual([]);
      expect(s.problems.pageErrors).toEqual([]);
      expect(s.problems.dialogs).toEqual([]);
    }
    expect(e2e.sessions.length).toBeGreaterThan(5);
  });
});
