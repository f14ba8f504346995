/**
 * Login throttling (docs/decisions/017-login-throttling.md). Every gate is keyed by the username
 * as typed and by the client, never by whether an account has that name, so a name without an
 * account is throttled exactly like one with:
 *
 * - per client: at most 10 attempts a minute from one address (the 11th gets 429). In memory, so
 *   floods are refused before they reach the database; each app instance counts on its own.
 * - per (username, client): 5 failures free, then a growing wait (30 s doubling, at most 15 min)
 *   before that client may try that name again. Other clients are not held back, so a
 *   stranger's failures never keep the owner out.
 * - per username, for unfamiliar clients only: once the failures of clients without a
 *   familiar-device cookie for the name use up a budget (each client counting at most its free
 *   failures, so one client alone never does), every unfamiliar attempt waits a growing delay
 *   after the last one. This is what slows a guesser spread over many addresses. A client that
 *   signed in to the account before (app/auth/familiar.server.ts) is not held back.
 *
 * The last two live in the database (`login_attempt`), checked and recorded under a per-username
 * lock, so they hold across app instances sharing one database and against concurrent bursts.
 */
import crypto from "node:crypto";
import net from "node:net";
import { PostgresAdapter, sql, type Transaction } from "kysely";
import type { Database } from "~/db/schema";
import { clock } from "~/utils/clock.server";

export const CLIENT_LIMIT = 10;
export const CLIENT_WINDOW_MS = 60_000;
/** Failures of one client on one username before it has to wait. */
export const PAIR_FREE_FAILURES = 5;
/** Failures of unfamiliar clients on one username before all of them wait; each client counts at most PAIR_FREE_FAILURES. */
export const ACCOUNT_BUDGET = 20;
export const FIRST_WAIT_MS = 30_000;
export const MAX_WAIT_MS = 15 * 60_000;
/** How long a failure counts (and how long its row is kept). */
export const ATTEMPT_MEMORY_MS = 24 * 60 * 60_000;

/**
 * The throttling key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * the block one subscriber gets — otherwise a single machine could take a new address per attempt.
 */
