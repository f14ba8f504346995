/**
 * Computing a scorecard from facts: each cell's value, target, status and trend, then the rows'
 * composite scores and ranks, and the total row.
 */
import type { Bands, Target, TemplatePackage } from "../documents";
import { FormulaRuntimeError, type UnitCursor, type ValueScope } from "../formula/index";
import { completenessOf, reportedOf, sumRowFacts } from "../aggregate";
import { dict, type PlanWindow, type RowFacts, type ScorecardPlan, type UnitColumns, type UnitFacts, type UnitSegment } from "../facts";
import { parsePeriod, periodLabel } from "../period";
import { bandsOf, cellStatus, trendOf, type CellState, type Trend } from "../status";
import { describeScope, targetForPeriod, type TargetIndex, type OrgChainLink, type ResolvedTarget } from "../targets";
import { compilePackage, type CompiledIndicator, type CompiledPackage } from "./compile";
import { roundForDisplay } from "./format";
import { isYtd, planScorecard, TOTAL_ROW_CODE, type ScorecardRequest, type ScorecardRowRef } from "./plan";
import type { CellReason, CellTarget, Scorecard, ScorecardCell, ScorecardColumn, ScorecardData, ScorecardRow, Yardstick } from "./types";

/** The yardstick of the national target alone: national-scope targets and the package's own bands. */
export function nationalYardstick(pkg: TemplatePackage): Yardstick {
  const bands: Record<string, Bands> = dict<Bands>();
  for (const i of pkg.indicators) bands[i.key] = bandsOf(i);
  return { targets: pkg.targets.filter((t) => t.scope.level === "national"), bands };
}

/** An adapted package's yardstick: all its targets and the bands of its indicators. */
export function packageYardstick(pkg: TemplatePackage): Yardstick {
  const bands: Record<string, Bands> = dict<Bands>();
  for (const i of pkg.indicators) bands[i.key] = bandsOf(i);
  return { targets: pkg.targets, bands };
}

interface Evaluated {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  reason: CellReason | null;
  completeness: number | null;
  reported: number;
  expected: number;
  message?: string;
}

/**
 * Formula scope over a facts record. Values are read with `Object.hasOwn` so inherited names such
 * as "constructor" are never seen as fields, whatever kind of object the provider built.
 */
class RecordScope implements ValueScope {
  constructor(private readonly values: Record<string, number | null>) {}
  get(key: string): number | null {
    return Object.hasOwn(this.values, key) ? this.values[key] : null;
  }
}

/** A unit's scope: its values and, when the provider listed them, the groups it is in (in_group); without them in_group has no value. */
function unitScopeOf(unit: UnitFacts): RecordScope {
  const scope: RecordScope & ValueScope = new RecordScope(unit.values);
  const groups = unit.groups;
  if (groups) scope.inGroup = (key) => groups.includes(key);
  return scope;
}

/**
 * The units of a row given as columns (UnitSegment), seen through one moving scope: the positions
 * of the units an indicator sees, per segment; `at(i)` moves to the i-th of them all.
 */
class ColumnCursor implements UnitCursor {
  readonly count: number;
  private columns: UnitColumns;
  private position = 0;
  inGroup?: (key: string) => boolean;
  constructor(private readonly parts: ReadonlyArray<{ columns: UnitColumns; positions: Int32Array }>) {
    let n = 0;
    for (const p of parts) n += p.positions.length;
    this.count = n;
    this.columns = parts.length > 0 ? parts[0].columns : EMPTY_COLUMNS;
    // in_group has a value only when the provider listed the units' groups (as for UnitFacts.groups).
    if (parts.length > 0 && parts.every((p) => p.columns.groups !== undefined)) {
      this.inGroup = (key) => {
        const c = this.columns;
        const bit = c.groupKeys!.indexOf(key);
        return bit >= 0 && (c.groups![this.position] & (1 << bit)) !== 0;
      };
    }
  }
  at(i: number): void {
    let k = i;
    for (const p of this.parts) {
      if (k < p.positions.length) {
        this.columns = p.columns;
        this.position = p.positions[k];
        return;
      }
      k -= p.positions.length;
    }
    throw new RangeError(`unit ${i} of ${this.count}`);
  }
  get(key: string): number | null {
    const column = this.columns.values.get(key);
    if (column === undefined) return null;
    const v = column[this.position];
    return Number.isNaN(v) ? null : v;
  }
}

