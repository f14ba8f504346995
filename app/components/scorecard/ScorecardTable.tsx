import { memo, useCallback, useMemo, useRef, type FocusEvent, type KeyboardEvent, type MouseEvent } from "react";
import { useNavigate } from "@remix-run/react";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { useServerOnly } from "~/components/server-only";
import {
  explainSearchBase,
  selectionSearch,
  STATES,
  type CellState,
  type ScorecardSelection,
  type ScorecardView,
  type ViewCell,
  type ViewColumn,
  type ViewRow,
} from "~/contracts/scorecard";
import { CellTip, explainHref, type TipControl } from "./CellTip";

/*
 * Why the table is one HTML string (decisions 014 and 041): the national scorecard by district
 * has 514 rows × every indicator (~14,000 cells). Rendered as React elements it cost most of the
 * server's CPU; as one string per row it still weighed ~9.5 MB, because every cell carried its
 * explanation (a long aria-label, a tooltip, a full link to the explain page) and the loader
 * data carried the rows a second time. Now:
 *  - a cell is `<td class=…><button name=c value=<row code>.<column index>>value<i> words</i></button>`:
 *    state, band, trend and follow-up marker are short classes (shape and arrow drawn by CSS,
 *    app/styles/app.css "compact cells"), the band in a hidden word or two for screen readers; the table sits in a GET form to the explain page, so without JavaScript a cell
 *    still opens its explanation (`c=<row code>.<column index>` and the form's `columns`);
 *  - explanations, tooltips and long labels come on demand: one delegated handler on the
 *    table shows a tooltip when a cell is hovered or focused (built from the classes, then
 *    completed by the explain page's own loader, fetched for that cell only) and opens the
 *    explain page on a click, as the links did;
 *  - on a document request the rows are not in the loader data (`view.inHtml`): the server
 *    renders them from the view its loader kept aside (`useServerOnly`), and the browser adopts
 *    the table's HTML as it is when it hydrates. After a client-side navigation the loader data
 *    carry the rows and the same code builds the same string in the browser.
 * Every text and attribute value goes through `esc`, which escapes exactly what React escapes.
 */

/** The key under which the scorecard loader keeps the full view for the server rendering. */
export const SERVER_VIEW_KEY = "scorecard-view";

/** The id of the table element, whose HTML the browser adopts when hydrating. */
export const TABLE_ID = "sc-table";

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

/** A cell's state as a one-letter class (CSS draws its colour and shape). */
export const STATE_CLASS: Record<CellState, string> = { green: "g", yellow: "y", red: "r", nodata: "n", incomplete: "i", notarget: "t" };
/** The trend as a two-letter class: arrow (u, d, f) and verdict (b, w, s); CSS draws the arrow. */
export const trendClass = (trend: NonNullable<ViewCell["trend"]>) => `${trend.arrow[0]}${trend.verdict[0]}`;

/** What the cells of one table share, worked out (and escaped) once per render. */
interface Ctx {
  t: T;
  view: ScorecardView;
  sel: ScorecardSelection;
  compareForm: string | undefined;
  /** Escaped short band word per state ("merah"). */
  word: Record<string, string>;
  total: string;
  /** Escaped hidden words of the follow-up action marker. */
  marker: { open: string; overdue: string };
  /** Escaped "No data at this level", for indicators a village row does not report. */
  offLevel: string;
}

function context(t: T, view: ScorecardView, sel: ScorecardSelection, compareForm: string | undefined): Ctx {
  const word: Record<string, string> = {};
  for (const s of STATES) word[s] = esc(t(`scorecardPage.word.${s}` as MessageKey));
  return {
    t,
    view,
    sel,
    compareForm,
    word,
    total: t("scorecards.total"),
    marker: { open: esc(t("actions.marker")), overdue: esc(t("actions.markerOverdue")) },
    offLevel: esc(t("groupFilter.offLevel")),
  };
}

/** An attribute as ` name=value`, quoted only when the value needs it (the table is ~14,000 cells). */
const attr = (name: string, value: string) => (/^[A-Za-z0-9._-]+$/.test(value) ? ` ${name}=${value}` : ` ${name}="${esc(value)}"`);

