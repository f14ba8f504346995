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
  type UnitColumns,
  type UnitFacts,
  type UnitSegment,
} from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";
import { LEVEL_CODES, districtsOf, readyFactIndex, type FactIndex, type IndexUnit, type Series, type UnitTable } from "./fact-index.server";
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

/** Whether a unit's entry at a month counts (the org-group filter); null: every eligible entry counts. */
type Keep = ((u: number, m: number) => boolean) | null;

/**
 * Counted reports per unit and window (bit k of a month's mask = window k), for entries of
 * [lo, hi]; with `monthsOfUnit`, each unit's counted months too (explain's unit lists).
 */
function countReports(
  sm: Int32Array,
  su: Int32Array,
  lo: number,
  hi: number,
  maskOf: Int32Array,
  eligible: Int32Array,
  count: Int32Array[],
  keep: Keep,
  monthsOfUnit: Map<number, number[]> | null,
): void {
  const K = count.length;
  for (let i = lowerBound(sm, lo); i < sm.length; i++) {
    const m = sm[i];
    if (m > hi) break;
    const mask = maskOf[m - lo];
    if (mask === 0) continue;
    const u = su[i];
    if (eligible[u] === 0 || (keep !== null && !keep(u, m))) continue;
    for (let k = 0; k < K; k++) if (mask & (1 << k)) count[k][u]++;
    if (monthsOfUnit) {
      const list = monthsOfUnit.get(u);
      if (list) list.push(m);
      else monthsOfUnit.set(u, [m]);
    }
  }
}

/** Σ of values per row (eligible[u] = row slot + 1) and window, for entries of [lo, hi]. */
function sumRows(
  sm: Int32Array,
  su: Int32Array,
  sv: Float64Array,
  lo: number,
  hi: number,
  maskOf: Int32Array,
  eligible: Int32Array,
  rowSum: Float64Array,
  rowHas: Uint8Array,
  R: number,
  keep: Keep,
): void {
  for (let i = lowerBound(sm, lo); i < sm.length; i++) {
    const m = sm[i];
    if (m > hi) break;
    const mask = maskOf[m - lo];
    if (mask === 0) continue;
    const e = eligible[su[i]];
    if (e === 0 || (keep !== null && !keep(su[i], m))) continue;
    const v = sv[i];
    for (let k = 0, bits = mask; bits !== 0; k++, bits >>= 1) {
      if ((bits & 1) === 0) continue;
      rowSum[k * R + e - 1] += v;
      rowHas[k * R + e - 1] = 1;
    }
  }
}

/** Per-unit aggregation per window: code 0 sum (and avg's sum), 1 last, 2 max, 3 min; count[k][u] values seen. */
function accumulateUnits(
  sm: Int32Array,
  su: Int32Array,
  sv: Float64Array,
  lo: number,
  hi: number,
  maskOf: Int32Array,
  eligible: Int32Array,
  count: Int32Array[],
  accV: Float64Array[],
  accM: Int32Array[],
  code: number,
  keep: Keep,
): void {
  for (let i = lowerBound(sm, lo); i < sm.length; i++) {
    const m = sm[i];
    if (m > hi) break;
    const mask = maskOf[m - lo];
    if (mask === 0) continue;
    const u = su[i];
    if (eligible[u] === 0 || (keep !== null && !keep(u, m))) continue;
    const v = sv[i];
    for (let k = 0, bits = mask; bits !== 0; k++, bits >>= 1) {
      if ((bits & 1) === 0) continue;
      const c = count[k];
      const a = accV[k];
      const n0 = c[u];
      if (n0 === 0) {
        a[u] = v;
        accM[k][u] = m;
      } else if (code === 1) {
        if (m > accM[k][u]) {
          a[u] = v;
          accM[k][u] = m;
        }
      } else if (code === 2) {
        if (v > a[u]) a[u] = v;
      } else if (code === 3) {
        if (v < a[u]) a[u] = v;
      } else a[u] += v;
      c[u] = n0 + 1;
    }
  }
}

/** A series' values summed per month and reporting level of the unit (sums and counts, LEVEL_CODES + other). */
interface MonthTotals {
  table: UnitTable;
  months: Int32Array;
  sum: Float64Array;
  count: Int32Array;
}

