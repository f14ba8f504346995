/**
 * What the scorecard pages share between server and browser: the selection a URL carries,
 * the view model the table draws, and the catalogue keys of the cell states.
 */
import { formatNumberId, parsePeriod, periodEndMonth, type CellState } from "@engine";
import type { OrgLevel } from "~/db/schema";
import type { Locale, MessageKey } from "~/i18n/catalog";

export type { CellState };

/** The selection a scorecard URL carries. */
export interface ScorecardSelection {
  template: string;
  period: string;
  /** true / false when the URL says so; undefined = each indicator's own setting. */
  ytd: boolean | undefined;
  parent: string | null;
  level: OrgLevel | null;
  group: string | null;
  /** Only units that (themselves or an ancestor) were members of the org-unit group with this key (`orgGroup=`; docs/decisions/037-scorecard-group-filter.md). */
  orgGroup: string | null;
  sort: string;
  dir: "asc" | "desc";
  /** Show only the first rows in the chosen order (top or bottom N); the total stays over all rows. */
  limit: number | null;
  /** Indicators as rows and units as columns (`transpose=1`); sorting still orders the units. */
  transpose: boolean;
  /** What cells are judged against (`basis=national`): each row's nearest target, or the national one for all. */
  basis: "nearest" | "national";
}

export const ROW_LIMITS = [5, 10, 20] as const;

/** The query string of a selection with some parts changed (null removes a parameter). */
export function selectionSearch(
  sel: ScorecardSelection,
  changes: Partial<Record<keyof ScorecardSelection | "row" | "indicator" | "format" | "print", string | null>> = {},
): string {
  const base: Record<string, string | null> = {
    template: sel.template,
    period: sel.period,
    ytd: sel.ytd === undefined ? null : sel.ytd ? "1" : "0",
    parent: sel.parent,
    level: sel.level,
    group: sel.group,
    orgGroup: sel.orgGroup,
    sort: sel.sort === "rank" ? null : sel.sort,
    dir: sel.dir === "asc" ? null : sel.dir,
    limit: sel.limit === null ? null : String(sel.limit),
    transpose: sel.transpose ? "1" : null,
    basis: sel.basis === "national" ? "national" : null,
  };
  const merged = { ...base, ...changes };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v !== null && v !== undefined && v !== "") params.set(k, v);
  return `?${params.toString()}`;
}

/**
 * What `encodeURIComponent` would be if it encoded like URLSearchParams (form encoding: space
 * as "+", only `*-._` and letters and digits left as they are), so a link built by hand is the
 * same as one from `selectionSearch`.
 */
