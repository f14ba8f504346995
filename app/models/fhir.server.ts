/**
 * The scorecard as HL7 FHIR R4 (docs/fhir.md, decision 049): each indicator of the package a
 * Measure, each reporting unit an Organization, each cell (unit × indicator × period) a
 * MeasureReport, all in one Bundle of type collection. Plain JSON, built from the same scorecard
 * as the page and the CSV export (same selection, same scope checks), so an API route can serve
 * what `scorecardFhirBundle` returns as it is.
 */
import { createHash } from "node:crypto";
import { fromMonthIndex, periodWindow, type Indicator, type ScorecardCell, type ScorecardColumn, type TemplatePackage } from "@engine";
import { areaRoots, SCORECARD_ROLES } from "~/auth/policy.server";
import type { Grant, SessionUser } from "~/auth/session.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import { translate, type MessageKey } from "~/i18n/catalog";
import { localeOf, say, type Reader } from "~/i18n/message";
import { clock } from "~/utils/clock.server";
import { ROW_LEVEL_ORDER, type ScorecardSelection } from "~/contracts/scorecard";
import { buildScorecard, type ScorecardResult } from "./scorecard.server";
import { notMeasuredAt } from "./scorecard-groups.server";
import { DEFAULT_TEMPLATE, resolveQuery, selectionProblem } from "./scorecard-view.server";
import { getPublishedPackage, type EffectivePackage } from "./templates.server";

/**
 * Where Pantau ILP's canonical URLs, identifier systems, code systems and extensions live. A
 * namespace, not an address of this deployment: every Measure's canonical URL and every
 * identifier is built on it, so changing it breaks whoever stored them (decision 049).
 */
export const FHIR_BASE = "https://pantau-ilp.id/fhir";

export const FHIR_SYSTEMS = {
  orgUnitCode: `${FHIR_BASE}/sid/org-unit-code`,
  indicator: `${FHIR_BASE}/sid/indicator`,
  orgLevel: `${FHIR_BASE}/CodeSystem/org-level`,
  indicatorGroup: `${FHIR_BASE}/CodeSystem/indicator-group`,
  ucum: "http://unitsofmeasure.org",
  scoring: "http://terminology.hl7.org/CodeSystem/measure-scoring",
  improvement: "http://terminology.hl7.org/CodeSystem/measure-improvement-notation",
  population: "http://terminology.hl7.org/CodeSystem/measure-population",
  iso3166: "urn:iso:std:iso:3166",
} as const;

export const FHIR_EXTENSIONS = {
  translation: "http://hl7.org/fhir/StructureDefinition/translation",
  dataAbsentReason: "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
  scoreFactor: `${FHIR_BASE}/StructureDefinition/score-factor`,
  yearToDate: `${FHIR_BASE}/StructureDefinition/year-to-date`,
  target: `${FHIR_BASE}/StructureDefinition/target`,
  achievement: `${FHIR_BASE}/StructureDefinition/achievement`,
  cellState: `${FHIR_BASE}/StructureDefinition/cell-state`,
  noValueReason: `${FHIR_BASE}/StructureDefinition/no-value-reason`,
  completeness: `${FHIR_BASE}/StructureDefinition/completeness`,
  populationAmount: `${FHIR_BASE}/StructureDefinition/population-amount`,
  orgGroup: `${FHIR_BASE}/StructureDefinition/org-group`,
  targetBasis: `${FHIR_BASE}/StructureDefinition/target-basis`,
} as const;

/** The formulas' language in Measure population criteria (Expression.language, an extensible binding). */
export const FORMULA_LANGUAGE = "text/x-pantau-formula";

// The R4 resources as we write them: plain JSON, no FHIR type library.
/* eslint-disable @typescript-eslint/no-explicit-any -- FHIR JSON, read by element path; the project has no FHIR type library (decision 049) */
export type FhirResource = { resourceType: string; id: string } & Record<string, any>;
export interface FhirBundle {
  resourceType: "Bundle";
  id: string;
  type: "collection";
  timestamp: string;
  total?: number;
  entry: Array<{ fullUrl: string; resource: FhirResource }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any -- end of the FHIR JSON types */

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * A FHIR id ([A-Za-z0-9.-]{1,64}) for a Pantau key: the readable part (other characters as "-",
 * clipped) and 10 hex characters of the key's hash, so two keys never share an id.
 */
export function fhirId(prefix: string, key: string): string {
  const readable = `${prefix}-${key}`.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 53);
  return `${readable}-${sha(key).slice(0, 10)}`;
}

