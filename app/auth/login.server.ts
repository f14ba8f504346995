/**
 * Signing in: throttled per client, per (username, client) and per username for unfamiliar
 * clients (docs/decisions/017-login-throttling.md); every attempt is audited; a success gets a new
 * session and the familiar-device cookie. Whether the username has an account changes nothing in
 * the answer: same status, message, headers and time (an unknown name spends the same scrypt time
 * on a decoy hash, and the throttles are keyed by the name as typed).
 */
import { getDb } from "~/db/db.server";
import type { MessageKey } from "~/i18n/catalog";
import { writeAudit, type DbOrTrx } from "./audit.server";
import { familiarDevice, rememberFamiliar } from "./familiar.server";
import { decoyPasswordHash, verifyPassword } from "./password.server";
import { createSession } from "./session.server";
import { allowLoginAttempt, clientKeyOf, forgetFailures, reserveAttempt, type AttemptKey } from "./throttle.server";

export interface SignInInput {
  /** The login request: its cookies may name a familiar device. */
  request: Request;
  /** The client's address, for the per-address gate and the audit rows. */
  ip: string;
  /** Trimmed and lower-cased; empty when none was typed. */
  username: string;
  password: string;
}

/** A redirect's cookies (session and familiar device), or the refusal to show with the typed username. */
export type SignInResult = { ok: true; headers: Headers } | { ok: false; status: 400 | 401 | 429; error: string; headers?: Record<string, string> };

type Held = "address" | "pair" | "account";
const HELD_MESSAGE = { address: "login.throttled", pair: "login.waitPair", account: "login.waitAccount" } as const;

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export async function signIn(input: SignInInput, t: Translate): Promise<SignInResult> {
  const { request, ip, username, password } = input;
  const address = clientKeyOf(ip);
  const db = getDb();
  // For the audit rows and the password check only: no answer depends on it before the check.
  const user = username
    ? await db.selectFrom("app_user").select(["id", "password_hash", "active"]).where("username", "=", username).executeTakeFirst()
    : undefined;
  const audit = (trx: DbOrTrx, action: string, after: Record<string, unknown>) =>
    writeAudit(trx, { actorUserId: user?.id ?? null, action, entityType: "user", entityId: user?.id ?? null, after: { username, ...after }, ip });
  const held = async (trx: DbOrTrx, reason: Held, retryAfterMs: number): Promise<SignInResult> => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    await audit(trx, "login_throttled", { reason, retryAfterSeconds: seconds });
    const wait =
      seconds === 1 ? t("login.oneSecond") : seconds < 120 ? t("login.seconds", { count: seconds }) : t("login.minutes", { count: Math.ceil(seconds / 60) });
    return { ok: false, status: 429, error: t(HELD_MESSAGE[reason], { wait }), headers: { "Retry-After": String(seconds) } };
  };

  const byAddress = allowLoginAttempt(address);
  if (!byAddress.ok) return held(db, "address", byAddress.retryAfterMs);
  if (!username || !password) return { ok: false, status: 400, error: t("login.missing") };

  const device = await familiarDevice(request, username);
  const key: AttemptKey = { username, client: device ? `device:${device}` : `ip:${address}`, familiar: device !== null };
  const refused = await db.transaction().execute(async (trx) => {
    const gate = await reserveAttempt(trx, key);
    return gate.ok ? null : held(trx, gate.reason, gate.retryAfterMs);
  });
  if (refused) return refused;

  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyPasswordHash()));
  if (!user || !ok || user.active !== 1) {
    await audit(db, "login_failed", { familiar: key.familiar });
    return { ok: false, status: 401, error: t("login.failed") };
  }
  const setCookie = await db.transaction().execute(async (trx) => {
    await forgetFailures(trx, key);
    const session = await createSession(trx, user.id);
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "login",
      entityType: "session",
      entityId: session.sessionId.slice(0, 12),
      after: { familiar: key.familiar },
      ip,
    });
    return session.setCookie;
  });
  const headers = new Headers();
  headers.append("Set-Cookie", setCookie);
  headers.append("Set-Cookie", await rememberFamiliar(request, username));
  return { ok: true, headers };
}
