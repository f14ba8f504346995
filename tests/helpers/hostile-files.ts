/**
 * Import files built in the test, small on disk and hostile once opened (docs/decisions/019-bounded-input.md):
 * a minimal ZIP writer and XLSX parts written by hand, so a sheet can have a cell in column XFD
 * on every row, one cell of 200 MB, or unpack to gigabytes, without keeping any of it in memory.
 */
import zlib from "node:zlib";

type Part = string | Iterable<string>;

/**
 * Deflates a part piece by piece (big parts are generated, never held whole): blocks of 8 MB,
 * each compressed on its own and ended with a full flush, form one valid deflate stream.
 */
function deflatePart(part: Part): { data: Buffer; crc: number; size: number } {
  const pieces = typeof part === "string" ? [part] : part;
  const blocks: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let crc = 0;
  let size = 0;
  const flush = (final: boolean) => {
    blocks.push(zlib.deflateRawSync(Buffer.concat(pending), { level: 9, finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_FULL_FLUSH }));
    pending = [];
    pendingSize = 0;
  };
  for (const piece of pieces) {
    const b = Buffer.from(piece, "utf8");
    crc = zlib.crc32(b, crc);
    size += b.length;
    pending.push(b);
    pendingSize += b.length;
    if (pendingSize >= 8 * 1024 * 1024) flush(false);
  }
  flush(true);
  return { data: Buffer.concat(blocks), crc, size };
}

/** A ZIP archive of deflated parts. */
export function zip(parts: Record<string, Part>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, part] of Object.entries(parts)) {
    const { data, crc, size } = deflatePart(part);
    const nameBytes = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(size >>> 0, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** An XLSX whose first sheet's <sheetData> content is `rows` (XML text, possibly generated piece by piece). */
export function xlsx(rows: Part, options: { sharedStrings?: Part } = {}): Buffer {
  const sheet = function* () {
    yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>`;
    if (typeof rows === "string") yield rows;
    else yield* rows;
    yield "</sheetData></worksheet>";
  };
  const parts: Record<string, Part> = {
    "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>${options.sharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ""}</Types>`,
    "_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>${options.sharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ""}</Relationships>`,
    "xl/worksheets/sheet1.xml": sheet(),
  };
  if (options.sharedStrings) {
    const sst = options.sharedStrings;
    parts["xl/sharedStrings.xml"] = (function* () {
      yield `<?xml version="1.0" encoding="UTF-8"?><sst ${NS}>`;
      if (typeof sst === "string") yield sst;
      else yield* sst;
      yield "</sst>";
    })();
  }
  return zip(parts);
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One row of inline-string cells from column A. */
export function rowXml(r: number, values: ReadonlyArray<string | number>): string {
  const cells = values.map((v, i) => {
    const ref = `${columnLetters(i + 1)}${r}`;
    return typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`;
  });
  return `<row r="${r}">${cells.join("")}</row>`;
}

export function columnLetters(index: number): string {
  let name = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Header row 1 (inline strings), then `count` rows from `makeRow(r)`, generated in batches. */
export function* sheetRows(header: readonly string[], count: number, makeRow: (r: number) => string): Generator<string> {
  yield rowXml(1, header);
  let batch: string[] = [];
  for (let r = 2; r < count + 2; r++) {
    batch.push(makeRow(r));
    if (batch.length === 10_000) {
      yield batch.join("");
      batch = [];
    }
  }
  if (batch.length) yield batch.join("");
}

/** `total` bytes of `unit` repeated, in pieces of about 1 MB. */
export function* repeated(unit: string, total: number): Generator<string> {
  const piece = unit.repeat(Math.max(1, Math.floor((1024 * 1024) / unit.length)));
  let left = total;
  while (left > 0) {
    const n = Math.min(left, piece.length);
    yield n === piece.length ? piece : piece.slice(0, n);
    left -= n;
  }
}

/** The hostile shapes (docs/decisions/019-bounded-input.md), each with the header of ilp_profil so the header check passes. */
export const HOSTILE_HEADER = ["org_unit", "period", "jumlah_desa"];

/** Every data row has a value in column XFD (16,384): a reader that keeps empty cells builds 16,384 per row. */
export const xfdXlsx = (rows: number) => xlsx(sheetRows(HOSTILE_HEADER, rows, (r) => `<row r="${r}"><c r="XFD${r}"><v>1</v></c></row>`));

/** A row whose one cell holds `chars` characters (inline string), after the header. */
export const giantCellXlsx = (chars: number) =>
  xlsx(
    (function* () {
      yield rowXml(1, HOSTILE_HEADER);
      yield '<row r="2"><c r="A2" t="inlineStr"><is><t>';
      yield* repeated("a", chars);
      yield "</t></is></c></row>";
    })(),
  );

/** The same through the shared strings: one string of `chars` characters. */
export const giantSharedStringXlsx = (chars: number) =>
  xlsx(`${rowXml(1, HOSTILE_HEADER)}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, {
    sharedStrings: (function* () {
      yield "<si><t>";
      yield* repeated("a", chars);
      yield "</t></si>";
    })(),
  });

/** A sheet that unpacks to `bytes` of XML (whitespace between rows): a zip bomb. */
export const bombXlsx = (bytes: number) =>
  xlsx(
    (function* () {
      yield rowXml(1, HOSTILE_HEADER);
      yield* repeated("          \n", bytes);
    })(),
  );

/** One line of `bytes` commas: a CSV row with millions of empty columns. */
export const commasCsv = (bytes: number) => Buffer.alloc(bytes, ",");
