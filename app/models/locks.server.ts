/**
 * Reporting deadlines and unlock grants (decision 010, docs/security.md item 19).
 *
 * A report locks when the district's deadline for its period type has passed (days after the
 * period's last day; the district's own setting, else the national one, else DEFAULT_DEADLINE_DAYS).
 * `deadlineCheck` is called by storeSubmission, the one function every write path (fill
 * page, CSV/XLSX import, CLI, bulk import) goes through, inside its transaction; an admin's
 * backfill import passes it for the admin's own area and marks those reports late entries. A district admin
 * of the district — nobody else — can grant a scoped unlock (one Puskesmas or the whole district
 * × form × period) with a reason and an expiry of at most MAX_UNLOCK_DAYS; the grant may also
 * re-open approved reports for correction. Grants, revocations, re-openings and deadline changes
 * are audited in the same transaction.
 *
 * This module must not import submissions.server.ts (which imports it).
 */
import { parsePeriod, periodEndMonth, tryParsePeriod, type Form } from "@engine";
import { forbidden, notFound } from "~/auth/guards.server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { districtAdminGrants, mayGrantUnlock, maySetDeadline, nationalAdminGrants } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { both, message, periodDetail, say, type LocalizedText, type Message } from "~/i18n/message";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit, PeriodType } from "~/db/schema";
import { recordRevision } from "./submission-history.server";
import { effectivePackage } from "./templates.server";
import { clock } from "~/utils/clock.server";

export const PERIOD_TYPES: readonly PeriodType[] = ["month", "quarter", "year"];
/** Used when neither the district nor the national level has set a deadline. */
export const DEFAULT_DEADLINE_DAYS: Record<PeriodType, number> = { month: 10, quarter: 15, year: 30 };
export const MAX_DEADLINE_DAYS = 120;
export const MAX_UNLOCK_DAYS = 14;
export const MAX_REASON_CHARS = 500;

const MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026-11-10" → "10 November 2026". */
export function formatDateId(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number);
  return `${d} ${MONTHS_ID[m - 1]} ${y}`;
}

/** "2026-11-10" as a message param: "10 November 2026" in both languages' month names. */
export function dateText(isoDate: string): LocalizedText {
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number);
  return { id: formatDateId(isoDate), en: `${d} ${MONTHS_EN[m - 1]} ${y}` };
}

/** National, province and district ids of a unit from its materialised path. */
function pathIds(unit: Pick<OrgUnit, "path">): { nationalId: number | null; districtId: number | null } {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  return { nationalId: ids[0] ?? null, districtId: ids[2] ?? null };
}

/** ISO date (UTC) of a period's last day. */
export function periodEndDate(period: string): string {
  const p = parsePeriod(period);
  return new Date(Date.UTC(p.year, periodEndMonth(p), 0)).toISOString().slice(0, 10);
}