const EMPTY_COLUMNS: UnitColumns = { codes: [], values: new Map(), formNames: [], forms: new Int32Array(0) };

/** Positions of a segment's units that an indicator sees: those that reported one of its per-unit forms (as unitsForIndicator). */
function segmentPositions(s: UnitSegment, unitForms: readonly string[]): Int32Array {
  const c = s.columns;
  let mask = 0;
  for (const f of unitForms) {
    const j = c.formNames.indexOf(f);
    if (j >= 0) mask |= 1 << j;
  }
  const out = new Int32Array(s.to - s.from);
  let n = 0;
  for (let i = s.from; i < s.to; i++) if (unitForms.length === 0 || (c.forms[i] & mask) !== 0) out[n++] = i;
  return n === out.length ? out : out.slice(0, n);
}

/** Row scope with its unit scopes (or their cursor), built once per RowFacts (a national total has 10,000+ units). */
type RowScope = RecordScope & { units?: RecordScope[]; unitCursor?: UnitCursor };

/** Units an indicator's count_units/units() see: those that reported one of its per-unit forms. */
export function unitsForIndicator(units: readonly UnitFacts[], unitForms: readonly string[]): UnitFacts[] {
  if (unitForms.length === 0) return [...units];
  return units.filter((u) => !u.forms || u.forms.some((f) => unitForms.includes(f)));
}

function rowScopeFactory(): (facts: RowFacts, unitForms: readonly string[]) => RowScope {
  const cache = new WeakMap<RowFacts, Map<string, RowScope>>();
  // The compiled indicators' unitForms arrays are the same objects cell after cell: their key once.
  const keys = new WeakMap<readonly string[], string>();
  return (facts, unitForms) => {
    let byForms = cache.get(facts);
    if (!byForms) cache.set(facts, (byForms = new Map()));
    let key = keys.get(unitForms);
    if (key === undefined) keys.set(unitForms, (key = unitForms.join("|")));
    let scope = byForms.get(key);
    if (!scope) {
      scope = new RecordScope(facts.totals) as RowScope;
      if (facts.units) scope.units = unitsForIndicator(facts.units, unitForms).map(unitScopeOf);
      else if (facts.unitColumns)
        scope.unitCursor = new ColumnCursor(facts.unitColumns.map((s) => ({ columns: s.columns, positions: segmentPositions(s, unitForms) })));
      byForms.set(key, scope);
    }
    return scope;
  };
}

/** An Evaluated of one shape, built without spreads: ~30,000 of these per national scorecard. */
function result(
  reason: CellReason | null,
  completeness: number | null,
  reported: number,
  expected: number,
  numerator: number | null = null,
  denominator: number | null = null,
  value: number | null = null,
): Evaluated {
  return { value, numerator, denominator, reason, completeness, reported, expected };
}

