/**
 * District verification: one report next to the last non-draft report before it, with its change
 * flags and rule warnings and the indicator values it produces, and the decision (approve or
 * return with a note) under an optimistic lock on the report's revision. The queue is in
 * verification-queue.server.ts.
 */
import {
  bookkeepingFields,
  changeFlagMessage,
  compilePackage,
  fieldsOf,
  localText,
  type CellState,
  type ChangeFlag,
  type Field,
  type Form,
  type Locale,
} from "@engine";
import { forbidden } from "~/auth/guards.server";
import { mayVerify } from "~/auth/policy.server";
import { writeAudit } from "~/auth/audit.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgUnit, SubmissionStatus } from "~/db/schema";
import { buildScorecard } from "./scorecard.server";
import { lockState } from "./locks.server";
import { formAt, recordRevision, reportWithUnit } from "./submission-history.server";
import { ancestorIds } from "./submissions.server";
import { localeOf, say, type LocalizedText } from "~/i18n/message";
import { reportChecks } from "./verification-checks.server";
import { notify } from "./notifications.server";
import { reportOperatorsByUnit } from "./village-entry.server";

/** A report's status as the verifier's refusal names it. */
const STATUS_WORD: Record<"approved" | "returned" | "draft", LocalizedText> = {
  approved: { id: "disetujui", en: "approved" },
  returned: { id: "dikembalikan", en: "returned" },
  draft: { id: "draf", en: "draft" },
};

/** The report with `id` if it lies in one of the verifier's districts: 404 when missing, 403 outside. */
async function reportInScope(user: SessionUser, id: number) {
  const row = await reportWithUnit(id, user);
  if (!mayVerify(user, { path: row.unit_path })) throw forbidden(user);
  return row;
}

interface FieldRow {
  key: string;
  label: string;
  section: string;
  current: unknown;
  previous: unknown;
  /** Why the field is flagged, in the reader's language; empty when it is not. */
  flags: string[];
}

/** A stored answer as the operator saw it: choice labels (in the reader's language) instead of their values. */
function shown(field: Field, value: unknown, locale: Locale): unknown {
  const label = (v: unknown) => (field.choices ?? []).find((c) => c.value === v);
  if (field.type === "choice") return label(value) ? (localText(label(value)!.label, locale) ?? value) : value;
  if (field.type === "multichoice" && Array.isArray(value)) return value.map((v) => (label(v) ? (localText(label(v)!.label, locale) ?? v) : v));
  return value;
}

function fieldRows(
  form: Form | undefined,
  data: Record<string, unknown>,
  previous: Readonly<Record<string, unknown>> | null,
  flags: readonly ChangeFlag[],
  locale: Locale,
): FieldRow[] {
  const flagsOf = (key: string) => flags.filter((f) => f.field === key).map((f) => changeFlagMessage(f.code, f.params, locale));
  if (!form)
    return Object.keys(data).map((key) => ({ key, label: key, section: "", current: data[key], previous: previous?.[key] ?? null, flags: flagsOf(key) }));
  // Bookkeeping fields (a formula that reads no answer) are the form's, not the Puskesmas': not shown, as on the fill page.
  const bookkeeping = new Set(bookkeepingFields(form));
  return form.sections.flatMap((section) =>
    section.fields
      .filter((f) => !bookkeeping.has(f.key))
      .map((f) => ({
        key: f.key,
        label: (localText(f.label, locale) ?? f.key) + (f.unit ? ` (${f.unit})` : ""),
        section: localText(section.title, locale) ?? section.key,
        current: Object.hasOwn(data, f.key) ? shown(f, data[f.key], locale) : null,
        previous: previous && Object.hasOwn(previous, f.key) ? shown(f, previous[f.key], locale) : null,
        flags: flagsOf(f.key),
      })),
  );
}

/** The status, revision and note an audit row recorded (absent parts are null). */
function parseAudit(json: string | null): { status: SubmissionStatus | null; revision: number | null; note: string | null } {
  try {
    const v = json ? (JSON.parse(json) as { status?: SubmissionStatus; revision?: number; note?: string }) : {};
    return { status: v.status ?? null, revision: v.revision ?? null, note: v.note ?? null };
  } catch {
    return { status: null, revision: null, note: null };
  }
}

