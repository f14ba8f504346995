/**
 * Effective-from of a published version (docs/decisions/026-effective-from.md) on both dialects:
 * publishing asks from which month a version applies (blank: the first month not yet begun),
 * refuses an earlier month unless the admin ticks "retroactive", stores it per version, and a
 * form new in that version is not due — not in the operator's list, not counted at home, not
 * open on the fill page — before that month, while forms of earlier versions stay due.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { loadEntry, operatorForms } from "~/models/entry.server";
import { operatorHome } from "~/models/home.server";
import { entryUnits } from "~/models/village-entry.server";
import { checkEffectiveFrom, defaultEffectiveFrom } from "~/models/designer.server";
import { effectivePackages, formDueIn, importPackage } from "~/models/templates.server";
import * as designer from "~/routes/designer.$key.$version";
import * as newRoute from "~/routes/designer.new";
import { seedDemoBludGroup } from "~/models/seed.server";
import { clock } from "~/utils/clock.server";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import type { TemplatePackage } from "@engine";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

const seed = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
const KEY = "ilp-nasional";
/** 15 March 2026: March has begun, so the default effective-from is April. */
const NOW = new Date("2026-03-15T03:00:00Z");

/** A monthly form new in version 2. */
const NEW_FORM = {
  key: "kunjungan_rumah",
  title: { id: "Kunjungan rumah", en: "Home visits" },
  source: "Juknis kunjungan rumah",
  periodType: "month",
  sections: [
    { key: "utama", title: { id: "Utama" }, fields: [{ key: "kunjungan_rumah_jumlah", type: "integer", min: 0, label: { id: "Jumlah kunjungan rumah" } }] },
  ],
} as unknown as TemplatePackage["forms"][number];

describe("the effective-from rule", () => {
  it("defaults to the first month not yet begun, also across a year", () => {
    expect(defaultEffectiveFrom(NOW)).toBe("2026-04");
    expect(defaultEffectiveFrom(new Date("2026-12-31T23:59:00Z"))).toBe("2027-01");
  });

  it("takes a later month, refuses an earlier one unless retroactive, and refuses slips", () => {
    expect(checkEffectiveFrom("", false, NOW)).toEqual({ ok: true, month: "2026-04" });
    expect(checkEffectiveFrom("2026-07", false, NOW)).toEqual({ ok: true, month: "2026-07" });
    expect(checkEffectiveFrom("2026-03", false, NOW)).toEqual({ ok: false, reason: "retroactive" });
    expect(checkEffectiveFrom("2026-02", true, NOW)).toEqual({ ok: true, month: "2026-02" });
    for (const slip of ["2026-13", "26-04", "2026-4", "2206-01", "april"])
      expect(checkEffectiveFrom(slip, true, NOW), slip).toEqual({ ok: false, reason: "effectiveFrom" });
  });

  it("compares a form's period by the month it begins", () => {
    const effective = { dueFrom: { m: "2026-04", q: "2026-04", y: "2026-04" } };
    expect([formDueIn(effective, "m", "2026-03"), formDueIn(effective, "m", "2026-04")]).toEqual([false, true]);
    expect([formDueIn(effective, "q", "2026-Q1"), formDueIn(effective, "q", "2026-Q2")]).toEqual([false, true]);
    expect([formDueIn(effective, "y", "2026"), formDueIn(effective, "y", "2027")]).toEqual([false, true]);
    expect(formDueIn(effective, "other", "1999-01")).toBe(true);
  });
});

