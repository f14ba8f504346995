/**
 * The one writer of every spreadsheet cell the app hands out: CSV downloads, the CLI's CSV and
 * XLSX workbooks. User text must never run as a formula when the file is opened (CSV injection),
 * whichever separator the reading spreadsheet splits on — Excel in Indonesia splits a CSV on ";",
 * not on the "," we write. Rules and reasons: docs/decisions/016-csv-export.md.
 */
import { stringify } from "csv-stringify/sync";
import type ExcelJS from "exceljs";

/** A cell: text (neutralised when it could start a formula), a number (written as a number), or empty. */
export type SheetValue = string | number | null | undefined;

/** Excel's UTF-8 marker: without it Excel reads the CSV as ANSI and mangles Indonesian text. */
const CSV_BOM = "\uFEFF";

const TRIGGERS = new Set(["=", "+", "-", "@"]);
/** Skipped before the first visible character: white space, invisible format characters
 * (U+200B–U+200F, U+2060–U+2064, U+FEFF, soft hyphen, bidi marks…) and the CSV quote. */
const INVISIBLE = /^[\s\p{Cf}"]$/u;
/** Characters a spreadsheet may split a CSV on; a new cell can start after each one. */
const SEPARATORS = /[,;\t\r\n]/g;

/**
 * Whether the text from `at` on would start a formula: it starts with tab or CR, or its first
 * visible character is = + - @ — also as a fullwidth or other compatibility form (＝ ＋ － ＠,
 * folded by NFKC), which some Excel versions take as the ASCII sign.
 */
function formulaAt(text: string, at: number): boolean {
  const first = text.charCodeAt(at);
  if (first === 9 || first === 13) return true;
  for (let i = at; i < text.length;) {
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    i += ch.length;
    if (INVISIBLE.test(ch)) continue;
    return TRIGGERS.has(ch.charCodeAt(0) < 0x80 ? ch : ch.normalize("NFKC").charAt(0));
  }
  return false;
}

/**
 * A text cell as it may start in a spreadsheet: an apostrophe in front when it would start a
 * formula. Idempotent. Used for XLSX cells, where nothing splits a cell.
 */
export function spreadsheetText(text: string): string {
  return formulaAt(text, 0) ? `'${text}` : text;
}

/**
 * A text cell for a CSV: besides the start, every place after a separator inside the text where a
 * reader splitting on another separator than ours would begin a cell gets the apostrophe too
 * (`catatan;=cmd…` → `catatan;'=cmd…`), since quoting only protects a field whose opening quote
 * the reader recognises.
 */
function csvFieldText(text: string): string {
  const inner = text.replace(SEPARATORS, (separator, offset: number) => (formulaAt(text, offset + 1) ? `${separator}'` : separator));
  return spreadsheetText(inner);
}

/** Numbers stay numbers (not finite: empty), empty is "", text goes through `text`. */
function cellValue(value: SheetValue, text: (s: string) => string): string | number {
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  return value === null || value === undefined ? "" : text(value);
}

/**
 * Rows as CSV text (`,` between fields, `\n` after each row). Besides what csv-stringify quotes
 * (`,` `"` CR LF; quotes doubled), a field with `;` or a tab, and every neutralised one, is quoted.
 */
export function csvText(rows: ReadonlyArray<readonly SheetValue[]>, options: { bom?: boolean } = {}): string {
  const body = stringify(
    rows.map((r) => r.map((v) => cellValue(v, csvFieldText))),
    { quoted_match: [/[;\t]/, /^'/] },
  );
  return options.bom ? CSV_BOM + body : body;
}

/** A CSV download written batch by batch (with the BOM): the header first, then each batch of rows. */
export function csvStream(header: readonly SheetValue[], batches: AsyncIterator<SheetValue[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvText([header], { bom: true })));
        return;
      }
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(csvText(next.value)));
    },
  });
}

/** A row for exceljs: numbers stay numbers, text is neutralised, empty is "". Never a formula. */
export function xlsxRow(values: readonly SheetValue[]): Array<string | number> {
  return values.map((v) => cellValue(v, spreadsheetText));
}

/**
 * Walks every cell of an in-memory workbook before it is written: text is neutralised, and a
 * formula, rich-text, hyperlink or error value — which the app never means to hand out — stops
 * the export instead of reaching a user. Cells built by later code are covered without a change.
 */
export function neutraliseWorkbook(wb: ExcelJS.Workbook): void {
  wb.eachSheet((ws) =>
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.isMerged && cell.master !== cell) return;
        const value = cell.value;
        if (typeof value === "string") {
          const safe = spreadsheetText(value);
          if (safe !== value) cell.value = safe;
        } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
          throw new Error(`Sel ${ws.name}!${cell.address} bukan teks atau angka; ekspor hanya menulis nilai, tidak pernah rumus.`);
        }
      }),
    ),
  );
}
