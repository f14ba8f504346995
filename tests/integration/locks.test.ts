/**
 * Locks (decision 010, docs/security.md item 19) on SQLite and PostgreSQL: past-deadline reports are
 * refused through every path (fill page, storePrepared, the import job through the CLI); only a
 * district admin of the district grants a scoped, expiring, audited unlock; revoked and expired
 * grants open nothing; an approved report is re-opened only through a grant; deadlines per
 * district move the lock; the operator's home shows "terlambat" with the deadline.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { prepareSubmission, storePrepared, SubmissionContext } from "~/models/submissions.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as formsIndex from "~/routes/forms._index";
import * as home from "~/routes/_index";
import * as locks from "~/routes/locks";
import * as detail from "~/routes/verification.$id";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf, unitsOfPuskesmas } from "../helpers/app";
import { cli, tempFile } from "../helpers/cli";
import { profilAnswers } from "../helpers/ilp-profil";

const FORM = "ilp_profil";
const PACKAGE_FORM = `ilp-nasional/${FORM}`;
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const LEMBAH_SEGAR = "P1373003";

function monthsAgo(n: number): string {
  const d = new Date();
  const index = d.getUTCFullYear() * 12 + d.getUTCMonth() - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}
const CURRENT = monthsAgo(0);
const PREVIOUS = monthsAgo(1);
/** Ended 32–62 days ago: locked with the 10-day default, open with a 120-day deadline. */
const TWO_AGO = monthsAgo(2);
/** Always past the 10-day default deadline. */
const PAST = monthsAgo(3);

