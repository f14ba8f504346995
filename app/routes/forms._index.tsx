import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole, requireUser } from "~/auth/guards.server";
import { OPERATOR_ROLES, operatorGrants } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import { entryUnits } from "~/models/village-entry.server";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { unitLabel } from "~/contracts/unit-label";
import { operatorForms } from "~/models/entry.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import styles from "~/styles/locks.css";
import { pageTitle } from "~/i18n/title";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.forms");

/**
 * Operators only: per unit they may enter for (from the session's grants: a Puskesmas operator's
 * Puskesmas, then its Pustu and Posyandu; a village operator's Pustu and its Posyandu), the forms
 * expected from that unit, with status and deadline (docs/decisions/035-village-reporting.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, OPERATOR_ROLES);
  const grants = operatorGrants(user);
  const units = await entryUnits(getDb(), grants);
  const rows = await operatorForms(units);
  // The unit's code goes into the fill link unless it is the operator's one Puskesmas or Pustu (old links keep working).
  const implicit = grants.length === 1 ? grants[0].orgCode : null;
  return {
    /** Every row, in the units' order (as before units were grouped). */
    rows,
    units: units.map((u) => ({
      code: u.code,
      name: u.name,
      level: u.level,
      implicit: u.code === implicit,
      rows: rows.filter((r) => r.unitCode === u.code),
    })),
  };
}

export default function FormsPage() {
  const { units } = useLoaderData<typeof loader>();
  const t = useT();
  const pick = (text: { id: string; en?: string }) => (t.locale === "en" && text.en ? text.en : text.id);
  const several = units.length > 1;
  // The Puskesmas wording only for a Puskesmas alone; a village operator's page speaks of units.
  const villages = several || units.some((u) => u.level !== "puskesmas");
  return (
    <div className="page">
      <PageHeader title={t(villages ? "village.forms.title" : "forms.title")} intro={t(villages ? "village.forms.intro" : "forms.intro")} />
      {units.length === 0 ? <p className="empty">{t("forms.empty")}</p> : null}
      {several ? (
        <nav aria-label={t("village.forms.jump")} className="card">
          <ul className="plain">
            {units.map((u) => (
              <li key={u.code}>
                <a href={`#unit-${u.code}`}>{unitLabel(t(`level.${u.level}` as MessageKey), u.name)}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {units.map((u) => {
        const heading = unitLabel(t(`level.${u.level}` as MessageKey), u.name);
        const table = (
          <DataTable
            stacked
            rows={u.rows}
            rowKey={(r) => `${r.formKey}-${r.period}`}
            label={heading}
            empty={t(villages ? "village.forms.noneForUnit" : "forms.empty")}
            columns={[
              { header: t("forms.col.form"), cell: (r) => pick(r.title) },
              { header: t("forms.col.period"), cell: (r) => r.period },
              {
                header: t("locks.col.deadline"),
                cell: (r) => (
                  <>
                    {r.deadline}
                    {r.unlockedUntil ? <span className="locks-sub muted">{t("locks.unlockedUntil", { at: r.unlockedUntil.slice(0, 10) })}</span> : null}
                  </>
                ),
              },
              {
                header: t("forms.col.status"),
                cell: (r) => (
                  <>
                    <span className={`badge ${r.display}`}>{t(`status.${r.display}` as MessageKey)}</span>
                    {r.display === "late" && r.status !== "missing" ? <span className="locks-sub muted">{t(`status.${r.status}` as MessageKey)}</span> : null}
                    {r.locked && r.status !== "approved" ? <span className="locks-sub muted">{t("locks.locked")}</span> : null}
                  </>
                ),
              },
              { header: t("forms.col.note"), cell: (r) => (r.status === "returned" && r.returnNote ? r.returnNote : "") },
            ]}
            actions={{
              header: t("table.action"),
              cell: (r) => {
                const href = `/forms/${encodeURIComponent(r.formKey)}/${encodeURIComponent(r.period)}${u.implicit ? "" : `?unit=${encodeURIComponent(u.code)}`}`;
                const label = r.locked ? t("forms.view") : t("forms.fill");
                return (
                  <>
                    <Link to={href} aria-label={`${label}: ${pick(r.title)} ${r.period}${several ? ` · ${u.name}` : ""}`}>
                      {label}
                    </Link>
                    {r.submissionId ? (
                      <>
                        {" · "}
                        <Link
                          to={`/submissions/${r.submissionId}/history`}
                          aria-label={t("locks.history.linkLabel", { form: pick(r.title), period: r.period })}
                        >
                          {t("locks.history.link")}
                        </Link>
                      </>
                    ) : null}
                  </>
                );
              },
            }}
          />
        );
        if (!several) return <div key={u.code}>{table}</div>;
        return (
          <section key={u.code} className="card spaced" aria-labelledby={`unit-${u.code}`} data-unit={u.code} data-level={u.level}>
            <h2 id={`unit-${u.code}`}>{heading}</h2>
            <p className="muted">{t("village.forms.unitCode", { code: u.code })}</p>
            {table}
          </section>
        );
      })}
    </div>
  );
}
