/**
 * Reading an uploaded import file — CSV, or the first sheet of an XLSX — as a stream with caps,
 * the header checked before any row (docs/decisions/011-bulk-import.md, 019-bounded-input.md).
 *
 * Caps: MAX_IMPORT_ROWS data rows, MAX_IMPORT_COLUMNS columns, MAX_IMPORT_CELLS cells kept
 * (rows × their width), MAX_CELL_CHARS per cell (Excel's own limit), MAX_IMPORT_TEXT_CHARS of
 * cell text in all (shared strings cannot multiply it), and for an XLSX MAX_XLSX_UNPACKED_BYTES
 * of XML once unpacked. Empty cells cost nothing: a sheet whose used range reaches column XFD
 * keeps only the cells that hold something. Each cap refuses the file with a message saying
 * what to change; nothing is stored.
 *
 * A CSV's widths are counted over its bytes before its records are parsed (csv-parse). An XLSX
 * is read from its zip with node:zlib and a bounded XML scanner (app/utils/zip.server.ts,
 * app/utils/xml-scan.server.ts) rather than exceljs, whose reader builds every row up to its last
 * column. Values read as before: shared and inline strings, numbers (12 significant digits),
 * dates by the cell's number format (1900 and 1904 systems), ya/tidak for booleans, formula results.
 */
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { fieldsOf, type Form } from "@engine";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { attr, XmlLimitError, XmlScanner, type XmlHandler } from "~/utils/xml-scan.server";
import { inflateEntry, InflateBudget, ZipError, zipEntries, type ZipEntry } from "~/utils/zip.server";

export const MAX_IMPORT_ROWS = 100_000;
/** Far above any form's fields; a sheet used up to column XFD is refused, not read. */
export const MAX_IMPORT_COLUMNS = 1_000;
/** Cells kept in all (each row up to its last filled cell): 100,000 rows × 40 columns. */
export const MAX_IMPORT_CELLS = 4_000_000;
/** Excel's own limit for one cell. */
export const MAX_CELL_CHARS = 32_767;
/** Text of all cells together: a 15 MB CSV never reaches it, shared strings in an XLSX could. */
export const MAX_IMPORT_TEXT_CHARS = 30_000_000;
/** XML of an XLSX once unpacked (a 100,000 × 40 sheet of short inline strings is ~230 MB). */
export const MAX_XLSX_UNPACKED_BYTES = 320 * 1024 * 1024;
/** One CSV record (all its fields): 40 columns of long text fit many times over. */
const MAX_CSV_RECORD_CHARS = 1_000_000;
/** One XML tag with its attributes. */
const MAX_XML_TAG_CHARS = 64 * 1024;
/** Cell styles (Excel allows 64,000). */
const MAX_STYLES = 100_000;

export interface ParsedFile {
  header: string[];
  /**
   * Data rows, each kept as the JSON text `[row, ...cells]`: its row number in the spreadsheet
   * (the header is row 1), then its cells, trailing empty cells dropped. 100,000 rows are ~20 MB
   * this way rather than ~80 MB as arrays of cell strings, and the less an import holds, the
   * less the heap grows around it (docs/decisions/019-bounded-input.md). `parseRow` reads one.
   */
  rows: string[];
}

export function parseRow(text: string): { row: number; cells: string[] } {
  const [row, ...cells] = JSON.parse(text) as [number, ...string[]];
  return { row, cells };
}

export type ReadResult = { ok: true; file: ParsedFile; format: "csv" | "xlsx" } | { ok: false; message: string; wrongForm?: boolean };

export interface ReadOptions {
  /** Checks the header before any data row is read; a message refuses the file as being of another form. */
  checkHeader?: (header: string[]) => Promise<string | null>;
  /** Language of the refusal messages. */
  locale?: Locale;
}

