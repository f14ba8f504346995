/**
 * Server autosave of the fill page on SQLite and PostgreSQL: the autosave
 * route stores a draft with the same validation, idempotency and revision check as "Simpan
 * draf"; it never withdraws a submitted report; it answers only the operator of the Puskesmas.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as autosave from "~/routes/forms.$formKey.$period_.autosave";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";

const FORM = "ilp_profil";
const SUNGAI_DURIAN = "P1373001";
const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));

describe.each(DIALECTS)("server autosave on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let n = 0;
  const key = () => `autosave-${kind}-${Date.now()}-${++n}`.padEnd(24, "x");

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    expect((await importOverlay(readJson("seeds/overlays/1373-kota-sawahlunto.json"), { userId: null })).ok).toBe(true);
    cookie.op = await cookieFor(await insertUser("op.sungaidurian.as", [["puskesmas_operator", SUNGAI_DURIAN]]));
    cookie.ver = await cookieFor(await insertUser("ver.sawahlunto.as", [["district_verifier", "13.73"]]));
  });
  afterAll(() => handle.destroy());

  const url = `/forms/${FORM}/${PERIOD}/autosave`;
  async function save(who: string, data: unknown, baseRevision: number, idempotencyKey = key()) {
    const form = { data: JSON.stringify(data), idempotencyKey, baseRevision: String(baseRevision) };
    const res = (await call(autosave.action, makeRequest(url, { cookie: cookie[who], form }), { formKey: FORM, period: PERIOD })) as Response;
    return { status: res.status, body: (await res.json()) as any };
  }
  const stored = () =>
    getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.status", "s.revision", "s.data"])
      .where("o.code", "=", SUNGAI_DURIAN)
      .where("s.form_key", "=", FORM)
      .where("s.period", "=", PERIOD)
      .executeTakeFirst();

  it("stores a partial draft as JSON, once per key, and moves the revision on", async () => {
    const first = await save("op", { jumlah_desa: 10 }, 0);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, status: "draft", revision: 1 });
    // A retry with the same key (lost answer) stores nothing again.
    const k = key();
    const second = await save("op", { jumlah_desa: 11 }, 1, k);
    const replay = await save("op", { jumlah_desa: 11 }, 1, k);
    expect(replay.body).toEqual(second.body);
    expect((await stored())?.revision).toBe(2);
    expect(JSON.parse((await stored())!.data)).toMatchObject({ jumlah_desa: 11 });
  });

  it("refuses invalid answers and a stale revision with the page's messages, keeping the stored draft", async () => {
    const bad = await save("op", { jumlah_desa: "banyak" }, 2);
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors.jumlah_desa).toBeTruthy();
    const stale = await save("op", { jumlah_desa: 12 }, 1);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("CONFLICT");
    expect(JSON.parse((await stored())!.data)).toMatchObject({ jumlah_desa: 11 });
  });

  it("never withdraws a submitted report", async () => {
    const form = { intent: "submit", data: JSON.stringify(profilAnswers()), idempotencyKey: key(), baseRevision: "2" };
    const submitted = await call(fill.action, makeRequest(`/forms/${FORM}/${PERIOD}`, { cookie: cookie.op, form }), { formKey: FORM, period: PERIOD });
    expect(payloadOf(submitted)).toMatchObject({ ok: true, status: "submitted", revision: 3 });
    const res = await save("op", { ...profilAnswers(), jumlah_desa: 9 }, 3);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("NOT_DRAFT");
    expect(await stored()).toMatchObject({ status: "submitted", revision: 3 });
  });

  it("answers only the operator of the Puskesmas", async () => {
    const anonymous = (await call(autosave.action, makeRequest(url, { form: { data: "{}", idempotencyKey: key(), baseRevision: "0" } }), {
      formKey: FORM,
      period: PERIOD,
    })) as Response;
    expect([302, 401]).toContain(anonymous.status);
    const verifier = await call(autosave.action, makeRequest(url, { cookie: cookie.ver, form: { data: "{}", idempotencyKey: key(), baseRevision: "0" } }), {
      formKey: FORM,
      period: PERIOD,
    });
    expect(statusOf(verifier)).toBe(403);
    // Another Puskesmas named in ?unit= is not the operator's.
    const other = await call(
      autosave.action,
      makeRequest(`${url}?unit=P1373002`, { cookie: cookie.op, form: { data: "{}", idempotencyKey: key(), baseRevision: "0" } }),
      { formKey: FORM, period: PERIOD },
    );
    expect(statusOf(other)).toBe(403);
  });
});
