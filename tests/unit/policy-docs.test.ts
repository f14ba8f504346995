/**
 * The README's "What each role finds" table and the menu say who opens each page; both must agree
 * with the role lists of app/auth/policy.server.ts. The README's "who" column stays prose (it says
 * more than a role list: "national admin: read-only", "verifiers: export only"), so this test reads
 * the roles the prose names instead of generating the column.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ADMIN_ROLES,
  ALL_ROLES,
  DHIS2_MAPPING_ROLES,
  GROUP_READER_ROLES,
  HISTORY_READER_ROLES,
  IMPORT_PAGE_ROLES,
  IMPORT_ROLES,
  LOCK_ROLES,
  MEETING_RUNNER_ROLES,
  MENU,
  OPERATOR_ROLES,
  SCORECARD_ROLES,
  VERIFIER_ROLES,
  TOKEN_ADMIN_ROLES,
} from "~/auth/policy.server";

import type { Role } from "~/db/schema";

/** Who may open each page the README lists, in the policy's words; "public" needs no sign-in. */
const PAGES: Record<string, readonly Role[] | "public"> = {
  "/": ALL_ROLES,
  "/login": "public",
  "/forms": OPERATOR_ROLES,
  "/forms/<form>/<period>": OPERATOR_ROLES,
  "/verification": VERIFIER_ROLES,
  "/locks": LOCK_ROLES,
  // The operators who may enter the report (mayEnterFor), and the readers whose area holds it (mayReadHistory).
  "/submissions/<id>/history": [...OPERATOR_ROLES, ...HISTORY_READER_ROLES],
  "/scorecards": SCORECARD_ROLES,
  "/scorecards/compare": SCORECARD_ROLES,
  "/templates": ADMIN_ROLES,
  "/designer/<key>/<version>": ADMIN_ROLES,
  "/designer/new": ADMIN_ROLES,
  "/designer/overlay/<district>/<key>": ADMIN_ROLES,
  "/users": ADMIN_ROLES,
  "/tokens": TOKEN_ADMIN_ROLES,
  "/imports": IMPORT_PAGE_ROLES,
  "/imports/<id>": IMPORT_ROLES,
  // Everyone signed in; each sees only the meetings whose scope touches their area or that invited them (mayReadMeeting).
  "/meetings": ALL_ROLES,
  "/meetings/<id>": ALL_ROLES,
  "/meetings/new": MEETING_RUNNER_ROLES,
  // Everyone reads the actions of their area (mayReadAction); runners record new ones.
  "/actions": ALL_ROLES,
  "/actions/<id>": ALL_ROLES,
  "/actions/new": MEETING_RUNNER_ROLES,
  // Whoever may read the meeting (mayReadMeeting); the scorecard's own presentation needs a scorecard role.
  "/meetings/<id>/present": ALL_ROLES,
  "/scorecards/present": SCORECARD_ROLES,
  "/meetings/<id>/notulen.pdf": ALL_ROLES,
  "/meetings/<id>/notulen.xlsx": ALL_ROLES,
  // Each user's own notifications and settings.
  "/notifications": ALL_ROLES,
  // Admins manage their own groups; verifiers and facilitators read (mayReadGroup, mayManageGroup).
  "/groups": GROUP_READER_ROLES,
  "/groups/<id>": GROUP_READER_ROLES,
  // The national admin keeps the packages' DHIS2 mappings (docs/dhis2.md).
  "/dhis2": DHIS2_MAPPING_ROLES,
};

const EVERYONE = "everyone";
const BOTH_ADMINS: readonly Role[] = ["national_admin", "district_admin"];

/** How the README names roles, the longer phrases first: each match is cut out before the next phrase is tried. */
const PHRASES: Array<[RegExp, readonly Role[] | typeof EVERYONE]> = [
  [/\beveryone\b/g, EVERYONE],
  [/\b(?:national and district|district and national) admins\b/g, BOTH_ADMINS],
  [/\bnational admins?\b/g, ["national_admin"]],
  [/\bdistrict admins?\b/g, ["district_admin"]],
  [/\badmins?\b/g, BOTH_ADMINS],
  [/\b(?:district )?verifiers?\b/g, ["district_verifier"]],
  [/\bpuskesmas and village operators\b/g, ["puskesmas_operator", "village_operator"]],
  [/\bvillage operators?\b/g, ["village_operator"]],
  [/\b(?:puskesmas )?operators?\b/g, ["puskesmas_operator"]],
  [/\bfacilitators?\b/g, ["facilitator"]],
];

/** The roles a "who" cell names, or "everyone". */
function rolesNamed(who: string): string[] {
  let text = who.toLowerCase();
  const found = new Set<string>();
  for (const [pattern, roles] of PHRASES) {
    text = text.replace(pattern, () => {
      for (const r of roles === EVERYONE ? [EVERYONE] : roles) found.add(r);
      return " ";
    });
  }
  return [...found].sort();
}

const expected = (roles: readonly Role[] | "public") => (roles === "public" || roles === ALL_ROLES ? [EVERYONE] : [...new Set(roles)].sort());

/** The rows of the README's table: the pages (backticked in the first column) and the "who" cell. */
function readmeRows(): Array<{ pages: string[]; who: string }> {
  const readme = fs.readFileSync(path.resolve("README.md"), "utf8");
  const section = readme.split(/^## What each role finds$/m)[1]?.split(/^## /m)[0] ?? "";
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  // Header and separator first; cells split on pipes that are not escaped (`csv\|xlsx`).
  return lines.slice(2).map((line) => {
    const [page, who] = line.split(/(?<!\\)\|/).slice(1, 3);
    return { pages: [...page.matchAll(/`([^`]+)`/g)].map((m) => m[1]), who: who.trim() };
  });
}

describe("the README's 'What each role finds' table", () => {
  const rows = readmeRows();

  it("lists exactly the pages whose roles this test takes from the policy", () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.flatMap((r) => r.pages).sort()).toEqual(Object.keys(PAGES).sort());
  });

  it.each(rows.map((r) => [r.pages.join(", "), r] as const))("%s: the 'who' column names the roles the policy lets in", (_name, row) => {
    const allowed = [...new Set(row.pages.flatMap((p) => expected(PAGES[p] ?? [])))].sort();
    expect(rolesNamed(row.who), `README says "${row.who}"`).toEqual(allowed);
  });
});

describe("the menu", () => {
  it.each(MENU.map((item) => [item.to, item] as const))("offers %s to the roles the policy lets in", (to, item) => {
    expect(to in PAGES, `${to} is not a page of the README's table`).toBe(true);
    expect(item.roles === "all" ? [EVERYONE] : [...item.roles].sort()).toEqual(expected(PAGES[to]));
  });
});