/** Value of one indicator on one row's facts (before target and status). */
function evaluateIndicator(
  ci: CompiledIndicator,
  facts: RowFacts | undefined,
  scopeOf: (facts: RowFacts, unitForms: readonly string[]) => RowScope,
): Evaluated {
  if (!facts) return result(ci.errors.length ? "FORMULA_ERROR" : "NO_DATA", null, 0, 0);
  const completeness = completenessOf(facts, ci.forms);
  const reported = reportedOf(facts, ci.forms);
  let expected = 0;
  for (const f of ci.forms) expected += facts.expected[f] ?? 0;
  if (ci.errors.length > 0 || !ci.numerator) return result("FORMULA_ERROR", completeness, reported, expected);
  if (ci.forms.length > 0 && reported === 0) return result("NO_DATA", completeness, reported, expected);
  if (ci.usesUnits && !facts.units && !facts.unitColumns) {
    if (ci.unitFields.length > 0) {
      throw new Error(`Facts of row ${facts.row} (${facts.window}) lack per-unit values needed by indicator ${ci.indicator.key}`);
    }
    // units() without any count_units field names no form whose reporters are "the units": a
    // formula problem for the author, shown on the cell, never a crash of the whole scorecard.
    const out = result("FORMULA_ERROR", completeness, reported, expected);
    out.message = "units() hanya bermakna bersama count_units(kondisi) atas isian formulir; tambahkan count_units pada rumus.";
    return out;
  }
  const scope = scopeOf(facts, ci.unitForms);
  try {
    const num = ci.numerator.evaluate(scope);
    const numerator = typeof num.value === "number" ? num.value : null;
    let denominator: number | null = null;
    if (ci.denominator) {
      const den = ci.denominator.evaluate(scope);
      denominator = typeof den.value === "number" ? den.value : null;
      if (denominator === null) return result(den.reason ?? "MISSING", completeness, reported, expected, numerator);
    }
    if (numerator === null) return result(num.reason ?? "MISSING", completeness, reported, expected, null, denominator);
    if (denominator === 0) return result("DIV_ZERO", completeness, reported, expected, numerator, denominator);
    const factor = ci.indicator.factor ?? 1;
    const value = denominator === null ? numerator * factor : (numerator / denominator) * factor;
    if (!Number.isFinite(value)) return result("NOT_FINITE", completeness, reported, expected, numerator, denominator);
    return result(null, completeness, reported, expected, numerator, denominator, value === 0 ? 0 : value);
  } catch (e) {
    if (e instanceof FormulaRuntimeError) {
      const out = result("FORMULA_ERROR", completeness, reported, expected);
      out.message = e.message;
      return out;
    }
    throw e;
  }
}

function toCellTarget(t: ResolvedTarget | null): CellTarget | null {
  if (!t) return null;
  const out: CellTarget = {
    value: t.value,
    annual: t.annual,
    profile: t.profile,
    scope: t.scope,
    scopeLabel: describeScope(t.scope),
    year: t.year,
  };
  if (t.source !== undefined) out.source = t.source;
  return out;
}

interface CellContext {
  compiled: CompiledPackage;
  plan: ScorecardPlan;
  windows: Map<string, PlanWindow>;
  /** The plan's entry of each indicator, by key. */
  planned: Map<string, ScorecardPlan["indicators"][number]>;
  factsOf: (row: string, window: string) => RowFacts | undefined;
  chainOf: (row: ScorecardRowRef) => readonly OrgChainLink[];
  scopeOf: (facts: RowFacts, unitForms: readonly string[]) => RowScope;
  /** The yardstick judging a row with this chain, or null for the package's own. */
  yardstickOf: (chain: readonly OrgChainLink[]) => Yardstick | null;
}

/** Targets and bands of one cell: the row's yardstick where it has one, else the package's. */
function judgedBy(ctx: CellContext, ci: CompiledIndicator, chain: readonly OrgChainLink[]): { targets: TargetIndex | readonly Target[]; bands: Bands } {
  const y = ctx.yardstickOf(chain);
  if (!y) return { targets: ctx.compiled.targets, bands: bandsOf(ci.indicator) };
  return { targets: y.targets, bands: Object.hasOwn(y.bands, ci.indicator.key) ? y.bands[ci.indicator.key] : bandsOf(ci.indicator) };
}

/** One cell with the bands that judged it (explain.ts shows them); not part of the engine's API. */
export function computeCell(ctx: CellContext, ci: CompiledIndicator, row: ScorecardRowRef): ScorecardCell & { evaluated: Evaluated; bands: Bands } {
  const { cell, evaluated, bands } = cellParts(ctx, ci, row);
  return { ...cell, evaluated, bands };
}

