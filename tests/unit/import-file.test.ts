/**
 * The import file readers (app/models/import-file.server.ts; docs/decisions/019-bounded-input.md):
 * XLSX and CSV read exactly as the exceljs / whole-text readers they replace (kept below as the
 * reference), the header checked before any row, and every cap refusing its hostile shape with
 * a message that says what to change — each shape small on disk, built here.
 */
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  MAX_CELL_CHARS,
  MAX_IMPORT_CELLS,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  parseRow,
  readCsv,
  readXlsx,
  type ReadResult,
} from "~/models/import-file.server";
import { InflateBudget, inflateEntry, zipEntries } from "~/utils/zip.server";
import { bombXlsx, commasCsv, giantCellXlsx, giantSharedStringXlsx, HOSTILE_HEADER, rowXml, sheetRows, xfdXlsx, xlsx, zip } from "../helpers/hostile-files";

type PeriodType = "month" | "quarter" | "year";

/** A file as read, rows parsed (the readers keep each row as JSON text). */
interface Table {
  header: string[];
  rows: Array<{ row: number; cells: string[] }>;
}

// ---------------------------------------------------------------------------------------------
// The readers as they were before the caps: the reference for "reads exactly as before".

type CellKind = "period" | "date" | "other";
const pad = (n: number) => String(n).padStart(2, "0");

