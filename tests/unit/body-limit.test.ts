/**
 * The body-limit middleware on its own (app/server/body-limit.server.ts; docs/decisions/019-bounded-input.md):
 * an Express app with a stand-in session lookup and a route that reads its body the way the Remix
 * adapter does (from the request stream). Bodies within the limit arrive intact, chunked or not;
 * bodies over it are answered 413 before the route runs; the limits per route family.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitFor, limitRequestBodies, tooLargePage } from "~/server/body-limit.server";
import {
  ANONYMOUS_BODY_BYTES,
  DESIGNER_BODY_BYTES,
  FORM_BODY_BYTES,
  MAX_DHIS2_IMPORT_BYTES,
  MAX_GROUP_IMPORT_BYTES,
  MAX_IMPORT_BYTES,
  MAX_TEMPLATE_UPLOAD_BYTES,
  MULTIPART_OVERHEAD_BYTES,
} from "~/utils/limits";

const VALID_TOKEN = "pantau_valid-token-for-the-test";
let server: http.Server;
let base: string;
let routeRuns = 0;

beforeAll(async () => {
  const app = express();
  app.use(
    limitRequestBodies(
      async (cookie) => (cookie.includes("pantau_session=valid") ? { locale: "id" } : null),
      async (authorization) => (authorization === `Bearer ${VALID_TOKEN}` ? { locale: "id" } : null),
    ),
  );
  app.all("*", async (req, res) => {
    routeRuns++;
    // Like the import page: an oversize declared length is refused before reading (unless asked to read anyway).
    if (req.path === "/imports" && !req.query.read && Number(req.headers["content-length"]) > MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES) {
      res.status(413).send("the route's own answer");
      return;
    }
    const hash = crypto.createHash("sha256");
    let size = 0;
    try {
      for await (const chunk of req) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } catch {
      return; // cut off by the middleware
    }
    res.json({ size, sha: hash.digest("hex") });
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A POST through Node's client: `chunked` sends without Content-Length. */
function post(
  path: string,
  body: Buffer,
  options: { chunked?: boolean; cookie?: string; declared?: number; authorization?: string } = {},
): Promise<{ status: number; text: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.Cookie = options.cookie;
    if (options.authorization) headers.Authorization = options.authorization;
    if (!options.chunked) headers["Content-Length"] = String(options.declared ?? body.length);
    const req = http.request(`${base}${path}`, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, text, ...(path.startsWith("/api/") ? { type: res.headers["content-type"] } : {}) }));
    });
    req.on("error", reject);
    for (let o = 0; o < body.length; o += 16 * 1024) req.write(body.subarray(o, o + 16 * 1024));
    req.end();
  });
}

const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

