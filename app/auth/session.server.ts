/**
 * Database-backed sessions (docs/security.md item 10). The cookie holds a random token, signed with
 * SESSION_SECRET; the database holds only its SHA-256, so logout and disabling a user revoke
 * the session at once and a leaked database does not leak live sessions.
 */
import crypto from "node:crypto";
import { createCookie } from "@remix-run/node";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgLevel, Role } from "~/db/schema";
import { env } from "~/env.server";
import type { DbOrTrx } from "./audit.server";
import { clock } from "~/utils/clock.server";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface Grant {
  role: Role;
  orgUnitId: number;
  orgCode: string;
  orgName: string;
  orgLevel: OrgLevel;
  orgPath: string;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  locale: string;
  grants: Grant[];
  sessionId: string;
  /** Set when the caller is an API token (app/auth/api.server.ts): its grant is `grants`, its id goes on audit rows. */
  apiTokenId?: number;
}

let cookie: ReturnType<typeof createCookie> | null = null;
function sessionCookie() {
  cookie ??= createCookie("pantau_session", {
    httpOnly: true,
    sameSite: "lax",
    secure: env().production,
    path: "/",
    secrets: env().sessionSecrets,
    maxAge: SESSION_TTL_MS / 1000,
  });
  return cookie;
}

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Creates a new session (always a new id: no fixation) and returns its Set-Cookie header. */
export async function createSession(db: DbOrTrx, userId: number): Promise<{ sessionId: string; setCookie: string }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const now = clock.now();
  const sessionId = hashToken(token);
  await db
    .insertInto("session")
    .values({
      id: sessionId,
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
      last_seen_at: now.toISOString(),
    })
    .execute();
  return { sessionId, setCookie: await sessionCookie().serialize(token) };
}

/** Deletes the session and returns a Set-Cookie header that clears the cookie. */
export async function destroySession(db: DbOrTrx, sessionId: string): Promise<string> {
  await db.deleteFrom("session").where("id", "=", sessionId).execute();
  return sessionCookie().serialize("", { maxAge: 0 });
}

export async function clearSessionCookie(): Promise<string> {
  return sessionCookie().serialize("", { maxAge: 0 });
}

/** Revokes every session of a user (disable, password change, role removal). */
export async function revokeUserSessions(db: DbOrTrx, userId: number): Promise<void> {
  await db.deleteFrom("session").where("user_id", "=", userId).execute();
}

export async function loadGrants(db: DbOrTrx, userId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom("role_grant as g")
    .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select(["g.role", "o.id as orgUnitId", "o.code as orgCode", "o.name as orgName", "o.level as orgLevel", "o.path as orgPath"])
    .where("g.user_id", "=", userId)
    .orderBy("o.path")
    .execute();
  return rows.map((r) => ({ ...r, role: r.role as Role, orgLevel: r.orgLevel as OrgLevel }));
}

/**
 * Lookups in flight per request: Remix runs the root loader and the route's loader of one
 * request at the same time, and both ask for the user. They share one lookup; once it has
 * settled the entry goes, so a later call (even with the same Request) reads the database
 * again and sees a logout or a disabled user at once.
 */
const inFlight = new WeakMap<Request, Promise<SessionUser | null>>();

/** The user of the request's session, or null (no cookie, bad signature, expired, revoked, disabled). */
export function getSessionUser(request: Request): Promise<SessionUser | null> {
  const pending = inFlight.get(request);
  if (pending) return pending;
  const lookup = readSessionUser(request);
  inFlight.set(request, lookup);
  const forget = () => {
    if (inFlight.get(request) === lookup) inFlight.delete(request);
  };
  lookup.then(forget, forget);
  return lookup;
}

/**
 * The language of the session a Cookie header carries, or null without a valid session. For the
 * body-size check in front of every route (app/server/body-limit.server.ts), which runs outside
 * Remix and gives signed-in users larger limits than anonymous requests.
 */
export async function sessionLocaleOf(cookieHeader: string): Promise<{ locale: string } | null> {
  const user = await readSessionUser(new Request("http://localhost/", { headers: { Cookie: cookieHeader } }));
  return user ? { locale: user.locale } : null;
}

async function readSessionUser(request: Request): Promise<SessionUser | null> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length < 20) return null;
  const db = getDb();
  const sessionId = hashToken(token);
  // One query for the session, its user and the user's grants (one row per grant; a user without
  // grants gives one row with null grant columns). Grants in the order loadGrants gives them.
  const rows = await db
    .selectFrom("session as s")
    .innerJoin("app_user as u", "u.id", "s.user_id")
    .leftJoin("role_grant as g", "g.user_id", "u.id")
    .leftJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select([
      "s.id",
      "s.expires_at",
      "s.last_seen_at",
      "u.id as userId",
      "u.username",
      "u.display_name",
      "u.locale",
      "u.active",
      "g.role",
      "o.id as orgUnitId",
      "o.code as orgCode",
      "o.name as orgName",
      "o.level as orgLevel",
      "o.path as orgPath",
    ])
    .where("s.id", "=", sessionId)
    .orderBy("o.path")
    .orderBy("g.role")
    .execute();
  const row = rows[0];
  if (!row || row.active !== 1) return null;
  const now = clock.ms();
  if (Date.parse(row.expires_at) <= now) {
    await db.deleteFrom("session").where("id", "=", sessionId).execute();
    return null;
  }
  if (now - Date.parse(row.last_seen_at) > TOUCH_INTERVAL_MS) {
    await db.updateTable("session").set({ last_seen_at: nowIso() }).where("id", "=", sessionId).execute();
  }
  const grants: Grant[] = [];
  for (const r of rows) {
    if (r.role === null || r.orgUnitId === null) continue;
    grants.push({
      role: r.role as Role,
      orgUnitId: r.orgUnitId,
      orgCode: r.orgCode!,
      orgName: r.orgName!,
      orgLevel: r.orgLevel as OrgLevel,
      orgPath: r.orgPath!,
    });
  }
  return {
    id: row.userId,
    username: row.username,
    displayName: row.display_name,
    locale: row.locale,
    grants,
    sessionId,
  };
}
