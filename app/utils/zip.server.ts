/**
 * Reading entries of a ZIP archive (an XLSX) that is already in memory, with a budget on the
 * bytes its entries inflate to (docs/decisions/019-bounded-input.md). The central directory is
 * read from the end of the buffer; each entry is inflated as a stream by node:zlib, and the
 * budget is charged as the output arrives, so a zip bomb stops at the budget whatever sizes its
 * headers claim.
 */
import zlib from "node:zlib";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Where the entry's data starts in the buffer. */
  dataStart: number;
}

export type ZipProblem = "notZip" | "corrupt" | "encrypted" | "method" | "tooLarge";

export class ZipError extends Error {
  constructor(
    readonly problem: ZipProblem,
    detail: string,
  ) {
    super(detail);
    this.name = "ZipError";
  }
}

/** Inflated bytes still allowed across all entries read from one archive. */
export class InflateBudget {
  left: number;
  constructor(readonly total: number) {
    this.left = total;
  }
  take(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new ZipError("tooLarge", `more than ${this.total} bytes once unpacked`);
  }
}

/** Archives with more entries are not spreadsheets we read. */
const MAX_ENTRIES = 10_000;
const CHUNK = 64 * 1024;

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 0x100000000;

function corrupt(detail: string): never {
  throw new ZipError("corrupt", detail);
}

/** The archive's entries, from its central directory. Throws ZipError. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const n = bytes.length;
  if (n < 22 || u32(bytes, 0) !== 0x04034b50) throw new ZipError("notZip", "no zip signature");
  // End of central directory: 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) corrupt("no end of central directory");
  let count = u16(bytes, eocd + 10);
  let cdOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
    const locator = eocd - 20;
    if (locator < 0 || u32(bytes, locator) !== 0x07064b50) corrupt("no zip64 locator");
    const record = u64(bytes, locator + 8);
    if (record + 56 > n || u32(bytes, record) !== 0x06064b50) corrupt("no zip64 end record");
    count = u64(bytes, record + 32);
    cdOffset = u64(bytes, record + 48);
  }
  if (count > MAX_ENTRIES) corrupt(`${count} entries`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > n || u32(bytes, p) !== 0x02014b50) corrupt("bad central directory");
    const flags = u16(bytes, p + 8);
    const method = u16(bytes, p + 10);
    let compressedSize = u32(bytes, p + 20);
    const size = u32(bytes, p + 24);
    const nameLength = u16(bytes, p + 28);
    const extraLength = u16(bytes, p + 30);
    const commentLength = u16(bytes, p + 32);
    let localOffset = u32(bytes, p + 42);
    if (p + 46 + nameLength + extraLength > n) corrupt("bad central directory");
    const name = new TextDecoder("utf-8").decode(bytes.subarray(p + 46, p + 46 + nameLength)).replace(/^\/+/, "");
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      // ZIP64 extra field (id 1): the 64-bit values, in this order, for the fields that overflowed.
      let e = p + 46 + nameLength;
      const end = e + extraLength;
      while (e + 4 <= end) {
        const id = u16(bytes, e);
        const len = u16(bytes, e + 2);
        if (id === 1) {
          let q = e + 4;
          // The uncompressed size comes first when it overflowed; nothing reads it (the inflate budget counts bytes as they come), so skip it.
          if (size === 0xffffffff && q + 8 <= e + 4 + len) q += 8;
          if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) {
            compressedSize = u64(bytes, q);
            q += 8;
          }
          if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) localOffset = u64(bytes, q);
          break;
        }
        e += 4 + len;
      }
    }
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue; // a folder
    if (flags & 1) throw new ZipError("encrypted", name);
    if (method !== 0 && method !== 8) throw new ZipError("method", `${name}: method ${method}`);
    if (localOffset + 30 > n || u32(bytes, localOffset) !== 0x04034b50) corrupt(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + u16(bytes, localOffset + 26) + u16(bytes, localOffset + 28);
    if (dataStart + compressedSize > n) corrupt(`${name} runs past the end`);
    entries.push({ name, method, compressedSize, dataStart });
  }
  return entries;
}

/** An entry's bytes, unpacked piece by piece, charged to `budget` as they arrive. Throws ZipError. */
export async function* inflateEntry(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget): AsyncGenerator<Buffer> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset + entry.dataStart, entry.compressedSize);
  if (entry.method === 0) {
    for (let o = 0; o < data.length; o += CHUNK) {
      const piece = data.subarray(o, o + CHUNK);
      budget.take(piece.length);
      yield piece;
    }
    return;
  }
  // zlib keeps to the stream's back-pressure, so a bomb never unpacks faster than we read.
  const inflater = zlib.createInflateRaw({ chunkSize: CHUNK });
  inflater.end(data);
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      budget.take(out.length);
      yield out;
    }
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw new ZipError("corrupt", `${entry.name}: ${(err as Error).message}`);
  } finally {
    inflater.destroy();
  }
}
