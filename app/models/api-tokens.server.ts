/**
 * API tokens: issue (the secret is returned once, only its SHA-256 is stored), list and revoke
 * (docs/decisions/047-api-tokens.md). The admin page /tokens and `api token` in the CLI call
 * these; whether an admin may issue or see a token is the policy's (`mayIssueToken`,
 * `mayManageToken`). Every change writes an audit row in the same transaction.
 */
import { hashTokenSecret, newTokenSecret } from "~/auth/api.server";
import { writeAudit } from "~/auth/audit.server";
import { isRole, mayIssueToken, mayManageToken } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { Role } from "~/db/schema";
import { message, type Message } from "~/i18n/message";
import { clock } from "~/utils/clock.server";

/** Longest life of a token, and the default. */
export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 90;
const KEY_PATTERN = /^[a-z0-9_-]{1,64}$/;

export interface TokenIssuer {
  id: number;
  grants: Grant[];
}

export interface IssueInput {
  name: string;
  role: string;
  unitCode: string;
  access: string;
  /** Package keys; empty: every package. */
  packageKeys: string[];
  /** The person the token is for (a username); empty: an integration. */
  forUsername: string;
  days: number;
  ip?: string | null;
}

export type IssueResult =
  { ok: true; id: number; secret: string; expiresAt: string } | { ok: false; problems: Array<{ field: keyof IssueInput; message: Message }> };

/** Issues a token; the secret is in the result and nowhere else. */
export async function issueToken(issuer: TokenIssuer, input: IssueInput): Promise<IssueResult> {
  const db = getDb();
  const problems: Array<{ field: keyof IssueInput; message: Message }> = [];
  const name = input.name.trim();
  if (name.length < 3 || name.length > 100) problems.push({ field: "name", message: message("tokens.problem.name") });
  const role = input.role.trim();
  if (!isRole(role)) problems.push({ field: "role", message: message("tokens.problem.role") });
  const access = input.access.trim();
  if (access !== "read" && access !== "write") problems.push({ field: "access", message: message("tokens.problem.access") });
  const days = input.days;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)
    problems.push({ field: "days", message: message("tokens.problem.days", { max: MAX_TOKEN_DAYS }) });
  const packageKeys = [...new Set(input.packageKeys.map((k) => k.trim()).filter(Boolean))];
  const badKey = packageKeys.find((k) => !KEY_PATTERN.test(k));
  if (badKey !== undefined || packageKeys.length > 50) problems.push({ field: "packageKeys", message: message("tokens.problem.packages") });
  const unit = await db.selectFrom("org_unit").selectAll().where("code", "=", input.unitCode.trim().slice(0, 64)).executeTakeFirst();
  if (!unit) problems.push({ field: "unitCode", message: message("tokens.problem.unit", { code: input.unitCode.trim().slice(0, 64) }) });
  else if (isRole(role) && !mayIssueToken(issuer, role, unit)) problems.push({ field: "role", message: message("tokens.problem.beyondRights") });
  let personId: number | null = null;
  const forUsername = input.forUsername.trim().toLowerCase();
  if (forUsername) {
    const person = await db.selectFrom("app_user").select(["id", "active"]).where("username", "=", forUsername.slice(0, 64)).executeTakeFirst();
    const holds = person !== undefined && unit !== undefined && isRole(role) && (await personHoldsOver(person.id, role, unit.path));
    if (!person || person.active !== 1 || !holds)
      problems.push({ field: "forUsername", message: message("tokens.problem.person", { username: forUsername.slice(0, 64) }) });
    else personId = person.id;
  }
  if (problems.length > 0 || !unit || !isRole(role)) return { ok: false, problems };
  const secret = newTokenSecret();
  const createdAt = nowIso();
  const expiresAt = new Date(clock.ms() + days * 24 * 60 * 60 * 1000).toISOString();
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_token")
      .values({
        name,
        secret_hash: hashTokenSecret(secret),
        hint: secret.slice(0, 12),
        role,
        org_unit_id: unit.id,
        access: access as "read" | "write",
        package_keys: packageKeys.length ? JSON.stringify(packageKeys) : null,
        user_id: personId,
        created_by: issuer.id,
        created_at: createdAt,
        expires_at: expiresAt,
        last_used_at: null,
        revoked_at: null,
        revoked_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: issuer.id,
      action: "api_token.create",
      entityType: "api_token",
      entityId: row.id,
      orgUnitId: unit.id,
      after: { name, role, unit: unit.code, access, packages: packageKeys, forUser: personId, expiresAt },
      ip: input.ip ?? null,
    });
    return row.id;
  });
  return { ok: true, id, secret, expiresAt };
}

