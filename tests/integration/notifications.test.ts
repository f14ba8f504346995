/**
 * Notifications, reminders and email (docs/notifications.md, decision 032) on SQLite and
 * PostgreSQL: an event reaches a person once; a user reads and marks only their own
 * notifications and sets only their own email settings (audited); reminders for deadlines and
 * follow-up actions are written once; two schedulers on one database send each email and each
 * digest once; email reaches a real SMTP server at the user's own address in the user's
 * language; a refused or unreachable server is recorded and retried; a returned report notifies
 * the Puskesmas' operators.
 */
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, openDb, type DbHandle } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import { notificationText, notify } from "~/models/notifications.server";
import {
  deliverEmails,
  MAX_ATTEMPTS,
  PAGE,
  remindActions,
  remindDeadlines,
  runReminders,
  STALE_CLAIM_MS,
  startReminderScheduler,
} from "~/models/reminders.server";
import { prepareSubmission, storePrepared, SubmissionContext } from "~/models/submissions.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as notificationsRoute from "~/routes/notifications";
import * as root from "~/root";
import * as verification from "~/routes/verification.$id";
import { createMailer, type Mailer } from "~/server/mailer.server";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";
import { startSmtpServer } from "../helpers/smtp";

const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const LEMBAH_SEGAR = "P1373003";
const PUBLIC_URL = "https://pantau.example.test";
const english = async () => (await langCookie.serialize("en")).split(";")[0];

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
}

/** A real SMTP server on 127.0.0.1 and a random port (tests/helpers/smtp.ts) with a mailer for it; `reject` answers 550 to every recipient. */
async function startSmtp(options: { reject?: boolean } = {}) {
  const { received, port, close } = await startSmtpServer(options);
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    from: "Pantau ILP <noreply@pantau.example.test>",
    publicUrl: PUBLIC_URL,
    timeoutMs: 10_000,
  });
  return { received, mailer, port, close };
}

