import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { LOCK_ROLES } from "~/auth/policy.server";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { useT } from "~/i18n/useT";
import { grantUnlock, locksOverview, revokeUnlock, setDeadline } from "~/models/locks.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import { clientIp, formString, readForm } from "~/utils/http.server";
import styles from "~/styles/locks.css";
import { pageTitle } from "~/i18n/title";
import { FieldError } from "~/components/form/FieldError";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.locks");
export const links = () => [{ rel: "stylesheet", href: styles }];

/** District admins (their district's deadlines and unlocks) and the national admin (national default deadlines). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, LOCK_ROLES);
  return locksOverview(user);
}

type Values = Record<string, string>;
type ActionData = { ok: boolean; intent: string; message: string; field?: string; values: Values | null; scope?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, LOCK_ROLES);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const ip = clientIp(context);
  const reply = (r: { ok: boolean; message: string; field?: string; status?: number }, values: Values | null, scope?: string) =>
    data<ActionData>({ ok: r.ok, intent, message: r.message, field: r.field, values: r.ok ? null : values, scope }, { status: r.ok ? 200 : (r.status ?? 400) });
  if (intent === "deadline") {
    const orgUnitId = Number(formString(form, "orgUnitId", 12));
    const periodType = formString(form, "periodType", 10);
    const days = formString(form, "days", 10);
    const result = await setDeadline({ user, orgUnitId: Number.isInteger(orgUnitId) ? orgUnitId : -1, periodType, days, ip });
    return reply(result, { days, periodType }, `deadline-${orgUnitId}-${periodType}`);
  }
  if (intent === "grant") {
    const values = {
      district: formString(form, "district", 64),
      unit: formString(form, "unit", 64),
      form: formString(form, "form", 140),
      period: formString(form, "period", 20),
      days: formString(form, "days", 10),
      reason: formString(form, "reason", 2000),
      reopen: formString(form, "reopen", 5),
    };
    const result = await grantUnlock({
      user,
      unitCode: values.unit,
      form: values.form,
      period: values.period,
      reason: values.reason,
      days: values.days,
      reopenApproved: values.reopen === "1",
      ip,
    });
    return reply(result, values, `grant-${values.district}`);
  }
  if (intent === "revoke") {
    const grantId = Number(formString(form, "grantId", 12));
    const result = await revokeUnlock({ user, grantId: Number.isInteger(grantId) ? grantId : -1, ip });
    return reply(result, null);
  }
  return data<ActionData>({ ok: false, intent, message: say(user, "locks.error.intent"), values: null }, { status: 400 });
}

export default function LocksPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const busy = navigation.state !== "idle";
  const errorFor = (scope: string, field: string) => (result && !result.ok && result.scope === scope && result.field === field ? result.message : null);

  const deadlineForm = (orgUnitId: number, deadlines: Array<{ periodType: "month" | "quarter" | "year"; days: number; source: string }>) => (
    <div className="locks-deadlines">
      {deadlines.map((dl) => {
        const scope = `deadline-${orgUnitId}-${dl.periodType}`;
        const error = errorFor(scope, `days-${dl.periodType}`);
        const inputId = `days-${orgUnitId}-${dl.periodType}`;
        return (
          <Form method="post" key={dl.periodType} className="form-row">
            <input type="hidden" name="intent" value="deadline" />
            <input type="hidden" name="orgUnitId" value={orgUnitId} />
            <input type="hidden" name="periodType" value={dl.periodType} />
            <div className="field">
              <label htmlFor={inputId}>
                {t(`locks.periodType.${dl.periodType}` as MessageKey)} ({t("locks.days")})
              </label>
              <input
                id={inputId}
                name="days"
                type="text"
                inputMode="numeric"
                maxLength={4}
                defaultValue={result?.scope === scope && result.values ? result.values.days : String(dl.days)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `err-${inputId}` : `src-${inputId}`}
              />
              <span className="help" id={`src-${inputId}`}>
                {t(`locks.source.${dl.source}` as MessageKey)}
              </span>
              <FieldError id={`err-${inputId}`} message={error} />
            </div>
            <div className="field">
              <button type="submit" className="button secondary" disabled={busy}>
                {t("locks.save")}
              </button>
            </div>
          </Form>
        );
      })}
    </div>
  );

  return (
    <div className="page">
      <PageHeader title={t("locks.title")} intro={t("locks.intro")} />
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.message}
        </div>
      ) : null}
      {result && !result.ok && !result.field ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      {d.districts.length === 0 ? <p className="muted">{t("locks.noDistrict")}</p> : null}

      {d.national ? (
        <section className="card" aria-labelledby="national-title">
          <h2 id="national-title">{t("locks.deadlines.national")}</h2>
          <p className="muted">{t("locks.deadlines.help", { max: d.maxDeadlineDays })}</p>
          {deadlineForm(d.national.id, d.national.deadlines)}
        </section>
      ) : null}

      {d.districts.map((district) => {
        const scope = `grant-${district.code}`;
        const values = result?.scope === scope ? result.values : null;
        const err = (field: string) => errorFor(scope, field);
        const fieldId = (name: string) => `${name}-${district.code}`;
        const invalid = (field: string) => (err(field) ? { "aria-invalid": true as const, "aria-describedby": `err-${fieldId(field)}` } : {});
        return (
          <div key={district.id}>
            <section className="card" aria-labelledby={`deadlines-${district.code}`}>
              <h2 id={`deadlines-${district.code}`}>{t("locks.deadlines.title", { name: district.name })}</h2>
              <p className="muted">{t("locks.deadlines.help", { max: d.maxDeadlineDays })}</p>
              {deadlineForm(district.id, district.deadlines)}
            </section>

            <section className="card" aria-labelledby={`grant-${district.code}`}>
              <h2 id={`grant-${district.code}`}>{t("locks.grant.title", { name: district.name })}</h2>
              <Form method="post" key={result?.ok ? `ok-${result.message}` : scope}>
                <input type="hidden" name="intent" value="grant" />
                <input type="hidden" name="district" value={district.code} />
                <div className="form-row">
                  <div className="field">
                    <label htmlFor={fieldId("unit")}>{t("locks.grant.unit")}</label>
                    <select id={fieldId("unit")} name="unit" defaultValue={values?.unit ?? district.code} {...invalid("unit")}>
                      <option value={district.code}>{t("locks.grant.allUnits", { name: district.name })}</option>
                      {district.puskesmas.map((p) => (
                        <option key={p.code} value={p.code}>
                          {p.name}
                        </option>
                      ))}
                    </select>
                    <FieldError id={`err-${fieldId("unit")}`} message={err("unit")} />
                  </div>
                  <div className="field">
                    <label htmlFor={fieldId("form")}>{t("locks.grant.form")}</label>
                    <select id={fieldId("form")} name="form" defaultValue={values?.form ?? district.forms[0]?.value} {...invalid("form")}>
                      {district.forms.map((f) => (
                        <option key={f.value} value={f.value}>
                          {f.title} ({t(`locks.periodType.${f.periodType}` as MessageKey)})
                        </option>
                      ))}
                    </select>
                    <FieldError id={`err-${fieldId("form")}`} message={err("form")} />
                  </div>
                  <div className="field">
                    <label htmlFor={fieldId("period")}>{t("locks.grant.period")}</label>
                    <input
                      id={fieldId("period")}
                      name="period"
                      type="text"
                      maxLength={10}
                      defaultValue={values?.period ?? ""}
                      {...invalid("period")}
                      aria-describedby={err("period") ? `err-${fieldId("period")}` : `help-${fieldId("period")}`}
                    />
                    <span className="help" id={`help-${fieldId("period")}`}>
                      {t("locks.grant.periodHelp")}
                    </span>
                    <FieldError id={`err-${fieldId("period")}`} message={err("period")} />
                  </div>
                  <div className="field">
                    <label htmlFor={fieldId("days")}>{t("locks.grant.days")}</label>
                    <input
                      id={fieldId("days")}
                      name="days"
                      type="text"
                      inputMode="numeric"
                      maxLength={3}
                      defaultValue={values?.days ?? "7"}
                      {...invalid("days")}
                      aria-describedby={err("days") ? `err-${fieldId("days")}` : `help-${fieldId("days")}`}
                    />
                    <span className="help" id={`help-${fieldId("days")}`}>
                      {t("locks.grant.daysHelp", { max: d.maxUnlockDays })}
                    </span>
                    <FieldError id={`err-${fieldId("days")}`} message={err("days")} />
                  </div>
                </div>
                <div className="field">
                  <label htmlFor={fieldId("reason")}>{t("locks.grant.reason")}</label>
                  <textarea
                    id={fieldId("reason")}
                    name="reason"
                    rows={2}
                    maxLength={500}
                    defaultValue={values?.reason ?? ""}
                    {...invalid("reason")}
                    aria-describedby={err("reason") ? `err-${fieldId("reason")}` : `help-${fieldId("reason")}`}
                  />
                  <span className="help" id={`help-${fieldId("reason")}`}>
                    {t("locks.grant.reasonHelp")}
                  </span>
                  <FieldError id={`err-${fieldId("reason")}`} message={err("reason")} />
                </div>
                <div className="field">
                  <label className="locks-check">
                    <input type="checkbox" name="reopen" value="1" defaultChecked={values?.reopen === "1"} /> {t("locks.grant.reopen")}
                  </label>
                </div>
                <div className="button-row">
                  <button type="submit" className="button" disabled={busy}>
                    {t("locks.grant.submit")}
                  </button>
                </div>
              </Form>
            </section>

            <section className="card" aria-labelledby={`grants-${district.code}`}>
              <h2 id={`grants-${district.code}`}>{t("locks.grants.title")}</h2>
              <DataTable
                rows={district.grants}
                rowKey={(g) => g.id}
                empty={t("locks.grants.empty")}
                columns={[
                  { header: t("locks.col.scope"), cell: (g) => (g.level === "puskesmas" ? g.unit : t("locks.grant.allUnits", { name: g.unit })) },
                  { header: t("locks.col.form"), cell: (g) => g.form_key },
                  { header: t("locks.col.period"), cell: (g) => g.period },
                  {
                    header: t("locks.col.reason"),
                    cell: (g) => (
                      <>
                        {g.reason}
                        {g.reopenApproved ? <span className="muted"> ({t("locks.reopenedMark")})</span> : null}
                      </>
                    ),
                  },
                  {
                    header: t("locks.col.grantedBy"),
                    cell: (g) => (
                      <>
                        {g.grantedBy ?? "–"} <span className="muted">{g.granted_at.slice(0, 16).replace("T", " ")} UTC</span>
                      </>
                    ),
                  },
                  { header: t("locks.col.expires"), cell: (g) => <>{g.expires_at.slice(0, 16).replace("T", " ")} UTC</> },
                  { header: t("locks.col.state"), cell: (g) => <span className={`badge lock-${g.state}`}>{t(`locks.state.${g.state}` as MessageKey)}</span> },
                ]}
                actions={{
                  header: t("table.action"),
                  cell: (g) =>
                    g.state === "active" ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="grantId" value={g.id} />
                        <button
                          type="submit"
                          className="link-button"
                          disabled={busy}
                          aria-label={t("locks.revokeLabel", { form: g.form_key, period: g.period })}
                        >
                          {t("locks.revoke")}
                        </button>
                      </Form>
                    ) : null,
                }}
              />
            </section>
          </div>
        );
      })}
    </div>
  );
}
