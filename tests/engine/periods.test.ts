import { describe, expect, test } from "vitest";
import fc from "fast-check";
import cases from "./cases/periods.json";
import * as period from "@engine/period";

type Case = { name: string; fn: keyof typeof period; args: unknown[]; expected?: unknown; error?: string };

describe("periods (cases/periods.json)", () => {
  for (const c of cases as Case[]) {
    test(c.name, () => {
      const fn = period[c.fn] as (...args: unknown[]) => unknown;
      if (c.error !== undefined) {
        expect(() => fn(...c.args)).toThrow(period.PeriodError);
        expect(() => fn(...c.args)).toThrow(c.error);
      } else {
        expect(fn(...c.args)).toEqual(c.expected);
      }
    });
  }
});

describe("period properties", () => {
  const anyPeriod = fc.oneof(
    fc.record({ type: fc.constant("month" as const), year: fc.integer({ min: 1901, max: 2998 }), month: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ type: fc.constant("quarter" as const), year: fc.integer({ min: 1901, max: 2998 }), quarter: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ type: fc.constant("year" as const), year: fc.integer({ min: 1901, max: 2998 }) }),
  );

  test("format ∘ parse is the identity", () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        expect(period.parsePeriod(period.formatPeriod(p))).toEqual(p);
      }),
    );
  });

  test("previous and next are inverse; the previous period ends just before this one starts", () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        const s = period.formatPeriod(p);
        expect(period.nextPeriod(period.previousPeriod(s))).toBe(s);
        expect(period.periodWindow(period.previousPeriod(s)).end).toBe(period.periodWindow(s).start - 1);
      }),
    );
  });

  test("a ytd window starts in January and ends with the period", () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        const w = period.periodWindow(p, { ytd: true });
        expect(period.fromMonthIndex(w.start)).toEqual({ year: p.year, month: 1 });
        expect(w.end).toBe(period.periodWindow(p).end);
      }),
    );
  });

  test("tryParsePeriod never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = period.tryParsePeriod(s);
        expect(typeof r.ok).toBe("boolean");
      }),
    );
  });
});
