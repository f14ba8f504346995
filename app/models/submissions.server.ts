/**
 * Submissions: validated like a web submission wherever they come from (web, CSV import,
 * demo), stored with their JSON document and package version, and — while they count
 * (submitted/approved) — their numeric values as rows for indexed GROUP BY (submission_value).
 */
import { parse } from "csv-parse/sync";
import {
  checkRules,
  fieldsOf,
  monthIndex,
  parsePeriod,
  periodEndMonth,
  periodWindow,
  PeriodError,
  validateSubmission,
  type Field,
  type Form,
  type RuleViolation,
} from "../../engine/index";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit, SubmissionStatus } from "~/db/schema";
import { deadlineLockMessage, LockCache } from "./locks.server";
import { recordRevision } from "./submission-history.server";
import { effectivePackage, type EffectivePackage } from "./templates.server";

export const COUNTED: readonly SubmissionStatus[] = ["submitted", "approved"];

export interface RowProblem {
  row: number;
  column?: string;
  message: string;
}

/** Province and district ids of a unit, from its materialised path (/national/province/district/…). */
export function ancestorIds(unit: Pick<OrgUnit, "path">): { provinceId: number | null; districtId: number | null } {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  return { provinceId: ids[1] ?? null, districtId: ids[2] ?? null };
}

/** Month index (year*12 + month-1) of a period's last month: how submissions are filed in time. */
export function periodEndIndex(period: string | ReturnType<typeof parsePeriod>): number {
  const p = typeof period === "string" ? parsePeriod(period) : period;
  return monthIndex(p.year, periodEndMonth(p));
}

/** Month index of "now" (UTC), for refusing future periods. */
function currentMonthIndex(now: Date): number {
  return now.getUTCFullYear() * 12 + now.getUTCMonth();
}

/** Checks a period string against a form; returns a message in Bahasa Indonesia or null. */
export function periodProblem(form: Form, period: string, now = new Date()): string | null {
  let p;
  try {
    p = parsePeriod(period);
  } catch (err) {
    return err instanceof PeriodError ? err.message : `Periode "${period}" tidak sah.`;
  }
  if (p.type !== form.periodType) {
    const example = { month: "2025-03", quarter: "2025-Q1", year: "2025" }[form.periodType];
    return `Formulir ini dilaporkan per ${{ month: "bulan", quarter: "triwulan", year: "tahun" }[form.periodType]}; tulis periode seperti ${example}, bukan "${period}".`;
  }
  // A period may be reported once it has begun: yearly sasaran are entered at the start of the year.
  if (periodWindow(p).start > currentMonthIndex(now)) return `Periode ${period} belum berjalan; laporan untuk masa depan tidak dapat diterima.`;
  return null;
}

/** Numeric facts of a validated submission: numbers as they are, booleans as 1/0. */
export function numericFacts(form: Form, data: Readonly<Record<string, unknown>>): Array<{ field: string; value: number }> {
  const out: Array<{ field: string; value: number }> = [];
  for (const field of fieldsOf(form)) {
    if (!Object.hasOwn(data, field.key)) continue;
    const v = data[field.key];
    if (typeof v === "number" && Number.isFinite(v)) out.push({ field: field.key, value: v });
    else if (typeof v === "boolean") out.push({ field: field.key, value: v ? 1 : 0 });
  }
  return out;
}

/** Raised when a change would touch a locked report: approved, or past the district's deadline. */
export class SubmissionLockedError extends Error {
  constructor(unitCode: string, formKey: string, period: string, message?: string) {
    super(message ?? `Laporan ${formKey} periode ${period} untuk ${unitCode} sudah disetujui dan dikunci. Admin Dinkes kabupaten/kota dapat membukanya kembali untuk koreksi.`);
    this.name = "SubmissionLockedError";
  }
}

export interface PreparedSubmission {
  unit: OrgUnit;
  effective: EffectivePackage;
  form: Form;
  period: string;
  data: Record<string, unknown>;
  warnings: RuleViolation[];
}

export interface StoreOptions {
  status: SubmissionStatus;
  actorUserId: number | null;
  submittedAt?: string | null;
  returnNote?: string | null;
  ip?: string | null;
  auditAction?: string;
  /** The time the deadline lock is judged at (default: now). */
  now?: Date;
  /** Deadline settings shared by the rows of one batch. */
  lockCache?: LockCache;
  /**
   * Only the demo loader passes this: it files the history of a fresh demo database, all of it
   * past its deadline. No user-facing path (web, import, CLI) sets it.
   */
  bypassDeadline?: "demo-seed";
}

