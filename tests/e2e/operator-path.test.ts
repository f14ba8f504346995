/**
 * The operator's monthly path in Chromium, on a desktop (1366×768) and on a phone (390×844), in
 * Bahasa Indonesia and in English: home, the due list, the fill page and a submitted report. A bad
 * report is fixed in one more submit: the first "Kirim" lists every problem at once in an error
 * summary that takes focus, a rule's error stands at each field it reads, what was typed stays.
 * On every page: no horizontal page scroll, primary actions and radio targets of at least
 * 44×44 px (WCAG 2.2 target size), and no serious or critical axe-core violation.
 *
 * The app runs at a fixed instant (PANTAU_NOW), so the demo's open month is always July 2025.
 * Three sign-ins (one per operator; the app allows 10 per client per minute).
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const PERIOD = "2025-07";
// Autosave rarely, so the journey's own submits are the only saves.
const e2e = useE2E({ name: "operator-path", env: { PANTAU_NOW: "2025-07-20T03:00:00Z", PANTAU_AUTOSAVE_SECONDS: "600" } });

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
type Viewport = typeof DESKTOP;

interface Words {
  yes: string;
  no: string;
  menu: string;
  reports: string;
  reportsHeading: string;
  fill: string;
  submit: string;
  formTitle: string;
  summary: string;
  required: RegExp;
  villages: string;
  bound: RegExp;
  rule: RegExp;
  warning: RegExp;
  confirm: string;
  saved: string;
  code: RegExp;
  rme: string;
  rmeChoice: string;
}

const ID: Words = {
  yes: "Ya",
  no: "Tidak",
  menu: "Menu",
  reports: "Laporan",
  reportsHeading: "Laporan",
  fill: "Isi laporan",
  submit: "Kirim",
  formTitle: "Profil Implementasi ILP Puskesmas",
  summary: "Ada masalah",
  required: /"Jumlah Posyandu" wajib diisi/,
  villages: "Jumlah desa/kelurahan di wilayah kerja",
  bound: /"Jumlah desa\/kelurahan di wilayah kerja" paling banyak 200, tetapi terisi 500\./,
  rule: /Kader bersertifikat \(Purwa \+ Madya \+ Utama\) tidak boleh melebihi jumlah kader\. Angka yang diperiksa: .* = 120; .* = 100\./,
  warning: /tidak sama dengan jumlah kader/,
  confirm: "Saya sudah memeriksa angka-angka ini dan tetap ingin mengirim.",
  saved: "Laporan terkirim",
  code: /Kode Puskesmas: P\d+/,
  rme: "Rekam medis elektronik (RME) terintegrasi SATUSEHAT",
  rmeChoice: "Penuh (semua klaster)",
};

const EN: Words = {
  yes: "Yes",
  no: "No",
  menu: "Menu",
  reports: "Reports",
  reportsHeading: "Reports",
  fill: "Fill in report",
  submit: "Submit",
  formTitle: "Puskesmas ILP implementation profile",
  summary: "There is a problem",
  required: /"Posyandu \(total\)" is required/,
  villages: "Villages (desa/kelurahan) in the working area",
  bound: /"Villages \(desa\/kelurahan\) in the working area" can be at most 200, but 500 was entered\./,
  rule: /Certified kader \(Purwa \+ Madya \+ Utama\) cannot exceed total kader\. Figures checked: .* = 120; .* = 100\./,
  warning: /do not add up to total kader/,
  confirm: "",
  saved: "",
  code: /Puskesmas code: P\d+/,
  rme: "Electronic medical record (RME) integrated with SATUSEHAT",
  rmeChoice: "Fully (all clusters)",
};

/** The rjsf block (label, input, help, errors) of a field key. */
function fieldBlock(page: Page, key: string): Locator {
  return page.locator(`#field-${key}`);
}

async function expectNoSideScroll(page: Page, where: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${where}: page wider than the screen`).toBeLessThanOrEqual(innerWidth);
}

async function expectTarget(locator: Locator, what: string) {
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  expect(box!.height, `${what}: height`).toBeGreaterThanOrEqual(44);
  expect(box!.width, `${what}: width`).toBeGreaterThanOrEqual(44);
}

async function expectAccessible(page: Page, where: string) {
  expect(await accessibilityProblems(page), where).toEqual([]);
}

/** Every check a page of the journey must pass at its viewport. */
async function checkPage(page: Page, where: string) {
  await expectNoSideScroll(page, where);
  await expectAccessible(page, where);
}

async function goToReports(page: Page, w: Words, viewport: Viewport) {
  if (viewport === PHONE) {
    const toggle = page.getByRole("button", { name: w.menu, exact: true });
    await expectTarget(toggle, "menu button");
    await toggle.click();
  }
  await page.getByRole("navigation").getByRole("link", { name: w.reports, exact: true }).click();
  // The demo's Puskesmas have Pustu and Posyandu their operator enters for too (decision 035): the
  // page speaks of reports, not of Puskesmas reports.
  await page.getByRole("heading", { level: 1, name: w.reportsHeading, exact: true }).waitFor();
}

async function answer(page: Page, key: string, label: string) {
  const radio = page.locator(`#root_${key}`).getByLabel(label, { exact: true });
  await expectTarget(radio.locator("xpath=ancestor::label[1]"), `radio ${key}`);
  await radio.check();
}

