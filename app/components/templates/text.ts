import type { Locale } from "~/i18n/catalog";

/** A user-visible text of a document: Bahasa Indonesia first, English when chosen and present. */
export function pickText(text: { id: string; en?: string } | null | undefined, locale: Locale): string {
  if (!text) return "";
  return locale === "en" && text.en ? text.en : text.id;
}

/** `2025-11-23T18:10:00.000Z` → `2025-11-23 18:10 UTC` (server and browser render the same). */
export function formatUtc(iso: string | null): string {
  if (!iso) return "–";
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
