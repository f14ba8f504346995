/**
 * The operator's path on SQLite and PostgreSQL: one submit answers with every problem at once
 * (field types, bounds, required answers, validation rules on what can be read, warnings), each
 * rule at the fields it reads, in plain words with numbers written the reader's way, in Bahasa
 * Indonesia and English; the fill page in the reader's language without bookkeeping fields; the
 * home's reports by title, newest first, with the Puskesmas code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as home from "~/routes/_index";
import { DIALECTS } from "../helpers/db";
import { call, makeRequest, payloadOf, statusOf, unitsOfPuskesmas, useDemoDatabase } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";

/** The demo as seeded on 20 July 2025: June is the last month with data, July is open. */
const LAST_MONTH = "2025-06";
const PERIOD = "2025-07";
const SUNGAI_DURIAN = "P1373001";

interface Problem {
  severity: "error" | "warning";
  fields: string[];
  message: string;
}

describe.each(DIALECTS)("the operator's path on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useDemoDatabase>>["handle"];
  let cookie: Record<string, string>;
  let english = "";
  let keyCounter = 0;
  const newKey = () => `op-path-${kind}-${++keyCounter}`.padEnd(20, "x");

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, LAST_MONTH, {
      op: ["op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]],
      ver: ["ver.sawahlunto", [["district_verifier", "13.73"]]],
    }));
    english = (await langCookie.serialize("en")).split(";")[0];
  }, 120_000);
  afterAll(() => handle.destroy());

  const as = (who: string, lang: "id" | "en") => (lang === "en" ? `${cookie[who]}; ${english}` : cookie[who]);

  async function submit(form: string, data: unknown, lang: "id" | "en" = "id", confirm = false) {
    const fields: Record<string, string> = { intent: "submit", data: JSON.stringify(data), idempotencyKey: newKey(), baseRevision: "0" };
    if (confirm) fields.confirmWarnings = "1";
    return call(fill.action, makeRequest(`/forms/${form}/${PERIOD}`, { cookie: as("op", lang), form: fields }), { formKey: form, period: PERIOD });
  }

  async function stored(form: string) {
    return getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.status", "s.data"])
      .where("o.code", "=", SUNGAI_DURIAN)
      .where("s.form_key", "=", form)
      .where("s.period", "=", PERIOD)
      .execute();
  }

  /** Type, bounds and required problems, a broken rule between readable fields and a warning, all in one report. */
  const badProfile = () => {
    const data = profilAnswers({ jumlah_desa: 500, jumlah_posyandu: "dua puluh", kader_purwa: 90, kader_madya: 20, kader_utama: 10, jumlah_kader: 100 });
    delete data.sotk_revisi;
    return data;
  };

  it("lists every problem of a report in one answer: fields, rules on what can be read, warnings", async () => {
    const res = await submit("ilp_profil", badProfile());
    expect(statusOf(res)).toBe(400);
    const body = payloadOf(res);
    expect(body.code).toBe("INVALID");
    const problems = body.problems as Problem[];
    // Field problems, in the form's order.
    expect(body.fieldErrors.sotk_revisi).toMatch(/wajib diisi/);
    expect(body.fieldErrors.jumlah_desa).toBe('"Jumlah desa/kelurahan di wilayah kerja" paling banyak 200, tetapi terisi 500. Periksa kembali angkanya.');
    expect(body.fieldErrors.jumlah_posyandu).toBeTruthy();
    // The rule whose fields can be read runs although other fields failed, and names both of its fields.
    const rule = problems.find((p) => p.message.startsWith("Kader bersertifikat (Purwa + Madya + Utama) tidak boleh melebihi jumlah kader."));
    expect(rule).toMatchObject({ severity: "error", fields: ["kader_terlatih", "jumlah_kader"] });
    expect(rule!.message).toContain("Angka yang diperiksa: Kader bersertifikat (Purwa + Madya + Utama) = 120; Jumlah kader Posyandu aktif = 100.");
    expect(body.formErrors).toContain(rule!.message);
    // A rule that reads a failed field does not run: it would only repeat the field's problem.
    expect(problems.some((p) => p.message.includes("Pustu ILP tidak boleh melebihi"))).toBe(false);
    // The warning comes with the errors, not after them are fixed.
    expect(body.warnings.join(" ")).toMatch(/tidak sama dengan jumlah kader/);
    const warning = problems.find((p) => p.severity === "warning");
    expect(warning!.fields).toEqual(["kader_terlatih", "kader_belum_sertifikat", "jumlah_kader"]);
    // Errors first, in the order of the form's fields; warnings last.
    expect(problems.map((p) => p.severity)).toEqual([...problems.filter((p) => p.severity === "error").map(() => "error"), "warning"]);
    const order = problems.filter((p) => p.severity === "error").map((p) => p.fields[0]);
    expect(order).toEqual(["sotk_revisi", "jumlah_desa", "jumlah_posyandu", "kader_terlatih"]);
    expect(await stored("ilp_profil")).toHaveLength(0);
  });

  it("answers the same report in English: messages, rules and numbers the English way", async () => {
    const body = payloadOf(await submit("ilp_profil", badProfile(), "en"));
    expect(body.fieldErrors.jumlah_desa).toBe('"Villages (desa/kelurahan) in the working area" can be at most 200, but 500 was entered. Check the number.');
    expect(body.fieldErrors.sotk_revisi).toMatch(/is required/);
    const messages = (body.problems as Problem[]).map((p) => p.message).join("\n");
    expect(messages).toContain("Certified kader (Purwa + Madya + Utama) cannot exceed total kader. Figures checked: ");
    expect(messages).toContain("Certified plus not-yet-certified kader do not add up to total kader.");
    expect(messages).not.toMatch(/wajib|paling banyak|Angka yang diperiksa|tidak boleh/);
  });

  it("a report fixed in one more submit: warnings confirmed together with the corrections", async () => {
    const fixed = profilAnswers({ kader_purwa: 30, kader_belum_sertifikat: 10 });
    const warned = payloadOf(await submit("ilp_profil", fixed));
    expect(warned.code).toBe("NEEDS_CONFIRMATION");
    expect((warned.problems as Problem[]).map((p) => p.severity)).toEqual(["warning"]);
    const res = await submit("ilp_profil", fixed, "id", true);
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res)).toMatchObject({ ok: true, status: "submitted" });
    expect((await stored("ilp_profil"))[0].status).toBe("submitted");
  });

  it("a warning against the yearly sasaran says what the sasaran is; a bound is written 100.000", async () => {
    const sasaran = await getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select("s.data")
      .where("o.code", "=", SUNGAI_DURIAN)
      .where("s.form_key", "=", "spm_sasaran")
      .where("s.period", "=", "2025")
      .executeTakeFirstOrThrow();
    const bumil = (JSON.parse(sasaran.data) as Record<string, number>).spm01_sasaran_bumil;
    expect(bumil).toBeGreaterThan(0);
    const data: Record<string, number> = {};
    for (const key of ["spm01_bumil_k6", "spm02_persalinan_faskes", "spm03_bbl_kn_lengkap", "spm04_balita_standar", "spm05_usia_dasar_skrining"]) data[key] = 0;
    for (const key of ["spm06_usia_produktif_skrining", "spm07_lansia_skrining", "spm08_hipertensi_standar", "spm09_dm_standar", "spm10_odgj_berat_standar"])
      data[key] = 0;
    Object.assign(data, { spm11_terduga_tb_diperiksa: 0, spm12_risiko_hiv_diperiksa: 150000, spm01_bumil_k6: bumil + 1000 });
    const body = payloadOf(await submit("spm_bulanan", data));
    expect(body.fieldErrors.spm12_risiko_hiv_diperiksa).toMatch(/paling banyak 100\.000, tetapi terisi 150\.000\./);
    const warning = (body.problems as Problem[]).find((p) => p.severity === "warning" && p.fields.includes("spm01_bumil_k6"));
    const written = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    expect(warning!.message).toMatch(/melebihi sasaran setahun/);
    expect(warning!.message).toContain(`= ${written(bumil + 1000)}; SPM 1 – Sasaran ibu hamil = ${written(bumil)}.`);
  });

  it("draws the fill page in the reader's language, without bookkeeping fields, with the Puskesmas code", async () => {
    const load = async (lang: "id" | "en") =>
      payloadOf(await call(fill.loader, makeRequest(`/forms/ilp_profil/${PERIOD}`, { cookie: as("op", lang) }), { formKey: "ilp_profil", period: PERIOD }));
    const id = await load("id");
    const en = await load("en");
    expect(id.schema.properties.jumlah_desa.title).toBe("Jumlah desa/kelurahan di wilayah kerja (desa)");
    expect(en.schema.properties.jumlah_desa.title).toBe("Villages (desa/kelurahan) in the working area (desa)");
    expect(en.uiSchema["ui:sections"][0].title).not.toBe(id.uiSchema["ui:sections"][0].title);
    expect(en.schema.properties.sk_klaster.oneOf.map((c: { title: string }) => c.title)).toEqual(["Yes", "No"]);
    for (const page of [id, en]) {
      expect(page.schema.properties).not.toHaveProperty("bulan_laporan");
      expect(page.schema.properties).toHaveProperty("lokmin_bulanan_terlaksana");
      expect(page.unit).toEqual({ code: SUNGAI_DURIAN, name: expect.stringContaining("Sungai Durian") });
    }
  });

  it("the homes name reports by their title in the reader's language, newest first, with the Puskesmas and its code", async () => {
    const load = async (who: string, lang: "id" | "en") => payloadOf(await call(home.loader, makeRequest("/", { cookie: as(who, lang) })));
    const id = await load("op", "id");
    const en = await load("op", "en");
    expect(id.operator.units).toEqual([{ code: SUNGAI_DURIAN, name: expect.stringContaining("Sungai Durian") }]);
    const recent = id.operator.recent as Array<{ form_key: string; period: string; updated_at: string; title: { id: string; en?: string } }>;
    expect(recent.length).toBeGreaterThan(2);
    for (const r of recent) expect(r.title.id).not.toBe(r.form_key);
    // The report submitted in this file is the newest; the demo's reports, all stored at one instant, follow by period.
    expect(recent[0]).toMatchObject({
      form_key: "ilp_profil",
      period: PERIOD,
      title: { id: "Profil Implementasi ILP Puskesmas", en: "Puskesmas ILP implementation profile" },
    });
    const firstMonth = (p: string) =>
      /^\d{4}$/.test(p) ? `${p}-01 0` : /-Q\d$/.test(p) ? p.replace(/-Q(\d)$/, (_, q: string) => `-${String(Number(q) * 3 - 2).padStart(2, "0")} 1`) : `${p} 2`;
    const rest = recent.slice(1).map((r) => `${r.updated_at} ${firstMonth(r.period)}`);
    expect(rest).toEqual([...rest].sort().reverse());
    // The demo seeded on 20 July holds June complete and a few early July reports (the demo's
    // Pustu report early): the demo's newest period is July when such a report is among the
    // operator's units (its Puskesmas and their Pustu and Posyandu), June otherwise.
    const own = (await unitsOfPuskesmas(SUNGAI_DURIAN)).map((u) => u.code);
    const earlyDemo = await getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.form_key"])
      .where("o.code", "in", own)
      .where("s.period", "=", PERIOD)
      .where((eb) => eb.or([eb("o.code", "!=", SUNGAI_DURIAN), eb("s.form_key", "!=", "ilp_profil")]))
      .execute();
    expect(recent[1].period).toBe(earlyDemo.length ? PERIOD : LAST_MONTH);
    expect(recent.filter((r) => r.period === PERIOD).length).toBe(1 + earlyDemo.length);
    expect(recent.some((r) => r.period === LAST_MONTH)).toBe(true);
    expect(en.operator.recent).toEqual(recent);
    const queue = (await load("ver", "id")).verifier.queue as Array<{ form_key: string; title: { id: string } }>;
    expect(queue.length).toBeGreaterThan(0);
    for (const q of queue) expect(q.title.id).not.toBe(q.form_key);
  });
});
