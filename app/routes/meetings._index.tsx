import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser, hasRole } from "~/auth/guards.server";
import { MEETING_RUNNER_ROLES } from "~/auth/policy.server";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import { meetingDate, meetingPeriod } from "~/components/meetings/format";
import type { MessageKey } from "~/i18n/catalog";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { MEETING_KINDS, MEETING_STATUSES } from "~/contracts/meetings";
import { listMeetings } from "~/models/meetings.server";
import styles from "~/styles/meetings.css";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meetings.meta.list");
export const links = () => [{ rel: "stylesheet", href: styles }];

/** Anyone signed in: the meetings whose scope touches their area, or that they were invited to (mayReadMeeting). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const p = new URL(request.url).searchParams;
  const clip = (name: string) => (p.get(name) ?? "").trim().slice(0, 16);
  const filters = { kind: clip("kind"), status: clip("status"), period: clip("period") };
  const meetings = await listMeetings(user, filters);
  return { meetings, filters, canCreate: hasRole(user, MEETING_RUNNER_ROLES) };
}

export default function MeetingsPage() {
  const { meetings, filters, canCreate } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="page meetings">
      <PageHeader title={t("meetings.title")} intro={t("meetings.intro")}>
        {canCreate ? (
          <Link className="button" to="/meetings/new">
            {t("meetings.create")}
          </Link>
        ) : null}
      </PageHeader>
      <section className="card" aria-labelledby="meetings-filter">
        <h2 id="meetings-filter" className="visually-hidden">
          {t("meetings.filter.title")}
        </h2>
        <Form method="get" className="form-row meetings-filters">
          <div className="field">
            <label htmlFor="f-kind">{t("meetings.filter.kind")}</label>
            <select id="f-kind" name="kind" defaultValue={filters.kind}>
              <option value="">{t("meetings.filter.any")}</option>
              {MEETING_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`meetings.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-status">{t("meetings.filter.status")}</label>
            <select id="f-status" name="status" defaultValue={filters.status}>
              <option value="">{t("meetings.filter.any")}</option>
              {MEETING_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`meetings.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-period">{t("meetings.filter.period")}</label>
            <input id="f-period" name="period" type="text" maxLength={16} defaultValue={filters.period} aria-describedby="f-period-help" />
            <span className="help" id="f-period-help">
              {t("meetings.filter.periodHelp")}
            </span>
          </div>
          <div className="field">
            <button type="submit" className="button secondary">
              {t("meetings.filter.apply")}
            </button>
          </div>
        </Form>
      </section>
      <section className="card">
        <DataTable
          stacked
          rows={meetings}
          rowKey={(m) => m.id}
          caption={t("meetings.list.caption")}
          empty={t("meetings.empty")}
          rowProps={(m) => ({ "data-meeting": String(m.id) })}
          columns={[
            {
              header: t("meetings.col.title"),
              cell: (m) => <Link to={`/meetings/${m.id}`}>{m.title}</Link>,
            },
            { header: t("meetings.col.date"), cell: (m) => meetingDate(m.meetingDate, t) },
            { header: t("meetings.col.kind"), cell: (m) => t(`meetings.kind.${m.kind}` as MessageKey) },
            { header: t("meetings.col.scope"), cell: (m) => m.scopeNames.join(", ") },
            { header: t("meetings.col.period"), cell: (m) => meetingPeriod(m.period, t) },
            {
              header: t("meetings.col.status"),
              cell: (m) => <span className={`badge meeting-${m.status}`}>{t(`meetings.status.${m.status}` as MessageKey)}</span>,
            },
          ]}
        />
      </section>
    </div>
  );
}