/**
 * One cell: a button of the explain form whose value is `<row code>.<column index>` (the form
 * carries the columns' indicator keys), the value, the band as a hidden word,
 * completeness below 100 % in small print. Classes: state (g y r n i t), band of an incomplete
 * cell (bg by br), trend (arrow u d f + verdict b w s), follow-up actions (a, with ao when
 * overdue). The `</td>` end tags are left out, as HTML allows.
 */
function cellHtml(x: Ctx, c: ViewCell, columnIndex: number, code: string): string {
  // Not measured at the row's level (a Puskesmas indicator on a Posyandu row): words, no value, nothing to explain.
  if (c.offLevel) return `<td class=ol>${x.offLevel}`;
  let cls = STATE_CLASS[c.state];
  if (c.state === "incomplete" && c.band) cls += ` b${esc(c.band)[0]}`;
  let words = x.word[c.state];
  // The arrow is drawn (and read out) by CSS; the verdict behind its colour is in the tooltip.
  if (c.trend) cls += ` ${trendClass(c.trend)}`;
  if (c.action) {
    cls += c.action === "overdue" ? " a ao" : " a";
    // A follow-up action on the cell: a corner mark (CSS) and the words for screen readers.
    if (c.action !== "closed") words += `, ${c.action === "overdue" ? x.marker.overdue : x.marker.open}`;
  }
  return `<td${attr("class", cls)}><button name=c${attr("value", `${code}.${columnIndex}`)}>${esc(c.value)}<i> ${words}</i>${c.completeness != null ? `<small>${esc(c.completeness)}%</small>` : ""}</button>`;
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
  return `<a title="${esc(title ?? x.t("scorecards.sortBy", { column: label }))}" class="sc-sort" href="${esc(href)}">${esc(label)}<span aria-hidden="true" class="sc-sort-mark">${active ? (sel.dir === "asc" ? " ▴" : " ▾") : " ⇅"}</span></a>`;
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
  if (isTotal) h += `<strong>${esc(x.view.parent ? t("scorecards.totalOf", { name: row.name }) : x.total)}</strong>`;
  else if (row.drillable)
    h += `<a aria-label="${esc(t("scorecards.drill", { name: row.name }))}" href="${esc(`${PAGE}${selectionSearch(x.sel, { parent: row.code, level: null })}`)}">${esc(row.name)}</a>`;
  else h += esc(row.name);
  return `${h}<small class=sc-code>${esc(row.code)}</small>`;
}

const columnLabel = (c: ViewColumn) => (c.unit ? `${c.name} (${c.unit})` : c.name);

/**
 * The transposed scorecard (`transpose=1`): indicators as rows grouped by cluster, units as
 * columns in the chosen sort order, the total column last. Rank and score are the first two
 * rows; every row header sorts the units (the columns) by that row.
 */
function transposedHtml(x: Ctx, caption: string): string {
  const { t, view, sel } = x;
  const units = [...view.rows.map((row) => ({ row, isTotal: false })), { row: view.total, isTotal: true }];
  const codes = units.map(({ row }) => row.code);
  const width = units.length + 1;
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
  let html = `<caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody><tr>${rankRow}</tr><tr>${scoreRow}</tr></tbody>`;
  let index = 0;
  for (const g of view.groups) {
    html += `<tbody><tr class="sc-group-row"><th scope="rowgroup" colspan="${width}" class="sc-group">${esc(g.name)}</th></tr>`;
    for (let i = index; i < index + g.span; i++) {
      const column = view.columns[i];
      html += `<tr>${rowHeader(columnLabel(column), column.key, "desc", column.ytd ? t("scorecards.ytdColumn") : undefined)}${units.map((u, k) => cellHtml(x, u.row.cells[i], i, codes[k])).join("")}</tr>`;
    }
    index += g.span;
    html += "</tbody>";
  }
  return html;
}

