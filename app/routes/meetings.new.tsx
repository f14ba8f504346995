import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { areaRoots, MEETING_RUNNER_ROLES } from "~/auth/policy.server";
import { PageHeader } from "~/components/PageHeader";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { MAX_GUESTS, MAX_LOCATION, MAX_NAME, MAX_TITLE, MEETING_KINDS } from "~/contracts/meetings";
import { createMeeting, packageChoices, runnerScopeUnits, scopeInvitees, type MeetingInput } from "~/models/meetings.server";
import { defaultPeriod } from "~/models/scorecard-view.server";
import { clock } from "~/utils/clock.server";
import { clientIp, readForm } from "~/utils/http.server";
import styles from "~/styles/meetings.css";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meetings.meta.new");
export const links = () => [{ rel: "stylesheet", href: styles }];

/** Empty rows offered for participants without an account (beyond those typed). */
const GUEST_ROWS = 3;
const MAX_LIST = 500;

interface FormValues extends MeetingInput {
  /** The scope the invitee lists were shown for: the ticks count only for that scope. */
  unitsFor: string;
}

type Source = { get(name: string): unknown; getAll(name: string): unknown[] };

/** The form's values from a form body or the query string (a "refresh participants" GET), bounded. */
function readValues(src: Source): FormValues {
  const one = (name: string, max: number) => {
    const v = src.get(name);
    return typeof v === "string" ? v.slice(0, max) : "";
  };
  const all = (name: string, max: number, limit = MAX_LIST) =>
    src
      .getAll(name)
      .slice(0, limit)
      .map((v) => (typeof v === "string" ? v.slice(0, max) : ""));
  const names = all("guestName", MAX_NAME + 1, MAX_GUESTS + 1);
  const positions = all("guestPosition", MAX_NAME + 1, MAX_GUESTS + 1);
  const guests = Array.from({ length: Math.max(names.length, positions.length) }, (_, i) => ({ name: names[i] ?? "", position: positions[i] ?? "" }));
  return {
    kind: one("kind", 16),
    title: one("title", MAX_TITLE + 1),
    scope: all("scope", 32, 100),
    packageKey: one("package", 64),
    group: one("group", 64),
    period: one("period", 16),
    date: one("date", 10),
    location: one("location", MAX_LOCATION + 1),
    units: all("unit", 32),
    accounts: all("account", 12),
    guests,
    unitsFor: one("unitsFor", 2000),
  };
}

