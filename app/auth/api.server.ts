/**
 * Who calls /api/v1 (docs/decisions/047-api-tokens.md, docs/api.md): a bearer token, nothing else.
 * Session cookies are never read here (so the API has no CSRF surface) and `requireUser` refuses
 * a bearer token on web pages. Every call re-checks the token (revoked, expired, its issuer's and
 * its person's rights), counts it against the token's per-minute budget in the database (so the
 * limit holds across app instances) and records its last use. Answers that are not data are
 * RFC 9457 problem details in the caller's language (`Accept-Language`, Indonesian by default).
 */
import crypto from "node:crypto";
import { sql } from "kysely";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgLevel, Role } from "~/db/schema";
import { isLocale, translate, type Locale, type MessageKey } from "~/i18n/catalog";
import type { MessageParams } from "~/i18n/message";
import { say } from "~/i18n/message";
import { clock } from "~/utils/clock.server";
import { tokenStillBacked } from "./policy.server";
import { loadGrants, type Grant, type SessionUser } from "./session.server";

/** Every secret starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = "pantau_";

/** Calls one token may make per minute: PANTAU_API_CALLS_PER_MINUTE, default 120. */
export function apiCallsPerMinute(): number {
  const n = Number(process.env.PANTAU_API_CALLS_PER_MINUTE ?? 120);
  return Number.isInteger(n) && n > 0 ? n : 120;
}

/** A new secret: 32 random bytes (256 bits), base64url, behind the prefix. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
}

/**
 * The stored form of a secret: SHA-256. The secret has 256 bits of entropy, so a fast hash is
 * enough (nothing to brute-force, unlike a password) and lets each call find its token by an
 * indexed equality lookup (decision 047).
 */
export function hashTokenSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** The caller's language: the first of `Accept-Language` we speak, Indonesian by default. */
export function apiLocale(request: Request): Locale {
  const header = request.headers.get("Accept-Language") ?? "";
  for (const part of header.split(",").slice(0, 20)) {
    const tag = part.split(";")[0].trim().toLowerCase().split("-")[0];
    if (isLocale(tag)) return tag;
  }
  return "id";
}

/** One field's problem: a JSON Pointer into the request (body or `#/query/<name>`) and what to fix. */
export interface FieldProblem {
  pointer: string;
  message: string;
}

/** A refusal the API answers with a problem document. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: MessageKey,
    readonly detailKey: MessageKey | null,
    readonly params: MessageParams = {},
    readonly errors: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
    /** A detail already rendered in the caller's language (a model's message). */
    readonly detailText?: string,
  ) {
    super(code);
  }
}

const TITLES: Record<number, MessageKey> = {
  400: "api.problem.badRequest.title",
  401: "api.problem.unauthorized.title",
  403: "api.problem.forbidden.title",
  404: "api.problem.notFound.title",
  409: "api.problem.conflict.title",
  413: "api.problem.tooLarge.title",
  415: "api.problem.notJson.title",
  422: "api.problem.invalid.title",
  429: "api.problem.rateLimited.title",
};

/** The title of a status, as the problem documents use it. */
export function titleOf(status: number): MessageKey {
  return TITLES[status] ?? (status >= 500 ? "api.problem.server.title" : "api.problem.badRequest.title");
}

/** The problem type URI of a code (stable; docs/api.md lists them). */
export const problemType = (code: string) => `urn:pantau:problem:${code}`;

/** An `application/problem+json` response. */
export function problemResponse(
  locale: Locale,
  p: { status: number; code: string; title?: MessageKey; detail: string; errors?: FieldProblem[]; headers?: Record<string, string> },
): Response {
  const body = {
    type: problemType(p.code),
    title: translate(locale, p.title ?? titleOf(p.status)),
    status: p.status,
    detail: p.detail,
    errors: p.errors ?? [],
  };
  return new Response(JSON.stringify(body), {
    status: p.status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", "Content-Language": locale, "Cache-Control": "no-store", ...p.headers },
  });
}

function render(locale: Locale, p: ApiProblem): Response {
  const detail = p.detailText ?? (p.detailKey ? say(locale, p.detailKey, p.params) : translate(locale, p.title));
  return problemResponse(locale, { status: p.status, code: p.code, title: p.title, detail, errors: p.errors, headers: p.headers });
}