/** The scoring of an indicator: continuous-variable without a denominator, proportion as a percentage (factor 100), ratio otherwise. */
export function scoringOf(indicator: Pick<Indicator, "denominator" | "factor">): "proportion" | "ratio" | "continuous-variable" {
  if (!indicator.denominator) return "continuous-variable";
  return (indicator.factor ?? 1) === 100 ? "proportion" : "ratio";
}

/**
 * The unit of a score: value × unit is numerator ÷ denominator, so the percent scaling is in the
 * unit, not hidden in the number. Factor 100: UCUM "%"; 1: "1"; 10^k: "10*-k"; another factor,
 * or no denominator: the indicator's own unit as text only.
 */
export function scoreUnit(indicator: Pick<Indicator, "denominator" | "factor" | "unit">): { unit?: string; system?: string; code?: string } {
  const factor = indicator.factor ?? 1;
  const text = indicator.unit?.trim() || undefined;
  if (!indicator.denominator) return text ? { unit: text } : {};
  const k = Math.log10(factor);
  const code = factor === 100 ? "%" : factor === 1 ? "1" : Number.isInteger(k) && k > 0 ? `10*-${k}` : null;
  if (code === null) return text ? { unit: text } : {};
  return { unit: text ?? code, system: FHIR_SYSTEMS.ucum, code };
}

/** The version a Measure carries: the package version, plus the district and adaptation version when a district's adaptation applies. */
export function measureVersion(effective: Pick<EffectivePackage, "package" | "overlay">): string {
  const v = String(effective.package.version);
  return effective.overlay ? `${v}+${effective.overlay.districtCode}.${effective.overlay.document.version}` : v;
}

export function measureUrl(packageKey: string, indicatorKey: string): string {
  return `${FHIR_BASE}/Measure/${packageKey}.${indicatorKey}`;
}

const translated = (en: string | undefined) =>
  en
    ? {
        extension: [
          {
            url: FHIR_EXTENSIONS.translation,
            extension: [
              { url: "lang", valueCode: "en" },
              { url: "content", valueString: en },
            ],
          },
        ],
      }
    : undefined;

const coded = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