/** A cap or a broken file: refuses the whole file with one message. */
class Refusal extends Error {
  constructor(
    readonly key: MessageKey,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

class HeaderRefused extends Error {}

const isComment = (cells: readonly string[]) => (cells.find((c) => c.trim() !== "") ?? "").trim().startsWith("#");
const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

/** Spreadsheet column letters: 1 → A, 16384 → XFD. */
export function columnName(index: number): string {
  let name = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const number = (n: number, locale: Locale) => n.toLocaleString(locale === "en" ? "en-US" : "id-ID");

/** Rows as they are read: the header first (checked at once), then data rows within the caps. */
class Rows {
  header: string[] | null = null;
  readonly rows: string[] = [];
  private cells = 0;
  private chars = 0;

  constructor(private readonly options: ReadOptions) {}

  /** Takes the header row (trailing empty headings dropped, names trimmed) and checks it. */
  async setHeader(cells: string[]): Promise<string[]> {
    let width = cells.length;
    while (width > 0 && cells[width - 1].trim() === "") width--;
    const header = cells.slice(0, width).map((h) => h.trim());
    const problem = await this.options.checkHeader?.(header);
    if (problem) throw new HeaderRefused(problem);
    this.header = header;
    return header;
  }

  add(row: number, cells: string[]): void {
    let width = cells.length;
    while (width > 0 && cells[width - 1] === "") width--;
    if (width < cells.length) cells.length = width;
    if (isBlank(cells) || isComment(cells)) return;
    if (this.rows.length >= MAX_IMPORT_ROWS) throw new Refusal("imports.file.tooManyRows", { max: number(MAX_IMPORT_ROWS, this.options.locale ?? "id") });
    this.cells += width;
    if (this.cells > MAX_IMPORT_CELLS) throw new Refusal("imports.file.tooManyCells", { max: number(MAX_IMPORT_CELLS, this.options.locale ?? "id"), row });
    for (const c of cells) this.chars += c.length;
    if (this.chars > MAX_IMPORT_TEXT_CHARS) throw new Refusal("imports.file.tooMuchText", { max: Math.round(MAX_IMPORT_TEXT_CHARS / 1_000_000) });
    this.rows.push(JSON.stringify([row, ...cells]));
  }
}

function refusal(err: unknown, locale: Locale, fallback: (detail: string) => Refusal): ReadResult {
  if (err instanceof HeaderRefused) return { ok: false, message: err.message, wrongForm: true };
  const r = err instanceof Refusal ? err : fallback(String((err as Error)?.message ?? err).slice(0, 200));
  return { ok: false, message: translate(locale, r.key, r.vars) };
}

// ---------------------------------------------------------------------------------------------
// CSV

/** The delimiter of the header line (Excel in Indonesia writes `;`); only the line's first megabyte is looked at. */
function detectDelimiter(bytes: Buffer): string {
  const probe = bytes.subarray(0, 1024 * 1024);
  const nl = probe.indexOf(0x0a);
  const firstLine = probe.subarray(0, nl < 0 ? probe.length : nl).toString("utf8");
  const counts = [",", ";", "\t"].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 1 ? counts[0][0] : ",";
}

/**
 * Where the first record from `start` that is wider than MAX_IMPORT_COLUMNS is, counting fields
 * over the bytes (delimiters outside quotes; a line end outside quotes ends a record), without
 * parsing anything. `onlyFirst` stops after one record and says where it ends.
 */
function widthCheck(
  bytes: Buffer,
  start: number,
  delimiter: number,
  firstRow: number,
  onlyFirst: boolean,
): { end: number; tooWide: { row: number; column: number } | null } {
  let fields = 1;
  let quoted = false;
  let row = firstRow;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (b === delimiter) {
      if (++fields > MAX_IMPORT_COLUMNS) return { end: i, tooWide: { row, column: fields } };
    } else if (b === 0x0a || b === 0x0d) {
      if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
      if (onlyFirst) return { end: i + 1, tooWide: null };
      fields = 1;
      row++;
    }
  }
  return { end: bytes.length, tooWide: null };
}

/**
 * Reads CSV (bytes or text) within the caps; the header is read and checked first. Widths are
 * checked over the bytes before a record is parsed (a row of millions of commas never becomes an
 * array), then the records are parsed as a stream, 64 KB at a time.
 */
export async function readCsv(input: Uint8Array | string, options: ReadOptions = {}): Promise<ReadResult> {
  const locale = options.locale ?? "id";
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const delimiter = detectDelimiter(bytes);
  const common = { delimiter, bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: MAX_CSV_RECORD_CHARS } as const;
  const rows = new Rows(options);
  let records = 0;
  const tooWide = (at: { row: number; column: number }) =>
    new Refusal("imports.file.tooManyColumns", { row: at.row, column: columnName(at.column), max: number(MAX_IMPORT_COLUMNS, locale) });
  const checkCells = (record: string[], row: number) => {
    const long = record.findIndex((c) => c.length > MAX_CELL_CHARS);
    if (long >= 0) throw new Refusal("imports.file.cellTooLong", { cell: `${columnName(long + 1)}${row}`, max: number(MAX_CELL_CHARS, locale) });
  };
  try {
    // The header alone first: nothing after it is parsed until the form has accepted it.
    const head = widthCheck(bytes, 0, delimiter.charCodeAt(0), 1, true);
    if (head.tooWide) throw tooWide(head.tooWide);
    const [first] = parseSync(bytes.subarray(0, head.end), { ...common, to: 1, info: true }) as Array<{ record: string[]; info: { bytes: number } }>;
    if (!first) throw new Refusal("imports.file.noHeader");
    records = 1;
    checkCells(first.record, 1);
    await rows.setHeader(first.record);
    const rest = bytes.subarray(first.info.bytes);
    const wide = widthCheck(rest, 0, delimiter.charCodeAt(0), 2, false);
    if (wide.tooWide) throw tooWide(wide.tooWide);
    const parser = parse(common);
    const source = Readable.from(
      (function* () {
        for (let o = 0; o < rest.length; o += 64 * 1024) yield rest.subarray(o, o + 64 * 1024);
      })(),
    );
    source.pipe(parser);
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        records++;
        checkCells(record, records);
        rows.add(records, record);
        // Blank and comment lines are not rows, but they are not free either.
        if (records > MAX_IMPORT_ROWS + 200) throw new Refusal("imports.file.tooManyRows", { max: number(MAX_IMPORT_ROWS, locale) });
      }
    } finally {
      source.destroy();
      parser.destroy();
    }
  } catch (err) {
    return refusal(err, locale, (detail) => {
      if (err instanceof CsvError && err.code === "CSV_MAX_RECORD_SIZE")
        return new Refusal("imports.file.recordTooLong", { row: records + 1, max: number(MAX_CSV_RECORD_CHARS, locale) });
      return new Refusal("imports.file.csvUnreadable", { detail });
    });
  }
  return { ok: true, format: "csv", file: { header: rows.header ?? [], rows: rows.rows } };
}

