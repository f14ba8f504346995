/**
 * The history of a submission (decision 010): every stored version — create, draft, submit,
 * return, approve, re-open — with who, when, its status and data, and the package version and
 * overlay it was made with. The history view shows each version with the labels of *that*
 * package version (a field renamed or removed later keeps its old label there), and the
 * per-field differences to the version before.
 *
 * This module must not import submissions.server.ts (which imports it).
 */
import { applyOverlay, fieldsOf, localText, type Field, type Form, type TemplatePackage } from "@engine";
import { forbidden, notFound } from "~/auth/guards.server";
import type { DbOrTrx } from "~/auth/audit.server";
import { mayReadHistory } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb, onDbHandleChange } from "~/db/db.server";
import type { DistrictOverlay } from "@engine";
import type { SubmissionStatus } from "~/db/schema";
import { listSubtree } from "./org.server";
import type { Reader } from "~/i18n/message";

export interface RevisionInput {
  submissionId: number;
  revision: number;
  action: string;
  status: SubmissionStatus;
  /** The stored JSON document. */
  data: string;
  packageKey: string;
  packageVersion: number;
  overlayId: number | null;
  returnNote: string | null;
  actorUserId: number | null;
  at: string;
  /** The backfill's reason when this version was stored after the deadline by a backfill. */
  lateEntryReason?: string | null;
  /** The import job that stored this version. */
  importJobId?: number | null;
}

/** The submission_revision row of a stored version: one shape for single writes and batches. */
export function revisionRow(r: RevisionInput) {
  return {
    submission_id: r.submissionId,
    revision: r.revision,
    action: r.action,
    status: r.status,
    data: r.data,
    package_key: r.packageKey,
    package_version: r.packageVersion,
    overlay_id: r.overlayId,
    return_note: r.returnNote,
    actor_user_id: r.actorUserId,
    at: r.at,
    late_entry_reason: r.lateEntryReason ?? null,
    import_job_id: r.importJobId ?? null,
  };
}

/** Records one stored version; call it in the transaction that stores the change. */
export async function recordRevision(trx: DbOrTrx, r: RevisionInput): Promise<void> {
  await trx.insertInto("submission_revision").values(revisionRow(r)).execute();
}

const versionCache = new Map<string, { package: TemplatePackage; hidden: Array<{ form: string; field: string }> } | null>();
onDbHandleChange(() => versionCache.clear());

/**
 * The package a report was made with: `packageKey` at `version` with the overlay `overlayId`
 * applied (published documents never change, so the result is cached).
 */
export async function packageAt(packageKey: string, version: number, overlayId: number | null, db: DbOrTrx = getDb()) {
  const cacheKey = `${packageKey}:${version}:${overlayId ?? 0}`;
  if (versionCache.has(cacheKey)) return versionCache.get(cacheKey) ?? undefined;
  const base = await db.selectFrom("template_package").select(["document"]).where("key", "=", packageKey).where("version", "=", version).executeTakeFirst();
  let result: { package: TemplatePackage; hidden: Array<{ form: string; field: string }> } | null = null;
  if (base) {
    const pkg = JSON.parse(base.document) as TemplatePackage;
    const overlay =
      overlayId === null
        ? undefined
        : await db
            .selectFrom("district_overlay as d")
            .innerJoin("org_unit as o", "o.id", "d.district_org_unit_id")
            .select(["d.document", "o.path"])
            .where("d.id", "=", overlayId)
            .executeTakeFirst();
    if (overlay) {
      const inside = new Set((await listSubtree(db, { path: overlay.path })).map((u) => u.code));
      const applied = applyOverlay(pkg, JSON.parse(overlay.document) as DistrictOverlay, { inDistrict: inside });
      result = { package: applied.package, hidden: applied.hidden };
    } else result = { package: pkg, hidden: [] };
  }
  versionCache.set(cacheKey, result);
  return result ?? undefined;
}

/** The form `formKey` as it was in that package version (with its overlay). */
export async function formAt(packageKey: string, version: number, overlayId: number | null, formKey: string): Promise<Form | undefined> {
  return (await packageAt(packageKey, version, overlayId))?.package.forms.find((f) => f.key === formKey);
}

/** A stored answer as people read it: Ya/Tidak, choice labels, lists joined. */
export function displayValue(field: Field | undefined, value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  const choice = (v: unknown) => {
    const hit = (field?.choices ?? []).find((c) => c.value === v);
    return hit ? (localText(hit.label, "id") ?? String(v)) : String(v);
  };
  if (typeof value === "boolean") return value ? "Ya" : "Tidak";
  if (Array.isArray(value)) return value.map(choice).join(", ");
  if (field?.type === "choice") return choice(value);
  return String(value);
}

