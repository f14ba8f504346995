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

/** A link that sorts the units by `sortKey` (toggling the direction when already active). */
function SortLink({ label, sortKey, sel, defaultDir = "asc", title }: { label: string; sortKey: string; sel: ScorecardSelection; defaultDir?: "asc" | "desc"; title?: string }) {
  const t = useT();
  const active = sel.sort === sortKey;
  const nextDir = active ? (sel.dir === "asc" ? "desc" : "asc") : defaultDir;
  return (
    <Link to={selectionSearch(sel, { sort: sortKey, dir: nextDir })} title={title ?? t("scorecards.sortBy", { column: label })} className="sc-sort" preventScrollReset>
      {label}
      <span aria-hidden="true" className="sc-sort-mark">
        {active ? (sel.dir === "asc" ? " ▴" : " ▾") : " ⇅"}
      </span>
    </Link>
  );
}

const ariaSort = (sel: ScorecardSelection, sortKey: string) => (sel.sort === sortKey ? (sel.dir === "asc" ? "ascending" : "descending") : undefined);

function SortHeader({ label, sortKey, sel, className, defaultDir = "asc", note }: { label: string; sortKey: string; sel: ScorecardSelection; className?: string; defaultDir?: "asc" | "desc"; note?: string }) {
  return (
    <th scope="col" className={className} aria-sort={ariaSort(sel, sortKey)}>
      <SortLink label={label} sortKey={sortKey} sel={sel} defaultDir={defaultDir} />
      {note ? <small className="sc-col-note">{note}</small> : null}
    </th>
  );
}

/** The name of a unit (a drill-down link when it has units below), with its compare box and code. */
function UnitName({ row, isTotal, view, sel, compareForm }: { row: ViewRow; isTotal: boolean; view: ScorecardView; sel: ScorecardSelection; compareForm?: string }) {
  const t = useT();
  return (
    <>
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
    </>
  );
}

/**
 * The transposed scorecard (`transpose=1`): indicators as rows grouped by cluster, units as
 * columns in the chosen sort order, the total column last. Rank and score are the first two
 * rows; every row header sorts the units (the columns) by that row.
 */
function TransposedTable({ view, sel, scopeName, compareForm }: { view: ScorecardView; sel: ScorecardSelection; scopeName: string; compareForm?: string }) {
  const t = useT();
  const units = [...view.rows.map((r) => ({ row: r, isTotal: false })), { row: view.total, isTotal: true }];
  const width = units.length + 1;
  let index = 0;
  const byGroup = view.groups.map((g) => {
    const columns = view.columns.slice(index, index + g.span).map((c, k) => ({ column: c, i: index + k }));
    index += g.span;
    return { group: g, columns };
  });
  const rowHeader = (label: string, sortKey: string, defaultDir: "asc" | "desc", note?: string) => (
    <th scope="row" className="sc-ind sc-rowhead" aria-sort={ariaSort(sel, sortKey)}>
      <SortLink label={label} sortKey={sortKey} sel={sel} defaultDir={defaultDir} title={t("scorecards.sortUnitsBy", { column: label })} />
      {note ? <small className="sc-col-note">{note}</small> : null}
    </th>
  );
  return (
    <div className="table-wrap sc-wrap">
      <table className="data scorecard sc-transposed" data-transposed="1">
        <caption>{t("scorecards.captionTransposed", { scope: scopeName, period: view.periodLabel })}</caption>
        <thead>
          <tr>
            <th scope="col" className="sc-rowhead" aria-sort={ariaSort(sel, "name")}>
              {t("scorecards.col.indicator")}
              <small className="sc-col-note">
                <SortLink label={t("scorecards.col.name")} sortKey="name" sel={sel} title={t("scorecards.sortUnitsBy", { column: t("scorecards.col.name") })} />
              </small>
            </th>
            {units.map(({ row, isTotal }) => (
              <th key={isTotal ? "__total" : row.code} scope="col" className={`sc-unit${isTotal ? " sc-total" : ""}`}>
                <UnitName row={row} isTotal={isTotal} view={view} sel={sel} compareForm={compareForm} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {rowHeader(t("scorecards.col.rank"), "rank", "asc")}
            {units.map(({ row, isTotal }) => (
              <td key={isTotal ? "__total" : row.code} className={`num${isTotal ? " sc-total" : ""}`}>
                {isTotal ? "" : (row.rank ?? "–")}
              </td>
            ))}
          </tr>
          <tr>
            {rowHeader(t("scorecards.col.score"), "score", "desc")}
            {units.map(({ row, isTotal }) => (
              <td key={isTotal ? "__total" : row.code} className={`num sc-score${isTotal ? " sc-total" : ""}`}>
                {row.score}
              </td>
            ))}
          </tr>
        </tbody>
        {byGroup.map(({ group, columns }) => (
          <tbody key={group.key}>
            <tr className="sc-group-row">
              <th scope="rowgroup" colSpan={width} className="sc-group">
                {group.name}
              </th>
            </tr>
            {columns.map(({ column, i }) => (
              <tr key={column.key}>
                {rowHeader(column.unit ? `${column.name} (${column.unit})` : column.name, column.key, "desc", column.ytd ? t("scorecards.ytdColumn") : undefined)}
                {units.map(({ row, isTotal }) => (
                  <Cell key={isTotal ? "__total" : row.code} cell={row.cells[i]} column={column} row={row} sel={sel} isTotal={isTotal} />
                ))}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** The scorecard: rows org units, columns indicators grouped by cluster, total row last (or transposed). */
export function ScorecardTable({ view, sel, scopeName, compareForm }: { view: ScorecardView; sel: ScorecardSelection; scopeName: string; compareForm?: string }) {
  const t = useT();
  if (sel.transpose) return <TransposedTable view={view} sel={sel} scopeName={scopeName} compareForm={compareForm} />;
  const rowHeader = (row: ViewRow, isTotal: boolean) => (
    <th scope="row" className="sc-rowhead">
      <UnitName row={row} isTotal={isTotal} view={view} sel={sel} compareForm={compareForm} />
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