async function personHoldsOver(userId: number, role: Role, path: string): Promise<boolean> {
  const rows = await getDb()
    .selectFrom("role_grant as g")
    .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select("o.path")
    .where("g.user_id", "=", userId)
    .where("g.role", "=", role)
    .execute();
  return rows.some((r) => path.startsWith(r.path));
}

export interface TokenRow {
  id: number;
  name: string;
  hint: string;
  role: Role;
  unitCode: string;
  unitName: string;
  access: "read" | "write";
  packageKeys: string[];
  forUsername: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Derived with the app clock: active, expired or revoked. */
  state: "active" | "expired" | "revoked";
}

/** The tokens placed in the admin's area (every token for the national admin), newest first. */
export async function listTokens(admin: TokenIssuer): Promise<TokenRow[]> {
  const rows = await getDb()
    .selectFrom("api_token as t")
    .innerJoin("org_unit as o", "o.id", "t.org_unit_id")
    .innerJoin("app_user as c", "c.id", "t.created_by")
    .leftJoin("app_user as p", "p.id", "t.user_id")
    .select([
      "t.id",
      "t.name",
      "t.hint",
      "t.role",
      "t.access",
      "t.package_keys",
      "t.created_at",
      "t.expires_at",
      "t.last_used_at",
      "t.revoked_at",
      "o.code",
      "o.name as unitName",
      "o.path",
      "c.username as createdBy",
      "p.username as forUsername",
    ])
    .orderBy("t.id", "desc")
    .limit(5000)
    .execute();
  const now = clock.ms();
  return rows
    .filter((r) => mayManageToken(admin, { path: r.path }))
    .map((r) => ({
      id: r.id,
      name: r.name,
      hint: r.hint,
      role: r.role,
      unitCode: r.code,
      unitName: r.unitName,
      access: r.access === "write" ? "write" : "read",
      packageKeys: r.package_keys ? (JSON.parse(r.package_keys) as string[]) : [],
      forUsername: r.forUsername,
      createdBy: r.createdBy,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
      state: r.revoked_at ? "revoked" : Date.parse(r.expires_at) <= now ? "expired" : "active",
    }));
}

/** Revokes a token in the admin's area; it stops working on its next call. */
export async function revokeToken(
  admin: TokenIssuer,
  id: number,
  ip: string | null = null,
): Promise<{ ok: true } | { ok: false; status: 403 | 404; message: Message }> {
  const db = getDb();
  const token = await db
    .selectFrom("api_token as t")
    .innerJoin("org_unit as o", "o.id", "t.org_unit_id")
    .select(["t.id", "t.name", "t.revoked_at", "o.id as unitId", "o.path"])
    .where("t.id", "=", id)
    .executeTakeFirst();
  if (!token) return { ok: false, status: 404, message: message("tokens.problem.notFound", { id }) };
  if (!mayManageToken(admin, token)) return { ok: false, status: 403, message: message("tokens.problem.notYours") };
  if (token.revoked_at) return { ok: true };
  await db.transaction().execute(async (trx) => {
    const at = nowIso();
    await trx.updateTable("api_token").set({ revoked_at: at, revoked_by: admin.id }).where("id", "=", id).where("revoked_at", "is", null).execute();
    await writeAudit(trx, {
      actorUserId: admin.id,
      action: "api_token.revoke",
      entityType: "api_token",
      entityId: id,
      orgUnitId: token.unitId,
      before: { revokedAt: null },
      after: { revokedAt: at, name: token.name },
      ip,
    });
  });
  return { ok: true };
}
