/**
 * Bulk import of submissions from CSV or XLSX (decision 011), as a job processed in chunks.
 *
 * Upload: the file is read once as a stream with caps (CSV with `,` `;` or tab, or the first
 * sheet of an XLSX; ./import-file.server.ts), its header checked against every field key the form
 * has had before any row is taken (a file of the wrong form is refused whole, nothing stored),
 * and the rows kept in the job's `payload`. Processing: chunks of CHUNK_ROWS rows; every row goes
 * through the same `prepareSubmission` as the web form (types, bounds, required, show-if,
 * calculations, rules, period not in the future) plus the uploader's scope, then
 * `storeSubmission` (locks) — a row whole or not at all. Each chunk's submissions, its error rows
 * and the job's progress commit in one transaction, so `next_row` always says which rows are
 * done; a job whose worker stopped (server restart) is shown as interrupted and can be resumed
 * from there.
 */
import { randomUUID } from "node:crypto";
import { fieldsOf, localText, type Field, type Form } from "@engine";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { backfillScope, importScope } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { ImportJobStatus, OrgUnit } from "~/db/schema";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { bilingual, both, localeOf, type LocalizedText, type Reader } from "~/i18n/message";
import { EntryRefusal } from "./entry.server";
import { deadlineLockMessage, LockCache } from "./locks.server";
import { EXPORT_META_COLUMNS, formFamilyColumns, type FamilyColumn } from "./submission-export.server";
import {
  parseCell,
  prepareSubmission,
  storeSubmissions,
  SubmissionContext,
  SubmissionLockedError,
  yearlyValues,
  type PreparedSubmission,
} from "./submissions.server";
import { effectivePackage, type EffectivePackage } from "./templates.server";
import { clock } from "~/utils/clock.server";
import { csvText } from "~/utils/spreadsheet.server";
import { HeapBudget } from "~/utils/gc.server";
import { parseRow, readUpload, type ParsedFile, type ReadResult } from "./import-file.server";

