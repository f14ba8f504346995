import { Link } from "@remix-run/react";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { selectionSearch, STATE_KEYS, STATE_SYMBOLS, TREND_ARROWS, type ScorecardSelection, type ScorecardView, type ViewCell, type ViewColumn, type ViewRow } from "./model";

/** One cell: value, band as shape and hidden text, trend arrow, completeness below 100 %. */
function Cell({ cell, column, row, sel, isTotal }: { cell: ViewCell; column: ViewColumn; row: ViewRow; sel: ScorecardSelection; isTotal: boolean }) {
  const t = useT();
  const band = t(STATE_KEYS[cell.state]);
  const trend = cell.trend ? `${TREND_ARROWS[cell.trend.arrow]} ${t(`scorecards.trend.${cell.trend.verdict}` as MessageKey)}` : null;
  const href = `/scorecards/explain${selectionSearch(sel, { row: row.code, indicator: cell.indicator, sort: null, dir: null })}`;
  return (
    <td className={`num sc-cell sc-${cell.state}${cell.state === "incomplete" && cell.band ? ` sc-band-${cell.band}` : ""}`} data-state={cell.state}>
      <Link to={href} className="sc-cell-link" aria-label={`${t("scorecards.explainCell", { indicator: column.name, row: isTotal ? t("scorecards.total") : row.name })}: ${cell.value}, ${band}${trend ? `, ${trend}` : ""}`}>
        <span className="sc-symbol" aria-hidden="true">
          {STATE_SYMBOLS[cell.state]}
        </span>{" "}
        <span className="sc-value">{cell.value}</span>
        <span className="visually-hidden sc-band-text"> {band}</span>
        {cell.trend ? (
          <span className={`sc-trend sc-trend-${cell.trend.verdict}`} role="img" aria-label={trend ?? ""}>
            {TREND_ARROWS[cell.trend.arrow]}
          </span>
        ) : null}
        {cell.completeness !== null ? <small className="sc-completeness">{t("scorecards.completeness", { pct: cell.completeness })}</small> : null}
      </Link>
    </td>
  );
}

function SortHeader({ label, sortKey, sel, className, defaultDir = "asc", note }: { label: string; sortKey: string; sel: ScorecardSelection; className?: string; defaultDir?: "asc" | "desc"; note?: string }) {
  const t = useT();
  const active = sel.sort === sortKey;
  const nextDir = active ? (sel.dir === "asc" ? "desc" : "asc") : defaultDir;
  return (
    <th scope="col" className={className} aria-sort={active ? (sel.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link to={selectionSearch(sel, { sort: sortKey, dir: nextDir })} title={t("scorecards.sortBy", { column: label })} className="sc-sort" preventScrollReset>
        {label}
        <span aria-hidden="true" className="sc-sort-mark">
          {active ? (sel.dir === "asc" ? " ▴" : " ▾") : " ⇅"}
        </span>
      </Link>
      {note ? <small className="sc-col-note">{note}</small> : null}
    </th>
  );
}

/** The scorecard: rows org units, columns indicators grouped by cluster, total row last. */
export function ScorecardTable({ view, sel, scopeName, compareForm }: { view: ScorecardView; sel: ScorecardSelection; scopeName: string; compareForm?: string }) {
  const t = useT();
  const rowHeader = (row: ViewRow, isTotal: boolean) => (
    <th scope="row" className="sc-rowhead">
      {compareForm && !isTotal ? (
        <input type="checkbox" className="sc-compare-check no-print" name="units" value={row.code} form={compareForm} aria-label={t("scorecards.compare.select", { name: row.name })} />
      ) : null}
      {isTotal ? (
        <strong>{view.parent ? t("scorecards.totalOf", { name: row.name }) : t("scorecards.total")}</strong>
      ) : row.drillable ? (
        <Link to={selectionSearch(sel, { parent: row.code, level: null })} aria-label={t("scorecards.drill", { name: row.name })}>
          {row.name}
        </Link>
      ) : (
        row.name
      )}
      <small className="sc-code">{row.code}</small>
    </th>
  );
  const line = (row: ViewRow, isTotal: boolean) => (
    <tr key={isTotal ? "__total" : row.code} className={isTotal ? "sc-total" : undefined}>
      {rowHeader(row, isTotal)}
      <td className="num">{isTotal ? "" : (row.rank ?? "–")}</td>
      <td className="num sc-score">{row.score}</td>
      {row.cells.map((c, i) => (
        <Cell key={c.indicator} cell={c} column={view.columns[i]} row={row} sel={sel} isTotal={isTotal} />
      ))}
    </tr>
  );
  return (
    <div className="table-wrap sc-wrap">
      <table className="data scorecard">
        <caption>{t("scorecards.caption", { scope: scopeName, period: view.periodLabel })}</caption>
        <thead>
          <tr>
            <td colSpan={3} />
            {view.groups.map((g) => (
              <th key={g.key} scope="colgroup" colSpan={g.span} className="sc-group">
                {g.name}
              </th>
            ))}
          </tr>
          <tr>
            <SortHeader label={t("scorecards.col.name")} sortKey="name" sel={sel} className="sc-rowhead" />
            <SortHeader label={t("scorecards.col.rank")} sortKey="rank" sel={sel} className="num" />
            <SortHeader label={t("scorecards.col.score")} sortKey="score" sel={sel} className="num" defaultDir="desc" />
            {view.columns.map((c) => (
              <SortHeader key={c.key} label={c.unit ? `${c.name} (${c.unit})` : c.name} sortKey={c.key} sel={sel} className="sc-ind" defaultDir="desc" note={c.ytd ? t("scorecards.ytdColumn") : undefined} />
            ))}
          </tr>
        </thead>
        <tbody>{view.rows.map((r) => line(r, false))}</tbody>
        <tfoot>{line(view.total, true)}</tfoot>
      </table>
    </div>
  );
}
