/**
 * Request-body limits for every route, enforced while the body arrives and before any route code
 * parses it (docs/decisions/019-bounded-input.md).
 *
 * A request body is held here until it is complete and within its limit, and only then handed on
 * to Remix. A body that goes over the limit is answered 413 with a page in Bahasa Indonesia (and
 * English for English readers) saying what to do; the rest is thrown away unread for a few
 * seconds, so the client gets to read the answer, and then the connection is closed. This holds
 * with a Content-Length, without one (chunked), and with one that lies: Node reads exactly the
 * declared length, and what arrives is counted here.
 *
 * Requests without a valid session get ANONYMOUS_BODY_BYTES whatever the route; signed-in users
 * get the limit of the route's family (imports, template upload, designer, other forms). Routes
 * that refuse an oversize Content-Length themselves, with their own message in the page, still
 * get to answer it — they read none of the body, and the same few seconds apply after their answer.
 */
import type { IncomingMessage } from "node:http";
import type express from "express";
import type { ServerBuild } from "@remix-run/node";
import { isLocale, translate, type Locale } from "~/i18n/catalog";
import { langCookie } from "~/i18n/locale.server";
import {
  ANONYMOUS_BODY_BYTES,
  DESIGNER_BODY_BYTES,
  FORM_BODY_BYTES,
  MAX_EVIDENCE_BYTES,
  MAX_GROUP_IMPORT_BYTES,
  MAX_DHIS2_IMPORT_BYTES,
  MAX_IMPORT_BYTES,
  MAX_TEMPLATE_UPLOAD_BYTES,
  MULTIPART_OVERHEAD_BYTES,
} from "~/utils/limits";
import { PACKAGE_MAX_BYTES } from "@engine";

export type BodyFamily = "anonymous" | "import" | "template" | "designer" | "evidence" | "groups" | "form";

export interface BodyLimit {
  family: BodyFamily;
  bytes: number;
  /** The route refuses an oversize Content-Length itself (its message shows in the page). */
  routeAnswers: boolean;
}

/** The session behind a Cookie header (the server build's `sessionLocaleOf`), or null. */
export type SessionLookup = (cookieHeader: string) => Promise<{ locale: string } | null>;

const SESSION_COOKIE = "pantau_session";

/** How long the rest of a refused body is read and thrown away before the connection is closed. */
export const LINGER_MS = 3_000;

const ANONYMOUS: BodyLimit = { family: "anonymous", bytes: ANONYMOUS_BODY_BYTES, routeAnswers: false };
const FORM: BodyLimit = { family: "form", bytes: FORM_BODY_BYTES, routeAnswers: false };

/** Route families with their own limit for signed-in users; everything else is FORM. */
const FAMILIES: ReadonlyArray<{ pattern: RegExp; limit: BodyLimit }> = [
  { pattern: /^\/imports\/?$/, limit: { family: "import", bytes: MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, routeAnswers: true } },
  { pattern: /^\/templates\/import\/?$/, limit: { family: "template", bytes: MAX_TEMPLATE_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES, routeAnswers: true } },
  // An action's page takes one evidence file (and small forms); it refuses an oversize length itself.
  { pattern: /^\/actions\/\d+\/?$/, limit: { family: "evidence", bytes: MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES, routeAnswers: true } },
  // A group's page takes a members CSV (and small forms); it refuses an oversize length itself.
  { pattern: /^\/groups\/\d+\/?$/, limit: { family: "groups", bytes: MAX_GROUP_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, routeAnswers: true } },
  // Package designer, overlay designer and indicator preview: they check Content-Length themselves.
  {
    pattern: /^\/designer\/(preview-indicator|overlay\/[^/]+\/[^/]+|[^/]+\/[^/]+)\/?$/,
    limit: { family: "designer", bytes: DESIGNER_BODY_BYTES, routeAnswers: true },
  },
  // The form builder's preview: a form document and sample answers, percent-encoded.
  { pattern: /^\/designer\/preview-form\/?$/, limit: { family: "designer", bytes: DESIGNER_BODY_BYTES, routeAnswers: false } },
];

