/**
 * The demo seeded on both dialects with its village level (seeds/README.md): the Pustu and
 * Posyandu of seeds/org-units.csv (a Posyandu under its Pustu or directly under its Puskesmas),
 * the national group `blud` from the generator's BLUD marking with a description saying it is
 * demo data, and every generated report stored — Pustu and Posyandu reports included, each under
 * its unit, only from units their form expects (isUnitExpected), none after the seeding day.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthIndex, type TemplatePackage } from "@engine";
import { getDb } from "~/db/db.server";
import { isUnitExpected } from "~/models/expected-units.server";
import { importOrgCsv } from "~/models/org-import.server";
import { demoBludMemberships, generateDemoSubmissions } from "@seeds/demo/generate";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { withTargetsThrough } from "@seeds/demo/targets";
import { DIALECTS, type useTestDatabase } from "../helpers/db";
import { demoSeededAfter, useDemoDatabaseAt } from "../helpers/app";

const orgUnits = parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8"));
const pkg = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
const overlays = fs
  .readdirSync(path.resolve("seeds/overlays"))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.resolve("seeds/overlays", f), "utf8")));
/** Seeded on 20 April 2026: March is the last complete month. */
const AS_OF = demoSeededAfter("2026-03");

describe.each(DIALECTS)("the demo's village level seeded on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;

  beforeAll(async () => {
    ({ handle } = await useDemoDatabaseAt(kind, AS_OF, {}));
  }, 180_000);
  afterAll(() => handle.destroy());

  it("has the Pustu and Posyandu of the CSV, Kayu Gadang under Sungai Durian's Pustu, some Posyandu directly under a Puskesmas", async () => {
    const rows = await getDb()
      .selectFrom("org_unit as o")
      .leftJoin("org_unit as p", "p.id", "o.parent_id")
      .select(["o.code", "o.name", "o.level", "p.code as parent", "p.level as parentLevel"])
      .where("o.level", "in", ["pustu", "posyandu"])
      .execute();
    expect(rows.filter((r) => r.level === "pustu")).toHaveLength(orgUnits.filter((u) => u.level === "pustu").length);
    expect(rows.filter((r) => r.level === "posyandu")).toHaveLength(orgUnits.filter((u) => u.level === "posyandu").length);
    const kayuGadang = rows.find((r) => r.name === "Posyandu ILP Kayu Gadang")!;
    expect([kayuGadang.parentLevel, kayuGadang.parent?.startsWith("P1373001.")]).toEqual(["pustu", true]);
    expect(new Set(rows.filter((r) => r.level === "posyandu").map((r) => r.parentLevel))).toEqual(new Set(["pustu", "puskesmas"]));
  });

  it("the org import takes a Posyandu under a Pustu or a Puskesmas, never under a district or another Posyandu", async () => {
    const bad = await importOrgCsv("code,name,level,parent_code\nX1,Posyandu X1,posyandu,13.73\nX2,Posyandu X2,posyandu,P1373001.Y01\n");
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "parent_code"],
      [3, "parent_code"],
    ]);
    // The message (village.org.posyanduParent) names the Posyandu, its parent and the parent's level in words.
    expect(bad.errors.map((e) => e.message)).toEqual([
      "Posyandu X1 (Posyandu X1) harus berada langsung di bawah Pustu atau Puskesmas, bukan di bawah 13.73 yang bertingkat Kabupaten/Kota. Perbaiki kolom parent_code.",
      "Posyandu X2 (Posyandu X2) harus berada langsung di bawah Pustu atau Puskesmas, bukan di bawah P1373001.Y01 yang bertingkat Posyandu. Perbaiki kolom parent_code.",
    ]);
    const good = await importOrgCsv("code,name,level,parent_code\nX3,Posyandu X3,posyandu,P1373002\nX4,Posyandu X4,posyandu,P1373002.T01\n");
    expect(good.errors).toEqual([]);
  });

  it("has the national group blud from the generator's marking, said to be demo data", async () => {
    const db = getDb();
    const group = await db
      .selectFrom("org_group as g")
      .innerJoin("org_unit as o", "o.id", "g.owner_org_unit_id")
      .select(["g.id", "g.name", "g.description", "o.level"])
      .where("g.key", "=", "blud")
      .executeTakeFirstOrThrow();
    expect(group.level).toBe("national");
    expect(group.description).toContain("Bukan daftar resmi");
    const members = await db
      .selectFrom("org_group_member as m")
      .innerJoin("org_unit as u", "u.id", "m.org_unit_id")
      .select(["u.code", "m.from_month", "m.to_month"])
      .where("m.group_id", "=", group.id)
      .orderBy("u.code")
      .execute();
    const expected = demoBludMemberships({ orgUnits }).sort((a, b) => a.code.localeCompare(b.code));
    expect(members.map((m) => [m.code, m.from_month, m.to_month])).toEqual(
      expected.map((m) => [m.code, monthIndex(Number(m.from.slice(0, 4)), Number(m.from.slice(5, 7))), null]),
    );
    const audit = await db.selectFrom("audit_log").select("action").where("entity_type", "=", "org_group").where("entity_id", "=", String(group.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(["group.import"]);
  });

  it("stores every generated report, Pustu and Posyandu ones under their units, each from a unit its form expects", async () => {
    const db = getDb();
    const generated = generateDemoSubmissions({ orgUnits, pkg: withTargetsThrough(pkg, 2026), overlays, asOf: AS_OF });
    const stored = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.form_key", "s.period", "s.status", "o.id", "o.code", "o.level"])
      .execute();
    expect(stored.length).toBe(generated.length);
    const count = (form: string, level: string) => stored.filter((s) => s.form_key === form && s.level === level).length;
    expect(count("pustu_ilp_bulanan", "pustu")).toBe(generated.filter((g) => g.form === "pustu_ilp_bulanan").length);
    expect(count("posyandu_ilp_bulanan", "posyandu")).toBe(generated.filter((g) => g.form === "posyandu_ilp_bulanan").length);
    expect(stored.filter((s) => s.form_key.endsWith("_ilp_bulanan") && s.period === "2026-03").some((s) => s.status === "approved")).toBe(true);
    expect(stored.some((s) => /^\d{4}-\d{2}$/.test(s.period) && s.period > "2026-04")).toBe(false);
    expect(stored.some((s) => s.period === "2026-04")).toBe(true);
    const forms = new Map(pkg.forms.map((f) => [f.key, f]));
    const checked = new Set<string>();
    for (const s of stored) {
      // One check per unit × form × year is enough to cover every unit and form.
      const k = `${s.code}|${s.form_key}|${s.period.slice(0, 4)}`;
      if (checked.has(k)) continue;
      checked.add(k);
      expect(await isUnitExpected(db, forms.get(s.form_key)!, { id: s.id, level: s.level }, s.period), `${s.code} ${s.form_key} ${s.period}`).toBe(true);
    }
  });
});
