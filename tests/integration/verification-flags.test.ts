/**
 * The verifier's queue on SQLite and PostgreSQL (docs/decisions/024-verifier-change-flags.md):
 * change flags against the previous non-draft report and the unit's own history, thresholds from
 * the defaults and from the package, the comparison's status, filters, form titles in the
 * reader's language, the next report after a decision, and bulk approval of clean reports
 * (confirmation, scope, re-check on the server, one audit row per approval).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import type { SubmissionStatus } from "~/db/schema";
import { langCookie } from "~/i18n/locale.server";
import { importPackage } from "~/models/templates.server";
import * as detail from "~/routes/verification.$id";
import * as queue from "~/routes/verification._index";
import { DIALECTS } from "../helpers/db";
import { call, makeRequest, payloadOf, statusOf, useDemoDatabase } from "../helpers/app";

const FORM = "spm_bulanan";
const PERIOD = "2026-02";
const FLAGGED_UNIT = "P1373002"; // Kolok Mudik
const CLEAN_UNIT = "P1373003";
const FIELD = "spm08_hipertensi_standar";

interface Row {
  id: number;
  formKey: string;
  formTitle: string;
  period: string;
  status: string;
  unitCode: string;
  flagCount: number;
  warningCount: number;
  clean: boolean;
  revision: number;
}

describe.each(DIALECTS)("the verifier's queue on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useDemoDatabase>>["handle"];
  let cookie: Record<string, string>;
  let english = "";
  let base: Record<string, unknown>;
  const ids: Record<string, number> = {};

  async function unitId(code: string) {
    return (await getDb().selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  }
  /** Sets every stored report of `code`'s form before PERIOD, and the one of PERIOD. */
  async function shape(code: string, past: (period: string) => { status: SubmissionStatus; data: Record<string, unknown> }, current: Record<string, unknown>) {
    const unit = await unitId(code);
    const rows = await getDb().selectFrom("submission").select(["id", "period"]).where("org_unit_id", "=", unit).where("form_key", "=", FORM).execute();
    const earlier = rows.filter((r) => r.period < PERIOD);
    expect(earlier.length).toBeGreaterThanOrEqual(8);
    for (const r of earlier) {
      const p = past(r.period);
      await getDb()
        .updateTable("submission")
        .set({ status: p.status, data: JSON.stringify(p.data) })
        .where("id", "=", r.id)
        .execute();
    }
    const now = rows.find((r) => r.period === PERIOD);
    expect(now).toBeDefined();
    await getDb()
      .updateTable("submission")
      .set({ status: "submitted", data: JSON.stringify(current), submitted_at: "2026-03-05T08:00:00.000Z" })
      .where("id", "=", now!.id)
      .execute();
    return now!.id;
  }

  const rowsOf = async (search = "", lang: "id" | "en" = "id") => {
    const res = await call(queue.loader, makeRequest(`/verification${search}`, { cookie: lang === "en" ? `${cookie.ver}; ${english}` : cookie.ver }));
    return { status: statusOf(res), payload: payloadOf(res), rows: payloadOf(res).queue as Row[] };
  };
  const detailOf = async (id: number, lang: "id" | "en" = "id") =>
    payloadOf(
      await call(detail.loader, makeRequest(`/verification/${id}`, { cookie: lang === "en" ? `${cookie.ver}; ${english}` : cookie.ver }), { id: String(id) }),
    );
  const bulk = (form: Record<string, string>, picks: string[], who = "ver") => {
    const body = new URLSearchParams(form);
    for (const p of picks) body.append("pick", p);
    return call(
      queue.action,
      makeRequest("/verification", { cookie: cookie[who], body, headers: { "Content-Type": "application/x-www-form-urlencoded" }, method: "POST" }),
    );
  };
  const auditCount = async (action: string, id: number) =>
    (await getDb().selectFrom("audit_log").select("id").where("action", "=", action).where("entity_id", "=", String(id)).execute()).length;

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, PERIOD, {
      ver: ["ver.sawahlunto", [["district_verifier", "13.73"]]],
      verKendal: ["ver.kendal", [["district_verifier", "33.24"]]],
    }));
    english = (await langCookie.serialize("en")).split(";")[0];
    const template = await getDb()
      .selectFrom("submission")
      .select("data")
      .where("org_unit_id", "=", await unitId(FLAGGED_UNIT))
      .where("form_key", "=", FORM)
      .where("period", "=", PERIOD)
      .executeTakeFirstOrThrow();
    base = JSON.parse(template.data);
    // Kolok Mudik: SPM 8 steady at 286, then 12; SPM 7 between 95 and 107, then 110. The month
    // before is a draft and the one before that was returned.
    ids.flagged = await shape(
      FLAGGED_UNIT,
      (p) => ({
        status: p === "2026-01" ? "draft" : p === "2025-12" ? "returned" : "approved",
        data: { ...base, [FIELD]: 286, spm07_lansia_skrining: 95 + (Number(p.slice(5)) % 5) * 3 },
      }),
      { ...base, [FIELD]: 12, spm07_lansia_skrining: 110 },
    );
    // Another Puskesmas: the same numbers every month, nothing to flag.
    ids.clean = await shape(CLEAN_UNIT, () => ({ status: "approved", data: base }), base);
  });
  afterAll(() => handle.destroy());

  it("does not list a bookkeeping field (a formula that reads no answer), as the fill page does not draw it", async () => {
    const district = await getDb().selectFrom("org_unit").select("path").where("code", "=", "13.73").executeTakeFirstOrThrow();
    const profil = await getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.data"])
      .where("s.form_key", "=", "ilp_profil")
      .where("o.path", "like", `${district.path}%`)
      .where("s.status", "in", ["submitted", "approved", "returned"])
      .orderBy("s.id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(profil.data).bulan_laporan).toBe(1);
    const keys = (await detailOf(profil.id)).fields.map((f: { key: string }) => f.key);
    expect(keys).toContain("jumlah_desa");
    expect(keys).not.toContain("bulan_laporan");
  });

  it("flags a change beyond the percentage and a jump against the unit's own history, at the field", async () => {
    const d = await detailOf(ids.flagged);
    const field = d.fields.find((f: { key: string }) => f.key === FIELD);
    expect(field.current).toBe(12);
    expect(field.previous).toBe(286);
    expect(field.flags).toHaveLength(2);
    expect(field.flags[0]).toMatch(/^Berubah -95,8% dari 286 \(2025-12\) menjadi 12; ambang 50%\.$/);
    expect(field.flags[1]).toMatch(/di luar kisaran biasa 143 sampai 429 \(median 286 dari \d+ laporan terakhir\)/);
    // 101 → 110 is +8.9 %, inside the usual spread: not flagged by default.
    expect(d.fields.find((f: { key: string }) => f.key === "spm07_lansia_skrining").flags).toEqual([]);
    expect(d.flaggedFields).toBe(1);
    // The comparison is the last non-draft report, with its status; the draft month before is named, not used.
    expect(d.comparison).toEqual({ period: "2025-12", status: "returned" });
    expect(d.previousPeriod).toEqual({ period: "2026-01", status: "draft" });
  });

  it("reads in English: form title, field labels and flag messages", async () => {
    const d = await detailOf(ids.flagged, "en");
    expect(d.formTitle).toBe("Health minimum service standards (SPM), monthly");
    const field = d.fields.find((f: { key: string }) => f.key === FIELD);
    expect(field.label).not.toMatch(/Jumlah|pelayanan/i);
    expect(field.flags[0]).toBe("Changed by -95.8% from 286 (2025-12) to 12; the threshold is 50%.");
    const { rows } = await rowsOf(`?form=${FORM}`, "en");
    expect(rows.every((r) => r.formTitle === "Health minimum service standards (SPM), monthly")).toBe(true);
  });

  it("takes thresholds from the package: the form's, then the field's own", async () => {
    const stored = await getDb()
      .selectFrom("template_package")
      .select("document")
      .where("key", "=", "ilp-nasional")
      .orderBy("version", "desc")
      .executeTakeFirstOrThrow();
    const doc = JSON.parse(stored.document);
    const v1 = doc.version;
    doc.version = v1 + 1;
    const form = doc.forms.find((f: { key: string }) => f.key === FORM);
    form.changeCheck = { percent: 99, minChange: 300 };
    for (const s of form.sections) for (const f of s.fields) if (f.key === "spm07_lansia_skrining") f.changeCheck = { percent: 5, minChange: 0 };
    const imported = await importPackage(doc, { userId: null });
    expect(imported.ok).toBe(true);
    await getDb()
      .updateTable("submission")
      .set({ package_version: v1 + 1 })
      .where("id", "=", ids.flagged)
      .execute();
    try {
      const d = await detailOf(ids.flagged);
      expect(d.fields.find((f: { key: string }) => f.key === FIELD).flags).toEqual([]);
      expect(d.fields.find((f: { key: string }) => f.key === "spm07_lansia_skrining").flags[0]).toMatch(
        /^Berubah \+8,9% dari 101 \(2025-12\) menjadi 110; ambang 5%\.$/,
      );
    } finally {
      await getDb().updateTable("submission").set({ package_version: v1 }).where("id", "=", ids.flagged).execute();
    }
  });

  it("lists titles, unit codes and flag counts; flagged reports first; filters by form, period, Puskesmas and status", async () => {
    const all = await rowsOf();
    expect(all.status).toBe(200);
    const firstUnflagged = all.rows.findIndex((r) => r.flagCount === 0);
    if (firstUnflagged >= 0) expect(all.rows.slice(firstUnflagged).every((r) => r.flagCount === 0)).toBe(true);
    const flagged = all.rows.find((r) => r.id === ids.flagged)!;
    expect(flagged).toMatchObject({ formTitle: "Capaian SPM Kesehatan (bulanan)", unitCode: FLAGGED_UNIT, clean: false });
    expect(flagged.flagCount).toBeGreaterThanOrEqual(1);
    expect(all.rows.find((r) => r.id === ids.clean)).toMatchObject({ flagCount: 0, warningCount: 0, clean: true });

    const byForm = await rowsOf(`?form=${FORM}&period=${PERIOD}`);
    expect(byForm.rows.length).toBeGreaterThanOrEqual(2);
    expect(byForm.rows.every((r) => r.formKey === FORM && r.period === PERIOD && r.status === "submitted")).toBe(true);
    expect(byForm.payload.search).toBe(`?form=${FORM}&period=${PERIOD}`);
    // What the filter form sends (every field, empty ones too) is shortened to the same address.
    const sent = await call(queue.loader, makeRequest(`/verification?form=${FORM}&period=${PERIOD}&unit=&status=submitted`, { cookie: cookie.ver }));
    expect(statusOf(sent)).toBe(302);
    expect((sent as Response).headers.get("Location")).toBe(`/verification?form=${FORM}&period=${PERIOD}`);
    expect((await rowsOf(`?unit=${CLEAN_UNIT}&form=${FORM}`)).rows.map((r) => r.id)).toEqual([ids.clean]);
    // One form: with the Pustu and Posyandu reports the district has more approved reports than a page lists.
    const approved = await rowsOf("?form=ilp_profil&status=approved");
    expect(approved.rows.length).toBeGreaterThan(0);
    expect(approved.rows.every((r) => r.status === "approved" && !r.clean)).toBe(true);
    expect(approved.rows.length).toBeLessThan(200);
    expect(approved.payload.truncated).toBeNull();
    // Kendal has more approved reports than a page lists: the page says so and how to see the others.
    const many = payloadOf(await call(queue.loader, makeRequest("/verification?status=approved", { cookie: cookie.verKendal })));
    expect(many.queue).toHaveLength(200);
    expect(many.truncated).toBe("Yang tampil hanya 200 laporan terlama; saring menurut formulir, periode atau Puskesmas untuk melihat yang lain.");
    expect(all.payload.truncated).toBeNull();
    // The filter lists offer titles and the district's Puskesmas with their codes.
    expect(all.payload.options.forms).toContainEqual({ key: FORM, title: "Capaian SPM Kesehatan (bulanan)" });
    expect(all.payload.options.units.map((u: { code: string }) => u.code)).toContain(CLEAN_UNIT);
    // Another district's verifier sees neither report.
    const kendal = payloadOf(await call(queue.loader, makeRequest("/verification", { cookie: cookie.verKendal }))).queue as Row[];
    expect(kendal.map((r) => r.id)).not.toContain(ids.flagged);
  });

  it("a filter that cannot be read is named in the reader's language and dropped (400)", async () => {
    const bad = await rowsOf(`?period=2026-13&form=${FORM}`);
    expect(bad.status).toBe(400);
    expect(bad.payload.problems).toEqual(['Periode "2026-13" tidak dikenali; saringan periode diabaikan. Pilih periode dari daftar.']);
    expect(bad.payload.filters).toMatchObject({ form: FORM, period: null });
    const en = await rowsOf("?status=lost", "en");
    expect(en.payload.problems).toEqual(["The status in this address is not recognised; showing the reports waiting for verification."]);
  });

  it("a rule warning (against the yearly sasaran) keeps a report out of bulk approval and shows on its page", async () => {
    const sasaran = await getDb()
      .selectFrom("submission")
      .select(["id", "data"])
      .where("org_unit_id", "=", await unitId(CLEAN_UNIT))
      .where("form_key", "=", "spm_sasaran")
      .where("period", "=", "2026")
      .executeTakeFirstOrThrow();
    await getDb()
      .updateTable("submission")
      .set({ data: JSON.stringify({ ...JSON.parse(sasaran.data), spm01_sasaran_bumil: 1 }) })
      .where("id", "=", sasaran.id)
      .execute();
    try {
      const row = (await rowsOf()).rows.find((r) => r.id === ids.clean)!;
      expect(row).toMatchObject({ flagCount: 0, warningCount: 1, clean: false });
      const review = payloadOf(await bulk({ intent: "review" }, [`${row.id}:${row.revision}`]));
      expect(review.items).toEqual([]);
      expect(review.refused[0].reason).toBe("1 peringatan aturan; periksa dan setujui satu per satu.");
      expect((await detailOf(ids.clean)).warnings).toEqual([
        "SPM 1: jumlah yang dilayani bulan ini melebihi sasaran setahun. Periksa angka ini atau perbarui Sasaran SPM tahun ini. " +
          "Angka yang diperiksa: SPM 1 – Ibu hamil yang mendapat pelayanan antenatal sesuai standar (K6) = 17; SPM 1 – Sasaran ibu hamil = 1.",
      ]);
      expect((await detailOf(ids.clean, "en")).warnings[0]).toMatch(/^SPM 1: people served this month exceed the annual sasaran/);
    } finally {
      await getDb().updateTable("submission").set({ data: sasaran.data }).where("id", "=", sasaran.id).execute();
    }
    expect((await rowsOf()).rows.find((r) => r.id === ids.clean)).toMatchObject({ warningCount: 0, clean: true });
  });

  it("bulk approval: review first, confirmation required, flagged reports left out", async () => {
    const { rows } = await rowsOf(`?form=${FORM}`);
    const clean = rows.find((r) => r.id === ids.clean)!;
    const flagged = rows.find((r) => r.id === ids.flagged)!;
    const picks = [`${clean.id}:${clean.revision}`, `${flagged.id}:${flagged.revision}`];
    const review = payloadOf(await bulk({ intent: "review" }, picks));
    expect(review.step).toBe("confirm");
    expect(review.items.map((i: { id: number }) => i.id)).toEqual([ids.clean]);
    expect(review.refused.map((i: { id: number; reason: string }) => [i.id, i.reason])).toEqual([
      [ids.flagged, `${flagged.flagCount} isian ditandai; periksa dan setujui satu per satu.`],
    ]);
    // Without the confirmation nothing is approved.
    const unconfirmed = await bulk({ intent: "approve" }, [`${clean.id}:${clean.revision}`]);
    expect(statusOf(unconfirmed)).toBe(400);
    expect(payloadOf(unconfirmed).message).toMatch(/^Tinjau dulu daftar laporan/);
    expect(await auditCount("submission.approve", ids.clean)).toBe(0);
    // Nothing chosen; an unknown step.
    const none = await bulk({ intent: "review" }, []);
    expect(statusOf(none)).toBe(400);
    expect(payloadOf(none).message).toBe("Centang minimal satu laporan bersih untuk disetujui sekaligus.");
    expect(statusOf(await bulk({ intent: "delete" }, [`${clean.id}:${clean.revision}`]))).toBe(400);
    expect(await auditCount("submission.approve", ids.clean)).toBe(0);
  });

  it("bulk approval refuses a report outside the verifier's district: nothing is approved", async () => {
    const kendal = await getDb()
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.revision"])
      .where("o.path", "like", `${(await getDb().selectFrom("org_unit").select("path").where("code", "=", "33.24").executeTakeFirstOrThrow()).path}%`)
      .where("s.status", "=", "submitted")
      .executeTakeFirstOrThrow();
    const clean = (await rowsOf()).rows.find((r) => r.id === ids.clean)!;
    const res = await bulk({ intent: "approve", confirm: "yes" }, [`${clean.id}:${clean.revision}`, `${kendal.id}:${kendal.revision}`]);
    expect(statusOf(res)).toBe(403);
    expect(payloadOf(res).message).toMatch(/di luar wilayah verifikasi Anda\. Tidak ada yang disetujui\./);
    expect((await getDb().selectFrom("submission").select("status").where("id", "=", ids.clean).executeTakeFirstOrThrow()).status).toBe("submitted");
    // A report id that does not exist is refused the same way.
    expect(statusOf(await bulk({ intent: "review" }, ["99999999:1"]))).toBe(403);
  });

  it("bulk approval re-checks on the server and audits each approval like a single one", async () => {
    const clean = (await rowsOf()).rows.find((r) => r.id === ids.clean)!;
    // A stale revision (the operator saved meanwhile) is left out.
    const stale = payloadOf(await bulk({ intent: "approve", confirm: "yes" }, [`${clean.id}:${clean.revision - 1}`]));
    expect(stale).toMatchObject({ step: "done", items: [] });
    expect(stale.refused[0].reason).toMatch(/diubah operator/);
    // A report that became flagged since the review is left out too.
    await getDb()
      .updateTable("submission")
      .set({ data: JSON.stringify({ ...base, [FIELD]: 9999 }) })
      .where("id", "=", ids.clean)
      .execute();
    const nowFlagged = payloadOf(await bulk({ intent: "approve", confirm: "yes" }, [`${clean.id}:${clean.revision}`]));
    expect(nowFlagged.items).toEqual([]);
    expect(nowFlagged.refused[0].reason).toMatch(/isian ditandai/);
    await getDb()
      .updateTable("submission")
      .set({ data: JSON.stringify(base) })
      .where("id", "=", ids.clean)
      .execute();

    const done = payloadOf(await bulk({ intent: "approve", confirm: "yes" }, [`${clean.id}:${clean.revision}`]));
    expect(done.items.map((i: { id: number }) => i.id)).toEqual([ids.clean]);
    const row = await getDb().selectFrom("submission").select(["status", "revision", "approved_by"]).where("id", "=", ids.clean).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "approved", revision: clean.revision + 1 });
    const audits = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "submission.approve")
      .where("entity_id", "=", String(ids.clean))
      .execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0].before_json!)).toEqual({ status: "submitted", revision: clean.revision });
    expect(JSON.parse(audits[0].after_json!)).toEqual({ status: "approved", revision: clean.revision + 1 });
    const revisions = await getDb()
      .selectFrom("submission_revision")
      .select("action")
      .where("submission_id", "=", ids.clean)
      .where("revision", "=", clean.revision + 1)
      .execute();
    expect(revisions.map((r) => r.action)).toEqual(["submission.approve"]);
    // Approving again is refused for that report: it is no longer waiting.
    const again = payloadOf(await bulk({ intent: "approve", confirm: "yes" }, [`${clean.id}:${clean.revision + 1}`]));
    expect(again.items).toEqual([]);
    expect(again.refused[0].reason).toBe('Laporan ini sekarang berstatus "disetujui", bukan "dikirim".');
    expect(await auditCount("submission.approve", ids.clean)).toBe(1);
  });

  it("after a decision the verifier goes on to the next report of the same filtered queue", async () => {
    const { rows } = await rowsOf("?form=ilp_profil");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const [first, second] = rows;
    const res = await call(
      detail.action,
      makeRequest(`/verification/${first.id}`, {
        cookie: cookie.ver,
        form: { intent: "approve", revision: String(first.revision), note: "", queue: "?form=ilp_profil" },
      }),
      { id: String(first.id) },
    );
    expect(statusOf(res)).toBe(302);
    expect((res as Response).headers.get("Location")).toBe(`/verification/${second.id}?form=ilp_profil&done=approved`);
    const next = payloadOf(
      await call(detail.loader, makeRequest(`/verification/${second.id}?form=ilp_profil&done=approved`, { cookie: cookie.ver }), { id: String(second.id) }),
    );
    expect(next.done).toBe("Laporan sebelumnya disetujui. Ini laporan berikutnya dalam antrean.");
    expect(next.queue).toBe("?form=ilp_profil");
  });

  it("when the filtered queue is empty after a decision, the verifier goes back to it with a message", async () => {
    const search = `?form=${FORM}&period=${PERIOD}&unit=${FLAGGED_UNIT}`;
    const { rows } = await rowsOf(search);
    expect(rows.map((r) => r.id)).toEqual([ids.flagged]);
    const res = await call(
      detail.action,
      makeRequest(`/verification/${ids.flagged}`, {
        cookie: cookie.ver,
        form: { intent: "return", revision: String(rows[0].revision), note: "SPM 8 turun dari 286 ke 12: mohon diperiksa.", queue: search },
      }),
      { id: String(ids.flagged) },
    );
    expect(statusOf(res)).toBe(302);
    const location = (res as Response).headers.get("Location")!;
    expect(location).toBe(`/verification${search}&done=returned&last=1`);
    const back = await rowsOf(location.slice("/verification".length));
    expect(back.rows).toEqual([]);
    expect(back.payload.done).toBe("Laporan dikembalikan ke operator. Tidak ada laporan lain yang menunggu dalam antrean ini.");
    // Without the queue field (an older page) the action answers in place, as before.
    expect(await auditCount("submission.return", ids.flagged)).toBe(1);
  });
});