// ---------------------------------------------------------------------------------------------
// XLSX

type CellKind = "period" | "date" | "other";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A date as the operator sees it: the period of the form's type in the period column, else the day. */
function dateText(value: Date, kind: CellKind, periodType: Form["periodType"]): string {
  if (Number.isNaN(value.getTime())) return "";
  const y = value.getUTCFullYear();
  const m = value.getUTCMonth() + 1;
  if (kind === "period") return periodType === "year" ? String(y) : periodType === "quarter" ? `${y}-Q${Math.ceil(m / 3)}` : `${y}-${pad(m)}`;
  return `${y}-${pad(m)}-${pad(value.getUTCDate())}`;
}

function numberText(value: number, kind: CellKind, periodType: Form["periodType"]): string {
  // A period cell formatted as text but holding a date arrives as its Excel serial (days since 1899-12-30).
  if (kind === "period" && value > 3000 && value < 2958466)
    return dateText(new Date(Date.UTC(1899, 11, 30) + Math.round(value) * 86_400_000), kind, periodType);
  return String(Number(value.toPrecision(12)));
}

/** Excel's serial date (1900 or 1904 system) as a UTC date. */
const excelDate = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/** Built-in number formats that show dates or times (the ones exceljs knows). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** A format code shows a date or time when it has y m d h s outside quotes and brackets (as exceljs decides). */
const isDateFormatCode = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, ""));

