/**
 * Export of submissions (decision 011) to CSV and XLSX with stable columns: the union of the
 * field keys of every published version of the form (and of the district adaptations that add
 * fields to it), ordered by first appearance, so a field removed in a later version keeps its
 * column for old reports. Scope comes from the session's grants only.
 */
import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { fieldsOf, parsePeriod, periodWindow, type Field, type Form, type TemplatePackage } from "@engine";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { exportScope } from "~/auth/policy.server";
import type { Grant, SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { SubmissionStatus } from "~/db/schema";
import type { DistrictOverlay } from "@engine";
import { csvStream, xlsxRow, type SheetValue } from "~/utils/spreadsheet.server";

/**
 * Columns before the field keys, always in this order. The import ignores them. `late_entry` is
 * "ya" for a report a backfill stored after its deadline (docs/decisions/018-backfill.md).
 */
export const EXPORT_META_COLUMNS = ["org_unit", "org_unit_name", "period", "status", "package_version", "revision", "updated_at", "late_entry"] as const;

export interface FamilyColumn {
  key: string;
  field: Field;
  /** Package version that introduced the key (0 for a district adaptation's field). */
  since: number;
  /** Code of the district whose adaptation adds it, if any. */
  district?: string;
}

const parsedDocs = new Map<string, unknown>();
function parseOnce<T>(cacheKey: string, text: string): T {
  let doc = parsedDocs.get(cacheKey);
  if (doc === undefined) {
    doc = JSON.parse(text);
    parsedDocs.set(cacheKey, doc);
  }
  return doc as T;
}

/**
 * Every field key a form has had: each published package version in order (fields in display
 * order), then fields added by published district adaptations (all districts, or only those
 * whose ids are given), in order of publication.
 */
export async function formFamilyColumns(
  packageKey: string,
  formKey: string,
  options: { districtIds?: readonly number[]; db?: DbOrTrx } = {},
): Promise<FamilyColumn[]> {
  const db = options.db ?? getDb();
  const versions = await db
    .selectFrom("template_package")
    .select(["id", "version", "document"])
    .where("key", "=", packageKey)
    .where("status", "=", "published")
    .orderBy("version")
    .execute();
  const out: FamilyColumn[] = [];
  const seen = new Set<string>();
  for (const v of versions) {
    const doc = parseOnce<TemplatePackage>(`p${v.id}`, v.document);
    const form = doc.forms.find((f) => f.key === formKey);
    if (!form) continue;
    for (const field of fieldsOf(form)) {
      if (seen.has(field.key)) continue;
      seen.add(field.key);
      out.push({ key: field.key, field, since: v.version });
    }
  }
  let q = db
    .selectFrom("district_overlay as d")
    .innerJoin("org_unit as o", "o.id", "d.district_org_unit_id")
    .select(["d.id", "d.document", "o.code"])
    .where("d.package_key", "=", packageKey)
    .where("d.status", "=", "published");
  if (options.districtIds) {
    if (options.districtIds.length === 0) return out;
    q = q.where("d.district_org_unit_id", "in", [...options.districtIds]);
  }
  for (const o of await q.orderBy("d.id").execute()) {
    const doc = parseOnce<DistrictOverlay>(`o${o.id}`, o.document);
    for (const op of doc.operations) {
      if (op.op !== "addField" || op.form !== formKey || seen.has(op.field.key)) continue;
      seen.add(op.field.key);
      out.push({ key: op.field.key, field: op.field, since: 0, district: o.code });
    }
  }
  return out;
}

/** The packages (latest published version) and their forms, for pickers. */
export async function publishedForms(
  db: DbOrTrx = getDb(),
): Promise<Array<{ packageKey: string; formKey: string; title: { id: string; en?: string }; periodType: Form["periodType"] }>> {
  const rows = await db
    .selectFrom("template_package")
    .select(["id", "key", "version", "document"])
    .where("status", "=", "published")
    .orderBy("key")
    .orderBy("version", "desc")
    .execute();
  const out: Array<{ packageKey: string; formKey: string; title: { id: string; en?: string }; periodType: Form["periodType"] }> = [];
  const done = new Set<string>();
  for (const r of rows) {
    if (done.has(r.key)) continue;
    done.add(r.key);
    for (const f of parseOnce<TemplatePackage>(`p${r.id}`, r.document).forms)
      out.push({ packageKey: r.key, formKey: f.key, title: f.title, periodType: f.periodType });
  }
  return out;
}

/** Districts whose adaptations matter for a scope: the districts inside it, or around it. */
async function districtsForScope(roots: readonly Grant[], db: DbOrTrx): Promise<number[]> {
  const ids = new Set<number>();
  for (const r of roots) {
    if (r.orgLevel === "national" || r.orgLevel === "province") {
      const rows = await db.selectFrom("org_unit").select("id").where("level", "=", "district").where("path", "like", `${r.orgPath}%`).execute();
      for (const row of rows) ids.add(row.id);
    } else {
      const district = Number(r.orgPath.split("/").filter(Boolean)[2]);
      if (Number.isFinite(district)) ids.add(district);
    }
  }
  return [...ids];
}

export interface ExportRequest {
  packageKey: string;
  formKey: string;
  from: string | null;
  to: string | null;
  format: "csv" | "xlsx";
}

export class ExportProblem extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Translate = (
  key: "exports.error.from" | "exports.error.to" | "exports.error.range" | `status.${SubmissionStatus}`,
  vars?: Record<string, string | number>,
) => string;

/** Month-index bounds of the optional period range; throws ExportProblem with a message. */
export function periodRange(from: string | null, to: string | null, t: Translate): { start: number | null; end: number | null } {
  let start: number | null = null;
  let end: number | null = null;
  try {
    if (from) start = periodWindow(parsePeriod(from)).start;
  } catch (e) {
    throw new ExportProblem(t("exports.error.from", { detail: (e as Error).message }), 400);
  }
  try {
    if (to) end = periodWindow(parsePeriod(to)).end;
  } catch (e) {
    throw new ExportProblem(t("exports.error.to", { detail: (e as Error).message }), 400);
  }
  if (start !== null && end !== null && start > end) throw new ExportProblem(t("exports.error.range", { from: from!, to: to! }), 400);
  return { start, end };
}

/** A report's value as a cell, the way the import reads it back: ya/tidak, choices joined by ";". */
function exportValue(value: unknown): SheetValue {
  if (value === undefined || value === null) return "";
  if (typeof value === "boolean") return value ? "ya" : "tidak";
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map(String).join(";");
  return String(value);
}

export interface PreparedExport {
  columns: FamilyColumn[];
  header: string[];
  ids: number[];
  fileName: string;
  /** The status column's words in the reader's language (the import ignores that column). */
  statusText: Record<SubmissionStatus, string>;
}

/**
 * Checks the request, works out the columns and the submissions in scope (ids in a stable
 * order: unit code, then period) and writes the audit row. Streaming happens afterwards.
 */
export async function prepareExport(user: SessionUser, req: ExportRequest, t: Translate, ip: string | null): Promise<PreparedExport> {
  const db = getDb();
  const roots = exportScope(user);
  const { start, end } = periodRange(req.from, req.to, t);
  const columns = await formFamilyColumns(req.packageKey, req.formKey, { districtIds: await districtsForScope(roots, db) });
  let q = db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select("s.id")
    .where("s.package_key", "=", req.packageKey)
    .where("s.form_key", "=", req.formKey)
    .where((eb) => eb.or(roots.map((r) => eb("o.path", "like", `${r.orgPath}%`))));
  if (start !== null) q = q.where("s.month_index", ">=", start);
  if (end !== null) q = q.where("s.month_index", "<=", end);
  const ids = (await q.orderBy("o.code").orderBy("s.month_index").orderBy("s.period").execute()).map((r) => r.id);
  const header = [...EXPORT_META_COLUMNS, ...columns.map((c) => c.key)];
  const range = [req.from, req.to].filter(Boolean).join("_") || "semua";
  const fileName = `laporan-${req.formKey}-${range}.${req.format}`.replace(/[^A-Za-z0-9._-]+/g, "_");
  await writeAudit(db, {
    actorUserId: user.id,
    action: "submission.export",
    entityType: "form",
    entityId: `${req.packageKey}/${req.formKey}`,
    after: { form: req.formKey, from: req.from, to: req.to, format: req.format, rows: ids.length, scope: roots.map((r) => r.orgCode) },
    ip,
  });
  const statusText = {
    draft: t("status.draft"),
    submitted: t("status.submitted"),
    returned: t("status.returned"),
    approved: t("status.approved"),
  };
  return { columns, header, ids, fileName, statusText };
}

/** Rows of the export in batches of 1,000 submissions, in the order of `ids`. */
async function* exportRows(prepared: PreparedExport): AsyncGenerator<SheetValue[][]> {
  const db = getDb();
  for (let i = 0; i < prepared.ids.length; i += 1000) {
    const batch = prepared.ids.slice(i, i + 1000);
    const rows = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.id", "o.code", "o.name", "s.period", "s.status", "s.package_version", "s.revision", "s.updated_at", "s.late_entry", "s.data"])
      .where("s.id", "in", batch)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    yield batch.map((id) => {
      const r = byId.get(id)!;
      const data = JSON.parse(r.data) as Record<string, unknown>;
      return [
        r.code,
        r.name,
        r.period,
        prepared.statusText[r.status],
        r.package_version,
        r.revision,
        r.updated_at,
        exportValue(r.late_entry === 1),
        ...prepared.columns.map((c) => exportValue(Object.hasOwn(data, c.key) ? data[c.key] : undefined)),
      ];
    });
  }
}

/** The CSV export as a stream (UTF-8 with BOM so Excel shows Indonesian text correctly). */
export function exportCsvStream(prepared: PreparedExport): ReadableStream<Uint8Array> {
  return csvStream(prepared.header, exportRows(prepared));
}

/** The XLSX export, written by exceljs' streaming writer: sheet "Laporan" and a sheet of column labels. */
export function exportXlsxStream(
  prepared: PreparedExport,
  labels: { sheet: string; legend: string; key: string; label: string; since: string; district: string },
): ReadableStream<Uint8Array> {
  const pass = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useStyles: true });
  void (async () => {
    try {
      const ws = wb.addWorksheet(labels.sheet, { views: [{ state: "frozen", ySplit: 1 }] });
      const head = ws.addRow(xlsxRow(prepared.header));
      head.font = { bold: true };
      head.commit();
      for await (const batch of exportRows(prepared)) for (const r of batch) ws.addRow(xlsxRow(r)).commit();
      ws.commit();
      const legend = wb.addWorksheet(labels.legend);
      legend.addRow(xlsxRow([labels.key, labels.label, labels.since, labels.district])).commit();
      for (const c of prepared.columns) legend.addRow(xlsxRow([c.key, c.field.label.id, c.since || "", c.district ?? ""])).commit();
      legend.commit();
      await wb.commit();
    } catch (err) {
      pass.destroy(err as Error);
    }
  })();
  return Readable.toWeb(pass) as unknown as ReadableStream<Uint8Array>;
}
