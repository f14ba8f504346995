/**
 * Compare side by side on the demo data: the values equal the scorecard's
 * cells, the trend series equals per-period scorecards, scope comes from the session (403 for
 * units outside it, and for roles without scorecards), bad input gives a message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatNumberId, shiftPeriod } from "@engine";
import { buildScorecard } from "~/models/scorecard.server";
import { parseUnitCodes, seriesPeriods, shortPeriodLabel } from "~/models/scorecard-compare.server";
import * as compare from "~/routes/scorecards_.compare";
import { call, makeRequest, payloadOf, FACILITATOR_USERS, useDemoDatabase, puskesmasCode, statusOf } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

const PERIOD = "2025-12";

type CompareData = Awaited<ReturnType<typeof compare.loader>> extends infer R ? (R extends { data: infer D } ? D : R) : never;

describe("compare helpers", () => {
  it("reads units from a comma list and from repeated parameters, without duplicates", () => {
    expect(parseUnitCodes(new URL("http://x/?units=33.28,33.24,33.28"))).toEqual(["33.28", "33.24"]);
    expect(parseUnitCodes(new URL("http://x/?units=33.28&units=%2033.24%20"))).toEqual(["33.28", "33.24"]);
    expect(parseUnitCodes(new URL("http://x/"))).toEqual([]);
  });
  it("lists the last 12 periods of the period's type, ending with it", () => {
    expect(seriesPeriods("2025-12")).toEqual(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`));
    expect(seriesPeriods("2025-Q2")[0]).toBe(shiftPeriod("2025-Q2", -11));
    expect(seriesPeriods("2025")).toHaveLength(12);
    expect(shortPeriodLabel("2025-03")).toBe("Mar 2025");
    expect(shortPeriodLabel("2025-Q1")).toBe("TW I 2025");
  });
});

describe.each(DIALECTS)("compare side by side on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, PERIOD, {
      ...FACILITATOR_USERS,
      operator: ["op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  const get = (search: string, who?: string) => call(compare.loader, makeRequest(`/scorecards/compare${search}`, { cookie: who ? cookie[who] : undefined }));
  const dataOf = async (search: string, who: string) => {
    const res = await get(search, who);
    return { status: statusOf(res), d: payloadOf<CompareData>(res) };
  };

  it("shows the chosen districts with exactly the scorecard's cells, best value and differences", async () => {
    const { status, d } = await dataOf(`?period=${PERIOD}&units=33.28,33.24`, "national");
    expect(d.error).toBeNull();
    expect(status).toBe(200);
    const view = d.view!;
    expect(view.units.map((u) => u.code)).toEqual(["33.28", "33.24"]);
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33" });
    expect(view.indicators.map((i) => i.key)).toEqual(built.scorecard.columns.map((c) => c.key));
    let coloured = 0;
    let diffs = 0;
    for (const ind of view.indicators) {
      const ci = built.scorecard.columns.findIndex((c) => c.key === ind.key);
      const column = built.scorecard.columns[ci];
      ind.cells.forEach((cell, ui) => {
        const ref = built.scorecard.rows.find((r) => r.code === view.units[ui].code)!.cells[ci];
        expect(cell.value, `${cell.code} ${ind.key}`).toBe(formatNumberId(ref.value, column.decimals));
        expect(cell.raw, `${cell.code} ${ind.key}`).toBe(ref.value);
        expect(cell.state, `${cell.code} ${ind.key}`).toBe(ref.state);
        expect(cell.target).toBe(ref.target ? formatNumberId(ref.target.value, column.decimals) : null);
        expect(cell.achievement).toBe(ref.achievement === null ? null : formatNumberId(ref.achievement, 1));
        if (["green", "yellow", "red"].includes(cell.state)) coloured++;
      });
      const [a, b] = ind.cells;
      expect(a.diff).toBeNull();
      if (a.raw !== null && b.raw !== null) {
        diffs++;
        expect(b.diff).toMatch(/^(±0|[+−]\d)/);
        if (ind.unit === "%") expect(b.diff).toMatch(/ poin$/);
        const better = ind.direction === "lower" ? Math.min(a.raw, b.raw) : Math.max(a.raw, b.raw);
        expect([a, b].filter((c) => c.best).map((c) => c.raw)).toContain(better);
      }
    }
    expect(coloured).toBeGreaterThan(0);
    expect(diffs).toBeGreaterThan(0);
  });

  it("has a 12-point series per unit that equals the per-period scorecards", async () => {
    const { d } = await dataOf(`?period=${PERIOD}&units=33.28,33.24`, "national");
    const view = d.view!;
    expect(view.periods).toEqual(seriesPeriods(PERIOD));
    expect(view.periodLabels).toHaveLength(12);
    // units() counts the units reporting any form read in the window, so a point is compared with
    // the scorecard of the same indicator set (the page's), not with a one-indicator scorecard.
    const ind = view.indicators.find((i) => i.key === "ilp_puskesmas")!;
    expect(
      ind.series.every((s) => s.values.filter((v) => v !== null).length >= 6),
      "values over most of the year",
    ).toBe(true);
    for (const i of view.indicators) for (const s of i.series) expect(s.values).toHaveLength(12);
    for (const [pi, p] of view.periods.entries()) {
      const built = await buildScorecard({ packageKey: "ilp-nasional", period: p, parentCode: "33" });
      const ci = built.scorecard.columns.findIndex((c) => c.key === ind.key);
      for (const s of ind.series) {
        const ref = built.scorecard.rows.find((r) => r.code === s.code)!.cells[ci].value;
        if (ref === null) expect(s.values[pi], `${s.code} ${p}`).toBeNull();
        else expect(s.values[pi], `${s.code} ${p}`).toBeCloseTo(ref, 9);
      }
    }
    // The last point is the table's value.
    ind.series.forEach((s, ui) => expect(s.values[11]).toBe(ind.cells[ui].raw));
  });

  it("compares Puskesmas of one district with the district's targets", async () => {
    const a = puskesmasCode("Sungai Durian");
    const rows = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "13.73" });
    const b = rows.scorecard.rows.map((r) => r.code).find((c) => c !== a)!;
    const { status, d } = await dataOf(`?period=${PERIOD}&units=${a},${b}`, "national");
    expect(status).toBe(200);
    const view = d.view!;
    expect(view.level).toBe("puskesmas");
    for (const ind of view.indicators) {
      const ci = rows.scorecard.columns.findIndex((c) => c.key === ind.key);
      expect(ci).toBeGreaterThanOrEqual(0);
      ind.cells.forEach((cell) => {
        const ref = rows.scorecard.rows.find((r) => r.code === cell.code)!.cells[ci];
        expect(cell.raw).toBe(ref.value);
        expect(cell.state).toBe(ref.state);
      });
    }
  });

  it("refuses a unit outside the facilitator's area with 403 and a message", async () => {
    const { status, d } = await dataOf(`?period=${PERIOD}&units=13.73,33.24`, "jateng");
    expect(status).toBe(403);
    expect(d.view).toBeNull();
    expect(d.error).toContain("Kota Sawahlunto");
    expect(d.error).toContain("di luar wilayah");
    // Inside the area it works.
    expect((await dataOf(`?period=${PERIOD}&units=33.28,33.24`, "jateng")).status).toBe(200);
  });

  it("refuses a Puskesmas operator and sends anonymous users to the login", async () => {
    expect(statusOf(await get(`?period=${PERIOD}&units=33.28,33.24`, "operator"))).toBe(403);
    const anon = (await get(`?period=${PERIOD}&units=33.28,33.24`)) as Response;
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toMatch(/^\/login/);
  });

  it("answers bad input with clear messages, never a crash", async () => {
    const cases: Array<[string, number, RegExp]> = [
      [`?period=${PERIOD}&units=33.28`, 400, /paling sedikit 2 unit/],
      [`?period=${PERIOD}`, 400, /paling sedikit 2 unit/],
      [`?period=${PERIOD}&units=33.28,33,ID`, 400, /tingkat yang sama/],
      [`?period=${PERIOD}&units=33.28,99.99`, 404, /99\.99/],
      [`?period=2025-13&units=33.28,33.24`, 400, /Bulan 13/],
      [`?period=${PERIOD}&units=33.28,33.24&template=tidak-ada`, 404, /tidak-ada/],
      [`?period=${PERIOD}&units=33.28,33.24&group=tidak-ada`, 400, /tidak-ada/],
      [`?period=${PERIOD}&units=11,12,13,14,15,16,17`, 400, /paling banyak 6/],
      [`?period=${PERIOD}&units=ID,13`, 400, /tingkat yang sama|Tingkat/],
    ];
    for (const [search, expected, message] of cases) {
      const { status, d } = await dataOf(search, "national");
      expect(status, search).toBe(expected);
      expect(d.view, search).toBeNull();
      expect(d.error, search).toMatch(message);
    }
    // Two national-level codes: same level but not a row level.
    const { status, d } = await dataOf(`?period=${PERIOD}&units=ID,ID`, "national");
    expect(status).toBe(400);
    expect(d.error).toMatch(/paling sedikit 2 unit/);
  });
});