interface Workbook {
  date1904: boolean;
  sheetPath: string | null;
  sharedStringsPath: string | null;
  stylesPath: string | null;
  /** Per cell style (s="n"): whether its number format shows a date. */
  dateStyles: boolean[];
  sharedStrings: string[];
}

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

type ScanHandler = XmlHandler & { done?(): boolean };

class XlsxFile {
  private readonly entries: Map<string, ZipEntry>;
  readonly budget = new InflateBudget(MAX_XLSX_UNPACKED_BYTES);

  constructor(private readonly bytes: Uint8Array) {
    this.entries = new Map(zipEntries(bytes).map((e) => [e.name.toLowerCase(), e]));
  }

  entry(path: string | null): ZipEntry | undefined {
    return path ? this.entries.get(path.toLowerCase()) : undefined;
  }

  /** The first worksheet in the archive, for files without a workbook part. */
  firstSheet(): string | null {
    return [...this.entries.values()].map((e) => e.name).find((n) => /^xl\/worksheets\/[^/]+\.xml$/i.test(n)) ?? null;
  }

  /**
   * Feeds a part's XML to the handler `make` builds around the scanner. `after` runs between
   * chunks (the header check waits there); `done()` true stops reading the part early.
   */
  async scan(entry: ZipEntry, maxText: number, make: (scanner: XmlScanner) => ScanHandler, after?: () => Promise<void>): Promise<void> {
    let handler: ScanHandler | null = null;
    const scanner = new XmlScanner({ open: (n, t, s) => handler!.open(n, t, s), close: (n) => handler!.close(n) }, { maxTag: MAX_XML_TAG_CHARS, maxText });
    handler = make(scanner);
    const decoder = new TextDecoder("utf-8");
    const feed = async (text: string) => {
      let failure: unknown = null;
      try {
        scanner.write(text);
      } catch (err) {
        failure = err;
      }
      // The header check comes first even when a row after it in the same piece failed, so a
      // file of another form is named as such.
      if (after) await after();
      if (failure) throw failure;
    };
    for await (const chunk of inflateEntry(this.bytes, entry, this.budget)) {
      await feed(decoder.decode(chunk, { stream: true }));
      if (handler.done?.()) return;
    }
    await feed(decoder.decode());
  }
}

/** workbook.xml: the date system and the first sheet; its relationships: where the parts are. */
async function readWorkbook(file: XlsxFile): Promise<Workbook> {
  const book: Workbook = { date1904: false, sheetPath: null, sharedStringsPath: null, stylesPath: null, dateStyles: [], sharedStrings: [] };
  const workbookPath = "xl/workbook.xml";
  let firstSheetRel: string | null = null;
  const workbookEntry = file.entry(workbookPath);
  if (workbookEntry) {
    await file.scan(workbookEntry, 0, () => ({
      open(name, tag) {
        if (name === "workbookPr") {
          const v = attr(tag, "date1904");
          book.date1904 = v === "1" || v === "true";
        } else if (name === "sheet" && firstSheetRel === null) firstSheetRel = attr(tag, "id") ?? null;
      },
      close() {},
    }));
  }
  const relsEntry = file.entry("xl/_rels/workbook.xml.rels");
  if (relsEntry) {
    await file.scan(relsEntry, 0, () => ({
      open(name, tag) {
        if (name !== "Relationship") return;
        const type = attr(tag, "Type") ?? "";
        const target = attr(tag, "Target");
        if (!target) return;
        if (firstSheetRel !== null && attr(tag, "Id") === firstSheetRel) book.sheetPath = resolveTarget(workbookPath, target);
        else if (type.endsWith("/sharedStrings")) book.sharedStringsPath = resolveTarget(workbookPath, target);
        else if (type.endsWith("/styles")) book.stylesPath = resolveTarget(workbookPath, target);
      },
      close() {},
    }));
  }
  if (!file.entry(book.sheetPath)) book.sheetPath = file.firstSheet();
  book.sharedStringsPath ??= "xl/sharedStrings.xml";
  book.stylesPath ??= "xl/styles.xml";
  return book;
}

