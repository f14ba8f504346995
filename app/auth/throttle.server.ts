/**
 * Login throttling (SECURITY.md 12): at most 10 attempts per client per minute (the 11th
 * gets 429), and an account locks for a growing while after repeated wrong passwords.
 * The per-client window is in memory: each app instance throttles on its own, which still
 * bounds guessing; the account lock lives in the database and holds across instances.
 */
import { clock } from "~/utils/clock.server";

export const CLIENT_LIMIT = 10;
export const CLIENT_WINDOW_MS = 60_000;
export const ACCOUNT_FREE_FAILURES = 5;

const attempts = new Map<string, number[]>();

/** Records an attempt; returns false when the client is over its limit. */
export function allowLoginAttempt(clientKey: string, now = clock.ms()): boolean {
  const recent = (attempts.get(clientKey) ?? []).filter((t) => now - t < CLIENT_WINDOW_MS);
  recent.push(now);
  attempts.set(clientKey, recent);
  if (attempts.size > 10_000) {
    for (const [key, times] of attempts) if (times.every((t) => now - t >= CLIENT_WINDOW_MS)) attempts.delete(key);
  }
  return recent.length <= CLIENT_LIMIT;
}

/** Lock duration after `failures` consecutive wrong passwords: 30 s doubling, at most 15 min. */
export function accountLockMs(failures: number): number {
  if (failures < ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(30_000 * 2 ** (failures - ACCOUNT_FREE_FAILURES), 15 * 60_000);
}

/** For tests: forget all client windows. */
export function resetLoginThrottle(): void {
  attempts.clear();
}
