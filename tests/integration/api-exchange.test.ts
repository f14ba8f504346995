/**
 * DHIS2 and FHIR through /api/v1 on SQLite and PostgreSQL (docs/api.md, docs/dhis2.md,
 * docs/fhir.md, docs/decisions/050-api-exchange.md): every answer checked against the OpenAPI
 * document; the ADX against the IHE ADX schema, the FHIR Bundles with validateFhir; exports and
 * scorecards outside the token's area refused (403, nothing returned); an import through the API
 * storing exactly what the model's (CLI's) import stores, with audit rows naming the token; read
 * tokens, values outside the area, oversized and malformed bodies refused with nothing stored.
 */
import Ajv2020 from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, type DbHandle } from "~/db/db.server";
import { loadGrants } from "~/auth/session.server";
import { issueToken } from "~/models/api-tokens.server";
import { importMappingCsv } from "~/models/dhis2-mapping.server";
import { exportAdx, exportDataValueSets, importDataValueSets, importPrincipal, MAX_DHIS2_IMPORT_BYTES } from "~/models/dhis2-exchange.server";
import { validateFhir } from "~/models/fhir-validate.server";
import { openApiDocument } from "~/models/openapi.server";
import { clock } from "~/utils/clock.server";
import * as dataValueSets from "~/routes/api.v1.dhis2.dataValueSets";
import * as adx from "~/routes/api.v1.dhis2.adx";
import * as measures from "~/routes/api.v1.fhir.Measure";
import * as measureReports from "~/routes/api.v1.fhir.MeasureReport";
import { DIALECTS } from "../helpers/db";
import { call, insertUser, makeRequest, useDemoDatabaseAt } from "../helpers/app";
import { fullMappingCsv, validateAdx } from "../helpers/dhis2";

const AS_OF = "2026-12-03T12:00:00.000Z";
const PKG = "ilp-nasional";
const MONTH = "2026-10";
const DISTRICT = "33.24";
const OTHER_DISTRICT = "33.28";
const PUSKESMAS = "P3324001";
/** Inside October's deadline. */
const IMPORT_AT = "2026-11-05T08:00:00.000Z";

function responseValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(structuredClone(openApiDocument()), "openapi");
  const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  return (apiPath: string, method: string, status: number, contentType: string, body: unknown) => {
    const pointer = `openapi#/paths/${esc(apiPath)}/${method}/responses/${status}/content/${esc(contentType)}/schema`;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    return validate(body) ? [] : (validate.errors ?? [{ message: "no schema" }]);
  };
}