/** styles.xml: which cell styles show dates (cellXfs, with the custom formats of numFmts). */
async function readStyles(file: XlsxFile, book: Workbook): Promise<void> {
  const entry = file.entry(book.stylesPath);
  if (!entry) return;
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await file.scan(entry, 0, () => ({
    open(name, tag, selfClosing) {
      if (name === "numFmt") {
        const id = Number(attr(tag, "numFmtId"));
        if (Number.isInteger(id)) custom.set(id, attr(tag, "formatCode") ?? "");
      } else if (name === "cellXfs") inCellXfs = !selfClosing;
      else if (name === "xf" && inCellXfs) {
        if (formats.length >= MAX_STYLES) throw new Refusal("imports.file.xlsxUnreadable", { detail: "styles.xml" });
        formats.push(Number(attr(tag, "numFmtId") ?? 0) || 0);
      }
    },
    close(name) {
      if (name === "cellXfs") inCellXfs = false;
    },
  }));
  book.dateStyles = formats.map((id) => (custom.has(id) ? isDateFormatCode(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id)));
}

/** sharedStrings.xml: each <si> as its text (runs joined, phonetic guides left out). */
async function readSharedStrings(file: XlsxFile, book: Workbook): Promise<void> {
  const entry = file.entry(book.sharedStringsPath);
  if (!entry) return;
  const strings = book.sharedStrings;
  let chars = 0;
  await file.scan(entry, MAX_CELL_CHARS, (scanner) => {
    let parts: string[] | null = null;
    let inPhonetic = false;
    return {
      open(name) {
        if (name === "si") parts = [];
        else if (name === "rPh") inPhonetic = true;
        else if (name === "t" && parts && !inPhonetic) {
          scanner.capturing = true;
          scanner.text = "";
        }
      },
      close(name) {
        if (name === "t" && scanner.capturing) {
          parts?.push(scanner.text);
          scanner.capturing = false;
          scanner.text = "";
        } else if (name === "rPh") inPhonetic = false;
        else if (name === "si" && parts) {
          const text = parts.join("");
          if (text.length > MAX_CELL_CHARS) throw new XmlLimitError("text", text.length);
          chars += text.length;
          if (strings.length >= MAX_IMPORT_CELLS || chars > MAX_IMPORT_TEXT_CHARS)
            throw new Refusal("imports.file.tooMuchText", { max: Math.round(MAX_IMPORT_TEXT_CHARS / 1_000_000) });
          strings.push(text);
          parts = null;
        }
      },
    };
  });
}

interface CellState {
  col: number;
  type: string;
  style: number | null;
  formula: boolean;
  value: string | null;
  inline: string[] | null;
}

/** Column number of a cell reference (`XFD7` → 16384); 0 when it is not one. */
function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length && i < 4; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i > 0 && i < 4 ? col : 0;
}

/**
 * The first worksheet: row 1 is the header, checked before the rows after it are taken (rows
 * that arrived in the same piece of XML wait, at most one piece's worth), then the data rows.
 */
