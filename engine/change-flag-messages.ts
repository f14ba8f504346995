/**
 * The table of change-flag messages (docs/style.md, "Messages"): why the verifier's page flags a
 * number (engine/change-flags.ts). A flag carries its code and params (numbers and periods); the
 * app renders `changeFlagMessage(code, params, locale)` in the reader's language.
 */
import type { ChangeFlagCode } from "./change-flags";
import { renderMessage, type Locale, type MessageParams } from "./message-table";
import { formatNumberId } from "./scorecard/format";

/** Numbers in a message the way the reader writes them: 1.234,5 or 1,234.5. */
function num(x: string | number | undefined, locale: Locale): string {
  const n = Number(x);
  if (!Number.isFinite(n)) return String(x);
  const decimals = Number.isInteger(n) ? 0 : 1;
  if (locale === "id") return formatNumberId(n, decimals);
  return n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

const signed = (x: string | number | undefined, locale: Locale) => (Number(x) > 0 ? "+" : "") + num(x, locale);

type Render = (p: MessageParams) => string;

/** The change flags' messages (docs/style.md, "Messages"). */
export const CHANGE_FLAG_MESSAGES = {
  CHANGE_PERCENT: {
    id: (p) =>
      `Berubah ${signed(p.percent, "id")}% dari ${num(p.previous, "id")} (${p.period}) menjadi ${num(p.current, "id")}; ambang ${num(p.threshold, "id")}%.`,
    en: (p) =>
      `Changed by ${signed(p.percent, "en")}% from ${num(p.previous, "en")} (${p.period}) to ${num(p.current, "en")}; the threshold is ${num(p.threshold, "en")}%.`,
  },
  CHANGE_FROM_ZERO: {
    id: (p) => `Naik dari 0 (${p.period}) menjadi ${num(p.current, "id")}.`,
    en: (p) => `Went up from 0 (${p.period}) to ${num(p.current, "en")}.`,
  },
  CHANGE_HISTORY: {
    id: (p) =>
      `${num(p.current, "id")} di luar kisaran biasa ${num(p.low, "id")} sampai ${num(p.high, "id")} (median ${num(p.median, "id")} dari ${p.count} laporan terakhir).`,
    en: (p) =>
      `${num(p.current, "en")} is outside the usual range ${num(p.low, "en")} to ${num(p.high, "en")} (median ${num(p.median, "en")} of the last ${p.count} reports).`,
  },
} as const satisfies Record<ChangeFlagCode, { id: Render; en: Render }>;

export const CHANGE_FLAG_CODES = Object.keys(CHANGE_FLAG_MESSAGES) as ChangeFlagCode[];

/** Renders a flag in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function changeFlagMessage(code: ChangeFlagCode, params: MessageParams, locale: Locale = "id"): string {
  return renderMessage(CHANGE_FLAG_MESSAGES[code], params, locale);
}
