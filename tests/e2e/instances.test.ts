/**
 * Two app instances on one PostgreSQL database (docs/decisions/042-several-instances.md): two
 * built servers (`serve`, the helper of tests/crash/server.ts) on one database, each with its own
 * scorecard warmer and reminder scheduler, the schedulers sending to a real SMTP server on
 * 127.0.0.1. Over HTTP only (no browser):
 *  - a session made by signing in on one instance works on the other, and signing out on one
 *    ends it on both (sessions live in the database);
 *  - a report submitted through one instance's form action is in the other's next scorecard with
 *    the same figure, and a verifier's return on the other is gone from the first's next one,
 *    though each had viewed (cached) that scorecard before (caches per process, validated by the
 *    database's data versions: no stale page);
 *  - the login throttle's per-(username, client) failures count across instances (migration 008);
 *  - with both schedulers running, every notification's email and the digest go out exactly once.
 * The clock is pinned (PANTAU_NOW in the servers, clock.set here): 8 March 2030, 01:00 UTC, two
 * days before February's reporting deadline and after the day's digest hour. No timing asserted.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { notify } from "~/models/notifications.server";
import { digestEmail, notificationEmail } from "~/models/reminders.server";
import { prepareSubmission, storePrepared, SubmissionContext } from "~/models/submissions.server";
import { importPackage } from "~/models/templates.server";
import { clock } from "~/utils/clock.server";
import { DEMO_PASSWORD, loginCookie, spawnServer, type ServerProcess } from "../crash/server";
import { insertUser, seedOrgTree } from "../helpers/app";
import { useTestDatabase } from "../helpers/db";
import { formFieldKeys } from "../helpers/seed-package";
import { startSmtpServer } from "../helpers/smtp";

const NOW = "2030-03-08T01:00:00.000Z";
const PERIOD = "2030-02";
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const LEMBAH_SEGAR = "P1373003";
const SAWAHLUNTO = "13.73";
const PUBLIC_URL = "https://pantau.example.test";
/** The schedulers' interval (the smallest PANTAU_REMINDER_SECONDS allows). */
const REMINDER_SECONDS = 10;
const ADDRESS: Record<string, string> = {
  "op.sungaidurian": "op@sungaidurian.example.test",
  "op.kolokmudik": "op@kolokmudik.example.test",
  "ver.sawahlunto": "ver@sawahlunto.example.test",
  "op.lembahsegar": "op@lembahsegar.example.test",
};
const IMMEDIATE = ["op.sungaidurian", "op.kolokmudik", "ver.sawahlunto"];
const DIGEST = "op.lembahsegar";
/** Notifications raised before the servers start, per immediate-mode user: both schedulers' first runs race for them. */
const BULK = 40;