/** One cell, and apart from it what explain.ts also shows (the scorecard itself keeps only the cell). */
function cellParts(ctx: CellContext, ci: CompiledIndicator, row: ScorecardRowRef): { cell: ScorecardCell; evaluated: Evaluated; bands: Bands } {
  const planned = ctx.planned.get(ci.indicator.key)!;
  const window = ctx.windows.get(planned.window)!;
  const direction = ci.indicator.direction ?? "higher";
  const chain = ctx.chainOf(row);
  const { targets, bands } = judgedBy(ctx, ci, chain);
  const evaluated = evaluateIndicator(ci, ctx.factsOf(row.code, window.id), ctx.scopeOf);
  const target = toCellTarget(targetForPeriod(targets, ci.indicator.key, window.period, { ytd: window.ytd, chain, quarterlyData: ci.quarterlyData }));
  const status = cellStatus({
    value: evaluated.value,
    target: target?.value ?? null,
    direction,
    bands,
    completeness: evaluated.completeness,
    minCompleteness: ci.indicator.minCompleteness,
    noData: evaluated.reason !== null,
  });
  let previous: ScorecardCell["previous"] = null;
  let trend: Trend | null = null;
  if (planned.previousWindow) {
    const pw = ctx.windows.get(planned.previousWindow)!;
    const pe = evaluateIndicator(ci, ctx.factsOf(row.code, pw.id), ctx.scopeOf);
    const pt = targetForPeriod(targets, ci.indicator.key, pw.period, { ytd: pw.ytd, chain, quarterlyData: ci.quarterlyData });
    const ps = cellStatus({
      value: pe.value,
      target: pt?.value ?? null,
      direction,
      bands,
      completeness: pe.completeness,
      minCompleteness: ci.indicator.minCompleteness,
      noData: pe.reason !== null,
    });
    previous = { period: pw.period, value: pe.value, achievement: ps.achievement };
    trend = trendOf({ value: evaluated.value, achievement: status.achievement }, previous, {
      direction,
      decimals: ci.indicator.decimals ?? 1,
    });
  }
  const cell: ScorecardCell = {
    indicator: ci.indicator.key,
    row: row.code,
    value: evaluated.value,
    numerator: evaluated.numerator,
    denominator: evaluated.denominator,
    reason: evaluated.reason,
    target,
    achievement: status.achievement,
    band: status.band,
    state: status.state,
    completeness: evaluated.completeness,
    reported: evaluated.reported,
    expected: evaluated.expected,
    trend,
    previous,
  };
  return { cell, evaluated, bands };
}

const SCORED_STATES: ReadonlySet<CellState> = new Set(["green", "yellow", "red"]);

/**
 * Composite score of a row: weighted mean of achievements capped at 100. Only coloured cells
 * count: an incomplete cell's achievement is unreliable and a nodata cell has none, so neither
 * may push a unit up or down the ranking.
 */
export function compositeScore(
  cells: readonly Pick<ScorecardCell, "achievement" | "state">[],
  weights: readonly number[],
): { score: number | null; scoredCells: number } {
  let sum = 0;
  let wsum = 0;
  let n = 0;
  cells.forEach((c, i) => {
    const w = weights[i] ?? 1;
    if (c.achievement == null || !SCORED_STATES.has(c.state) || !(w > 0)) return;
    sum += Math.min(100, c.achievement) * w;
    wsum += w;
    n++;
  });
  return { score: wsum > 0 ? sum / wsum : null, scoredCells: n };
}

/**
 * Competition ranking (1, 1, 3) by score, best first. Scores are compared at display precision
 * (1 decimal) so two rows that show the same score share a rank.
 */
export function rankScores(scores: ReadonlyArray<number | null>): Array<number | null> {
  const keyed = scores.map((s, i) => ({ i, k: s == null ? null : roundForDisplay(s, 1) }));
  const sorted = keyed.filter((x) => x.k !== null).sort((a, b) => b.k! - a.k!);
  const ranks: Array<number | null> = scores.map(() => null);
  sorted.forEach((x, pos) => {
    ranks[x.i] = pos > 0 && sorted[pos - 1].k === x.k ? ranks[sorted[pos - 1].i] : pos + 1;
  });
  return ranks;
}

