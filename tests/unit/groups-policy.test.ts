/**
 * The "Org-unit groups" rules of app/auth/policy.server.ts (docs/decisions/033-org-unit-groups.md)
 * and the month parsing of app/models/groups.server.ts, without a database.
 */
import { describe, expect, it } from "vitest";
import { groupMemberScope, groupOwners, mayManageGroup, mayReadGroup } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import type { OrgLevel, Role } from "~/db/schema";
import { parseMonth } from "~/models/groups.server";

const grant = (role: Role, orgUnitId: number, orgLevel: OrgLevel, orgPath: string): Grant => ({
  role,
  orgUnitId,
  orgCode: String(orgUnitId),
  orgName: "",
  orgLevel,
  orgPath,
});
const NATIONAL = { id: 1, level: "national" as const, path: "/1/" };
const SAWAHLUNTO = { id: 6, level: "district" as const, path: "/1/2/6/" };
const KENDAL = { id: 7, level: "district" as const, path: "/1/3/7/" };

const users = {
  national: [grant("national_admin", 1, "national", "/1/")],
  admin: [grant("district_admin", 6, "district", "/1/2/6/")],
  verifier: [grant("district_verifier", 6, "district", "/1/2/6/")],
  facilitatorJateng: [grant("facilitator", 3, "province", "/1/3/")],
  operator: [grant("puskesmas_operator", 11, "puskesmas", "/1/2/6/11/")],
};
const as = (key: keyof typeof users) => ({ grants: users[key] });

describe("org-unit group rules", () => {
  it("lets the national admin manage national groups and a district admin only their district's", () => {
    expect(mayManageGroup(as("national"), NATIONAL)).toBeDefined();
    expect(mayManageGroup(as("national"), SAWAHLUNTO)).toBeUndefined();
    expect(mayManageGroup(as("admin"), SAWAHLUNTO)).toBeDefined();
    expect(mayManageGroup(as("admin"), KENDAL)).toBeUndefined();
    expect(mayManageGroup(as("admin"), NATIONAL)).toBeUndefined();
    expect(mayManageGroup(as("verifier"), SAWAHLUNTO)).toBeUndefined();
    expect(groupOwners(as("national")).map((g) => g.orgUnitId)).toEqual([1]);
    expect(groupOwners(as("admin")).map((g) => g.orgUnitId)).toEqual([6]);
    expect(groupOwners(as("verifier"))).toEqual([]);
  });

  it("lets readers read national groups and the district groups of their area; operators none", () => {
    for (const who of ["national", "admin", "verifier", "facilitatorJateng"] as const) expect(mayReadGroup(as(who), NATIONAL), who).toBe(true);
    expect(mayReadGroup(as("operator"), NATIONAL)).toBe(false);
    expect(mayReadGroup(as("admin"), SAWAHLUNTO)).toBe(true);
    expect(mayReadGroup(as("verifier"), SAWAHLUNTO)).toBe(true);
    expect(mayReadGroup(as("admin"), KENDAL)).toBe(false);
    expect(mayReadGroup(as("facilitatorJateng"), KENDAL)).toBe(true);
    expect(mayReadGroup(as("facilitatorJateng"), SAWAHLUNTO)).toBe(false);
    expect(mayReadGroup(as("national"), KENDAL)).toBe(true);
    expect(groupMemberScope(as("facilitatorJateng")).map((g) => g.orgPath)).toEqual(["/1/3/"]);
    expect(groupMemberScope(as("operator"))).toEqual([]);
  });

  it("reads months as YYYY-MM only", () => {
    expect(parseMonth("2025-07")).toBe(2025 * 12 + 6);
    expect(parseMonth(" 2025-01 ")).toBe(2025 * 12);
    for (const bad of ["2025-13", "2025-00", "2025-7", "07-2025", "2025-Q1", "1999-12", "2101-01", ""]) expect(parseMonth(bad), bad).toBeNull();
  });
});
