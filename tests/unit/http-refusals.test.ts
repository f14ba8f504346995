/**
 * The refusals Express sends in front of Remix (app/server/http.server.ts) read the language
 * cookie as the request guard's pages do: Indonesian by default (unchanged wording), English for
 * an English reader.
 */
import type express from "express";
import { describe, expect, it } from "vitest";
import { langCookie } from "~/i18n/locale.server";
import { refuseCrossSite, refuseLegacyDataRequests } from "~/server/http.server";

interface Sent {
  status?: number;
  body?: string;
  next?: unknown;
}

/** Runs a middleware on a minimal request; resolves with what it answered, or that it passed on. */
function run(handler: express.RequestHandler, request: { method: string; url: string; headers: Record<string, string> }): Promise<Sent> {
  return new Promise((resolve) => {
    const out: Sent = {};
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const req = { method: request.method, protocol: "http", originalUrl: request.url, get: (name: string) => headers[name.toLowerCase()] };
    const res = {
      status(code: number) {
        out.status = code;
        return res;
      },
      setHeader: () => res,
      type: () => res,
      send(body: string) {
        out.body = body;
        resolve(out);
        return res;
      },
    };
    handler(req as unknown as express.Request, res as unknown as express.Response, ((err?: unknown) => resolve({ next: err ?? true })) as express.NextFunction);
  });
}

describe("refusals before Remix in the reader's language", async () => {
  const english = (await langCookie.serialize("en")).split(";")[0];
  const crossSite = (cookie?: string) =>
    run(refuseCrossSite, {
      method: "POST",
      url: "/login",
      headers: { Host: "pantau.test", Origin: "https://evil.test", "Sec-Fetch-Site": "cross-site", ...(cookie ? { Cookie: cookie } : {}) },
    });

  it("a cross-site form", async () => {
    expect(await crossSite()).toEqual({ status: 403, body: "Permintaan ditolak: formulir dikirim dari situs lain. Muat ulang halaman dan coba lagi." });
    expect(await crossSite(english)).toEqual({ status: 403, body: "Request refused: the form was sent from another site. Reload the page and try again." });
  });

  it("lets a same-site form and a safe method through", async () => {
    expect(await run(refuseCrossSite, { method: "POST", url: "/login", headers: { Host: "pantau.test", Origin: "http://pantau.test" } })).toEqual({
      next: true,
    });
    expect(await run(refuseCrossSite, { method: "GET", url: "/", headers: { Host: "pantau.test", Origin: "https://evil.test" } })).toEqual({ next: true });
  });

  it("a legacy data request", async () => {
    const legacy = (cookie?: string) => run(refuseLegacyDataRequests, { method: "GET", url: "/?_data=root", headers: cookie ? { Cookie: cookie } : {} });
    expect(await legacy()).toEqual({
      status: 400,
      body: "Halaman ini dimuat dari versi aplikasi yang lama. Muat ulang halaman lalu coba lagi; permintaan ini tidak diproses dan tidak ada yang disimpan.",
    });
    expect((await legacy(english)).body).toMatch(/^This page was loaded from an old version of the app\./);
  });
});