export function clientKeyOf(address: string): string {
  const a = address.trim().toLowerCase().split("%")[0];
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1];
  if (!net.isIPv6(a)) return a.slice(0, 64) || "unknown";
  const [head, tail] = a.includes("::") ? a.split("::") : [a, null];
  const groups = (s: string) => (s ? s.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : []);
  const h = groups(head);
  const t = tail === null ? [] : groups(tail);
  const all = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return `${all
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

// ---- per client, in memory ----

/** Newest attempt times per client key; at most CLIENT_LIMIT + 1 are kept, which is all the checks need. */
const recentByClient = new Map<string, number[]>();

export type ClientCheck = { ok: true } | { ok: false; retryAfterMs: number };

/** Records an attempt from `clientKey`; refused when it is over CLIENT_LIMIT in the last minute. */
export function allowLoginAttempt(clientKey: string, now = clock.ms()): ClientCheck {
  const recent = (recentByClient.get(clientKey) ?? []).filter((t) => now - t < CLIENT_WINDOW_MS);
  recent.push(now);
  // Refused attempts count too: a client that keeps knocking keeps waiting.
  const refused = recent.length > CLIENT_LIMIT;
  // If the client stops now, it may try again once all but CLIENT_LIMIT - 1 of these have left the window.
  const retryAfterMs = refused ? recent[recent.length - CLIENT_LIMIT] + CLIENT_WINDOW_MS - now : 0;
  recentByClient.set(clientKey, recent.slice(-(CLIENT_LIMIT + 1)));
  if (recentByClient.size > 10_000) {
    for (const [key, times] of recentByClient) if (times.every((t) => now - t >= CLIENT_WINDOW_MS)) recentByClient.delete(key);
  }
  return refused ? { ok: false, retryAfterMs } : { ok: true };
}

/** For tests: forget every client's recent attempts (the database rows are the test database's). */
export function resetLoginThrottle(): void {
  recentByClient.clear();
  lastPruneMs = 0;
}

// ---- per (username, client) and per username, in the database ----

/** The wait after `excess` failures beyond the free ones: 30 s doubling, at most 15 minutes. */
export function growingWaitMs(excess: number): number {
  return Math.min(FIRST_WAIT_MS * 2 ** Math.max(0, excess), MAX_WAIT_MS);
}

export interface ClientFailures {
  failures: number;
  lastAtMs: number;
}

/** How long a client must still wait before trying a username again, from its own failures on it. */
export function pairWaitMs(own: ClientFailures | undefined, now: number): number {
  if (!own || own.failures < PAIR_FREE_FAILURES) return 0;
  return Math.max(0, own.lastAtMs + growingWaitMs(own.failures - PAIR_FREE_FAILURES) - now);
}

/**
 * How long an unfamiliar client must still wait before trying a username, from the failures of
 * all unfamiliar clients on it: nothing until the budget is used up (each client counting at most
 * its free failures), then a wait after the newest failure that grows with every failure past it.
 */
export function accountWaitMs(unfamiliar: ClientFailures[], now: number): number {
  const used = unfamiliar.reduce((sum, c) => sum + Math.min(c.failures, PAIR_FREE_FAILURES), 0);
  if (used < ACCOUNT_BUDGET) return 0;
  const total = unfamiliar.reduce((sum, c) => sum + c.failures, 0);
  const last = Math.max(...unfamiliar.map((c) => c.lastAtMs));
  return Math.max(0, last + growingWaitMs(total - ACCOUNT_BUDGET) - now);
}

export interface AttemptKey {
  /** Trimmed, lower case, as typed; whether or not an account has it. */
  username: string;
  /** `ip:<clientKeyOf(address)>`, or `device:<id>` for a familiar client. */
  client: string;
  familiar: boolean;
}

/** `pair`: this client's own failures on the name; `account`: the budget of unfamiliar clients on the name. */
export type AttemptGate = { ok: true } | { ok: false; reason: "pair" | "account"; retryAfterMs: number };

let lastPruneMs = 0;

/**
 * Checks the database gates for an attempt and, when it may go ahead, records it as a failure
 * before the password is checked (a burst cannot slip through while the checks run; a success
 * deletes it again with `forgetFailures`). Run inside a write transaction.
 */
export async function reserveAttempt(trx: Transaction<Database>, key: AttemptKey, now = clock.ms()): Promise<AttemptGate> {
  await lockUsername(trx, key.username);
  if (now - lastPruneMs > 60_000 || now < lastPruneMs) {
    lastPruneMs = now;
    await trx
      .deleteFrom("login_attempt")
      .where("at", "<", new Date(now - ATTEMPT_MEMORY_MS).toISOString())
      .execute();
  }
  const rows = await trx
    .selectFrom("login_attempt")
    .select((eb) => ["client", "familiar", eb.fn.countAll<number>().as("failures"), eb.fn.max("at").as("last_at")])
    .where("username", "=", key.username)
    .where("at", ">", new Date(now - ATTEMPT_MEMORY_MS).toISOString())
    .groupBy(["client", "familiar"])
    .execute();
  const failuresOf = (r: (typeof rows)[number]): ClientFailures => ({ failures: Number(r.failures), lastAtMs: Date.parse(r.last_at) });
  const ownRows = rows.filter((r) => r.client === key.client).map(failuresOf);
  const own = ownRows.length ? { failures: ownRows.reduce((s, r) => s + r.failures, 0), lastAtMs: Math.max(...ownRows.map((r) => r.lastAtMs)) } : undefined;
  const pairWait = pairWaitMs(own, now);
  const accountWait = key.familiar ? 0 : accountWaitMs(rows.filter((r) => r.familiar === 0).map(failuresOf), now);
  if (pairWait > 0 || accountWait > 0) {
    return pairWait >= accountWait ? { ok: false, reason: "pair", retryAfterMs: pairWait } : { ok: false, reason: "account", retryAfterMs: accountWait };
  }
  await trx
    .insertInto("login_attempt")
    .values({ username: key.username, client: key.client, familiar: key.familiar ? 1 : 0, at: new Date(now).toISOString() })
    .execute();
  return { ok: true };
}

/** After a successful sign-in: this client's failures on this username no longer count. */
export async function forgetFailures(trx: Transaction<Database>, key: Pick<AttemptKey, "username" | "client">): Promise<void> {
  await trx.deleteFrom("login_attempt").where("username", "=", key.username).where("client", "=", key.client).execute();
}

/** Any 32-bit number, the same in every instance: the lock class of login throttling. */
const LOCK_CLASS = 0x4c4f4731;

/**
 * Serialises the check-and-record of one username across connections and instances. PostgreSQL
 * (READ COMMITTED) would otherwise let concurrent attempts all read the count before any records
 * one; SQLite write transactions are serialised already (BEGIN IMMEDIATE).
 */
async function lockUsername(trx: Transaction<Database>, username: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  const key = crypto.createHash("sha256").update(username).digest().readInt32BE(0);
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS}::integer, ${key}::integer)`.execute(trx);
}
