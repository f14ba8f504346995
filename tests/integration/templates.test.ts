/**
 * Template library, package view, import and export on both dialects:
 * visibility per role, adoption with its audit row, scope from the session only, refused
 * uploads (broken, too large, wrong role, other district) storing nothing, export equal to the
 * seed file, and labels carrying HTML kept as plain data.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import * as library from "~/routes/templates._index";
import * as detail from "~/routes/templates.$key.$version";
import * as exportRoute from "~/routes/templates.$key.$version_.export";
import * as importRoute from "~/routes/templates.import";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

const SEED_PACKAGE = path.resolve("seeds/packages/ilp-nasional.v1.json");
const seedText = fs.readFileSync(SEED_PACKAGE, "utf8");
const seedOverlay = (file: string) => JSON.parse(fs.readFileSync(path.resolve("seeds/overlays", file), "utf8"));
const XSS_IMG = "<img src=x onerror=alert(1)>";
const XSS_SVG = "<svg onload=alert(1)>";

/** The seed package as a new version, with every kind of label carrying markup. */
function xssPackage(version: number) {
  const pkg = JSON.parse(seedText);
  pkg.version = version;
  pkg.title = { id: `Paket ${XSS_SVG}` };
  pkg.forms[0].title = { id: `Formulir ${XSS_IMG}` };
  pkg.forms[0].sections[0].title = { id: `Bagian ${XSS_SVG}` };
  pkg.forms[0].sections[0].fields[0].label = { id: XSS_IMG, en: XSS_SVG };
  pkg.forms[0].sections[0].fields[0].help = { id: `[x](javascript:alert(1)) ${XSS_SVG}` };
  pkg.indicators[0].name = { id: `Indikator ${XSS_IMG}` };
  pkg.rules[0].message = { id: `Pesan ${XSS_SVG}` };
  return pkg;
}

function upload(cookie: string, content: string | Uint8Array, headers?: Record<string, string>) {
  const form = new FormData();
  form.append("file", new File([content as BlobPart], "unggah.json", { type: "application/json" }));
  return call(importRoute.action, makeRequest("/templates/import", { cookie, body: form, headers }));
}