function lastDayOf(period: string): string {
  const [y, m] = period.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** A complete, valid ilp_profil report (no rule warnings). */
const validAnswers = () => profilAnswers();

function csvFor(rows: Array<[string, string]>, jumlahDesa = 10): string {
  const answers = { ...validAnswers(), jumlah_desa: jumlahDesa };
  const keys = Object.keys(answers);
  const cell = (v: unknown) => (v === true ? "ya" : v === false ? "tidak" : String(v));
  return [
    `org_unit,period,${keys.join(",")}`,
    ...rows.map(([unit, period]) => `${unit},${period},${keys.map((k) => cell(answers[k as keyof typeof answers])).join(",")}`),
  ].join("\n");
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
}

describe.each(DIALECTS)("deadlines and unlocks on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let keyCounter = 0;
  const newKey = () => `locks-key-${kind}-${Date.now()}-${++keyCounter}`.padEnd(24, "x");
  let districtId = 0;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    for (const file of ["1373-kota-sawahlunto.json", "3324-kabupaten-kendal.json"]) {
      expect((await importOverlay(readJson(`seeds/overlays/${file}`), { userId: null })).ok).toBe(true);
    }
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    cookie.opOther = await cookieFor(await insertUser("op.kolokmudik", [["puskesmas_operator", KOLOK_MUDIK]]));
    cookie.ver = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", "13.73"]]));
    cookie.admin = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", "13.73"]], "Admin Sawahlunto"));
    cookie.adminKendal = await cookieFor(await insertUser("adm.kendal", [["district_admin", "33.24"]]));
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    districtId = (await getDb().selectFrom("org_unit").select("id").where("code", "=", "13.73").executeTakeFirstOrThrow()).id;
  });
  afterAll(() => handle.destroy());

  const url = (period: string) => `/forms/${FORM}/${period}`;
  async function post(who: string, intent: "draft" | "submit", period: string, baseRevision = 0, data: unknown = validAnswers()) {
    const form = { intent, data: JSON.stringify(data), idempotencyKey: newKey(), baseRevision: String(baseRevision) };
    return call(fill.action, makeRequest(url(period), { cookie: cookie[who], form }), { formKey: FORM, period });
  }
  async function locksAction(who: string, form: Record<string, string>) {
    return call(locks.action, makeRequest("/locks", { cookie: cookie[who], form }));
  }
  const grant = (who: string, fields: Partial<Record<"unit" | "form" | "period" | "days" | "reason" | "reopen", string>>) =>
    locksAction(who, {
      intent: "grant",
      district: "13.73",
      unit: SUNGAI_DURIAN,
      form: PACKAGE_FORM,
      period: PAST,
      days: "3",
      reason: "Koreksi data kader atas permintaan Puskesmas",
      ...fields,
    });
  async function report(unitCode: string, period: string) {
    return getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.status", "s.revision", "s.data", "s.return_note"])
      .where("o.code", "=", unitCode)
      .where("s.form_key", "=", FORM)
      .where("s.period", "=", period)
      .executeTakeFirst();
  }
  async function auditRows(action: string) {
    return getDb()
      .selectFrom("audit_log")
      .select(["actor_user_id", "before_json", "after_json", "entity_id"])
      .where("action", "=", action)
      .orderBy("id")
      .execute();
  }
  const grantCount = async () => (await getDb().selectFrom("unlock_grant").select("id").execute()).length;

  it("refuses to create, draft or submit a report past the deadline, naming the deadline and who can unlock", async () => {
    for (const intent of ["draft", "submit"] as const) {
      const res = await post("op", intent, PAST);
      expect(statusOf(res)).toBe(409);
      const body = payloadOf(res);
      expect(body.code).toBe("LOCKED");
      expect(body.formErrors.join(" ")).toMatch(/Batas waktu .* sudah lewat \(\d{1,2} [A-Z][a-z]+ \d{4}\)/);
      expect(body.formErrors.join(" ")).toMatch(/Admin Dinkes Kota Sawahlunto/);
    }
    expect(await report(SUNGAI_DURIAN, PAST)).toBeUndefined();
    // The fill page says so when it opens, before anything is typed.
    const page = payloadOf(await call(fill.loader, makeRequest(url(PAST), { cookie: cookie.op }), { formKey: FORM, period: PAST }));
    expect(page.lock).toMatchObject({ pastDeadline: true, locked: true, unlockedUntil: null });
    expect(page.lock.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const open = payloadOf(await call(fill.loader, makeRequest(url(CURRENT), { cookie: cookie.op }), { formKey: FORM, period: CURRENT }));
    expect(open.lock).toMatchObject({ pastDeadline: false, locked: false });
    // The running period is open.
    expect(payloadOf(await post("op", "draft", CURRENT))).toMatchObject({ ok: true, status: "draft" });
  });

  it("refuses grants from operators, verifiers, another district's admin and the national admin; and without a reason or beyond 14 days", async () => {
    for (const who of ["op", "ver", "adminKendal", "national"]) {
      expect(statusOf(await grant(who, {})), who).toBe(403);
    }
    const noReason = await grant("admin", { reason: "   " });
    expect(statusOf(noReason)).toBe(400);
    expect(payloadOf(noReason)).toMatchObject({ field: "reason" });
    expect(payloadOf(noReason).values.period).toBe(PAST);
    for (const days of ["15", "0", "tiga"]) {
      const res = await grant("admin", { days });
      expect(statusOf(res)).toBe(400);
      expect(payloadOf(res).field).toBe("days");
    }
    const wrongPeriod = await grant("admin", { period: "2025-Q1" });
    expect(payloadOf(wrongPeriod).field).toBe("period");
    // A Puskesmas of another district, named by a district admin of Sawahlunto.
    expect(statusOf(await grant("admin", { unit: "33.24" }))).toBe(403);
    expect(await grantCount()).toBe(0);
    expect(await auditRows("unlock.grant")).toEqual([]);
  });

  it("a grant for one Puskesmas opens the period for it alone, audited with who, why and until when", async () => {
    const res = await grant("admin", {});
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res).message).toMatch(/dibuka untuk Puskesmas Sungai Durian/);
    const [audit] = await auditRows("unlock.grant");
    expect(JSON.parse(audit.after_json!)).toMatchObject({
      unit: SUNGAI_DURIAN,
      form: FORM,
      period: PAST,
      reason: "Koreksi data kader atas permintaan Puskesmas",
    });
    const expires = new Date(JSON.parse(audit.after_json!).expiresAt).getTime();
    expect(expires - Date.now()).toBeGreaterThan(2.9 * 86400_000);
    expect(expires - Date.now()).toBeLessThan(3.1 * 86400_000);

    expect(payloadOf(await post("op", "draft", PAST))).toMatchObject({ ok: true, status: "draft", revision: 1 });
    expect(payloadOf(await post("op", "submit", PAST, 1))).toMatchObject({ ok: true, status: "submitted", revision: 2 });
    // Kolok Mudik is not covered.
    expect(payloadOf(await post("opOther", "draft", PAST)).code).toBe("LOCKED");
    // The forms list says it is unlocked, until when.
    const rows = payloadOf(await call(locks.loader, makeRequest("/locks", { cookie: cookie.admin }))).districts[0].grants;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: "active", period: PAST, grantedBy: "Admin Sawahlunto" });
  });

  it("revoked and expired grants open nothing; only the district's admin revokes", async () => {
    const { id } = await getDb().selectFrom("unlock_grant").select("id").executeTakeFirstOrThrow();
    for (const who of ["adminKendal", "op", "ver"]) {
      expect(statusOf(await locksAction(who, { intent: "revoke", grantId: String(id) })), who).toBe(403);
    }
    expect(statusOf(await locksAction("admin", { intent: "revoke", grantId: String(id) }))).toBe(200);
    expect(await auditRows("unlock.revoke")).toHaveLength(1);
    expect(statusOf(await locksAction("admin", { intent: "revoke", grantId: String(id) }))).toBe(409);
    expect(payloadOf(await post("op", "draft", PAST, 2)).code).toBe("LOCKED");
    expect((await report(SUNGAI_DURIAN, PAST))?.status).toBe("submitted");

    expect(statusOf(await grant("admin", { days: "1" }))).toBe(200);
    expect(payloadOf(await post("op", "draft", PAST, 2))).toMatchObject({ ok: true, revision: 3 });
    // A day later the grant has expired.
    await getDb()
      .updateTable("unlock_grant")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("revoked_at", "is", null)
      .execute();
    expect(payloadOf(await post("op", "submit", PAST, 3)).code).toBe("LOCKED");
    expect((await report(SUNGAI_DURIAN, PAST))?.status).toBe("draft");
  });

  it("storePrepared and the CLI import refuse past-deadline rows and store the others; a district-wide grant opens them", async () => {
    const imported = await cli(
      "submissions",
      "import",
      tempFile(
        csvFor([
          [KOLOK_MUDIK, PAST],
          [KOLOK_MUDIK, CURRENT],
        ]),
      ),
      "--template",
      "ilp-nasional",
      "--form",
      FORM,
    );
    expect(imported.out).toMatch(/1 dari 2 baris disimpan; 1 galat/);
    expect(imported.err).toMatch(/^baris 2 kolom period: Batas waktu .* sudah lewat/);
    expect(await report(KOLOK_MUDIK, PAST)).toBeUndefined();

    // storePrepared (what the bulk import stores through) checks inside its transaction.
    const ctx = new SubmissionContext("ilp-nasional");
    const prepared = await prepareSubmission(ctx, { unitCode: LEMBAH_SEGAR, formKey: FORM, period: PAST, data: validAnswers() });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const failures = await storePrepared([prepared.submission], { status: "submitted", actorUserId: null });
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/Batas waktu/);
    expect(await report(LEMBAH_SEGAR, PAST)).toBeUndefined();

    const byCli = await cli(
      "submissions",
      "import",
      tempFile(
        csvFor([
          [LEMBAH_SEGAR, PAST],
          [LEMBAH_SEGAR, CURRENT],
        ]),
      ),
      "--template",
      "ilp-nasional",
      "--form",
      FORM,
    );
    expect(byCli.code).toBe(1);
    expect(byCli.err).toMatch(/baris 2 kolom period: Batas waktu .* sudah lewat/);
    expect(byCli.out).toMatch(/1 dari 2 baris disimpan/);
    expect(await report(LEMBAH_SEGAR, PAST)).toBeUndefined();

    // The whole district, for this form and period.
    expect(statusOf(await grant("admin", { unit: "13.73", reason: "Migrasi data dari aplikasi lama" }))).toBe(200);
    const again = await cli("submissions", "import", tempFile(csvFor([[KOLOK_MUDIK, PAST]])), "--template", "ilp-nasional", "--form", FORM);
    expect(again).toMatchObject({ code: 0, err: "" });
    expect(again.out).toMatch(/1 dari 1 baris disimpan/);
    const cliAgain = await cli("submissions", "import", tempFile(csvFor([[LEMBAH_SEGAR, PAST]])), "--template", "ilp-nasional", "--form", FORM);
    expect(cliAgain.code).toBe(0);
    expect(await report(LEMBAH_SEGAR, PAST)).toMatchObject({ status: "submitted" });
    // Another period stays locked.
    const other = await cli("submissions", "import", tempFile(csvFor([[KOLOK_MUDIK, monthsAgo(4)]])), "--template", "ilp-nasional", "--form", FORM);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/0 dari 1 baris disimpan/);
  });

  it("an approved report re-opens for correction only through a grant that says so: returned, out of the scorecards, audited", async () => {
    const current = await report(SUNGAI_DURIAN, CURRENT);
    expect(payloadOf(await post("op", "submit", CURRENT, current!.revision))).toMatchObject({ ok: true, status: "submitted" });
    const submitted = (await report(SUNGAI_DURIAN, CURRENT))!;
    const approve = (revision: number) =>
      call(
        detail.action,
        makeRequest(`/verification/${submitted.id}`, { cookie: cookie.ver, form: { intent: "approve", revision: String(revision), note: "" } }),
        { id: String(submitted.id) },
      );
    expect(statusOf(await approve(submitted.revision))).toBe(200);
    expect(payloadOf(await post("op", "draft", CURRENT, submitted.revision + 1)).code).toBe("LOCKED");

    // A grant without re-opening lifts deadlines only.
    expect(statusOf(await grant("admin", { period: CURRENT }))).toBe(200);
    expect(payloadOf(await post("op", "draft", CURRENT, submitted.revision + 1)).code).toBe("LOCKED");
    expect((await report(SUNGAI_DURIAN, CURRENT))!.status).toBe("approved");
    // Another district's admin cannot re-open it.
    expect(statusOf(await grant("adminKendal", { period: CURRENT, reopen: "1" }))).toBe(403);

    const reopened = await grant("admin", { period: CURRENT, reopen: "1", reason: "Jumlah desa salah ketik" });
    expect(statusOf(reopened)).toBe(200);
    const row = (await report(SUNGAI_DURIAN, CURRENT))!;
    expect(row).toMatchObject({ status: "returned", revision: submitted.revision + 2 });
    // The note is the admin's reason as typed: no stored sentence of ours in one language.
    expect(row.return_note).toBe("Jumlah desa salah ketik");
    // The fill page says whose note it is: the Dinkes re-opened it, the verifier did not return it.
    const fillPage = payloadOf(await call(fill.loader, makeRequest(url(CURRENT), { cookie: cookie.op }), { formKey: FORM, period: CURRENT }));
    expect(fillPage.submission).toMatchObject({ status: "returned", returnNote: "Jumlah desa salah ketik", reopened: true });
    expect(await getDb().selectFrom("submission_value").select("field_key").where("submission_id", "=", row.id).execute()).toEqual([]);
    const [audit] = await auditRows("submission.reopen");
    expect(audit.entity_id).toBe(String(row.id));
    expect(JSON.parse(audit.before_json!)).toMatchObject({ status: "approved" });
    expect(JSON.parse(audit.after_json!)).toMatchObject({ status: "returned" });
    const version = await getDb()
      .selectFrom("submission_revision")
      .select(["action", "status"])
      .where("submission_id", "=", row.id)
      .where("revision", "=", row.revision)
      .executeTakeFirstOrThrow();
    expect(version).toEqual({ action: "submission.reopen", status: "returned" });

    expect(payloadOf(await post("op", "submit", CURRENT, row.revision, { ...validAnswers(), jumlah_desa: 11 }))).toMatchObject({
      ok: true,
      status: "submitted",
    });
    expect(statusOf(await approve(row.revision + 1))).toBe(200);
    expect((await report(SUNGAI_DURIAN, CURRENT))!.status).toBe("approved");
  });

  it("district admins set their own district's deadlines (audited), which move the lock; others cannot", async () => {
    const set = (who: string, periodType: string, days: string, orgUnitId = districtId) =>
      locksAction(who, { intent: "deadline", orgUnitId: String(orgUnitId), periodType, days });
    for (const who of ["adminKendal", "ver", "op", "national"]) expect(statusOf(await set(who, "month", "120")), who).toBe(403);
    for (const days of ["abc", "500", "-1"]) {
      const res = await set("admin", "month", days);
      expect(statusOf(res)).toBe(400);
      expect(payloadOf(res).field).toBe("days-month");
    }
    expect(payloadOf(await post("opOther", "draft", TWO_AGO)).code).toBe("LOCKED");
    expect(statusOf(await set("admin", "month", "120"))).toBe(200);
    expect(payloadOf(await post("opOther", "draft", TWO_AGO))).toMatchObject({ ok: true });
    const audits = await auditRows("deadline.set");
    expect(JSON.parse(audits.at(-1)!.after_json!)).toEqual({ periodType: "month", days: 120 });
    const page = payloadOf(await call(locks.loader, makeRequest("/locks", { cookie: cookie.admin })));
    expect(page.districts[0].deadlines.find((d: { periodType: string }) => d.periodType === "month")).toEqual({
      periodType: "month",
      days: 120,
      source: "district",
    });
    // The national admin sets the national default; the district's own setting still wins.
    const national = await getDb().selectFrom("org_unit").select("id").where("code", "=", "ID").executeTakeFirstOrThrow();
    expect(statusOf(await set("national", "month", "5", national.id))).toBe(200);
    expect(statusOf(await set("admin", "month", "5", national.id))).toBe(403);
    expect(payloadOf(await post("opOther", "draft", TWO_AGO, 1))).toMatchObject({ ok: true });
    expect(statusOf(await set("admin", "month", "10"))).toBe(200);
    expect(payloadOf(await post("opOther", "draft", TWO_AGO, 2)).code).toBe("LOCKED");
  });

  it("the operator's home and forms list show terlambat, the deadline and progress, for their own Puskesmas and its Pustu and Posyandu only", async () => {
    // With a 0-day deadline the previous month is late on any day of this month.
    expect(statusOf(await locksAction("admin", { intent: "deadline", orgUnitId: String(districtId), periodType: "month", days: "0" }))).toBe(200);
    const h = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.op })));
    const due = h.operator.due as Array<{ unitCode: string; formKey: string; period: string; display: string; deadline: string; status: string }>;
    // The due list covers the Puskesmas and the Pustu and Posyandu under it (decision 035), never
    // another Puskesmas' units.
    const own = await unitsOfPuskesmas(SUNGAI_DURIAN);
    expect(own.some((u) => u.level !== "puskesmas")).toBe(true);
    expect(new Set(due.map((r) => r.unitCode))).toEqual(new Set(own.map((u) => u.code)));
    const previous = due.find((r) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === PREVIOUS)!;
    expect(previous).toMatchObject({ status: "missing", display: "late", deadline: lastDayOf(PREVIOUS) });
    expect(due.find((r) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === CURRENT)).toMatchObject({
      status: "approved",
      display: "approved",
      deadline: lastDayOf(CURRENT),
    });
    // Late rows first; progress counts what was submitted.
    expect(due[0].display).toBe("late");
    expect(h.operator.progress.done).toBe(due.filter((r) => r.status === "submitted" || r.status === "approved").length);
    expect(h.operator.progress.late).toBe(due.filter((r) => r.display === "late").length);
    expect(h.operator.progress.total).toBe(due.length);

    const list = payloadOf(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.op }))).rows;
    expect(
      list.find((r: { unitCode: string; formKey: string; period: string }) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === PREVIOUS),
    ).toMatchObject({ display: "late", locked: true });
    expect(
      list.find((r: { unitCode: string; formKey: string; period: string }) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === CURRENT),
    ).toMatchObject({
      locked: true,
      status: "approved",
    });
    // Unlocked: still late, but open until the grant expires.
    expect(statusOf(await grant("admin", { period: PREVIOUS }))).toBe(200);
    const unlocked = payloadOf(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.op }))).rows.find(
      (r: { unitCode: string; formKey: string; period: string }) => r.unitCode === SUNGAI_DURIAN && r.formKey === FORM && r.period === PREVIOUS,
    );
    expect(unlocked).toMatchObject({ display: "late", locked: false });
    expect(unlocked.unlockedUntil > new Date().toISOString()).toBe(true);
    // Kolok Mudik is not covered by that grant.
    const other = payloadOf(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.opOther }))).rows.find(
      (r: { unitCode: string; formKey: string; period: string }) => r.unitCode === KOLOK_MUDIK && r.formKey === FORM && r.period === PREVIOUS,
    );
    expect(other).toMatchObject({ locked: true, unlockedUntil: null });
    await locksAction("admin", { intent: "deadline", orgUnitId: String(districtId), periodType: "month", days: "10" });
  });
});
