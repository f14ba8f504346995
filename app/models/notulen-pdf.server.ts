/**
 * The notulen as a PDF (docs/decisions/031-notulen-pdf.md): a pure function of `NotulenData` and
 * a locale, A4 landscape, drawn with pdfkit. Wide scorecards are split into blocks of at most 13
 * indicator columns, each block repeating the unit column and its header rows on every page;
 * every cell carries its colour and a shape mark (as on the screen's legend) so it reads without
 * colour. Text is set in Liberation Sans (SIL OFL, app/fonts/), embedded once per face as a subset;
 * characters the font lacks are replaced by plain equivalents, and without the font files the PDF
 * falls back to Helvetica with text mapped to its WinAnsi characters.
 */
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";
import type { CellState } from "@engine";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { translate } from "~/i18n/catalog";
import { STATE_KEYS, STATES } from "~/contracts/scorecard";
import type { NotulenAction, NotulenData, NotulenPerson, NotulenRow, NotulenScorecard } from "./notulen.server";

type Doc = PDFKit.PDFDocument;
type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The most indicator columns side by side on one page; more are split into blocks of near-equal width. */
export const MAX_INDICATOR_COLUMNS = 13;

const PAGE = { margin: 32, top: 36, bottom: 40 };
const INK = "#1f2933";
const MUTED = "#52606d";
const RULE = "#9aa5b1";
const BRAND = "#0b6e4f";

/** Cell fills by state (the XLSX export's colours) and the shape drawn over them (the screen's symbols ● ▲ ■ ○ ◐ ◇). */
export const PDF_FILLS: Record<CellState, string> = {
  green: "#c6efce",
  yellow: "#ffeb9c",
  red: "#ffc7ce",
  nodata: "#e6e6e6",
  incomplete: "#cfcfcf",
  notarget: "#ffffff",
};

// ---------------------------------------------------------------------------------------------
// Fonts and safe text

interface Faces {
  regular: Buffer;
  bold: Buffer;
}

let faces: Faces | null | undefined;

/** Liberation Sans from the repository's app/fonts/ (or pdfjs-dist's copy in development); null: Helvetica. Read once. */
function loadFaces(): Faces | null {
  if (faces !== undefined) return faces;
  faces = null;
  for (const dir of [path.resolve("app/fonts"), path.resolve("node_modules/pdfjs-dist/standard_fonts")]) {
    try {
      faces = { regular: fs.readFileSync(path.join(dir, "LiberationSans-Regular.ttf")), bold: fs.readFileSync(path.join(dir, "LiberationSans-Bold.ttf")) };
      break;
    } catch {
      // try the next place
    }
  }
  return faces;
}

/** Plain equivalents of characters a font may lack. */
const PLAIN: Record<string, string> = {
  "≥": ">=",
  "≤": "<=",
  "≠": "!=",
  "→": "->",
  "←": "<-",
  "↑": "^",
  "↓": "v",
  "–": "-",
  "—": "-",
  "…": "...",
  "“": '"',
  "”": '"',
  "‘": "'",
  "’": "'",
  "•": "-",
  "✓": "v",
  "✔": "v",
  "×": "x",
  "\u00a0": " ",
};

/** The characters Helvetica (WinAnsiEncoding) can show besides printable ASCII and Latin-1. */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/** Text as the chosen font can show it: NFC, control characters dropped, missing characters replaced. */
export function safeTextFor(has: (codePoint: number) => boolean): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let out = "";
    for (const ch of text.normalize("NFC").replace(/\r\n?/g, "\n").replace(/\t/g, " ")) {
      const cp = ch.codePointAt(0)!;
      if (ch === "\n") out += ch;
      else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || /\p{Cf}/u.test(ch)) continue;
      else if (has(cp)) out += ch;
      else {
        let r = cache.get(ch);
        if (r === undefined) {
          const plain = PLAIN[ch] ?? ch.normalize("NFKD").replace(/\p{M}/gu, "");
          r = [...plain].every((c) => has(c.codePointAt(0)!)) && plain !== "" ? plain : "?";
          cache.set(ch, r);
        }
        out += r;
      }
    }
    return out;
  };
}

const winAnsi = (cp: number) => (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(String.fromCodePoint(cp));

// ---------------------------------------------------------------------------------------------
// Formatting

function longDate(date: string, t: T): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return date;
  return `${Number(m[3])} ${t(`scorecards.month.${Number(m[2])}` as MessageKey)} ${m[1]}`;
}