/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe.each(DIALECTS)("notifications, reminders and email on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const ids: Record<string, number> = {};
  const cookie: Record<string, string> = {};
  const unitId: Record<string, number> = {};
  const servers: Array<{ close(): Promise<void> }> = [];
  const mailers: Mailer[] = [];

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    expect((await importOverlay(readJson("seeds/overlays/1373-kota-sawahlunto.json"), { userId: null })).ok).toBe(true);
    ids.op = await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]);
    ids.op2 = await insertUser("op2.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]);
    ids.opOther = await insertUser("op.kolokmudik", [["puskesmas_operator", KOLOK_MUDIK]]);
    ids.opLembah = await insertUser("op.lembahsegar", [["puskesmas_operator", LEMBAH_SEGAR]]);
    ids.ver = await insertUser("ver.sawahlunto", [["district_verifier", "13.73"]]);
    for (const k of ["op", "op2", "opOther", "ver"]) cookie[k] = await cookieFor(ids[k]);
    for (const code of [SUNGAI_DURIAN, KOLOK_MUDIK, LEMBAH_SEGAR]) {
      unitId[code] = (await getDb().selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
    }
  });
  afterEach(() => clock.set(null));
  afterAll(async () => {
    clock.set(null);
    for (const m of mailers) m.close();
    await Promise.all(servers.map((s) => s.close()));
    await handle.destroy();
  });

  async function smtp(options: { reject?: boolean } = {}) {
    const s = await startSmtp(options);
    servers.push(s);
    mailers.push(s.mailer);
    return s;
  }
  const rowsOf = (userId: number) => getDb().selectFrom("notification").selectAll().where("user_id", "=", userId).orderBy("id").execute();
  const byKey = async (eventKey: string) => getDb().selectFrom("notification").selectAll().where("event_key", "=", eventKey).orderBy("user_id").execute();

  it("records an event once per person however often and for whomever it is raised", async () => {
    clock.set("2030-03-01T08:00:00Z");
    const event = {
      kind: "meeting_invitation" as const,
      eventKey: "meeting_invitation:test-1",
      params: { title: "Rapat evaluasi Maret", date: "2030-03-20" },
      link: "/meetings/1",
    };
    expect(await notify(getDb(), [ids.op, ids.op, ids.opOther], event)).toBe(2);
    expect(await notify(getDb(), [ids.op, ids.opOther, ids.op2], event)).toBe(1);
    expect((await byKey("meeting_invitation:test-1")).map((r) => r.user_id)).toEqual([ids.op, ids.op2, ids.opOther].sort((a, b) => a - b));
  });

  it("lists a user's own notifications in their language and counts the unread in the header", async () => {
    const page = payloadOf(await call(notificationsRoute.loader, makeRequest("/notifications", { cookie: cookie.op })));
    expect(page.items.map((i: { text: string }) => i.text)).toEqual(["Undangan rapat: Rapat evaluasi Maret, tanggal 20 Maret 2030."]);
    expect(page.items[0].link).toBe("/meetings/1");
    expect(page.unread).toBe(1);
    const inEnglish = payloadOf(await call(notificationsRoute.loader, makeRequest("/notifications", { cookie: `${cookie.op}; ${await english()}` })));
    expect(inEnglish.items[0].text).toBe("Meeting invitation: Rapat evaluasi Maret, on 20 March 2030.");
    const shell = payloadOf(await call(root.loader, makeRequest("/", { cookie: cookie.op })));
    expect(shell.user.unread).toBe(1);
    // Nothing of another person's list leaks in.
    expect((payloadOf(await call(notificationsRoute.loader, makeRequest("/notifications", { cookie: cookie.ver }))) as { items: unknown[] }).items).toEqual([]);
  });

  it("renders missing params gracefully and an unknown kind as a general sentence", async () => {
    expect(notificationText("id", "action_overdue", "{}")).toBe("Tindak lanjut – terlambat sejak –: –.");
    expect(notificationText("en", "action_due", { problem: "Cakupan K1 rendah", unit: "Puskesmas X", due: "2030-03-10" })).toBe(
      "Follow-up action of Puskesmas X is due 10 March 2030: Cakupan K1 rendah.",
    );
    expect(notificationText("id", "something_else", "not json")).toBe("Ada pemberitahuan baru.");
  });

  it("marks only the user's own notifications read: another user's id is 404 and stays unread", async () => {
    const theirs = (await rowsOf(ids.opOther))[0];
    const mine = (await rowsOf(ids.op))[0];
    const refused = await call(
      notificationsRoute.action,
      makeRequest("/notifications", { cookie: cookie.op, form: { intent: "read", id: String(theirs.id) } }),
    );
    expect(statusOf(refused)).toBe(404);
    expect(await (refused as Response).text()).toMatch(/tidak ada di akun Anda/);
    const openTheirs = await call(
      notificationsRoute.action,
      makeRequest("/notifications", { cookie: cookie.op, form: { intent: "open", id: String(theirs.id) } }),
    );
    expect(statusOf(openTheirs)).toBe(404);
    expect((await rowsOf(ids.opOther))[0].read_at).toBeNull();
    expect(statusOf(await call(notificationsRoute.action, makeRequest("/notifications", { cookie: cookie.op, form: { intent: "read", id: "abc" } })))).toBe(
      404,
    );

    const opened = await call(notificationsRoute.action, makeRequest("/notifications", { cookie: cookie.op, form: { intent: "open", id: String(mine.id) } }));
    expect(statusOf(opened)).toBe(302);
    expect((opened as Response).headers.get("Location")).toBe("/meetings/1");
    expect((await rowsOf(ids.op))[0].read_at).not.toBeNull();

    // "All" is the signed-in user's all: op2's stays unread while opOther marks theirs.
    const all = payloadOf(await call(notificationsRoute.action, makeRequest("/notifications", { cookie: cookie.opOther, form: { intent: "readAll" } })));
    expect(all.ok).toBe(true);
    expect((await rowsOf(ids.opOther)).every((r) => r.read_at !== null)).toBe(true);
    expect((await rowsOf(ids.op2)).every((r) => r.read_at === null)).toBe(true);
    expect(statusOf(await call(notificationsRoute.action, makeRequest("/notifications", { cookie: cookie.op, form: { intent: "delete" } })))).toBe(400);
    expect(statusOf(await call(notificationsRoute.action, makeRequest("/notifications", { form: { intent: "readAll" } })))).toBe(401);
  });

  it("stores the user's own email settings with an audit row, and refuses a bad address keeping what was typed", async () => {
    const post = (form: Record<string, string>, c = cookie.op2) =>
      call(notificationsRoute.action, makeRequest("/notifications", { cookie: c, form: { intent: "settings", ...form } }));
    const bad = await post({ email: "op2 at puskesmas", mode: "digest" });
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf(bad)).toMatchObject({ ok: false, field: "email", values: { email: "op2 at puskesmas", mode: "digest" } });
    expect(payloadOf(bad).message).toMatch(/tidak valid.*nama@puskesmas\.go\.id/);
    const badEn = await post({ email: "op2@", mode: "off" }, `${cookie.op2}; ${await english()}`);
    expect(payloadOf(badEn).message).toMatch(/is not valid/);
    const noAddress = await post({ email: "", mode: "immediate" });
    expect(statusOf(noAddress)).toBe(400);
    expect(payloadOf(noAddress).field).toBe("email");
    expect(statusOf(await post({ email: "op2@puskesmas.go.id", mode: "hourly" }))).toBe(400);
    expect(statusOf(await post({ email: `${"a".repeat(250)}@x.id`, mode: "off" }))).toBe(400);
    expect(await getDb().selectFrom("notification_pref").selectAll().where("user_id", "=", ids.op2).executeTakeFirst()).toBeUndefined();

    const saved = await post({ email: " op2@puskesmas.go.id ", mode: "digest", userId: String(ids.op) });
    expect(statusOf(saved)).toBe(200);
    expect(payloadOf(saved).ok).toBe(true);
    const user = await getDb().selectFrom("app_user").select("email").where("id", "=", ids.op2).executeTakeFirstOrThrow();
    expect(user.email).toBe("op2@puskesmas.go.id");
    // A user id in the body changes nothing: the account is the session's.
    expect((await getDb().selectFrom("app_user").select("email").where("id", "=", ids.op).executeTakeFirstOrThrow()).email).toBeNull();
    const pref = await getDb().selectFrom("notification_pref").selectAll().where("user_id", "=", ids.op2).executeTakeFirstOrThrow();
    expect(pref.email_mode).toBe("digest");
    const audit = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "notification.settings").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_user_id).toBe(ids.op2);
    expect(JSON.parse(audit[0].after_json!)).toEqual({ email: "op2@puskesmas.go.id", mode: "digest" });
    const page = payloadOf(await call(notificationsRoute.loader, makeRequest("/notifications", { cookie: cookie.op2 })));
    expect(page.settings).toEqual({ email: "op2@puskesmas.go.id", mode: "digest" });
  });

  it("reminds operators of a near deadline and of a passed one, once, and not for a submitted report", async () => {
    // ilp_profil of February 2030 is submitted for Sungai Durian before the deadline (10 March).
    clock.set("2030-03-05T03:00:00Z");
    const ctx = new SubmissionContext("ilp-nasional");
    const prepared = await prepareSubmission(ctx, { unitCode: SUNGAI_DURIAN, formKey: "ilp_profil", period: "2030-02", data: profilAnswers() });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    expect(await storePrepared([prepared.submission], { status: "submitted", actorUserId: ids.op })).toEqual([]);

    clock.set("2030-03-08T01:00:00Z");
    const first = await remindDeadlines(getDb());
    expect(first).toBeGreaterThan(0);
    const near = `deadline_near:${unitId[SUNGAI_DURIAN]}:ilp-nasional:spm_bulanan:2030-02`;
    expect((await byKey(near)).map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    const row = (await byKey(near))[0];
    expect(JSON.parse(row.params_json)).toMatchObject({ period: "2030-02", date: "2030-03-10" });
    expect(row.link).toBe(`/forms/spm_bulanan/2030-02?unit=${SUNGAI_DURIAN}`);
    expect(await byKey(`deadline_near:${unitId[SUNGAI_DURIAN]}:ilp-nasional:ilp_profil:2030-02`)).toEqual([]);
    expect((await byKey(`deadline_near:${unitId[KOLOK_MUDIK]}:ilp-nasional:ilp_profil:2030-02`)).map((r) => r.user_id)).toEqual([ids.opOther]);
    expect(await byKey(`deadline_passed:${unitId[SUNGAI_DURIAN]}:ilp-nasional:spm_bulanan:2030-02`)).toEqual([]);
    expect(await remindDeadlines(getDb())).toBe(0);

    clock.set("2030-03-11T01:00:00Z");
    await remindDeadlines(getDb());
    expect((await byKey(`deadline_passed:${unitId[SUNGAI_DURIAN]}:ilp-nasional:spm_bulanan:2030-02`)).map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    expect(await byKey(`deadline_passed:${unitId[SUNGAI_DURIAN]}:ilp-nasional:ilp_profil:2030-02`)).toEqual([]);
    expect(await remindDeadlines(getDb())).toBe(0);
    // The scheduler's run takes the day's deadlines once.
    const run1 = await runReminders(getDb(), { mailer: null, instance: "one" });
    const run2 = await runReminders(getDb(), { mailer: null, instance: "two" });
    expect(run1.deadlines).toBe(0);
    expect(run2.slot).toBe(false);
  });

  it("reminds of actions due soon and overdue, once, to the unit's operators as they are now, not to a named account that no longer operates it", async () => {
    clock.set("2030-03-08T02:00:00Z");
    const at = clock.iso();
    const action = (problem: string, due: string, status: "planned" | "in_progress" | "done" = "planned") =>
      getDb()
        .insertInto("follow_up_action")
        .values({
          org_unit_id: unitId[SUNGAI_DURIAN],
          district_id: null,
          meeting_id: null,
          package_key: "ilp-nasional",
          indicator_key: null,
          period: "2030-02",
          baseline_value: null,
          problem,
          cause: null,
          plan: "Kunjungan rumah",
          responsible_org_unit_id: unitId[SUNGAI_DURIAN],
          responsible_person: null,
          // Named when the action was agreed, but not (or no longer) an operator of the unit.
          responsible_user_id: ids.ver,
          due_date: due,
          status,
          done_at: null,
          done_by: null,
          verified_at: null,
          verified_by: null,
          created_by: ids.ver,
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((r) => r.id);
    const soon = await action("Cakupan K1 rendah", "2030-03-10", "in_progress");
    const late = await action("Imunisasi belum lengkap", "2030-03-07");
    const done = await action("Sudah beres", "2030-03-07", "done");
    const later = await action("Masih lama", "2030-03-20");

    const created = await remindActions(getDb());
    expect(created).toBe(4);
    expect((await byKey(`action_due:${soon}`)).map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    expect((await byKey(`action_overdue:${late}`)).map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    expect(await byKey(`action_overdue:${done}`)).toEqual([]);
    expect(await byKey(`action_due:${later}`)).toEqual([]);
    expect((await byKey(`action_due:${soon}`))[0].link).toBe(`/actions/${soon}`);
    expect(await remindActions(getDb())).toBe(0);

    clock.set("2030-03-11T02:00:00Z");
    expect(await remindActions(getDb())).toBe(2);
    expect((await byKey(`action_overdue:${soon}`)).map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    expect(await remindActions(getDb())).toBe(0);
  });

  it("notifies the Puskesmas' operators when a verifier returns a report", async () => {
    clock.set("2030-03-09T02:00:00Z");
    // Sessions are dated by the clock: sign in at the moved time.
    const verifier = await cookieFor(ids.ver);
    const operator = await cookieFor(ids.op);
    const sub = await getDb()
      .selectFrom("submission")
      .select(["id", "revision"])
      .where("org_unit_id", "=", unitId[SUNGAI_DURIAN])
      .where("form_key", "=", "ilp_profil")
      .where("period", "=", "2030-02")
      .executeTakeFirstOrThrow();
    const res = await call(
      verification.action,
      makeRequest(`/verification/${sub.id}`, {
        cookie: verifier,
        form: { intent: "return", revision: String(sub.revision), note: "Jumlah desa tidak sesuai." },
      }),
      { id: String(sub.id) },
    );
    expect(statusOf(res)).toBe(200);
    const rows = await byKey(`report_returned:${sub.id}:${sub.revision + 1}`);
    expect(rows.map((r) => r.user_id)).toEqual([ids.op, ids.op2]);
    expect(rows[0].link).toBe(`/forms/ilp_profil/2030-02?unit=${SUNGAI_DURIAN}`);
    const page = payloadOf(await call(notificationsRoute.loader, makeRequest("/notifications", { cookie: operator })));
    expect(page.items.map((i: { text: string }) => i.text)).toContainEqual(
      expect.stringMatching(/^Laporan .+ periode Februari 2030 dikembalikan oleh verifikator/),
    );
  });

  it("two schedulers on one database send each email and each digest once, to the user's own address in their language", async () => {
    const server = await smtp();
    // The notifications come before the day's digest hour (00:00 UTC by default), the runs after it.
    clock.set("2030-03-11T23:30:00Z");
    const db = getDb();
    // op: immediate, English; opOther: daily digest, Indonesian; op2: email but off; opLembah: immediate without an address.
    await db.updateTable("app_user").set({ email: "op@sungaidurian.example.test", locale: "en" }).where("id", "=", ids.op).execute();
    await db.updateTable("app_user").set({ email: "op@kolokmudik.example.test" }).where("id", "=", ids.opOther).execute();
    const pref = (userId: number, mode: "off" | "immediate" | "digest") =>
      db
        .insertInto("notification_pref")
        .values({ user_id: userId, email_mode: mode, updated_at: clock.iso() })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_mode: mode }))
        .execute();
    await pref(ids.op, "immediate");
    await pref(ids.opOther, "digest");
    await pref(ids.op2, "off");
    await pref(ids.opLembah, "immediate");
    await notify(db, [ids.op, ids.opOther, ids.op2, ids.opLembah], {
      kind: "action_assigned",
      eventKey: "action_assigned:email-1",
      params: { problem: "Cakupan K4 rendah", unit: "Sungai Durian", due: "2030-03-30" },
      link: "/actions/991",
    });
    await notify(db, [ids.opOther], {
      kind: "meeting_invitation",
      eventKey: "meeting_invitation:email-2",
      params: { title: "Lokmin Maret", date: "2030-03-25" },
      link: "/meetings/2",
    });

    clock.set("2030-03-12T01:00:00Z");
    const second: DbHandle = openDb(handle.url);
    try {
      // This slot's reminders are written first (as by a third instance), so the two below go
      // straight to email together and race for the same notifications.
      const earlier = await runReminders(db, { mailer: null, instance: "instance-0" });
      expect(earlier.slot).toBe(true);
      const [a, b] = await Promise.all([
        runReminders(db, { mailer: server.mailer, instance: "instance-a" }),
        runReminders(second.db, { mailer: server.mailer, instance: "instance-b" }),
      ]);
      expect([a.slot, b.slot]).toEqual([false, false]);
      // What is at most three days old is emailed (EMAIL_MAX_AGE_DAYS).
      const opRows = (await rowsOf(ids.op)).filter((r) => r.created_at >= "2030-03-09T01:00");
      const toOp = server.received.filter((m) => m.to.includes("op@sungaidurian.example.test"));
      expect(toOp.length).toBe(opRows.length);
      expect(a.emails.sent + b.emails.sent).toBe(opRows.length);
      expect(opRows.every((r) => r.emailed_at !== null && r.email_claimed_at !== null)).toBe(true);
      // Each of op's notifications once: no subject twice.
      expect(new Set(toOp.map((m) => m.subject)).size).toBe(toOp.length);
      const assigned = toOp.find((m) => m.body.includes("/actions/991"))!;
      expect(assigned.to).toEqual(["op@sungaidurian.example.test"]);
      expect(assigned.subject).toBe("[Pantau ILP] New follow-up action for Sungai Durian: Cakupan K4 rendah. Due 30 March 2030.");
      expect(assigned.body).toContain(`Open: ${PUBLIC_URL}/actions/991`);
      expect(assigned.body).toContain(`${PUBLIC_URL}/notifications`);

      const digests = server.received.filter((m) => m.to.includes("op@kolokmudik.example.test"));
      expect(digests).toHaveLength(1);
      expect(a.emails.digests + b.emails.digests).toBe(1);
      expect(digests[0].subject).toMatch(/^\[Pantau ILP\] \d+ notifikasi baru \(12 Maret 2030\)$/);
      expect(digests[0].body).toContain("Undangan rapat: Lokmin Maret, tanggal 25 Maret 2030.");
      expect(digests[0].body).toContain(`${PUBLIC_URL}/meetings/2`);
      expect(digests[0].body).toContain("Tindak lanjut baru untuk Sungai Durian");
      // Every recipient is the owner's own address; nobody else is written to.
      expect(new Set(server.received.flatMap((m) => m.to))).toEqual(new Set(["op@sungaidurian.example.test", "op@kolokmudik.example.test"]));
      expect(
        (await byKey("action_assigned:email-1")).filter((r) => r.user_id === ids.op2 || r.user_id === ids.opLembah).every((r) => r.email_claimed_at === null),
      ).toBe(true);

      // Again, on both: nothing more goes out the same day.
      const count = server.received.length;
      await Promise.all([
        runReminders(db, { mailer: server.mailer, instance: "instance-a" }),
        runReminders(second.db, { mailer: server.mailer, instance: "instance-b" }),
      ]);
      expect(server.received.length).toBe(count);
    } finally {
      await second.destroy();
    }
  });

  it("records a refused connection and a 5xx answer without throwing, and retries after the back-off", async () => {
    const good = await smtp();
    const rejecting = await smtp({ reject: true });
    const refused = createMailer({
      smtpUrl: `smtp://127.0.0.1:${await closedPort()}`,
      from: "noreply@pantau.example.test",
      publicUrl: PUBLIC_URL,
      timeoutMs: 10_000,
    });
    mailers.push(refused);
    const db = getDb();
    clock.set("2030-03-13T02:00:00Z");
    await notify(db, [ids.op], {
      kind: "action_done",
      eventKey: "action_done:retry-1",
      params: { problem: "Posyandu aktif", unit: "Sungai Durian" },
      link: "/actions/5",
    });
    const logged: string[] = [];
    const first = await deliverEmails(db, refused, { log: (m) => logged.push(m) });
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    expect(logged).toHaveLength(1);
    let row = (await byKey("action_done:retry-1"))[0];
    expect(row.emailed_at).toBeNull();
    expect(row.email_error).toMatch(/ECONNREFUSED/);
    expect(row.email_attempts).toBe(1);

    // Within the back-off nothing is retried, even with a working server.
    expect(await deliverEmails(db, good.mailer)).toMatchObject({ sent: 0, released: 0 });
    clock.set("2030-03-13T02:06:00Z");
    const second = await deliverEmails(db, rejecting.mailer, { log: () => undefined });
    expect(second).toMatchObject({ released: 1, sent: 0, failed: 1 });
    row = (await byKey("action_done:retry-1"))[0];
    expect(row.email_error).toMatch(/550/);
    expect(row.email_attempts).toBe(2);
    clock.set("2030-03-13T02:17:00Z");
    const third = await deliverEmails(db, good.mailer);
    expect(third).toMatchObject({ released: 1, sent: 1, failed: 0 });
    row = (await byKey("action_done:retry-1"))[0];
    expect(row.emailed_at).not.toBeNull();
    expect(row.email_error).toBeNull();
    expect(good.received.filter((m) => m.to.includes("op@sungaidurian.example.test")).map((m) => m.subject)).toEqual([
      "[Pantau ILP] Follow-up action of Sungai Durian reported done: Posyandu aktif.",
    ]);
  });

  it("gives up after the last attempt and retries a failed digest the same day", async () => {
    const good = await smtp();
    const rejecting = await smtp({ reject: true });
    const db = getDb();
    clock.set("2030-03-14T02:00:00Z");
    await notify(db, [ids.op], { kind: "action_done", eventKey: "action_done:give-up", params: { problem: "X", unit: "Y" } });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const run = await deliverEmails(db, rejecting.mailer, { log: () => undefined });
      expect(run.failed).toBe(1);
      clock.set(new Date(clock.ms() + 2 ** attempt * 5 * 60_000 + 60_000));
    }
    expect((await byKey("action_done:give-up"))[0].email_attempts).toBe(MAX_ATTEMPTS);
    expect(await deliverEmails(db, good.mailer)).toMatchObject({ sent: 0, failed: 0, released: 0 });

    clock.set("2030-03-15T23:00:00Z");
    await notify(db, [ids.opOther], {
      kind: "meeting_invitation",
      eventKey: "meeting_invitation:digest-retry",
      params: { title: "Kaji banding", date: "2030-03-30" },
    });
    clock.set("2030-03-16T02:00:00Z");
    const failed = await deliverEmails(db, rejecting.mailer, { log: () => undefined });
    expect(failed).toMatchObject({ digests: 0, digestsFailed: 1 });
    expect(await db.selectFrom("job_claim").select("claim_key").where("claim_key", "=", `digest:${ids.opOther}:2030-03-16`).executeTakeFirst()).toBeUndefined();
    clock.set("2030-03-16T02:06:00Z");
    const retried = await deliverEmails(db, good.mailer);
    expect(retried).toMatchObject({ digests: 1, digestsFailed: 0 });
    expect(good.received.filter((m) => m.to.includes("op@kolokmudik.example.test"))).toHaveLength(1);
    expect((await byKey("meeting_invitation:digest-retry"))[0].emailed_at).not.toBeNull();
  });

  it("fails one send, not the run, when the mail server accepts the connection and never answers", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const hanging = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: "noreply@pantau.example.test", publicUrl: PUBLIC_URL, timeoutMs: 300 });
    try {
      clock.set("2030-03-25T05:00:00Z");
      await notify(getDb(), [ids.op], { kind: "action_done", eventKey: "action_done:hanging", params: { problem: "Z", unit: "Sungai Durian" } });
      const run = await deliverEmails(getDb(), hanging, { log: () => undefined });
      expect(run).toMatchObject({ sent: 0, failed: 1 });
      const hung = (await byKey("action_done:hanging"))[0];
      expect(hung.email_error).toMatch(/Greeting never received|[Tt]imeout/);
      expect(hung.email_attempts).toBe(1);
    } finally {
      hanging.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("starts one scheduler per process, runs it at once and stops it cleanly", async () => {
    clock.set("2030-03-20T03:00:00Z");
    const logged: string[] = [];
    const scheduler = startReminderScheduler({ intervalMs: 3_600_000, log: (m) => logged.push(m) }, getDb());
    expect(startReminderScheduler({ intervalMs: 60_000 }, getDb())).toBe(scheduler);
    const run = await scheduler.tick();
    await scheduler.stop();
    expect(run?.slot).toBe(false);
    expect(logged).toEqual([]);
    // The first run (at start) took this slot and the day's deadlines.
    expect(
      await getDb().selectFrom("job_claim").select("claim_key").where("claim_key", "in", ["reminders:2030-03-20T03:00", "deadlines:2030-03-20"]).execute(),
    ).toHaveLength(2);
    expect(startReminderScheduler({ intervalMs: 3_600_000 }, getDb())).not.toBe(scheduler);
    await startReminderScheduler({ intervalMs: 3_600_000 }, getDb()).stop();
  });

  // The tests below run in April 2030, after everything above, each with its own user.

  /** A user of their own with an address and an email mode; returns the id and the address. */
  async function mailUser(name: string, mode: "immediate" | "digest") {
    const id = await insertUser(name, []);
    const address = `${name}@example.test`;
    await getDb().updateTable("app_user").set({ email: address }).where("id", "=", id).execute();
    await getDb().insertInto("notification_pref").values({ user_id: id, email_mode: mode, updated_at: clock.iso() }).execute();
    return { id, address };
  }
  const meeting = (userId: number, key: string, title: string) =>
    notify(getDb(), [userId], {
      kind: "meeting_invitation",
      eventKey: `meeting_invitation:${key}`,
      params: { title, date: "2030-04-30" },
      link: "/meetings/7",
    });

  it("sends the digest once a day from the digest hour, with what came before it; what comes after waits a day", async () => {
    const server = await smtp();
    const db = getDb();
    const user = await mailUser("digest.daily", "digest");
    const mine = () => server.received.filter((m) => m.to.includes(user.address));
    clock.set("2030-04-02T03:00:00Z");
    await meeting(user.id, "daily-1", "Satu");
    // Minutes later, and all day long, the first notification does not go out alone.
    clock.set("2030-04-02T03:05:00Z");
    expect(await deliverEmails(db, server.mailer, { digestHour: 0 })).toMatchObject({ digests: 0 });
    clock.set("2030-04-02T10:00:00Z");
    await meeting(user.id, "daily-2", "Dua");
    clock.set("2030-04-02T23:59:00Z");
    expect(await deliverEmails(db, server.mailer, { digestHour: 0 })).toMatchObject({ digests: 0 });
    // With the digest hour at 02:00 UTC: nothing at 01:00; at 02:30 everything created before 02:00.
    clock.set("2030-04-03T01:00:00Z");
    await meeting(user.id, "daily-3", "Tiga");
    expect(await deliverEmails(db, server.mailer, { digestHour: 2 })).toMatchObject({ digests: 0 });
    clock.set("2030-04-03T02:30:00Z");
    await meeting(user.id, "daily-4", "Empat");
    expect(mine()).toHaveLength(0);
    expect(await deliverEmails(db, server.mailer, { digestHour: 2 })).toMatchObject({ digests: 1, digestsFailed: 0 });
    expect(mine()).toHaveLength(1);
    expect(mine()[0].subject).toMatch(/^\[Pantau ILP\] 3 notifikasi baru \(3 April 2030\)$/);
    for (const title of ["Satu", "Dua", "Tiga"]) expect(mine()[0].body).toContain(`Undangan rapat: ${title},`);
    expect(mine()[0].body).not.toContain("Empat");
    const fourth = (await byKey("meeting_invitation:daily-4"))[0];
    expect([fourth.email_claimed_at, fourth.emailed_at]).toEqual([null, null]);
    // Nothing more the same day; the next day's digest carries the fourth.
    clock.set("2030-04-03T20:00:00Z");
    expect(await deliverEmails(db, server.mailer, { digestHour: 2 })).toMatchObject({ digests: 0 });
    clock.set("2030-04-04T02:00:00Z");
    expect(await deliverEmails(db, server.mailer, { digestHour: 2 })).toMatchObject({ digests: 1 });
    expect(mine()).toHaveLength(2);
    expect(mine()[1].subject).toMatch(/ 1 notifikasi baru \(4 April 2030\)$/);
    expect(mine()[1].body).toContain("Undangan rapat: Empat,");
  });

  it("does not send again when the database refuses to record a send the server accepted", async () => {
    const server = await smtp();
    const user = await mailUser("sent.once", "immediate");
    clock.set("2030-04-06T02:00:00Z");
    await meeting(user.id, "record-fails", "Sekali");
    // The write of emailed_at fails once, after the server took the message.
    let failNext = true;
    const flaky = getDb().withPlugin({
      transformQuery(args) {
        if (failNext && args.node.kind === "UpdateQueryNode" && JSON.stringify(args.node).includes('"emailed_at"')) {
          failNext = false;
          throw new Error("database is locked");
        }
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const logged: string[] = [];
    expect(await deliverEmails(flaky, server.mailer, { log: (m) => logged.push(m) })).toMatchObject({ sent: 1, failed: 0 });
    expect(failNext).toBe(false);
    expect(logged).toEqual([expect.stringMatching(/sent but not recorded.*database is locked/)]);
    let row = (await byKey("meeting_invitation:record-fails"))[0];
    expect(row).toMatchObject({ emailed_at: null, email_error: null, email_attempts: 0 });
    expect(row.email_claimed_at).not.toBeNull();
    // Past every back-off and the stale-claim hour: recorded, not sent a second time.
    clock.set(new Date(clock.ms() + STALE_CLAIM_MS + 60 * 60_000));
    expect(await deliverEmails(getDb(), server.mailer)).toMatchObject({ sent: 0, failed: 0, released: 0, stale: 0 });
    row = (await byKey("meeting_invitation:record-fails"))[0];
    expect(row.emailed_at).not.toBeNull();
    expect(server.received.filter((m) => m.to.includes(user.address))).toHaveLength(1);
  });

  it("counts a claim left by a stopped sender as a failed attempt and sends it after an hour", async () => {
    const server = await smtp();
    const db = getDb();
    const user = await mailUser("stale.claim", "immediate");
    clock.set("2030-04-08T02:00:00Z");
    await meeting(user.id, "stale-1", "Tertinggal");
    await meeting(user.id, "stale-last", "Terakhir");
    // An instance claimed both and stopped before sending; the second was on its last attempt.
    await db
      .updateTable("notification")
      .set({ email_claimed_at: clock.iso() })
      .where("event_key", "in", ["meeting_invitation:stale-1", "meeting_invitation:stale-last"])
      .execute();
    await db
      .updateTable("notification")
      .set({ email_attempts: MAX_ATTEMPTS - 1 })
      .where("event_key", "=", "meeting_invitation:stale-last")
      .execute();
    clock.set("2030-04-08T02:30:00Z");
    expect(await deliverEmails(db, server.mailer)).toMatchObject({ sent: 0, stale: 0 });
    clock.set(new Date(Date.parse("2030-04-08T02:00:00Z") + STALE_CLAIM_MS + 60_000));
    expect(await deliverEmails(db, server.mailer)).toMatchObject({ stale: 2, sent: 1, failed: 0 });
    const sent = (await byKey("meeting_invitation:stale-1"))[0];
    expect(sent.emailed_at).not.toBeNull();
    expect(sent.email_attempts).toBe(1);
    const last = (await byKey("meeting_invitation:stale-last"))[0];
    expect(last).toMatchObject({ emailed_at: null, email_attempts: MAX_ATTEMPTS });
    expect(last.email_claimed_at).not.toBeNull();
    expect(last.email_error).toMatch(/did not finish/);
    expect(server.received.filter((m) => m.to.includes(user.address)).map((m) => m.body)).toEqual([expect.stringContaining("Tertinggal")]);
  });

  it("releases a newer failure behind a thousand given-up or too old ones", async () => {
    const db = getDb();
    const user = await mailUser("starved", "immediate");
    clock.set("2030-04-15T02:00:00Z");
    const claimed = "2030-04-15T01:00:00.000Z";
    const row = (i: number, old: boolean) => ({
      user_id: user.id,
      kind: "action_done" as const,
      event_key: `action_done:starved-${old ? "old" : "given-up"}-${i}`,
      params_json: "{}",
      link: null,
      org_unit_id: null,
      created_at: old ? "2030-04-05T01:00:00.000Z" : "2030-04-14T01:00:00.000Z",
      read_at: null,
      email_claimed_at: claimed,
      emailed_at: null,
      email_error: "550 Mailbox unavailable",
      email_attempts: old ? 1 : MAX_ATTEMPTS,
    });
    for (let i = 0; i < PAGE * 6; i += PAGE) {
      const old = i % (2 * PAGE) === 0;
      await db
        .insertInto("notification")
        .values(Array.from({ length: PAGE }, (_, k) => row(i + k, old)))
        .execute();
    }
    await db
      .insertInto("notification")
      .values({ ...row(0, false), event_key: "action_done:starved-new", email_attempts: 1 })
      .execute();
    const server = await smtp({ reject: true });
    const run = await deliverEmails(db, server.mailer, { log: () => undefined });
    expect(run).toMatchObject({ released: 1, failed: 1 });
    const fresh = (await byKey("action_done:starved-new"))[0];
    expect(fresh.email_attempts).toBe(2);
    // The others keep their claims: given up, or too old to be emailed.
    const freed = await db
      .selectFrom("notification")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", user.id)
      .where("email_claimed_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(freed.n)).toBe(0);
  });

  it("stops the run's email at a refused or a hanging server, leaving the rest unclaimed; a refused recipient does not stop it", async () => {
    const db = getDb();
    const user = await mailUser("stop.run", "immediate");
    clock.set("2030-04-20T02:00:00Z");
    for (const k of [1, 2, 3]) await meeting(user.id, `stop-${k}`, `Rapat ${k}`);
    const rows = () => rowsOf(user.id);
    const refused = createMailer({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: "noreply@pantau.example.test", publicUrl: PUBLIC_URL });
    mailers.push(refused);
    expect(await deliverEmails(db, refused, { log: () => undefined })).toMatchObject({ sent: 0, failed: 1, stopped: true });
    let [first, second, third] = await rows();
    expect(first).toMatchObject({ email_attempts: 1, emailed_at: null });
    expect(first.email_error).toMatch(/ECONNREFUSED/);
    for (const r of [second, third]) expect(r).toMatchObject({ email_claimed_at: null, email_attempts: 0, email_error: null });

    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const hanging = createMailer({
      smtpUrl: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      from: "noreply@pantau.example.test",
      publicUrl: PUBLIC_URL,
      timeoutMs: 300,
    });
    try {
      clock.set("2030-04-20T02:01:00Z");
      expect(await deliverEmails(db, hanging, { log: () => undefined })).toMatchObject({ sent: 0, failed: 1, stopped: true });
    } finally {
      hanging.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    [first, second, third] = await rows();
    // The first is waiting for its back-off, untouched by this run.
    expect(first.email_attempts).toBe(1);
    expect(second.email_attempts).toBe(1);
    expect(second.email_error).toMatch(/Greeting never received|[Tt]imeout/);
    expect(third).toMatchObject({ email_claimed_at: null, email_attempts: 0, email_error: null });

    // 550 for the recipient: every waiting email is tried.
    const rejecting = await smtp({ reject: true });
    clock.set("2030-04-20T02:20:00Z");
    expect(await deliverEmails(db, rejecting.mailer, { log: () => undefined })).toMatchObject({ released: 2, failed: 3, stopped: false });
    expect((await rows()).map((r) => r.email_attempts)).toEqual([2, 2, 1]);
  });

  it("does not log in over plain text: an smtp: URL with credentials needs STARTTLS", async () => {
    // The test server offers neither STARTTLS nor AUTH.
    const server = await smtp();
    const user = await mailUser("plain.text", "immediate");
    clock.set("2030-04-25T02:00:00Z");
    await meeting(user.id, "plain-text", "Sandi");
    const withPassword = createMailer({
      smtpUrl: `smtp://pantau:sandi@127.0.0.1:${server.port}`,
      from: "noreply@pantau.example.test",
      publicUrl: PUBLIC_URL,
      timeoutMs: 5_000,
    });
    mailers.push(withPassword);
    expect(await deliverEmails(getDb(), withPassword, { log: () => undefined })).toMatchObject({ sent: 0, failed: 1 });
    expect((await byKey("meeting_invitation:plain-text"))[0].email_error).toMatch(/STARTTLS/);
    expect(server.received.filter((m) => m.to.includes(user.address))).toHaveLength(0);
  });
});
