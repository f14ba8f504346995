/**
 * Every route module of the built app, over HTTP, with malformed paths, methods, content types
 * and parameters, as anonymous and as each role: nothing answers 5xx, nothing shows framework
 * or stack-trace text, and the server is still up at the end. The routes come from the server
 * build's manifest, so a new route is fuzzed without touching this file.
 */
import { pathToFileURL } from "node:url";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, REPO_ROOT, useE2E, type RunningApp } from "./harness";

/** Text that only a framework, a runtime error or a database driver writes. */
const INTERNALS =
  /You made a|No route matches|Unexpected Server Error|did not provide an? `|node_modules|\bat [\w$.<>]+ \(|TypeError|ReferenceError|SyntaxError|RangeError|SQLITE_|duplicate key value|ECONNREFUSED|Cannot read properties/;

const USERS = ["admin.nasional", "admin.sawahlunto", "verifikator.sawahlunto", "operator.sungaidurian", "fasilitator.jateng"];

/** A plausible value per route parameter, so the fuzzed part is the only bad part of a request. */
function validParam(name: string): string {
  const now = new Date();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  return { formKey: "ilp_profil", period: last, id: "1", key: "ilp-nasional", version: "1", district: "13.73" }[name] ?? "x";
}

/** Path parameter shapes, already as they appear in a URL. */
const PATH_FUZZ = [
  "%ff",
  "%00",
  "..",
  "%2e%2e%2f%2e%2e",
  "%2F",
  "a".repeat(2000),
  "%F0%9F%98%80",
  "-1",
  "1e309",
  "99999999999999999999999",
  "%20",
  "__proto__",
  "constructor",
  "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
  "'%20OR%201%3D1--",
  "%E0%A4%A",
];

/** Query parameters the pages read, and shapes to send them in. */
const QUERY_KEYS = [
  "period",
  "template",
  "parent",
  "level",
  "group",
  "ytd",
  "sort",
  "dir",
  "limit",
  "transpose",
  "basis",
  "format",
  "print",
  "row",
  "indicator",
  "units",
  "unit",
  "page",
  "next",
  "form",
  "status",
  "tab",
];
const QUERY_FUZZ = [
  "",
  "%ff",
  "%00",
  "2025-13",
  "9999-Q9",
  "0000",
  "a".repeat(3000),
  "__proto__",
  "-1",
  "1e309",
  "[]",
  "%7B%7D",
  "csv",
  "xlsx",
  "pdf",
  "%0d%0aSet-Cookie:%20x=1",
];

type Shape = { method: string; headers?: Record<string, string>; body?: BodyInit; label: string };

/** POST and other method shapes; the form bodies carry nonsense, never a plausible id. */
function shapes(base: string): Shape[] {
  const origin = { Origin: base };
  const multipart = new FormData();
  multipart.set("intent", "__proto__");
  multipart.set("file", new Blob(["\u0000\u0001garbage,=1+1\n"], { type: "application/octet-stream" }), "x.xlsx");
  return [
    { method: "POST", label: "empty form", headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded" }, body: "" },
    {
      method: "POST",
      label: "garbage form",
      headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=%ff&intent=publish&period=%00&revision=-1&document=%7B&data=%5B&username=%00&reason=",
    },
    { method: "POST", label: "broken urlencoding", headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded" }, body: "a=%E0%A4%A&%=%%" },
    { method: "POST", label: "multipart garbage", headers: origin, body: multipart },
    { method: "POST", label: "multipart without boundary", headers: { ...origin, "Content-Type": "multipart/form-data" }, body: "--x\r\n\r\n" },
    { method: "POST", label: "json", headers: { ...origin, "Content-Type": "application/json" }, body: '{"intent":"save","__proto__":{"x":1}}' },
    { method: "POST", label: "text", headers: { ...origin, "Content-Type": "text/plain" }, body: "hello" },
    { method: "POST", label: "xml", headers: { ...origin, "Content-Type": "application/xml" }, body: "<a/>" },
    { method: "POST", label: "no type", headers: origin, body: undefined },
    { method: "PUT", label: "put", headers: origin, body: "x" },
    { method: "DELETE", label: "delete", headers: origin },
    { method: "PATCH", label: "patch", headers: origin, body: "x" },
    { method: "OPTIONS", label: "options" },
    { method: "HEAD", label: "head" },
  ];
}

describe("route fuzz", () => {
  const e2e = useE2E({ name: "route-fuzz", env: { PANTAU_SCORECARD_WARM_SECONDS: "0" }, browser: false });
  let app: RunningApp;
  const cookies: Record<string, string> = { anonymous: "" };
  let patterns: string[] = [];

  beforeAll(async () => {
    app = e2e.app;
    const build = (await import(pathToFileURL(path.join(REPO_ROOT, "build", "index.js")).href)) as {
      routes: Record<string, { path?: string; parentId?: string }>;
    };
    const full = (id: string): string => {
      const r = build.routes[id];
      const own = r.path ?? "";
      return r.parentId ? [full(r.parentId), own].filter(Boolean).join("/") : own;
    };
    patterns = [...new Set(Object.keys(build.routes).map((id) => `/${full(id)}`))].sort();
    for (const username of USERS) {
      const res = await fetch(`${app.baseUrl}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: app.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password: DEMO_PASSWORD, next: "/" }),
      });
      expect(res.status, username).toBe(302);
      cookies[username] = res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
    }
  }, 180_000);

  it("lets Remix's own traffic and plain form posts through to their routes", async () => {
    const admin = cookies["admin.nasional"];
    const get = (url: string, init: RequestInit = {}) =>
      fetch(`${app.baseUrl}${url}`, { redirect: "manual", ...init, headers: { Cookie: admin, ...(init.headers ?? {}) } });
    expect((await get("/_root.data")).status).toBe(200);
    expect((await get("/scorecards.data")).status).toBe(200);
    expect((await get("/", { method: "HEAD" })).status).toBe(200);
    expect([200, 204]).toContain((await get("/__manifest?p=%2Fscorecards&version=x")).status);
    // An index route's action is reached without `?index` too, as Remix routes it (a form post from a script).
    const form = new FormData();
    form.set("form", "ilp-nasional/ilp_profil");
    const post = await get("/imports", { method: "POST", body: form, headers: { Origin: app.baseUrl } });
    expect(post.status, await post.text()).toBe(400); // the route's own answer: no file chosen
    // A Host header no URL can be built from.
    const res = await new Promise<number>((resolve, reject) => {
      const u = new URL(app.baseUrl);
      import("node:net").then(({ connect }) => {
        const socket = connect(Number(u.port), u.hostname, () => socket.write("GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));
        let data = "";
        socket.on("data", (d) => (data += d.toString()));
        socket.on("end", () => resolve(Number(data.split(" ")[1])));
        socket.on("error", reject);
      }, reject);
    });
    expect(res).toBe(400);
  });

  it("answers every route, method, content type and parameter shape with a 4xx or success, never internals", async () => {
    const failures: string[] = [];
    let sent = 0;
    const send = async (who: string, url: string, shape: Shape) => {
      if (shape.method === "POST" && url === "/logout" && who !== "anonymous") return; // would end the session the rest relies on
      const headers = { ...(shape.headers ?? {}), ...(cookies[who] ? { Cookie: cookies[who] } : {}) };
      let status: number;
      let text: string;
      try {
        const res = await fetch(`${app.baseUrl}${url}`, {
          method: shape.method,
          headers,
          body: shape.body,
          redirect: "manual",
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        const type = res.headers.get("content-type") ?? "";
        text = /text|json|html|csv|xml/.test(type) ? await res.text() : (await res.arrayBuffer(), "");
      } catch (err) {
        failures.push(`${who} ${shape.method} ${url.slice(0, 120)} [${shape.label}]: no answer (${(err as Error).message})`);
        return;
      }
      sent++;
      if (status >= 500 || status < 200)
        failures.push(`${who} ${shape.method} ${url.slice(0, 120)} [${shape.label}]: ${status} ${text.replace(/\s+/g, " ").slice(0, 160)}`);
      else if (INTERNALS.test(text)) failures.push(`${who} ${shape.method} ${url.slice(0, 120)} [${shape.label}]: ${status} shows ${INTERNALS.exec(text)![0]}`);
    };

    for (const pattern of patterns) {
      const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const fill = (bad?: { name: string; value: string }) =>
        pattern.replace(/:(\w+)/g, (_, n: string) => (bad && bad.name === n ? bad.value : encodeURIComponent(validParam(n))));
      const urls = [fill(), ...names.flatMap((name) => PATH_FUZZ.map((value) => fill({ name, value })))];
      // Malformed tails and segments on parameterless routes too.
      urls.push(`${pattern === "/" ? "" : pattern}/%ff`, `${pattern}?%ff=%ff`, `${pattern}?${"x=1&".repeat(500)}`);
      for (const who of Object.keys(cookies)) {
        const jobs: Array<() => Promise<void>> = [];
        for (const url of urls) jobs.push(() => send(who, url, { method: "GET", label: "get" }));
        // Each key with five of the shapes (a different five per key), so every shape meets several keys.
        QUERY_KEYS.forEach((key, k) => {
          for (let j = 0; j < 5; j++)
            jobs.push(() => send(who, `${fill()}?${key}=${QUERY_FUZZ[(k * 5 + j) % QUERY_FUZZ.length]}`, { method: "GET", label: `query ${key}` }));
        });
        // The same route through Remix's single-fetch data URL, as the browser calls it.
        const data = pattern === "/" ? "/_root.data" : `${fill()}.data`;
        jobs.push(() => send(who, data, { method: "GET", label: "data" }));
        for (const shape of shapes(app.baseUrl)) {
          jobs.push(() => send(who, data, shape));
          jobs.push(() => send(who, fill(), shape));
          jobs.push(() => send(who, `${fill()}?index`, shape));
          if (names.length) jobs.push(() => send(who, fill({ name: names[0], value: "%ff" }), shape));
        }
        // A few at a time: the point is shapes, not load.
        for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((job) => job()));
      }
    }
    expect(patterns.length).toBeGreaterThan(25);
    expect(sent).toBeGreaterThan(5_000);
    expect(failures.slice(0, 30)).toEqual([]);
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  }, 900_000);
});
