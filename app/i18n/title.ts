/**
 * Page titles in the reader's language: a route's `meta` gets the root loader's `locale` from its
 * matches (the root loader runs on every page) and renders a catalogue key.
 */
import type { MetaArgs, MetaDescriptor } from "@remix-run/node";
import { isLocale, translate, type Locale, type MessageKey } from "./catalog";

/** The locale the root loader chose for this request; Indonesian without one (an error page before it ran). */
export function metaLocale(matches: MetaArgs["matches"]): Locale {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  return isLocale(root?.locale) ? root.locale : "id";
}

/** `meta` of a page whose title is the catalogue text `key`. */
export function pageTitle(matches: MetaArgs["matches"], key: MessageKey, params?: Record<string, string | number>): MetaDescriptor[] {
  return [{ title: translate(metaLocale(matches), key, params) }];
}
