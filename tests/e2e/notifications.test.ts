/**
 * The notification centre in Chromium: an operator with notifications sees the unread count in
 * the header, opens /notifications, marks one read, and sets their own email address and the
 * daily digest (a bad address is refused with a message and what was typed stays).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityProblems, screenshot, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "notifications", login: "operator.sungaidurian" });

beforeAll(async () => {
  const { openDb } = await import("~/db/db.server");
  const { notify } = await import("~/models/notifications.server");
  const handle = openDb(e2e.app.databaseUrl);
  try {
    const user = await handle.db.selectFrom("app_user").select("id").where("username", "=", "operator.sungaidurian").executeTakeFirstOrThrow();
    await notify(handle.db, [user.id], {
      kind: "meeting_invitation",
      eventKey: "meeting_invitation:e2e-1",
      params: { title: "Rapat evaluasi triwulan", date: "2030-03-20" },
      link: "/",
    });
    await notify(handle.db, [user.id], {
      kind: "action_due",
      eventKey: "action_due:e2e-2",
      params: { problem: "Cakupan K1 rendah", unit: "Puskesmas Sungai Durian", due: "2030-03-10" },
      link: "/",
    });
  } finally {
    await handle.destroy();
  }
});

describe("notification centre", () => {
  it("shows the unread count, marks one read, and keeps a bad email address with a message", async () => {
    const page = e2e.page;
    await page.goto("/");
    await waitForHydration(page);
    const badge = page.locator("header .notif-badge");
    await expect(badge.innerText()).resolves.toMatch(/^Notifikasi \(2\)/);
    await badge.click();
    await page.getByRole("heading", { level: 1, name: "Notifikasi" }).waitFor();
    await waitForHydration(page);
    await expect(page.locator(".notif-item").count()).resolves.toBe(2);
    await expect(page.locator(".notif-list").innerText()).resolves.toContain("Undangan rapat: Rapat evaluasi triwulan, tanggal 20 Maret 2030.");
    expect(await accessibilityProblems(page), "/notifications").toEqual([]);

    await page.getByRole("button", { name: "Tandai sudah dibaca" }).first().click();
    await page.getByText("Notifikasi ditandai sudah dibaca.").waitFor();
    // The header follows once the root loader revalidates after the action.
    await expect.poll(() => badge.innerText(), { timeout: 10_000 }).toMatch(/^Notifikasi \(1\)/);
    await expect.poll(() => page.getByRole("button", { name: "Tandai sudah dibaca" }).count(), { timeout: 10_000 }).toBe(1);

    const email = page.getByLabel("Alamat email");
    await email.fill("operator di puskesmas");
    await page.getByLabel("Ringkasan harian", { exact: false }).check();
    await page.getByRole("button", { name: "Simpan pengaturan" }).click();
    const error = page.locator("#notif-email-error");
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/tidak valid/);
    await expect(email.inputValue()).resolves.toBe("operator di puskesmas");
    await expect(email.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.getByLabel("Ringkasan harian", { exact: false }).isChecked()).resolves.toBe(true);
    expect(await accessibilityProblems(page), "/notifications with an error").toEqual([]);
    await screenshot(page, "notifications-01-error");

    await email.fill("operator@sungaidurian.example.test");
    await page.getByRole("button", { name: "Simpan pengaturan" }).click();
    await page.getByText("Pengaturan email disimpan.").waitFor();
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByLabel("Alamat email").inputValue()).resolves.toBe("operator@sungaidurian.example.test");
    await expect(page.getByLabel("Ringkasan harian", { exact: false }).isChecked()).resolves.toBe(true);
    await screenshot(page, "notifications-02-saved");
    e2e.expectClean();
  });
});
