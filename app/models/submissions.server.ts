/**
 * Submissions: validated like a web submission wherever they come from (web, CSV import,
 * demo), stored with their JSON document and package version, and — while they count
 * (submitted/approved) — their numeric values as rows for indexed GROUP BY (submission_value).
 */
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
} from "@engine/server";
import { CompiledQuery, PostgresAdapter } from "kysely";
import { auditRow, type DbOrTrx } from "~/auth/audit.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit, SubmissionStatus } from "~/db/schema";
import { deadlineCheck, LockCache } from "./locks.server";
import { notExpectedProblem } from "./village-entry.server";
import { revisionRow } from "./submission-history.server";
import { beforeEffectiveProblem, effectivePackage, type EffectivePackage } from "./templates.server";
import { clock } from "~/utils/clock.server";
import type { Locale } from "~/i18n/catalog";
import { bilingual, both, message, periodDetail, render, type LocalizedText, type Message } from "~/i18n/message";

export const COUNTED: readonly SubmissionStatus[] = ["submitted", "approved"];
/** The history and audit action of a report a backfill stored after its deadline (docs/decisions/018-backfill.md). */
export const LATE_ENTRY_ACTION = "submission.late_entry";

/**
 * Province, district and Puskesmas ids of a unit, from its materialised path
 * (/national/province/district/puskesmas/…): a Puskesmas is its own Puskesmas, a Pustu's or
 * Posyandu's is its ancestor; null above Puskesmas level.
 */
