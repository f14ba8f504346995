/**
 * Guards used by every loader and action (docs/security.md items 7–8). They throw Responses, as in
 * the Remix stacks: anonymous → redirect to /login (401 for unsafe methods), out of role or
 * scope → 403. Scope always comes from the session's grants, never from the request. Which roles
 * and grants count for what is decided in `policy.server.ts`; these only apply it.
 */
import { redirect } from "@remix-run/node";
import type { OrgUnit, Role } from "~/db/schema";
import { assertSameOrigin, isUnsafeMethod } from "./csrf.server";
import { getSessionUser, type Grant, type SessionUser } from "./session.server";

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function forbidden(message = "Anda tidak berhak membuka atau mengubah data ini."): Response {
  return plain(403, message);
}

export function notFound(message = "Data tidak ditemukan."): Response {
  return plain(404, message);
}

/** The signed-in user; anonymous GETs are sent to /login with a way back. */
export async function requireUser(request: Request): Promise<SessionUser> {
  if (isUnsafeMethod(request.method)) assertSameOrigin(request);
  const user = await getSessionUser(request);
  if (user) return user;
  if (isUnsafeMethod(request.method)) {
    throw plain(401, "Sesi Anda sudah berakhir. Silakan masuk kembali; data yang belum tersimpan tetap ada di formulir.");
  }
  const url = new URL(request.url);
  const next = url.pathname + url.search;
  throw redirect(`/login?next=${encodeURIComponent(next)}`);
}

/** The user's grants of the given roles; 403 when there are none. */
export function requireRole(user: SessionUser, roles: readonly Role[]): Grant[] {
  const grants = user.grants.filter((g) => roles.includes(g.role));
  if (grants.length === 0) throw forbidden();
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