/** The path a request is for: Remix's data requests (`/x.data`, `/_root.data`) count as their page. */
function routePath(pathname: string): string {
  if (pathname === "/_root.data") return "/";
  return pathname.endsWith(".data") ? pathname.slice(0, -".data".length) : pathname;
}

/** Whether a path is the API's (bearer tokens only, problem documents; docs/api.md). */
export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

/** A DHIS2 dataValueSets or ADX import through the API: the import's own limit (docs/dhis2.md). */
const DHIS2_IMPORT: BodyLimit = { family: "import", bytes: MAX_DHIS2_IMPORT_BYTES, routeAnswers: false };

/**
 * The limit of a request to `pathname`; on /api "signed in" means a valid bearer token, and the
 * form limit applies except to the DHIS2 imports, which take a whole dataValueSets or ADX body.
 */
export function bodyLimitFor(pathname: string, signedIn: boolean): BodyLimit {
  if (!signedIn) return ANONYMOUS;
  if (isApiPath(pathname)) return /^\/api\/v1\/dhis2\/(dataValueSets|adx)\/?$/.test(pathname) ? DHIS2_IMPORT : FORM;
  const path = routePath(pathname);
  return FAMILIES.find((f) => f.pattern.test(path))?.limit ?? FORM;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? "0") > 0;
}

/** The declared length; null for chunked bodies (Node ignores Content-Length next to Transfer-Encoding). */
function declaredLength(req: IncomingMessage): number | null {
  if (req.headers["transfer-encoding"] !== undefined) return null;
  const n = Number(req.headers["content-length"]);
  return Number.isFinite(n) ? n : null;
}

/**
 * Holds a request's body bytes as Node's HTTP parser delivers them. The parser hands each chunk
 * to the request with `push()`; taking them there keeps them from every reader (the Remix adapter
 * reads the request stream itself) until the limit is known and the body complete.
 */
class HeldBody {
  private chunks: Buffer[] = [];
  private state: "holding" | "released" | "guarded" | "refused" = "holding";
  private limit: number;
  private onOver: (() => void) | null = null;
  private onComplete: (() => void) | null = null;
  private readonly push: IncomingMessage["push"];
  private readonly hooked: boolean;
  /** The declared length is over any limit this request can get: take no more than arrives, read no further. */
  private readonly pauseEarly: boolean;
  private size: number;
  private complete: boolean;
  private endPending = false;

  constructor(
    private readonly req: IncomingMessage,
    provisionalLimit: number,
  ) {
    this.limit = provisionalLimit;
    const declared = declaredLength(req);
    this.pauseEarly = declared !== null && declared > provisionalLimit;
    // Bytes delivered before this middleware ran are already in the stream's buffer, in order.
    this.size = req.readableLength;
    this.complete = req.complete;
    this.push = req.push;
    this.hooked = !this.complete;
    if (this.hooked) req.push = (chunk: unknown, encoding?: BufferEncoding) => this.take(chunk, encoding);
    req.once("close", () => {
      if (this.state === "holding") this.chunks = [];
    });
  }

  private take(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (this.state === "released") return this.push.call(this.req, chunk, encoding);
    if (this.state === "refused") {
      // The end of a refused body is passed on after the answer (linger), so the stream ends.
      if (chunk === null) this.endPending = true;
      return false;
    }
    if (chunk === null) {
      this.complete = true;
      if (this.state === "guarded") return this.push.call(this.req, null);
      this.onComplete?.();
      return false;
    }
    const bytes = chunk as Buffer;
    this.size += bytes.length;
    if (this.state === "guarded") {
      if (this.size <= this.limit) return this.push.call(this.req, chunk, encoding);
      // A route that answers oversize lengths itself read past its limit after all: stop it hard.
      this.state = "refused";
      this.req.destroy();
      return false;
    }
    if (this.pauseEarly) {
      this.chunks.push(bytes);
      return false; // the parser stops reading the socket until the decision
    }
    if (this.size > this.limit) {
      this.refuse();
      this.onOver?.();
      return false; // the parser stops reading the socket
    }
    this.chunks.push(bytes);
    return true;
  }

  /** Final limit: `over` as soon as the body is larger, else `complete` once it has all arrived. */
  watch(limit: number, over: () => void, complete: () => void): void {
    this.limit = limit;
    this.onOver = over;
    this.onComplete = complete;
    if (this.size > limit) {
      this.refuse();
      over();
    } else if (this.complete) complete();
  }

