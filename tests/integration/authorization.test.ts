/**
 * docs/security.md item 7: every route module's loader and action, called as anonymous and as users
 * without the right role or scope, answers 401/403/redirect and no data. A new route file
 * fails this test until it is classified below — and then it must actually be guarded.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "~/db/schema";
import {
  ADMIN_ROLES,
  DHIS2_MAPPING_ROLES,
  EXPORT_ROLES,
  GROUP_READER_ROLES,
  IMPORT_PAGE_ROLES,
  IMPORT_ROLES,
  LOCK_ROLES,
  MEETING_RUNNER_ROLES,
  OPERATOR_ROLES,
  SCORECARD_ROLES,
  TOKEN_ADMIN_ROLES,
  VERIFIER_ROLES,
} from "~/auth/policy.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";
import { importOrgCsv } from "~/models/org-import.server";

/** Routes anyone may call, and why. */
const PUBLIC: Record<string, string> = {
  login: "the login form itself",
  logout: "ends the caller's own session, if any",
  lang: "sets the caller's language cookie only",
  healthz: "readiness probe: no data beyond the dialect name and the scorecard warmer's last run time and count",
  "api.v1.openapi[.json]": "the API's OpenAPI document: shapes only, no data (docs/decisions/047-api-tokens.md)",
};

/**
 * API routes (docs/api.md): a bearer token only. Anonymous callers and callers with any session
 * cookie get a 401 problem document, never a redirect and never data; scope, read-only and
 * package limits of tokens are tested in tests/integration/api.test.ts and api-exchange.test.ts.
 */
const API: Record<string, { params?: Record<string, string> }> = {
  "api.v1.org-units": {},
  "api.v1.groups": {},
  "api.v1.packages": {},
  "api.v1.packages_.$key.forms": { params: { key: "ilp-nasional" } },
  "api.v1.submissions": {},
  "api.v1.submissions_.$id": { params: { id: "1" } },
  "api.v1.scorecards": {},
  "api.v1.scorecards_.explain": {},
  "api.v1.actions": {},
  "api.v1.meetings": {},
  "api.v1.dhis2.dataValueSets": {},
  "api.v1.dhis2.adx": {},
  "api.v1.fhir.Measure": {},
  "api.v1.fhir.MeasureReport": {},
};

/**
 * Signed-in routes: the roles that may use them, as app/auth/policy.server.ts names them, so a rule
 * changes in one place. Params point into another district's data where relevant.
 */
