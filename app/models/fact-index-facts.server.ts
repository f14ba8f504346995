/**
 * A scorecard's facts from the columnar fact index (app/models/fact-index.server.ts;
 * docs/decisions/040-columnar-fact-index.md): the same RowFacts as the SQL provider
 * (app/models/facts.server.ts, whose structure this follows step by step) and the engine's
 * reference (engine/facts-memory.ts), computed by scanning the typed arrays of the buckets the
 * rows cover. Tests check all three agree on every cell, on both databases.
 */
import {
  expectedFor,
  groupsInWindow,
  passesOrgGroup,
  periodWindow,
  reportsForm,
  type MonthWindow,
  type PeriodType,
  type PlanField,
  type PlanWindow,
  type RowFacts,
  type ScorecardPlan,
  type UnitFacts,
} from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";
import { readyFactIndex, type FactIndex, type IndexUnit, type Series } from "./fact-index.server";
import { sqlRowFacts, type SqlFactOptions } from "./facts.server";
import { readVersions, type DataVersions } from "./scorecard-cache.server";
import { periodEndIndex } from "./submissions.server";

type RowUnit = Pick<OrgUnit, "id" | "code" | "depth" | "path">;

/** Months a period of this type spans before its last month (reports are filed at the last). */
const SPAN: Record<PeriodType, number> = { month: 0, quarter: 2, year: 11 };

/** Grouping depth of rows: 0 national, 1 province, 2 district, 3 Puskesmas; 4 and more: village rows (each unit itself). */
function groupDepth(depth: number): number {
  return depth >= 4 ? 4 : depth;
}

