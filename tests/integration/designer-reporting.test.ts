/**
 * The designer's form settings "who reports" on both dialects (decision 036): reporting levels
 * and "applies to" groups are checked by the server as everything else (schema: at least one
 * level, known levels, no duplicates), a group key naming no group the admin may read is a
 * problem in words at its place (Bahasa Indonesia, English for an English reader), known keys and
 * valid levels save clean, and an indicator counting units over forms of different reporting
 * levels is refused by the package check. Indicator formulas' in_group keys (decision 039): an
 * unknown key is a problem in words at its formula, the draft still saved; in_group outside
 * count_units is refused by the package check in the formula's words.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TemplatePackage } from "@engine";
import { getDb } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import { seedDemoBludGroup } from "~/models/seed.server";
import { importPackage } from "~/models/templates.server";
import * as designer from "~/routes/designer.$key.$version";
import * as newRoute from "~/routes/designer.new";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";

const seed = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
const orgUnits = parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8"));
const KEY = "ilp-nasional";
const BLUD = seed.forms.findIndex((f) => f.key === "blud_triwulan");
const POSYANDU = seed.forms.findIndex((f) => f.key === "posyandu_ilp_bulanan");

type Problem = { pointer: string; message: string; code?: string };

describe.each(DIALECTS)("the designer's reporting settings on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie = "";
  let english = "";
  const post = (form: Record<string, string>, lang = "") =>
    call(designer.action, makeRequest(`/designer/${KEY}/2`, { cookie: lang ? `${cookie}; ${lang}` : cookie, form }), { key: KEY, version: "2" });
  const load = () => call(designer.loader, makeRequest(`/designer/${KEY}/2`, { cookie }), { key: KEY, version: "2" });
  const row = () =>
    getDb().selectFrom("template_package").select(["document", "revision"]).where("key", "=", KEY).where("version", "=", 2).executeTakeFirstOrThrow();
  const draft = (edit: (doc: TemplatePackage) => void) => {
    const doc = structuredClone({ ...seed, version: 2 });
    edit(doc);
    return JSON.stringify(doc);
  };
  const problemsAt = (problems: Problem[], prefix: string) => problems.filter((p) => p.pointer === prefix || p.pointer.startsWith(`${prefix}/`));

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    await seedDemoBludGroup(orgUnits);
    expect((await importPackage(seed, { userId: null })).ok).toBe(true);
    cookie = await cookieFor(await insertUser("admin.nasional", [["national_admin", "ID"]]));
    english = (await langCookie.serialize("en")).split(";")[0];
    await call(newRoute.action, makeRequest("/designer/new", { cookie, form: { intent: "fromLatest", package: KEY } }));
  });
  afterAll(() => handle.destroy());

  it("offers the groups the admin may read, and the seeded BLUD form's group is known: no problem", async () => {
    const page = payloadOf(await load());
    expect(page.groups).toEqual([{ key: "blud", name: "Puskesmas BLUD (data demo)", owner: "Indonesia" }]);
    expect(problemsAt(page.problems, `/forms/${BLUD}/appliesTo`)).toEqual([]);
    expect(page.document.forms[BLUD].appliesTo).toEqual({ groups: ["blud"] });
  });

  it("an unknown group key is a problem in words at its place, in the reader's language; the draft is still saved", async () => {
    const doc = draft((d) => (d.forms[BLUD].appliesTo = { groups: ["blud", "puskesmas_terpencil"] }));
    const checked = payloadOf(await post({ intent: "check", document: doc }));
    const [problem, ...others] = problemsAt(checked.problems, `/forms/${BLUD}/appliesTo`);
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ pointer: `/forms/${BLUD}/appliesTo/groups/1`, code: "UNKNOWN_GROUP_KEY" });
    expect(problem.message).toContain('Kelompok "puskesmas_terpencil" tidak ada');
    expect(problem.message).toContain("halaman Kelompok unit");
    const inEnglish = payloadOf(await post({ intent: "check", document: doc }, english));
    expect(problemsAt(inEnglish.problems, `/forms/${BLUD}/appliesTo`)[0].message).toContain('The group "puskesmas_terpencil" does not exist');
    const before = await row();
    const saved = await post({ intent: "save", revision: String(before.revision), document: doc });
    expect(statusOf(saved)).toBe(200);
    expect(payloadOf(saved).message).toContain("masalah");
    const stored = JSON.parse((await row()).document) as TemplatePackage;
    expect(stored.forms[BLUD].appliesTo).toEqual({ groups: ["blud", "puskesmas_terpencil"] });
    // The page opened again lists it too.
    expect(problemsAt(payloadOf(await load()).problems, `/forms/${BLUD}/appliesTo`).map((p: Problem) => p.pointer)).toEqual([
      `/forms/${BLUD}/appliesTo/groups/1`,
    ]);
  });

  it("refuses no level, an unknown level and a repeated level, each at the form's reporting levels", async () => {
    for (const levels of [[], ["bidan"], ["pustu", "pustu"]]) {
      const answer = payloadOf(await post({ intent: "check", document: draft((d) => (d.forms[POSYANDU].reportingLevels = levels as never)) }));
      const at = problemsAt(answer.problems, `/forms/${POSYANDU}/reportingLevels`);
      expect(at.length, JSON.stringify(levels)).toBeGreaterThan(0);
      for (const p of at) expect(p.message, JSON.stringify(levels)).toMatch(/\S/);
    }
  });

  it("saves valid levels and known groups without a problem", async () => {
    const doc = draft((d) => {
      d.forms[POSYANDU].reportingLevels = ["pustu", "posyandu"];
      d.forms[BLUD].appliesTo = { groups: ["blud"] };
    });
    const saved = payloadOf(await post({ intent: "save", revision: String((await row()).revision), document: doc }));
    expect(saved.ok).toBe(true);
    expect(saved.problems).toEqual([]);
    const stored = JSON.parse((await row()).document) as TemplatePackage;
    expect(stored.forms[POSYANDU].reportingLevels).toEqual(["pustu", "posyandu"]);
  });

  it("an in_group key naming no group the admin may read is a problem at its formula, in both languages; the draft is saved", async () => {
    const doc = draft((d) => {
      d.indicators[0].numerator = "count_units(in_group(blud) and sk_klaster)";
      d.indicators[0].denominator = "count_units(in_group(puskesmas_terpencil) and sk_klaster)";
    });
    const checked = payloadOf(await post({ intent: "check", document: doc }));
    expect(problemsAt(checked.problems, "/indicators/0/numerator")).toEqual([]);
    const [problem, ...others] = problemsAt(checked.problems, "/indicators/0/denominator");
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ code: "UNKNOWN_GROUP_KEY" });
    expect(problem.message).toContain('kelompok "puskesmas_terpencil" tidak ada atau tidak dapat Anda lihat');
    const inEnglish = payloadOf(await post({ intent: "check", document: doc }, english));
    expect(problemsAt(inEnglish.problems, "/indicators/0/denominator")[0].message).toContain('the group "puskesmas_terpencil" does not exist');
    const saved = await post({ intent: "save", revision: String((await row()).revision), document: doc });
    expect(statusOf(saved)).toBe(200);
    expect((JSON.parse((await row()).document) as TemplatePackage).indicators[0].denominator).toBe("count_units(in_group(puskesmas_terpencil) and sk_klaster)");
    expect(problemsAt(payloadOf(await load()).problems, "/indicators/0/denominator").map((p: Problem) => p.code)).toEqual(["UNKNOWN_GROUP_KEY"]);
  });

  it("refuses in_group outside count_units with the formula's message", async () => {
    const doc = draft((d) => (d.indicators[0].numerator = "if(in_group(blud), 1, 0)"));
    const answer = payloadOf(await post({ intent: "check", document: doc }));
    const [p] = problemsAt(answer.problems, "/indicators/0/numerator");
    expect(p.message).toContain("in_group() hanya boleh dipakai di dalam count_units(...)");
    const en = payloadOf(await post({ intent: "check", document: doc }, english));
    expect(problemsAt(en.problems, "/indicators/0/numerator")[0].message).toContain("in_group() can only be used inside count_units(...)");
  });

  it("refuses an indicator counting units over a Posyandu form and a Puskesmas form", async () => {
    const answer = payloadOf(
      await post({
        intent: "check",
        document: draft((d) => (d.indicators[0].numerator = "count_units(sk_klaster and alur_layanan_klaster) + count_units(posy_kader_aktif >= 5)")),
      }),
    );
    const [p] = problemsAt(answer.problems, "/indicators/0/numerator");
    expect(p).toMatchObject({ code: "UNITS_MIXED_LEVELS" });
    expect(p.message).toContain("posyandu_ilp_bulanan: posyandu");
    expect(p.message).toContain("ilp_profil: puskesmas");
  });
});
