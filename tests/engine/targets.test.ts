import { describe, expect, test } from "vitest";
import data from "./cases/targets.json";
import { profileValue, resolveTargetDocument, TargetIndex, targetForPeriod, describeScope, type OrgChainLink } from "@engine/targets";
import type { Target } from "@engine/documents";
import { expectPartial } from "./helpers";

const targets = data.targets as unknown as Target[];
const chains = data.chains as Record<string, OrgChainLink[]>;

describe("targets (cases/targets.json)", () => {
  for (const c of data.cases) {
    test(c.name, () => {
      const got = targetForPeriod(targets, c.indicator, c.period, {
        ytd: (c as { ytd?: boolean }).ytd,
        quarterlyData: (c as { quarterlyData?: boolean }).quarterlyData,
        chain: chains[c.chain],
      });
      if (c.expected === null) expect(got).toBeNull();
      else expectPartial(got, c.expected);
    });
  }
});

describe("targets", () => {
  test("an index gives the same answers as the plain list", () => {
    const idx = new TargetIndex(targets);
    for (const c of data.cases) {
      const a = targetForPeriod(targets, c.indicator, c.period, {
        ytd: (c as { ytd?: boolean }).ytd,
        quarterlyData: (c as { quarterlyData?: boolean }).quarterlyData,
        chain: chains[c.chain],
      });
      const b = targetForPeriod(idx, c.indicator, c.period, {
        ytd: (c as { ytd?: boolean }).ytd,
        quarterlyData: (c as { quarterlyData?: boolean }).quarterlyData,
        chain: chains[c.chain],
      });
      expect(b).toEqual(a);
    }
  });

  test("profileValue: quarterly data reads the last quarter ending in the window", () => {
    const bok = { value: 95, profile: { type: "quarterly" as const, values: [25, 50, 75, 95] } };
    expect(profileValue(bok, { endMonth: 10, monthsInPeriod: 10, ytd: true, quarterlyData: true })).toBe(75);
    expect(profileValue(bok, { endMonth: 10, monthsInPeriod: 10, ytd: true })).toBe(95);
    expect(profileValue(bok, { endMonth: 12, monthsInPeriod: 1, ytd: false, quarterlyData: true })).toBe(95);
    expect(profileValue(bok, { endMonth: 11, monthsInPeriod: 1, ytd: false, quarterlyData: true })).toBeNull();
    expect(profileValue(bok, { endMonth: 2, monthsInPeriod: 2, ytd: true, quarterlyData: true })).toBeNull();
  });

  test("a profile lacking the value gives no target instead of NaN", () => {
    expect(profileValue({ value: 100, profile: { type: "quarterly", values: [25, 50] } }, { endMonth: 12, monthsInPeriod: 1, ytd: false })).toBeNull();
  });

  test("resolveTargetDocument returns the document itself", () => {
    const doc = resolveTargetDocument(targets, "spm_01", 2025, chains.P1);
    expect(doc).toBe(targets[3]);
  });

  test("scope labels are in Bahasa Indonesia", () => {
    expect(describeScope({ level: "national" })).toBe("nasional");
    expect(describeScope({ level: "district", org: "13.73" })).toBe("kabupaten/kota 13.73");
  });

  test("prototype keys as indicator names resolve to nothing", () => {
    expect(targetForPeriod(targets, "__proto__", "2025-01", { chain: chains.P1 })).toBeNull();
    expect(targetForPeriod(targets, "constructor", "2025-01", { chain: chains.P1 })).toBeNull();
  });
});
