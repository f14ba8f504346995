import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbidden, hasRole, notFound, requireUser } from "~/auth/guards.server";
import { SCORECARD_ROLES } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import { meetingDate, meetingPeriod, movementText } from "~/components/meetings/format";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { metaLocale } from "~/i18n/title";
import { translate } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { MAX_NOTES } from "~/contracts/meetings";
import { closeMeeting, getMeeting, meetingAccess, saveAttendance, saveMeetingNotes, type EditResult } from "~/models/meetings.server";
import { listMeetingActions, previousMeetingFollowUp } from "~/models/meetings-followup.server";
import { getDb } from "~/db/db.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import styles from "~/styles/meetings.css";

export const meta: MetaFunction<typeof loader> = ({ matches, data: d }) => [
  { title: translate(metaLocale(matches), "meetings.meta.detail", { title: d && "meeting" in d ? d.meeting.title : "" }) },
];
export const links = () => [{ rel: "stylesheet", href: styles }];

/** The meeting `params.id` names for `user`: 404 unknown, 403 when the user may not read it. */
async function readable(user: SessionUser, idParam: string | undefined) {
  const id = /^\d{1,9}$/.test(idParam ?? "") ? Number(idParam) : NaN;
  const meeting = Number.isFinite(id) ? await getMeeting(getDb(), id) : undefined;
  if (!meeting) throw notFound(user, "meetings.error.notFound");
  const access = meetingAccess(user, meeting);
  if (!access.read) throw forbidden(user);
  return { meeting, access };
}

/** Anyone who may read the meeting (mayReadMeeting: their area touches its scope, or they were invited); runners of its scope edit it while it is open. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { meeting, access } = await readable(user, params.id);
  const db = getDb();
  const actions = await listMeetingActions(db, meeting.id);
  const followUp = await previousMeetingFollowUp(db, meeting);
  const created = new URL(request.url).searchParams.get("created");
  const scorecard = new URLSearchParams({ template: meeting.packageKey, period: meeting.period });
  if (meeting.scope.length === 1) scorecard.set("parent", meeting.scope[0].code);
  if (meeting.indicatorGroup) scorecard.set("group", meeting.indicatorGroup);
  return {
    meeting,
    canRun: access.run,
    canEdit: access.run && meeting.status === "open",
    actions,
    followUp: followUp ?? null,
    created: created !== null && /^\d{1,6}$/.test(created) ? Number(created) : null,
    scorecardLink: hasRole(user, SCORECARD_ROLES) ? `/scorecards?${scorecard.toString()}` : null,
  };
}

type ActionData = {
  ok: boolean;
  intent: string;
  message: string;
  values: { points: string; decisions: string } | null;
  revision?: number;
  /** After a refused save of the notes: the notes as saved now, to merge with the typed text (the page is not reloaded after a refusal). */
  saved?: { points: string | null; decisions: string | null; revision: number };
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { meeting } = await readable(user, params.id);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const ip = clientIp(context);
  const revisionText = formString(form, "revision", 12);
  const revision = /^\d{1,9}$/.test(revisionText) ? Number(revisionText) : NaN;
  const reply = (r: EditResult, values: ActionData["values"]) => {
    if (!r.ok && r.status === 404) throw notFound(user, r.message.key);
    if (!r.ok && r.status === 403) throw forbidden(user, r.message.key);
    return data<ActionData>(
      { ok: r.ok, intent, message: say(user, r.message.key, r.message.params), values: r.ok ? null : values, revision: r.ok ? r.revision : undefined },
      { status: r.ok ? 200 : r.status },
    );
  };
  if (intent === "notes") {
    const values = { points: formString(form, "points", MAX_NOTES + 1), decisions: formString(form, "decisions", MAX_NOTES + 1) };
    if (Number.isNaN(revision)) return reply({ ok: false, status: 400, message: { key: "meetings.error.revision" } }, values);
    const result = await saveMeetingNotes(user, meeting.id, { ...values, revision }, ip);
    if (result.ok) return reply(result, values);
    const now = await getMeeting(getDb(), meeting.id);
    const replied = reply(result, values);
    return data<ActionData>(
      { ...replied.data, saved: { points: now?.points ?? null, decisions: now?.decisions ?? null, revision: now?.revision ?? meeting.revision } },
      replied.init ?? undefined,
    );
  }
  if (intent === "attendance") {
    const ids = form
      .getAll("attended")
      .slice(0, 2000)
      .map((v) => (typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : NaN))
      .filter((n) => !Number.isNaN(n));
    return reply(await saveAttendance(user, meeting.id, ids, ip), null);
  }
  if (intent === "close") {
    if (Number.isNaN(revision)) return reply({ ok: false, status: 400, message: { key: "meetings.error.revision" } }, null);
    return reply(await closeMeeting(user, meeting.id, revision, ip), null);
  }
  return data<ActionData>({ ok: false, intent, message: say(user, "meetings.error.intent"), values: null }, { status: 400 });
}

