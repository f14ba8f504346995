/**
 * Scorecards: org units × indicators with value, target, achievement, colour, trend and
 * completeness, a composite score and rank per row, and a total row computed by ratio of sums.
 *
 * Two steps keep the engine pure: planScorecard says which facts are needed (fields, windows,
 * forms), a fact provider (facts-memory.ts or the SQL layer) computes them, computeScorecard turns
 * them into cells. explainCell recomputes one cell with everything behind it.
 */
import type { Bands, Direction, Form, Indicator, Target, TargetProfile, TargetScope, TemplatePackage } from './documents';
import { compileFormula, FormulaCompileError, FormulaRuntimeError } from './formula/index';
import type { CompiledFormula, FormulaError, FormulaType, ValueScope } from './formula/index';
import { completenessOf, reportedOf, sumRowFacts } from './aggregate';
import { dict, type PlanField, type PlanWindow, type RowFacts, type ScorecardPlan, type UnitFacts } from './facts';
import {
  parsePeriod,
  periodLabel,
  periodsInWindow,
  periodWindow,
  previousPeriod,
  type Period,
} from './period';
import { bandsOf, bandValueThresholds, DEFAULT_MIN_COMPLETENESS, cellStatus, trendOf, type Band, type CellState, type Trend } from './status';
import { describeScope, targetForPeriod, TargetIndex, type OrgChainLink, type ResolvedTarget } from './targets';

// ---------------------------------------------------------------------------------------------
// Compiled package (cached per package object)

/** An indicator with its formulas compiled once. */
export interface CompiledIndicator {
  indicator: Indicator;
  numerator: CompiledFormula | null;
  denominator: CompiledFormula | null;
  /** Compile errors; a broken indicator yields cells with reason FORMULA_ERROR, not a crash. */
  errors: Array<FormulaError & { part: 'numerator' | 'denominator' }>;
  /** Fields read anywhere (row totals). */
  fields: string[];
  /** Fields read inside count_units (needed per unit). */
  unitFields: string[];
  /** Forms of unitFields: count_units/units() see the units that reported one of them. */
  unitForms: string[];
  /** Forms of `fields`: completeness is computed over them. */
  forms: string[];
  usesUnits: boolean;
  /**
   * True when a form read is quarterly: its data in a window runs to the last quarter ending
   * there, so a quarterly target profile is read at that quarter (engine/targets.ts profileValue).
   */
  quarterlyData: boolean;
}

/** A field of the package as the scorecard needs it. */
export interface PackageField extends PlanField {
  label: string;
}

/** Everything derived once from a package: field table, compiled indicators, target index. */
export interface CompiledPackage {
  fields: Map<string, PackageField>;
  forms: Map<string, Form>;
  indicators: Map<string, CompiledIndicator>;
  /** Indicator keys in package order. */
  order: string[];
  targets: TargetIndex;
}

const compiledCache = new WeakMap<TemplatePackage, CompiledPackage>();

function formulaType(fieldType: string): FormulaType | null {
  if (fieldType === 'integer' || fieldType === 'number') return 'number';
  if (fieldType === 'boolean') return 'boolean';
  return null;
}

function compilePart(
  src: string,
  symbols: ReadonlyMap<string, FormulaType>,
  part: 'numerator' | 'denominator',
  errors: CompiledIndicator['errors'],
): CompiledFormula | null {
  try {
    const f = compileFormula(src, { symbols, context: 'indicator' });
    if (f.type !== 'number') {
      errors.push({
        code: 'EXPECTED_NUMBER',
        message: 'Pembilang dan penyebut indikator harus berupa angka. Untuk kondisi benar/salah gunakan count_units(kondisi).',
        start: 0,
        end: src.length,
        part,
      });
      return null;
    }
    return f;
  } catch (e) {
    if (e instanceof FormulaCompileError) {
      for (const err of e.errors) errors.push({ ...err, part });
      return null;
    }
    throw e;
  }
}

/**
 * Compiles a package's indicators once; later calls with the same package object reuse the
 * result (packages are immutable once published, and overlays produce new objects).
 */
