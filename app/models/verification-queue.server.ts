/**
 * The verifier's queue: reports of the verifier's districts with their form titles, change flags
 * and rule warnings, filtered by form, period, Puskesmas and status (query parameters), flagged
 * reports first; the next report after a decision; and bulk approval of clean reports.
 */
import { localText, tryParsePeriod } from "@engine";
import type { Grant, SessionUser } from "~/auth/session.server";
import { mayVerify } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import type { SubmissionStatus } from "~/db/schema";
import { localeOf, message, type LocalizedText, type Message } from "~/i18n/message";
import { packageAt } from "./submission-history.server";
import { reportChecks } from "./verification-checks.server";
import { decide } from "./verification.server";

export const QUEUE_STATUSES = ["submitted", "returned", "approved"] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** Most reports one queue page lists (the flagged ones of these first). */
export const QUEUE_LIMIT = 200;
/** Most reports one bulk approval takes. */
export const BULK_LIMIT = 100;

export interface QueueFilters {
  form: string | null;
  period: string | null;
  unit: string | null;
  status: QueueStatus;
}

const KEY = /^[a-z][a-z0-9_]{0,63}$/;
const UNIT_CODE = /^[A-Za-z0-9._-]{1,32}$/;

/** Filters from a URL's query; what cannot be a filter is dropped and named in `problems`. */
export function parseQueueFilters(params: URLSearchParams): { filters: QueueFilters; problems: Message[] } {
  const problems: Message[] = [];
  const text = (name: string) => (params.get(name) ?? "").trim().slice(0, 80);
  const form = text("form");
  const period = text("period");
  const unit = text("unit");
  const status = text("status");
  const filters: QueueFilters = { form: null, period: null, unit: null, status: "submitted" };
  if (form) {
    if (KEY.test(form)) filters.form = form;
    else problems.push(message("verification.filter.badForm"));
  }
  if (period) {
    if (tryParsePeriod(period).ok) filters.period = period;
    else problems.push(message("verification.filter.badPeriod", { period }));
  }
  if (unit) {
    if (UNIT_CODE.test(unit)) filters.unit = unit;
    else problems.push(message("verification.filter.badUnit"));
  }
  if (status) {
    if ((QUEUE_STATUSES as readonly string[]).includes(status)) filters.status = status as QueueStatus;
    else problems.push(message("verification.filter.badStatus"));
  }
  return { filters, problems };
}

/** The query string ("?form=…") that keeps the filters in links; "" for the default queue. */
export function queueSearch(filters: QueueFilters): string {
  const p = new URLSearchParams();
  if (filters.form) p.set("form", filters.form);
  if (filters.period) p.set("period", filters.period);
  if (filters.unit) p.set("unit", filters.unit);
  if (filters.status !== "submitted") p.set("status", filters.status);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** LIKE patterns of the verifier's areas (a grant's unit and its subtree). */
function scoped(grants: Grant[]): string[] {
  return grants.map((g) => `${g.orgPath}%`);
}

async function formTitles(rows: Array<{ package_key: string; package_version: number; overlay_id: number | null; form_key: string }>, user: SessionUser) {
  const locale = localeOf(user);
  const titles = new Map<string, string>();
  for (const r of rows) {
    if (titles.has(r.form_key)) continue;
    const form = (await packageAt(r.package_key, r.package_version, r.overlay_id))?.package.forms.find((f) => f.key === r.form_key);
    if (form) titles.set(r.form_key, localText(form.title, locale) ?? r.form_key);
  }
  return titles;
}

export interface QueueRow {
  id: number;
  unit: string;
  unitCode: string;
  formKey: string;
  formTitle: string;
  period: string;
  status: SubmissionStatus;
  revision: number;
  submittedAt: string | null;
  lateEntry: boolean;
  flagCount: number;
  warningCount: number;
  /** Submitted, no flag, no rule warning: may be approved in bulk. */
  clean: boolean;
}

