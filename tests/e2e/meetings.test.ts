/**
 * Evaluation meetings in Chromium (docs/decisions/027-meetings-and-actions.md,
 * 028-meeting-follow-up.md): a district admin creates a meeting through the form (a bad date is
 * refused with the typed values kept), finds it in the list, ticks attendance, writes the minutes,
 * closes it, then creates the next meeting of the same scope and package and sees the previous
 * meeting's action with how its indicator moved. On a desktop (1366×768) and on a phone (390×844,
 * nothing wider than the screen); axe-core finds no serious or critical problem on any page.
 *
 * The demo is seeded as of 20 November 2026 (PANTAU_NOW). The action is inserted straight into the
 * server's database: the action pages are another part of the feature. One sign-in.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openDb } from "~/db/db.server";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "meetings", env: { PANTAU_NOW: "2026-11-20T12:00:00.000Z" } });

async function axeClean(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

async function noSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

/** Inserts an action of meeting `meetingId` on Kolok Mudik's first indicator, agreed at `baseline`. */
async function insertAction(meetingId: number, baseline: number): Promise<string> {
  const handle = openDb(e2e.app.databaseUrl);
  try {
    const db = handle.db;
    const unit = await db.selectFrom("org_unit").select(["id", "parent_id"]).where("code", "=", "P1373002").executeTakeFirstOrThrow();
    const admin = await db.selectFrom("app_user").select("id").where("username", "=", "admin.sawahlunto").executeTakeFirstOrThrow();
    const pkg = await db
      .selectFrom("template_package")
      .select("document")
      .where("key", "=", "ilp-nasional")
      .where("status", "=", "published")
      .orderBy("version", "desc")
      .executeTakeFirstOrThrow();
    const indicator = (JSON.parse(pkg.document) as { indicators: Array<{ key: string }> }).indicators[0].key;
    await db
      .insertInto("follow_up_action")
      .values({
        meeting_id: meetingId,
        district_id: unit.parent_id,
        org_unit_id: unit.id,
        package_key: "ilp-nasional",
        indicator_key: indicator,
        period: "2026-09",
        baseline_value: baseline,
        problem: "Cakupan kunjungan rendah di Kolok Mudik",
        cause: null,
        plan: "Kunjungan rumah oleh bidan desa",
        responsible_org_unit_id: unit.id,
        responsible_person: "Bidan koordinator",
        responsible_user_id: null,
        due_date: "2026-10-31",
        status: "in_progress",
        done_at: null,
        done_by: null,
        verified_at: null,
        verified_by: null,
        created_by: admin.id,
        created_at: "2026-10-10T09:00:00.000Z",
        updated_at: "2026-10-10T09:00:00.000Z",
      })
      .execute();
    return indicator;
  } finally {
    await handle.destroy();
  }
}

async function createMeeting(page: Page, title: string, period: string, date: string): Promise<number> {
  await page.goto("/meetings");
  await page.getByRole("heading", { level: 1, name: "Rapat evaluasi" }).waitFor();
  await waitForHydration(page);
  await page.getByRole("link", { name: "Buat rapat" }).click();
  await page.getByRole("heading", { level: 1, name: "Buat rapat" }).waitFor();
  await waitForHydration(page);
  // The admin's one district is the scope, and its Puskesmas are invited, before anything is typed.
  await expect(page.getByRole("checkbox", { name: "Kota Sawahlunto (13.73)", exact: true }).isChecked()).resolves.toBe(true);
  await expect(page.getByRole("checkbox", { name: "Puskesmas Sungai Durian (Kota Sawahlunto)", exact: true }).isChecked()).resolves.toBe(true);
  await page.getByLabel("Judul", { exact: true }).fill(title);
  await page.getByLabel("Periode yang dibahas").fill(period);
  await page.getByLabel("Tempat").fill("Aula Dinas Kesehatan");
  await page.getByLabel("Nama peserta 1").fill("Ibu Rina");
  await page.getByLabel("Jabatan peserta 1").fill("Camat Talawi");
  await page.getByLabel("Tanggal rapat").fill(date);
  await page.getByRole("button", { name: "Simpan rapat" }).click();
  await page.waitForURL(/\/meetings\/\d+\?created=\d+$/);
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  await waitForHydration(page);
  return Number(new URL(page.url()).pathname.split("/")[2]);
}

