/**
 * Package designer (decision 008) on both dialects: drafts from the latest version and
 * new packages, saves under an optimistic lock that keep documents with problems, the intake
 * gate (invalid JSON, non-objects, over-size) leaving the stored draft untouched, owner-scope
 * checks, publish with diff and confirmation, refusals that protect stored data (type change of
 * a published key, reuse of a removed key), published rows refusing every write, and one audit
 * row per change.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, nowIso } from "~/db/db.server";
import { importPackage } from "~/models/templates.server";
import { seedDemoBludGroup } from "~/models/seed.server";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import * as designer from "~/routes/designer.$key.$version";
import * as newRoute from "~/routes/designer.new";
import * as library from "~/routes/templates._index";
import * as importRoute from "~/routes/templates.import";
import type { TemplatePackage } from "@engine";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

const seedText = fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8");
const KEY = "ilp-nasional";

function fieldOf(pkg: TemplatePackage, key: string) {
  for (const form of pkg.forms) for (const s of form.sections) for (const f of s.fields) if (f.key === key) return f;
  throw new Error(`no field ${key}`);
}

describe.each(DIALECTS)("package designer on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};

  const row = (version: number, key = KEY) =>
    getDb().selectFrom("template_package").selectAll().where("key", "=", key).where("version", "=", version).executeTakeFirst();
  const audits = async (action: string) => await getDb().selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
  const params = (version: number, key = KEY) => ({ key, version: String(version) });
  const load = (who: string, version: number, key = KEY) =>
    call(designer.loader, makeRequest(`/designer/${key}/${version}`, { cookie: cookie[who] }), params(version, key));
  const post = (who: string, version: number, form: Record<string, string>, key = KEY) =>
    call(designer.action, makeRequest(`/designer/${key}/${version}`, { cookie: cookie[who], form }), params(version, key));
  const create = (who: string, form: Record<string, string>) => call(newRoute.action, makeRequest("/designer/new", { cookie: cookie[who], form }));
  const stored = async (version: number, key = KEY) => JSON.parse((await row(version, key))!.document) as TemplatePackage;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // The national package's BLUD form applies to the group blud: without it the designer lists the key as unknown.
    await seedDemoBludGroup(parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8")));
    expect((await importPackage(JSON.parse(seedText), { userId: null })).ok).toBe(true);
    const users: Array<[string, Parameters<typeof insertUser>[1]]> = [
      ["admin.nasional", [["national_admin", "ID"]]],
      ["admin.sawahlunto", [["district_admin", "13.73"]]],
      ["admin.kendal", [["district_admin", "33.24"]]],
      ["fasilitator.nasional", [["facilitator", "ID"]]],
      ["verifikator.sawahlunto", [["district_verifier", "13.73"]]],
    ];
    for (const [name, grants] of users) cookie[name] = await cookieFor(await insertUser(name, grants));
    // Two reports made with v1 of ilp_profil, one of spm_bulanan: the diff counts the changed form's.
    const unit = await getDb().selectFrom("org_unit").selectAll().where("code", "=", puskesmasCode("Sungai Durian")).executeTakeFirstOrThrow();
    const now = nowIso();
    for (const [formKey, period] of [
      ["ilp_profil", "2025"],
      ["ilp_profil", "2024"],
      ["spm_bulanan", "2025-01"],
    ]) {
      await getDb()
        .insertInto("submission")
        .values({
          org_unit_id: unit.id,
          district_id: unit.parent_id,
          province_id: null,
          package_key: KEY,
          package_version: 1,
          overlay_id: null,
          form_key: formKey,
          period,
          year: Number(period.slice(0, 4)),
          month_index: Number(period.slice(0, 4)) * 12,
          status: "submitted",
          data: "{}",
          revision: 1,
          idempotency_key: null,
          return_note: null,
          created_by: null,
          created_at: now,
          updated_at: now,
          submitted_at: now,
          approved_at: null,
          approved_by: null,
        })
        .execute();
    }
  });
  afterAll(() => handle.destroy());

  it("only the owning scope's admins may create a draft of the national package", async () => {
    for (const who of ["admin.sawahlunto", "fasilitator.nasional", "verifikator.sawahlunto"]) {
      expect(statusOf(await create(who, { intent: "fromLatest", package: KEY })), who).toBe(403);
    }
    expect(await row(2)).toBeUndefined();
    expect(await audits("template.draft.create")).toHaveLength(0);
  });

  it("creates draft v2 as a copy of v1, once (at most one draft per key), audited", async () => {
    const res = (await create("admin.nasional", { intent: "fromLatest", package: KEY })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/designer/${KEY}/2`);
    const again = (await create("admin.nasional", { intent: "fromLatest", package: KEY })) as Response;
    expect(again.headers.get("Location")).toBe(`/designer/${KEY}/2`);
    const r = (await row(2))!;
    expect(r.status).toBe("draft");
    expect(Number(r.revision)).toBe(1);
    expect(await stored(2)).toEqual({ ...JSON.parse(seedText), version: 2 });
    expect((await getDb().selectFrom("template_package").select("id").where("key", "=", KEY).execute()).length).toBe(2);
    const audit = await audits("template.draft.create");
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ key: KEY, version: 2, from: 1 });
  });

  it("opens the draft for its owner with the published keys; others get 403", async () => {
    const data = payloadOf(await load("admin.nasional", 2));
    expect(data.readOnly).toBe(false);
    expect(data.row.revision).toBe(1);
    expect(data.problems).toEqual([]);
    expect(data.published.sk_klaster).toEqual({ type: "boolean", label: fieldOf(JSON.parse(seedText), "sk_klaster").label.id });
    for (const who of ["admin.sawahlunto", "admin.kendal", "fasilitator.nasional"]) {
      expect(statusOf(await load(who, 2)), who).toBe(403);
      const doc = { ...JSON.parse(seedText), version: 2 };
      expect(statusOf(await post(who, 2, { intent: "save", revision: "1", document: JSON.stringify(doc) })), who).toBe(403);
      expect(statusOf(await post(who, 2, { intent: "publish", revision: "1", confirm: "yes" })), who).toBe(403);
      expect(statusOf(await post(who, 2, { intent: "discard" })), who).toBe(403);
    }
    expect(Number((await row(2))!.revision)).toBe(1);
    // The library lists the draft only to whoever may edit it.
    const mine = payloadOf(await call(library.loader, makeRequest("/templates", { cookie: cookie["admin.nasional"] })));
    expect(mine.drafts).toEqual({ [KEY]: 2 });
    const theirs = payloadOf(await call(library.loader, makeRequest("/templates", { cookie: cookie["admin.kendal"] })));
    expect(theirs.drafts).toEqual({});
    expect(theirs.packages[0].versions.map((v: { status: string }) => v.status)).toEqual(["published"]);
  });

  it("saves a document with problems (nothing typed is lost) and answers them by pointer", async () => {
    const doc = await stored(2);
    fieldOf(doc, "sk_klaster").label = { id: "" };
    const res = payloadOf(await post("admin.nasional", 2, { intent: "save", revision: "1", document: JSON.stringify(doc) }));
    expect(res.ok).toBe(true);
    expect(res.revision).toBe(2);
    expect(res.problems.length).toBeGreaterThan(0);
    expect(res.problems.some((p: { pointer: string }) => p.pointer.startsWith("/forms/0/sections/0/fields/0/label"))).toBe(true);
    expect(fieldOf(await stored(2), "sk_klaster").label).toEqual({ id: "" });
    expect(await audits("template.draft.save")).toHaveLength(1);
  });

  it("refuses a stale revision with a clear message and keeps the stored draft", async () => {
    const before = (await row(2))!;
    const doc = await stored(2);
    doc.title = { id: "Judul dari tab lama" };
    const res = await post("admin.nasional", 2, { intent: "save", revision: "1", document: JSON.stringify(doc) });
    expect(statusOf(res)).toBe(409);
    expect(payloadOf(res).message).toMatch(/sudah disimpan orang lain/);
    expect(payloadOf(res).revision).toBe(2);
    expect((await row(2))!.document).toBe(before.document);
    expect(await audits("template.draft.save")).toHaveLength(1);
  });

  it("invalid JSON, a non-object and an over-size document leave the draft untouched", async () => {
    const before = (await row(2))!;
    const bigDoc = { ...(await stored(2)), description: { id: "x".repeat(2 * 1024 * 1024 + 10) } };
    const cases: Array<[string, string]> = [
      ["broken", '{"key": "ilp-nasional", '],
      ["array", "[1, 2, 3]"],
      ["proto", '{"__proto__": {"x": 1}}'],
      ["big", JSON.stringify(bigDoc)],
    ];
    for (const [name, text] of cases) {
      for (const intent of ["save", "check"]) {
        const res = await post("admin.nasional", 2, { intent, revision: "2", document: text });
        expect(statusOf(res), `${name}/${intent}`).toBe(400);
        const p = payloadOf(res);
        expect(p.parsed, name).toBe(false);
        expect(p.problems.length, name).toBeGreaterThan(0);
      }
    }
    const big = payloadOf(await post("admin.nasional", 2, { intent: "save", revision: "2", document: JSON.stringify(bigDoc) }));
    expect(big.problems[0].code).toBe("TOO_LARGE");
    const after = (await row(2))!;
    expect(after.document).toBe(before.document);
    expect(Number(after.revision)).toBe(2);
    expect(await audits("template.draft.save")).toHaveLength(1);
  });

  it("check answers problems without storing", async () => {
    const doc = await stored(2);
    fieldOf(doc, "sk_klaster").label = { id: "SK klaster" };
    const res = payloadOf(await post("admin.nasional", 2, { intent: "check", revision: "2", document: JSON.stringify(doc) }));
    expect(res).toMatchObject({ ok: true, parsed: true, problems: [] });
    expect(fieldOf(await stored(2), "sk_klaster").label).toEqual({ id: "" });
  });

  it("refuses to publish a draft with problems, audited as refused", async () => {
    const res = await post("admin.nasional", 2, { intent: "publish", revision: "2", confirm: "yes" });
    expect(statusOf(res)).toBe(409);
    expect(payloadOf(res).problems.length).toBeGreaterThan(0);
    expect((await row(2))!.status).toBe("draft");
    expect(await audits("template.publish.refused")).toHaveLength(1);
  });

  it("refuses a type change of a published field, naming the field", async () => {
    const doc = await stored(2);
    fieldOf(doc, "sk_klaster").label = { id: "SK klaster" };
    fieldOf(doc, "spm01_bumil_k6").type = "number";
    const saved = payloadOf(await post("admin.nasional", 2, { intent: "save", revision: "2", document: JSON.stringify(doc) }));
    expect(saved.ok).toBe(true);
    const refusal = saved.problems.find((p: { code: string }) => p.code === "FIELD_TYPE_CHANGED");
    expect(refusal.message).toContain("spm01_bumil_k6");
    const preview = payloadOf(await post("admin.nasional", 2, { intent: "preview" }));
    expect(preview.preview.refusals.map((p: { code: string }) => p.code)).toEqual(["FIELD_TYPE_CHANGED"]);
    const res = await post("admin.nasional", 2, { intent: "publish", revision: String(saved.revision), confirm: "yes" });
    expect(statusOf(res)).toBe(409);
    expect(payloadOf(res).message).toMatch(/merusak data/);
    expect((await row(2))!.status).toBe("draft");
    expect(await audits("template.publish.refused")).toHaveLength(2);
  });

  it("shows the diff, needs confirmation and the current revision, then publishes v2 (audited)", async () => {
    const doc = await stored(2);
    fieldOf(doc, "spm01_bumil_k6").type = "integer";
    fieldOf(doc, "sk_klaster").label = { id: "SK klaster ILP sudah ditetapkan" };
    doc.forms[0].sections[0].fields = doc.forms[0].sections[0].fields.filter((f) => f.key !== "sk_klaster_nomor");
    doc.forms[0].sections[0].fields.push({ key: "jumlah_klaster_aktif", type: "integer", label: { id: "Jumlah klaster aktif" }, min: 0, max: 5 });
    const saved = payloadOf(await post("admin.nasional", 2, { intent: "save", revision: "3", document: JSON.stringify(doc) }));
    expect(saved).toMatchObject({ ok: true, problems: [], revision: 4 });

    const { preview } = payloadOf(await post("admin.nasional", 2, { intent: "preview" }));
    expect(preview.problems).toEqual([]);
    expect(preview.previousVersion).toBe(1);
    expect(preview.diff.fields.added.map((f: { key: string }) => f.key)).toEqual(["jumlah_klaster_aktif"]);
    expect(preview.diff.fields.removed.map((f: { key: string }) => f.key)).toEqual(["sk_klaster_nomor"]);
    expect(preview.diff.fields.changed.map((f: { key: string }) => f.key)).toEqual(["sk_klaster"]);
    expect(preview.diff.changedForms).toEqual(["ilp_profil"]);
    expect(preview.submissionsAffected).toBe(2);

    expect(statusOf(await post("admin.nasional", 2, { intent: "publish", revision: "4" }))).toBe(400);
    expect(statusOf(await post("admin.nasional", 2, { intent: "publish", revision: "3", confirm: "yes" }))).toBe(409);
    expect((await row(2))!.status).toBe("draft");

    const res = (await post("admin.nasional", 2, { intent: "publish", revision: "4", confirm: "yes" })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/templates?published=${KEY}&version=2`);
    const r = (await row(2))!;
    expect(r.status).toBe("published");
    expect(r.published_at).not.toBeNull();
    // The import of v1 wrote the first template.publish row; this one is v2's.
    const audit = (await audits("template.publish")).filter((a) => a.entity_id === String(r.id));
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].before_json!)).toMatchObject({ status: "draft", revision: 4, previousVersion: 1 });
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ status: "published", version: 2, fields: { added: 1, removed: 1, changed: 1 } });
  });

  it("a published version refuses every write path and opens read-only", async () => {
    const before = (await row(2))!;
    const doc = await stored(2);
    doc.title = { id: "Diubah setelah terbit" };
    const forms: Array<Record<string, string>> = [
      { intent: "save", revision: String(before.revision), document: JSON.stringify(doc) },
      { intent: "check", revision: String(before.revision), document: JSON.stringify(doc) },
      { intent: "publish", revision: String(before.revision), confirm: "yes" },
      { intent: "discard" },
    ];
    for (const form of forms) {
      const res = await post("admin.nasional", 2, form);
      expect(statusOf(res), form.intent).toBe(409);
      expect(payloadOf(res).message, form.intent).toMatch(/sudah terbit/);
    }
    expect(statusOf(await post("admin.nasional", 1, { intent: "save", revision: "0", document: seedText }))).toBe(409);
    expect((await row(2))!).toEqual(before);
    expect(payloadOf(await load("admin.nasional", 2)).readOnly).toBe(true);
  });

  it("refuses reusing a removed key for another type, and a type change against any earlier version", async () => {
    const res = (await create("admin.nasional", { intent: "fromLatest", package: KEY })) as Response;
    expect(res.headers.get("Location")).toBe(`/designer/${KEY}/3`);
    const doc = await stored(3);
    expect(doc.version).toBe(3);
    // sk_klaster_nomor was text in v1 and removed in v2: back as a whole number it would mix old data in.
    doc.forms[0].sections[0].fields.push({ key: "sk_klaster_nomor", type: "integer", label: { id: "Nomor urut SK" } });
    const saved = payloadOf(await post("admin.nasional", 3, { intent: "save", revision: "1", document: JSON.stringify(doc) }));
    expect(saved.problems.map((p: { code: string }) => p.code)).toEqual(["KEY_REUSED"]);
    expect(saved.problems[0].message).toContain("sk_klaster_nomor");
    expect(statusOf(await post("admin.nasional", 3, { intent: "publish", revision: "2", confirm: "yes" }))).toBe(409);
    // Back with its old meaning, it is accepted.
    doc.forms[0].sections[0].fields.pop();
    doc.forms[0].sections[0].fields.push({ key: "sk_klaster_nomor", type: "text", label: { id: "Nomor SK klaster" }, optional: true, maxLength: 100 });
    const ok = payloadOf(await post("admin.nasional", 3, { intent: "save", revision: "2", document: JSON.stringify(doc) }));
    expect(ok.problems).toEqual([]);
  });

  it("discards a draft (audited); the key accepts a new draft afterwards", async () => {
    const res = (await post("admin.nasional", 3, { intent: "discard" })) as Response;
    expect(res.status).toBe(302);
    expect(await row(3)).toBeUndefined();
    const audit = await audits("template.draft.discard");
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].before_json!)).toMatchObject({ key: KEY, version: 3 });
    expect(((await create("admin.nasional", { intent: "fromLatest", package: KEY })) as Response).headers.get("Location")).toBe(`/designer/${KEY}/3`);
  });

  it("uploads obey the designer: a draft's version number is taken, a published key keeps its type", async () => {
    const upload = (doc: unknown) => {
      const form = new FormData();
      form.append("file", new File([JSON.stringify(doc)], "paket.json", { type: "application/json" }));
      return call(importRoute.action, makeRequest("/templates/import", { cookie: cookie["admin.nasional"], body: form }));
    };
    const v2 = await stored(2);
    const sameAsDraft = await upload({ ...(await stored(3)) });
    expect(statusOf(sameAsDraft)).toBe(409);
    expect(payloadOf(sameAsDraft).errors.map((e: { code: string }) => e.code)).toEqual(["VERSION_IS_DRAFT"]);
    expect((await row(3))!.status).toBe("draft");
    const changed = { ...v2, version: 4 };
    fieldOf(changed, "spm01_bumil_k6").type = "number";
    const refused = await upload(changed);
    expect(statusOf(refused)).toBe(400);
    expect(payloadOf(refused).errors.map((e: { code: string }) => e.code)).toEqual(["FIELD_TYPE_CHANGED"]);
    expect(await row(4)).toBeUndefined();
  });

  it("a district admin creates a package owned by their district; only they may touch it", async () => {
    const bad = await create("admin.sawahlunto", { intent: "new", key: "Bukan Kunci", title: "Paket lokal" });
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf(bad).fields.title).toBe("Paket lokal");
    expect(statusOf(await create("admin.sawahlunto", { intent: "new", key: KEY, title: "Paket lokal" }))).toBe(409);
    expect(statusOf(await create("admin.sawahlunto", { intent: "new", key: "lokal-swl", title: "Paket lokal", owner: "33.24" }))).toBe(403);
    const res = (await create("admin.sawahlunto", { intent: "new", key: "lokal-swl", title: "Paket lokal Sawahlunto" })) as Response;
    expect(res.headers.get("Location")).toBe("/designer/lokal-swl/1");
    const owner = await getDb().selectFrom("org_unit").select("id").where("code", "=", "13.73").executeTakeFirstOrThrow();
    expect((await row(1, "lokal-swl"))!.owner_org_unit_id).toBe(owner.id);
    expect(payloadOf(await load("admin.sawahlunto", 1, "lokal-swl")).document.owner).toBe("13.73");
    for (const who of ["admin.kendal", "admin.nasional"]) {
      expect(statusOf(await load(who, 1, "lokal-swl")), who).toBe(403);
      expect(statusOf(await post(who, 1, { intent: "save", revision: "1", document: "{}" }, "lokal-swl")), who).toBe(403);
    }
    // Saved with problems (no forms yet), kept; then discarded by its owner.
    const saved = payloadOf(await post("admin.sawahlunto", 1, { intent: "save", revision: "1", document: (await row(1, "lokal-swl"))!.document }, "lokal-swl"));
    expect(saved.ok).toBe(true);
    expect(((await post("admin.sawahlunto", 1, { intent: "discard" }, "lokal-swl")) as Response).status).toBe(302);
    expect(await row(1, "lokal-swl")).toBeUndefined();
  });

  it("admins clicking 'Buat draf versi baru' at once get one draft", async () => {
    expect(((await post("admin.nasional", 3, { intent: "discard" })) as Response).status).toBe(302);
    const results = (await Promise.all([1, 2, 3].map(() => create("admin.nasional", { intent: "fromLatest", package: KEY })))) as Response[];
    expect(results.map((r) => r.headers.get("Location"))).toEqual([1, 2, 3].map(() => `/designer/${KEY}/3`));
    expect((await getDb().selectFrom("template_package").select("id").where("key", "=", KEY).where("status", "=", "draft").execute()).length).toBe(1);
  });

  it("writes one audit row per change and none for refusals other than publish", async () => {
    const actions = (await getDb().selectFrom("audit_log").select("action").where("entity_type", "=", "template_package").execute()).map((a) => a.action);
    const count = (a: string) => actions.filter((x) => x === a).length;
    expect(count("template.draft.create")).toBe(5);
    expect(count("template.draft.save")).toBe(6);
    expect(count("template.draft.discard")).toBe(3);
    expect(count("template.publish.refused")).toBe(3);
  });
});