/** What the queue and a bulk approval read of each report (the checks need the data and the version it was made with). */
const REPORT_COLUMNS = [
  "s.id",
  "s.org_unit_id",
  "o.name as unit",
  "o.code as unitCode",
  "s.package_key",
  "s.package_version",
  "s.overlay_id",
  "s.form_key",
  "s.period",
  "s.status",
  "s.data",
  "s.revision",
] as const;

/** Reports matching `filters` in the verifier's districts (`grants`), flagged first, then oldest submitted. */
export async function queueRows(user: SessionUser, grants: Grant[], filters: QueueFilters, limit = QUEUE_LIMIT): Promise<QueueRow[]> {
  const paths = scoped(grants);
  if (paths.length === 0) return [];
  let q = getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select([...REPORT_COLUMNS, "s.submitted_at", "s.late_entry"])
    .where("s.status", "=", filters.status)
    .where((eb) => eb.or(paths.map((p) => eb("o.path", "like", p))));
  if (filters.form) q = q.where("s.form_key", "=", filters.form);
  if (filters.period) q = q.where("s.period", "=", filters.period);
  if (filters.unit) q = q.where("o.code", "=", filters.unit);
  const rows = await q.orderBy("s.submitted_at").orderBy("s.id").limit(limit).execute();
  const checks = await reportChecks(rows, localeOf(user));
  const titles = await formTitles(rows, user);
  const out = rows.map((r): QueueRow => {
    const c = checks.get(r.id);
    const flagCount = c?.flags.flaggedFields.length ?? 0;
    const warningCount = c?.warnings.length ?? 0;
    return {
      id: r.id,
      unit: r.unit,
      unitCode: r.unitCode,
      formKey: r.form_key,
      formTitle: titles.get(r.form_key) ?? r.form_key,
      period: r.period,
      status: r.status,
      revision: r.revision,
      submittedAt: r.submitted_at,
      lateEntry: Boolean(r.late_entry),
      flagCount,
      warningCount,
      clean: r.status === "submitted" && flagCount === 0 && warningCount === 0,
    };
  });
  // Stable: within flagged and within unflagged, the database's order (oldest submitted first) stays.
  return out.sort((a, b) => Number(b.flagCount > 0) - Number(a.flagCount > 0));
}

export interface FilterOptions {
  forms: Array<{ key: string; title: string }>;
  periods: string[];
  units: Array<{ code: string; name: string }>;
}

/** What the filter lists offer: forms and periods of reports in the verifier's districts, their Puskesmas. */
export async function filterOptions(user: SessionUser, grants: Grant[]): Promise<FilterOptions> {
  const paths = scoped(grants);
  if (paths.length === 0) return { forms: [], periods: [], units: [] };
  const forms = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["s.form_key", "s.package_key", "s.package_version", "s.overlay_id"])
    .distinct()
    .where("s.status", "!=", "draft")
    .where((eb) => eb.or(paths.map((p) => eb("o.path", "like", p))))
    .execute();
  const titles = await formTitles(forms, user);
  const periods = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select("s.period")
    .distinct()
    .where("s.status", "!=", "draft")
    .where((eb) => eb.or(paths.map((p) => eb("o.path", "like", p))))
    .orderBy("s.period", "desc")
    .limit(36)
    .execute();
  const units = await getDb()
    .selectFrom("org_unit")
    .select(["code", "name"])
    .where("level", "=", "puskesmas")
    .where((eb) => eb.or(paths.map((p) => eb("path", "like", p))))
    .orderBy("name")
    .execute();
  return {
    forms: [...titles.entries()].map(([key, title]) => ({ key, title })).sort((a, b) => a.title.localeCompare(b.title)),
    periods: periods.map((p) => p.period),
    units,
  };
}

/** The first report still waiting in the queue `filters` describe (any status filter reads as "submitted"), other than `except`. */
export async function nextInQueue(user: SessionUser, grants: Grant[], filters: QueueFilters, except: number): Promise<number | null> {
  const rows = await queueRows(user, grants, { ...filters, status: "submitted" });
  return rows.find((r) => r.id !== except)?.id ?? null;
}

