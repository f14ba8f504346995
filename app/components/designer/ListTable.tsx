import type { ReactNode } from "react";
import { DataTable } from "~/components/DataTable";

/**
 * The designer's list of items (indicators, rules, targets): the list pages' `DataTable` with a
 * hidden caption, one header per column and a last, visually hidden "actions" column. The rows
 * are the caller's own markup (they hold inputs and buttons bound to the draft), so they come as
 * children; the table does not scroll on its own inside the designer's panel.
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
    <DataTable<never>
      caption={caption}
      columns={columns.map((header) => ({ header, cell: () => null }))}
      actions={{ header: actions, hideHeader: true, cell: () => null }}
      rows={[]}
      rowKey={() => 0}
      className={className}
      wrapClassName={null}
    >
      {children}
    </DataTable>
  );
}