/** The home, the due list, and a report with every kind of problem, submitted once. */
async function badReportJourney(page: Page, w: Words, viewport: Viewport, name: string) {
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("heading", { level: 1, name: /^(Selamat datang|Welcome), / }).waitFor();
  // The operator's own Puskesmas with its code; reports by title, never by key.
  await expect(page.locator(".unit-line").first().innerText()).resolves.toMatch(/\((kode|code) P\d+\)/);
  const recent = await page.locator(".recent-list").innerText();
  expect(recent).not.toMatch(/spm_sasaran|ilp_profil|spm_bulanan/);
  // In the reader's language.
  if (w === EN) expect(recent).not.toMatch(/Profil Implementasi|Capaian SPM|Sasaran SPM/);
  else expect(recent).not.toMatch(/implementation profile|target populations/);
  if (viewport === PHONE) expect((await page.locator("header.topbar").boundingBox())!.height, "phone header height").toBeLessThanOrEqual(80);
  await checkPage(page, `${name} home`);
  await screenshot(page, `${name}-01-home`);

  await goToReports(page, w, viewport);
  await waitForHydration(page);
  // In the section of the operator's own Puskesmas (one section per unit).
  const fillLink = page.locator('section[data-level="puskesmas"]').getByRole("link", { name: `${w.fill}: ${w.formTitle} ${PERIOD}` });
  if (viewport === PHONE) await expectTarget(fillLink, "fill link");
  const box = (await fillLink.boundingBox())!;
  expect(box.x + box.width, "the fill link is on screen").toBeLessThanOrEqual(viewport.width);
  await checkPage(page, `${name} /forms`);
  await screenshot(page, `${name}-02-forms`);

  await fillLink.click();
  await page.getByRole("heading", { level: 1, name: w.formTitle }).waitFor();
  await waitForHydration(page);
  await expect(page.getByText(w.code).isVisible()).resolves.toBe(true);
  // The month count is bookkeeping: computed and stored, never shown.
  await expect(page.locator("#root_bulan_laporan").count()).resolves.toBe(0);
  await expect(page.locator("#root_lokmin_bulanan_terlaksana").count()).resolves.toBe(1);
  await checkPage(page, `${name} fill page`);
  await screenshot(page, `${name}-03-fill`);

  // Every kind of problem at once: a required answer left out (Posyandu), a value beyond its
  // bound, a broken rule between two readable fields and a warning. (The demo may hold a draft.)
  await answer(page, "sk_klaster", w.no);
  for (const key of ["sotk_revisi", "pj_klaster_ditetapkan", "sosialisasi_staf", "alur_layanan_klaster", "lokmin_bulanan"]) await answer(page, key, w.yes);
  await page.getByLabel(w.rme).selectOption({ label: w.rmeChoice });
  await page.getByLabel(w.villages).fill("500");
  const numbers: Record<string, number> = {
    desa_pustu_ilp: 5,
    posyandu_ilp: 10,
    posyandu_5_kader: 10,
    jumlah_kader: 100,
    kader_purwa: 90,
    kader_madya: 20,
    kader_utama: 10,
    kader_belum_sertifikat: 30,
  };
  for (const [key, value] of Object.entries(numbers)) await page.locator(`#root_${key}`).fill(String(value));
  await page.locator("#root_jumlah_posyandu").fill("");
  // Kota Sawahlunto's own field, bound by its own rule to the Posyandu ILP.
  if ((await page.locator("#root_lokal_posyandu_ilp_rme").count()) > 0) await page.locator("#root_lokal_posyandu_ilp_rme").fill("0");
  await expect.poll(() => page.locator("#root_kader_terlatih").inputValue()).toBe("120");
  const submit = page.getByRole("button", { name: w.submit, exact: true });
  await expectTarget(submit, "submit button");
  await submit.click();

  const summary = page.locator(".error-summary");
  await summary.getByRole("heading", { name: w.summary }).waitFor();
  // The summary has the focus and is on screen: the reader sees at once that something happened.
  await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("error-summary") ?? false)).toBe(true);
  await expect
    .poll(() => summary.evaluate((el) => ({ top: Math.round(el.getBoundingClientRect().top), inView: el.getBoundingClientRect().top < window.innerHeight })))
    .toMatchObject({ inView: true });
  expect((await summary.boundingBox())!.y).toBeGreaterThanOrEqual(-1);
  const text = await summary.innerText();
  for (const pattern of [w.required, w.bound, w.rule, w.warning]) expect(text).toMatch(pattern);
  // The rule stands at both fields it reads.
  await expect(fieldBlock(page, "jumlah_kader").innerText()).resolves.toMatch(w.rule);
  await expect(fieldBlock(page, "kader_terlatih").innerText()).resolves.toMatch(w.rule);
  await expect(fieldBlock(page, "jumlah_desa").innerText()).resolves.toMatch(w.bound);
  // Nothing typed is lost.
  await expect(page.locator("#root_jumlah_kader").inputValue()).resolves.toBe("100");
  await expect(page.locator("#root_kader_purwa").inputValue()).resolves.toBe("90");
  await expect(page.locator("#root_jumlah_desa").inputValue()).resolves.toBe("500");
  await expect(page.locator("#root_sk_klaster").getByLabel(w.no, { exact: true }).isChecked()).resolves.toBe(true);
  await expect(page.locator("#root_jumlah_posyandu").inputValue()).resolves.toBe("");
  await checkPage(page, `${name} fill page with errors`);
  await screenshot(page, `${name}-04-errors`);

  // Each entry moves the focus to its field.
  await summary.getByRole("link", { name: w.bound }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("root_jumlah_desa");
  await summary.getByRole("link", { name: w.required }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("root_jumlah_posyandu");
}

/** Fixes every error and confirms the warning in the same, second submit. */
async function fixInOneSubmit(page: Page, w: Words, name: string) {
  await page.getByLabel(w.villages).fill("10");
  await page.locator("#root_jumlah_posyandu").fill("20");
  await page.locator("#root_kader_purwa").fill("30");
  await expect.poll(() => page.locator("#root_kader_terlatih").inputValue()).toBe("60");
  // A changed answer takes its problems away, a broken rule from every field it stood at.
  for (const key of ["jumlah_desa", "jumlah_kader", "kader_terlatih"]) await expect(fieldBlock(page, key).locator(".error-detail").count()).resolves.toBe(0);
  const confirm = page.getByLabel(w.confirm);
  await expectTarget(page.locator("label.checkbox", { has: confirm }), "warning confirmation");
  await confirm.check();
  await page.getByRole("button", { name: w.submit, exact: true }).click();
  await page.getByRole("status").filter({ hasText: w.saved }).waitFor();
  await page.reload();
  await waitForHydration(page);
  await page.locator(".badge.submitted").first().waitFor();
  await expect(page.locator("#root_jumlah_desa").inputValue()).resolves.toBe("10");
  await checkPage(page, `${name} submitted report`);
  await screenshot(page, `${name}-05-submitted`);
}

describe("the operator's path in Chromium", () => {
  it("desktop 1366×768, Bahasa Indonesia: a bad report fixed in one more submit", async () => {
    const s = await e2e.signedIn("operator.sungaidurian");
    await s.page.setViewportSize(DESKTOP);
    await badReportJourney(s.page, ID, DESKTOP, "operator-desktop");
    await fixInOneSubmit(s.page, ID, "operator-desktop");
    e2e.expectClean(s);
  });

  it("phone 390×844, Bahasa Indonesia: the same path without sideways scrolling", async () => {
    const s = await e2e.signedIn("operator.kolokmudik");
    await s.page.setViewportSize(PHONE);
    await badReportJourney(s.page, ID, PHONE, "operator-phone");
    await fixInOneSubmit(s.page, ID, "operator-phone");
    e2e.expectClean(s);
  });

  it("English through the language switch, on a phone and on a desktop", async () => {
    const s = await e2e.signedIn("operator.kaladawa");
    const page = s.page;
    await page.setViewportSize(PHONE);
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Menu", exact: true }).click();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await waitForHydration(page);
    await badReportJourney(page, EN, PHONE, "operator-en-phone");
    await page.setViewportSize(DESKTOP);
    await checkPage(page, "English fill page with errors, desktop");
    await screenshot(page, "operator-en-desktop-04-errors");
    e2e.expectClean(s);
  });
});