/** ISO date of the last day reports of `period` are accepted: its last day + `days`. */
export function deadlineDate(period: string, days: number): string {
  const end = new Date(`${periodEndDate(period)}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + days);
  return end.toISOString().slice(0, 10);
}

/** Past the deadline: the deadline day (UTC) is over. */
export function isPastDeadline(deadline: string, now: Date): boolean {
  return now.toISOString().slice(0, 10) > deadline;
}

/**
 * A backfill (docs/decisions/018-backfill.md): a Dinkes admin imports reports of periods past their
 * deadline, with a reason, for the units of their own area only. It opens no period for anyone
 * else and creates no unlock grant; each report it stores past the deadline is a late entry.
 */
export interface Backfill {
  reason: string;
  /** Org-unit paths of the acting admin's area: a district admin's district, the national admin's whole country. */
  paths: readonly string[];
}

/**
 * What the lock checks of one batch share: deadline days per (district, period type), loaded once
 * (an import of thousands of rows asks the database once per district, not once per row), and
 * the batch's backfill, if it is one — so the check before validation and the one inside the
 * write transaction agree.
 */
export class LockCache {
  private readonly days = new Map<string, Promise<{ days: number; source: "district" | "national" | "default" }>>();
  private readonly names = new Map<number, Promise<string>>();

  constructor(readonly backfill: Backfill | null = null) {}

  /** Whether this batch may write `unit`'s reports past their deadline: a backfill whose area holds it. */
  backfills(unit: Pick<OrgUnit, "path">): boolean {
    return this.backfill !== null && this.backfill.paths.some((p) => unit.path.startsWith(p));
  }

  deadlineDays(db: DbOrTrx, unit: Pick<OrgUnit, "path">, periodType: PeriodType) {
    const { nationalId, districtId } = pathIds(unit);
    const key = `${districtId ?? 0}:${periodType}`;
    let hit = this.days.get(key);
    if (!hit) {
      hit = loadDeadlineDays(db, nationalId, districtId, periodType);
      this.days.set(key, hit);
    }
    return hit;
  }

  /**
   * Loads the deadline days of several period types for `unit`'s district with one query (a
   * page listing monthly, quarterly and yearly forms); later deadlineDays calls are answered
   * from it.
   */
  async preloadDeadlineDays(db: DbOrTrx, unit: Pick<OrgUnit, "path">, periodTypes: readonly PeriodType[]): Promise<void> {
    const { nationalId, districtId } = pathIds(unit);
    const missing = [...new Set(periodTypes)].filter((t) => !this.days.has(`${districtId ?? 0}:${t}`));
    if (missing.length === 0) return;
    const ids = [districtId, nationalId].filter((id): id is number => id !== null);
    const loaded = ids.length
      ? db
          .selectFrom("report_deadline")
          .select(["org_unit_id", "days_after", "period_type"])
          .where("period_type", "in", missing)
          .where("org_unit_id", "in", ids)
          .execute()
      : Promise.resolve([]);
    for (const t of missing) {
      const key = `${districtId ?? 0}:${t}`;
      if (this.days.has(key)) continue;
      const days = loaded.then((rows) =>
        pickDeadlineDays(
          rows.filter((r) => r.period_type === t),
          nationalId,
          districtId,
          t,
        ),
      );
      // A failed load is reported by the await below; entries nobody asks for must not crash the process.
      days.catch(() => undefined);
      this.days.set(key, days);
    }
    await loaded;
  }

  districtName(db: DbOrTrx, districtId: number): Promise<string> {
    let hit = this.names.get(districtId);
    if (!hit) {
      hit = db
        .selectFrom("org_unit")
        .select("name")
        .where("id", "=", districtId)
        .executeTakeFirst()
        .then((r) => r?.name ?? "kabupaten/kota");
      this.names.set(districtId, hit);
    }
    return hit;
  }
}

async function loadDeadlineDays(db: DbOrTrx, nationalId: number | null, districtId: number | null, periodType: PeriodType) {
  const ids = [districtId, nationalId].filter((id): id is number => id !== null);
  const rows = ids.length
    ? await db
        .selectFrom("report_deadline")
        .select(["org_unit_id", "days_after"])
        .where("period_type", "=", periodType)
        .where("org_unit_id", "in", ids)
        .execute()
    : [];
  return pickDeadlineDays(rows, nationalId, districtId, periodType);
}

/** The district's own setting, else the national one, else the default. */
function pickDeadlineDays(
  rows: Array<{ org_unit_id: number; days_after: number }>,
  nationalId: number | null,
  districtId: number | null,
  periodType: PeriodType,
) {
  const own = rows.find((r) => r.org_unit_id === districtId);
  if (own) return { days: own.days_after, source: "district" as const };
  const national = rows.find((r) => r.org_unit_id === nationalId);
  if (national) return { days: national.days_after, source: "national" as const };
  return { days: DEFAULT_DEADLINE_DAYS[periodType], source: "default" as const };
}

export interface LockKey {
  unit: Pick<OrgUnit, "id" | "path">;
  packageKey: string;
  formKey: string;
  periodType: PeriodType;
  period: string;
}

export interface LockState {
  /** Last day (UTC) reports are accepted without an unlock. */
  deadline: string;
  pastDeadline: boolean;
  /** The unlock grant that lifts the deadline now, if any. */
  unlock: { id: number; expiresAt: string; reason: string } | null;
  /** Past the deadline and not unlocked: no path may create, change or submit the report. */
  locked: boolean;
}

/**
 * The units whose unlock grants cover a report of `unit`: itself, its district and, for a Pustu or
 * Posyandu, the Puskesmas (and Pustu) above it — an unlock granted for a Puskesmas opens the
 * reports its operator enters on behalf of its Pustu and Posyandu (docs/decisions/035-village-reporting.md).
 */
function unlockUnits(unit: Pick<OrgUnit, "id" | "path">): number[] {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  return [...new Set([unit.id, ...ids.slice(2)])];
}

/** The unlock grant covering (unit, a unit above it up to its district) × package × form × period at `now`, if any. */
export async function activeUnlock(db: DbOrTrx, key: Omit<LockKey, "periodType">, now: Date) {
  const units = unlockUnits(key.unit);
  return db
    .selectFrom("unlock_grant")
    .select(["id", "expires_at", "reason", "reopen_approved"])
    .where("form_key", "=", key.formKey)
    .where("period", "=", key.period)
    .where("package_key", "=", key.packageKey)
    .where("org_unit_id", "in", units)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now.toISOString())
    .orderBy("expires_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Every unlock grant covering `unit` (itself, its Puskesmas or its whole district) at `now`: for lists of many reports. */
export async function activeUnlocksFor(db: DbOrTrx, unit: Pick<OrgUnit, "id" | "path">, now: Date) {
  return db
    .selectFrom("unlock_grant")
    .select(["id", "package_key", "form_key", "period", "expires_at", "reason"])
    .where("org_unit_id", "in", unlockUnits(unit))
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now.toISOString())
    .execute();
}

async function deadlineOf(db: DbOrTrx, key: LockKey, now: Date, cache: LockCache) {
  const { days } = await cache.deadlineDays(db, key.unit, key.periodType);
  const deadline = deadlineDate(key.period, days);
  return { deadline, pastDeadline: isPastDeadline(deadline, now) };
}

/** The deadline of a report and whether it is locked at `now`. */
export async function lockState(db: DbOrTrx, key: LockKey, now = clock.now(), cache = new LockCache()): Promise<LockState> {
  const { deadline, pastDeadline } = await deadlineOf(db, key, now, cache);
  const grant = pastDeadline ? await activeUnlock(db, key, now) : undefined;
  return { deadline, pastDeadline, unlock: grant ? { id: grant.id, expiresAt: grant.expires_at, reason: grant.reason } : null, locked: pastDeadline && !grant };
}

export interface DeadlineCheck {
  /** Null when the report may be written; otherwise the refusal, as a catalogue message. */
  locked: Message | null;
  /** Past the deadline and written by this backfill: the report is stored as a late entry. */
  lateEntry: Backfill | null;
  deadline: string;
}

/**
 * Whether a report may be written at `now`: before its deadline, under an unlock grant, or by a
 * backfill whose area holds the unit (then as a late entry). The refusal names the deadline and
 * who can open the lock. Called inside every write transaction (storeSubmission).
 */
export async function deadlineCheck(
  db: DbOrTrx,
  key: LockKey & { formTitle?: LocalizedText },
  now = clock.now(),
  cache = new LockCache(),
): Promise<DeadlineCheck> {
  const { deadline, pastDeadline } = await deadlineOf(db, key, now, cache);
  if (!pastDeadline) return { locked: null, lateEntry: null, deadline };
  if (cache.backfill && cache.backfills(key.unit)) return { locked: null, lateEntry: cache.backfill, deadline };
  if (await activeUnlock(db, key, now)) return { locked: null, lateEntry: null, deadline };
  const { districtId } = pathIds(key.unit);
  const district = districtId !== null ? await cache.districtName(db, districtId) : { id: "kabupaten/kota", en: "district" };
  const locked = message("entry.lock.deadlinePassed", { form: key.formTitle ?? key.formKey, period: key.period, deadline: dateText(deadline), district });
  return { locked, lateEntry: null, deadline };
}

/** deadlineCheck's refusal alone: null when the report may be written. */
export async function deadlineLockMessage(
  db: DbOrTrx,
  key: LockKey & { formTitle?: LocalizedText },
  now = clock.now(),
  cache = new LockCache(),
): Promise<Message | null> {
  return (await deadlineCheck(db, key, now, cache)).locked;
}

// ---------------------------------------------------------------- administration

/** The district grant of `user` holding `unit`, or 403. */
function requireDistrictAdminOf(user: SessionUser, unit: Pick<OrgUnit, "path">) {
  const grant = mayGrantUnlock(user, unit);
  if (!grant) throw forbidden(user, "access.locks.unlockRole");
  return grant;
}

export type LockActionResult = { ok: true; message: string } | { ok: false; status: number; message: string; field?: string };

/** Deadline settings of a district (or of the national unit: the defaults of every district). */
export async function deadlineSettings(orgUnit: Pick<OrgUnit, "id" | "path" | "level">) {
  const db = getDb();
  const cache = new LockCache();
  const out: Array<{ periodType: PeriodType; days: number; source: "district" | "national" | "default" }> = [];
  for (const periodType of PERIOD_TYPES) {
    if (orgUnit.level === "national") {
      const row = await db
        .selectFrom("report_deadline")
        .select("days_after")
        .where("org_unit_id", "=", orgUnit.id)
        .where("period_type", "=", periodType)
        .executeTakeFirst();
      out.push({ periodType, days: row?.days_after ?? DEFAULT_DEADLINE_DAYS[periodType], source: row ? "national" : "default" });
    } else out.push({ periodType, ...(await cache.deadlineDays(db, orgUnit, periodType)) });
  }
  return out;
}

/**
 * Sets the days after a period until its reports lock, for one period type. District admins set
 * their district's; the national admin sets the national default. Audited with before/after.
 */
export async function setDeadline(input: {
  user: SessionUser;
  orgUnitId: number;
  periodType: string;
  days: string;
  ip?: string | null;
}): Promise<LockActionResult> {
  const db = getDb();
  const unit = await db.selectFrom("org_unit").selectAll().where("id", "=", input.orgUnitId).executeTakeFirst();
  if (!unit) throw notFound(input.user, "access.locks.unitNotFound");
  if (!maySetDeadline(input.user, unit)) throw forbidden(input.user, "access.locks.deadlineRole");
  if (!PERIOD_TYPES.includes(input.periodType as PeriodType))
    return { ok: false, status: 400, message: say(input.user, "locks.error.periodType"), field: "periodType" };
  const periodType = input.periodType as PeriodType;
  const text = input.days.trim();
  const days = Number(text);
  if (!/^\d+$/.test(text) || days > MAX_DEADLINE_DAYS) {
    return {
      ok: false,
      status: 400,
      message: say(input.user, "locks.error.deadlineDays", { max: MAX_DEADLINE_DAYS }),
      field: `days-${periodType}`,
    };
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("report_deadline")
      .select(["id", "days_after"])
      .where("org_unit_id", "=", unit.id)
      .where("period_type", "=", periodType)
      .executeTakeFirst();
    const now = nowIso();
    if (existing)
      await trx.updateTable("report_deadline").set({ days_after: days, updated_by: input.user.id, updated_at: now }).where("id", "=", existing.id).execute();
    else
      await trx
        .insertInto("report_deadline")
        .values({ org_unit_id: unit.id, period_type: periodType, days_after: days, updated_by: input.user.id, updated_at: now })
        .execute();
    await writeAudit(trx, {
      actorUserId: input.user.id,
      action: "deadline.set",
      entityType: "report_deadline",
      entityId: `${unit.code}:${periodType}`,
      orgUnitId: unit.id,
      before: existing ? { periodType, days: existing.days_after } : undefined,
      after: { periodType, days },
      ip: input.ip,
    });
    return { ok: true as const, message: say(input.user, "locks.done.deadline", { type: PERIOD_TYPE_ADJECTIVE[periodType], days }) };
  });
}

const PERIOD_TYPE_ADJECTIVE: Record<PeriodType, LocalizedText> = {
  month: { id: "bulanan", en: "monthly" },
  quarter: { id: "triwulanan", en: "quarterly" },
  year: { id: "tahunan", en: "yearly" },
};

export interface GrantInput {
  user: SessionUser;
  /** A Puskesmas code, or the district's code for all of its Puskesmas. */
  unitCode: string;
  /** "<package key>/<form key>". */
  form: string;
  period: string;
  reason: string;
  days: string;
  reopenApproved: boolean;
  ip?: string | null;
}

/**
 * Grants a scoped, expiring unlock. Only a district admin of the district; a reason is
 * required; the expiry is 1 to MAX_UNLOCK_DAYS days. With `reopenApproved`, approved reports in
 * the scope go back to "returned" (their values leave the scorecards until submitted again),
 * each with a history version and an audit row, in the same transaction as the grant.
 */
export async function grantUnlock(input: GrantInput, now = clock.now()): Promise<LockActionResult & { grantId?: number; reopened?: number }> {
  const db = getDb();
  const unit = await db.selectFrom("org_unit").selectAll().where("code", "=", input.unitCode.trim()).executeTakeFirst();
  if (!unit) return { ok: false, status: 400, message: say(input.user, "locks.error.unit"), field: "unit" };
  const grant = requireDistrictAdminOf(input.user, unit);
  if (unit.level !== "puskesmas" && unit.id !== grant.orgUnitId)
    return { ok: false, status: 400, message: say(input.user, "locks.error.unitScope"), field: "unit" };
  const [packageKey, formKey] = input.form.split("/");
  const effective = packageKey && formKey ? await effectivePackage(packageKey, grant.orgUnitId) : undefined;
  const form: Form | undefined = effective?.package.forms.find((f) => f.key === formKey);
  if (!effective || !form) return { ok: false, status: 400, message: say(input.user, "locks.error.form"), field: "form" };
  const period = input.period.trim();
  const parsed = tryParsePeriod(period);
  if (!parsed.ok) return { ok: false, status: 400, message: say(input.user, "entry.period.unreadable", { detail: periodDetail(parsed) }), field: "period" };
  if (parsed.period.type !== form.periodType) {
    const per = { month: { id: "bulan", en: "month" }, quarter: { id: "triwulan", en: "quarter" }, year: { id: "tahun", en: "year" } }[form.periodType];
    const example = { month: "2025-03", quarter: "2025-Q1", year: "2025" }[form.periodType];
    return { ok: false, status: 400, message: say(input.user, "locks.error.periodOfForm", { per, example }), field: "period" };
  }
  const reason = input.reason.trim();
  if (reason.length === 0) return { ok: false, status: 400, message: say(input.user, "locks.error.reason"), field: "reason" };
  if (reason.length > MAX_REASON_CHARS)
    return { ok: false, status: 400, message: say(input.user, "locks.error.reasonTooLong", { max: MAX_REASON_CHARS }), field: "reason" };
  const daysText = input.days.trim();
  const days = Number(daysText);
  if (!/^\d+$/.test(daysText) || days < 1 || days > MAX_UNLOCK_DAYS)
    return { ok: false, status: 400, message: say(input.user, "locks.error.unlockDays", { max: MAX_UNLOCK_DAYS }), field: "days" };
  const expiresAt = new Date(now.getTime() + days * 24 * 60 * 60 * 1000).toISOString();
  const grantedAt = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("unlock_grant")
      .values({
        district_id: grant.orgUnitId,
        org_unit_id: unit.id,
        package_key: effective.base.key,
        form_key: form.key,
        period,
        reason,
        reopen_approved: input.reopenApproved ? 1 : 0,
        granted_by: input.user.id,
        granted_at: grantedAt,
        expires_at: expiresAt,
        revoked_by: null,
        revoked_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: input.user.id,
      action: "unlock.grant",
      entityType: "unlock_grant",
      entityId: row.id,
      orgUnitId: unit.id,
      after: { unit: unit.code, package: effective.base.key, form: form.key, period, reason, expiresAt, reopenApproved: input.reopenApproved },
      ip: input.ip,
    });
    let reopened = 0;
    if (input.reopenApproved) {
      const approved = await trx
        .selectFrom("submission as s")
        .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
        .selectAll("s")
        .where("s.package_key", "=", effective.base.key)
        .where("s.form_key", "=", form.key)
        .where("s.period", "=", period)
        .where("s.status", "=", "approved")
        .where("o.path", "like", `${unit.path}%`)
        .execute();
      // The admin's reason is the note, in the admin's words; that the Dinkes re-opened it is the
      // revision's action ("submission.reopen"), which every page names in the reader's language.
      const note = reason;
      for (const s of approved) {
        const at = nowIso();
        const updated = await trx
          .updateTable("submission")
          .set({ status: "returned", revision: s.revision + 1, return_note: note, approved_at: null, approved_by: null, updated_at: at })
          .where("id", "=", s.id)
          .where("revision", "=", s.revision)
          .where("status", "=", "approved")
          .executeTakeFirst();
        // Re-opened meanwhile by a parallel grant: nothing left to do for this report.
        if (Number(updated.numUpdatedRows) !== 1) continue;
        // A returned report does not count on scorecards until it is submitted again.
        await trx.deleteFrom("submission_value").where("submission_id", "=", s.id).execute();
        await recordRevision(trx, {
          submissionId: s.id,
          revision: s.revision + 1,
          action: "submission.reopen",
          status: "returned",
          data: s.data,
          packageKey: s.package_key,
          packageVersion: s.package_version,
          overlayId: s.overlay_id,
          returnNote: note,
          actorUserId: input.user.id,
          at,
        });
        await writeAudit(trx, {
          actorUserId: input.user.id,
          action: "submission.reopen",
          entityType: "submission",
          entityId: s.id,
          orgUnitId: s.org_unit_id,
          before: { status: "approved", revision: s.revision },
          after: { status: "returned", revision: s.revision + 1, note, unlockGrant: row.id },
          ip: input.ip,
        });
        reopened++;
      }
    }
    const scope = unit.level === "puskesmas" ? unit.name : both("locks.scope.district", { name: unit.name });
    return {
      ok: true as const,
      grantId: row.id,
      reopened,
      message: say(input.user, reopened ? "locks.done.grantedReopened" : "locks.done.granted", {
        form: form.key,
        period,
        scope,
        date: dateText(expiresAt),
        count: reopened,
      }),
    };
  });
}

/** Ends an unlock before its expiry. Only a district admin of the grant's district; audited. */
export async function revokeUnlock(input: { user: SessionUser; grantId: number; ip?: string | null }, now = clock.now()): Promise<LockActionResult> {
  const db = getDb();
  const row = await db
    .selectFrom("unlock_grant as g")
    .innerJoin("org_unit as d", "d.id", "g.district_id")
    .select(["g.id", "g.revoked_at", "g.expires_at", "g.org_unit_id", "g.form_key", "g.period", "d.path"])
    .where("g.id", "=", input.grantId)
    .executeTakeFirst();
  if (!row) throw notFound(input.user, "access.locks.grantNotFound");
  requireDistrictAdminOf(input.user, { path: row.path });
  if (row.revoked_at) return { ok: false, status: 409, message: say(input.user, "locks.error.alreadyRevoked") };
  if (row.expires_at <= now.toISOString()) return { ok: false, status: 409, message: say(input.user, "locks.error.expired") };
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("unlock_grant")
      .set({ revoked_at: now.toISOString(), revoked_by: input.user.id })
      .where("id", "=", row.id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false as const, status: 409, message: say(input.user, "locks.error.alreadyRevoked") };
    await writeAudit(trx, {
      actorUserId: input.user.id,
      action: "unlock.revoke",
      entityType: "unlock_grant",
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      before: { revokedAt: null, expiresAt: row.expires_at },
      after: { revokedAt: now.toISOString() },
      ip: input.ip,
    });
    return { ok: true as const, message: say(input.user, "locks.done.revoked", { form: row.form_key, period: row.period }) };
  });
}

/** What the locks page shows a district admin: per district, deadlines, Puskesmas, forms and grants. */
export async function locksOverview(user: SessionUser, now = clock.now()) {
  const db = getDb();
  const districts = [];
  for (const g of districtAdminGrants(user)) {
    const district = await db.selectFrom("org_unit").selectAll().where("id", "=", g.orgUnitId).executeTakeFirstOrThrow();
    const puskesmas = await db
      .selectFrom("org_unit")
      .select(["code", "name"])
      .where("level", "=", "puskesmas")
      .where("path", "like", `${district.path}%`)
      .orderBy("name")
      .execute();
    const packages = await db.selectFrom("template_package").select("key").distinct().where("status", "=", "published").orderBy("key").execute();
    const forms: Array<{ value: string; title: string; periodType: PeriodType }> = [];
    for (const { key } of packages) {
      const effective = await effectivePackage(key, district.id);
      for (const f of effective?.package.forms ?? []) forms.push({ value: `${key}/${f.key}`, title: f.title.id, periodType: f.periodType });
    }
    const grants = await db
      .selectFrom("unlock_grant as u")
      .innerJoin("org_unit as o", "o.id", "u.org_unit_id")
      .leftJoin("app_user as a", "a.id", "u.granted_by")
      .leftJoin("app_user as r", "r.id", "u.revoked_by")
      .select([
        "u.id",
        "u.form_key",
        "u.period",
        "u.reason",
        "u.reopen_approved",
        "u.granted_at",
        "u.expires_at",
        "u.revoked_at",
        "o.name as unit",
        "o.level",
        "a.display_name as grantedBy",
        "r.display_name as revokedBy",
      ])
      .where("u.district_id", "=", district.id)
      .orderBy("u.granted_at", "desc")
      .limit(100)
      .execute();
    districts.push({
      id: district.id,
      code: district.code,
      name: district.name,
      deadlines: await deadlineSettings(district),
      puskesmas,
      forms,
      grants: grants.map((r) => ({
        ...r,
        reopenApproved: r.reopen_approved === 1,
        state: r.revoked_at ? ("revoked" as const) : r.expires_at <= now.toISOString() ? ("expired" as const) : ("active" as const),
      })),
    });
  }
  const nationalGrant = nationalAdminGrants(user)[0];
  const national = nationalGrant
    ? {
        id: nationalGrant.orgUnitId,
        name: nationalGrant.orgName,
        deadlines: await deadlineSettings({ id: nationalGrant.orgUnitId, path: nationalGrant.orgPath, level: "national" }),
      }
    : null;
  return { districts, national, maxUnlockDays: MAX_UNLOCK_DAYS, maxDeadlineDays: MAX_DEADLINE_DAYS };
}
