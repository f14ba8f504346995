/** Accounts and role grants. Every change writes its audit row in the same transaction. */
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { hashPassword } from "~/auth/password.server";
import { revokeUserSessions } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { Role } from "~/db/schema";

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  active: boolean;
  grants: Array<{ id: number; role: Role; orgCode: string; orgName: string; orgPath: string }>;
}

/** Users with at least one grant inside any of `roots` (subtree by path), with all their grants. */
export async function listUsersInScope(db: DbOrTrx, roots: Array<{ orgPath: string }>): Promise<UserRow[]> {
  if (roots.length === 0) return [];
  const ids = await db
    .selectFrom("role_grant as g")
    .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select("g.user_id")
    .distinct()
    .where((eb) => eb.or(roots.map((r) => eb("o.path", "like", `${r.orgPath}%`))))
    .execute();
  const userIds = ids.map((r) => r.user_id);
  if (userIds.length === 0) return [];
  const users = await db.selectFrom("app_user").select(["id", "username", "display_name", "active"]).where("id", "in", userIds).orderBy("username").execute();
  const grants = await db
    .selectFrom("role_grant as g")
    .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select(["g.id", "g.user_id", "g.role", "o.code", "o.name", "o.path"])
    .where("g.user_id", "in", userIds)
    .orderBy("o.path")
    .execute();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    active: u.active === 1,
    grants: grants.filter((g) => g.user_id === u.id).map((g) => ({ id: g.id, role: g.role as Role, orgCode: g.code, orgName: g.name, orgPath: g.path })),
  }));
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  grants: Array<{ role: Role; orgUnitId: number }>;
  locale?: string;
}

/** Creates a user with grants and audits it; the caller has already authorised the grants. */
export async function createUser(input: CreateUserInput, actor: { userId: number | null; ip?: string | null }, db: DbOrTrx = getDb()): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  const run = async (trx: DbOrTrx) => {
    const now = nowIso();
    const { id } = await trx
      .insertInto("app_user")
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        active: 1,
        locale: input.locale ?? "id",
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.grants.length > 0) {
      await trx
        .insertInto("role_grant")
        .values(input.grants.map((g) => ({ user_id: id, role: g.role, org_unit_id: g.orgUnitId, created_at: now })))
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "user.create",
      entityType: "user",
      entityId: id,
      orgUnitId: input.grants[0]?.orgUnitId ?? null,
      after: { username: input.username, displayName: input.displayName, grants: input.grants },
      ip: actor.ip,
    });
    return id;
  };
  return "isTransaction" in db && db.isTransaction ? run(db) : (db as ReturnType<typeof getDb>).transaction().execute(run);
}

export async function usernameExists(db: DbOrTrx, username: string): Promise<boolean> {
  const row = await db.selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirst();
  return !!row;
}

/** Enables or disables a user; disabling revokes every session in the same transaction. */
export async function setUserActive(userId: number, active: boolean, actor: { userId: number; ip?: string | null }): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom("app_user").select(["username", "active"]).where("id", "=", userId).executeTakeFirstOrThrow();
      await trx
        .updateTable("app_user")
        .set({ active: active ? 1 : 0, updated_at: nowIso() })
        .where("id", "=", userId)
        .execute();
      if (!active) await revokeUserSessions(trx, userId);
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: active ? "user.enable" : "user.disable",
        entityType: "user",
        entityId: userId,
        before: { active: before.active === 1 },
        after: { active },
        ip: actor.ip,
      });
    });
}

export async function addGrant(userId: number, role: Role, orgUnitId: number, actor: { userId: number; ip?: string | null }): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const exists = await trx
        .selectFrom("role_grant")
        .select("id")
        .where("user_id", "=", userId)
        .where("role", "=", role)
        .where("org_unit_id", "=", orgUnitId)
        .executeTakeFirst();
      if (exists) return;
      await trx.insertInto("role_grant").values({ user_id: userId, role, org_unit_id: orgUnitId, created_at: nowIso() }).execute();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "grant.add",
        entityType: "user",
        entityId: userId,
        orgUnitId,
        after: { role, orgUnitId },
        ip: actor.ip,
      });
    });
}

/** Removes a grant and ends the user's sessions, so the lost right takes effect at once. */
export async function removeGrant(grantId: number, actor: { userId: number; ip?: string | null }): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const grant = await trx.selectFrom("role_grant").selectAll().where("id", "=", grantId).executeTakeFirstOrThrow();
      await trx.deleteFrom("role_grant").where("id", "=", grantId).execute();
      await revokeUserSessions(trx, grant.user_id);
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "grant.remove",
        entityType: "user",
        entityId: grant.user_id,
        orgUnitId: grant.org_unit_id,
        before: { role: grant.role, orgUnitId: grant.org_unit_id },
        ip: actor.ip,
      });
    });
}