/** One report for the verifier: fields side by side with last period, and its Puskesmas' indicator values. */
export async function verificationDetail(user: SessionUser, id: number) {
  const row = await reportInScope(user, id);
  const unit = { id: row.org_unit_id, path: row.unit_path } as Pick<OrgUnit, "id" | "path">;
  const { districtId } = ancestorIds(unit);
  // Shown in the form version the report was made with (labels of that package version), not the current one.
  const form = await formAt(row.package_key, row.package_version, row.overlay_id, row.form_key);
  const lock = form
    ? await lockState(getDb(), {
        unit: { id: row.org_unit_id, path: row.unit_path },
        packageKey: row.package_key,
        formKey: row.form_key,
        periodType: form.periodType,
        period: row.period,
      })
    : null;
  const locale = localeOf(user);
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const checks = (await reportChecks([row], locale)).get(row.id)!;
  const comparison = checks.flags.comparison;
  const district = districtId ? await getDb().selectFrom("org_unit").select(["code"]).where("id", "=", districtId).executeTakeFirst() : undefined;
  let indicators: Array<{ key: string; name: string; unit: string | null; value: number | null; decimals: number; target: number | null; state: CellState }> =
    [];
  if (district) {
    try {
      const result = await buildScorecard({ packageKey: row.package_key, period: row.period, parentCode: district.code });
      const mine = result.scorecard.rows.find((r) => r.code === row.unit_code);
      // The indicators this report feeds: those reading a field of its form.
      const compiled = compilePackage(result.effective.package);
      const feeds = new Set(
        [...compiled.indicators.values()].filter((ci) => ci.fields.some((k) => compiled.fields.get(k)?.form === row.form_key)).map((ci) => ci.indicator.key),
      );
      if (mine) {
        indicators = result.scorecard.columns
          .map((c, i) => ({ c, i }))
          .filter(({ c }) => feeds.has(c.key))
          .map(({ c, i }) => ({
            key: c.key,
            name: localText(compiled.indicators.get(c.key)?.indicator.name, locale) ?? c.name,
            unit: c.unit,
            decimals: c.decimals,
            value: mine.cells[i].value,
            target: mine.cells[i].target?.value ?? null,
            state: mine.cells[i].state,
          }));
      }
    } catch {
      // A scorecard that cannot be built (e.g. a period type without indicators) leaves the list empty.
      indicators = [];
    }
  }
  // The backfill that last stored this report after its deadline: who, when and why.
  const late = row.late_entry
    ? await getDb()
        .selectFrom("submission_revision as r")
        .leftJoin("app_user as u", "u.id", "r.actor_user_id")
        .select(["r.late_entry_reason", "r.at", "u.display_name as actor"])
        .where("r.submission_id", "=", row.id)
        .where("r.late_entry_reason", "is not", null)
        .orderBy("r.revision", "desc")
        .limit(1)
        .executeTakeFirst()
    : undefined;
  const history = await getDb()
    .selectFrom("audit_log as a")
    .leftJoin("app_user as u", "u.id", "a.actor_user_id")
    .select(["a.id", "a.at", "a.action", "a.before_json", "a.after_json", "u.username"])
    .where("a.entity_type", "=", "submission")
    .where("a.entity_id", "=", String(row.id))
    .orderBy("a.id")
    .execute();
  return {
    id: row.id,
    unit: { code: row.unit_code, name: row.unit_name },
    formKey: row.form_key,
    formTitle: form ? (localText(form.title, locale) ?? form.key) : row.form_key,
    period: row.period,
    status: row.status,
    revision: row.revision,
    packageVersion: row.package_version,
    deadline: lock?.deadline ?? null,
    pastDeadline: lock?.pastDeadline ?? false,
    returnNote: row.return_note,
    lateEntry: late ? { reason: late.late_entry_reason ?? "", at: late.at, actor: late.actor ?? null } : null,
    submittedAt: row.submitted_at,
    /** The calendar period before this one and its report's status (a draft included), if any. */
    previousPeriod: checks.previousPeriod,
    /** The newest earlier non-draft report the values are compared with. */
    comparison: comparison ? { period: comparison.period, status: comparison.status } : null,
    flaggedFields: checks.flags.flaggedFields.length,
    warnings: checks.warnings.map((w) => w.message),
    fields: fieldRows(form, data, comparison?.data ?? null, checks.flags.flags, locale),
    knownFields: form ? fieldsOf(form).length : 0,
    indicators,
    history: history.map((h) => {
      const before = parseAudit(h.before_json);
      const after = parseAudit(h.after_json);
      return { id: h.id, at: h.at, action: h.action, username: h.username, from: before.status, to: after.status, revision: after.revision, note: after.note };
    }),
  };
}

