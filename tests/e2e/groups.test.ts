/**
 * Org-unit groups in Chromium (docs/decisions/033-org-unit-groups.md): a district admin creates a
 * group, opens it, adds a Puskesmas from a month, and an overlapping membership is refused with
 * the message while the typed values stay; both pages pass the accessibility check.
 */
import { describe, expect, it } from "vitest";
import { accessibilityProblems, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "groups", login: "admin.sawahlunto" });

describe("org-unit groups", () => {
  it("creates a group, adds a member and refuses an overlapping period, keeping what was typed", async () => {
    const page = e2e.page;
    await page.goto("/groups");
    await page.getByRole("heading", { level: 1, name: "Kelompok unit" }).waitFor();
    await waitForHydration(page);
    await page.getByLabel("Kunci").fill("lokus_ilp_2025");
    await page.getByLabel("Nama (Bahasa Indonesia)").fill("Lokus ILP 2025");
    await page.getByRole("button", { name: "Buat kelompok" }).click();
    await page.getByText("Kelompok Lokus ILP 2025 dibuat.").waitFor();
    expect(await accessibilityProblems(page), "/groups").toEqual([]);
    await page.getByRole("link", { name: "Lokus ILP 2025" }).click();
    await page.getByRole("heading", { level: 1, name: "Lokus ILP 2025" }).waitFor();
    await waitForHydration(page);

    await page.getByLabel("Kode unit").fill("P1373001");
    await page.getByLabel("Dari bulan").fill("2025-01");
    await page.getByRole("button", { name: "Tambah", exact: true }).click();
    await page.getByText("Puskesmas Sungai Durian ditambahkan ke kelompok mulai 2025-01.").waitFor();

    await page.getByLabel("Kode unit").fill("P1373001");
    await page.getByLabel("Dari bulan").fill("2025-06");
    await page.getByRole("button", { name: "Tambah", exact: true }).click();
    await page.getByText(/tumpang tindih/).waitFor();
    await expect(page.getByLabel("Dari bulan").inputValue()).resolves.toBe("2025-06");
    await expect(page.getByLabel("Kode unit").inputValue()).resolves.toBe("P1373001");
    expect(await accessibilityProblems(page), "/groups/<id>").toEqual([]);
    e2e.expectClean();
  });
});
