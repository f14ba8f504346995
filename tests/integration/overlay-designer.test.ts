/**
 * The overlay designer on both dialects: who may open and change a district's
 * adaptation (another district's admin gets 403 for every intent), drafts stored even with
 * problems, the revision lock, publishing with a summary and a confirmation, rebasing onto a new
 * national version with the conflicts listed until published, and an audit row for every change.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TemplatePackage } from "@engine/documents";
import { getDb } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import { effectivePackage, importPackage } from "~/models/templates.server";
import * as route from "~/routes/designer.overlay.$district.$key";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

const seedText = fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8");
const DISTRICT = "13.73";
const PARAMS = { district: DISTRICT, key: "ilp-nasional" };
const URL_PATH = `/designer/overlay/${DISTRICT}/ilp-nasional`;

type Data = Awaited<ReturnType<typeof route.loader>>;

/** National version 2: bok_catatan removed, a new optional field, everything else as in v1. */
function version2(): TemplatePackage {
  const pkg = JSON.parse(seedText) as TemplatePackage;
  pkg.version = 2;
  const section = pkg.forms.find((f) => f.key === "bok_triwulan")!.sections.find((s) => s.fields.some((f) => f.key === "bok_catatan"))!;
  section.fields = section.fields.filter((f) => f.key !== "bok_catatan");
  section.fields.push({ key: "bok_keterangan", type: "text", label: { id: "Keterangan BOK" }, optional: true, source: "uji" } as never);
  return pkg;
}

function sectionOf(doc: TemplatePackage, form: string, section: string) {
  return doc.forms.find((f) => f.key === form)!.sections.find((s) => s.key === section)!;
}

