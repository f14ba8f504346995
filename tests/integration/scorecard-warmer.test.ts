/**
 * The scorecard warmer (decision 013): national views of the default period are computed before
 * anyone asks, what people viewed is rebuilt after a change, failures do not stop it, and
 * /healthz reports its last run. Real database, both dialects; the demo content of PERIOD.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { getOrgByCode } from "~/models/org.server";
import { buildScorecard, type ScorecardQuery } from "~/models/scorecard.server";
import { cacheFor, recentQueries } from "~/models/scorecard-cache.server";
import { createScorecardWarmer, defaultQueries, RECENT_MS, startScorecardWarmer, warmerStatus } from "~/models/scorecard-warmer.server";
import * as healthz from "~/routes/healthz";
import * as page from "~/routes/scorecards";
import { call, makeRequest, payloadOf, FACILITATOR_USERS, useDemoDatabase } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

const PERIOD = "2025-12";
/** A clock in January 2026: the default period (last complete month) is PERIOD. */
const NOW = () => new Date("2026-01-15T08:00:00Z");

describe.each(DIALECTS)("scorecard warmer on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, PERIOD, {
      ...FACILITATOR_USERS,
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  const view = async (search: string, who: string) => {
    const d = payloadOf<{ error: string | null; view: { rows: unknown[] } | null }>(
      await call(page.loader, makeRequest(`/scorecards${search}`, { cookie: cookie[who] })),
    );
    expect(d.error).toBeNull();
    return d.view!;
  };
  const stats = () => ({ ...cacheFor(getDb())!.stats });
  /** The same scorecard without any cache (inside a transaction nothing is cached). */
  const uncached = (q: ScorecardQuery) =>
    getDb()
      .transaction()
      .execute((trx) => buildScorecard(q, trx));

  it("computes the national views of the default period and the month before before anyone asks: no viewer computes a row", async () => {
    const log: string[] = [];
    const warmer = createScorecardWarmer(getDb(), { now: NOW, log: (m) => log.push(m) });
    const defaults = await defaultQueries(getDb(), NOW());
    expect(defaults.length).toBeGreaterThanOrEqual(4);
    // The default period first, then the month before.
    expect(defaults.map((q) => q.period)).toEqual([
      ...defaults.slice(0, defaults.length / 2).map(() => PERIOD),
      ...defaults.slice(defaults.length / 2).map(() => "2025-11"),
    ]);
    const run = await warmer.tick();
    expect(run).toMatchObject({ views: defaults.length, failed: 0 });
    expect(log).toEqual([]);

    // The national facilitator's default page (provinces), the national district view, and a
    // provincial facilitator's districts: their rows all come from the warmed row facts.
    const before = stats();
    for (const [search, who] of [
      [`?period=${PERIOD}`, "national"],
      [`?period=${PERIOD}&level=district`, "national"],
      [`?period=${PERIOD}&level=district`, "jateng"],
      [`?period=2025-11&level=district`, "national"],
    ] as const) {
      const v = await view(search, who);
      expect(v.rows.length).toBeGreaterThan(0);
    }
    const after = stats();
    expect(after.rowMisses - before.rowMisses).toBe(0);
    expect(after.rowHits - before.rowHits).toBeGreaterThan(0);

    // Nothing changed since (the views above were built under the same versions): nothing to build.
    expect(await warmer.tick()).toBeNull();
  });

  it("after a change, rebuilds only that district's rows and what people viewed; the next view is served from memory and equals a fresh computation", async () => {
    const db = getDb();
    const warmer = createScorecardWarmer(db, { now: NOW });
    await warmer.tick();
    // Someone views a district's Puskesmas (remembered as recently viewed).
    const puskesmasRows = (await view(`?period=${PERIOD}&parent=33.28`, "jateng")).rows.length;
    const tegal = (await getOrgByCode(db, "33.28"))!;
    const target = await db
      .selectFrom("submission_value")
      .select(["submission_id", "field_key"])
      .where("district_id", "=", tegal.id)
      .where("field_key", "=", "spm01_bumil_k6")
      .where("month_index", "=", 2025 * 12 + 11)
      .orderBy("submission_id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("submission_value")
      .set((eb) => ({ value: eb("value", "+", 7) }))
      .where("submission_id", "=", target.submission_id)
      .where("field_key", "=", target.field_key)
      .execute();

    const viewed = recentQueries(cacheFor(db)!, 0);
    expect(viewed.some((r) => JSON.stringify(r.query).includes('"parentCode":"33.28"'))).toBe(true);
    const before = stats();
    const run = await warmer.tick();
    const defaults = await defaultQueries(db, NOW());
    expect(run).toMatchObject({ views: defaults.length + viewed.length, failed: 0 });
    const rebuilt = stats();
    // The district row (national by district) and its province row (by province), of the default
    // period and of the month before, and the rows of the viewed district scorecard (a
    // district's Puskesmas share its version); every other row reused.
    expect(rebuilt.rowMisses - before.rowMisses).toBe(2 * 2 + puskesmasRows);

    await view(`?period=${PERIOD}&parent=33.28`, "jateng");
    const served = stats();
    expect(served.resultHits - rebuilt.resultHits).toBe(1);
    expect(served.rowMisses - rebuilt.rowMisses).toBe(0);
    // And it is right: the national district view (warmed) equals an uncached computation.
    // (The province row was recomputed alone: read through its districts' index entries.)
    for (const level of ["district", "province"] as const) {
      const national: ScorecardQuery = { packageKey: "ilp-nasional", period: PERIOD, level };
      expect(JSON.stringify((await buildScorecard(national, db, { background: true })).scorecard)).toBe(JSON.stringify((await uncached(national)).scorecard));
    }

    await db
      .updateTable("submission_value")
      .set((eb) => ({ value: eb("value", "-", 7) }))
      .where("submission_id", "=", target.submission_id)
      .where("field_key", "=", target.field_key)
      .execute();
  });

  it("keeps going when a selection fails, and forgets selections nobody viewed for 30 minutes", async () => {
    const db = getDb();
    const cache = cacheFor(db)!;
    const log: string[] = [];
    const warmer = createScorecardWarmer(db, { now: NOW, log: (m) => log.push(m) });
    const broken: ScorecardQuery = { packageKey: "tidak-ada", period: PERIOD, level: "district" };
    const stale: ScorecardQuery = { packageKey: "ilp-nasional", period: "2025-06", level: "province" };
    cache.recent.set("broken", { key: "broken", query: broken, at: NOW().getTime() });
    cache.recent.set("stale", { key: "stale", query: stale, at: NOW().getTime() - RECENT_MS - 1 });
    await db.updateTable("org_unit").set({ note: "warmer test" }).where("code", "=", "33.24").execute();
    const run = await warmer.tick();
    expect(run!.failed).toBe(1);
    expect(log.join("\n")).toContain("tidak-ada");
    expect(run!.views).toBeGreaterThanOrEqual((await defaultQueries(db, NOW())).length);
    // The stale selection was not rebuilt: it is still a miss.
    const before = stats();
    await buildScorecard(stale, db, { background: true });
    expect(stats().resultMisses - before.resultMisses).toBe(1);
  });

  it("runs in the background of the server process and reports its last run on /healthz", async () => {
    expect(warmerStatus()).toBeNull();
    const json = async () =>
      (await ((await healthz.loader()) as Response).json()) as { ok: boolean; scorecards?: { warmedAt: string | null; views: number; runs: number } };
    expect((await json()).scorecards).toBeUndefined();
    await getDb().updateTable("org_unit").set({ note: "warmer start" }).where("code", "=", "33.24").execute();
    const warmer = startScorecardWarmer({ intervalMs: 60_000, now: NOW });
    try {
      for (let i = 0; i < 200 && !warmer.status().last; i++) await new Promise((r) => setTimeout(r, 50));
      const body = await json();
      expect(body.ok).toBe(true);
      expect(body.scorecards!.runs).toBe(1);
      expect(body.scorecards!.views).toBeGreaterThanOrEqual(2);
      expect(Date.parse(body.scorecards!.warmedAt!)).not.toBeNaN();
    } finally {
      await warmer.stop();
    }
    expect(warmerStatus()).toBeNull();
  });
});
