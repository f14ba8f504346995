/**
 * Data entry and verification on SQLite and PostgreSQL: every action of the fill
 * page and the verifier's desk, and every refusal — other Puskesmas, smuggled scope fields,
 * invalid data, future period, unconfirmed warnings, locked (approved) reports, duplicate and
 * parallel submits (docs/security.md item 17), stale revisions, verifiers of another district.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as formsIndex from "~/routes/forms._index";
import * as detail from "~/routes/verification.$id";
import * as queue from "~/routes/verification._index";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf, unitsOfPuskesmas } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";

const FORM = "ilp_profil";
const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
const FUTURE = `${now.getUTCFullYear() + 1}-01`;
const SUNGAI_DURIAN = "P1373001";

/** A complete, valid ilp_profil report (no rule warnings). */
const validAnswers = () => profilAnswers();

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
}

describe.each(DIALECTS)("data entry and verification on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let keyCounter = 0;
  const newKey = () => `test-key-${kind}-${Date.now()}-${++keyCounter}`.padEnd(20, "x");

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    const pkg = await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null });
    expect(pkg.ok).toBe(true);
    for (const file of ["1373-kota-sawahlunto.json", "3324-kabupaten-kendal.json"]) {
      expect((await importOverlay(readJson(`seeds/overlays/${file}`), { userId: null })).ok).toBe(true);
    }
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    cookie.opOther = await cookieFor(await insertUser("op.kolokmudik", [["puskesmas_operator", "P1373002"]]));
    cookie.opTwo = await cookieFor(
      await insertUser("op.dua", [
        ["puskesmas_operator", "P1373003"],
        ["puskesmas_operator", "P1373004"],
      ]),
    );
    cookie.ver = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", "13.73"]]));
    cookie.verKendal = await cookieFor(await insertUser("ver.kendal", [["district_verifier", "33.24"]]));
    cookie.opKendal = await cookieFor(await insertUser("op.plantungan", [["puskesmas_operator", puskesmasCode("Plantungan")]]));
  });
  afterAll(() => handle.destroy());

  const url = (unit?: string, period = PERIOD, form = FORM) => `/forms/${form}/${period}${unit ? `?unit=${unit}` : ""}`;
  const params = (period = PERIOD, form = FORM) => ({ formKey: form, period });

  async function load(who: string, unit?: string, period = PERIOD) {
    return call(fill.loader, makeRequest(url(unit, period), { cookie: cookie[who] }), params(period));
  }

  async function post(
    who: string,
    fields: { intent: string; data: unknown; key?: string; baseRevision?: number; confirm?: boolean; extra?: Record<string, string> },
    unit?: string,
    period = PERIOD,
  ) {
    const form: Record<string, string> = {
      intent: fields.intent,
      data: JSON.stringify(fields.data),
      idempotencyKey: fields.key ?? newKey(),
      baseRevision: String(fields.baseRevision ?? 0),
      ...(fields.confirm ? { confirmWarnings: "1" } : {}),
      ...fields.extra,
    };
    return call(fill.action, makeRequest(url(unit, period), { cookie: cookie[who], form }), params(period));
  }

  async function stored(unitCode = SUNGAI_DURIAN) {
    return getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.status", "s.revision", "s.data", "s.return_note", "s.org_unit_id"])
      .where("o.code", "=", unitCode)
      .where("s.form_key", "=", FORM)
      .where("s.period", "=", PERIOD)
      .execute();
  }

  async function auditCount(action: string) {
    const rows = await getDb().selectFrom("audit_log").select("id").where("action", "=", action).execute();
    return rows.length;
  }

  it("lists the operator's forms with links for the own Puskesmas and its own Pustu and Posyandu only", async () => {
    const res = await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.op }));
    expect(statusOf(res)).toBe(200);
    const rows = payloadOf<{ rows: Array<{ unitCode: string; formKey: string; period: string; status: string }> }>(res).rows;
    expect(rows.some((r) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === PERIOD && r.status === "missing")).toBe(true);
    // A Puskesmas operator also enters for the Pustu and Posyandu under it (decision 035): the
    // list covers exactly that subtree of the seeded tree, never another Puskesmas' units.
    const own = await unitsOfPuskesmas(SUNGAI_DURIAN);
    expect(new Set(own.map((u) => u.level))).toEqual(new Set(["puskesmas", "pustu", "posyandu"]));
    expect(new Set(rows.map((r) => r.unitCode))).toEqual(new Set(own.map((u) => u.code)));
    expect(statusOf(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.ver })))).toBe(403);
  });

  it("renders the district's effective form (overlay field included) with a fresh idempotency key", async () => {
    const first = payloadOf(await load("op"));
    const second = payloadOf(await load("op"));
    expect(first.schema.properties).toHaveProperty("lokal_posyandu_ilp_rme");
    expect(first.uiSchema["ui:sections"].length).toBeGreaterThan(1);
    expect(first.schema.properties.jumlah_desa.title).toContain("Jumlah desa");
    expect(first.submission).toBeNull();
    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
  });

  it("refuses another Puskesmas, a foreign ?unit=, other roles and a future period", async () => {
    expect(statusOf(await load("op", "P1373002"))).toBe(403);
    expect(statusOf(await post("op", { intent: "submit", data: validAnswers() }, "P1373002"))).toBe(403);
    expect(statusOf(await load("ver"))).toBe(403);
    // Several Puskesmas: ?unit= must name one of them.
    expect(statusOf(await load("opTwo"))).toBe(403);
    expect(statusOf(await load("opTwo", "P1373004"))).toBe(200);
    expect(statusOf(await load("opTwo", SUNGAI_DURIAN))).toBe(403);
    expect(statusOf(await load("op", undefined, FUTURE))).toBe(400);
    const future = await post("op", { intent: "submit", data: validAnswers() }, undefined, FUTURE);
    expect(statusOf(future)).toBe(400);
    expect(payloadOf(future).formErrors.join(" ")).toMatch(/belum berjalan/);
    expect(await stored()).toHaveLength(0);
  });

  it("returns invalid data with Indonesian messages next to the fields and stores nothing", async () => {
    const bad = { ...validAnswers(), jumlah_desa: 500, jumlah_posyandu: "dua puluh" };
    delete (bad as Record<string, unknown>).sotk_revisi;
    const res = await post("op", { intent: "submit", data: bad });
    expect(statusOf(res)).toBe(400);
    const body = payloadOf(res);
    expect(body.fieldErrors.jumlah_desa).toMatch(/200/);
    expect(body.fieldErrors.jumlah_posyandu).toBeTruthy();
    expect(body.fieldErrors.sotk_revisi).toMatch(/wajib diisi/);
    // A rule error (no single field) is a form-level message.
    const rule = await post("op", { intent: "submit", data: { ...validAnswers(), desa_pustu_ilp: 11 } });
    expect(payloadOf(rule).formErrors.join(" ")).toMatch(/tidak boleh melebihi jumlah desa/);
    expect(await stored()).toHaveLength(0);
  });

  it("saves an incomplete draft, but not one with wrong types or values beyond bounds", async () => {
    const wrong = await post("op", { intent: "draft", data: { jumlah_desa: 0 } });
    expect(statusOf(wrong)).toBe(400);
    expect(payloadOf(wrong).fieldErrors.jumlah_desa).toBeTruthy();
    const res = await post("op", {
      intent: "draft",
      data: { jumlah_desa: 10, orgUnitId: 1, status: "approved" },
      extra: { orgUnitId: "1", status: "approved", unit: "P1373002" },
    });
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res)).toMatchObject({ ok: true, status: "draft", revision: 1 });
    const [row] = await stored();
    expect(row.status).toBe("draft");
    // Smuggled scope and status fields never reach the stored document.
    expect(JSON.parse(row.data)).toEqual({ jumlah_desa: 10, bulan_laporan: 1 });
    const facts = await getDb().selectFrom("submission_value").select("field_key").where("submission_id", "=", row.id).execute();
    expect(facts).toEqual([]);
    const reloaded = payloadOf(await load("op"));
    expect(reloaded.submission).toMatchObject({ status: "draft", revision: 1, data: { jumlah_desa: 10 } });
  });

  it("asks for confirmation of rule warnings before submitting", async () => {
    const warned = { ...validAnswers(), kader_belum_sertifikat: 30 };
    const res = await post("op", { intent: "submit", data: warned, baseRevision: 1 });
    expect(statusOf(res)).toBe(400);
    expect(payloadOf(res).code).toBe("NEEDS_CONFIRMATION");
    expect(payloadOf(res).warnings.join(" ")).toMatch(/tidak sama dengan jumlah kader/);
    expect((await stored())[0].status).toBe("draft");
  });

  it("refuses a save against a revision that changed since the page was loaded", async () => {
    const res = await post("op", { intent: "submit", data: validAnswers(), baseRevision: 0 });
    expect(statusOf(res)).toBe(409);
    expect(payloadOf(res).formErrors.join(" ")).toMatch(/sudah berubah/);
    expect((await stored())[0]).toMatchObject({ status: "draft", revision: 1 });
  });

  it("20 identical submits in parallel store one revision and one audit row; a retry gets the first result", async () => {
    const key = newKey();
    const before = await auditCount("submission.submit");
    const results = await Promise.all(Array.from({ length: 20 }, () => post("op", { intent: "submit", data: validAnswers(), key, baseRevision: 1 })));
    expect(results.map(statusOf)).toEqual(Array(20).fill(200));
    const bodies = results.map((r) => payloadOf(r));
    expect(new Set(bodies.map((b) => `${b.submissionId}:${b.revision}`)).size).toBe(1);
    expect(bodies[0]).toMatchObject({ ok: true, status: "submitted", revision: 2 });
    expect(await auditCount("submission.submit")).toBe(before + 1);
    const rows = await stored();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "submitted", revision: 2 });
    const retry = await post("op", { intent: "submit", data: validAnswers(), key, baseRevision: 1 });
    expect(payloadOf(retry)).toEqual(bodies[0]);
    expect(await auditCount("submission.submit")).toBe(before + 1);
    // The same key for another report is refused.
    const reused = await post("opOther", { intent: "submit", data: validAnswers(), key });
    expect(statusOf(reused)).toBe(409);
    // Submitted reports count on scorecards: facts are stored.
    const facts = await getDb().selectFrom("submission_value").select("field_key").where("submission_id", "=", rows[0].id).execute();
    expect(facts.map((f) => f.field_key)).toContain("jumlah_desa");
  });

  it("two different requests racing for the same new report: one stores, the other is told to reload", async () => {
    const results = await Promise.all([0, 1].map(() => post("opTwo", { intent: "draft", data: { jumlah_desa: 3 } }, "P1373004")));
    expect(results.map(statusOf).sort()).toEqual([200, 409]);
    const conflict = payloadOf(results.find((r) => statusOf(r) === 409));
    expect(conflict.code).toBe("CONFLICT");
    expect(await stored("P1373004")).toHaveLength(1);
  });

  it("shows the queue and the report to the district's verifier only", async () => {
    const [row] = await stored();
    const q = payloadOf(await call(queue.loader, makeRequest("/verification", { cookie: cookie.ver })));
    expect(q.queue.map((s: { id: number }) => s.id)).toContain(row.id);
    const qKendal = payloadOf(await call(queue.loader, makeRequest("/verification", { cookie: cookie.verKendal })));
    expect(qKendal.queue.map((s: { id: number }) => s.id)).not.toContain(row.id);
    expect(statusOf(await call(queue.loader, makeRequest("/verification", { cookie: cookie.op })))).toBe(403);

    const res = await call(detail.loader, makeRequest(`/verification/${row.id}`, { cookie: cookie.ver }), { id: String(row.id) });
    expect(statusOf(res)).toBe(200);
    const d = payloadOf(res);
    expect(d.fields.find((f: { key: string }) => f.key === "jumlah_desa").current).toBe(10);
    // Only the indicators this report (the ILP profile) feeds — the national ones and the district's local one — not SPM, BOK or BLUD.
    expect(d.indicators.map((i: { key: string }) => i.key)).toEqual([
      "ilp_puskesmas",
      "ilp_desa_pustu",
      "ilp_posyandu",
      "ilp_kader_terlatih",
      "ilp_posyandu_5_kader",
      "ilp_lokmin",
      "lokal_posyandu_rme",
    ]);
    expect(d.history.map((h: { action: string }) => h.action)).toEqual(["submission.draft", "submission.submit"]);
    expect(statusOf(await call(detail.loader, makeRequest(`/verification/${row.id}`, { cookie: cookie.verKendal }), { id: String(row.id) }))).toBe(403);
    const foreign = await call(
      detail.action,
      makeRequest(`/verification/${row.id}`, { cookie: cookie.verKendal, form: { intent: "approve", revision: String(row.revision), note: "" } }),
      { id: String(row.id) },
    );
    expect(statusOf(foreign)).toBe(403);
    expect(statusOf(await call(detail.loader, makeRequest("/verification/999999", { cookie: cookie.ver }), { id: "999999" }))).toBe(404);
  });

  it("returns with a required note; the operator sees it, corrects and resubmits", async () => {
    const [row] = await stored();
    const decideAs = (fields: Record<string, string>) =>
      call(detail.action, makeRequest(`/verification/${row.id}`, { cookie: cookie.ver, form: fields }), { id: String(row.id) });
    const noNote = await decideAs({ intent: "return", revision: String(row.revision), note: "  " });
    expect(statusOf(noNote)).toBe(400);
    expect(payloadOf(noNote).field).toBe("note");
    const stale = await decideAs({ intent: "return", revision: String(row.revision - 1), note: "Periksa jumlah desa" });
    expect(statusOf(stale)).toBe(409);
    expect((await stored())[0]).toMatchObject({ status: "submitted", revision: row.revision });

    const before = await auditCount("submission.return");
    const returned = await decideAs({ intent: "return", revision: String(row.revision), note: "Periksa jumlah desa" });
    expect(statusOf(returned)).toBe(200);
    expect(await auditCount("submission.return")).toBe(before + 1);
    const audit = await getDb()
      .selectFrom("audit_log")
      .select(["before_json", "after_json"])
      .where("action", "=", "submission.return")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!)).toMatchObject({ status: "submitted" });
    expect(JSON.parse(audit.after_json!)).toMatchObject({ status: "returned", note: "Periksa jumlah desa" });
    const facts = await getDb().selectFrom("submission_value").select("field_key").where("submission_id", "=", row.id).execute();
    expect(facts).toEqual([]);

    const page = payloadOf(await load("op"));
    expect(page.submission).toMatchObject({ status: "returned", returnNote: "Periksa jumlah desa", reopened: false });
    const list = payloadOf(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.op }))).rows;
    expect(list.find((r: { formKey: string; period: string }) => r.formKey === FORM && r.period === PERIOD).returnNote).toBe("Periksa jumlah desa");

    const resubmit = await post("op", { intent: "submit", data: { ...validAnswers(), jumlah_desa: 12 }, baseRevision: page.submission.revision });
    expect(payloadOf(resubmit)).toMatchObject({ ok: true, status: "submitted" });
  });

  it("approve with a stale revision is refused; approval locks the report against every operator edit", async () => {
    const [row] = await stored();
    const decideAs = (fields: Record<string, string>) =>
      call(detail.action, makeRequest(`/verification/${row.id}`, { cookie: cookie.ver, form: fields }), { id: String(row.id) });
    // The operator saved again after the verifier opened the page: the verifier's revision is stale.
    const seen = row.revision;
    const edit = await post("op", { intent: "submit", data: { ...validAnswers(), jumlah_desa: 13 }, baseRevision: seen });
    expect(payloadOf(edit).ok).toBe(true);
    const stale = await decideAs({ intent: "approve", revision: String(seen), note: "" });
    expect(statusOf(stale)).toBe(409);
    expect(payloadOf(stale).message).toMatch(/Tidak ada yang diubah/);
    expect((await stored())[0].status).toBe("submitted");

    const current = (await stored())[0];
    const approved = await decideAs({ intent: "approve", revision: String(current.revision), note: "" });
    expect(statusOf(approved)).toBe(200);
    expect((await stored())[0]).toMatchObject({ status: "approved", revision: current.revision + 1 });
    // Approved reports still count.
    const facts = await getDb().selectFrom("submission_value").select("field_key").where("submission_id", "=", row.id).execute();
    expect(facts.length).toBeGreaterThan(0);

    for (const intent of ["draft", "submit"]) {
      const res = await post("op", { intent, data: { ...validAnswers(), jumlah_desa: 14 }, baseRevision: current.revision + 1 });
      expect(statusOf(res)).toBe(409);
      expect(payloadOf(res).code).toBe("LOCKED");
    }
    expect(JSON.parse((await stored())[0].data).jumlah_desa).toBe(13);
    const page = payloadOf(await load("op"));
    expect(page.submission.status).toBe("approved");
    // Deciding again is refused: it is no longer waiting.
    expect(statusOf(await decideAs({ intent: "return", revision: String(current.revision + 1), note: "x" }))).toBe(409);
  });

  it("the verifier of another district cannot see or decide, and the operator of another district cannot file here", async () => {
    const res = await post("opKendal", { intent: "submit", data: validAnswers() }, SUNGAI_DURIAN);
    expect(statusOf(res)).toBe(403);
  });
});
