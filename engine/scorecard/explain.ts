/** Explaining one scorecard cell: everything behind its value and colour, and a summary. */
import type { Bands, Direction, TemplatePackage } from "../documents";
import { unitFactsOf } from "../aggregate";
import { dict } from "../facts";
import { periodLabel } from "../period";
import { bandValueThresholds, DEFAULT_MIN_COMPLETENESS, type Band, type CellState, type Trend } from "../status";
import { describeScope } from "../targets";
import type { CompiledIndicator } from "./compile";
import { buildContext, computeCell, unitsForIndicator } from "./compute";
import { formatNumberId } from "./format";

const formatNumberIdOf = (x: number | null, decimals: number) => formatNumberId(x, decimals);
import { ScorecardRequestError, type ScorecardRequest, type ScorecardRowRef } from "./plan";
import type { CellReason, CellTarget, ScorecardCell, ScorecardData } from "./types";

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
    errors: CompiledIndicator["errors"];
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
  previous: ScorecardCell["previous"];
  /** One-paragraph summary in Bahasa Indonesia (`summarizeExplanation(e, 'en')` for English). */
  summary: string;
}

/** The words of a cell summary, per locale. Numbers in the Indonesian format unless the reading gives another. */
const SUMMARY_WORDS = {
  id: {
    state: {
      green: "Hijau",
      yellow: "Kuning",
      red: "Merah",
      nodata: "Tidak ada data",
      incomplete: "Data belum lengkap",
      notarget: "Belum ada target",
    } as Record<CellState, string>,
    reason: {
      NO_DATA: "belum ada laporan yang masuk untuk periode ini",
      MISSING: "ada isian yang belum terisi sehingga rumus tidak dapat dihitung",
      DIV_ZERO: "penyebut bernilai 0 sehingga pembagian tidak dapat dihitung",
      NOT_FINITE: "hasil perhitungan tidak terhingga",
      FORMULA_ERROR: "rumus indikator bermasalah; periksa rumusnya di pengaturan indikator",
    } as Record<CellReason, string>,
    noValue: (reason: string) => `Tidak ada nilai: ${reason}.`,
    value: (v: string) => `Nilai ${v}.`,
    target: (t: string, scope: string, a: string, g: string, y: string) =>
      `Target ${t} (dari target ${scope}), capaian ${a}%; hijau bila capaian ≥ ${g}%, kuning bila ≥ ${y}%.`,
    noTarget: "Belum ada target untuk indikator ini pada tahun tersebut.",
    completeness: (c: string, min: string) => `Kelengkapan laporan ${c}% (minimal ${min}%)`,
    missing: (n: number) => `; ${n} unit belum lengkap melapor.`,
  },
  en: {
    state: { green: "Green", yellow: "Yellow", red: "Red", nodata: "No data", incomplete: "Incomplete data", notarget: "No target yet" } as Record<
      CellState,
      string
    >,
    reason: {
      NO_DATA: "no report has come in for this period yet",
      MISSING: "some inputs are empty, so the formula cannot be computed",
      DIV_ZERO: "the denominator is 0, so the division cannot be computed",
      NOT_FINITE: "the result is not finite",
      FORMULA_ERROR: "the indicator's formula has a problem; check it in the indicator settings",
    } as Record<CellReason, string>,
    noValue: (reason: string) => `No value: ${reason}.`,
    value: (v: string) => `Value ${v}.`,
    target: (t: string, scope: string, a: string, g: string, y: string) =>
      `Target ${t} (from the ${scope} target), achievement ${a}%; green when achievement ≥ ${g}%, yellow when ≥ ${y}%.`,
    noTarget: "No target for this indicator in that year yet.",
    completeness: (c: string, min: string) => `Reporting completeness ${c}% (minimum ${min}%)`,
    missing: (n: number) => (n === 1 ? "; 1 unit has not fully reported." : `; ${n} units have not fully reported.`),
  },
} as const;

/**
 * How a reader sees a summary: the target's scope by name ("Kota Sawahlunto" rather than the
 * code) and numbers in the reader's format. Without it: the scope as `describeScope` says it,
 * numbers the Indonesian way.
 */
export interface SummaryReading {
  scopeName?: string;
  formatNumber?: (x: number | null, decimals: number) => string;
}

/** The one-paragraph summary of an explanation, in Bahasa Indonesia (default) or English. */
export function summarizeExplanation(e: Omit<CellExplanation, "summary">, locale: "id" | "en" = "id", reading: SummaryReading = {}): string {
  const w = SUMMARY_WORDS[locale];
  const formatNumberId = reading.formatNumber ?? formatNumberIdOf;
  const d = e.indicator.decimals;
  const parts: string[] = [`${w.state[e.state]}.`];
  if (e.value === null) {
    parts.push(w.noValue(w.reason[e.reason ?? "MISSING"]));
  } else {
    parts.push(w.value(`${formatNumberId(e.value, d)}${e.indicator.unit ? ` ${e.indicator.unit}` : ""}`));
    if (e.target) {
      parts.push(
        w.target(
          formatNumberId(e.target.value, d),
          reading.scopeName ?? describeScope(e.target.scope, locale),
          formatNumberId(e.achievement, 1),
          formatNumberId(e.bands.green, 1),
          formatNumberId(e.bands.yellow, 1),
        ),
      );
    } else {
      parts.push(w.noTarget);
    }
  }
  if (e.completeness !== null) {
    const missing = new Set(e.forms.flatMap((f) => f.missing));
    parts.push(
      w.completeness(formatNumberId(e.completeness * 100, 1), formatNumberId(e.minCompleteness * 100, 0)) + (missing.size > 0 ? w.missing(missing.size) : "."),
    );
  }
  return parts.join(" ");
}

/**
 * Explains one cell (a row of the request, or the total row by its code): formulas, input field
 * totals, numerator and denominator, target with its source scope, band thresholds, completeness
 * with the contributing and missing units, and the trend.
 */
export function explainCell(pkg: TemplatePackage, request: ScorecardRequest, data: ScorecardData, cell: { row: string; indicator: string }): CellExplanation {
  const { compiled, plan, windows, ctx, totalRef } = buildContext(pkg, request, data);
  const ci = compiled.indicators.get(cell.indicator);
  const planned = plan.indicators.find((p) => p.key === cell.indicator);
  if (!ci || !planned) throw new ScorecardRequestError("INDICATOR_NOT_IN_SCORECARD", { indicator: cell.indicator });
  const isTotal = cell.row === totalRef.code && !request.rows.some((r) => r.code === cell.row);
  const rowRef = isTotal ? totalRef : request.rows.find((r) => r.code === cell.row);
  if (!rowRef) throw new ScorecardRequestError("ROW_NOT_IN_SCORECARD", { row: cell.row });
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
  const direction = ci.indicator.direction ?? "higher";
  const bands = computed.bands;
  const explanation: Omit<CellExplanation, "summary"> = {
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
    units:
      ci.unitFields.length > 0 && facts && unitFactsOf(facts)
        ? unitsForIndicator(unitFactsOf(facts)!, ci.unitForms).map((u) => ({ code: u.code, values: Object.assign(dict<number | null>(), u.values) }))
        : null,
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
