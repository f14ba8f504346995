/**
 * Bulk import in a real browser: the operator downloads the Excel template of the ILP
 * profile, fills it (one valid row, one with text in a number, one for another Puskesmas),
 * uploads it, watches the job's progress bar, reads the per-row error table in Bahasa Indonesia
 * and downloads it as CSV. A district admin uploads a CSV of a month before the demo's data as an
 * import of past periods (backfill) with a reason and finds the stored report marked a late entry,
 * on the result page and in its history. No CSP violation, no page error, no dialog (docs/security.md
 * items 13–14). Two sign-ins.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { loginAndWaitHome, screenshot, useE2E, waitForHydration } from "./harness";
import { profilCells } from "../helpers/ilp-profil";
import { expectCsvSafe } from "../helpers/spreadsheet";

const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const PREVIOUS = `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, "0")}`;
const FORM_TITLE = "Profil Implementasi ILP Puskesmas";

const VALID = profilCells();

const e2e = useE2E({ name: "imports" });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-import-e2e-"));

describe("bulk import in Chromium", () => {
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("operator downloads the template, uploads a mixed XLSX, sees the progress and the error table", async () => {
    const operator = e2e.session;
    const page = operator.page;
    await loginAndWaitHome(page, "operator.sungaidurian");
    await waitForHydration(page);
    await page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Impor & ekspor" }).click();
    await page.getByRole("heading", { level: 1, name: "Impor dan ekspor laporan" }).waitFor();
    await waitForHydration(page);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: `Unduh templat Excel ${FORM_TITLE}` }).click()]);
    expect(download.suggestedFilename()).toBe("templat-ilp_profil.xlsx");
    const templateFile = path.join(tmp, "templat.xlsx");
    await download.saveAs(templateFile);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(templateFile);
    const ws = wb.getWorksheet("Data")!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 2)).toEqual(["org_unit", "period"]);
    expect(ws.getCell("A2").text).toMatch(/^# Kode Puskesmas/);
    const fill = (rowNo: number, unit: string, answers: Record<string, string | number>, period = PERIOD) => {
      const row = ws.getRow(rowNo);
      row.getCell(1).value = unit;
      row.getCell(2).value = period;
      for (const [key, value] of Object.entries(answers)) row.getCell(header.indexOf(key) + 1).value = value;
      row.commit();
    };
    fill(4, "P1373001", VALID);
    fill(5, "P1373001", { ...VALID, jumlah_desa: "sepuluh" }, PREVIOUS);
    fill(6, "P1373002", VALID);
    const upload = path.join(tmp, "laporan-campuran.xlsx");
    await wb.xlsx.writeFile(upload);

    await page.getByLabel("Formulir", { exact: true }).first().selectOption({ label: FORM_TITLE });
    await page.getByLabel("Berkas XLSX atau CSV").setInputFiles(upload);
    await page.getByRole("button", { name: "Periksa dan impor" }).click();

    await page.getByRole("heading", { level: 1, name: "Impor laporan-campuran.xlsx" }).waitFor();
    const progress = page.locator("progress.imp-progress");
    await expect(progress.isVisible()).resolves.toBe(true);
    // Polling refreshes the page until the job is finished.
    await page.getByText("Impor selesai: 1 laporan tersimpan, 2 baris ditolak", { exact: false }).waitFor({ timeout: 30_000 });
    expect(await progress.getAttribute("value")).toBe("3");
    expect(await progress.getAttribute("max")).toBe("3");
    await expect(page.getByText("3 dari 3 baris diproses (100%).").isVisible()).resolves.toBe(true);

    const table = page.getByRole("table", { name: /Masalah per baris/ });
    const rows = table.locator("tbody tr");
    await expect(rows.count()).resolves.toBe(2);
    const cells = async (i: number) => (await rows.nth(i).locator("td").allInnerTexts()).map((s) => s.trim());
    const first = await cells(0);
    expect(first.slice(0, 3)).toEqual(["5", "jumlah_desa", "Kesalahan"]);
    expect(first[3]).toContain('"sepuluh" bukan angka');
    const second = await cells(1);
    expect(second.slice(0, 3)).toEqual(["6", "org_unit", "Kesalahan"]);
    expect(second[3]).toContain("di luar wilayah Anda");
    await screenshot(page, "imports-result");

    // The same list as CSV through the page's download link: the rows of the table, no cell a formula.
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Unduh daftar ini (CSV)" }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^kesalahan-impor-\d+\.csv$/);
    const csvFile = path.join(tmp, "kesalahan.csv");
    await csvDownload.saveAs(csvFile);
    const [csvHeader, ...csvRows] = expectCsvSafe(fs.readFileSync(csvFile, "utf8"));
    expect(csvHeader).toEqual(["Baris", "Kolom", "Jenis", "Masalah dan cara memperbaiki"]);
    expect(csvRows.map((r) => r.slice(0, 3))).toEqual([
      ["5", "jumlah_desa", "Kesalahan"],
      ["6", "org_unit", "Kesalahan"],
    ]);
    expect(csvRows[0][3]).toBe(first[3]);

    // The job list on the import page shows it too.
    await page.getByRole("link", { name: "Kembali ke impor dan ekspor" }).click();
    await page.getByRole("link", { name: "laporan-campuran.xlsx" }).waitFor();

    e2e.expectClean(operator);
  });

  it("a district admin imports a past month with a reason and sees it marked a late entry", async () => {
    const admin = await e2e.newSession();
    const page = admin.page;
    await loginAndWaitHome(page, "admin.sawahlunto");
    await page.goto("/imports");
    await waitForHydration(page);
    // December 2024 is long past its deadline and before the demo's data.
    const keys = Object.keys(VALID);
    const file = path.join(tmp, "profil-2024-12.csv");
    fs.writeFileSync(file, [["org_unit", "period", ...keys].join(","), ["P1373001", "2024-12", ...keys.map((k) => String(VALID[k]))].join(",")].join("\n"));
    await page.getByLabel("Formulir", { exact: true }).first().selectOption({ label: FORM_TITLE });
    await page.getByLabel("Berkas XLSX atau CSV").setInputFiles(file);
    await page.getByLabel("Impor sebagai data periode lalu: terima baris yang batas waktunya sudah lewat").check();
    await page.getByLabel("Alasan impor data periode lalu").fill("Data Desember 2024 dari aplikasi lama");
    await screenshot(page, "imports-backfill-form");
    await page.getByRole("button", { name: "Periksa dan impor" }).click();

    await page.getByRole("heading", { level: 1, name: "Impor profil-2024-12.csv" }).waitFor();
    await page.getByText("Alasan: Data Desember 2024 dari aplikasi lama").waitFor();
    await page.getByText("Impor selesai: 1 laporan tersimpan", { exact: false }).waitFor({ timeout: 30_000 });
    const stored = page.getByRole("table").filter({ hasText: "2024-12" }).locator("tbody tr");
    await expect(stored.count()).resolves.toBe(1);
    await expect(stored.first().getByText("Entri terlambat").isVisible()).resolves.toBe(true);
    await screenshot(page, "imports-backfill");

    await stored
      .first()
      .getByRole("link", { name: /Riwayat laporan Puskesmas Sungai Durian periode 2024-12/ })
      .click();
    await page.getByRole("heading", { level: 1, name: "Riwayat laporan" }).waitFor();
    await expect(page.getByText("Alasan impor data periode lalu: Data Desember 2024 dari aplikasi lama").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("heading", { level: 3 }).first().getByText("Entri terlambat").isVisible()).resolves.toBe(true);
    await screenshot(page, "history-late-entry");

    e2e.expectClean(admin);
  });
});
