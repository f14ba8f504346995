/**
 * The scorecard pages' server side: reads the shareable selection from the URL, decides the
 * rows from the user's grants (scope never comes from the request), builds the scorecard and
 * turns it into what the page, the CSV and the XLSX export show.
 */
import ExcelJS from "exceljs";
import {
  PeriodError,
  periodMessage,
  roundForDisplay,
  scorecardMessage,
  ScorecardRequestError,
  tryParsePeriod,
  type CellState,
  type ScorecardCell,
  type ScorecardRow,
} from "@engine";
import { forbiddenText, requireRole, requireUser } from "~/auth/guards.server";
import { areaRoots, inArea, SCORECARD_ROLES } from "~/auth/policy.server";
import type { Grant, SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { translate } from "~/i18n/catalog";
import { getLocale } from "~/i18n/locale.server";
import { localeOf, periodDetail, type Reader } from "~/i18n/message";
import { getAncestors, getOrgByCode } from "./org.server";
import { ROW_LEVELS, ScorecardQueryError, type ScorecardQuery, type ScorecardResult } from "./scorecard.server";
import { getPublishedPackage, listPackages } from "./templates.server";
import {
  formatNumber,
  periodName,
  ROW_LEVEL_ORDER,
  ROW_LIMITS,
  STATE_KEYS,
  type ScorecardSelection,
  type ScorecardView,
  type ViewCell,
  type ViewRow,
} from "~/contracts/scorecard";
import { clock } from "~/utils/clock.server";
import { defaultScorecardPeriod, type PeriodDefault } from "./scorecard-period.server";
import { csvText, neutraliseWorkbook } from "~/utils/spreadsheet.server";
import { notMeasuredAt, orgGroupNote, readableOrgGroup, type AppliedOrgGroup } from "./scorecard-groups.server";

export const DEFAULT_TEMPLATE = "ilp-nasional";

/** The last complete month before `now` (UTC), e.g. 2026-11-23 → "2026-10". */
export function defaultPeriod(now: Date = clock.now()): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth(); // 0-based: the current month's index is the previous month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, "0")}`;
}

const SHORT = 64;
const clip = (v: string | null) => (v ?? "").trim().slice(0, SHORT);

export function parseSelection(url: URL): ScorecardSelection {
  const p = url.searchParams;
  const ytdRaw = p.get("ytd");
  const level = clip(p.get("level"));
  const dir = p.get("dir");
  return {
    template: clip(p.get("template")) || DEFAULT_TEMPLATE,
    period: clip(p.get("period")) || defaultPeriod(),
    ytd: ytdRaw === "1" ? true : ytdRaw === "0" ? false : undefined,
    parent: clip(p.get("parent")) || null,
    level: level ? (level as OrgLevel) : null,
    group: clip(p.get("group")) || null,
    orgGroup: clip(p.get("orgGroup")) || null,
    sort: clip(p.get("sort")) || "rank",
    dir: dir === "asc" || dir === "desc" ? dir : "asc",
    limit: (ROW_LIMITS as readonly number[]).includes(Number(p.get("limit"))) ? Number(p.get("limit")) : null,
    transpose: p.get("transpose") === "1",
    basis: p.get("basis") === "national" ? "national" : "nearest",
  };
}

/** The signed-in user's scorecard grants, or a thrown redirect/403. */
export async function requireScorecardUser(request: Request): Promise<{ user: SessionUser; grants: Grant[] }> {
  const user = await requireUser(request);
  return { user, grants: requireRole(user, SCORECARD_ROLES) };
}

/** A problem the user can fix by changing the selection; shown on the page with the form. */
export class SelectionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Most rows one scorecard shows: every district of Indonesia (514) fits; every Puskesmas of
 * the country (10,000+) does not, and gets a message to choose a smaller area instead.
 */
export const MAX_ROWS = 600;

