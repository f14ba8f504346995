/**
 * The product's acceptance journey over real HTTP against the built app (docs/api.md,
 * docs/dhis2.md, docs/fhir.md): a script holding tokens created with the CLI submits a whole month
 * of reports for one Puskesmas through the API — every monthly form its district's published
 * packages expect from a Puskesmas, answers built from each form's JSON Schema as the API serves
 * it — reads the district's scorecard back and finds that Puskesmas's cells computed from the
 * submitted numbers, then exports the same month as dataValueSets, ADX (checked against the IHE
 * ADX schema) and FHIR (checked with validateFhir), and posts the dataValueSets back (nothing new). The demo is seeded as of 10 March 2026
 * (PANTAU_NOW), so March 2026 is open for reports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "~/db/db.server";
import { importMappingCsv } from "~/models/dhis2-mapping.server";
import { measureUrl, organizationId } from "~/models/fhir.server";
import { validateFhir } from "~/models/fhir-validate.server";
import { clock } from "~/utils/clock.server";
import { fullMappingCsv, validateAdx } from "../helpers/dhis2";
import { profilAnswers } from "../helpers/ilp-profil";
import { cliOk as cli } from "../helpers/cli";
import { useE2E } from "./harness";

const NOW = "2026-03-10T08:00:00.000Z";
const PERIOD = "2026-03";
const DISTRICT = "13.73";
const PKG = "ilp-nasional";
const e2e = useE2E({ name: "api-exchange", browser: false, env: { PANTAU_NOW: NOW } });

let handle: DbHandle | null = null;
let writeToken = "";
let readToken = "";
let unit = "";

type Json = Record<string, any>; // JSON answers of the API

beforeAll(async () => {
  const { openDb, setDbHandle, getDb } = await import("~/db/db.server");
  handle = openDb(e2e.app.databaseUrl);
  setDbHandle(handle);
  clock.set(NOW);
  // A Sawahlunto Puskesmas with no report of its own for March yet.
  const taken = new Set((await getDb().selectFrom("submission").select("org_unit_id").where("period", "=", PERIOD).execute()).map((r) => r.org_unit_id));
  const units = await getDb()
    .selectFrom("org_unit")
    .select(["id", "code"])
    .where("level", "=", "puskesmas")
    .where("code", "like", "P1373%")
    .orderBy("code")
    .execute();
  unit = units.find((u) => !taken.has(u.id))!.code;
  // The national admin's DHIS2 mapping of the package (docs/dhis2.md), as the exports need one.
  expect((await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: Buffer.from(await fullMappingCsv(getDb(), PKG)) })).ok).toBe(
    true,
  );
  const create = async (...args: string[]) => (await cli("api", "token", "create", "--as", "admin.sawahlunto", ...args))[1];
  writeToken = await create("--name", "SIMPUS bulanan", "--role", "puskesmas_operator", "--unit", unit, "--access", "write");
  readToken = await create("--name", "Dasbor Dinkes", "--role", "district_verifier", "--unit", DISTRICT, "--access", "read");
}, 120_000);
afterAll(async () => {
  clock.set(null);
  await handle?.destroy();
});

const url = (p: string) => `${e2e.app.baseUrl}/api/v1${p}`;

async function get(token: string, p: string): Promise<{ status: number; type: string; text: string; json: Json | null }> {
  const res = await fetch(url(p), { headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  const type = (res.headers.get("content-type") ?? "").split(";")[0];
  return { status: res.status, type, text, json: type.endsWith("json") ? (JSON.parse(text) as Json) : null };
}

/** The integrator's side: a value for every answer a form's JSON Schema asks for (computed ones left out). */
function answersFromSchema(schema: Json, n: number): Json {
  const data: Json = {};
  for (const [key, prop] of Object.entries(schema.properties as Record<string, Json>)) {
    if (prop.readOnly) continue;
    if (prop.type === "integer" || prop.type === "number") data[key] = Math.min(prop.maximum ?? n, Math.max(prop.minimum ?? 0, n));
    else if (prop.type === "boolean") data[key] = true;
    else if (prop.type === "string" && prop.oneOf) data[key] = prop.oneOf[prop.oneOf.length - 1].const;
    else if (prop.type === "string" && prop.format === "date") data[key] = `${PERIOD}-05`;
    else if (prop.type === "string") data[key] = "Dikirim lewat API";
    else if (prop.type === "array") data[key] = [prop.items.oneOf[0].const];
  }
  return data;
}

/** The Puskesmas's row of the district's scorecard for the month. */
async function scorecardRow(): Promise<Json> {
  const res = await get(readToken, `/scorecards?template=${PKG}&period=${PERIOD}&area=${DISTRICT}&level=puskesmas`);
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return (res.json!.rows as Json[]).find((r) => r.kode === unit)!;
}