export interface BulkItem {
  id: number;
  unit: string;
  unitCode: string;
  formTitle: string;
  period: string;
  revision: number;
}

export type BulkRefusal = BulkItem & { reason: Message };

export type BulkResult =
  | { ok: false; status: number; message: Message }
  | { ok: true; step: "confirm"; items: BulkItem[]; refused: BulkRefusal[] }
  | { ok: true; step: "done"; approved: BulkItem[]; refused: BulkRefusal[] };

/**
 * Bulk approval of clean reports. Step "review" re-checks the chosen reports on the server and
 * returns which would be approved; step "approve" (with `confirmed`) approves each one exactly as
 * a single approval does (`decide`: the same optimistic lock and audit row), skipping any that is
 * no longer submitted at the revision shown, or now has a flag or a rule warning. A report outside
 * the verifier's districts refuses the whole request: nothing is approved.
 */
export async function bulkApprove(input: {
  user: SessionUser;
  step: "review" | "approve";
  picks: Array<{ id: number; revision: number | null }>;
  confirmed: boolean;
  ip?: string | null;
}): Promise<BulkResult> {
  const { user } = input;
  const ids = [...new Set(input.picks.map((p) => p.id))];
  if (ids.length === 0) return { ok: false, status: 400, message: message("verification.bulk.noneChosen") };
  if (ids.length > BULK_LIMIT) return { ok: false, status: 400, message: message("verification.bulk.tooMany", { max: BULK_LIMIT }) };
  if (input.step === "approve" && !input.confirmed) return { ok: false, status: 400, message: message("verification.bulk.confirmFirst") };
  const rows = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select([...REPORT_COLUMNS, "o.path"])
    .where("s.id", "in", ids)
    .execute();
  if (rows.length !== ids.length || rows.some((r) => !mayVerify(user, { path: r.path })))
    return { ok: false, status: 403, message: message("verification.bulk.outsideScope") };
  const checks = await reportChecks(rows, localeOf(user));
  const titles = await formTitles(rows, user);
  const shownRevision = new Map(input.picks.map((p) => [p.id, p.revision]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items: BulkItem[] = [];
  const refused: BulkRefusal[] = [];
  for (const id of ids) {
    const r = byId.get(id)!;
    const item: BulkItem = { id, unit: r.unit, unitCode: r.unitCode, formTitle: titles.get(r.form_key) ?? r.form_key, period: r.period, revision: r.revision };
    const c = checks.get(id);
    const wanted = shownRevision.get(id);
    if (r.status !== "submitted") refused.push({ ...item, reason: message("verification.bulk.notSubmitted", { status: STATUS_WORDS[r.status] }) });
    else if (input.step === "approve" && wanted !== r.revision) refused.push({ ...item, reason: message("verification.bulk.changed") });
    else if ((c?.flags.flaggedFields.length ?? 0) > 0)
      refused.push({ ...item, reason: message("verification.bulk.flagged", { count: c!.flags.flaggedFields.length }) });
    else if ((c?.warnings.length ?? 0) > 0) refused.push({ ...item, reason: message("verification.bulk.warned", { count: c!.warnings.length }) });
    else items.push(item);
  }
  if (input.step === "review") return { ok: true, step: "confirm", items, refused };
  const approved: BulkItem[] = [];
  for (const item of items) {
    const result = await decide({ user, id: item.id, decision: "approve", revision: item.revision, note: "", ip: input.ip });
    if (result.ok) approved.push(item);
    else refused.push({ ...item, reason: message("verification.bulk.changed") });
  }
  return { ok: true, step: "done", approved, refused };
}

const STATUS_WORDS: Record<SubmissionStatus, LocalizedText> = {
  draft: { id: "draf", en: "draft" },
  submitted: { id: "dikirim", en: "submitted" },
  returned: { id: "dikembalikan", en: "returned" },
  approved: { id: "disetujui", en: "approved" },
};
