/**
 * Backfill (docs/decisions/018-backfill.md) on SQLite and PostgreSQL, with the app's clock at
 * 15 March 2026: a district admin imports last year's months through the web import and the CLI
 * with a reason; the reports are stored for verification, marked late entries on the history and
 * verification pages and in the export, and audited per report and per job. Without backfill the
 * same rows meet the deadline; another district's units, operators, verifiers, a missing or bad
 * reason, approved reports (unless re-opened) and future periods are refused; the operator's
 * period stays locked afterwards. The CLI's --as attributes an ordinary import too.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importJobSettled } from "~/models/bulk-import.server";
import { LockCache } from "~/models/locks.server";
import { prepareSubmission, storePrepared, SubmissionContext } from "~/models/submissions.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as jobPage from "~/routes/imports.$id";
import * as imports from "~/routes/imports._index";
import * as locks from "~/routes/locks";
import * as exportRoute from "~/routes/submissions.export";
import * as history from "~/routes/submissions.$id.history";
import * as detail from "~/routes/verification.$id";
import * as queue from "~/routes/verification._index";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { BASE, call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";
import { cli, tempFile as tempFileNamed } from "../helpers/cli";
import { profilAnswers } from "../helpers/ilp-profil";

const NOW = "2026-03-15T08:00:00.000Z";
const FORM = "ilp_profil";
const PKG = "ilp-nasional";
const LAST_YEAR = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);
/** Open on 15 March (deadline 10 April). */
const CURRENT = "2026-03";
const FUTURE = "2026-04";
const REASON = "Data 2025 dari aplikasi lama; Kota Sawahlunto bergabung dengan Pantau bulan ini";
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const LEMBAH_SEGAR = "P1373003";
const SILUNGKANG = "P1373004";

function csvFor(rows: Array<[string, string]>, overrides: Record<string, unknown> = {}): string {
  const answers = profilAnswers(overrides);
  const keys = Object.keys(answers);
  const cell = (v: unknown) => (v === true ? "ya" : v === false ? "tidak" : String(v));
  return [`org_unit,period,${keys.join(",")}`, ...rows.map(([unit, period]) => `${unit},${period},${keys.map((k) => cell(answers[k])).join(",")}`)].join("\n");
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
}

const tempFile = (content: string) => tempFileNamed(content, "laporan-2025.csv");