describe.each(DIALECTS)("template library on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  const ids: Record<string, number> = {};

  const counts = async () => ({
    packages: (await getDb().selectFrom("template_package").select("id").execute()).length,
    overlays: (await getDb().selectFrom("district_overlay").select("id").execute()).length,
    audits: (await getDb().selectFrom("audit_log").select("id").where("action", "in", ["template.publish", "overlay.publish"]).execute()).length,
  });

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(JSON.parse(seedText), { userId: null })).ok).toBe(true);
    for (const file of ["1373-kota-sawahlunto.json", "3324-kabupaten-kendal.json"])
      expect((await importOverlay(seedOverlay(file), { userId: null })).ok).toBe(true);
    const users: Array<[string, Parameters<typeof insertUser>[1]]> = [
      ["admin.nasional", [["national_admin", "ID"]]],
      ["admin.sawahlunto", [["district_admin", "13.73"]]],
      ["admin.kendal", [["district_admin", "33.24"]]],
      ["admin.tegal", [["district_admin", "33.28"]]],
      ["admin.sintang", [["district_admin", "61.05"]]],
      ["fasilitator.nasional", [["facilitator", "ID"]]],
      ["verifikator.sawahlunto", [["district_verifier", "13.73"]]],
      ["operator.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
    ];
    for (const [name, grants] of users) {
      ids[name] = await insertUser(name, grants);
      cookie[name] = await cookieFor(ids[name]);
    }
  });
  afterAll(() => handle.destroy());

  const list = async (who: string) => payloadOf(await call(library.loader, makeRequest("/templates", { cookie: cookie[who] })));
  const adopt = (who: string, form: Record<string, string>) =>
    call(library.action, makeRequest("/templates", { cookie: cookie[who], form: { intent: "adopt", package: "ilp-nasional", ...form } }));

  it("shows the national admin every version, every overlay and which district uses what", async () => {
    const { packages, national } = await list("admin.nasional");
    expect(national).toBe(true);
    expect(packages).toHaveLength(1);
    const p = packages[0];
    expect(p.key).toBe("ilp-nasional");
    expect(p.versions).toEqual([expect.objectContaining({ version: 1, status: "published", ownerCode: "ID", ownerName: "Indonesia" })]);
    expect(p.versions[0].publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(p.overlays.map((o: { districtCode: string }) => o.districtCode).sort()).toEqual(["13.73", "33.24"]);
    expect(p.usage).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ districtCode: "13.73", districtName: "Kota Sawahlunto", kind: "overlay", version: 1, baseVersion: 1 }),
        expect.objectContaining({ districtCode: "33.24", kind: "overlay" }),
      ]),
    );
    // Five demo districts, two with an overlay: three use the latest national version as is.
    expect(p.othersOnLatest).toBe(3);
    expect(p.adoptable).toEqual([]);
  });

  it("shows a district admin the national package and only their own district's overlay", async () => {
    const sawahlunto = (await list("admin.sawahlunto")).packages[0];
    expect(sawahlunto.overlays.map((o: { districtCode: string }) => o.districtCode)).toEqual(["13.73"]);
    expect(sawahlunto.usage).toEqual([expect.objectContaining({ districtCode: "13.73", kind: "overlay" })]);
    expect(sawahlunto.adoptable).toEqual([]);
    const tegal = (await list("admin.tegal")).packages[0];
    expect(tegal.overlays).toEqual([]);
    expect(tegal.usage).toEqual([{ districtCode: "33.28", districtName: "Kabupaten Tegal", kind: "national", version: 1, baseVersion: 1 }]);
    expect(tegal.adoptable).toEqual([{ code: "33.28", name: "Kabupaten Tegal" }]);
  });

  it("refuses facilitators, verifiers and operators (403) on every template route", async () => {
    for (const who of ["fasilitator.nasional", "verifikator.sawahlunto", "operator.sungaidurian"]) {
      expect(statusOf(await call(library.loader, makeRequest("/templates", { cookie: cookie[who] })))).toBe(403);
      expect(statusOf(await adopt(who, {}))).toBe(403);
      expect(
        statusOf(await call(detail.loader, makeRequest("/templates/ilp-nasional/1", { cookie: cookie[who] }), { key: "ilp-nasional", version: "1" })),
      ).toBe(403);
      expect(
        statusOf(
          await call(exportRoute.loader, makeRequest("/templates/ilp-nasional/1/export", { cookie: cookie[who] }), { key: "ilp-nasional", version: "1" }),
        ),
      ).toBe(403);
      expect(statusOf(await call(importRoute.loader, makeRequest("/templates/import", { cookie: cookie[who] })))).toBe(403);
      expect(statusOf(await upload(cookie[who], seedText))).toBe(403);
    }
  });

  it("lets a district admin adopt the latest national version: one overlay row and one audit row", async () => {
    const before = await counts();
    const res = await adopt("admin.tegal", { district: "33.28" });
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res).message).toMatch(/diadopsi untuk Kabupaten Tegal/);
    const tegal = await getDb().selectFrom("org_unit").select("id").where("code", "=", "33.28").executeTakeFirstOrThrow();
    const rows = await getDb().selectFrom("district_overlay").selectAll().where("district_org_unit_id", "=", tegal.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ package_key: "ilp-nasional", base_version: 1, version: 1, status: "published", created_by: ids["admin.tegal"] });
    expect(JSON.parse(rows[0].document)).toMatchObject({ package: "ilp-nasional", baseVersion: 1, district: "33.28", version: 1, operations: [] });
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "overlay.publish")
      .where("entity_id", "=", String(rows[0].id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: ids["admin.tegal"], org_unit_id: tegal.id });
    expect(await counts()).toEqual({ ...before, overlays: before.overlays + 1, audits: before.audits + 1 });
    // The list now shows the adaptation; adopting again is refused and changes nothing.
    expect((await list("admin.tegal")).packages[0].usage).toEqual([
      expect.objectContaining({ districtCode: "33.28", kind: "overlay", version: 1, baseVersion: 1 }),
    ]);
    const again = await adopt("admin.tegal", {});
    expect(statusOf(again)).toBe(409);
    expect(await counts()).toEqual({ ...before, overlays: before.overlays + 1, audits: before.audits + 1 });
  });

  it("takes the district from the session: a hidden district field naming another district is refused (403)", async () => {
    const before = await counts();
    expect(statusOf(await adopt("admin.sintang", { district: "13.73" }))).toBe(403);
    expect(statusOf(await adopt("admin.sintang", { district: "64.74" }))).toBe(403);
    // The national admin has no district to adopt for.
    expect(statusOf(await adopt("admin.nasional", { district: "61.05" }))).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await list("admin.sintang")).packages[0].adoptable).toEqual([{ code: "61.05", name: "Kabupaten Sintang" }]);
  });

  it("asks an admin of two districts which one adopts, and accepts only one of theirs", async () => {
    const twoId = await insertUser("admin.dua", [
      ["district_admin", "33.28"],
      ["district_admin", "64.74"],
    ]);
    const two = await cookieFor(twoId);
    const before = await counts();
    const ask = await call(library.action, makeRequest("/templates", { cookie: two, form: { intent: "adopt", package: "ilp-nasional" } }));
    expect(statusOf(ask)).toBe(400);
    expect(payloadOf(ask).message).toMatch(/lebih dari satu kabupaten\/kota/);
    expect(
      statusOf(await call(library.action, makeRequest("/templates", { cookie: two, form: { intent: "adopt", package: "ilp-nasional", district: "13.73" } }))),
    ).toBe(403);
    expect(await counts()).toEqual(before);
    const ok = await call(library.action, makeRequest("/templates", { cookie: two, form: { intent: "adopt", package: "ilp-nasional", district: "64.74" } }));
    expect(statusOf(ok)).toBe(200);
    expect(payloadOf(ok).message).toMatch(/Kota Bontang/);
    expect(await counts()).toEqual({ ...before, overlays: before.overlays + 1, audits: before.audits + 1 });
  });

  it("reports every error of a broken package with pointers and formula ranges, and stores nothing", async () => {
    const before = await counts();
    const broken = JSON.parse(seedText);
    broken.version = 2;
    broken.indicators[0].numerator = "posyandu_ilp + tidak_ada";
    const firstField = broken.forms[0].sections[0].fields[0];
    broken.forms[0].sections[0].fields.push({ ...firstField });
    broken.forms[1].sections[0].fields[0].label = { id: "" };
    const res = await upload(cookie["admin.nasional"], JSON.stringify(broken));
    expect(statusOf(res)).toBe(400);
    const body = payloadOf(res);
    expect(body.ok).toBe(false);
    expect(body.errors.length).toBeGreaterThan(0);
    for (const e of body.errors) {
      expect(typeof e.pointer).toBe("string");
      expect(e.message.length).toBeGreaterThan(10);
    }
    // The schema gate reports the first problem; fix it, and the semantic checks report all the rest.
    broken.forms[1].sections[0].fields[0].label = { id: "Label" };
    const second = payloadOf(await upload(cookie["admin.nasional"], JSON.stringify(broken)));
    const formula = second.errors.find((e: { pointer: string }) => e.pointer === "/indicators/0/numerator");
    expect(formula).toBeDefined();
    expect(formula.formula).toBe("posyandu_ilp + tidak_ada");
    expect(formula.start).toBe(15);
    expect(formula.end).toBe(24);
    expect(formula.message).toMatch(/tidak_ada/);
    expect(
      second.errors.some(
        (e: { code: string }) => e.code === "DUPLICATE_KEY" || /sudah dipakai|ganda|duplikat/i.test((e as unknown as { message: string }).message),
      ),
    ).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("reports a file that is not JSON at all", async () => {
    const before = await counts();
    const res = await upload(cookie["admin.nasional"], '{"key": "ilp-nasional", "version": 2,');
    expect(statusOf(res)).toBe(400);
    expect(payloadOf(res).errors).toEqual([expect.objectContaining({ pointer: "", code: "NOT_JSON" })]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a 5 MB file before parsing it: by Content-Length, and by the file's own size", async () => {
    const before = await counts();
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x20);
    const res = await upload(cookie["admin.nasional"], big);
    expect(statusOf(res)).toBe(413);
    const body = payloadOf(res);
    expect(body.fileError).toMatch(/lebih kecil dari 5 MB/);
    expect(body.errors).toEqual([expect.objectContaining({ code: "UPLOAD_TOO_LARGE" })]);
    const exact = await upload(cookie["admin.nasional"], new Uint8Array(5 * 1024 * 1024).fill(0x20));
    expect(statusOf(exact)).toBe(413);
    // A declared length over the cap is refused without reading the body at all.
    const declared = await call(
      importRoute.action,
      makeRequest("/templates/import", {
        cookie: cookie["admin.nasional"],
        body: "x",
        headers: { "Content-Length": String(6 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=abc" },
      }),
    );
    expect(statusOf(declared)).toBe(413);
    expect(payloadOf(declared).fileError).toMatch(/6\.0 MB/);
    expect(await counts()).toEqual(before);
  });

  it("refuses a national package from a district admin (403), storing nothing", async () => {
    const before = await counts();
    const pkg = JSON.parse(seedText);
    pkg.version = 3;
    const res = await upload(cookie["admin.sawahlunto"], JSON.stringify(pkg));
    expect(statusOf(res)).toBe(403);
    expect(payloadOf(res).errors).toEqual([expect.objectContaining({ code: "PACKAGE_NATIONAL_ONLY" })]);
    expect(await counts()).toEqual(before);
  });

  it("refuses an overlay for another district (403) and publishes one for the admin's own", async () => {
    const before = await counts();
    const res = await upload(cookie["admin.sawahlunto"], JSON.stringify(seedOverlay("6474-kota-bontang.json")));
    expect(statusOf(res)).toBe(403);
    expect(payloadOf(res).errors).toEqual([expect.objectContaining({ code: "DISTRICT_OUT_OF_SCOPE", pointer: "/district" })]);
    expect(await counts()).toEqual(before);

    const own = await upload(cookie["admin.sintang"], JSON.stringify(seedOverlay("6105-kabupaten-sintang.json")));
    expect(statusOf(own)).toBe(200);
    expect(payloadOf(own)).toMatchObject({ ok: true, link: "/templates/ilp-nasional/1" });
    expect(await counts()).toEqual({ ...before, overlays: before.overlays + 1, audits: before.audits + 1 });
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "overlay.publish")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(ids["admin.sintang"]);
  });

  it("points an overlay's formula typo at the formula and its characters, and stores nothing", async () => {
    const before = await counts();
    const broken = seedOverlay("1373-kota-sawahlunto.json");
    broken.version = 2;
    broken.operations[1].indicator.numerator = "lokal_posyandu_ilp_rme + posyandu_ilpp";
    const res = await upload(cookie["admin.sawahlunto"], JSON.stringify(broken));
    expect(statusOf(res)).toBe(400);
    const errors = payloadOf(res).errors;
    expect(errors[0]).toMatchObject({
      pointer: "/operations/1/indicator/numerator",
      code: "BAD_FORMULA",
      start: 25,
      end: 38,
      formula: "lokal_posyandu_ilp_rme + posyandu_ilpp",
    });
    expect(errors[0].message).toMatch(/posyandu_ilpp/);
    // Later operations that depended on the refused indicator keep their operation pointer.
    expect(errors.slice(1).map((e: { pointer: string }) => e.pointer)).toEqual(["/operations/3", "/operations/4"]);
    expect(await counts()).toEqual(before);
  });

  it("exports a version exactly as the seed file (the CLI format), also through ?format=json", async () => {
    const redirect = await call(detail.loader, makeRequest("/templates/ilp-nasional/1?format=json", { cookie: cookie["admin.sawahlunto"] }), {
      key: "ilp-nasional",
      version: "1",
    });
    expect(redirect).toBeInstanceOf(Response);
    expect((redirect as Response).status).toBe(302);
    expect((redirect as Response).headers.get("Location")).toBe("/templates/ilp-nasional/1/export");
    const res = (await call(exportRoute.loader, makeRequest("/templates/ilp-nasional/1/export", { cookie: cookie["admin.nasional"] }), {
      key: "ilp-nasional",
      version: "1",
    })) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="ilp-nasional.v1.json"');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(JSON.parse(seedText));
    expect(text.trimEnd()).toBe(JSON.stringify(JSON.parse(seedText), null, 2));
    expect(
      statusOf(
        await call(exportRoute.loader, makeRequest("/templates/ilp-nasional/9/export", { cookie: cookie["admin.nasional"] }), {
          key: "ilp-nasional",
          version: "9",
        }),
      ),
    ).toBe(404);
  });

  it("shows a district admin their overlay's origins: local, changed, hidden", async () => {
    const sawahlunto = payloadOf(
      await call(detail.loader, makeRequest("/templates/ilp-nasional/1", { cookie: cookie["admin.sawahlunto"] }), { key: "ilp-nasional", version: "1" }),
    ).view;
    expect(sawahlunto.overlay).toMatchObject({ districtCode: "13.73", version: 1 });
    const fields = sawahlunto.forms.flatMap((f: any) => f.sections.flatMap((s: any) => s.fields));
    expect(fields.find((f: any) => f.key === "lokal_posyandu_ilp_rme")).toMatchObject({ origin: "local", hidden: false });
    expect(fields.find((f: any) => f.key === "posyandu_ilp")).toMatchObject({ origin: "national" });
    expect(sawahlunto.indicators.find((i: any) => i.key === "lokal_posyandu_rme")).toMatchObject({ origin: "local" });
    expect(sawahlunto.rules.find((r: any) => r.key === "lokal_posyandu_rme_lebih_ilp")).toMatchObject({ origin: "local" });
    expect(sawahlunto.targets.some((t: any) => t.origin === "local" && t.org === "13.73")).toBe(true);

    const kendal = payloadOf(
      await call(detail.loader, makeRequest("/templates/ilp-nasional/1", { cookie: cookie["admin.kendal"] }), { key: "ilp-nasional", version: "1" }),
    ).view;
    const kendalFields = kendal.forms.flatMap((f: any) => f.sections.flatMap((s: any) => s.fields));
    expect(kendalFields.find((f: any) => f.key === "pws_dashboard")).toMatchObject({ hidden: true });
    expect(kendal.indicators.find((i: any) => i.key === "spm_07")).toMatchObject({ origin: "overridden" });
    expect(kendalFields.find((f: any) => f.key === "lokmin_bulanan")).toMatchObject({ origin: "overridden", hidden: false });
    const profil = kendal.forms.find((f: any) => f.key === "ilp_profil");
    expect(profil.sections.find((s: any) => s.key === "kegiatan")).toMatchObject({
      origin: "overridden",
      title: { id: "Kunjungan rumah dan Lokmin", en: "Home visits and Lokmin" },
    });

    // The national admin sees the national package, without overlay marks.
    const national = payloadOf(
      await call(detail.loader, makeRequest("/templates/ilp-nasional/1", { cookie: cookie["admin.nasional"] }), { key: "ilp-nasional", version: "1" }),
    ).view;
    expect(national.overlay).toBeNull();
    expect(national.forms[0].sections[0].fields[0].origin).toBeNull();
    expect(JSON.stringify(national)).not.toMatch(/lokal_/);
    // Show-if in plain words needs the other field's label and the choice's label; formulas stay text.
    const nationalFields = national.forms.flatMap((f: any) => f.sections.flatMap((s: any) => s.fields));
    const nomor = nationalFields.find((f: any) => f.key === "sk_klaster_nomor");
    expect(nomor.showIf).toEqual({
      match: "all",
      clauses: [
        { field: "sk_klaster", fieldLabel: expect.objectContaining({ id: expect.stringMatching(/^SK Kepala Puskesmas/) }), op: "eq", value: { bool: true } },
      ],
    });
    const blud = nationalFields.find((f: any) => f.key === "blud_sk_nomor");
    expect(blud.showIf.clauses[0].value).toEqual({ text: expect.objectContaining({ id: expect.any(String) }) });
    expect(nationalFields.find((f: any) => f.key === "kader_terlatih").calculate).toBe("kader_purwa + kader_madya + kader_utama");
    expect(
      statusOf(
        await call(detail.loader, makeRequest("/templates/ilp-nasional/7", { cookie: cookie["admin.nasional"] }), { key: "ilp-nasional", version: "7" }),
      ),
    ).toBe(404);
  });

  it("keeps HTML and script in labels as plain text data", async () => {
    const res = await upload(cookie["admin.nasional"], JSON.stringify(xssPackage(2)));
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res).message).toMatch(/versi 2 diterbitkan/);
    const view = payloadOf(
      await call(detail.loader, makeRequest("/templates/ilp-nasional/2", { cookie: cookie["admin.nasional"] }), { key: "ilp-nasional", version: "2" }),
    ).view;
    expect(view.title).toEqual({ id: `Paket ${XSS_SVG}` });
    expect(view.forms[0].sections[0].fields[0].label).toEqual({ id: XSS_IMG, en: XSS_SVG });
    expect(view.indicators[0].name.id).toBe(`Indikator ${XSS_IMG}`);
    expect(view.rules[0].message.id).toBe(`Pesan ${XSS_SVG}`);
    expect(JSON.stringify(view)).not.toMatch(/__html/);
    // The library now lists v2 as the latest version; districts without an overlay use it.
    const p = (await list("admin.nasional")).packages[0];
    expect(p.latestVersion).toBe(2);
    expect(p.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });
});