export { MAX_IMPORT_BYTES, MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";
export const CHUNK_ROWS = 500;
/** Rows checked between two turns of the event loop while the chunk before is stored. */
const CHECK_SLICE_ROWS = 25;
/** Problems kept per job for the table; the counts stay exact beyond it. */
export const MAX_STORED_PROBLEMS = 20_000;
/** A running job whose heartbeat is older than this, and that no live worker of this process holds, was interrupted. */
export const STALE_AFTER_MS = 60_000;
export const ERRORS_PAGE_SIZE = 100;

/** This process, as the owner of the jobs it runs. */
const WORKER_ID = randomUUID();

const KEY_COLUMNS = ["org_unit", "period"] as const;

// ---------------------------------------------------------------------------------------------
// Scope

const inScope = (paths: readonly string[], unit: Pick<OrgUnit, "path">) => paths.some((p) => unit.path.startsWith(p));

// ---------------------------------------------------------------------------------------------
// Reading files: streamed with caps, the header first (./import-file.server.ts)

export { readCsv, readUpload, MAX_IMPORT_ROWS, type ParsedFile, type ReadResult } from "./import-file.server";

// ---------------------------------------------------------------------------------------------
// The form of an import

export interface ImportForm {
  packageKey: string;
  form: Form;
  /** Every key the form has had (all versions, all adaptations). */
  family: FamilyColumn[];
}

/** The latest national version of a form and its key family; undefined when there is none. */
export async function importForm(packageKey: string, formKey: string): Promise<ImportForm | undefined> {
  const base = await effectivePackage(packageKey, null);
  const form = base?.package.forms.find((f) => f.key === formKey);
  if (!form) return undefined;
  return { packageKey, form, family: await formFamilyColumns(packageKey, formKey) };
}

/**
 * The header check that refuses a file of the wrong form as a whole: both key columns, no
 * duplicate columns, no column that was never a field of this form. Returns the message, in the
 * uploader's language, or null.
 */
export async function headerProblem(header: readonly string[], target: ImportForm, locale: Locale = "id"): Promise<string | null> {
  const say = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const title = localText(target.form.title, locale) ?? target.form.title.id;
  const named = header.filter((h) => h !== "");
  const dupes = [...new Set(named.filter((h, i) => named.indexOf(h) !== i))];
  if (dupes.length) return say("imports.header.duplicate", { columns: dupes.join(", ") });
  const missing = KEY_COLUMNS.filter((k) => !named.includes(k));
  const known = new Set<string>([...KEY_COLUMNS, ...EXPORT_META_COLUMNS, ...target.family.map((c) => c.key)]);
  const unknown = named.filter((h) => !known.has(h));
  if (missing.length || unknown.length) {
    // Name the form the columns belong to, if they are another form's fields.
    const others = new Map<string, number>();
    const base = await effectivePackage(target.packageKey, null);
    for (const f of base?.package.forms ?? []) {
      if (f.key === target.form.key) continue;
      const keys = new Set(fieldsOf(f).map((x) => x.key));
      const hits = unknown.filter((u) => keys.has(u)).length;
      if (hits) others.set(localText(f.title, locale) ?? f.title.id, hits);
    }
    const likely = [...others.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const parts: string[] = [];
    if (missing.length) parts.push(say("imports.header.missing", { columns: missing.join(", ") }));
    if (unknown.length)
      parts.push(
        say("imports.header.unknown", { columns: unknown.slice(0, 10).join(", ") + (unknown.length > 10 ? ` (+${unknown.length - 10})` : ""), form: title }),
      );
    if (likely) parts.push(say("imports.header.otherForm", { other: likely }));
    parts.push(say("imports.header.fix", { form: title }));
    return parts.join(" ");
  }
  if (!named.some((h) => target.family.some((c) => c.key === h))) return say("imports.header.noFields", { form: title });
  return null;
}

/**
 * Reads an import file for a form as an upload is read (the web page and the CLI): CSV or XLSX by
 * content, streamed with caps, the header checked before any row; a file without data rows is
 * refused too.
 */
export async function readImportFile(bytes: Uint8Array, target: ImportForm, locale: Locale = "id"): Promise<ReadResult> {
  const read = await readUpload(bytes, target.form, { checkHeader: (header) => headerProblem(header, target, locale), locale });
  if (read.ok && read.file.rows.length === 0) return { ok: false, message: translate(locale, "imports.error.noRows") };
  return read;
}

// ---------------------------------------------------------------------------------------------
// Jobs

/** The account a job runs as: its id and its grants (the session's user, or the CLI's `--as`). */
export type JobUser = Pick<SessionUser, "id" | "grants">;

export interface NewJob {
  user: JobUser;
  target: ImportForm;
  fileName: string;
  format: "csv" | "xlsx";
  bytes: number;
  file: ParsedFile;
  confirmWarnings: boolean;
  ip: string | null;
  /** A backfill (periods past their deadline, the admin's area only) with its reason; docs/decisions/018-backfill.md. */
  backfillReason?: string | null;
}

/** The area a job's rows may lie in: the uploader's import grants, or for a backfill their admin area. */
const jobScope = (user: JobUser, backfill: boolean) => (backfill ? backfillScope(user) : importScope(user)).map((g) => g.orgPath);

/** Creates the job (with its audit row) and queues it in this process (`start: false` leaves it queued, for tests). */
export async function createImportJob(job: NewJob, options: { start?: boolean } = {}): Promise<number> {
  const now = nowIso();
  const scope = jobScope(job.user, Boolean(job.backfillReason));
  const id = await getDb()
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .insertInto("import_job")
        .values({
          user_id: job.user.id,
          package_key: job.target.packageKey,
          form_key: job.target.form.key,
          file_name: job.fileName.slice(0, 255),
          file_format: job.format,
          file_bytes: job.bytes,
          status: "queued",
          confirm_warnings: job.confirmWarnings ? 1 : 0,
          backfill_reason: job.backfillReason ?? null,
          scope_json: JSON.stringify(scope),
          total_rows: job.file.rows.length,
          next_row: 0,
          stored_rows: 0,
          refused_rows: 0,
          error_count: 0,
          warning_count: 0,
          message: null,
          payload: `{"header":${JSON.stringify(job.file.header)},"rows":[${job.file.rows.join(",")}]}`,
          worker: WORKER_ID,
          ip: job.ip,
          heartbeat_at: now,
          created_at: now,
          started_at: null,
          finished_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorUserId: job.user.id,
        action: job.backfillReason ? "import.backfill" : "import.start",
        entityType: "import_job",
        entityId: row.id,
        after: {
          file: job.fileName,
          format: job.format,
          bytes: job.bytes,
          form: job.target.form.key,
          rows: job.file.rows.length,
          confirmWarnings: job.confirmWarnings,
          ...(job.backfillReason ? { reason: job.backfillReason, scope } : {}),
        },
        ip: job.ip,
      });
      return row.id;
    });
  if (options.start !== false) {
    handedOver.set(id, job.file);
    enqueueImportJob(id);
  }
  return id;
}

/** The stored payload back as rows (a resumed job, or one started by another process). */
function fileOfPayload(json: string | null): ParsedFile {
  const payload = JSON.parse(json ?? '{"header":[],"rows":[]}') as { header: string[]; rows: unknown[] };
  return { header: payload.header, rows: payload.rows.map((r) => JSON.stringify(r)) };
}

