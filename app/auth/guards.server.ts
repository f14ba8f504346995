/**
 * Guards used by every loader and action (docs/security.md items 7–8). They throw Responses, as in
 * the Remix stacks: anonymous → redirect to /login (401 for unsafe methods), out of role or
 * scope → 403. Scope always comes from the session's grants, never from the request. Which roles
 * and grants count for what is decided in `policy.server.ts`; these only apply it.
 */
import { redirect } from "@remix-run/node";
import type { OrgUnit, Role } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { getLocale } from "~/i18n/locale.server";
import { say, type MessageParams, type Reader } from "~/i18n/message";
import { assertSameOrigin, isUnsafeMethod } from "./csrf.server";
import { getSessionUser, type Grant, type SessionUser } from "./session.server";

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * A 403 whose text is a catalogue message in the reader's language: pass the signed-in user (its
 * `locale` is the request's) or a locale.
 */
export function forbidden(reader: Reader, key: MessageKey = "access.forbidden", params?: MessageParams): Response {
  return plain(403, say(reader, key, params));
}

/** A 403 with a text the caller already rendered in the reader's language (with its own `t`). */
export function forbiddenText(text: string): Response {
  return plain(403, text);
}

/** A 404 whose text is a catalogue message in the reader's language (as `forbidden`). */
export function notFound(reader: Reader, key: MessageKey = "access.notFound", params?: MessageParams): Response {
  return plain(404, say(reader, key, params));
}

/**
 * The signed-in user; anonymous GETs are sent to /login with a way back. The user's `locale` is the
 * language this request is read in (the language cookie, else the account's; as `getLocale`), so
 * messages built from the user reach the reader in their language.
 */
export async function requireUser(request: Request): Promise<SessionUser> {
  // API tokens are for /api only (docs/decisions/047-api-tokens.md): a page never acts on one.
  if (/^\s*bearer\b/i.test(request.headers.get("Authorization") ?? "")) throw plain(401, say(await getLocale(request), "api.webRefusesToken"));
  if (isUnsafeMethod(request.method)) await assertSameOrigin(request);
  const user = await getSessionUser(request);
  if (user) return { ...user, locale: await getLocale(request, user) };
  if (isUnsafeMethod(request.method)) throw plain(401, say(await getLocale(request), "access.sessionEnded"));
  const url = new URL(request.url);
  const next = url.pathname + url.search;
  throw redirect(`/login?next=${encodeURIComponent(next)}`);
}

/** The user's grants of the given roles; 403 when there are none. */
export function requireRole(user: SessionUser, roles: readonly Role[]): Grant[] {
  const grants = user.grants.filter((g) => roles.includes(g.role));
  if (grants.length === 0) throw forbidden(user);
  return grants;
}

export function findScope(user: SessionUser, unit: Pick<OrgUnit, "path">, roles: readonly Role[]): Grant | undefined {
  return user.grants.find((g) => roles.includes(g.role) && unit.path.startsWith(g.orgPath));
}

export function hasRole(user: SessionUser, roles: readonly Role[]): boolean {
  return user.grants.some((g) => roles.includes(g.role));
}

/** A combined guard for the common case: signed in and holding one of `roles`. */
export async function requireUserWithRole(request: Request, roles: readonly Role[]): Promise<{ user: SessionUser; grants: Grant[] }> {
  const user = await requireUser(request);
  return { user, grants: requireRole(user, roles) };
}
