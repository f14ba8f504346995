/** The pure parts of login throttling (docs/decisions/017-login-throttling.md). */
import { beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT_BUDGET,
  CLIENT_LIMIT,
  CLIENT_WINDOW_MS,
  FIRST_WAIT_MS,
  MAX_WAIT_MS,
  PAIR_FREE_FAILURES,
  accountWaitMs,
  allowLoginAttempt,
  clientKeyOf,
  growingWaitMs,
  pairWaitMs,
  resetLoginThrottle,
} from "~/auth/throttle.server";
import { familiarDevice, rememberFamiliar } from "~/auth/familiar.server";

describe("client keys", () => {
  it("keeps IPv4 addresses and unwraps IPv4-mapped IPv6", () => {
    expect(clientKeyOf("10.1.2.3")).toBe("10.1.2.3");
    expect(clientKeyOf("::ffff:10.1.2.3")).toBe("10.1.2.3");
  });

  it("groups IPv6 addresses by their /64, however they are written", () => {
    const key = "2001:db8:1:2::/64";
    expect(clientKeyOf("2001:db8:1:2::1")).toBe(key);
    expect(clientKeyOf("2001:0db8:0001:0002:ffff:1:2:3")).toBe(key);
    expect(clientKeyOf("2001:DB8:1:2:0:0:0:9%eth0")).toBe(key);
    expect(clientKeyOf("2001:db8:1:3::1")).not.toBe(key);
    expect(clientKeyOf("::1")).toBe("0:0:0:0::/64");
  });
});

describe("per-client limit", () => {
  beforeEach(() => resetLoginThrottle());

  it("refuses the 11th attempt in a minute and says when the client may try again", () => {
    const t0 = 1_000_000;
    for (let i = 0; i < CLIENT_LIMIT; i++) expect(allowLoginAttempt("10.0.0.1", t0 + i * 1000)).toEqual({ ok: true });
    // The 11th, 10 s after the first: once the first two have left the window, 9 + 1 fit again.
    expect(allowLoginAttempt("10.0.0.1", t0 + 10_000)).toEqual({ ok: false, retryAfterMs: t0 + 1000 + CLIENT_WINDOW_MS - (t0 + 10_000) });
    expect(allowLoginAttempt("10.0.0.2", t0 + 10_000)).toEqual({ ok: true });
    // Knocking again before then is refused too, and counts.
    expect(allowLoginAttempt("10.0.0.1", t0 + 1000 + CLIENT_WINDOW_MS - 1).ok).toBe(false);
    expect(allowLoginAttempt("10.0.0.1", t0 + 1000 + CLIENT_WINDOW_MS).ok).toBe(false);
    expect(allowLoginAttempt("10.0.0.1", t0 + 2000 + CLIENT_WINDOW_MS).ok).toBe(false);
    // Once the client stops, the Retry-After it was given holds.
    const last = allowLoginAttempt("10.0.0.1", t0 + 2000 + CLIENT_WINDOW_MS);
    expect(last.ok).toBe(false);
    const retry = last.ok ? 0 : last.retryAfterMs;
    expect(allowLoginAttempt("10.0.0.1", t0 + 2000 + CLIENT_WINDOW_MS + retry).ok).toBe(true);
  });
});

describe("growing waits", () => {
  it("doubles from 30 s up to 15 minutes", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(growingWaitMs)).toEqual([30, 60, 120, 240, 480, 900, 900].map((s) => s * 1000));
    expect(FIRST_WAIT_MS).toBe(30_000);
    expect(MAX_WAIT_MS).toBe(900_000);
  });

  it("lets a client fail a few times on a name before it waits", () => {
    const now = 5_000_000;
    expect(pairWaitMs(undefined, now)).toBe(0);
    expect(pairWaitMs({ failures: PAIR_FREE_FAILURES - 1, lastAtMs: now }, now)).toBe(0);
    expect(pairWaitMs({ failures: PAIR_FREE_FAILURES, lastAtMs: now - 10_000 }, now)).toBe(20_000);
    expect(pairWaitMs({ failures: PAIR_FREE_FAILURES + 1, lastAtMs: now - 10_000 }, now)).toBe(50_000);
    expect(pairWaitMs({ failures: PAIR_FREE_FAILURES + 1, lastAtMs: now - 60_000 }, now)).toBe(0);
  });

  it("never lets one client alone use up a name's budget, however often it fails", () => {
    const now = 5_000_000;
    expect(accountWaitMs([{ failures: 1000, lastAtMs: now }], now)).toBe(0);
    const clients = ACCOUNT_BUDGET / PAIR_FREE_FAILURES;
    const many = (failures: number) => Array.from({ length: clients }, () => ({ failures, lastAtMs: now - 1000 }));
    expect(accountWaitMs(many(PAIR_FREE_FAILURES - 1), now)).toBe(0);
    expect(accountWaitMs(many(PAIR_FREE_FAILURES), now)).toBe(FIRST_WAIT_MS - 1000);
    // Past the budget every failure doubles the wait.
    expect(accountWaitMs(many(PAIR_FREE_FAILURES + 1), now)).toBe(growingWaitMs(clients) - 1000);
  });
});

describe("familiar-device cookie", () => {
  const withCookie = (setCookie: string) => new Request("http://localhost/login", { headers: { Cookie: setCookie.split(";")[0] } });

  it("is HttpOnly, only sent to /login, and names the accounts signed in from this browser", async () => {
    const first = await rememberFamiliar(new Request("http://localhost/login"), "admin.nasional");
    expect(first).toMatch(/HttpOnly/i);
    expect(first).toMatch(/Path=\/login/);
    expect(first).toMatch(/SameSite=Lax/i);
    const device = await familiarDevice(withCookie(first), "admin.nasional");
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await familiarDevice(withCookie(first), "operator.sungaidurian")).toBeNull();
    // A second account on the same browser keeps the device id.
    const second = await rememberFamiliar(withCookie(first), "operator.sungaidurian");
    expect(await familiarDevice(withCookie(second), "operator.sungaidurian")).toBe(device);
    expect(await familiarDevice(withCookie(second), "admin.nasional")).toBe(device);
  });

  it("is ignored when tampered with", async () => {
    const cookie = (await rememberFamiliar(new Request("http://localhost/login"), "admin.nasional")).split(";")[0];
    const [name, value] = cookie.split("=");
    const payload = JSON.parse(Buffer.from(decodeURIComponent(value).split(".")[0], "base64").toString("utf8")) as unknown;
    expect(payload).toMatchObject({ u: ["admin.nasional"] });
    const forged = Buffer.from(JSON.stringify({ d: "A".repeat(22), u: ["admin.nasional"] })).toString("base64");
    const tampered = `${name}=${encodeURIComponent(`${forged}.${decodeURIComponent(value).split(".")[1]}`)}`;
    expect(await familiarDevice(new Request("http://localhost/login", { headers: { Cookie: tampered } }), "admin.nasional")).toBeNull();
  });
});