async function countRows(query: ScorecardQuery, parent: OrgUnit | null): Promise<number> {
  let q = getDb()
    .selectFrom("org_unit")
    .select((eb) => eb.fn.countAll<number>().as("n"));
  if (parent) q = q.where("parent_id", "=", parent.id).where("level", "in", [...ROW_LEVELS]);
  else {
    q = q.where("level", "=", query.level!);
    if (query.scopePaths) q = q.where((eb) => eb.or(query.scopePaths!.map((p) => eb("path", "like", `${p}%`))));
  }
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function checkSize(resolved: { query: ScorecardQuery; parent: OrgUnit | null }, t: T) {
  const n = await countRows(resolved.query, resolved.parent);
  if (n > MAX_ROWS) throw new SelectionError(t("scorecards.error.tooMany", { count: n, max: MAX_ROWS }), 400);
  return resolved;
}

/** The request's translator; `locale` for params that differ by language. */
type T = ((key: MessageKey, vars?: Record<string, string | number>) => string) & { locale: Locale };

/** A resolved selection: the query, its parent or area, and the org-unit group it is limited to. */
export interface ResolvedSelection {
  query: ScorecardQuery;
  parent: OrgUnit | null;
  area?: OrgUnit;
  orgGroup: AppliedOrgGroup | null;
}

/**
 * Turns a selection into a scorecard query inside the user's area. Throws a 403 Response for a
 * parent outside it, SelectionError for anything else the user can fix; an org-unit group the
 * viewer may not read is a ScorecardQueryError (404), as an unknown one.
 */
export async function resolveQuery(sel: ScorecardSelection, roots: readonly Grant[], t: T): Promise<ResolvedSelection> {
  const orgGroup = sel.orgGroup ? await readableOrgGroup(sel.orgGroup, roots, t.locale) : null;
  const resolved = await resolveRows(sel, roots, t, orgGroup?.key);
  return { ...resolved, orgGroup };
}

async function resolveRows(
  sel: ScorecardSelection,
  roots: readonly Grant[],
  t: T,
  orgGroup: string | undefined,
): Promise<{ query: ScorecardQuery; parent: OrgUnit | null; area?: OrgUnit }> {
  const parsed = tryParsePeriod(sel.period);
  if (!parsed.ok) throw new SelectionError(t("scorecards.error.period", { detail: periodDetail(parsed)[t.locale] }), 400);
  const pkg = await getPublishedPackage(sel.template);
  if (!pkg) throw new SelectionError(t("scorecards.error.template", { template: sel.template }), 404);
  if (sel.group && !pkg.document.groups.some((g) => g.key === sel.group)) throw new SelectionError(t("scorecards.error.group", { group: sel.group }), 400);
  const scopePaths = roots.map((r) => r.orgPath);
  // The viewer's grants go with the group, so the query layer checks it too (and serves a cached result only to a reader).
  const viewer = orgGroup ? { grants: [...roots] } : undefined;
  const base = { packageKey: sel.template, period: sel.period, ytd: sel.ytd, group: sel.group ?? undefined, orgGroup, viewer, scopePaths, basis: sel.basis };
  if (sel.parent) {
    const parent = await getOrgByCode(getDb(), sel.parent);
    if (!parent) throw new SelectionError(t("scorecards.error.unit", { code: sel.parent }), 404);
    if (!inArea(roots, parent)) throw forbiddenText(t("scorecards.error.outOfScope", { name: parent.name }));
    // A level below the parent's children (Puskesmas of a province): every unit of that level inside the area.
    if (sel.level && ROW_LEVEL_ORDER.indexOf(sel.level) > ROW_LEVEL_ORDER.indexOf(parent.level) + 1) {
      const { query } = await checkSize({ query: { ...base, level: sel.level, scopePaths: [parent.path] }, parent: null }, t);
      return { query, parent: null, area: parent };
    }
    return checkSize({ query: { ...base, parentCode: parent.code }, parent }, t);
  }
  if (sel.level) {
    // The level choice stops at the Puskesmas: Pustu and Posyandu rows are reached through their own Puskesmas only (decision 037).
    if (!ROW_LEVEL_ORDER.includes(sel.level)) throw new SelectionError(t("scorecards.error.level", { level: sel.level }), 400);
    return checkSize({ query: { ...base, level: sel.level }, parent: null }, t);
  }
  // Default: the children of the user's one area, or the areas themselves side by side.
  if (roots.length === 1 && roots[0].orgLevel !== "puskesmas") {
    const parent = (await getOrgByCode(getDb(), roots[0].orgCode))!;
    return { query: { ...base, parentCode: parent.code }, parent };
  }
  const level = roots[0].orgLevel === "national" ? "province" : roots[0].orgLevel;
  return { query: { ...base, level }, parent: null };
}

/** Engine and model errors a selection can cause, as a message for `reader` and a status; anything else rethrown. */
export function selectionProblem(e: unknown, reader: Reader): SelectionError {
  if (e instanceof SelectionError) return e;
  if (e instanceof ScorecardQueryError) return new SelectionError(e.for(reader), e.status);
  if (e instanceof PeriodError) return new SelectionError(periodMessage(e.messageCode, e.params, localeOf(reader)), 400);
  if (e instanceof ScorecardRequestError) return new SelectionError(scorecardMessage(e.messageCode, e.params, localeOf(reader)), 400);
  throw e;
}

// ---------------------------------------------------------------------------------------------
// The view model

/** One shared, frozen trend object per arrow and verdict: the page's payload then carries each once (turbo-stream refers to repeats). */
const TRENDS = new Map<string, NonNullable<ViewCell["trend"]>>();
function trendOf(arrow: NonNullable<ViewCell["trend"]>["arrow"], verdict: NonNullable<ViewCell["trend"]>["verdict"]): NonNullable<ViewCell["trend"]> {
  const k = `${arrow} ${verdict}`;
  let v = TRENDS.get(k);
  if (!v) TRENDS.set(k, (v = Object.freeze({ arrow, verdict })));
  return v;
}

/**
 * A cell as the page draws it. Only what the table shows travels to the browser (the loader
 * payload of an 800-cell table was mostly per-cell keys): band only for incomplete cells,
 * completeness and trend only when there is one; target and achievement are on the explain page.
 */
function viewCell(c: ScorecardCell, decimals: number, locale: Locale): ViewCell {
  const num = (x: number | null, d: number) => formatNumber(x, d, locale);
  const v: ViewCell = { indicator: c.indicator, state: c.state, value: num(c.value, decimals) };
  if (c.state === "incomplete" && c.band) v.band = c.band;
  if (!(c.completeness === null || c.completeness >= 1 || (c.state === "nodata" && c.completeness === 0))) v.completeness = num(c.completeness * 100, 1);
  if (c.trend) {
    v.trend =
      c.trend.basis === "achievement" && c.trend.arrow !== "flat"
        ? { arrow: c.trend.arrow, verdict: c.trend.verdict, achievements: [num(c.trend.previous, 1), num(c.trend.current, 1)] }
        : trendOf(c.trend.arrow, c.trend.verdict);
  }
  return v;
}

function sortValue(row: ScorecardRow, sort: string, columnIndex: number): number | string | null {
  if (sort === "name") return row.name;
  if (sort === "score") return row.score;
  if (sort === "rank") return row.rank;
  return columnIndex >= 0 ? row.cells[columnIndex].value : row.rank;
}

/** Rows sorted on the server so a sorted view is a shareable URL; rows without a value go last. */
export function sortRows(rows: readonly ScorecardRow[], columns: ReadonlyArray<{ key: string }>, sort: string, dir: "asc" | "desc"): ScorecardRow[] {
  const index = columns.findIndex((c) => c.key === sort);
  const sign = dir === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort, index);
    const y = sortValue(b, sort, index);
    if (x === null && y === null) return a.code < b.code ? -1 : 1;
    if (x === null) return 1;
    if (y === null) return -1;
    const cmp = typeof x === "string" ? x.localeCompare(String(y), "id") : x - (y as number);
    return cmp !== 0 ? cmp * sign : a.code < b.code ? -1 : 1;
  });
}