async function readSheet(
  file: XlsxFile,
  book: Workbook,
  form: Pick<Form, "periodType">,
  dateKeys: ReadonlySet<string>,
  rows: Rows,
  locale: Locale,
): Promise<void> {
  const sheet = file.entry(book.sheetPath);
  if (!sheet) throw new Refusal("imports.file.noHeader");
  const entry: ZipEntry = sheet;
  let kinds: CellKind[] | null = null;
  let header: string[] | null = null;
  let headerChecked = false;
  const waiting: Array<[number, string[]]> = [];
  const colStyles: Array<{ min: number; max: number; style: number }> = [];
  /** The cell being read, for a message about it. */
  let where = "";
  try {
    await scanSheet();
  } catch (err) {
    if (err instanceof XmlLimitError && err.kind === "text")
      throw new Refusal("imports.file.cellTooLong", { cell: where, max: number(MAX_CELL_CHARS, locale) });
    throw err;
  }
  if (!headerChecked) throw new Refusal("imports.file.noHeader");

  async function scanSheet() {
    await file.scan(
      entry,
      MAX_CELL_CHARS,
      (scanner) => {
        let inSheetData = false;
        let finished = false;
        let rowNumber = 0;
        let rowStyle: number | null = null;
        let cells: string[] | null = null;
        let lastCol = 0;
        let cell: CellState | null = null;
        let inInline = false;
        let inPhonetic = false;

        const styleOf = (c: CellState): number | null => {
          if (c.style) return c.style;
          if (rowStyle !== null) return rowStyle;
          return colStyles.find((s) => s.min <= c.col && c.col <= s.max)?.style ?? null;
        };
        const text = (c: CellState, kind: CellKind): string => {
          const v = c.value ?? "";
          switch (c.type) {
            case "s":
              return book.sharedStrings[Number.parseInt(v, 10)] ?? "";
            case "inlineStr":
              return c.inline ? c.inline.join("") : v;
            case "str":
            case "e":
              return v;
            case "b":
              return v === "" ? "" : Number.parseInt(v, 10) !== 0 ? "ya" : "tidak";
            case "d": {
              const ms = Date.parse(v);
              return Number.isFinite(ms) ? dateText(new Date(ms), kind, form.periodType) : v;
            }
            default: {
              if (v.trim() === "") return "";
              const n = Number.parseFloat(v);
              if (!Number.isFinite(n)) return v;
              const style = styleOf(c);
              if (style !== null && book.dateStyles[style]) return dateText(excelDate(n, book.date1904), kind, form.periodType);
              return numberText(n, kind, form.periodType);
            }
          }
        };
        const endCell = (c: CellState) => {
          if (!cells) return;
          const value = text(c, kinds?.[c.col - 1] ?? "other");
          if (value === "") return; // empty cells cost nothing, wherever they are
          if (c.col > MAX_IMPORT_COLUMNS) {
            throw new Refusal("imports.file.tooManyColumns", { row: rowNumber, column: columnName(c.col), max: number(MAX_IMPORT_COLUMNS, locale) });
          }
          while (cells.length < c.col - 1) cells.push("");
          cells[c.col - 1] = value;
        };
        const endRow = () => {
          if (!cells) return;
          const done = cells;
          cells = null;
          if (!header) {
            if (rowNumber !== 1) throw new Refusal("imports.file.noHeader");
            header = done;
            const names = done.map((h) => h.trim());
            kinds = names.map((h) => (h === "period" ? "period" : dateKeys.has(h) ? "date" : "other"));
          } else if (!headerChecked) waiting.push([rowNumber, done]);
          else rows.add(rowNumber, done);
        };
        return {
          done: () => finished,
          open(name, tag, selfClosing) {
            if (name === "sheetData") inSheetData = !selfClosing;
            else if (name === "col" && !inSheetData) {
              const style = Number(attr(tag, "style") ?? 0);
              if (style) colStyles.push({ min: Number(attr(tag, "min")), max: Number(attr(tag, "max")), style });
            } else if (!inSheetData) return;
            else if (name === "row") {
              const r = attr(tag, "r");
              rowNumber = r ? Number.parseInt(r, 10) : rowNumber + 1;
              if (!(rowNumber > 0)) throw new Refusal("imports.file.xlsxUnreadable", { detail: `row ${r}` });
              const s = attr(tag, "s");
              rowStyle = s ? Number(s) : null;
              cells = [];
              lastCol = 0;
            } else if (name === "c" && cells) {
              const ref = attr(tag, "r");
              const col = ref ? columnOf(ref) : lastCol + 1;
              if (col < 1) throw new Refusal("imports.file.xlsxUnreadable", { detail: `cell ${ref}` });
              lastCol = col;
              if (selfClosing) return;
              where = `${columnName(col)}${rowNumber}`;
              const s = attr(tag, "s");
              cell = { col, type: attr(tag, "t") ?? "n", style: s ? Number(s) : null, formula: false, value: null, inline: null };
            } else if (!cell) return;
            else if (name === "v") {
              scanner.capturing = !selfClosing;
              scanner.text = "";
              if (selfClosing) cell.value = "";
            } else if (name === "f") cell.formula = true;
            else if (name === "is") inInline = !selfClosing;
            else if (name === "rPh") inPhonetic = true;
            else if (name === "t" && inInline && !inPhonetic) {
              scanner.capturing = !selfClosing;
              scanner.text = "";
            }
          },
          close(name) {
            if (!inSheetData) return;
            if (name === "v" && cell && scanner.capturing) {
              cell.value = scanner.text;
              scanner.capturing = false;
              scanner.text = "";
            } else if (name === "t" && cell && scanner.capturing) {
              (cell.inline ??= []).push(scanner.text);
              if (cell.inline.reduce((n, t) => n + t.length, 0) > MAX_CELL_CHARS) throw new XmlLimitError("text", MAX_CELL_CHARS + 1);
              scanner.capturing = false;
              scanner.text = "";
            } else if (name === "rPh") inPhonetic = false;
            else if (name === "is") inInline = false;
            else if (name === "c" && cell) {
              endCell(cell);
              cell = null;
            } else if (name === "row") endRow();
            else if (name === "sheetData") {
              inSheetData = false;
              finished = true; // nothing after the rows matters
            }
          },
        };
      },
      async () => {
        if (!header || headerChecked) return;
        await rows.setHeader(header);
        headerChecked = true;
        for (const [rowNo, cells] of waiting.splice(0)) rows.add(rowNo, cells);
      },
    );
  }
}