/** JSON data (never cached: it is the token's view). */
export function apiJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** The caller of an API request: the token, and the user it acts as (one grant: the token's). */
export interface ApiCaller {
  tokenId: number;
  name: string;
  access: "read" | "write";
  /** Package keys the token is limited to; null: every package. */
  packageKeys: string[] | null;
  /** `grants` is the token's one grant; `id` the person's, or the issuer's for an integration. */
  user: SessionUser;
  locale: Locale;
}

const unauthorized = () =>
  new ApiProblem(401, "unauthorized", "api.problem.unauthorized.title", "api.problem.unauthorized.detail", {}, [], {
    "WWW-Authenticate": 'Bearer realm="pantau-api"',
  });

/** The bearer secret of a request, or null (no header, another scheme, an implausible length). */
export function bearerOf(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S{20,200})\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** Whether a request carries any `Authorization: Bearer` header (web pages refuse these). */
export function hasBearer(request: Request): boolean {
  return /^\s*bearer\b/i.test(request.headers.get("Authorization") ?? "");
}

async function activeUser(userId: number): Promise<{ id: number; locale: string; username: string; displayName: string; grants: Grant[] } | null> {
  const db = getDb();
  const user = await db.selectFrom("app_user").select(["id", "username", "display_name", "locale", "active"]).where("id", "=", userId).executeTakeFirst();
  if (!user || user.active !== 1) return null;
  return { id: user.id, username: user.username, displayName: user.display_name, locale: user.locale, grants: await loadGrants(db, user.id) };
}

/**
 * Counts one call of the token in the current minute (one upsert, atomic on both databases) and
 * returns the seconds to wait when it is over the budget.
 */
async function countCall(tokenId: number, now: number): Promise<number> {
  const windowMs = now - (now % 60_000);
  const windowStart = new Date(windowMs).toISOString();
  const db = getDb();
  const row = await db
    .insertInto("api_token_use")
    .values({ token_id: tokenId, window_start: windowStart, calls: 1 })
    .onConflict((oc) => oc.columns(["token_id", "window_start"]).doUpdateSet({ calls: sql<number>`api_token_use.calls + 1` }))
    .returning("calls")
    .executeTakeFirstOrThrow();
  const calls = Number(row.calls);
  if (calls === 1) {
    // A new minute: forget this token's older ones.
    await db.deleteFrom("api_token_use").where("token_id", "=", tokenId).where("window_start", "<", windowStart).execute();
  }
  return calls > apiCallsPerMinute() ? Math.max(1, Math.ceil((windowMs + 60_000 - now) / 1000)) : 0;
}

/**
 * The caller of an API request, or a 401/429 problem. Checked on every call: the token exists,
 * is not revoked, has not expired (the app clock), its issuer is active and may still issue it,
 * and for a person's token that person is active and still holds its role over its unit.
 */
export async function authenticateApi(request: Request): Promise<ApiCaller> {
  const locale = apiLocale(request);
  const secret = bearerOf(request);
  if (!secret) throw unauthorized();
  const db = getDb();
  const token = await db
    .selectFrom("api_token as t")
    .innerJoin("org_unit as o", "o.id", "t.org_unit_id")
    .select([
      "t.id",
      "t.name",
      "t.role",
      "t.access",
      "t.package_keys",
      "t.user_id",
      "t.created_by",
      "t.expires_at",
      "t.revoked_at",
      "o.id as orgUnitId",
      "o.code as orgCode",
      "o.name as orgName",
      "o.level as orgLevel",
      "o.path as orgPath",
    ])
    .where("t.secret_hash", "=", hashTokenSecret(secret))
    .executeTakeFirst();
  const now = clock.ms();
  if (!token || token.revoked_at !== null || Date.parse(token.expires_at) <= now) throw unauthorized();
  const unit = { path: token.orgPath, level: token.orgLevel as OrgLevel };
  const issuer = await activeUser(token.created_by);
  const person = token.user_id === null ? null : await activeUser(token.user_id);
  if (!issuer || (token.user_id !== null && !person) || !tokenStillBacked({ role: token.role, unit }, issuer, person)) throw unauthorized();
  const wait = await countCall(token.id, now);
  if (wait > 0) {
    throw new ApiProblem(
      429,
      "rate-limited",
      "api.problem.rateLimited.title",
      "api.problem.rateLimited.detail",
      { limit: apiCallsPerMinute(), seconds: wait },
      [],
      {
        "Retry-After": String(wait),
      },
    );
  }
  await db.updateTable("api_token").set({ last_used_at: nowIso() }).where("id", "=", token.id).execute();
  const actor = person ?? issuer;
  const grant: Grant = {
    role: token.role as Role,
    orgUnitId: token.orgUnitId,
    orgCode: token.orgCode,
    orgName: token.orgName,
    orgLevel: token.orgLevel as OrgLevel,
    orgPath: token.orgPath,
  };
  return {
    tokenId: token.id,
    name: token.name,
    access: token.access === "write" ? "write" : "read",
    packageKeys: token.package_keys === null ? null : (JSON.parse(token.package_keys) as string[]),
    user: {
      id: actor.id,
      username: actor.username,
      displayName: actor.displayName,
      locale,
      grants: [grant],
      sessionId: `api:${token.id}`,
      apiTokenId: token.id,
    },
    locale,
  };
}

/** 403 unless the token may write. */
export function requireWrite(caller: ApiCaller): void {
  if (caller.access !== "write") throw new ApiProblem(403, "read-only-token", "api.problem.forbidden.title", "api.problem.readOnly.detail");
}

/** Whether the token's package restriction lets it touch `packageKey`. */
export function packageAllowed(caller: Pick<ApiCaller, "packageKeys">, packageKey: string): boolean {
  return caller.packageKeys === null || caller.packageKeys.includes(packageKey);
}

/** 403 unless the token's package restriction lets it touch `packageKey`. */
export function requirePackage(caller: ApiCaller, packageKey: string, formKey: string): void {
  if (packageAllowed(caller, packageKey)) return;
  throw new ApiProblem(403, "package-not-allowed", "api.problem.forbidden.title", "api.problem.packageNotAllowed.detail", {
    packages: (caller.packageKeys ?? []).join(", "),
    form: formKey,
    package: packageKey,
  });
}

/**
 * Runs an API handler: authenticates, then turns every refusal into a problem document — the
 * API's own (`ApiProblem`) and the plain-text 4xx Responses the models and policy throw (their
 * text already in the caller's language, since the caller's `locale` is the request's).
 */
export async function apiRoute(request: Request, handler: (caller: ApiCaller) => Promise<Response>): Promise<Response> {
  const locale = apiLocale(request);
  try {
    return await handler(await authenticateApi(request));
  } catch (err) {
    return await problemOf(err, locale);
  }
}

/** A thrown refusal as a problem document; anything else is rethrown (a 500 from the server). */
export async function problemOf(err: unknown, locale: Locale): Promise<Response> {
  if (err instanceof ApiProblem) return render(locale, err);
  if (err instanceof Response && err.status >= 400 && err.status < 500) {
    const code = err.status === 403 ? "forbidden" : err.status === 404 ? "not-found" : "bad-request";
    const text = (await err.text().catch(() => "")).slice(0, 2000);
    return problemResponse(locale, { status: err.status, code, detail: text || translate(locale, titleOf(err.status)) });
  }
  throw err;
}

/**
 * For the body limits in front of every route (app/server/body-limit.server.ts): whether an
 * Authorization header carries a token that is neither revoked nor expired. The full check (and
 * the call count) runs in the route.
 */
export async function apiTokenOf(authorization: string): Promise<{ locale: string } | null> {
  const secret = bearerOf(new Request("http://localhost/", { headers: { Authorization: authorization } }));
  if (!secret) return null;
  const row = await getDb().selectFrom("api_token").select(["expires_at", "revoked_at"]).where("secret_hash", "=", hashTokenSecret(secret)).executeTakeFirst();
  return row && row.revoked_at === null && Date.parse(row.expires_at) > clock.ms() ? { locale: "id" } : null;
}
