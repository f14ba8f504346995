/**
 * A district adds its own form in its adaptation (both dialects): the overlay designer derives an
 * addForm from the edited package, refuses a local form with national-style keys, publishes it,
 * and then the district's Puskesmas find and fill the form and the district's local indicator over
 * it is on the scorecard; Puskesmas of another district never see it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Form, TemplatePackage } from "@engine/documents";
import { getDb } from "~/db/db.server";
import { buildScorecard } from "~/models/scorecard.server";
import { effectivePackage, importPackage } from "~/models/templates.server";
import * as route from "~/routes/designer.overlay.$district.$key";
import * as fill from "~/routes/forms.$formKey.$period";
import * as formsIndex from "~/routes/forms._index";
import { clock } from "~/utils/clock.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";

const seedText = fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8");
const DISTRICT = "13.73";
const PARAMS = { district: DISTRICT, key: "ilp-nasional" };
const URL_PATH = `/designer/overlay/${DISTRICT}/ilp-nasional`;
const SUNGAI_DURIAN = "P1373001";
const PLANTUNGAN = "P3324001";
const PERIOD = "2026-03";
const FORM = "lokal_kunjungan_keluarga";

type Data = Awaited<ReturnType<typeof route.loader>>;

function localForm(fieldKey = "lokal_rumah_dikunjungi"): Form {
  return {
    key: FORM,
    title: { id: "Kunjungan keluarga kota", en: "City family visits" },
    periodType: "month",
    source: "Surat Edaran Kepala Dinkes Kota Sawahlunto (contoh uji)",
    sections: [
      {
        key: "lokal_kunjungan",
        title: { id: "Kunjungan rumah" },
        fields: [
          { key: "lokal_rumah_sasaran", type: "integer", label: { id: "Rumah sasaran bulan ini" }, min: 0, required: true },
          { key: fieldKey, type: "integer", label: { id: "Rumah yang dikunjungi" }, min: 0, required: true },
        ],
      },
    ],
  } as Form;
}

const localIndicator = {
  key: "lokal_kunjungan_keluarga_persen",
  name: { id: "% rumah sasaran dikunjungi (kota)" },
  group: "ilp",
  numerator: "lokal_rumah_dikunjungi",
  denominator: "lokal_rumah_sasaran",
  factor: 100,
  unit: "%",
  source: "Dinkes Kota Sawahlunto (contoh uji)",
};

describe.each(DIALECTS)("a district's local form on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let keys = 0;
  const load = async () => call(route.loader, makeRequest(URL_PATH, { cookie: cookie.admin }), PARAMS);
  const post = async (form: Record<string, string>) => call(route.action, makeRequest(URL_PATH, { cookie: cookie.admin, form }), PARAMS);

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set(new Date("2026-04-05T03:00:00Z"));
    await seedOrgTree();
    expect((await importPackage(JSON.parse(seedText), { userId: null })).ok).toBe(true);
    cookie.admin = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", DISTRICT]]));
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    cookie.opKendal = await cookieFor(await insertUser("op.plantungan", [["puskesmas_operator", PLANTUNGAN]]));
  });
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  it("refuses a local form whose fields have national-style keys, with the place and a fix in words", async () => {
    const doc = structuredClone(payloadOf<Data>(await load()).document) as TemplatePackage;
    doc.forms.push(localForm("rumah_dikunjungi"));
    const res = await post({ intent: "check", document: JSON.stringify(doc), hidden: "[]", revision: "0" });
    const problems = payloadOf(res).problems as Array<{ code: string; pointer: string; message: string }>;
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([["NOT_LOCAL_KEY", `/forms/${doc.forms.length - 1}/sections/0/fields/1/key`]]);
    expect(problems[0].message).toMatch(/harus berkode diawali "lokal_"/);
    expect(await getDb().selectFrom("district_overlay").select("id").execute()).toEqual([]);
  });

  it("saves and publishes a local form with a local indicator; the summary names the form", async () => {
    const doc = structuredClone(payloadOf<Data>(await load()).document) as TemplatePackage;
    doc.forms.push(localForm());
    doc.indicators.push(localIndicator as never);
    const saved = payloadOf(await post({ intent: "save", document: JSON.stringify(doc), hidden: "[]", revision: "0" }));
    expect(saved).toMatchObject({ ok: true, problems: [], revision: 1 });
    const stored = await getDb().selectFrom("district_overlay").select("document").executeTakeFirstOrThrow();
    expect(JSON.parse(stored.document).operations.map((o: { op: string }) => o.op)).toEqual(["addForm", "addIndicator"]);
    const again = payloadOf<Data>(await load());
    expect(again.origins.forms[FORM]).toBe("local");
    expect(again.summary.join("\n")).toContain('Formulir lokal baru "Kunjungan keluarga kota" (lokal_kunjungan_keluarga) dengan 2 isian.');
    const pub = await post({ intent: "publish", revision: "1", confirm: "yes" });
    expect(statusOf(pub)).toBe(302);
    const district = await getDb().selectFrom("org_unit").select("id").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
    const effective = (await effectivePackage("ilp-nasional", district.id))!;
    expect(effective.package.forms.map((f) => f.key)).toContain(FORM);
  });

  it("the district's Puskesmas fill it and the local indicator is computed; another district never sees it", async () => {
    const list = payloadOf<{ rows: Array<{ formKey: string }> }>(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.op }))).rows;
    expect(list.some((r) => r.formKey === FORM)).toBe(true);
    const other = payloadOf<{ rows: Array<{ formKey: string }> }>(await call(formsIndex.loader, makeRequest("/forms", { cookie: cookie.opKendal }))).rows;
    expect(other.some((r) => r.formKey === FORM)).toBe(false);
    expect(statusOf(await call(fill.loader, makeRequest(`/forms/${FORM}/${PERIOD}`, { cookie: cookie.opKendal }), { formKey: FORM, period: PERIOD }))).toBe(
      404,
    );

    const form = {
      intent: "submit",
      data: JSON.stringify({ lokal_rumah_sasaran: 40, lokal_rumah_dikunjungi: 30 }),
      idempotencyKey: `local-form-${kind}-${++keys}`.padEnd(20, "x"),
      baseRevision: "0",
    };
    const res = await call(fill.action, makeRequest(`/forms/${FORM}/${PERIOD}`, { cookie: cookie.op, form }), { formKey: FORM, period: PERIOD });
    expect(statusOf(res)).toBeLessThan(400);
    const rows = await getDb().selectFrom("submission").select(["status", "form_key"]).where("form_key", "=", FORM).execute();
    expect(rows).toEqual([{ status: "submitted", form_key: FORM }]);

    const sc = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: DISTRICT, indicators: [localIndicator.key], trend: false });
    const row = sc.scorecard.rows.find((r) => r.code === SUNGAI_DURIAN)!;
    expect(row.cells[0]).toMatchObject({ indicator: localIndicator.key, value: 75 });
  });
});