/** "2026-12-05 03:40 UTC". */
export function generatedText(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

// ---------------------------------------------------------------------------------------------
// The renderer

interface Ctx {
  doc: Doc;
  t: T;
  safe: (s: string) => string;
  regular: string;
  bold: string;
  left: number;
  width: number;
  /** Lowest y content may reach on a page. */
  limit: number;
}

/** The notulen as a PDF; pure (no clock, no database): the same data gives the same bytes. */
export async function renderNotulenPdf(data: NotulenData, locale: Locale, options: { fonts?: "embedded" | "standard" } = {}): Promise<Buffer> {
  const t: T = (key, vars) => translate(locale, key, vars);
  // "standard": Helvetica, as when the font files are missing (tested that way).
  const f = options.fonts === "standard" ? null : loadFaces();
  const generated = new Date(data.generatedAt);
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    compress: true,
    autoFirstPage: true,
    lang: locale,
    info: { Title: data.title, Author: data.generatedBy, Creator: "Pantau ILP", Producer: "Pantau ILP", CreationDate: generated, ModDate: generated },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  let regular = "Helvetica";
  let bold = "Helvetica-Bold";
  let has: (cp: number) => boolean = winAnsi;
  if (f) {
    doc.registerFont("body", f.regular);
    doc.registerFont("body-bold", f.bold);
    regular = "body";
    bold = "body-bold";
    doc.font(regular);
    const font = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: (cp: number) => boolean } } })._font?.font;
    has = font?.hasGlyphForCodePoint ? (cp) => cp === 0x0a || font.hasGlyphForCodePoint!(cp) : () => true;
  }
  const ctx: Ctx = {
    doc,
    t,
    safe: safeTextFor(has),
    regular,
    bold,
    left: PAGE.margin,
    width: doc.page.width - 2 * PAGE.margin,
    limit: doc.page.height - PAGE.bottom,
  };
  doc.fillColor(INK);

  header(ctx, data);
  people(ctx, t("notulen.section.attendees"), data.attendees);
  people(ctx, t("notulen.section.absent"), data.absent);
  paragraphs(ctx, t("notulen.section.points"), data.points);
  paragraphs(ctx, t("notulen.section.decisions"), data.decisions);
  scorecardSection(ctx, data);
  actionsSection(ctx, data.actions);
  footers(ctx, data);
  doc.end();
  return done;
}

function text(
  ctx: Ctx,
  s: string,
  x: number,
  y: number,
  options: PDFKit.Mixins.TextOptions & { font?: "regular" | "bold"; size?: number; color?: string } = {},
) {
  const { font = "regular", size = 8, color = INK, ...rest } = options;
  ctx.doc
    .font(font === "bold" ? ctx.bold : ctx.regular)
    .fontSize(size)
    .fillColor(color)
    .text(ctx.safe(s), x, y, { lineBreak: true, ...rest });
}

function heightOf(ctx: Ctx, s: string, width: number, size: number, font: "regular" | "bold" = "regular"): number {
  return ctx.doc
    .font(font === "bold" ? ctx.bold : ctx.regular)
    .fontSize(size)
    .heightOfString(ctx.safe(s), { width });
}

/** Moves to a new page when `height` does not fit below the current position. */
function ensure(ctx: Ctx, height: number): void {
  if (ctx.doc.y + height > ctx.limit) {
    ctx.doc.addPage();
    ctx.doc.y = PAGE.top;
  }
}

function sectionTitle(ctx: Ctx, title: string, next = 24): void {
  ensure(ctx, 18 + next);
  const y = ctx.doc.y + 6;
  text(ctx, title, ctx.left, y, { font: "bold", size: 11, color: BRAND });
  ctx.doc.y = y + 15;
}