const GUARDED: Record<string, { roles: readonly Role[] | "all"; params?: Record<string, string> }> = {
  _index: { roles: "all" },
  // Only the signed-in user's own notifications and settings; another user's id is 404 in tests/integration/notifications.test.ts.
  notifications: { roles: "all" },
  users: { roles: ADMIN_ROLES },
  "forms._index": { roles: OPERATOR_ROLES },
  // A Sawahlunto Puskesmas via ?unit= is refused in tests/integration/entry.test.ts; another village's
  // Pustu or Posyandu, and the Puskesmas above a village operator, in tests/integration/village-reporting.test.ts.
  "forms.$formKey.$period": { roles: OPERATOR_ROLES, params: { formKey: "ilp_profil", period: "2025-03" } },
  // Another Puskesmas via ?unit= and a submitted report are refused in tests/integration/autosave.test.ts.
  "forms.$formKey.$period_.autosave": { roles: OPERATOR_ROLES, params: { formKey: "ilp_profil", period: "2025-03" } },
  // Bulk approval of another district's report is refused (403, nothing approved) in tests/integration/verification-flags.test.ts.
  "verification._index": { roles: VERIFIER_ROLES },
  // Report ids of another district are refused (403) in tests/integration/entry.test.ts.
  "verification.$id": { roles: VERIFIER_ROLES, params: { id: "1" } },
  // Deadlines and unlocks of another district are refused (403) in tests/integration/locks.test.ts.
  locks: { roles: LOCK_ROLES },
  // The history of another Puskesmas' or district's report is refused (403) in tests/integration/submission-history.test.ts.
  "submissions.$id.history": { roles: "all", params: { id: "1" } },
  // Follow-up actions: reading another district's or Puskesmas' action, assigning outside the area and changing it are refused (403) in tests/integration/actions.test.ts.
  "actions._index": { roles: "all" },
  "actions.new": { roles: MEETING_RUNNER_ROLES },
  "actions.$id": { roles: "all", params: { id: "1" } },
  "actions.$id_.evidence.$evidenceId": { roles: "all", params: { id: "1", evidenceId: "1" } },
  scorecards: { roles: SCORECARD_ROLES },
  "scorecards_.explain": { roles: SCORECARD_ROLES },
  "scorecards_.export": { roles: SCORECARD_ROLES },
  // Units outside the caller's area are refused (403) in tests/integration/scorecard-compare.test.ts.
  "scorecards_.compare": { roles: SCORECARD_ROLES },
  // Areas outside the caller's (403) and bad mode/slide (400) in tests/integration/presentation.test.ts.
  "scorecards_.present": { roles: SCORECARD_ROLES },
  // Rows outside the area or the meeting's scope, and meetings the caller may not read, in tests/integration/presentation.test.ts.
  "scorecards_.present_.explain": { roles: SCORECARD_ROLES },
  // Anyone who may read the meeting (mayReadMeeting); another district's admin gets 403, an unknown id 404 in tests/integration/presentation.test.ts.
  "meetings.$id_.present": { roles: "all", params: { id: "1" } },
  // Reads only the caller's own area (from the session); tests/integration/indicator-preview.test.ts.
  "designer.preview-indicator": { roles: ADMIN_ROLES },
  // Other districts' drafts, published rows and stale revisions are refused in tests/integration/designer.test.ts.
  "designer.$key.$version": { roles: ADMIN_ROLES, params: { key: "ilp-nasional", version: "2" } },
  "designer.new": { roles: ADMIN_ROLES },
  "templates._index": { roles: ADMIN_ROLES },
  "templates.import": { roles: ADMIN_ROLES },
  "templates.$key.$version": { roles: ADMIN_ROLES, params: { key: "ilp-nasional", version: "1" } },
  "templates.$key.$version_.export": { roles: ADMIN_ROLES, params: { key: "ilp-nasional", version: "1" } },
  // Reads and stores nothing; the intake gate and validation are tested in tests/integration/designer-preview.test.ts.
  "designer.preview-form": { roles: ADMIN_ROLES },
  // Another district's admin gets 403 (view and every intent) in tests/integration/overlay-designer.test.ts.
  "designer.overlay.$district.$key": { roles: ADMIN_ROLES, params: { district: "13.73", key: "ilp-nasional" } },
  // Bulk import/export: jobs of other users (404), rows and reports outside the caller's area are refused in tests/integration/bulk-import.test.ts and submission-export.test.ts.
  "imports._index": { roles: IMPORT_PAGE_ROLES },
  "imports.$id": { roles: IMPORT_ROLES, params: { id: "1" } },
  // Another user's job answers 404 in tests/integration/bulk-import.test.ts.
  "imports.$id_.problems[.csv]": { roles: IMPORT_ROLES, params: { id: "1" } },
  "forms.$formKey.template": { roles: IMPORT_ROLES, params: { formKey: "ilp_profil" } },
  "submissions.export": { roles: EXPORT_ROLES },
  // Any role reads a meeting that touches its area or it was invited to; another district's admin and an operator
  // outside the scope get 403, unknown and malformed ids 404, in tests/integration/notulen.test.ts.
  "meetings.$id_.notulen[.pdf]": { roles: "all", params: { id: "1" } },
  "meetings.$id_.notulen[.xlsx]": { roles: "all", params: { id: "1" } },
  // Lists only meetings whose scope touches the caller's area or that invited them; tests/integration/meetings.test.ts.
  "meetings._index": { roles: "all" },
  // A scope outside the runner's area is refused (403, nothing created) in tests/integration/meetings.test.ts.
  "meetings.new": { roles: MEETING_RUNNER_ROLES },
  // Readers only (mayReadMeeting: 403 otherwise, 404 unknown), edits by runners of its scope; tests/integration/meetings.test.ts.
  "meetings.$id": { roles: "all", params: { id: "1" } },
  // Another district's or a national group refuses a district admin's changes, a verifier's writes and uploads (403) in tests/integration/groups.test.ts.
  "groups._index": { roles: GROUP_READER_ROLES },
  "groups.$id": { roles: GROUP_READER_ROLES, params: { id: "1" } },
  // The DHIS2 mapping page and its CSV: the national admin only; a district admin's upload is refused (403) in tests/integration/dhis2.test.ts.
  dhis2: { roles: DHIS2_MAPPING_ROLES },
  "dhis2_.mapping[.csv]": { roles: DHIS2_MAPPING_ROLES },
  // Tokens outside the admin's area are neither listed nor revocable (403), and none beyond the admin's rights is issued, in tests/integration/api.test.ts.
  tokens: { roles: TOKEN_ADMIN_ROLES },
};

const routesDir = path.resolve("app/routes");
const routeFiles = fs.readdirSync(routesDir).filter((f) => /\.(tsx?|jsx?)$/.test(f) && !/\.test\./.test(f));
const routeId = (file: string) => file.replace(/\.(tsx?|jsx?)$/, "");

describe("route classification", () => {
  it("classifies every route module as public or guarded", () => {
    const unclassified = routeFiles.map(routeId).filter((id) => !(id in PUBLIC) && !(id in GUARDED) && !(id in API));
    expect(unclassified, "new route modules must be added to PUBLIC, GUARDED or API in this test").toEqual([]);
  });
});

/** Roles the test signs in as, each for another district or Puskesmas than the data in params. */
const OTHER_SCOPE_ROLES: readonly Role[] = ["puskesmas_operator", "village_operator", "facilitator", "district_verifier", "district_admin"];

