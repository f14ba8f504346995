import type { ReactNode } from "react";

/**
 * The designer's list of items (indicators, rules, targets): a table with a hidden caption,
 * one header per column and a last, visually hidden "actions" column; the rows are the caller's.
 */
export function ListTable({
  caption,
  columns,
  actions,
  className = "table",
  children,
}: {
  caption: string;
  columns: readonly string[];
  actions: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={className}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
