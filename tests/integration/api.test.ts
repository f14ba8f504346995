/**
 * The API and its tokens on SQLite and PostgreSQL (docs/api.md, docs/decisions/047-api-tokens.md):
 * the token life cycle on the app clock, scope, read-only and package limits, audit rows naming
 * the token, cookies refused on /api and tokens refused on pages, the per-token rate limit, the
 * OpenAPI document (valid, and every response checked against it), an API submission equal to the
 * same one through the web form, idempotent repeats, and bounded or broken bodies.
 */
import fs from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { issueToken, listTokens, revokeToken, type TokenIssuer } from "~/models/api-tokens.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import { openApiDocument } from "~/models/openapi.server";
import { loadGrants } from "~/auth/session.server";
import { clock } from "~/utils/clock.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as tokensPage from "~/routes/tokens";
import * as orgUnits from "~/routes/api.v1.org-units";
import * as groups from "~/routes/api.v1.groups";
import * as packages from "~/routes/api.v1.packages";
import * as packageForms from "~/routes/api.v1.packages_.$key.forms";
import * as submissions from "~/routes/api.v1.submissions";
import * as submission from "~/routes/api.v1.submissions_.$id";
import * as scorecards from "~/routes/api.v1.scorecards";
import * as explain from "~/routes/api.v1.scorecards_.explain";
import * as actions from "~/routes/api.v1.actions";
import * as meetings from "~/routes/api.v1.meetings";
import * as openapi from "~/routes/api.v1.openapi[.json]";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";
import { runCli } from "~/cli/main";

const NOW = "2026-03-10T08:00:00.000Z";
const PERIOD = "2026-03";
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const SAWAHLUNTO = "13.73";

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));

/** Ajv on the OpenAPI document: the response schema of one operation and status. */
function responseValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(structuredClone(openApiDocument()), "openapi");
  const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  return (apiPath: string, method: string, status: number, contentType: string, body: unknown) => {
    const pointer = `openapi#/paths/${esc(apiPath)}/${method}/responses/${status}/content/${esc(contentType)}/schema`;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    const ok = validate(body);
    return ok ? [] : (validate.errors ?? []);
  };
}

