import { memo, useCallback, type MouseEvent } from "react";
import { useNavigate } from "@remix-run/react";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import {
  explainSearchBase,
  formEncode,
  selectionSearch,
  STATE_KEYS,
  STATE_SYMBOLS,
  STATES,
  TREND_ARROWS,
  type CellState,
  type ScorecardSelection,
  type ScorecardView,
  type ViewCell,
  type ViewColumn,
  type ViewRow,
} from "~/contracts/scorecard";

/*
 * Why the rows are HTML strings: a district's Puskesmas scorecard has 800+ cells of eight
 * elements each; rendered as React elements (each link a router <Link>, with its own
 * translations and query string) it took ~90 of the ~125 ms of server CPU per request, most
 * of it in react-dom writing thousands of tiny chunks and in the router's links. The rows are
 * now built as strings, once on the server and once in the browser from the same loader data
 * with the same code (so hydration sees the same markup), and handed to React with
 * dangerouslySetInnerHTML per <tr>. Every text and attribute value goes through `esc`, which
 * escapes exactly what React escapes. The markup is the one the React version produced.
 * Links are plain <a href>; one click handler on the table makes them client-side navigations,
 * as <Link> did (`useTableNavigation`).
 */

type T = ReturnType<typeof useT>;

/** The page the table is drawn on: links are written out in full (what `<Link to="?…">` resolved to). */
const PAGE = "/scorecards";

