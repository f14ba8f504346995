/**
 * The table of period messages: why a period string cannot be read (docs/style.md, "Messages").
 * A `PeriodError` carries `messageCode` and `params` (the period as written, a year, a month …);
 * its `message` is the Bahasa Indonesia rendering, for the CLI and stored text. The app renders
 * `periodMessage(messageCode, params, locale)` in the reader's language.
 */
import { renderMessage, type Locale, type MessageParams } from "./message-table";

export type PeriodMessageParams = MessageParams;

type Render = (p: PeriodMessageParams) => string;

const FORMAT_HINT = {
  id: "Gunakan format 2025-03 (bulan), 2025-Q1 (triwulan) atau 2025 (tahun).",
  en: "Use the format 2025-03 (month), 2025-Q1 (quarter) or 2025 (year).",
};

export const PERIOD_MESSAGES = {
  PERIOD_EMPTY: {
    id: () => `Periode kosong. ${FORMAT_HINT.id}`,
    en: () => `The period is empty. ${FORMAT_HINT.en}`,
  },
  PERIOD_YEAR_RANGE: {
    id: (p) => `Tahun ${p.year} pada periode "${p.period}" di luar rentang ${p.min}–${p.max}.`,
    en: (p) => `The year ${p.year} in period "${p.period}" is outside the range ${p.min}–${p.max}.`,
  },
  PERIOD_MONTH: {
    id: (p) => `Bulan ${p.month} pada periode "${p.period}" tidak ada; bulan harus 01 sampai 12.`,
    en: (p) => `There is no month ${p.month} in period "${p.period}"; the month must be 01 to 12.`,
  },
  PERIOD_QUARTER: {
    id: (p) => `Triwulan Q${p.quarter} pada periode "${p.period}" tidak ada; triwulan harus Q1 sampai Q4.`,
    en: (p) => `There is no quarter Q${p.quarter} in period "${p.period}"; the quarter must be Q1 to Q4.`,
  },
  PERIOD_UNRECOGNISED: {
    id: (p) => `Periode "${p.period}" tidak dikenali. ${FORMAT_HINT.id}`,
    en: (p) => `The period "${p.period}" is not recognised. ${FORMAT_HINT.en}`,
  },
} as const satisfies Record<string, { id: Render; en: Render }>;

/** Key of a message in PERIOD_MESSAGES. */
export type PeriodMessageCode = keyof typeof PERIOD_MESSAGES;

/** All message codes, for exhaustiveness tests. */
export const PERIOD_MESSAGE_CODES = Object.keys(PERIOD_MESSAGES) as PeriodMessageCode[];

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function periodMessage(messageCode: PeriodMessageCode, params: PeriodMessageParams = {}, locale: Locale = "id"): string {
  return renderMessage(PERIOD_MESSAGES[messageCode], params, locale);
}
