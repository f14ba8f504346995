/**
 * The table of scorecard request messages: what a `ScorecardRequestError` says (docs/style.md,
 * "Messages"). The error carries `messageCode` and `params` (an indicator key, a row code);
 * its `message` is the Bahasa Indonesia rendering. The app renders
 * `scorecardMessage(messageCode, params, locale)` in the reader's language.
 */
import { renderMessage, type Locale, type MessageParams } from "../message-table";

export type ScorecardMessageParams = MessageParams;

type Render = (p: ScorecardMessageParams) => string;

export const SCORECARD_MESSAGES = {
  INDICATOR_NOT_IN_PACKAGE: {
    id: (p) => `Indikator "${p.indicator}" tidak ada dalam paket ini. Pilih indikator dari daftar.`,
    en: (p) => `Indicator "${p.indicator}" is not in this package. Choose an indicator from the list.`,
  },
  INDICATOR_NOT_IN_SCORECARD: {
    id: (p) => `Indikator "${p.indicator}" tidak ada dalam scorecard ini.`,
    en: (p) => `Indicator "${p.indicator}" is not in this scorecard.`,
  },
  ROW_NOT_IN_SCORECARD: {
    id: (p) => `Baris "${p.row}" tidak ada dalam scorecard ini.`,
    en: (p) => `Row "${p.row}" is not in this scorecard.`,
  },
} as const satisfies Record<string, { id: Render; en: Render }>;

/** Key of a message in SCORECARD_MESSAGES. */
export type ScorecardMessageCode = keyof typeof SCORECARD_MESSAGES;

/** All message codes, for exhaustiveness tests. */
export const SCORECARD_MESSAGE_CODES = Object.keys(SCORECARD_MESSAGES) as ScorecardMessageCode[];

/** Renders a message in `locale`; any locale other than 'en' gives Bahasa Indonesia. */
export function scorecardMessage(messageCode: ScorecardMessageCode, params: ScorecardMessageParams = {}, locale: Locale = "id"): string {
  return renderMessage(SCORECARD_MESSAGES[messageCode], params, locale);
}