/** What computing and explaining share: the compiled package, the plan, facts by row and window. */
export function buildContext(pkg: TemplatePackage, request: ScorecardRequest, data: ScorecardData) {
  const compiled = compilePackage(pkg);
  const plan = planScorecard(pkg, request);
  const windows = new Map(plan.windows.map((w) => [w.id, w]));
  const planned = new Map(plan.indicators.map((p) => [p.key, p]));
  // Facts by window, then row (no key string built per cell).
  const byWindow = new Map<string, Map<string, RowFacts>>();
  for (const list of [data.facts, data.current, data.previous]) {
    for (const f of list ?? []) {
      let rows = byWindow.get(f.window);
      if (!rows) byWindow.set(f.window, (rows = new Map()));
      rows.set(f.row, f);
    }
  }
  const givenTotals: readonly RowFacts[] = data.total === undefined ? [] : Array.isArray(data.total) ? data.total : [data.total as RowFacts];
  const totalCode = request.total?.code ?? TOTAL_ROW_CODE;
  const totalFacts = new Map<string, RowFacts>();
  for (const w of plan.windows) {
    const given = givenTotals.find((f) => f.window === w.id);
    if (given) totalFacts.set(w.id, given);
    else {
      const inWindow = byWindow.get(w.id);
      const rows = plan.rows.map((r) => inWindow?.get(r)).filter((f): f is RowFacts => f !== undefined);
      totalFacts.set(w.id, sumRowFacts(rows, { row: totalCode, window: w.id }));
    }
  }
  const chains = data.orgChains;
  const chainOf = (row: ScorecardRowRef): readonly OrgChainLink[] => {
    const c =
      chains instanceof Map
        ? chains.get(row.code)
        : chains && Object.hasOwn(chains, row.code)
          ? (chains as Record<string, readonly OrgChainLink[]>)[row.code]
          : undefined;
    // Without a chain the row still gets its own and national targets.
    return c ?? (row.code === TOTAL_ROW_CODE ? [] : [{ code: row.code, level: row.level }]);
  };
  const totalRef: ScorecardRowRef = request.total ?? { code: TOTAL_ROW_CODE, name: "Total", level: "total" };
  const scopeOf = rowScopeFactory();
  const yardsticks = data.yardsticks;
  const yardstickOf = (chain: readonly OrgChainLink[]): Yardstick | null => {
    if (yardsticks?.all) return yardsticks.all;
    const byDistrict = yardsticks?.byDistrict;
    if (!byDistrict) return null;
    const district = chain.find((l) => l.level === "district");
    return district && Object.hasOwn(byDistrict, district.code) ? byDistrict[district.code] : null;
  };
  const ctx = (isTotal: boolean): CellContext => ({
    scopeOf,
    compiled,
    plan,
    windows,
    planned,
    factsOf: isTotal ? (_row, window) => totalFacts.get(window) : (row, window) => byWindow.get(window)?.get(row),
    chainOf,
    yardstickOf,
  });
  return { compiled, plan, windows, ctx, totalRef };
}

/**
 * Computes a scorecard from facts. Cells never hold NaN or Infinity; rows keep request order with
 * `rank` set; the total row is computed by ratio of sums over all rows (or from `data.total`).
 */
export function computeScorecard(pkg: TemplatePackage, request: ScorecardRequest, data: ScorecardData): Scorecard {
  const { compiled, plan, ctx, totalRef } = buildContext(pkg, request, data);
  const indicators = plan.indicators.map((p) => compiled.indicators.get(p.key)!);
  const weights = indicators.map((ci) => ci.indicator.weight ?? 1);
  const period = parsePeriod(request.period);
  const columns: ScorecardColumn[] = indicators.map((ci) => {
    const ytd = isYtd(ci.indicator, request, period);
    return {
      key: ci.indicator.key,
      name: ci.indicator.name.id,
      group: ci.indicator.group,
      unit: ci.indicator.unit ?? null,
      decimals: ci.indicator.decimals ?? 1,
      direction: ci.indicator.direction ?? "higher",
      factor: ci.indicator.factor ?? 1,
      ytd,
      bands: bandsOf(ci.indicator),
      weight: ci.indicator.weight ?? 1,
      periodLabel: periodLabel(period, { ytd }),
    };
  });
  const rowCtx = ctx(false);
  const makeRow = (ref: ScorecardRowRef, c: CellContext): ScorecardRow => {
    const cells = indicators.map((ci) => cellParts(c, ci, ref).cell);
    const { score, scoredCells } = compositeScore(cells, weights);
    return { code: ref.code, name: ref.name, level: ref.level, cells, score, scoredCells, rank: null };
  };
  const rows = request.rows.map((r) => makeRow(r, rowCtx));
  const ranks = rankScores(rows.map((r) => r.score));
  rows.forEach((r, i) => (r.rank = ranks[i]));
  const total = makeRow(totalRef, ctx(true));
  return { period: request.period, columns, rows, total };
}
