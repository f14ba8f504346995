/**
 * The message of a broken validation rule (rules.ts): the rule's own text from the package,
 * followed by the figures the rule compared, so the reader sees which numbers to check
 * ("… melebihi sasaran setahun. … Angka yang diperiksa: SPM 1 – Sasaran ibu hamil = 286.").
 * Params: `message`/`messageEn` (the rule's text in both languages), `values`/`valuesEn` (the
 * fields read with their values, already written each language's way).
 */
import { renderMessage, type Locale, type MessageParams } from "./message-table";

type Render = (p: MessageParams) => string;

export const RULE_MESSAGES = {
  RULE_VIOLATED: {
    id: (p) => `${p.message} Angka yang diperiksa: ${p.values}.`,
    en: (p) => `${p.messageEn} Figures checked: ${p.valuesEn}.`,
  },
  /** A rule whose formulas read no field (constants only): its own text says it all. */
  RULE_VIOLATED_PLAIN: {
    id: (p) => `${p.message}`,
    en: (p) => `${p.messageEn}`,
  },
} as const satisfies Record<string, { id: Render; en: Render }>;

export type RuleMessageCode = keyof typeof RULE_MESSAGES;

/** All codes of this table, for exhaustiveness tests. */
export const RULE_MESSAGE_CODES = Object.keys(RULE_MESSAGES) as RuleMessageCode[];

/** Renders a rule message in `locale`; any locale other than "en" gives Bahasa Indonesia. */
export function ruleMessage(messageCode: RuleMessageCode, params: MessageParams, locale: Locale = "id"): string {
  return renderMessage(RULE_MESSAGES[messageCode], params, locale);
}
