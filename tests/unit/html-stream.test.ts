/** The response filter against React 18's NUL bytes at chunk boundaries (app/server/html-stream.server.ts). */
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlResponseStream } from "~/server/html-stream.server";

const through = (chunks: Buffer[]) => text(Readable.from(chunks).pipe(htmlResponseStream()));

describe("htmlResponseStream", () => {
  it("removes the NUL bytes React leaves before a multi-byte character, keeping the character", async () => {
    const html = Buffer.concat([Buffer.from('<a aria-label="Kuning, '), Buffer.from([0, 0]), Buffer.from('↓ memburuk">x</a>')]);
    expect(await through([html.subarray(0, 20), html.subarray(20)])).toBe('<a aria-label="Kuning, ↓ memburuk">x</a>');
  });

  it("passes any text without NUL unchanged, however it is chunked", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 300 }).map((s) => s.replaceAll("\0", "")),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (s, cuts) => {
          const buf = Buffer.from(s);
          const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points, buf.length].slice(1).map((end, i, all) => buf.subarray(i === 0 ? 0 : all[i - 1], end));
          expect(await through(chunks)).toBe(s);
        },
      ),
      { numRuns: 200 },
    );
  });
});
