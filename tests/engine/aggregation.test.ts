import { describe, expect, test } from "vitest";
import fc from "fast-check";
import cases from "./cases/aggregation.json";
import { aggregateOverTime, numericValue, sumRowFacts } from "@engine/aggregate";
import { computeRowFacts, type MemoryOrgUnit, type MemorySubmission } from "@engine/facts-memory";
import { planScorecard } from "@engine/scorecard";
import { expectAllFinite, expectPartial, fixturePackage, ORGS, runPipeline, toRequest, type CaseRequest } from "./helpers";

interface AggregationCase {
  name: string;
  request: CaseRequest;
  submissions: MemorySubmission[];
  orgsOverride?: MemoryOrgUnit[];
  skip_trend_check?: boolean;
  expected: {
    cells?: Record<string, Record<string, Record<string, unknown>>>;
    total?: Record<string, Record<string, unknown>>;
    facts?: Array<Record<string, unknown> & { row: string; window: string }>;
  };
}

describe("aggregation (cases/aggregation.json)", () => {
  for (const c of cases as unknown as AggregationCase[]) {
    test(c.name, () => {
      const pkg = fixturePackage();
      const orgs = c.orgsOverride ?? ORGS;
      const request = toRequest(c.request);
      if (c.orgsOverride) request.rows = c.request.rows.map((code) => ({ code, name: code, level: "kecamatan" }));
      const { scorecard, facts } = runPipeline(pkg, request, c.submissions, orgs);
      expectAllFinite(scorecard);
      const cellOf = (row: { cells: Array<{ indicator: string }> }, key: string) => row.cells.find((x) => x.indicator === key);
      for (const [rowCode, byIndicator] of Object.entries(c.expected.cells ?? {})) {
        const row = scorecard.rows.find((r) => r.code === rowCode)!;
        for (const [key, exp] of Object.entries(byIndicator)) {
          const expected = { ...exp };
          if (c.skip_trend_check) delete expected.trend;
          expectPartial(cellOf(row, key), expected, `${rowCode}.${key}`);
        }
      }
      for (const [key, exp] of Object.entries(c.expected.total ?? {})) expectPartial(cellOf(scorecard.total, key), exp, `total.${key}`);
      for (const exp of c.expected.facts ?? []) {
        const f = facts.find((x) => x.row === exp.row && x.window === exp.window);
        expectPartial(f, exp, `facts[${exp.row},${exp.window}]`);
      }
    });
  }
});

describe("fact invariants (property)", () => {
  const pkg = fixturePackage();
  const request = toRequest({ period: "2025-06", rows: ["13.73", "13.74"] });
  const plan = planScorecard(pkg, request);
  const forms = {
    spm_bulanan: ["2025-01", "2025-03", "2025-05", "2025-06", "2024-12"],
    sasaran_tahunan: ["2025", "2024"],
    ilp_triwulan: ["2025-Q1", "2025-Q2", "2025-Q3"],
  } as const;
  const submission = fc
    .record({
      org: fc.constantFrom("P1", "P2", "P3", "P4"),
      form: fc.constantFrom(...(Object.keys(forms) as Array<keyof typeof forms>)),
      pick: fc.nat(10),
      status: fc.constantFrom("draft", "submitted", "approved", "returned"),
      n: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
      b: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ org, form, pick, status, n, b }): MemorySubmission => ({
      org,
      form,
      period: forms[form][pick % forms[form].length],
      status,
      values: Object.fromEntries(
        plan.windows[0].fields.concat(plan.windows.flatMap((w) => w.fields)).map((k) => [k, plan.fields[k].type === "boolean" ? b : n]),
      ),
    }));

  test("a parent row equals the sum of its disjoint child rows (what the total row relies on)", () => {
    fc.assert(
      fc.property(fc.array(submission, { maxLength: 30 }), (subs) => {
        const children = computeRowFacts(plan, { orgUnits: ORGS, submissions: subs, rows: ["13.73", "13.74"] });
        const parent = computeRowFacts(plan, { orgUnits: ORGS, submissions: subs, rows: ["13"] });
        for (const w of plan.windows) {
          const summed = sumRowFacts(
            children.filter((f) => f.window === w.id),
            { row: "13", window: w.id },
          );
          const p = parent.find((f) => f.window === w.id)!;
          expect(summed.totals).toEqual({ ...p.totals });
          expect(summed.reported).toEqual({ ...p.reported });
          expect(summed.expected).toEqual({ ...p.expected });
          expect((summed.units ?? []).map((u) => u.code).sort()).toEqual((p.units ?? []).map((u) => u.code).sort());
          for (const form of w.forms) expect(p.reported[form]).toBeLessThanOrEqual(p.expected[form]);
        }
      }),
      { numRuns: 200 },
    );
  });

  test("missing never becomes zero: a row with no counted submissions has null totals", () => {
    fc.assert(
      fc.property(
        fc.array(
          submission.map((s) => ({ ...s, status: "draft" })),
          { maxLength: 10 },
        ),
        (subs) => {
          for (const f of computeRowFacts(plan, { orgUnits: ORGS, submissions: subs })) {
            expect(Object.values(f.totals).every((v) => v === null)).toBe(true);
            expect(Object.values(f.reported).every((v) => v === 0)).toBe(true);
          }
        },
      ),
    );
  });
});

describe("time aggregation primitives", () => {
  test.each([
    ["sum", [1, null, 2, 3], 6],
    ["last", [1, 2, null], 2],
    ["max", [1, 5, null, 2], 5],
    ["min", [4, null, 2, 3], 2],
    ["avg", [1, null, 2], 1.5],
    ["sum", [null, null], null],
    ["avg", [], null],
  ] as const)("%s of %j is %s", (agg, values, expected) => {
    expect(aggregateOverTime(values, agg)).toBe(expected);
  });

  test("booleans count as 1/0; other values are no value", () => {
    expect([true, false, 3, "3", NaN, Infinity, null, undefined, {}].map(numericValue)).toEqual([1, 0, 3, null, null, null, null, null, null]);
  });
});
