/**
 * Familiar clients (docs/decisions/017-login-throttling.md). After a successful sign-in the
 * browser gets a signed cookie with a random device id and the usernames signed in from it. For
 * those names the browser is exempt from the account-wide wait a distributed guesser triggers,
 * and its failures count under its device id rather than its address, so a stranger on the same
 * network cannot slow it either. The cookie proves nothing about the password: it only decides
 * which throttle applies. Only a successful sign-in issues it, so a name without an account never
 * has a familiar client.
 */
import crypto from "node:crypto";
import { createCookie } from "@remix-run/node";
import { env } from "~/env.server";

export const FAMILIAR_COOKIE = "pantau_device";
export const FAMILIAR_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** A shared Puskesmas computer serves a few operators; older names drop out. */
const MAX_USERNAMES = 5;

interface Familiar {
  /** Random device id (base64url of 16 bytes). */
  d: string;
  /** Usernames signed in from this browser, newest first. */
  u: string[];
}

let cookie: ReturnType<typeof createCookie> | null = null;
function familiarCookie() {
  cookie ??= createCookie(FAMILIAR_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().production,
    // Only the sign-in form needs it.
    path: "/login",
    secrets: env().sessionSecrets,
    maxAge: FAMILIAR_TTL_MS / 1000,
  });
  return cookie;
}

async function readFamiliar(request: Request): Promise<Familiar | null> {
  let value: unknown;
  try {
    value = await familiarCookie().parse(request.headers.get("Cookie"));
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const { d, u } = value as Partial<Familiar>;
  if (typeof d !== "string" || !/^[A-Za-z0-9_-]{22}$/.test(d)) return null;
  if (!Array.isArray(u) || !u.every((name) => typeof name === "string" && name.length <= 64)) return null;
  return { d, u: u.slice(0, MAX_USERNAMES) };
}

/** The device id when this browser has signed in to `username` before, else null. */
export async function familiarDevice(request: Request, username: string): Promise<string | null> {
  const familiar = await readFamiliar(request);
  return familiar && familiar.u.includes(username) ? familiar.d : null;
}

/** Set-Cookie that remembers this browser signed in to `username` (and renews the cookie). */
export async function rememberFamiliar(request: Request, username: string): Promise<string> {
  const familiar = (await readFamiliar(request)) ?? { d: crypto.randomBytes(16).toString("base64url"), u: [] };
  const u = [username, ...familiar.u.filter((name) => name !== username)].slice(0, MAX_USERNAMES);
  return familiarCookie().serialize({ d: familiar.d, u });
}
