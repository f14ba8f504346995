/** The SQL fact provider and the engine's in-memory reference must agree on every cell (tests/integration/scorecard-sql.test.ts, tests/integration/reporting-levels.test.ts). */
import { expect } from "vitest";
import type { Kysely } from "kysely";
import { unitFactsOf, type GroupMembership, type RowFacts } from "@engine";
import type { Database } from "~/db/schema";

/** Same rows and windows, reported and expected counts, totals (6 decimals), per-unit values, forms and groups (in_group) — as objects or columns — and, when listed, contributing and missing units. */
export function expectSameFacts(sqlFacts: RowFacts[], memFacts: RowFacts[], label: string) {
  const key = (f: RowFacts) => `${f.window}|${f.row}`;
  const mem = new Map(memFacts.map((f) => [key(f), f]));
  expect(sqlFacts.length, label).toBe(memFacts.length);
  for (const s of sqlFacts) {
    const m = mem.get(key(s))!;
    expect(m, `${label} ${key(s)}`).toBeDefined();
    expect({ ...s.reported }, `${label} reported ${key(s)}`).toEqual({ ...m.reported });
    expect({ ...s.expected }, `${label} expected ${key(s)}`).toEqual({ ...m.expected });
    expect(Object.keys(s.totals).sort(), label).toEqual(Object.keys(m.totals).sort());
    for (const k of Object.keys(m.totals)) {
      if (m.totals[k] === null) expect(s.totals[k], `${label} ${key(s)} ${k}`).toBeNull();
      else expect(s.totals[k], `${label} ${key(s)} ${k}`).toBeCloseTo(m.totals[k]!, 6);
    }
    // Units as objects or as columns (the fact index's), compared as objects.
    if (unitFactsOf(m)) {
      const norm = (u: RowFacts["units"]) =>
        (u ?? []).map((x) => ({ code: x.code, values: { ...x.values }, groups: x.groups, forms: x.forms })).sort((a, b) => a.code.localeCompare(b.code));
      const su = norm(unitFactsOf(s));
      const mu = norm(unitFactsOf(m));
      expect(
        su.map((u) => u.code),
        `${label} units ${key(s)}`,
      ).toEqual(mu.map((u) => u.code));
      // in_group: the same keys per unit (or none on both sides when no formula reads in_group).
      expect(
        su.map((u) => [u.code, u.groups]),
        `${label} unit groups ${key(s)}`,
      ).toEqual(mu.map((u) => [u.code, u.groups]));
      // The forms each unit reported (count_units of an indicator sees the units of its own forms).
      expect(
        su.map((u) => [u.code, u.forms]),
        `${label} unit forms ${key(s)}`,
      ).toEqual(mu.map((u) => [u.code, u.forms]));
      su.forEach((u, i) => {
        for (const [k, v] of Object.entries(mu[i].values)) {
          if (v === null) expect(u.values[k]).toBeNull();
          else expect(u.values[k]).toBeCloseTo(v, 6);
        }
      });
    }
    if (s.contributing) {
      for (const form of Object.keys(m.contributing ?? {})) {
        expect([...s.contributing[form]].sort(), `${label} contributing ${form}`).toEqual([...m.contributing![form]].sort());
        expect([...s.missing![form]].sort(), `${label} missing ${form}`).toEqual([...m.missing![form]].sort());
      }
    }
  }
}

/** Every group membership in the database by unit code, as the in-memory fact provider takes them. */
export async function membershipsByCode(db: Kysely<Database>): Promise<Record<string, GroupMembership[]>> {
  const rows = await db
    .selectFrom("org_group_member as gm")
    .innerJoin("org_group as g", "g.id", "gm.group_id")
    .innerJoin("org_unit as o", "o.id", "gm.org_unit_id")
    .select(["o.code", "g.key", "gm.from_month", "gm.to_month"])
    .execute();
  const out: Record<string, GroupMembership[]> = {};
  for (const x of rows) (out[x.code] ??= []).push({ groupKey: x.key, from: Number(x.from_month), to: x.to_month === null ? null : Number(x.to_month) });
  return out;
}
