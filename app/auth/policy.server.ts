/**
 * Who may do what, where: every role list and every rule that picks the grants a user acts with
 * (docs/architecture.md, "Who may do what"; docs/security.md items 7–8). A grant is a role at an
 * org unit; its area is that unit's subtree (path prefix). Routes, models and the CLI ask these
 * functions and keep the data work and the messages; the guards (`guards.server.ts`) only apply
 * what is decided here. Scope always comes from the session's grants, never from the request.
 *
 * Contents
 *   Roles ................. ROLE_LEVELS, ALL_ROLES, isRole, mayPlaceRole, ADMIN_ROLES
 *   Users ................. grantableRoles, mayAdministerUsersIn, mayManageUser
 */
import type { OrgUnit, OrgLevel, Role } from "~/db/schema";
import type { Grant, SessionUser } from "./session.server";

// ---------------------------------------------------------------------------------------------
// Roles

/** Levels at which each role may be placed. */
export const ROLE_LEVELS: Record<Role, readonly OrgLevel[]> = {
  national_admin: ["national"],
  district_admin: ["district"],
  district_verifier: ["district"],
  puskesmas_operator: ["puskesmas"],
  facilitator: ["national", "province", "district"],
};

/** Every role; a page open to these is open to anyone signed in. */
export const ALL_ROLES: readonly Role[] = Object.keys(ROLE_LEVELS) as Role[];

export function isRole(value: string): value is Role {
  return value in ROLE_LEVELS;
}

/** Whether `role` may sit at `unit`: a district admin must not hand out a national or provincial facilitator scope. */
export function mayPlaceRole(role: Role, unit: Pick<OrgUnit, "level">): boolean {
  return ROLE_LEVELS[role].includes(unit.level);
}

/** The Dinkes admins: the national admin and district admins. They run users, templates and the designers. */
export const ADMIN_ROLES: readonly Role[] = ["national_admin", "district_admin"];

// ---------------------------------------------------------------------------------------------
// Users (/users, `user create` in the CLI)

/** Roles an admin may grant: national admins any; district admins all but national admin, in their district. */
export function grantableRoles(admin: SessionUser): Role[] {
  if (admin.grants.some((g) => g.role === "national_admin")) return Object.keys(ROLE_LEVELS) as Role[];
  if (admin.grants.some((g) => g.role === "district_admin")) {
    return ["district_admin", "district_verifier", "puskesmas_operator", "facilitator"];
  }
  return [];
}

/** The admin grant (national/district admin) whose area holds `unit`: where `admin` may create users and grant roles. */
export function mayAdministerUsersIn(admin: SessionUser, unit: Pick<OrgUnit, "path">): Grant | undefined {
  return admin.grants.find((g) => (g.role === "national_admin" || g.role === "district_admin") && unit.path.startsWith(g.orgPath));
}

/** Whether `admin` may disable, enable or change a user: every grant of theirs lies inside the admin's area. */
export function mayManageUser(admin: SessionUser, grants: ReadonlyArray<Pick<OrgUnit, "path">>): boolean {
  return grants.length > 0 && grants.every((g) => mayAdministerUsersIn(admin, g));
}
