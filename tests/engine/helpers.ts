/** Shared fixtures and a pipeline runner for the engine case files. */
import { expect } from "vitest";
import packageJson from "./cases/fixture-package.json";
import orgsJson from "./cases/fixture-orgs.json";
import type { TemplatePackage } from "@engine/documents";
import { computeRowFacts, type MemoryOrgUnit, type MemorySubmission } from "@engine/facts-memory";
import { computeScorecard, explainCell, planScorecard, type ScorecardRequest, type ScorecardRowRef } from "@engine/scorecard";
import type { OrgChainLink } from "@engine/targets";

/** A fresh deep copy of the fixture package (tests may mutate their copy). */
export function fixturePackage(): TemplatePackage {
  return structuredClone(packageJson) as unknown as TemplatePackage;
}

export const ORGS: MemoryOrgUnit[] = orgsJson as MemoryOrgUnit[];

/** Row reference of an org code from the fixture tree. */
export function rowRef(code: string): ScorecardRowRef {
  const u = ORGS.find((o) => o.code === code);
  if (!u) throw new Error(`unknown org ${code}`);
  return { code: u.code, name: u.name ?? u.code, level: u.level };
}

/** Chain from national down to the unit, as the data layer would give it. */
export function chainOf(code: string, orgs: readonly MemoryOrgUnit[] = ORGS): OrgChainLink[] {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const out: OrgChainLink[] = [];
  let cur = byCode.get(code);
  while (cur) {
    out.unshift({ code: cur.code, level: cur.level });
    cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined;
  }
  return out;
}

export interface CaseRequest extends Omit<ScorecardRequest, "rows" | "total"> {
  rows: string[];
  total?: string;
}

export function toRequest(r: CaseRequest): ScorecardRequest {
  const { rows, total, ...rest } = r;
  const out: ScorecardRequest = { ...rest, rows: rows.map(rowRef) };
  if (total) out.total = rowRef(total);
  return out;
}

/** Plan → in-memory facts → scorecard, as the app does with the SQL layer. */
export function runPipeline(pkg: TemplatePackage, request: ScorecardRequest, submissions: MemorySubmission[], orgs: MemoryOrgUnit[] = ORGS) {
  const plan = planScorecard(pkg, request);
  const facts = computeRowFacts(plan, { orgUnits: orgs, submissions });
  const codes = [...request.rows.map((r) => r.code), ...(request.total ? [request.total.code] : [])];
  const orgChains = Object.fromEntries(codes.map((c) => [c, chainOf(c, orgs)]));
  let total;
  if (request.total) total = computeRowFacts(plan, { orgUnits: orgs, submissions, rows: [request.total.code] });
  const data = { facts, orgChains, ...(total ? { total } : {}) };
  const scorecard = computeScorecard(pkg, request, data);
  return { plan, facts, data, scorecard, explain: (row: string, indicator: string) => explainCell(pkg, request, data, { row, indicator }) };
}

/** Compares `actual` against a partial expectation; numbers to 6 decimals. */
export function expectPartial(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(actual, path).toBeCloseTo(expected, 6);
    return;
  }
  if (expected === null || typeof expected !== "object") {
    expect(actual, path).toEqual(expected);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is array`).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectPartial((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  expect(actual !== null && typeof actual === "object", `${path} is object`).toBe(true);
  for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
    expectPartial((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  }
}

/** Walks a value and fails on any NaN or ±Infinity. */
export function expectAllFinite(x: unknown, path = "$"): void {
  if (typeof x === "number") {
    expect(Number.isFinite(x), `${path} = ${x}`).toBe(true);
    return;
  }
  if (x === null || typeof x !== "object") return;
  if (x instanceof Map) {
    for (const [k, v] of x) expectAllFinite(v, `${path}.${String(k)}`);
    return;
  }
  for (const [k, v] of Object.entries(x)) expectAllFinite(v, `${path}.${k}`);
}
