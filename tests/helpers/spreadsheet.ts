/**
 * CSV-injection checks on exported files, read back the way spreadsheets read them: the CSV split
 * on "," (as written), on ";" (Excel in Indonesia) and on tab, each honouring quotes where a field
 * starts with one, and split blindly on every separator; the XLSX through exceljs. Written apart
 * from the app's writer on purpose, so a mistake there cannot hide here.
 */
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { expect } from "vitest";

/** What users have typed to make a spreadsheet run a formula. */
export const INJECTIONS = [
  "catatan;=cmd|' /C calc'!A0",
  "=1+1",
  "+1",
  "-1+1",
  "@SUM(A1)",
  "\uFF1D1+1",
  "\u200B=1+1",
  "   =1+1",
  "\tTAB",
  "\t=1+1",
  "\r=1+1",
  "baris satu\n=1+1",
  'kutip " di dalam;-2+3',
] as const;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[\s\u00AD\u200B-\u200F\u2060-\u2064\uFEFF"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Whether a spreadsheet could take this cell as a formula (a plain number such as -5 is a number). */
export function formulaLike(cell: string): boolean {
  if (PLAIN_NUMBER.test(cell)) return false;
  return /^[\t\r]/.test(cell) || FORMULA_START.test(cell);
}

/**
 * Every cell of a CSV as each kind of reader sees it; `","` is how it was written and must parse.
 * A ";" or tab reading that csv-parse gives up on (a quote it cannot close) shows no cells — the
 * blind split still covers every place a cell could begin.
 */
export function csvReadings(text: string): Record<string, string[][]> {
  const body = text.replace(/^\uFEFF/, "");
  const readings: Record<string, string[][]> = { ",": parse(body, { relax_column_count: true }) as string[][] };
  for (const delimiter of [";", "\t"]) {
    try {
      readings[delimiter] = parse(body, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
    } catch (e) {
      if ((e as { code?: string }).code !== "CSV_QUOTE_NOT_CLOSED") throw e;
    }
  }
  readings.blind = body.split(/\r\n|\r|\n/).map((line) => line.split(/[,;\t]/));
  return readings;
}

/** No cell of the CSV, read any of those ways, can start a formula. Returns the cells as written (split on ","). */
export function expectCsvSafe(text: string): string[][] {
  const readings = csvReadings(text);
  for (const [how, rows] of Object.entries(readings)) {
    rows.forEach((row, r) =>
      row.forEach((cell, c) => expect(formulaLike(cell), `read with ${how}: row ${r + 1}, cell ${c + 1}: ${JSON.stringify(cell)}`).toBe(false)),
    );
  }
  return readings[","];
}

/** No cell of any sheet is a formula or other non-value, and no text cell can start one. */
export async function expectXlsxSafe(bytes: ArrayBuffer | Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as ArrayBuffer);
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const where = `${ws.name}!${cell.address}: ${JSON.stringify(cell.value)}`;
        expect([ExcelJS.ValueType.Formula, ExcelJS.ValueType.RichText, ExcelJS.ValueType.Hyperlink, ExcelJS.ValueType.Error], where).not.toContain(cell.type);
        if (typeof cell.value === "string") expect(formulaLike(cell.value), where).toBe(false);
      }),
    ),
  );
  return wb;
}

/** Every text cell of a workbook. */
export function xlsxTexts(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void (typeof cell.value === "string" && out.push(cell.value)))));
  return out;
}

/**
 * Each injection arrived in some cell, changed by nothing but added apostrophes (so the test did
 * reach the data); line breaks compared as LF, since XML readers turn a CR in an XLSX into LF.
 */
export function expectInjectionsArrived(cells: readonly string[], injections: readonly string[] = INJECTIONS): void {
  const bare = (s: string) => s.replaceAll("'", "").replace(/\r\n?/g, "\n");
  const seen = new Set(cells.map(bare));
  for (const shape of injections) expect(seen.has(bare(shape)), `${JSON.stringify(shape)} is not in the file`).toBe(true);
}
