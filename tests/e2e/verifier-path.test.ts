/**
 * The verifier's monthly path in Chromium (docs/decisions/024-verifier-change-flags.md), on a
 * desktop (1366×768, Bahasa Indonesia) and on a phone (390×844, English): the queue lists form
 * titles and flagged reports first; the verifier filters by form and period, opens a flagged
 * report, sees the flag at the field and the comparison's status, returns it, moves on to the next
 * report, approves, comes back to the filtered queue when it is empty, resets the filters and
 * approves the clean reports together after a confirmation. axe-core finds no serious or critical
 * problem on any page of the way.
 *
 * The demo is seeded as of 20 March 2026 (PANTAU_NOW), so the queue is the same every day.
 * Two sign-ins in total.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { langCookie } from "~/i18n/locale.server";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "verifier-path", env: { PANTAU_NOW: "2026-03-20T12:00:00.000Z" } });

/** The queue's rows: flagged ones (data-flagged) must all come before the others. */
async function flaggedFirst(page: Page): Promise<{ flagged: number; total: number }> {
  const marks = await page.locator("main table tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-flagged") === "1"));
  const firstClean = marks.indexOf(false);
  expect(firstClean === -1 || marks.slice(firstClean).every((m) => !m)).toBe(true);
  return { flagged: marks.filter(Boolean).length, total: marks.length };
}