export function toView(result: ScorecardResult, sel: ScorecardSelection, locale: Locale): ScorecardView {
  const pkg = result.effective.package;
  const names = new Map(pkg.indicators.map((i) => [i.key, locale === "en" && i.name.en ? i.name.en : i.name.id]));
  const groupNames = new Map(pkg.groups.map((g) => [g.key, locale === "en" && g.name.en ? g.name.en : g.name.id]));
  const sc = result.scorecard;
  // Columns grouped by cluster, package order kept inside each group.
  const order = [...sc.columns.keys()].sort((a, b) => {
    const ga = pkg.groups.findIndex((g) => g.key === sc.columns[a].group);
    const gb = pkg.groups.findIndex((g) => g.key === sc.columns[b].group);
    return ga - gb || a - b;
  });
  const columns = order.map((i) => sc.columns[i]);
  const groups: ScorecardView["groups"] = [];
  for (const c of columns) {
    const last = groups[groups.length - 1];
    if (last && last.key === c.group) last.span++;
    else groups.push({ key: c.group, name: groupNames.get(c.group) ?? c.group, span: 1 });
  }
  const reorder = (row: ScorecardRow): ScorecardRow => ({ ...row, cells: order.map((i) => row.cells[i]) });
  const mkRow = (row: ScorecardRow): ViewRow => ({
    code: row.code,
    name: row.name,
    level: row.level,
    rank: row.rank,
    score: formatNumber(row.score, 1, locale),
    // Provinces and districts drill to their children; a Puskesmas only when it has Pustu or Posyandu (markVillageDrill).
    drillable: (row.level === "province" || row.level === "district") && ROW_LEVELS.includes(row.level),
    cells: row.cells.map((c, i) =>
      notMeasuredAt(pkg, c.indicator, row.level)
        ? { indicator: c.indicator, state: "nodata", value: "", offLevel: true }
        : viewCell(c, columns[i].decimals, locale),
    ),
  });
  const sorted = sortRows(sc.rows.map(reorder), columns, sel.sort, sel.dir);
  const rows = (sel.limit === null ? sorted : sorted.slice(0, sel.limit)).map(mkRow);
  return {
    periodLabel: periodName(sc.period, (key, vars) => translate(locale, key, vars), sel.ytd === true),
    columns: columns.map((c) => ({ key: c.key, name: names.get(c.key) ?? c.name, group: c.group, unit: c.unit, ytd: c.ytd })),
    groups,
    rows,
    total: mkRow(reorder(sc.total)),
    lastChange: result.lastChange,
    generatedAt: clock.iso(),
    parent: result.parent ? { code: result.parent.code, name: result.parent.name, level: result.parent.level } : null,
    noData: sc.rows.every((r) => r.cells.every((c) => c.state === "nodata")),
    rowCount: sc.rows.length,
  };
}

