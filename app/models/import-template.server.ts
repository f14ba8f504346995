/**
 * The import template a Puskesmas operator downloads for a form (CSV or XLSX): the key columns,
 * one column per field the district shows, a row describing each field and an example row.
 * The import itself is ./bulk-import.server.ts.
 */
import ExcelJS from "exceljs";
import { fieldsOf, type Field, type Form } from "@engine";
import { importScope } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { translate, type MessageKey } from "~/i18n/catalog";
import { csvText, neutraliseWorkbook } from "~/utils/spreadsheet.server";
import { ancestorIds } from "./submissions.server";
import { effectivePackage, type EffectivePackage } from "./templates.server";

const msg = (key: MessageKey, vars?: Record<string, string | number>) => translate("id", key, vars);

/** The form an uploader works with: their district's adaptation when they have one district. */
export async function templateForm(
  user: SessionUser,
  packageKey: string,
  formKey: string,
): Promise<{ form: Form; effective: EffectivePackage; unitHint: string | null } | undefined> {
  const grants = importScope(user);
  const districts = new Set(grants.map((g) => ancestorIds({ path: g.orgPath }).districtId).filter((d): d is number => d !== null));
  const districtId = districts.size === 1 ? [...districts][0] : null;
  const effective = await effectivePackage(packageKey, districtId);
  const form = effective?.package.forms.find((f) => f.key === formKey);
  if (!effective || !form) return undefined;
  const unitHint = grants.find((g) => g.orgLevel === "puskesmas" || g.orgLevel === "pustu")?.orgCode ?? null;
  return { form, effective, unitHint };
}

function describeField(field: Field): string {
  const parts: string[] = [];
  switch (field.type) {
    case "integer":
      parts.push(msg("imports.template.type.integer"));
      break;
    case "number":
      parts.push(msg("imports.template.type.number"));
      break;
    case "boolean":
      parts.push(msg("imports.template.type.boolean"));
      break;
    case "date":
      parts.push(msg("imports.template.type.date"));
      break;
    case "choice":
      parts.push(msg("imports.template.type.choice", { choices: (field.choices ?? []).map((c) => c.value).join(" | ") }));
      break;
    case "multichoice":
      parts.push(msg("imports.template.type.multichoice", { choices: (field.choices ?? []).map((c) => c.value).join(" | ") }));
      break;
    default:
      parts.push(msg("imports.template.type.text", { max: field.maxLength ?? 500 }));
  }
  if (field.min !== undefined && field.max !== undefined) parts.push(msg("imports.template.range", { min: field.min, max: field.max }));
  else if (field.min !== undefined) parts.push(msg("imports.template.min", { min: field.min }));
  else if (field.max !== undefined) parts.push(msg("imports.template.max", { max: field.max }));
  if (field.unit) parts.push(field.unit);
  if (field.required) parts.push(msg(field.showIf ? "imports.template.requiredIf" : "imports.template.required"));
  return parts.join("; ");
}

const PERIOD_EXAMPLE: Record<Form["periodType"], string> = { month: "2025-03", quarter: "2025-Q1", year: "2025" };

/** Template columns: key columns, then the form's input fields (calculated ones are computed). */
export function templateRows(
  form: Form,
  hidden: readonly string[],
  unitHint: string | null,
): { keys: string[]; labels: string[]; kinds: string[]; fields: Field[] } {
  const fields = fieldsOf(form).filter((f) => !f.calculate && !hidden.includes(f.key));
  return {
    keys: ["org_unit", "period", ...fields.map((f) => f.key)],
    labels: [`# ${msg("imports.template.unitLabel")}`, msg("imports.template.periodLabel"), ...fields.map((f) => f.label.id)],
    kinds: [
      `# ${msg("imports.template.unitHint", { example: unitHint ?? "P1373001" })}`,
      msg("imports.template.periodHint", { example: PERIOD_EXAMPLE[form.periodType] }),
      ...fields.map(describeField),
    ],
    fields,
  };
}

/** The template as CSV: keys, then a label row and a type row (both start with "#", so the import skips them). */
export function templateCsv(form: Form, hidden: readonly string[], unitHint: string | null): string {
  const t = templateRows(form, hidden, unitHint);
  return csvText([t.keys, t.labels, t.kinds], { bom: true });
}

/** The template as XLSX: sheet "Data" (keys, labels, types, Excel validation lists) and a sheet "Petunjuk". */
export async function templateXlsx(form: Form, hidden: readonly string[], unitHint: string | null): Promise<ArrayBuffer> {
  const t = templateRows(form, hidden, unitHint);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Pantau ILP";
  const ws = wb.addWorksheet("Data", { views: [{ state: "frozen", ySplit: 3, xSplit: 2 }] });
  ws.addRow(t.keys).font = { bold: true };
  const labels = ws.addRow(t.labels);
  labels.font = { italic: true, color: { argb: "FF555555" } };
  const kinds = ws.addRow(t.kinds);
  kinds.font = { italic: true, size: 9, color: { argb: "FF777777" } };
  t.keys.forEach((_, i) => (ws.getColumn(i + 1).width = i < 2 ? 14 : 18));
  // Codes and periods stay text, so Excel does not turn 2025-03 into a date.
  ws.getColumn(1).numFmt = "@";
  ws.getColumn(2).numFmt = "@";
  const last = 4 + 5000;
  // exceljs 4.4 has range validations but its typings lack `dataValidations`.
  const validations = (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  t.fields.forEach((f, i) => {
    const col = ws.getColumn(i + 3).letter;
    const range = `${col}4:${col}${last}`;
    if (f.type === "boolean") validations.add(range, { type: "list", allowBlank: true, formulae: ['"ya,tidak"'] });
    else if (f.type === "choice" && f.choices && f.choices.map((c) => c.value).join(",").length < 250) {
      validations.add(range, { type: "list", allowBlank: true, formulae: [`"${f.choices.map((c) => c.value).join(",")}"`] });
    } else if ((f.type === "integer" || f.type === "number") && (f.min !== undefined || f.max !== undefined)) {
      validations.add(range, {
        type: f.type === "integer" ? "whole" : "decimal",
        operator: "between",
        allowBlank: true,
        formulae: [f.min ?? -1e15, f.max ?? 1e15],
        showErrorMessage: true,
        errorTitle: f.label.id.slice(0, 32),
        error: describeField(f).slice(0, 255),
      });
    }
  });
  const help = wb.addWorksheet(msg("imports.template.helpSheet"));
  help.addRow([msg("imports.template.helpTitle", { form: form.title.id })]).font = { bold: true, size: 13 };
  for (const line of ["imports.template.help1", "imports.template.help2", "imports.template.help3", "imports.template.help4"] as const)
    help.addRow([msg(line)]);
  help.addRow([]);
  const head = help.addRow([
    msg("imports.template.col.key"),
    msg("imports.template.col.label"),
    msg("imports.template.col.type"),
    msg("imports.template.col.choices"),
    msg("imports.template.col.help"),
  ]);
  head.font = { bold: true };
  for (const f of t.fields) {
    help.addRow([f.key, f.label.id, describeField(f), (f.choices ?? []).map((c) => `${c.value} = ${c.label.id}`).join("\n"), f.help?.id ?? ""]);
  }
  help.getColumn(1).width = 28;
  help.getColumn(2).width = 48;
  help.getColumn(3).width = 40;
  help.getColumn(4).width = 36;
  help.getColumn(5).width = 48;
  neutraliseWorkbook(wb);
  return (await wb.xlsx.writeBuffer()) as ArrayBuffer;
}
