/**
 * The DHIS2 mapping page in Chromium (docs/dhis2.md): the national admin opens /dhis2, a CSV with a
 * unit Pantau does not have is refused with its line and nothing stored, a valid CSV is stored and
 * its rows shown; the page passes the accessibility check.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { accessibilityProblems, useE2E, waitForHydration } from "./harness";

const e2e = useE2E({ name: "dhis2-mapping", login: "admin.nasional" });

function csvFile(name: string, lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pantau-dhis2-")), name);
  fs.writeFileSync(file, ["kind,form,pantau,dhis2,category_option_combo", ...lines].join("\n") + "\n");
  return file;
}

describe("DHIS2 mapping page", () => {
  it("refuses a bad CSV with its line, stores a good one and shows it", async () => {
    const page = e2e.page;
    await page.goto("/dhis2?package=ilp-nasional");
    await page.getByRole("heading", { level: 1, name: "Pemetaan DHIS2" }).waitFor();
    await waitForHydration(page);
    await page.getByText("Paket ini belum punya pemetaan DHIS2.").waitFor();

    await page.getByLabel("Berkas CSV").setInputFiles(csvFile("salah.csv", ["org_unit,,X999,DiszpKrYNg8,"]));
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.getByText("Baris 2").waitFor();
    await page.getByText('Unit dengan kode "X999" tidak ada di Pantau.').waitFor();
    await page.getByText("Paket ini belum punya pemetaan DHIS2.").waitFor();

    await page
      .getByLabel("Berkas CSV")
      .setInputFiles(csvFile("baik.csv", ["dataset,,,pBOMPrpg1QX,", "indicator,,spm_01,fbfJHSPpUQD,", "org_unit,,P1373001,DiszpKrYNg8,"]));
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.getByText("Pemetaan disimpan: data set 1, isian 0, indikator 1, unit 1.").waitFor();
    await page.getByRole("cell", { name: "DiszpKrYNg8" }).waitFor();
    expect(await accessibilityProblems(page), "/dhis2").toEqual([]);
    e2e.expectClean();
  });
});