/** A report with its Puskesmas' code, name and path (for scope checks); 404 when missing. */
export async function reportWithUnit(id: number, reader?: Reader) {
  const row = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .selectAll("s")
    .select(["o.code as unit_code", "o.name as unit_name", "o.path as unit_path", "o.level as unit_level"])
    .where("s.id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound(reader, "access.report.notFound");
  return row;
}

/**
 * The report with `id` if the user may read its history: an operator who may enter it (its
 * Puskesmas' operator, a Pustu's village operator for its units), a verifier or admin whose area holds it. 404 when missing, 403 otherwise.
 */
async function reportForHistory(user: SessionUser, id: number) {
  const row = await reportWithUnit(id, user);
  if (!mayReadHistory(user, { path: row.unit_path, level: row.unit_level })) throw forbidden(user, "access.history.forbidden");
  return row;
}

export interface HistoryField {
  key: string;
  label: string;
  section: string;
  value: string;
}

export interface HistoryChange {
  key: string;
  label: string;
  before: string;
  after: string;
}

/** Every version of a report, newest first, each in its own package version with the changes to the one before. */
export async function submissionHistory(user: SessionUser, id: number) {
  const row = await reportForHistory(user, id);
  const db = getDb();
  const revisions = await db
    .selectFrom("submission_revision as r")
    .leftJoin("app_user as u", "u.id", "r.actor_user_id")
    .select([
      "r.id",
      "r.revision",
      "r.action",
      "r.status",
      "r.data",
      "r.package_key",
      "r.package_version",
      "r.overlay_id",
      "r.return_note",
      "r.late_entry_reason",
      "r.at",
      "u.display_name as actor",
      "u.username",
    ])
    .where("r.submission_id", "=", id)
    .orderBy("r.revision")
    .execute();
  const overlayIds = [...new Set(revisions.map((r) => r.overlay_id).filter((o): o is number => o !== null))];
  const overlayVersions = overlayIds.length ? await db.selectFrom("district_overlay").select(["id", "version"]).where("id", "in", overlayIds).execute() : [];
  const versions = [];
  let previous: { data: Record<string, unknown>; fields: Map<string, Field> } | null = null;
  for (const r of revisions) {
    const form = await formAt(r.package_key, r.package_version, r.overlay_id, row.form_key);
    const data = JSON.parse(r.data) as Record<string, unknown>;
    const byKey = new Map((form ? fieldsOf(form) : []).map((f) => [f.key, f]));
    const label = (key: string, field: Field | undefined) => (field ? (localText(field.label, "id") ?? key) + (field.unit ? ` (${field.unit})` : "") : key);
    const fields: HistoryField[] = form
      ? form.sections.flatMap((section) =>
          section.fields
            .filter((f) => Object.hasOwn(data, f.key))
            .map((f) => ({ key: f.key, label: label(f.key, f), section: localText(section.title, "id") ?? section.key, value: displayValue(f, data[f.key]) })),
        )
      : [];
    // Answers the form version does not list (should not happen) are still shown, by key.
    for (const key of Object.keys(data)) if (!byKey.has(key)) fields.push({ key, label: key, section: "", value: displayValue(undefined, data[key]) });
    const changes: HistoryChange[] = [];
    if (previous) {
      const keys = [...new Set([...Object.keys(previous.data), ...Object.keys(data)])];
      for (const key of keys) {
        const field = byKey.get(key) ?? previous.fields.get(key);
        const before = displayValue(previous.fields.get(key) ?? field, previous.data[key]);
        const after = displayValue(field, data[key]);
        if (JSON.stringify(previous.data[key]) !== JSON.stringify(data[key])) changes.push({ key, label: label(key, field), before, after });
      }
    }
    versions.push({
      id: r.id,
      revision: r.revision,
      action: r.action,
      status: r.status,
      at: r.at,
      actor: r.actor ?? null,
      username: r.username ?? null,
      returnNote: r.return_note,
      lateEntryReason: r.late_entry_reason,
      packageKey: r.package_key,
      packageVersion: r.package_version,
      overlayVersion: overlayVersions.find((o) => o.id === r.overlay_id)?.version ?? null,
      formTitle: form ? (localText(form.title, "id") ?? row.form_key) : row.form_key,
      fields,
      changes,
      first: previous === null,
    });
    previous = { data, fields: byKey };
  }
  const current = await formAt(row.package_key, row.package_version, row.overlay_id, row.form_key);
  return {
    id: row.id,
    unit: { code: row.unit_code, name: row.unit_name },
    formKey: row.form_key,
    formTitle: current ? (localText(current.title, "id") ?? row.form_key) : row.form_key,
    period: row.period,
    status: row.status,
    revision: row.revision,
    lateEntry: row.late_entry === 1,
    versions: versions.reverse(),
  };
}
