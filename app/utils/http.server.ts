/** Small helpers shared by routes. */
import { getLocale } from "~/i18n/locale.server";
import { translate } from "~/i18n/catalog";

/**
 * A same-site path to go back to after login or a language switch; anything else → `fallback`.
 * Only printable ASCII is accepted (a control character or a non-Latin-1 character cannot go in
 * a Location header, and browsers drop tabs and line breaks, so "/\t/evil.example" would leave
 * the site), no backslash, no "//" start, and the path must stay on this origin once parsed.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 2000 || !/^\/[\x21-\x7e]*$/.test(value)) return fallback;
  if (value.startsWith("//") || value.includes("\\")) return fallback;
  let url: URL;
  try {
    url = new URL(value, "http://pantau.invalid");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://pantau.invalid") return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The client address from the server's load context (set by the Express adapter). */
export function clientIp(context: unknown): string {
  const ip = (context as { clientIp?: unknown } | undefined)?.clientIp;
  return typeof ip === "string" && ip ? ip : "unknown";
}

export function formString(form: FormData, name: string, maxLength = 1000): string {
  const value = form.get(name);
  return typeof value === "string" ? value.slice(0, maxLength) : "";
}

/**
 * The request's form body. A body that does not parse as a form (a broken multipart body, a
 * multipart type without its boundary) is the sender's fault: 400 with the app's message in the
 * reader's language, never a 500. The request guard already refused bodies that are not forms.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    const locale = await getLocale(request);
    throw new Response(translate(locale, "error.badForm"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

/**
 * A database id (or revision) typed in a URL or a form: 1 to 9 digits, so at most 999 999 999,
 * inside PostgreSQL's integer (2^31 − 1). Anything else, a longer number included, is null: the
 * caller answers 404 or 400 instead of binding a value PostgreSQL refuses with a 500.
 */
export function parseId(value: string | null | undefined): number | null {
  return typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : null;
}
