import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbiddenText, requireUser } from "~/auth/guards.server";
import { ActionFields, ActionStatusBadge, type ActionFieldValues } from "~/components/ActionFields";
import { PageHeader } from "~/components/PageHeader";
import { formatNumber } from "~/contracts/scorecard";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import {
  actionDetails,
  addEvidence,
  addNote,
  cancelAction,
  changeStatus,
  confirmDone,
  evidenceAllowed,
  markDone,
  MAX_EVIDENCE_BYTES,
  sendBack,
  updateAction,
  type ActionOutcome,
} from "~/models/actions.server";
import styles from "~/styles/actions.css";
import { clock } from "~/utils/clock.server";
import { clientIp, formString, parseId, readForm } from "~/utils/http.server";
import { MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.action");
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const plain = (status: number, text: string) => new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** Anyone whose area holds the action's cell unit or responsible unit (an operator: their Puskesmas). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { locale } = await serverT(request, user);
  const id = parseId(params.id) ?? -1;
  const d = await actionDetails(user, id);
  if ("ok" in d) throw d.status === 403 ? forbiddenText(d.message) : plain(d.status, d.message);
  return {
    ...d,
    indicator: d.indicator ? d.indicator[locale] : null,
    baseline: d.action.baseline_value === null ? null : formatNumber(d.action.baseline_value, 2, locale),
    today: clock.today(),
    maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024,
  };
}

type ActionData = { ok: boolean; intent: string; message: string; field?: string; values?: Record<string, string> };

function reply(intent: string, r: ActionOutcome, values?: Record<string, string>) {
  if (r.ok) return data<ActionData>({ ok: true, intent, message: r.message });
  if (r.status === 403) throw forbiddenText(r.message);
  if (r.status === 404) throw plain(404, r.message);
  return data<ActionData>({ ok: false, intent, message: r.message, field: r.field, values }, { status: r.status });
}

/**
 * Evidence upload: who may add evidence is checked before the body is read (a refusal costs no
 * buffering), the size is bounded before and while the body arrives (decision 019), the type
 * checked by content in the model (which checks the right again in its transaction).
 */