function referenceText(value: ExcelJS.CellValue, kind: CellKind, periodType: PeriodType): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    const y = value.getUTCFullYear();
    const m = value.getUTCMonth() + 1;
    if (kind === "period") return periodType === "year" ? String(y) : periodType === "quarter" ? `${y}-Q${Math.ceil(m / 3)}` : `${y}-${pad(m)}`;
    return `${y}-${pad(m)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === "number") {
    if (kind === "period" && value > 3000 && value < 2958466)
      return referenceText(new Date(Date.UTC(1899, 11, 30) + Math.round(value) * 86_400_000), kind, periodType);
    return String(Number(value.toPrecision(12)));
  }
  if (typeof value === "boolean") return value ? "ya" : "tidak";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("formula" in value || "sharedFormula" in value) return referenceText((value as { result?: ExcelJS.CellValue }).result ?? null, kind, periodType);
    if ("text" in value) return String((value as { text: unknown }).text);
    if ("error" in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

const isComment = (cells: readonly string[]) => (cells.find((c) => c.trim() !== "") ?? "").trim().startsWith("#");
const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

/** Parts exceljs's streaming reader needs before a sheet, in the order it needs them. */
const PARTS_FIRST = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"];

/**
 * The same parts, sheets last. exceljs's streaming reader spools a sheet that comes before the
 * shared strings to a temporary file and, now and then under load, ends without reading the shared
 * strings and styles (cells read as `{ sharedString: n }`, dates as serial numbers). Its streaming
 * writer puts the sheet first. The reference reads the same XML in an order it reads reliably.
 */
async function sheetsLast(bytes: Uint8Array): Promise<Buffer> {
  const rank = (name: string) => (PARTS_FIRST.includes(name) ? PARTS_FIRST.indexOf(name) : name.startsWith("xl/worksheets/") ? 99 : 50);
  const entries = zipEntries(bytes).sort((a, b) => rank(a.name) - rank(b.name));
  const parts: Record<string, string> = {};
  for (const entry of entries) {
    const chunks: Buffer[] = [];
    for await (const chunk of inflateEntry(bytes, entry, new InflateBudget(64 * 1024 * 1024))) chunks.push(chunk);
    parts[entry.name] = Buffer.concat(chunks).toString("utf8");
  }
  return zip(parts);
}

async function referenceXlsx(bytes: Uint8Array, periodType: PeriodType, dateKeys: ReadonlySet<string>): Promise<Table> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(await sheetsLast(bytes)), {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "emit",
  });
  let header: string[] | null = null;
  let kinds: CellKind[] = [];
  const rows: Table["rows"] = [];
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      if (!header) {
        header = values.map((v) => referenceText(v ?? null, "other", periodType).trim());
        kinds = header.map((h) => (h === "period" ? "period" : dateKeys.has(h) ? "date" : "other"));
        continue;
      }
      const cells = header.map((_, i) => referenceText(values[i] ?? null, kinds[i], periodType));
      for (let i = header.length; i < values.length; i++) cells.push(referenceText(values[i] ?? null, "other", periodType));
      if (isBlank(cells) || isComment(cells)) continue;
      rows.push({ row: row.number, cells });
    }
    break;
  }
  return { header: header ?? [], rows };
}

function referenceCsv(text: string): Table {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const counts = [",", ";", "\t"].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  const delimiter = counts[0][1] > 1 ? counts[0][0] : ",";
  const records: string[][] = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: false });
  const [header = [], ...rest] = records;
  const rows: Table["rows"] = [];
  rest.forEach((cells, i) => {
    if (!isBlank(cells) && !isComment(cells)) rows.push({ row: i + 2, cells });
  });
  return { header: header.map((h) => h.trim()), rows };
}

/** Trailing empty cells carry nothing (a row is read as `cells[i] ?? ""`); the new readers drop them. */
function comparable(file: Table): Table {
  const trim = (cells: string[]) => {
    const out = [...cells];
    while (out.length && out[out.length - 1] === "") out.pop();
    return out;
  };
  return { header: trim(file.header), rows: file.rows.map((r) => ({ row: r.row, cells: trim(r.cells) })) };
}

function ok(result: ReadResult): Table {
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return { header: result.file.header, rows: result.file.rows.map(parseRow) };
}

function refusal(result: ReadResult): string {
  if (result.ok) throw new Error(`accepted ${result.file.rows.length} rows`);
  return result.message;
}

// ---------------------------------------------------------------------------------------------

const DATE_KEYS = new Set(["tanggal"]);
const HEADER = ["org_unit", "period", "jumlah", "catatan", "tanggal", "aktif", "hitung"];

/** A workbook with what operators put in sheets: dates in several formats, numbers, text, rich text, formulas, errors. */
function fillWorkbook(ws: ExcelJS.Worksheet) {
  const d = (y: number, m: number, day = 1) => new Date(Date.UTC(y, m - 1, day));
  // Formats the reader looks at: a custom date format on a column, a built-in one, a month-year one, text on the period column.
  ws.getColumn(5).numFmt = "dd/mm/yyyy";
  const formats: Record<string, string> = { E5: "mm-dd-yy", B4: "mmm-yy", B5: "@" };
  const rows: unknown[][] = [
    HEADER,
    ["# Kode Puskesmas", "# periode", "# angka"],
    ["P1373001", "2025-03", 10, "teks biasa", d(2025, 3, 15), true, { formula: "C3*2", result: 20 }],
    ["P1373002", d(2025, 4), 0.1 + 0.2, "  spasi di tepi  ", d(1999, 12, 31), false, { formula: 'CONCAT("a","b")', result: "ab" }],
    [
      "P1373003",
      45717,
      -5,
      { richText: [{ text: "kaya " }, { font: { bold: true }, text: "teks" }] },
      45000,
      "ya",
      { formula: "1/0", result: { error: "#DIV/0!" } },
    ],
    [],
    ["P1373004", "2025-Q1", 123456789012345, 'baris\nbaru & <tanda> "kutip"', "2025-06-30", "Tidak", 3.14159265358979],
    ["P1373005", "2025", 1e-7, "émoji 😀 dan ñ", null, null, null, "catatan lepas", null, "kolom jauh"],
    [null, null, null, null, null, null, null],
    ["P1373006", "2025-05", 42.5, "", d(2024, 2, 29), 1, { error: "#N/A" }],
  ];
  rows.forEach((values, i) => {
    const row = ws.getRow(i + 1);
    values.forEach((v, c) => {
      const cell = row.getCell(c + 1);
      if (v !== null && v !== undefined) cell.value = v as ExcelJS.CellValue;
      const format = formats[cell.address];
      if (format) cell.numFmt = format;
    });
    row.commit?.();
  });
}

async function workbookBytes(options: { date1904?: boolean; streaming?: boolean; sharedStrings?: boolean } = {}): Promise<Uint8Array> {
  if (options.streaming) {
    const chunks: Buffer[] = [];
    const sink = new (await import("node:stream")).Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk as Buffer);
        cb();
      },
    });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: options.sharedStrings ?? false, useStyles: true });
    const ws = wb.addWorksheet("Data");
    fillWorkbook(ws as unknown as ExcelJS.Worksheet);
    await wb.commit();
    return new Uint8Array(Buffer.concat(chunks));
  }
  const wb = new ExcelJS.Workbook();
  if (options.date1904) wb.properties.date1904 = true;
  fillWorkbook(wb.addWorksheet("Data"));
  wb.addWorksheet("Petunjuk").addRow(["bukan", "data"]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe("reading XLSX as before", () => {
  for (const [name, options] of [
    ["shared strings (Excel's way)", {}],
    ["the 1904 date system", { date1904: true }],
    ["inline strings (streaming writer)", { streaming: true }],
    ["shared strings from the streaming writer", { streaming: true, sharedStrings: true }],
  ] as const) {
    for (const periodType of ["month", "quarter", "year"] as const) {
      it(`${name}, ${periodType} periods: the same header and cells as the exceljs reader`, async () => {
        const bytes = await workbookBytes(options);
        const expected = comparable(await referenceXlsx(bytes, periodType, DATE_KEYS));
        const actual = ok(await readXlsx(bytes, { periodType }, DATE_KEYS));
        // Two deliberate differences (docs/decisions/019-bounded-input.md): a formula whose result is an error reads
        // as that error, so the row is refused with a reason instead of reading as empty; and
        // inline rich text keeps all its runs (exceljs kept only the last one).
        const row5 = expected.rows.find((r) => r.row === 5)!.cells;
        row5[6] = "#DIV/0!";
        if ("streaming" in options && !("sharedStrings" in options)) row5[3] = "kaya teks";
        expect(actual).toEqual(expected);
        expect(actual.rows.length).toBeGreaterThan(4);
      });
    }
  }

  it("reads the values themselves as the operator typed them", async () => {
    const file = ok(await readXlsx(await workbookBytes(), { periodType: "month" }, DATE_KEYS));
    const row = (n: number) => file.rows.find((r) => r.row === n)!.cells;
    expect(file.header).toEqual(HEADER);
    expect(file.rows.map((r) => r.row)).toEqual([3, 4, 5, 7, 8, 10]);
    expect(row(3)).toEqual(["P1373001", "2025-03", "10", "teks biasa", "2025-03-15", "ya", "20"]);
    expect(row(4)).toEqual(["P1373002", "2025-04", "0.3", "  spasi di tepi  ", "1999-12-31", "tidak", "ab"]);
    expect(row(5)).toEqual(["P1373003", "2025-03", "-5", "kaya teks", "2023-03-15", "ya", "#DIV/0!"]);
    expect(row(7)).toEqual(["P1373004", "2025-Q1", "123456789012000", 'baris\nbaru & <tanda> "kutip"', "2025-06-30", "Tidak", "3.14159265359"]);
    expect(row(8)).toEqual(["P1373005", "2025", "1e-7", "émoji 😀 dan ñ", "", "", "", "catatan lepas", "", "kolom jauh"]);
    expect(row(10)).toEqual(["P1373006", "2025-05", "42.5", "", "2024-02-29", "1", "#N/A"]);
  });

  it("reads what other programs write: prefixed names, rich inline text, entities, CDATA, cells without references", async () => {
    const sheet = `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>org_unit</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>period</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>catatan</x:t></x:is></x:c></x:row>
      <x:row r="2"><x:c t="inlineStr"><x:is><x:r><x:t>P13</x:t></x:r><x:r><x:t xml:space="preserve">73001</x:t></x:r></x:is></x:c><x:c t="str"><x:f>TEXT(1,"0")</x:f><x:v>2025-01</x:v></x:c><x:c t="inlineStr"><x:is><x:t>a &amp; b &lt;c&gt; &#x41;&#66; <![CDATA[<d>]]></x:t><x:rPh sb="0" eb="1"><x:t>fonetik</x:t></x:rPh></x:is></x:c></x:row>`;
    const file = ok(await readXlsx(xlsx(sheet.replace(/<x:row/g, "<x:row").replace(/^/, "")), { periodType: "month" }, new Set()));
    expect(file.header).toEqual(["org_unit", "period", "catatan"]);
    expect(file.rows).toEqual([{ row: 2, cells: ["P1373001", "2025-01", "a & b <c> AB <d>"] }]);
  });

  it("takes the first sheet in the workbook's order, whatever the parts are called", async () => {
    const NS =
      'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    const sheet = (rows: string) => `<worksheet ${NS}><sheetData>${rows}</sheetData></worksheet>`;
    const bytes = zip({
      "xl/workbook.xml": `<workbook ${NS}><workbookPr date1904="1"/><sheets><sheet name="Data" sheetId="2" r:id="rId7"/><sheet name="Petunjuk" sheetId="1" r:id="rId3"/></sheets></workbook>`,
      "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="x/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId9" Type="x/styles" Target="styles.xml"/></Relationships>`,
      "xl/styles.xml": `<styleSheet ${NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`,
      "xl/worksheets/sheet1.xml": sheet(rowXml(1, ["bukan", "ini"])),
      "xl/worksheets/data.xml": sheet(
        `${rowXml(1, ["org_unit", "period"])}<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" s="1"><v>45717</v></c></row>`,
      ),
    });
    // 45717 in the 1904 date system is 2029-03-03 (1,462 days after the same serial in the 1900 system).
    expect(ok(await readXlsx(bytes, { periodType: "month" }, new Set()))).toEqual({
      header: ["org_unit", "period"],
      rows: [{ row: 2, cells: ["P1", "2029-03"] }],
    });
  });
});

