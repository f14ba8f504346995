/**
 * "Periksa" on both dialects: one check answers every problem of the posted document at once —
 * in several forms, indicators, targets and rules, schema and package checks — each at its
 * place, in the reader's language; a fixed document checks clean at once, and nothing is stored
 * by a check (the stored draft and its revision stay as they were).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { importPackage } from "~/models/templates.server";
import { seedDemoBludGroup } from "~/models/seed.server";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { langCookie } from "~/i18n/locale.server";
import * as designer from "~/routes/designer.$key.$version";
import * as newRoute from "~/routes/designer.new";
import type { TemplatePackage } from "@engine";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree } from "../helpers/app";

const seed = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
const KEY = "ilp-nasional";

describe.each(DIALECTS)("the designer's check on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie = "";
  const check = (doc: unknown, lang = "") =>
    call(
      designer.action,
      makeRequest(`/designer/${KEY}/2`, { cookie: lang ? `${cookie}; ${lang}` : cookie, form: { intent: "check", document: JSON.stringify(doc) } }),
      {
        key: KEY,
        version: "2",
      },
    );
  const row = () =>
    getDb().selectFrom("template_package").select(["document", "revision"]).where("key", "=", KEY).where("version", "=", 2).executeTakeFirstOrThrow();

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // The national package's BLUD form applies to the group blud: without it the designer lists the key as unknown.
    await seedDemoBludGroup(parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8")));
    expect((await importPackage(seed, { userId: null })).ok).toBe(true);
    cookie = await cookieFor(await insertUser("admin.nasional", [["national_admin", "ID"]]));
    await call(newRoute.action, makeRequest("/designer/new", { cookie, form: { intent: "fromLatest", package: KEY } }));
  });
  afterAll(() => handle.destroy());

  /** Problems in two forms, two indicators, a target and a rule: schema errors of several parts and a package check. */
  function broken(): TemplatePackage {
    const doc = structuredClone({ ...seed, version: 2 });
    doc.forms[0].sections[0].fields[0].label = { id: "" };
    doc.forms[1].sections[0].fields[0] = { ...doc.forms[1].sections[0].fields[0], type: "angka" as never };
    doc.indicators[0].group = "";
    doc.indicators[1].numerator = "bumil_tidak_ada + 1";
    doc.targets[0].year = "dua ribu" as never;
    doc.rules[0].severity = "fatal" as never;
    return doc;
  }

  it("lists every problem of the document at once, each at its place, and stores nothing", async () => {
    const before = await row();
    const answer = payloadOf(await check(broken()));
    expect(answer.ok).toBe(true);
    const pointers: string[] = answer.problems.map((p: { pointer: string }) => p.pointer);
    for (const at of ["/forms/0/sections/0/fields/0/label/id", "/forms/1/sections/0/fields/0", "/indicators/0/group", "/targets/0/year", "/rules/0/severity"])
      expect(
        pointers.some((p) => p === at || p.startsWith(`${at}/`)),
        at,
      ).toBe(true);
    // The package checks run although the schema refused the document: the formula naming a missing field is listed too.
    expect(pointers.some((p) => p.startsWith("/indicators/1/numerator"))).toBe(true);
    // One problem per place.
    expect(pointers.filter((p) => p.startsWith("/indicators/0/group"))).toHaveLength(1);
    expect(answer.problems.length).toBeGreaterThanOrEqual(6);
    expect(answer.message).toBe(`Pemeriksaan selesai: ${answer.problems.length} masalah.`);
    for (const p of answer.problems) expect(p.message, p.pointer).toMatch(/\S/);
    expect(await row()).toEqual(before);
  });

  it("a formula naming a missing field is found with the schema intact, in English for an English reader", async () => {
    const doc = structuredClone({ ...seed, version: 2 });
    doc.indicators[1].numerator = "bumil_tidak_ada + 1";
    doc.indicators[2].group = "kelompok_tidak_ada";
    const english = (await langCookie.serialize("en")).split(";")[0];
    const answer = payloadOf(await check(doc, english));
    const at = (pointer: string) => answer.problems.filter((p: { pointer: string }) => p.pointer.startsWith(pointer));
    expect(at("/indicators/1/numerator").length).toBeGreaterThan(0);
    expect(at("/indicators/2/group").length).toBeGreaterThan(0);
    expect(answer.message).toBe(`Check finished: ${answer.problems.length} problems.`);
    expect(answer.problems.map((p: { message: string }) => p.message).join(" ")).not.toMatch(/\b(tidak|belum|tulis|indikator)\b/i);
  });

  it("checks the fixed document clean at once, without a save", async () => {
    const before = await row();
    const answer = payloadOf(await check({ ...seed, version: 2 }));
    expect(answer).toMatchObject({ ok: true, problems: [], message: "Pemeriksaan selesai: 0 masalah." });
    expect(await row()).toEqual(before);
  });
});
