/**
 * The demo is alive on whatever day it is seeded: the default scorecard has colours, the home
 * counts last month's reports, operators have forms due, verifiers have a queue. Each date is
 * set on the app's clock (the server reads time through one function), so this runs the same
 * today and in any later month.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as home from "~/routes/_index";
import * as page from "~/routes/scorecards";
import { call, makeRequest, payloadOf, puskesmasCode, useDemoDatabaseAt } from "../helpers/app";

const DAYS = ["2027-01-01T00:30:00Z", "2028-02-03T07:00:00Z", "2028-02-29T10:00:00Z", "2026-12-04T09:00:00Z"];

describe("demo on any day", () => {
  let destroy: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await destroy?.();
    destroy = null;
  });

  it.each(DAYS)(
    "seeded on %s: scorecard coloured, last month reported, forms due, a verification queue",
    async (day) => {
      const { handle, cookie } = await useDemoDatabaseAt("sqlite", day, {
        facilitator: ["fas.nasional", [["facilitator", "ID"]]],
        operator: ["op.tebidah", [["puskesmas_operator", puskesmasCode("Tebidah")]]],
        verifier: ["ver.tegal", [["district_verifier", "33.28"]]],
      });
      destroy = () => handle.destroy();
      const at = new Date(day);
      const monthsBefore = (n: number) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
      const lastMonth = monthsBefore(1);

      // The facilitator's default scorecard: the latest month with enough reports (docs/decisions/025-scorecard-opening-period.md),
      // last month once its reports are in, the month before while they still come in; with coloured cells.
      const sc = payloadOf(await call(page.loader, makeRequest("/scorecards", { cookie: cookie.facilitator })));
      expect(sc.error).toBeNull();
      expect([lastMonth, monthsBefore(2)], day).toContain(sc.sel.period);
      // Judged against a target: coloured, or muted with its colour while last month's reports still come in.
      const cells = sc.view.rows.flatMap((r: { cells: Array<{ state: string; band?: string }> }) => r.cells);
      const judged = cells.filter(
        (c: { state: string; band?: string }) => ["green", "yellow", "red"].includes(c.state) || (c.state === "incomplete" && c.band),
      );
      expect(judged.length, day).toBeGreaterThan(cells.length / 3);

      // The facilitator's home: most Puskesmas reported last month.
      const h = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.facilitator })));
      expect(h.stats.period).toBe(lastMonth);
      expect(h.stats.completeness, day).toBeGreaterThan(40);

      // The operator: forms of this month and last month on the home's list.
      const op = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.operator })));
      const periods = new Set(op.operator.due.map((r: { period: string }) => r.period));
      expect(periods.has(lastMonth), day).toBe(true);
      expect(periods.has(day.slice(0, 7)), day).toBe(true);

      // The verifier: reports waiting.
      const v = payloadOf(await call(home.loader, makeRequest("/", { cookie: cookie.verifier })));
      expect(v.verifier.queueCount, day).toBeGreaterThan(0);
    },
    180_000,
  );
});