export function formEncode(value: string): string {
  return /^[A-Za-z0-9*._-]*$/.test(value) ? value : new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The query string of a cell's explanation up to its own parameters, ending in "?" or "&":
 * append `row=…&indicator=…` (form-encoded) to get exactly
 * `selectionSearch(sel, { row, indicator, sort: null, dir: null })`. Built once per table.
 */
export function explainSearchBase(sel: ScorecardSelection): string {
  const search = selectionSearch(sel, { sort: null, dir: null });
  return search === "?" ? search : `${search}&`;
}

export const STATE_KEYS: Record<CellState, MessageKey> = {
  green: "scorecards.state.green",
  yellow: "scorecards.state.yellow",
  red: "scorecards.state.red",
  nodata: "scorecards.state.nodata",
  incomplete: "scorecards.state.incomplete",
  notarget: "scorecards.state.notarget",
};

/** A cell of the page's table; optional parts are left out when there is nothing to show. */
export interface ViewCell {
  indicator: string;
  state: CellState;
  /** Band kept for incomplete cells (shown muted); only on incomplete cells. */
  band?: string;
  value: string;
  /** Completeness in percent, formatted; only when under 100 % (and not a plain "nothing reported"). */
  completeness?: string;
  /**
   * Trend against the previous period. `achievements` ("95,0" → "88,0"), when the arrow compares
   * achievement (value against each period's target) and moved: a rising value can then carry
   * a falling arrow, and the label must say why.
   */
  trend?: { arrow: "up" | "down" | "flat"; verdict: "better" | "worse" | "same"; achievements?: readonly [string, string] };
  /** The indicator is not measured at the row's level (a Puskesmas form on a Pustu or Posyandu row): said in words, never a value. */
  offLevel?: true;
  /** Follow-up actions on the cell (docs/decisions/030-action-tracker.md): some open and overdue, some open, or only done ones. */
  action?: "overdue" | "open" | "closed";
}

export interface ViewRow {
  code: string;
  name: string;
  level: string;
  rank: number | null;
  score: string;
  drillable: boolean;
  cells: ViewCell[];
}

export interface ViewColumn {
  key: string;
  name: string;
  group: string;
  unit: string | null;
  /** Counted from January (the indicator's own setting or the selection's). */
  ytd: boolean;
}

export interface ScorecardView {
  periodLabel: string;
  columns: ViewColumn[];
  groups: Array<{ key: string; name: string; span: number }>;
  rows: ViewRow[];
  total: ViewRow;
  lastChange: string | null;
  generatedAt: string;
  parent: { code: string; name: string; level: string } | null;
  noData: boolean;
  /** Rows before the limit was applied. */
  rowCount: number;
  /**
   * Set when the rows and cells were left out of the loader data because the document's HTML
   * carries them (a document request; docs/decisions/041-lighter-scorecard-page.md): `rows` is
   * then empty, the total has no cells, and `inHtml.rows` says how many rows the table shows.
   */
  inHtml?: { rows: number };
}

/** A shape per state, so colour is never the only signal (also printed in black and white). */
export const STATE_SYMBOLS: Record<CellState, string> = {
  green: "●",
  yellow: "▲",
  red: "■",
  nodata: "○",
  incomplete: "◐",
  notarget: "◇",
};

export const TREND_ARROWS = { up: "↑", down: "↓", flat: "→" } as const;

export const STATES: readonly CellState[] = ["green", "yellow", "red", "incomplete", "nodata", "notarget"];

/** A translator as `useT` and the loaders' `t` give it. */
type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A period in the reader's words: "Oktober 2026" / "October 2026", "Triwulan III 2026" / "Quarter III 2026"; `ytd` from January. */
export function periodName(period: string, t: Translate, ytd = false): string {
  const p = parsePeriod(period);
  const month = (m: number) => t(`scorecards.month.${m}` as MessageKey);
  const end = periodEndMonth(p);
  if (ytd && p.type !== "year" && end !== 1) return t("scorecards.periodName.ytd", { from: month(1), to: month(end), year: p.year });
  if (p.type === "month") return `${month(p.month)} ${p.year}`;
  if (p.type === "quarter") return t("scorecards.periodName.quarter", { quarter: ["I", "II", "III", "IV"][p.quarter - 1], year: p.year });
  return t("scorecards.periodName.year", { year: p.year });
}

/** A number in the reader's format: "9.428" / "9,428", "13,5" / "13.5"; "–" for no value. */
export function formatNumber(x: number | null | undefined, decimals: number, locale: Locale): string {
  const id = formatNumberId(x, decimals);
  return locale === "en" ? id.replace(/[.,]/g, (c) => (c === "." ? "," : ".")) : id;
}

/** Decimals to show a count or measured value with: none for a whole number, else up to two. */
export function naturalDecimals(x: number | null | undefined): number {
  return x == null || Number.isInteger(x) ? 0 : Number.isInteger(x * 10) ? 1 : 2;
}

/** The row levels after `level` in the org tree, for the level choice (a national viewer: province, district, Puskesmas). */
export const ROW_LEVEL_ORDER: readonly OrgLevel[] = ["province", "district", "puskesmas"];
