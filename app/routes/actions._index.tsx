import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { notFound, requireUser } from "~/auth/guards.server";
import { ActionStatusBadge } from "~/components/ActionFields";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import type { ActionStatus } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { ACTION_STATUSES, LIST_LIMIT, listActions } from "~/models/actions.server";
import styles from "~/styles/actions.css";
import { parseId } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.actions");
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** Every signed-in user: the actions in their area (an operator's: their Puskesmas'), filtered by the query. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const get = (name: string, max: number) => (url.searchParams.get(name) ?? "").trim().slice(0, max);
  const meeting = get("meeting", 12);
  const meetingId = meeting ? parseId(meeting) : null;
  // A meeting number that no meeting can have (not 1–9 digits) is answered, not bound to a query.
  if (meeting && meetingId === null) throw notFound(user, "actions.error.meetingNotFound");
  const status = get("status", 20);
  const filter = {
    meeting: meetingId === null ? "" : String(meetingId),
    unit: get("unit", 64),
    district: get("district", 64),
    status: ACTION_STATUSES.includes(status as ActionStatus) ? status : "",
    overdue: url.searchParams.get("overdue") === "1",
  };
  const { rows, truncated } = await listActions(user, {
    meetingId,
    unit: filter.unit || null,
    district: filter.district || null,
    status: (filter.status || null) as ActionStatus | null,
    overdueOnly: filter.overdue,
  });
  // The status choices travel with the data: the browser bundle has no server module's constants.
  return { rows, truncated, filter, max: LIST_LIMIT, statuses: ACTION_STATUSES };
}

export default function ActionsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const f = d.filter;
  return (
    <div className="page act-page">
      <PageHeader title={t("actions.title")} intro={t("actions.intro")} />
      <section className="card" aria-labelledby="act-filter">
        <h2 id="act-filter">{t("actions.filter.title")}</h2>
        <Form method="get" className="form-row act-filters">
          <div className="field">
            <label htmlFor="f-status">{t("actions.filter.status")}</label>
            <select id="f-status" name="status" defaultValue={f.status}>
              <option value="">{t("actions.filter.any")}</option>
              {d.statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`actions.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-unit">{t("actions.filter.unit")}</label>
            <input id="f-unit" name="unit" type="text" maxLength={64} defaultValue={f.unit} />
          </div>
          <div className="field">
            <label htmlFor="f-district">{t("actions.filter.district")}</label>
            <input id="f-district" name="district" type="text" maxLength={64} defaultValue={f.district} />
          </div>
          <div className="field">
            <label htmlFor="f-meeting">{t("actions.filter.meeting")}</label>
            <input id="f-meeting" name="meeting" type="text" inputMode="numeric" maxLength={12} defaultValue={f.meeting} />
          </div>
          <div className="field">
            <label className="act-check">
              <input type="checkbox" name="overdue" value="1" defaultChecked={f.overdue} /> {t("actions.filter.overdue")}
            </label>
          </div>
          <div className="field button-row">
            <button type="submit" className="button secondary">
              {t("actions.filter.apply")}
            </button>
            <Link to="/actions">{t("actions.filter.reset")}</Link>
          </div>
        </Form>
      </section>
      {d.truncated ? <p className="alert">{t("actions.truncated", { max: d.max })}</p> : null}
      <DataTable
        className="data act-table"
        stacked
        caption={t("actions.title")}
        rows={d.rows}
        rowKey={(r) => r.id}
        rowProps={(r) => (r.overdue ? { className: "act-row-overdue", "data-overdue": "1" } : {})}
        empty={<p className="muted">{t("actions.empty")}</p>}
        columns={[
          { header: t("actions.col.problem"), rowHeader: true, cell: (r) => <span className="act-text">{r.problem}</span> },
          { header: t("actions.col.plan"), cell: (r) => <span className="act-text">{r.plan}</span> },
          {
            header: t("actions.col.cell"),
            cell: (r) => (
              <>
                {r.indicator ? r.indicator[t.locale] : r.indicator_key ? r.indicator_key : t("actions.detail.meetingWhole")}
                <br />
                <small className="muted">
                  {r.unit_name}
                  {r.period ? ` · ${r.period}` : ""}
                </small>
              </>
            ),
          },
          { header: t("actions.col.unit"), cell: (r) => r.responsible_name },
          { header: t("actions.col.due"), cell: (r) => r.due_date },
          {
            header: t("actions.col.status"),
            cell: (r) => <ActionStatusBadge status={r.status} overdue={r.overdue} verified={r.status === "done" ? r.verified_at !== null : undefined} />,
          },
        ]}
        actions={{
          header: t("table.action"),
          cell: (r) => (
            <Link to={`/actions/${r.id}`} aria-label={t("actions.openLabel", { problem: r.problem.slice(0, 80) })}>
              {t("actions.open")}
            </Link>
          ),
        }}
      />
    </div>
  );
}