/** Runners (district admins, facilitators, the national admin): the form, its choices within their area, and the invitees of the chosen scope. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, MEETING_RUNNER_ROLES);
  const url = new URL(request.url);
  const scopeUnits = await runnerScopeUnits(user);
  const packages = await packageChoices();
  const asked = readValues(url.searchParams);
  const roots = areaRoots(user.grants.filter((g) => MEETING_RUNNER_ROLES.includes(g.role)));
  // One district to run meetings for: it is the scope unless another was asked for.
  const only = roots.length === 1 && roots[0].orgLevel === "district" ? [roots[0].orgCode] : [];
  const known = new Map(scopeUnits.map((u) => [u.code, u]));
  const scope = (url.searchParams.has("scope") ? asked.scope : only).filter((c) => known.has(c));
  const invitees = await scopeInvitees(scope.map((c) => known.get(c)!));
  const fresh = !url.searchParams.has("kind");
  const values: FormValues = {
    ...asked,
    kind: asked.kind || "evaluation",
    scope,
    packageKey: asked.packageKey || packages[0]?.key || "",
    period: fresh ? defaultPeriod(clock.now()) : asked.period,
    date: fresh ? clock.today() : asked.date,
    accounts: asked.accounts,
  };
  return {
    scopeUnits: scopeUnits.map(({ code, name, level }) => ({ code, name, level })),
    packages,
    puskesmas: invitees.puskesmas,
    accounts: invitees.accounts.filter((a) => a.id !== user.id),
    scopeKey: scope.join(","),
    values,
  };
}

type ActionData = { message: string; field?: string; values: FormValues };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, MEETING_RUNNER_ROLES);
  const form = await readForm(request);
  const values = readValues(form);
  const result = await createMeeting(user, values, clientIp(context));
  if (result.ok) return redirect(`/meetings/${result.id}?created=${result.notified}`);
  return data<ActionData>({ message: say(user, result.message.key, result.message.params), field: result.field, values }, { status: result.status });
}

export default function NewMeetingPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const v = result?.values ?? d.values;
  const busy = navigation.state !== "idle";
  const err = (field: string) => (result && result.field === field ? result.message : null);
  const described = (field: string, help?: string) => {
    const ids = [help, err(field) ? `err-${field}` : undefined].filter(Boolean).join(" ");
    return ids ? { "aria-describedby": ids } : {};
  };
  const invalid = (field: string, help?: string) => ({ ...(err(field) ? { "aria-invalid": true as const } : {}), ...described(field, help) });
  const fieldError = (field: string) =>
    err(field) ? (
      <span className="field-error" id={`err-${field}`}>
        {err(field)}
      </span>
    ) : null;
  // Ticks typed for the scope now listed are kept; otherwise every Puskesmas of the scope is invited.
  const sameScope = v.unitsFor === d.scopeKey && v.unitsFor !== "";
  const unitChecked = (code: string) => (sameScope ? v.units.includes(code) : true);
  const guests = [...v.guests.filter((g) => g.name || g.position)];
  while (guests.length < Math.max(GUEST_ROWS, v.guests.filter((g) => g.name || g.position).length + 1)) guests.push({ name: "", position: "" });
  const pkg = d.packages.find((p) => p.key === v.packageKey) ?? d.packages[0];

  if (d.scopeUnits.length === 0) {
    return (
      <div className="page meetings">
        <PageHeader title={t("meetings.new.title")} />
        <p className="empty">{t("meetings.new.noArea")}</p>
      </div>
    );
  }

  return (
    <div className="page meetings">
      <PageHeader title={t("meetings.new.title")} intro={t("meetings.new.intro")} />
      {result ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      <Form method="post" className="card" key={d.scopeKey} noValidate>
        <input type="hidden" name="unitsFor" value={d.scopeKey} />
        <div className="form-row">
          <div className="field">
            <label htmlFor="kind">{t("meetings.field.kind")}</label>
            <select id="kind" name="kind" defaultValue={v.kind} {...invalid("kind")}>
              {MEETING_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`meetings.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
            {fieldError("kind")}
          </div>
          <div className="field">
            <label htmlFor="title">{t("meetings.field.title")}</label>
            <input id="title" name="title" type="text" maxLength={MAX_TITLE} defaultValue={v.title} {...invalid("title")} />
            {fieldError("title")}
          </div>
        </div>

        <fieldset className="meeting-fieldset" {...described("scope", "scope-help")}>
          <legend>{t("meetings.field.scope")}</legend>
          <p className="help" id="scope-help">
            {t("meetings.field.scopeHelp")}
          </p>
          <div className="meeting-checks">
            {d.scopeUnits.map((u) => (
              <label key={u.code}>
                <input type="checkbox" name="scope" value={u.code} defaultChecked={v.scope.includes(u.code)} />
                <span>
                  {u.name} <span className="muted">({u.code})</span>
                </span>
              </label>
            ))}
          </div>
          {fieldError("scope")}
          <div className="button-row">
            <button type="submit" className="button secondary" formMethod="get" formNoValidate disabled={busy}>
              {t("meetings.refresh")}
            </button>
          </div>
        </fieldset>

        <div className="form-row">
          <div className="field">
            <label htmlFor="package">{t("meetings.field.package")}</label>
            <select id="package" name="package" defaultValue={v.packageKey} {...invalid("package")}>
              {d.packages.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.title}
                </option>
              ))}
            </select>
            {fieldError("package")}
          </div>
          <div className="field">
            <label htmlFor="group">{t("meetings.field.group")}</label>
            <select id="group" name="group" defaultValue={v.group} {...invalid("group")}>
              <option value="">{t("meetings.field.groupAll")}</option>
              {(pkg?.groups ?? []).map((g) => (
                <option key={g.key} value={g.key}>
                  {t.locale === "en" ? g.name.en : g.name.id}
                </option>
              ))}
            </select>
            {fieldError("group")}
          </div>
          <div className="field">
            <label htmlFor="period">{t("meetings.field.period")}</label>
            <input id="period" name="period" type="text" maxLength={16} defaultValue={v.period} {...invalid("period", "period-help")} />
            <span className="help" id="period-help">
              {t("meetings.field.periodHelp")}
            </span>
            {fieldError("period")}
          </div>
          <div className="field">
            <label htmlFor="date">{t("meetings.field.date")}</label>
            <input id="date" name="date" type="text" inputMode="numeric" maxLength={10} defaultValue={v.date} {...invalid("date", "date-help")} />
            <span className="help" id="date-help">
              {t("meetings.field.dateHelp")}
            </span>
            {fieldError("date")}
          </div>
          <div className="field">
            <label htmlFor="location">{t("meetings.field.location")}</label>
            <input id="location" name="location" type="text" maxLength={MAX_LOCATION} defaultValue={v.location} {...invalid("location")} />
            {fieldError("location")}
          </div>
        </div>

        <fieldset className="meeting-fieldset" {...described("units", "units-help")}>
          <legend>{t("meetings.field.units")}</legend>
          <p className="help" id="units-help">
            {d.puskesmas.length ? t("meetings.field.unitsHelp") : t("meetings.field.unitsNone")}
          </p>
          <div className="meeting-checks">
            {d.puskesmas.map((p) => (
              <label key={p.code}>
                <input type="checkbox" name="unit" value={p.code} defaultChecked={unitChecked(p.code)} />
                <span>
                  {p.name} <span className="muted">({p.district})</span>
                </span>
              </label>
            ))}
          </div>
          {fieldError("units")}
        </fieldset>

        <fieldset className="meeting-fieldset" {...described("accounts")}>
          <legend>{t("meetings.field.accounts")}</legend>
          {d.accounts.length === 0 ? <p className="help">{t("meetings.field.accountsNone")}</p> : null}
          <div className="meeting-checks">
            {d.accounts.map((a) => (
              <label key={a.id}>
                <input type="checkbox" name="account" value={String(a.id)} defaultChecked={v.accounts.includes(String(a.id))} />
                <span>
                  {a.name} <span className="muted">({a.unit})</span>
                </span>
              </label>
            ))}
          </div>
          {fieldError("accounts")}
        </fieldset>

        <fieldset className="meeting-fieldset" {...described("guests", "guests-help")}>
          <legend>{t("meetings.field.guests")}</legend>
          <p className="help" id="guests-help">
            {t("meetings.field.guestsHelp")}
          </p>
          <div className="meeting-guests">
            {guests.map((g, i) => (
              <div className="guest-row" key={i} style={{ display: "contents" }}>
                <div className="field">
                  <label htmlFor={`guest-name-${i}`}>{t("meetings.field.guestName", { n: i + 1 })}</label>
                  <input id={`guest-name-${i}`} name="guestName" type="text" maxLength={MAX_NAME} defaultValue={g.name} />
                </div>
                <div className="field">
                  <label htmlFor={`guest-position-${i}`}>{t("meetings.field.guestPosition", { n: i + 1 })}</label>
                  <input id={`guest-position-${i}`} name="guestPosition" type="text" maxLength={MAX_NAME} defaultValue={g.position} />
                </div>
              </div>
            ))}
          </div>
          {fieldError("guests")}
        </fieldset>

        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {t("meetings.submit")}
          </button>
          <Link to="/meetings">{t("meetings.link.back")}</Link>
        </div>
      </Form>
    </div>
  );
}
