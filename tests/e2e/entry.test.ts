/**
 * Data entry and verification in a real browser: the operator fills the current
 * month's ILP profile, sees an Indonesian error next to a value beyond its bound, fixes it,
 * loses the connection, recovers the local draft after a reload and submits; the verifier
 * returns it with a note; the operator corrects and resubmits; the verifier approves; the
 * report is locked and the district scorecard shows its value. A period past its deadline
 * opens locked; the district admin re-opens the approved report through an audited unlock,
 * the operator corrects it and its history lists every version with the changed fields.
 * No CSP violation, no page error, no dialog on the way (docs/security.md items 13–14).
 *
 * The draft reaches the server by autosave before the connection drops.
 * Three sign-ins in total (the app allows 10 per client per minute).
 */
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { loginAndWaitHome, scorecardCell, screenshot, useE2E, waitForHydration, type Session } from "./harness";

const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
const FORM_TITLE = "Profil Implementasi ILP Puskesmas";

// Server autosave every 2 s instead of 20, so the journey sees it happen.
const e2e = useE2E({ name: "entry", env: { PANTAU_AUTOSAVE_SECONDS: "2" } });
let operator: Session;
let verifier: Session;
let admin: Session;

/** The rjsf field block (label, input, help, errors) of a field key. */
function fieldBlock(page: Page, key: string): Locator {
  return page.locator(".form-group", { has: page.locator(`#root_${key}`) }).last();
}

async function answerYes(page: Page, key: string, yes = true) {
  await page
    .locator(`#root_${key}`)
    .getByLabel(yes ? "Ya" : "Tidak", { exact: true })
    .check();
}

async function fillNumber(page: Page, key: string, value: number) {
  await page.locator(`#root_${key}`).fill(String(value));
}