describe.each(DIALECTS)("publishing with effective-from on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie = "";
  const params = (version: number) => ({ key: KEY, version: String(version) });
  const post = (version: number, form: Record<string, string>) =>
    call(designer.action, makeRequest(`/designer/${KEY}/${version}`, { cookie, form }), params(version));
  const row = (version: number) =>
    getDb().selectFrom("template_package").selectAll().where("key", "=", KEY).where("version", "=", version).executeTakeFirstOrThrow();
  const unit = () => getDb().selectFrom("org_unit").selectAll().where("code", "=", puskesmasCode("Sungai Durian")).executeTakeFirstOrThrow();
  const dueKeys = async (now: Date) => (await operatorForms([await unit()], now)).map((r) => `${r.formKey} ${r.period}`);

  /** Draft the next version with the new form (or without it), saved; returns the revision. */
  async function draftNext(version: number, edit: (doc: TemplatePackage) => void): Promise<number> {
    const created = (await call(newRoute.action, makeRequest("/designer/new", { cookie, form: { intent: "fromLatest", package: KEY } }))) as Response;
    expect(created.headers.get("Location")).toBe(`/designer/${KEY}/${version}`);
    const doc = JSON.parse((await row(version)).document) as TemplatePackage;
    edit(doc);
    const saved = payloadOf(await post(version, { intent: "save", revision: "1", document: JSON.stringify(doc) }));
    expect(saved).toMatchObject({ ok: true, problems: [] });
    return saved.revision as number;
  }

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // The national package's BLUD form applies to the group blud: without it the designer lists the key as unknown.
    await seedDemoBludGroup(parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8")));
    expect((await importPackage(seed, { userId: null })).ok).toBe(true);
    cookie = await cookieFor(await insertUser("admin.nasional", [["national_admin", "ID"]]));
    clock.set(NOW);
  });
  afterEach(() => clock.set(NOW));
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  it("a version published before the rule has no effective-from: its forms are due as before", async () => {
    expect((await row(1)).effective_from).toBeNull();
    expect(await dueKeys(NOW)).toContain("spm_bulanan 2026-02");
  });

  it("offers the next month, refuses a month already begun without the retroactive tick, and a slip", async () => {
    const revision = await draftNext(2, (doc) => doc.forms.push(NEW_FORM));
    const { preview } = payloadOf(await post(2, { intent: "preview" }));
    expect(preview.effectiveFrom).toEqual({ proposed: "2026-04", current: "2026-03" });
    const base = { intent: "publish", revision: String(revision), confirm: "yes" };
    const retro = await post(2, { ...base, effectiveFrom: "2026-03" });
    expect(statusOf(retro)).toBe(400);
    expect(payloadOf(retro).message).toMatch(/sudah berjalan atau lewat/);
    expect(statusOf(await post(2, { ...base, effectiveFrom: "2026-13" }))).toBe(400);
    expect((await row(2)).status).toBe("draft");
  });

  it("publishes from the default month; the new form is not due, counted or open before it", async () => {
    const revision = Number((await row(2)).revision);
    const res = (await post(2, { intent: "publish", revision: String(revision), confirm: "yes" })) as Response;
    expect(res.status).toBe(302);
    expect((await row(2)).effective_from).toBe("2026-04");
    const audit = await getDb()
      .selectFrom("audit_log")
      .select("after_json")
      .where("action", "=", "template.publish")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toMatchObject({ version: 2, effectiveFrom: "2026-04" });

    // March: the new form is nowhere, the old ones are due as before.
    const march = await dueKeys(NOW);
    expect(march.filter((k) => k.startsWith("kunjungan_rumah"))).toEqual([]);
    expect(march).toEqual(expect.arrayContaining(["spm_bulanan 2026-03", "spm_bulanan 2026-02"]));
    const u = await unit();
    const grant = { role: "puskesmas_operator" as const, orgUnitId: u.id, orgCode: u.code, orgName: u.name, orgPath: u.path, orgLevel: "puskesmas" as const };
    const home = await operatorHome([grant], NOW);
    expect(home.due.some((r) => r.formKey === "kunjungan_rumah")).toBe(false);
    // The home counts what the operator enters: the Puskesmas' own reports and those of its Pustu
    // and Posyandu (decision 035), so its total is the due list of all those units.
    const entered = await operatorForms(await entryUnits(getDb(), [grant]), NOW);
    expect(entered.filter((r) => r.formKey === "kunjungan_rumah")).toEqual([]);
    expect(entered.filter((r) => r.unitCode === u.code).length).toBe(march.length);
    expect(entered.some((r) => r.unitLevel !== "puskesmas")).toBe(true);
    expect(home.progress.total).toBe(entered.length);
    await expect(loadEntry(u, "kunjungan_rumah", "2026-03", "en", NOW)).rejects.toSatisfy((r: unknown) => r instanceof Response && r.status === 400);

    // April: due for April, never for March.
    const april = new Date("2026-04-15T03:00:00Z");
    clock.set(april);
    expect((await dueKeys(april)).filter((k) => k.startsWith("kunjungan_rumah"))).toEqual(["kunjungan_rumah 2026-04"]);
    expect((await loadEntry(u, "kunjungan_rumah", "2026-04", "id", april)).form.key).toBe("kunjungan_rumah");
    const refused = await loadEntry(u, "kunjungan_rumah", "2026-03", "id", april).catch((r: Response) => r);
    expect(refused).toBeInstanceOf(Response);
    expect(await (refused as Response).text()).toBe(
      "Formulir ini berlaku mulai periode 2026-04; laporan untuk periode 2026-03 tidak diperlukan dan tidak dapat diterima.",
    );
  });

  it("a form keeps the month it came with through later versions; a retroactive version applies as chosen", async () => {
    // v3 adds nothing: kunjungan_rumah stays due from April although v3 applies from June.
    const revision = await draftNext(3, (doc) => (doc.title = { ...doc.title, id: `${doc.title.id} (revisi)` }));
    expect(statusOf(await post(3, { intent: "publish", revision: String(revision), confirm: "yes", effectiveFrom: "2026-06" }))).toBe(302);
    const [v3] = (await effectivePackages(null)).filter((p) => p.key === KEY);
    expect(v3.effective.dueFrom).toMatchObject({ kunjungan_rumah: "2026-04" });
    expect(v3.effective.dueFrom.spm_bulanan).toBeUndefined();

    // v4 removes the form, v5 brings it back retroactively from February, on purpose.
    const r4 = await draftNext(4, (doc) => (doc.forms = doc.forms.filter((f) => f.key !== "kunjungan_rumah")));
    expect(statusOf(await post(4, { intent: "publish", revision: String(r4), confirm: "yes" }))).toBe(302);
    const r5 = await draftNext(5, (doc) => doc.forms.push(NEW_FORM));
    expect(statusOf(await post(5, { intent: "publish", revision: String(r5), confirm: "yes", effectiveFrom: "2026-02", retroactive: "yes" }))).toBe(302);
    expect((await row(5)).effective_from).toBe("2026-02");
    expect((await dueKeys(NOW)).filter((k) => k.startsWith("kunjungan_rumah"))).toEqual(["kunjungan_rumah 2026-03", "kunjungan_rumah 2026-02"]);
  });
});
