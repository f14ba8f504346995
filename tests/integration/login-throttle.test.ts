/**
 * Sign-in without account enumeration and without lock-out by strangers
 * (docs/decisions/017-login-throttling.md): known and unknown names answer alike, also when held
 * back; a stranger's failures slow the stranger, not the owner; a guesser spread over many
 * addresses is slowed for unfamiliar clients only; every attempt is audited.
 * Long waits are crossed with clock.set(), never slept through.
 */
import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as login from "~/routes/login";
import { getDb } from "~/db/db.server";
import { ACCOUNT_BUDGET, FIRST_WAIT_MS, MAX_WAIT_MS, PAIR_FREE_FAILURES, reserveAttempt, resetLoginThrottle } from "~/auth/throttle.server";
import { FAMILIAR_COOKIE } from "~/auth/familiar.server";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, headersOf, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";

const OWNER = "admin.nasional";
const UNKNOWN = "tidak.ada.akun";
const RIGHT = "pantau-demo";
const START = Date.parse("2026-03-02T08:00:00.000Z");

/** Sets the clock to START + ms (it ticks on from there). */
const at = (ms: number) => clock.set(new Date(START + ms));
/** Moves the clock on by ms. */
const later = (ms: number) => clock.set(new Date(clock.ms() + ms));

function post(username: string, password: string, ip: string, cookie?: string) {
  return call(login.action, makeRequest("/login", { form: { username, password, next: "/" }, cookie }), {}, { clientIp: ip });
}

/** What a client can see of an answer, apart from the echoed username. */
function seen(result: unknown) {
  const headers = [...headersOf(result).entries()].filter(([name]) => name !== "set-cookie");
  return { status: statusOf(result), error: payloadOf<{ error?: string }>(result)?.error ?? null, headers };
}

const retryAfter = (result: unknown) => Number(headersOf(result).get("Retry-After"));