describe("a month of reports through the API, read back and exported", () => {
  const submitted = new Map<string, Json>();

  it("submits every monthly form the Puskesmas reports, built from the forms' schemas", async () => {
    const before = await scorecardRow();
    expect(before.ilp_posyandu).toBeNull();
    const packages = (await get(writeToken, "/packages")).json!.packages as Json[];
    expect(packages.map((p) => p.key)).toContain(PKG);
    for (const pkg of packages) {
      const forms = (await get(writeToken, `/packages/${pkg.key}/forms?unit=${unit}`)).json!.forms as Json[];
      // Monthly forms a Puskesmas reports (no reporting level means the Puskesmas), not only for some groups.
      const mine = forms.filter(
        (f) => f.periodType === "month" && (!f.definition.reportingLevels || f.definition.reportingLevels.includes("puskesmas")) && !f.definition.appliesTo,
      );
      for (const form of mine) {
        let data = answersFromSchema(form.schema, 7);
        // The profile's counts hang together by rules the schema cannot say (parts within wholes): the operator's own numbers.
        if (form.key === "ilp_profil") data = { ...data, ...profilAnswers() };
        const res = await fetch(url("/submissions"), {
          method: "POST",
          headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
          body: JSON.stringify({ unit, form: form.key, period: PERIOD, intent: "submit", data, confirmWarnings: true }),
        });
        const body = await res.json();
        expect(res.status, `${form.key}: ${JSON.stringify(body).slice(0, 600)}`).toBe(200);
        expect(body).toMatchObject({ unit, form: form.key, status: "submitted" });
        submitted.set(form.key, data);
      }
    }
    expect([...submitted.keys()].sort()).toEqual(expect.arrayContaining(["ilp_profil", "spm_bulanan"]));
  });

  it("reads the district's scorecard back with the Puskesmas's cells computed from the submitted numbers", async () => {
    const row = await scorecardRow();
    const profil = submitted.get("ilp_profil")!;
    const pct = (a: number, b: number) => Math.round((1000 * a) / b) / 10;
    expect(row.ilp_desa_pustu).toBe(pct(profil.desa_pustu_ilp, profil.jumlah_desa));
    expect(row.ilp_posyandu).toBe(pct(profil.posyandu_ilp, profil.jumlah_posyandu));
    expect(row.ilp_kader_terlatih).toBe(pct(profil.kader_purwa + profil.kader_madya + profil.kader_utama, profil.jumlah_kader));
    // Sawahlunto's own indicator over its own field, filled from the schema the API served.
    expect(row.lokal_posyandu_rme).toBe(pct(profil.lokal_posyandu_ilp_rme, profil.posyandu_ilp));
  });

  it("exports the month as dataValueSets, ADX and FHIR, each valid", async () => {
    const q = `?package=${PKG}&period=${PERIOD}&unit=${unit}`;
    const dvs = await get(readToken, `/dhis2/dataValueSets${q}`);
    expect(dvs.status, dvs.text.slice(0, 300)).toBe(200);
    expect(dvs.type).toBe("application/json");
    const values = dvs.json!.dataValues as Json[];
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(v).toMatchObject({
        dataElement: expect.stringMatching(/^[A-Za-z][A-Za-z0-9]{10}$/),
        period: "202603",
        orgUnit: expect.any(String),
        value: expect.any(String),
      });
    }
    // One org unit (the Puskesmas), and the SPM counts as sent.
    expect(new Set(values.map((v) => v.orgUnit)).size).toBe(1);
    const spm = submitted.get("spm_bulanan")!;
    expect(values.filter((v) => v.value === String(spm.spm01_bumil_k6)).length).toBeGreaterThan(0);

    // The same set posted back by the Puskesmas's write token (through the server's body limits and request guard): nothing new to store.
    const back = await fetch(url(`/dhis2/dataValueSets?package=${PKG}`), {
      method: "POST",
      headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json" },
      body: dvs.text,
    });
    const summary = await back.json();
    expect(back.status, JSON.stringify(summary).slice(0, 600)).toBe(200);
    expect(summary).toMatchObject({ status: "SUCCESS", reports: 0, importCount: { imported: 0, updated: 0, ignored: values.length } });
    const readOnly = await fetch(url(`/dhis2/dataValueSets?package=${PKG}`), {
      method: "POST",
      headers: { Authorization: `Bearer ${readToken}`, "Content-Type": "application/json" },
      body: dvs.text,
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers.get("content-type")).toMatch(/^application\/problem\+json/);

    const adx = await get(readToken, `/dhis2/adx${q}`);
    expect(adx.status).toBe(200);
    expect(adx.type).toBe("application/adx+xml");
    const verdict = await validateAdx(adx.text);
    expect(verdict.errors).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(adx.text).toContain('period="2026-03-01/P1M"');

    const fhir = await get(readToken, `/fhir/MeasureReport?package=${PKG}&period=${PERIOD}&area=${DISTRICT}&level=puskesmas`);
    expect(fhir.status, fhir.text.slice(0, 300)).toBe(200);
    expect(fhir.type).toBe("application/fhir+json");
    const checked = validateFhir(fhir.json!);
    expect(checked.issues.filter((i) => i.severity === "error" || i.severity === "fatal")).toEqual([]);
    const ours = (fhir.json!.entry as Json[])
      .map((e) => e.resource)
      .filter((r) => r.resourceType === "MeasureReport" && r.reporter.reference === `Organization/${organizationId(unit)}`);
    expect(ours.length).toBeGreaterThan(0);
    const posyandu = ours.find((r) => r.measure.startsWith(`${measureUrl(PKG, "ilp_posyandu")}|`))!;
    const profil = submitted.get("ilp_profil")!;
    expect(posyandu.group[0].measureScore.value).toBeCloseTo((100 * profil.posyandu_ilp) / profil.jumlah_posyandu, 6);
    const measures = await get(readToken, `/fhir/Measure?package=${PKG}`);
    expect(measures.status).toBe(200);
    expect(validateFhir(measures.json!).valid).toBe(true);
  });
});
