/**
 * The columnar fact index (docs/decisions/040-columnar-fact-index.md) on SQLite and PostgreSQL:
 * its facts agree with the engine's in-memory reference (and so with the SQL provider, which
 * tests/integration/reporting-levels.test.ts checks against the same reference) on every row
 * level, window and org-group filter, with and without unit lists — after the first load and
 * after each kind of change it must follow: an approval, a return, an edited and a new report, a
 * publication, new units and group memberships. Scorecards built with the index equal those built
 * through SQL, "data last changed" included. No timings (those are in `npm run bench`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeRowFacts, planScorecard, type ScorecardRequest, type TemplatePackage } from "@engine";
import type { SessionUser } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import { dropFactIndex, loadFactIndex, readyFactIndex, type FactIndex } from "~/models/fact-index.server";
import { indexRowFacts } from "~/models/fact-index-facts.server";
import { getOrgByCode, insertOrgUnits, listChildren } from "~/models/org.server";
import { clearScorecardCache, readVersions } from "~/models/scorecard-cache.server";
import { buildScorecard, type ScorecardQuery } from "~/models/scorecard.server";
import { storeSubmissions } from "~/models/submissions.server";
import { effectivePackage, importPackage } from "~/models/templates.server";
import { decide } from "~/models/verification.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { insertUser } from "../helpers/app";
import { expectSameFacts } from "../helpers/facts-agree";
import { KEY, levelsPackage, loadLevelsMemorySource, m, seedLevelsFixture, levelRowSets, LEVEL_PERIODS } from "../helpers/levels-fixture";

describe.each(DIALECTS)("the fact index on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const unit: Record<string, OrgUnit> = {};
  let index: FactIndex;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    Object.assign(unit, await seedLevelsFixture());
    index = await loadFactIndex(getDb());
  }, 120_000);
  afterAll(async () => {
    dropFactIndex(getDb());
    await handle.destroy();
  });

  const rowSets = levelRowSets(unit);
  const periods = LEVEL_PERIODS;

  /** Brings the index up to the database's versions and compares it with the reference everywhere; returns what it saw. */
  async function expectAgreement(label: string): Promise<{ values: number; reported: number; columnUnits: number }> {
    const db = getDb();
    await index.refresh(await readVersions(db));
    const memory = await loadLevelsMemorySource();
    const pkg = (await effectivePackage(KEY, null))!.package;
    const seen = { values: 0, reported: 0, columnUnits: 0 };
    for (const orgGroup of [undefined, "lokus", "blud"]) {
      for (const set of rowSets) {
        const rows = await set.rows();
        for (const p of periods) {
          const request: ScorecardRequest = { ...p, orgGroup, rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) };
          const plan = planScorecard(pkg, request);
          const at = `${label}: ${set.name} ${p.period}${p.ytd ? " ytd" : ""} ${orgGroup ?? ""}`;
          const reference = computeRowFacts(plan, memory);
          expectSameFacts(indexRowFacts(index, plan, rows, { withUnitLists: true }), reference, at);
          const plain = indexRowFacts(index, plan, rows);
          expectSameFacts(plain, reference, `${at} (no lists)`);
          // The index gives per-unit facts as columns (decision 044), never one object per unit.
          expect(plain.some((f) => f.units !== undefined)).toBe(false);
          seen.columnUnits += plain.reduce((a, f) => a + (f.unitColumns ?? []).reduce((n, x) => n + x.to - x.from, 0), 0);
          seen.values += reference.filter((f) => Object.values(f.totals).some((v) => v !== null)).length;
          seen.reported += reference.reduce((a, f) => a + Object.values(f.reported).reduce((x, y) => x + y, 0), 0);
        }
      }
    }
    return seen;
  }

  /** A national and a district scorecard through the index and, inside a transaction (never the index), through SQL. */
  async function expectSameScorecards(label: string): Promise<void> {
    const db = getDb();
    expect(readyFactIndex(db), label).not.toBeNull();
    for (const q of [
      { packageKey: KEY, period: "2025-Q3", level: "district" },
      { packageKey: KEY, period: "2025-09", ytd: true, parentCode: "11.01" },
      { packageKey: KEY, period: "2025-03", parentCode: "P1" },
      { packageKey: KEY, period: "2025-07", parentCode: "11", orgGroup: "lokus" },
    ] satisfies ScorecardQuery[]) {
      const viaIndex = await buildScorecard(q, db);
      const viaSql = await db.transaction().execute((trx) => buildScorecard(q, trx));
      expect(viaIndex.scorecard, `${label} ${JSON.stringify(q)}`).toEqual(viaSql.scorecard);
      expect(viaIndex.lastChange, `${label} lastChange`).toBe(viaSql.lastChange);
    }
  }

  it("agrees with the reference after the first load, with facts to agree on", async () => {
    expect(index.ready).toBe(true);
    expect(index.stats.values).toBeGreaterThan(100);
    const seen = await expectAgreement("first load");
    expect(seen.values).toBeGreaterThan(50);
    expect(seen.reported).toBeGreaterThan(100);
    expect(seen.columnUnits).toBeGreaterThan(10);
    await expectSameScorecards("first load");
  });

  it("follows an approval, a return, an edited report and a new one (only the changed district reloads)", async () => {
    const db = getDb();
    const verifierId = await insertUser("verifikator.indeks", [["district_verifier", "11.01"]]);
    const verifier: SessionUser = {
      id: verifierId,
      username: "verifikator.indeks",
      displayName: "Verifikator",
      locale: "id",
      sessionId: "uji",
      grants: [
        { role: "district_verifier", orgUnitId: unit["11.01"].id, orgCode: "11.01", orgName: "11.01", orgLevel: "district", orgPath: unit["11.01"].path },
      ],
    };
    const submitted = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "s.revision", "s.period", "s.form_key", "o.code"])
      .where("s.package_key", "=", KEY)
      .where("s.status", "=", "submitted")
      .where("s.district_id", "=", unit["11.01"].id)
      .orderBy("s.id")
      .execute();
    expect(submitted.length).toBeGreaterThan(2);
    const before = { district: index.stats.districtReloads, partial: index.stats.partialReloads, global: index.stats.globalReloads };
    expect((await decide({ user: verifier, id: submitted[0].id, decision: "approve", revision: submitted[0].revision, note: "" })).ok).toBe(true);
    expect((await decide({ user: verifier, id: submitted[1].id, decision: "return", revision: submitted[1].revision, note: "Periksa lagi" })).ok).toBe(true);
    // An edited report (a submitted one, corrected) and a new one, through the store every write path uses.
    const effective = (await effectivePackage(KEY, unit["11.01"].id))!;
    const formOf = (key: string) => effective.package.forms.find((f) => f.key === key)!;
    const edited = submitted[2];
    expect(edited.form_key).toBe("posyandu_bulanan");
    await db.transaction().execute((trx) =>
      storeSubmissions(
        trx,
        [
          { unit: unit[edited.code], effective, form: formOf(edited.form_key), period: edited.period, data: { kunjungan: 4321, kader_aktif: 7 }, warnings: [] },
          { unit: unit.P2, effective, form: formOf("pkm_bulanan"), period: "2024-12", data: { pasien: 77 }, warnings: [] },
        ],
        { status: "submitted", actorUserId: null },
      ),
    );
    await expectAgreement("after approval, return, edit, new report");
    // Changes in one district reload that district only, never the tree, and read only the
    // changed reports (an approval, a return, an edit, a new report: the rest is kept).
    expect(index.stats.districtReloads).toBeGreaterThan(before.district);
    expect(index.stats.partialReloads).toBeGreaterThan(before.partial);
    expect(index.stats.globalReloads).toBe(before.global);
    const stored = await loadLevelsMemorySource();
    expect(stored.submissions.find((s) => s.org === edited.code && s.form === edited.form_key && s.period === edited.period)?.values.kunjungan).toBe(4321);
    clearScorecardCache(db);
    await expectSameScorecards("after approval, return, edit, new report");
  });

  it("reloads only the districts a scorecard reads; a district changed elsewhere follows when it is read", async () => {
    const db = getDb();
    // Reports in both districts: 11.01 (P2) and 11.02 (P3), one transaction each.
    const store = async (code: "P2" | "P3", district: "11.01" | "11.02", pasien: number) => {
      const effective = (await effectivePackage(KEY, unit[district].id))!;
      const form = effective.package.forms.find((f) => f.key === "pkm_bulanan")!;
      await db.transaction().execute((trx) =>
        storeSubmissions(trx, [{ unit: unit[code], effective, form, period: "2024-11", data: { pasien }, warnings: [] }], {
          status: "submitted",
          actorUserId: null,
        }),
      );
    };
    await index.refresh(await readVersions(db));
    await store("P2", "11.01", 31);
    await store("P3", "11.02", 32);
    const moved = await readVersions(db);
    const [d1, d2] = [unit["11.01"].id, unit["11.02"].id];
    expect(index.buckets.get(d1)!.version).toBeLessThan(moved.byDistrict.get(d1)!);
    expect(index.buckets.get(d2)!.version).toBeLessThan(moved.byDistrict.get(d2)!);
    const reloads = index.stats.districtReloads;
    // The Puskesmas of 11.01: its bucket reloads, 11.02's stays behind (nobody read it yet).
    await buildScorecard({ packageKey: KEY, period: "2024-11", parentCode: "11.01" }, db);
    expect(index.buckets.get(d1)!.version).toBe(moved.byDistrict.get(d1));
    expect(index.buckets.get(d2)!.version).toBeLessThan(moved.byDistrict.get(d2)!);
    expect(index.stats.districtReloads).toBe(reloads + 1);
    // Reading 11.02 brings it up; concurrent readers of one district share one reload.
    await Promise.all([1, 2, 3].map(() => index.refresh(moved, new Set([d2]))));
    expect(index.buckets.get(d2)!.version).toBe(moved.byDistrict.get(d2));
    expect(index.stats.districtReloads).toBe(reloads + 2);
    // A national view reads every district, and the facts agree with the reference.
    await expectAgreement("after reports in both districts");
    clearScorecardCache(db);
    await expectSameScorecards("after reports in both districts");
  });

  it("follows a publication, new units with reports and changed group memberships", async () => {
    const db = getDb();
    const globalBefore = index.stats.globalReloads;
    // A new version of the package: a changed indicator, the same forms.
    const next = levelsPackage();
    const republished = {
      ...next,
      version: 2,
      indicators: next.indicators.map((i) => (i.key === "ind_pasien" ? { ...i, name: { id: "Pasien (v2)" } } : i)),
    } as TemplatePackage;
    const imported = await importPackage(republished, { userId: null }, "ID");
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    // A new Posyandu under P2 (no Pustu) with a report; a new membership and an ended one.
    await insertOrgUnits(db, [{ code: "Y6", name: "Unit Y6", level: "posyandu", parentCode: "P2" }]);
    unit.Y6 = (await getOrgByCode(db, "Y6"))!;
    const effective = (await effectivePackage(KEY, unit["11.01"].id))!;
    const form = effective.package.forms.find((f) => f.key === "posyandu_bulanan")!;
    await db.transaction().execute((trx) =>
      storeSubmissions(trx, [{ unit: unit.Y6, effective, form, period: "2025-09", data: { kunjungan: 41, kader_aktif: 6 }, warnings: [] }], {
        status: "approved",
        actorUserId: null,
      }),
    );
    const lokus = await db.selectFrom("org_group").select("id").where("key", "=", "lokus").orderBy("id").executeTakeFirstOrThrow();
    await db
      .insertInto("org_group_member")
      .values({ group_id: lokus.id, org_unit_id: unit.P2.id, from_month: m(2025, 7), to_month: null, created_by: null, created_at: nowIso() })
      .execute();
    await db
      .updateTable("org_group_member")
      .set({ to_month: m(2025, 6) })
      .where("org_unit_id", "=", unit.U1.id)
      .execute();
    const seen = await expectAgreement("after publication, new units, memberships");
    expect(seen.values).toBeGreaterThan(50);
    expect(index.stats.globalReloads).toBeGreaterThan(globalBefore);
    // The new Posyandu is counted by the index (its facts and its Puskesmas's roll-up).
    const pkg = (await effectivePackage(KEY, null))!.package;
    const rows = await listChildren(db, unit["11.01"].id);
    const plan = planScorecard(pkg, { period: "2025-09", rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })) });
    const p2 = indexRowFacts(index, plan, rows, { withUnitLists: true }).find((f) => f.row === "P2" && f.window === plan.windows[0].id)!;
    expect(p2.contributing!.posyandu_bulanan).toContain("Y6");
    clearScorecardCache(db);
    await expectSameScorecards("after publication, new units, memberships");
  });

  it("is never used inside a transaction, and not before it is loaded", async () => {
    const db = getDb();
    await db.transaction().execute(async (trx) => expect(readyFactIndex(trx)).toBeNull());
    dropFactIndex(db);
    expect(readyFactIndex(db)).toBeNull();
    index = await loadFactIndex(db);
    expect(readyFactIndex(db)).toBe(index);
    await expectAgreement("reloaded from scratch");
  });
});