function header(ctx: Ctx, data: NotulenData): void {
  const { doc, t, left, width } = ctx;
  const kind = t(`notulen.kind.${data.kind}` as MessageKey);
  text(ctx, `${t("notulen.title").toUpperCase()} · ${kind}`, left, PAGE.top, { font: "bold", size: 9, color: BRAND });
  text(ctx, data.title, left, PAGE.top + 12, { font: "bold", size: 16, width });
  let y = doc.y + 4;
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(1.2)
    .strokeColor(BRAND)
    .stroke();
  y += 6;
  const fields: Array<[string, string]> = [
    [t("notulen.field.scope"), data.scopeNames.join(", ") || "–"],
    [t("notulen.field.period"), data.periodLabel],
    [t("notulen.field.date"), longDate(data.meetingDate, t)],
    [t("notulen.field.location"), data.location || "–"],
    [t("notulen.field.package"), data.packageTitle],
    [t("notulen.field.group"), data.groupName ?? t("notulen.field.allIndicators")],
    [t("notulen.field.kind"), kind],
    [t("notulen.field.status"), t(`notulen.status.${data.status}` as MessageKey)],
  ];
  // Two columns of label: value.
  const colW = width / 2;
  const rows = Math.ceil(fields.length / 2);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let c = 0; c < 2; c++) {
      const field = fields[c * rows + r];
      if (!field) continue;
      const x = left + c * colW;
      text(ctx, field[0], x, y, { font: "bold", size: 8.5, color: MUTED, width: 95 });
      text(ctx, field[1], x + 98, y, { size: 8.5, width: colW - 106 });
      h = Math.max(h, heightOf(ctx, field[1], colW - 106, 8.5));
    }
    y += h + 3;
  }
  doc.y = y + 2;
}

function people(ctx: Ctx, title: string, list: readonly NotulenPerson[]): void {
  sectionTitle(ctx, `${title} (${list.length})`);
  if (list.length === 0) return none(ctx);
  const columns = [
    { label: ctx.t("notulen.col.no"), width: 0.05 },
    { label: ctx.t("notulen.col.name"), width: 0.35 },
    { label: ctx.t("notulen.col.position"), width: 0.3 },
    { label: ctx.t("notulen.col.unit"), width: 0.3 },
  ];
  // Two lists side by side when long: half as tall.
  const halves = list.length > 6 ? 2 : 1;
  const gap = 16;
  const w = (ctx.width - gap * (halves - 1)) / halves;
  const perHalf = Math.ceil(list.length / halves);
  const lines = list.map((p, i) => [String(i + 1), p.name, p.position ?? "", p.unit ?? ""]);
  const parts = Array.from({ length: halves }, (_, h) => lines.slice(h * perHalf, (h + 1) * perHalf));
  simpleTable(ctx, columns, parts, w, gap);
}

/** Rows of text in `parts` side by side (each part a table of the same columns), breaking pages with repeated headers. */
function simpleTable(ctx: Ctx, columns: Array<{ label: string; width: number }>, parts: string[][][], partWidth: number, gap: number): void {
  const { doc } = ctx;
  const size = 7.5;
  const widths = columns.map((c) => c.width * partWidth);
  const drawHeader = () => {
    const y = doc.y;
    parts.forEach((_, p) => {
      let x = ctx.left + p * (partWidth + gap);
      columns.forEach((c, i) => {
        text(ctx, c.label, x + 2, y + 2, { font: "bold", size, width: widths[i] - 4, height: 10, ellipsis: true, color: MUTED });
        x += widths[i];
      });
      doc
        .moveTo(ctx.left + p * (partWidth + gap), y + 12)
        .lineTo(ctx.left + p * (partWidth + gap) + partWidth, y + 12)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
    });
    doc.y = y + 13;
  };
  const n = Math.max(...parts.map((p) => p.length));
  ensure(ctx, 13 + 11);
  drawHeader();
  for (let r = 0; r < n; r++) {
    const h = Math.max(...parts.map((p) => (p[r] ? Math.max(...p[r].map((s, i) => heightOf(ctx, s, widths[i] - 4, size))) : 0))) + 3;
    if (doc.y + h > ctx.limit) {
      doc.addPage();
      doc.y = PAGE.top;
      drawHeader();
    }
    const y = doc.y;
    parts.forEach((p, pi) => {
      const row = p[r];
      if (!row) return;
      let x = ctx.left + pi * (partWidth + gap);
      row.forEach((s, i) => {
        text(ctx, s, x + 2, y + 1.5, { size, width: widths[i] - 4 });
        x += widths[i];
      });
    });
    doc.y = y + h;
  }
  doc.y += 2;
}

function none(ctx: Ctx): void {
  text(ctx, ctx.t("notulen.none"), ctx.left, ctx.doc.y, { size: 8.5, color: MUTED });
  ctx.doc.y += 2;
}

function paragraphs(ctx: Ctx, title: string, body: string | null): void {
  sectionTitle(ctx, title);
  const paras = (body ?? "")
    .split(/\r?\n/)
    .map((p) => p.trimEnd())
    .filter((p) => p.trim() !== "");
  if (paras.length === 0) return none(ctx);
  for (const p of paras) {
    const h = heightOf(ctx, p, ctx.width, 9);
    // A paragraph that fits on a page starts on one; a longer one flows over pages (pdfkit breaks it).
    if (h < ctx.limit - PAGE.top) ensure(ctx, h);
    text(ctx, p, ctx.left, ctx.doc.y, { size: 9, width: ctx.width });
    ctx.doc.y += 2;
  }
}

