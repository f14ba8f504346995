/**
 * "Compare side by side": 2–6 units of one level, inside the user's area,
 * their indicators next to each other with differences to the first unit, and per indicator a
 * series over the last 12 periods of the selected period type. Every number comes from the
 * same engine path as the scorecard (planScorecard → sqlRowFacts → computeScorecard), with
 * the chosen units as the rows.
 */
import {
  computeScorecard,
  formatNumberId,
  parsePeriod,
  periodLabel,
  planScorecard,
  shiftPeriod,
  tryParsePeriod,
  type OrgChainLink,
  type Scorecard,
  type ScorecardRequest,
} from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { inArea } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { periodDetail } from "~/i18n/message";
import type { CompareIndicator, CompareView } from "~/contracts/scorecard-compare";
import { formatNumber, periodName } from "~/contracts/scorecard";
import { rowFacts } from "./fact-index-facts.server";
import { getOrgsByIds } from "./org.server";
import { ROW_LEVELS, ScorecardQueryError, yardsticksOf, type TargetBasis } from "./scorecard.server";
import { SelectionError } from "./scorecard-view.server";
import { ancestorIds } from "./submissions.server";
import { readableOrgGroup, withGroupMembers } from "./scorecard-groups.server";
import { effectivePackage, getPublishedPackage, type EffectivePackage } from "./templates.server";

export const MIN_COMPARE = 2;
export const MAX_COMPARE = 6;
export const SERIES_LENGTH = 12;

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface UnitsScorecardQuery {
  packageKey: string;
  period: string;
  ytd?: boolean;
  group?: string;
  /** Only reports of units that (themselves or an ancestor) were members of the org-unit group with this key. */
  orgGroup?: string;
  indicators?: string[];
  trend?: boolean;
  basis?: TargetBasis;
}

export interface UnitsScorecard {
  scorecard: Scorecard;
  effective: EffectivePackage;
}

/** The units with these codes, in the given order; unknown codes listed separately. */
export async function unitsByCode(codes: readonly string[], db: DbOrTrx = getDb()): Promise<{ units: OrgUnit[]; unknown: string[] }> {
  const rows =
    codes.length === 0
      ? []
      : await db
          .selectFrom("org_unit")
          .selectAll()
          .where("code", "in", [...codes])
          .execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return { units: codes.map((c) => byCode.get(c)).filter((u): u is OrgUnit => !!u), unknown: codes.filter((c) => !byCode.has(c)) };
}

/**
 * A scorecard whose rows are exactly `units` (one level). Same package choice as buildScorecard:
 * the district's effective package when every row is a Puskesmas of one district, else national.
 * The total row is the plain sum over the rows (not shown on the compare page).
 */
export async function buildUnitsScorecard(
  q: UnitsScorecardQuery,
  units: readonly OrgUnit[],
  db: DbOrTrx = getDb(),
  effectiveGiven?: EffectivePackage,
): Promise<UnitsScorecard> {
  if (units.length === 0) throw new ScorecardQueryError("scorecards.query.chooseUnits");
  const level = units[0].level;
  if (units.some((u) => u.level !== level)) throw new ScorecardQueryError("scorecards.query.mixedLevels");
  if (!ROW_LEVELS.includes(level)) throw new ScorecardQueryError("scorecards.query.levelNotComparable", { level });
  let effective = effectiveGiven;
  if (!effective) {
    const districtIds = new Set(units.map((r) => (r.level === "district" ? r.id : ancestorIds(r).districtId)));
    const districtId = districtIds.size === 1 && level === "puskesmas" ? [...districtIds][0] : null;
    effective = (await effectivePackage(q.packageKey, districtId, db)) ?? undefined;
    if (!effective) throw new ScorecardQueryError("scorecards.query.template", { template: q.packageKey }, 404);
  }
  const ids = new Set<number>();
  for (const u of units) for (const id of u.path.split("/").filter(Boolean)) ids.add(Number(id));
  const byId = new Map((await getOrgsByIds(db, [...ids])).map((u) => [u.id, u]));
  const orgChains: Record<string, OrgChainLink[]> = Object.create(null);
  for (const u of units) {
    orgChains[u.code] = u.path
      .split("/")
      .filter(Boolean)
      .map((id) => byId.get(Number(id)))
      .filter((a): a is OrgUnit => !!a)
      .map((a) => ({ code: a.code, level: a.level }));
  }
  const request: ScorecardRequest = {
    period: q.period,
    ytd: q.ytd,
    group: q.group,
    orgGroup: q.orgGroup,
    indicators: q.indicators,
    trend: q.trend ?? false,
    rows: units.map((u) => ({ code: u.code, name: u.name, level: u.level })),
  };
  const pkg = effective.package;
  const plan = planScorecard(pkg, request);
  const facts = await rowFacts(db, plan, units, {});
  const yardsticks = await yardsticksOf(db, q, orgChains);
  return { scorecard: computeScorecard(pkg, request, { facts, orgChains, yardsticks }), effective };
}