/** Breadcrumbs from the top of the user's area down to the parent; only units inside it. */
export async function breadcrumbs(parent: OrgUnit | null, roots: readonly Grant[]): Promise<Array<{ code: string; name: string }>> {
  if (!parent) return [];
  const chain = await getAncestors(getDb(), parent);
  return chain.filter((u) => inArea(roots, u)).map((u) => ({ code: u.code, name: u.name }));
}

/** Everything the scorecard page, the exports and the explain page start from. */
export async function loadScorecard(request: Request) {
  const { user, grants } = await requireScorecardUser(request);
  return scorecardSelectionFor(user, grants, await getLocale(request, user), new URL(request.url));
}

/**
 * The selection of `url` for a viewer with these scorecard grants: the page's and the API's
 * (`/api/v1/scorecards`, whose caller is a token) common start, so both read the same query
 * parameters the same way.
 */
export async function scorecardSelectionFor(user: SessionUser, grants: Grant[], locale: Locale, url: URL) {
  const t: T = Object.assign((key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars), { locale });
  const roots = areaRoots(grants);
  let sel = parseSelection(url);
  // No period asked for: the latest one with enough reports in the viewer's area (decision 025).
  let periodDefault: PeriodDefault | null = null;
  if (!clip(url.searchParams.get("period"))) {
    periodDefault = await defaultScorecardPeriod(
      sel.template,
      roots.map((r) => r.orgPath),
    );
    sel = { ...sel, period: periodDefault.period };
  }
  return { user, roots, locale, t, sel, url, periodDefault };
}