const monthTotalsCache = new WeakMap<Series, MonthTotals>();

/**
 * Per-month, per-level totals of a field's values in one bucket, computed once per series and
 * org tree: what a district, province or national row needs of a summed field without a group
 * filter (every value of the bucket goes to the same row).
 */
function monthTotals(series: Series, table: UnitTable): MonthTotals {
  const hit = monthTotalsCache.get(series);
  if (hit && hit.table === table) return hit;
  const sm = series.months;
  const distinct: number[] = [];
  for (let i = 0; i < sm.length; i++) if (i === 0 || sm[i] !== sm[i - 1]) distinct.push(sm[i]);
  const sum = new Float64Array(distinct.length * 4);
  const count = new Int32Array(distinct.length * 4);
  const values = series.values!;
  let d = -1;
  for (let i = 0; i < sm.length; i++) {
    if (i === 0 || sm[i] !== sm[i - 1]) d++;
    const u = series.units[i];
    const at = d * 4 + (u < table.levelCode.length ? table.levelCode[u] : 3);
    sum[at] += values[i];
    count[at]++;
  }
  const totals = { table, months: Int32Array.from(distinct), sum, count };
  monthTotalsCache.set(series, totals);
  return totals;
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
  const R = rows.length;
  const pkg = plan.package.key;
  const orgGroup = plan.orgGroup ?? null;
  const windows = plan.windows;
  const W = windows.length;
  const forms = [...new Set(windows.flatMap((w) => w.forms))];
  const levels = new Set(forms.flatMap((f) => plan.reporters[f].levels as string[]));

  // Row slot of every reporting unit under the rows (-1: none): its ancestor at the rows' depth, or itself for village rows.
  const slotOfRowId = new Map(rows.map((r, i) => [r.id, i]));
  const slot = new Int32Array(n).fill(-1);
  const unitsOfRow: IndexUnit[][] = rows.map(() => []);
  const denseOfRow: number[][] = rows.map(() => []);
  const levelCounts: Array<Map<string, number>> = rows.map(() => new Map());
  /** Dense indexes of the units under the rows, in unit-id order (the SQL provider's summing order). */
  const byId: number[] = [];
  const anc = village ? null : table.ancestors[depth];
  for (let u = 0; u < n; u++) {
    const unit = table.units[u];
    if (!unit || !levels.has(unit.level)) continue;
    const s = slotOfRowId.get(anc ? anc[u] : unit.id);
    if (s === undefined) continue;
    slot[u] = s;
    unitsOfRow[s].push(unit);
    denseOfRow[s].push(u);
    byId.push(u);
    levelCounts[s].set(unit.level, (levelCounts[s].get(unit.level) ?? 0) + 1);
  }
  byId.sort((a, b) => table.units[a]!.id - table.units[b]!.id);
  for (let s = 0; s < R; s++) {
    const list = unitsOfRow[s];
    const order = list.map((_, i) => i).sort((a, b) => (list[a].code < list[b].code ? -1 : list[a].code > list[b].code ? 1 : 0));
    unitsOfRow[s] = order.map((i) => list[i]);
    denseOfRow[s] = order.map((i) => denseOfRow[s][i]);
  }

  // The buckets the rows cover: one district, or every district (and bucket 0) for wider rows.
  const districtOfRows = depth >= 2 ? new Set(rows.map((r) => Number(r.path.split("/").filter(Boolean)[2]))) : null;
  const buckets = [...index.buckets.values()].filter((b) => (districtOfRows ? districtOfRows.has(b.district) : true));
  // Each bucket's data of the package, looked up once (not per bucket × field).
  const bucketData = buckets.map((b) => b.packages.get(pkg));
  // For rows at district level or above without a group filter, a district's bucket goes to one row whole.
  const wholeBuckets = depth <= 2 && orgGroup === null;
  const bucketSlot = buckets.map((b) => {
    const d = b.district === 0 ? undefined : table.denseOf.get(b.district);
    if (!wholeBuckets || d === undefined) return -1;
    return slotOfRowId.get(table.ancestors[depth][d]) ?? -2;
  });

  const facts: RowFacts[][] = windows.map((w) =>
    rows.map((r) => ({ row: r.code, window: w.id, totals: Object.create(null), reported: Object.create(null), expected: Object.create(null) }) as RowFacts),
  );
  const monthsOf = (w: PlanWindow, form: string) => [...new Set((w.formPeriods[form] ?? []).map((p) => periodEndIndex(p)))];
  const periodMonths = new Map<string, MonthWindow>();
  const monthsOfPeriod = (p: string): MonthWindow => {
    let m = periodMonths.get(p);
    if (!m) periodMonths.set(p, (m = periodWindow(p)));
    return m;
  };

  // Per window: the forms read per unit (bit per form, names in sorted order), each unit's bits of
  // those it reported (the units count_units sees), and a record per such unit for its values.
  const unitFormNames = windows.map((w) => [...new Set(w.unitFields.map((k) => plan.fields[k].form))].sort());
  const unitFormBit = windows.map((_w, wi) => new Map(unitFormNames[wi].map((f, i) => [f, 1 << i])));
  const reportedBits = windows.map((w) => (w.unitFields.length > 0 ? new Int32Array(n) : null));
  const unitFieldIndex = windows.map((w) => new Map(w.unitFields.map((k, i) => [k, i])));
  // Per window, per unit field: value and presence per dense unit (only units under the rows are written).
  const unitValue = windows.map((w) => w.unitFields.map(() => ({ v: new Float64Array(0), has: new Uint8Array(0) })));

  // With an org-group filter: the units with any membership of that key in their lineage (1), the
  // only ones passesOrgGroup can pass — the others are refused per value without looking further.
  const inGroupLineage = new Uint8Array(orgGroup === null ? 0 : n);
  if (orgGroup !== null) for (const u of byId) if (table.units[u]!.lineage.some((x) => x.groupKey === orgGroup)) inGroupLineage[u] = 1;

  // Working arrays, per window k of a form: per-unit counts, values, months; per-row sums.
  const eligible = new Int32Array(n);
  const count = Array.from({ length: W }, () => new Int32Array(n));
  const accV = Array.from({ length: W }, () => new Float64Array(n));
  const accM = Array.from({ length: W }, () => new Int32Array(n));
  const rowSum = new Float64Array(W * R);
  const rowHas = new Uint8Array(W * R);

  for (const form of forms) {
    const ws = windows.map((w, wi) => ({ w, wi })).filter(({ w }) => w.forms.includes(form));
    const K = ws.length;
    const months = ws.map(({ w }) => monthsOf(w, form));
    const all = [...new Set(months.flat())];
    const reporters = plan.reporters[form];
    const span = SPAN[reporters.periodType];
    ws.forEach(({ w, wi }) => {
      const periods = (w.formPeriods[form] ?? []).map(monthsOfPeriod);
      for (let s = 0; s < R; s++) {
        const f = facts[wi][s];
        f.reported[form] = 0;
        let expected = 0;
        if (reporters.groups === null && orgGroup === null) {
          // Without applies-to and filter every unit of the form's levels owes every period.
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
      }
    });
    if (all.length === 0) continue;
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    // Per month of [lo, hi], a bit per window k whose months contain it.
    const maskOf = new Int32Array(hi - lo + 1);
    months.forEach((ms, k) => {
      for (const m of ms) maskOf[m - lo] |= 1 << k;
    });
    // A unit's report (or value) counts when the unit lies under a row and its level reports the
    // form (eligible = its row slot + 1, else 0) and, with an org-group filter, passes it for the
    // period ending at that month.
    const reportsLevel = new Set(reporters.levels as string[]);
    for (const u of byId) eligible[u] = reportsLevel.has(table.units[u]!.level) ? slot[u] + 1 : 0;
    const keep: Keep = orgGroup === null ? null : (u, m) => inGroupLineage[u] === 1 && passesOrgGroup(table.units[u]!, orgGroup, m - span, m);

    // Reports: per window, counted unit-periods per unit (and, for explain, each unit's months).
    const monthsOfUnit = options.withUnitLists ? new Map<number, number[]>() : null;
    for (const data of bucketData) {
      const series = data?.forms.get(form);
      if (!series) continue;
      countReports(series.months, series.units, lo, hi, maskOf, eligible, count, keep, monthsOfUnit);
    }
    ws.forEach(({ w, wi }, k) => {
      const c = count[k];
      const bit = unitFormBit[wi].get(form) ?? 0;
      const bits = reportedBits[wi];
      for (const u of byId) {
        const x = c[u];
        if (x === 0) continue;
        facts[wi][slot[u]].reported[form] += x;
        if (bit && bits) bits[u] |= bit;
      }
      if (!options.withUnitLists) return;
      const periods = (w.formPeriods[form] ?? []).map((p) => ({ end: periodEndIndex(p), months: monthsOfPeriod(p) }));
      for (let s = 0; s < R; s++) {
        const f = facts[wi][s];
        const list = unitsOfRow[s];
        const dense = denseOfRow[s];
        for (let j = 0; j < list.length; j++) {
          const u = list[j];
          if (!reportsLevel.has(u.level)) continue;
          if (c[dense[j]] > 0) f.contributing![form].push(u.code);
          const has = monthsOfUnit!.get(dense[j]);
          if (periods.some((p) => !has?.includes(p.end) && expectedFor(reporters, u, p.months, orgGroup))) f.missing![form].push(u.code);
        }
      }
    });
    for (let k = 0; k < K; k++) count[k].fill(0);

    // Fields of this form: totalled per row, or per unit first (as the SQL provider splits them).
    const fieldKeys = [...new Set(ws.flatMap(({ w }) => w.fields.filter((k) => plan.fields[k].form === form)))];
    const singlePeriod = months.every((m) => m.length <= 1);
    const perUnit = (f: PlanField) => ws.some(({ w }) => w.unitFields.includes(f.key)) || (f.aggregation !== "sum" && !singlePeriod);
    for (const key of fieldKeys) {
      const field = plan.fields[key];
      const unitLevel = perUnit(field);
      const agg = singlePeriod ? "sum" : field.aggregation;
      const code = agg === "last" ? 1 : agg === "max" ? 2 : agg === "min" ? 3 : 0;
      rowSum.fill(0);
      rowHas.fill(0);
      const levelCodes = LEVEL_CODES.map((l, i) => (reportsLevel.has(l) ? i : -1)).filter((i) => i >= 0);
      for (let bi = 0; bi < buckets.length; bi++) {
        const series = bucketData[bi]?.fields.get(key);
        if (!series) continue;
        const whole = bucketSlot[bi];
        if (!unitLevel && whole === -2) continue; // a district under none of the rows
        if (!unitLevel && whole >= 0) {
          // Σ per month and level, computed once per series: a few numbers instead of every value.
          const t = monthTotals(series, table);
          for (let d = lowerBound(t.months, lo); d < t.months.length && t.months[d] <= hi; d++) {
            const mask = maskOf[t.months[d] - lo];
            if (mask === 0) continue;
            let sum = 0;
            let cnt = 0;
            for (const lv of levelCodes) {
              sum += t.sum[d * 4 + lv];
              cnt += t.count[d * 4 + lv];
            }
            if (cnt === 0) continue;
            for (let k = 0; k < K; k++) {
              if (!(mask & (1 << k))) continue;
              rowSum[k * R + whole] += sum;
              rowHas[k * R + whole] = 1;
            }
          }
          continue;
        }
        if (unitLevel) accumulateUnits(series.months, series.units, series.values!, lo, hi, maskOf, eligible, count, accV, accM, code, keep);
        else sumRows(series.months, series.units, series.values!, lo, hi, maskOf, eligible, rowSum, rowHas, R, keep);
      }
      ws.forEach(({ wi }, k) => {
        if (!unitLevel) {
          for (let s = 0; s < R; s++) if (rowHas[k * R + s]) facts[wi][s].totals[key] = rowSum[k * R + s];
          return;
        }
        // Per-unit values (kept for count_units), then row totals as Σ over the row's units in
        // unit-id order (ratio of sums, missing ≠ zero).
        const c = count[k];
        const a = accV[k];
        const fi = unitFieldIndex[wi].get(key);
        let store: { v: Float64Array; has: Uint8Array } | null = null;
        if (fi !== undefined) store = unitValue[wi][fi] = { v: new Float64Array(n), has: new Uint8Array(n) };
        for (const u of byId) {
          const x = c[u];
          if (x === 0) continue;
          const v = code === 0 && agg === "avg" ? a[u] / x : a[u];
          const e = eligible[u] - 1;
          rowSum[k * R + e] += v;
          rowHas[k * R + e] = 1;
          if (store) {
            store.v[u] = v;
            store.has[u] = 1;
          }
        }
        for (let s = 0; s < R; s++) if (rowHas[k * R + s]) facts[wi][s].totals[key] = rowSum[k * R + s];
        c.fill(0);
      });
    }
  }

  const out: RowFacts[] = [];
  windows.forEach((w, wi) => {
    const bits = reportedBits[wi];
    const names = unitFormNames[wi];
    const ownFields = new Set(w.fields);
    // The units count_units sees, of every row, as one UnitColumns (engine/facts.ts): no object
    // per unit; each row's units are a segment of it, in code order as the SQL provider lists them.
    const columnar = bits !== null && names.length <= 31 && (w.unitGroups?.length ?? 0) <= 31;
    let segments: UnitSegment[][] | null = null;
    if (bits && columnar) {
      let total = 0;
      for (let s = 0; s < R; s++) for (const u of denseOfRow[s]) if (bits[u] !== 0) total++;
      const codes: string[] = new Array<string>(total);
      const forms = new Int32Array(total);
      const values = new Map<string, Float64Array>();
      const stores = w.unitFields.map((key, fi) => {
        const column = new Float64Array(total);
        values.set(key, column);
        return { column, store: unitValue[wi][fi] };
      });
      const columns: UnitColumns = { codes, values, formNames: names, forms };
      if (w.unitGroups) {
        columns.groupKeys = w.unitGroups;
        columns.groups = new Int32Array(total);
      }
      segments = [];
      let at = 0;
      for (let s = 0; s < R; s++) {
        const from = at;
        const units = unitsOfRow[s];
        const dense = denseOfRow[s];
        for (let j = 0; j < units.length; j++) {
          const u = dense[j];
          const b = bits[u];
          if (b === 0) continue;
          codes[at] = units[j].code;
          forms[at] = b;
          for (const { column, store } of stores) column[at] = store.has.length > 0 && store.has[u] ? store.v[u] : NaN;
          if (w.unitGroups) {
            let g = 0;
            for (const key of groupsInWindow(units[j], w.unitGroups, w.start, w.end)) g |= 1 << w.unitGroups.indexOf(key);
            columns.groups![at] = g;
          }
          at++;
        }
        segments.push(at > from ? [{ columns, from, to: at }] : []);
      }
    }
    for (let s = 0; s < R; s++) {
      const f = facts[wi][s];
      for (const key of w.fields) if (!(key in f.totals)) f.totals[key] = null;
      for (const key of Object.keys(f.totals)) if (!ownFields.has(key)) delete f.totals[key];
      if (segments) f.unitColumns = segments[s];
      else if (bits) {
        // More forms or group keys than bits of a column: one object per unit.
        const list: UnitFacts[] = [];
        const units = unitsOfRow[s];
        const dense = denseOfRow[s];
        for (let j = 0; j < units.length; j++) {
          const u = dense[j];
          const b = bits[u];
          if (b === 0) continue;
          const values = Object.create(null) as Record<string, number | null>;
          w.unitFields.forEach((key, fi) => {
            const store = unitValue[wi][fi];
            values[key] = store.has.length > 0 && store.has[u] ? store.v[u] : null;
          });
          const one: UnitFacts = { code: units[j].code, values, forms: names.filter((_f, i) => b & (1 << i)) };
          if (w.unitGroups) one.groups = groupsInWindow(units[j], w.unitGroups, w.start, w.end);
          list.push(one);
        }
        f.units = list;
      }
      out.push(f);
    }
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
  await index.refresh(versions ?? (await readVersions(db)), districtsOf(rows));
  return indexRowFacts(index, plan, rows, options);
}