describe("reading CSV as before", () => {
  const cases: Array<[string, string]> = [
    ["comma with BOM and CRLF", '\uFEFForg_unit,period,jumlah,catatan\r\nP1,2025-01,5,teks\r\n# komentar,,\r\n\r\nP2,2025-02,,"kutip, dengan koma"\r\n'],
    ["semicolon from Indonesian Excel", "org_unit;period;jumlah\nP1;2025-01;1,5\nP2;2025-02;\n;;\n"],
    ["tab separated, a quoted line break and an unnamed column", 'org_unit\tperiod\tcatatan\t\nP1\t2025-01\t"dua\nbaris"\tlepas\nP2\t2025-02\t\t\n'],
    ["ragged rows and spaces in the header", " org_unit , period ,jumlah\nP1,2025-01\nP2,2025-02,3,4,5\n"],
  ];
  for (const [name, text] of cases) {
    it(`${name}: the same header and rows as the whole-text parser`, async () => {
      const expected = comparable(referenceCsv(text));
      expect(ok(await readCsv(text))).toEqual(expected);
      expect(ok(await readCsv(new TextEncoder().encode(text)))).toEqual(expected);
    });
  }

  it("an unclosed quote is refused with the parser's reason", async () => {
    expect(refusal(await readCsv('org_unit,period\nP1,"2025-01\n'))).toContain("tidak dapat dibaca");
  });
});