/**
 * Rows of a job just created in this process, handed to it as they were read so they are not
 * parsed back from the stored payload.
 */
const handedOver = new Map<number, ParsedFile>();

const running = new Map<number, Promise<void>>();
let tail: Promise<unknown> = Promise.resolve();

/** Runs jobs one after another in this process (one import at a time keeps the CPU for users). */
export function enqueueImportJob(id: number): void {
  const p = tail.then(() => processImportJob(id));
  tail = p;
  running.set(id, p);
  void p.finally(() => {
    if (running.get(id) === p) running.delete(id);
  });
}

/** Resolves when the job queued in this process has stopped (tests, CLI). */
export async function importJobSettled(id: number): Promise<void> {
  await running.get(id);
}

/** Stop processing (tests simulate a crash with it). */
export interface ProcessOptions {
  maxChunks?: number;
  chunkRows?: number;
}

class JobLost extends Error {}

/** A row's problem, in both languages (stored as `message` and `message_en`). */
type Problem = { row: number; column: string | null; severity: "error" | "warning"; text: LocalizedText };

/** Errors that refuse one row (a lock) rather than the chunk. */
function rowRefusal(err: unknown): LocalizedText | null {
  if (err instanceof SubmissionLockedError || err instanceof EntryRefusal) return both(err.reason.key, err.reason.params);
  if (err instanceof Error && /Locked|Refusal/.test(err.name)) return { id: err.message, en: err.message };
  return null;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "23505" || /UNIQUE constraint failed/i.test(e?.message ?? "");
}

/**
 * Processes a job from its `next_row` to the end. Never throws: a failure marks the job failed
 * with a message saying which rows were stored.
 */
export async function processImportJob(id: number, options: ProcessOptions = {}): Promise<void> {
  const file = handedOver.get(id);
  handedOver.delete(id);
  const db = getDb();
  const claimed = await db
    .updateTable("import_job")
    .set({ status: "running", heartbeat_at: nowIso(), started_at: nowIso() })
    .where("id", "=", id)
    .where("status", "=", "queued")
    .where("worker", "=", WORKER_ID)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return;
  try {
    await runJob(id, options, file);
  } catch (err) {
    if (err instanceof JobLost) return;
    console.error(`import job ${id} failed`, err);
    const job = await db.selectFrom("import_job").select(["next_row", "stored_rows", "total_rows"]).where("id", "=", id).executeTakeFirst();
    if (!job) return;
    await db
      .updateTable("import_job")
      .set({ status: "failed", message: stoppedMessage("imports.job.failed", job), heartbeat_at: nowIso() })
      .where("id", "=", id)
      .where("worker", "=", WORKER_ID)
      .execute();
  }
}

/** "Rows 2–501 were handled (n stored); the rest was not", for a stopped job. */
function stoppedMessage(key: MessageKey, job: { next_row: number; stored_rows: number; total_rows: number }, locale: Locale = "id"): string {
  const say = (k: MessageKey, vars?: Record<string, string | number>) => translate(locale, k, vars);
  const done = job.next_row === 0 ? say("imports.job.noneDone") : say("imports.job.someDone", { count: job.next_row, stored: job.stored_rows });
  return `${say(key)} ${done} ${say("imports.job.resumeHint", { remaining: job.total_rows - job.next_row })}`;
}

/**
 * Why a stopped job stopped, for `reader`: the stored text is Indonesian (the CLI prints it), so a
 * failed or interrupted job's message is said again from its counts, which stay as they were
 * until the job is resumed (a resume clears the message).
 */
export function jobMessage(
  job: { status: ImportJobStatus; message: string | null; next_row: number; stored_rows: number; total_rows: number },
  reader: Reader,
): string | null {
  if (job.message === null) return null;
  if (job.status === "failed") return stoppedMessage("imports.job.failed", job, localeOf(reader));
  if (job.status === "interrupted") return stoppedMessage("imports.job.interrupted", job, localeOf(reader));
  return job.message;
}

