import { describe, expect, test } from "vitest";
import fc from "fast-check";
import data from "./cases/status.json";
import { achievement, bandOf, bandsOf, bandValueThresholds, cellStatus, trendOf, MAX_ACHIEVEMENT, type StatusInput } from "@engine/status";
import type { Direction } from "@engine/documents";
import { expectPartial } from "./helpers";

describe("achievement (cases/status.json)", () => {
  for (const c of data.achievement) {
    test(c.name, () => {
      const got = achievement(c.value, c.target, (c as { direction?: Direction }).direction);
      if (c.expected === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(c.expected, 9);
    });
  }
});

describe("cell status (cases/status.json)", () => {
  for (const c of data.cells) {
    test(c.name, () => expectPartial(cellStatus(c.input as StatusInput), c.expected));
  }
});

describe("trend (cases/status.json)", () => {
  for (const c of data.trends) {
    test(c.name, () => {
      const got = trendOf(c.current, c.previous, { direction: (c as { direction?: Direction }).direction });
      if (c.expected === null) expect(got).toBeNull();
      else expectPartial(got, c.expected);
    });
  }
});

describe("status helpers", () => {
  test("default bands and overrides", () => {
    expect(bandsOf({})).toEqual({ green: 100, yellow: 80 });
    expect(bandsOf({ bands: { green: 90, yellow: 60 } })).toEqual({ green: 90, yellow: 60 });
  });

  test("value thresholds for explain, both directions", () => {
    expect(bandValueThresholds(25, { green: 100, yellow: 80 }, "higher")).toEqual({ green: 25, yellow: 20 });
    expect(bandValueThresholds(30, { green: 100, yellow: 80 }, "lower")).toEqual({ green: 30, yellow: 37.5 });
    expect(bandValueThresholds(null, { green: 100, yellow: 80 })).toEqual({ green: null, yellow: null });
  });

  test("achievement is always finite and within [0, MAX]", () => {
    const num = fc.oneof(fc.double({ noNaN: false }), fc.constant(0), fc.constant(null));
    fc.assert(
      fc.property(num, num, fc.constantFrom<Direction>("higher", "lower"), (v, t, d) => {
        const a = achievement(v, t, d);
        if (a !== null) {
          expect(Number.isFinite(a)).toBe(true);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(MAX_ACHIEVEMENT);
        }
        const s = cellStatus({ value: v, target: t, direction: d, completeness: 1 });
        expect(["green", "yellow", "red", "nodata", "notarget"]).toContain(s.state);
      }),
    );
  });

  test("bands are monotone in achievement", () => {
    const order = { red: 0, yellow: 1, green: 2 } as const;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(order[bandOf(lo)!]).toBeLessThanOrEqual(order[bandOf(hi)!]);
      }),
    );
  });
});
