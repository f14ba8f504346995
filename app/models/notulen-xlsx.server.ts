/**
 * The notulen as an XLSX workbook (docs/decisions/031-notulen-pdf.md): the meeting (details,
 * attendees, points, decisions), the scorecard (values with the scorecard export's fills, a
 * shape mark per cell, "8/9" indicators with data, legend) and the follow-up actions. A pure
 * function of `NotulenData`; every cell is neutralised as in the other exports.
 */
import ExcelJS from "exceljs";
import type { CellState } from "@engine";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { translate } from "~/i18n/catalog";
import { STATE_KEYS, STATE_SYMBOLS, STATES } from "~/contracts/scorecard";
import { neutraliseWorkbook, xlsxRow } from "~/utils/spreadsheet.server";
import { XLSX_FILLS } from "./scorecard-view.server";
import { generatedText, reportsText } from "./notulen-pdf.server";
import type { NotulenData, NotulenPerson, NotulenRow } from "./notulen.server";

/** First data row of the Scorecard sheet (after the title, the period line, a blank line and the header). */
export const NOTULEN_XLSX_FIRST_SCORECARD_ROW = 5;

export async function renderNotulenXlsx(data: NotulenData, locale: Locale): Promise<ArrayBuffer> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Pantau ILP";
  wb.created = new Date(data.generatedAt);
  wb.modified = new Date(data.generatedAt);
  const generated = t("notulen.generated", { at: generatedText(data.generatedAt), name: data.generatedBy });
  const bold = (row: ExcelJS.Row) => (row.font = { bold: true });

  // Rapat: details, attendees, points, decisions.
  const ws = wb.addWorksheet(t("notulen.sheet.meeting"));
  ws.addRow(xlsxRow([`${t("notulen.title")}: ${data.title}`])).font = { bold: true, size: 14 };
  ws.addRow(xlsxRow([generated]));
  ws.addRow([]);
  const details: Array<[MessageKey, string]> = [
    ["notulen.field.title", data.title],
    ["notulen.field.kind", t(`notulen.kind.${data.kind}` as MessageKey)],
    ["notulen.field.scope", data.scopeNames.join(", ")],
    ["notulen.field.package", data.packageTitle],
    ["notulen.field.group", data.groupName ?? t("notulen.field.allIndicators")],
    ["notulen.field.period", data.periodLabel],
    ["notulen.field.date", data.meetingDate],
    ["notulen.field.location", data.location ?? ""],
    ["notulen.field.status", t(`notulen.status.${data.status}` as MessageKey)],
  ];
  for (const [key, value] of details) ws.addRow(xlsxRow([t(key), value])).getCell(1).font = { bold: true };
  const people = (title: string, list: readonly NotulenPerson[]) => {
    ws.addRow([]);
    bold(ws.addRow(xlsxRow([`${title} (${list.length})`])));
    bold(ws.addRow(xlsxRow([t("notulen.col.no"), t("notulen.col.name"), t("notulen.col.position"), t("notulen.col.unit")])));
    list.forEach((p, i) => ws.addRow(xlsxRow([i + 1, p.name, p.position, p.unit])));
  };
  people(t("notulen.section.attendees"), data.attendees);
  people(t("notulen.section.absent"), data.absent);
  for (const [key, body] of [
    ["notulen.section.points", data.points],
    ["notulen.section.decisions", data.decisions],
  ] as const) {
    ws.addRow([]);
    bold(ws.addRow(xlsxRow([t(key)])));
    const lines = (body ?? "").split(/\r?\n/).filter((l) => l.trim() !== "");
    for (const line of lines.length > 0 ? lines : [t("notulen.none")]) ws.addRow(xlsxRow(["", line]));
  }
  ws.getColumn(1).width = 22;
  ws.getColumn(2).width = 60;
  ws.getColumn(3).width = 28;
  ws.getColumn(4).width = 32;

  // Scorecard: values with fills, the shape mark in front of the value's note, completeness, legend.
  const sc = wb.addWorksheet(t("notulen.sheet.scorecard"));
  sc.addRow(xlsxRow([`${t("notulen.section.scorecard")}: ${data.scopeNames.join(", ")}`])).font = { bold: true, size: 14 };
  sc.addRow(xlsxRow([`${t("notulen.field.period")}: ${data.periodLabel}`, "", `${t("notulen.field.package")}: ${data.packageTitle}`]));
  sc.addRow([]);
  const fill = (cell: ExcelJS.Cell, state: CellState) => {
    const f = XLSX_FILLS[state];
    cell.fill =
      f.pattern === "solid"
        ? { type: "pattern", pattern: "solid", fgColor: { argb: f.color } }
        : { type: "pattern", pattern: "lightUp", fgColor: { argb: f.color }, bgColor: { argb: "FFFFFFFF" } };
  };
  if (data.scorecard) {
    const card = data.scorecard;
    const header = sc.addRow(
      xlsxRow([
        t("scorecards.col.code"),
        t("notulen.col.unit"),
        t("notulen.col.filled"),
        ...card.columns.map((c) => (c.unit ? `${c.name} (${c.unit})` : c.name)),
      ]),
    );
    bold(header);
    header.alignment = { wrapText: true, vertical: "top" };
    const addRow = (row: NotulenRow, total: boolean) => {
      const xr = sc.addRow(
        xlsxRow([
          row.code,
          total ? `${t("scorecards.total")}: ${row.name}` : row.name,
          reportsText(row),
          ...row.cells.map((c) => `${STATE_SYMBOLS[c.state]} ${c.value}`),
        ]),
      );
      row.cells.forEach((c, i) => {
        const cell = xr.getCell(4 + i);
        fill(cell, c.state);
        cell.alignment = { horizontal: "right" };
      });
      if (total) bold(xr);
    };
    card.rows.forEach((r) => addRow(r, false));
    addRow(card.totalRow, true);
    sc.getColumn(1).width = 12;
    sc.getColumn(2).width = 32;
    sc.getColumn(3).width = 10;
    for (let i = 4; i < 4 + card.columns.length; i++) sc.getColumn(i).width = 14;
    sc.views = [{ state: "frozen", xSplit: 3, ySplit: header.number }];
    sc.addRow([]);
    sc.addRow(xlsxRow([t("notulen.filledNote")]));
  } else sc.addRow(xlsxRow([data.scorecardProblem ?? t("notulen.none")]));
  sc.addRow([]);
  bold(sc.addRow(xlsxRow([t("scorecards.legend")])));
  for (const state of STATES) {
    const lr = sc.addRow(xlsxRow([STATE_SYMBOLS[state], t(STATE_KEYS[state])]));
    fill(lr.getCell(1), state);
  }

  // Tindak lanjut: the actions.
  const ac = wb.addWorksheet(t("notulen.sheet.actions"));
  bold(
    ac.addRow(
      xlsxRow([
        t("notulen.col.no"),
        t("notulen.col.unit"),
        t("scorecards.col.indicator"),
        t("notulen.col.problem"),
        t("notulen.col.cause"),
        t("notulen.col.plan"),
        t("notulen.col.responsible"),
        t("notulen.col.person"),
        t("notulen.col.due"),
        t("notulen.col.status"),
      ]),
    ),
  );
  data.actions.forEach((a, i) =>
    ac.addRow(
      xlsxRow([
        i + 1,
        a.unit,
        a.indicator,
        a.problem,
        a.cause,
        a.plan,
        a.responsibleUnit,
        a.person,
        a.dueDate,
        a.status === "done" && a.verified ? `${t("notulen.action.done")} (${t("notulen.action.verified")})` : t(`notulen.action.${a.status}` as MessageKey),
      ]),
    ),
  );
  [5, 28, 32, 36, 30, 44, 28, 24, 12, 16].forEach((w, i) => (ac.getColumn(i + 1).width = w));
  ac.getRow(1).alignment = { wrapText: true, vertical: "top" };
  ac.views = [{ state: "frozen", ySplit: 1 }];

  neutraliseWorkbook(wb);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf).slice().buffer;
}
