/**
 * Presentation mode (docs/decisions/029-presentation-mode.md): a scorecard as projector slides.
 * An overview (units ranked by their share of indicators on target, the most improved and most
 * declined since a comparison period), then one slide per indicator (every unit as a bar, worst
 * first) or one per unit (its indicators). Units without data are listed, never drawn as zero;
 * incomplete units say how many reports are in; cells with follow-up actions carry a marker.
 * Also reads a meeting and its scope for /meetings/$id/present.
 */
import { tryParsePeriod, previousPeriod, type ScorecardCell, type ScorecardColumn, type ScorecardRow } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { invitationsOf, type MeetingInvitations } from "~/auth/policy.server";
import type { Selectable } from "kysely";
import type { MeetingTable, OrgLevel, OrgUnit } from "~/db/schema";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { formatNumber, periodName, ROW_LEVEL_ORDER } from "~/contracts/scorecard";
import { actionMarkers, cellKey, type CellActionMarker } from "./action-markers.server";
import { buildScorecard, type ScorecardQuery, type ScorecardResult } from "./scorecard.server";
import { notMeasuredAt } from "./scorecard-groups.server";
import type { Presentation, PresentBar, PresentMode, PresentSlide, PresentUnitRef, OverviewEntry, OverviewMove } from "~/contracts/presentation";

export type { PresentMode };

/** Bars on one slide: readable from the back of a room at 1366×768 without scrolling. */
export const BARS_PER_SLIDE = 10;
/** Ranked units on one overview slide. */
export const RANKS_PER_SLIDE = 10;
/** Units named in "most improved" and "most declined". */
export const MOVES_SHOWN = 3;

/** `mode=` of the query: indicator slides (default) or unit slides; null for anything else. */
export function parseMode(raw: string | null): PresentMode | null {
  if (raw === null || raw === "" || raw === "indicator") return "indicator";
  if (raw === "unit") return "unit";
  return null;
}

/** `slide=` of the query: a 1-based slide number, 1 when absent, null when unreadable. */
export function parseSlide(raw: string | null): number | null {
  if (raw === null || raw === "") return 1;
  if (!/^\d{1,4}$/.test(raw.trim())) return null;
  return Math.max(1, Number(raw.trim()));
}

const JUDGED = new Set(["green", "yellow", "red"]);

/** The overview's rule: indicators on target (green) among those judged (green, yellow, red); null when none is judged. */
export function shareOnTarget(row: Pick<ScorecardRow, "cells">): { onTarget: number; judged: number; share: number | null } {
  const judged = row.cells.filter((c) => JUDGED.has(c.state));
  const onTarget = judged.filter((c) => c.state === "green").length;
  return { onTarget, judged: judged.length, share: judged.length === 0 ? null : onTarget / judged.length };
}

/**
 * Worst first: the lowest achievement (which already accounts for the indicator's direction),
 * then values without a target (the lowest first when higher is better), by name on ties.
 */