// ---------------------------------------------------------------------------------------------
// The scorecard

/** The shape of a state (the screen's ● ▲ ■ ○ ◐ ◇), drawn so it needs no font. */
function mark(doc: Doc, state: CellState, cx: number, cy: number, r = 2.6): void {
  doc.save().lineWidth(0.7).strokeColor(INK).fillColor(INK);
  switch (state) {
    case "green":
      doc.circle(cx, cy, r).fill();
      break;
    case "yellow":
      doc.polygon([cx, cy - r], [cx + r, cy + r * 0.8], [cx - r, cy + r * 0.8]).fill();
      break;
    case "red":
      doc.rect(cx - r * 0.85, cy - r * 0.85, r * 1.7, r * 1.7).fill();
      break;
    case "nodata":
      doc.circle(cx, cy, r * 0.9).stroke();
      break;
    case "incomplete":
      doc.circle(cx, cy, r * 0.9).stroke();
      doc
        .moveTo(cx, cy - r * 0.9)
        .bezierCurveTo(cx - r * 1.2, cy - r * 0.9, cx - r * 1.2, cy + r * 0.9, cx, cy + r * 0.9)
        .closePath()
        .fill();
      break;
    case "notarget":
      doc.polygon([cx, cy - r], [cx + r, cy], [cx, cy + r], [cx - r, cy]).stroke();
      break;
  }
  doc.restore();
}

function cellFill(doc: Doc, state: CellState, x: number, y: number, w: number, h: number): void {
  doc.save().rect(x, y, w, h).fill(PDF_FILLS[state]);
  if (state === "incomplete") {
    // Hatched, as on the screen and in the XLSX.
    doc.rect(x, y, w, h).clip().lineWidth(0.5).strokeColor("#ffffff");
    for (let d = -h; d < w; d += 4)
      doc
        .moveTo(x + d, y + h)
        .lineTo(x + d + h, y)
        .stroke();
  }
  doc.restore();
}

/** Splits `n` columns into blocks of at most MAX_INDICATOR_COLUMNS, of near-equal size. */
export function columnBlocks(n: number, max = MAX_INDICATOR_COLUMNS): Array<[number, number]> {
  if (n === 0) return [[0, 0]];
  const count = Math.ceil(n / max);
  const size = Math.ceil(n / count);
  const blocks: Array<[number, number]> = [];
  for (let start = 0; start < n; start += size) blocks.push([start, Math.min(n, start + size)]);
  return blocks;
}

function scorecardSection(ctx: Ctx, data: NotulenData): void {
  const { doc, t } = ctx;
  sectionTitle(ctx, `${t("notulen.section.scorecard")} · ${data.periodLabel}`, 90);
  const sc = data.scorecard;
  if (!sc) {
    text(ctx, data.scorecardProblem ?? t("notulen.none"), ctx.left, doc.y, { size: 9, color: MUTED, width: ctx.width });
    return;
  }
  const blocks = columnBlocks(sc.columns.length);
  blocks.forEach(([from, to], b) => {
    if (blocks.length > 1) {
      ensure(ctx, 90);
      text(ctx, `${from + 1}–${to} / ${sc.columns.length}`, ctx.left, doc.y, { size: 7.5, color: MUTED });
      doc.y += 1;
    }
    scorecardBlock(ctx, sc, from, to);
    if (b < blocks.length - 1) doc.y += 8;
  });
  legend(ctx);
}

