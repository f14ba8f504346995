/**
 * CSRF defence for every unsafe method (docs/security.md item 9): the browser's Origin (or, when a
 * browser sent none, Sec-Fetch-Site / Referer) must be this site. Requests from non-browser
 * clients carry none of these headers and are allowed: they cannot ride a user's cookie.
 */
import { env } from "~/env.server";
import { getLocale } from "~/i18n/locale.server";
import { say } from "~/i18n/message";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Returns null when the request may proceed, or the reason it is refused. */
export function crossSiteReason(request: Request, trustedOrigins: string[] = env().trustedOrigins): string | null {
  if (!isUnsafeMethod(request.method)) return null;
  return crossSiteReasonOf(new URL(request.url).origin, (name) => request.headers.get(name), trustedOrigins);
}

/**
 * The check itself, for an unsafe request whose own origin is `own`; `header` reads a request
 * header (null when absent). The HTTP server calls it without building a Request.
 */
export function crossSiteReasonOf(own: string, header: (name: string) => string | null, trustedOrigins: string[] = env().trustedOrigins): string | null {
  const allowed = (origin: string) => origin === own || trustedOrigins.includes(origin);
  const fetchSite = header("Sec-Fetch-Site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
    return `Sec-Fetch-Site: ${fetchSite}`;
  }
  const origin = header("Origin");
  if (origin !== null) return allowed(origin) ? null : `Origin: ${origin}`;
  const referer = header("Referer");
  if (referer) {
    let refOrigin: string;
    try {
      refOrigin = new URL(referer).origin;
    } catch {
      return "Referer tidak sah";
    }
    return allowed(refOrigin) ? null : `Referer: ${refOrigin}`;
  }
  return null;
}

/** Throws 403 for a cross-site unsafe request, its text in the request's language. */
export async function assertSameOrigin(request: Request): Promise<void> {
  const reason = crossSiteReason(request);
  if (reason) {
    throw new Response(say(await getLocale(request), "access.crossSite"), {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}