/**
 * Stores (inserts or replaces) one prepared submission and its facts in the given transaction,
 * with its audit row. One submission per unit, package, form and period.
 */
export async function storeSubmission(trx: DbOrTrx, s: PreparedSubmission, options: StoreOptions): Promise<number> {
  const now = nowIso();
  const p = parsePeriod(s.period);
  const endIndex = periodEndIndex(p);
  const { provinceId, districtId } = ancestorIds(s.unit);
  const packageKey = s.effective.base.key;
  const existing = await trx
    .selectFrom("submission")
    .select(["id", "status", "revision", "data"])
    .where("org_unit_id", "=", s.unit.id)
    .where("package_key", "=", packageKey)
    .where("form_key", "=", s.form.key)
    .where("period", "=", s.period)
    .executeTakeFirst();
  // SECURITY.md 19: an approved report changes through no path (web, import, CLI) until unlocked.
  if (existing?.status === "approved") throw new SubmissionLockedError(s.unit.code, s.form.key, s.period);
  if (options.bypassDeadline !== "demo-seed") {
    const key = { unit: s.unit, packageKey, formKey: s.form.key, periodType: s.form.periodType, period: s.period, formTitle: s.form.title.id };
    const locked = await deadlineLockMessage(trx, key, options.now ?? new Date(), options.lockCache);
    if (locked) throw new SubmissionLockedError(s.unit.code, s.form.key, s.period, locked);
  }
  const document = JSON.stringify(s.data);
  const counted = COUNTED.includes(options.status);
  const submittedAt = options.submittedAt !== undefined ? options.submittedAt : counted ? now : null;
  let id: number;
  if (existing) {
    id = existing.id;
    await trx
      .updateTable("submission")
      .set({
        package_version: s.effective.base.version,
        overlay_id: s.effective.overlay?.id ?? null,
        status: options.status,
        data: document,
        revision: existing.revision + 1,
        return_note: options.returnNote ?? null,
        updated_at: now,
        submitted_at: submittedAt,
        approved_at: options.status === "approved" ? now : null,
        approved_by: options.status === "approved" ? options.actorUserId : null,
      })
      .where("id", "=", id)
      .execute();
    await trx.deleteFrom("submission_value").where("submission_id", "=", id).execute();
  } else {
    const row = await trx
      .insertInto("submission")
      .values({
        org_unit_id: s.unit.id,
        district_id: districtId,
        province_id: provinceId,
        package_key: packageKey,
        package_version: s.effective.base.version,
        overlay_id: s.effective.overlay?.id ?? null,
        form_key: s.form.key,
        period: s.period,
        year: p.year,
        month_index: endIndex,
        status: options.status,
        data: document,
        revision: 1,
        idempotency_key: null,
        return_note: options.returnNote ?? null,
        created_by: options.actorUserId,
        created_at: now,
        updated_at: now,
        submitted_at: submittedAt,
        approved_at: options.status === "approved" ? now : null,
        approved_by: options.status === "approved" ? options.actorUserId : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = row.id;
  }
  const revision = existing ? existing.revision + 1 : 1;
  await recordRevision(trx, {
    submissionId: id,
    revision,
    action: options.auditAction ?? "submission.save",
    status: options.status,
    data: document,
    packageKey,
    packageVersion: s.effective.base.version,
    overlayId: s.effective.overlay?.id ?? null,
    returnNote: options.returnNote ?? null,
    actorUserId: options.actorUserId,
    at: now,
  });
  if (counted) {
    const facts = numericFacts(s.form, s.data);
    if (facts.length > 0) {
      await trx
        .insertInto("submission_value")
        .values(
          facts.map((f) => ({
            submission_id: id,
            org_unit_id: s.unit.id,
            district_id: districtId,
            province_id: provinceId,
            package_key: packageKey,
            form_key: s.form.key,
            field_key: f.field,
            year: p.year,
            month_index: endIndex,
            value: f.value,
          })),
        )
        .execute();
    }
  }
  await writeAudit(trx, {
    actorUserId: options.actorUserId,
    action: options.auditAction ?? "submission.save",
    entityType: "submission",
    entityId: id,
    orgUnitId: s.unit.id,
    before: existing ? { status: existing.status, revision: existing.revision } : undefined,
    after: { form: s.form.key, period: s.period, status: options.status, revision },
    ip: options.ip,
  });
  return id;
}

/** The same unit's values of the package's yearly forms for `year` (for rules such as served ≤ sasaran). */
export async function yearlyValues(db: DbOrTrx, unitId: number, packageKey: string, yearlyForms: string[], year: number): Promise<Record<string, unknown>> {
  if (yearlyForms.length === 0) return {};
  const rows = await db
    .selectFrom("submission")
    .select(["data"])
    .where("org_unit_id", "=", unitId)
    .where("package_key", "=", packageKey)
    .where("form_key", "in", yearlyForms)
    .where("period", "=", String(year))
    .execute();
  return Object.assign(Object.create(null), ...rows.map((r) => JSON.parse(r.data) as Record<string, unknown>));
}

/** Everything a batch of submissions for one package needs, loaded once. */
export class SubmissionContext {
  private readonly units = new Map<string, OrgUnit | null>();
  private readonly effective = new Map<number, EffectivePackage | undefined>();
  constructor(
    readonly packageKey: string,
    private readonly db: DbOrTrx = getDb(),
  ) {}

  async unit(code: string): Promise<OrgUnit | null> {
    if (!this.units.has(code)) {
      const row = await this.db.selectFrom("org_unit").selectAll().where("code", "=", code).executeTakeFirst();
      this.units.set(code, row ?? null);
    }
    return this.units.get(code)!;
  }

  async preloadUnits(codes: string[]): Promise<void> {
    const missing = [...new Set(codes)].filter((c) => !this.units.has(c));
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const rows = await this.db.selectFrom("org_unit").selectAll().where("code", "in", chunk).execute();
      for (const c of chunk) this.units.set(c, rows.find((r) => r.code === c) ?? null);
    }
  }

  async packageFor(unit: OrgUnit): Promise<EffectivePackage | undefined> {
    const { districtId } = ancestorIds(unit);
    const key = districtId ?? 0;
    if (!this.effective.has(key)) this.effective.set(key, await effectivePackage(this.packageKey, districtId, this.db));
    return this.effective.get(key);
  }
}

export type PrepareResult = { ok: true; submission: PreparedSubmission } | { ok: false; problems: Array<{ column?: string; message: string }> };

/**
 * Validates one submission for `unitCode` exactly as the web form does: unit and period,
 * the form of the district's effective package, Ajv per field, show-if and calculations, then
 * validation rules (errors block, warnings are returned).
 */
export async function prepareSubmission(
  ctx: SubmissionContext,
  input: { unitCode: string; formKey: string; period: string; data: unknown; yearly?: Record<string, unknown> },
  now = new Date(),
): Promise<PrepareResult> {
  const unit = await ctx.unit(input.unitCode);
  if (!unit) return { ok: false, problems: [{ column: "org_unit", message: `Unit dengan kode "${input.unitCode}" tidak ditemukan. Periksa kodenya.` }] };
  if (unit.level !== "puskesmas") return { ok: false, problems: [{ column: "org_unit", message: `${unit.name} (${unit.code}) bukan Puskesmas; laporan diisi per Puskesmas.` }] };
  const effective = await ctx.packageFor(unit);
  if (!effective) return { ok: false, problems: [{ message: `Paket templat "${ctx.packageKey}" belum terbit.` }] };
  const form = effective.package.forms.find((f) => f.key === input.formKey);
  if (!form) return { ok: false, problems: [{ message: `Formulir "${input.formKey}" tidak ada dalam paket ${ctx.packageKey}.` }] };
  const periodMessage = periodProblem(form, input.period, now);
  if (periodMessage) return { ok: false, problems: [{ column: "period", message: periodMessage }] };
  const result = validateSubmission(form, input.data, { formVersion: `${effective.base.id}:${effective.overlay?.id ?? 0}`, hiddenFields: effective.hidden.filter((h) => h.form === form.key).map((h) => h.field) });
  if (!result.ok) return { ok: false, problems: result.errors.map((e) => ({ column: e.field || undefined, message: e.message })) };
  const yearlyForms = effective.package.forms.filter((f) => f.periodType === "year" && f.key !== form.key).map((f) => f.key);
  const yearly = input.yearly ?? (await yearlyValues(getDb(), unit.id, ctx.packageKey, yearlyForms, parsePeriod(input.period).year));
  const violations = checkRules(effective.package, form.key, result.data, yearly);
  const errors = violations.filter((v) => v.severity === "error");
  if (errors.length > 0) return { ok: false, problems: errors.map((e) => ({ message: e.message })) };
  return { ok: true, submission: { unit, effective, form, period: input.period, data: result.data, warnings: violations } };
}

const TRUE_WORDS = new Set(["ya", "y", "true", "1", "benar", "yes"]);
const FALSE_WORDS = new Set(["tidak", "t", "false", "0", "salah", "no"]);

/** Turns one CSV cell into the field's value type; returns a message when it cannot. */
export function parseCell(field: Field, raw: string): { value: unknown } | { error: string } {
  const text = raw.trim();
  if (text === "") return { value: undefined };
  switch (field.type) {
    case "integer":
    case "number": {
      const normalised = text.replace(/\s/g, "").replace(/^(-?\d+),(\d+)$/, "$1.$2");
      if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(normalised)) return { error: `"${text}" bukan angka. Isi dengan angka saja, misalnya 12 atau 12.5.` };
      return { value: Number(normalised) };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return { value: true };
      if (FALSE_WORDS.has(lower)) return { value: false };
      return { error: `"${text}" bukan jawaban ya/tidak. Tulis ya atau tidak.` };
    }
    case "multichoice":
      return { value: text.split(";").map((s) => s.trim()).filter(Boolean).map((s) => choiceValue(field, s)) };
    case "choice":
      return { value: choiceValue(field, text) };
    default:
      return { value: text };
  }
}

