/**
 * The notulen PDF renderer on a synthetic district meeting (40 Puskesmas × 25 indicators, 30
 * actions): the text read back with pdfjs-dist, page numbers, size, the split of wide tables with
 * the unit column repeated, and page 1 rendered by pdftoppm with the scorecard's colours on it
 * (kept as tests/artifacts/screenshots/notulen-page1.png).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { columnBlocks, PDF_FILLS, renderNotulenPdf, safeTextFor } from "~/models/notulen-pdf.server";
import { notulenFileName } from "~/models/notulen.server";
import { countNear, pdfPagePixels, pdfPagePng, pdfText } from "../helpers/pdf";
import { sampleNotulen } from "../helpers/notulen-sample";

const SCREENSHOTS = path.resolve("tests/artifacts/screenshots");
const rgbOf = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

describe("notulen PDF (Indonesian, 40 units × 25 indicators, 30 actions)", () => {
  let pdf: Buffer;
  let pages: string[];
  let all: string;

  beforeAll(async () => {
    pdf = await renderNotulenPdf(sampleNotulen(), "id");
    pages = await pdfText(pdf);
    all = pages.join("\n");
  });

  it("is a small A4 landscape PDF of a sane number of pages", () => {
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeLessThan(3 * 1024 * 1024);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.length).toBeLessThanOrEqual(12);
    // A4 landscape: 841.89 × 595.28 pt.
    expect(pdf.toString("latin1")).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
  });

  it("says what the meeting was: title, scope, period, date, place, package", () => {
    expect(pages[0]).toContain("Rapat evaluasi triwulan – Kabupaten Kendal");
    expect(pages[0]).toContain("NOTULEN · Rapat evaluasi");
    expect(pages[0]).toContain("Kabupaten Kendal");
    expect(pages[0]).toContain("November 2026");
    expect(pages[0]).toContain("3 Desember 2026");
    expect(pages[0]).toContain("Aula Dinas Kesehatan Kendal");
    expect(pages[0]).toContain("ILP Nasional");
    expect(pages[0]).toContain("Semua indikator");
  });

  it("lists who attended and who did not, the points and the decisions, special characters intact", () => {
    expect(pages[0]).toContain("Hadir (12)");
    expect(pages[0]).toContain("dr. Ayu Lestari");
    expect(pages[0]).toContain("Diundang, tidak hadir (2)");
    expect(pages[0]).toContain("Petugas 13");
    expect(pages[0]).toContain("Cakupan imunisasi turun di empat Puskesmas → jadwal posyandu dibahas.");
    expect(pages[0]).toContain("Laporan Oktober masih belum lengkap…");
    expect(pages[0]).toContain("paling lambat 10 Desember.");
    expect(all).toContain("≥");
  });

  it("draws the scorecard with every unit and indicator, completeness per row and the total", () => {
    expect(all).toContain("Puskesmas Sukamaju 1 ");
    expect(all).toContain("Puskesmas Sukamaju 40");
    expect(all).toContain("Indikator 1:");
    expect(all).toContain("Indikator 25:");
    expect(all).toContain("Total: Kabupaten Kendal");
    // Reports of each row's least complete indicator: row 2 of the sample got 7 of 9, row 1 all 9.
    const [row1, row2] = sampleNotulen().scorecard!.rows;
    expect(row1.reports).toEqual({ reported: 9, expected: 9 });
    expect(row2.reports).toEqual({ reported: 7, expected: 9 });
    expect(all).toContain(`1 ${row1.name} 9/9`);
    expect(all).toContain(`2 ${row2.name} 7/9`);
  });

  it("splits 25 indicator columns into two blocks, repeating the unit column and the header on every page", () => {
    expect(columnBlocks(25)).toEqual([
      [0, 13],
      [13, 25],
    ]);
    expect(columnBlocks(13)).toEqual([[0, 13]]);
    expect(columnBlocks(40)).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
      [30, 40],
    ]);
    // Each unit's row appears once per block, the unit column repeated: "40 Puskesmas Sukamaju 40 23/25".
    const rows = sampleNotulen().scorecard!.rows;
    for (const [i, r] of [
      [0, rows[0]],
      [39, rows[39]],
    ] as const) {
      const line = `${i + 1} ${r.name} ${r.reports!.reported}/${r.reports!.expected}`;
      expect(all.split(line).length - 1, line).toBe(2);
    }
    // Every page with scorecard rows starts them under a header: "No. Unit Laporan Indikator …".
    const withRows = pages.filter((p) => / \d+\/9 /.test(p));
    expect(withRows.length).toBeGreaterThanOrEqual(3);
    for (const p of withRows) expect(p.indexOf("No. Unit Laporan Indikator")).toBeLessThan(p.search(/ \d+\/9 /));
    // The blocks: indicators 1–13, then 14–25, headed as such.
    expect(all).toContain("1–13 / 25");
    expect(all).toContain("14–25 / 25");
    expect(all.indexOf("Indikator 13:")).toBeLessThan(all.indexOf("14–25 / 25"));
    expect(all.indexOf("14–25 / 25")).toBeLessThan(all.indexOf("Indikator 14:"));
  });

  it("has the legend of the colour bands", () => {
    expect(all).toContain("Keterangan");
    for (const s of [
      "Hijau: target tercapai",
      "Kuning: mendekati target",
      "Merah: di bawah target",
      "Abu-abu: tidak ada data",
      "Arsir: laporan belum lengkap",
      "Putih: belum ada target",
    ]) {
      expect(all).toContain(s);
    }
  });

  it("lists the actions: problem, cause, plan, responsible unit and person, due date, status", () => {
    expect(all).toContain("Rencana tindak lanjut (30)");
    expect(all).toContain("Sweeping ke semua posyandu – rencana tindak lanjut 30");
    expect(all).toContain("Cakupan di bawah target (79%)");
    expect(all).toContain("Stok vaksin habis pada minggu kedua");
    expect(all).toContain("Bidan Koordinator 30");
    expect(all).toContain("2027-01-02");
    expect(all).toContain("Selesai (dikonfirmasi)");
    expect(all).toContain("Dibatalkan");
  });

  it("says on every page who generated it, when, and the page of how many", () => {
    pages.forEach((p, i) => {
      expect(p).toContain(`Halaman ${i + 1} dari ${pages.length}`);
      expect(p).toContain("Dibuat 2026-12-05 03:40 UTC oleh Admin Dinkes Kendal");
    });
  });

  it("renders page 1 with the scorecard's colours (pdftoppm), kept as a screenshot", () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const png = pdfPagePng(pdf, 1, 60);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    fs.writeFileSync(path.join(SCREENSHOTS, "notulen-page1.png"), png);
    const pixels = pdfPagePixels(pdf, 1, 60);
    // 60 dpi A4 landscape: 702 × 496 pixels.
    expect(pixels.width).toBeGreaterThan(pixels.height);
    expect(countNear(pixels, rgbOf(PDF_FILLS.green))).toBeGreaterThan(200);
    expect(countNear(pixels, rgbOf(PDF_FILLS.red))).toBeGreaterThan(100);
    expect(countNear(pixels, rgbOf(PDF_FILLS.yellow))).toBeGreaterThan(100);
  });

  it("names the download after the date and the kind of meeting", () => {
    expect(notulenFileName({ meetingDate: "2026-12-03", kind: "evaluation" }, "pdf")).toBe("notulen-2026-12-03-rapat-evaluasi.pdf");
    expect(notulenFileName({ meetingDate: "2026-12-03", kind: "benchmark" }, "xlsx")).toBe("notulen-2026-12-03-kaji-banding.xlsx");
  });
});

describe("notulen PDF in English", () => {
  it("uses the reader's language for every label", async () => {
    const pdf = await renderNotulenPdf(sampleNotulen({ units: 5, indicators: 6, actions: 3, locale: "en" }), "en");
    const pages = await pdfText(pdf);
    const all = pages.join("\n");
    expect(pages[0]).toContain("MINUTES · Evaluation meeting");
    expect(pages[0]).toContain("Quarterly evaluation meeting – Kendal");
    expect(pages[0]).toContain("Present (12)");
    expect(pages[0]).toContain("Invited, absent (2)");
    expect(all).toContain("Points discussed");
    expect(all).toContain("Green: target met");
    expect(all).toContain("Follow-up actions (3)");
    expect(all).toContain("Sweeping visits to every posyandu, action 3");
    expect(all).toContain(`Page 1 of ${pages.length}`);
    expect(all).toContain("Generated 2026-12-05 03:40 UTC by Admin Kendal");
    expect(all).toContain("3 December 2026");
    expect(all).not.toContain("Halaman");
  });
});

describe("notulen PDF without the font files (Helvetica)", () => {
  it("still renders, with the characters WinAnsi lacks written plainly", async () => {
    const data = sampleNotulen({ units: 3, indicators: 4, actions: 2 });
    const pdf = await renderNotulenPdf(data, "id", { fonts: "standard" });
    const all = (await pdfText(pdf)).join("\n");
    expect(all).toContain("Cakupan imunisasi turun di empat Puskesmas -> jadwal posyandu dibahas.");
    expect(all).toContain("cakupan pelayanan >= target");
    expect(all).toContain("Laporan Oktober masih belum lengkap…");
    expect(all).toContain("Halaman 1 dari");
    expect(all).not.toContain("≥");
  });

  it("keeps the same bytes for the same data (no clock read)", async () => {
    const data = sampleNotulen({ units: 3, indicators: 4, actions: 2 });
    const [a, b] = [await renderNotulenPdf(data, "id"), await renderNotulenPdf(data, "id")];
    expect(a.equals(b)).toBe(true);
  });
});

describe("text the font cannot show", () => {
  it("is replaced by plain equivalents, never dropped silently or left to break the PDF", () => {
    const winAnsi = (cp: number) => (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xff) || cp === 0x2013 || cp === 0x2026;
    const safe = safeTextFor(winAnsi);
    expect(safe("cakupan ≥ 80% → naik")).toBe("cakupan >= 80% -> naik");
    expect(safe("Jan–Mar…")).toBe("Jan–Mar…");
    expect(safe("Ş ı 😀")).toBe("S ? ?");
    expect(safe("a\u0000b\tc\r\nd\u200be")).toBe("ab c\nde");
  });
});
