import { useRouteLoaderData } from "@remix-run/react";
import { translate, type Locale, type MessageKey } from "./catalog";

/** The translator for components, bound to the locale the root loader chose. */
export function useT() {
  const data = useRouteLoaderData<{ locale: Locale }>("root");
  const locale: Locale = data?.locale ?? "id";
  return Object.assign((key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars), { locale });
}