/** The units a viewer may narrow the rows to: provinces and districts inside their area, shallowest first, by name. */
export async function areaOptions(roots: readonly Grant[]): Promise<Array<{ code: string; name: string; level: OrgLevel }>> {
  if (roots.length === 0) return [];
  const rows = await getDb()
    .selectFrom("org_unit")
    .select(["code", "name", "level", "path"])
    .where("level", "in", ["province", "district"])
    .where((eb) => eb.or(roots.map((r) => eb("path", "like", `${r.orgPath}%`))))
    .execute();
  const depth = (l: OrgLevel) => ROW_LEVEL_ORDER.indexOf(l);
  return rows
    .sort((a, b) => depth(a.level) - depth(b.level) || a.name.localeCompare(b.name, "id"))
    .map((r) => ({ code: r.code, name: r.name, level: r.level }));
}

/** Published templates for the selection form (latest version of each key). */
export async function templateOptions(): Promise<Array<{ key: string; title: string }>> {
  const rows = await listPackages(getDb());
  const seen = new Map<string, string>();
  for (const r of rows) if (r.status === "published" && !seen.has(r.key)) seen.set(r.key, r.title);
  return [...seen].map(([key, title]) => ({ key, title }));
}

// ---------------------------------------------------------------------------------------------
// Exports

/**
 * CSV download, the same table as the CLI's `scorecard --format csv` plus a UTF-8 BOM for
 * spreadsheets. Numbers unformatted, one block of five columns per indicator, the total row last.
 */
export function scorecardCsv(result: ScorecardResult, orgGroup: AppliedOrgGroup | null = null): string {
  return csvText(scorecardTable(result, orgGroup), { bom: true });
}

/**
 * The CSV table (and the XLSX detail sheet): numbers as numbers, score and achievement to one
 * decimal. Limited to an org-unit group: a last column `kelompok_unit` names its key on every row.
 * An indicator not measured at a village row's level: no value, status `tidak_diukur_di_tingkat_ini`.
 */
export function scorecardTable(result: ScorecardResult, orgGroup: AppliedOrgGroup | null = null): Array<Array<string | number>> {
  const pkg = result.effective.package;
  const cols = result.scorecard.columns;
  const header = [
    "kode",
    "nama",
    "peringkat",
    "skor",
    ...cols.flatMap((c) => [`${c.key}`, `${c.key}_target`, `${c.key}_capaian`, `${c.key}_status`, `${c.key}_kelengkapan`]),
    "dasar_target",
    ...(orgGroup ? ["kelompok_unit"] : []),
  ];
  const line = (row: ScorecardRow) => [
    row.code,
    row.name,
    row.rank ?? "",
    row.score === null ? "" : roundForDisplay(row.score, 1),
    ...row.cells.flatMap((c, i) =>
      notMeasuredAt(pkg, c.indicator, row.level)
        ? ["", "", "", "tidak_diukur_di_tingkat_ini", ""]
        : [
            c.value === null ? "" : roundForDisplay(c.value, cols[i].decimals),
            c.target ? c.target.value : "",
            c.achievement === null ? "" : roundForDisplay(c.achievement, 1),
            c.state,
            c.completeness === null ? "" : Math.round(c.completeness * 100),
          ],
    ),
    // Which targets judged the cells: "terdekat" (each row's nearest scope) or "nasional" (one yardstick).
    result.basis === "national" ? "nasional" : "terdekat",
    ...(orgGroup ? [orgGroup.key] : []),
  ];
  return [header, ...result.scorecard.rows.map(line), line(result.scorecard.total)];
}

/** Fill colours of the XLSX cells by state (ARGB); incomplete cells are hatched. */
export const XLSX_FILLS: Record<CellState, { color: string; pattern: "solid" | "lightUp" }> = {
  green: { color: "FFC6EFCE", pattern: "solid" },
  yellow: { color: "FFFFEB9C", pattern: "solid" },
  red: { color: "FFFFC7CE", pattern: "solid" },
  nodata: { color: "FFD9D9D9", pattern: "solid" },
  incomplete: { color: "FFBFBFBF", pattern: "lightUp" },
  notarget: { color: "FFFFFFFF", pattern: "solid" },
};

/** First data row of the XLSX scorecard sheet (after title lines and two header rows). */
export const XLSX_FIRST_DATA_ROW = 7;