export function ancestorIds(unit: Pick<OrgUnit, "path">): { provinceId: number | null; districtId: number | null; puskesmasId: number | null } {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  return { provinceId: ids[1] ?? null, districtId: ids[2] ?? null, puskesmasId: ids[3] ?? null };
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

/** "per bulan"/"per month": the reporting rhythm of a period type, as a message param. */
export const PERIOD_TYPE_WORD: Record<Form["periodType"], LocalizedText> = {
  month: { id: "bulan", en: "month" },
  quarter: { id: "triwulan", en: "quarter" },
  year: { id: "tahun", en: "year" },
};

/** An example period of each type, for messages. */
export const PERIOD_EXAMPLE: Record<Form["periodType"], string> = { month: "2025-03", quarter: "2025-Q1", year: "2025" };

/** Checks a period string against a form; returns a catalogue message or null. */
export function periodProblem(form: Form, period: string, now = clock.now()): Message | null {
  let p;
  try {
    p = parsePeriod(period);
  } catch (err) {
    return message("entry.period.unreadable", { detail: err instanceof PeriodError ? periodDetail(err) : both("entry.period.invalid", { period }) });
  }
  if (p.type !== form.periodType) {
    return message("entry.period.wrongType", { per: PERIOD_TYPE_WORD[form.periodType], example: PERIOD_EXAMPLE[form.periodType], period });
  }
  // A period may be reported once it has begun: yearly sasaran are entered at the start of the year.
  if (periodWindow(p).start > currentMonthIndex(now)) return message("entry.period.future", { period });
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

/**
 * Raised when a change would touch a locked report: approved, or past the district's deadline.
 * `message` is Indonesian (import problems and the CLI); `reason` renders for any reader.
 */
export class SubmissionLockedError extends Error {
  readonly reason: Message;
  constructor(unitCode: string, formKey: string, period: string, reason?: Message) {
    const why = reason ?? message("entry.lock.approved", { form: formKey, period, unit: unitCode });
    super(render("id", why));
    this.reason = why;
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
  /** Deadline settings shared by the rows of one batch, and its backfill if it is one. */
  lockCache?: LockCache;
  /** The import job storing this report (recorded on its history version and audit row). */
  importJobId?: number;
  /** The API token storing this report (named on its audit row). */
  apiTokenId?: number;
  /**
   * Only the demo loader passes this: it files the history of a fresh demo database, all of it
   * past its deadline. No user-facing path (web, import, CLI) sets it.
   */
  bypassDeadline?: "demo-seed";
}

/**
 * Stores (inserts or replaces) one prepared submission and its facts in the given transaction,
 * with its audit row. One submission per unit, package, form and period. The one-item case of
 * `storeSubmissions`, so every write path (web, import, CLI, demo) runs the same checks and writes.
 */
export async function storeSubmission(trx: DbOrTrx, s: PreparedSubmission, options: StoreOptions): Promise<number> {
  const [id] = await storeSubmissions(trx, [s], options);
  return id;
}

const keyOf = (unitId: number, packageKey: string, formKey: string, period: string) => `${unitId}|${packageKey}|${formKey}|${period}`;
const keyOfPrepared = (s: PreparedSubmission) => keyOf(s.unit.id, s.effective.base.key, s.form.key, s.period);

/** Rows per multi-row INSERT (bound parameters stay well below SQLite's and PostgreSQL's limits). */
const INSERT_ROWS = 500;
const FACT_ROWS = 2000;
const UPDATE_ROWS = 500;

const onPostgres = (db: DbOrTrx) => db.getExecutor().adapter instanceof PostgresAdapter;

/** `(?, ?, …), (?, ?, …)`: a VALUES list of `rows` rows of `columns` placeholders (SQLite). */
function placeholders(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(", ")})`;
  return new Array(rows).fill(row).join(", ");
}

/** One numeric fact of a stored report: the rest of its row (unit, package, form) is the report's own key. */
interface Fact {
  submissionId: number;
  districtId: number | null;
  provinceId: number | null;
  puskesmasId: number | null;
  year: number;
  monthIndex: number;
  field: string;
  value: number;
}

/**
 * Inserts facts with one statement: the columns of a fact that are its report's unique key (unit,
 * package, form) are read from the report's row, stored just before in the same transaction; the
 * rest is passed as computed for this store (ancestors as `ancestorIds` gives them, so a report
 * updated after its unit moved files its facts under the new district, as before; year and month
 * index of its period). PostgreSQL takes one array per column (`unnest`), so the statement has 8
 * parameters whatever the number of rows.
 */
async function insertFacts(trx: DbOrTrx, facts: readonly Fact[]): Promise<void> {
  const target =
    "insert into submission_value (submission_id, org_unit_id, district_id, province_id, puskesmas_id, package_key, form_key, field_key, year, month_index, value)";
  if (onPostgres(trx)) {
    await trx.executeQuery(
      CompiledQuery.raw(
        `${target} select s.id, s.org_unit_id, v.district_id, v.province_id, v.puskesmas_id, s.package_key, s.form_key, v.field_key, v.year, v.month_index, v.value` +
          " from unnest($1::integer[], $2::integer[], $3::integer[], $4::integer[], $5::text[], $6::float8[], $7::integer[], $8::integer[])" +
          " as v(submission_id, district_id, province_id, puskesmas_id, field_key, value, year, month_index)" +
          " join submission s on s.id = v.submission_id",
        [
          facts.map((f) => f.submissionId),
          facts.map((f) => f.districtId),
          facts.map((f) => f.provinceId),
          facts.map((f) => f.puskesmasId),
          facts.map((f) => f.field),
          facts.map((f) => f.value),
          facts.map((f) => f.year),
          facts.map((f) => f.monthIndex),
        ],
      ),
    );
    return;
  }
  // node-sqlite3 binds each parameter on the JavaScript thread at ~1 µs apiece (12 facts × 8 =
  // 96 per report): the facts with a whole value go as one JSON text instead, read by json_each
  // (integers are exact in JSON; the REAL column stores them as a bound number would be). Other
  // values are bound, so no decimal ever goes through a text conversion.
  // (-0 is bound too: JSON would write it as 0.)
  const inJson = (v: number) => Number.isSafeInteger(v) && !Object.is(v, -0);
  const whole = facts.filter((f) => inJson(f.value));
  const other = whole.length === facts.length ? [] : facts.filter((f) => !inJson(f.value));
  if (whole.length)
    await trx.executeQuery(
      CompiledQuery.raw(
        `${target} select s.id, s.org_unit_id, j.value ->> 1, j.value ->> 2, j.value ->> 3, s.package_key, s.form_key, j.value ->> 4, j.value ->> 6, j.value ->> 7, j.value ->> 5` +
          " from json_each(?) as j join submission s on s.id = j.value ->> 0",
        [JSON.stringify(whole.map((f) => [f.submissionId, f.districtId, f.provinceId, f.puskesmasId, f.field, f.value, f.year, f.monthIndex]))],
      ),
    );
  if (other.length === 0) return;
  const params: unknown[] = [];
  for (const f of other) params.push(f.submissionId, f.districtId, f.provinceId, f.puskesmasId, f.field, f.value, f.year, f.monthIndex);
  await trx.executeQuery(
    CompiledQuery.raw(
      `${target} select s.id, s.org_unit_id, v.column2, v.column3, v.column4, s.package_key, s.form_key, v.column5, v.column7, v.column8, v.column6` +
        ` from (values ${placeholders(other.length, 8)}) as v join submission s on s.id = v.column1`,
      params,
    ),
  );
}

/** The new state of an existing report (see storeSegment). */
interface SubmissionUpdate {
  id: number;
  packageVersion: number;
  overlayId: number | null;
  status: SubmissionStatus;
  data: string;
  revision: number;
  returnNote: string | null;
  updatedAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
  approvedBy: number | null;
  puskesmasId: number | null;
  /** Stored as a late entry now: the report becomes one (and stays one; a later correction does not make it on time). */
  late: boolean;
}

/** Updates several existing reports with one statement (UPDATE … FROM a VALUES list, or from `unnest` arrays on PostgreSQL). */
async function updateSubmissions(trx: DbOrTrx, updates: readonly SubmissionUpdate[]): Promise<void> {
  const columns = (u: SubmissionUpdate) => [
    u.id,
    u.packageVersion,
    u.overlayId,
    u.status,
    u.data,
    u.revision,
    u.returnNote,
    u.updatedAt,
    u.submittedAt,
    u.approvedAt,
    u.approvedBy,
    u.puskesmasId,
    u.late ? 1 : 0,
  ];
  const set = (v: string[], s: string) =>
    `package_version = ${v[1]}, overlay_id = ${v[2]}, status = ${v[3]}, data = ${v[4]}, revision = ${v[5]}, return_note = ${v[6]}, updated_at = ${v[7]}, ` +
    `submitted_at = ${v[8]}, approved_at = ${v[9]}, approved_by = ${v[10]}, puskesmas_id = ${v[11]}, late_entry = case when ${v[12]} = 1 then 1 else ${s}.late_entry end`;
  if (onPostgres(trx)) {
    const names = [
      "id",
      "package_version",
      "overlay_id",
      "status",
      "data",
      "revision",
      "return_note",
      "updated_at",
      "submitted_at",
      "approved_at",
      "approved_by",
      "puskesmas_id",
      "late",
    ];
    const types = ["integer", "integer", "integer", "text", "text", "integer", "text", "text", "text", "text", "integer", "integer", "integer"];
    const rows = updates.map(columns);
    await trx.executeQuery(
      CompiledQuery.raw(
        `update submission as s set ${set(
          names.map((n) => `v.${n}`),
          "s",
        )} from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(", ")}) as v(${names.join(", ")}) where s.id = v.id`,
        types.map((_, i) => rows.map((r) => r[i])),
      ),
    );
    return;
  }
  await trx.executeQuery(
    CompiledQuery.raw(
      `update submission set ${set(
        Array.from({ length: 13 }, (_, i) => `v.column${i + 1}`),
        "submission",
      )} from (values ${placeholders(updates.length, 13)}) as v where submission.id = v.column1`,
      updates.flatMap(columns),
    ),
  );
}

async function insertChunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Stores a batch of prepared submissions in the caller's transaction with multi-row inserts
 * (each node-sqlite3 call costs ~85 µs), doing per item exactly what storing one does: the
 * approved lock (docs/security.md item 19) and the deadline lock, judged inside the transaction (a backfill
 * batch passes the deadline for its admin's area, and such a report is marked a late entry, with
 * the backfill's reason on its history version and audit row); the submission inserted
 * (revision 1) or updated (revision + 1, its facts dropped); a submission_revision history row;
 * its numeric facts while the status counts; an audit row.
 * Any refusal throws (SubmissionLockedError) before anything of its segment is written; `onItem`
 * is told the index being checked (then -1) so a caller can pin a refusal on its row. An item
 * whose report occurs earlier in the same batch is stored after it (as a new revision). Returns
 * the submission ids in input order.
 */
export async function storeSubmissions(
  trx: DbOrTrx,
  items: readonly PreparedSubmission[],
  options: StoreOptions | ((s: PreparedSubmission, index: number) => StoreOptions),
  onItem?: (index: number) => void,
): Promise<number[]> {
  const ids: number[] = new Array(items.length);
  let start = 0;
  while (start < items.length) {
    // A segment holds each report at most once; a repeat starts the next segment.
    const seen = new Set<string>();
    let end = start;
    while (end < items.length && !seen.has(keyOfPrepared(items[end]))) seen.add(keyOfPrepared(items[end++]));
    await storeSegment(trx, items, start, end, options, ids, onItem);
    start = end;
  }
  return ids;
}

type Existing = { id: number; status: SubmissionStatus; revision: number };

async function existingSubmissions(trx: DbOrTrx, items: readonly PreparedSubmission[]): Promise<Map<string, Existing>> {
  const found = new Map<string, Existing>();
  const groups = new Map<string, PreparedSubmission[]>();
  for (const s of items) {
    const g = `${s.effective.base.key}|${s.form.key}`;
    const list = groups.get(g);
    if (list) list.push(s);
    else groups.set(g, [s]);
  }
  for (const group of groups.values()) {
    const packageKey = group[0].effective.base.key;
    const formKey = group[0].form.key;
    const unitIds = [...new Set(group.map((s) => s.unit.id))];
    const periods = [...new Set(group.map((s) => s.period))];
    for (let i = 0; i < unitIds.length; i += 500) {
      const rows = await trx
        .selectFrom("submission")
        .select(["id", "status", "revision", "org_unit_id", "period"])
        .where("package_key", "=", packageKey)
        .where("form_key", "=", formKey)
        .where("org_unit_id", "in", unitIds.slice(i, i + 500))
        .where("period", "in", periods)
        .execute();
      for (const r of rows) found.set(keyOf(r.org_unit_id, packageKey, formKey, r.period), { id: r.id, status: r.status, revision: r.revision });
    }
  }
  return found;
}

async function storeSegment(
  trx: DbOrTrx,
  items: readonly PreparedSubmission[],
  start: number,
  end: number,
  options: StoreOptions | ((s: PreparedSubmission, index: number) => StoreOptions),
  ids: number[],
  onItem?: (index: number) => void,
): Promise<void> {
  const segment = items.slice(start, end);
  const existing = await existingSubmissions(trx, segment);
  const optionsOf: StoreOptions[] = segment.map((s, k) => (typeof options === "function" ? options(s, start + k) : options));
  /** Per item: the deadline a late entry is stored after and the backfill's reason (null: not a late entry). */
  const lateAfter: Array<{ deadline: string; reason: string } | null> = segment.map(() => null);
  // Every check before any write.
  for (let k = 0; k < segment.length; k++) {
    const s = segment[k];
    const o = optionsOf[k];
    onItem?.(start + k);
    const before = existing.get(keyOfPrepared(s));
    // docs/security.md item 19: an approved report changes through no path (web, import, CLI) until unlocked.
    if (before?.status === "approved") throw new SubmissionLockedError(s.unit.code, s.form.key, s.period);
    if (o.bypassDeadline !== "demo-seed") {
      const key = {
        unit: s.unit,
        packageKey: s.effective.base.key,
        formKey: s.form.key,
        periodType: s.form.periodType,
        period: s.period,
        formTitle: bilingual(s.form.title),
      };
      const check = await deadlineCheck(trx, key, o.now ?? clock.now(), o.lockCache);
      if (check.locked) throw new SubmissionLockedError(s.unit.code, s.form.key, s.period, check.locked);
      if (check.lateEntry) lateAfter[k] = { deadline: check.deadline, reason: check.lateEntry.reason };
    }
  }
  onItem?.(-1);
  const now = nowIso();
  const rows = segment.map((s, k) => {
    const o = optionsOf[k];
    const p = parsePeriod(s.period);
    const counted = COUNTED.includes(o.status);
    const late = lateAfter[k];
    return {
      s,
      o,
      late,
      action: late ? LATE_ENTRY_ACTION : (o.auditAction ?? "submission.save"),
      year: p.year,
      endIndex: periodEndIndex(p),
      ...ancestorIds(s.unit),
      before: existing.get(keyOfPrepared(s)),
      document: JSON.stringify(s.data),
      counted,
      submittedAt: o.submittedAt !== undefined ? o.submittedAt : counted ? now : null,
      approvedAt: o.status === "approved" ? now : null,
      approvedBy: o.status === "approved" ? o.actorUserId : null,
      id: 0,
      revision: 1,
    };
  });
  // Reports that exist: updated in place (each its own next revision), their facts dropped.
  const updated = rows.filter((r) => r.before);
  for (const r of updated) {
    r.id = r.before!.id;
    r.revision = r.before!.revision + 1;
  }
  await insertChunked(updated, UPDATE_ROWS, (chunk) =>
    updateSubmissions(
      trx,
      chunk.map((r) => ({
        id: r.id,
        packageVersion: r.s.effective.base.version,
        overlayId: r.s.effective.overlay?.id ?? null,
        status: r.o.status,
        data: r.document,
        revision: r.revision,
        returnNote: r.o.returnNote ?? null,
        updatedAt: now,
        submittedAt: r.submittedAt,
        approvedAt: r.approvedAt,
        approvedBy: r.approvedBy,
        puskesmasId: r.puskesmasId,
        late: r.late !== null,
      })),
    ),
  );
  const updatedIds = updated.map((r) => r.id);
  for (let i = 0; i < updatedIds.length; i += 500)
    await trx
      .deleteFrom("submission_value")
      .where("submission_id", "in", updatedIds.slice(i, i + 500))
      .execute();
  // New reports: multi-row inserts, ids matched back by their unique key.
  const fresh = rows.filter((r) => !r.before);
  await insertChunked(fresh, INSERT_ROWS, async (chunk) => {
    const inserted = await trx
      .insertInto("submission")
      .values(
        chunk.map((r) => ({
          org_unit_id: r.s.unit.id,
          district_id: r.districtId,
          province_id: r.provinceId,
          puskesmas_id: r.puskesmasId,
          package_key: r.s.effective.base.key,
          package_version: r.s.effective.base.version,
          overlay_id: r.s.effective.overlay?.id ?? null,
          form_key: r.s.form.key,
          period: r.s.period,
          year: r.year,
          month_index: r.endIndex,
          status: r.o.status,
          data: r.document,
          revision: 1,
          idempotency_key: null,
          return_note: r.o.returnNote ?? null,
          created_by: r.o.actorUserId,
          created_at: now,
          updated_at: now,
          submitted_at: r.submittedAt,
          approved_at: r.approvedAt,
          approved_by: r.approvedBy,
          late_entry: r.late ? 1 : 0,
        })),
      )
      .returning(["id", "org_unit_id", "package_key", "form_key", "period"])
      .execute();
    const idOf = new Map(inserted.map((x) => [keyOf(x.org_unit_id, x.package_key, x.form_key, x.period), x.id]));
    for (const r of chunk) {
      const id = idOf.get(keyOfPrepared(r.s));
      if (id === undefined) throw new Error(`submission ${keyOfPrepared(r.s)} not returned by its insert`);
      r.id = id;
    }
  });
  rows.forEach((r, k) => (ids[start + k] = r.id));
  // The history row of every stored version (see submission-history.server.ts).
  await insertChunked(rows, INSERT_ROWS, (chunk) =>
    trx
      .insertInto("submission_revision")
      .values(
        chunk.map((r) =>
          revisionRow({
            submissionId: r.id,
            revision: r.revision,
            action: r.action,
            status: r.o.status,
            data: r.document,
            packageKey: r.s.effective.base.key,
            packageVersion: r.s.effective.base.version,
            overlayId: r.s.effective.overlay?.id ?? null,
            returnNote: r.o.returnNote ?? null,
            actorUserId: r.o.actorUserId,
            at: now,
            lateEntryReason: r.late?.reason ?? null,
            importJobId: r.o.importJobId ?? null,
          }),
        ),
      )
      .execute(),
  );
  // Numeric facts, only while the status counts.
  const facts: Fact[] = [];
  for (const r of rows) {
    if (!r.counted) continue;
    for (const f of numericFacts(r.s.form, r.s.data))
      facts.push({
        submissionId: r.id,
        districtId: r.districtId,
        provinceId: r.provinceId,
        puskesmasId: r.puskesmasId,
        year: r.year,
        monthIndex: r.endIndex,
        field: f.field,
        value: f.value,
      });
  }
  await insertChunked(facts, FACT_ROWS, (chunk) => insertFacts(trx, chunk));
  // One audit row per report (docs/security.md item 18).
  await insertChunked(rows, INSERT_ROWS, (chunk) =>
    trx
      .insertInto("audit_log")
      .values(
        chunk.map((r) =>
          auditRow(
            {
              actorUserId: r.o.actorUserId,
              action: r.action,
              entityType: "submission",
              entityId: r.id,
              orgUnitId: r.s.unit.id,
              before: r.before ? { status: r.before.status, revision: r.before.revision } : undefined,
              after: {
                form: r.s.form.key,
                period: r.s.period,
                status: r.o.status,
                revision: r.revision,
                ...(r.o.importJobId !== undefined ? { importJob: r.o.importJobId } : {}),
                ...(r.late ? { lateEntry: true, deadline: r.late.deadline, reason: r.late.reason } : {}),
              },
              ip: r.o.ip ?? null,
              apiTokenId: r.o.apiTokenId,
            },
            now,
          ),
        ),
      )
      .execute(),
  );
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

  private readonly expected = new Map<string, Promise<Message | null>>();

  /** Why `unit` may not report `form` for `period` (null: it is expected), once per unit, form and period of a batch. */
  notExpected(unit: OrgUnit, form: Form, period: string): Promise<Message | null> {
    const key = `${unit.id}|${form.key}|${period}`;
    let found = this.expected.get(key);
    if (!found) this.expected.set(key, (found = notExpectedProblem(this.db, unit, form, period)));
    return found;
  }

  async packageFor(unit: OrgUnit): Promise<EffectivePackage | undefined> {
    const { districtId } = ancestorIds(unit);
    const key = districtId ?? 0;
    if (!this.effective.has(key)) this.effective.set(key, await effectivePackage(this.packageKey, districtId, this.db));
    return this.effective.get(key);
  }
}

/**
 * One problem of a submission. `column` is the field (or `period`, `org_unit`) a schema problem
 * belongs to; a broken rule has no column but lists in `fields` the fields it reads. `message` is
 * in the requested locale.
 */
export interface SubmissionProblem {
  column?: string;
  message: string;
  fields?: string[];
  severity?: "error" | "warning";
}

/**
 * A problem `prepareSubmission` found: also `text`, in Indonesian and English when prepared in
 * Indonesian, as import jobs do (they keep both); prepared in English, both are English.
 */
export interface PrepareProblem extends SubmissionProblem {
  text: LocalizedText;
}

export type PrepareResult = { ok: true; submission: PreparedSubmission } | { ok: false; problems: PrepareProblem[] };

/**
 * Validates one submission for `unitCode` exactly as the web form does: unit and period,
 * the form of the district's effective package, Ajv per field, show-if and calculations, then
 * validation rules (errors block, warnings are returned). Problems and warnings are in `input.locale`
 * (Bahasa Indonesia by default, as import jobs store them).
 */
export async function prepareSubmission(
  ctx: SubmissionContext,
  input: {
    unitCode: string;
    formKey: string;
    period: string;
    data: unknown;
    yearly?: Record<string, unknown>;
    locale?: Locale;
    /**
     * Every problem at once (the fill page): the rules run on what can be read even when fields
     * fail, and warnings come back with the errors (`severity: "warning"`). Imports keep the
     * default: a row's field problems first, its rules once the fields are right.
     */
    allProblems?: boolean;
  },
  now = clock.now(),
): Promise<PrepareResult> {
  const locale = input.locale ?? "id";
  const problem = (text: LocalizedText, column?: string): PrepareProblem => ({ column, message: text[locale], text });
  const refuse = (text: LocalizedText, column?: string): PrepareResult => ({ ok: false, problems: [problem(text, column)] });
  const unit = await ctx.unit(input.unitCode);
  if (!unit) return refuse(both("entry.prepare.unitNotFound", { code: input.unitCode }), "org_unit");
  // Reports come from Puskesmas, Pustu and Posyandu (docs/decisions/035-village-reporting.md).
  if (unit.level !== "puskesmas" && unit.level !== "pustu" && unit.level !== "posyandu")
    return refuse(both("village.refuse.entryLevel", { unit: unit.name, code: unit.code, level: both(`level.${unit.level}`) }), "org_unit");
  const effective = await ctx.packageFor(unit);
  if (!effective) return refuse(both("entry.prepare.packageNotPublished", { package: ctx.packageKey }));
  const form = effective.package.forms.find((f) => f.key === input.formKey);
  if (!form) return refuse(both("entry.prepare.formNotInPackage", { form: input.formKey, package: ctx.packageKey }));
  const periodMessage = periodProblem(form, input.period, now) ?? beforeEffectiveProblem(effective, form.key, input.period);
  if (periodMessage) return refuse(both(periodMessage.key, periodMessage.params), "period");
  // Only a unit expected to report the form for the period: one of its levels, a member of its groups then.
  const notExpected = await ctx.notExpected(unit, form, input.period);
  if (notExpected) return refuse(both(notExpected.key, notExpected.params), "org_unit");
  const result = validateSubmission(form, input.data, {
    formVersion: `${effective.base.id}:${effective.overlay?.id ?? 0}`,
    hiddenFields: effective.hidden.filter((h) => h.form === form.key).map((h) => h.field),
    locale,
  });
  const fieldProblems: PrepareProblem[] = result.errors.map((e) => problem(textOf(e, locale), e.field || undefined));
  if (!result.ok && (!input.allProblems || result.errors.some((e) => !e.field))) return { ok: false, problems: fieldProblems };
  const yearlyForms = effective.package.forms.filter((f) => f.periodType === "year" && f.key !== form.key).map((f) => f.key);
  const yearly = input.yearly ?? (await yearlyValues(getDb(), unit.id, ctx.packageKey, yearlyForms, parsePeriod(input.period).year));
  // What failed its own check is not read by the rules: they would only repeat the problem.
  const failed = new Set(result.errors.map((e) => e.field));
  const readable = Object.fromEntries(Object.entries(result.data).filter(([k]) => !failed.has(k)));
  const violations = checkRules(effective.package, form.key, readable, yearly, locale);
  const errors = violations.filter((v) => v.severity === "error");
  const ruleProblem = (v: RuleViolation): PrepareProblem => ({ ...problem(textOf(v, locale)), fields: v.fields, severity: v.severity });
  if (input.allProblems && (!result.ok || errors.length > 0)) {
    return { ok: false, problems: [...fieldProblems, ...errors.map(ruleProblem), ...violations.filter((v) => v.severity === "warning").map(ruleProblem)] };
  }
  if (errors.length > 0) return { ok: false, problems: errors.map(ruleProblem) };
  return { ok: true, submission: { unit, effective, form, period: input.period, data: result.data, warnings: violations } };
}

/** An engine message's texts: the requested locale's and the English one (see `PrepareProblem`). */
function textOf(m: { message: string; messageEn: string }, locale: Locale): LocalizedText {
  return locale === "en" ? { id: m.messageEn, en: m.messageEn } : { id: m.message, en: m.messageEn };
}

const TRUE_WORDS = new Set(["ya", "y", "true", "1", "benar", "yes"]);
const FALSE_WORDS = new Set(["tidak", "t", "false", "0", "salah", "no"]);

/** Turns one CSV cell into the field's value type; returns a message when it cannot. */
export function parseCell(field: Field, raw: string): { value: unknown } | { error: Message } {
  const text = raw.trim();
  if (text === "") return { value: undefined };
  switch (field.type) {
    case "integer":
    case "number": {
      const normalised = text.replace(/\s/g, "").replace(/^(-?\d+),(\d+)$/, "$1.$2");
      if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(normalised)) return { error: message("imports.cell.notNumber", { text }) };
      return { value: Number(normalised) };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return { value: true };
      if (FALSE_WORDS.has(lower)) return { value: false };
      return { error: message("imports.cell.notYesNo", { text }) };
    }
    case "multichoice":
      return {
        value: text
          .split(";")
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => choiceValue(field, s)),
      };
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
          await storeSubmissions(trx, prepared.slice(i, end), (_s, k) => optionsFor(i + k));
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