async function uploadEvidence(request: Request, user: Awaited<ReturnType<typeof requireUser>>, id: number, ip: string) {
  const refused = await evidenceAllowed(user, id);
  if (refused) return reply("evidence", refused);
  const { t } = await serverT(request, user);
  const maxMb = MAX_EVIDENCE_BYTES / 1024 / 1024;
  const tooLarge = () =>
    data<ActionData>({ ok: false, intent: "evidence", message: t("actions.error.fileTooLarge", { max: maxMb }), field: "file" }, { status: 413 });
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES) return tooLarge();
  let body: FormData;
  try {
    body = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_EVIDENCE_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return tooLarge();
    return data<ActionData>({ ok: false, intent: "evidence", message: t("actions.error.unreadable"), field: "file" }, { status: 400 });
  }
  const file = body.get("file");
  if (!file || typeof file === "string" || file.size === 0)
    return data<ActionData>({ ok: false, intent: "evidence", message: t("actions.error.noFile"), field: "file" }, { status: 400 });
  const bytes = new Uint8Array(await file.arrayBuffer());
  return reply("evidence", await addEvidence({ user, id, fileName: file.name, bytes, ip }));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = parseId(params.id) ?? -1;
  const ip = clientIp(context);
  if ((request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return uploadEvidence(request, user, id, ip);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  // A revision that is not 1–9 digits matches no row: the change is refused as stale (409).
  const base = { user, id, revision: parseId(formString(form, "revision", 12)) ?? -1, ip };
  const note = formString(form, "note", 2100);
  switch (intent) {
    case "update": {
      const values: ActionFieldValues = {
        problem: formString(form, "problem", 2100),
        cause: formString(form, "cause", 2100),
        plan: formString(form, "plan", 2100),
        responsibleUnit: formString(form, "responsibleUnit", 64),
        responsiblePerson: formString(form, "responsiblePerson", 300),
        responsibleUser: formString(form, "responsibleUser", 12),
        dueDate: formString(form, "dueDate", 20),
      };
      return reply(intent, await updateAction({ ...base, fields: values }), { ...values });
    }
    case "status":
      return reply(intent, await changeStatus({ ...base, to: formString(form, "to", 20), note }), { note });
    case "note":
      return reply(intent, await addNote({ user, id, note, ip }), { note });
    case "done":
      return reply(intent, await markDone({ ...base, note }), { note });
    case "confirm":
      return reply(intent, await confirmDone({ ...base, note }), { note });
    case "sendBack":
      return reply(intent, await sendBack({ ...base, note }), { note });
    case "cancel": {
      const reason = formString(form, "reason", 2100);
      return reply(intent, await cancelAction({ ...base, reason }), { reason });
    }
    default: {
      // Who may not even read the action hears that first (the same as for a known intent).
      const d = await actionDetails(user, id);
      if ("ok" in d && d.status === 403) throw forbiddenText(d.message);
      if ("ok" in d) throw plain(d.status, d.message);
      if (!d.perms.role && !d.perms.sendBack) throw forbiddenText((await serverT(request, user)).t("actions.error.forbiddenChange"));
      return data<ActionData>({ ok: false, intent, message: (await serverT(request, user)).t("actions.error.intent") }, { status: 400 });
    }
  }
}

function utc(iso: string) {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export default function ActionPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const a = d.action;
  const failed = (intent: string) => (result && !result.ok && result.intent === intent ? result : null);
  const kept = (intent: string, name: string) => failed(intent)?.values?.[name] ?? "";
  const noteError = (intent: string, id: string) => {
    const f = failed(intent);
    return f ? (
      <span className="field-error" id={`${id}-error`}>
        {f.message}
      </span>
    ) : null;
  };
  const noteField = (intent: string, label: string, name = "note", required = false) => {
    const id = `act-${intent}-${name}`;
    const invalid = failed(intent) ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <textarea id={id} name={name} rows={2} maxLength={2000} required={required} defaultValue={kept(intent, name)} {...invalid} />
        {noteError(intent, id)}
      </div>
    );
  };
  const statusLabel = (s: string | null) => (s ? t(`actions.status.${s}` as MessageKey) : "");
  const editValues: ActionFieldValues = (failed("update")?.values as ActionFieldValues | undefined) ?? {
    problem: a.problem,
    cause: a.cause ?? "",
    plan: a.plan,
    responsibleUnit: d.responsible.code,
    responsiblePerson: a.responsible_person ?? "",
    responsibleUser: a.responsible_user_id ? String(a.responsible_user_id) : "",
    dueDate: a.due_date,
  };
  return (
    <div className="page act-page">
      <p className="no-print">
        <Link to="/actions">← {t("actions.detail.back")}</Link>
      </p>
      <PageHeader title={t("actions.detail.title", { id: a.id })}>
        <ActionStatusBadge status={a.status} overdue={d.overdue} verified={a.status === "done" ? a.verified_at !== null : undefined} />
      </PageHeader>
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.message}
        </div>
      ) : null}
      {result && !result.ok && !result.field && result.intent !== "note" && !["status", "done", "confirm", "sendBack", "cancel"].includes(result.intent) ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}

      <section className={`card act-summary${d.overdue ? " act-is-overdue" : ""}`} aria-labelledby="act-what">
        <h2 id="act-what">{d.indicator ?? (d.meeting ? d.meeting.title : t("actions.detail.meetingWhole"))}</h2>
        <dl className="act-dl">
          <dt>{t("actions.new.unit")}</dt>
          <dd>
            {d.unit.name}
            {a.period ? ` · ${a.period}` : ""}
          </dd>
          {d.meeting ? (
            <>
              <dt>{t("actions.new.meeting")}</dt>
              <dd>{d.meeting.title}</dd>
            </>
          ) : null}
          {a.indicator_key ? (
            <>
              <dt>{t("actions.detail.baseline")}</dt>
              <dd>{d.baseline ?? t("actions.new.noValue")}</dd>
            </>
          ) : null}
          <dt>{t("actions.field.problem")}</dt>
          <dd className="act-text">{a.problem}</dd>
          {a.cause ? (
            <>
              <dt>{t("actions.field.cause")}</dt>
              <dd className="act-text">{a.cause}</dd>
            </>
          ) : null}
          <dt>{t("actions.field.plan")}</dt>
          <dd className="act-text">{a.plan}</dd>
          <dt>{t("actions.col.unit")}</dt>
          <dd>
            {d.responsible.name}
            {a.responsible_person ? ` · ${a.responsible_person}` : ""}
            {d.responsibleUser ? ` · ${d.responsibleUser}` : ""}
          </dd>
          <dt>{t("actions.field.dueDate")}</dt>
          <dd>
            {a.due_date}
            {d.overdue ? <strong className="act-overdue-badge"> · {t("actions.overdue")}</strong> : null}
          </dd>
        </dl>
        <p className="muted">
          {t("actions.detail.createdBy", { name: d.createdBy ?? "–", at: utc(a.created_at) })}
          {a.done_at ? (
            <>
              <br />
              {t("actions.detail.doneBy", { name: d.doneBy ?? "–", at: utc(a.done_at) })}
            </>
          ) : null}
          {a.verified_at ? (
            <>
              <br />
              {t("actions.detail.verifiedBy", { name: d.verifiedBy ?? "–", at: utc(a.verified_at) })}
            </>
          ) : null}
        </p>
      </section>

      {d.perms.progress || d.perms.note ? (
        <section className="card" aria-labelledby="act-progress">
          <h2 id="act-progress">{t("actions.detail.progress")}</h2>
          {d.perms.note ? (
            // Keyed by the notes so far: a stored note empties the field, a refused one keeps it.
            <Form method="post" className="act-form" key={`note-${d.notes.length}`}>
              <input type="hidden" name="intent" value="note" />
              {noteField("note", t("actions.field.note"), "note", true)}
              <button type="submit" className="button secondary" disabled={busy}>
                {t("actions.detail.addNote")}
              </button>
            </Form>
          ) : null}
          {d.perms.progress ? (
            <div className="button-row">
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="revision" value={a.revision} />
                <input type="hidden" name="to" value={a.status === "planned" ? "in_progress" : "planned"} />
                <button type="submit" className="button secondary" disabled={busy}>
                  {a.status === "planned" ? t("actions.detail.start") : t("actions.detail.backToPlanned")}
                </button>
              </Form>
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="done" />
                <input type="hidden" name="revision" value={a.revision} />
                <button type="submit" className="button" disabled={busy}>
                  {t("actions.detail.markDone")}
                </button>
              </Form>
            </div>
          ) : null}
          {failed("status") || failed("done") ? (
            <div className="alert error" role="alert">
              {(failed("status") ?? failed("done"))!.message}
            </div>
          ) : null}
        </section>
      ) : null}

      {d.perms.sendBack ? (
        <section className="card" aria-labelledby="act-confirm">
          <h2 id="act-confirm">{t("actions.detail.confirmTitle")}</h2>
          {d.perms.ownDone ? <p className="muted">{t("actions.detail.ownDone")}</p> : null}
          <Form method="post" className="act-form">
            <input type="hidden" name="revision" value={a.revision} />
            {noteField("sendBack", t("actions.field.note"))}
            <div className="button-row">
              {d.perms.confirm ? (
                <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
                  {t("actions.detail.confirm")}
                </button>
              ) : null}
              <button type="submit" name="intent" value="sendBack" className="button secondary" disabled={busy}>
                {t("actions.detail.sendBack")}
              </button>
            </div>
          </Form>
          {failed("confirm") ? (
            <div className="alert error" role="alert">
              {failed("confirm")!.message}
            </div>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="act-evidence">
        <h2 id="act-evidence">{t("actions.detail.evidence")}</h2>
        {d.evidence.length === 0 ? (
          <p className="muted">{t("actions.detail.noEvidence")}</p>
        ) : (
          <ul className="act-files">
            {d.evidence.map((e) => (
              <li key={e.id}>
                <a href={`/actions/${a.id}/evidence/${e.id}`} download>
                  {t("actions.detail.download", { name: e.file_name })}
                </a>{" "}
                <small className="muted">
                  {Math.max(1, Math.round(e.byte_size / 1024))} KB · {e.uploader} · {utc(e.uploaded_at)} · SHA-256 {e.sha256.slice(0, 12)}…
                </small>
              </li>
            ))}
          </ul>
        )}
        {d.perms.evidence ? (
          <Form method="post" encType="multipart/form-data" className="act-form" key={`evidence-${d.evidence.length}`}>
            <div className="field">
              <label htmlFor="act-file">{t("actions.field.file", { max: d.maxMb })}</label>
              <input
                id="act-file"
                name="file"
                type="file"
                accept="application/pdf,image/jpeg,image/png"
                required
                {...(failed("evidence") ? { "aria-invalid": true as const, "aria-describedby": "act-file-error" } : {})}
              />
              {failed("evidence") ? (
                <span className="field-error" id="act-file-error">
                  {failed("evidence")!.message}
                </span>
              ) : null}
            </div>
            <button type="submit" className="button secondary" disabled={busy}>
              {t("actions.detail.upload")}
            </button>
          </Form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="act-timeline">
        <h2 id="act-timeline">{t("actions.detail.timeline")}</h2>
        {d.notes.length === 0 ? (
          <p className="muted">{t("actions.detail.noNotes")}</p>
        ) : (
          <ol className="act-timeline">
            {d.notes.map((n) => (
              <li key={n.id}>
                <p>
                  <strong>{utc(n.at)}</strong> · {n.author}
                  {n.status_to ? (
                    <span className="badge"> {t("actions.detail.statusChange", { from: statusLabel(n.status_from), to: statusLabel(n.status_to) })}</span>
                  ) : null}
                </p>
                {n.note ? <p className="act-text">{n.note}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      {d.perms.edit ? (
        <section className="card" aria-labelledby="act-edit">
          <h2 id="act-edit">{t("actions.detail.edit")}</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="revision" value={a.revision} />
            <ActionFields
              values={editValues}
              error={failed("update") ?? null}
              units={d.unitChoices}
              operators={d.operators}
              minDate={a.due_date < d.today ? a.due_date : d.today}
            />
            <button type="submit" className="button secondary" disabled={busy}>
              {t("actions.detail.save")}
            </button>
          </Form>
        </section>
      ) : null}

      {d.perms.cancel ? (
        <section className="card" aria-labelledby="act-cancel">
          <h2 id="act-cancel">{t("actions.detail.cancelTitle")}</h2>
          <Form method="post" className="act-form">
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="revision" value={a.revision} />
            {noteField("cancel", t("actions.field.reason"), "reason", true)}
            <button type="submit" className="button danger" disabled={busy}>
              {t("actions.detail.cancel")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