export function worstFirst(cells: ReadonlyArray<{ cell: ScorecardCell; name: string }>, direction: "higher" | "lower") {
  const sign = direction === "lower" ? -1 : 1;
  return [...cells].sort((a, b) => {
    const x = a.cell.achievement;
    const y = b.cell.achievement;
    if (x !== null && y !== null && x !== y) return x - y;
    if (x !== null && y === null) return -1;
    if (x === null && y !== null) return 1;
    if (x === null && y === null && a.cell.value !== b.cell.value) return sign * ((a.cell.value ?? 0) - (b.cell.value ?? 0));
    return a.name.localeCompare(b.name, "id");
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pct = (x: number) => Math.max(0, Math.min(100, x));

interface BuildInput {
  query: ScorecardQuery;
  /** The period "improved/declined" compares against; null: the previous period of the same type. */
  comparePeriod: string | null;
  mode: PresentMode;
  locale: Locale;
  /** Scope in words for the title, e.g. the district's name. */
  scopeName: string;
  db: DbOrTrx;
}

/** Everything the presentation draws; slides are built on the server once, changed in the browser. */
export async function buildPresentation(input: BuildInput): Promise<Presentation> {
  const { query, mode, locale, db } = input;
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const result = await buildScorecard(query);
  const sc = result.scorecard;
  const pkg = result.effective.package;
  const indicatorName = new Map(pkg.indicators.map((i) => [i.key, locale === "en" && i.name.en ? i.name.en : i.name.id]));
  const ids = new Map(result.rows.map((u) => [u.code, u.id]));
  const markers = await actionMarkers(db, { packageKey: query.packageKey, period: query.period, orgUnitIds: result.rows.map((u) => u.id) });
  const markerOf = (code: string, indicator: string): CellActionMarker | null => {
    const id = ids.get(code);
    return id === undefined ? null : (markers.get(cellKey(id, indicator)) ?? null);
  };

  const comparePeriod = input.comparePeriod ?? previousPeriod(query.period);
  const previous = await comparisonScorecard(query, comparePeriod);
  const overview = overviewOf(sc.rows, previous, locale);

  const slides: PresentSlide[] = [];
  const rankPages = chunk(overview.ranks, RANKS_PER_SLIDE);
  rankPages.forEach((ranks, i) =>
    slides.push({
      kind: "overview",
      title: t("presentation.overview.title"),
      page: i + 1,
      pages: rankPages.length,
      ranks,
      improved: overview.improved,
      declined: overview.declined,
      unranked: i === rankPages.length - 1 ? overview.unranked : [],
    }),
  );

  // Village rows (a Puskesmas' Pustu and Posyandu): an indicator their level does not report is
  // neither a bar nor "no data" (docs/decisions/037-scorecard-group-filter.md).
  const measured = (row: ScorecardRow, indicator: string) => !notMeasuredAt(pkg, indicator, row.level);
  if (mode === "indicator") {
    sc.columns.forEach((col, ci) => {
      const rows = sc.rows.filter((r) => measured(r, col.key));
      if (rows.length === 0) return;
      const withValue = rows.filter((r) => r.cells[ci].value !== null).map((r) => ({ cell: r.cells[ci], name: r.name, code: r.code }));
      const noData = rows.filter((r) => r.cells[ci].value === null).map((r) => ({ code: r.code, name: r.name }));
      const ordered = worstFirst(withValue, col.direction) as typeof withValue;
      const scale = scaleOf(ordered.map((o) => o.cell));
      const bars = ordered.map((o) => barOf(o.cell, col, { code: o.code, name: o.name }, scale, markerOf(o.code, col.key), locale));
      const pages = chunk(bars, BARS_PER_SLIDE);
      pages.forEach((page, i) =>
        slides.push({
          kind: "indicator",
          title: indicatorName.get(col.key) ?? col.name,
          indicator: col.key,
          unit: col.unit,
          direction: col.direction,
          targetText: targetText(
            ordered.map((o) => o.cell),
            col,
            locale,
          ),
          page: i + 1,
          pages: pages.length,
          bars: page,
          noData: i === pages.length - 1 ? noData : [],
        }),
      );
    });
  } else {
    const rankOf = new Map(overview.ranks.map((r) => [r.code, r]));
    for (const row of sortedUnits(sc.rows, overview.ranks)) {
      const entries = sc.columns.map((col, ci) => ({ col, cell: row.cells[ci] }));
      const withValue = entries.filter((e) => e.cell.value !== null);
      const ordered = [...withValue].sort((a, b) => {
        const x = a.cell.achievement;
        const y = b.cell.achievement;
        if (x !== null && y !== null && x !== y) return x - y;
        if (x === null && y !== null) return 1;
        if (x !== null && y === null) return -1;
        return 0;
      });
      // Indicators differ in units: the bar is the achievement against each one's target (100% = on target).
      const bars = ordered.map((e) =>
        barOf(
          e.cell,
          e.col,
          { code: row.code, name: indicatorName.get(e.col.key) ?? e.col.name, indicator: e.col.key },
          { max: ACHIEVEMENT_MAX, byAchievement: true },
          markerOf(row.code, e.col.key),
          locale,
        ),
      );
      const noData = entries
        .filter((e) => e.cell.value === null && measured(row, e.col.key))
        .map((e) => ({ code: e.col.key, name: indicatorName.get(e.col.key) ?? e.col.name }));
      const pages = chunk(bars, BARS_PER_SLIDE);
      const rank = rankOf.get(row.code);
      pages.forEach((page, i) =>
        slides.push({
          kind: "unit",
          title: row.name,
          unitCode: row.code,
          rankText: rank?.rank
            ? t("presentation.unit.rank", { rank: rank.rank, count: overview.ranks.length, share: rank.shareText })
            : t("presentation.unit.unranked"),
          page: i + 1,
          pages: pages.length,
          bars: page,
          noData: i === pages.length - 1 ? noData : [],
        }),
      );
    }
  }

  return {
    scopeName: input.scopeName,
    packageKey: query.packageKey,
    packageTitle: pkg.title ? (locale === "en" && pkg.title.en ? pkg.title.en : pkg.title.id) : query.packageKey,
    periodLabel: periodName(sc.period, t, query.ytd === true),
    comparePeriodLabel: previous ? periodName(comparePeriod, t, query.ytd === true) : null,
    mode,
    slides,
  };
}

/** The scorecard of the comparison period, or null when it cannot be built (before the package's time, a bad period). */
async function comparisonScorecard(query: ScorecardQuery, period: string): Promise<ScorecardResult | null> {
  if (!tryParsePeriod(period).ok || period === query.period) return null;
  try {
    return await buildScorecard({ ...query, period, trend: false });
  } catch {
    return null;
  }
}

function overviewOf(rows: readonly ScorecardRow[], previous: ScorecardResult | null, locale: Locale) {
  const shares = rows.map((r) => ({ row: r, ...shareOnTarget(r) }));
  const ranked = shares.filter((s) => s.share !== null).sort((a, b) => b.share! - a.share! || a.row.name.localeCompare(b.row.name, "id"));
  const ranks: OverviewEntry[] = [];
  ranked.forEach((s, i) => {
    // Equal shares share a rank (1, 2, 2, 4).
    const rank = i > 0 && ranked[i - 1].share === s.share ? ranks[i - 1].rank : i + 1;
    ranks.push({
      code: s.row.code,
      name: s.row.name,
      rank,
      onTarget: s.onTarget,
      judged: s.judged,
      share: s.share!,
      shareText: `${formatNumber(s.share! * 100, 0, locale)}%`,
    });
  });
  const unranked: PresentUnitRef[] = shares.filter((s) => s.share === null).map((s) => ({ code: s.row.code, name: s.row.name }));
  const before = new Map((previous?.scorecard.rows ?? []).map((r) => [r.code, shareOnTarget(r).share]));
  const moves: OverviewMove[] = [];
  for (const s of shares) {
    const was = before.get(s.row.code);
    if (s.share === null || was === null || was === undefined) continue;
    const delta = (s.share - was) * 100;
    moves.push({
      code: s.row.code,
      name: s.row.name,
      delta,
      from: `${formatNumber(was * 100, 0, locale)}%`,
      to: `${formatNumber(s.share * 100, 0, locale)}%`,
      // One decimal: a move of 0.7 points is not "+0".
      deltaText: `${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${formatNumber(Math.abs(delta), 1, locale)}`,
    });
  }
  const byName = (a: OverviewMove, b: OverviewMove) => a.name.localeCompare(b.name, "id");
  const improved = moves
    .filter((m) => m.delta > 0)
    .sort((a, b) => b.delta - a.delta || byName(a, b))
    .slice(0, MOVES_SHOWN);
  const declined = moves
    .filter((m) => m.delta < 0)
    .sort((a, b) => a.delta - b.delta || byName(a, b))
    .slice(0, MOVES_SHOWN);
  return { ranks, unranked, improved, declined };
}

/** Units in rank order (unranked last, by name): the order of the unit slides. */
function sortedUnits(rows: readonly ScorecardRow[], ranks: readonly OverviewEntry[]): ScorecardRow[] {
  const order = new Map(ranks.map((r, i) => [r.code, i]));
  return [...rows].sort((a, b) => (order.get(a.code) ?? 1e9) - (order.get(b.code) ?? 1e9) || a.name.localeCompare(b.name, "id"));
}

/** Unit slides draw achievements on a 0–150% track; 100% is the target line. */
const ACHIEVEMENT_MAX = 150;

interface Scale {
  max: number;
  byAchievement?: boolean;
}

/** The track's end: a little past the largest value or target, so both fit. */
function scaleOf(cells: readonly ScorecardCell[]): Scale {
  let max = 0;
  for (const c of cells) max = Math.max(max, c.value ?? 0, c.target?.value ?? 0);
  return { max: max > 0 ? max * 1.1 : 1 };
}

/** "Target 80%" when every drawn unit has the same target, else "Target per unit (line on each bar)". */
function targetText(cells: readonly ScorecardCell[], col: ScorecardColumn, locale: Locale): string | null {
  const targets = new Set(cells.filter((c) => c.target).map((c) => c.target!.value));
  if (targets.size === 0) return null;
  if (targets.size === 1) {
    const value = [...targets][0];
    return translate(locale, "presentation.target.one", { value: `${formatNumber(value, col.decimals, locale)}${col.unit ? ` ${col.unit}` : ""}` });
  }
  return translate(locale, "presentation.target.many");
}

function barOf(
  cell: ScorecardCell,
  col: ScorecardColumn,
  label: { code: string; name: string; indicator?: string },
  scale: Scale,
  marker: CellActionMarker | null,
  locale: Locale,
): PresentBar {
  const unit = col.unit ? (col.unit === "%" ? "%" : ` ${col.unit}`) : "";
  const value = `${formatNumber(cell.value, col.decimals, locale)}${unit}`;
  let barPct: number;
  let targetPct: number | null;
  if (scale.byAchievement) {
    barPct = cell.achievement === null ? 0 : pct((cell.achievement / scale.max) * 100);
    targetPct = cell.target ? (100 / scale.max) * 100 : null;
  } else {
    barPct = pct(((cell.value ?? 0) / scale.max) * 100);
    targetPct = cell.target ? pct((cell.target.value / scale.max) * 100) : null;
  }
  const incomplete =
    cell.state === "incomplete" || (cell.completeness !== null && cell.completeness < 1) ? { reported: cell.reported, expected: cell.expected } : null;
  return {
    code: label.code,
    name: label.name,
    indicator: label.indicator ?? col.key,
    value,
    achievement: cell.achievement === null ? null : `${formatNumber(cell.achievement, 0, locale)}%`,
    target: cell.target ? `${formatNumber(cell.target.value, col.decimals, locale)}${unit}` : null,
    state: cell.state,
    // An incomplete cell keeps its band's colour, muted and hatched.
    band: cell.band,
    barPct,
    targetPct,
    incomplete: incomplete && incomplete.expected > 0 && incomplete.reported < incomplete.expected ? incomplete : null,
    marker: marker && marker.total > 0 ? marker : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Meetings

type Meeting = Selectable<MeetingTable>;

export interface MeetingForPresentation {
  meeting: Meeting;
  scope: OrgUnit[];
  invited: MeetingInvitations;
  /** The period of the meeting this one follows up, if any. */
  previousPeriod: string | null;
}

/** A meeting with its scope units and invited accounts; undefined when there is no such meeting. */
export async function meetingForPresentation(db: DbOrTrx, id: number): Promise<MeetingForPresentation | undefined> {
  const meeting = await db.selectFrom("meeting").selectAll().where("id", "=", id).executeTakeFirst();
  if (!meeting) return undefined;
  const scope = await db
    .selectFrom("meeting_scope")
    .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
    .selectAll("org_unit")
    .where("meeting_scope.meeting_id", "=", id)
    .orderBy("org_unit.code")
    .execute();
  const invited = await db.selectFrom("meeting_participant").select(["user_id as userId", "org_unit_id as orgUnitId"]).where("meeting_id", "=", id).execute();
  let previous: string | null = null;
  if (meeting.previous_meeting_id !== null) {
    const prev = await db.selectFrom("meeting").select("period").where("id", "=", meeting.previous_meeting_id).executeTakeFirst();
    previous = prev?.period ?? null;
  }
  return { meeting, scope, invited: invitationsOf(invited), previousPeriod: previous };
}

/**
 * The scorecard a meeting is about. One unit: its children (a district's Puskesmas, a province's
 * districts; a Puskesmas alone: itself). Several units: those units side by side, compared with
 * each other (a kaji banding of districts); with mixed levels, every unit of the deepest level
 * inside the scope.
 */
export function meetingQuery(m: Pick<Meeting, "package_key" | "period" | "indicator_group">, scope: readonly OrgUnit[]): ScorecardQuery {
  const base = { packageKey: m.package_key, period: m.period, group: m.indicator_group ?? undefined, scopePaths: scope.map((u) => u.path) };
  if (scope.length === 1 && scope[0].level !== "puskesmas") return { ...base, parentCode: scope[0].code };
  const depth = (l: OrgLevel) => ROW_LEVEL_ORDER.indexOf(l);
  const deepest = scope.reduce((a, u) => (depth(u.level) > depth(a) ? u.level : a), scope[0].level);
  return { ...base, level: deepest };
}

/** A meeting id from the URL: a positive whole number, else null. */
export function parseMeetingId(raw: string | undefined | null): number | null {
  const s = (raw ?? "").trim();
  if (!/^\d{1,9}$/.test(s) || Number(s) < 1) return null;
  return Number(s);
}
