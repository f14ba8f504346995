/**
 * The follow-up action tracker (docs/decisions/030-action-tracker.md) on SQLite and PostgreSQL:
 * actions on a cell and on a meeting, the baseline value, due dates, scope checks, who may update,
 * mark done, confirm and cancel, evidence checked by content and bounded, audit rows, notifications
 * once, and the scorecard's cell markers.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, nowIso } from "~/db/db.server";
import { actionMarkers, cellKey } from "~/models/action-markers.server";
import { addNote, cellValue, changeStatus, confirmDone, createAction, homeActions, listActions, markDone, type ActionFields } from "~/models/actions.server";
import { explainUnit } from "~/models/scorecard.server";
import { getSessionUser } from "~/auth/session.server";
import * as listRoute from "~/routes/actions._index";
import * as newRoute from "~/routes/actions.new";
import * as detailRoute from "~/routes/actions.$id";
import * as evidenceRoute from "~/routes/actions.$id_.evidence.$evidenceId";
import * as explainRoute from "~/routes/scorecards_.explain";
import * as scorecardsRoute from "~/routes/scorecards";
import * as notificationsRoute from "~/routes/notifications";
import { clock } from "~/utils/clock.server";
import { MAX_EVIDENCE_BYTES, MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";
import { bodyLimitFor } from "~/server/body-limit.server";
import { call, cookieFor, insertUser, makeRequest, payloadOf, statusOf, useDemoDatabaseAt } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

// Early December: October is mostly reported.
const AS_OF = "2026-12-03T12:00:00.000Z";
const TODAY = "2026-12-03";
const PERIOD = "2026-10";
const PACKAGE = "ilp-nasional";
const INDICATOR = "spm_01";
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const KENDAL_PKM = "P3324001";

const fields = (over: Partial<ActionFields> = {}): ActionFields => ({
  problem: "Cakupan pelayanan ibu hamil rendah",
  cause: "Kunjungan rumah belum terjadwal",
  plan: "Sweeping ibu hamil bersama kader tiap Sabtu",
  responsibleUnit: SUNGAI_DURIAN,
  responsiblePerson: "Bidan Koordinator",
  responsibleUser: "",
  dueDate: "2026-12-20",
  ...over,
});

const form = (f: ActionFields): Record<string, string> => ({ ...f });
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");

describe.each(DIALECTS)("follow-up actions on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const userOf = async (key: string) => (await getSessionUser(makeRequest("/", { cookie: cookie[key] })))!;
  const cellQuery = `package=${PACKAGE}&indicator=${INDICATOR}&unit=${SUNGAI_DURIAN}&period=${PERIOD}`;
  const action = async (id: number) => getDb().selectFrom("follow_up_action").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const auditCount = async (name: string, id: number) =>
    Number(
      (
        await getDb()
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("action", "=", name)
          .where("entity_id", "=", String(id))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const post = (id: number, key: string, body: Record<string, string>) =>
    call(detailRoute.action, makeRequest(`/actions/${id}`, { cookie: cookie[key], form: body }), { id: String(id) });

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabaseAt(kind, AS_OF, {
      admin: ["adm.sawahlunto", [["district_admin", "13.73"]]],
      verifier: ["ver.sawahlunto", [["district_verifier", "13.73"]]],
      op: ["op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]],
      opOther: ["op.kolokmudik", [["puskesmas_operator", KOLOK_MUDIK]]],
      kendal: ["adm.kendal", [["district_admin", "33.24"]]],
      fasKendal: ["fas.kendal", [["facilitator", "33.24"]]],
      opKendal: ["op.kendal", [["puskesmas_operator", KENDAL_PKM]]],
      national: ["adm.nasional", [["national_admin", "ID"]]],
    }));
    const db = getDb();
    for (const u of ["adm.sawahlunto", "ver.sawahlunto", "op.sungaidurian", "op.kolokmudik", "adm.kendal", "adm.nasional"])
      ids[u] = (await db.selectFrom("app_user").select("id").where("username", "=", u).executeTakeFirstOrThrow()).id;
    for (const code of ["13.73", SUNGAI_DURIAN, KOLOK_MUDIK, "33.24", KENDAL_PKM])
      ids[code] = (await db.selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  }, 300_000);
  afterAll(() => handle.destroy());

  it("records an action on a cell with the cell's value as its baseline, audited, and tells the Puskesmas' operator once", async () => {
    const res = await call(
      newRoute.action,
      makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie.admin, form: form(fields({ responsibleUser: String(ids["op.sungaidurian"]) })) }),
    );
    expect(statusOf(res)).toBe(302);
    const id = Number((res as Response).headers.get("Location")!.split("/").pop());
    ids.cellAction = id;
    const row = await action(id);
    const expected = (await explainUnit(PACKAGE, INDICATOR, SUNGAI_DURIAN, PERIOD, undefined)).value;
    expect(expected).not.toBeNull();
    expect(row.baseline_value).toBeCloseTo(expected!, 9);
    expect(await cellValue(PACKAGE, INDICATOR, SUNGAI_DURIAN, PERIOD)).toBe(expected);
    expect(row).toMatchObject({
      status: "planned",
      org_unit_id: ids[SUNGAI_DURIAN],
      district_id: ids["13.73"],
      responsible_org_unit_id: ids[SUNGAI_DURIAN],
      indicator_key: INDICATOR,
      period: PERIOD,
      created_by: ids["adm.sawahlunto"],
    });
    expect(await auditCount("action.create", id)).toBe(1);
    const notes = await getDb().selectFrom("notification").selectAll().where("event_key", "=", `action_assigned:${id}`).execute();
    expect(notes.map((n) => n.user_id)).toEqual([ids["op.sungaidurian"]]);
    expect(notes[0].link).toBe(`/actions/${id}`);
    expect(JSON.parse(notes[0].params_json)).toMatchObject({ unit: "Puskesmas Sungai Durian", due: "2026-12-20" });
  });

  it("shows the cell, its value and the fields on /actions/new; the explain page lists the cell's actions and links to a new one", async () => {
    const page = payloadOf(await call(newRoute.loader, makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie.admin })));
    expect(page.unit).toEqual({ code: SUNGAI_DURIAN, name: "Puskesmas Sungai Durian" });
    expect(page.cell.value).not.toBeNull();
    expect(page.units.map((u: { code: string }) => u.code)).toContain(KOLOK_MUDIK);
    expect(page.units.map((u: { code: string }) => u.code)).not.toContain("P3324001");
    const explain = payloadOf(
      await call(
        explainRoute.loader,
        makeRequest(`/scorecards/explain?template=${PACKAGE}&period=${PERIOD}&parent=13.73&row=${SUNGAI_DURIAN}&indicator=${INDICATOR}`, {
          cookie: cookie.admin,
        }),
      ),
    );
    expect(explain.actions.map((a: { id: number }) => a.id)).toContain(ids.cellAction);
    expect(explain.newActionHref).toBe(`/actions/new?${cellQuery}`);
  });

  it("refuses a due date before today with a message and the typed values kept; nothing is stored", async () => {
    const before = await getDb().selectFrom("follow_up_action").select("id").execute();
    const typed = fields({ dueDate: "2026-12-02", problem: "Masalah yang diketik" });
    const res = await call(newRoute.action, makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie.admin, form: form(typed) }));
    expect(statusOf(res)).toBe(400);
    const d = payloadOf(res);
    expect(d.field).toBe("dueDate");
    expect(d.message).toContain(TODAY);
    expect(d.values.problem).toBe("Masalah yang diketik");
    expect(await getDb().selectFrom("follow_up_action").select("id").execute()).toHaveLength(before.length);
  });

  it("records an action on a meeting as a whole (its first scope unit) and refuses a responsible unit outside the meeting's scope", async () => {
    const db = getDb();
    const now = nowIso();
    const { id: meetingId } = await db
      .insertInto("meeting")
      .values({
        kind: "lokmin",
        title: "Lokmin Sungai Durian",
        owner_org_unit_id: ids["13.73"],
        package_key: PACKAGE,
        indicator_group: null,
        period: PERIOD,
        meeting_date: TODAY,
        location: null,
        points: null,
        decisions: null,
        previous_meeting_id: null,
        created_by: ids["adm.sawahlunto"],
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("meeting_scope").values({ meeting_id: meetingId, org_unit_id: ids[SUNGAI_DURIAN] }).execute();
    ids.meeting = meetingId;
    const admin = await userOf("admin");
    const outside = await createAction({ user: admin, meetingId, fields: fields({ responsibleUnit: KOLOK_MUDIK }) });
    expect(outside).toMatchObject({ ok: false, status: 400, field: "responsibleUnit" });
    const ok = await createAction({ user: admin, meetingId, fields: fields({ problem: "Rapat: jadwal posyandu" }) });
    expect(ok.ok).toBe(true);
    const row = await action((ok as { id: number }).id);
    expect(row).toMatchObject({ meeting_id: meetingId, org_unit_id: ids[SUNGAI_DURIAN], indicator_key: null, baseline_value: null });
    ids.meetingAction = row.id;
    // A closed meeting keeps its record: no new action on it, but its actions go on.
    await db.updateTable("meeting").set({ status: "closed", closed_at: now, closed_by: ids["adm.sawahlunto"] }).where("id", "=", meetingId).execute();
    expect(await createAction({ user: admin, meetingId, fields: fields() })).toMatchObject({ ok: false, status: 400 });
    expect(await addNote({ user: await userOf("op"), id: row.id, note: "Jadwal dibuat" })).toMatchObject({ ok: true });
  });

  it("refuses another district's admin and facilitator (403) and changes nothing", async () => {
    const count = async () => (await getDb().selectFrom("follow_up_action").select("id").execute()).length;
    const before = await count();
    for (const key of ["kendal", "fasKendal"]) {
      expect(statusOf(await call(newRoute.loader, makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie[key] })))).toBe(403);
      expect(statusOf(await call(newRoute.action, makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie[key], form: form(fields()) })))).toBe(403);
      // Even with a field wrong: who asks is checked first.
      expect(
        statusOf(await call(newRoute.action, makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie[key], form: form(fields({ problem: "" })) }))),
      ).toBe(403);
      expect(statusOf(await call(detailRoute.loader, makeRequest(`/actions/${ids.cellAction}`, { cookie: cookie[key] }), { id: String(ids.cellAction) }))).toBe(
        403,
      );
    }
    const row = await action(ids.cellAction);
    const res = await post(ids.cellAction, "kendal", { intent: "update", revision: String(row.revision), ...form(fields({ problem: "dibajak" })) });
    expect(statusOf(res)).toBe(403);
    expect(await count()).toBe(before);
    expect((await action(ids.cellAction)).problem).toBe(row.problem);
    // A Sawahlunto admin cannot make a Kendal Puskesmas responsible either.
    const cross = await createAction({
      user: await userOf("admin"),
      cell: { packageKey: PACKAGE, indicatorKey: INDICATOR, unit: SUNGAI_DURIAN, period: PERIOD },
      fields: fields({ responsibleUnit: "P3324001" }),
    });
    expect(cross).toMatchObject({ ok: false, status: 403 });
    expect(await count()).toBe(before);
  });

  it("lets only the responsible Puskesmas' operator update progress and mark it done; the creator and the verifier hear of it", async () => {
    const id = ids.cellAction;
    // Another Puskesmas' operator neither reads nor changes it.
    expect(statusOf(await call(detailRoute.loader, makeRequest(`/actions/${id}`, { cookie: cookie.opOther }), { id: String(id) }))).toBe(403);
    let row = await action(id);
    expect(statusOf(await post(id, "opOther", { intent: "done", revision: String(row.revision) }))).toBe(403);
    expect(statusOf(await post(id, "opOther", { intent: "note", note: "x" }))).toBe(403);
    // The operator may not edit the fields (a runner's job).
    expect(statusOf(await post(id, "op", { intent: "update", revision: String(row.revision), ...form(fields({ plan: "lain" })) }))).toBe(403);
    expect((await action(id)).plan).toBe(row.plan);
    // Progress: in progress, a note, a stale revision refused, then done.
    expect(statusOf(await post(id, "op", { intent: "status", to: "in_progress", revision: String(row.revision), note: "Mulai" }))).toBe(200);
    expect(statusOf(await post(id, "op", { intent: "note", note: "" }))).toBe(400);
    expect(statusOf(await post(id, "op", { intent: "note", note: "Sweeping minggu pertama: 12 ibu hamil" }))).toBe(200);
    const stale = await post(id, "op", { intent: "done", revision: String(row.revision) });
    expect(statusOf(stale)).toBe(409);
    expect((await action(id)).status).toBe("in_progress");
    row = await action(id);
    expect(statusOf(await post(id, "op", { intent: "done", revision: String(row.revision), note: "Selesai" }))).toBe(200);
    row = await action(id);
    expect(row).toMatchObject({ status: "done", done_by: ids["op.sungaidurian"], verified_at: null });
    expect(await auditCount("action.status", id)).toBe(1);
    expect(await auditCount("action.note", id)).toBe(1);
    expect(await auditCount("action.done", id)).toBe(1);
    const notes = await getDb().selectFrom("action_note").selectAll().where("action_id", "=", id).orderBy("id").execute();
    expect(notes.map((n) => [n.status_from, n.status_to])).toEqual([
      ["planned", "in_progress"],
      [null, null],
      ["in_progress", "done"],
    ]);
    const done = await getDb().selectFrom("notification").select("user_id").where("event_key", "=", `action_done:${id}:${row.done_at}`).execute();
    // (The national admin confirms everywhere, so hears of it too.)
    expect(done.map((n) => n.user_id).sort()).toEqual([ids["adm.sawahlunto"], ids["ver.sawahlunto"], ids["adm.nasional"]].sort());
    // The verifier's home lists it for confirmation.
    expect((await homeActions(await userOf("verifier"))).toConfirm.map((a) => a.id)).toContain(id);
  });

  it("lets the district verifier confirm or send back (with a note), not the operator", async () => {
    const id = ids.cellAction;
    let row = await action(id);
    expect(statusOf(await post(id, "op", { intent: "confirm", revision: String(row.revision) }))).toBe(403);
    const noNote = await post(id, "verifier", { intent: "sendBack", revision: String(row.revision), note: " " });
    expect(statusOf(noNote)).toBe(400);
    expect(statusOf(await post(id, "verifier", { intent: "sendBack", revision: String(row.revision), note: "Lampirkan daftar hadir" }))).toBe(200);
    row = await action(id);
    expect(row).toMatchObject({ status: "in_progress", done_at: null });
    expect(await auditCount("action.sendBack", id)).toBe(1);
    const op = await userOf("op");
    expect(await markDone({ user: op, id, revision: row.revision, note: "Daftar hadir dilampirkan" })).toMatchObject({ ok: true });
    row = await action(id);
    expect(statusOf(await post(id, "verifier", { intent: "confirm", revision: String(row.revision), note: "" }))).toBe(200);
    row = await action(id);
    expect(row.verified_by).toBe(ids["ver.sawahlunto"]);
    expect(row.verified_at).not.toBeNull();
    expect(await auditCount("action.confirm", id)).toBe(1);
    // Two "done" events, each once per person.
    expect(
      await getDb()
        .selectFrom("notification")
        .select("id")
        .where("event_key", "like", `action_done:${id}:%`)
        .where("user_id", "=", ids["ver.sawahlunto"])
        .execute(),
    ).toHaveLength(2);
  });

  it("lets a runner cancel with a reason, not the operator", async () => {
    const id = ids.meetingAction;
    let row = await action(id);
    expect(statusOf(await post(id, "op", { intent: "cancel", revision: String(row.revision), reason: "x" }))).toBe(403);
    expect(statusOf(await post(id, "admin", { intent: "cancel", revision: String(row.revision), reason: "" }))).toBe(400);
    expect(statusOf(await post(id, "admin", { intent: "cancel", revision: String(row.revision), reason: "Digabung dengan tindak lanjut sel" }))).toBe(200);
    row = await action(id);
    expect(row.status).toBe("cancelled");
    expect(await auditCount("action.cancel", id)).toBe(1);
    expect(await changeStatus({ user: await userOf("op"), id, revision: row.revision, to: "in_progress", note: "" })).toMatchObject({ ok: false, status: 400 });
  });

  it("re-notifies nobody twice: an edit by a runner keeps one assignment notice per person", async () => {
    const admin = await userOf("admin");
    const created = await createAction({
      user: admin,
      cell: { packageKey: PACKAGE, indicatorKey: INDICATOR, unit: SUNGAI_DURIAN, period: PERIOD },
      fields: fields({ dueDate: TODAY }),
    });
    expect(created.ok).toBe(true);
    const id = (created as { id: number }).id;
    ids.evidenceAction = id;
    const row = await action(id);
    expect(
      statusOf(await post(id, "admin", { intent: "update", revision: String(row.revision), ...form(fields({ dueDate: TODAY, plan: "Rencana diperbarui" })) })),
    ).toBe(200);
    expect((await action(id)).plan).toBe("Rencana diperbarui");
    expect(await auditCount("action.update", id)).toBe(1);
    const notes = await getDb().selectFrom("notification").select("user_id").where("event_key", "=", `action_assigned:${id}`).execute();
    expect(notes).toHaveLength(1);
  });

  const upload = (id: number, key: string, name: string, type: string, bytes: Uint8Array) => {
    const body = new FormData();
    body.set("file", new File([bytes as BlobPart], name, { type }));
    return call(detailRoute.action, makeRequest(`/actions/${id}`, { cookie: cookie[key], body }), { id: String(id) });
  };
  const evidenceCount = async (id: number) => (await getDb().selectFrom("action_evidence").select("id").where("action_id", "=", id).execute()).length;

  it("refuses evidence whose content is not a PDF, JPEG or PNG (415) and a file over the limit (413), storing nothing", async () => {
    const id = ids.evidenceAction;
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);
    const r1 = await upload(id, "op", "laporan.pdf", "application/pdf", exe);
    expect(statusOf(r1)).toBe(415);
    expect(payloadOf(r1).message).toMatch(/PDF, JPEG atau PNG/);
    const html = new TextEncoder().encode("<!DOCTYPE html><script>alert(1)</script>");
    expect(statusOf(await upload(id, "op", "foto.png", "image/png", html))).toBe(415);
    const big = new Uint8Array(MAX_EVIDENCE_BYTES + 1);
    big.set(PDF);
    const r3 = await upload(id, "op", "besar.pdf", "application/pdf", big);
    expect(statusOf(r3)).toBe(413);
    expect(payloadOf(r3).message).toMatch(/5 MB/);
    // A declared length over the limit is answered before the body is read.
    const declared = makeRequest(`/actions/${id}`, {
      cookie: cookie.op,
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES + 1) },
      body: "--x--",
    });
    expect(statusOf(await call(detailRoute.action, declared, { id: String(id) }))).toBe(413);
    // Another Puskesmas' operator may not upload.
    expect(statusOf(await upload(id, "opOther", "a.pdf", "application/pdf", PDF))).toBe(403);
    expect(await evidenceCount(id)).toBe(0);
    expect(await auditCount("action.evidence.add", id)).toBe(0);
  });

  it("stores a PDF with its SHA-256 and serves the same bytes as an attachment to readers only", async () => {
    const id = ids.evidenceAction;
    expect(statusOf(await upload(id, "op", "../Daftar hadir <1>.pdf", "text/plain", PDF))).toBe(200);
    const stored = await getDb().selectFrom("action_evidence").selectAll().where("action_id", "=", id).executeTakeFirstOrThrow();
    expect(stored.sha256).toBe(createHash("sha256").update(PDF).digest("hex"));
    expect(stored.media_type).toBe("application/pdf");
    expect(stored.file_name).toBe("Daftar_hadir_1.pdf");
    expect(await auditCount("action.evidence.add", id)).toBe(1);
    const params = { id: String(id), evidenceId: String(stored.id) };
    const res = (await call(evidenceRoute.loader, makeRequest(`/actions/${id}/evidence/${stored.id}`, { cookie: cookie.verifier }), params)) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe("sandbox; default-src 'none'");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="Daftar_hadir_1.pdf"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    for (const key of ["opOther", "kendal"])
      expect(statusOf(await call(evidenceRoute.loader, makeRequest(`/actions/${id}/evidence/${stored.id}`, { cookie: cookie[key] }), params))).toBe(403);
    // An evidence id of another action is not found through this one.
    expect(
      statusOf(await call(evidenceRoute.loader, makeRequest(`/x`, { cookie: cookie.admin }), { id: String(ids.cellAction), evidenceId: String(stored.id) })),
    ).toBe(404);
  });

  it("lists actions in the reader's scope with filters; operators see their Puskesmas' only; overdue after the clock moves", async () => {
    const list = async (key: string, q = "") =>
      payloadOf(await call(listRoute.loader, makeRequest(`/actions${q}`, { cookie: cookie[key] }))).rows as Array<{ id: number; overdue: boolean }>;
    expect((await list("admin")).map((r) => r.id).sort()).toEqual([ids.cellAction, ids.meetingAction, ids.evidenceAction].sort());
    expect(await list("opOther")).toEqual([]);
    expect(await list("kendal")).toEqual([]);
    expect((await list("op", "?status=cancelled")).map((r) => r.id)).toEqual([ids.meetingAction]);
    expect(await list("admin", "?overdue=1")).toEqual([]);
    const markers = async () =>
      actionMarkers(getDb(), { packageKey: PACKAGE, period: PERIOD, orgUnitIds: [ids[SUNGAI_DURIAN]] }).then((m) =>
        m.get(cellKey(ids[SUNGAI_DURIAN], INDICATOR)),
      );
    expect(await markers()).toEqual({ total: 2, open: 1, overdue: 0 });
    try {
      clock.set("2026-12-04T08:00:00.000Z");
      // Sessions last 12 hours: sign in again on the new day.
      cookie.admin = await cookieFor(ids["adm.sawahlunto"]);
      cookie.op = await cookieFor(ids["op.sungaidurian"]);
      expect((await list("admin", "?overdue=1")).map((r) => r.id)).toEqual([ids.evidenceAction]);
      expect(await markers()).toEqual({ total: 2, open: 1, overdue: 1 });
      expect((await homeActions(await userOf("op"))).open.map((a) => [a.id, a.overdue])).toEqual([[ids.evidenceAction, true]]);
      // The scorecard marks the cell, and says it is overdue.
      const sc = payloadOf(
        await call(scorecardsRoute.loader, makeRequest(`/scorecards?template=${PACKAGE}&period=${PERIOD}&parent=13.73`, { cookie: cookie.admin })),
      );
      const row = sc.view.rows.find((r: { code: string }) => r.code === SUNGAI_DURIAN);
      expect(row.cells.find((c: { indicator: string }) => c.indicator === INDICATOR).action).toBe("overdue");
      const other = sc.view.rows.find((r: { code: string }) => r.code === KOLOK_MUDIK);
      expect(other.cells.find((c: { indicator: string }) => c.indicator === INDICATOR).action).toBeUndefined();
    } finally {
      clock.set(AS_OF);
    }
    expect((await listActions(await userOf("op"), { overdueOnly: true })).rows).toEqual([]);
  });

  it("answers ids too long for an integer column with a 4xx, not a database error", async () => {
    const huge = "999999999999";
    const count = async () => (await getDb().selectFrom("follow_up_action").select("id").execute()).length;
    const before = await count();
    expect(statusOf(await call(listRoute.loader, makeRequest(`/actions?meeting=${huge}`, { cookie: cookie.admin })))).toBe(404);
    expect(statusOf(await call(newRoute.loader, makeRequest(`/actions/new?meeting=${huge}`, { cookie: cookie.admin })))).toBe(404);
    expect(statusOf(await call(newRoute.action, makeRequest(`/actions/new?meeting=${huge}`, { cookie: cookie.admin, form: form(fields()) })))).toBe(404);
    expect(await count()).toBe(before);
    // A stale-looking revision: refused as a conflict, nothing changed.
    const id = ids.evidenceAction;
    const row = await action(id);
    expect(statusOf(await post(id, "op", { intent: "status", to: row.status === "planned" ? "in_progress" : "planned", revision: huge, note: "" }))).toBe(409);
    expect((await action(id)).revision).toBe(row.revision);
    const read = makeRequest("/notifications", { cookie: cookie.op, form: { intent: "read", id: huge } });
    expect(statusOf(await call(notificationsRoute.action, read))).toBe(404);
  });

  it("checks who may add evidence before reading the upload: another district's operator gets 403, nothing read or stored", async () => {
    const id = ids.evidenceAction;
    const before = await evidenceCount(id);
    // A body that would not even parse: the refusal comes first, the body stays unread.
    const broken = makeRequest(`/actions/${id}`, {
      cookie: cookie.opKendal,
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body: "not multipart",
    });
    expect(statusOf(await call(detailRoute.action, broken, { id: String(id) }))).toBe(403);
    expect(broken.bodyUsed).toBe(false);
    expect(statusOf(await upload(id, "opKendal", "a.pdf", "application/pdf", PDF))).toBe(403);
    expect(await evidenceCount(id)).toBe(before);
  });

  it("does not let whoever marked an action done confirm it; a confirmed action takes no more notes or evidence", async () => {
    const admin = await userOf("admin");
    const created = await createAction({
      user: admin,
      cell: { packageKey: PACKAGE, indicatorKey: INDICATOR, unit: SUNGAI_DURIAN, period: PERIOD },
      fields: fields(),
    });
    const id = (created as { id: number }).id;
    let row = await action(id);
    expect(await markDone({ user: admin, id, revision: row.revision, note: "Selesai oleh Dinkes" })).toMatchObject({ ok: true });
    row = await action(id);
    const page = payloadOf(await call(detailRoute.loader, makeRequest(`/actions/${id}`, { cookie: cookie.admin }), { id: String(id) }));
    expect(page.perms).toMatchObject({ confirm: false, sendBack: true, ownDone: true });
    const own = await post(id, "admin", { intent: "confirm", revision: String(row.revision), note: "" });
    expect(statusOf(own)).toBe(403);
    expect(await (own as Response).text()).toMatch(/Anda sendiri yang menandai/);
    expect(await confirmDone({ user: admin, id, revision: row.revision, note: "" })).toMatchObject({ ok: false, status: 403 });
    expect((await action(id)).verified_at).toBeNull();
    expect(statusOf(await post(id, "verifier", { intent: "confirm", revision: String(row.revision), note: "" }))).toBe(200);
    expect((await action(id)).verified_by).toBe(ids["ver.sawahlunto"]);
    // Confirmed: closed to notes and files, with a message saying why.
    const note = await post(id, "op", { intent: "note", note: "Tambahan" });
    expect(statusOf(note)).toBe(400);
    expect(payloadOf(note).message).toMatch(/sudah dikonfirmasi/);
    const file = await upload(id, "op", "a.pdf", "application/pdf", PDF);
    expect(statusOf(file)).toBe(400);
    expect(payloadOf(file).message).toMatch(/sudah dikonfirmasi/);
    expect(await evidenceCount(id)).toBe(0);
    expect(await getDb().selectFrom("action_note").select("id").where("action_id", "=", id).execute()).toHaveLength(1);
  });

  it("lets only a runner over both the cell's unit and the responsible unit edit or cancel", async () => {
    // The national admin records an action on a Sawahlunto cell with a Kendal Puskesmas responsible.
    const created = await createAction({
      user: await userOf("national"),
      cell: { packageKey: PACKAGE, indicatorKey: INDICATOR, unit: SUNGAI_DURIAN, period: PERIOD },
      fields: fields({ responsibleUnit: KENDAL_PKM }),
    });
    expect(created.ok).toBe(true);
    const id = (created as { id: number }).id;
    const row = await action(id);
    // Kendal's admin holds the responsible unit but not the cell's unit: reads it, may not edit or cancel it.
    const page = payloadOf(await call(detailRoute.loader, makeRequest(`/actions/${id}`, { cookie: cookie.kendal }), { id: String(id) }));
    expect(page.perms).toMatchObject({ edit: false, cancel: false });
    expect(statusOf(await post(id, "kendal", { intent: "cancel", revision: String(row.revision), reason: "Bukan urusan kami" }))).toBe(403);
    expect(statusOf(await post(id, "kendal", { intent: "update", revision: String(row.revision), ...form(fields({ responsibleUnit: KENDAL_PKM })) }))).toBe(
      403,
    );
    expect(await action(id)).toMatchObject({ status: "planned", revision: row.revision });
    expect(statusOf(await post(id, "national", { intent: "cancel", revision: String(row.revision), reason: "Salah unit" }))).toBe(200);
    expect((await action(id)).status).toBe("cancelled");
  });

  it("files a meeting-wide action under its responsible unit's district, so a two-district meeting's actions are found by district", async () => {
    const db = getDb();
    const now = nowIso();
    const { id: meetingId } = await db
      .insertInto("meeting")
      .values({
        kind: "benchmark",
        title: "Kaji banding Sawahlunto–Kendal",
        owner_org_unit_id: ids["13.73"],
        package_key: PACKAGE,
        indicator_group: null,
        period: PERIOD,
        meeting_date: TODAY,
        location: null,
        points: null,
        decisions: null,
        previous_meeting_id: null,
        created_by: ids["adm.nasional"],
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("meeting_scope")
      .values([
        { meeting_id: meetingId, org_unit_id: ids["13.73"] },
        { meeting_id: meetingId, org_unit_id: ids["33.24"] },
      ])
      .execute();
    const national = await userOf("national");
    const made: Record<string, number> = {};
    for (const [district, unit] of [
      ["13.73", KOLOK_MUDIK],
      ["33.24", KENDAL_PKM],
    ]) {
      const r = await createAction({ user: national, meetingId, fields: fields({ responsibleUnit: unit, problem: `Rapat: ${unit}` }) });
      expect(r.ok).toBe(true);
      made[district] = (r as { id: number }).id;
      expect((await action(made[district])).district_id).toBe(ids[district]);
    }
    for (const district of ["13.73", "33.24"]) {
      const rows = payloadOf(await call(listRoute.loader, makeRequest(`/actions?meeting=${meetingId}&district=${district}`, { cookie: cookie.national }))).rows;
      expect(rows.map((r: { id: number }) => r.id)).toEqual([made[district]]);
    }
  });
  it("tells a creator who has since left the district nothing of the action's progress", async () => {
    // A facilitator records an action, then loses the grant (moved elsewhere); the district's own staff still hear of it.
    const temp = await insertUser(`fas.moved.${kind}`, [["facilitator", "13.73"]]);
    cookie.moved = await cookieFor(temp);
    const res = await call(
      newRoute.action,
      makeRequest(`/actions/new?${cellQuery}`, { cookie: cookie.moved, form: form(fields({ problem: "Dari fasilitator lama" })) }),
    );
    expect(statusOf(res)).toBe(302);
    const id = Number((res as Response).headers.get("Location")!.split("/").pop());
    await getDb().deleteFrom("role_grant").where("user_id", "=", temp).execute();
    const row = await action(id);
    expect(await markDone({ user: await userOf("op"), id, revision: row.revision, note: "Selesai" })).toMatchObject({ ok: true });
    const done = await action(id);
    const told = (await getDb().selectFrom("notification").select("user_id").where("event_key", "=", `action_done:${id}:${done.done_at}`).execute()).map(
      (n) => n.user_id,
    );
    expect(told).not.toContain(temp);
    expect(told).toContain(ids["ver.sawahlunto"]);
  });
});

describe("the evidence upload's body limit", () => {
  it("gives an action's page its own limit, one evidence file and the multipart envelope, answered by the route", () => {
    for (const p of ["/actions/12", "/actions/12.data"])
      expect(bodyLimitFor(p, true)).toEqual({ family: "evidence", bytes: MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES, routeAnswers: true });
    expect(bodyLimitFor("/actions/new", true).family).toBe("form");
    expect(bodyLimitFor("/actions/12", false).family).toBe("anonymous");
  });
});