async function runJob(id: number, options: ProcessOptions, handed: ParsedFile | undefined): Promise<void> {
  const db = getDb();
  const job = await db.selectFrom("import_job").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  // Rows stay JSON texts while the job runs; a chunk parses its own (see ParsedFile).
  const file = handed ?? fileOfPayload(job.payload);
  const spec: RunSpec = {
    packageKey: job.package_key,
    formKey: job.form_key,
    scope: JSON.parse(job.scope_json) as string[],
    backfillReason: job.backfill_reason,
    confirmWarnings: job.confirm_warnings === 1,
    actorUserId: job.user_id,
    ip: job.ip,
    importJobId: id,
  };
  const sink: RunSink = {
    async commitChunk(trx, problems, counts) {
      await insertProblems(trx, id, problems);
      const updated = await trx
        .updateTable("import_job")
        .set({
          next_row: counts.next,
          stored_rows: counts.stored,
          refused_rows: counts.refused,
          error_count: counts.errors,
          warning_count: counts.warnings,
          heartbeat_at: nowIso(),
        })
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("worker", "=", WORKER_ID)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new JobLost();
    },
    async afterChunk() {
      // Jobs waiting behind this one in the queue are alive too.
      await db.updateTable("import_job").set({ heartbeat_at: nowIso() }).where("worker", "=", WORKER_ID).where("status", "=", "queued").execute();
    },
  };
  const start = { next: job.next_row, stored: job.stored_rows, refused: job.refused_rows, errors: job.error_count, warnings: job.warning_count };
  const counts = await runRows(spec, file, start, sink, options);
  if (!counts) return;
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("import_job")
      .set({ status: "done", payload: null, finished_at: nowIso(), heartbeat_at: nowIso(), message: null })
      .where("id", "=", id)
      .where("status", "=", "running")
      .where("worker", "=", WORKER_ID)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new JobLost();
    await writeAudit(trx, {
      actorUserId: job.user_id,
      action: "import.finish",
      entityType: "import_job",
      entityId: id,
      after: {
        file: job.file_name,
        form: job.form_key,
        rows: job.total_rows,
        stored: counts.stored,
        refused: counts.refused,
        errors: counts.errors,
        warnings: counts.warnings,
      },
      ip: job.ip,
    });
  });
}

/** What a run of rows works with: a job's settings, or those of a CLI run on no account's behalf. */
interface RunSpec {
  packageKey: string;
  formKey: string;
  /** Org-unit paths the rows may lie in; null: anywhere (a CLI run on no account's behalf). */
  scope: readonly string[] | null;
  backfillReason: string | null;
  confirmWarnings: boolean;
  actorUserId: number | null;
  ip: string | null;
  /** The job the run belongs to (recorded on each stored version and audit row). */
  importJobId?: number;
}

/** A run's progress: data rows handled, reports stored, rows refused, problems found. */
interface RunCounts {
  next: number;
  stored: number;
  refused: number;
  errors: number;
  warnings: number;
}

/** Where a run records what each chunk did. */
interface RunSink {
  /** In the chunk's transaction: the chunk's problems to keep (by row, within MAX_STORED_PROBLEMS) and the counts after it. */
  commitChunk(trx: DbOrTrx, problems: Problem[], counts: RunCounts): Promise<void>;
  /** After each chunk has committed. */
  afterChunk?(): Promise<void>;
}

/**
 * Runs the rows of a file from `start.next` to the end in chunks: every row checked (`checkRow`),
 * the valid ones stored (`storeChunk`), each chunk's reports, problems and progress in one
 * transaction. Returns the final counts, or null when `options.maxChunks` stopped it early.
 */
