/**
 * Village-level reporting (docs/decisions/035-village-reporting.md) on SQLite and PostgreSQL: a
 * Puskesmas operator enters for its Puskesmas and on behalf of its Pustu and Posyandu, a village
 * operator for its Pustu and the Posyandu under it and nothing else; a report is accepted only
 * from a unit expected for the period (the form's levels; with `appliesTo`, a member of its groups
 * during a month of the period — a unit joining in July is expected from July, monthly and
 * quarterly); refusals in both languages, nothing stored; due lists, reminders, unlocks and the
 * home completeness count only expected units; the org import places a Posyandu under a Pustu or
 * a Puskesmas and refuses it anywhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthIndex } from "@engine";
import { getDb, nowIso } from "~/db/db.server";
import { isUnitExpected } from "~/models/expected-units.server";
import { grantUnlock } from "~/models/locks.server";
import { areaCompleteness } from "~/models/home.server";
import { importForm, importNow, readImportFile } from "~/models/bulk-import.server";
import { importOrgCsv } from "~/models/org-import.server";
import { remindDeadlines } from "~/models/reminders.server";
import { prepareSubmission, SubmissionContext } from "~/models/submissions.server";
import { importPackage } from "~/models/templates.server";
import { getSessionUser } from "~/auth/session.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as formsIndex from "~/routes/forms._index";
import * as history from "~/routes/submissions.$id.history";
import * as home from "~/routes/_index";
import * as detail from "~/routes/verification.$id";
import * as usersRoute from "~/routes/users";
import * as importsRoute from "~/routes/imports._index";
import * as templateRoute from "~/routes/forms.$formKey.template";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { villagePackage } from "../helpers/village-package";

const NOW = "2026-08-05T10:00:00.000Z";
const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const PUSTU_A = "PU1373001.01";
const PUSTU_B = "PU1373001.02";
const POSYANDU_A = "PY1373001.01.1";
const POSYANDU_B = "PY1373001.02.1";
const POSYANDU_DIRECT = "PY1373001.9";

const VILLAGE_TREE = [
  "code,name,level,parent_code",
  `${PUSTU_A},Pustu Kayu Gadang,pustu,${SUNGAI_DURIAN}`,
  `${PUSTU_B},Pustu Santur,pustu,${SUNGAI_DURIAN}`,
  `${POSYANDU_A},Posyandu Melati,posyandu,${PUSTU_A}`,
  `${POSYANDU_B},Posyandu Mawar,posyandu,${PUSTU_B}`,
  `${POSYANDU_DIRECT},Posyandu Anggrek,posyandu,${SUNGAI_DURIAN}`,
].join("\n");

describe.each(DIALECTS)("village-level reporting on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  const userId: Record<string, number> = {};
  const unitId: Record<string, number> = {};
  let keys = 0;
  const newKey = () => `village-${kind}-${++keys}`.padEnd(24, "x");

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set(NOW);
    // This file's own village tree under Sungai Durian, without the demo's Pustu and Posyandu
    // there, so that the lists below are exactly this tree.
    await seedOrgTree({ villages: false });
    expect((await importOrgCsv(VILLAGE_TREE)).errors).toEqual([]);
    expect((await importPackage(villagePackage(), { userId: null })).ok).toBe(true);
    for (const u of await getDb().selectFrom("org_unit").select(["id", "code"]).execute()) unitId[u.code] = u.id;
    const users: Record<string, Parameters<typeof insertUser>[1]> = {
      op: [["puskesmas_operator", SUNGAI_DURIAN]],
      opKolok: [["puskesmas_operator", KOLOK_MUDIK]],
      village: [["village_operator", PUSTU_A]],
      villageB: [["village_operator", PUSTU_B]],
      admin: [["district_admin", "13.73"]],
      ver: [["district_verifier", "13.73"]],
    };
    for (const [key, grants] of Object.entries(users)) {
      userId[key] = await insertUser(`u.${key}`, grants);
      cookie[key] = await cookieFor(userId[key]);
    }
    // The national group "blud": Kolok Mudik joins in July 2026; Sungai Durian never.
    const now = nowIso();
    const group = await getDb()
      .insertInto("org_group")
      .values({
        key: "blud",
        name: "BLUD",
        name_en: null,
        description: null,
        owner_org_unit_id: unitId.ID,
        created_by: null,
        created_at: now,
        updated_at: now,
        revision: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await getDb()
      .insertInto("org_group_member")
      .values({ group_id: group.id, org_unit_id: unitId[KOLOK_MUDIK], from_month: monthIndex(2026, 7), to_month: null, created_by: null, created_at: now })
      .execute();
  });
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  const url = (form: string, period: string, unit?: string) => `/forms/${form}/${period}${unit ? `?unit=${encodeURIComponent(unit)}` : ""}`;
  const open = (who: string, form: string, period: string, unit?: string) =>
    call(fill.loader, makeRequest(url(form, period, unit), { cookie: cookie[who] }), { formKey: form, period });
  const post = (who: string, form: string, period: string, data: Record<string, unknown>, unit?: string, intent = "submit") =>
    call(
      fill.action,
      makeRequest(url(form, period, unit), { cookie: cookie[who], form: { intent, data: JSON.stringify(data), idempotencyKey: newKey(), baseRevision: "0" } }),
      {
        formKey: form,
        period,
      },
    );
  const stored = (unit: string, form: string, period: string) =>
    getDb()
      .selectFrom("submission")
      .selectAll()
      .where("org_unit_id", "=", unitId[unit])
      .where("form_key", "=", form)
      .where("period", "=", period)
      .executeTakeFirst();
  const textOf = async (res: unknown) => (res instanceof Response ? await res.text() : JSON.stringify(payloadOf(res)));
  const formsOf = async (who: string) =>
    payloadOf<{ units: Array<{ code: string; level: string; implicit: boolean; rows: Array<{ formKey: string; period: string }> }> }>(
      await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie[who] })),
    ).units;
  const due = (units: Awaited<ReturnType<typeof formsOf>>, code: string) =>
    units
      .find((u) => u.code === code)
      ?.rows.map((r) => `${r.formKey} ${r.period}`)
      .sort();

  it("expects a unit that joins a group in July from July: monthly and quarterly forms", async () => {
    const pkg = villagePackage();
    const monthly = pkg.forms.find((f) => f.key === "blud_bulanan")!;
    const quarterly = pkg.forms.find((f) => f.key === "blud_triwulan")!;
    const kolok = { id: unitId[KOLOK_MUDIK], level: "puskesmas" as const };
    expect(await isUnitExpected(getDb(), monthly, kolok, "2026-06")).toBe(false);
    expect(await isUnitExpected(getDb(), monthly, kolok, "2026-07")).toBe(true);
    expect(await isUnitExpected(getDb(), quarterly, kolok, "2026-Q2")).toBe(false);
    expect(await isUnitExpected(getDb(), quarterly, kolok, "2026-Q3")).toBe(true);
    // The operator's list: July and August of the monthly form, the third quarter only.
    const units = await formsOf("opKolok");
    expect(due(units, KOLOK_MUDIK)).toEqual([
      "blud_bulanan 2026-07",
      "blud_bulanan 2026-08",
      "blud_triwulan 2026-Q3",
      "pkm_bulanan 2026-07",
      "pkm_bulanan 2026-08",
    ]);
  });

  it("lists the Puskesmas, then each Pustu and Posyandu, each with only the forms expected from it", async () => {
    const units = await formsOf("op");
    expect(units.map((u) => u.code)).toEqual([SUNGAI_DURIAN, POSYANDU_DIRECT, PUSTU_A, POSYANDU_A, PUSTU_B, POSYANDU_B]);
    expect(units.map((u) => u.implicit)).toEqual([true, false, false, false, false, false]);
    // Not a BLUD member: no BLUD form; no Posyandu form for the Puskesmas.
    expect(due(units, SUNGAI_DURIAN)).toEqual(["pkm_bulanan 2026-07", "pkm_bulanan 2026-08"]);
    expect(due(units, PUSTU_A)).toEqual(["desa_bulanan 2026-07", "desa_bulanan 2026-08"]);
    expect(due(units, POSYANDU_A)).toEqual(["desa_bulanan 2026-07", "desa_bulanan 2026-08", "posyandu_rekap 2026-07", "posyandu_rekap 2026-08"]);
    // A village operator: their Pustu and its Posyandu only.
    const village = await formsOf("village");
    expect(village.map((u) => u.code)).toEqual([PUSTU_A, POSYANDU_A]);
    expect(village.map((u) => u.implicit)).toEqual([true, false]);
    // The home's due list the same way.
    const homeData = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.village })));
    expect(new Set(homeData.operator.due.map((r: { unitCode: string }) => r.unitCode))).toEqual(new Set([PUSTU_A, POSYANDU_A]));
    expect(homeData.operator.implicitUnit).toBe(PUSTU_A);
  });

  it("refuses a form from a unit it does not apply to, in both languages, storing nothing", async () => {
    // The BLUD form from a Puskesmas that is not a BLUD member.
    expect(statusOf(await open("op", "blud_bulanan", "2026-07"))).toBe(400);
    const blud = await post("op", "blud_bulanan", "2026-07", { kas: 5 });
    expect(statusOf(blud)).toBe(400);
    const refusal = payloadOf(blud);
    expect(refusal.formErrors.join(" ")).toMatch(/Kas BLUD.*Puskesmas Sungai Durian \(P1373001\).*blud/);
    expect(await stored(SUNGAI_DURIAN, "blud_bulanan", "2026-07")).toBeUndefined();
    // Before joining: the second quarter is refused even to the member.
    const early = await post("opKolok", "blud_triwulan", "2026-Q2", { pendapatan: 10 });
    expect(statusOf(early)).toBe(400);
    expect(payloadOf(early).formErrors[0]).toContain("2026-Q2");
    expect(await stored(KOLOK_MUDIK, "blud_triwulan", "2026-Q2")).toBeUndefined();
    // A Puskesmas-level form for a Posyandu, and a Posyandu form for the Puskesmas; drafts too.
    const level = await post("op", "pkm_bulanan", "2026-07", { kunjungan: 3 }, POSYANDU_A, "draft");
    expect(statusOf(level)).toBe(400);
    expect(payloadOf(level).formErrors[0]).toMatch(/Posyandu Melati.*diisi oleh Puskesmas/);
    expect(statusOf(await post("op", "posyandu_rekap", "2026-07", { balita_ditimbang: 3 }))).toBe(400);
    expect(await stored(POSYANDU_A, "pkm_bulanan", "2026-07")).toBeUndefined();
    expect(await stored(SUNGAI_DURIAN, "posyandu_rekap", "2026-07")).toBeUndefined();
    // The same refusal through the import and backfill paths (prepareSubmission), with both languages kept.
    const ctx = new SubmissionContext("uji-desa");
    const prepared = await prepareSubmission(ctx, { unitCode: POSYANDU_A, formKey: "pkm_bulanan", period: "2026-07", data: { kunjungan: 1 } });
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) {
      expect(prepared.problems[0].column).toBe("org_unit");
      expect(prepared.problems[0].text.id).toContain("tidak berlaku untuk Posyandu Melati");
      expect(prepared.problems[0].text.en).toContain("does not apply to Posyandu Melati");
    }
    const district = await prepareSubmission(ctx, { unitCode: "13.73", formKey: "pkm_bulanan", period: "2026-07", data: { kunjungan: 1 } });
    expect(district.ok).toBe(false);
    if (!district.ok) expect(district.problems[0].text.en).toContain("reports are filled in per Puskesmas, Pustu or Posyandu");
  });

  it("lets the Puskesmas operator enter a recap on behalf of its Posyandu", async () => {
    expect(statusOf(await open("op", "posyandu_rekap", "2026-07", POSYANDU_A))).toBe(200);
    const res = await post("op", "posyandu_rekap", "2026-07", { balita_ditimbang: 42 }, POSYANDU_A);
    expect(statusOf(res)).toBe(200);
    const row = await stored(POSYANDU_A, "posyandu_rekap", "2026-07");
    expect(row).toMatchObject({ status: "submitted", created_by: userId.op });
    // Its history: the Puskesmas operator and the Pustu's village operator; not another village's.
    const read = (who: string) => call(history.loader, makeRequest(`/submissions/${row!.id}/history`, { cookie: cookie[who] }), { id: String(row!.id) });
    expect(statusOf(await read("op"))).toBe(200);
    expect(statusOf(await read("village"))).toBe(200);
    expect(statusOf(await read("villageB"))).toBe(403);
    expect(statusOf(await read("opKolok"))).toBe(403);
  });

  it("lets a village operator enter for its Pustu and its Posyandu, and nothing else (403)", async () => {
    expect(statusOf(await post("village", "desa_bulanan", "2026-07", { kunjungan_rumah: 7 }))).toBe(200);
    expect(await stored(PUSTU_A, "desa_bulanan", "2026-07")).toMatchObject({ status: "submitted", created_by: userId.village });
    expect(statusOf(await post("village", "desa_bulanan", "2026-07", { kunjungan_rumah: 2 }, POSYANDU_A))).toBe(200);
    for (const unit of [POSYANDU_B, PUSTU_B, POSYANDU_DIRECT, SUNGAI_DURIAN, "NO-SUCH-UNIT"]) {
      const loaded = await open("village", "desa_bulanan", "2026-07", unit);
      expect(statusOf(loaded), unit).toBe(403);
      expect(await textOf(loaded)).toContain("operator Pustu/desa hanya mengisi laporan Pustu-nya sendiri");
      const posted = await post("village", "desa_bulanan", "2026-07", { kunjungan_rumah: 1 }, unit);
      expect(statusOf(posted), unit).toBe(403);
    }
    expect(await stored(POSYANDU_B, "desa_bulanan", "2026-07")).toBeUndefined();
    expect(await stored(PUSTU_B, "desa_bulanan", "2026-07")).toBeUndefined();
    // Another Puskesmas' operator cannot reach Sungai Durian's Posyandu either.
    expect(statusOf(await post("opKolok", "posyandu_rekap", "2026-07", { balita_ditimbang: 1 }, POSYANDU_B))).toBe(403);
  });

  it("imports a village operator's rows for its own units only, and refuses a unit the form does not apply to", async () => {
    expect(statusOf(await call(importsRoute.loader, makeRequest("/imports", { cookie: cookie.village })))).toBe(200);
    const template = await call(templateRoute.loader, makeRequest("/forms/desa_bulanan/template?format=csv", { cookie: cookie.village }), {
      formKey: "desa_bulanan",
    });
    expect(statusOf(template)).toBe(200);
    expect(await (template as Response).text()).toContain(PUSTU_A);
    const target = (await importForm("uji-desa", "desa_bulanan"))!;
    const csv = ["org_unit,period,kunjungan_rumah", `${POSYANDU_A},2026-08,3`, `${POSYANDU_B},2026-08,4`, `${SUNGAI_DURIAN},2026-08,5`].join("\n");
    const read = await readImportFile(new TextEncoder().encode(csv), target);
    if (!read.ok) throw new Error(read.message);
    const user = (await getSessionUser(makeRequest("/imports", { cookie: cookie.village })))!;
    const outcome = await importNow({
      user,
      target,
      fileName: "desa.csv",
      format: "csv",
      bytes: csv.length,
      file: read.file,
      confirmWarnings: false,
      ip: null,
    });
    expect(outcome).toMatchObject({ rows: 3, stored: 1, refused: 2 });
    const byRow = new Map(outcome.problems.map((p) => [p.row, p]));
    // Another village's Posyandu: out of the uploader's area; the Puskesmas: out of it too.
    expect(byRow.get(3)?.text.id).toContain("PY1373001.02.1");
    expect(byRow.get(4)?.text.id).toContain("P1373001");
    expect(await stored(POSYANDU_A, "desa_bulanan", "2026-08")).toMatchObject({ status: "submitted" });
    expect(await stored(POSYANDU_B, "desa_bulanan", "2026-08")).toBeUndefined();
    // The Puskesmas operator's import of the same file: its Posyandu stored, its own row refused (not a village form).
    const op = (await getSessionUser(makeRequest("/imports", { cookie: cookie.op })))!;
    const second = await importNow({
      user: op,
      target,
      fileName: "desa.csv",
      format: "csv",
      bytes: csv.length,
      file: read.file,
      confirmWarnings: false,
      ip: null,
    });
    expect(second).toMatchObject({ rows: 3, stored: 2, refused: 1 });
    expect(second.problems.find((p) => p.row === 4)?.text.en).toContain("does not apply to Puskesmas Sungai Durian");
    expect(await stored(SUNGAI_DURIAN, "desa_bulanan", "2026-08")).toBeUndefined();
  });

  it("notifies the Puskesmas operator and the village operator when a Posyandu report is returned", async () => {
    const row = (await stored(POSYANDU_A, "posyandu_rekap", "2026-07"))!;
    const res = await call(
      detail.action,
      makeRequest(`/verification/${row.id}`, { cookie: cookie.ver, form: { intent: "return", revision: String(row.revision), note: "Periksa jumlah balita" } }),
      { id: String(row.id) },
    );
    expect([200, 302]).toContain(statusOf(res));
    const recipients = await getDb().selectFrom("notification").select("user_id").where("kind", "=", "report_returned").execute();
    expect(recipients.map((r) => r.user_id).sort()).toEqual([userId.op, userId.village].sort());
  });

  it("opens a Posyandu report past its deadline through an unlock of its Puskesmas", async () => {
    // June ended more than 10 days ago: locked.
    const before = await post("op", "posyandu_rekap", "2026-06", { balita_ditimbang: 4 }, POSYANDU_B);
    expect(statusOf(before)).toBe(409);
    const admin = await getSessionUser(makeRequest("/locks", { cookie: cookie.admin }));
    const granted = await grantUnlock({
      user: admin!,
      unitCode: SUNGAI_DURIAN,
      form: "uji-desa/posyandu_rekap",
      period: "2026-06",
      reason: "Rekap kader terlambat dibawa ke Puskesmas",
      days: "3",
      reopenApproved: false,
    });
    expect(granted.ok).toBe(true);
    // Unlocks are granted through the Puskesmas or the district, never on a Posyandu itself.
    const onPosyandu = await grantUnlock({
      user: admin!,
      unitCode: POSYANDU_A,
      form: "uji-desa/posyandu_rekap",
      period: "2026-06",
      reason: "Coba",
      days: "3",
      reopenApproved: false,
    });
    expect(onPosyandu).toMatchObject({ ok: false, status: 400, field: "unit" });
    expect(statusOf(await post("op", "posyandu_rekap", "2026-06", { balita_ditimbang: 4 }, POSYANDU_B))).toBe(200);
    // It covers every Posyandu of that Puskesmas, also one directly under it; the village operator enters through it too.
    expect(statusOf(await post("op", "posyandu_rekap", "2026-06", { balita_ditimbang: 4 }, POSYANDU_DIRECT))).toBe(200);
    expect(statusOf(await post("village", "posyandu_rekap", "2026-06", { balita_ditimbang: 4 }, POSYANDU_A))).toBe(200);
  });

  it("reminds only the operators of units expected to report, the Puskesmas operator for its Pustu and Posyandu too", async () => {
    // Three days before the July deadline (10 August).
    const at = new Date("2026-08-08T08:00:00.000Z");
    await remindDeadlines(getDb(), at);
    const rows = await getDb().selectFrom("notification").select(["user_id", "event_key"]).where("kind", "=", "deadline_near").execute();
    const keysOf = (who: string) =>
      rows
        .filter((r) => r.user_id === userId[who])
        .map((r) => r.event_key.split(":").slice(1).join(":"))
        .sort();
    const key = (unit: string, form: string, period = "2026-07") => `${unitId[unit]}:uji-desa:${form}:${period}`;
    // Sungai Durian is not a BLUD member: never about the BLUD forms; submitted reports not reminded.
    expect(keysOf("op").some((k) => k.includes("blud"))).toBe(false);
    expect(keysOf("op")).toContain(key(SUNGAI_DURIAN, "pkm_bulanan"));
    expect(keysOf("op")).toContain(key(POSYANDU_B, "posyandu_rekap"));
    expect(keysOf("op")).not.toContain(key(PUSTU_A, "desa_bulanan"));
    expect(keysOf("op")).not.toContain(key(SUNGAI_DURIAN, "posyandu_rekap"));
    // The member is reminded of the BLUD monthly form from July on.
    expect(keysOf("opKolok")).toContain(key(KOLOK_MUDIK, "blud_bulanan"));
    // The village operator: its Pustu's and Posyandu's open reports only.
    expect(keysOf("village")).toEqual([key(POSYANDU_A, "posyandu_rekap")].sort());
    expect(keysOf("villageB")).toEqual([key(POSYANDU_B, "desa_bulanan"), key(POSYANDU_B, "posyandu_rekap"), key(PUSTU_B, "desa_bulanan")].sort());
  });

  it("counts only Puskesmas reports in the home completeness", async () => {
    const d = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.admin })));
    // Six Puskesmas in Sawahlunto; none has a counted July report of its own (the Pustu's and Posyandu's do not count).
    expect(d.stats).toMatchObject({ period: "2026-07", puskesmas: 6, reported: 0 });
    expect(statusOf(await post("op", "pkm_bulanan", "2026-07", { kunjungan: 12 }))).toBe(200);
    const after = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.admin })));
    expect(after.stats).toMatchObject({ puskesmas: 6, reported: 1 });
    // The per-area table the same way, though Sungai Durian's Pustu and Posyandu reported July too.
    const admin = (await getSessionUser(makeRequest("/", { cookie: cookie.admin })))!;
    const [sawahlunto] = await areaCompleteness(admin.grants, "2026-07");
    expect(sawahlunto).toMatchObject({ code: "13.73", puskesmas: 6, reported: 1 });
  });

  it("lets a district admin grant the village operator role at a Pustu of the district, and only there", async () => {
    const create = (username: string, unit: string) =>
      call(
        usersRoute.action,
        makeRequest("/users", {
          cookie: cookie.admin,
          form: { intent: "create", username, displayName: "Bidan Desa", password: "rahasia-panjang-1", role: "village_operator", unit },
        }),
      );
    const roles = payloadOf(await call(usersRoute.loader, makeRequest("/users", { cookie: cookie.admin }))).roles;
    expect(roles).toContain("village_operator");
    const atPuskesmas = await create("bidan.salah", SUNGAI_DURIAN);
    expect(statusOf(atPuskesmas)).toBe(400);
    expect(payloadOf(atPuskesmas).errors.unit).toContain("Pustu");
    expect(payloadOf(atPuskesmas).values.username).toBe("bidan.salah");
    expect(statusOf(await create("bidan.kayugadang", PUSTU_A))).toBe(200);
    const grant = await getDb()
      .selectFrom("role_grant as g")
      .innerJoin("app_user as u", "u.id", "g.user_id")
      .select(["g.role", "g.org_unit_id"])
      .where("u.username", "in", ["bidan.kayugadang", "bidan.salah"])
      .execute();
    expect(grant).toEqual([{ role: "village_operator", org_unit_id: unitId[PUSTU_A] }]);
  });

  it("places a Posyandu under a Pustu or a Puskesmas and refuses it anywhere else, storing nothing", async () => {
    const before = (await getDb().selectFrom("org_unit").select("id").execute()).length;
    const result = await importOrgCsv(
      [
        "code,name,level,parent_code",
        `PY1373001.01.2,Posyandu Kenanga,posyandu,${PUSTU_A}`,
        "PY1373.X,Posyandu Salah,posyandu,13.73",
        `PU1373001.99,Pustu Salah,pustu,${PUSTU_A}`,
      ].join("\n"),
    );
    expect(result.inserted).toBe(0);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatchObject({ row: 3, column: "parent_code" });
    expect(result.errors[0].message).toContain("Posyandu PY1373.X (Posyandu Salah) harus berada langsung di bawah Pustu atau Puskesmas");
    expect(result.errors[0].messageEn).toContain("Posyandu PY1373.X (Posyandu Salah) must sit directly under a Pustu or a Puskesmas");
    expect(result.errors[1]).toMatchObject({ row: 4, column: "parent_code" });
    expect(result.errors[1].messageEn).toContain("PU1373001.99");
    expect((await getDb().selectFrom("org_unit").select("id").execute()).length).toBe(before);
  });
});
