import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { hasRole, notFound, requireUser } from "~/auth/guards.server";
import { OPERATOR_ROLES, VERIFIER_ROLES } from "~/auth/policy.server";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { submissionHistory } from "~/models/submission-history.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import styles from "~/styles/locks.css";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.history");
export const links = () => [{ rel: "stylesheet", href: styles }];

/**
 * Every version of one report: the operator of its Puskesmas, and the verifiers and admins of
 * its district (403 for anyone else, 404 for an unknown id).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.id);
  if (!Number.isInteger(id) || id <= 0) throw notFound(user, "access.report.notFound");
  const history = await submissionHistory(user, id);
  const back = hasRole(user, VERIFIER_ROLES) ? `/verification/${id}` : hasRole(user, OPERATOR_ROLES) ? "/forms" : "/";
  return { ...history, back };
}

export default function SubmissionHistory() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="page">
      <PageHeader title={t("locks.history.title")} intro={t("locks.history.intro", { unit: d.unit.name, form: d.formTitle, period: d.period })} />
      <p>
        {t("entry.status")} <span className={`badge ${d.status}`}>{t(`status.${d.status}` as MessageKey)}</span> · <Link to={d.back}>{t("entry.back")}</Link>
      </p>
      {d.lateEntry ? (
        <p className="alert info" role="note">
          <span className="badge late-entry">{t("backfill.lateEntry")}</span> {t("backfill.history.reportLate")}
        </p>
      ) : null}
      <section className="card" aria-labelledby="versions-title">
        <h2 id="versions-title" className="visually-hidden">
          {t("locks.history.title")}
        </h2>
        {d.versions.length === 0 ? <p className="empty">{t("locks.history.empty")}</p> : null}
        {d.versions.map((v) => (
          <article key={v.id} className="history-version" aria-labelledby={`v-${v.revision}`}>
            <h3 id={`v-${v.revision}`}>
              {t("locks.history.version", { revision: v.revision })} · {t(`audit.${v.action}` as MessageKey)}{" "}
              <span className={`badge ${v.status}`}>{t(`status.${v.status}` as MessageKey)}</span>
              {v.lateEntryReason !== null ? (
                <>
                  {" "}
                  <span className="badge late-entry">{t("backfill.lateEntry")}</span>
                </>
              ) : null}
            </h3>
            <p className="muted">
              {t("locks.history.by", { actor: v.actor ?? t("locks.history.system"), at: v.at.slice(0, 16).replace("T", " ") })} ·{" "}
              {t("locks.history.package", { key: v.packageKey, version: v.packageVersion })}
              {v.overlayVersion !== null ? t("locks.history.overlay", { version: v.overlayVersion }) : ""}
            </p>
            {v.lateEntryReason !== null ? (
              <p className="return-note">
                {t("backfill.history.reason")} {v.lateEntryReason}
              </p>
            ) : null}
            {v.returnNote ? (
              <p className="return-note">
                {t("locks.history.note")} {v.returnNote}
              </p>
            ) : null}
            {!v.first ? (
              v.changes.length === 0 ? (
                <p className="muted">{t("locks.history.noChanges")}</p>
              ) : (
                <DataTable
                  caption={t("locks.history.changes")}
                  rows={v.changes}
                  rowKey={(c) => c.key}
                  rowProps={() => ({ className: "changed" })}
                  columns={[
                    { header: t("locks.history.field"), rowHeader: true, cell: (c) => c.label },
                    { header: t("locks.history.before"), className: "history-before", cell: (c) => c.before },
                    { header: t("locks.history.after"), cell: (c) => c.after },
                  ]}
                />
              )
            ) : null}
            <details open={v.first && d.versions.length === 1}>
              <summary>{t("locks.history.allFields", { count: v.fields.length })}</summary>
              <div className="table-wrap">
                <table className="data">
                  <tbody>
                    {v.fields.map((f) => (
                      <tr key={f.key}>
                        <th scope="row">
                          {f.label} <span className="muted">{f.section}</span>
                        </th>
                        <td>{f.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </article>
        ))}
      </section>
    </div>
  );
}