/** The unit codes of `units=a,b` (also `units=a&units=b`, as a plain GET form sends them). */
export function parseUnitCodes(url: URL): string[] {
  const raw = url.searchParams.getAll("units").join(",");
  const codes: string[] = [];
  for (const part of raw.split(",").slice(0, 50)) {
    const c = part.trim().slice(0, 64);
    if (c && !codes.includes(c)) codes.push(c);
  }
  return codes;
}

// ---------------------------------------------------------------------------------------------
// View model (plain data for the page; the chart is drawn from it on the server)

export interface CompareSelection {
  template: string;
  period: string;
  ytd: boolean | undefined;
  group: string | null;
  /** The org-unit group's key (`orgGroup=`): columns computed over its members only. */
  orgGroup?: string | null;
  basis?: TargetBasis;
  /** The unit the others are measured against (its code); default the first chosen. */
  ref?: string | null;
}

/** The last `n` periods of the period's type, oldest first, ending with the period itself. */
export function seriesPeriods(period: string, n = SERIES_LENGTH): string[] {
  return Array.from({ length: n }, (_, i) => shiftPeriod(period, i - (n - 1)));
}

/** A short axis label in the reader's language: "Okt 2025" / "Oct 2025", "TW I 2025" / "Q1 2025", "2025". */
export function shortPeriodName(period: string, t: T, locale: Locale): string {
  const p = parsePeriod(period);
  if (p.type === "month") return `${t(`scorecards.month.${p.month}` as MessageKey).slice(0, 3)} ${p.year}`;
  if (p.type === "quarter") return locale === "en" ? `Q${p.quarter} ${p.year}` : `TW ${["I", "II", "III", "IV"][p.quarter - 1]} ${p.year}`;
  return String(p.year);
}

/** A short axis label: "Jan 2025", "TW I 2025", "2025". */
export function shortPeriodLabel(period: string): string {
  const label = periodLabel(period);
  if (/^\d{4}-\d{2}$/.test(period)) {
    const [month, year] = label.split(" ");
    return `${month.slice(0, 3)} ${year}`;
  }
  return label.replace(/^Triwulan/, "TW").replace(/^Tahun /, "");
}

function formatDiff(d: number, decimals: number, unit: string | null, t: T, locale: Locale): { text: string; sign: "up" | "down" | "same" } {
  const shown = formatNumber(Math.abs(d), decimals, locale);
  const zero = shown === formatNumber(0, decimals, locale);
  const sign = zero ? "same" : d > 0 ? "up" : "down";
  const signed = zero ? "±0" : `${d > 0 ? "+" : "−"}${shown}`;
  const text = unit === "%" ? t("scorecards.compare.diffPoints", { diff: signed }) : unit ? t("scorecards.compare.diffUnit", { diff: signed, unit }) : signed;
  return { text, sign };
}

/**
 * Checks the selection and builds the compare view. Throws SelectionError (400/404) for input the
 * user can fix and a SelectionError with status 403 for units outside the user's area.
 */
