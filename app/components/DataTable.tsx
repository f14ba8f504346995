import type { HTMLAttributes, Key, ReactNode } from "react";

/** One column of a `DataTable`: its header and what each row puts in it. */
export interface DataColumn<Row> {
  header: ReactNode;
  /** The header is for screen readers only, e.g. over a column of links that name themselves. */
  hideHeader?: boolean;
  /** Classes of the header cell, e.g. "num" to right-align it with its numbers. */
  headerClassName?: string;
  /** Classes of each cell; a function where they depend on the row. */
  className?: string | ((row: Row) => string | undefined);
  /** The cell names its row: `<th scope="row">` instead of `<td>`, so screen readers announce it with every cell. */
  rowHeader?: boolean;
  cell: (row: Row, index: number) => ReactNode;
}

export type RowAttributes = HTMLAttributes<HTMLTableRowElement> & Partial<Record<`data-${string}`, string>>;

export interface DataTableProps<Row> {
  /** `false` or `null` leaves a column out, for columns only some users or documents have. */
  columns: ReadonlyArray<DataColumn<Row> | false | null>;
  /** The last column, of links or buttons that act on the row. */
  actions?: DataColumn<Row>;
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => Key;
  /** Attributes of a row's `<tr>`: a class that marks it, data-* that tests and scripts find it by. */
  rowProps?: (row: Row, index: number) => RowAttributes;
  /** Rows after the listed ones, e.g. a closing note across all columns. */
  children?: ReactNode;
  /** What the table lists, for screen readers; shown above the table with `showCaption`. */
  caption?: string;
  showCaption?: boolean;
  /** The table's accessible name where it has no caption. */
  label?: string;
  /** Shown instead of the table when there are no rows: an empty table says less than a sentence. */
  empty?: ReactNode;
  /** "data" on list pages, "table" in the designer. */
  className?: string;
  /** Classes of the wrapper that scrolls a wide table sideways on narrow screens; null for none. */
  wrapClassName?: string | null;
  /**
   * On a phone, each row becomes a card with its cells stacked, each under its column's header,
   * instead of a table scrolled sideways (whose action column ends up off-screen).
   */
  stacked?: boolean;
}

/**
 * A list as a table: one header per column (`scope="col"`), a row per item, an optional caption
 * and actions column, inside the scrolling wrapper. The rows' cells stay the caller's markup.
 */
export function DataTable<Row>({
  columns,
  actions,
  rows,
  rowKey,
  rowProps,
  children,
  caption,
  showCaption = false,
  label,
  empty,
  className = "data",
  wrapClassName = "table-wrap",
  stacked = false,
}: DataTableProps<Row>) {
  if (empty !== undefined && rows.length === 0) return <p className="empty">{empty}</p>;
  const shown = [...columns, actions].filter((c): c is DataColumn<Row> => Boolean(c));
  const table = (
    <table className={stacked ? `${className} stack` : className} aria-label={label}>
      {caption !== undefined ? <caption className={showCaption ? undefined : "visually-hidden"}>{caption}</caption> : null}
      <thead>
        <tr>
          {shown.map((c, i) => (
            <th scope="col" className={c.headerClassName} key={i}>
              {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey(row, r)} {...rowProps?.(row, r)}>
            {shown.map((c, i) => {
              const cellClass = typeof c.className === "function" ? c.className(row) : c.className;
              const cellLabel = stacked && typeof c.header === "string" && !c.hideHeader ? c.header : undefined;
              return c.rowHeader ? (
                <th scope="row" className={cellClass} key={i} data-label={cellLabel}>
                  {c.cell(row, r)}
                </th>
              ) : (
                <td className={cellClass} key={i} data-label={cellLabel}>
                  {c.cell(row, r)}
                </td>
              );
            })}
          </tr>
        ))}
        {children}
      </tbody>
    </table>
  );
  return wrapClassName === null ? table : <div className={stacked ? `${wrapClassName} stack-wrap` : wrapClassName}>{table}</div>;
}