async function runRows(spec: RunSpec, file: ParsedFile, start: RunCounts, sink: RunSink, options: ProcessOptions = {}): Promise<RunCounts | null> {
  const db = getDb();
  const header = file.header;
  const unitCol = header.indexOf("org_unit");
  const periodCol = header.indexOf("period");
  const ctx = new SubmissionContext(spec.packageKey);
  const unitCodes = new Set<string>();
  // One row per unit and period: later rows with the same pair are refused (deterministic on resume).
  const firstRow = new Map<string, number>();
  for (const text of file.rows) {
    const r = parseRow(text);
    const unit = String(r.cells[unitCol] ?? "").trim();
    unitCodes.add(unit);
    const key = `${unit}|${String(r.cells[periodCol] ?? "").trim()}`;
    if (!firstRow.has(key)) firstRow.set(key, r.row);
  }
  await ctx.preloadUnits([...unitCodes]);
  const yearlyCache = new Map<string, Record<string, unknown>>();
  const lockCache = new LockCache(spec.backfillReason === null ? null : { reason: spec.backfillReason, paths: spec.scope ?? [] });
  const family = new Set((await formFamilyColumns(spec.packageKey, spec.formKey)).map((c) => c.key));
  // Validation and SQL building make ~100 KB of short-lived garbage per row; collected as it goes.
  const heap = new HeapBudget(64 * 1024 * 1024);
  let counts = { ...start };
  let chunks = 0;
  /** The checks of the rows from `from` on, one chunk (reads only: what is stored is judged again in its transaction). */
  const checkChunk = async (from: number) => {
    const slice = file.rows.slice(from, from + (options.chunkRows ?? CHUNK_ROWS)).map(parseRow);
    const problems: Problem[] = [];
    const refusedRows = new Set<number>();
    const ready: Array<{ row: number; prepared: PreparedSubmission; warnings: Problem[] }> = [];
    for (const [i, raw] of slice.entries()) {
      // A turn of the event loop now and then: the store of the chunk before runs between them.
      if (i % CHECK_SLICE_ROWS === CHECK_SLICE_ROWS - 1) await new Promise((resolve) => setImmediate(resolve));
      const rowNo = raw.row;
      const cells = raw.cells;
      const rowProblems = await checkRow({
        rowNo,
        cells,
        header,
        unitCol,
        periodCol,
        ctx,
        scope: spec.scope,
        firstRow,
        family,
        formKey: spec.formKey,
        packageKey: spec.packageKey,
        yearlyCache,
        lockCache,
        confirmWarnings: spec.confirmWarnings,
      });
      if ("problems" in rowProblems) {
        problems.push(...rowProblems.problems);
        refusedRows.add(rowNo);
      } else ready.push({ row: rowNo, prepared: rowProblems.prepared, warnings: rowProblems.warnings });
    }
    return { next: from + slice.length, problems, refusedRows, ready };
  };
  const mayRun = (chunk: number) => options.maxChunks === undefined || chunk < options.maxChunks;
  let checking = counts.next < file.rows.length && mayRun(0) ? checkChunk(counts.next) : null;
  while (counts.next < file.rows.length) {
    if (!checking) return null;
    const { next, problems, refusedRows, ready } = await checking;
    // The next chunk is checked while this one is stored: on two cores the checks (JavaScript)
    // overlap the database's work (node-sqlite3's thread, or the PostgreSQL server).
    checking = next < file.rows.length && mayRun(chunks + 1) ? checkChunk(next) : null;
    // Reported when awaited; a job that stops first leaves it unread.
    checking?.catch(() => undefined);
    const excluded = new Map<number, LocalizedText>();
    for (let attempt = 0; ; attempt++) {
      let current = -1;
      try {
        counts = await db.transaction().execute(async (trx) => {
          const n = await storeChunk(
            trx,
            ready.filter((r) => !excluded.has(r.row)),
            { actorUserId: spec.actorUserId, ip: spec.ip, lockCache, importJobId: spec.importJobId },
            (row) => (current = row),
          );
          current = -1;
          const chunkProblems = [
            ...problems,
            ...[...excluded].map(([row, text]) => ({ row, column: null, severity: "error" as const, text })),
            ...ready.filter((r) => !excluded.has(r.row)).flatMap((r) => r.warnings),
          ].sort((a, b) => a.row - b.row);
          const room = Math.max(0, MAX_STORED_PROBLEMS - counts.errors - counts.warnings);
          const errorsAdded = chunkProblems.filter((p) => p.severity === "error").length;
          const warningsAdded = chunkProblems.length - errorsAdded;
          const after: RunCounts = {
            next,
            stored: counts.stored + n,
            refused: counts.refused + refusedRows.size + excluded.size,
            errors: counts.errors + errorsAdded,
            warnings: counts.warnings + warningsAdded,
          };
          await sink.commitChunk(trx, chunkProblems.slice(0, room), after);
          return after;
        });
        break;
      } catch (err) {
        const refusal = rowRefusal(err);
        if (refusal && current !== -1) {
          excluded.set(current, refusal);
          continue;
        }
        // Another writer created one of these reports meanwhile: the retry updates it instead.
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
    }
    chunks++;
    heap.check();
    await sink.afterChunk?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return counts;
}

/**
 * Stores one chunk's valid rows in the caller's transaction through `storeSubmissions`, the one
 * store path (approved and deadline locks inside the transaction, revision and history row, facts,
 * audit row per report) with multi-row inserts. `onRow` names the row being checked so a lock
 * refusal can be pinned on it.
 */
async function storeChunk(
  trx: DbOrTrx,
  items: Array<{ row: number; prepared: PreparedSubmission }>,
  options: { actorUserId: number | null; ip: string | null; lockCache: LockCache; importJobId?: number },
  onRow: (row: number) => void,
): Promise<number> {
  if (items.length === 0) return 0;
  await storeSubmissions(
    trx,
    items.map((i) => i.prepared),
    {
      status: "submitted",
      actorUserId: options.actorUserId,
      ip: options.ip,
      auditAction: "submission.import",
      lockCache: options.lockCache,
      importJobId: options.importJobId,
      now: clock.now(),
    },
    (index) => onRow(index < 0 ? -1 : items[index].row),
  );
  return items.length;
}

async function insertProblems(trx: DbOrTrx, jobId: number, problems: Problem[]): Promise<void> {
  for (let i = 0; i < problems.length; i += 500) {
    await trx
      .insertInto("import_job_error")
      .values(
        problems.slice(i, i + 500).map((p) => ({
          job_id: jobId,
          row_number: p.row,
          column_key: p.column,
          severity: p.severity,
          message: p.text.id.slice(0, 2000),
          message_en: p.text.en.slice(0, 2000),
        })),
      )
      .execute();
  }
}

interface RowInput {
  rowNo: number;
  cells: string[];
  header: string[];
  unitCol: number;
  periodCol: number;
  ctx: SubmissionContext;
  scope: readonly string[] | null;
  firstRow: Map<string, number>;
  family: Set<string>;
  formKey: string;
  packageKey: string;
  yearlyCache: Map<string, Record<string, unknown>>;
  lockCache: LockCache;
  confirmWarnings: boolean;
}

/** One row: scope, duplicates, cell types, then the web form's own validation. */
async function checkRow(input: RowInput): Promise<{ problems: Problem[] } | { prepared: PreparedSubmission; warnings: Problem[] }> {
  const { rowNo, cells, header } = input;
  const err = (column: string | null, text: LocalizedText): Problem => ({ row: rowNo, column, severity: "error", text });
  const unitCode = (cells[input.unitCol] ?? "").trim();
  const period = (cells[input.periodCol] ?? "").trim();
  if (!unitCode) return { problems: [err("org_unit", both("imports.row.noUnit"))] };
  if (!period) return { problems: [err("period", both("imports.row.noPeriod"))] };
  const unit = await input.ctx.unit(unitCode);
  // Scope first: a row outside the uploader's area learns nothing about that unit's form.
  if (unit && input.scope && !inScope(input.scope, unit))
    return { problems: [err("org_unit", both("imports.row.outOfScope", { unit: `${unit.name} (${unit.code})` }))] };
  const first = input.firstRow.get(`${unitCode}|${period}`);
  if (first !== undefined && first !== rowNo) return { problems: [err(null, both("imports.row.duplicate", { unit: unitCode, period, row: first }))] };
  const effective: EffectivePackage | undefined = unit ? await input.ctx.packageFor(unit) : undefined;
  const form = effective?.package.forms.find((f) => f.key === input.formKey);
  const problems: Problem[] = [];
  // A value under no column heading would be silently lost: say so instead.
  for (let c = 0; c < cells.length; c++) {
    if ((header[c] ?? "") === "" && (cells[c] ?? "").trim() !== "")
      problems.push(err(null, both("imports.row.unnamedColumn", { column: c + 1, value: cells[c].trim().slice(0, 40) })));
  }
  if (problems.length) return { problems };
  const data: Record<string, unknown> = Object.create(null);
  if (unit && form && effective) {
    const fields = new Map<string, Field>(fieldsOf(form).map((f) => [f.key, f]));
    const hidden = new Set(effective.hidden.filter((h) => h.form === form.key).map((h) => h.field));
    for (let c = 0; c < header.length; c++) {
      const key = header[c];
      if (c === input.unitCol || c === input.periodCol || !input.family.has(key)) continue;
      const raw = cells[c] ?? "";
      const field = fields.get(key);
      if (!field || hidden.has(key)) {
        if (raw.trim() !== "")
          problems.push(err(key, both(hidden.has(key) ? "imports.row.hiddenField" : "imports.row.notInForm", { column: key, unit: unit.name })));
        continue;
      }
      if (field.calculate) continue;
      const parsed = parseCell(field, raw);
      if ("error" in parsed) problems.push(err(key, both(parsed.error.key, parsed.error.params)));
      else if (parsed.value !== undefined) Object.defineProperty(data, key, { value: parsed.value, enumerable: true, writable: true, configurable: true });
    }
    if (problems.length) return { problems };
  }
  let yearly: Record<string, unknown> | undefined;
  if (unit && effective && form && /^\d{4}/.test(period)) {
    const year = Number(period.slice(0, 4));
    const cacheKey = `${unit.id}:${effective.base.id}:${year}`;
    yearly = input.yearlyCache.get(cacheKey);
    if (!yearly) {
      const yearlyForms = effective.package.forms.filter((f) => f.periodType === "year" && f.key !== form.key).map((f) => f.key);
      yearly = await yearlyValues(getDb(), unit.id, input.packageKey, yearlyForms, year);
      input.yearlyCache.set(cacheKey, yearly);
    }
  }
  const result = await prepareSubmission(input.ctx, { unitCode, formKey: input.formKey, period, data, yearly });
  if (!result.ok) return { problems: result.problems.map((p) => err(p.column ?? null, p.text)) };
  // Past the deadline and not unlocked: said per row here; storeSubmission checks again when storing.
  const s = result.submission;
  const locked = await deadlineLockMessage(
    getDb(),
    {
      unit: s.unit,
      packageKey: s.effective.base.key,
      formKey: s.form.key,
      periodType: s.form.periodType,
      period: s.period,
      formTitle: bilingual(s.form.title),
    },
    clock.now(),
    input.lockCache,
  );
  if (locked) return { problems: [err("period", both(locked.key, locked.params))] };
  const warnings = result.submission.warnings.filter((w) => w.severity === "warning");
  const hint = both("imports.row.confirmHint");
  if (warnings.length && !input.confirmWarnings) {
    return { problems: warnings.map((w) => err(null, { id: `${w.message} ${hint.id}`, en: `${w.messageEn} ${hint.en}` })) };
  }
  return {
    prepared: result.submission,
    warnings: warnings.map((w) => ({ row: rowNo, column: null, severity: "warning" as const, text: { id: w.message, en: w.messageEn } })),
  };
}

// ---------------------------------------------------------------------------------------------
// An import run to its end in this process (the CLI)

/** What an import run to its end did. */
export interface ImportOutcome {
  /** Its job; null for a run on no account's behalf. */
  jobId: number | null;
  status: ImportJobStatus;
  /** Why a job stopped (status failed), or null. */
  message: string | null;
  rows: number;
  stored: number;
  refused: number;
  errors: number;
  warnings: number;
  /** The problems kept (up to MAX_STORED_PROBLEMS; the counts stay exact), by row. */
  problems: Problem[];
}

/**
 * Imports a file read with `readImportFile` and returns when it is done. With an account this is
 * a job exactly like an upload (created and audited, queued in this process and awaited), so it
 * shows in the account's job list and its reports name it; without one (the CLI run by whoever
 * has the server's shell, attributed to nobody) the same rows go through the same checks and
 * stores, anywhere, with no job row.
 */
export async function importNow(input: Omit<NewJob, "user"> & { user: JobUser | null }): Promise<ImportOutcome> {
  const { user } = input;
  if (user) {
    const id = await createImportJob({ ...input, user });
    await importJobSettled(id);
    const job = await getDb().selectFrom("import_job").select(JOB_COLUMNS).where("id", "=", id).executeTakeFirstOrThrow();
    const problems = await allJobProblems(id);
    return {
      jobId: id,
      status: job.status,
      message: job.message,
      rows: job.total_rows,
      stored: job.stored_rows,
      refused: job.refused_rows,
      errors: job.error_count,
      warnings: job.warning_count,
      problems: problems.map((p) => ({ row: p.row_number, column: p.column_key, severity: p.severity, text: storedText(p) })),
    };
  }
  // A backfill is an admin's, in their area: it has an account.
  if (input.backfillReason) throw new Error("a backfill runs as an account");
  const problems: Problem[] = [];
  const spec: RunSpec = {
    packageKey: input.target.packageKey,
    formKey: input.target.form.key,
    scope: null,
    backfillReason: null,
    confirmWarnings: input.confirmWarnings,
    actorUserId: null,
    ip: input.ip,
  };
  const zero = { next: 0, stored: 0, refused: 0, errors: 0, warnings: 0 };
  const { stored, refused, errors, warnings } = (await runRows(spec, input.file, zero, { commitChunk: async (_trx, chunk) => void problems.push(...chunk) }))!;
  return { jobId: null, status: "done", message: null, rows: input.file.rows.length, stored, refused, errors, warnings, problems };
}

// ---------------------------------------------------------------------------------------------
// Reading jobs back

/** A job that claims to run but whose worker is gone (heartbeat stale, not held here) is marked interrupted. */
async function markIfStale(
  job: { id: number; status: ImportJobStatus; heartbeat_at: string; worker: string | null; next_row: number; stored_rows: number; total_rows: number },
  now = clock.ms(),
) {
  if (job.status !== "running" && job.status !== "queued") return job.status;
  const heldHere = job.worker === WORKER_ID && running.has(job.id);
  if (heldHere || now - Date.parse(job.heartbeat_at) < STALE_AFTER_MS) return job.status;
  const r = await getDb()
    .updateTable("import_job")
    .set({ status: "interrupted", message: stoppedMessage("imports.job.interrupted", job) })
    .where("id", "=", job.id)
    .where("status", "=", job.status)
    .where("heartbeat_at", "=", job.heartbeat_at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? "interrupted" : job.status;
}

const JOB_COLUMNS = [
  "id",
  "user_id",
  "package_key",
  "form_key",
  "file_name",
  "file_format",
  "file_bytes",
  "status",
  "confirm_warnings",
  "total_rows",
  "next_row",
  "stored_rows",
  "refused_rows",
  "error_count",
  "warning_count",
  "message",
  "worker",
  "heartbeat_at",
  "created_at",
  "started_at",
  "finished_at",
  "backfill_reason",
] as const;

/** The user's own job (404 for anyone else's), stale state resolved. */
export async function loadJob(userId: number, id: number) {
  const db = getDb();
  let job = await db.selectFrom("import_job").select(JOB_COLUMNS).where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
  if (!job) return undefined;
  const status = await markIfStale(job);
  if (status !== job.status) job = await db.selectFrom("import_job").select(JOB_COLUMNS).where("id", "=", id).executeTakeFirstOrThrow();
  const resumable =
    (job.status === "interrupted" || job.status === "failed") &&
    (await db.selectFrom("import_job").select("id").where("id", "=", id).where("payload", "is not", null).executeTakeFirst()) !== undefined;
  return { ...job, resumable };
}

/** The user's recent jobs, newest first. */
export async function listJobs(userId: number, limit = 20) {
  const jobs = await getDb().selectFrom("import_job").select(JOB_COLUMNS).where("user_id", "=", userId).orderBy("id", "desc").limit(limit).execute();
  for (const j of jobs) j.status = await markIfStale(j);
  return jobs;
}

/** One page of a job's problems, by row (the page is clamped to the pages there are). */
export async function jobProblems(jobId: number, requestedPage: number, reader: Reader) {
  const total = await getDb()
    .selectFrom("import_job_error")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("job_id", "=", jobId)
    .executeTakeFirst();
  const stored = Number(total?.n ?? 0);
  const pages = Math.max(1, Math.ceil(stored / ERRORS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pages);
  const rows = await getDb()
    .selectFrom("import_job_error")
    .select(["row_number", "column_key", "severity", "message", "message_en"])
    .where("job_id", "=", jobId)
    .orderBy("row_number")
    .orderBy("id")
    .limit(ERRORS_PAGE_SIZE)
    .offset((page - 1) * ERRORS_PAGE_SIZE)
    .execute();
  const locale = localeOf(reader);
  return {
    rows: rows.map((r) => ({ row_number: r.row_number, column_key: r.column_key, severity: r.severity, message: storedText(r)[locale] })),
    stored,
    page,
    pages,
  };
}

/** A stored problem's text in both languages (rows stored before English was kept are Indonesian). */
function storedText(p: { message: string; message_en: string | null }): LocalizedText {
  return { id: p.message, en: p.message_en ?? p.message };
}

/** Every stored problem of a job, in row order. */
function allJobProblems(jobId: number) {
  return getDb()
    .selectFrom("import_job_error")
    .select(["row_number", "column_key", "severity", "message", "message_en"])
    .where("job_id", "=", jobId)
    .orderBy("row_number")
    .orderBy("id")
    .execute();
}

/** All stored problems of a job as CSV (for fixing the file in Excel), in the reader's language. */
export async function jobProblemsCsv(jobId: number, reader: Reader): Promise<string> {
  const rows = await allJobProblems(jobId);
  const locale = localeOf(reader);
  const say = (key: MessageKey) => translate(locale, key);
  const kind = { error: say("imports.problems.error"), warning: say("imports.problems.warning") };
  return csvText(
    [
      [say("imports.problems.row"), say("imports.problems.column"), say("imports.problems.kind"), say("imports.problems.message")],
      ...rows.map((r) => [r.row_number, r.column_key, kind[r.severity], storedText(r)[locale]]),
    ],
    { bom: true },
  );
}

/** Resumes an interrupted or failed job of the user from its `next_row`, with the user's current scope. */
export async function resumeJob(user: SessionUser, id: number, ip: string | null): Promise<boolean> {
  const ok = await getDb()
    .transaction()
    .execute(async (trx) => {
      const job = await trx
        .selectFrom("import_job")
        .select(["id", "next_row", "total_rows", "file_name", "backfill_reason"])
        .where("id", "=", id)
        .where("user_id", "=", user.id)
        .where("status", "in", ["interrupted", "failed"])
        .where("payload", "is not", null)
        .executeTakeFirst();
      if (!job) return false;
      const scope = jobScope(user, job.backfill_reason !== null);
      await trx
        .updateTable("import_job")
        .set({ status: "queued", worker: WORKER_ID, heartbeat_at: nowIso(), message: null, scope_json: JSON.stringify(scope) })
        .where("id", "=", id)
        .execute();
      await writeAudit(trx, {
        actorUserId: user.id,
        action: "import.resume",
        entityType: "import_job",
        entityId: id,
        after: { file: job.file_name, fromRow: job.next_row, rows: job.total_rows },
        ip,
      });
      return true;
    });
  if (ok) enqueueImportJob(id);
  return ok;
}