/** First position in a sorted series with month ≥ m. */
function lowerBound(months: Int32Array, m: number): number {
  let lo = 0;
  let hi = months.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (months[mid] < m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls `visit(i)` for every entry of the series with a month in [lo, hi]. */
function scan(s: Series, lo: number, hi: number, visit: (i: number) => void): void {
  const months = s.months;
  for (let i = lowerBound(months, lo); i < months.length && months[i] <= hi; i++) visit(i);
}

/** Computes RowFacts for every window of the plan × every row, from the index (same contract as sqlRowFacts). */
export function indexRowFacts(index: FactIndex, plan: ScorecardPlan, rows: readonly RowUnit[], options: SqlFactOptions = {}): RowFacts[] {
  if (rows.length === 0) return [];
  const depth = groupDepth(rows[0].depth);
  if (rows.some((r) => groupDepth(r.depth) !== depth)) {
    throw new Error("indexRowFacts: every row must be at the same level, or every row a Pustu or Posyandu (a caller bug, never a user's input).");
  }
  const village = depth === 4;
  const table = index.units;
  const n = table.units.length;
  const pkg = plan.package.key;
  const orgGroup = plan.orgGroup ?? null;
  const windows = plan.windows;
  const forms = [...new Set(windows.flatMap((w) => w.forms))];
  const levels = new Set(forms.flatMap((f) => plan.reporters[f].levels as string[]));

  // Row slot of every reporting unit under the rows (-1: none): its ancestor at the rows' depth, or itself for village rows.
  const slotOfRowId = new Map(rows.map((r, i) => [r.id, i]));
  const slot = new Int32Array(n).fill(-1);
  const unitsOfRow: IndexUnit[][] = rows.map(() => []);
  const denseOfRow: number[][] = rows.map(() => []);
  const levelCounts: Array<Map<string, number>> = rows.map(() => new Map());
  const anc = village ? null : table.ancestors[depth];
  for (let u = 0; u < n; u++) {
    const unit = table.units[u];
    if (!unit || !levels.has(unit.level)) continue;
    const s = slotOfRowId.get(anc ? anc[u] : unit.id);
    if (s === undefined) continue;
    slot[u] = s;
    unitsOfRow[s].push(unit);
    denseOfRow[s].push(u);
    levelCounts[s].set(unit.level, (levelCounts[s].get(unit.level) ?? 0) + 1);
  }
  for (let s = 0; s < rows.length; s++) {
    const order = unitsOfRow[s]
      .map((_, i) => i)
      .sort((a, b) => (unitsOfRow[s][a].code < unitsOfRow[s][b].code ? -1 : unitsOfRow[s][a].code > unitsOfRow[s][b].code ? 1 : 0));
    unitsOfRow[s] = order.map((i) => unitsOfRow[s][i]);
    denseOfRow[s] = order.map((i) => denseOfRow[s][i]);
  }

  // The buckets the rows cover: one district, or every district (and bucket 0) for wider rows.
  const districtOfRows = depth >= 2 ? new Set(rows.map((r) => Number(r.path.split("/").filter(Boolean)[2]))) : null;
  const buckets = [...index.buckets.values()].filter((b) => (districtOfRows ? districtOfRows.has(b.district) : true));

  const facts: RowFacts[][] = windows.map((w) =>
    rows.map((r) => ({ row: r.code, window: w.id, totals: Object.create(null), reported: Object.create(null), expected: Object.create(null) }) as RowFacts),
  );
  const monthsOf = (w: PlanWindow, form: string) => [...new Set((w.formPeriods[form] ?? []).map((p) => periodEndIndex(p)))];
  const unitForms = windows.map((w) => new Set(w.unitFields.map((k) => plan.fields[k].form)));
  const reportingUnits = windows.map(() => new Map<number, string[]>());
  const unitValues = windows.map(() => new Map<number, Record<string, number | null>>());
  const periodMonths = new Map<string, MonthWindow>();
  const monthsOfPeriod = (p: string): MonthWindow => {
    let m = periodMonths.get(p);
    if (!m) periodMonths.set(p, (m = periodWindow(p)));
    return m;
  };

  for (const form of forms) {
    const ws = windows.map((w, wi) => ({ w, wi })).filter(({ w }) => w.forms.includes(form));
    const months = ws.map(({ w }) => monthsOf(w, form));
    const all = [...new Set(months.flat())];
    const reporters = plan.reporters[form];
    const span = SPAN[reporters.periodType];
    ws.forEach(({ w, wi }) => {
      const periods = (w.formPeriods[form] ?? []).map(monthsOfPeriod);
      rows.forEach((_r, s) => {
        const f = facts[wi][s];
        f.reported[form] = 0;
        let expected = 0;
        if (reporters.groups === null && orgGroup === null) {
          for (const level of reporters.levels) expected += (levelCounts[s].get(level) ?? 0) * periods.length;
        } else {
          for (const u of unitsOfRow[s]) {
            if (!reportsForm(reporters, u.level)) continue;
            for (const p of periods) if (expectedFor(reporters, u, p, orgGroup)) expected++;
          }
        }
        f.expected[form] = expected;
        if (options.withUnitLists) {
          (f.contributing ??= Object.create(null))![form] = [];
          (f.missing ??= Object.create(null))![form] = [];
        }
      });
    });
    if (all.length === 0) continue;
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    // Per month of [lo, hi], a bit per window k whose months contain it.
    const maskOf = new Int32Array(hi - lo + 1);
    months.forEach((ms, k) => {
      for (const m of ms) maskOf[m - lo] |= 1 << k;
    });
    // Whether the report (or value) of unit u at month m counts: the unit lies under a row, its
    // level reports the form, and it passes the org-group filter for the period ending at m.
    const reportsLevel = new Set(reporters.levels as string[]);
    const counts = (u: number, m: number): boolean => {
      if (slot[u] < 0) return false;
      const unit = table.units[u]!;
      if (!reportsLevel.has(unit.level)) return false;
      return orgGroup === null || passesOrgGroup(unit, orgGroup, m - span, m);
    };

    // Reports: the months of each unit with a counted report of the form in the window's months.
    const monthsOfUnit = new Map<number, number[]>();
    for (const b of buckets) {
      const s = b.packages.get(pkg)?.forms.get(form);
      if (!s) continue;
      scan(s, lo, hi, (i) => {
        const m = s.months[i];
        if (maskOf[m - lo] === 0) return;
        const u = s.units[i];
        if (!counts(u, m)) return;
        const list = monthsOfUnit.get(u);
        if (list) list.push(m);
        else monthsOfUnit.set(u, [m]);
      });
    }
    ws.forEach(({ w, wi }, k) => {
      const bit = 1 << k;
      const periods = options.withUnitLists ? (w.formPeriods[form] ?? []).map((p) => ({ end: periodEndIndex(p), months: monthsOfPeriod(p) })) : [];
      rows.forEach((_r, s) => {
        const f = facts[wi][s];
        const list = unitsOfRow[s];
        const dense = denseOfRow[s];
        for (let j = 0; j < list.length; j++) {
          const u = list[j];
          if (!reportsLevel.has(u.level)) continue;
          const has = monthsOfUnit.get(dense[j]);
          let c = 0;
          if (has) for (const m of has) if (maskOf[m - lo] & bit) c++;
          f.reported[form] += c;
          if (c > 0) {
            if (options.withUnitLists) f.contributing![form].push(u.code);
            if (unitForms[wi].has(form)) {
              const forms = reportingUnits[wi].get(u.id);
              if (forms) forms.push(form);
              else reportingUnits[wi].set(u.id, [form]);
            }
          }
          if (options.withUnitLists && periods.some((p) => !has?.includes(p.end) && expectedFor(reporters, u, p.months, orgGroup)))
            f.missing![form].push(u.code);
        }
      });
    });

    // Fields of this form: totalled per row, or per unit first (as the SQL provider splits them).
    const fieldKeys = [...new Set(ws.flatMap(({ w }) => w.fields.filter((k) => plan.fields[k].form === form)))];
    const singlePeriod = months.every((m) => m.length <= 1);
    const perUnit = (f: PlanField) => ws.some(({ w }) => w.unitFields.includes(f.key)) || (f.aggregation !== "sum" && !singlePeriod);
    for (const key of fieldKeys) {
      const field = plan.fields[key];
      const unitLevel = perUnit(field);
      const agg = singlePeriod ? "sum" : field.aggregation;
      // Per window k and unit: accumulated value, count and (for "last") the month of the value.
      const acc = ws.map(() => new Map<number, { v: number; n: number; m: number }>());
      const rowSum = ws.map(() => new Float64Array(rows.length));
      const rowHas = ws.map(() => new Uint8Array(rows.length));
      for (const b of buckets) {
        const s = b.packages.get(pkg)?.fields.get(key);
        if (!s) continue;
        const values = s.values!;
        scan(s, lo, hi, (i) => {
          const m = s.months[i];
          const mask = maskOf[m - lo];
          if (mask === 0) return;
          const u = s.units[i];
          if (!counts(u, m)) return;
          const v = values[i];
          for (let k = 0; k < ws.length; k++) {
            if (!(mask & (1 << k))) continue;
            if (!unitLevel) {
              rowSum[k][slot[u]] += v;
              rowHas[k][slot[u]] = 1;
              continue;
            }
            const a = acc[k].get(u);
            if (!a) acc[k].set(u, { v, n: 1, m });
            else if (agg === "last") {
              if (m > a.m) {
                a.v = v;
                a.m = m;
              }
            } else if (agg === "max") a.v = Math.max(a.v, v);
            else if (agg === "min") a.v = Math.min(a.v, v);
            else {
              a.v += v;
              a.n++;
            }
          }
        });
      }
      ws.forEach(({ wi }, k) => {
        if (!unitLevel) {
          rows.forEach((_r, s) => {
            if (rowHas[k][s]) facts[wi][s].totals[key] = rowSum[k][s];
          });
          return;
        }
        // Per-unit values, then row totals as Σ over the row's units in unit-id order (ratio of sums, missing ≠ zero).
        const entries = [...acc[k]].map(([u, a]) => ({ id: table.units[u]!.id, u, v: agg === "avg" ? a.v / a.n : a.v })).sort((x, y) => x.id - y.id);
        for (const e of entries) {
          let values = unitValues[wi].get(e.id);
          if (!values) unitValues[wi].set(e.id, (values = Object.create(null) as Record<string, number | null>));
          values[key] = e.v;
          const f = facts[wi][slot[e.u]];
          f.totals[key] = (f.totals[key] ?? 0) + e.v;
        }
      });
    }
  }

  const out: RowFacts[] = [];
  windows.forEach((w, wi) => {
    rows.forEach((_r, s) => {
      const f = facts[wi][s];
      for (const key of w.fields) if (!(key in f.totals)) f.totals[key] = null;
      for (const key of Object.keys(f.totals)) if (!w.fields.includes(key)) delete f.totals[key];
      if (w.unitFields.length > 0) {
        const list: UnitFacts[] = [];
        for (const u of unitsOfRow[s]) {
          const reportedForms = reportingUnits[wi].get(u.id);
          if (!reportedForms) continue;
          const values = Object.create(null) as Record<string, number | null>;
          const known = unitValues[wi].get(u.id);
          for (const key of w.unitFields) values[key] = known && key in known ? known[key] : null;
          const one: UnitFacts = { code: u.code, values, forms: [...reportedForms].sort() };
          if (w.unitGroups) one.groups = groupsInWindow(u, w.unitGroups, w.start, w.end);
          list.push(one);
        }
        f.units = list;
      }
      out.push(f);
    });
  });
  return out;
}

/**
 * The facts of a scorecard request: from the fact index when this process has loaded it (brought
 * up to `versions`, or to versions read now), else from SQL. Inside a transaction always SQL.
 */
export async function rowFacts(
  db: DbOrTrx,
  plan: ScorecardPlan,
  rows: readonly RowUnit[],
  options: SqlFactOptions = {},
  versions?: DataVersions,
): Promise<RowFacts[]> {
  const index = readyFactIndex(db);
  if (!index) return sqlRowFacts(db, plan, rows, options);
  await index.refresh(versions ?? (await readVersions(db)));
  return indexRowFacts(index, plan, rows, options);
}