async function axeClean(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

describe("the verifier's path in Chromium", () => {
  it("desktop, Bahasa Indonesia: filter, flagged first, decide, next report, back to the queue, bulk approval", async () => {
    const s = await e2e.signedIn("verifikator.sawahlunto");
    const page = s.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/verification");
    await page.getByRole("heading", { level: 1, name: "Verifikasi laporan" }).waitFor();
    await waitForHydration(page);
    // Titles, not keys; the Puskesmas with its code.
    await page.getByRole("cell", { name: "Capaian SPM Kesehatan (bulanan)" }).first().waitFor();
    await expect(page.getByRole("cell", { name: "spm_bulanan" }).count()).resolves.toBe(0);
    await page.getByRole("rowheader", { name: "Puskesmas Sungai Durian (P1373001)" }).first().waitFor();
    const all = await flaggedFirst(page);
    expect(all.flagged).toBeGreaterThan(0);
    expect(all.flagged).toBeLessThan(all.total);
    await axeClean(page);
    await screenshot(page, "verifier-01-queue-desktop");

    // Filter: the month's SPM reports.
    await page.getByLabel("Formulir", { exact: true }).selectOption({ label: "Capaian SPM Kesehatan (bulanan)" });
    await page.getByLabel("Periode", { exact: true }).selectOption("2026-02");
    await page.getByRole("button", { name: "Terapkan saringan" }).click();
    await page.waitForURL(/\/verification\?form=spm_bulanan&period=2026-02$/);
    const filtered = await flaggedFirst(page);
    expect(filtered.total).toBe(3);
    expect(filtered.flagged).toBe(3);
    await axeClean(page);
    await screenshot(page, "verifier-02-filtered-desktop");

    // The first flagged report: the flag at the field, the comparison with its status.
    await page.getByRole("link", { name: "Periksa laporan Puskesmas Sungai Durian Capaian SPM Kesehatan (bulanan) 2026-02" }).click();
    await page.getByRole("heading", { level: 1, name: /^Puskesmas Sungai Durian \(P1373001\) · Capaian SPM Kesehatan \(bulanan\) · 2026-02$/ }).waitFor();
    await waitForHydration(page);
    await page.getByText("1 isian ditandai karena perubahannya tidak biasa. Periksa sebelum menyetujui.").waitFor();
    await page.getByText(/^Pembanding: laporan 2026-01 \((Disetujui|Dikirim|Dikembalikan)\)\.$/).waitFor();
    const flaggedRow = page.locator("tr.flagged");
    await expect(flaggedRow.count()).resolves.toBe(1);
    await expect(flaggedRow.innerText()).resolves.toContain("Berubah +62,3% dari 77 (2026-01) menjadi 125; ambang 50%.");
    await axeClean(page);
    await screenshot(page, "verifier-03-flagged-report-desktop");

    // Return it with a note: the next report of the same filtered queue opens.
    await page.getByLabel("Catatan untuk operator").fill("Balita ditimbang naik dari 77 ke 125. Mohon periksa kembali.");
    await page.getByRole("button", { name: "Kembalikan" }).click();
    await page.getByText("Laporan sebelumnya dikembalikan ke operator. Ini laporan berikutnya dalam antrean.").waitFor();
    await page.waitForURL(/\/verification\/\d+\?form=spm_bulanan&period=2026-02&done=returned$/);
    await page.getByRole("heading", { level: 1, name: /Lembah Segar/ }).waitFor();
    await waitForHydration(page);
    await axeClean(page);
    await screenshot(page, "verifier-04-next-report-desktop");

    // Approve the next two: then the filtered queue is empty and the verifier is back on it.
    await page.getByRole("button", { name: "Setujui" }).click();
    await page.getByText("Laporan sebelumnya disetujui. Ini laporan berikutnya dalam antrean.").waitFor();
    await page.getByRole("heading", { level: 1, name: /Barangin/ }).waitFor();
    await waitForHydration(page);
    await page.getByRole("button", { name: "Setujui" }).click();
    await page.getByText("Laporan disetujui. Tidak ada laporan lain yang menunggu dalam antrean ini.").waitFor();
    await page.waitForURL(/\/verification\?form=spm_bulanan&period=2026-02&done=approved&last=1$/);
    await page.getByText("Tidak ada laporan yang menunggu verifikasi.").waitFor();
    await expect(page.getByLabel("Formulir", { exact: true }).inputValue()).resolves.toBe("spm_bulanan");
    await axeClean(page);
    await screenshot(page, "verifier-05-queue-done-desktop");

    // Reset the filters; approve the clean reports together.
    await page.getByRole("link", { name: "Atur ulang saringan" }).click();
    await page.waitForURL(/\/verification$/);
    await waitForHydration(page);
    const rest = await flaggedFirst(page);
    const clean = rest.total - rest.flagged;
    expect(clean).toBeGreaterThan(0);
    await expect(page.getByRole("checkbox").count()).resolves.toBe(clean);
    await page.getByRole("button", { name: "Tinjau persetujuan sekaligus" }).click();
    await page.getByRole("heading", { level: 2, name: `Setujui ${clean} laporan?` }).waitFor();
    await axeClean(page);
    await screenshot(page, "verifier-06-bulk-confirm-desktop");
    await page.getByRole("button", { name: `Ya, setujui ${clean} laporan` }).click();
    await page.getByText(`${clean} laporan disetujui dan dikunci.`).waitFor();
    await expect.poll(() => page.getByRole("checkbox").count(), { timeout: 10_000 }).toBe(0);
    const after = await flaggedFirst(page);
    expect(after.total).toBe(rest.flagged);
    await axeClean(page);
    await screenshot(page, "verifier-07-bulk-done-desktop");
    e2e.expectClean(s);
  });

  it("phone, English: titles and flags in English, filter, decide, next report, bulk approval", async () => {
    const s = await e2e.signedIn("verifikator.tegal");
    const page = s.page;
    await page.setViewportSize({ width: 390, height: 844 });
    const [name, value] = (await langCookie.serialize("en")).split(";")[0].split("=");
    await s.context.addCookies([{ name, value, url: e2e.app.baseUrl }]);
    await page.goto("/verification");
    await page.getByRole("heading", { level: 1, name: "Report verification" }).waitFor();
    await waitForHydration(page);
    await page.getByRole("cell", { name: "Health minimum service standards (SPM), monthly" }).first().waitFor();
    await expect(page.getByText("Capaian SPM Kesehatan (bulanan)").count()).resolves.toBe(0);
    const all = await flaggedFirst(page);
    expect(all.flagged).toBeGreaterThan(0);
    await axeClean(page);
    await screenshot(page, "verifier-11-queue-phone-en");

    await page.getByLabel("Form", { exact: true }).selectOption({ label: "Health minimum service standards (SPM), monthly" });
    await page.getByLabel("Period", { exact: true }).selectOption("2026-02");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/\/verification\?form=spm_bulanan&period=2026-02$/);
    const filtered = await flaggedFirst(page);
    expect(filtered.flagged).toBeGreaterThan(1);
    await axeClean(page);
    await screenshot(page, "verifier-12-filtered-phone-en");

    await page
      .locator("main table tbody tr")
      .first()
      .getByRole("link", { name: /^Review report / })
      .click();
    await page.getByRole("heading", { level: 2, name: "Indicators this report feeds" }).waitFor();
    await waitForHydration(page);
    await page.getByText(/fields? are flagged because their change is unusual|fields are flagged/).waitFor();
    await expect(page.locator("tr.flagged").first().innerText()).resolves.toMatch(/Changed by [+-][\d.,]+% from|is outside the usual range/);
    await page.getByText(/^Compared with: report 2026-0[12] \((Approved|Submitted|Returned)\)\./).waitFor();
    await axeClean(page);
    await screenshot(page, "verifier-13-flagged-report-phone-en");

    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("The previous report was approved. This is the next report in the queue.").waitFor();
    await waitForHydration(page);
    await axeClean(page);
    await screenshot(page, "verifier-14-next-report-phone-en");

    await page.getByRole("link", { name: "Back to the queue" }).click();
    await page.waitForURL(/\/verification\?form=spm_bulanan&period=2026-02$/);
    await page.getByRole("link", { name: "Reset filters" }).click();
    await page.waitForURL(/\/verification$/);
    await waitForHydration(page);
    const boxes = await page.getByRole("checkbox").count();
    expect(boxes).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Review approval together" }).click();
    await page.getByRole("heading", { level: 2, name: `Approve ${boxes} reports?` }).waitFor();
    await axeClean(page);
    await screenshot(page, "verifier-15-bulk-confirm-phone-en");
    await page.getByRole("button", { name: `Yes, approve ${boxes} reports` }).click();
    await page.getByText(`${boxes} reports approved and locked.`).waitFor();
    await axeClean(page);
    await screenshot(page, "verifier-16-bulk-done-phone-en");
    e2e.expectClean(s);
  });
});