export type Decision = "approve" | "return";

export type DecisionResult = { ok: true; status: SubmissionStatus; revision: number } | { ok: false; status: number; message: string; field?: "note" };

/**
 * Approves or returns a submitted report. The verifier's page carries the revision it showed;
 * the update only applies to that revision in status "submitted", so a report the operator
 * changed meanwhile is refused with a clear message and nothing changes.
 */
export async function decide(input: {
  user: SessionUser;
  id: number;
  decision: Decision;
  revision: number;
  note: string;
  ip?: string | null;
}): Promise<DecisionResult> {
  const row = await reportInScope(input.user, input.id);
  const note = input.note.trim();
  if (input.decision === "return" && note.length === 0)
    return { ok: false, status: 400, message: say(input.user, "verification.error.noteRequired"), field: "note" };
  if (note.length > 2000) return { ok: false, status: 400, message: say(input.user, "verification.error.noteTooLong"), field: "note" };
  const status: SubmissionStatus = input.decision === "approve" ? "approved" : "returned";
  const now = nowIso();
  // The form's title for the operators' "report returned" notification, read before the transaction.
  const returnedTitle =
    status === "returned" ? ((await formAt(row.package_key, row.package_version, row.overlay_id, row.form_key))?.title ?? { id: row.form_key }) : null;
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .updateTable("submission")
        .set({
          status,
          revision: input.revision + 1,
          updated_at: now,
          return_note: input.decision === "return" ? note : null,
          approved_at: input.decision === "approve" ? now : null,
          approved_by: input.decision === "approve" ? input.user.id : null,
        })
        .where("id", "=", input.id)
        .where("revision", "=", input.revision)
        .where("status", "=", "submitted")
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        const current = await trx.selectFrom("submission").select(["status", "revision"]).where("id", "=", input.id).executeTakeFirst();
        const message =
          current && current.status !== "submitted"
            ? say(input.user, "verification.error.statusChanged", {
                status: current.status === "approved" ? STATUS_WORD.approved : current.status === "returned" ? STATUS_WORD.returned : STATUS_WORD.draft,
              })
            : say(input.user, "verification.error.changedMeanwhile");
        return { ok: false as const, status: 409, message };
      }
      // A returned report no longer counts on scorecards until it is submitted again.
      if (status === "returned") await trx.deleteFrom("submission_value").where("submission_id", "=", input.id).execute();
      // The version just decided on (read in this transaction: the page's copy may be older).
      const decided = await trx
        .selectFrom("submission")
        .select(["data", "package_key", "package_version", "overlay_id"])
        .where("id", "=", input.id)
        .executeTakeFirstOrThrow();
      await recordRevision(trx, {
        submissionId: input.id,
        revision: input.revision + 1,
        action: input.decision === "approve" ? "submission.approve" : "submission.return",
        status,
        data: decided.data,
        packageKey: decided.package_key,
        packageVersion: decided.package_version,
        overlayId: decided.overlay_id,
        returnNote: input.decision === "return" ? note : null,
        actorUserId: input.user.id,
        at: now,
      });
      await writeAudit(trx, {
        actorUserId: input.user.id,
        action: input.decision === "approve" ? "submission.approve" : "submission.return",
        entityType: "submission",
        entityId: input.id,
        orgUnitId: row.org_unit_id,
        before: { status: "submitted", revision: input.revision },
        after: { status, revision: input.revision + 1, ...(note ? { note } : {}) },
        ip: input.ip,
      });
      if (returnedTitle) {
        // Everyone who enters this unit's reports: its Puskesmas' operators and, for a Pustu or Posyandu, its village operators.
        const recipients = (await reportOperatorsByUnit(trx, [{ id: row.org_unit_id, path: row.unit_path }])).get(row.org_unit_id) ?? [];
        await notify(trx, recipients, {
          kind: "report_returned",
          eventKey: `report_returned:${input.id}:${input.revision + 1}`,
          params: { form: returnedTitle.id, form_en: returnedTitle.en || returnedTitle.id, period: row.period },
          link: `/forms/${encodeURIComponent(row.form_key)}/${encodeURIComponent(row.period)}?unit=${encodeURIComponent(row.unit_code)}`,
          orgUnitId: row.org_unit_id,
        });
      }
      return { ok: true as const, status, revision: input.revision + 1 };
    });
}