/** The table's inner HTML: caption, header rows, one row per unit, the total row last. */
function tableHtml(x: Ctx, caption: string): string {
  const { t, view } = x;
  if (x.sel.transpose) return transposedHtml(x, caption);
  const line = (row: ViewRow, isTotal: boolean) => {
    const code = row.code;
    let h = `<th scope=row class=sc-rowhead>${unitNameHtml(x, row, isTotal)}<td class=num>${isTotal ? "" : esc(row.rank ?? "–")}<td class="num sc-score">${esc(row.score)}`;
    for (let i = 0; i < row.cells.length; i++) h += cellHtml(x, row.cells[i], i, code);
    return h;
  };
  const groupsHtml = `<td colspan="3"></td>${view.groups.map((g) => `<th scope="colgroup" colspan="${g.span}" class="sc-group">${esc(g.name)}</th>`).join("")}`;
  const headHtml =
    sortHeaderHtml(x, t("scorecards.col.name"), "name", "sc-rowhead") +
    sortHeaderHtml(x, t("scorecards.col.rank"), "rank", "num") +
    sortHeaderHtml(x, t("scorecards.col.score"), "score", "num", "desc") +
    view.columns.map((c) => sortHeaderHtml(x, columnLabel(c), c.key, "sc-ind", "desc", c.ytd ? t("scorecards.ytdColumn") : undefined)).join("");
  const rows = view.rows.map((r) => `<tr>${line(r, false)}`).join("");
  return `<caption>${esc(caption)}</caption><thead><tr>${groupsHtml}</tr><tr>${headHtml}</tr></thead><tbody>${rows}</tbody><tfoot><tr class="sc-total">${line(view.total, true)}</tr></tfoot>`;
}

const cellButton = (target: EventTarget | null): HTMLButtonElement | null => {
  const b = (target as Element | null)?.closest?.("td > button[name=c]");
  return b instanceof HTMLButtonElement ? b : null;
};

/**
 * The table's one delegated handler: an unmodified left click (or Enter) on a link makes the
 * router navigate, as `<Link>` does (sort links keep the scroll position); a click on a cell
 * opens its explanation the same way; hovering or focusing a cell shows its tooltip.
 */
function useTableEvents(sel: ScorecardSelection, columns: readonly ViewColumn[], tip: React.MutableRefObject<TipControl | null>) {
  const navigate = useNavigate();
  const onClick = useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const button = cellButton(event.target);
      if (button && event.currentTarget.contains(button)) {
        const to = explainHref(sel, columns, button.value);
        if (!to) return;
        event.preventDefault();
        tip.current?.hide();
        navigate(to);
        return;
      }
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
    [navigate, sel, columns, tip],
  );
  const onOver = useCallback((event: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => tip.current?.show(cellButton(event.target)), [tip]);
  const onOut = useCallback(
    (event: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => {
      const to = cellButton(event.relatedTarget);
      if (!to) tip.current?.show(null);
    },
    [tip],
  );
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (event.key === "Escape") tip.current?.hide();
    },
    [tip],
  );
  return { onClick, onMouseOver: onOver, onFocus: onOver, onMouseOut: onOut, onBlur: onOut, onKeyDown };
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
  const tip = useRef<TipControl | null>(null);
  const events = useTableEvents(sel, view.columns, tip);
  // On a document request the rows are not in the loader data: the server has them aside, the browser adopts the HTML it rendered.
  const kept = useServerOnly<ScorecardView>(SERVER_VIEW_KEY);
  const full = view.inHtml ? kept : view;
  const adopted = useRef<string | null>(null);
  const caption = t(sel.transpose ? "scorecards.captionTransposed" : "scorecards.caption", { scope: scopeName, period: view.periodLabel });
  const html = useMemo(() => (full ? tableHtml(context(t, full, sel, compareForm), caption) : null), [full, sel, compareForm, caption, t.locale]); // eslint-disable-line react-hooks/exhaustive-deps -- t changes identity every render; its locale is what matters
  if (html === null && adopted.current === null) adopted.current = typeof document === "undefined" ? "" : (document.getElementById(TABLE_ID)?.innerHTML ?? "");
  const base = useMemo(() => new URLSearchParams(explainSearchBase(sel).slice(1)), [sel]);
  return (
    <form method="get" action={`${PAGE}/explain`} className="sc-explain-form">
      {[...base].map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <input type="hidden" name="columns" value={view.columns.map((c) => c.key).join(" ")} />
      <div className="table-wrap sc-wrap">
        <table
          id={TABLE_ID}
          className={`data scorecard sc-t${sel.transpose ? " sc-transposed" : ""}`}
          data-transposed={sel.transpose ? "1" : undefined}
          {...events}
          dangerouslySetInnerHTML={{ __html: html ?? adopted.current ?? "" }}
        />
      </div>
      <CellTip control={tip} view={view} sel={sel} />
    </form>
  );
});
