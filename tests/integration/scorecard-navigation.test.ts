/**
 * Finding the scorecard: the period it opens on (the latest with enough reports in the viewer's
 * area, decision 025), the level and area choice, and the explanation in the reader's words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { defaultScorecardPeriod, DEFAULT_PERIOD_THRESHOLD, lastCompletePeriod, pickerPeriods } from "~/models/scorecard-period.server";
import * as page from "~/routes/scorecards";
import * as explainRoute from "~/routes/scorecards_.explain";
import * as compareRoute from "~/routes/scorecards_.compare";
import type { CompareView } from "~/contracts/scorecard-compare";
import { buildScorecard } from "~/models/scorecard.server";
import { explainScorecardCell } from "~/models/scorecard.server";
import { effectivePackage } from "~/models/templates.server";
import { langCookie } from "~/i18n/locale.server";
import type { ExplainView } from "~/contracts/scorecard-explain";
import { call, makeRequest, payloadOf, FACILITATOR_USERS, useDemoDatabaseAt } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

// Early December: November has barely begun to come in, October is mostly reported.
const AS_OF = "2026-12-03T12:00:00.000Z";

describe.each(DIALECTS)("scorecard navigation on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabaseAt(kind, AS_OF, {
      ...FACILITATOR_USERS,
      districtAdmin: ["adm.sawahlunto", [["district_admin", "13.73"]]],
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  /**
   * The rule computed the plain way: per month, counted reports of the monthly forms over the
   * units expected to send them. Each form is reported by its own level (decision 034): the
   * Puskesmas send the profile and the SPM report, every Pustu its Pustu ILP report, every Posyandu
   * its Posyandu ILP recap (decision 035); a report counts only for the form of its own level.
   */
  const MONTHLY_FORMS: Record<string, "puskesmas" | "pustu" | "posyandu"> = {
    ilp_profil: "puskesmas",
    spm_bulanan: "puskesmas",
    pustu_ilp_bulanan: "pustu",
    posyandu_ilp_bulanan: "posyandu",
  };
  async function expectedDefault(under: string | null, now: Date) {
    const db = getDb();
    let units = db.selectFrom("org_unit").select(["id", "level"]).where("level", "in", ["puskesmas", "pustu", "posyandu"]);
    if (under) units = units.where("path", "like", `${under}%`);
    const levelOf = new Map((await units.execute()).map((u) => [u.id, u.level]));
    const expected = Object.values(MONTHLY_FORMS).reduce((n, level) => n + [...levelOf.values()].filter((l) => l === level).length, 0);
    const subs = await db
      .selectFrom("submission")
      .select(["org_unit_id", "period", "form_key"])
      .where("form_key", "in", Object.keys(MONTHLY_FORMS))
      .where("status", "in", ["submitted", "approved"])
      .execute();
    const last = lastCompletePeriod("month", now);
    const months = Array.from({ length: 6 }, (_, i) => {
      const [y, m] = last.split("-").map(Number);
      const d = new Date(Date.UTC(y, m - 1 - i, 1));
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    });
    const share = (p: string) => subs.filter((s) => s.period === p && levelOf.get(s.org_unit_id) === MONTHLY_FORMS[s.form_key]).length / expected;
    const enough = months.find((p) => share(p) >= DEFAULT_PERIOD_THRESHOLD);
    if (enough) return { period: enough, rule: "threshold", completeness: share(enough) };
    const best = months.reduce((a, b) => (share(b) > share(a) ? b : a));
    return share(best) === 0 ? { period: last, rule: "none", completeness: 0 } : { period: best, rule: "mostComplete", completeness: share(best) };
  }

  it("opens on the latest month with at least 80 % of reports in the viewer's area, not on the barely reported last month", async () => {
    const now = new Date(AS_OF);
    expect(lastCompletePeriod("month", now)).toBe("2026-11");
    const national = await defaultScorecardPeriod("ilp-nasional", ["/1/"], now);
    expect(national).toMatchObject(await expectedDefault(null, now));
    expect(national.rule).toBe("threshold");
    // The last complete month is still coming in: the default is an earlier one.
    expect(national.period < "2026-11").toBe(true);
    expect(national.completeness!).toBeGreaterThanOrEqual(0.8);
    // A district's own area decides for its viewers.
    const sawahlunto = (await getDb().selectFrom("org_unit").select("path").where("code", "=", "13.73").executeTakeFirstOrThrow()).path;
    const district = await defaultScorecardPeriod("ilp-nasional", [sawahlunto], now);
    expect(district).toMatchObject(await expectedDefault(sawahlunto, now));
  });

  it("falls back to the most complete recent month when none reaches the threshold, and to the last complete month when nothing came in", async () => {
    const later = new Date("2027-05-10T08:00:00Z");
    const most = await defaultScorecardPeriod("ilp-nasional", ["/1/"], later);
    expect(most).toMatchObject(await expectedDefault(null, later));
    expect(most.rule).toBe("mostComplete");
    expect(most.completeness!).toBeLessThan(0.8);
    const empty = await defaultScorecardPeriod("ilp-nasional", ["/1/"], new Date("2027-09-10T08:00:00Z"));
    expect(empty).toMatchObject({ period: "2027-08", rule: "none", completeness: 0 });
    // An unknown package has no forms: the last complete month, nothing expected.
    expect(await defaultScorecardPeriod("tidak-ada", ["/1/"], later)).toMatchObject({ period: "2027-04", rule: "none", completeness: null });
  });

  it("offers months, quarters and years the package's forms use, newest first, the running period included", () => {
    const groups = pickerPeriods(["month", "year", "quarter"], new Date(AS_OF));
    expect(groups.map((g) => g.type)).toEqual(["month", "quarter", "year"]);
    expect(groups[0].periods.slice(0, 3)).toEqual(["2026-12", "2026-11", "2026-10"]);
    expect(groups[1].periods.slice(0, 2)).toEqual(["2026-Q4", "2026-Q3"]);
    expect(groups[2].periods.slice(0, 2)).toEqual(["2026", "2025"]);
    expect(pickerPeriods(["quarter"], new Date(AS_OF)).map((g) => g.type)).toEqual(["quarter"]);
  });

  type PageData = {
    sel: { period: string; level: string | null };
    periodDefault: { period: string; rule: string } | null;
    view: { rows: Array<{ code: string; level: string; cells: Array<{ state: string }> }> } | null;
    error: string | null;
    area: { code: string } | null;
  };
  const pageData = async (search: string, who: string) =>
    payloadOf<PageData>(await call(page.loader, makeRequest(`/scorecards${search}`, { cookie: cookie[who] })));

  it("the page opens on the default period with mostly coloured cells, and says why", async () => {
    const d = await pageData("?level=district", "national");
    expect(d.error).toBeNull();
    expect(d.periodDefault).toMatchObject({ period: (await expectedDefault(null, new Date(AS_OF))).period, rule: "threshold" });
    expect(d.sel.period).toBe(d.periodDefault!.period);
    const cells = d.view!.rows.flatMap((r) => r.cells);
    const grey = cells.filter((c) => c.state === "nodata" || c.state === "incomplete").length;
    expect(grey / cells.length).toBeLessThan(0.5);
    // A period in the URL is kept, and no default is claimed.
    const asked = await pageData("?level=district&period=2026-11", "national");
    expect(asked.sel.period).toBe("2026-11");
    expect(asked.periodDefault).toBeNull();
  });

  it("chooses the rows level and narrows to an area inside the viewer's scope", async () => {
    const byDistrict = await pageData("?level=district&period=2026-10", "national");
    expect(byDistrict.view!.rows.map((r) => r.code).sort()).toEqual(["13.73", "33.24", "33.28", "61.05", "64.74"]);
    // Puskesmas of one province: the province's Puskesmas only, the province named as the area.
    const inProvince = await pageData("?level=puskesmas&parent=33&period=2026-10", "national");
    expect(inProvince.error).toBeNull();
    expect(inProvince.area?.code).toBe("33");
    const codes = inProvince.view!.rows.map((r) => r.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c.startsWith("P33"))).toBe(true);
    expect(inProvince.view!.rows.every((r) => r.level === "puskesmas")).toBe(true);
    // A level at the parent's children is the plain drill-down.
    const children = await pageData("?level=district&parent=33&period=2026-10", "national");
    expect(children.view!.rows.map((r) => r.code).sort()).toEqual(["33.24", "33.28"]);
    // An area outside the viewer's scope is refused, whatever the level.
    const outside = await call(page.loader, makeRequest("/scorecards?level=puskesmas&parent=13&period=2026-10", { cookie: cookie.jateng }));
    expect(outside).toBeInstanceOf(Response);
    expect((outside as Response).status).toBe(403);
  });

  const explainAs = async (search: string, who: string, lang: "id" | "en" = "id") => {
    const en = lang === "en" ? `; ${(await langCookie.serialize("en")).split(";")[0]}` : "";
    const res = await call(explainRoute.loader, makeRequest(`/scorecards/explain${search}`, { cookie: `${cookie[who]}${en}` }));
    return payloadOf<{ view: ExplainView | null; error: string | null }>(res);
  };

  it("explains in words: the target's source by name, counts without decimals, the aggregation, each unit in one list", async () => {
    // The district's total over January–October: Puskesmas that missed a month are "partly reported".
    const search = "?period=2026-10&ytd=1&parent=13.73&row=13.73&indicator=ilp_posyandu";
    const d = await explainAs(search, "districtAdmin");
    expect(d.error).toBeNull();
    const v = d.view!;
    expect(v.target!.source).toMatch(/^target Kota Sawahlunto · tahun 2026 · Dinkes Kota Sawahlunto/);
    expect(v.summary).toContain("dari target Kota Sawahlunto");
    expect(`${v.summary} ${v.target!.source}`).not.toMatch(/13\.73|kabupaten\/kota/);
    expect(v.periodLabel).toBe("Januari–Oktober 2026 (kumulatif)");
    for (const i of v.inputs) {
      expect(i.aggregation).toMatch(/^(dijumlahkan|nilai terakhir|nilai tertinggi|nilai terendah|rata-rata)/);
      // Stored counts are whole numbers: "9.428", never "9.428,00".
      expect(i.total).toMatch(/^(–|\d{1,3}(\.\d{3})*)$/);
    }
    expect(v.inputs.map((i) => i.aggregation)).toContain("nilai terakhir dalam periode, dijumlahkan dari semua Puskesmas");
    // Each unit in exactly one list, and together exactly the units the engine names.
    const raw = await explainScorecardCell(
      { packageKey: "ilp-nasional", period: "2026-10", ytd: true, parentCode: "13.73", indicators: ["ilp_posyandu"] },
      { row: "13.73", indicator: "ilp_posyandu" },
    );
    for (const f of v.forms) {
      const lists = [f.complete, f.incomplete, f.notReported].map((l) => l.map((u) => u.code));
      const all = lists.flat();
      expect(new Set(all).size).toBe(all.length);
      const engine = raw.forms.find((x) => x.form === f.form)!;
      expect(new Set(all)).toEqual(new Set([...engine.contributing, ...engine.missing]));
      expect(f.complete.every((u) => u.name !== u.code)).toBe(true);
      expect(f.reported).toMatch(/^\d{1,3}(\.\d{3})*$/);
    }
    expect(v.forms.some((f) => f.incomplete.length > 0)).toBe(true);
  });

  it("explains in English with the package's English labels and English number format", async () => {
    const search = "?period=2026-10&ytd=1&parent=13.73&row=13.73&indicator=ilp_posyandu";
    const v = (await explainAs(search, "districtAdmin", "en")).view!;
    const pkg = (await effectivePackage(
      "ilp-nasional",
      (await getDb().selectFrom("org_unit").select("id").where("code", "=", "13.73").executeTakeFirstOrThrow()).id,
    ))!.package;
    expect(v.indicator.name).toBe(pkg.indicators.find((i) => i.key === "ilp_posyandu")!.name.en);
    expect(v.target!.source).toMatch(/^target of Kota Sawahlunto · year 2026 · /);
    expect(v.summary).toMatch(/from the Kota Sawahlunto target/);
    expect(v.periodLabel).toBe("January–October 2026 (year to date)");
    const titles = new Set(pkg.forms.map((f) => f.title.en));
    for (const i of v.inputs) {
      expect(titles.has(i.formTitle)).toBe(true);
      expect(i.aggregation).toMatch(/^(summed|last value|highest|lowest|average)/);
      expect(i.total).toMatch(/^(–|\d{1,3}(,\d{3})*)$/);
    }
    expect(v.forms.every((f) => titles.has(f.title))).toBe(true);
    expect(v.completeness!.pct).toMatch(/^\d+\.\d$/);
  });

  it("compares against the reference the user chose, with its targets for the chart and the units that may be added", async () => {
    const res = await call(
      compareRoute.loader,
      makeRequest("/scorecards/compare?period=2026-10&units=33.28&units=33.24&ref=33.24", { cookie: cookie.national }),
    );
    const v = payloadOf<{ view: CompareView | null; error: string | null }>(res).view!;
    // The reference first: differences are against it.
    expect(v.units.map((u) => u.code)).toEqual(["33.24", "33.28"]);
    const withDiff = v.indicators.flatMap((i) => i.cells).filter((c) => c.diff !== null);
    expect(withDiff.length).toBeGreaterThan(0);
    expect(withDiff.every((c) => c.code === "33.28")).toBe(true);
    // The target line is the reference unit's target in each period (the scorecard's, month by month).
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: "2026-10", parentCode: "33" });
    const kendal = built.scorecard.rows.find((r) => r.code === "33.24")!;
    for (const ind of v.indicators) {
      expect(ind.targets).toHaveLength(v.periods.length);
      expect(ind.targets[ind.targets.length - 1]).toBe(kendal.cells.find((c) => c.indicator === ind.key)!.target?.value ?? null);
    }
    expect(v.indicators.some((i) => i.targets.some((x) => x !== null))).toBe(true);
    // Units that may be added: the other districts of the viewer's area, not those chosen.
    expect(v.candidates.map((c) => c.code).sort()).toEqual(["13.73", "61.05", "64.74"]);
    // A district facilitator of two districts is offered only their own.
    const jateng = payloadOf<{ view: CompareView }>(
      await call(compareRoute.loader, makeRequest("/scorecards/compare?period=2026-10&units=33.28&units=33.24", { cookie: cookie.jateng })),
    ).view;
    expect(jateng.units.map((u) => u.code)).toEqual(["33.28", "33.24"]);
    expect(jateng.candidates).toEqual([]);
    // An unknown reference falls back to the first unit; English period labels on the axis.
    const en = `; ${(await langCookie.serialize("en")).split(";")[0]}`;
    const english = payloadOf<{ view: CompareView }>(
      await call(
        compareRoute.loader,
        makeRequest("/scorecards/compare?period=2026-10&units=33.28&units=33.24&ref=nope", { cookie: `${cookie.national}${en}` }),
      ),
    ).view;
    expect(english.units[0].code).toBe("33.28");
    expect(english.periodLabel).toBe("October 2026");
    expect(english.periodLabels[english.periodLabels.length - 1]).toBe("Oct 2026");
  });
});
