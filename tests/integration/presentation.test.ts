/**
 * Presentation mode on the demo data: the slides' order (worst first), units without data listed
 * and never drawn, incomplete units with their report counts, a marker on a cell with a follow-up
 * action, the overview's ranks and movers, unit slides; the scorecard's guards and a meeting's
 * (404 unknown, 403 for another district's admin), and the explanation loaded on demand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previousPeriod } from "@engine";
import { getDb } from "~/db/db.server";
import type { Presentation, PresentSlide } from "~/contracts/presentation";
import type { ExplainView } from "~/contracts/scorecard-explain";
import { buildScorecard } from "~/models/scorecard.server";
import { BARS_PER_SLIDE, meetingQuery, parseMode, parseSlide, shareOnTarget } from "~/models/presentation.server";
import * as present from "~/routes/scorecards_.present";
import * as explain from "~/routes/scorecards_.present_.explain";
import * as meetingPresent from "~/routes/meetings.$id_.present";
import { clock } from "~/utils/clock.server";
import { langCookie } from "~/i18n/locale.server";
import { call, makeRequest, payloadOf, FACILITATOR_USERS, puskesmasCode, statusOf, useDemoDatabaseAt } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

// Early December: October is mostly reported, November has barely begun to come in.
const AS_OF = "2026-12-03T12:00:00.000Z";
const FULL = "2026-10";
const PARTIAL = "2026-11";
const DISTRICT = "13.73";

type Loaded = { error: string | null; p: Presentation | null };

describe("presentation parameters", () => {
  it("reads mode and slide, and refuses what it cannot read", () => {
    expect(parseMode(null)).toBe("indicator");
    expect(parseMode("unit")).toBe("unit");
    expect(parseMode("units")).toBeNull();
    expect(parseSlide(null)).toBe(1);
    expect(parseSlide("12")).toBe(12);
    expect(parseSlide("0")).toBe(1);
    expect(parseSlide("dua")).toBeNull();
    expect(parseSlide("-3")).toBeNull();
  });
});

describe.each(DIALECTS)("presentation mode on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabaseAt(kind, AS_OF, {
      ...FACILITATOR_USERS,
      admin: ["adm.sawahlunto", [["district_admin", DISTRICT]]],
      verifier: ["ver.sawahlunto", [["district_verifier", DISTRICT]]],
      kendal: ["adm.kendal", [["district_admin", "33.24"]]],
      operator: ["op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  const load = async (search: string, who: string) => {
    const res = await call(present.loader, makeRequest(`/scorecards/present${search}`, { cookie: cookie[who] }));
    return { status: statusOf(res), d: payloadOf<Loaded>(res), res };
  };
  const adminId = async () => (await getDb().selectFrom("app_user").select("id").where("username", "=", "adm.sawahlunto").executeTakeFirstOrThrow()).id;
  const ofKind = <K extends PresentSlide["kind"]>(p: Presentation, k: K) => p.slides.filter((s): s is Extract<PresentSlide, { kind: K }> => s.kind === k);

  it("draws every indicator's units worst first, lists units without data and never draws them", async () => {
    const { status, d } = await load(`?period=${FULL}&parent=${DISTRICT}`, "admin");
    expect(d.error).toBeNull();
    expect(status).toBe(200);
    const p = d.p!;
    expect(p.slides[0].kind).toBe("overview");
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: FULL, parentCode: DISTRICT });
    const slides = ofKind(p, "indicator");
    expect(new Set(slides.map((s) => s.indicator))).toEqual(new Set(built.scorecard.columns.map((c) => c.key)));
    for (const col of built.scorecard.columns) {
      const ci = built.scorecard.columns.indexOf(col);
      const own = slides.filter((s) => s.indicator === col.key);
      expect(own.map((s) => s.page)).toEqual(own.map((_, i) => i + 1));
      for (const s of own) expect(s.bars.length).toBeLessThanOrEqual(BARS_PER_SLIDE);
      const bars = own.flatMap((s) => s.bars);
      const noData = own.flatMap((s) => s.noData);
      const cellOf = (code: string) => built.scorecard.rows.find((r) => r.code === code)!.cells[ci];
      // Every unit once: drawn with a value, or listed without one.
      expect([...bars.map((b) => b.code), ...noData.map((u) => u.code)].sort()).toEqual(built.scorecard.rows.map((r) => r.code).sort());
      for (const u of noData) expect(cellOf(u.code).value, `${u.code} ${col.key}`).toBeNull();
      for (const b of bars) expect(cellOf(b.code).value, `${b.code} ${col.key}`).not.toBeNull();
      // Worst first: achievements never fall down the list (units without a target after those with one).
      const ach = bars.map((b) => cellOf(b.code).achievement);
      const withTarget = ach.filter((a) => a !== null) as number[];
      expect(withTarget).toEqual([...withTarget].sort((x, y) => x - y));
      expect(ach.slice(0, withTarget.length).every((a) => a !== null)).toBe(true);
    }
  });

  it("says how many reports are in for an incomplete unit, and lists units without data as such", async () => {
    const { d } = await load(`?period=${PARTIAL}&parent=${DISTRICT}`, "admin");
    const p = d.p!;
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PARTIAL, parentCode: DISTRICT });
    const slides = ofKind(p, "indicator");
    const incomplete = slides.flatMap((s) => s.bars.filter((b) => b.incomplete).map((b) => ({ s, b })));
    const listed = slides.flatMap((s) => s.noData);
    expect(incomplete.length + listed.length, "a barely reported month has incomplete or empty cells").toBeGreaterThan(0);
    for (const { s, b } of incomplete) {
      const ci = built.scorecard.columns.findIndex((c) => c.key === s.indicator);
      const cell = built.scorecard.rows.find((r) => r.code === b.code)!.cells[ci];
      expect(b.incomplete).toEqual({ reported: cell.reported, expected: cell.expected });
      expect(cell.reported).toBeLessThan(cell.expected);
    }
  });

  it("marks a cell with a follow-up action, and says when it is overdue", async () => {
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: FULL, parentCode: DISTRICT });
    const col = built.scorecard.columns[0];
    const row = built.scorecard.rows.find((r) => r.cells[0].value !== null)!;
    const unit = built.rows.find((u) => u.code === row.code)!;
    const district = await getDb().selectFrom("org_unit").select("id").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
    const at = clock.iso();
    await getDb()
      .insertInto("follow_up_action")
      .values({
        meeting_id: null,
        district_id: district.id,
        org_unit_id: unit.id,
        package_key: "ilp-nasional",
        indicator_key: col.key,
        period: FULL,
        baseline_value: row.cells[0].value,
        problem: "Cakupan rendah",
        cause: null,
        plan: "Sweeping",
        responsible_org_unit_id: unit.id,
        responsible_person: null,
        responsible_user_id: null,
        due_date: "2026-11-15",
        status: "planned",
        done_at: null,
        done_by: null,
        verified_at: null,
        verified_by: null,
        created_by: await adminId(),
        created_at: at,
        updated_at: at,
      })
      .execute();
    const { d } = await load(`?period=${FULL}&parent=${DISTRICT}`, "admin");
    const bars = ofKind(d.p!, "indicator")
      .filter((s) => s.indicator === col.key)
      .flatMap((s) => s.bars);
    const marked = bars.filter((b) => b.marker);
    expect(marked.map((b) => b.code)).toEqual([row.code]);
    expect(marked[0].marker).toEqual({ total: 1, open: 1, overdue: 1 });
    // Other indicators of the same unit carry no marker.
    expect(
      ofKind(d.p!, "indicator")
        .filter((s) => s.indicator !== col.key)
        .flatMap((s) => s.bars)
        .some((b) => b.marker),
    ).toBe(false);
  });

  it("ranks units by their share of indicators on target and names the most improved and declined since the previous period", async () => {
    const { d } = await load(`?period=${FULL}&parent=${DISTRICT}`, "admin");
    const p = d.p!;
    const now = await buildScorecard({ packageKey: "ilp-nasional", period: FULL, parentCode: DISTRICT });
    const before = await buildScorecard({ packageKey: "ilp-nasional", period: previousPeriod(FULL), parentCode: DISTRICT, trend: false });
    const overview = ofKind(p, "overview");
    const ranks = overview.flatMap((s) => s.ranks);
    const shares = ranks.map((r) => r.share);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    for (const r of ranks) {
      const s = shareOnTarget(now.scorecard.rows.find((x) => x.code === r.code)!);
      expect(r.share).toBe(s.share);
      expect([r.onTarget, r.judged]).toEqual([s.onTarget, s.judged]);
    }
    expect(ranks[0].rank).toBe(1);
    expect(p.comparePeriodLabel).toBe("September 2026");
    const delta = (code: string) =>
      (shareOnTarget(now.scorecard.rows.find((x) => x.code === code)!).share! - shareOnTarget(before.scorecard.rows.find((x) => x.code === code)!).share!) *
      100;
    const deltas = now.scorecard.rows
      .filter((r) => shareOnTarget(r).share !== null && shareOnTarget(before.scorecard.rows.find((x) => x.code === r.code)!).share !== null)
      .map((r) => delta(r.code));
    const { improved, declined } = overview[0];
    expect(improved.length + declined.length, "the demo's units move between months").toBeGreaterThan(0);
    if (improved.length > 0) expect(improved[0].delta).toBeCloseTo(Math.max(...deltas), 6);
    if (declined.length > 0) expect(declined[0].delta).toBeCloseTo(Math.min(...deltas), 6);
    for (const m of improved) expect(m.delta).toBeGreaterThan(0);
    for (const m of declined) expect(m.delta).toBeLessThan(0);
  });

  it("gives one slide per unit in mode=unit, in rank order, with every indicator", async () => {
    const { d } = await load(`?period=${FULL}&parent=${DISTRICT}&mode=unit`, "admin");
    const p = d.p!;
    expect(p.mode).toBe("unit");
    const units = ofKind(p, "unit");
    const first = units.filter((s) => s.page === 1).map((s) => s.unitCode);
    const ranked = ofKind(p, "overview").flatMap((s) => s.ranks.map((r) => r.code));
    expect(first.slice(0, ranked.length)).toEqual(ranked);
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: FULL, parentCode: DISTRICT });
    expect(new Set(first)).toEqual(new Set(built.scorecard.rows.map((r) => r.code)));
    const one = units.filter((s) => s.unitCode === first[0]);
    expect(one.flatMap((s) => [...s.bars.map((b) => b.indicator), ...s.noData.map((u) => u.code)]).sort()).toEqual(
      built.scorecard.columns.map((c) => c.key).sort(),
    );
  });

  it("refuses an area outside the viewer's (403), roles without scorecards (403), and unreadable parameters (400, in words)", async () => {
    expect((await load(`?period=${FULL}&parent=33.24`, "admin")).status).toBe(403);
    expect((await load(`?period=${FULL}&parent=${DISTRICT}`, "operator")).status).toBe(403);
    const badMode = await load(`?period=${FULL}&parent=${DISTRICT}&mode=semua`, "admin");
    expect(badMode.status).toBe(400);
    expect(badMode.d.error).toContain("Parameter mode tidak dikenal");
    const badSlide = await load(`?period=${FULL}&parent=${DISTRICT}&slide=x`, "admin");
    expect(badSlide.status).toBe(400);
    expect(badSlide.d.error).toContain("Nomor slide");
    const en = `; ${(await langCookie.serialize("en")).split(";")[0]}`;
    const inEnglish = await call(
      present.loader,
      makeRequest(`/scorecards/present?period=${FULL}&parent=${DISTRICT}&mode=semua`, { cookie: cookie.admin + en }),
    );
    expect(statusOf(inEnglish)).toBe(400);
    expect(payloadOf<Loaded>(inEnglish).error).toBe('Unknown mode: "semua". Choose "indicator" or "unit".');
    const badPeriod = await load(`?period=2026-13&parent=${DISTRICT}`, "admin");
    expect(badPeriod.status).toBe(400);
    // A facilitator of two Central Java districts sees Kendal, not Sawahlunto.
    expect((await load(`?period=${FULL}&parent=33.24`, "jateng")).status).toBe(200);
    expect((await load(`?period=${FULL}&parent=${DISTRICT}`, "jateng")).status).toBe(403);
  });

  it("explains one bar's cell on demand, only inside the viewer's area", async () => {
    const { d } = await load(`?period=${FULL}&parent=${DISTRICT}`, "admin");
    const bar = ofKind(d.p!, "indicator")[0].bars[0];
    const get = (search: string, who: string) => call(explain.loader, makeRequest(`/scorecards/present/explain${search}`, { cookie: cookie[who] }));
    const res = await get(`?period=${FULL}&parent=${DISTRICT}&row=${bar.code}&indicator=${bar.indicator}`, "admin");
    expect(statusOf(res)).toBe(200);
    const view = payloadOf<{ view: ExplainView }>(res).view;
    expect(view.row.code).toBe(bar.code);
    expect(view.indicator.key).toBe(bar.indicator);
    expect(statusOf(await get(`?period=${FULL}&parent=${DISTRICT}&row=${bar.code}&indicator=${bar.indicator}`, "kendal"))).toBe(403);
    expect(statusOf(await get(`?period=${FULL}&parent=${DISTRICT}&row=${bar.code}`, "admin"))).toBe(400);
  });

  it("offers a runner the link that records a follow-up action on the bar's cell, without a meeting", async () => {
    const { d } = await load(`?period=${FULL}&parent=${DISTRICT}`, "admin");
    const bar = ofKind(d.p!, "indicator")[0].bars[0];
    const get = (who: string) =>
      call(
        explain.loader,
        makeRequest(`/scorecards/present/explain?period=${FULL}&parent=${DISTRICT}&row=${bar.code}&indicator=${bar.indicator}`, { cookie: cookie[who] }),
      );
    const href = payloadOf<{ newActionHref: string | null }>(await get("admin")).newActionHref;
    expect(href).not.toBeNull();
    const url = new URL(href!, "http://x");
    expect(url.pathname).toBe("/actions/new");
    expect(Object.fromEntries(url.searchParams)).toEqual({ package: "ilp-nasional", indicator: bar.indicator, unit: bar.code, period: FULL });
    // A verifier reads the explanation but assigns nothing.
    const asVerifier = await get("verifier");
    expect(statusOf(asVerifier)).toBe(200);
    expect(payloadOf<{ newActionHref: string | null }>(asVerifier).newActionHref).toBeNull();
  });

  describe("a meeting's presentation", () => {
    let meetingId = 0;
    let previousId = 0;
    beforeAll(async () => {
      const db = getDb();
      const district = await db.selectFrom("org_unit").select("id").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
      const at = clock.iso();
      const insert = async (period: string, previous: number | null) => {
        const row = await db
          .insertInto("meeting")
          .values({
            kind: "evaluation",
            title: `Rapat evaluasi ${period}`,
            owner_org_unit_id: district.id,
            package_key: "ilp-nasional",
            indicator_group: null,
            period,
            meeting_date: "2026-12-02",
            location: null,
            points: null,
            decisions: null,
            previous_meeting_id: previous,
            created_by: await adminId(),
            created_at: at,
            updated_at: at,
            closed_at: null,
            closed_by: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await db.insertInto("meeting_scope").values({ meeting_id: row.id, org_unit_id: district.id }).execute();
        return row.id;
      };
      previousId = await insert("2026-07", null);
      meetingId = await insert(FULL, previousId);
    });

    const open = (id: string, who: string, search = "") =>
      call(meetingPresent.loader, makeRequest(`/meetings/${id}/present${search}`, { cookie: cookie[who] }), { id });

    it("presents the district's Puskesmas and compares with the previous meeting's period", async () => {
      const res = await open(String(meetingId), "admin");
      expect(statusOf(res)).toBe(200);
      const d = payloadOf<Loaded & { back: { href: string } }>(res);
      expect(d.back.href).toBe(`/meetings/${meetingId}`);
      const p = d.p!;
      expect(p.comparePeriodLabel).toBe("Juli 2026");
      const built = await buildScorecard({ packageKey: "ilp-nasional", period: FULL, parentCode: DISTRICT });
      const codes = ofKind(p, "indicator")
        .filter((s) => s.indicator === built.scorecard.columns[0].key)
        .flatMap((s) => [...s.bars.map((b) => b.code), ...s.noData.map((u) => u.code)]);
      expect(codes.sort()).toEqual(built.scorecard.rows.map((r) => r.code).sort());
      // The verifier of the district reads it too.
      expect(statusOf(await open(String(meetingId), "verifier"))).toBe(200);
    });

    it("answers 404 for an unknown meeting, 403 for another district's admin, 400 for an unreadable id", async () => {
      expect(statusOf(await open("999999", "admin"))).toBe(404);
      const refused = await open(String(meetingId), "kendal");
      expect(statusOf(refused)).toBe(403);
      expect(await (refused as Response).text()).toContain("Rapat ini di luar wilayah Anda");
      expect(statusOf(await open("abc", "admin"))).toBe(400);
      expect(statusOf(await open(String(meetingId), "admin", "?mode=x"))).toBe(400);
    });

    it("explains a cell of the meeting's scope, and refuses one outside it or another district's admin", async () => {
      const built = await buildScorecard(
        meetingQuery({ package_key: "ilp-nasional", period: FULL, indicator_group: null }, [
          await getDb().selectFrom("org_unit").selectAll().where("code", "=", DISTRICT).executeTakeFirstOrThrow(),
        ]),
      );
      const row = built.scorecard.rows[0].code;
      const indicator = built.scorecard.columns[0].key;
      const get = (search: string, who: string) => call(explain.loader, makeRequest(`/scorecards/present/explain${search}`, { cookie: cookie[who] }));
      const ok = await get(`?meeting=${meetingId}&row=${row}&indicator=${indicator}`, "admin");
      expect(statusOf(ok)).toBe(200);
      expect(payloadOf<{ view: ExplainView }>(ok).view.row.code).toBe(row);
      expect(statusOf(await get(`?meeting=${meetingId}&row=${row}&indicator=${indicator}`, "kendal"))).toBe(403);
      expect(statusOf(await get(`?meeting=${meetingId}&row=33.24&indicator=${indicator}`, "admin"))).toBe(404);
      expect(statusOf(await get(`?meeting=999999&row=${row}&indicator=${indicator}`, "admin"))).toBe(404);
    });

    it("offers the meeting's runners a link to agree an action on the cell while the meeting is open", async () => {
      const built = await buildScorecard(
        meetingQuery({ package_key: "ilp-nasional", period: FULL, indicator_group: null }, [
          await getDb().selectFrom("org_unit").selectAll().where("code", "=", DISTRICT).executeTakeFirstOrThrow(),
        ]),
      );
      const row = built.scorecard.rows[0].code;
      const indicator = built.scorecard.columns[0].key;
      const get = (id: number, who: string) =>
        call(explain.loader, makeRequest(`/scorecards/present/explain?meeting=${id}&row=${row}&indicator=${indicator}`, { cookie: cookie[who] }));
      const hrefOf = (res: unknown) => payloadOf<{ newActionHref: string | null }>(res).newActionHref;
      const href = hrefOf(await get(meetingId, "admin"));
      expect(href).not.toBeNull();
      const url = new URL(href!, "http://x");
      expect(url.pathname).toBe("/actions/new");
      expect(Object.fromEntries(url.searchParams)).toEqual({ package: "ilp-nasional", indicator, unit: row, period: FULL, meeting: String(meetingId) });
      // The district's verifier reads the meeting's explanation, without the link.
      const asVerifier = await get(meetingId, "verifier");
      expect(statusOf(asVerifier)).toBe(200);
      expect(hrefOf(asVerifier)).toBeNull();
      // The Puskesmas' operator has no explanation at all (no scorecard role), so no link either.
      const asOperator = await get(meetingId, "operator");
      expect(statusOf(asOperator)).toBe(403);
      // A closed meeting takes no new action: the explanation stays, the link goes.
      await getDb()
        .updateTable("meeting")
        .set({ status: "closed", closed_at: clock.iso(), closed_by: await adminId() })
        .where("id", "=", previousId)
        .execute();
      const closed = await get(previousId, "admin");
      expect(statusOf(closed)).toBe(200);
      expect(hrefOf(closed)).toBeNull();
    });
  });
});