/** First indicator row of the transposed XLSX sheet (title lines, unit names, codes, rank, score). */
export const XLSX_TRANSPOSED_FIRST_ROW = 9;

/** An XLSX workbook: the coloured scorecard with title, period, generation time and legend, and a detail sheet. `transpose`: indicators as rows, units as columns (as on the page). */
export async function scorecardXlsx(
  result: ScorecardResult,
  view: ScorecardView,
  t: T,
  transpose = false,
  orgGroup: AppliedOrgGroup | null = null,
): Promise<ArrayBuffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Pantau ILP";
  wb.created = new Date(view.generatedAt);
  const ws = wb.addWorksheet("Scorecard");
  const scope = view.parent ? view.parent.name : t("scorecards.myScope");
  ws.addRow([t("scorecards.exportTitle", { scope })]).font = { bold: true, size: 14 };
  ws.addRow([
    `${t("scorecards.period")}: ${view.periodLabel}`,
    "",
    `${t("scorecards.template")}: ${result.effective.package.key} v${result.effective.package.version}`,
  ]);
  ws.addRow([
    `${t("scorecards.generatedAt")}: ${view.generatedAt.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${t("scorecards.lastChange")}: ${view.lastChange ? view.lastChange.slice(0, 16).replace("T", " ") + " UTC" : "–"}`,
  ]);
  // The group note shares the basis line, so the table starts on the same row either way (XLSX_FIRST_DATA_ROW).
  const basisLine = ws.addRow([
    t(result.basis === "national" ? "scorecards.basisShown.national" : "scorecards.basisShown.nearest"),
    "",
    orgGroup ? orgGroupNote(orgGroup, t.locale) : "",
  ]);
  if (orgGroup) basisLine.getCell(3).font = { bold: true };
  const byKey = new Map(result.scorecard.columns.map((c, i) => [c.key, i]));
  const source = new Map([...result.scorecard.rows, result.scorecard.total].map((r) => [r.code, r]));
  const fillOf = (cell: ExcelJS.Cell, state: CellState) => {
    const fill = XLSX_FILLS[state];
    cell.fill =
      fill.pattern === "solid"
        ? { type: "pattern", pattern: "solid", fgColor: { argb: fill.color } }
        : { type: "pattern", pattern: "lightUp", fgColor: { argb: fill.color }, bgColor: { argb: "FFFFFFFF" } };
    cell.note = t(STATE_KEYS[state]);
    cell.numFmt = "#,##0.0";
  };
  if (transpose) addTransposed(ws, result, view, t, source, byKey, fillOf);
  else {
    const fixed = [t("scorecards.col.code"), t("scorecards.col.name"), t("scorecards.col.rank"), t("scorecards.col.score")];
    const groupRow = ws.addRow([...fixed.map(() => ""), ...view.groups.flatMap((g) => [g.name, ...Array(g.span - 1).fill("")])]);
    const headerRow = ws.addRow([...fixed, ...view.columns.map((c) => (c.unit ? `${c.name} (${c.unit})` : c.name))]);
    let col = fixed.length + 1;
    for (const g of view.groups) {
      if (g.span > 1) ws.mergeCells(groupRow.number, col, groupRow.number, col + g.span - 1);
      col += g.span;
    }
    for (const r of [groupRow, headerRow]) r.font = { bold: true };
    headerRow.alignment = { wrapText: true, vertical: "top" };
    const addRow = (v: ViewRow, isTotal: boolean) => {
      const row = source.get(v.code)!;
      const cells = view.columns.map((c) => row.cells[byKey.get(c.key)!]);
      const xr = ws.addRow([
        v.code,
        isTotal ? `${t("scorecards.total")}: ${v.name}` : v.name,
        v.rank ?? "",
        row.score === null ? "" : roundForDisplay(row.score, 1),
        ...cells.map((c, i) =>
          notMeasuredAt(result.effective.package, c.indicator, v.level)
            ? t("groupFilter.offLevel")
            : c.value === null
              ? "–"
              : roundForDisplay(c.value, result.scorecard.columns[byKey.get(view.columns[i].key)!].decimals),
        ),
      ]);
      cells.forEach((c, i) => fillOf(xr.getCell(fixed.length + 1 + i), c.state));
      if (isTotal) xr.font = { bold: true };
    };
    for (const v of view.rows) addRow(v, false);
    addRow(view.total, true);
    ws.getColumn(1).width = 12;
    ws.getColumn(2).width = 32;
    for (let i = fixed.length + 1; i <= fixed.length + view.columns.length; i++) ws.getColumn(i).width = 14;
    ws.views = [{ state: "frozen", xSplit: 2, ySplit: headerRow.number }];
  }
  ws.addRow([]);
  ws.addRow([t("scorecards.legend")]).font = { bold: true };
  for (const state of Object.keys(XLSX_FILLS) as CellState[]) {
    const lr = ws.addRow(["", t(STATE_KEYS[state])]);
    const fill = XLSX_FILLS[state];
    lr.getCell(1).fill = { type: "pattern", pattern: fill.pattern, fgColor: { argb: fill.color }, bgColor: { argb: "FFFFFFFF" } };
  }

  const detail = wb.addWorksheet("Detail");
  for (const r of scorecardTable(result, orgGroup)) detail.addRow(r);
  detail.getRow(1).font = { bold: true };
  neutraliseWorkbook(wb);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf).slice().buffer;
}