const ESCAPES: Record<string, string> = { '"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;" };
const NEEDS_ESCAPE = /["&'<>]/;

/** Text or attribute value as React writes it (same characters escaped the same way). */
export function esc(value: string | number): string {
  const s = String(value);
  return NEEDS_ESCAPE.test(s) ? s.replace(/["&'<>]/g, (c) => ESCAPES[c]) : s;
}

/** A placeholder no translation or name contains, to split a translated text around a value. */
const SLOT = "\u0000";

function splitAround(t: T, key: MessageKey, vars: Record<string, string>, slot: string): string[] | null {
  if (Object.values(vars).some((v) => v.includes(SLOT))) return null;
  return t(key, { ...vars, [slot]: SLOT }).split(SLOT);
}

/**
 * What the rows of one table share, worked out (and escaped) once per render instead of once
 * per cell: band texts per state, trend texts per arrow and verdict, the explain link up to
 * `row=`, the cell label split around the row's name per column. Escaping commutes with
 * concatenation, so escaped pieces joined are the escaped whole.
 */
interface Ctx {
  t: T;
  view: ScorecardView;
  sel: ScorecardSelection;
  compareForm: string | undefined;
  /** Escaped band text per state. */
  band: Record<CellState, string>;
  /** Escaped trend text per "arrow verdict". */
  trend: Map<string, string>;
  /** Escaped "/scorecards/explain?…selection…&amp;" — `row=…&amp;indicator=…` follow. */
  explainBase: string;
  /** Per column: "Explanation of {indicator} for {row}" split where the row's name goes, escaped (null: translate each time). */
  explain: Array<string[] | null>;
  /** Per column: `&amp;indicator=<key>` for the explain link. */
  indicatorParam: string[];
  /** "Completeness {pct}%" split where the percentage goes, escaped. */
  completeness: string[] | null;
  total: string;
  /** Escaped hidden words of the follow-up action marker. */
  marker: { open: string; overdue: string };
  /** Escaped "No data at this level", for indicators a village row does not report. */
  offLevel: string;
}

function context(t: T, view: ScorecardView, sel: ScorecardSelection, compareForm: string | undefined): Ctx {
  const band = {} as Record<CellState, string>;
  for (const s of STATES) band[s] = esc(t(STATE_KEYS[s]));
  return {
    t,
    view,
    sel,
    compareForm,
    band,
    trend: new Map(),
    explainBase: esc(`${PAGE}/explain${explainSearchBase(sel)}`),
    explain: view.columns.map((c) => splitAround(t, "scorecards.explainCell", { indicator: c.name }, "row")?.map(esc) ?? null),
    indicatorParam: view.columns.map((c) => esc(`&indicator=${formEncode(c.key)}`)),
    completeness: splitAround(t, "scorecards.completeness", {}, "pct")?.map(esc) ?? null,
    total: t("scorecards.total"),
    marker: { open: esc(t("actions.marker")), overdue: esc(t("actions.markerOverdue")) },
    offLevel: esc(t("groupFilter.offLevel")),
  };
}

/** Escaped "↓ worse than the previous period", with both achievements when the arrow compares them. */
function trendText(x: Ctx, trend: NonNullable<ViewCell["trend"]>): string {
  const k = `${trend.arrow} ${trend.verdict}`;
  let s = x.trend.get(k);
  if (s === undefined) {
    s = esc(`${TREND_ARROWS[trend.arrow]} ${x.t(`scorecards.trend.${trend.verdict}` as MessageKey)}`);
    x.trend.set(k, s);
  }
  if (!trend.achievements) return s;
  return `${s} ${esc(x.t("scorecards.trend.achievements", { from: trend.achievements[0], to: trend.achievements[1] }))}`;
}

/** What the cells of one row (or, transposed, one unit) share: its escaped name and explain-link start. */
interface Unit {
  row: ViewRow;
  isTotal: boolean;
  /** Escaped name as the cell labels say it ("Total" for the total). */
  label: string;
  /** Escaped explain link up to the indicator. */
  href: string;
}

function unit(x: Ctx, row: ViewRow, isTotal: boolean): Unit {
  return { row, isTotal, label: esc(isTotal ? x.total : row.name), href: `${x.explainBase}row=${esc(formEncode(row.code))}` };
}

/** One cell: value, band as shape and hidden text, trend arrow, completeness below 100 %; a link to its explanation. */
function cellHtml(x: Ctx, c: ViewCell, columnIndex: number, u: Unit): string {
  // Not measured at the row's level (a Puskesmas indicator on a Posyandu row): words, no value, nothing to explain.
  if (c.offLevel) return `<td class="sc-cell sc-offlevel" data-state="offlevel"><span class="sc-offlevel-text">${x.offLevel}</span></td>`;
  const band = x.band[c.state];
  const trend = c.trend ? trendText(x, c.trend) : null;
  const parts = x.explain[columnIndex];
  const explain = parts
    ? parts.join(u.label)
    : esc(x.t("scorecards.explainCell", { indicator: x.view.columns[columnIndex].name, row: u.isTotal ? x.total : u.row.name }));
  const value = esc(c.value);
  const state = esc(c.state);
  const indicator = c.indicator === x.view.columns[columnIndex].key ? x.indicatorParam[columnIndex] : esc(`&indicator=${formEncode(c.indicator)}`);
  const act = c.action ? ` sc-act${c.action === "overdue" ? " sc-act-overdue" : ""}` : "";
  let h = `<td class="num sc-cell sc-${state}${c.state === "incomplete" && c.band ? ` sc-band-${esc(c.band)}` : ""}${act}" data-state="${state}"><a class="sc-cell-link" aria-label="${explain}: ${value}, ${band}${trend ? `, ${trend}` : ""}" data-discover="true" href="${u.href}${indicator}"><span class="sc-symbol" aria-hidden="true">${STATE_SYMBOLS[c.state]}</span> <span class="sc-value">${value}</span><span class="visually-hidden sc-band-text"> ${band}</span>`;
  // The link's label already says the trend to screen readers; the arrow's tooltip says it to the eye.
  if (c.trend) h += `<span class="sc-trend sc-trend-${esc(c.trend.verdict)}" aria-hidden="true" title="${trend}">${TREND_ARROWS[c.trend.arrow]}</span>`;
  if (c.completeness != null)
    h += `<small class="sc-completeness">${x.completeness ? x.completeness.join(esc(c.completeness)) : esc(x.t("scorecards.completeness", { pct: c.completeness }))}</small>`;
  // A follow-up action on the cell: a corner mark (CSS) and the words for screen readers.
  if (c.action && c.action !== "closed") h += `<span class="visually-hidden">, ${c.action === "overdue" ? x.marker.overdue : x.marker.open}</span>`;
  return `${h}</a></td>`;
}

const ariaSort = (sel: ScorecardSelection, sortKey: string) => (sel.sort === sortKey ? (sel.dir === "asc" ? "ascending" : "descending") : undefined);
const ariaSortAttr = (sel: ScorecardSelection, sortKey: string) => {
  const v = ariaSort(sel, sortKey);
  return v ? ` aria-sort="${v}"` : "";
};

/** A link that sorts the units by `sortKey` (toggling the direction when already active). */
function sortLinkHtml(x: Ctx, label: string, sortKey: string, defaultDir: "asc" | "desc" = "asc", title?: string): string {
  const { sel } = x;
  const active = sel.sort === sortKey;
  const nextDir = active ? (sel.dir === "asc" ? "desc" : "asc") : defaultDir;
  const href = `${PAGE}${selectionSearch(sel, { sort: sortKey, dir: nextDir })}`;
  return `<a title="${esc(title ?? x.t("scorecards.sortBy", { column: label }))}" class="sc-sort" data-discover="true" href="${esc(href)}">${esc(label)}<span aria-hidden="true" class="sc-sort-mark">${active ? (sel.dir === "asc" ? " ▴" : " ▾") : " ⇅"}</span></a>`;
}

const noteHtml = (note: string | undefined) => (note ? `<small class="sc-col-note">${esc(note)}</small>` : "");

function sortHeaderHtml(x: Ctx, label: string, sortKey: string, className: string, defaultDir: "asc" | "desc" = "asc", note?: string): string {
  return `<th scope="col" class="${className}"${ariaSortAttr(x.sel, sortKey)}>${sortLinkHtml(x, label, sortKey, defaultDir)}${noteHtml(note)}</th>`;
}

/** The name of a unit (a drill-down link when it has units below), with its compare box and code. */
function unitNameHtml(x: Ctx, row: ViewRow, isTotal: boolean): string {
  const { t } = x;
  let h = "";
  if (x.compareForm && !isTotal)
    h += `<input type="checkbox" class="sc-compare-check no-print" name="units" form="${esc(x.compareForm)}" aria-label="${esc(t("scorecards.compare.select", { name: row.name }))}" value="${esc(row.code)}"/>`;
  if (isTotal) h += `<strong>${esc(x.view.parent ? t("scorecards.totalOf", { name: row.name }) : t("scorecards.total"))}</strong>`;
  else if (row.drillable)
    h += `<a aria-label="${esc(t("scorecards.drill", { name: row.name }))}" data-discover="true" href="${esc(`${PAGE}${selectionSearch(x.sel, { parent: row.code, level: null })}`)}">${esc(row.name)}</a>`;
  else h += esc(row.name);
  return `${h}<small class="sc-code">${esc(row.code)}</small>`;
}

const columnLabel = (c: ViewColumn) => (c.unit ? `${c.name} (${c.unit})` : c.name);

/** A table row whose cells are the HTML string `html` (built the same on server and client). */
function Row({ html, className }: { html: string; className?: string }) {
  return <tr className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * Client-side navigation for the table's links, which are plain `<a href>`: one handler on
 * the table does for an unmodified left click (or Enter) what `<Link>` does — the router
 * navigates, no page load; sort links keep the scroll position (`preventScrollReset`) as before.
 */
function useTableNavigation() {
  const navigate = useNavigate();
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const a = (event.target as Element | null)?.closest?.("a[href]");
      if (!(a instanceof HTMLAnchorElement) || !event.currentTarget.contains(a)) return;
      if ((a.target && a.target !== "_self") || a.hasAttribute("download")) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      event.preventDefault();
      const to = `${url.pathname}${url.search}${url.hash}`;
      const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;
      navigate(to, { replace: to === here, preventScrollReset: a.classList.contains("sc-sort") });
    },
    [navigate],
  );
}

/**
 * The transposed scorecard (`transpose=1`): indicators as rows grouped by cluster, units as
 * columns in the chosen sort order, the total column last. Rank and score are the first two
 * rows; every row header sorts the units (the columns) by that row.
 */
function TransposedTable({ x, scopeName }: { x: Ctx; scopeName: string }) {
  const { t, view, sel } = x;
  const onClick = useTableNavigation();
  const units = [...view.rows.map((r) => unit(x, r, false)), unit(x, view.total, true)];
  const width = units.length + 1;
  let index = 0;
  const byGroup = view.groups.map((g) => {
    const columns = view.columns.slice(index, index + g.span).map((c, k) => ({ column: c, i: index + k }));
    index += g.span;
    return { group: g, columns };
  });
  const rowHeader = (label: string, sortKey: string, defaultDir: "asc" | "desc", note?: string) =>
    `<th scope="row" class="sc-ind sc-rowhead"${ariaSortAttr(sel, sortKey)}>${sortLinkHtml(x, label, sortKey, defaultDir, t("scorecards.sortUnitsBy", { column: label }))}${noteHtml(note)}</th>`;
  const nameLabel = t("scorecards.col.name");
  const head =
    `<th scope="col" class="sc-rowhead"${ariaSortAttr(sel, "name")}>${esc(t("scorecards.col.indicator"))}<small class="sc-col-note">${sortLinkHtml(x, nameLabel, "name", "asc", t("scorecards.sortUnitsBy", { column: nameLabel }))}</small></th>` +
    units.map(({ row, isTotal }) => `<th scope="col" class="sc-unit${isTotal ? " sc-total" : ""}">${unitNameHtml(x, row, isTotal)}</th>`).join("");
  const rankRow =
    rowHeader(t("scorecards.col.rank"), "rank", "asc") +
    units.map(({ row, isTotal }) => `<td class="num${isTotal ? " sc-total" : ""}">${isTotal ? "" : esc(row.rank ?? "–")}</td>`).join("");
  const scoreRow =
    rowHeader(t("scorecards.col.score"), "score", "desc") +
    units.map(({ row, isTotal }) => `<td class="num sc-score${isTotal ? " sc-total" : ""}">${esc(row.score)}</td>`).join("");
  return (
    <div className="table-wrap sc-wrap">
      <table className="data scorecard sc-transposed" data-transposed="1" onClick={onClick}>
        <caption>{t("scorecards.captionTransposed", { scope: scopeName, period: view.periodLabel })}</caption>
        <thead>
          <Row html={head} />
        </thead>
        <tbody>
          <Row html={rankRow} />
          <Row html={scoreRow} />
        </tbody>
        {byGroup.map(({ group, columns }) => (
          <tbody key={group.key}>
            <Row className="sc-group-row" html={`<th scope="rowgroup" colSpan="${width}" class="sc-group">${esc(group.name)}</th>`} />
            {columns.map(({ column, i }) => (
              <Row
                key={column.key}
                html={
                  rowHeader(columnLabel(column), column.key, "desc", column.ytd ? t("scorecards.ytdColumn") : undefined) +
                  units.map((u) => cellHtml(x, u.row.cells[i], i, u)).join("")
                }
              />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** The scorecard: rows org units, columns indicators grouped by cluster, total row last (or transposed). */
export const ScorecardTable = memo(function ScorecardTable({
  view,
  sel,
  scopeName,
  compareForm,
}: {
  view: ScorecardView;
  sel: ScorecardSelection;
  scopeName: string;
  compareForm?: string;
}) {
  const t = useT();
  const onClick = useTableNavigation();
  const x = context(t, view, sel, compareForm);
  if (sel.transpose) return <TransposedTable x={x} scopeName={scopeName} />;
  const line = (row: ViewRow, isTotal: boolean) => {
    const u = unit(x, row, isTotal);
    return (
      `<th scope="row" class="sc-rowhead">${unitNameHtml(x, row, isTotal)}</th><td class="num">${isTotal ? "" : esc(row.rank ?? "–")}</td><td class="num sc-score">${esc(row.score)}</td>` +
      row.cells.map((c, i) => cellHtml(x, c, i, u)).join("")
    );
  };
  const groupsHtml = `<td colSpan="3"></td>${view.groups.map((g) => `<th scope="colgroup" colSpan="${g.span}" class="sc-group">${esc(g.name)}</th>`).join("")}`;
  const headHtml =
    sortHeaderHtml(x, t("scorecards.col.name"), "name", "sc-rowhead") +
    sortHeaderHtml(x, t("scorecards.col.rank"), "rank", "num") +
    sortHeaderHtml(x, t("scorecards.col.score"), "score", "num", "desc") +
    view.columns.map((c) => sortHeaderHtml(x, columnLabel(c), c.key, "sc-ind", "desc", c.ytd ? t("scorecards.ytdColumn") : undefined)).join("");
  return (
    <div className="table-wrap sc-wrap">
      <table className="data scorecard" onClick={onClick}>
        <caption>{t("scorecards.caption", { scope: scopeName, period: view.periodLabel })}</caption>
        <thead>
          <Row html={groupsHtml} />
          <Row html={headHtml} />
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <Row key={r.code} html={line(r, false)} />
          ))}
        </tbody>
        <tfoot>
          <Row className="sc-total" html={line(view.total, true)} />
        </tfoot>
      </table>
    </div>
  );
});