export function compilePackage(pkg: TemplatePackage): CompiledPackage {
  const cached = compiledCache.get(pkg);
  if (cached) return cached;
  const fields = new Map<string, PackageField>();
  const forms = new Map<string, Form>();
  const symbols = new Map<string, FormulaType>();
  for (const form of pkg.forms) {
    forms.set(form.key, form);
    for (const section of form.sections) {
      for (const field of section.fields) {
        const type = formulaType(field.type);
        if (!type || fields.has(field.key)) continue;
        symbols.set(field.key, type);
        fields.set(field.key, {
          key: field.key,
          form: form.key,
          periodType: form.periodType,
          type,
          aggregation: field.aggregation ?? (type === 'boolean' ? 'last' : 'sum'),
          label: field.label.id,
        });
      }
    }
  }
  const indicators = new Map<string, CompiledIndicator>();
  const order: string[] = [];
  for (const indicator of pkg.indicators) {
    const errors: CompiledIndicator['errors'] = [];
    const numerator = compilePart(indicator.numerator, symbols, 'numerator', errors);
    const denominator =
      indicator.denominator !== undefined ? compilePart(indicator.denominator, symbols, 'denominator', errors) : null;
    const all = new Set<string>();
    const perUnit = new Set<string>();
    for (const f of [numerator, denominator]) {
      if (!f) continue;
      for (const r of f.refs) all.add(r);
      for (const r of f.unitRefs) {
        all.add(r);
        perUnit.add(r);
      }
    }
    const fieldKeys = [...all].filter((k) => fields.has(k));
    const formsRead = [...new Set(fieldKeys.map((k) => fields.get(k)!.form))];
    if (!indicators.has(indicator.key)) order.push(indicator.key);
    indicators.set(indicator.key, {
      indicator,
      numerator,
      denominator,
      errors,
      fields: fieldKeys,
      unitFields: [...perUnit].filter((k) => fields.has(k)),
      unitForms: [...new Set([...perUnit].filter((k) => fields.has(k)).map((k) => fields.get(k)!.form))].sort(),
      forms: formsRead,
      usesUnits: Boolean(numerator?.usesUnits || denominator?.usesUnits),
      quarterlyData: formsRead.some((f) => forms.get(f)?.periodType === 'quarter'),
    });
  }
  const compiled: CompiledPackage = { fields, forms, indicators, order, targets: new TargetIndex(pkg.targets) };
  compiledCache.set(pkg, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Requests and plans

/** An org unit shown as a row. */
export interface ScorecardRowRef {
  code: string;
  name: string;
  level: string;
}

/** What a user asks to see. */
export interface ScorecardRequest {
  period: string;
  /** Forces year-to-date on (or off) for all indicators; default: each indicator's own `ytd`. */
  ytd?: boolean;
  /** Indicator keys to show, in this order; default all (of `group` when given). */
  indicators?: readonly string[];
  group?: string;
  rows: readonly ScorecardRowRef[];
  /** The org unit the total row stands for (its targets apply); default a national total. */
  total?: ScorecardRowRef;
  /** Compute trends against the previous period; default true. */
  trend?: boolean;
  /** Level of the units whose submissions are aggregated; default 'puskesmas'. */
  unitLevel?: string;
}

/** A request the engine cannot serve; message in Bahasa Indonesia. */
export class ScorecardRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScorecardRequestError';
  }
}

/** Code of the total row when the request names no org unit for it. */
export const TOTAL_ROW_CODE = '*';

function selectIndicators(compiled: CompiledPackage, request: ScorecardRequest): CompiledIndicator[] {
  let keys: string[];
  if (request.indicators) {
    keys = [];
    for (const k of request.indicators) {
      if (!compiled.indicators.has(k)) {
        throw new ScorecardRequestError(`Indikator "${k}" tidak ada dalam paket ini. Pilih indikator dari daftar.`);
      }
      if (!keys.includes(k)) keys.push(k);
    }
  } else {
    keys = compiled.order;
  }
  const list = keys.map((k) => compiled.indicators.get(k)!);
  return request.group === undefined ? list : list.filter((c) => c.indicator.group === request.group);
}

function isYtd(indicator: Indicator, request: ScorecardRequest, period: Period): boolean {
  if (period.type === 'year') return false; // a year's window is already Jan..Dec
  return request.ytd ?? indicator.ytd ?? false;
}

/**
 * The data a scorecard request needs: per window (current, and previous for trends; each with or
 * without year-to-date as the indicators need) the fields as row totals, the fields also needed
 * per unit (count_units), and the forms and periods for completeness. Throws PeriodError or
 * ScorecardRequestError on a bad request.
 */