/** An indicator of the (effective) package as a FHIR R4 Measure. */
export function measureOf(effective: Pick<EffectivePackage, "package" | "overlay">, indicatorKey: string): FhirResource {
  const pkg = effective.package;
  const ind = pkg.indicators.find((i) => i.key === indicatorKey);
  if (!ind) throw new Error(`indicator ${indicatorKey} is not in package ${pkg.key}`);
  const version = measureVersion(effective);
  const group = pkg.groups.find((g) => g.key === ind.group);
  const scoring = scoringOf(ind);
  const criteria = (formula: string) => ({ language: FORMULA_LANGUAGE, expression: formula });
  const populations =
    scoring === "continuous-variable"
      ? [{ code: coded(FHIR_SYSTEMS.population, "measure-observation"), description: "Pembilang (nilai yang diukur)", criteria: criteria(ind.numerator) }]
      : [
          { code: coded(FHIR_SYSTEMS.population, "numerator"), description: "Pembilang", criteria: criteria(ind.numerator) },
          { code: coded(FHIR_SYSTEMS.population, "denominator"), description: "Penyebut", criteria: criteria(ind.denominator!) },
        ];
  const unit = scoreUnit(ind);
  const national = pkg.targets
    .filter((t) => t.indicator === ind.key && t.scope.level === "national")
    .sort((a, b) => a.year - b.year)
    .map((t) => `${t.year}: ${t.value}${unit.unit ? ` ${unit.unit}` : ""}`);
  const description = [
    ind.description?.id ?? ind.name.id,
    `Rumus: ${ind.denominator ? `(${ind.numerator}) ÷ (${ind.denominator})` : ind.numerator}${(ind.factor ?? 1) !== 1 ? ` × ${ind.factor}` : ""}.`,
    national.length ? `Target nasional tahunan — ${national.join("; ")}. Target tiap sel ada di MeasureReport-nya.` : "Tanpa target nasional dalam paket.",
    ind.ytd ? "Kumulatif sejak awal tahun." : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  const extension = [
    { url: FHIR_EXTENSIONS.scoreFactor, valueDecimal: ind.factor ?? 1 },
    { url: FHIR_EXTENSIONS.yearToDate, valueBoolean: ind.ytd === true },
  ];
  return {
    resourceType: "Measure",
    id: fhirId("measure", `${pkg.key}.${ind.key}.v${version}`),
    language: "id",
    extension,
    url: measureUrl(pkg.key, ind.key),
    identifier: [{ system: FHIR_SYSTEMS.indicator, value: `${pkg.key}.${ind.key}` }],
    version,
    name: ind.key.toUpperCase(),
    title: ind.name.id,
    ...(ind.name.en ? { _title: translated(ind.name.en) } : {}),
    status: "active",
    experimental: false,
    publisher: `Pantau ILP — ${pkg.owner}`,
    description,
    ...(ind.description?.en ? { _description: translated(ind.description.en) } : {}),
    jurisdiction: [coded(FHIR_SYSTEMS.iso3166, "ID", "Indonesia")],
    ...(group ? { topic: [{ ...coded(FHIR_SYSTEMS.indicatorGroup, group.key, group.name.id), text: group.name.id }] } : {}),
    scoring: coded(FHIR_SYSTEMS.scoring, scoring),
    improvementNotation: coded(FHIR_SYSTEMS.improvement, (ind.direction ?? "higher") === "lower" ? "decrease" : "increase"),
    group: [{ population: populations }],
  };
}

/** An org unit as a FHIR Organization; `partOf` when its parent is in the same Bundle. */
export function organizationOf(unit: Pick<OrgUnit, "code" | "name" | "level">, parent?: Pick<OrgUnit, "code"> | null): FhirResource {
  return {
    resourceType: "Organization",
    id: organizationId(unit.code),
    identifier: [{ system: FHIR_SYSTEMS.orgUnitCode, value: unit.code }],
    active: true,
    type: [coded(FHIR_SYSTEMS.orgLevel, unit.level)],
    name: unit.name,
    ...(parent ? { partOf: { reference: `Organization/${organizationId(parent.code)}` } } : {}),
  };
}

export const organizationId = (code: string) => fhirId("org", code);

const pad = (n: number) => String(n).padStart(2, "0");

/** The dates a column's cells cover: its period, or January to the period's end for year-to-date. */
export function windowDates(period: string, ytd: boolean): { start: string; end: string } {
  const w = periodWindow(period, { ytd });
  const first = fromMonthIndex(w.start);
  const last = fromMonthIndex(w.end);
  const lastDay = new Date(Date.UTC(last.year, last.month, 0)).getUTCDate();
  return { start: `${first.year}-${pad(first.month)}-01`, end: `${last.year}-${pad(last.month)}-${pad(lastDay)}` };
}

/** Data-absent reasons (http://hl7.org/fhir/R4/valueset-data-absent-reason.html) of a cell without a value. */
function absentReason(cell: ScorecardCell): string {
  switch (cell.reason) {
    case "DIV_ZERO":
      return (cell.numerator ?? 0) > 0 ? "positive-infinity" : "not-a-number";
    case "NOT_FINITE":
      return "not-a-number";
    case "FORMULA_ERROR":
      return "error";
    default:
      return "unknown";
  }
}

/** A population: its count when a FHIR integer holds it, else the exact amount in an extension (rupiah outgrow 32 bits). */
function population(code: string, amount: number | null) {
  const base = { code: coded(FHIR_SYSTEMS.population, code) };
  if (amount === null) return base;
  if (Number.isInteger(amount) && Math.abs(amount) <= 2147483647) return { ...base, count: amount };
  return { ...base, extension: [{ url: FHIR_EXTENSIONS.populationAmount, valueDecimal: amount }] };
}

export interface ReportContext {
  pkg: TemplatePackage;
  version: string;
  period: string;
  basis: "nearest" | "national";
  orgGroup: string | null;
  /** The computation time (the app's clock). */
  date: string;
}

/** One scorecard cell as a FHIR R4 MeasureReport (summary) by `unit`. */
export function measureReportOf(
  ctx: ReportContext,
  column: ScorecardColumn,
  unit: Pick<OrgUnit, "code" | "name" | "level">,
  cell: ScorecardCell,
): FhirResource {
  const ind = ctx.pkg.indicators.find((i) => i.key === column.key)!;
  const scoring = scoringOf(ind);
  const unitOf = scoreUnit(ind);
  const period = windowDates(ctx.period, column.ytd);
  const offLevel = notMeasuredAt(ctx.pkg, column.key, unit.level);
  const ext: Array<Record<string, unknown>> = [];
  let populations: unknown[] = [];
  let measureScore: Record<string, unknown> | undefined;
  if (offLevel) {
    ext.push({ url: FHIR_EXTENSIONS.dataAbsentReason, valueCode: "not-applicable" });
  } else {
    populations = scoring === "continuous-variable" ? [] : [population("numerator", cell.numerator), population("denominator", cell.denominator)];
    if (cell.value !== null) measureScore = { value: cell.value, ...unitOf };
    else {
      ext.push({ url: FHIR_EXTENSIONS.dataAbsentReason, valueCode: absentReason(cell) });
      ext.push({ url: FHIR_EXTENSIONS.noValueReason, valueCode: cell.reason ?? "NO_DATA" });
    }
    if (cell.target) ext.push({ url: FHIR_EXTENSIONS.target, valueQuantity: { value: cell.target.value, ...unitOf } });
    if (cell.achievement !== null)
      ext.push({ url: FHIR_EXTENSIONS.achievement, valueQuantity: { value: cell.achievement, unit: "%", system: FHIR_SYSTEMS.ucum, code: "%" } });
    ext.push({ url: FHIR_EXTENSIONS.cellState, valueCode: cell.state });
    if (cell.completeness !== null) ext.push({ url: FHIR_EXTENSIONS.completeness, valueDecimal: cell.completeness });
  }
  const reportExt = [
    { url: FHIR_EXTENSIONS.targetBasis, valueCode: ctx.basis },
    ...(ctx.orgGroup ? [{ url: FHIR_EXTENSIONS.orgGroup, valueString: ctx.orgGroup }] : []),
  ];
  const key = [ctx.pkg.key, ctx.version, column.key, unit.code, period.start, period.end, ctx.basis, ctx.orgGroup ?? ""].join("|");
  const populationsOrNot = populations.filter((p) => Object.keys(p as object).length > 0);
  return {
    resourceType: "MeasureReport",
    id: `mr-${sha(key).slice(0, 40)}`,
    extension: reportExt,
    status: cell.reason === "FORMULA_ERROR" && !offLevel ? "error" : "complete",
    type: "summary",
    measure: `${measureUrl(ctx.pkg.key, column.key)}|${ctx.version}`,
    date: ctx.date,
    reporter: { reference: `Organization/${organizationId(unit.code)}`, display: unit.name },
    period,
    improvementNotation: coded(FHIR_SYSTEMS.improvement, column.direction === "lower" ? "decrease" : "increase"),
    group: [
      {
        ...(ext.length ? { extension: ext } : {}),
        ...(populationsOrNot.length ? { population: populationsOrNot } : {}),
        ...(measureScore ? { measureScore } : {}),
      },
    ],
  };
}

/** Everything the Bundle holds, from one scorecard result. */
export function bundleOf(result: ScorecardResult, options: { orgGroup?: string | null; id?: string } = {}): FhirBundle {
  const date = clock.iso();
  const pkg = result.effective.package;
  const sc = result.scorecard;
  const ctx: ReportContext = {
    pkg,
    version: measureVersion(result.effective),
    period: sc.period,
    basis: result.basis,
    orgGroup: options.orgGroup ?? null,
    date,
  };
  const parent = result.parent;
  // partOf only where the unit's own parent is in the Bundle (a Posyandu's Pustu, a Pustu's Puskesmas, a row's parent).
  const inBundle = new Map([...(parent ? [parent] : []), ...result.rows].map((u) => [u.id, u]));
  const units = new Map<string, FhirResource>();
  for (const u of [...(parent ? [parent] : []), ...result.rows]) units.set(u.code, organizationOf(u, u.parent_id === null ? null : inBundle.get(u.parent_id)));
  const measures = sc.columns.map((c) => measureOf(result.effective, c.key));
  const reports: FhirResource[] = [];
  const rowsByCode = new Map(result.rows.map((u) => [u.code, u]));
  for (const row of sc.rows) {
    const unit = rowsByCode.get(row.code)!;
    row.cells.forEach((cell, i) => reports.push(measureReportOf(ctx, sc.columns[i], unit, cell)));
  }
  // The total row is a cell of the parent unit (its roll-up); without a parent it stands for no org unit and is left out.
  if (parent) sc.total.cells.forEach((cell, i) => reports.push(measureReportOf(ctx, sc.columns[i], parent, cell)));
  const resources = [...units.values(), ...measures, ...reports];
  return {
    resourceType: "Bundle",
    id:
      options.id ??
      `scorecard-${sha(JSON.stringify([pkg.key, ctx.version, sc.period, result.request.ytd ?? null, parent?.code ?? null, result.rows.map((r) => r.code), sc.columns.map((c) => c.key), ctx.basis, ctx.orgGroup])).slice(0, 40)}`,
    type: "collection",
    timestamp: date,
    entry: resources.map((resource) => ({ fullUrl: `${FHIR_BASE}/${resource.resourceType}/${resource.id}`, resource })),
  };
}

// ---------------------------------------------------------------------------------------------
// The export: who asks, what they may see

/** What to export: the scorecard CSV export's parameters (`/scorecards/export`), `period` required. */
export interface FhirExportQuery {
  /** The package key (the CSV export's `template`); default the national package. */
  package?: string | null;
  period: string;
  ytd?: boolean;
  parent?: string | null;
  level?: OrgLevel | string | null;
  /** An indicator group of the package. */
  group?: string | null;
  /** An org-unit group key. */
  orgGroup?: string | null;
  basis?: "nearest" | "national";
}

/** Whoever asks: a signed-in user or, later, an API token's principal; what counts is its grants. */
export type FhirPrincipal = Pick<SessionUser, "grants">;

/** A request the asker can fix or may not make: `status` for an HTTP answer, `message` in the reader's language. */
export class FhirExportError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const SHORT = 64;
const clip = (v: string | null | undefined) => (v ?? "").trim().slice(0, SHORT);

/**
 * The scorecard of `query` as a FHIR R4 Bundle (collection) of Organizations, Measures and
 * MeasureReports, for `principal` within its scorecard grants — the same selection, defaults,
 * size limit and scope checks as the CSV export. Throws FhirExportError (403 without a scorecard
 * role or for a unit outside the area, 400/404 for a selection to fix).
 */
export async function scorecardFhirBundle(reader: Reader, principal: FhirPrincipal, query: FhirExportQuery): Promise<FhirBundle> {
  const locale = localeOf(reader);
  const grants: Grant[] = principal.grants.filter((g) => SCORECARD_ROLES.includes(g.role));
  if (grants.length === 0) throw new FhirExportError(say(reader, "fhir.error.forbidden"), 403);
  const period = clip(query.period);
  if (!period) throw new FhirExportError(say(reader, "fhir.error.periodRequired"), 400);
  const level = clip(query.level) || null;
  if (level && !ROW_LEVEL_ORDER.includes(level as OrgLevel)) throw new FhirExportError(say(reader, "fhir.error.level", { level }), 400);
  const sel: ScorecardSelection = {
    template: clip(query.package) || DEFAULT_TEMPLATE,
    period,
    ytd: query.ytd,
    parent: clip(query.parent) || null,
    level: level as OrgLevel | null,
    group: clip(query.group) || null,
    orgGroup: clip(query.orgGroup) || null,
    sort: "rank",
    dir: "asc",
    limit: null,
    transpose: false,
    basis: query.basis === "national" ? "national" : "nearest",
  };
  const t = Object.assign((key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars), { locale });
  try {
    const resolved = await resolveQuery(sel, areaRoots(grants), t);
    const result = await buildScorecard(resolved.query);
    return bundleOf(result, { orgGroup: resolved.orgGroup?.key ?? null });
  } catch (e) {
    // resolveQuery answers a unit outside the area with a 403 Response (the page's guard); here it is an error like the others.
    if (e instanceof Response) throw new FhirExportError(await e.text(), e.status);
    const problem = selectionProblem(e, reader);
    throw new FhirExportError(problem.message, problem.status);
  }
}

/**
 * The indicators of a published package version (default the newest) as a Bundle of Measures,
 * for an API's `Measure` listing: the definitions every scorecard export refers to. Same roles as
 * the scorecard; 404 for a package or version not published.
 */
export async function packageMeasuresBundle(reader: Reader, principal: FhirPrincipal, query: { package: string; version?: number }): Promise<FhirBundle> {
  if (!principal.grants.some((g) => SCORECARD_ROLES.includes(g.role))) throw new FhirExportError(say(reader, "fhir.error.forbidden"), 403);
  const key = clip(query.package);
  const stored = key ? await getPublishedPackage(key, query.version) : undefined;
  if (!stored) throw new FhirExportError(say(reader, "fhir.error.package", { package: key, version: query.version ?? "–" }), 404);
  const effective = { package: stored.document, overlay: null };
  const measures = stored.document.indicators.map((i) => measureOf(effective, i.key));
  return {
    resourceType: "Bundle",
    id: fhirId("measures", `${stored.key}.v${stored.version}`),
    type: "collection",
    timestamp: clock.iso(),
    entry: measures.map((resource) => ({ fullUrl: `${FHIR_BASE}/Measure/${resource.id}`, resource })),
  };
}
