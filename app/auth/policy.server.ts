/**
 * Who may do what, where: every role list and every rule that picks the grants a user acts with
 * (docs/architecture.md, "Who may do what"; docs/security.md items 7–8). A grant is a role at an
 * org unit; its area is that unit's subtree (path prefix). Routes, models and the CLI ask these
 * functions and keep the data work and the messages; the guards (`guards.server.ts`) only apply
 * what is decided here. Scope always comes from the session's grants, never from the request.
 *
 * Contents
 *   Roles ................. ROLE_LEVELS, ALL_ROLES, isRole, mayPlaceRole, ADMIN_ROLES
 *   Grants and areas ...... nationalAdminGrants, districtAdminGrants, areaRoots, inArea
 *   Users ................. grantableRoles, mayAdministerUsersIn, mayManageUser
 *   Import and export ..... IMPORT_ROLES, importScope, mayImport, backfillScope, mayBackfill,
 *                           EXPORT_ROLES, exportScope, mayExport, IMPORT_PAGE_ROLES
 *   Scorecards ............ SCORECARD_ROLES
 */
import type { OrgUnit, OrgLevel, Role } from "~/db/schema";
import { hasRole } from "./guards.server";
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
// Grants and areas

const isNationalAdmin = (g: Grant) => g.role === "national_admin" && g.orgLevel === "national";
const isDistrictAdmin = (g: Grant) => g.role === "district_admin" && g.orgLevel === "district";

/** The user's national-admin grants on the national unit. */
export function nationalAdminGrants(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter(isNationalAdmin);
}

/** The districts the user administers as district admin (only district-level grants count). */
export function districtAdminGrants(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter(isDistrictAdmin);
}

/** The roots of the area of `grants`: grant units, duplicates and nested ones removed. */
export function areaRoots(grants: readonly Grant[]): Grant[] {
  const sorted = [...grants].sort((a, b) => a.orgPath.length - b.orgPath.length);
  const roots: Grant[] = [];
  for (const g of sorted) if (!roots.some((r) => g.orgPath.startsWith(r.orgPath))) roots.push(g);
  return roots;
}

/** Whether `unit` lies in the area of `roots`. */
export function inArea(roots: readonly Grant[], unit: Pick<OrgUnit, "path">): boolean {
  return roots.some((r) => unit.path.startsWith(r.orgPath));
}

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

// ---------------------------------------------------------------------------------------------
// Import and export of reports (/imports, /submissions/export, `submissions import` in the CLI)

/** Who may import: operators (their Puskesmas), district admins (their district), the national admin. */
export const IMPORT_ROLES: readonly Role[] = ["national_admin", "district_admin", "puskesmas_operator"];

/** The grants whose areas a user may import into (operators: Puskesmas grants only). */
export function importScope(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter((g) => IMPORT_ROLES.includes(g.role) && (g.role !== "puskesmas_operator" || g.orgLevel === "puskesmas"));
}

/** Whether the user may upload an import. */
export function mayImport(user: SessionUser): boolean {
  return hasRole(user, IMPORT_ROLES);
}

/**
 * The area a user may backfill (docs/decisions/018-backfill.md): a district admin their district,
 * the national admin the whole country. Operators and verifiers have none (an operator's own
 * periods stay theirs to fill while open, and locked when not).
 */
export function backfillScope(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter((g) => isDistrictAdmin(g) || isNationalAdmin(g));
}

/** Whether the user may backfill anywhere. */
export function mayBackfill(user: Pick<SessionUser, "grants">): boolean {
  return backfillScope(user).length > 0;
}

/** Who may export submissions: not facilitators (they read scorecards, not raw reports). */
export const EXPORT_ROLES: readonly Role[] = ["national_admin", "district_admin", "district_verifier", "puskesmas_operator"];

/** The area a user may export: the grants of the export roles, nested ones removed. */
export function exportScope(user: SessionUser): Grant[] {
  return areaRoots(user.grants.filter((g) => EXPORT_ROLES.includes(g.role)));
}

/** Whether the user may export reports. */
export function mayExport(user: SessionUser): boolean {
  return hasRole(user, EXPORT_ROLES);
}

/** Who opens /imports: importers, and exporters (verifiers export only). */
export const IMPORT_PAGE_ROLES: readonly Role[] = [...new Set([...IMPORT_ROLES, ...EXPORT_ROLES])];

// ---------------------------------------------------------------------------------------------
// Scorecards (/scorecards and its explain, compare and export pages)

/**
 * Who may see scorecards: facilitators (read-only), district admins and verifiers in their
 * district, the national admin everywhere. Puskesmas operators are refused for now: whether
 * they should see their own district's comparison is still open.
 */
export const SCORECARD_ROLES: readonly Role[] = ["national_admin", "district_admin", "district_verifier", "facilitator"];