export function planScorecard(pkg: TemplatePackage, request: ScorecardRequest): ScorecardPlan {
  const compiled = compilePackage(pkg);
  const period = parsePeriod(request.period);
  const prev = parsePeriod(previousPeriod(period));
  const withTrend = request.trend ?? true;
  const windows = new Map<string, PlanWindow & { fieldSet: Set<string>; unitSet: Set<string> }>();
  const getWindow = (role: 'current' | 'previous', ytd: boolean): string => {
    const id = ytd ? `${role}-ytd` : role;
    if (!windows.has(id)) {
      const p = role === 'current' ? period : prev;
      const w = periodWindow(p, { ytd });
      windows.set(id, {
        id,
        role,
        ytd,
        period: role === 'current' ? request.period : previousPeriod(period),
        start: w.start,
        end: w.end,
        fields: [],
        unitFields: [],
        forms: [],
        formPeriods: dict<string[]>(),
        fieldSet: new Set(),
        unitSet: new Set(),
      });
    }
    return id;
  };
  const planIndicators: ScorecardPlan['indicators'] = [];
  const fields = dict<PlanField>();
  for (const ci of selectIndicators(compiled, request)) {
    const ytd = isYtd(ci.indicator, request, period);
    const ids = [getWindow('current', ytd)];
    const previousWindow = withTrend ? getWindow('previous', ytd) : null;
    if (previousWindow) ids.push(previousWindow);
    planIndicators.push({ key: ci.indicator.key, window: ids[0], previousWindow });
    for (const id of ids) {
      const w = windows.get(id)!;
      for (const k of ci.fields) w.fieldSet.add(k);
      for (const k of ci.unitFields) w.unitSet.add(k);
    }
    for (const k of ci.fields) {
      const { label: _label, ...field } = compiled.fields.get(k)!;
      fields[k] = field;
    }
  }
  const out: PlanWindow[] = [];
  for (const w of windows.values()) {
    const { fieldSet, unitSet, ...rest } = w;
    rest.fields = [...fieldSet];
    rest.unitFields = [...unitSet];
    rest.forms = [...new Set(rest.fields.map((k) => fields[k].form))];
    for (const form of rest.forms) {
      rest.formPeriods[form] = periodsInWindow({ start: w.start, end: w.end }, compiled.forms.get(form)!.periodType);
    }
    out.push(rest);
  }
  return {
    package: { key: pkg.key, version: pkg.version },
    period: request.period,
    unitLevel: request.unitLevel ?? 'puskesmas',
    rows: request.rows.map((r) => r.code),
    fields,
    windows: out,
    indicators: planIndicators,
  };
}

// ---------------------------------------------------------------------------------------------
// Results

/** Why a cell has no value. */
export type CellReason = 'NO_DATA' | 'MISSING' | 'DIV_ZERO' | 'NOT_FINITE' | 'FORMULA_ERROR';

/** The target of a cell and where it came from. */
export interface CellTarget {
  value: number;
  annual: number;
  profile: TargetProfile;
  scope: TargetScope;
  /** e.g. "kabupaten/kota 13.73". */
  scopeLabel: string;
  year: number;
  source?: string;
}

/** One scorecard cell. All numbers are unrounded and finite (or null). */
export interface ScorecardCell {
  indicator: string;
  row: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Set exactly when value is null. */
  reason: CellReason | null;
  target: CellTarget | null;
  achievement: number | null;
  /** Colour by achievement, kept for incomplete cells (the UI shows them muted). */
  band: Band | null;
  state: CellState;
  /** Reported ÷ expected unit-periods of the forms read; null when nothing is expected. */
  completeness: number | null;
  reported: number;
  expected: number;
  trend: Trend | null;
  previous: { period: string; value: number | null; achievement: number | null } | null;
}

/** One row: its cells in column order, composite score and rank. */
export interface ScorecardRow extends ScorecardRowRef {
  cells: ScorecardCell[];
  /** Weighted mean of achievements capped at 100 over cells with a colour; null if none. */
  score: number | null;
  /** Number of cells that entered the score. */
  scoredCells: number;
  /** 1 = best; rows with equal (displayed) scores share a rank; null without a score. */
  rank: number | null;
}

/** A column of the scorecard. */
export interface ScorecardColumn {
  key: string;
  name: string;
  group: string;
  unit: string | null;
  decimals: number;
  direction: Direction;
  factor: number;
  ytd: boolean;
  bands: Bands;
  weight: number;
  /** e.g. "Januari–Maret 2025 (kumulatif)". */
  periodLabel: string;
}

export interface Scorecard {
  period: string;
  columns: ScorecardColumn[];
  rows: ScorecardRow[];
  total: ScorecardRow;
}

