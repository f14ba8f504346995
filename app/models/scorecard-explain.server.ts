/**
 * One scorecard cell explained for its reader: names instead of codes (the target's scope, the
 * units), the package's labels in the reader's language, numbers in the reader's format (counts
 * without decimals), the aggregation in words, and each unit in exactly one reporting list.
 */
import { summarizeExplanation, type CellExplanation, type TemplatePackage } from "@engine";
import { getDb } from "~/db/db.server";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { translate } from "~/i18n/catalog";
import { formatNumber, naturalDecimals, periodName } from "~/contracts/scorecard";
import type { ExplainFormView, ExplainUnit, ExplainView } from "~/contracts/scorecard-explain";
import { explainScorecardCellIn, type ScorecardQuery } from "./scorecard.server";

/** Names of units by code, in slices the databases take as parameters. */
async function namesOf(codes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await getDb()
      .selectFrom("org_unit")
      .select(["code", "name"])
      .where("code", "in", unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.code, r.name);
  }
  return out;
}

/** Field labels and form titles of the package in `locale` (Indonesian where no English is given). */
function packageLabels(pkg: TemplatePackage, locale: Locale) {
  const pick = (text: { id: string; en?: string } | undefined, fallback: string) => (text ? (locale === "en" && text.en ? text.en : text.id) : fallback);
  const fields = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as { key?: unknown; label?: { id: string; en?: string }; fields?: unknown; sections?: unknown };
      if (typeof o.key === "string" && o.label && typeof o.label.id === "string") fields.set(o.key, pick(o.label, o.key));
      if (o.fields) walk(o.fields);
      if (o.sections) walk(o.sections);
    }
  };
  for (const f of pkg.forms) walk(f.sections);
  const forms = new Map(pkg.forms.map((f) => [f.key, pick(f.title, f.key)]));
  const indicators = new Map(pkg.indicators.map((i) => [i.key, pick(i.name, i.key)]));
  return { fields, forms, indicators };
}

/** Splits a form's units into every-report / some-reports / none, each unit once. */
function reportingLists(contributing: readonly string[], missing: readonly string[], names: Map<string, string>) {
  const missed = new Set(missing);
  const gave = new Set(contributing);
  const unit = (code: string): ExplainUnit => ({ code, name: names.get(code) ?? code });
  const byName = (a: ExplainUnit, b: ExplainUnit) => a.name.localeCompare(b.name, "id");
  return {
    complete: [...gave]
      .filter((c) => !missed.has(c))
      .map(unit)
      .sort(byName),
    incomplete: [...gave]
      .filter((c) => missed.has(c))
      .map(unit)
      .sort(byName),
    notReported: [...missed]
      .filter((c) => !gave.has(c))
      .map(unit)
      .sort(byName),
  };
}

/** The explain page's view of one cell, for a reader in `locale`. Throws what explainScorecardCell throws. */
export async function explainForReader(q: ScorecardQuery, cell: { row: string; indicator: string }, locale: Locale): Promise<ExplainView> {
  const { explanation: e, pkg } = await explainScorecardCellIn(q, cell);
  return readableExplanation(e, pkg, locale);
}

/** Turns an engine explanation into the page's words (see explainForReader). */
export async function readableExplanation(e: CellExplanation, pkg: TemplatePackage, locale: Locale): Promise<ExplainView> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const labels = packageLabels(pkg, locale);
  const scopeOrg = e.target && "org" in e.target.scope ? (e.target.scope.org as string) : null;
  const names = await namesOf([...e.forms.flatMap((f) => [...f.contributing, ...f.missing]), ...(scopeOrg ? [scopeOrg] : [])]);
  const dec = e.indicator.decimals;
  const unit = e.indicator.unit;
  const num = (x: number | null) => formatNumber(x, dec, locale);
  const natural = (x: number | null) => formatNumber(x, naturalDecimals(x), locale);
  const pct = (x: number | null, decimals = 1) => formatNumber(x, decimals, locale);
  const scopeName = e.target ? (scopeOrg ? (names.get(scopeOrg) ?? scopeOrg) : null) : null;
  const targetWords = e.target ? (scopeName ? t("scorecards.explain.target.unit", { name: scopeName }) : t("scorecards.explain.target.national")) : null;
  const summary = summarizeExplanation(e, locale, {
    scopeName: scopeName ?? undefined,
    formatNumber: (x, d) => formatNumber(x, d, locale),
  });
  const forms: ExplainFormView[] = e.forms.map((f) => ({
    form: f.form,
    title: labels.forms.get(f.form) ?? f.title,
    reported: natural(f.reported),
    expected: natural(f.expected),
    periods: f.periods.map((p) => periodName(p, t)).join(", "),
    ...reportingLists(f.contributing, f.missing, names),
  }));
  return {
    indicator: { key: e.indicator.key, name: labels.indicators.get(e.indicator.key) ?? e.indicator.name, unit, direction: e.indicator.direction },
    row: { code: e.row.code, name: e.row.name },
    periodLabel: periodName(e.window.period, t, e.window.ytd),
    state: e.state,
    value: e.value,
    summary,
    formula: { numerator: e.formula.numerator, denominator: e.formula.denominator, errors: e.formula.errors.map((x) => x.message) },
    numerator: natural(e.numerator),
    denominator: e.formula.denominator !== null ? natural(e.denominator) : null,
    factor: e.indicator.factor !== 1 ? natural(e.indicator.factor) : null,
    valueText: e.value === null ? "–" : `${num(e.value)}${unit ? ` ${unit}` : ""}`,
    inputs: e.inputs.map((i) => ({
      field: i.field,
      label: labels.fields.get(i.field) ?? i.label,
      formTitle: labels.forms.get(i.form) ?? i.formTitle,
      aggregation: t(`scorecards.explain.aggregation.${i.aggregation}` as MessageKey),
      total: natural(i.value),
    })),
    target: e.target
      ? {
          value: `${num(e.target.value)}${unit ? ` ${unit}` : ""}`,
          source: [targetWords, t("scorecards.explain.target.year", { year: e.target.year }), e.target.source].filter(Boolean).join(" · "),
        }
      : null,
    achievement: e.achievement === null ? null : `${pct(e.achievement)}%`,
    greenAt: { pct: pct(e.bands.green), value: num(e.thresholds.green) },
    yellowAt: { pct: pct(e.bands.yellow), value: num(e.thresholds.yellow) },
    trend: e.trend
      ? {
          arrow: e.trend.arrow,
          verdict: e.trend.verdict,
          byAchievement: e.trend.basis === "achievement" ? { from: pct(e.trend.previous), to: pct(e.trend.current) } : null,
        }
      : null,
    previous: e.previous ? { period: periodName(e.previous.period, t), value: num(e.previous.value) } : null,
    completeness: e.completeness === null ? null : { pct: pct(e.completeness * 100), min: pct(e.minCompleteness * 100, 0) },
    forms,
  };
}