function scorecardBlock(ctx: Ctx, sc: NotulenScorecard, from: number, to: number): void {
  const { doc, t } = ctx;
  const noW = 16;
  const filledW = 34;
  const columns = sc.columns.slice(from, to);
  const available = ctx.width - noW - filledW;
  const colW = Math.min(58, (available - 120) / MAX_INDICATOR_COLUMNS);
  const unitW = Math.min(220, available - colW * columns.length);
  const tableW = noW + unitW + filledW + colW * columns.length;
  const rowH = 12;
  const size = 7;
  const heads = columns.map((c) => (c.unit ? `${c.name} (${c.unit})` : c.name));
  const headH = Math.min(52, Math.max(20, ...heads.map((h) => heightOf(ctx, h, colW - 3, 6, "bold"))) + 4);
  const drawHeader = () => {
    const y = doc.y;
    doc.save().rect(ctx.left, y, tableW, headH).fill("#f1f3f5").restore();
    text(ctx, t("notulen.col.no"), ctx.left + 1, y + headH - 10, { font: "bold", size: 6.5, width: noW - 2, color: MUTED });
    text(ctx, t("notulen.col.unit"), ctx.left + noW + 2, y + headH - 10, { font: "bold", size: 6.5, width: unitW - 4, color: MUTED });
    text(ctx, t("notulen.col.filled"), ctx.left + noW + unitW, y + headH - 10, { font: "bold", size: 6, width: filledW - 2, align: "center", color: MUTED });
    heads.forEach((h, i) => {
      const x = ctx.left + noW + unitW + filledW + i * colW;
      text(ctx, h, x + 1.5, y + 2, { font: "bold", size: 6, width: colW - 3, height: headH - 3, ellipsis: true, color: INK });
    });
    doc
      .moveTo(ctx.left, y + headH)
      .lineTo(ctx.left + tableW, y + headH)
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    doc.y = y + headH;
  };
  const drawRow = (row: NotulenRow, index: number | null) => {
    if (doc.y + rowH > ctx.limit) {
      doc.addPage();
      doc.y = PAGE.top;
      drawHeader();
    }
    const y = doc.y;
    const font = index === null ? "bold" : "regular";
    text(ctx, index === null ? "" : String(index), ctx.left + 1, y + 3, { size, width: noW - 2, color: MUTED });
    text(ctx, row.name, ctx.left + noW + 2, y + 3, { size, font, width: unitW - 4, height: rowH - 2, ellipsis: true, lineBreak: false });
    text(ctx, reportsText(row), ctx.left + noW + unitW, y + 3, { size, font, width: filledW - 2, align: "center" });
    columns.forEach((_, i) => {
      const cell = row.cells[from + i];
      const x = ctx.left + noW + unitW + filledW + i * colW;
      cellFill(doc, cell.state, x + 0.5, y + 0.5, colW - 1, rowH - 1);
      mark(doc, cell.state, x + 5, y + rowH / 2);
      // A long number (a count in the millions) shrinks to fit its cell rather than run into the next.
      const room = colW - 11;
      const wide = doc
        .font(font === "bold" ? ctx.bold : ctx.regular)
        .fontSize(size)
        .widthOfString(ctx.safe(cell.value));
      const fit = wide > room ? Math.max(4.5, (size * room) / wide) : size;
      text(ctx, cell.value, x + 9, y + 3 + (size - fit) / 2, { size: fit, font, width: room, align: "right", lineBreak: false });
    });
    doc
      .moveTo(ctx.left, y + rowH)
      .lineTo(ctx.left + tableW, y + rowH)
      .lineWidth(0.3)
      .strokeColor("#d9dee3")
      .stroke();
    doc.y = y + rowH;
  };
  ensure(ctx, headH + rowH * 3);
  drawHeader();
  sc.rows.forEach((row, i) => drawRow(row, i + 1));
  drawRow({ ...sc.totalRow, name: `${t("scorecards.total")}: ${sc.totalRow.name}` }, null);
}

/** A row's reports of its least complete indicator, "7/9"; "–" when none were expected. */
export function reportsText(row: Pick<NotulenRow, "reports">): string {
  return row.reports ? `${row.reports.reported}/${row.reports.expected}` : "–";
}

function legend(ctx: Ctx): void {
  const { doc, t } = ctx;
  ensure(ctx, 66);
  const y = doc.y + 6;
  text(ctx, t("scorecards.legend"), ctx.left, y, { font: "bold", size: 8 });
  const w = ctx.width / 3;
  STATES.forEach((state, i) => {
    const x = ctx.left + (i % 3) * w;
    const top = y + 12 + Math.floor(i / 3) * 13;
    cellFill(doc, state, x, top, 18, 10);
    doc.save().rect(x, top, 18, 10).lineWidth(0.3).strokeColor(RULE).stroke().restore();
    mark(doc, state, x + 9, top + 5);
    text(ctx, t(STATE_KEYS[state]), x + 22, top + 1.5, { size: 7.5, width: w - 26 });
  });
  text(ctx, `${t("notulen.filledNote")} ${t("notulen.legendNote")}`, ctx.left, y + 12 + 2 * 13 + 2, { size: 7, color: MUTED, width: ctx.width });
  doc.y += 2;
}