describe.each(DIALECTS)("backfill on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  const userId: Record<string, number> = {};
  let plantungan: string;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set(NOW);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    for (const file of ["1373-kota-sawahlunto.json", "3324-kabupaten-kendal.json"]) {
      expect((await importOverlay(readJson(`seeds/overlays/${file}`), { userId: null })).ok).toBe(true);
    }
    plantungan = puskesmasCode("Plantungan");
    const users: Array<[string, string, Parameters<typeof insertUser>[1]]> = [
      ["admin", "adm.sawahlunto", [["district_admin", "13.73"]]],
      ["adminKendal", "adm.kendal", [["district_admin", "33.24"]]],
      ["national", "adm.nasional", [["national_admin", "ID"]]],
      ["op", "op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]],
      ["ver", "ver.sawahlunto", [["district_verifier", "13.73"]]],
    ];
    for (const [key, username, grants] of users) {
      userId[key] = await insertUser(username, grants, `Nama ${username}`);
      cookie[key] = await cookieFor(userId[key]);
    }
  });
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  function upload(who: string, csv: string, fields: Record<string, string>) {
    const body = new FormData();
    body.set("form", `${PKG}/${FORM}`);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    body.set("file", new Blob([csv]), "laporan-2025.csv");
    return call(imports.action, new Request(`${BASE}/imports`, { method: "POST", body, headers: { Cookie: cookie[who], Origin: BASE } }));
  }

  /** Uploads and waits for the job; returns its id and result page. */
  async function importJob(who: string, csv: string, fields: Record<string, string>) {
    const res = await upload(who, csv, fields);
    expect(statusOf(res), JSON.stringify(payloadOf(res))).toBe(302);
    const id = Number((res as Response).headers.get("Location")!.split("/").pop());
    await importJobSettled(id);
    const page = await call(jobPage.loader, makeRequest(`/imports/${id}`, { cookie: cookie[who] }), { id: String(id) });
    expect(statusOf(page)).toBe(200);
    return { id, page: payloadOf(page) };
  }

  const backfill = (reason = REASON) => ({ backfill: "1", reason });

  async function report(unitCode: string, period: string) {
    return getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.status", "s.revision", "s.late_entry", "s.data"])
      .where("o.code", "=", unitCode)
      .where("s.form_key", "=", FORM)
      .where("s.period", "=", period)
      .executeTakeFirst();
  }
  const count = async (table: "import_job" | "submission" | "unlock_grant") =>
    Number(
      (
        await getDb()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const audits = (action: string) =>
    getDb().selectFrom("audit_log").select(["actor_user_id", "entity_type", "entity_id", "after_json"]).where("action", "=", action).orderBy("id").execute();

  it("without backfill, last year's rows meet the deadline on the web and the CLI; nothing is stored", async () => {
    const csv = csvFor(LAST_YEAR.map((p) => [SUNGAI_DURIAN, p]));
    const { page } = await importJob("admin", csv, {});
    expect([page.job.stored_rows, page.job.refused_rows]).toEqual([0, 12]);
    expect(page.problems.every((p: { column_key: string; message: string }) => p.column_key === "period" && /Batas waktu .* sudah lewat/.test(p.message))).toBe(
      true,
    );
    expect(page.reports).toBeNull();
    const byCli = await cli("submissions", "import", tempFile(csv), "--template", PKG, "--form", FORM, "--as", "adm.sawahlunto");
    expect(byCli.code).toBe(1);
    expect(byCli.err).toMatch(/baris 2 kolom period: Batas waktu .* sudah lewat/);
    expect(await count("submission")).toBe(0);
  });

  it("a district admin backfills last year's months on the web: stored for verification, marked late, audited with the reason and the job", async () => {
    const rows: Array<[string, string]> = [...LAST_YEAR.map((p): [string, string] => [SUNGAI_DURIAN, p]), [KOLOK_MUDIK, "2025-06"], [KOLOK_MUDIK, CURRENT]];
    // Validation applies as for operators: a negative count is refused.
    const csv = `${csvFor(rows)}\n${csvFor([[LEMBAH_SEGAR, "2025-06"]], { jumlah_kader: -5 }).split("\n")[1]}`;
    const { id, page } = await importJob("admin", csv, backfill());
    expect(page.job).toMatchObject({ status: "done", stored_rows: 14, refused_rows: 1, backfill_reason: REASON });
    expect(page.problems).toHaveLength(1);
    expect(page.problems[0]).toMatchObject({ row_number: 16, column_key: "jumlah_kader" });
    expect(await report(LEMBAH_SEGAR, "2025-06")).toBeUndefined();

    // Submitted for verification; a period past its deadline is a late entry, the open one is not.
    for (const p of LAST_YEAR) expect(await report(SUNGAI_DURIAN, p), p).toMatchObject({ status: "submitted", late_entry: 1 });
    expect(await report(KOLOK_MUDIK, CURRENT)).toMatchObject({ status: "submitted", late_entry: 0 });
    const jan = (await report(SUNGAI_DURIAN, "2025-01"))!;
    const version = await getDb()
      .selectFrom("submission_revision")
      .select(["action", "status", "late_entry_reason", "import_job_id", "actor_user_id"])
      .where("submission_id", "=", jan.id)
      .executeTakeFirstOrThrow();
    expect(version).toEqual({
      action: "submission.late_entry",
      status: "submitted",
      late_entry_reason: REASON,
      import_job_id: id,
      actor_user_id: userId.admin,
    });

    // One audit row per stored report with the reason and the job; the job's own row says backfill.
    const late = await audits("submission.late_entry");
    expect(late).toHaveLength(13);
    expect(late.every((a) => a.actor_user_id === userId.admin)).toBe(true);
    const janAudit = late.find((a) => a.entity_id === String(jan.id))!;
    expect(JSON.parse(janAudit.after_json!)).toMatchObject({
      period: "2025-01",
      status: "submitted",
      lateEntry: true,
      reason: REASON,
      importJob: id,
      deadline: "2025-02-10",
    });
    const onTime = await audits("submission.import");
    expect(onTime.map((a) => JSON.parse(a.after_json!))).toEqual([expect.objectContaining({ period: CURRENT, importJob: id })]);
    const [start] = await audits("import.backfill");
    expect(start).toMatchObject({ actor_user_id: userId.admin, entity_type: "import_job", entity_id: String(id) });
    expect(JSON.parse(start.after_json!)).toMatchObject({ reason: REASON, rows: 15 });

    // The result page lists what it stored, each report with the mark and its history.
    expect(page.reports.total).toBe(14);
    expect(page.reports.rows.filter((r: { lateEntry: boolean }) => r.lateEntry)).toHaveLength(13);

    // The history page and the verifier's page show the mark and the reason; the export has a column.
    const h = payloadOf(await call(history.loader, makeRequest(`/submissions/${jan.id}/history`, { cookie: cookie.admin }), { id: String(jan.id) }));
    expect(h.lateEntry).toBe(true);
    expect(h.versions[0]).toMatchObject({ action: "submission.late_entry", lateEntryReason: REASON });
    const v = payloadOf(await call(detail.loader, makeRequest(`/verification/${jan.id}`, { cookie: cookie.ver }), { id: String(jan.id) }));
    expect(v.lateEntry).toMatchObject({ reason: REASON, actor: "Nama adm.sawahlunto" });
    const q = payloadOf(await call(queue.loader, makeRequest("/verification", { cookie: cookie.ver }))).queue;
    expect(q.find((r: { id: number }) => r.id === jan.id).lateEntry).toBe(true);
    const res = (await call(exportRoute.loader, makeRequest(`/submissions/export?form=${PKG}/${FORM}&format=csv`, { cookie: cookie.admin }))) as Response;
    expect(res.status).toBe(200);
    const [header, ...cells] = parse((await res.text()).replace(/^\uFEFF/, "")) as string[][];
    const at = (name: string) => header.indexOf(name);
    const lateOf = (unit: string, period: string) => cells.find((r) => r[at("org_unit")] === unit && r[at("period")] === period)![at("late_entry")];
    expect([lateOf(SUNGAI_DURIAN, "2025-01"), lateOf(KOLOK_MUDIK, CURRENT)]).toEqual(["ya", "tidak"]);
  });

  it("backfill opens nothing for the operator: no unlock grant, the fill page still shows the period locked and refuses a save", async () => {
    expect(await count("unlock_grant")).toBe(0);
    const page = payloadOf(await call(fill.loader, makeRequest(`/forms/${FORM}/2025-03`, { cookie: cookie.op }), { formKey: FORM, period: "2025-03" }));
    expect(page.lock).toMatchObject({ pastDeadline: true, locked: true, unlockedUntil: null });
    const before = (await report(SUNGAI_DURIAN, "2025-03"))!;
    const form = {
      intent: "submit",
      data: JSON.stringify(profilAnswers({ jumlah_desa: 11 })),
      idempotencyKey: `backfill-op-${kind}-0001`.padEnd(24, "x"),
      baseRevision: String(before.revision),
    };
    const saved = await call(fill.action, makeRequest(`/forms/${FORM}/2025-03`, { cookie: cookie.op, form }), { formKey: FORM, period: "2025-03" });
    expect(statusOf(saved)).toBe(409);
    expect(payloadOf(saved).code).toBe("LOCKED");
    expect((await report(SUNGAI_DURIAN, "2025-03"))!.revision).toBe(before.revision);
  });

  it("a district admin cannot backfill another district's units; the national admin can backfill any district", async () => {
    const { page } = await importJob(
      "admin",
      csvFor([
        [plantungan, "2025-05"],
        [SILUNGKANG, "2025-05"],
      ]),
      backfill(),
    );
    expect([page.job.stored_rows, page.job.refused_rows]).toEqual([1, 1]);
    expect(page.problems).toEqual([
      expect.objectContaining({ row_number: 2, column_key: "org_unit", message: expect.stringContaining("di luar wilayah Anda") }),
    ]);
    expect(await report(plantungan, "2025-05")).toBeUndefined();
    // Inside the write transaction too: a backfill's exemption covers its own area only.
    const ctx = new SubmissionContext(PKG);
    const prepared = await prepareSubmission(ctx, { unitCode: plantungan, formKey: FORM, period: "2025-05", data: profilAnswers() });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const sawahlunto = await getDb().selectFrom("org_unit").select("path").where("code", "=", "13.73").executeTakeFirstOrThrow();
    const failures = await storePrepared([prepared.submission], {
      status: "submitted",
      actorUserId: userId.admin,
      lockCache: new LockCache({ reason: REASON, paths: [sawahlunto.path] }),
    });
    expect(failures).toEqual([expect.objectContaining({ message: expect.stringMatching(/Batas waktu .* sudah lewat/) })]);
    expect(await report(plantungan, "2025-05")).toBeUndefined();

    const national = await importJob("national", csvFor([[plantungan, "2025-05"]]), backfill("Data Kendal 2025 dari arsip Dinkes provinsi"));
    expect(national.page.job.stored_rows).toBe(1);
    expect(await report(plantungan, "2025-05")).toMatchObject({ status: "submitted", late_entry: 1 });
  });

  it("operators and verifiers cannot use backfill (403, no job); the CLI refuses a non-admin --as", async () => {
    const jobs = await count("import_job");
    for (const who of ["op", "ver"]) {
      const res = await upload(who, csvFor([[SUNGAI_DURIAN, "2025-02"]]), backfill());
      expect(statusOf(res), who).toBe(403);
      if (who === "op") expect(await (res as Response).text()).toMatch(/Hanya admin Dinkes/);
    }
    expect(await count("import_job")).toBe(jobs);
    // The page offers the option to admins only.
    expect(payloadOf(await call(imports.loader, makeRequest("/imports", { cookie: cookie.op }))).backfillArea).toEqual([]);
    expect(payloadOf(await call(imports.loader, makeRequest("/imports", { cookie: cookie.admin }))).backfillArea).toEqual(["Kota Sawahlunto"]);
    const byCli = await cli(
      "submissions",
      "import",
      tempFile(csvFor([[SUNGAI_DURIAN, "2025-02"]])),
      "--template",
      PKG,
      "--form",
      FORM,
      "--as",
      "op.sungaidurian",
      "--backfill",
      "--reason",
      REASON,
    );
    expect(byCli.code).toBe(1);
    expect(byCli.err).toMatch(/bukan admin Dinkes/);
  });

  it("a missing, too short or too long reason is refused with 400 and a message saying what to write; nothing is queued", async () => {
    const jobs = await count("import_job");
    const cases: Array<[string, RegExp]> = [
      ["", /Tulis alasan impor data periode lalu/],
      ["   singkat ", /terlalu pendek \(7 karakter\)/],
      ["x".repeat(501), /terlalu panjang \(501 karakter\); batasnya 500/],
    ];
    for (const [reason, message] of cases) {
      const res = await upload("admin", csvFor([[SILUNGKANG, "2025-07"]]), backfill(reason));
      expect(statusOf(res)).toBe(400);
      expect(payloadOf(res)).toMatchObject({ backfill: true, reasonError: expect.stringMatching(message) });
    }
    expect(await count("import_job")).toBe(jobs);
    const file = tempFile(csvFor([[SILUNGKANG, "2025-07"]]));
    const short = await cli("submissions", "import", file, "--template", PKG, "--form", FORM, "--as", "adm.sawahlunto", "--backfill", "--reason", "lama");
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/--reason: Alasan terlalu pendek/);
    const none = await cli("submissions", "import", file, "--template", PKG, "--form", FORM, "--as", "adm.sawahlunto", "--backfill");
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/Tulis alasan/);
    const nobody = await cli("submissions", "import", file, "--template", PKG, "--form", FORM, "--backfill", "--reason", REASON);
    expect(nobody.code).toBe(2);
    expect(nobody.err).toMatch(/--backfill memerlukan --as/);
    expect(await report(SILUNGKANG, "2025-07")).toBeUndefined();
  });

  it("a district admin backfills through the CLI with --as: a job like the web's, in the admin's job list; stored, late, audited per report and per job", async () => {
    const csv = csvFor(["2025-01", "2025-02", "2025-03"].map((p) => [SILUNGKANG, p]));
    const r = await cli("submissions", "import", tempFile(csv), "--template", PKG, "--form", FORM, "--as", "adm.sawahlunto", "--backfill", "--reason", REASON);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 dari 3 baris disimpan/);
    expect(r.out).toMatch(/atas nama adm.sawahlunto/);
    // The run is a job of the admin's, listed on the import page with its file and reason.
    const jobs = payloadOf(await call(imports.loader, makeRequest("/imports", { cookie: cookie.admin }))).jobs;
    const job = jobs[0];
    expect(job).toMatchObject({ file_name: "laporan-2025.csv", status: "done", stored_rows: 3, refused_rows: 0, backfill_reason: REASON });
    expect(r.out).toContain(`/imports/${job.id}`);
    const row = (await report(SILUNGKANG, "2025-02"))!;
    expect(row).toMatchObject({ status: "submitted", late_entry: 1 });
    const version = await getDb()
      .selectFrom("submission_revision")
      .select(["action", "late_entry_reason", "import_job_id", "actor_user_id"])
      .where("submission_id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(version).toEqual({ action: "submission.late_entry", late_entry_reason: REASON, import_job_id: job.id, actor_user_id: userId.admin });
    const audit = (await audits("submission.late_entry")).find((a) => a.entity_id === String(row.id))!;
    expect(audit.actor_user_id).toBe(userId.admin);
    expect(JSON.parse(audit.after_json!)).toMatchObject({ lateEntry: true, reason: REASON, period: "2025-02", importJob: job.id });
    const run = (await audits("import.backfill")).filter((a) => a.entity_id === String(job.id));
    expect(run).toHaveLength(1);
    expect(run[0]).toMatchObject({ actor_user_id: userId.admin, entity_type: "import_job" });
    expect(JSON.parse(run[0].after_json!)).toMatchObject({ reason: REASON, form: FORM, rows: 3, file: "laporan-2025.csv" });
    const finish = (await audits("import.finish")).filter((a) => a.entity_id === String(job.id));
    expect(JSON.parse(finish[0].after_json!)).toMatchObject({ stored: 3, refused: 0 });
  });

  it("approved reports stay locked against a backfill until a grant re-opens them", async () => {
    const target = (await report(SUNGAI_DURIAN, "2025-04"))!;
    const approved = await call(
      detail.action,
      makeRequest(`/verification/${target.id}`, { cookie: cookie.ver, form: { intent: "approve", revision: String(target.revision), note: "" } }),
      { id: String(target.id) },
    );
    expect(statusOf(approved)).toBe(200);
    const csv = csvFor([[SUNGAI_DURIAN, "2025-04"]], { jumlah_desa: 12 });
    const refused = await importJob("admin", csv, backfill());
    expect(refused.page.job.refused_rows).toBe(1);
    expect(refused.page.problems[0].message).toMatch(/sudah disetujui dan dikunci/);
    const byCli = await cli(
      "submissions",
      "import",
      tempFile(csv),
      "--template",
      PKG,
      "--form",
      FORM,
      "--as",
      "adm.sawahlunto",
      "--backfill",
      "--reason",
      REASON,
    );
    expect(byCli.err).toMatch(/sudah disetujui dan dikunci/);

    const grant = (reopen: boolean) =>
      call(
        locks.action,
        makeRequest("/locks", {
          cookie: cookie.admin,
          form: {
            intent: "grant",
            district: "13.73",
            unit: SUNGAI_DURIAN,
            form: `${PKG}/${FORM}`,
            period: "2025-04",
            days: "2",
            reason: "Koreksi jumlah desa 2025",
            ...(reopen ? { reopen: "1" } : {}),
          },
        }),
      );
    // A grant that only lifts the deadline does not touch an approved report.
    expect(statusOf(await grant(false))).toBe(200);
    expect((await importJob("admin", csv, backfill())).page.job.refused_rows).toBe(1);
    expect((await report(SUNGAI_DURIAN, "2025-04"))!.status).toBe("approved");

    expect(statusOf(await grant(true))).toBe(200);
    const reopened = await importJob("admin", csv, backfill());
    expect(reopened.page.job.stored_rows).toBe(1);
    const after = (await report(SUNGAI_DURIAN, "2025-04"))!;
    expect(after).toMatchObject({ status: "submitted", late_entry: 1 });
    expect(JSON.parse(after.data).jumlah_desa).toBe(12);
  });

  it("--as without --backfill attributes an ordinary CLI import to the account and holds it to the account's area", async () => {
    const r = await cli(
      "submissions",
      "import",
      tempFile(
        csvFor([
          [LEMBAH_SEGAR, CURRENT],
          [plantungan, CURRENT],
        ]),
      ),
      "--template",
      PKG,
      "--form",
      FORM,
      "--as",
      "ADM.Sawahlunto",
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/baris 3 kolom org_unit: .*di luar wilayah Anda/);
    const row = (await report(LEMBAH_SEGAR, CURRENT))!;
    expect(row).toMatchObject({ status: "submitted", late_entry: 0 });
    const version = await getDb()
      .selectFrom("submission_revision")
      .select(["action", "actor_user_id"])
      .where("submission_id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(version).toEqual({ action: "submission.import", actor_user_id: userId.admin });
    const unknown = await cli("submissions", "import", tempFile(csvFor([[LEMBAH_SEGAR, CURRENT]])), "--template", PKG, "--form", FORM, "--as", "tidak.ada");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/akun "tidak.ada" tidak ada/);
  });

  it("periods that have not begun are refused in backfill mode too", async () => {
    const { page } = await importJob("admin", csvFor([[KOLOK_MUDIK, FUTURE]]), backfill());
    expect(page.job.refused_rows).toBe(1);
    expect(page.problems[0]).toMatchObject({ column_key: "period", message: expect.stringContaining("belum berjalan") });
    const byCli = await cli(
      "submissions",
      "import",
      tempFile(csvFor([[KOLOK_MUDIK, FUTURE]])),
      "--template",
      PKG,
      "--form",
      FORM,
      "--as",
      "adm.sawahlunto",
      "--backfill",
      "--reason",
      REASON,
    );
    expect(byCli.code).toBe(1);
    expect(byCli.err).toMatch(/belum berjalan/);
    expect(await report(KOLOK_MUDIK, FUTURE)).toBeUndefined();
  });
});
