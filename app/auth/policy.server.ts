/**
 * Who may do what, where: every role list and every rule that picks the grants a user acts with
 * (docs/architecture.md, "Who may do what"; docs/security.md items 7–8). A grant is a role at an
 * org unit; its area is that unit's subtree (path prefix). Routes, models and the CLI ask these
 * functions and keep the data work and the messages; the guards (`guards.server.ts`) only apply
 * what is decided here. Scope always comes from the session's grants, never from the request.
 *
 * Contents
 *   Roles ................. ROLE_LEVELS, ALL_ROLES, isRole, mayPlaceRole, ADMIN_ROLES
 *   Grants and areas ...... adminGrants, nationalAdminGrants, districtAdminGrants, areaRoots, inArea
 *   Home .................. homeSections
 *   Users ................. grantableRoles, mayAdministerUsersIn, mayManageUser
 *   Reports ............... OPERATOR_ROLES, operatorGrants, ENTRY_LEVELS, mayEnterFor, VERIFIER_ROLES, mayVerify,
 *                           HISTORY_READER_ROLES, mayReadHistory
 *   Deadlines and unlocks . LOCK_ROLES, maySetDeadline, mayGrantUnlock
 *   Import and export ..... IMPORT_ROLES, importScope, mayImport, backfillScope, mayBackfill,
 *                           EXPORT_ROLES, exportScope, mayExport, IMPORT_PAGE_ROLES
 *   Scorecards ............ SCORECARD_ROLES
 *   DHIS2 exchange ........ DHIS2_MAPPING_ROLES
 *   Meetings and actions .. MEETING_RUNNER_ROLES, mayRunMeeting, MeetingInvitations, invitationsOf, mayReadMeeting,
 *                           ACTION_CONFIRM_ROLES, mayAssignAction, mayUpdateAction, mayConfirmAction, mayReadAction, actionReadScope
 *   Org-unit groups ....... GROUP_READER_ROLES, mayReadGroup, mayManageGroup, groupOwners, groupMemberScope
 *   API tokens ............ TOKEN_ADMIN_ROLES, mayIssueToken, mayManageToken, tokenStillBacked
 *   Menu .................. MENU, menuFor
 *   Templates, designers .. LibraryAccess, libraryAccess, packageOwnerGrant, packageOwners,
 *                           mayImportPackage, mayImportOverlayFor, overlayAccess, indicatorPreviewGrant
 */
import type { OrgUnit, OrgLevel, Role } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { findScope, forbidden, hasRole, requireRole } from "./guards.server";
import type { Grant, SessionUser } from "./session.server";

// ---------------------------------------------------------------------------------------------
// Roles

/** Levels at which each role may be placed. */
export const ROLE_LEVELS: Record<Role, readonly OrgLevel[]> = {
  national_admin: ["national"],
  district_admin: ["district"],
  district_verifier: ["district"],
  puskesmas_operator: ["puskesmas"],
  village_operator: ["pustu"],
  facilitator: ["national", "province", "district"],
};

/** Every role; a page open to these is open to anyone signed in. */
export const ALL_ROLES: readonly Role[] = Object.keys(ROLE_LEVELS) as Role[];

/** Whether a typed value (a form field, a CLI flag, a seed file) names a role. */
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

/** The user's admin grants, at any level. */
export function adminGrants(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter((g) => ADMIN_ROLES.includes(g.role));
}

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
// Home (/)

/**
 * The grants behind each section of the home page: forms due (operators), the verification queue
 * (verifiers), packages, users and activity (admins), and the area overview with its
 * completeness (admins, facilitators and verifiers).
 */
export function homeSections(user: Pick<SessionUser, "grants">) {
  const byRole = (role: Role) => user.grants.filter((g) => g.role === role);
  const admin = adminGrants(user);
  const verifier = byRole("district_verifier");
  return { operator: operatorGrants(user), verifier, admin, overview: [...admin, ...byRole("facilitator"), ...verifier] };
}

// ---------------------------------------------------------------------------------------------
// Users (/users, `user create` in the CLI)