/** Accepts a choice by its value or by its Indonesian/English label. */
function choiceValue(field: Field, text: string): string {
  const lower = text.toLowerCase();
  const hit = (field.choices ?? []).find((c) => c.value.toLowerCase() === lower || c.label.id.toLowerCase() === lower || c.label.en?.toLowerCase() === lower);
  return hit?.value ?? text;
}

export interface ImportReport {
  rows: number;
  stored: number;
  errors: RowProblem[];
  warnings: RowProblem[];
}

/**
 * Imports `org_unit,period,<field keys…>` rows for one form. Every row is validated like a web
 * submission; valid rows are stored (each row whole or not at all), invalid rows reported with
 * row number, column and a message saying how to fix them.
 */
export async function importSubmissionsCsv(
  text: string,
  options: { packageKey: string; formKey: string; actorUserId: number | null; status?: SubmissionStatus; scopePaths?: string[]; ip?: string | null; now?: Date },
): Promise<ImportReport> {
  const now = options.now ?? new Date();
  const lockCache = new LockCache();
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    return { rows: 0, stored: 0, errors: [{ row: 0, message: `Berkas CSV tidak dapat dibaca: ${(err as Error).message}` }], warnings: [] };
  }
  const [header = [], ...rows] = records;
  const columns = header.map((h) => h.trim());
  if (columns[0] !== "org_unit" || columns[1] !== "period") {
    return { rows: rows.length, stored: 0, errors: [{ row: 1, message: `Dua kolom pertama harus "org_unit,period", lalu kunci isian formulir. Ditemukan: "${columns.slice(0, 2).join(",")}".` }], warnings: [] };
  }
  const ctx = new SubmissionContext(options.packageKey);
  const base = await effectivePackage(options.packageKey, null);
  if (!base) return { rows: rows.length, stored: 0, errors: [{ row: 0, message: `Paket templat "${options.packageKey}" belum terbit. Impor paketnya dulu.` }], warnings: [] };
  if (!base.package.forms.some((f) => f.key === options.formKey)) {
    return { rows: rows.length, stored: 0, errors: [{ row: 0, message: `Formulir "${options.formKey}" tidak ada dalam paket ${options.packageKey}.` }], warnings: [] };
  }
  await ctx.preloadUnits(rows.map((r) => (r[0] ?? "").trim()));
  const errors: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const prepared: PreparedSubmission[] = [];
  const preparedRows: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const rowNo = i + 2;
    const cells = rows[i];
    const unitCode = (cells[0] ?? "").trim();
    const period = (cells[1] ?? "").trim();
    const unit = await ctx.unit(unitCode);
    if (unit && options.scopePaths && !options.scopePaths.some((p) => unit.path.startsWith(p))) {
      errors.push({ row: rowNo, column: "org_unit", message: `${unit.name} (${unit.code}) di luar wilayah Anda.` });
      continue;
    }
    const effective = unit ? await ctx.packageFor(unit) : undefined;
    const form = effective?.package.forms.find((f) => f.key === options.formKey);
    const fieldByKey = new Map((form ? fieldsOf(form) : []).map((f) => [f.key, f]));
    const data: Record<string, unknown> = Object.create(null);
    let cellError = false;
    for (let c = 2; c < columns.length; c++) {
      const key = columns[c];
      const field = fieldByKey.get(key);
      if (!field) {
        if ((cells[c] ?? "").trim() !== "" && unit && form) {
          errors.push({ row: rowNo, column: key, message: `Kolom "${key}" bukan isian formulir ${options.formKey} untuk unit ini. Hapus kolom ini atau periksa ejaannya.` });
          cellError = true;
        }
        continue;
      }
      const parsed = parseCell(field, cells[c] ?? "");
      if ("error" in parsed) {
        errors.push({ row: rowNo, column: key, message: parsed.error });
        cellError = true;
      } else if (parsed.value !== undefined) {
        Object.defineProperty(data, key, { value: parsed.value, enumerable: true, writable: true, configurable: true });
      }
    }
    if (cellError) continue;
    const dupKey = `${unitCode}|${period}`;
    if (seen.has(dupKey)) {
      errors.push({ row: rowNo, message: `Baris untuk ${unitCode} periode ${period} sudah ada di atasnya; satu baris per Puskesmas dan periode.` });
      continue;
    }
    const result = await prepareSubmission(ctx, { unitCode, formKey: options.formKey, period, data }, now);
    if (!result.ok) {
      for (const p of result.problems) errors.push({ row: rowNo, column: p.column, message: p.message });
      continue;
    }
    // Past the deadline and not unlocked: said here, per row; storeSubmission checks again when storing.
    const s = result.submission;
    const locked = await deadlineLockMessage(getDb(), { unit: s.unit, packageKey: s.effective.base.key, formKey: s.form.key, periodType: s.form.periodType, period: s.period, formTitle: s.form.title.id }, now, lockCache);
    if (locked) {
      errors.push({ row: rowNo, column: "period", message: locked });
      continue;
    }
    seen.add(dupKey);
    for (const w of result.submission.warnings) warnings.push({ row: rowNo, message: w.message });
    prepared.push(result.submission);
    preparedRows.push(rowNo);
  }
  const failures = await storePrepared(prepared, { status: options.status ?? "submitted", actorUserId: options.actorUserId, ip: options.ip, auditAction: "submission.import", now, lockCache });
  for (const f of failures) errors.push({ row: preparedRows[f.index], message: f.message });
  errors.sort((a, b) => a.row - b.row);
  return { rows: rows.length, stored: prepared.length - failures.length, errors, warnings };
}

