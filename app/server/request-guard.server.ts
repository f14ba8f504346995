/**
 * Requests whose shape no route can serve are answered here, before Remix: a method other than
 * GET/HEAD/POST, a path that does not decode, a path no route matches, a POST to a route without
 * an action, or a POST body that is not a form (urlencoded or multipart). Remix would answer
 * those with a 500 (a path that does not decode, `request.formData()` on JSON) or with its own
 * internal error text in the page; here each gets a 4xx and the app's own short page in the
 * reader's language. The route table is the server build's, matched with Remix's own matcher.
 */
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type express from "express";
import { isLocale, translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { langCookie } from "~/i18n/locale.server";

export const ALLOWED_METHODS = ["GET", "HEAD", "POST"] as const;
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);
/** POST /api/v1/dhis2/adx takes ADX XML (the same types as readBoundedXmlText in app/models/api.server.ts). */
const ADX_IMPORT_PATH = /^\/api\/v1\/dhis2\/adx\/?$/;
const XML_TYPES = new Set(["application/adx+xml", "application/xml", "text/xml"]);

type RouteNode = AgnosticRouteObject & { id: string; hasAction: boolean; answersGet: boolean };

/** The build's flat route manifest as the nested tree Remix matches against. */
export function routeTree(build: Pick<ServerBuild, "routes">): RouteNode[] {
  const byParent = new Map<string | undefined, Array<ServerBuild["routes"][string]>>();
  for (const route of Object.values(build.routes)) {
    const list = byParent.get(route.parentId) ?? [];
    list.push(route);
    byParent.set(route.parentId, list);
  }
  const build_ = (parentId: string | undefined): RouteNode[] =>
    (byParent.get(parentId) ?? []).map((r) => {
      const node = {
        id: r.id,
        path: r.path,
        caseSensitive: r.caseSensitive,
        hasAction: typeof r.module.action === "function",
        // A page (a component) or a resource route with a loader; a resource route with only an action answers POST only.
        answersGet: typeof r.module.loader === "function" || typeof r.module.default === "function",
      } as RouteNode;
      if (r.index) return { ...node, index: true } as RouteNode;
      return { ...node, children: build_(r.id) } as RouteNode;
    });
  return build_(undefined);
}

/** The language of a request that never reached Remix: the language cookie, else Indonesian. */
export async function requestLocale(cookieHeader: string | undefined): Promise<Locale> {
  try {
    const value: unknown = await langCookie.parse(cookieHeader ?? null);
    return isLocale(value) ? value : "id";
  } catch {
    return "id";
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The app's own short error page (no scripts, the app's stylesheet is not needed to read it). */
export function plainErrorPage(locale: Locale, message: string): string {
  const t = (key: MessageKey) => escapeHtml(translate(locale, key));
  return `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("error.title")} · Pantau ILP</title></head><body><main id="main" role="alert"><h1>${t("error.title")}</h1><p>${escapeHtml(message)}</p><p><a href="/">${t("error.openHome")}</a></p></main></body></html>`;
}

/** Sends the app's error page, or a JSON problem to a client that asked for JSON. */
export async function refuse(
  req: express.Request,
  res: express.Response,
  status: number,
  key: MessageKey,
  headers: Record<string, string> = {},
): Promise<void> {
  const api = req.path === "/api" || req.path.startsWith("/api/");
  // The API reads no cookie: its language is the caller's Accept-Language (docs/api.md).
  const locale = api ? (/^\s*en\b/i.test(req.get("accept-language") ?? "") ? "en" : "id") : await requestLocale(req.headers.cookie);
  const message = translate(locale, key);
  res.status(status).set({ "Cache-Control": "no-store", ...headers });
  if (api) {
    const unsupported = key === "api.problem.notXml.detail" ? "not-xml" : "not-json";
    const code = { 400: "bad-request", 404: "not-found", 405: "method-not-allowed", 415: unsupported }[status] ?? "bad-request";
    res
      .type("application/problem+json; charset=utf-8")
      .send(JSON.stringify({ type: `urn:pantau:problem:${code}`, title: translate(locale, "error.title"), status, detail: message, errors: [] }));
    return;
  }
  if ((req.get("accept") ?? "").includes("application/json") && !(req.get("accept") ?? "").includes("text/html")) {
    res.type("application/problem+json; charset=utf-8").send(JSON.stringify({ status, title: translate(locale, "error.title"), detail: message }));
    return;
  }
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  res.type("text/html; charset=utf-8").send(plainErrorPage(locale, message));
}

/** Whether every segment of a raw (still percent-encoded) path decodes to text without NUL. */
function decodes(pathname: string): boolean {
  try {
    return !decodeURIComponent(pathname).includes("\0");
  } catch {
    return false;
  }
}

/**
 * A Host header that does not parse (`a b`, `[`) is refused before anything builds a URL from it
 * (the CSRF check and Remix's request adapter would throw: a 500).
 */
export function hostGuard(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const host = req.get("host");
  if (host !== undefined) {
    try {
      new URL(`http://${host}/`);
    } catch {
      void refuse(req, res, 400, "error.400").catch(next);
      return;
    }
  }
  next();
}

export function requestGuard(build: Pick<ServerBuild, "routes">): express.RequestHandler {
  const routes = routeTree(build);
  return (req, res, next) => {
    const answer = (status: number, key: MessageKey, headers?: Record<string, string>) => void refuse(req, res, status, key, headers).catch(next);
    if (!(ALLOWED_METHODS as readonly string[]).includes(req.method)) return answer(405, "error.405", { Allow: ALLOWED_METHODS.join(", ") });
    const raw = req.originalUrl.split("?")[0];
    if (!decodes(raw)) return answer(400, "error.badPath");
    // Remix's own endpoints: the route manifest (lazy route discovery) and single-fetch data
    // requests, `<path>.data` (`/_root.data` for "/"), which reach the same routes as the page.
    if (raw === "/__manifest" && req.method === "GET") return next();
    const routePath = raw.endsWith(".data") ? raw.slice(0, -".data".length).replace(/^\/_root$/, "/") : raw;
    const matches = matchRoutes(routes as AgnosticRouteObject[], routePath);
    if (!matches) return answer(404, "error.404");
    if (req.method !== "POST") {
      const leaf = matches[matches.length - 1].route as RouteNode;
      return leaf.answersGet ? next() : answer(405, "error.405", { Allow: "POST" });
    }
    // The route a POST reaches, as Remix picks it (@remix-run/router's getTargetMatch): the last
    // match when it is an index route and the URL has a bare `?index`, else the deepest match that
    // contributes a path (the root always does).
    const search = new URLSearchParams(req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?") + 1) : "");
    const last = matches[matches.length - 1];
    const wantsIndex = search.getAll("index").some((v) => v === "");
    const contributing = matches.filter((m, i) => i === 0 || (m.route.path !== undefined && m.route.path.length > 0));
    const target = last.route.index && wantsIndex ? last : contributing[contributing.length - 1];
    if (!(target.route as RouteNode).hasAction) return answer(405, "error.405", { Allow: "GET, HEAD" });
    const type = (req.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    // The API takes JSON (its routes refuse anything else with a problem document), the ADX import
    // XML; pages take forms.
    const api = raw.startsWith("/api/");
    if (api && ADX_IMPORT_PATH.test(raw)) {
      if (!XML_TYPES.has(type)) return answer(415, "api.problem.notXml.detail");
    } else if (api ? type !== "application/json" : !FORM_TYPES.has(type)) return answer(415, api ? "api.problem.notJson.detail" : "error.415");
    next();
  };
}