/** Roles an admin may grant: national admins any; district admins all but national admin, in their district. */
export function grantableRoles(admin: Pick<SessionUser, "grants">): Role[] {
  if (admin.grants.some((g) => g.role === "national_admin")) return [...ALL_ROLES];
  if (admin.grants.some((g) => g.role === "district_admin")) {
    return ["district_admin", "district_verifier", "puskesmas_operator", "village_operator", "facilitator"];
  }
  return [];
}

/** The admin grant (national/district admin) whose area holds `unit`: where `admin` may create users and grant roles. */
export function mayAdministerUsersIn(admin: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "path">): Grant | undefined {
  return adminGrants(admin).find((g) => unit.path.startsWith(g.orgPath));
}

/** Whether `admin` may disable, enable or change a user: every grant of theirs lies inside the admin's area. */
export function mayManageUser(admin: SessionUser, grants: ReadonlyArray<Pick<OrgUnit, "path">>): boolean {
  return grants.length > 0 && grants.every((g) => mayAdministerUsersIn(admin, g));
}

// ---------------------------------------------------------------------------------------------
// Reports: filling, verification, history (/forms, /verification, /submissions/<id>/history)

/**
 * Who fills reports (docs/decisions/035-village-reporting.md): Puskesmas operators, for their
 * Puskesmas and on behalf of its Pustu and Posyandu; village operators (bidan desa, koordinator
 * Pustu), placed at a Pustu, for that Pustu and the Posyandu under it.
 */
export const OPERATOR_ROLES: readonly Role[] = ["puskesmas_operator", "village_operator"];

/** The levels a report may be entered for. */
export const ENTRY_LEVELS: readonly OrgLevel[] = ["puskesmas", "pustu", "posyandu"];

const isEntryGrant = (g: Grant) => (g.role === "puskesmas_operator" && g.orgLevel === "puskesmas") || (g.role === "village_operator" && g.orgLevel === "pustu");

/**
 * The units an operator enters reports from: Puskesmas-operator grants on Puskesmas and
 * village-operator grants on Pustu (each with the units below it; the unit never comes from a
 * hidden field).
 */
export function operatorGrants(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter(isEntryGrant);
}

/**
 * The operator grant that lets `user` enter reports for `unit`: a Puskesmas operator for the
 * Puskesmas and every Pustu and Posyandu under it, a village operator for their Pustu and its
 * Posyandu — never a unit of another village, never the Puskesmas above. Undefined: 403.
 */
export function mayEnterFor(user: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "path" | "level">): Grant | undefined {
  if (!ENTRY_LEVELS.includes(unit.level)) return undefined;
  return operatorGrants(user).find((g) => unit.path.startsWith(g.orgPath));
}

/** Who approves or returns reports: district verifiers, in their district. */
export const VERIFIER_ROLES: readonly Role[] = ["district_verifier"];

/** The verifier grant whose area holds `unit`: where `user` may see and decide reports. */
export function mayVerify(user: SessionUser, unit: Pick<OrgUnit, "path">): Grant | undefined {
  return findScope(user, unit, VERIFIER_ROLES);
}

/** Who besides the Puskesmas' own operator may read a report's history: verifiers and admins whose area holds it. */
export const HISTORY_READER_ROLES: readonly Role[] = ["district_verifier", "district_admin", "national_admin"];

/**
 * Whether `user` may read the history of a report of the unit `report` names: an operator who may
 * enter it (`mayEnterFor`: its Puskesmas' operator, for a Pustu or Posyandu also its village
 * operator), or a reader whose area holds it.
 */
export function mayReadHistory(user: Pick<SessionUser, "grants">, report: { path: string; level: OrgLevel }): boolean {
  return user.grants.some(
    (g) =>
      (isEntryGrant(g) && mayEnterFor({ grants: [g] }, report) !== undefined) ||
      (HISTORY_READER_ROLES.includes(g.role) && g.orgLevel !== "puskesmas" && report.path.startsWith(g.orgPath)),
  );
}

// ---------------------------------------------------------------------------------------------
// Deadlines and unlocks (/locks; decision 010)

/** Who opens /locks: district admins (their district's deadlines and unlocks) and the national admin (national default deadlines). */
export const LOCK_ROLES: readonly Role[] = ["district_admin", "national_admin"];

