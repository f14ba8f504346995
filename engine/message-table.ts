/**
 * What every message table of the engine shares (docs/style.md, "Messages"): params as data, an
 * entry as one rendering per locale, and rendering with Bahasa Indonesia as the fallback. Each
 * table (`engine/*-messages.ts`, `engine/*\/*-messages.ts`) holds only its own entries.
 */
/** The languages a reader may choose; Bahasa Indonesia is the default everywhere. */
export type Locale = "id" | "en";

/** A message's parameters: keys, years, counts; never prose in one language. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** One entry of a message table: the text in Bahasa Indonesia and in English, from the params. */
export interface MessageRendering {
  id: (p: MessageParams) => string;
  en: (p: MessageParams) => string;
}

/** Renders an entry in `locale`; any locale other than "en" gives Bahasa Indonesia. */
export function renderMessage(entry: MessageRendering, params: MessageParams, locale: Locale): string {
  return locale === "en" ? entry.en(params) : entry.id(params);
}

/**
 * Params from raw values: numbers stay numbers, undefined is left out, anything else becomes the
 * text a template literal would give (document values may have any shape).
 */
export function messageParams(raw: Readonly<Record<string, unknown>>): MessageParams {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k] = typeof v === "number" ? v : String(v);
  }
  return out;
}