describe.each(DIALECTS)("overlay designer on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let puskesmas = "";

  const load = async (who: string) => call(route.loader, makeRequest(URL_PATH, { cookie: cookie[who] }), PARAMS);
  const post = async (who: string, form: Record<string, string>) => call(route.action, makeRequest(URL_PATH, { cookie: cookie[who], form }), PARAMS);
  const rows = () => getDb().selectFrom("district_overlay").select(["id", "status", "version", "base_version", "document"]).orderBy("id").execute();
  const audits = (action: string) => getDb().selectFrom("audit_log").select(["id", "entity_id", "after_json"]).where("action", "=", action).execute();

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(JSON.parse(seedText), { userId: null })).ok).toBe(true);
    cookie.sawahlunto = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", DISTRICT]]));
    cookie.kendal = await cookieFor(await insertUser("adm.kendal", [["district_admin", "33.24"]]));
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    cookie.operator = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]));
    cookie.verifier = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", DISTRICT]]));
    puskesmas = puskesmasCode("Sungai Durian");
  });
  afterAll(() => handle.destroy());

  it("refuses other roles, and another district's admin, for viewing and every intent (403), storing nothing", async () => {
    for (const who of ["operator", "verifier", "kendal"]) expect(statusOf(await load(who)), who).toBe(403);
    const doc = JSON.parse(seedText);
    for (const who of ["operator", "verifier", "kendal", "national"]) {
      for (const intent of ["save", "check", "publish", "rebase"]) {
        const res = await post(who, { intent, document: JSON.stringify(doc), hidden: "[]", revision: "0", confirm: "yes", to: "2" });
        expect(statusOf(res), `${who} ${intent}`).toBe(403);
      }
    }
    expect(await rows()).toEqual([]);
    expect(await audits("overlay.draft.save")).toEqual([]);
  });

  it("a national admin may look (read-only); the district admin starts from the national package (adopt)", async () => {
    const nat = payloadOf<Data>(await load("national"));
    expect(nat.canEdit).toBe(false);
    const own = payloadOf<Data>(await load("sawahlunto"));
    expect(own.canEdit).toBe(true);
    expect(own).toMatchObject({ draftId: null, revision: 0, version: 1, baseVersion: 1, published: null, rebase: null, problems: [], summary: [] });
    expect(own.document).toEqual(JSON.parse(seedText));
    expect(own.orgUnits.map((u) => u.code)).toContain(puskesmas);
    expect(own.orgUnits.every((u) => u.level === "district" || u.level === "puskesmas")).toBe(true);
    expect(own.origins.fields.posyandu_ilp).toBe("national");
  });

  it("saves a draft (target override, local field, hidden field) with an audit row and a new revision", async () => {
    const own = payloadOf<Data>(await load("sawahlunto"));
    const doc = structuredClone(own.document) as TemplatePackage;
    doc.targets.push({
      indicator: "spm_01",
      year: 2025,
      scope: { level: "district", org: DISTRICT },
      value: 98,
      profile: { type: "flat" },
      source: "SK Kadinkes Sawahlunto",
    });
    const posyandu = sectionOf(doc, "ilp_profil", "posyandu");
    const at = posyandu.fields.findIndex((f) => f.key === "posyandu_ilp");
    posyandu.fields.splice(at + 1, 0, { key: "lokal_posyandu_rme", type: "integer", label: { id: "Posyandu dengan RME" }, min: 0 });
    const res = await post("sawahlunto", { intent: "save", document: JSON.stringify(doc), hidden: JSON.stringify(["bok_catatan"]), revision: "0" });
    expect(statusOf(res)).toBe(200);
    const body = payloadOf(res);
    expect(body).toMatchObject({ ok: true, problems: [], revision: 1 });
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: "draft", version: 1, base_version: 1 });
    const ops = JSON.parse(stored[0].document).operations.map((o: { op: string }) => o.op);
    expect(ops).toEqual(["addField", "setTarget", "hideField"]);
    const audit = await audits("overlay.draft.save");
    expect(audit).toHaveLength(1);
    expect(audit[0].entity_id).toBe(String(stored[0].id));

    const again = payloadOf<Data>(await load("sawahlunto"));
    expect(again).toMatchObject({ draftId: stored[0].id, revision: 1, hidden: ["bok_catatan"] });
    expect(again.origins.fields.lokal_posyandu_rme).toBe("local");
    expect(again.origins.targets[`spm_01|2025|district|${DISTRICT}`]).toBe("local");
    expect(again.summary.join("\n")).toMatch(/Posyandu dengan RME/);
    expect(again.summary.join("\n")).toMatch(/98/);
    // A draft is not what the Puskesmas get: the effective package is still the national one.
    const district = await getDb().selectFrom("org_unit").select("id").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
    expect((await effectivePackage("ilp-nasional", district.id))!.overlay).toBeNull();
  });

  it("refuses a save on a stale revision (409) and keeps the stored draft", async () => {
    const before = await rows();
    const doc = payloadOf<Data>(await load("sawahlunto")).document as TemplatePackage;
    const res = await post("sawahlunto", { intent: "save", document: JSON.stringify({ ...doc, forms: doc.forms }), hidden: "[]", revision: "0" });
    expect(statusOf(res)).toBe(409);
    expect(payloadOf(res).message).toMatch(/diubah di tempat lain/);
    expect(await rows()).toEqual(before);
  });

  it("two concurrent saves of the same revision: exactly one wins", async () => {
    const doc = payloadOf<Data>(await load("sawahlunto")).document as TemplatePackage;
    const a = structuredClone(doc);
    a.indicators[0].name = { id: "Nama A" };
    const b = structuredClone(doc);
    b.indicators[0].name = { id: "Nama B" };
    const results = await Promise.all(
      [a, b].map((d) => post("sawahlunto", { intent: "save", document: JSON.stringify(d), hidden: JSON.stringify(["bok_catatan"]), revision: "1" })),
    );
    expect(results.map((r) => statusOf(r)).sort()).toEqual([200, 409]);
    const winner = results.findIndex((r) => statusOf(r) === 200);
    const loaded = payloadOf<Data>(await load("sawahlunto"));
    expect(loaded.revision).toBe(2);
    expect(loaded.document.indicators[0].name.id).toBe(winner === 0 ? "Nama A" : "Nama B");
    // Back to the saved content (revision 3) for the next steps.
    const back = await post("sawahlunto", { intent: "save", document: JSON.stringify(doc), hidden: JSON.stringify(["bok_catatan"]), revision: "2" });
    expect(payloadOf(back).revision).toBe(3);
  });

  it("refuses text that is not JSON without storing anything", async () => {
    const before = await rows();
    const res = await post("sawahlunto", { intent: "save", document: "{ bukan json", hidden: "[]", revision: "3" });
    expect(statusOf(res)).toBe(400);
    expect(payloadOf(res)).toMatchObject({ ok: false, parsed: false });
    expect(payloadOf(res).problems[0].message).toMatch(/JSON/);
    expect(await rows()).toEqual(before);
  });

  it("answers the problems of a check in the reader's language, storing nothing", async () => {
    const before = await rows();
    const doc = structuredClone(payloadOf<Data>(await load("sawahlunto")).document) as TemplatePackage;
    sectionOf(doc, "ilp_profil", "posyandu").fields.find((f) => f.key === "posyandu_ilp")!.type = "number";
    const form = { intent: "check", document: JSON.stringify(doc), hidden: JSON.stringify(["bok_catatan"]), revision: "3" };
    const typeProblem = (body: { problems: Array<{ code: string; pointer: string; message: string }> }) =>
      body.problems.find((p) => p.code === "NATIONAL_LOCKED" && p.pointer.endsWith("/type"))!;
    const id = payloadOf(await post("sawahlunto", form));
    expect(typeProblem(id).message).toMatch(/^Jenis isian nasional "posyandu_ilp" tidak dapat diubah/);
    const english = `${cookie.sawahlunto}; ${(await langCookie.serialize("en")).split(";")[0]}`;
    const en = payloadOf(await call(route.action, makeRequest(URL_PATH, { cookie: english, form }), PARAMS));
    expect(typeProblem(en).message).toMatch(/^The type of national field "posyandu_ilp" cannot be changed/);
    expect(en.problems.map((p: { code: string; pointer: string }) => [p.code, p.pointer])).toEqual(
      id.problems.map((p: { code: string; pointer: string }) => [p.code, p.pointer]),
    );
    expect(await rows()).toEqual(before);
  });

  it("stores a draft with problems as typed, and refuses to publish it", async () => {
    const doc = structuredClone(payloadOf<Data>(await load("sawahlunto")).document) as TemplatePackage;
    const posyandu = sectionOf(doc, "ilp_profil", "posyandu");
    const national = posyandu.fields.find((f) => f.key === "posyandu_ilp")!;
    national.type = "number";
    const res = await post("sawahlunto", { intent: "save", document: JSON.stringify(doc), hidden: JSON.stringify(["bok_catatan"]), revision: "3" });
    expect(statusOf(res)).toBe(200);
    const body = payloadOf(res);
    expect(body.revision).toBe(4);
    const problem = body.problems.find((p: { code: string }) => p.code === "NATIONAL_LOCKED");
    expect(problem.pointer).toMatch(/\/fields\/\d+\/type$/);
    expect(problem.message).toMatch(/Jenis isian nasional "posyandu_ilp" tidak dapat diubah/);
    const loaded = payloadOf<Data>(await load("sawahlunto"));
    expect(loaded.document).toEqual(doc);
    expect(loaded.problems.length).toBeGreaterThan(0);

    const pub = await post("sawahlunto", { intent: "publish", revision: "4", confirm: "yes" });
    expect(statusOf(pub)).toBe(400);
    expect(payloadOf(pub).problems.length).toBeGreaterThan(0);
    expect((await rows()).every((r) => r.status === "draft")).toBe(true);
    expect(await audits("overlay.publish")).toEqual([]);

    national.type = "integer";
    const fixed = await post("sawahlunto", { intent: "save", document: JSON.stringify(doc), hidden: JSON.stringify(["bok_catatan"]), revision: "4" });
    expect(payloadOf(fixed)).toMatchObject({ ok: true, problems: [], revision: 5 });
  });

  it("a check answers problems without storing", async () => {
    const before = await rows();
    const doc = structuredClone(payloadOf<Data>(await load("sawahlunto")).document) as TemplatePackage;
    doc.indicators[0].numerator = "1";
    const res = await post("sawahlunto", { intent: "check", document: JSON.stringify(doc), hidden: "[]", revision: "5" });
    expect(payloadOf(res).problems.map((p: { pointer: string }) => p.pointer)).toContain("/indicators/0/numerator");
    expect(await rows()).toEqual(before);
  });

  it("publishes only with a confirmation and the current revision; the district then works with it", async () => {
    const noConfirm = await post("sawahlunto", { intent: "publish", revision: "5" });
    expect(statusOf(noConfirm)).toBe(400);
    expect(payloadOf(noConfirm).message).toMatch(/konfirmasi/);
    const stale = await post("sawahlunto", { intent: "publish", revision: "2", confirm: "yes" });
    expect(statusOf(stale)).toBe(409);
    expect((await rows()).every((r) => r.status === "draft")).toBe(true);

    const res = await post("sawahlunto", { intent: "publish", revision: "5", confirm: "yes" });
    expect(statusOf(res)).toBe(302);
    expect((res as Response).headers.get("Location")).toBe(`${URL_PATH}?published=1`);
    const stored = await rows();
    expect(stored[0]).toMatchObject({ status: "published", version: 1 });
    expect(JSON.parse(stored[0].document).editor).toBeUndefined();
    const audit = await audits("overlay.publish");
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after_json!).summary.length).toBe(3);

    const district = await getDb().selectFrom("org_unit").select("id").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
    const effective = (await effectivePackage("ilp-nasional", district.id))!;
    expect(effective.overlay?.document.version).toBe(1);
    expect(JSON.stringify(effective.package)).toContain("lokal_posyandu_rme");
    expect(effective.hidden).toEqual([{ form: "bok_triwulan", field: "bok_catatan" }]);

    // The next draft starts from the published overlay, as version 2.
    const next = payloadOf<Data>(await load("sawahlunto"));
    expect(next).toMatchObject({ draftId: null, revision: 0, version: 2, published: { version: 1, baseVersion: 1 }, hidden: ["bok_catatan"], problems: [] });
    expect(next.origins.fields.lokal_posyandu_rme).toBe("local");
  });

  it("shows a newer national version with its changes and conflicts, and rebases onto it", async () => {
    expect((await importPackage(version2(), { userId: null })).ok).toBe(true);
    const view = payloadOf<Data>(await load("sawahlunto"));
    expect(view.rebase).not.toBeNull();
    expect(view.rebase!.fromVersion).toBe(1);
    expect(view.rebase!.toVersion).toBe(2);
    expect(view.rebase!.changes.join("\n")).toMatch(/bok_keterangan/);
    expect(view.rebase!.changes.join("\n")).toMatch(/bok_catatan/);
    expect(view.rebase!.conflicts).toHaveLength(1);
    expect(view.rebase!.conflicts[0].reason).toMatch(/dihapus pada versi nasional 2/);
    // The same page in English: the national changes and the conflict in English too.
    const english = (await langCookie.serialize("en")).split(";")[0];
    const viewEn = payloadOf<Data>(await call(route.loader, makeRequest(URL_PATH, { cookie: `${cookie.sawahlunto}; ${english}` }), PARAMS));
    expect(view.rebase!.changes).toEqual([
      'Isian baru: "Keterangan BOK" (bok_keterangan) di formulir bok_triwulan.',
      'Isian dihapus: "Catatan (kendala penyerapan)" (bok_catatan) dari formulir bok_triwulan.',
    ]);
    expect(view.rebase!.conflicts[0].op).toBe("Sembunyikan bok_catatan");
    expect(viewEn.rebase!.changes).toEqual([
      'New field: "Keterangan BOK" (bok_keterangan) in form bok_triwulan.',
      'Field removed: "Notes (absorption obstacles)" (bok_catatan) from form bok_triwulan.',
    ]);
    expect(viewEn.rebase!.conflicts).toEqual([
      { op: "Hide bok_catatan", reason: 'Field "bok_catatan" was removed in national version 2; hiding it is no longer needed.' },
    ]);

    // Another district's admin cannot rebase it; a stale target version is refused.
    expect(statusOf(await post("kendal", { intent: "rebase", revision: "0", to: "2" }))).toBe(403);
    expect(statusOf(await post("sawahlunto", { intent: "rebase", revision: "0", to: "3" }))).toBe(409);
    expect(await rows()).toHaveLength(1);

    const res = await post("sawahlunto", { intent: "rebase", revision: "0", to: "2" });
    expect(statusOf(res)).toBe(302);
    expect((res as Response).headers.get("Location")).toBe(`${URL_PATH}?rebased=2`);
    const stored = await rows();
    expect(stored).toHaveLength(2);
    expect(stored[1]).toMatchObject({ status: "draft", version: 2, base_version: 2 });
    const rebaseAudit = await audits("overlay.rebase");
    expect(rebaseAudit).toHaveLength(1);
    expect(JSON.parse(rebaseAudit[0].after_json!).conflicts).toHaveLength(1);

    const after = payloadOf<Data>(await load("sawahlunto"));
    expect(after).toMatchObject({ baseVersion: 2, rebase: null, hidden: [], revision: 1, problems: [] });
    expect(after.conflicts).toHaveLength(1);
    expect(after.document.version).toBe(2);
    expect(JSON.stringify(after.document)).toContain("lokal_posyandu_rme");

    // Conflicts stay listed after a save, and go away with publishing.
    const saved = await post("sawahlunto", { intent: "save", document: JSON.stringify(after.document), hidden: "[]", revision: "1" });
    expect(payloadOf(saved)).toMatchObject({ ok: true, revision: 2 });
    expect(payloadOf<Data>(await load("sawahlunto")).conflicts).toHaveLength(1);
    const pub = await post("sawahlunto", { intent: "publish", revision: "2", confirm: "yes" });
    expect(statusOf(pub)).toBe(302);
    const final = payloadOf<Data>(await load("sawahlunto"));
    expect(final).toMatchObject({ conflicts: [], published: { version: 2, baseVersion: 2 }, baseVersion: 2, rebase: null });
  });

  it("refuses a target outside the district and an unknown intent", async () => {
    const view = payloadOf<Data>(await load("sawahlunto"));
    const doc = structuredClone(view.document) as TemplatePackage;
    doc.targets.push({
      indicator: "spm_01",
      year: 2026,
      scope: { level: "puskesmas", org: puskesmasCode("Plantungan") },
      value: 50,
      profile: { type: "flat" },
      source: "x",
    });
    const res = await post("sawahlunto", { intent: "check", document: JSON.stringify(doc), hidden: "[]", revision: "0" });
    expect(payloadOf(res).problems.map((p: { code: string }) => p.code)).toContain("SCOPE_OUTSIDE_DISTRICT");
    const unknown = await post("sawahlunto", { intent: "hapus", revision: "0" });
    expect(statusOf(unknown)).toBe(400);
  });
});