/**
 * Stores prepared submissions in transactions of a few hundred (each submission whole). When a
 * chunk fails (a report was approved meanwhile), its rows are retried one transaction each so
 * the others still land; the refused ones are returned with their index and message.
 */
export async function storePrepared(
  prepared: PreparedSubmission[],
  options: StoreOptions | ((s: PreparedSubmission, i: number) => StoreOptions),
): Promise<Array<{ index: number; message: string }>> {
  const lockCache = new LockCache();
  const optionsFor = (i: number): StoreOptions => ({ lockCache, ...(typeof options === "function" ? options(prepared[i], i) : options) });
  const failures: Array<{ index: number; message: string }> = [];
  for (let i = 0; i < prepared.length; i += 250) {
    const end = Math.min(i + 250, prepared.length);
    try {
      await getDb()
        .transaction()
        .execute(async (trx) => {
          for (let j = i; j < end; j++) await storeSubmission(trx, prepared[j], optionsFor(j));
        });
    } catch (err) {
      if (!(err instanceof SubmissionLockedError)) throw err;
      for (let j = i; j < end; j++) {
        try {
          await getDb()
            .transaction()
            .execute((trx) => storeSubmission(trx, prepared[j], optionsFor(j)));
        } catch (rowErr) {
          if (!(rowErr instanceof SubmissionLockedError)) throw rowErr;
          failures.push({ index: j, message: rowErr.message });
        }
      }
    }
  }
  return failures;
}
