/**
 * Evaluation meetings on SQLite and PostgreSQL (docs/decisions/027-meetings-and-actions.md,
 * 028-meeting-follow-up.md): creating one through the form (scope from the runner's grants,
 * invitees inside the scope, typed values kept on a refusal), the list and the page for readers
 * only, notes with a revision check, attendance, closing, the previous-meeting link, the
 * follow-up's indicator movement from the scorecard engine, invitation notifications and audit
 * rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import { cellKey } from "~/models/action-markers.server";
import { cellValues, previousMeetingFollowUp } from "~/models/meetings-followup.server";
import { getMeeting } from "~/models/meetings.server";
import { buildScorecard } from "~/models/scorecard.server";
import { getPublishedPackage } from "~/models/templates.server";
import * as detail from "~/routes/meetings.$id";
import * as list from "~/routes/meetings._index";
import * as create from "~/routes/meetings.new";
import { DIALECTS } from "../helpers/db";
import { call, cookieFor, FACILITATOR_USERS, insertUser, makeRequest, payloadOf, puskesmasCode, statusOf, useDemoDatabase } from "../helpers/app";

const PACKAGE = "ilp-nasional";
const LAST_MONTH = "2026-10";

describe.each(DIALECTS)("evaluation meetings on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useDemoDatabase>>["handle"];
  let cookie: Record<string, string>;
  let firstId = 0;

  const unitId = async (code: string) => (await getDb().selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  const userId = async (username: string) => (await getDb().selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  /** A complete form for a Sawahlunto meeting; `over` changes fields, a list value sends the field once per item. */
  const meetingForm = (over: Record<string, string | string[]> = {}) => {
    const fields: Record<string, string | string[]> = {
      kind: "evaluation",
      title: "Rapat evaluasi ILP Sawahlunto",
      scope: ["13.73"],
      package: PACKAGE,
      group: "",
      period: "2026-09",
      date: "2026-10-12",
      location: "Aula Dinkes",
      unit: ["P1373001", "P1373002"],
      account: [],
      guestName: ["Bu Rina", ""],
      guestPosition: ["Camat Talawi", ""],
      unitsFor: "13.73",
      ...over,
    };
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return body;
  };
  const post = (who: string, path: string, body: URLSearchParams) =>
    makeRequest(path, { cookie: cookie[who], body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  const createAs = (who: string, body: URLSearchParams) => call(create.action, post(who, "/meetings/new", body));
  const createdId = (res: unknown) => {
    expect(statusOf(res)).toBe(302);
    const location = (res as Response).headers.get("Location")!;
    expect(location).toMatch(/^\/meetings\/\d+\?created=\d+$/);
    return Number(location.split("/")[2].split("?")[0]);
  };
  const page = async (who: string, id: number | string) => call(detail.loader, makeRequest(`/meetings/${id}`, { cookie: cookie[who] }), { id: String(id) });
  const act = (who: string, id: number, form: Record<string, string>) =>
    call(detail.action, makeRequest(`/meetings/${id}`, { cookie: cookie[who], form }), { id: String(id) });

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, LAST_MONTH, {
      adm: ["adm.sawahlunto", [["district_admin", "13.73"]]],
      ver: ["ver.sawahlunto", [["district_verifier", "13.73"]]],
      op: ["op.sungaidurian", [["puskesmas_operator", "P1373001"]]],
      opOther: ["op.plantungan", [["puskesmas_operator", puskesmasCode("Plantungan")]]],
      fas: FACILITATOR_USERS.jateng,
      nat: ["adm.nasional", [["national_admin", "ID"]]],
      admKendal: ["adm.kendal", [["district_admin", "33.24"]]],
      verKendal: ["ver.kendal", [["district_verifier", "33.24"]]],
    }));
  }, 240_000);
  afterAll(() => handle.destroy());

  it("creates a meeting for the admin's district with its participants, an audit row and one invitation per invited person", async () => {
    const ver = await userId("ver.sawahlunto");
    const res = await createAs("adm", meetingForm({ account: [String(ver)] }));
    firstId = createdId(res);
    const m = (await getMeeting(getDb(), firstId))!;
    expect(m).toMatchObject({
      kind: "evaluation",
      title: "Rapat evaluasi ILP Sawahlunto",
      period: "2026-09",
      meetingDate: "2026-10-12",
      status: "open",
      revision: 1,
    });
    expect(m.ownerOrgUnitId).toBe(await unitId("13.73"));
    expect(m.scope.map((s) => s.code)).toEqual(["13.73"]);
    expect(m.previousMeetingId).toBeNull();
    expect(m.packageTitle).not.toBe("");
    expect(m.participants.map((p) => [p.kind, p.detail])).toEqual([
      ["unit", "P1373001"],
      ["unit", "P1373002"],
      ["user", "ver.sawahlunto"],
      ["guest", "Camat Talawi"],
    ]);
    const audit = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "meeting.create").where("entity_id", "=", String(firstId)).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ scope: ["13.73"], package: PACKAGE, period: "2026-09" });
    const notes = await getDb().selectFrom("notification").selectAll().where("event_key", "=", `meeting_invitation:${firstId}`).execute();
    // The invited verifier and the operator of the invited Sungai Durian; nobody of Kolok Mudik has an account here.
    expect(notes.map((n) => n.user_id).sort((a, b) => a - b)).toEqual([ver, await userId("op.sungaidurian")].sort((a, b) => a - b));
    expect(notes.every((n) => n.kind === "meeting_invitation" && n.link === `/meetings/${firstId}`)).toBe(true);
    expect(JSON.parse(notes[0].params_json)).toEqual({ title: "Rapat evaluasi ILP Sawahlunto", date: "2026-10-12" });
    expect((res as Response).headers.get("Location")).toBe(`/meetings/${firstId}?created=2`);
  });

  it("lists and shows the meeting to readers of its area and to the invited, not to another district's operator", async () => {
    const rows = async (who: string, search = "") => payloadOf(await call(list.loader, makeRequest(`/meetings${search}`, { cookie: cookie[who] }))).meetings;
    expect((await rows("adm")).map((r: { id: number }) => r.id)).toContain(firstId);
    expect((await rows("op")).map((r: { id: number }) => r.id)).toContain(firstId);
    expect((await rows("nat")).map((r: { id: number }) => r.id)).toContain(firstId);
    expect(await rows("opOther")).toEqual([]);
    expect(await rows("fas")).toEqual([]);
    expect(await rows("adm", "?kind=lokmin")).toEqual([]);
    expect(await rows("adm", "?period=2026-08")).toEqual([]);
    expect((await rows("adm", "?status=open&period=2026-09")).map((r: { id: number }) => r.id)).toEqual([firstId]);
    expect(payloadOf(await call(list.loader, makeRequest("/meetings", { cookie: cookie.op }))).canCreate).toBe(false);

    const shown = payloadOf(await page("op", firstId));
    expect(shown.meeting.id).toBe(firstId);
    expect(shown.canEdit).toBe(false);
    expect(payloadOf(await page("adm", firstId)).canEdit).toBe(true);
    const refused = await page("opOther", firstId);
    expect(statusOf(refused)).toBe(403);
    expect(await (refused as Response).text()).not.toContain("Sawahlunto");
    expect(statusOf(await page("fas", firstId))).toBe(403);
    expect(statusOf(await page("adm", 999999))).toBe(404);
    expect(statusOf(await page("adm", "abc"))).toBe(404);
  });

  it("refuses a scope outside the runner's area, a verifier, invitees outside the scope and bad fields, keeping what was typed", async () => {
    const before = await getDb()
      .selectFrom("meeting")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const outside = await createAs("fas", meetingForm({ title: "Rapat fasilitator", unit: [] }));
    expect(statusOf(outside)).toBe(403);
    expect(payloadOf(outside)).toMatchObject({ field: "scope", values: { title: "Rapat fasilitator", scope: ["13.73"] } });
    expect(payloadOf(outside).message).toContain("wilayah tugas Anda");
    expect(statusOf(await createAs("ver", meetingForm()))).toBe(403);
    expect(statusOf(await call(create.loader, makeRequest("/meetings/new", { cookie: cookie.ver })))).toBe(403);

    const foreignUnit = await createAs("adm", meetingForm({ unit: ["P1373001", puskesmasCode("Plantungan")] }));
    expect(statusOf(foreignUnit)).toBe(400);
    expect(payloadOf(foreignUnit).field).toBe("units");
    const foreignAccount = await createAs("adm", meetingForm({ account: [String(await userId("op.plantungan"))] }));
    expect(payloadOf(foreignAccount).field).toBe("accounts");

    const badPeriod = await createAs("adm", meetingForm({ period: "2026-13", title: "Judul yang diketik" }));
    expect(statusOf(badPeriod)).toBe(400);
    expect(payloadOf(badPeriod)).toMatchObject({ field: "period", values: { period: "2026-13", title: "Judul yang diketik", location: "Aula Dinkes" } });
    expect(payloadOf(badPeriod).message).toContain("2026-Q3");
    expect(payloadOf(await createAs("adm", meetingForm({ date: "2026-02-30" }))).field).toBe("date");
    expect(payloadOf(await createAs("adm", meetingForm({ title: "  " }))).field).toBe("title");
    expect(payloadOf(await createAs("adm", meetingForm({ kind: "party" }))).field).toBe("kind");
    expect(payloadOf(await createAs("adm", meetingForm({ package: "nope" }))).field).toBe("package");
    expect(payloadOf(await createAs("adm", meetingForm({ group: "nope" }))).field).toBe("group");
    expect(payloadOf(await createAs("adm", meetingForm({ guestName: [""], guestPosition: ["Kepala Desa"] }))).field).toBe("guests");
    const english = await call(
      create.action,
      makeRequest("/meetings/new", {
        cookie: `${cookie.adm}; ${(await langCookie.serialize("en")).split(";")[0]}`,
        body: meetingForm({ date: "x" }),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
    );
    expect(payloadOf(english).message).toContain("YYYY-MM-DD");

    const after = await getDb()
      .selectFrom("meeting")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("saves the notes with a revision check, keeps the typed text on a conflict, ticks attendance, and refuses every edit once closed", async () => {
    const saved = await act("adm", firstId, { intent: "notes", revision: "1", points: "Cakupan K6 rendah", decisions: "Kunjungan rumah" });
    expect(statusOf(saved)).toBe(200);
    expect(payloadOf(saved).revision).toBe(2);
    const stale = await act("adm", firstId, { intent: "notes", revision: "1", points: "Teks saya yang baru", decisions: "Keputusan saya" });
    expect(statusOf(stale)).toBe(409);
    expect(payloadOf(stale).values).toEqual({ points: "Teks saya yang baru", decisions: "Keputusan saya" });
    expect(payloadOf(stale).message).toContain("diubah orang lain");
    // What is saved now, to merge with: the page is not reloaded after a refusal.
    expect(payloadOf(stale).saved).toEqual({ points: "Cakupan K6 rendah", decisions: "Kunjungan rumah", revision: 2 });
    expect((await getMeeting(getDb(), firstId))!.points).toBe("Cakupan K6 rendah");
    // Readers who do not run the meeting cannot edit it.
    expect(statusOf(await act("op", firstId, { intent: "notes", revision: "2", points: "x", decisions: "" }))).toBe(403);
    expect(statusOf(await act("opOther", firstId, { intent: "notes", revision: "2", points: "x", decisions: "" }))).toBe(403);

    const m = (await getMeeting(getDb(), firstId))!;
    const ticked = m.participants.filter((p) => p.kind !== "user").map((p) => String(p.id));
    const body = new URLSearchParams([["intent", "attendance"], ...ticked.map((id) => ["attended", id] as [string, string])]);
    expect(statusOf(await call(detail.action, post("adm", `/meetings/${firstId}`, body), { id: String(firstId) }))).toBe(200);
    expect((await getMeeting(getDb(), firstId))!.participants.map((p) => p.attended)).toEqual([true, true, false, true]);

    expect(statusOf(await act("adm", firstId, { intent: "close", revision: "1" }))).toBe(409);
    const closed = await act("adm", firstId, { intent: "close", revision: "2" });
    expect(statusOf(closed)).toBe(200);
    const after = (await getMeeting(getDb(), firstId))!;
    expect(after).toMatchObject({ status: "closed", revision: 3, points: "Cakupan K6 rendah" });
    expect(after.closedBy).toBe(await userId("adm.sawahlunto"));
    const late = await act("adm", firstId, { intent: "notes", revision: "3", points: "Tambahan", decisions: "" });
    expect(statusOf(late)).toBe(409);
    expect(payloadOf(late).message).toContain("sudah ditutup");
    expect(payloadOf(late).values.points).toBe("Tambahan");
    expect(statusOf(await act("adm", firstId, { intent: "attendance" }))).toBe(409);
    expect((await getMeeting(getDb(), firstId))!.participants.filter((p) => p.attended)).toHaveLength(3);
    expect(payloadOf(await page("adm", firstId)).canEdit).toBe(false);

    const actions = (
      await getDb()
        .selectFrom("audit_log")
        .select("action")
        .where("entity_type", "=", "meeting")
        .where("entity_id", "=", String(firstId))
        .orderBy("id")
        .execute()
    ).map((r) => r.action);
    expect(actions).toEqual(["meeting.create", "meeting.notes", "meeting.attendance", "meeting.close"]);
  });

  it("links the next meeting of the same scope and package, and says how each action's indicator moved since it was agreed", async () => {
    const db = getDb();
    const sungai = await unitId("P1373001");
    const kolok = await unitId("P1373002");
    const pkg = (await getPublishedPackage(PACKAGE))!;
    // An indicator with a value at Kolok Mudik in October, straight from the scorecard.
    const board = await buildScorecard({ packageKey: PACKAGE, period: LAST_MONTH, parentCode: "13.73" });
    const row = board.scorecard.rows.find((r) => r.code === "P1373002")!;
    const withValue = row.cells.find((c) => c.value !== null)!;
    expect(withValue).toBeDefined();
    const values = await cellValues(db, {
      packageKey: PACKAGE,
      period: LAST_MONTH,
      cells: [
        { orgUnitId: kolok, indicatorKey: withValue.indicator },
        { orgUnitId: sungai, indicatorKey: "no_such_indicator" },
      ],
    });
    expect(values.get(cellKey(kolok, withValue.indicator))).toEqual({
      value: withValue.value,
      colour: ["green", "yellow", "red"].includes(withValue.state) ? withValue.state : null,
    });
    expect(values.get(cellKey(sungai, "no_such_indicator"))).toEqual({ value: null, colour: null });
    expect(pkg.document.indicators.some((i) => i.key === withValue.indicator)).toBe(true);

    const admin = await userId("adm.sawahlunto");
    const base = {
      meeting_id: firstId,
      district_id: await unitId("13.73"),
      package_key: PACKAGE,
      period: "2026-09",
      cause: null,
      responsible_person: "Bidan koordinator",
      responsible_user_id: null,
      due_date: "2026-10-30",
      status: "in_progress" as const,
      done_at: null,
      done_by: null,
      verified_at: null,
      verified_by: null,
      created_by: admin,
      created_at: "2026-10-12T09:00:00.000Z",
      updated_at: "2026-10-12T09:00:00.000Z",
    };
    const insert = async (row: Record<string, unknown>) =>
      (
        await db
          .insertInto("follow_up_action")
          .values({ ...base, ...row } as never)
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const up = await insert({
      org_unit_id: kolok,
      responsible_org_unit_id: kolok,
      indicator_key: withValue.indicator,
      baseline_value: withValue.value! - 4.2,
      problem: "Cakupan rendah",
      plan: "Sweeping",
    });
    const missing = await insert({
      org_unit_id: sungai,
      responsible_org_unit_id: sungai,
      indicator_key: "no_such_indicator",
      baseline_value: 50,
      problem: "Tanpa data",
      plan: "Lapor",
    });
    const whole = await insert({
      org_unit_id: sungai,
      responsible_org_unit_id: sungai,
      indicator_key: null,
      baseline_value: null,
      problem: "Rapat",
      plan: "Koordinasi",
    });

    // Another scope (the province) does not follow the district's meeting.
    const province = createdId(
      await createAs("nat", meetingForm({ scope: ["13"], unit: [], guestName: [], guestPosition: [], unitsFor: "13", date: "2026-11-10" })),
    );
    expect((await getMeeting(db, province))!.previousMeetingId).toBeNull();

    const nextId = createdId(await createAs("adm", meetingForm({ title: "Rapat evaluasi ILP Sawahlunto (lanjutan)", period: LAST_MONTH, date: "2026-11-12" })));
    const next = (await getMeeting(db, nextId))!;
    expect(next.previousMeetingId).toBe(firstId);
    // An earlier-dated meeting entered later follows the first, not the later one.
    const between = createdId(await createAs("adm", meetingForm({ date: "2026-10-20" })));
    expect((await getMeeting(db, between))!.previousMeetingId).toBe(firstId);

    const followUp = (await previousMeetingFollowUp(db, next))!;
    expect(followUp.meeting.id).toBe(firstId);
    expect(followUp.period).toBe(LAST_MONTH);
    const byId = new Map(followUp.actions.map((a) => [a.id, a]));
    expect(byId.get(up)).toMatchObject({
      movement: "up",
      verdict: "better",
      lowerIsBetter: false,
      nowValue: withValue.value,
      status: "in_progress",
      overdue: true,
    });
    expect(byId.get(up)!.change).toBeCloseTo(4.2, 6);
    expect(byId.get(missing)).toMatchObject({ movement: "nodata", nowValue: null });
    expect(byId.get(whole)).toMatchObject({ movement: "none" });

    const shown = payloadOf(await page("op", nextId));
    expect(shown.followUp.actions.map((a: { id: number }) => a.id).sort()).toEqual([up, missing, whole].sort());
    expect(payloadOf(await page("adm", firstId)).actions.map((a: { id: number }) => a.id)).toEqual([up, missing, whole]);
    expect(payloadOf(await page("adm", firstId)).followUp).toBeNull();
  });

  it("invites each person once per meeting", async () => {
    const rows = await getDb().selectFrom("notification").select(["user_id", "event_key"]).where("kind", "=", "meeting_invitation").execute();
    const keys = rows.map((r) => `${r.user_id}|${r.event_key}`);
    expect(new Set(keys).size).toBe(keys.length);
    const op = await userId("op.sungaidurian");
    // The first, the next and the in-between Sawahlunto meetings invited Sungai Durian; the province meeting invited no one.
    expect(rows.filter((r) => r.user_id === op)).toHaveLength(3);
  });

  it("lets a facilitator of two districts create their kaji banding, owned by the province", async () => {
    const res = await createAs(
      "fas",
      meetingForm({ kind: "benchmark", title: "Kaji banding Tegal dan Kendal", scope: ["33.28", "33.24"], unit: [], unitsFor: "" }),
    );
    const m = (await getMeeting(getDb(), createdId(res)))!;
    expect(m.scope.map((s) => s.code).sort()).toEqual(["33.24", "33.28"]);
    expect(m.ownerOrgUnitId).toBe(await unitId("33"));
  });

  it("shares a kaji banding's record with those whose area holds its whole scope and with the invited, not with one district's staff", async () => {
    // Tegal and Kendal compared: Kendal's admin is invited by account, Kendal's verifier is not;
    // one Kendal Puskesmas is invited as a unit, another is not.
    const db = getDb();
    const kendal = await unitId("33.24");
    const kendalPuskesmas = await db
      .selectFrom("org_unit")
      .select(["id", "code"])
      .where("parent_id", "=", kendal)
      .where("level", "=", "puskesmas")
      .orderBy("code")
      .limit(2)
      .execute();
    const opInvited = await insertUser("op.kendal.invited", [["puskesmas_operator", kendalPuskesmas[0].code]]);
    const opNot = await insertUser("op.kendal.not", [["puskesmas_operator", kendalPuskesmas[1].code]]);
    cookie.opInvited = await cookieFor(opInvited);
    cookie.opNot = await cookieFor(opNot);
    const at = "2026-11-01T00:00:00.000Z";
    const { id } = await db
      .insertInto("meeting")
      .values({
        kind: "benchmark",
        title: "Kaji banding Tegal–Kendal",
        owner_org_unit_id: await unitId("33"),
        package_key: PACKAGE,
        indicator_group: null,
        period: "2026-09",
        meeting_date: "2026-10-20",
        location: null,
        points: null,
        decisions: null,
        previous_meeting_id: null,
        created_by: await userId("adm.nasional"),
        created_at: at,
        updated_at: at,
        closed_at: null,
        closed_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("meeting_scope")
      .values([
        { meeting_id: id, org_unit_id: await unitId("33.28") },
        { meeting_id: id, org_unit_id: kendal },
      ])
      .execute();
    await db
      .insertInto("meeting_participant")
      .values([
        { meeting_id: id, org_unit_id: null, user_id: await userId("adm.kendal"), name: null, position: null },
        { meeting_id: id, org_unit_id: kendalPuskesmas[0].id, user_id: null, name: null, position: null },
      ])
      .execute();
    const listed = async (who: string) =>
      payloadOf(await call(list.loader, makeRequest("/meetings", { cookie: cookie[who] }))).meetings.map((r: { id: number }) => r.id);

    // The facilitator of both districts and the national admin: their area holds the whole scope.
    for (const who of ["fas", "nat", "admKendal", "opInvited"]) {
      expect(statusOf(await page(who, id)), who).toBe(200);
      expect(await listed(who), who).toContain(id);
    }
    // The facilitator of both districts runs it (each district in one of their grants); Kendal's invited admin only reads it.
    expect(payloadOf(await page("fas", id)).canRun).toBe(true);
    expect(payloadOf(await page("admKendal", id)).canRun).toBe(false);
    // Kendal's verifier and the operator of a Puskesmas that was not invited: the record shows Tegal too.
    for (const who of ["verKendal", "opNot"]) {
      expect(statusOf(await page(who, id)), who).toBe(403);
      expect(await listed(who), who).not.toContain(id);
    }
  });
});
