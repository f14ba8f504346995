/**
 * The table of overlay summary lines: what publishing an adaptation changes, one plain line per
 * operation (describeOverlayLines in overlay-derive.ts), a sibling of OVERLAY_MESSAGES
 * (docs/style.md, "Messages"). A line travels as `{ messageCode, params }`; params are keys,
 * numbers and the package's own texts, a text `x` with its English `xEn` (the Indonesian one
 * when the package has none). The Indonesian rendering is what the audit row keeps; the app
 * renders `overlaySummaryMessage(messageCode, params, locale)` for the reader.
 */
import { renderMessage, type Locale, type MessageParams } from "./message-table";

export type OverlaySummaryParams = MessageParams;

type Render = (p: OverlaySummaryParams) => string;

/** A package text param in English: its `xEn` sibling, else the text itself. */
function en(p: OverlaySummaryParams, name: string): string | number | undefined {
  return p[`${name}En`] ?? p[name];
}

const SCOPE: Record<string, { id: (org: string | number | undefined) => string; en: (org: string | number | undefined) => string }> = {
  national: { id: () => "nasional", en: () => "the national level" },
  district: { id: (org) => `kabupaten/kota ${org}`, en: (org) => `district ${org}` },
  puskesmas: { id: (org) => `Puskesmas ${org}`, en: (org) => `Puskesmas ${org}` },
};

function scope(p: OverlaySummaryParams, locale: Locale): string {
  const s = SCOPE[String(p.scope)] ?? SCOPE.puskesmas;
  return locale === "en" ? s.en(p.org) : s.id(p.org);
}

export const OVERLAY_SUMMARY_MESSAGES = {
  RELABEL_INDICATOR: {
    id: (p) => `Nama indikator "${p.indicator}" diubah menjadi "${p.label}".`,
    en: (p) => `The name of indicator "${en(p, "indicator")}" is changed to "${en(p, "label")}".`,
  },
  RELABEL_FIELD: {
    id: (p) => `Label isian "${p.field}" diubah menjadi "${p.label}".`,
    en: (p) => `The label of field "${en(p, "field")}" is changed to "${en(p, "label")}".`,
  },
  RELABEL_SECTION: {
    id: (p) => `Judul bagian "${p.section}" formulir "${p.form}" diubah menjadi "${p.label}".`,
    en: (p) => `The title of section "${p.section}" of form "${p.form}" is changed to "${en(p, "label")}".`,
  },
  RELABEL_FORM: {
    id: (p) => `Judul formulir "${p.form}" diubah menjadi "${p.label}".`,
    en: (p) => `The title of form "${p.form}" is changed to "${en(p, "label")}".`,
  },
  SET_BANDS: {
    id: (p) => `Batas warna indikator "${p.indicator}": hijau ≥ ${p.green}%, kuning ≥ ${p.yellow}% dari target.`,
    en: (p) => `Colour bands of indicator "${en(p, "indicator")}": green at ≥ ${p.green}%, yellow at ≥ ${p.yellow}% of the target.`,
  },
  HIDE_FIELD: {
    id: (p) => `Isian opsional "${p.field}" disembunyikan dari formulir "${p.form}".`,
    en: (p) => `Optional field "${en(p, "field")}" is hidden from form "${p.form}".`,
  },
  ADD_FIELD: {
    id: (p) => `Isian lokal baru "${p.label}" (${p.key}) ditambahkan ke formulir "${p.form}", bagian "${p.section}".`,
    en: (p) => `New local field "${en(p, "label")}" (${p.key}) is added to form "${p.form}", section "${p.section}".`,
  },
  ADD_FORM: {
    id: (p) => `Formulir lokal baru "${p.title}" (${p.key}) dengan ${p.fields} isian.`,
    en: (p) => `New local form "${en(p, "title")}" (${p.key}) with ${p.fields} ${Number(p.fields) === 1 ? "field" : "fields"}.`,
  },
  ADD_INDICATOR: {
    id: (p) => `Indikator lokal baru "${p.name}" (${p.key}).`,
    en: (p) => `New local indicator "${en(p, "name")}" (${p.key}).`,
  },
  ADD_RULE: {
    id: (p) => `Aturan validasi lokal baru "${p.message}" (${p.key}) pada formulir "${p.form}".`,
    en: (p) => `New local validation rule "${en(p, "message")}" (${p.key}) on form "${p.form}".`,
  },
  SET_TARGET: {
    id: (p) => `Target "${p.indicator}" tahun ${p.year} untuk ${scope(p, "id")}: ${p.value}${p.previous !== undefined ? ` (sebelumnya ${p.previous})` : ""}.`,
    en: (p) =>
      `Target for "${en(p, "indicator")}", year ${p.year}, for ${scope(p, "en")}: ${p.value}${p.previous !== undefined ? ` (previously ${p.previous})` : ""}.`,
  },
} as const satisfies Record<string, { id: Render; en: Render }>;

/** Key of a line in OVERLAY_SUMMARY_MESSAGES. */
export type OverlaySummaryCode = keyof typeof OVERLAY_SUMMARY_MESSAGES;

/** All line codes, for exhaustiveness tests. */
export const OVERLAY_SUMMARY_CODES = Object.keys(OVERLAY_SUMMARY_MESSAGES) as OverlaySummaryCode[];

/** One line of a publish summary, as data. */
export interface OverlaySummaryLine {
  messageCode: OverlaySummaryCode;
  params: OverlaySummaryParams;
}

/** Renders a line in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function overlaySummaryMessage(messageCode: OverlaySummaryCode, params: OverlaySummaryParams = {}, locale: Locale = "id"): string {
  return renderMessage(OVERLAY_SUMMARY_MESSAGES[messageCode], params, locale);
}