/** The familiar-device cookie a successful sign-in set, as the browser would send it back. */
function familiarCookieOf(result: unknown): string {
  const setCookies = (result as Response).headers.getSetCookie();
  const cookie = setCookies.find((c) => c.startsWith(`${FAMILIAR_COOKIE}=`));
  if (!cookie) throw new Error(`no ${FAMILIAR_COOKIE} cookie in ${JSON.stringify(setCookies)}`);
  return cookie.split(";")[0];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function auditRows(action: string) {
  const rows = await getDb().selectFrom("audit_log").select(["actor_user_id", "after_json", "ip"]).where("action", "=", action).orderBy("id").execute();
  return rows.map((r) => ({ actor: r.actor_user_id, ip: r.ip, after: JSON.parse(r.after_json ?? "{}") as Record<string, unknown> }));
}

describe.each(DIALECTS)("login throttling on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let ownerId: number;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    ownerId = await insertUser(OWNER, [["national_admin", "ID"]]);
  });
  afterAll(() => handle.destroy());
  beforeEach(async () => {
    resetLoginThrottle();
    await getDb().deleteFrom("login_attempt").execute();
    await getDb().deleteFrom("audit_log").execute();
    at(0);
  });
  afterEach(() => clock.set(null));

  it("answers a known and an unknown username alike: status, message, headers and time", async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    const answers: Array<ReturnType<typeof seen>> = [];
    // Interleaved, so a slow moment of the machine falls on both.
    for (let i = 0; i < 4; i++) {
      for (const [name, times] of [
        [OWNER, known],
        [UNKNOWN, unknown],
      ] as const) {
        const t0 = performance.now();
        const res = await post(name, `salah-${i}`, "10.1.0.1");
        times.push(performance.now() - t0);
        answers.push(seen(res));
        expect(payloadOf(res).username).toBe(name);
      }
    }
    expect(answers.every((a) => a.status === 401)).toBe(true);
    for (const a of answers) expect(a).toEqual(answers[0]);
    // Same time band: the medians within a factor of two of each other (an unknown name that
    // skipped the password hash would answer tens of times faster).
    const ratio = median(known) / median(unknown);
    expect(ratio, `known ${known.map(Math.round)} ms, unknown ${unknown.map(Math.round)} ms`).toBeGreaterThan(0.5);
    expect(ratio, `known ${known.map(Math.round)} ms, unknown ${unknown.map(Math.round)} ms`).toBeLessThan(2);
  });

  it("holds back a known and an unknown username alike, with the same wait", async () => {
    // Each name from its own address, the failures at the same instants.
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) {
      at(i * 1000);
      expect(statusOf(await post(OWNER, "salah", "10.2.0.1"))).toBe(401);
      at(i * 1000);
      expect(statusOf(await post(UNKNOWN, "salah", "10.2.0.2"))).toBe(401);
    }
    at(PAIR_FREE_FAILURES * 1000 + 500);
    const knownHeld = await post(OWNER, RIGHT, "10.2.0.1");
    at(PAIR_FREE_FAILURES * 1000 + 500);
    const unknownHeld = await post(UNKNOWN, RIGHT, "10.2.0.2");
    expect(seen(knownHeld)).toEqual(seen(unknownHeld));
    expect(statusOf(knownHeld)).toBe(429);
    expect(payloadOf(knownHeld).error).toMatch(
      /^Terlalu banyak percobaan gagal dengan nama pengguna ini dari perangkat ini\. Tunggu \d+ detik, lalu coba lagi\. Periksa dulu nama pengguna dan kata sandi/,
    );
    expect(retryAfter(knownHeld)).toBe(Math.ceil((FIRST_WAIT_MS - 1500) / 1000));
  });

  it("lets the owner in at once from their own client while a stranger's client is slowed more and more", async () => {
    // The stranger (client A) guesses all day, as fast as they are let: more failures than the
    // whole account budget, so one client alone must not be able to use it up.
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) expect(statusOf(await post(OWNER, `tebakan-${i}`, "10.3.0.1"))).toBe(401);
    const waits: number[] = [];
    for (let failures = PAIR_FREE_FAILURES; failures <= ACCOUNT_BUDGET; failures++) {
      const held = await post(OWNER, `tebakan-x${failures}`, "10.3.0.1");
      expect(statusOf(held)).toBe(429);
      waits.push(retryAfter(held));
      if (failures === PAIR_FREE_FAILURES) {
        // Held means not checked: the right password does not get this client through either.
        expect(statusOf(await post(OWNER, RIGHT, "10.3.0.1"))).toBe(429);
      }
      later(retryAfter(held) * 1000 + 1000);
      expect(statusOf(await post(OWNER, `tebakan-y${failures}`, "10.3.0.1"))).toBe(401);
    }
    // Growing waits: 30 s, 60 s, 120 s … up to 15 minutes (less the moment the last guess took).
    const expected = waits.map((_, i) => Math.min(FIRST_WAIT_MS * 2 ** i, MAX_WAIT_MS) / 1000);
    waits.forEach((wait, i) => {
      expect(wait, `wait ${i}: ${waits}`).toBeGreaterThan(expected[i] - 5);
      expect(wait, `wait ${i}: ${waits}`).toBeLessThanOrEqual(expected[i]);
    });
    // The owner, on another client that never signed in before, with the right password: in at once.
    const owner = await post(OWNER, RIGHT, "10.3.0.2");
    expect(statusOf(owner)).toBe(302);
    expect((owner as Response).headers.get("Location")).toBe("/");
    // And the stranger still waits.
    expect(statusOf(await post(OWNER, RIGHT, "10.3.0.1"))).toBe(429);
  });

  it("slows a guesser spread over many addresses for unfamiliar clients only", async () => {
    // The owner signed in from their office computer last week: it is familiar.
    at(-7 * 24 * 3600_000);
    const office = await post(OWNER, RIGHT, "10.4.0.1");
    expect(statusOf(office)).toBe(302);
    const familiar = familiarCookieOf(office);
    at(0);

    // The budget: a few failures from each of many addresses, each under its own free failures.
    const addresses = Array.from({ length: ACCOUNT_BUDGET }, (_, i) => `10.5.${Math.floor(i / 2)}.${i % 2}`);
    for (const ip of addresses.slice(0, ACCOUNT_BUDGET - 1)) expect(statusOf(await post(OWNER, "tebakan", ip))).toBe(401);
    // A burst at the last free place: one of them gets it, the others wait.
    const burst = await Promise.all(["10.6.0.1", "10.6.0.2", "10.6.0.3", "10.6.0.4"].map((ip) => post(OWNER, "tebakan", ip)));
    expect(burst.map(statusOf).sort()).toEqual([401, 429, 429, 429]);

    // Budget used up: a new address with the right password waits — it might be the guesser.
    const stranger = await post(OWNER, RIGHT, "10.7.0.1");
    expect(statusOf(stranger)).toBe(429);
    expect(payloadOf(stranger).error).toMatch(
      /^Nama pengguna ini terlalu sering dicoba .* harus menunggu \d+ detik\. Masuklah dari perangkat yang biasa Anda pakai/,
    );
    expect(retryAfter(stranger)).toBeGreaterThan(0);
    expect(retryAfter(stranger)).toBeLessThanOrEqual(FIRST_WAIT_MS / 1000);
    // A forged familiar cookie does not help.
    expect(
      statusOf(
        await post(
          OWNER,
          RIGHT,
          "10.7.0.2",
          familiar.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
        ),
      ),
    ).toBe(429);
    // The owner's familiar computer, even from another address today: in at once.
    expect(statusOf(await post(OWNER, RIGHT, "10.8.0.1", familiar))).toBe(302);

    // Slowed, not locked: after the wait one more unfamiliar attempt goes through …
    later(retryAfter(stranger) * 1000 + 1000);
    expect(statusOf(await post(OWNER, "tebakan", "10.7.0.3"))).toBe(401);
    // … and the next wait is longer.
    const next = await post(OWNER, RIGHT, "10.7.0.4");
    expect(statusOf(next)).toBe(429);
    expect(retryAfter(next)).toBeGreaterThan(FIRST_WAIT_MS / 1000);
    expect(retryAfter(next)).toBeLessThanOrEqual((2 * FIRST_WAIT_MS) / 1000);
  });

  it("checks and records an attempt as one step: a concurrent attempt waits for it", async () => {
    // One place left in the budget, two unfamiliar clients at once: only one may have it.
    const now = clock.ms();
    await getDb()
      .insertInto("login_attempt")
      .values(
        Array.from({ length: ACCOUNT_BUDGET - 1 }, (_, i) => ({ username: OWNER, client: `ip:10.10.0.${i}`, familiar: 0, at: new Date(now).toISOString() })),
      )
      .execute();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reserved!: () => void;
    const firstReserved = new Promise<void>((resolve) => (reserved = resolve));
    const first = getDb()
      .transaction()
      .execute(async (trx) => {
        const gate = await reserveAttempt(trx, { username: OWNER, client: "ip:10.11.0.1", familiar: false });
        reserved();
        await held; // the first attempt's transaction is still open
        return gate;
      });
    await firstReserved;
    const second = getDb()
      .transaction()
      .execute((trx) => reserveAttempt(trx, { username: OWNER, client: "ip:10.11.0.2", familiar: false }));
    // Give the second every chance to run ahead of the first's commit.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await first).toEqual({ ok: true });
    expect(await second).toMatchObject({ ok: false, reason: "account" });
  });

  it("audits every failed, held and successful attempt", async () => {
    // From one address: 5 + 1 + 1 + 3 = 10 attempts, then the 11th is held by the per-client limit.
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) await post(OWNER, "salah", "10.9.0.1");
    await post(OWNER, RIGHT, "10.9.0.1"); // held: this client's own failures
    await post(UNKNOWN, "salah", "10.9.0.1");
    for (let i = 0; i < 3; i++) await post(`nama${i}`, "salah", "10.9.0.1");
    await post(UNKNOWN, "salah", "10.9.0.1"); // held: the 11th attempt from this address in a minute
    await post(OWNER, RIGHT, "10.9.0.2");

    const failed = await auditRows("login_failed");
    expect(failed).toHaveLength(PAIR_FREE_FAILURES + 1 + 3);
    expect(failed.slice(0, PAIR_FREE_FAILURES).every((r) => r.actor === ownerId && r.after.username === OWNER && r.ip === "10.9.0.1")).toBe(true);
    expect(failed[PAIR_FREE_FAILURES]).toMatchObject({ actor: null, after: { username: UNKNOWN } });
    const held = await auditRows("login_throttled");
    expect(held).toEqual([
      { actor: ownerId, ip: "10.9.0.1", after: { username: OWNER, reason: "pair", retryAfterSeconds: expect.any(Number) } },
      { actor: null, ip: "10.9.0.1", after: { username: UNKNOWN, reason: "address", retryAfterSeconds: expect.any(Number) } },
    ]);
    const success = await auditRows("login");
    expect(success).toEqual([{ actor: ownerId, ip: "10.9.0.2", after: { familiar: false } }]);
  });
});