describe("the header is checked before the rows", () => {
  it("a refused header stops the reading: the rest of the file is never looked at", async () => {
    const seen: string[][] = [];
    const check = async (header: string[]) => {
      seen.push(header);
      return "Kolom tidak cocok.";
    };
    // After the header: a sheet that would unpack past the cap, and a CSV line past the column cap.
    const xlsxResult = await readXlsx(bombXlsx(400 * 1024 * 1024), { periodType: "month" }, new Set(), { checkHeader: check });
    expect(xlsxResult).toEqual({ ok: false, message: "Kolom tidak cocok.", wrongForm: true });
    const csvResult = await readCsv(Buffer.concat([Buffer.from(`${HOSTILE_HEADER.join(",")}\n`), commasCsv(2_000_000)]), { checkHeader: check });
    expect(csvResult).toEqual({ ok: false, message: "Kolom tidak cocok.", wrongForm: true });
    expect(seen).toEqual([HOSTILE_HEADER, HOSTILE_HEADER]);
  });

  it("an accepted header lets the rows through", async () => {
    const result = await readXlsx(xlsx(sheetRows(HOSTILE_HEADER, 3000, (r) => rowXml(r, ["P1", "2025-01", r]))), { periodType: "month" }, new Set(), {
      checkHeader: async () => null,
    });
    expect(ok(result).rows.length).toBe(3000);
    expect(ok(result).rows[2999]).toEqual({ row: 3001, cells: ["P1", "2025-01", "3001"] });
  });
});

