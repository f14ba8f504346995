/**
 * Reference implementation of the fact contract (facts.ts) over raw submissions in memory.
 * The database layer computes the same with an indexed GROUP BY and is tested against this.
 */
import { aggregateOverTime, addNullable, numericValue } from "./aggregate";
import { COUNTED_STATUSES, dict, type RowFacts, type ScorecardPlan, type UnitFacts } from "./facts";

/** An org unit as the fact provider sees it. */
export interface MemoryOrgUnit {
  code: string;
  name?: string;
  level: string;
  parentCode: string | null;
  path?: string;
}

/** A submission as stored: one per unit, form and period. */
export interface MemorySubmission {
  org: string;
  form: string;
  period: string;
  status: string;
  values: Readonly<Record<string, unknown>>;
}

/** Input of computeRowFacts. `rows` defaults to the plan's rows. */
export interface MemoryFactSource {
  orgUnits: readonly MemoryOrgUnit[];
  submissions: readonly MemorySubmission[];
  rows?: readonly string[];
}

/** Units of the plan's unit level in each row's subtree (a unit-level row is its own unit). */
function unitsByRow(orgUnits: readonly MemoryOrgUnit[], rows: readonly string[], unitLevel: string): Map<string, string[]> {
  const children = new Map<string, string[]>();
  const byCode = new Map<string, MemoryOrgUnit>();
  for (const u of orgUnits) {
    byCode.set(u.code, u);
    if (u.parentCode != null) {
      const list = children.get(u.parentCode);
      if (list) list.push(u.code);
      else children.set(u.parentCode, [u.code]);
    }
  }
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const found: string[] = [];
    const seen = new Set<string>();
    const stack = byCode.has(row) ? [row] : [];
    while (stack.length > 0) {
      const code = stack.pop()!;
      if (seen.has(code)) continue; // a malformed tree with a cycle must not hang the engine
      seen.add(code);
      if (byCode.get(code)?.level === unitLevel) found.push(code);
      for (const c of children.get(code) ?? []) stack.push(c);
    }
    found.sort();
    out.set(row, found);
  }
  return out;
}

/**
 * Facts for every window of the plan × every row, following the semantics in facts.ts.
 * Output order: windows in plan order, rows in request order within each window.
 */
export function computeRowFacts(plan: ScorecardPlan, source: MemoryFactSource): RowFacts[] {
  const rows = source.rows ?? plan.rows;
  const rowUnits = unitsByRow(source.orgUnits, rows, plan.unitLevel);

  // One submission per unit, form and period; if a source holds duplicates the last one wins.
  // Nested Maps (unit → form → period) avoid building a string key per lookup.
  const counted = new Map<string, Map<string, Map<string, Readonly<Record<string, unknown>>>>>();
  for (const s of source.submissions) {
    if (!COUNTED_STATUSES.has(s.status)) continue;
    let byForm = counted.get(s.org);
    if (!byForm) counted.set(s.org, (byForm = new Map()));
    let byPeriod = byForm.get(s.form);
    if (!byPeriod) byForm.set(s.form, (byPeriod = new Map()));
    byPeriod.set(s.period, s.values ?? {});
  }
  const periodsOf = (org: string, form: string) => counted.get(org)?.get(form);

  const out: RowFacts[] = [];
  for (const w of plan.windows) {
    const unitForms = new Set(w.unitFields.map((k) => plan.fields[k].form));
    // Unit values do not depend on the row; cache them in case rows overlap.
    const unitValueCache = new Map<string, Map<string, number | null>>();
    const unitValue = (unit: string, key: string): number | null => {
      let cache = unitValueCache.get(unit);
      if (!cache) unitValueCache.set(unit, (cache = new Map()));
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const f = plan.fields[key];
      const byPeriod = periodsOf(unit, f.form);
      const periods = w.formPeriods[f.form] ?? [];
      const v = byPeriod
        ? aggregateOverTime(
            periods.map((p) => numericValue(byPeriod.get(p)?.[key])),
            f.aggregation,
          )
        : null;
      cache.set(key, v);
      return v;
    };

    for (const row of rows) {
      const units = rowUnits.get(row) ?? [];
      const totals = dict<number | null>();
      const reported = dict<number>();
      const expected = dict<number>();
      const contributing = dict<string[]>();
      const missing = dict<string[]>();
      const reportingUnits = new Map<string, string[]>();

      for (const form of w.forms) {
        const periods = w.formPeriods[form] ?? [];
        let n = 0;
        const contrib: string[] = [];
        const miss: string[] = [];
        for (const unit of units) {
          const byPeriod = periodsOf(unit, form);
          let k = 0;
          if (byPeriod) for (const p of periods) if (byPeriod.has(p)) k++;
          n += k;
          if (k > 0) {
            contrib.push(unit);
            if (unitForms.has(form)) {
              const list = reportingUnits.get(unit);
              if (list) list.push(form);
              else reportingUnits.set(unit, [form]);
            }
          }
          if (k < periods.length) miss.push(unit);
        }
        reported[form] = n;
        expected[form] = units.length * periods.length;
        contributing[form] = contrib;
        missing[form] = miss;
      }

      for (const key of w.fields) {
        let total: number | null = null;
        for (const unit of units) total = addNullable(total, unitValue(unit, key));
        totals[key] = total;
      }

      const facts: RowFacts = { row, window: w.id, totals, reported, expected, contributing, missing };
      if (w.unitFields.length > 0) {
        const list: UnitFacts[] = [];
        for (const unit of units) {
          const forms = reportingUnits.get(unit);
          if (!forms) continue;
          const values = dict<number | null>();
          for (const key of w.unitFields) values[key] = unitValue(unit, key);
          list.push({ code: unit, values, forms: [...forms].sort() });
        }
        facts.units = list;
      }
      out.push(facts);
    }
  }
  return out;
}