describe.each(DIALECTS)("API exchange on %s", (kind) => {
  let handle: DbHandle;
  const secrets: Record<string, string> = {};
  const ids: Record<string, number> = {};
  let operatorId = 0;
  let check: ReturnType<typeof responseValidator>;

  async function token(label: string, by: number, spec: { role: string; unit: string; access: "read" | "write"; packages?: string[] }) {
    const r = await issueToken(
      { id: by, grants: await loadGrants(getDb(), by) },
      { name: `Token ${label}`, role: spec.role, unitCode: spec.unit, access: spec.access, packageKeys: spec.packages ?? [], forUsername: "", days: 90 },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    secrets[label] = r.secret;
    ids[label] = r.id;
  }

  /** Calls a route; the body (JSON or text) is checked against the OpenAPI document. */
  async function api(fn: unknown, opPath: string, search: string, label: string, options: { body?: BodyInit; type?: string; lang?: string } = {}) {
    const method = options.body !== undefined ? "POST" : "GET";
    const headers: Record<string, string> = { Authorization: `Bearer ${secrets[label]}` };
    if (options.body !== undefined) headers["Content-Type"] = options.type ?? "application/json";
    if (options.lang) headers["Accept-Language"] = options.lang;
    const res = (await call(fn, makeRequest(`/api/v1${opPath}${search}`, { method, headers, body: options.body, origin: null }))) as Response;
    expect(res).toBeInstanceOf(Response);
    const type = (res.headers.get("Content-Type") ?? "").split(";")[0];
    const text = await res.text();
    const body: unknown = type.endsWith("json") ? JSON.parse(text) : text;
    expect(check(opPath, method.toLowerCase(), res.status, type, body), `${opPath} ${res.status} ${text.slice(0, 300)}`).toEqual([]);
    return { status: res.status, type, body: body as Record<string, any>, text };
  }

  const pathOf = async (code: string) => (await getDb().selectFrom("org_unit").select("path").where("code", "=", code).executeTakeFirstOrThrow()).path;

  /** Counted reports' answers in a subtree for the month: unit|form → data. */
  async function countedData(root: string) {
    const rows = await getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.form_key", "s.data"])
      .where("s.package_key", "=", PKG)
      .where("s.period", "=", MONTH)
      .where("s.status", "in", ["submitted", "approved"])
      .where("o.path", "like", `${await pathOf(root)}%`)
      .execute();
    return new Map(rows.map((r) => [`${r.code}|${r.form_key}`, JSON.parse(r.data) as Record<string, unknown>]));
  }

  async function removeMonth(root: string) {
    const ids = getDb()
      .selectFrom("org_unit")
      .select("id")
      .where("path", "like", `${await pathOf(root)}%`);
    await getDb().deleteFrom("submission").where("period", "=", MONTH).where("org_unit_id", "in", ids).execute();
  }

  const counts = async () => ({
    submissions: Number(
      (
        await getDb()
          .selectFrom("submission")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    audit: Number(
      (
        await getDb()
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  beforeAll(async () => {
    ({ handle } = await useDemoDatabaseAt(kind, AS_OF, {}));
    const admin = await insertUser("api.nasional", [["national_admin", "ID"]]);
    operatorId = await insertUser("op.api.p3324001", [["puskesmas_operator", PUSKESMAS]]);
    expect((await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: Buffer.from(await fullMappingCsv(getDb(), PKG)) })).ok).toBe(
      true,
    );
    await token("verifier", admin, { role: "district_verifier", unit: DISTRICT, access: "read" });
    await token("write", admin, { role: "puskesmas_operator", unit: PUSKESMAS, access: "write" });
    await token("read", admin, { role: "puskesmas_operator", unit: PUSKESMAS, access: "read" });
    await token("otherPkg", admin, { role: "district_verifier", unit: DISTRICT, access: "read", packages: ["paket-lain"] });
    check = responseValidator();
  }, 300_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  it("exports dataValueSets and ADX of the token's area as the model does; outside it, 403 and nothing", async () => {
    const q = `?package=${PKG}&period=${MONTH}`;
    const json = await api(dataValueSets.loader, "/dhis2/dataValueSets", q, "verifier");
    expect(json.status).toBe(200);
    const model = await exportDataValueSets({ userId: null, scopePaths: [await pathOf(DISTRICT)] }, { packageKey: PKG, period: MONTH, unitCode: DISTRICT });
    expect(json.body).toEqual(JSON.parse(JSON.stringify(model.json)));
    expect(json.body.dataValues.length).toBeGreaterThan(100);
    const dhis2Period = await api(dataValueSets.loader, "/dhis2/dataValueSets", `?package=${PKG}&period=202610&unit=${PUSKESMAS}`, "verifier");
    expect(dhis2Period.body.dataValues.length).toBeGreaterThan(0);
    expect(dhis2Period.body.dataValues.length).toBeLessThan(json.body.dataValues.length);

    const xml = await api(adx.loader, "/dhis2/adx", q, "verifier");
    expect(xml.status).toBe(200);
    expect(xml.type).toBe("application/adx+xml");
    const verdict = await validateAdx(xml.text);
    expect(verdict.errors).toEqual([]);
    expect(verdict.valid).toBe(true);

    for (const [fn, opPath] of [
      [dataValueSets.loader, "/dhis2/dataValueSets"],
      [adx.loader, "/dhis2/adx"],
    ] as const) {
      const outside = await api(fn, opPath, `${q}&unit=${OTHER_DISTRICT}`, "verifier", { lang: "en" });
      expect(outside.status).toBe(403);
      expect(outside.type).toBe("application/problem+json");
      expect(outside.text).not.toMatch(/dataValue/);
      expect((await api(fn, opPath, q, "otherPkg")).status).toBe(403);
      const missing = await api(fn, opPath, "", "verifier");
      expect(missing.status).toBe(422);
      expect(missing.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["#/query/package", "#/query/period"]);
    }
  });

  it("answers a query to fix with a 4xx problem in the caller's language, never a 500", async () => {
    for (const [fn, opPath] of [
      [dataValueSets.loader, "/dhis2/dataValueSets"],
      [adx.loader, "/dhis2/adx"],
    ] as const) {
      for (const search of [
        `?package=${PKG}&period=bukan-periode`,
        `?package=${PKG}&period=2026-13`,
        `?package=tidak-ada&period=${MONTH}`,
        `?package=${PKG}&period=${MONTH}&unit=X999`,
      ]) {
        const res = await api(fn, opPath, search, "verifier", { lang: "en" });
        expect(res.status, `${opPath}${search}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${opPath}${search}`).toBeLessThan(500);
        expect(res.type).toBe("application/problem+json");
      }
    }
    for (const search of [`?period=bukan-periode`, `?period=${MONTH}&area=X999`, `?period=${MONTH}&level=planet`, `?period=${MONTH}&package=tidak-ada`]) {
      const res = await api(measureReports.loader, "/fhir/MeasureReport", search, "verifier");
      expect(res.status, search).toBeGreaterThanOrEqual(400);
      expect(res.status, search).toBeLessThan(500);
    }
    const english = await api(adx.loader, "/dhis2/adx", `?package=${PKG}&period=${MONTH}&unit=${OTHER_DISTRICT}`, "verifier", { lang: "en" });
    const indonesian = await api(adx.loader, "/dhis2/adx", `?package=${PKG}&period=${MONTH}&unit=${OTHER_DISTRICT}`, "verifier");
    expect(english.body.detail).not.toBe(indonesian.body.detail);
  });

  it("serves FHIR Measure and MeasureReport searchsets that validate; outside the area or without a scorecard role, 403", async () => {
    const m = await api(measures.loader, "/fhir/Measure", `?package=${PKG}`, "verifier");
    expect(m.status).toBe(200);
    expect(m.type).toBe("application/fhir+json");
    expect(validateFhir(m.body).issues.filter((i) => i.severity === "error" || i.severity === "fatal")).toEqual([]);
    expect(m.body.total).toBeGreaterThan(0);
    expect((await api(measures.loader, "/fhir/Measure", `?package=tidak-ada`, "verifier")).status).toBe(404);
    expect((await api(measures.loader, "/fhir/Measure", `?package=${PKG}&version=x`, "verifier")).status).toBe(422);

    const r = await api(measureReports.loader, "/fhir/MeasureReport", `?package=${PKG}&period=${MONTH}&area=${DISTRICT}`, "verifier");
    expect(r.status).toBe(200);
    expect(validateFhir(r.body).valid).toBe(true);
    const reports = r.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === "match");
    expect(reports.length).toBe(r.body.total);
    expect(reports.every((e: { resource: { resourceType: string } }) => e.resource.resourceType === "MeasureReport")).toBe(true);
    expect(reports.length).toBeGreaterThan(0);

    const outside = await api(measureReports.loader, "/fhir/MeasureReport", `?period=${MONTH}&area=${OTHER_DISTRICT}`, "verifier");
    expect(outside.status).toBe(403);
    expect(outside.text).not.toMatch(/MeasureReport/);
    expect((await api(measureReports.loader, "/fhir/MeasureReport", `?period=${MONTH}`, "write")).status).toBe(403);
    expect((await api(measureReports.loader, "/fhir/MeasureReport", `?period=${MONTH}`, "otherPkg")).status).toBe(403);
    expect((await api(measureReports.loader, "/fhir/MeasureReport", "", "verifier")).status).toBe(422);
  });

  it("imports through the API exactly what the model's import stores, with audit rows naming the token", async () => {
    const body = JSON.stringify((await exportDataValueSets({ userId: null, scopePaths: null }, { packageKey: PKG, period: MONTH, unitCode: PUSKESMAS })).json);
    const source = await countedData(PUSKESMAS);
    expect(source.size).toBeGreaterThan(0);
    const auditBefore = (await counts()).audit;
    await removeMonth(PUSKESMAS);
    clock.set(IMPORT_AT);
    try {
      const res = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", { body });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: "SUCCESS", package: PKG, reports: source.size });
      const viaApi = await countedData(PUSKESMAS);
      expect(viaApi).toEqual(source);
      const audit = await getDb()
        .selectFrom("audit_log")
        .select(["action", "api_token_id"])
        .where("id", ">", 0)
        .orderBy("id", "desc")
        .limit(source.size)
        .execute();
      expect(audit.every((a) => a.action === "submission.dhis2_import" && a.api_token_id === ids.write)).toBe(true);
      expect((await counts()).audit).toBe(auditBefore + source.size);

      // The same body through the model (as the CLI imports it, as the operator): the same stored answers, no token on its audit rows.
      await removeMonth(PUSKESMAS);
      const operator = { id: operatorId, grants: await loadGrants(getDb(), operatorId) };
      const viaModel = await importDataValueSets(importPrincipal(operator), { body, packageKey: PKG });
      expect(viaModel).toMatchObject({ status: "SUCCESS", reports: source.size });
      expect(await countedData(PUSKESMAS)).toEqual(viaApi);
      const modelAudit = await getDb().selectFrom("audit_log").select(["api_token_id"]).orderBy("id", "desc").limit(source.size).execute();
      expect(modelAudit.every((a) => a.api_token_id === null)).toBe(true);
    } finally {
      clock.set(AS_OF);
    }
  });

  it("refuses read tokens, values outside the area, oversized and malformed bodies, storing nothing", async () => {
    clock.set(IMPORT_AT);
    try {
      const mine = (await exportDataValueSets({ userId: null, scopePaths: null }, { packageKey: PKG, period: MONTH, unitCode: PUSKESMAS })).json;
      const one = mine.dataValues.find((v) => /^\d+$/.test(v.value))!;
      const changed = JSON.stringify({ dataValues: [{ ...one, value: String(Number(one.value) + 1) }] });
      const before = await counts();
      const stored = await countedData(PUSKESMAS);
      const nothingStored = async () => {
        expect(await counts()).toEqual(before);
        expect(await countedData(PUSKESMAS)).toEqual(stored);
      };

      const readOnly = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "read", { body: changed });
      expect(readOnly.status).toBe(403);
      expect(readOnly.body.type).toBe("urn:pantau:problem:read-only-token");
      await nothingStored();

      const theirs = (await exportDataValueSets({ userId: null, scopePaths: null }, { packageKey: PKG, period: MONTH, unitCode: OTHER_DISTRICT })).json;
      const foreign = theirs.dataValues.find((v) => /^\d+$/.test(v.value))!;
      const outside = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", {
        body: JSON.stringify({
          dataValues: [
            { ...one, value: String(Number(one.value) + 1) },
            { ...foreign, value: String(Number(foreign.value) + 1) },
          ],
        }),
        lang: "en",
      });
      expect(outside.status).toBe(403);
      expect(outside.body.errors).toEqual([expect.objectContaining({ pointer: "/dataValues/1" })]);
      await nothingStored();

      const invalid = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", {
        body: JSON.stringify({ dataValues: [{ ...one, value: "dua belas" }] }),
      });
      expect(invalid.status).toBe(409);
      expect(invalid.body.errors[0].pointer).toBe("/dataValues/0");
      await nothingStored();

      const big = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", { body: " ".repeat(MAX_DHIS2_IMPORT_BYTES + 1) });
      expect(big.status).toBe(413);
      expect(big.body.detail).toMatch(/10 MB/);
      const broken = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", { body: "{not json" });
      expect(broken.status).toBe(400);
      const shape = await api(dataValueSets.action, "/dhis2/dataValueSets", `?package=${PKG}`, "write", { body: JSON.stringify({ values: [] }) });
      expect(shape.status).toBe(400);
      const form = await api(dataValueSets.action, "/dhis2/dataValueSets", "", "write", { body: "a=1", type: "application/x-www-form-urlencoded" });
      expect(form.status).toBe(415);
      await nothingStored();
    } finally {
      clock.set(AS_OF);
    }
  });
  it("imports ADX through the API as the dataValueSets import does; read tokens, other areas, bad XML, a DOCTYPE, wrong types and oversized bodies refused, nothing stored", async () => {
    clock.set(IMPORT_AT);
    try {
      const all = { userId: null, scopePaths: null };
      const xml = (await exportAdx(all, { packageKey: PKG, period: MONTH, unitCode: PUSKESMAS })).xml;
      const stored = await countedData(PUSKESMAS);
      // One yes/no answer flipped: a change the form's rules allow whatever the numbers are.
      const [unitCode, form, field] = (() => {
        for (const [key, data] of stored) {
          const f = Object.entries(data).find(([, v]) => typeof v === "boolean");
          if (f) return [...key.split("|"), f[0]] as [string, string, string];
        }
        throw new Error("no yes/no answer");
      })();
      const mapping = await getDb()
        .selectFrom("dhis2_mapping")
        .select("dhis2_id")
        .where("package_key", "=", PKG)
        .where("kind", "=", "field")
        .where("form_key", "=", form)
        .where("pantau_key", "=", field)
        .executeTakeFirstOrThrow();
      const was = stored.get(`${unitCode}|${form}`)![field] as boolean;
      const flip = (text: string) =>
        text.replace(new RegExp(`(dataElement="${mapping.dhis2_id}"[^>]*value=")([01])"`), (_m, a: string) => `${a}${was ? "0" : "1"}"`);
      const changed = flip(xml);
      expect(changed).not.toBe(xml);
      const before = await counts();
      const nothingStored = async () => {
        expect(await counts()).toEqual(before);
        expect(await countedData(PUSKESMAS)).toEqual(stored);
      };
      const post = (label: string, body: string, options: { type?: string; lang?: string } = {}) =>
        api(adx.action, "/dhis2/adx", `?package=${PKG}`, label, { body, type: options.type ?? "application/adx+xml", lang: options.lang });

      expect((await post("read", changed)).status).toBe(403);
      await nothingStored();
      const theirs = (await exportAdx(all, { packageKey: PKG, period: MONTH, unitCode: OTHER_DISTRICT })).xml;
      const outside = await post("write", changed.replace("</adx>", theirs.slice(theirs.indexOf("<group")).replace(/<\/adx>\s*$/, "") + "</adx>"));
      expect(outside.status).toBe(403);
      expect(outside.body.errors[0].pointer).toMatch(/^\/group\/\d+\/dataValue\/\d+$/);
      const malformed = await post("write", changed.replace("</adx>", ""), { lang: "en" });
      expect(malformed.status).toBe(400);
      expect(malformed.body.detail).toMatch(/not well-formed XML/);
      const doctype = await post(
        "write",
        `<?xml version="1.0"?><!DOCTYPE adx [<!ENTITY x SYSTEM "file:///etc/passwd">]>${changed.replace(/^<\?xml[^>]*>/, "")}`,
      );
      expect(doctype.status).toBe(400);
      expect(doctype.body.detail).toMatch(/DOCTYPE/);
      expect((await post("write", changed, { type: "application/json" })).status).toBe(415);
      const big = await post("write", " ".repeat(MAX_DHIS2_IMPORT_BYTES + 1));
      expect(big.status).toBe(413);
      expect(big.body.detail).toMatch(/10 MB/);
      await nothingStored();

      const res = await post("write", changed, { type: "application/xml" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: "SUCCESS", package: PKG, reports: 1, importCount: { imported: 0, updated: 1 } });
      expect((await countedData(PUSKESMAS)).get(`${unitCode}|${form}`)![field]).toBe(!was);
      const audit = await getDb().selectFrom("audit_log").select(["action", "api_token_id"]).orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
      expect(audit).toEqual({ action: "submission.dhis2_import", api_token_id: ids.write });
    } finally {
      clock.set(AS_OF);
    }
  });
});