describe("the body-limit middleware", () => {
  it("on /api lifts the anonymous limit for a valid bearer token only, never for a session cookie, and refuses with a problem document", async () => {
    const body = crypto.randomBytes(ANONYMOUS_BODY_BYTES + 1024);
    const ok = await post("/api/v1/submissions", body, { authorization: `Bearer ${VALID_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).sha).toBe(sha(body));
    for (const options of [{ cookie: "pantau_session=valid" }, { authorization: "Bearer pantau_not-a-valid-token-at-all" }, {}]) {
      const refused = await post("/api/v1/submissions", body, options);
      expect(refused.status).toBe(413);
      expect(refused.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(refused.text)).toMatchObject({ status: 413, type: "urn:pantau:problem:too-large" });
    }
    expect((await post("/api/v1/submissions", crypto.randomBytes(FORM_BODY_BYTES + 1), { authorization: `Bearer ${VALID_TOKEN}` })).status).toBe(413);
    expect(bodyLimitFor("/api/v1/submissions", true).bytes).toBe(FORM_BODY_BYTES);
  });

  it.each(["/api/v1/dhis2/dataValueSets", "/api/v1/dhis2/adx"])(
    "on the DHIS2 import %s takes a whole body (the import's limit) with a token, and refuses one over it",
    async (path) => {
      const withToken = { authorization: `Bearer ${VALID_TOKEN}` };
      const big = crypto.randomBytes(FORM_BODY_BYTES + 1024);
      const ok = await post(path, big, withToken);
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text).sha).toBe(sha(big));
      expect((await post(path, big, {})).status).toBe(413);
      const over = await post(path, crypto.randomBytes(MAX_DHIS2_IMPORT_BYTES + 1), withToken);
      expect(over.status).toBe(413);
      expect(JSON.parse(over.text)).toMatchObject({ status: 413, type: "urn:pantau:problem:too-large" });
      expect(bodyLimitFor(path, true).bytes).toBe(MAX_DHIS2_IMPORT_BYTES);
    },
  );

  it("keeps the form limit on other DHIS2 paths", () => {
    expect(bodyLimitFor("/api/v1/dhis2/adx/x", true).bytes).toBe(FORM_BODY_BYTES);
    expect(bodyLimitFor("/api/v1/dhis2", true).bytes).toBe(FORM_BODY_BYTES);
  });

  it("hands a body within the limit to the route intact, chunked or not, signed in or not", async () => {
    const small = crypto.randomBytes(ANONYMOUS_BODY_BYTES);
    const large = crypto.randomBytes(FORM_BODY_BYTES);
    for (const [body, cookie] of [
      [small, undefined],
      [large, "pantau_session=valid"],
    ] as const) {
      for (const chunked of [false, true]) {
        const res = await post("/forms/x/2025-01", body, { chunked, cookie });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.text)).toEqual({ size: body.length, sha: sha(body) });
      }
    }
  });

  it("answers 413 before the route runs when a body is one byte over, chunked or declared", async () => {
    const before = routeRuns;
    for (const chunked of [false, true]) {
      const anonymous = await post("/login", Buffer.alloc(ANONYMOUS_BODY_BYTES + 1), { chunked });
      expect(anonymous.status).toBe(413);
      expect(anonymous.text).toContain("Anda belum masuk");
      const signedIn = await post("/forms/x/2025-01", Buffer.alloc(FORM_BODY_BYTES + 1), { chunked, cookie: "pantau_session=valid" });
      expect(signedIn.status).toBe(413);
      expect(signedIn.text).toContain("(2 MB)");
    }
    // A cookie that is no valid session counts as anonymous, whatever the route.
    const forged = await post("/imports", Buffer.alloc(ANONYMOUS_BODY_BYTES + 1), { cookie: "pantau_session=forged" });
    expect(forged.status).toBe(413);
    expect(routeRuns).toBe(before);
  });

  it("lets a route that answers oversize lengths itself do so; chunked, the middleware answers", async () => {
    const body = Buffer.alloc(MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES + 1);
    const declared = await post("/imports", body, { cookie: "pantau_session=valid" });
    expect(declared).toEqual({ status: 413, text: "the route's own answer" });
    const chunked = await post("/imports", body, { chunked: true, cookie: "pantau_session=valid" });
    expect(chunked.status).toBe(413);
    expect(chunked.text).toContain("Berkas impor paling besar 15 MB");
    // A route that would read past its limit after all is cut off at the limit.
    await expect(post("/imports?read=1", body, { cookie: "pantau_session=valid" })).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
  });
});

describe("limits per route family", () => {
  it("anonymous requests get the small limit whatever the route", () => {
    for (const path of ["/login", "/imports", "/templates/import", "/designer/ilp-nasional/2", "/forms/ilp_profil/2025-01"]) {
      expect(bodyLimitFor(path, false)).toEqual({ family: "anonymous", bytes: ANONYMOUS_BODY_BYTES, routeAnswers: false });
    }
  });

  it("signed-in users get their route family's limit, Remix data requests included", () => {
    const cases: Array<[string, string, number, boolean]> = [
      ["/imports", "import", MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, true],
      ["/imports.data", "import", MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, true],
      ["/imports/12", "form", FORM_BODY_BYTES, false],
      ["/templates/import", "template", MAX_TEMPLATE_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES, true],
      ["/designer/ilp-nasional/2.data", "designer", DESIGNER_BODY_BYTES, true],
      ["/designer/overlay/13.73/ilp-nasional", "designer", DESIGNER_BODY_BYTES, true],
      ["/designer/preview-indicator", "designer", DESIGNER_BODY_BYTES, true],
      ["/designer/preview-form", "designer", DESIGNER_BODY_BYTES, false],
      ["/designer/new", "form", FORM_BODY_BYTES, false],
      ["/groups/7", "groups", MAX_GROUP_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, true],
      ["/groups/7.data", "groups", MAX_GROUP_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES, true],
      ["/groups", "form", FORM_BODY_BYTES, false],
      ["/forms/ilp_profil/2025-01/autosave", "form", FORM_BODY_BYTES, false],
      ["/_root.data", "form", FORM_BODY_BYTES, false],
    ];
    for (const [path, family, bytes, routeAnswers] of cases) expect(bodyLimitFor(path, true), path).toEqual({ family, bytes, routeAnswers });
  });

  it("the page says what is wrong and how to fix it, in Indonesian, with English below for English readers", () => {
    const id = tooLargePage(bodyLimitFor("/designer/x/1", true), "id");
    expect(id).toContain("Data yang dikirim ke halaman ini lebih besar dari batasnya (6,1 MB)");
    expect(id).toContain("Paket yang disunting paling besar 2048 KB");
    expect(id).not.toContain('lang="en"');
    expect(id).not.toMatch(/<script|style=/);
    const en = tooLargePage(bodyLimitFor("/imports", true), "en");
    expect(en.indexOf("Berkas impor paling besar 15 MB")).toBeLessThan(en.indexOf("An import file may be at most 15 MB"));
  });
});
