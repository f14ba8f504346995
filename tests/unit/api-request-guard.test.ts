/**
 * The request guard in front of Remix (app/server/request-guard.server.ts) on /api paths: JSON
 * bodies reach API actions (pages still take forms only), and its refusals there are RFC 9457
 * problem documents in the caller's Accept-Language, not the HTML error page (docs/api.md).
 */
import type express from "express";
import { describe, expect, it } from "vitest";
import { requestGuard } from "~/server/request-guard.server";

const fn = () => null;
/** A route manifest as the server build has it: the root, a page with an action, an API action and an API loader. */
const build = {
  routes: {
    root: { id: "root", path: "", module: { default: fn } },
    "routes/users": { id: "routes/users", parentId: "root", path: "users", module: { default: fn, loader: fn, action: fn } },
    "routes/api.v1.submissions": { id: "routes/api.v1.submissions", parentId: "root", path: "api/v1/submissions", module: { action: fn } },
    "routes/api.v1.org-units": { id: "routes/api.v1.org-units", parentId: "root", path: "api/v1/org-units", module: { loader: fn } },
    "routes/api.v1.dhis2.adx": { id: "routes/api.v1.dhis2.adx", parentId: "root", path: "api/v1/dhis2/adx", module: { loader: fn, action: fn } },
  },
} as unknown as Parameters<typeof requestGuard>[0];

interface Sent {
  status?: number;
  type?: string;
  body?: string;
  next?: boolean;
}

function run(method: string, url: string, headers: Record<string, string> = {}): Promise<Sent> {
  const guard = requestGuard(build);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return new Promise((resolve) => {
    const out: Sent = {};
    const req = { method, originalUrl: url, path: url.split("?")[0], headers: lower, get: (name: string) => lower[name.toLowerCase()] };
    const res = {
      status(code: number) {
        out.status = code;
        return res;
      },
      set: () => res,
      type(t: string) {
        out.type = t;
        return res;
      },
      send(body: string) {
        out.body = body;
        resolve(out);
        return res;
      },
      end: () => resolve(out),
    };
    guard(req as unknown as express.Request, res as unknown as express.Response, (() => resolve({ next: true })) as express.NextFunction);
  });
}

describe("the request guard on /api", () => {
  it("lets JSON reach an API action, and still refuses JSON on a page", async () => {
    expect(await run("POST", "/api/v1/submissions", { "Content-Type": "application/json; charset=utf-8" })).toEqual({ next: true });
    expect((await run("POST", "/users", { "Content-Type": "application/json" })).status).toBe(415);
  });

  it("lets ADX XML (and only XML) reach the ADX import", async () => {
    for (const type of ["application/adx+xml", "application/xml; charset=utf-8", "text/xml"])
      expect(await run("POST", "/api/v1/dhis2/adx", { "Content-Type": type })).toEqual({ next: true });
    const json = await run("POST", "/api/v1/dhis2/adx", { "Content-Type": "application/json", "Accept-Language": "en" });
    expect(json.status).toBe(415);
    expect(JSON.parse(json.body!)).toMatchObject({ type: "urn:pantau:problem:not-xml", status: 415, detail: expect.stringMatching(/application\/adx\+xml/) });
    expect((await run("POST", "/api/v1/submissions", { "Content-Type": "application/xml" })).status).toBe(415);
  });

  it("answers with problem documents in the caller's language", async () => {
    const form = await run("POST", "/api/v1/submissions", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(form.body!)).toMatchObject({ type: "urn:pantau:problem:not-json", status: 415, errors: [] });
    const unknown = await run("GET", "/api/v1/nothing-here", { "Accept-Language": "en" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body!)).toMatchObject({ type: "urn:pantau:problem:not-found", status: 404, title: "Something went wrong" });
    const method = await run("GET", "/api/v1/submissions");
    expect(method.status).toBe(405);
    expect(JSON.parse(method.body!).type).toBe("urn:pantau:problem:method-not-allowed");
    expect((await run("POST", "/api/v1/org-units", { "Content-Type": "application/json" })).status).toBe(405);
  });
});
