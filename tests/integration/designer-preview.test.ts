/**
 * The form builder's preview check (resource route designer.preview-form) on both dialects:
 * admins only; the posted form goes through the intake gate (size cap, JSON, forbidden keys,
 * schema) and the package semantics before any sample answer is checked; sample answers get
 * the same Ajv validation and Indonesian messages as data entry; nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import type { PreviewCheckResult } from "~/components/designer/forms/FormPreview";
import * as route from "~/routes/designer.preview-form";
import type { Form } from "@engine";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

const XSS = "<img src=x onerror=alert(1)>";

function sampleForm(): Form {
  return {
    key: "posbindu",
    title: { id: "Posbindu" },
    periodType: "month",
    source: "default, to be confirmed",
    sections: [
      {
        key: "umum",
        title: { id: "Umum" },
        fields: [
          { key: "ada_posbindu", type: "boolean", label: { id: "Ada Posbindu?" }, required: true },
          {
            key: "jumlah_posbindu",
            type: "integer",
            label: { id: `Jumlah Posbindu ${XSS}` },
            min: 0,
            max: 50,
            showIf: { match: "all", clauses: [{ field: "ada_posbindu", op: "eq", value: true }] },
          },
          { key: "dua_kali", type: "number", label: { id: "Dua kali" }, calculate: "jumlah_posbindu * 2", max: 60 },
        ],
      },
    ],
  };
}

describe.each(DIALECTS)("designer preview check on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};

  const post = async (who: string | undefined, form: unknown, data: unknown = {}, extra: Record<string, string> = {}) => {
    const body = { form: typeof form === "string" ? form : JSON.stringify(form), data: typeof data === "string" ? data : JSON.stringify(data), ...extra };
    const result = await call(route.action, makeRequest("/designer/preview-form", { cookie: who, form: body }));
    return { status: statusOf(result), body: (result instanceof Response ? null : payloadOf<PreviewCheckResult>(result)) as PreviewCheckResult };
  };
  const auditCount = async () => (await getDb().selectFrom("audit_log").select("id").execute()).length;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    cookie.district = await cookieFor(await insertUser("adm.kendal", [["district_admin", "33.24"]]));
    cookie.operator = await cookieFor(await insertUser("op.plantungan", [["puskesmas_operator", puskesmasCode("Plantungan")]]));
    cookie.verifier = await cookieFor(await insertUser("ver.kendal", [["district_verifier", "33.24"]]));
    cookie.facilitator = await cookieFor(await insertUser("fas.kendal", [["facilitator", "33.24"]]));
  });
  afterAll(() => handle.destroy());

  it("refuses anonymous callers, non-admins and other origins", async () => {
    expect((await post(undefined, sampleForm())).status).toBe(401);
    for (const role of ["operator", "verifier", "facilitator"]) expect((await post(cookie[role], sampleForm())).status, role).toBe(403);
    const foreign = await call(
      route.action,
      makeRequest("/designer/preview-form", {
        cookie: cookie.national,
        origin: "https://evil.example",
        form: { form: JSON.stringify(sampleForm()), data: "{}" },
      }),
    );
    expect(statusOf(foreign)).toBe(403);
  });

  it("checks sample answers like data entry: a value beyond max gets the Indonesian message, fixed it passes", async () => {
    const before = await auditCount();
    const bad = await post(cookie.district, sampleForm(), { ada_posbindu: true, jumlah_posbindu: 80 });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.definitionErrors).toEqual([]);
    expect(bad.body.fieldErrors.jumlah_posbindu).toMatch(/paling banyak 50, tetapi terisi 80\./);
    // The calculated value (160) is checked against its own bound too, by the server.
    expect(bad.body.fieldErrors.dua_kali).toMatch(/paling banyak 60, tetapi terisi 160\./);

    const good = await post(cookie.national, sampleForm(), { ada_posbindu: true, jumlah_posbindu: 12 });
    expect(good.body).toEqual({ ok: true, definitionErrors: [], fieldErrors: {}, formErrors: [] });
    expect(await auditCount()).toBe(before);
  });

  it("drops answers of fields hidden by show-if and enforces required answers", async () => {
    const hidden = await post(cookie.district, sampleForm(), { ada_posbindu: false, jumlah_posbindu: 999 });
    expect(hidden.body.ok).toBe(true);
    const missing = await post(cookie.district, sampleForm(), {});
    expect(missing.body.fieldErrors.ada_posbindu).toMatch(/wajib diisi/);
  });

  it("refuses a form definition that fails the schema, with a pointer into the form", async () => {
    const form = sampleForm();
    form.sections[0].fields[0].key = "Ada Posbindu";
    const res = await post(cookie.district, form, { ada_posbindu: true });
    expect(res.status).toBe(422);
    expect(res.body.ok).toBe(false);
    expect(res.body.fieldErrors).toEqual({});
    expect(res.body.definitionErrors[0].pointer).toBe("/sections/0/fields/0/key");
    expect(res.body.definitionErrors[0].message).toMatch(/huruf kecil/);
  });

  it("refuses formulas over missing fields, circular calculated fields, min > max and empty choices", async () => {
    const missingRef = sampleForm();
    missingRef.sections[0].fields[2].calculate = "tidak_ada * 2";
    const r1 = await post(cookie.district, missingRef);
    expect(r1.status).toBe(422);
    expect(r1.body.definitionErrors.map((e) => e.pointer)).toContain("/sections/0/fields/2/calculate");

    const circular = sampleForm();
    circular.sections[0].fields.push({ key: "tiga_kali", type: "number", label: { id: "Tiga kali" }, calculate: "dua_kali + 1" });
    circular.sections[0].fields[2].calculate = "tiga_kali * 2";
    const r2 = await post(cookie.district, circular);
    expect(r2.body.definitionErrors.some((e) => /melingkar/.test(e.message))).toBe(true);

    const bounds = sampleForm();
    bounds.sections[0].fields[1].min = 100;
    const r3 = await post(cookie.district, bounds);
    expect(r3.body.definitionErrors).toEqual([
      expect.objectContaining({ pointer: "/sections/0/fields/1/min", message: expect.stringMatching(/lebih besar dari nilai terbesar/) }),
    ]);

    const choices = sampleForm();
    choices.sections[0].fields.push({ key: "status", type: "choice", label: { id: "Status" }, choices: [] });
    const r4 = await post(cookie.district, choices);
    expect(r4.status).toBe(422);
    expect(r4.body.definitionErrors[0].pointer).toBe("/sections/0/fields/3/choices");
  });

  it("refuses a definition over the size cap, text that is not JSON, and forbidden keys", async () => {
    const big = sampleForm();
    big.sections[0].fields[0].help = { id: "x".repeat(1500) };
    big.sections[0].fields.push(...Array.from({ length: 299 }, (_, i) => ({ key: `isian_${i}`, type: "text" as const, label: { id: "y".repeat(1900) } })));
    const tooLarge = await post(cookie.district, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.definitionErrors[0].message).toMatch(/terlalu besar/);

    const notJson = await post(cookie.district, "{ key: posbindu");
    expect(notJson.status).toBe(400);
    expect(notJson.body.definitionErrors[0].message).toMatch(/bukan JSON yang sah/);

    const proto = await post(cookie.district, JSON.stringify(sampleForm()).replace('"periodType"', '"__proto__":{"x":1},"periodType"'));
    expect(proto.status).toBe(422);
    expect(proto.body.ok).toBe(false);

    const badData = await post(cookie.district, sampleForm(), "{oops");
    expect(badData.status).toBe(400);
    expect(badData.body.formErrors[0]).toMatch(/tidak terbaca/);
  });

  it("keeps a label with markup as plain data in its messages", async () => {
    const res = await post(cookie.district, sampleForm(), { ada_posbindu: true, jumlah_posbindu: "banyak" });
    expect(res.body.fieldErrors.jumlah_posbindu).toContain(XSS);
  });
});
