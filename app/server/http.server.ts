/**
 * The HTTP server: Express in front of the Remix request handler. Express is here for what
 * must wrap every request — security headers with a per-request CSP nonce, the CSRF origin
 * check on every unsafe method before any route code runs, static files, and a last-resort
 * error page without stack traces (docs/decisions/003-express-server.md).
 */
import crypto from "node:crypto";
import path from "node:path";
import type { Server } from "node:http";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { crossSiteReasonOf, isUnsafeMethod } from "~/auth/csrf.server";
import { translate } from "~/i18n/catalog";
import { hostGuard, requestGuard, requestLocale } from "./request-guard.server";
import { decoyPasswordHash } from "~/auth/password.server";
import { limitRequestBodies } from "./body-limit.server";

export interface StartOptions {
  build: ServerBuild;
  port: number;
  host?: string;
  /** Directory holding public/ (static files and the client build). */
  rootDir?: string;
  /** Behind one reverse proxy: take the client address from the entry it adds to X-Forwarded-For. */
  trustProxy?: boolean;
}

/** The Content-Security-Policy for one response: scripts only with this response's nonce, no eval, no framing. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Answer to a legacy `?_data=` request: 400, nothing run, nothing stored; in the language of the reader's cookie. */
export function refuseLegacyDataRequests(req: express.Request, res: express.Response, next: express.NextFunction): void {
  // The same test Remix applies (server-runtime: `url.searchParams.has("_data")`).
  if (!req.originalUrl.includes("?") || !new URL(req.originalUrl, "http://localhost").searchParams.has("_data")) return next();
  void requestLocale(req.get("cookie")).then((locale) => {
    res.status(400).setHeader("Cache-Control", "no-store");
    res.type("text/plain; charset=utf-8").send(translate(locale, "error.legacyData"));
  }, next);
}

/**
 * CSRF: a cross-site unsafe request is refused before it reaches any route, in the language of
 * the reader's cookie. Safe methods pass without any work (crossSiteReason returns null for them).
 */
export function refuseCrossSite(req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (!isUnsafeMethod(req.method)) return next();
  const own = new URL(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`).origin;
  if (!crossSiteReasonOf(own, (name) => req.get(name)?.trim() ?? null)) return next();
  void requestLocale(req.get("cookie")).then((locale) => {
    res.status(403).type("text/plain; charset=utf-8").send(translate(locale, "access.crossSite"));
  }, next);
}

export function createApp(options: StartOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // One hop, not `true`: with `true` Express takes the leftmost X-Forwarded-For entry, which the
  // client writes itself, and login throttling per client would be one forged header away.
  if (options.trustProxy) app.set("trust proxy", 1);
  const rootDir = options.rootDir ?? process.cwd();

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    next();
  });

  // gzip for pages, data and the browser bundles (a district's scorecard is ~600 KB of HTML,
  // ~45 KB compressed: it matters on a Puskesmas connection). Level 3: as fast as level 1 on our
  // pages and ~6 % smaller; the default 6 costs 2.4× the CPU for ~25 % fewer bytes. The CSP nonce differs per response
  // and pages carry no CSRF token, so there is no stable secret for a BREACH-style probe.
  app.use(compression({ level: 3 }));

  // A Host header no URL can be built from: 400 before the CSRF check builds one.
  app.use(hostGuard);

  // Request bodies: limited while they arrive, before any route reads them (docs/decisions/019-bounded-input.md).
  app.use(limitRequestBodies(options.build));

  // CSRF: refuse cross-site unsafe requests before they reach any route.
  app.use(refuseCrossSite);

  // Remix's pre-single-fetch data requests (`?_data=<route id>`): single fetch is on, so no
  // page of ours sends them, and Remix would run the action and then fail to encode its
  // `data()` result (500 after the change was stored). Refuse them before any route code runs.
  app.use(refuseLegacyDataRequests);

  const publicDir = path.join(rootDir, "public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h" }));

  // Methods, undecodable paths, unknown paths, POSTs to routes without an action and POST bodies
  // that are not forms: a 4xx and the app's own page before Remix (request-guard.server.ts).
  app.use(requestGuard(options.build));

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: "production",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        documentRequest: !req.path.endsWith(".data"),
        serverOnly: new Map(),
      }),
    }),
  );

  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    console.error(err);
    if (res.headersSent) return;
    void requestLocale(req.get("cookie")).then((locale) => {
      if (!res.headersSent) res.status(500).type("text/plain; charset=utf-8").send(translate(locale, "error.500"));
    });
  });
  return app;
}

/** Starts listening; resolves once the port is bound. */
export function startServer(options: StartOptions): Promise<Server> {
  const app = createApp(options);
  // Hash the decoy now, so the first sign-in with an unknown name is not slower than a known one.
  decoyPasswordHash().catch(() => undefined);
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host ?? "0.0.0.0", () => resolve(server));
    server.on("error", reject);
  });
}