describe("evaluation meetings in Chromium", () => {
  let firstId = 0;
  let nextId = 0;

  it("desktop: creates a meeting (a bad date refused, the typed values kept), lists it, ticks attendance, writes the minutes and closes it", async () => {
    const { page } = await e2e.signedIn("admin.sawahlunto");
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/meetings");
    await page.getByRole("heading", { level: 1, name: "Rapat evaluasi" }).waitFor();
    await waitForHydration(page);
    await page.getByText("Belum ada rapat di wilayah Anda untuk pilihan ini.").waitFor();
    await axeClean(page);

    await page.getByRole("link", { name: "Buat rapat" }).click();
    await page.getByRole("heading", { level: 1, name: "Buat rapat" }).waitFor();
    await waitForHydration(page);
    await page.getByLabel("Judul", { exact: true }).fill("Rapat evaluasi ILP September");
    await page.getByLabel("Periode yang dibahas").fill("2026-09");
    await page.getByLabel("Nama peserta 1").fill("Ibu Rina");
    await page.getByLabel("Jabatan peserta 1").fill("Camat Talawi");
    await page.getByLabel("Tanggal rapat").fill("2026-10-40");
    await page.getByRole("button", { name: "Simpan rapat" }).click();
    await page.getByRole("alert").getByText("Tanggal rapat tidak valid. Tulis dalam format TTTT-BB-HH, misalnya 2026-12-10.").waitFor();
    await expect(page.getByLabel("Judul", { exact: true }).inputValue()).resolves.toBe("Rapat evaluasi ILP September");
    await expect(page.getByLabel("Periode yang dibahas").inputValue()).resolves.toBe("2026-09");
    await expect(page.getByLabel("Nama peserta 1").inputValue()).resolves.toBe("Ibu Rina");
    await expect(page.getByLabel("Tanggal rapat").getAttribute("aria-invalid")).resolves.toBe("true");
    await axeClean(page);
    await screenshot(page, "meetings-01-new-refused-desktop");

    await page.getByLabel("Tanggal rapat").fill("2026-10-10");
    await page.getByRole("button", { name: "Simpan rapat" }).click();
    await page.waitForURL(/\/meetings\/\d+\?created=\d+$/);
    await page.getByRole("heading", { level: 1, name: "Rapat evaluasi ILP September" }).waitFor();
    await waitForHydration(page);
    firstId = Number(new URL(page.url()).pathname.split("/")[2]);
    await page.getByText(/Rapat tersimpan\. Undangan terkirim ke \d+ akun\./).waitFor();
    await expect(page.getByRole("link", { name: "Presentasi" }).getAttribute("href")).resolves.toBe(`/meetings/${firstId}/present`);
    await expect(page.getByRole("link", { name: "Unduh notulen (PDF)" }).getAttribute("href")).resolves.toBe(`/meetings/${firstId}/notulen.pdf`);
    await expect(page.getByRole("link", { name: "Lihat scorecard" }).getAttribute("href")).resolves.toBe(
      "/scorecards?template=ilp-nasional&period=2026-09&parent=13.73",
    );
    await expect(page.getByRole("link", { name: "Tambah tindak lanjut" }).getAttribute("href")).resolves.toBe(`/actions/new?meeting=${firstId}`);
    await axeClean(page);

    await page.getByRole("checkbox", { name: "Puskesmas Sungai Durian hadir" }).check();
    await page.getByRole("checkbox", { name: "Ibu Rina hadir" }).check();
    await page.getByRole("button", { name: "Simpan kehadiran" }).click();
    await page.getByRole("status").getByText("Kehadiran tersimpan.").waitFor();
    await expect(page.getByRole("checkbox", { name: "Puskesmas Sungai Durian hadir" }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole("checkbox", { name: "Puskesmas Kolok Mudik hadir" }).isChecked()).resolves.toBe(false);

    await page.getByLabel("Pokok bahasan").fill("Cakupan kunjungan Kolok Mudik di bawah target tiga bulan berturut-turut.");
    await page.getByLabel("Keputusan").fill("Kunjungan rumah oleh bidan desa mulai Oktober.");
    await page.getByRole("button", { name: "Simpan notulen" }).click();
    await page.getByRole("status").getByText("Notulen tersimpan.").waitFor();
    await expect(page.getByLabel("Pokok bahasan").inputValue()).resolves.toContain("Cakupan kunjungan Kolok Mudik");
    await screenshot(page, "meetings-02-open-desktop");

    await insertAction(firstId, 0);
    await page.reload();
    await waitForHydration(page);
    await page.getByRole("link", { name: /Cakupan kunjungan rendah di Kolok Mudik/ }).waitFor();
    // Due 31 October, still in progress on 20 November: overdue, in words.
    await page.getByText("Terlambat (lewat 31 Oktober 2026)").waitFor();

    await page.getByRole("button", { name: "Tutup rapat" }).click();
    await page.getByRole("status").getByText("Rapat ditutup. Notulen tidak dapat diubah lagi.").waitFor();
    // The message comes with the action's answer, the status with the revalidated data just after.
    await page.locator('[data-status="closed"]').waitFor();
    await expect(page.getByLabel("Pokok bahasan").count()).resolves.toBe(0);
    await page.getByText("Kunjungan rumah oleh bidan desa mulai Oktober.").waitFor();
    await axeClean(page);
    await screenshot(page, "meetings-03-closed-desktop");

    await page.goto("/meetings");
    await waitForHydration(page);
    await page.getByRole("link", { name: "Rapat evaluasi ILP September" }).waitFor();
    await axeClean(page);
    e2e.expectClean();
  });

  it("desktop: the next meeting follows up the previous one's action and says how its indicator moved", async () => {
    const { page } = await e2e.signedIn("admin.sawahlunto");
    await page.setViewportSize({ width: 1366, height: 768 });
    nextId = await createMeeting(page, "Rapat evaluasi ILP Oktober", "2026-10", "2026-11-20");
    const section = page.getByTestId("followup");
    await section.getByRole("heading", { level: 2, name: "Tindak lanjut rapat sebelumnya" }).waitFor();
    await section.getByText(/Dari rapat "Rapat evaluasi ILP September" \(10 Oktober 2026, periode September 2026\)/).waitFor();
    const row = section.locator("tr[data-followup]");
    await expect(row.count()).resolves.toBe(1);
    // The baseline was 0: the October value is higher, or October has no data yet; said in words either way.
    await expect(row.innerText()).resolves.toMatch(
      /0,0 → (\d[\d.]*,\d \((naik|turun) [\d.]+,\d poin, (membaik|memburuk)[^)]*\)|\d[\d.]*,\d \(tetap\)|belum ada data periode ini)/,
    );
    await expect(row.innerText()).resolves.toContain("Berjalan");
    await axeClean(page);
    await screenshot(page, "meetings-04-followup-desktop");

    // Two tabs on the same minutes: the second save is refused, its text kept, the saved version shown beside it.
    const { context } = await e2e.signedIn("admin.sawahlunto");
    const other = await context.newPage();
    try {
      await other.goto(`/meetings/${nextId}`);
      await waitForHydration(other);
      await other.getByLabel("Pokok bahasan").fill("Versi dari tab lain.");
      await other.getByRole("button", { name: "Simpan notulen" }).click();
      await other.getByRole("status").getByText("Notulen tersimpan.").waitFor();
    } finally {
      await other.close();
    }
    await page.getByLabel("Pokok bahasan").fill("Teks saya yang belum tersimpan.");
    await page.getByRole("button", { name: "Simpan notulen" }).click();
    await page
      .getByRole("alert")
      .getByText(/Notulen ini sudah diubah orang lain sejak Anda membukanya\./)
      .waitFor();
    await expect(page.getByLabel("Pokok bahasan").inputValue()).resolves.toBe("Teks saya yang belum tersimpan.");
    await page.locator(".meeting-saved").getByText("Versi dari tab lain.").waitFor();
    await axeClean(page);
    await screenshot(page, "meetings-05-conflict-desktop");
    // Merged, the second save goes through against the version now saved.
    await page.getByLabel("Pokok bahasan").fill("Versi dari tab lain. Teks saya yang belum tersimpan.");
    await page.getByRole("button", { name: "Simpan notulen" }).click();
    await page.getByRole("status").getByText("Notulen tersimpan.").waitFor();

    await page.goto("/meetings");
    await waitForHydration(page);
    await expect(page.locator("tr[data-meeting]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-meeting")))).resolves.toEqual([
      String(nextId),
      String(firstId),
    ]);
    e2e.expectClean();
  });

  it("phone: the list, the form and the meeting fit the screen", async () => {
    const { page } = await e2e.signedIn("admin.sawahlunto");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/meetings");
    await page.getByRole("heading", { level: 1, name: "Rapat evaluasi" }).waitFor();
    await waitForHydration(page);
    await noSidewaysScroll(page);
    await axeClean(page);
    await screenshot(page, "meetings-06-list-phone");

    await page.goto("/meetings/new");
    await page.getByRole("heading", { level: 1, name: "Buat rapat" }).waitFor();
    await waitForHydration(page);
    await noSidewaysScroll(page);
    await axeClean(page);
    await screenshot(page, "meetings-07-new-phone");

    await page.goto(`/meetings/${nextId}`);
    await page.getByRole("heading", { level: 1, name: "Rapat evaluasi ILP Oktober" }).waitFor();
    await waitForHydration(page);
    await noSidewaysScroll(page);
    await axeClean(page);
    await screenshot(page, "meetings-08-meeting-phone");
    e2e.expectClean();
  });
});
