/**
 * The API over real HTTP against the built app (docs/api.md): the README's example — a token from
 * the CLI, a report submitted as JSON with an Idempotency-Key, the scorecard read with a read
 * token — through Express's middleware (body limits, request guard, CSRF) and Remix. The demo is
 * seeded as of 10 March 2026 (PANTAU_NOW), so March 2026 is open for reports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "~/db/db.server";
import { TOTAL_ROW_CODE } from "@engine";
import { clock } from "~/utils/clock.server";
import { profilAnswers } from "../helpers/ilp-profil";
import { cliOk as cli } from "../helpers/cli";
import { useE2E } from "./harness";

const NOW = "2026-03-10T08:00:00.000Z";
const PERIOD = "2026-03";
const e2e = useE2E({ name: "api-http", browser: false, env: { PANTAU_NOW: NOW } });

let handle: DbHandle | null = null;
let writeToken = "";
let readToken = "";
let unit = "";

beforeAll(async () => {
  const { openDb, setDbHandle, getDb } = await import("~/db/db.server");
  handle = openDb(e2e.app.databaseUrl);
  setDbHandle(handle);
  clock.set(NOW);
  // A Sawahlunto Puskesmas without an ilp_profil report for March yet.
  const taken = (await getDb().selectFrom("submission").select("org_unit_id").where("form_key", "=", "ilp_profil").where("period", "=", PERIOD).execute()).map(
    (r) => r.org_unit_id,
  );
  const free = await getDb()
    .selectFrom("org_unit")
    .select(["id", "code"])
    .where("level", "=", "puskesmas")
    .where("code", "like", "P1373%")
    .orderBy("code")
    .execute();
  unit = free.find((u) => !taken.includes(u.id))!.code;
  writeToken = (
    await cli(
      "api",
      "token",
      "create",
      "--as",
      "admin.sawahlunto",
      "--name",
      "SIMPUS uji",
      "--role",
      "puskesmas_operator",
      "--unit",
      unit,
      "--access",
      "write",
      "--packages",
      "ilp-nasional",
    )
  )[1];
  readToken = (
    await cli(
      "api",
      "token",
      "create",
      "--as",
      "admin.sawahlunto",
      "--name",
      "Dasbor uji",
      "--role",
      "district_verifier",
      "--unit",
      "13.73",
      "--access",
      "read",
    )
  )[1];
}, 120_000);
afterAll(async () => {
  clock.set(null);
  await handle?.destroy();
});

const url = (p: string) => `${e2e.app.baseUrl}/api/v1${p}`;

describe("the API over HTTP", () => {
  it("serves the OpenAPI document without a token", async () => {
    const res = await fetch(url("/openapi.json"));
    expect(res.status).toBe(200);
    expect((await res.json()).openapi).toBe("3.1.0");
  });

  it("submits a report as JSON once per Idempotency-Key, and reads it back", async () => {
    const key = crypto.randomUUID();
    const send = () =>
      fetch(url("/submissions"), {
        method: "POST",
        headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ unit, form: "ilp_profil", period: PERIOD, intent: "submit", data: profilAnswers() }),
      });
    const first = await send();
    const body = await first.json();
    expect(first.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ unit, status: "submitted", revision: 1 });
    const again = await send();
    expect(await again.json()).toEqual(body);
    const read = await fetch(url(`/submissions/${body.id}`), { headers: { Authorization: `Bearer ${writeToken}` } });
    expect((await read.json()).data).toMatchObject({ jumlah_desa: 10 });
  });

  it("refuses without a token, with a session cookie, invalid payloads and oversized bodies, as problem documents", async () => {
    const anonymous = await fetch(url("/org-units"), { headers: { Cookie: "pantau_session=whatever" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const invalid = await fetch(url("/submissions"), {
      method: "POST",
      headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), "Accept-Language": "en" },
      body: JSON.stringify({ unit, form: "ilp_profil", period: PERIOD, data: profilAnswers({ jumlah_desa: "ten" }), baseRevision: 1 }),
    });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).errors.map((e: { pointer: string }) => e.pointer)).toContain("/data/jumlah_desa");
    const big = JSON.stringify({ unit, data: { x: "a".repeat(100 * 1024) } });
    const noToken = await fetch(url("/submissions"), { method: "POST", headers: { "Content-Type": "application/json" }, body: big });
    expect(noToken.status).toBe(413);
    expect((await noToken.json()).type).toBe("urn:pantau:problem:too-large");
    const withToken = await fetch(url("/submissions"), {
      method: "POST",
      headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: big,
    });
    expect(withToken.status).toBe(422); // read in full, then refused field by field
    const form = await fetch(url("/submissions"), {
      method: "POST",
      headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    expect(form.status).toBe(415);
    const page = await fetch(`${e2e.app.baseUrl}/forms`, { headers: { Authorization: `Bearer ${writeToken}` }, redirect: "manual" });
    expect(page.status).toBe(401);
  });

  it("reads the scorecard with a read token, the page's parameters and JSON rows", async () => {
    const res = await fetch(url(`/scorecards?template=ilp-nasional&period=2026-02&level=puskesmas`), {
      headers: { Authorization: `Bearer ${readToken}`, "Accept-Language": "en" },
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    expect(body.rows.length).toBeGreaterThan(0);
    // Every row lies in the token's area, as its org-unit list says (and the total row).
    const area = await (await fetch(url("/org-units"), { headers: { Authorization: `Bearer ${readToken}` } })).json();
    const codes = new Set([TOTAL_ROW_CODE, ...area.units.map((u: { code: string }) => u.code)]);
    expect(body.rows.filter((r: { kode: string }) => !codes.has(r.kode)).map((r: { kode: string }) => r.kode)).toEqual([]);
  });
});