export default function MeetingPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const busy = navigation.state !== "idle";
  const m = d.meeting;
  const notesFailed = result && !result.ok && result.intent === "notes" ? result.values : null;
  const savedNow = result && !result.ok && result.intent === "notes" ? (result.saved ?? null) : null;
  const participantKind = (k: string) => t(`meetings.participants.${k}` as MessageKey);

  return (
    <div className="page meetings">
      <PageHeader title={m.title} intro={t(`meetings.kind.${m.kind}` as MessageKey)} />
      {d.created !== null && !result ? (
        <div className="alert success" role="status">
          {t("meetings.created", { count: d.created })}
        </div>
      ) : null}
      {result ? (
        <div className={result.ok ? "alert success" : "alert error"} role={result.ok ? "status" : "alert"}>
          {result.message}
        </div>
      ) : null}

      <section className="card" aria-labelledby="meeting-facts">
        <h2 id="meeting-facts" className="visually-hidden">
          {m.title}
        </h2>
        <dl className="meeting-facts">
          <dt>{t("meetings.detail.kind")}</dt>
          <dd>{t(`meetings.kind.${m.kind}` as MessageKey)}</dd>
          <dt>{t("meetings.detail.scope")}</dt>
          <dd>{m.scope.map((s) => s.name).join(", ")}</dd>
          <dt>{t("meetings.detail.package")}</dt>
          <dd>{m.packageTitle}</dd>
          <dt>{t("meetings.detail.group")}</dt>
          <dd>
            {m.indicatorGroupName ? (t.locale === "en" ? m.indicatorGroupName.en : m.indicatorGroupName.id) : (m.indicatorGroup ?? t("meetings.detail.none"))}
          </dd>
          <dt>{t("meetings.detail.period")}</dt>
          <dd>{meetingPeriod(m.period, t)}</dd>
          <dt>{t("meetings.detail.date")}</dt>
          <dd>{meetingDate(m.meetingDate, t)}</dd>
          <dt>{t("meetings.detail.location")}</dt>
          <dd>{m.location ?? t("meetings.detail.none")}</dd>
          <dt>{t("meetings.detail.status")}</dt>
          <dd>
            <span className={`badge meeting-${m.status}`} data-status={m.status}>
              {t(`meetings.status.${m.status}` as MessageKey)}
            </span>
            {m.closedAt ? <span className="muted"> {t("meetings.detail.closedAt", { at: meetingDate(m.closedAt, t) })}</span> : null}
          </dd>
        </dl>
        <p className="meeting-links">
          <Link className="button secondary" to={`/meetings/${m.id}/present`}>
            {t("meetings.link.present")}
          </Link>
          <a className="button secondary" href={`/meetings/${m.id}/notulen.pdf`}>
            {t("meetings.link.notulenPdf")}
          </a>
          <a className="button secondary" href={`/meetings/${m.id}/notulen.xlsx`}>
            {t("meetings.link.notulenXlsx")}
          </a>
          {d.scorecardLink ? (
            <Link className="button secondary" to={d.scorecardLink}>
              {t("meetings.link.scorecard")}
            </Link>
          ) : null}
        </p>
      </section>

      <section className="card" aria-labelledby="meeting-participants">
        <h2 id="meeting-participants">{t("meetings.participants.title")}</h2>
        {m.participants.length === 0 ? (
          <p className="empty">{t("meetings.participants.empty")}</p>
        ) : d.canEdit ? (
          <Form method="post">
            <input type="hidden" name="intent" value="attendance" />
            <fieldset className="meeting-checks">
              <legend className="visually-hidden">{t("meetings.participants.title")}</legend>
              {m.participants.map((p) => (
                <label key={p.id}>
                  <input
                    type="checkbox"
                    name="attended"
                    value={p.id}
                    defaultChecked={p.attended}
                    aria-label={t("meetings.participants.tick", { name: p.name })}
                  />
                  <span>
                    {p.name} <span className="muted">({p.detail ? `${participantKind(p.kind)}: ${p.detail}` : participantKind(p.kind)})</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div className="button-row">
              <button type="submit" className="button secondary" disabled={busy}>
                {t("meetings.participants.save")}
              </button>
            </div>
          </Form>
        ) : (
          <ul className="meeting-participants">
            {m.participants.map((p) => (
              <li key={p.id}>
                {p.name} <span className="muted">({p.detail ? `${participantKind(p.kind)}: ${p.detail}` : participantKind(p.kind)})</span> —{" "}
                {p.attended ? t("meetings.participants.attended") : t("meetings.participants.absent")}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card meeting-notes" aria-labelledby="meeting-notes">
        <h2 id="meeting-notes">{t("meetings.notes.title")}</h2>
        {d.canEdit ? (
          <Form method="post" key={`notes-${m.revision}`}>
            <input type="hidden" name="intent" value="notes" />
            <input type="hidden" name="revision" value={savedNow && savedNow.revision > m.revision ? savedNow.revision : m.revision} />
            <div className="field">
              <label htmlFor="points">{t("meetings.notes.points")}</label>
              <textarea id="points" name="points" rows={6} maxLength={MAX_NOTES} defaultValue={notesFailed?.points ?? m.points ?? ""} />
            </div>
            <div className="field">
              <label htmlFor="decisions">{t("meetings.notes.decisions")}</label>
              <textarea id="decisions" name="decisions" rows={6} maxLength={MAX_NOTES} defaultValue={notesFailed?.decisions ?? m.decisions ?? ""} />
            </div>
            <div className="button-row">
              <button type="submit" className="button" disabled={busy}>
                {t("meetings.notes.save")}
              </button>
            </div>
            {savedNow ? (
              <details className="meeting-saved" open>
                <summary>{t("meetings.notes.savedVersion")}</summary>
                <h3>{t("meetings.notes.points")}</h3>
                <p className="meeting-text">{savedNow?.points ?? t("meetings.notes.empty")}</p>
                <h3>{t("meetings.notes.decisions")}</h3>
                <p className="meeting-text">{savedNow?.decisions ?? t("meetings.notes.empty")}</p>
              </details>
            ) : null}
          </Form>
        ) : (
          <>
            <h3>{t("meetings.notes.points")}</h3>
            <p className="meeting-text">{m.points ?? t("meetings.notes.empty")}</p>
            <h3>{t("meetings.notes.decisions")}</h3>
            <p className="meeting-text">{m.decisions ?? t("meetings.notes.empty")}</p>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="meeting-actions">
        <h2 id="meeting-actions">{t("meetings.actions.title")}</h2>
        <DataTable
          stacked
          rows={d.actions}
          rowKey={(a) => a.id}
          caption={t("meetings.actions.caption")}
          empty={t("meetings.actions.empty")}
          rowProps={(a) => ({ "data-action": String(a.id) })}
          columns={[
            {
              header: t("meetings.actions.problem"),
              cell: (a) => (
                <Link to={`/actions/${a.id}`} aria-label={`${t("meetings.actions.open", { id: a.id })}: ${a.problem}`}>
                  {a.problem}
                </Link>
              ),
            },
            { header: t("meetings.actions.plan"), cell: (a) => <span className="meeting-text">{a.plan}</span> },
            {
              header: t("meetings.actions.responsible"),
              cell: (a) => (a.responsiblePerson ? `${a.responsibleUnitName} — ${a.responsiblePerson}` : a.responsibleUnitName),
            },
            { header: t("meetings.actions.due"), cell: (a) => meetingDate(a.dueDate, t) },
            { header: t("meetings.actions.status"), cell: (a) => <ActionStatusText action={a} /> },
          ]}
        />
        {d.canRun ? (
          <p className="meeting-links">
            <Link className="button secondary" to={`/actions/new?meeting=${m.id}`}>
              {t("meetings.actions.add")}
            </Link>
          </p>
        ) : null}
      </section>

      {d.followUp ? (
        <section className="card" aria-labelledby="meeting-followup" data-testid="followup">
          <h2 id="meeting-followup">{t("meetings.followup.title")}</h2>
          <p>
            {t("meetings.followup.intro", {
              title: d.followUp.meeting.title,
              date: meetingDate(d.followUp.meeting.meetingDate, t),
              period: meetingPeriod(d.followUp.meeting.period, t),
              now: meetingPeriod(d.followUp.period, t),
            })}{" "}
            <Link to={`/meetings/${d.followUp.meeting.id}`}>{t("meetings.followup.open")}</Link>
          </p>
          <DataTable
            stacked
            rows={d.followUp.actions}
            rowKey={(a) => a.id}
            caption={t("meetings.followup.caption")}
            empty={t("meetings.followup.empty")}
            rowProps={(a) => ({ "data-followup": String(a.id) })}
            columns={[
              {
                header: t("meetings.actions.problem"),
                cell: (a) => <Link to={`/actions/${a.id}`}>{a.problem}</Link>,
              },
              {
                header: t("meetings.followup.indicator"),
                cell: (a) =>
                  a.indicatorKey
                    ? `${a.indicatorName ? (t.locale === "en" ? a.indicatorName.en : a.indicatorName.id) : a.indicatorKey} — ${a.unitName}`
                    : a.unitName,
              },
              { header: t("meetings.actions.status"), cell: (a) => <ActionStatusText action={a} /> },
              {
                header: t("meetings.followup.movement"),
                cell: (a) => <span className={`movement-${a.movement}`}>{movementText(a, t, t.locale)}</span>,
              },
            ]}
          />
        </section>
      ) : null}

      {d.canEdit ? (
        <section className="card" aria-labelledby="meeting-close">
          <h2 id="meeting-close">{t("meetings.close.title")}</h2>
          <p className="help">{t("meetings.close.help")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="close" />
            <input type="hidden" name="revision" value={m.revision} />
            <button type="submit" className="button danger" disabled={busy}>
              {t("meetings.close.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      <p>
        <Link to="/meetings">{t("meetings.link.back")}</Link>
      </p>
    </div>
  );
}

function ActionStatusText({ action }: { action: { status: string; overdue: boolean; dueDate: string; verified: boolean } }) {
  const t = useT();
  return (
    <>
      <span className={`badge action-${action.status}`}>{t(`meetings.actionStatus.${action.status}` as MessageKey)}</span>
      {action.status === "done" && action.verified ? <span className="muted"> ({t("meetings.actions.verified")})</span> : null}
      {action.overdue ? <span className="action-overdue"> {t("meetings.actions.overdue", { date: meetingDate(action.dueDate, t) })}</span> : null}
    </>
  );
}
