import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbidden, notFound, requireUserWithRole } from "~/auth/guards.server";
import { mayRunMeeting, MEETING_RUNNER_ROLES } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { ActionFields, type ActionFieldValues } from "~/components/ActionFields";
import { PageHeader } from "~/components/PageHeader";
import { formatNumber, periodName } from "~/contracts/scorecard";
import { getDb } from "~/db/db.server";
import { serverT } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { cellValue, createAction, indicatorTitle, operatorChoices, responsibleChoices } from "~/models/actions.server";
import { getOrgByCode } from "~/models/org.server";
import styles from "~/styles/actions.css";
import { clock } from "~/utils/clock.server";
import { clientIp, formString, parseId, readForm } from "~/utils/http.server";
import { tryParsePeriod } from "@engine";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.actionNew");
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/**
 * The cell (?package=&indicator=&unit=&period=) and/or meeting (?meeting=) the new action is on,
 * from the URL. A meeting number that no meeting can have (not 1–9 digits) is a 404.
 */
function target(url: URL, user: SessionUser) {
  const get = (name: string, max: number) => (url.searchParams.get(name) ?? "").trim().slice(0, max);
  const meetingText = get("meeting", 12);
  const meetingId = meetingText ? parseId(meetingText) : null;
  if (meetingText && meetingId === null) throw notFound(user, "actions.error.meetingNotFound");
  const cell = { packageKey: get("package", 64), indicatorKey: get("indicator", 100), unit: get("unit", 64), period: get("period", 16) };
  const hasCell = Boolean(cell.packageKey && cell.indicatorKey && cell.unit && cell.period);
  return { meetingId, cell: hasCell ? cell : null };
}

/** Runners only (district admins, facilitators, the national admin), for a cell or meeting in their area. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, MEETING_RUNNER_ROLES);
  const { t, locale } = await serverT(request, user);
  const url = new URL(request.url);
  const { meetingId, cell } = target(url, user);
  const db = getDb();
  const meeting =
    meetingId !== null ? await db.selectFrom("meeting").select(["id", "title", "status"]).where("id", "=", meetingId).executeTakeFirst() : undefined;
  if (meetingId !== null && !meeting) throw notFound(user, "actions.error.meetingNotFound");
  let scopeUnit = null;
  if (meeting) {
    const scope = await db
      .selectFrom("meeting_scope")
      .innerJoin("org_unit", "org_unit.id", "meeting_scope.org_unit_id")
      .selectAll("org_unit")
      .where("meeting_id", "=", meeting.id)
      .orderBy("org_unit.path")
      .execute();
    if (!mayRunMeeting(user, scope)) throw forbidden(user, "actions.error.forbiddenAssign");
    scopeUnit = scope[0] ?? null;
  }
  const unit = cell ? await getOrgByCode(db, cell.unit) : scopeUnit;
  if (cell && !unit) throw notFound(user, "actions.error.cellUnit", { code: cell.unit });
  if (!unit) return { needCell: true as const, search: url.search };
  if (!mayRunMeeting(user, [unit])) throw forbidden(user, "actions.error.forbiddenAssign");
  const indicator = cell ? await indicatorTitle(cell.packageKey, cell.indicatorKey) : null;
  const value = cell ? await cellValue(cell.packageKey, cell.indicatorKey, unit.code, cell.period) : null;
  const units = await responsibleChoices(db, user, unit, meeting?.id ?? null);
  return {
    needCell: false as const,
    search: url.search,
    meeting: meeting ?? null,
    cell: cell
      ? {
          indicator: indicator ? indicator[locale] : cell.indicatorKey,
          period: tryParsePeriod(cell.period).ok ? periodName(cell.period, t) : cell.period,
          value: value === null ? null : formatNumber(value, 2, locale),
        }
      : null,
    unit: { code: unit.code, name: unit.name },
    units,
    operators: await operatorChoices(db, unit.id),
    today: clock.today(),
  };
}

type ActionData = { message: string; field?: string; values: ActionFieldValues };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, MEETING_RUNNER_ROLES);
  const { meetingId, cell } = target(new URL(request.url), user);
  const form = await readForm(request);
  const values: ActionFieldValues = {
    problem: formString(form, "problem", 2100),
    cause: formString(form, "cause", 2100),
    plan: formString(form, "plan", 2100),
    responsibleUnit: formString(form, "responsibleUnit", 64),
    responsiblePerson: formString(form, "responsiblePerson", 300),
    responsibleUser: formString(form, "responsibleUser", 12),
    dueDate: formString(form, "dueDate", 20),
  };
  if (!cell && meetingId === null) return data<ActionData>({ message: (await serverT(request, user)).t("actions.new.needCell"), values }, { status: 400 });
  const result = await createAction({ user, cell, meetingId, fields: values, ip: clientIp(context) });
  if (result.ok) return redirect(`/actions/${result.id}`);
  if (result.status === 403) throw forbidden(user, "actions.error.forbiddenAssign");
  return data<ActionData>({ message: result.message, field: result.field, values }, { status: result.status });
}

export default function NewActionPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  if (d.needCell) {
    return (
      <div className="page">
        <PageHeader title={t("actions.new.title")} />
        <p>{t("actions.new.needCell")}</p>
        <p>
          <Link to="/scorecards">{t("nav.scorecards")}</Link>
        </p>
      </div>
    );
  }
  const values: ActionFieldValues = result?.values ?? {
    problem: "",
    cause: "",
    plan: "",
    responsibleUnit: d.unit.code,
    responsiblePerson: "",
    responsibleUser: "",
    dueDate: "",
  };
  return (
    <div className="page act-page">
      <PageHeader title={t("actions.new.title")} />
      <section className="card" aria-labelledby="act-target">
        <h2 id="act-target">{d.cell ? t("actions.new.cell") : t("actions.new.meeting")}</h2>
        <dl className="act-dl">
          {d.meeting ? (
            <>
              <dt>{t("actions.new.meeting")}</dt>
              <dd>{d.meeting.title}</dd>
            </>
          ) : null}
          {d.cell ? (
            <>
              <dt>{t("actions.new.indicator")}</dt>
              <dd>{d.cell.indicator}</dd>
            </>
          ) : null}
          <dt>{t("actions.new.unit")}</dt>
          <dd>{d.unit.name}</dd>
          {d.cell ? (
            <>
              <dt>{t("actions.new.period")}</dt>
              <dd>{d.cell.period}</dd>
              <dt>{t("actions.new.value")}</dt>
              <dd>
                <strong>{d.cell.value ?? t("actions.new.noValue")}</strong>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {result && !result.field ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      <section className="card" aria-labelledby="act-form-title">
        <h2 id="act-form-title">{t("actions.new.form")}</h2>
        <Form method="post" action={`/actions/new${d.search}`}>
          <ActionFields values={values} error={result ?? null} units={d.units} operators={d.operators} minDate={d.today} />
          <div className="button-row">
            <button type="submit" className="button" disabled={busy}>
              {t("actions.new.submit")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