describe("data entry and verification in Chromium", () => {
  beforeAll(async () => {
    operator = e2e.session;
    verifier = await e2e.newSession();
    admin = await e2e.newSession();
  });

  it("operator fills the form, fixes a bound error, recovers an offline draft and submits", async () => {
    const page = operator.page;
    await loginAndWaitHome(page, "operator.sungaidurian");
    // The home page's "what is due" table links each form to its fill page.
    const dueLink = page.locator("main table").getByRole("link", { name: `${FORM_TITLE} ${PERIOD}` });
    expect(await dueLink.getAttribute("href")).toMatch(/^\/forms\/ilp_profil\/\d{4}-\d{2}$/);
    await page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Laporan" }).click();
    // The demo's Puskesmas has Pustu and Posyandu the operator also enters for (decision 035):
    // the page is "Laporan", one section per unit; the profile is in the Puskesmas' own section.
    await page.getByRole("heading", { level: 1, name: "Laporan", exact: true }).waitFor();
    const own = page.locator('section[data-unit="P1373001"]');
    await own.getByRole("heading", { level: 2, name: "Puskesmas Sungai Durian" }).waitFor();
    await own.getByRole("link", { name: `Isi laporan: ${FORM_TITLE} ${PERIOD} · Puskesmas Sungai Durian`, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: FORM_TITLE }).waitFor();
    await waitForHydration(page);
    // Sections with headings.
    await expect(page.getByRole("heading", { level: 2, name: "Tata kelola klaster" }).isVisible()).resolves.toBe(true);

    // Show-if: the SK number appears only once the SK is answered "Ya".
    await expect(page.locator("#root_sk_klaster_nomor").count()).resolves.toBe(0);
    await answerYes(page, "sk_klaster");
    await page.locator("#root_sk_klaster_nomor").fill("440/12/PKM-SD/2025");
    for (const key of ["sotk_revisi", "pj_klaster_ditetapkan", "sosialisasi_staf", "alur_layanan_klaster", "lokmin_bulanan"]) await answerYes(page, key);
    await page.getByLabel("Rekam medis elektronik (RME) terintegrasi SATUSEHAT").selectOption({ label: "Penuh (semua klaster)" });
    await page.getByLabel("Jumlah desa/kelurahan di wilayah kerja").fill("500");
    const numbers: Record<string, number> = {
      desa_pustu_ilp: 5,
      jumlah_posyandu: 20,
      posyandu_ilp: 10,
      posyandu_5_kader: 10,
      jumlah_kader: 100,
      kader_purwa: 30,
      kader_madya: 20,
      kader_utama: 10,
      kader_belum_sertifikat: 40,
    };
    for (const [key, value] of Object.entries(numbers)) await fillNumber(page, key, value);
    // Calculated live: Purwa + Madya + Utama.
    await expect.poll(() => page.locator("#root_kader_terlatih").inputValue()).toBe("60");

    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    const desaBlock = fieldBlock(page, "jumlah_desa");
    await desaBlock.getByText(/paling banyak 200, tetapi terisi 500/).waitFor();
    await expect(page.getByRole("alert").filter({ hasText: "Ada masalah" }).isVisible()).resolves.toBe(true);
    // Nothing typed is lost.
    await expect(page.locator("#root_jumlah_kader").inputValue()).resolves.toBe("100");
    await screenshot(page, "entry-01-bound-error");

    await page.getByLabel("Jumlah desa/kelurahan di wilayah kerja").fill("10");
    await expect(desaBlock.getByText(/paling banyak 200/).count()).resolves.toBe(0);
    // The corrected answers reach the server on their own as a draft.
    await page.getByText(/Draf tersimpan otomatis di server/).waitFor();

    // The connection drops: typing goes on, saving keeps everything in the browser.
    await operator.context.setOffline(true);
    await page.getByText("Anda sedang offline").first().waitFor();
    await fillNumber(page, "kunjungan_rumah", 25);
    await page.locator("#root_catatan_ilp").fill("Dua Posyandu belum melapor tepat waktu.");
    await page.getByRole("button", { name: "Simpan draf", exact: true }).click();
    await page.getByText("Tidak ada koneksi internet").waitFor();
    await page.getByText(/Salinan lokal tersimpan/).waitFor();
    await screenshot(page, "entry-02-offline");
    await operator.context.setOffline(false);

    await page.reload();
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Ada draf lokal yang belum tersimpan di server" }).waitFor();
    await screenshot(page, "entry-03-restore-offer");
    await page.getByRole("button", { name: "Pulihkan draf lokal" }).click();
    await expect(page.locator("#root_kunjungan_rumah").inputValue()).resolves.toBe("25");
    await expect(page.locator("#root_jumlah_desa").inputValue()).resolves.toBe("10");
    await expect(page.locator("#root_sk_klaster_nomor").inputValue()).resolves.toBe("440/12/PKM-SD/2025");

    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    await page.getByText("Laporan terkirim dan menunggu verifikasi Dinkes.").waitFor();
    await expect(page.locator(".badge.submitted").first().innerText()).resolves.toBe("Dikirim");
    await screenshot(page, "entry-04-submitted");
    e2e.expectClean(operator);
  });

  it("verifier returns the report with a note; the operator sees it, corrects and resubmits", async () => {
    const page = verifier.page;
    await loginAndWaitHome(page, "verifikator.sawahlunto");
    await page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Verifikasi" }).click();
    await page.getByRole("link", { name: `Periksa laporan Puskesmas Sungai Durian ${FORM_TITLE} ${PERIOD}` }).click();
    await page.getByRole("heading", { level: 2, name: "Indikator yang memakai laporan ini" }).waitFor();
    await waitForHydration(page);
    await expect(
      page
        .getByRole("row", { name: /Jumlah desa\/kelurahan di wilayah kerja/ })
        .first()
        .innerText(),
    ).resolves.toContain("10");
    // A return needs a note.
    await page.getByRole("button", { name: "Kembalikan" }).click();
    await page.getByText("Tulis catatan untuk operator").waitFor();
    await page.getByLabel("Catatan untuk operator").fill("Jumlah desa menurut profil kecamatan adalah 11. Mohon diperbaiki.");
    await page.getByRole("button", { name: "Kembalikan" }).click();
    // The verifier goes on to the next report of the queue, or back to the queue when none is left.
    await page.getByText(/^Laporan (sebelumnya )?dikembalikan ke operator\./).waitFor();
    await screenshot(page, "entry-05-returned");

    const op = operator.page;
    await op.reload();
    await waitForHydration(op);
    await op.getByText("Jumlah desa menurut profil kecamatan adalah 11.").waitFor();
    await screenshot(op, "entry-06-operator-sees-note");
    await op.getByLabel("Jumlah desa/kelurahan di wilayah kerja").fill("11");
    await op.getByRole("button", { name: "Kirim", exact: true }).click();
    await op.getByText("Laporan terkirim dan menunggu verifikasi Dinkes.").waitFor();
    e2e.expectClean(verifier);
    e2e.expectClean(operator);
  });

  it("verifier approves; the operator can no longer change the report", async () => {
    const page = verifier.page;
    await page.goto("/verification");
    await page.getByRole("link", { name: `Periksa laporan Puskesmas Sungai Durian ${FORM_TITLE} ${PERIOD}` }).click();
    await page.getByRole("heading", { level: 2, name: "Indikator yang memakai laporan ini" }).waitFor();
    await waitForHydration(page);
    await expect(
      page
        .getByRole("row", { name: /Jumlah desa\/kelurahan di wilayah kerja/ })
        .first()
        .innerText(),
    ).resolves.toContain("11");
    await page.getByRole("button", { name: "Setujui" }).click();
    await page.getByText(/^Laporan (sebelumnya )?disetujui\./).waitFor();
    await screenshot(page, "entry-07-approved");
    // The district scorecard reflects the report on the next request: 5 of 11 villages = 45.5 %.
    await page.goto(`/scorecards?template=ilp-nasional&period=${PERIOD}&parent=13.73`);
    const table = page.getByRole("table", { name: /^Scorecard Kota Sawahlunto/ });
    await table.waitFor();
    const row = table.locator("tbody tr").filter({ has: page.getByRole("link", { name: "Lihat unit di bawah Puskesmas Sungai Durian" }) });
    expect(await (await scorecardCell(table, row, "ilp_desa_pustu")).innerText()).toMatch(/^45[.,]5/);
    await screenshot(page, "entry-07b-scorecard");

    const op = operator.page;
    await op.reload();
    await waitForHydration(op);
    await op.getByText("sudah disetujui verifikator dan terkunci").waitFor();
    await expect(op.getByRole("button", { name: "Kirim", exact: true }).count()).resolves.toBe(0);
    await expect(op.getByRole("button", { name: "Simpan draf", exact: true }).count()).resolves.toBe(0);
    await expect(op.locator("#root_jumlah_desa").isEditable()).resolves.toBe(false);
    await screenshot(op, "entry-08-locked");
    // The list shows the report as approved, with a view link instead of a fill link.
    await op.goto("/forms");
    await op.getByRole("link", { name: `Lihat laporan: ${FORM_TITLE} ${PERIOD}` }).waitFor();
    e2e.expectClean(verifier);
    e2e.expectClean(operator);
  });

  it("a period past its deadline opens locked, saying the deadline and who can unlock it", async () => {
    const op = operator.page;
    // The demo starts in 2025: December 2024 has no report and its deadline passed long ago.
    await op.goto(`/forms/ilp_profil/2024-12`);
    await waitForHydration(op);
    await op
      .getByRole("status")
      .filter({ hasText: /Batas waktu laporan ini \(10 Januari 2025\) sudah lewat/ })
      .waitFor();
    await expect(op.getByRole("status").filter({ hasText: "minta admin Dinkes kabupaten/kota membuka kuncinya" }).count()).resolves.toBe(1);
    // Nothing to type into and no button to press; every save path refuses it too (tests/integration/locks.test.ts).
    await expect(op.getByRole("button", { name: "Simpan draf", exact: true }).count()).resolves.toBe(0);
    await expect(op.locator("#root_jumlah_desa").isEditable()).resolves.toBe(false);
    await screenshot(op, "entry-09-past-deadline");
    e2e.expectClean(operator);
  });

  it("the district admin re-opens the approved report through an audited unlock; the operator corrects it; the history shows every version", async () => {
    const page = admin.page;
    await loginAndWaitHome(page, "admin.sawahlunto");
    await page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Batas waktu" }).click();
    await page.getByRole("heading", { level: 1, name: "Batas waktu dan buka kunci" }).waitFor();
    await waitForHydration(page);
    await page.getByLabel("Puskesmas", { exact: true }).selectOption({ label: "Puskesmas Sungai Durian" });
    await page.getByLabel("Formulir", { exact: true }).selectOption({ label: `${FORM_TITLE} (Bulanan)` });
    await page.getByLabel("Periode", { exact: true }).fill(PERIOD);
    await page.getByLabel(/Buka kembali laporan yang sudah disetujui/).check();
    // A reason is required; what was chosen stays.
    await page.getByRole("button", { name: "Buka kunci", exact: true }).click();
    await page.getByText("Tulis alasan membuka kunci").waitFor();
    await expect(page.getByLabel("Periode", { exact: true }).inputValue()).resolves.toBe(PERIOD);
    await page.getByLabel("Alasan", { exact: true }).fill("Jumlah desa berubah setelah pemekaran; koreksi atas permintaan Puskesmas.");
    await page.getByRole("button", { name: "Buka kunci", exact: true }).click();
    await page.getByText(/1 laporan yang sudah disetujui dibuka kembali untuk koreksi/).waitFor();
    await page
      .getByRole("row", { name: /Jumlah desa berubah setelah pemekaran/ })
      .getByText("Aktif")
      .waitFor();
    await screenshot(page, "entry-10-unlock-granted");

    const op = operator.page;
    await op.goto(`/forms/ilp_profil/${PERIOD}`);
    await waitForHydration(op);
    // Said as a re-opening by the Dinkes, with the admin's reason as typed.
    const reopenedNote = op.getByRole("status").filter({ hasText: "dibuka kembali oleh admin Dinkes untuk koreksi" });
    await reopenedNote.waitFor();
    expect(await reopenedNote.innerText()).toContain("Jumlah desa berubah setelah pemekaran; koreksi atas permintaan Puskesmas.");
    await op.getByLabel("Jumlah desa/kelurahan di wilayah kerja").fill("12");
    await op.getByRole("button", { name: "Kirim", exact: true }).click();
    await op.getByText("Laporan terkirim dan menunggu verifikasi Dinkes.").waitFor();

    await op.goto("/forms");
    await op.getByRole("link", { name: `Riwayat laporan ${FORM_TITLE} ${PERIOD}` }).click();
    await op.getByRole("heading", { level: 1, name: "Riwayat laporan" }).waitFor();
    const versions = op.locator("article.history-version");
    await expect(versions.first().getByRole("heading").innerText()).resolves.toMatch(/Mengirim laporan/);
    await versions
      .first()
      .getByRole("row", { name: /Jumlah desa\/kelurahan di wilayah kerja.*11.*12/ })
      .waitFor();
    await expect(versions.nth(1).getByRole("heading").innerText()).resolves.toMatch(/Membuka kembali laporan yang disetujui/);
    await expect(op.getByRole("heading", { name: /Mengembalikan laporan/ }).count()).resolves.toBe(1);
    await expect(op.getByRole("heading", { name: /Menyetujui laporan/ }).count()).resolves.toBe(1);
    await screenshot(op, "entry-11-history");
    e2e.expectClean(admin);
    e2e.expectClean(operator);
  });
});