export async function loadCompare(
  sel: CompareSelection,
  codes: readonly string[],
  roots: readonly Grant[],
  t: T,
  locale: Locale,
  db: DbOrTrx = getDb(),
): Promise<CompareView> {
  if (codes.length < MIN_COMPARE) throw new SelectionError(t("scorecards.compare.error.tooFew", { min: MIN_COMPARE }), 400);
  if (codes.length > MAX_COMPARE) throw new SelectionError(t("scorecards.compare.error.tooMany", { max: MAX_COMPARE, count: codes.length }), 400);
  const parsed = tryParsePeriod(sel.period);
  if (!parsed.ok) throw new SelectionError(t("scorecards.error.period", { detail: periodDetail(parsed)[locale] }), 400);
  const found = await unitsByCode(codes, db);
  const unknown = found.unknown;
  // The reference unit first: differences and the target line are against it.
  const ref = found.units.find((u) => u.code === sel.ref) ?? found.units[0];
  const units = ref ? [ref, ...found.units.filter((u) => u !== ref)] : found.units;
  // Scope first: a unit outside the area is refused whatever else is wrong with the request.
  const outside = units.filter((u) => !inArea(roots, u));
  if (outside.length > 0) throw new SelectionError(t("scorecards.compare.error.outOfScope", { names: outside.map((u) => u.name).join(", ") }), 403);
  if (unknown.length > 0) throw new SelectionError(t("scorecards.compare.error.unknown", { codes: unknown.join(", ") }), 404);
  const levels = new Set(units.map((u) => u.level));
  if (levels.size > 1) throw new SelectionError(t("scorecards.compare.error.mixed"), 400);
  if (!ROW_LEVELS.includes(units[0].level)) throw new SelectionError(t("scorecards.error.level", { level: units[0].level }), 400);
  const pkgRow = await getPublishedPackage(sel.template);
  if (!pkgRow) throw new SelectionError(t("scorecards.error.template", { template: sel.template }), 404);
  if (sel.group && !pkgRow.document.groups.some((g) => g.key === sel.group)) throw new SelectionError(t("scorecards.error.group", { group: sel.group }), 400);
  // An unknown group and one the viewer may not read: the same 404 (scorecard-groups.server.ts).
  const orgGroup = sel.orgGroup ? await readableOrgGroup(sel.orgGroup, roots, locale, db) : null;

  const periods = seriesPeriods(sel.period);
  const base = { packageKey: sel.template, ytd: sel.ytd, group: sel.group ?? undefined, orgGroup: orgGroup?.key, trend: false, basis: sel.basis };
  const current = await buildUnitsScorecard({ ...base, period: sel.period }, units, db);
  const indicators = current.scorecard.columns.map((c) => c.key);
  const series: Scorecard[] = [];
  for (const p of periods) {
    series.push(
      p === sel.period
        ? current.scorecard
        : (await buildUnitsScorecard({ ...base, group: undefined, period: p, indicators }, units, db, current.effective)).scorecard,
    );
  }
  const pkg = current.effective.package;
  const names = new Map(pkg.indicators.map((i) => [i.key, locale === "en" && i.name.en ? i.name.en : i.name.id]));
  const sc = current.scorecard;
  const view: CompareIndicator[] = sc.columns.map((col, ci) => {
    const cells = sc.rows.map((r) => r.cells[ci]);
    const values = cells.map((c) => c.value).filter((v): v is number => v !== null);
    const bestRaw = values.length < 2 ? null : col.direction === "lower" ? Math.min(...values) : Math.max(...values);
    const first = cells[0].value;
    return {
      key: col.key,
      name: names.get(col.key) ?? col.name,
      unit: col.unit,
      decimals: col.decimals,
      direction: col.direction === "lower" ? "lower" : "higher",
      ytd: col.ytd,
      cells: cells.map((c, ui) => {
        const d = ui > 0 && first !== null && c.value !== null ? formatDiff(c.value - first, col.decimals, col.unit, t, locale) : null;
        return {
          code: sc.rows[ui].code,
          state: c.state,
          value: formatNumber(c.value, col.decimals, locale),
          raw: c.value,
          target: c.target ? formatNumber(c.target.value, col.decimals, locale) : null,
          achievement: c.achievement === null ? null : formatNumber(c.achievement, 1, locale),
          diff: d?.text ?? null,
          diffSign: d?.sign ?? null,
          best: bestRaw !== null && c.value !== null && formatNumberId(c.value, col.decimals) === formatNumberId(bestRaw, col.decimals),
        };
      }),
      series: sc.rows.map((r, ui) => ({
        code: r.code,
        name: r.name,
        values: series.map((s) => s.rows[ui].cells.find((c) => c.indicator === col.key)?.value ?? null),
      })),
      // The reference unit's target in each period (targets may differ per unit, year and month).
      targets: series.map((s) => s.rows[0].cells.find((c) => c.indicator === col.key)?.target?.value ?? null),
    };
  });
  return {
    periodLabel: periodName(sel.period, t, sel.ytd === true),
    periods,
    periodLabels: periods.map((p) => shortPeriodName(p, t, locale)),
    units: units.map((u) => ({ code: u.code, name: u.name })),
    level: units[0].level,
    indicators: view,
    candidates: await compareCandidates(units, roots, db, orgGroup ? { key: orgGroup.key, period: sel.period } : undefined),
    groupNote: orgGroup ? t("groupFilter.compare.applied", { name: orgGroup.name }) : null,
  };
}

/** Most units offered to add: every district of a country fits; Puskesmas are offered per district. */
const MAX_CANDIDATES = 600;

/**
 * Units that may join a comparison: the same level inside the viewer's area, not yet chosen; for
 * Puskesmas only those of the reference unit's district (a country has thousands), by name.
 * Within an org-unit group (`orgGroup`), only members during the period and units with members below.
 */
export async function compareCandidates(
  units: readonly OrgUnit[],
  roots: readonly Grant[],
  db: DbOrTrx = getDb(),
  orgGroup?: { key: string; period: string },
): Promise<Array<{ code: string; name: string }>> {
  const level = units[0].level;
  let q = db
    .selectFrom("org_unit")
    .select(["code", "name", "path"])
    .where("level", "=", level)
    .where((eb) => eb.or(roots.map((r) => eb("path", "like", `${r.orgPath}%`))));
  if (level === "puskesmas" && units[0].parent_id !== null) q = q.where("parent_id", "=", units[0].parent_id);
  const chosen = new Set(units.map((u) => u.code));
  let rows = await q
    .orderBy("name")
    .limit(MAX_CANDIDATES + units.length)
    .execute();
  if (orgGroup) rows = await withGroupMembers(rows, orgGroup.key, orgGroup.period, db);
  return rows
    .filter((r) => !chosen.has(r.code))
    .slice(0, MAX_CANDIDATES)
    .map((r) => ({ code: r.code, name: r.name }));
}