/**
 * The facts a scorecard consumes (from computeRowFacts or the SQL layer). Every RowFacts names its
 * row and window, so `facts`, `current` and `previous` are simply merged: pass all facts in
 * `facts`, or split them by role, whichever the provider finds natural.
 */
export interface ScorecardData {
  /** Facts of the plan's (row, window) pairs; a missing pair means nothing was reported. */
  facts?: readonly RowFacts[];
  /** Facts of the current windows (`current`, `current-ytd`). */
  current?: readonly RowFacts[];
  /** Facts of the previous windows, for trends. */
  previous?: readonly RowFacts[];
  /** Facts of the total row (one per window); when absent the rows' facts are summed (rows are disjoint). */
  total?: RowFacts | readonly RowFacts[];
  /** Per row code, the org chain from national down to the row (for target resolution). */
  orgChains?: Readonly<Record<string, readonly OrgChainLink[]>> | ReadonlyMap<string, readonly OrgChainLink[]>;
  /** Targets and bands that judge rows instead of the package's own (see Yardsticks). */
  yardsticks?: Yardsticks;
}

/**
 * What a cell is judged against: the targets to resolve (nearest scope wins within them) and the
 * colour bands per indicator key (an indicator without an entry keeps its own bands).
 */
export interface Yardstick {
  targets: readonly Target[];
  bands: Readonly<Record<string, Bands>>;
}

/**
 * Yardsticks other than the package's. A cell is one org unit × indicator × period and must be
 * judged the same on every page: a row inside a district that adapted the package is judged by
 * the district's adapted targets and bands (`byDistrict`, keyed by district code) even on a
 * province or national scorecard computed with the national package. `all` judges every row
 * with one yardstick instead (e.g. the national target for a like-for-like comparison).
 */
export interface Yardsticks {
  all?: Yardstick;
  byDistrict?: Readonly<Record<string, Yardstick>>;
}

/** The yardstick of the national target alone: national-scope targets and the package's own bands. */
export function nationalYardstick(pkg: TemplatePackage): Yardstick {
  const bands: Record<string, Bands> = dict<Bands>();
  for (const i of pkg.indicators) bands[i.key] = bandsOf(i);
  return { targets: pkg.targets.filter((t) => t.scope.level === 'national'), bands };
}

/** An adapted package's yardstick: all its targets and the bands of its indicators. */
export function packageYardstick(pkg: TemplatePackage): Yardstick {
  const bands: Record<string, Bands> = dict<Bands>();
  for (const i of pkg.indicators) bands[i.key] = bandsOf(i);
  return { targets: pkg.targets, bands };
}

// ---------------------------------------------------------------------------------------------
// Cells

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

/** Row scope with its unit scopes, built once per RowFacts (a national total has 10,000+ units). */
type RowScope = RecordScope & { units?: RecordScope[] };

/** Units an indicator's count_units/units() see: those that reported one of its per-unit forms. */
export function unitsForIndicator(units: readonly UnitFacts[], unitForms: readonly string[]): UnitFacts[] {
  if (unitForms.length === 0) return [...units];
  return units.filter((u) => !u.forms || u.forms.some((f) => unitForms.includes(f)));
}

function rowScopeFactory(): (facts: RowFacts, unitForms: readonly string[]) => RowScope {
  const cache = new WeakMap<RowFacts, Map<string, RowScope>>();
  return (facts, unitForms) => {
    let byForms = cache.get(facts);
    if (!byForms) cache.set(facts, (byForms = new Map()));
    const key = unitForms.join('|');
    let scope = byForms.get(key);
    if (!scope) {
      scope = new RecordScope(facts.totals) as RowScope;
      if (facts.units) scope.units = unitsForIndicator(facts.units, unitForms).map((u) => new RecordScope(u.values));
      byForms.set(key, scope);
    }
    return scope;
  };
}