describe("two app instances on one PostgreSQL database", () => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let a: ServerProcess;
  let b: ServerProcess;
  const ids: Record<string, number> = {};
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    clock.set(NOW);
    handle = await useTestDatabase("postgres");
    await seedOrgTree({ villages: false });
    const pkg = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));
    expect((await importPackage(pkg, { userId: null })).ok).toBe(true);
    ids["op.sungaidurian"] = await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]);
    ids["op.kolokmudik"] = await insertUser("op.kolokmudik", [["puskesmas_operator", KOLOK_MUDIK]]);
    ids["op.lembahsegar"] = await insertUser("op.lembahsegar", [["puskesmas_operator", LEMBAH_SEGAR]]);
    ids["ver.sawahlunto"] = await insertUser("ver.sawahlunto", [["district_verifier", SAWAHLUNTO]]);
    ids["kader.uji"] = await insertUser("kader.uji", []);
    const db = getDb();
    for (const [username, email] of Object.entries(ADDRESS)) {
      await db.updateTable("app_user").set({ email }).where("id", "=", ids[username]).execute();
      await db
        .insertInto("notification_pref")
        .values({ user_id: ids[username], email_mode: username === DIGEST ? "digest" : "immediate", updated_at: clock.iso() })
        .execute();
    }
    // Sungai Durian's yearly targets, so its February coverage has a value.
    const sasaran = await prepareSubmission(new SubmissionContext("ilp-nasional"), {
      unitCode: SUNGAI_DURIAN,
      formKey: "spm_sasaran",
      period: "2030",
      data: Object.fromEntries(formFieldKeys("spm_sasaran").map((k) => [k, 120])),
    });
    if (!sasaran.ok) throw new Error(JSON.stringify(sasaran.problems));
    expect(await storePrepared([sasaran.submission], { status: "submitted", actorUserId: ids["op.sungaidurian"] })).toEqual([]);
    // Yesterday's notifications for the digest user (before today's digest hour, 00:00 UTC).
    clock.set("2030-03-07T10:00:00Z");
    for (let i = 1; i <= 5; i++)
      await notify(db, [ids[DIGEST]], {
        kind: "meeting_invitation",
        eventKey: `meeting_invitation:digest-${i}`,
        params: { title: `Lokmin ${i}`, date: "2030-03-25" },
        link: `/meetings/${i}`,
      });
    clock.set(NOW);
    // Many for the immediate-mode users, so the two first runs overlap.
    for (let i = 1; i <= BULK; i++)
      await notify(
        db,
        IMMEDIATE.map((u) => ids[u]),
        {
          kind: "meeting_invitation",
          eventKey: `meeting_invitation:bulk-${i}`,
          params: { title: `Rapat ${i}`, date: "2030-03-20" },
          link: `/meetings/${100 + i}`,
        },
      );

    smtp = await startSmtpServer();
    const env = {
      PANTAU_NOW: NOW,
      PANTAU_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      PANTAU_MAIL_FROM: "Pantau ILP <noreply@pantau.example.test>",
      PANTAU_PUBLIC_URL: PUBLIC_URL,
      PANTAU_REMINDER_SECONDS: String(REMINDER_SECONDS),
      PANTAU_DIGEST_HOUR: "0",
      PANTAU_SCORECARD_WARM_SECONDS: "10",
    };
    // Started together, as instances behind a load balancer are: both migrate (a no-op under the
    // migrator's lock) and both schedulers' first runs start at once.
    [a, b] = await Promise.all([
      spawnServer({ databaseUrl: handle.url, seed: false, name: "instances-a", env }),
      spawnServer({ databaseUrl: handle.url, seed: false, name: "instances-b", env }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await smtp?.close();
    await handle?.destroy();
    clock.set(null);
  });

  const get = (server: ServerProcess, at: string, cookie: string) => fetch(server.baseUrl + at, { headers: { Cookie: cookie }, redirect: "manual" });
  const post = (server: ServerProcess, at: string, cookie: string, body: Record<string, string>) =>
    fetch(server.baseUrl + at, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body),
    });
  const login = (server: ServerProcess, username: string, password: string) =>
    fetch(`${server.baseUrl}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password, next: "/" }),
    });

  it("serves both instances from the one database, each with its own scorecard warmer", async () => {
    for (const server of [a, b]) {
      const health = (await (await fetch(`${server.baseUrl}/healthz`)).json()) as { ok: boolean; db: string; scorecards?: { runs: number } };
      expect(health).toMatchObject({ ok: true, db: "postgres" });
      // Per process by design: each has its own cache and warmer (the numbers it builds are checked against the database's versions).
      expect(health.scorecards).toBeDefined();
    }
  });

  it("accepts a session made on one instance on the other, and ends it on both when signed out on either", async () => {
    cookies.op = await loginCookie(a.baseUrl, "op.sungaidurian", DEMO_PASSWORD);
    for (const server of [a, b]) {
      const home = await get(server, "/", cookies.op);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("op.sungaidurian");
    }
    const other = await loginCookie(b.baseUrl, "op.sungaidurian", DEMO_PASSWORD);
    expect((await get(a, "/", other)).status).toBe(200);
    const out = await post(a, "/logout", other, {});
    expect(out.status).toBe(302);
    for (const server of [a, b]) {
      const home = await get(server, "/", other);
      expect(home.status).toBe(302);
      expect(home.headers.get("location")).toMatch(/^\/login/);
    }
    // The first session is untouched.
    expect((await get(b, "/", cookies.op)).status).toBe(200);
  });

  it("shows a report submitted through one instance in the other's next scorecard, the same figure on both, and a return on the other likewise", async () => {
    cookies.ver = await loginCookie(b.baseUrl, "ver.sawahlunto", DEMO_PASSWORD);
    const page = `/scorecards?template=ilp-nasional&period=${PERIOD}&parent=${SAWAHLUNTO}`;
    const csvAt = `/scorecards/export?template=ilp-nasional&period=${PERIOD}&parent=${SAWAHLUNTO}&format=csv`;
    const csv = async (server: ServerProcess) => {
      const res = await get(server, csvAt, cookies.ver);
      expect(res.status).toBe(200);
      return res.text();
    };
    const cell = (text: string, column: string) => {
      const rows = parse(text.replace(/^\uFEFF/, ""), { columns: true }) as Array<Record<string, string>>;
      return rows.find((r) => r.kode === SUNGAI_DURIAN)![column];
    };
    const pageText = async (server: ServerProcess) => {
      const res = await get(server, page, cookies.ver);
      expect(res.status).toBe(200);
      return res.text();
    };

    // Both instances have viewed (and cached) the scorecard: no report for February yet.
    const before = await csv(b);
    for (const server of [a, b]) {
      await pageText(server);
      expect(await csv(server)).toBe(before);
    }
    expect(cell(before, "spm_01")).toBe("");

    // The operator submits February's report through instance A's form, as the page does.
    const form = await get(a, `/forms/spm_bulanan/${PERIOD}`, cookies.op);
    expect(form.status).toBe(200);
    const data = Object.fromEntries(formFieldKeys("spm_bulanan").map((k) => [k, 10]));
    data.spm01_bumil_k6 = 37;
    const saved = await post(a, `/forms/spm_bulanan/${PERIOD}.data`, cookies.op, {
      intent: "submit",
      data: JSON.stringify(data),
      idempotencyKey: crypto.randomUUID(),
      baseRevision: "0",
      confirmWarnings: "1",
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toMatch(/"submitted"/);

    // B's next scorecard shows it, the same figure as A's.
    const afterB = await csv(b);
    const value = cell(afterB, "spm_01");
    expect(value).not.toBe("");
    expect(Number(cell(afterB, "spm_01_kelengkapan"))).toBeGreaterThan(Number(cell(before, "spm_01_kelengkapan")));
    expect(await csv(a)).toBe(afterB);
    // And so does B's page (Indonesian decimals).
    const shown = value.replace(".", ",");
    expect(await pageText(b)).toContain(shown);

    // The verifier returns it through instance B: A's next scorecard no longer counts it.
    const submission = await getDb()
      .selectFrom("submission")
      .select(["id", "revision"])
      .where("form_key", "=", "spm_bulanan")
      .where("period", "=", PERIOD)
      .executeTakeFirstOrThrow();
    const returned = await post(b, `/verification/${submission.id}.data`, cookies.ver, {
      intent: "return",
      revision: String(submission.revision),
      note: "Angka K6 perlu diperiksa ulang.",
    });
    expect(returned.status).toBe(200);
    expect((await getDb().selectFrom("submission").select("status").where("id", "=", submission.id).executeTakeFirstOrThrow()).status).toBe("returned");
    const afterA = await csv(a);
    expect(cell(afterA, "spm_01")).toBe("");
    expect(afterA).toBe(before);
    expect(await csv(b)).toBe(afterA);
    expect(await pageText(a)).not.toContain(shown);
  });

  it("counts a client's failed sign-ins for a username across instances (the throttle lives in the database)", async () => {
    // Five failures are free, spread over both instances (each instance's in-memory per-address limit of 10 a minute is not reached).
    for (const server of [a, b, a, b, a]) expect((await login(server, "kader.uji", "salah-sandi-1")).status).toBe(401);
    // The sixth attempt waits, on either instance, even with the right password.
    for (const server of [b, a]) {
      const held = await login(server, "kader.uji", DEMO_PASSWORD);
      expect(held.status).toBe(429);
      expect(await held.text()).toContain("Terlalu banyak percobaan gagal dengan nama pengguna ini dari perangkat ini.");
    }
  });

  it("sends every notification's email and the day's digest exactly once, with both instances' schedulers running", { timeout: 180_000 }, async () => {
    const db = getDb();
    const since = new Date(Date.parse(NOW) - 3 * 86_400_000).toISOString();
    const pending = () =>
      db
        .selectFrom("notification")
        .select("id")
        .where(
          "user_id",
          "in",
          Object.keys(ADDRESS).map((u) => ids[u]),
        )
        .where("created_at", ">=", since)
        .where("emailed_at", "is", null)
        .where((eb) => eb.or([eb("user_id", "!=", ids[DIGEST]), eb("created_at", "<", "2030-03-08T00:00:00Z")]))
        .execute();
    // Waits (not a timing assertion) until everything due is emailed, then two more intervals, so
    // that each scheduler has run again with nothing left to claim.
    const deadline = Date.now() + 150_000;
    while ((await pending()).length > 0) {
      if (Date.now() > deadline) throw new Error(`notifications still not emailed: ${JSON.stringify(await pending())}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2 * REMINDER_SECONDS * 1000 + 2000));

    const mailer = { publicUrl: PUBLIC_URL };
    let expected = 0;
    for (const username of IMMEDIATE) {
      const rows = await db
        .selectFrom("notification")
        .select(["id", "kind", "params_json", "link", "emailed_at", "event_key"])
        .where("user_id", "=", ids[username])
        .orderBy("id")
        .execute();
      // The bulk, the scheduler's deadline reminders for the operators, the report returned through B.
      expect(rows.length).toBeGreaterThanOrEqual(BULK);
      if (username === "op.sungaidurian") expect(rows.map((r) => r.event_key)).toContainEqual(expect.stringMatching(/^report_returned:/));
      if (username !== "ver.sawahlunto") expect(rows.map((r) => r.event_key)).toContainEqual(expect.stringMatching(/^deadline_near:/));
      const mine = smtp.received.filter((m) => m.to.includes(ADDRESS[username]));
      expect(mine.length).toBe(rows.length);
      for (const n of rows) {
        expect(n.emailed_at).not.toBeNull();
        const email = notificationEmail("id", n, mailer);
        const same = mine.filter((m) => m.subject === email.subject && m.body.trim() === email.text.trim());
        expect(same.length, `${username}: ${email.subject}`).toBe(1);
      }
      expected += rows.length;
    }
    // One digest, listing yesterday's five (newest first).
    const digestRows = await db
      .selectFrom("notification")
      .select(["kind", "params_json", "link"])
      .where("user_id", "=", ids[DIGEST])
      .where("created_at", "<", "2030-03-08T00:00:00Z")
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    expect(digestRows).toHaveLength(5);
    const digests = smtp.received.filter((m) => m.to.includes(ADDRESS[DIGEST]));
    expect(digests).toHaveLength(1);
    const wanted = digestEmail("id", digestRows, 0, "2030-03-08", mailer);
    expect(digests[0].subject).toBe(wanted.subject);
    expect(digests[0].body).toContain("Undangan rapat: Lokmin 5, tanggal 25 Maret 2030.");
    expect(smtp.received.length).toBe(expected + 1);
    expect(smtp.received.every((m) => m.to.length === 1)).toBe(true);
  });
});