/** An XLSX's first sheet within the caps; the header checked before the rows. */
export async function readXlsx(
  bytes: Uint8Array,
  form: Pick<Form, "periodType">,
  dateKeys: ReadonlySet<string>,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const locale = options.locale ?? "id";
  const rows = new Rows(options);
  try {
    const file = new XlsxFile(bytes);
    const book = await readWorkbook(file);
    await readStyles(file, book);
    await readSharedStrings(file, book);
    await readSheet(file, book, form, dateKeys, rows, locale);
  } catch (err) {
    return refusal(err, locale, (detail) => {
      if (err instanceof ZipError && err.problem === "tooLarge") return new Refusal("imports.file.xlsxTooBig", { max: MAX_XLSX_UNPACKED_BYTES / 1024 / 1024 });
      if (err instanceof XmlLimitError && err.kind === "text") return new Refusal("imports.file.sharedStringTooLong", { max: number(MAX_CELL_CHARS, locale) });
      return new Refusal("imports.file.xlsxUnreadable", { detail });
    });
  }
  return { ok: true, format: "xlsx", file: { header: rows.header ?? [], rows: rows.rows } };
}

/** CSV or XLSX by content (an XLSX is a ZIP: "PK"), whatever the file is called. */
export async function readUpload(bytes: Uint8Array, form: Form, options: ReadOptions = {}): Promise<ReadResult> {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const dateKeys = new Set(
      fieldsOf(form)
        .filter((f) => f.type === "date")
        .map((f) => f.key),
    );
    return readXlsx(bytes, form, dateKeys, options);
  }
  if (bytes.includes(0)) return { ok: false, message: translate(options.locale ?? "id", "imports.file.notCsv") };
  return readCsv(bytes, options);
}