describe("caps: each hostile shape is refused with what to change", () => {
  const month = { periodType: "month" as const };

  it("a value in column XFD on every row (100,000 rows, 0.5 MB): refused at the first such row", async () => {
    const bytes = xfdXlsx(100_000);
    expect(bytes.length).toBeLessThan(600 * 1024);
    expect(refusal(await readXlsx(bytes, month, new Set()))).toBe(
      `Baris 2 memiliki isi atau pemisah kolom sampai kolom XFD; berkas impor paling banyak ${MAX_IMPORT_COLUMNS.toLocaleString("id-ID")} kolom. Hapus kolom di kanan tabel data (atau salin hanya tabel datanya ke berkas baru), lalu unggah lagi.`,
    );
  });

  it("the same in 12 KB", async () => {
    const bytes = xfdXlsx(2_000);
    expect(bytes.length).toBeLessThan(13 * 1024);
    expect(refusal(await readXlsx(bytes, month, new Set()))).toContain("sampai kolom XFD");
  });

  it("empty styled cells out to XFD cost nothing and are read past", async () => {
    const file = ok(
      await readXlsx(
        xlsx(sheetRows(HOSTILE_HEADER, 2000, (r) => `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>P1</t></is></c><c r="XFD${r}" s="0"/></row>`)),
        month,
        new Set(),
      ),
    );
    expect(file.rows.length).toBe(2000);
    expect(file.rows[0].cells).toEqual(["P1"]);
  });

  it("rows wide enough to pass the column cap stop at the cell cap", async () => {
    const result = await readXlsx(xlsx(sheetRows(HOSTILE_HEADER, 10_000, (r) => `<row r="${r}"><c r="ALL${r}"><v>1</v></c></row>`)), month, new Set());
    expect(refusal(result)).toContain(`lebih dari ${MAX_IMPORT_CELLS.toLocaleString("id-ID")} sel`);
  });

  it("one cell of 200 MB (0.2 MB file), inline or shared: refused at Excel's cell limit", async () => {
    const inline = giantCellXlsx(200 * 1024 * 1024);
    expect(inline.length).toBeLessThan(300 * 1024);
    expect(refusal(await readXlsx(inline, month, new Set()))).toBe(
      `Sel A2 berisi lebih dari ${MAX_CELL_CHARS.toLocaleString("id-ID")} karakter (batas Excel untuk satu sel). Perpendek isinya, lalu unggah lagi.`,
    );
    expect(refusal(await readXlsx(giantSharedStringXlsx(200 * 1024 * 1024), month, new Set()))).toContain(
      `lebih dari ${MAX_CELL_CHARS.toLocaleString("id-ID")} karakter`,
    );
  });

  it("a zip bomb (0.8 MB unpacking to 400 MB): refused at the unpacked cap", async () => {
    const bytes = bombXlsx(400 * 1024 * 1024);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    expect(refusal(await readXlsx(bytes, month, new Set()))).toContain("lebih dari 320 MB setelah dibuka");
  });

  it("a CSV that is one row of 13 MB of commas: refused at the column cap", async () => {
    expect(refusal(await readCsv(commasCsv(13 * 1024 * 1024)))).toContain("Baris 1 memiliki isi atau pemisah kolom sampai kolom ALM");
  });

  it("CSV rows: too many, a cell too long, a record with no end", async () => {
    const many = `org_unit,period\n${"P1,2025-01\n".repeat(MAX_IMPORT_ROWS + 1)}`;
    expect(refusal(await readCsv(many))).toContain(`lebih dari ${MAX_IMPORT_ROWS.toLocaleString("id-ID")} baris`);
    expect(refusal(await readCsv(`org_unit,period,catatan\nP1,2025-01,${"x".repeat(MAX_CELL_CHARS + 1)}\n`))).toBe(
      `Sel C2 berisi lebih dari ${MAX_CELL_CHARS.toLocaleString("id-ID")} karakter (batas Excel untuk satu sel). Perpendek isinya, lalu unggah lagi.`,
    );
    expect(refusal(await readCsv(`org_unit,period\nP1,"${"x".repeat(2_000_000)}`))).toContain("Periksa tanda kutip yang tidak ditutup");
  });

  it("English readers get the messages in English", async () => {
    expect(refusal(await readCsv(commasCsv(100_000), { locale: "en" }))).toContain("an import file may have at most 1,000 columns");
  });
});
