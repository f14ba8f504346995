import { createCookie } from "@remix-run/node";
import type { SessionUser } from "~/auth/session.server";
import { isLocale, translate, type Locale, type MessageKey } from "./catalog";

/** The chosen language, remembered for one year; not a secret, so unsigned. */
export const langCookie = createCookie("pantau_lang", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 365 * 24 * 3600 });

/** The cookie's language wins (a user may switch at any time), then the account's, then Indonesian. */
export async function getLocale(request: Request, user?: Pick<SessionUser, "locale"> | null): Promise<Locale> {
  const fromCookie = await langCookie.parse(request.headers.get("Cookie"));
  if (isLocale(fromCookie)) return fromCookie;
  if (user && isLocale(user.locale)) return user.locale;
  return "id";
}

/** A translator bound to the request's language, for messages built on the server. */
export async function serverT(request: Request, user?: Pick<SessionUser, "locale"> | null) {
  const locale = await getLocale(request, user);
  return { locale, t: (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars) };
}
