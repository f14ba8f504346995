/**
 * Reference implementation of the fact contract (facts.ts) over raw submissions in memory.
 * The database layer computes the same with an indexed GROUP BY and is tested against this.
 */
import { aggregateOverTime, addNullable, numericValue } from "./aggregate";
import type { GroupMembership } from "./expected";
import { COUNTED_STATUSES, dict, type RowFacts, type ScorecardPlan, type UnitFacts } from "./facts";
import { periodWindow, type MonthWindow } from "./period";
import { countsFor, expectedFor, groupsInWindow, isReportingLevel, isVillageLevel, reportsForm, type CountingUnit } from "./reporting-units";

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
  /** Group memberships by unit code (any owner), for forms that apply to groups, the org-group filter and in_group. */
  memberships?: Readonly<Record<string, readonly GroupMembership[]>>;
}

interface Unit extends CountingUnit {
  code: string;
}

/**
 * Units in each row: for a national, province, district or Puskesmas row its whole subtree (the
 * row itself included); for a Pustu or Posyandu row (a village row) the row itself only. Each
 * unit with its memberships and those of its ancestors at a reporting level.
 */
function unitsByRow(source: MemoryFactSource, rows: readonly string[]): Map<string, Unit[]> {
  const children = new Map<string, string[]>();
  const byCode = new Map<string, MemoryOrgUnit>();
  for (const u of source.orgUnits) {
    byCode.set(u.code, u);
    if (u.parentCode != null) {
      const list = children.get(u.parentCode);
      if (list) list.push(u.code);
      else children.set(u.parentCode, [u.code]);
    }
  }
  const own = (code: string) => (source.memberships && Object.hasOwn(source.memberships, code) ? source.memberships[code] : []);
  const units = new Map<string, Unit>();
  const unitOf = (code: string): Unit => {
    let unit = units.get(code);
    if (unit) return unit;
    const o = byCode.get(code)!;
    const lineage: GroupMembership[] = [];
    const seen = new Set<string>();
    for (
      let c: MemoryOrgUnit | undefined = o;
      c && !seen.has(c.code) && isReportingLevel(c.level);
      c = c.parentCode == null ? undefined : byCode.get(c.parentCode)
    ) {
      seen.add(c.code);
      lineage.push(...own(c.code));
    }
    units.set(code, (unit = { code, level: o.level, memberships: own(code), lineage }));
    return unit;
  };
  const out = new Map<string, Unit[]>();
  for (const row of rows) {
    const found: Unit[] = [];
    const seen = new Set<string>();
    const root = byCode.get(row);
    const stack = root ? [row] : [];
    const village = root !== undefined && isVillageLevel(root.level);
    while (stack.length > 0) {
      const code = stack.pop()!;
      if (seen.has(code)) continue; // a malformed tree with a cycle must not hang the engine
      seen.add(code);
      if (isReportingLevel(byCode.get(code)!.level)) found.push(unitOf(code));
      if (!village) for (const c of children.get(code) ?? []) stack.push(c);
    }
    found.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
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
  const rowUnits = unitsByRow(source, rows);
  const orgGroup = plan.orgGroup ?? null;

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
  const monthsOf = new Map<string, MonthWindow>();
  const months = (period: string): MonthWindow => {
    let m = monthsOf.get(period);
    if (!m) monthsOf.set(period, (m = periodWindow(period)));
    return m;
  };

  const out: RowFacts[] = [];
  for (const w of plan.windows) {
    const unitForms = new Set(w.unitFields.map((k) => plan.fields[k].form));
    // The periods of a form in which a unit's reports count (its level, the org-group filter).
    const countedPeriods = (unit: Unit, form: string): string[] =>
      (w.formPeriods[form] ?? []).filter((p) => countsFor(plan.reporters[form], unit, months(p), orgGroup));
    // Unit values do not depend on the row; cache them in case rows overlap.
    const unitValueCache = new Map<string, Map<string, number | null>>();
    const unitValue = (unit: Unit, key: string): number | null => {
      let cache = unitValueCache.get(unit.code);
      if (!cache) unitValueCache.set(unit.code, (cache = new Map()));
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const f = plan.fields[key];
      const byPeriod = periodsOf(unit.code, f.form);
      const v = byPeriod
        ? aggregateOverTime(
            countedPeriods(unit, f.form).map((p) => numericValue(byPeriod.get(p)?.[key])),
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
      const reportingUnits = new Map<Unit, string[]>();

      for (const form of w.forms) {
        const reporters = plan.reporters[form];
        const periods = w.formPeriods[form] ?? [];
        let n = 0;
        let e = 0;
        const contrib: string[] = [];
        const miss: string[] = [];
        for (const unit of units) {
          if (!reportsForm(reporters, unit.level)) continue;
          const byPeriod = periodsOf(unit.code, form);
          let k = 0;
          let missed = false;
          for (const p of periods) {
            const has = byPeriod?.has(p) ?? false;
            if (has && countsFor(reporters, unit, months(p), orgGroup)) k++;
            if (expectedFor(reporters, unit, months(p), orgGroup)) {
              e++;
              if (!has) missed = true;
            }
          }
          n += k;
          if (k > 0) {
            contrib.push(unit.code);
            if (unitForms.has(form)) {
              const list = reportingUnits.get(unit);
              if (list) list.push(form);
              else reportingUnits.set(unit, [form]);
            }
          }
          if (missed) miss.push(unit.code);
        }
        reported[form] = n;
        expected[form] = e;
        contributing[form] = contrib;
        missing[form] = miss;
      }

      for (const key of w.fields) {
        const reporters = plan.reporters[plan.fields[key].form];
        let total: number | null = null;
        for (const unit of units) if (reportsForm(reporters, unit.level)) total = addNullable(total, unitValue(unit, key));
        totals[key] = total;
      }

      const facts: RowFacts = { row, window: w.id, totals, reported, expected, contributing, missing };
      if (w.unitFields.length > 0) {
        const list: UnitFacts[] = [];
        for (const unit of units) {
          const forms = reportingUnits.get(unit);
          if (!forms) continue;
          const values = dict<number | null>();
          for (const key of w.unitFields) values[key] = reportsForm(plan.reporters[plan.fields[key].form], unit.level) ? unitValue(unit, key) : null;
          const one: UnitFacts = { code: unit.code, values, forms: [...forms].sort() };
          if (w.unitGroups) one.groups = groupsInWindow(unit, w.unitGroups, w.start, w.end);
          list.push(one);
        }
        facts.units = list;
      }
      out.push(facts);
    }
  }
  return out;
}