/** Whether `user` may set `unit`'s deadlines: its district admin for a district, the national admin for the national default. */
export function maySetDeadline(user: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "id" | "level">): boolean {
  return unit.level === "district"
    ? districtAdminGrants(user).some((g) => g.orgUnitId === unit.id)
    : unit.level === "national" && user.grants.some((g) => g.role === "national_admin" && g.orgUnitId === unit.id);
}

/** The district-admin grant whose district holds `unit`: who may unlock its reports, and revoke such unlocks. The national admin may not. */
export function mayGrantUnlock(user: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "path">): Grant | undefined {
  return districtAdminGrants(user).find((g) => unit.path.startsWith(g.orgPath));
}

// ---------------------------------------------------------------------------------------------
// Import and export of reports (/imports, /submissions/export, `submissions import` in the CLI)

/** Who may import: operators (their Puskesmas or Pustu, with the units below), district admins (their district), the national admin. */
export const IMPORT_ROLES: readonly Role[] = ["national_admin", "district_admin", "puskesmas_operator", "village_operator"];

/** The grants whose areas a user may import into (operators: their entry grants only, `operatorGrants`). */
export function importScope(user: Pick<SessionUser, "grants">): Grant[] {
  return user.grants.filter((g) => IMPORT_ROLES.includes(g.role) && (OPERATOR_ROLES.includes(g.role) ? isEntryGrant(g) : true));
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
export const EXPORT_ROLES: readonly Role[] = ["national_admin", "district_admin", "district_verifier", "puskesmas_operator", "village_operator"];

/**
 * The area a user may export: the grants of the export roles, nested ones removed — an operator
 * their Puskesmas (a village operator their Pustu), a district's admins and verifiers the district, the national admin everything.
 */
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
 * district, the national admin everywhere, each within `areaRoots` of these grants. Puskesmas
 * operators are refused for now: whether they should see their own district's comparison is
 * still open.
 */
export const SCORECARD_ROLES: readonly Role[] = ["national_admin", "district_admin", "district_verifier", "facilitator"];

// ---------------------------------------------------------------------------------------------
// Meetings and follow-up actions (/meetings, /actions; docs/decisions/027-meetings-and-actions.md)

/** Who runs evaluation meetings and assigns follow-up actions: district admins and facilitators in their area, the national admin. */
export const MEETING_RUNNER_ROLES: readonly Role[] = ["national_admin", "district_admin", "facilitator"];

/**
 * Whether `user` runs a meeting over `scope`: every scope unit lies in the area of one of their
 * runner grants (a facilitator of Tegal and Kendal runs a kaji banding of the two). Returns the
 * narrowest runner grant holding the whole scope, else the one holding its first unit; none: 403.
 */
export function mayRunMeeting(user: Pick<SessionUser, "grants">, scope: ReadonlyArray<Pick<OrgUnit, "path">>): Grant | undefined {
  if (scope.length === 0) return undefined;
  const runners = user.grants.filter((g) => MEETING_RUNNER_ROLES.includes(g.role)).sort((a, b) => b.orgPath.length - a.orgPath.length);
  if (!scope.every((u) => runners.some((g) => u.path.startsWith(g.orgPath)))) return undefined;
  return runners.find((g) => scope.every((u) => u.path.startsWith(g.orgPath))) ?? runners.find((g) => scope[0].path.startsWith(g.orgPath));
}

/** Who a meeting invited: accounts, and units (whose own staff — the grants on that unit — are invited with it). */
export interface MeetingInvitations {
  userIds: readonly number[];
  unitIds: readonly number[];
}

/** The accounts and units a meeting's participant rows invite. */
export function invitationsOf(participants: ReadonlyArray<{ userId: number | null; orgUnitId: number | null }>): MeetingInvitations {
  return {
    userIds: participants.flatMap((p) => (p.userId === null ? [] : [p.userId])),
    unitIds: participants.flatMap((p) => (p.orgUnitId === null ? [] : [p.orgUnitId])),
  };
}

/**
 * Whether `user` may read a meeting and its whole record (page, slides, minutes, the actions agreed):
 * anyone whose grants' areas hold every unit of the scope (its runners, the district's verifiers, a
 * national or provincial facilitator), an invited account, or the staff of an invited unit (the
 * operator of an invited Puskesmas). Grants that cover only part of the scope — one district's
 * admin on a kaji banding of two they were not invited to — do not: the record shows every unit
 * of the scope.
 */
export function mayReadMeeting(
  user: Pick<SessionUser, "grants" | "id">,
  scope: ReadonlyArray<Pick<OrgUnit, "path">>,
  invited: MeetingInvitations = { userIds: [], unitIds: [] },
): boolean {
  if (invited.userIds.includes(user.id)) return true;
  if (user.grants.some((g) => invited.unitIds.includes(g.orgUnitId))) return true;
  return scope.length > 0 && scope.every((u) => user.grants.some((g) => u.path.startsWith(g.orgPath)));
}

/** Who confirms that an action is done ("selesai"): district verifiers and admins in their area, the national admin. */
export const ACTION_CONFIRM_ROLES: readonly Role[] = ["district_verifier", "district_admin", "national_admin"];

/** The runner grant that lets `user` record an action on `unit` and make `responsible` answer for it: both in its area. */
export function mayAssignAction(user: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "path">, responsible: Pick<OrgUnit, "path">): Grant | undefined {
  return mayRunMeeting(user, [unit, responsible]);
}

/**
 * Whether `user` may edit an action and add progress: the operator of the responsible Puskesmas
 * (its progress, notes, evidence and "done"), or a runner whose area holds the responsible unit
 * (everything).
 */
export function mayUpdateAction(user: Pick<SessionUser, "grants">, responsible: Pick<OrgUnit, "id" | "path">): "operator" | "runner" | undefined {
  if (mayRunMeeting(user, [responsible])) return "runner";
  if (user.grants.some((g) => g.role === "puskesmas_operator" && g.orgUnitId === responsible.id)) return "operator";
  return undefined;
}

/** The grant that lets `user` confirm a done action of `responsible`, or send it back: a confirming role whose area holds it. */
export function mayConfirmAction(user: Pick<SessionUser, "grants">, responsible: Pick<OrgUnit, "path">): Grant | undefined {
  return user.grants.find((g) => ACTION_CONFIRM_ROLES.includes(g.role) && g.orgLevel !== "puskesmas" && responsible.path.startsWith(g.orgPath));
}

/**
 * Whether `user` may read an action: anyone whose area holds its cell's unit or its responsible
 * unit (operators: only when their Puskesmas is one of them).
 */
export function mayReadAction(user: Pick<SessionUser, "grants">, units: ReadonlyArray<Pick<OrgUnit, "path">>): boolean {
  return user.grants.some((g) => units.some((u) => u.path.startsWith(g.orgPath)));
}

/** The area roots within which `user` reads actions (every grant; an operator's is their Puskesmas). */
export function actionReadScope(user: Pick<SessionUser, "grants">): Grant[] {
  return areaRoots(user.grants);
}

// ---------------------------------------------------------------------------------------------
// Template library and designers (/templates, /designer/…; decision 008)

/** What an admin may see and do in the library. */
export interface LibraryAccess {
  user: SessionUser;
  national: boolean;
  /** District-admin grants on districts: the districts this admin adapts. */
  districts: Grant[];
}

/** Admins only (403 for every other role); national admins see everything, district admins their districts. */
export function libraryAccess(user: SessionUser): LibraryAccess {
  const grants = requireRole(user, ADMIN_ROLES);
  return {
    user,
    national: grants.some((g) => g.role === "national_admin"),
    districts: districtAdminGrants(user),
  };
}

/**
 * The grant that lets `access` edit packages owned by this unit, if any (owning scope only):
 * national_admin for national packages, district_admin of the owning district for a district's
 * own package. Drafts are listed only to these admins too.
 */
export function packageOwnerGrant(access: LibraryAccess, owner: { ownerOrgUnitId: number; ownerLevel: OrgLevel }): Grant | undefined {
  if (owner.ownerLevel === "national") return access.user.grants.find((g) => g.role === "national_admin" && g.orgUnitId === owner.ownerOrgUnitId);
  if (owner.ownerLevel === "district") return access.districts.find((g) => g.orgUnitId === owner.ownerOrgUnitId);
  return undefined;
}

/** The units an admin may create packages for: the national unit (national admin) and their districts. */
export function packageOwners(access: LibraryAccess): Grant[] {
  return [...nationalAdminGrants(access.user), ...access.districts];
}

/** Whether `access` may import a package JSON: national admins only (district admins import overlays). */
export function mayImportPackage(access: LibraryAccess): boolean {
  return access.national;
}

/**
 * Whether `access` may import an overlay JSON for `district`: an admin whose area holds it (a
 * national admin any district). Unlike the overlay designer, which leaves national admins read-only.
 */
export function mayImportOverlayFor(access: LibraryAccess, district: Pick<OrgUnit, "path">): boolean {
  return findScope(access.user, district, ADMIN_ROLES) !== undefined;
}

/**
 * Whether `access` may edit `district`'s adaptation in the overlay designer: a district admin only
 * for their own district (403 otherwise, even to look); a national admin views read-only.
 */
export function overlayAccess(access: LibraryAccess, district: Pick<OrgUnit, "path">, need: "view" | "edit"): { canEdit: boolean } {
  const canEdit = findScope(access.user, district, ["district_admin"]) !== undefined;
  if (need === "edit" && !canEdit) {
    throw forbidden(access.user, access.national ? "access.overlay.nationalReadOnly" : "access.overlay.ownEdit");
  }
  if (!canEdit && !access.national) throw forbidden(access.user, "access.overlay.ownView");
  return { canEdit };
}

/**
 * The grant whose unit's children are the indicator preview's rows: the admin's widest area (a
 * national grant beats a district one); none for other roles.
 */
export function indicatorPreviewGrant(user: Pick<SessionUser, "grants">): Grant | undefined {
  return adminGrants(user).sort((a, b) => a.orgPath.length - b.orgPath.length)[0];
}

// ---------------------------------------------------------------------------------------------
// Org-unit groups (/groups, /groups/<id>; docs/decisions/033-org-unit-groups.md)
//
// A group is owned by the national unit or by a district. The national admin manages national
// groups; a district admin manages their district's groups (and only those). Admins, verifiers
// and facilitators read the national groups and the district groups whose district lies in their
// area; operators have no group page. Readers see a group's members only inside their own area
// (the national admin: everywhere).

/** Who opens /groups and /groups/<id>: admins (manage their own groups), verifiers and facilitators (read only). */
export const GROUP_READER_ROLES: readonly Role[] = ["national_admin", "district_admin", "district_verifier", "facilitator"];

const groupReaderGrants = (user: Pick<SessionUser, "grants">) => user.grants.filter((g) => GROUP_READER_ROLES.includes(g.role) && g.orgLevel !== "puskesmas");

/** Whether `user` may read a group owned by `owner`: any reader for a national group, a reader whose area holds the district for a district's. */
export function mayReadGroup(user: Pick<SessionUser, "grants">, owner: Pick<OrgUnit, "level" | "path">): boolean {
  const readers = groupReaderGrants(user);
  if (owner.level === "national") return readers.length > 0;
  return readers.some((g) => owner.path.startsWith(g.orgPath));
}

/** The grant that lets `user` change a group owned by `owner` and its members: the national admin (national groups), the district's admin (its groups). */
export function mayManageGroup(user: Pick<SessionUser, "grants">, owner: Pick<OrgUnit, "id" | "level">): Grant | undefined {
  if (owner.level === "national") return nationalAdminGrants(user).find((g) => g.orgUnitId === owner.id);
  if (owner.level === "district") return districtAdminGrants(user).find((g) => g.orgUnitId === owner.id);
  return undefined;
}

/** The units `user` may create groups for: the national unit (national admin) and their districts (district admin). */
export function groupOwners(user: Pick<SessionUser, "grants">): Grant[] {
  return [...nationalAdminGrants(user), ...districtAdminGrants(user)];
}

/** The area within which `user` sees a group's members and counts. */
export function groupMemberScope(user: Pick<SessionUser, "grants">): Grant[] {
  return areaRoots(groupReaderGrants(user));
}

// ---------------------------------------------------------------------------------------------
// DHIS2 exchange (/dhis2; docs/dhis2.md)

/** Who keeps the packages' DHIS2 mappings: the national admin (exports and imports use exportScope and importScope). */
export const DHIS2_MAPPING_ROLES: readonly Role[] = ["national_admin"];

// API tokens (/tokens, `api token` in the CLI, /api/v1; docs/decisions/047-api-tokens.md)
//
// A token is one role at one org unit, like a grant. An admin may issue exactly the tokens for
// which they could create a user with that grant (`mayAdministerUsersIn`, `grantableRoles`,
// `mayPlaceRole`), so a token never exceeds its issuer's own rights; it is checked again on
// every call, so an issuer who loses the right takes their tokens' rights with them.

/** Who issues, lists and revokes tokens: district admins in their district, the national admin anywhere. */
export const TOKEN_ADMIN_ROLES: readonly Role[] = ADMIN_ROLES;

/** Whether `issuer` may issue a token with `role` at `unit` (the rights they could grant a user there). */
export function mayIssueToken(issuer: Pick<SessionUser, "grants">, role: Role, unit: Pick<OrgUnit, "path" | "level">): boolean {
  return mayAdministerUsersIn(issuer, unit) !== undefined && grantableRoles(issuer).includes(role) && mayPlaceRole(role, unit);
}

/** Whether `admin` may list and revoke a token placed at `unit`: its area holds the unit. */
export function mayManageToken(admin: Pick<SessionUser, "grants">, unit: Pick<OrgUnit, "path">): boolean {
  return mayAdministerUsersIn(admin, unit) !== undefined;
}

/**
 * Whether a token still stands on every call: its issuer may still issue it and, for a person's
 * token, that person still holds the role over the token's unit (their own rights bound it too).
 */
export function tokenStillBacked(
  token: { role: Role; unit: Pick<OrgUnit, "path" | "level"> },
  issuer: Pick<SessionUser, "grants">,
  person: Pick<SessionUser, "grants"> | null,
): boolean {
  if (!mayIssueToken(issuer, token.role, token.unit)) return false;
  return person === null || person.grants.some((g) => g.role === token.role && token.unit.path.startsWith(g.orgPath));
}

// ---------------------------------------------------------------------------------------------
// Menu

/** One entry of the main menu: a page, its label, and who it is shown to (the roles its route lets in). */
export interface MenuItem {
  to: string;
  label: MessageKey;
  roles: readonly Role[] | "all";
}

/** The main menu, in order; each entry shows for exactly the roles its page's guard lets in. */
export const MENU: readonly MenuItem[] = [
  { to: "/", label: "nav.home", roles: "all" },
  { to: "/users", label: "nav.users", roles: ADMIN_ROLES },
  { to: "/scorecards", label: "nav.scorecards", roles: SCORECARD_ROLES },
  { to: "/templates", label: "nav.templates", roles: ADMIN_ROLES },
  { to: "/forms", label: "nav.forms", roles: OPERATOR_ROLES },
  { to: "/verification", label: "nav.verification", roles: VERIFIER_ROLES },
  { to: "/locks", label: "locks.nav", roles: LOCK_ROLES },
  { to: "/imports", label: "nav.imports", roles: IMPORT_PAGE_ROLES },
  { to: "/meetings", label: "nav.meetings", roles: "all" },
  { to: "/actions", label: "nav.actions", roles: "all" },
  { to: "/groups", label: "nav.groups", roles: GROUP_READER_ROLES },
  { to: "/dhis2", label: "nav.dhis2", roles: DHIS2_MAPPING_ROLES },
  { to: "/tokens", label: "tokens.nav", roles: TOKEN_ADMIN_ROLES },
];

/** The menu entries a user with these roles sees (the root loader sends them to the page). */
export function menuFor(roles: readonly Role[]): Array<Pick<MenuItem, "to" | "label">> {
  return MENU.filter((item) => item.roles === "all" || item.roles.some((r) => roles.includes(r))).map(({ to, label }) => ({ to, label }));
}
