/**
 * Messages as data (docs/style.md, "Messages"): a catalogue key with its params, rendered in the
 * reader's locale only where the text is shown. Models return a `Message` or throw a
 * `MessageError`; a signed-in user's `locale` (set by `requireUser` to the request's language)
 * is the reader's, so a model that holds the user can render for them.
 */
import { periodMessage, type PeriodMessageCode, type PeriodMessageParams } from "@engine";
import { isLocale, translate, type Locale, type MessageKey } from "./catalog";

/** A param that differs by language (a date, a period-type word): one text per locale. */
export type LocalizedText = Record<Locale, string>;

export type MessageParams = Record<string, string | number | LocalizedText>;

/** A message as data: what to say (a catalogue key) and the values it names. */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
}

export function message(key: MessageKey, params?: MessageParams): Message {
  return params ? { key, params } : { key };
}

/** Whoever reads a message: a locale, or anything carrying one (a `SessionUser`); Indonesian without one. */
export type Reader = Locale | { locale?: string | null } | null | undefined;

export function localeOf(reader: Reader): Locale {
  if (typeof reader === "string") return reader;
  return reader && isLocale(reader.locale) ? reader.locale : "id";
}

/** A bilingual text of a package (`{ id, en? }`) as a param; English falls back to Indonesian. */
export function bilingual(text: { id: string; en?: string }): LocalizedText {
  return { id: text.id, en: text.en || text.id };
}

/** The detail of a period that cannot be read (a `PeriodError` or a failed `tryParsePeriod`), as a param. */
export function periodDetail(problem: { messageCode: PeriodMessageCode; params: PeriodMessageParams }): LocalizedText {
  return { id: periodMessage(problem.messageCode, problem.params, "id"), en: periodMessage(problem.messageCode, problem.params, "en") };
}

/** A catalogue message rendered in every language, as a param of another message. */
export function both(key: MessageKey, params?: MessageParams): LocalizedText {
  return { id: say("id", key, params), en: say("en", key, params) };
}

function paramsFor(locale: Locale, params: MessageParams | undefined): Record<string, string | number> | undefined {
  if (!params) return undefined;
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) out[name] = typeof value === "object" ? value[locale] : value;
  return out;
}

/** The text of `key` for `reader`. */
export function say(reader: Reader, key: MessageKey, params?: MessageParams): string {
  const locale = localeOf(reader);
  return translate(locale, key, paramsFor(locale, params));
}

/** The text of a `Message` for `reader`. */
export function render(reader: Reader, m: Message): string {
  return say(reader, m.key, m.params);
}

/**
 * An error for the user, thrown by a model: `key` and `params` say what happened; `message` is
 * the rendering for the reader the model was given (Indonesian without one), `status` the HTTP
 * status a route answers with. Routes render `key`/`params` again when they know better.
 */
export class MessageError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    readonly status = 400,
    reader?: Reader,
  ) {
    super(say(reader, key, params));
  }

  /** The same error's text for another reader. */
  for(reader: Reader): string {
    return say(reader, this.key, this.params);
  }
}