describe.each(DIALECTS)("authorisation of every route on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookies: Partial<Record<Role, string>> = {};

  it("signs in every role it denies", () => {
    expect(Object.keys(cookies).sort()).toEqual([...OTHER_SCOPE_ROLES].sort());
  });

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // Users of *another* district (Kendal) and another Puskesmas than the data of Sawahlunto.
    cookies.puskesmas_operator = await cookieFor(await insertUser("op.plantungan", [["puskesmas_operator", puskesmasCode("Plantungan")]]));
    // A village operator at a Pustu of Plantungan (the seed tree has no Pustu: one is added here).
    const pustu = await importOrgCsv(`code,name,level,parent_code\nPU3324001.01,Pustu Uji,pustu,${puskesmasCode("Plantungan")}`);
    expect(pustu.errors).toEqual([]);
    cookies.village_operator = await cookieFor(await insertUser("vop.plantungan", [["village_operator", "PU3324001.01"]]));
    cookies.facilitator = await cookieFor(await insertUser("fas.kendal", [["facilitator", "33.24"]]));
    cookies.district_verifier = await cookieFor(await insertUser("ver.kendal", [["district_verifier", "33.24"]]));
    cookies.district_admin = await cookieFor(await insertUser("adm.kendal", [["district_admin", "33.24"]]));
  });
  afterAll(() => handle.destroy());

  for (const file of routeFiles.filter((f) => routeId(f) in GUARDED)) {
    const id = routeId(file);
    const spec = GUARDED[id];
    const urlPath = `/${id === "_index" ? "" : id.replace(/\./g, "/")}`;

    it(`${id}: anonymous gets a redirect to /login or 401, never data`, async () => {
      const mod = await import(path.join(routesDir, file));
      if (mod.loader) {
        const res = await call(mod.loader, makeRequest(urlPath), spec.params);
        expect(res).toBeInstanceOf(Response);
        const r = res as Response;
        expect([302, 401, 403]).toContain(r.status);
        if (r.status === 302) expect(r.headers.get("Location")).toMatch(/^\/login/);
      }
      if (mod.action) {
        const res = await call(
          mod.action,
          makeRequest(urlPath, { form: { intent: "create", username: "x.y", displayName: "X", password: "12345678", role: "national_admin", unit: "ID" } }),
          spec.params,
        );
        expect(res).toBeInstanceOf(Response);
        expect([401, 403]).toContain((res as Response).status);
      }
    });

    if (spec.roles !== "all") {
      // A static list: the cookies object is only filled in beforeAll, after the tests are collected.
      const denied = OTHER_SCOPE_ROLES.filter((r) => !(spec.roles as readonly Role[]).includes(r));
      for (const role of denied) {
        it(`${id}: ${role} of another scope gets 403`, async () => {
          const mod = await import(path.join(routesDir, file));
          if (mod.loader) expect(statusOf(await call(mod.loader, makeRequest(urlPath, { cookie: cookies[role] }), spec.params))).toBe(403);
          if (mod.action) {
            const res = await call(mod.action, makeRequest(urlPath, { cookie: cookies[role], form: { intent: "create" } }), spec.params);
            expect(statusOf(res)).toBe(403);
          }
        });
      }
    }

    it(`${id}: an unsafe request with a forged Origin is refused before anything runs`, async () => {
      const mod = await import(path.join(routesDir, file));
      if (!mod.action) return;
      const cookie = cookies.district_admin;
      for (const origin of ["https://evil.example", "null"]) {
        const res = await call(mod.action, makeRequest(urlPath, { cookie, origin, form: { intent: "create" } }), spec.params);
        expect(statusOf(res)).toBe(403);
      }
    });
  }

  for (const file of routeFiles.filter((f) => routeId(f) in API)) {
    const id = routeId(file);
    const spec = API[id];
    const urlPath = `/${id.replace(/_/g, "").replace(/\./g, "/")}`;
    it(`${id}: anonymous and every session cookie get a 401 problem document, never a redirect or data`, async () => {
      const mod = await import(path.join(routesDir, file));
      for (const cookie of [undefined, ...Object.values(cookies)]) {
        for (const fn of [mod.loader, mod.action].filter(Boolean)) {
          const method = fn === mod.action ? "POST" : "GET";
          const request = makeRequest(urlPath, {
            cookie,
            method,
            headers: method === "POST" ? { "Content-Type": "application/json", "Idempotency-Key": "x".repeat(20) } : {},
            body: method === "POST" ? JSON.stringify({ unit: "P1373001", form: "ilp_profil", period: "2025-03", data: {} }) : undefined,
          });
          const res = (await call(fn, request, spec.params)) as Response;
          expect(res).toBeInstanceOf(Response);
          expect(res.status).toBe(401);
          expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
          expect((await res.json()).status).toBe(401);
        }
      }
    });
  }
});