describe.each(DIALECTS)("API on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const users: Record<string, number> = {};
  const secrets: Record<string, string> = {};
  const ids: Record<string, number> = {};
  let checkResponse: ReturnType<typeof responseValidator>;
  let keyCounter = 0;
  const newKey = () => `api-test-${kind}-${++keyCounter}`.padEnd(24, "x");

  const issuer = async (name: string): Promise<TokenIssuer> => ({ id: users[name], grants: await loadGrants(getDb(), users[name]) });

  async function token(
    label: string,
    by: string,
    spec: { role: string; unit: string; access: "read" | "write"; packages?: string[]; days?: number; forUser?: string },
  ) {
    const r = await issueToken(await issuer(by), {
      name: `Token ${label}`,
      role: spec.role,
      unitCode: spec.unit,
      access: spec.access,
      packageKeys: spec.packages ?? [],
      forUsername: spec.forUser ?? "",
      days: spec.days ?? 30,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    secrets[label] = r.secret;
    ids[label] = r.id;
  }

  const auth = (label: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${secrets[label]}`, ...extra });

  /** Calls a route like the server would; returns status, headers and the parsed JSON body, checked against the OpenAPI document. */
  async function api(
    fn: unknown,
    apiPath: string,
    opPath: string,
    options: { headers?: Record<string, string>; body?: BodyInit; params?: Record<string, string>; method?: string } = {},
  ) {
    const res = (await call(
      fn,
      makeRequest(`/api/v1${apiPath}`, { headers: options.headers, body: options.body, method: options.method, origin: null }),
      options.params ?? {},
    )) as Response;
    expect(res).toBeInstanceOf(Response);
    const type = (res.headers.get("Content-Type") ?? "").split(";")[0];
    const body = await res.json();
    expect(
      checkResponse(opPath, options.method === "POST" || options.body ? "post" : "get", res.status, type, body),
      `${apiPath} ${res.status} against the OpenAPI document`,
    ).toEqual([]);
    return { status: res.status, headers: res.headers, body, type };
  }

  const post = (label: string | null, body: unknown, key: string | null = newKey(), extra: Record<string, string> = {}) =>
    api(submissions.action, "/submissions", "/submissions", {
      method: "POST",
      headers: { ...(label ? auth(label) : {}), "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}), ...extra },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set(NOW);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    expect((await importOverlay(readJson("seeds/overlays/1373-kota-sawahlunto.json"), { userId: null })).ok).toBe(true);
    users.admin = await insertUser("adm.sawahlunto", [["district_admin", SAWAHLUNTO]]);
    users.adminKendal = await insertUser("adm.kendal", [["district_admin", "33.24"]]);
    users.op = await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]);
    users.opOther = await insertUser("op.kolokmudik", [["puskesmas_operator", KOLOK_MUDIK]]);
    await token("write", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "write" });
    await token("read", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "read" });
    await token("otherPkg", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "write", packages: ["paket-lain"] });
    await token("verifier", "admin", { role: "district_verifier", unit: SAWAHLUNTO, access: "read" });
    await token("person", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "write", forUser: "op.sungaidurian" });
    checkResponse = responseValidator();
  });
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  it("the OpenAPI document is valid OpenAPI 3.1 and public", async () => {
    const doc = await api(openapi.loader, "/openapi.json", "/openapi.json");
    expect(doc.status).toBe(200);
    const parsed = await SwaggerParser.validate(structuredClone(doc.body));
    expect((parsed as { openapi?: string }).openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths).sort()).toEqual(
      [
        "/actions",
        "/dhis2/adx",
        "/dhis2/dataValueSets",
        "/fhir/Measure",
        "/fhir/MeasureReport",
        "/groups",
        "/meetings",
        "/openapi.json",
        "/org-units",
        "/packages",
        "/packages/{key}/forms",
        "/scorecards",
        "/scorecards/explain",
        "/submissions",
        "/submissions/{id}",
      ].sort(),
    );
  });

  it("issues only what the issuer could grant, and shows the secret once", async () => {
    const beyond = await issueToken(await issuer("adminKendal"), {
      name: "Kendal ke Sawahlunto",
      role: "puskesmas_operator",
      unitCode: SUNGAI_DURIAN,
      access: "read",
      packageKeys: [],
      forUsername: "",
      days: 30,
    });
    expect(beyond.ok).toBe(false);
    const national = await issueToken(await issuer("admin"), {
      name: "Terlalu tinggi",
      role: "national_admin",
      unitCode: SAWAHLUNTO,
      access: "read",
      packageKeys: [],
      forUsername: "",
      days: 30,
    });
    expect(national.ok).toBe(false);
    const stored = await getDb().selectFrom("api_token").selectAll().where("id", "=", ids.write).executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(secrets.write);
    expect(JSON.stringify(stored)).not.toContain(secrets.write);
    // Listed to the district's admin, not to another district's.
    expect((await listTokens(await issuer("admin"))).map((t) => t.id)).toContain(ids.write);
    expect((await listTokens(await issuer("adminKendal"))).map((t) => t.id)).not.toContain(ids.write);
    expect(await revokeToken(await issuer("adminKendal"), ids.write)).toMatchObject({ ok: false, status: 403 });
  });

  it("reads org units, groups, packages and forms within the token's area", async () => {
    const units = await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("verifier") });
    expect(units.status).toBe(200);
    expect(units.body.units[0]).toMatchObject({ code: SAWAHLUNTO, parentCode: null });
    expect(units.body.units.every((u: { code: string }) => u.code.startsWith("P1373") || u.code.startsWith("13.73"))).toBe(true);
    const outside = await api(orgUnits.loader, "/org-units?root=33.24", "/org-units", { headers: auth("verifier") });
    expect(outside.status).toBe(403);
    expect(outside.type).toBe("application/problem+json");
    expect((await api(groups.loader, "/groups", "/groups", { headers: auth("verifier") })).status).toBe(200);
    const pk = await api(packages.loader, "/packages", "/packages", { headers: auth("write") });
    expect(pk.body.packages.map((p: { key: string }) => p.key)).toContain("ilp-nasional");
    expect((await api(packages.loader, "/packages", "/packages", { headers: auth("otherPkg") })).body.packages).toEqual([]);
    const forms = await api(packageForms.loader, "/packages/ilp-nasional/forms", "/packages/{key}/forms", {
      headers: auth("write"),
      params: { key: "ilp-nasional" },
    });
    expect(forms.status).toBe(200);
    const profil = forms.body.forms.find((f: { key: string }) => f.key === "ilp_profil");
    expect(profil.schema.type).toBe("object");
    // The form's answers schema accepts the valid report.
    expect(new Ajv2020({ strict: false }).validate(profil.schema, profilAnswers())).toBe(true);
  });

  it("refuses session cookies on /api and tokens on web pages", async () => {
    const cookie = await cookieFor(users.op);
    const withCookie = await api(orgUnits.loader, "/org-units", "/org-units", { headers: { Cookie: cookie } });
    expect(withCookie.status).toBe(401);
    expect(withCookie.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    const page = await call(fill.loader, makeRequest(`/forms/ilp_profil/${PERIOD}`, { cookie, headers: auth("write") }), {
      formKey: "ilp_profil",
      period: PERIOD,
    });
    expect(statusOf(page)).toBe(401);
    const en = await api(orgUnits.loader, "/org-units", "/org-units", { headers: { "Accept-Language": "en-GB,en;q=0.9" } });
    expect(en.body.title).toBe("API token required");
    const id = await api(orgUnits.loader, "/org-units", "/org-units", {});
    expect(id.body.title).toBe("Token API diperlukan");
  });

  it("stores the same report as the web form, with the same audit shape naming the token, once per key", async () => {
    const data = profilAnswers();
    // Through the web form, by Kolok Mudik's operator.
    const web = await call(
      fill.action,
      makeRequest(`/forms/ilp_profil/${PERIOD}`, {
        cookie: await cookieFor(users.opOther),
        form: { intent: "submit", data: JSON.stringify(data), idempotencyKey: newKey(), baseRevision: "0" },
      }),
      { formKey: "ilp_profil", period: PERIOD },
    );
    expect(payloadOf(web)).toMatchObject({ ok: true, status: "submitted" });
    // Through the API, for Sungai Durian.
    const key = newKey();
    const body = { unit: SUNGAI_DURIAN, form: "ilp_profil", period: PERIOD, intent: "submit", data };
    const first = await post("write", body, key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ unit: SUNGAI_DURIAN, status: "submitted", revision: 1 });
    const db = getDb();
    const stored = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.data", "s.status", "s.revision", "s.id"])
      .where("s.period", "=", PERIOD)
      .where("s.form_key", "=", "ilp_profil")
      .execute();
    const byCode = Object.fromEntries(stored.map((s) => [s.code, s]));
    expect(JSON.parse(byCode[SUNGAI_DURIAN].data)).toEqual(JSON.parse(byCode[KOLOK_MUDIK].data));
    expect(byCode[SUNGAI_DURIAN].status).toBe(byCode[KOLOK_MUDIK].status);
    const audits = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "submission")
      .where("entity_id", "in", [String(byCode[SUNGAI_DURIAN].id), String(byCode[KOLOK_MUDIK].id)])
      .execute();
    expect(audits).toHaveLength(2);
    const apiAudit = audits.find((a) => a.entity_id === String(byCode[SUNGAI_DURIAN].id))!;
    const webAudit = audits.find((a) => a.entity_id === String(byCode[KOLOK_MUDIK].id))!;
    expect(apiAudit.action).toBe(webAudit.action);
    expect(apiAudit.after_json).toBe(webAudit.after_json);
    expect(apiAudit.before_json).toBe(webAudit.before_json);
    expect(Object.keys(apiAudit).sort()).toEqual(Object.keys(webAudit).sort());
    expect(apiAudit.api_token_id).toBe(ids.write);
    expect(webAudit.api_token_id).toBeNull();
    // The same key again: the first answer, nothing written.
    const again = await post("write", body, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const count = await db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("entity_type", "=", "submission")
      .where("entity_id", "=", String(byCode[SUNGAI_DURIAN].id))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // Read back.
    const read = await api(submission.loader, `/submissions/${first.body.id}`, "/submissions/{id}", {
      headers: auth("read"),
      params: { id: String(first.body.id) },
    });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(JSON.parse(byCode[SUNGAI_DURIAN].data));
    // Another Puskesmas' report is out of the token's scope.
    const other = await api(submission.loader, `/submissions/${byCode[KOLOK_MUDIK].id}`, "/submissions/{id}", {
      headers: auth("read"),
      params: { id: String(byCode[KOLOK_MUDIK].id) },
    });
    expect(other.status).toBe(403);
    // An update with a stale revision conflicts; with the current one it is stored.
    expect((await post("write", { ...body, data: profilAnswers({ jumlah_kader: 101, kader_belum_sertifikat: 41 }) })).status).toBe(409);
    const update = await post("write", { ...body, baseRevision: 1, data: profilAnswers({ jumlah_kader: 101, kader_belum_sertifikat: 41 }) });
    expect(update.body).toMatchObject({ revision: 2 });
  });

  it("refuses out-of-scope, read-only and other-package writes with 403 and stores nothing", async () => {
    const before = await getDb()
      .selectFrom("submission")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const body = { unit: KOLOK_MUDIK, form: "ilp_profil", period: "2026-02", data: profilAnswers() };
    const outside = await post("write", body);
    expect(outside.status).toBe(403);
    expect(outside.body.errors[0].pointer).toBe("/unit");
    const readOnly = await post("read", { ...body, unit: SUNGAI_DURIAN });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.type).toBe("urn:pantau:problem:read-only-token");
    const pkg = await post("otherPkg", { ...body, unit: SUNGAI_DURIAN });
    expect(pkg.status).toBe(403);
    expect(pkg.body.type).toBe("urn:pantau:problem:package-not-allowed");
    const after = await getDb()
      .selectFrom("submission")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("answers invalid payloads with 422 listing every field, and broken or oversized bodies with 4xx problems", async () => {
    const many = await post("write", { unit: SUNGAI_DURIAN, form: "", period: 5, intent: "kirim", data: [], extra: 1 });
    expect(many.status).toBe(422);
    expect(many.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/data", "/extra", "/form", "/intent", "/period"]);
    const fields = await post("write", {
      unit: SUNGAI_DURIAN,
      form: "ilp_profil",
      period: "2026-02",
      data: profilAnswers({ jumlah_desa: "sepuluh", jumlah_posyandu: -3 }),
    });
    expect(fields.status).toBe(422);
    const pointers = fields.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/data/jumlah_desa", "/data/jumlah_posyandu"]));
    expect((await post("write", "{not json")).status).toBe(400);
    expect((await post("write", { unit: SUNGAI_DURIAN }, null)).status).toBe(400);
    expect((await post("write", "unit=x", newKey(), { "Content-Type": "application/x-www-form-urlencoded" })).status).toBe(415);
    const huge = JSON.stringify({ unit: SUNGAI_DURIAN, form: "ilp_profil", period: PERIOD, data: { x: "a".repeat(2 * 1024 * 1024 + 10) } });
    const tooBig = await post("write", huge);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.detail).toMatch(/2 MB/);
  });

  it("reads scorecards with the page's parameters, an explained cell, actions and meetings", async () => {
    const sc = await api(scorecards.loader, `/scorecards?period=${PERIOD}&level=puskesmas`, "/scorecards", { headers: auth("verifier") });
    expect(sc.status).toBe(200);
    expect(sc.body.columns.slice(0, 4)).toEqual(["kode", "nama", "peringkat", "skor"]);
    expect(sc.body.rows.map((r: { kode: string }) => r.kode)).toContain(SUNGAI_DURIAN);
    // An operator's token has no scorecard role (as on the page).
    expect((await api(scorecards.loader, `/scorecards?period=${PERIOD}`, "/scorecards", { headers: auth("read") })).status).toBe(403);
    const bad = await api(scorecards.loader, `/scorecards?period=zzz`, "/scorecards", { headers: auth("verifier") });
    expect(bad.status).toBe(400);
    const cell = await api(
      explain.loader,
      `/scorecards/explain?period=${PERIOD}&level=puskesmas&row=${SUNGAI_DURIAN}&indicator=ilp_puskesmas`,
      "/scorecards/explain",
      { headers: auth("verifier") },
    );
    expect(cell.status).toBe(200);
    expect(cell.body.row.code).toBe(SUNGAI_DURIAN);
    const missing = await api(explain.loader, `/scorecards/explain?period=${PERIOD}`, "/scorecards/explain", { headers: auth("verifier") });
    expect(missing.status).toBe(422);
    expect((await api(actions.loader, "/actions", "/actions", { headers: auth("verifier") })).status).toBe(200);
    expect((await api(meetings.loader, "/meetings", "/meetings", { headers: auth("verifier") })).status).toBe(200);
  });

  it("records last use, stops a revoked token at once and an expired one on the app clock", async () => {
    await token("life", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "read", days: 1 });
    const db = getDb();
    expect((await db.selectFrom("api_token").select("last_used_at").where("id", "=", ids.life).executeTakeFirstOrThrow()).last_used_at).toBeNull();
    expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("life") })).status).toBe(200);
    const used = (await db.selectFrom("api_token").select("last_used_at").where("id", "=", ids.life).executeTakeFirstOrThrow()).last_used_at;
    expect(Date.parse(used ?? "")).toBeGreaterThanOrEqual(Date.parse(NOW));
    clock.set(new Date(Date.parse(NOW) + 25 * 3600_000));
    try {
      expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("life") })).status).toBe(401);
      expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("read") })).status).toBe(200);
    } finally {
      clock.set(NOW);
    }
    expect(await revokeToken(await issuer("admin"), ids.read)).toEqual({ ok: true });
    const revoked = await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("read") });
    expect(revoked.status).toBe(401);
    const audit = await db
      .selectFrom("audit_log")
      .select(["action", "actor_user_id"])
      .where("entity_type", "=", "api_token")
      .where("entity_id", "=", String(ids.read))
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "api_token.create", actor_user_id: users.admin },
      { action: "api_token.revoke", actor_user_id: users.admin },
    ]);
  });

  it("stops a token whose issuer or person lost the right", async () => {
    await token("lapsed", "admin", { role: "puskesmas_operator", unit: SUNGAI_DURIAN, access: "read" });
    expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("person") })).status).toBe(200);
    await getDb().updateTable("app_user").set({ active: 0 }).where("id", "=", users.op).execute();
    try {
      expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("person") })).status).toBe(401);
    } finally {
      await getDb().updateTable("app_user").set({ active: 1 }).where("id", "=", users.op).execute();
    }
    await getDb().deleteFrom("role_grant").where("user_id", "=", users.admin).execute();
    expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("lapsed") })).status).toBe(401);
  });

  it("creates, lists and revokes tokens with the CLI, as an admin and never beyond their rights", async () => {
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    };
    const created = await cli(
      "api",
      "token",
      "create",
      "--as",
      "adm.kendal",
      "--name",
      "SIMPUS Kendal",
      "--role",
      "district_verifier",
      "--unit",
      "33.24",
      "--access",
      "read",
    );
    expect(created.code).toBe(0);
    const secret = created.out[1];
    expect(secret).toMatch(/^pantau_/);
    secrets.cli = secret;
    expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("cli") })).body.units[0].code).toBe("33.24");
    const beyond = await cli(
      "api",
      "token",
      "create",
      "--as",
      "adm.kendal",
      "--name",
      "Ke Sawahlunto",
      "--role",
      "district_verifier",
      "--unit",
      SAWAHLUNTO,
      "--access",
      "read",
    );
    expect(beyond.code).toBe(1);
    expect(beyond.err.join("\n")).toMatch(/melebihi hak/);
    const listed = await cli("api", "token", "list", "--as", "adm.kendal");
    const row = listed.out.find((l) => l.includes("SIMPUS Kendal"))!;
    expect(row).not.toContain(secret);
    const id = row.split("\t")[0];
    expect((await cli("api", "token", "revoke", id, "--as", "adm.kendal")).code).toBe(0);
    expect((await api(orgUnits.loader, "/org-units", "/org-units", { headers: auth("cli") })).status).toBe(401);
    expect((await cli("api", "token", "revoke", "--as", "adm.kendal")).code).toBe(2);
  });

  it("the /tokens page issues (secret shown once), lists and revokes within the admin's area", async () => {
    const admin = await cookieFor(users.adminKendal);
    const created = await call(
      tokensPage.action,
      makeRequest("/tokens", {
        cookie: admin,
        form: {
          intent: "create",
          name: "e-Puskesmas Kendal",
          role: "district_verifier",
          unitCode: "33.24",
          access: "read",
          packageKeys: "",
          forUsername: "",
          days: "30",
        },
      }),
    );
    const payload = payloadOf(created);
    expect(payload).toMatchObject({ ok: true, intent: "create" });
    expect(payload.secret).toMatch(/^pantau_/);
    const listed = payloadOf(await call(tokensPage.loader, makeRequest("/tokens", { cookie: admin })));
    expect(listed.tokens.map((t: { id: number }) => t.id)).toContain(payload.id);
    expect(JSON.stringify(listed)).not.toContain(payload.secret);
    expect(listed.tokens.map((t: { id: number }) => t.id)).not.toContain(ids.write);
    // Beyond the admin's rights: every problem named, in Indonesian, nothing issued.
    const refused = await call(
      tokensPage.action,
      makeRequest("/tokens", {
        cookie: admin,
        form: { intent: "create", name: "x", role: "district_verifier", unitCode: SAWAHLUNTO, access: "semua", packageKeys: "", forUsername: "", days: "999" },
      }),
    );
    expect(statusOf(refused)).toBe(400);
    expect(Object.keys(payloadOf(refused).errors).sort()).toEqual(["access", "days", "name", "role"]);
    expect(payloadOf(refused).values.unitCode).toBe(SAWAHLUNTO);
    // Another district's token: 403, still working.
    const other = await call(tokensPage.action, makeRequest("/tokens", { cookie: admin, form: { intent: "revoke", id: String(ids.verifier) } }));
    expect(statusOf(other)).toBe(403);
    expect((await getDb().selectFrom("api_token").select("revoked_at").where("id", "=", ids.verifier).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    const revoked = await call(tokensPage.action, makeRequest("/tokens", { cookie: admin, form: { intent: "revoke", id: String(payload.id) } }));
    expect(payloadOf(revoked)).toMatchObject({ ok: true, intent: "revoke" });
  });

  it("limits each token's calls per minute across instances (counted in the database) with 429 and Retry-After", async () => {
    await token("busy", "adminKendal", { role: "district_verifier", unit: "33.24", access: "read" });
    const saved = process.env.PANTAU_API_CALLS_PER_MINUTE;
    process.env.PANTAU_API_CALLS_PER_MINUTE = "3";
    // The app clock runs on from here: all four calls fall in the minute starting at NOW.
    clock.set(NOW);
    try {
      for (let i = 0; i < 3; i++) expect((await api(packages.loader, "/packages", "/packages", { headers: auth("busy") })).status).toBe(200);
      const limited = await api(packages.loader, "/packages", "/packages", { headers: auth("busy") });
      expect(limited.status).toBe(429);
      const wait = Number(limited.headers.get("Retry-After"));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      // The next minute: allowed again.
      clock.set(new Date(Date.parse(NOW) + 60_000));
      expect((await api(packages.loader, "/packages", "/packages", { headers: auth("busy") })).status).toBe(200);
    } finally {
      clock.set(NOW);
      if (saved === undefined) delete process.env.PANTAU_API_CALLS_PER_MINUTE;
      else process.env.PANTAU_API_CALLS_PER_MINUTE = saved;
    }
  });
});