  /** Hands the held body to the request stream; from now on bytes pass straight through. */
  release(): void {
    this.state = "released";
    if (!this.hooked) return;
    this.req.push = this.push;
    for (const chunk of this.chunks) this.push.call(this.req, chunk);
    this.chunks = [];
    if (this.complete) this.push.call(this.req, null);
  }

  /** Lets bytes through to a route that answers an oversize length itself, counting them still. */
  guard(limit: number): void {
    this.limit = limit;
    this.state = "guarded";
    if (!this.hooked) return;
    for (const chunk of this.chunks) this.push.call(this.req, chunk);
    this.chunks = [];
    if (this.complete) this.push.call(this.req, null);
  }

  refuse(): void {
    this.state = "refused";
    this.chunks = [];
  }

  /**
   * After the answer: Node discards whatever is still on its way (so the client, still sending,
   * gets to read the answer — most clients only read it once their write has gone through), for
   * at most LINGER_MS; then the connection is closed.
   */
  linger(res: express.Response): void {
    res.once("finish", () => {
      if (this.state === "refused" && this.hooked) {
        this.req.push = this.push;
        if (this.endPending) this.push.call(this.req, null);
      }
      if (this.req.complete) return;
      const timer = setTimeout(() => {
        if (!this.req.complete) this.req.socket?.destroy();
      }, LINGER_MS);
      timer.unref();
      this.req.once("end", () => clearTimeout(timer));
      this.req.socket?.once("close", () => clearTimeout(timer));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The 413 page

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function formatBytes(bytes: number, locale: Locale): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = Math.round((bytes / 1024 / 1024) * 10) / 10;
  return `${mb.toLocaleString(locale === "en" ? "en-US" : "id-ID")} MB`;
}

function fixMessage(locale: Locale, family: BodyFamily): string {
  switch (family) {
    case "anonymous":
      return translate(locale, "bodyLimit.fix.anonymous");
    case "import":
      return translate(locale, "bodyLimit.fix.import", { max: MAX_IMPORT_BYTES / 1024 / 1024 });
    case "template":
      return translate(locale, "bodyLimit.fix.template", { max: MAX_TEMPLATE_UPLOAD_BYTES / 1024 / 1024 });
    case "designer":
      return translate(locale, "bodyLimit.fix.designer", { max: PACKAGE_MAX_BYTES / 1024 });
    case "evidence":
      return translate(locale, "bodyLimit.fix.evidence", { max: MAX_EVIDENCE_BYTES / 1024 / 1024 });
    case "groups":
      return translate(locale, "bodyLimit.fix.groups", { max: MAX_GROUP_IMPORT_BYTES / 1024 / 1024 });
    case "form":
      return translate(locale, "bodyLimit.fix.form");
  }
}

/** The 413 page: Bahasa Indonesia first, English below it for English readers. No script, no inline style (CSP). */
export function tooLargePage(limit: BodyLimit, readerLocale: Locale): string {
  const section = (locale: Locale, heading: "h1" | "h2") =>
    [
      `<${heading}>${escapeHtml(translate(locale, "bodyLimit.title"))}</${heading}>`,
      `<p>${escapeHtml(translate(locale, "bodyLimit.what", { limit: formatBytes(limit.bytes, locale) }))}</p>`,
      `<p>${escapeHtml(fixMessage(locale, limit.family))}</p>`,
      `<p><a href="/">${escapeHtml(translate(locale, "bodyLimit.back"))}</a></p>`,
    ].join("\n");
  const english = readerLocale === "en" ? `\n<hr>\n<section lang="en">\n${section("en", "h2")}\n</section>` : "";
  return `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(translate("id", "bodyLimit.title"))} · Pantau ILP</title>
</head>
<body>
<main>
${section("id", "h1")}${english}
</main>
</body>
</html>
`;
}

/** The reader's language as the app picks it (language cookie, then the account), then the browser's. */
async function readerLocale(req: IncomingMessage, session: { locale: string } | null): Promise<Locale> {
  const fromCookie = await langCookie.parse(req.headers.cookie ?? null).catch(() => null);
  if (isLocale(fromCookie)) return fromCookie;
  if (session && isLocale(session.locale)) return session.locale;
  return /^\s*en\b/i.test(req.headers["accept-language"] ?? "") ? "en" : "id";
}

async function sendTooLarge(req: express.Request, res: express.Response, limit: BodyLimit, session: { locale: string } | null): Promise<void> {
  if (isApiPath(req.path)) {
    // The API answers with a problem document in the caller's Accept-Language (docs/api.md).
    const locale: Locale = /^\s*en\b/i.test(req.headers["accept-language"] ?? "") ? "en" : "id";
    if (res.headersSent || res.destroyed) return;
    const body = {
      type: "urn:pantau:problem:too-large",
      title: translate(locale, "api.problem.tooLarge.title"),
      status: 413,
      detail: translate(locale, "api.problem.tooLarge.detail", { limit: formatBytes(limit.bytes, locale) }),
      errors: [],
    };
    res.status(413).set({ "Content-Type": "application/problem+json; charset=utf-8", "Cache-Control": "no-store" }).send(JSON.stringify(body));
    return;
  }
  const locale = await readerLocale(req, session);
  if (res.headersSent || res.destroyed) return;
  res.status(413).set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).send(tooLargePage(limit, locale));
}

// ---------------------------------------------------------------------------------------------
// The middleware

/** A valid API token behind an Authorization header (the server build's `apiTokenOf`), or null. */
export type TokenLookup = (authorization: string) => Promise<{ locale: string } | null>;

function tokenLookupOf(build: ServerBuild): TokenLookup | null {
  const lookup = (build.entry.module as unknown as { apiTokenOf?: TokenLookup }).apiTokenOf;
  return typeof lookup === "function" ? lookup : null;
}

function lookupOf(build: ServerBuild): SessionLookup {
  const lookup = (build.entry.module as unknown as { sessionLocaleOf?: SessionLookup }).sessionLocaleOf;
  if (typeof lookup !== "function") throw new Error("The server build does not export sessionLocaleOf (app/entry.server.tsx); the body limits need it.");
  return lookup;
}

/**
 * `app.use(limitRequestBodies(build))`, before any middleware that reads a body. `source` is the
 * server build (its session lookup runs on the build's own database handle) or a lookup (tests).
 */
export function limitRequestBodies(source: ServerBuild | SessionLookup, tokenSource?: TokenLookup): express.RequestHandler {
  const lookup = typeof source === "function" ? source : lookupOf(source);
  const tokenLookup = tokenSource ?? (typeof source === "function" ? null : tokenLookupOf(source));
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const cookie = req.headers.cookie ?? "";
    // Start holding at once, with the largest limit this request could get; the session decides.
    const held = new HeldBody(req, bodyLimitFor(req.path, true).bytes);
    const decide = (session: { locale: string } | null) => {
      if (req.destroyed) return;
      const limit = bodyLimitFor(req.path, session !== null);
      const refuse = () => {
        held.linger(res);
        void sendTooLarge(req, res, limit, session).catch(next);
      };
      const declared = declaredLength(req);
      if (declared !== null && declared > limit.bytes) {
        if (limit.routeAnswers) {
          held.guard(limit.bytes);
          held.linger(res);
          return next();
        }
        held.refuse();
        return refuse();
      }
      held.watch(limit.bytes, refuse, () => {
        held.release();
        next();
      });
    };
    const failed = (err: unknown) => {
      // No database answer: treat the request as anonymous (the route would fail the same way).
      console.error(err);
      decide(null);
    };
    if (isApiPath(req.path)) {
      // The API reads no session cookie: only a valid bearer token lifts the anonymous limit.
      const authorization = req.headers.authorization ?? "";
      if (!tokenLookup || !/^bearer\s/i.test(authorization)) return decide(null);
      tokenLookup(authorization).then(decide, failed);
      return;
    }
    if (!cookie.includes(`${SESSION_COOKIE}=`)) return decide(null);
    lookup(cookie).then(decide, (err: unknown) => {
      // No database answer: treat the request as anonymous (the route would fail the same way).
      console.error(err);
      decide(null);
    });
  };
}
