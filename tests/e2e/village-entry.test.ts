/**
 * Village-level entry in Chromium on a phone (390×844), docs/decisions/035-village-reporting.md:
 * the Puskesmas operator opens the report list, finds the Posyandu of its villages grouped under
 * their level and name, and submits a Posyandu recap on its behalf; a village operator cannot open
 * another village's form (403 page, no stack trace); a form the unit stopped having to report
 * (its group membership corrected while the page was open) is refused with the typed value kept. Screenshots and axe-core on each page; no
 * sideways scroll.
 *
 * A small tree of its own under Puskesmas Sungai Durian (codes PU…/PY…, beside the demo's own Pustu
 * and Posyandu P1373001.T…/Y…) and a test package with a Posyandu-level form are added to the
 * server's database before the tests; Sungai Durian joins the demo's national group "blud".
 * The app runs at a fixed instant (PANTAU_NOW), so the open month is always July 2025.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { accessibilityProblems, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";
import { insertUser } from "../helpers/app";
import { villagePackage } from "../helpers/village-package";

const PERIOD = "2025-07";
const PHONE = { width: 390, height: 844 };
const e2e = useE2E({ name: "village-entry", env: { PANTAU_NOW: "2025-07-20T03:00:00Z", PANTAU_AUTOSAVE_SECONDS: "600" } });

beforeAll(async () => {
  const { openDb, setDbHandle } = await import("~/db/db.server");
  const { importOrgCsv } = await import("~/models/org-import.server");
  const { importPackage } = await import("~/models/templates.server");
  const handle = openDb(e2e.app.databaseUrl);
  setDbHandle(handle);
  try {
    const tree = await importOrgCsv(
      [
        "code,name,level,parent_code",
        "PU1373001.01,Pustu Kayu Gadang,pustu,P1373001",
        "PU1373001.02,Pustu Santur,pustu,P1373001",
        "PY1373001.01.1,Posyandu Melati,posyandu,PU1373001.01",
        "PY1373001.02.1,Posyandu Mawar,posyandu,PU1373001.02",
      ].join("\n"),
    );
    expect(tree.errors).toEqual([]);
    expect((await importPackage(villagePackage(), { userId: null })).ok).toBe(true);
    await insertUser("bidan.santur", [["village_operator", "PU1373001.02"]], "Bidan Desa Santur");
    // Sungai Durian a member of the national group "blud" (the demo seeds the group) from July
    // 2025 only: its BLUD cash form is due.
    const db = handle.db;
    const unit = await db.selectFrom("org_unit").select("id").where("code", "=", "P1373001").executeTakeFirstOrThrow();
    const at = "2025-07-01T00:00:00.000Z";
    const group = await db.selectFrom("org_group").select("id").where("key", "=", "blud").executeTakeFirstOrThrow();
    await db.deleteFrom("org_group_member").where("group_id", "=", group.id).where("org_unit_id", "=", unit.id).execute();
    await db
      .insertInto("org_group_member")
      .values({ group_id: group.id, org_unit_id: unit.id, from_month: 2025 * 12 + 6, to_month: null, created_by: null, created_at: at })
      .execute();
  } finally {
    await handle.destroy();
  }
});

async function expectNoSideScroll(page: Page, where: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${where}: page wider than the screen`).toBeLessThanOrEqual(innerWidth);
}

async function checkPage(page: Page, where: string) {
  await expectNoSideScroll(page, where);
  expect(await accessibilityProblems(page), `${where}: axe-core`).toEqual([]);
}

describe("village-level entry in Chromium", () => {
  it("the Puskesmas operator chooses one of its Posyandu and submits a recap on its behalf", async () => {
    const s = await e2e.signedIn("operator.sungaidurian");
    const page = s.page;
    await page.setViewportSize(PHONE);
    await page.goto("/forms");
    await waitForHydration(page);
    // One section per unit, labelled by level and name: the Puskesmas first, then each Pustu with its
    // Posyandu (this file's and the demo's), and no other Puskesmas' unit.
    const headings = await page.getByRole("heading", { level: 2 }).allInnerTexts();
    expect(headings[0]).toBe("Puskesmas Sungai Durian");
    for (const [pustu, posyandu] of [
      ["Pustu Kayu Gadang", "Posyandu Melati"],
      ["Pustu Santur", "Posyandu Mawar"],
    ]) {
      expect(headings.indexOf(posyandu), `${posyandu} right after ${pustu}`).toBe(headings.indexOf(pustu) + 1);
    }
    const sections = await page.locator("section[data-unit]").evaluateAll((els) => els.map((el) => el.getAttribute("data-unit")));
    expect(sections.length).toBe(headings.length);
    expect(sections.every((code) => code === "P1373001" || /^(P1373001\.|PU1373001\.|PY1373001\.)/.test(code ?? ""))).toBe(true);
    expect(sections).toEqual(expect.arrayContaining(["PU1373001.01", "PY1373001.01.1", "PU1373001.02", "PY1373001.02.1", "P1373001.T01", "P1373001.Y01"]));
    const posyandu = page.locator('section[data-unit="PY1373001.01.1"]');
    // Only the forms expected from a Posyandu: the recap and the village report, never the Puskesmas' forms.
    const forms = await posyandu.locator("tbody tr").allInnerTexts();
    expect(forms.join("\n")).toContain("Rekap Posyandu");
    expect(forms.join("\n")).not.toMatch(/Laporan bulanan Puskesmas|Profil Implementasi ILP/);
    const puskesmas = await page.locator('section[data-unit="P1373001"]').innerText();
    expect(puskesmas).not.toContain("Rekap Posyandu");
    await checkPage(page, "/forms with villages");
    await screenshot(page, "village-01-forms");

    const link = posyandu.getByRole("link", { name: `Isi laporan: Rekap Posyandu ${PERIOD} · Posyandu Melati` });
    const box = (await link.boundingBox())!;
    expect(box.x + box.width, "the fill link is on screen").toBeLessThanOrEqual(PHONE.width);
    await link.click();
    await page.getByRole("heading", { level: 1, name: "Rekap Posyandu" }).waitFor();
    await waitForHydration(page);
    expect(new URL(page.url()).searchParams.get("unit")).toBe("PY1373001.01.1");
    await expect(page.getByText("Diisi oleh operator atas nama Posyandu Melati").isVisible()).resolves.toBe(true);
    await checkPage(page, "Posyandu fill page");
    await screenshot(page, "village-02-fill");

    await page.locator("#root_balita_ditimbang").fill("37");
    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Laporan terkirim" }).waitFor();
    await page.reload();
    await waitForHydration(page);
    await page.locator(".badge.submitted").first().waitFor();
    await expect(page.locator("#root_balita_ditimbang").inputValue()).resolves.toBe("37");
    await checkPage(page, "Posyandu recap submitted");
    await screenshot(page, "village-03-submitted");
    e2e.expectClean(s);
  });

  it("a village operator cannot open another village's form", async () => {
    const s = await e2e.signedIn("bidan.santur");
    const page = s.page;
    await page.setViewportSize(PHONE);
    // Their own list: their Pustu and its Posyandu only.
    await page.goto("/forms");
    await waitForHydration(page);
    expect(await page.getByRole("heading", { level: 2 }).allInnerTexts()).toEqual(["Pustu Santur", "Posyandu Mawar"]);
    await checkPage(page, "village operator's /forms");
    await screenshot(page, "village-04-own-forms");

    const res = await page.goto(`/forms/posyandu_rekap/${PERIOD}?unit=PY1373001.01.1`);
    expect(res?.status()).toBe(403);
    const body = await page.locator("main").innerText();
    expect(body).toContain("operator Pustu/desa hanya mengisi laporan Pustu-nya sendiri dan Posyandu di bawahnya");
    expect(body).not.toMatch(STACK_TRACE_PATTERN);
    expect(body).not.toContain("Posyandu Melati");
    await checkPage(page, "another village's form");
    await screenshot(page, "village-05-other-village");
  });

  it("refuses a form the unit no longer has to report, keeping what was typed", async () => {
    const s = await e2e.signedIn("operator.sungaidurian");
    const page = s.page;
    await page.setViewportSize(PHONE);
    await page.goto(`/forms/blud_bulanan/${PERIOD}`);
    await page.getByRole("heading", { level: 1, name: "Kas BLUD" }).waitFor();
    await waitForHydration(page);
    await page.locator("#root_kas").fill("1250");
    // Meanwhile the district corrects the membership: Sungai Durian was never BLUD.
    const { openDb } = await import("~/db/db.server");
    const handle = openDb(e2e.app.databaseUrl);
    try {
      const unit = await handle.db.selectFrom("org_unit").select("id").where("code", "=", "P1373001").executeTakeFirstOrThrow();
      await handle.db.deleteFrom("org_group_member").where("org_unit_id", "=", unit.id).execute();
    } finally {
      await handle.destroy();
    }
    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    await expect(summary.innerText()).resolves.toMatch(
      /Formulir "Kas BLUD" tidak berlaku untuk Puskesmas Sungai Durian \(P1373001\) pada periode 2025-07: formulir ini hanya untuk anggota kelompok blud/,
    );
    await expect(page.locator("#root_kas").inputValue()).resolves.toBe("1250");
    await checkPage(page, "refused: not a member");
    await screenshot(page, "village-06-not-member");
    e2e.expectClean(s);
  });
});
