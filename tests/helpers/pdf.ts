/**
 * Reading a PDF back in tests: its text page by page (pdfjs-dist), and a page rendered by poppler's
 * pdftoppm as PNG (kept as an artifact) or as raw pixels (PPM, parsed here: no image library).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The text of each page, items joined by a space (pdfjs splits runs of text into items). */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const standardFontDataUrl = path.resolve("node_modules/pdfjs-dist/standard_fonts") + path.sep;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items
        .map((item) => ("str" in item ? item.str : ""))
        .join(" ")
        .replace(/\s+/g, " "),
    );
  }
  await doc.destroy();
  return pages;
}

/** Page `page` of the PDF rendered with pdftoppm at `dpi`, as PNG bytes. */
export function pdfPagePng(bytes: Uint8Array, page: number, dpi = 60): Buffer {
  return pdftoppm(bytes, page, dpi, "-png", ".png");
}

/** Page `page` rendered with pdftoppm at `dpi`: width, height and RGB bytes (binary PPM, P6, maxval 255). */
export function pdfPagePixels(bytes: Uint8Array, page: number, dpi = 60): { width: number; height: number; rgb: Buffer } {
  const ppm = pdftoppm(bytes, page, dpi, null, ".ppm");
  // Header: "P6" whitespace width whitespace height whitespace maxval, one whitespace byte, then pixels.
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(ppm[i]))) i++;
    if (ppm[i] === 0x23) {
      while (ppm[i] !== 0x0a) i++;
      continue;
    }
    let s = "";
    while (!/\s/.test(String.fromCharCode(ppm[i]))) s += String.fromCharCode(ppm[i++]);
    fields.push(s);
  }
  i++;
  const [magic, width, height, maxval] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (magic !== "P6" || maxval !== 255) throw new Error(`unexpected PPM header ${fields.join(" ")}`);
  const rgb = ppm.subarray(i, i + width * height * 3);
  if (rgb.length !== width * height * 3) throw new Error("short PPM");
  return { width, height, rgb };
}

function pdftoppm(bytes: Uint8Array, page: number, dpi: number, flag: string | null, ext: string): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-pdf-"));
  try {
    const input = path.join(dir, "in.pdf");
    fs.writeFileSync(input, bytes);
    const out = path.join(dir, "page");
    execFileSync("pdftoppm", [...(flag ? [flag] : []), "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", input, out]);
    return fs.readFileSync(out + ext);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels close to `rgb` (each channel within `tolerance`). */
export function countNear(pixels: { rgb: Buffer }, [r, g, b]: readonly [number, number, number], tolerance = 6): number {
  let n = 0;
  const p = pixels.rgb;
  for (let i = 0; i + 2 < p.length; i += 3) {
    if (Math.abs(p[i] - r) <= tolerance && Math.abs(p[i + 1] - g) <= tolerance && Math.abs(p[i + 2] - b) <= tolerance) n++;
  }
  return n;
}
