import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole, requireUser } from "~/auth/guards.server";
import { OPERATOR_ROLES, operatorGrants } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { operatorForms } from "~/models/entry.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import styles from "~/styles/locks.css";
import { pageTitle } from "~/i18n/title";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.forms");

/** Operators only: the forms of their own Puskesmas (from the session's grants), with status. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, OPERATOR_ROLES);
  const grants = operatorGrants(user);
  const units = grants.length
    ? await getDb()
        .selectFrom("org_unit")
        .selectAll()
        .where(
          "id",
          "in",
          grants.map((g) => g.orgUnitId),
        )
        .orderBy("code")
        .execute()
    : [];
  return { rows: await operatorForms(units), several: units.length > 1 };
}

export default function FormsPage() {
  const { rows, several } = useLoaderData<typeof loader>();
  const t = useT();
  const pick = (text: { id: string; en?: string }) => (t.locale === "en" && text.en ? text.en : text.id);
  return (
    <div className="page">
      <PageHeader title={t("forms.title")} intro={t("forms.intro")} />
      <DataTable
        stacked
        rows={rows}
        rowKey={(r) => `${r.unitCode}-${r.formKey}-${r.period}`}
        empty={t("forms.empty")}
        columns={[
          { header: t("forms.col.form"), cell: (r) => pick(r.title) },
          several ? { header: t("forms.col.unit"), cell: (r) => r.unitName } : null,
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
            const href = `/forms/${encodeURIComponent(r.formKey)}/${encodeURIComponent(r.period)}${several ? `?unit=${encodeURIComponent(r.unitCode)}` : ""}`;
            const label = r.locked ? t("forms.view") : t("forms.fill");
            return (
              <>
                <Link to={href} aria-label={`${label}: ${pick(r.title)} ${r.period}`}>
                  {label}
                </Link>
                {r.submissionId ? (
                  <>
                    {" · "}
                    <Link to={`/submissions/${r.submissionId}/history`} aria-label={t("locks.history.linkLabel", { form: pick(r.title), period: r.period })}>
                      {t("locks.history.link")}
                    </Link>
                  </>
                ) : null}
              </>
            );
          },
        }}
      />
    </div>
  );
}
