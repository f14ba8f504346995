/**
 * Submission history (decision 010) on SQLite and PostgreSQL: every change of a
 * report (draft, submit, return with note, correct, approve) is a version with who, when, status
 * and per-field differences; each version is shown with the labels of the package version it
 * was made with, also on the verifier's page; only the operator of the Puskesmas and the
 * verifiers/admins of its district may read it; every change has its audit row.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importPackage } from "~/models/templates.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as locks from "~/routes/locks";
import * as history from "~/routes/submissions.$id.history";
import * as detail from "~/routes/verification.$id";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";

const FORM = "ilp_profil";
const BONTANG_UTARA = "P6474001";
const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
/** Labels as shown: the field's label in that package version and its unit. */
const V1_LABEL = "Jumlah desa/kelurahan di wilayah kerja (desa)";
const V2_LABEL = "Jumlah desa dan kelurahan binaan (versi 2) (desa)";

const validAnswers = () => profilAnswers({ sk_klaster_nomor: "440/12/PKM-BU/2025" });

function seedPackage(): any {
  return JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));
}

describe.each(DIALECTS)("submission history on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let keyCounter = 0;
  const newKey = () => `hist-key-${kind}-${Date.now()}-${++keyCounter}`.padEnd(24, "x");
  let reportId = 0;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // Kota Bontang without its overlay: it works with the latest national version.
    expect((await importPackage(seedPackage(), { userId: null })).ok).toBe(true);
    cookie.op = await cookieFor(await insertUser("op.bontangutara1", [["puskesmas_operator", BONTANG_UTARA]], "Operator Bontang Utara I"));
    cookie.opOther = await cookieFor(await insertUser("op.bontangutara2", [["puskesmas_operator", "P6474002"]]));
    cookie.ver = await cookieFor(await insertUser("ver.bontang", [["district_verifier", "64.74"]], "Verifikator Bontang"));
    cookie.admin = await cookieFor(await insertUser("adm.bontang", [["district_admin", "64.74"]]));
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    cookie.verOther = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", "13.73"]]));
    cookie.adminOther = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", "13.73"]]));
    cookie.fas = await cookieFor(await insertUser("fas.kalimantan", [["facilitator", "64"]]));
  });
  afterAll(() => handle.destroy());

  async function save(intent: "draft" | "submit", data: unknown, baseRevision: number) {
    const res = await call(
      fill.action,
      makeRequest(`/forms/${FORM}/${PERIOD}`, {
        cookie: cookie.op,
        form: { intent, data: JSON.stringify(data), idempotencyKey: newKey(), baseRevision: String(baseRevision) },
      }),
      { formKey: FORM, period: PERIOD },
    );
    expect(payloadOf(res).ok, JSON.stringify(payloadOf(res))).toBe(true);
    return payloadOf(res);
  }
  async function decide(intent: "approve" | "return", revision: number, note = "") {
    const res = await call(
      detail.action,
      makeRequest(`/verification/${reportId}`, { cookie: cookie.ver, form: { intent, revision: String(revision), note } }),
      { id: String(reportId) },
    );
    expect(statusOf(res)).toBe(200);
  }
  const historyAs = (who: string, id = reportId) =>
    call(history.loader, makeRequest(`/submissions/${id}/history`, { cookie: cookie[who] }), { id: String(id) });

  it("records every change as a version: draft, submit, return with a note, correction, approval", async () => {
    const draft = await save("draft", { jumlah_desa: 9 }, 0);
    reportId = draft.submissionId;
    await save("submit", validAnswers(), 1);
    await decide("return", 2, "Jumlah desa tidak sesuai data BPS");
    await save("submit", { ...validAnswers(), jumlah_desa: 12, kader_purwa: 31, kader_belum_sertifikat: 39 }, 3);
    await decide("approve", 4);

    const h = payloadOf(await historyAs("op"));
    expect(h.versions.map((v: { revision: number }) => v.revision)).toEqual([5, 4, 3, 2, 1]);
    expect(h.versions.map((v: { action: string }) => v.action)).toEqual([
      "submission.approve",
      "submission.submit",
      "submission.return",
      "submission.submit",
      "submission.draft",
    ]);
    expect(h.versions.map((v: { status: string }) => v.status)).toEqual(["approved", "submitted", "returned", "submitted", "draft"]);
    const [approved, corrected, returned, submitted, first] = h.versions;
    expect(approved.actor).toBe("Verifikator Bontang");
    expect(corrected.actor).toBe("Operator Bontang Utara I");
    expect(returned.returnNote).toBe("Jumlah desa tidak sesuai data BPS");
    expect(returned.changes).toEqual([]);
    expect(first.first).toBe(true);
    expect(first.fields.find((f: { key: string }) => f.key === "jumlah_desa").value).toBe("9");
    // Who changed what: per field, before and after, with the form's labels.
    expect(corrected.changes).toEqual([
      { key: "jumlah_desa", label: V1_LABEL, before: "10", after: "12" },
      { key: "kader_purwa", label: expect.stringContaining("urwa"), before: "30", after: "31" },
      { key: "kader_belum_sertifikat", label: expect.any(String), before: "40", after: "39" },
      // Calculated fields are stored, so their change shows too.
      { key: "kader_terlatih", label: expect.stringContaining("Purwa + Madya + Utama"), before: "60", after: "61" },
    ]);
    expect(submitted.changes.find((c: { key: string }) => c.key === "jumlah_desa")).toMatchObject({ before: "9", after: "10" });
    expect(submitted.changes.find((c: { key: string }) => c.key === "rme_satusehat")).toMatchObject({
      before: "–",
      after: expect.not.stringMatching(/^penuh$/),
    });
    expect(submitted.changes.find((c: { key: string }) => c.key === "sk_klaster")).toMatchObject({ before: "–", after: "Ya" });
    // One audit row per change.
    for (const action of ["submission.draft", "submission.submit", "submission.return", "submission.approve"]) {
      const rows = await getDb().selectFrom("audit_log").select("id").where("action", "=", action).where("entity_id", "=", String(reportId)).execute();
      expect(rows.length, action).toBe(action === "submission.submit" ? 2 : 1);
    }
  });

  it("shows old versions with the labels of the package version they were made with, also on the verifier's page", async () => {
    // Another Puskesmas' report made under version 1 is verified after version 2 came out.
    const other = await call(
      fill.action,
      makeRequest(`/forms/${FORM}/${PERIOD}`, {
        cookie: cookie.opOther,
        form: { intent: "submit", data: JSON.stringify(validAnswers()), idempotencyKey: newKey(), baseRevision: "0" },
      }),
      { formKey: FORM, period: PERIOD },
    );
    expect(payloadOf(other).ok).toBe(true);
    const v2 = seedPackage();
    v2.version = 2;
    const field = v2.forms
      .find((f: { key: string }) => f.key === FORM)
      .sections.flatMap((s: { fields: unknown[] }) => s.fields)
      .find((f: { key: string }) => f.key === "jumlah_desa");
    field.label.id = V2_LABEL.replace(" (desa)", "");
    const published = await importPackage(v2, { userId: null });
    expect(published.ok, JSON.stringify(published)).toBe(true);

    const page = payloadOf(
      await call(detail.loader, makeRequest(`/verification/${payloadOf(other).submissionId}`, { cookie: cookie.ver }), {
        id: String(payloadOf(other).submissionId),
      }),
    );
    expect(page.packageVersion).toBe(1);
    expect(page.fields.find((f: { key: string }) => f.key === "jumlah_desa").label).toContain(V1_LABEL);

    // The approved report of Bontang Utara I is re-opened and corrected under version 2.
    const reopen = await call(
      locks.action,
      makeRequest("/locks", {
        cookie: cookie.admin,
        form: {
          intent: "grant",
          district: "64.74",
          unit: BONTANG_UTARA,
          form: `ilp-nasional/${FORM}`,
          period: PERIOD,
          days: "2",
          reason: "Koreksi jumlah desa",
          reopen: "1",
        },
      }),
    );
    expect(statusOf(reopen)).toBe(200);
    await save("submit", { ...validAnswers(), jumlah_desa: 13 }, 6);
    const h = payloadOf(await historyAs("ver"));
    const [latest, previous] = h.versions;
    expect(previous).toMatchObject({ revision: 6, action: "submission.reopen", status: "returned", changes: [] });
    expect(previous.returnNote).toMatch(/Koreksi jumlah desa/);
    expect(latest.packageVersion).toBe(2);
    expect(previous.packageVersion).toBe(1);
    expect(latest.fields.find((f: { key: string }) => f.key === "jumlah_desa").label).toBe(V2_LABEL);
    expect(previous.fields.find((f: { key: string }) => f.key === "jumlah_desa").label).toBe(V1_LABEL);
    expect(latest.changes.find((c: { key: string }) => c.key === "jumlah_desa")).toEqual({ key: "jumlah_desa", label: V2_LABEL, before: "12", after: "13" });
  });

  it("lets only the Puskesmas' operator and its district's verifiers and admins read the history", async () => {
    for (const who of ["op", "ver", "admin", "national"]) expect(statusOf(await historyAs(who)), who).toBe(200);
    for (const who of ["opOther", "verOther", "adminOther", "fas"]) {
      const res = await historyAs(who);
      expect(statusOf(res), who).toBe(403);
      expect(res).toBeInstanceOf(Response);
    }
    expect(statusOf(await historyAs("op", 999999))).toBe(404);
    expect(statusOf(await call(history.loader, makeRequest(`/submissions/${reportId}/history`), { id: String(reportId) }))).toBe(302);
  });
});