// ---------------------------------------------------------------------------------------------
// The actions

function actionsSection(ctx: Ctx, actions: readonly NotulenAction[]): void {
  const { t } = ctx;
  sectionTitle(ctx, `${t("notulen.section.actions")} (${actions.length})`);
  if (actions.length === 0) return none(ctx);
  const columns = [
    { label: t("notulen.col.no"), width: 0.03 },
    { label: t("notulen.col.cell"), width: 0.14 },
    { label: t("notulen.col.problem"), width: 0.17 },
    { label: t("notulen.col.cause"), width: 0.15 },
    { label: t("notulen.col.plan"), width: 0.22 },
    { label: t("notulen.col.responsible"), width: 0.14 },
    { label: t("notulen.col.due"), width: 0.07 },
    { label: t("notulen.col.status"), width: 0.08 },
  ];
  const lines = actions.map((a, i) => [
    String(i + 1),
    a.indicator ? `${a.unit}\n${a.indicator}` : a.unit,
    a.problem,
    a.cause ?? "",
    a.plan,
    a.person ? `${a.responsibleUnit}\n${a.person}` : a.responsibleUnit,
    a.dueDate,
    a.status === "done" && a.verified ? `${t(`notulen.action.${a.status}`)} (${t("notulen.action.verified")})` : t(`notulen.action.${a.status}` as MessageKey),
  ]);
  ruledTable(ctx, columns, lines);
}

/** A full-width table of wrapped text with rules between rows; rows never split, headers repeat on every page. */
function ruledTable(ctx: Ctx, columns: Array<{ label: string; width: number }>, lines: string[][]): void {
  const { doc } = ctx;
  const size = 7.5;
  const widths = columns.map((c) => c.width * ctx.width);
  const maxRow = ctx.limit - PAGE.top - 20;
  const drawHeader = () => {
    const y = doc.y;
    const h = Math.max(...columns.map((c, i) => heightOf(ctx, c.label, widths[i] - 4, size, "bold"))) + 4;
    doc.save().rect(ctx.left, y, ctx.width, h).fill("#f1f3f5").restore();
    let x = ctx.left;
    columns.forEach((c, i) => {
      text(ctx, c.label, x + 2, y + 2, { font: "bold", size, width: widths[i] - 4, color: MUTED });
      x += widths[i];
    });
    doc.y = y + h;
  };
  const heights = lines.map((row) => Math.min(maxRow, Math.max(...row.map((s, i) => heightOf(ctx, s, widths[i] - 4, size))) + 5));
  // The header never stands alone at the foot of a page: it goes with the first row.
  ensure(ctx, 24 + (heights[0] ?? 0));
  drawHeader();
  for (const [r, row] of lines.entries()) {
    const h = heights[r];
    if (doc.y + h > ctx.limit) {
      doc.addPage();
      doc.y = PAGE.top;
      drawHeader();
    }
    const y = doc.y;
    let x = ctx.left;
    row.forEach((s, i) => {
      text(ctx, s, x + 2, y + 2.5, { size, width: widths[i] - 4, height: h - 3, ellipsis: true });
      x += widths[i];
    });
    doc
      .moveTo(ctx.left, y + h)
      .lineTo(ctx.left + ctx.width, y + h)
      .lineWidth(0.3)
      .strokeColor("#d9dee3")
      .stroke();
    doc.y = y + h;
  }
}

// ---------------------------------------------------------------------------------------------
// Page footers

function footers(ctx: Ctx, data: NotulenData): void {
  const { doc, t } = ctx;
  const range = doc.bufferedPageRange();
  const pages = range.count;
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(range.start + i);
    // Below the bottom margin: lift the margin while writing, or pdfkit would start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 26;
    doc
      .moveTo(ctx.left, y - 4)
      .lineTo(ctx.left + ctx.width, y - 4)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    const third = ctx.width / 3;
    text(ctx, `${t("notulen.title")} · ${data.title}`, ctx.left, y, { size: 7, color: MUTED, width: third - 8, height: 9, ellipsis: true, lineBreak: false });
    text(ctx, t("notulen.generated", { at: generatedText(data.generatedAt), name: data.generatedBy }), ctx.left + third, y, {
      size: 7,
      color: MUTED,
      width: third,
      align: "center",
      lineBreak: false,
    });
    text(ctx, t("notulen.page", { page: i + 1, pages }), ctx.left + 2 * third, y, { size: 7, color: MUTED, width: third, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