/** The transposed Scorecard sheet: indicators as rows (with their group), units as columns in the page's order, the total last. */
function addTransposed(
  ws: ExcelJS.Worksheet,
  result: ScorecardResult,
  view: ScorecardView,
  t: T,
  source: Map<string, ScorecardRow>,
  byKey: Map<string, number>,
  fillOf: (cell: ExcelJS.Cell, state: CellState) => void,
): void {
  const units = [...view.rows.map((v) => ({ v, isTotal: false })), { v: view.total, isTotal: true }];
  const names = ws.addRow([
    t("scorecards.group"),
    t("scorecards.col.indicator"),
    ...units.map(({ v, isTotal }) => (isTotal ? `${t("scorecards.total")}: ${v.name}` : v.name)),
  ]);
  ws.addRow(["", t("scorecards.col.code"), ...units.map(({ v }) => v.code)]);
  ws.addRow(["", t("scorecards.col.rank"), ...units.map(({ v, isTotal }) => (isTotal ? "" : (v.rank ?? "")))]);
  const score = (code: string) => source.get(code)!.score;
  ws.addRow(["", t("scorecards.col.score"), ...units.map(({ v }) => (score(v.code) === null ? "" : roundForDisplay(score(v.code)!, 1)))]);
  names.font = { bold: true };
  names.alignment = { wrapText: true, vertical: "top" };
  let index = 0;
  for (const g of view.groups) {
    for (const c of view.columns.slice(index, index + g.span)) {
      const ci = byKey.get(c.key)!;
      const decimals = result.scorecard.columns[ci].decimals;
      const cells = units.map(({ v }) => source.get(v.code)!.cells[ci]);
      const xr = ws.addRow([
        g.name,
        c.unit ? `${c.name} (${c.unit})` : c.name,
        ...cells.map((x) => (x.value === null ? "–" : roundForDisplay(x.value, decimals))),
      ]);
      cells.forEach((x, i) => fillOf(xr.getCell(3 + i), x.state));
    }
    index += g.span;
  }
  ws.getColumn(1).width = 18;
  ws.getColumn(2).width = 40;
  for (let i = 3; i <= 2 + units.length; i++) ws.getColumn(i).width = 14;
  ws.views = [{ state: "frozen", xSplit: 2, ySplit: XLSX_TRANSPOSED_FIRST_ROW - 1 }];
}

/** The download's file name: template, period and scope, safe characters only. */
export function exportFileName(sel: ScorecardSelection, result: ScorecardResult, ext: "csv" | "xlsx"): string {
  const scope = result.parent?.code ?? sel.level ?? "wilayah";
  return `scorecard-${sel.template}-${sel.period}${sel.ytd ? "-kumulatif" : ""}-${scope}${sel.orgGroup ? `-${sel.orgGroup}` : ""}.${ext}`.replace(
    /[^A-Za-z0-9._-]+/g,
    "_",
  );
}
