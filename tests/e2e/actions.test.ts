/**
 * The follow-up action tracker in Chromium (docs/decisions/030-action-tracker.md): the district
 * admin opens a red cell's explanation on the scorecard, records an action (masalah, penyebab,
 * RTL, due date) and sees the cell marked; the Puskesmas' operator finds it on the home page, adds
 * a progress note, uploads a small PDF and marks it done (also on a phone); the district verifier
 * confirms it. axe-core finds no serious or critical problem on any page of the way.
 *
 * The demo is seeded as of 3 December 2026 (PANTAU_NOW); October 2026 is fully reported.
 * Three sign-ins in total.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "actions", env: { PANTAU_NOW: "2026-12-03T12:00:00.000Z" } });

const PROBLEM = "Cakupan indikator ini merah di bulan Oktober";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");

async function axeClean(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

describe("the follow-up action tracker in Chromium", () => {
  it("admin: from a red cell's explanation to a recorded action and a marked cell", async () => {
    const s = await e2e.signedIn("admin.sawahlunto");
    const page = s.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/scorecards?template=ilp-nasional&period=2026-10&parent=13.73");
    await waitForHydration(page);
    await expect(page.locator("table.scorecard td.a").count()).resolves.toBe(0);
    const row = page.locator("tr", { has: page.getByRole("rowheader", { name: /Sungai Durian/ }) });
    const red = row.locator("td.r > button").first();
    await red.click();
    await page.waitForURL(/\/scorecards\/explain\?/);
    await waitForHydration(page);
    await page.getByRole("heading", { level: 2, name: "Tindak lanjut sel ini" }).waitFor();
    await axeClean(page);
    await page.getByRole("link", { name: "Tambah tindak lanjut" }).click();
    await page.waitForURL(/\/actions\/new\?package=ilp-nasional&indicator=[^&]+&unit=P1373001&period=2026-10$/);
    await page.getByRole("heading", { level: 1, name: "Tambah tindak lanjut" }).waitFor();
    await waitForHydration(page);
    await expect(page.getByLabel("Unit penanggung jawab").inputValue()).resolves.toBe("P1373001");
    await axeClean(page);

    // A due date before today is refused and what was typed stays.
    await page.getByLabel("Masalah", { exact: true }).fill(PROBLEM);
    await page.getByLabel("Penyebab", { exact: true }).fill("Sasaran belum terdata lengkap");
    await page.getByLabel("Rencana tindak lanjut (RTL)").fill("Pendataan ulang sasaran bersama kader");
    await page.getByLabel("Nama penanggung jawab").fill("Bidan koordinator");
    await page.getByLabel("Tenggat").fill("2026-12-01");
    await page.getByRole("button", { name: "Simpan tindak lanjut" }).click();
    await page.getByText("Tenggat tidak boleh sebelum hari ini (2026-12-03).").waitFor();
    await expect(page.getByLabel("Masalah", { exact: true }).inputValue()).resolves.toBe(PROBLEM);
    await axeClean(page);
    await screenshot(page, "actions-01-new-refused-desktop");

    await page.getByLabel("Tenggat").fill("2026-12-20");
    await page.getByRole("button", { name: "Simpan tindak lanjut" }).click();
    await page.waitForURL(/\/actions\/\d+$/);
    await page.getByRole("heading", { level: 1, name: /^Tindak lanjut #\d+$/ }).waitFor();
    await waitForHydration(page);
    await page.getByText("Direncanakan", { exact: true }).first().waitFor();
    await axeClean(page);
    await screenshot(page, "actions-02-detail-desktop");

    await page.goto("/scorecards?template=ilp-nasional&period=2026-10&parent=13.73");
    await waitForHydration(page);
    await expect(page.locator("table.scorecard td.a").count()).resolves.toBe(1);
    await expect(row.locator("td.a").innerText()).resolves.toContain("");
    await expect(row.locator("td.a > button > i").textContent()).resolves.toContain("ada tindak lanjut");
    await row.locator("td.a").scrollIntoViewIfNeeded();
    await screenshot(page, "actions-03-scorecard-marker-desktop");
    e2e.expectClean(s);
  });

  it("operator on a phone: sees it at home, adds a note, uploads a PDF and marks it done", async () => {
    const s = await e2e.signedIn("operator.sungaidurian");
    const page = s.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 2, name: "Tindak lanjut Puskesmas Anda" }).waitFor();
    await axeClean(page);
    await page.getByRole("link", { name: `Perbarui: ${PROBLEM}` }).click();
    await page.waitForURL(/\/actions\/\d+$/);
    await waitForHydration(page);

    await page.getByLabel("Catatan", { exact: true }).fill("Pendataan di 3 dari 5 desa selesai");
    await page.getByRole("button", { name: "Tambah catatan" }).click();
    await page.getByText("Catatan kemajuan ditambahkan.").waitFor();
    await page.getByText("Pendataan di 3 dari 5 desa selesai").waitFor();

    await page.getByLabel(/^Berkas bukti/).setInputFiles({ name: "daftar hadir.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Unggah" }).click();
    await page.getByText("Berkas daftar_hadir.pdf diunggah.").waitFor();
    await page.getByRole("link", { name: "Unduh daftar_hadir.pdf" }).waitFor();
    await axeClean(page);
    await screenshot(page, "actions-04-operator-progress-phone");

    await page.getByRole("button", { name: "Tandai selesai" }).click();
    await page.getByText("Tindak lanjut ditandai selesai. Dinkes akan mengonfirmasi.").waitFor();
    await page.getByText("(menunggu konfirmasi)", { exact: true }).first().waitFor();
    await axeClean(page);
    await screenshot(page, "actions-05-operator-done-phone");

    await page.goto("/actions");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 1, name: "Tindak lanjut" }).waitFor();
    await axeClean(page);
    await screenshot(page, "actions-06-list-phone");
    e2e.expectClean(s);
  });

  it("verifier: confirms the done action from the home page", async () => {
    const s = await e2e.signedIn("verifikator.sawahlunto");
    const page = s.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 2, name: "Tindak lanjut menunggu konfirmasi" }).waitFor();
    await page.getByRole("link", { name: `Periksa: ${PROBLEM}` }).click();
    await page.waitForURL(/\/actions\/\d+$/);
    await waitForHydration(page);
    await axeClean(page);
    await page.getByRole("button", { name: "Konfirmasi selesai" }).click();
    await page.getByText("Selesai dikonfirmasi.").waitFor();
    await page.getByText(/Dikonfirmasi oleh Verifikator Dinkes Kota Sawahlunto/).waitFor();
    await axeClean(page);
    await screenshot(page, "actions-07-confirmed-desktop");

    await page.goto("/actions?status=done");
    await waitForHydration(page);
    await page.getByText("(dikonfirmasi)", { exact: true }).first().waitFor();
    await axeClean(page);
    await screenshot(page, "actions-08-list-desktop");
    e2e.expectClean(s);
  });
});