/** Value of one indicator on one row's facts (before target and status). */
function evaluateIndicator(ci: CompiledIndicator, facts: RowFacts | undefined, scopeOf: (facts: RowFacts, unitForms: readonly string[]) => RowScope): Evaluated {
  const base = { numerator: null, denominator: null, value: null };
  if (!facts) return { ...base, reason: ci.errors.length ? 'FORMULA_ERROR' : 'NO_DATA', completeness: null, reported: 0, expected: 0 };
  const completeness = completenessOf(facts, ci.forms);
  const reported = reportedOf(facts, ci.forms);
  let expected = 0;
  for (const f of ci.forms) expected += facts.expected[f] ?? 0;
  const counts = { completeness, reported, expected };
  if (ci.errors.length > 0 || !ci.numerator) return { ...base, ...counts, reason: 'FORMULA_ERROR' };
  if (ci.forms.length > 0 && reported === 0) return { ...base, ...counts, reason: 'NO_DATA' };
  if (ci.usesUnits && !facts.units) {
    if (ci.unitFields.length > 0) {
      throw new Error(`Facts of row ${facts.row} (${facts.window}) lack per-unit values needed by indicator ${ci.indicator.key}`);
    }
    // units() without any count_units field names no form whose reporters are "the units": a
    // formula problem for the author, shown on the cell, never a crash of the whole scorecard.
    return {
      ...base,
      ...counts,
      reason: 'FORMULA_ERROR',
      message: 'units() hanya bermakna bersama count_units(kondisi) atas isian formulir; tambahkan count_units pada rumus.',
    };
  }
  const scope = scopeOf(facts, ci.unitForms);
  try {
    const num = ci.numerator.evaluate(scope);
    const numerator = typeof num.value === 'number' ? num.value : null;
    let denominator: number | null = null;
    if (ci.denominator) {
      const den = ci.denominator.evaluate(scope);
      denominator = typeof den.value === 'number' ? den.value : null;
      if (denominator === null) return { ...base, numerator, ...counts, reason: den.reason ?? 'MISSING' };
    }
    if (numerator === null) return { ...base, denominator, ...counts, reason: num.reason ?? 'MISSING' };
    if (denominator === 0) return { ...base, numerator, denominator, ...counts, reason: 'DIV_ZERO' };
    const factor = ci.indicator.factor ?? 1;
    const value = denominator === null ? numerator * factor : (numerator / denominator) * factor;
    if (!Number.isFinite(value)) return { ...base, numerator, denominator, ...counts, reason: 'NOT_FINITE' };
    return { value: value === 0 ? 0 : value, numerator, denominator, ...counts, reason: null };
  } catch (e) {
    if (e instanceof FormulaRuntimeError) return { ...base, ...counts, reason: 'FORMULA_ERROR', message: e.message };
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

function computeCell(ctx: CellContext, ci: CompiledIndicator, row: ScorecardRowRef): ScorecardCell & { evaluated: Evaluated; bands: Bands } {
  const planned = ctx.plan.indicators.find((p) => p.key === ci.indicator.key)!;
  const window = ctx.windows.get(planned.window)!;
  const direction = ci.indicator.direction ?? 'higher';
  const chain = ctx.chainOf(row);
  const { targets, bands } = judgedBy(ctx, ci, chain);
  const evaluated = evaluateIndicator(ci, ctx.factsOf(row.code, window.id), ctx.scopeOf);
  const target = toCellTarget(
    targetForPeriod(targets, ci.indicator.key, window.period, { ytd: window.ytd, chain, quarterlyData: ci.quarterlyData }),
  );
  const status = cellStatus({
    value: evaluated.value,
    target: target?.value ?? null,
    direction,
    bands,
    completeness: evaluated.completeness,
    minCompleteness: ci.indicator.minCompleteness,
    noData: evaluated.reason !== null,
  });
  let previous: ScorecardCell['previous'] = null;
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
  return {
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
    evaluated,
    bands,
  };
}

/** Rounds for display only; the engine never rounds stored or compared numbers. */
export function roundForDisplay(x: number, decimals: number): number {
  const f = 10 ** Math.max(0, Math.min(10, Math.trunc(decimals)));
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

/** A number formatted the Indonesian way ("1.234,5"); "–" for no value. */
export function formatNumberId(x: number | null | undefined, decimals = 1): string {
  if (x == null || !Number.isFinite(x)) return '–';
  const d = Math.max(0, Math.min(10, Math.trunc(decimals)));
  const fixed = Math.abs(roundForDisplay(x, d)).toFixed(d);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const sign = roundForDisplay(x, d) < 0 ? '-' : '';
  return frac ? `${sign}${grouped},${frac}` : `${sign}${grouped}`;
}

const SCORED_STATES: ReadonlySet<CellState> = new Set(['green', 'yellow', 'red']);

/**
 * Composite score of a row: weighted mean of achievements capped at 100. Only coloured cells
 * count: an incomplete cell's achievement is unreliable and a nodata cell has none, so neither
 * may push a unit up or down the ranking.
 */
export function compositeScore(cells: readonly Pick<ScorecardCell, 'achievement' | 'state'>[], weights: readonly number[]): { score: number | null; scoredCells: number } {
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

function buildContext(pkg: TemplatePackage, request: ScorecardRequest, data: ScorecardData) {
  const compiled = compilePackage(pkg);
  const plan = planScorecard(pkg, request);
  const windows = new Map(plan.windows.map((w) => [w.id, w]));
  const byKey = new Map<string, RowFacts>();
  for (const list of [data.facts, data.current, data.previous]) {
    for (const f of list ?? []) byKey.set(`${f.row}\u0000${f.window}`, f);
  }
  const givenTotals: readonly RowFacts[] = data.total === undefined ? [] : Array.isArray(data.total) ? data.total : [data.total as RowFacts];
  const totalCode = request.total?.code ?? TOTAL_ROW_CODE;
  const totalFacts = new Map<string, RowFacts>();
  for (const w of plan.windows) {
    const given = givenTotals.find((f) => f.window === w.id);
    if (given) totalFacts.set(w.id, given);
    else {
      const rows = plan.rows.map((r) => byKey.get(`${r}\u0000${w.id}`)).filter((f): f is RowFacts => f !== undefined);
      totalFacts.set(w.id, sumRowFacts(rows, { row: totalCode, window: w.id }));
    }
  }
  const chains = data.orgChains;
  const chainOf = (row: ScorecardRowRef): readonly OrgChainLink[] => {
    const c = chains instanceof Map ? chains.get(row.code) : chains && Object.hasOwn(chains, row.code) ? (chains as Record<string, readonly OrgChainLink[]>)[row.code] : undefined;
    // Without a chain the row still gets its own and national targets.
    return c ?? (row.code === TOTAL_ROW_CODE ? [] : [{ code: row.code, level: row.level }]);
  };
  const totalRef: ScorecardRowRef = request.total ?? { code: TOTAL_ROW_CODE, name: 'Total', level: 'total' };
  const scopeOf = rowScopeFactory();
  const yardsticks = data.yardsticks;
  const yardstickOf = (chain: readonly OrgChainLink[]): Yardstick | null => {
    if (yardsticks?.all) return yardsticks.all;
    const byDistrict = yardsticks?.byDistrict;
    if (!byDistrict) return null;
    const district = chain.find((l) => l.level === 'district');
    return district && Object.hasOwn(byDistrict, district.code) ? byDistrict[district.code] : null;
  };
  const ctx = (isTotal: boolean): CellContext => ({
    scopeOf,
    compiled,
    plan,
    windows,
    factsOf: isTotal ? (_row, window) => totalFacts.get(window) : (row, window) => byKey.get(`${row}\u0000${window}`),
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
      direction: ci.indicator.direction ?? 'higher',
      factor: ci.indicator.factor ?? 1,
      ytd,
      bands: bandsOf(ci.indicator),
      weight: ci.indicator.weight ?? 1,
      periodLabel: periodLabel(period, { ytd }),
    };
  });
  const rowCtx = ctx(false);
  const makeRow = (ref: ScorecardRowRef, c: CellContext): ScorecardRow => {
    const cells = indicators.map((ci) => {
      const { evaluated: _e, bands: _b, ...cell } = computeCell(c, ci, ref);
      return cell;
    });
    const { score, scoredCells } = compositeScore(cells, weights);
    return { code: ref.code, name: ref.name, level: ref.level, cells, score, scoredCells, rank: null };
  };
  const rows = request.rows.map((r) => makeRow(r, rowCtx));
  const ranks = rankScores(rows.map((r) => r.score));
  rows.forEach((r, i) => (r.rank = ranks[i]));
  const total = makeRow(totalRef, ctx(true));
  return { period: request.period, columns, rows, total };
}

// ---------------------------------------------------------------------------------------------
// Explain

/** One input field of an explained cell. */
export interface ExplainInput {
  field: string;
  label: string;
  form: string;
  formTitle: string;
  aggregation: string;
  /** Row total (Σ over units of each unit's time-aggregated value). */
  value: number | null;
  /** True when the field is read per unit inside count_units. */
  perUnit: boolean;
}

/** Completeness of one form behind a cell. */
export interface ExplainForm {
  form: string;
  title: string;
  periodType: string;
  periods: string[];
  reported: number;
  expected: number;
  contributing: string[];
  missing: string[];
}

/** Everything needed to see why a cell has its value and colour. */
export interface CellExplanation {
  indicator: { key: string; name: string; unit: string | null; decimals: number; direction: Direction; factor: number };
  row: ScorecardRowRef;
  window: { period: string; ytd: boolean; start: number; end: number; label: string };
  formula: {
    numerator: string;
    denominator: string | null;
    errors: CompiledIndicator['errors'];
  };
  inputs: ExplainInput[];
  /** Per-unit values of the count_units fields (only for such indicators). */
  units: Array<{ code: string; values: Record<string, number | null> }> | null;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  reason: CellReason | null;
  target: CellTarget | null;
  bands: Bands;
  /** Values at which the cell turns green / yellow, given target and direction. */
  thresholds: { green: number | null; yellow: number | null };
  achievement: number | null;
  band: Band | null;
  state: CellState;
  completeness: number | null;
  minCompleteness: number;
  forms: ExplainForm[];
  trend: Trend | null;
  previous: ScorecardCell['previous'];
  /** One-paragraph summary in Bahasa Indonesia (`summarizeExplanation(e, 'en')` for English). */
  summary: string;
}

/** The words of a cell summary, per locale. Numbers keep the Indonesian format on both (as on the page). */
const SUMMARY_WORDS = {
  id: {
    state: { green: 'Hijau', yellow: 'Kuning', red: 'Merah', nodata: 'Tidak ada data', incomplete: 'Data belum lengkap', notarget: 'Belum ada target' } as Record<CellState, string>,
    reason: {
      NO_DATA: 'belum ada laporan yang masuk untuk periode ini',
      MISSING: 'ada isian yang belum terisi sehingga rumus tidak dapat dihitung',
      DIV_ZERO: 'penyebut bernilai 0 sehingga pembagian tidak dapat dihitung',
      NOT_FINITE: 'hasil perhitungan tidak terhingga',
      FORMULA_ERROR: 'rumus indikator bermasalah; periksa rumusnya di pengaturan indikator',
    } as Record<CellReason, string>,
    noValue: (reason: string) => `Tidak ada nilai: ${reason}.`,
    value: (v: string) => `Nilai ${v}.`,
    target: (t: string, scope: string, a: string, g: string, y: string) => `Target ${t} (dari target ${scope}), capaian ${a}%; hijau bila capaian ≥ ${g}%, kuning bila ≥ ${y}%.`,
    noTarget: 'Belum ada target untuk indikator ini pada tahun tersebut.',
    completeness: (c: string, min: string) => `Kelengkapan laporan ${c}% (minimal ${min}%)`,
    missing: (n: number) => `; ${n} unit belum lengkap melapor.`,
  },
  en: {
    state: { green: 'Green', yellow: 'Yellow', red: 'Red', nodata: 'No data', incomplete: 'Incomplete data', notarget: 'No target yet' } as Record<CellState, string>,
    reason: {
      NO_DATA: 'no report has come in for this period yet',
      MISSING: 'some inputs are empty, so the formula cannot be computed',
      DIV_ZERO: 'the denominator is 0, so the division cannot be computed',
      NOT_FINITE: 'the result is not finite',
      FORMULA_ERROR: "the indicator's formula has a problem; check it in the indicator settings",
    } as Record<CellReason, string>,
    noValue: (reason: string) => `No value: ${reason}.`,
    value: (v: string) => `Value ${v}.`,
    target: (t: string, scope: string, a: string, g: string, y: string) => `Target ${t} (from the ${scope} target), achievement ${a}%; green when achievement ≥ ${g}%, yellow when ≥ ${y}%.`,
    noTarget: 'No target for this indicator in that year yet.',
    completeness: (c: string, min: string) => `Reporting completeness ${c}% (minimum ${min}%)`,
    missing: (n: number) => (n === 1 ? '; 1 unit has not fully reported.' : `; ${n} units have not fully reported.`),
  },
} as const;

/** The one-paragraph summary of an explanation, in Bahasa Indonesia (default) or English. */
export function summarizeExplanation(e: Omit<CellExplanation, 'summary'>, locale: 'id' | 'en' = 'id'): string {
  const w = SUMMARY_WORDS[locale];
  const d = e.indicator.decimals;
  const parts: string[] = [`${w.state[e.state]}.`];
  if (e.value === null) {
    parts.push(w.noValue(w.reason[e.reason ?? 'MISSING']));
  } else {
    parts.push(w.value(`${formatNumberId(e.value, d)}${e.indicator.unit ? ` ${e.indicator.unit}` : ''}`));
    if (e.target) {
      parts.push(w.target(formatNumberId(e.target.value, d), describeScope(e.target.scope, locale), formatNumberId(e.achievement, 1), formatNumberId(e.bands.green, 1), formatNumberId(e.bands.yellow, 1)));
    } else {
      parts.push(w.noTarget);
    }
  }
  if (e.completeness !== null) {
    const missing = new Set(e.forms.flatMap((f) => f.missing));
    parts.push(w.completeness(formatNumberId(e.completeness * 100, 1), formatNumberId(e.minCompleteness * 100, 0)) + (missing.size > 0 ? w.missing(missing.size) : '.'));
  }
  return parts.join(' ');
}

/**
 * Explains one cell (a row of the request, or the total row by its code): formulas, input field
 * totals, numerator and denominator, target with its source scope, band thresholds, completeness
 * with the contributing and missing units, and the trend.
 */
export function explainCell(
  pkg: TemplatePackage,
  request: ScorecardRequest,
  data: ScorecardData,
  cell: { row: string; indicator: string },
): CellExplanation {
  const { compiled, plan, windows, ctx, totalRef } = buildContext(pkg, request, data);
  const ci = compiled.indicators.get(cell.indicator);
  const planned = plan.indicators.find((p) => p.key === cell.indicator);
  if (!ci || !planned) throw new ScorecardRequestError(`Indikator "${cell.indicator}" tidak ada dalam scorecard ini.`);
  const isTotal = cell.row === totalRef.code && !request.rows.some((r) => r.code === cell.row);
  const rowRef = isTotal ? totalRef : request.rows.find((r) => r.code === cell.row);
  if (!rowRef) throw new ScorecardRequestError(`Baris "${cell.row}" tidak ada dalam scorecard ini.`);
  const c = ctx(isTotal);
  const computed = computeCell(c, ci, rowRef);
  const window = windows.get(planned.window)!;
  const facts = c.factsOf(rowRef.code, window.id);
  const unitSet = new Set(ci.unitFields);
  const inputs: ExplainInput[] = ci.fields.map((k) => {
    const f = compiled.fields.get(k)!;
    const form = compiled.forms.get(f.form)!;
    return {
      field: k,
      label: f.label,
      form: f.form,
      formTitle: form.title.id,
      aggregation: f.aggregation,
      value: facts && Object.hasOwn(facts.totals, k) ? facts.totals[k] : null,
      perUnit: unitSet.has(k),
    };
  });
  const forms: ExplainForm[] = ci.forms.map((key) => {
    const form = compiled.forms.get(key)!;
    return {
      form: key,
      title: form.title.id,
      periodType: form.periodType,
      periods: window.formPeriods[key] ?? [],
      reported: facts?.reported[key] ?? 0,
      expected: facts?.expected[key] ?? 0,
      contributing: facts?.contributing?.[key] ?? [],
      missing: facts?.missing?.[key] ?? [],
    };
  });
  const direction = ci.indicator.direction ?? 'higher';
  const bands = computed.bands;
  const explanation: Omit<CellExplanation, 'summary'> = {
    indicator: {
      key: ci.indicator.key,
      name: ci.indicator.name.id,
      unit: ci.indicator.unit ?? null,
      decimals: ci.indicator.decimals ?? 1,
      direction,
      factor: ci.indicator.factor ?? 1,
    },
    row: { code: rowRef.code, name: rowRef.name, level: rowRef.level },
    window: {
      period: window.period,
      ytd: window.ytd,
      start: window.start,
      end: window.end,
      label: periodLabel(window.period, { ytd: window.ytd }),
    },
    formula: { numerator: ci.indicator.numerator, denominator: ci.indicator.denominator ?? null, errors: ci.errors },
    inputs,
    units: ci.unitFields.length > 0 && facts?.units ? unitsForIndicator(facts.units, ci.unitForms).map((u) => ({ code: u.code, values: Object.assign(dict<number | null>(), u.values) })) : null,
    numerator: computed.numerator,
    denominator: computed.denominator,
    value: computed.value,
    reason: computed.reason,
    target: computed.target,
    bands,
    thresholds: bandValueThresholds(computed.target?.value ?? null, bands, direction),
    achievement: computed.achievement,
    band: computed.band,
    state: computed.state,
    completeness: computed.completeness,
    minCompleteness: ci.indicator.minCompleteness ?? DEFAULT_MIN_COMPLETENESS,
    forms,
    trend: computed.trend,
    previous: computed.previous,
  };
  return { ...explanation, summary: summarizeExplanation(explanation) };
}
