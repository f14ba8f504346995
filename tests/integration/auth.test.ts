import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as home from "~/routes/_index";
import { getDb } from "~/db/db.server";
import { SCRYPT_PARAMS, verifyPassword } from "~/auth/password.server";
import { resetLoginThrottle } from "~/auth/throttle.server";
import { SESSION_TTL_MS } from "~/auth/session.server";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, headersOf, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

describe.each(DIALECTS)("authentication on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let adminId: number;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    adminId = await insertUser("admin.sawahlunto", [["district_admin", "13.73"]]);
    await insertUser("operator.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]);
  });
  afterAll(() => handle.destroy());
  beforeEach(async () => {
    resetLoginThrottle();
    await getDb().deleteFrom("login_attempt").execute();
  });
  afterEach(() => clock.set(null));

  const postLogin = (username: string, password: string, extra: { origin?: string | null; next?: string; ip?: string } = {}) =>
    call(
      login.action,
      makeRequest("/login", { form: { username, password, next: extra.next ?? "/" }, origin: extra.origin }),
      {},
      { clientIp: extra.ip ?? "10.0.0.1" },
    );

  it("logs in with the right password: redirect to /, HttpOnly SameSite=Lax cookie, audited", async () => {
    const res = (await postLogin("admin.sawahlunto", "pantau-demo")) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const audit = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "login").where("actor_user_id", "=", adminId).execute();
    expect(audit.length).toBeGreaterThan(0);
    const page = await call(home.loader, makeRequest("/", { cookie: cookie.split(";")[0] }));
    expect(statusOf(page)).toBe(200);
    expect(payloadOf(page).name).toBe("admin.sawahlunto");
  });

  it("issues a new session id at every login (no fixation)", async () => {
    const a = ((await postLogin("admin.sawahlunto", "pantau-demo")) as Response).headers.get("Set-Cookie");
    const b = ((await postLogin("admin.sawahlunto", "pantau-demo")) as Response).headers.get("Set-Cookie");
    expect(a).not.toBe(b);
  });

  it("refuses a wrong password with a clear Indonesian message and keeps the username", async () => {
    const res = await postLogin("admin.sawahlunto", "salah-sandi");
    expect(statusOf(res)).toBe(401);
    expect(payloadOf(res).error).toMatch(/kata sandi salah/);
    expect(payloadOf(res).username).toBe("admin.sawahlunto");
    const failed = await getDb().selectFrom("audit_log").select("id").where("action", "=", "login_failed").execute();
    expect(failed.length).toBeGreaterThan(0);
  });

  it("answers an unknown user exactly like a wrong password", async () => {
    const res = await postLogin("tidak.ada", "pantau-demo");
    expect(statusOf(res)).toBe(401);
    expect(payloadOf(res).error).toMatch(/kata sandi salah/);
  });

  it("answers a long username that grows when lower-cased like any wrong name, not with a 500", async () => {
    const res = await postLogin("İ".repeat(64), "pantau-demo", { ip: "10.9.8.1" });
    expect(statusOf(res)).toBe(401);
    expect(payloadOf(res).error).toMatch(/kata sandi salah/);
  });

  it("sends the 11th attempt in a minute from one client a 429 that says how long to wait", async () => {
    // A different name each time: only the per-client limit is at work here, not the per-name ones.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(statusOf(await postLogin(`tidak.ada${i}`, "x", { ip: "10.9.9.9" })));
    expect(statuses).toEqual(Array(10).fill(401));
    const held = await postLogin("tidak.ada10", "x", { ip: "10.9.9.9" });
    expect(statusOf(held)).toBe(429);
    expect(payloadOf(held).error).toMatch(/^Terlalu banyak percobaan masuk dari alamat jaringan ini\. Tunggu \d+ detik, lalu coba lagi\.$/);
    const retryAfter = Number(headersOf(held).get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // another client is not affected
    expect(statusOf(await postLogin("tidak.ada", "x", { ip: "10.9.9.10" }))).toBe(401);
    // and this one may try again once its minute is over
    clock.set(new Date(clock.ms() + retryAfter * 1000));
    expect(statusOf(await postLogin("tidak.ada11", "x", { ip: "10.9.9.9" }))).toBe(401);
  });

  it("refuses a forged origin on login without creating a session", async () => {
    const before = await getDb().selectFrom("session").select("id").execute();
    for (const origin of ["https://evil.example", "null"]) {
      const res = await postLogin("admin.sawahlunto", "pantau-demo", { origin });
      expect(statusOf(res)).toBe(403);
    }
    const crossSite = await call(
      login.action,
      makeRequest("/login", { form: { username: "admin.sawahlunto", password: "pantau-demo" }, origin: null, headers: { "Sec-Fetch-Site": "cross-site" } }),
    );
    expect(statusOf(crossSite)).toBe(403);
    const after = await getDb().selectFrom("session").select("id").execute();
    expect(after.length).toBe(before.length);
  });

  it("only redirects to same-site paths after login", async () => {
    const res = (await postLogin("admin.sawahlunto", "pantau-demo", { next: "//evil.example/x" })) as Response;
    expect(res.headers.get("Location")).toBe("/");
  });

  it("logout deletes the session server-side so the old cookie stops working, audited", async () => {
    const cookie = await cookieFor(adminId);
    expect(statusOf(await call(home.loader, makeRequest("/", { cookie })))).toBe(200);
    const res = (await call(logout.action, makeRequest("/logout", { method: "POST", cookie }))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login");
    const again = (await call(home.loader, makeRequest("/", { cookie }))) as Response;
    expect(again.status).toBe(302);
    expect(again.headers.get("Location")).toMatch(/^\/login/);
    const audit = await getDb().selectFrom("audit_log").select("id").where("action", "=", "logout").execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it("treats an expired session as anonymous", async () => {
    const cookie = await cookieFor(adminId);
    await getDb()
      .updateTable("session")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const res = (await call(home.loader, makeRequest("/", { cookie }))) as Response;
    expect(res.status).toBe(302);
    expect(SESSION_TTL_MS).toBeLessThanOrEqual(24 * 3600 * 1000);
  });

  it("ignores a cookie with a forged signature", async () => {
    const cookie = await cookieFor(adminId);
    const forged = cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const res = (await call(home.loader, makeRequest("/", { cookie: forged }))) as Response;
    expect(res.status).toBe(302);
  });

  it("stores scrypt hashes with N=2^17, r=8, p=1 and a random salt", async () => {
    const rows = await getDb().selectFrom("app_user").select("password_hash").limit(1).execute();
    const [algo, N, r, p] = rows[0].password_hash.split("$");
    expect([algo, Number(N), Number(r), Number(p)]).toEqual(["scrypt", 2 ** 17, 8, 1]);
    expect(SCRYPT_PARAMS.N).toBe(2 ** 17);
    expect(await verifyPassword("pantau-demo", rows[0].password_hash)).toBe(true);
    expect(await verifyPassword("pantau-demO", rows[0].password_hash)).toBe(false);
  });
});
