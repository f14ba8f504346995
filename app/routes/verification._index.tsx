import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { VERIFIER_ROLES } from "~/auth/policy.server";
import { useT } from "~/i18n/useT";
import { verificationQueue } from "~/models/verification.server";
import { PageHeader } from "~/components/PageHeader";

export const meta: MetaFunction = () => [{ title: "Verifikasi · Pantau ILP" }];

/** District verifiers only: submitted reports of their own district(s). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { grants } = await requireUserWithRole(request, VERIFIER_ROLES);
  return { queue: await verificationQueue(grants) };
}

export default function VerificationQueue() {
  const { queue } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="page">
      <PageHeader title={t("verification.title")} intro={t("verification.intro")} />
      {queue.length === 0 ? (
        <p className="empty">{t("verification.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("verification.col.unit")}</th>
                <th scope="col">{t("verification.col.form")}</th>
                <th scope="col">{t("verification.col.period")}</th>
                <th scope="col">{t("verification.col.submitted")}</th>
                <th scope="col">{t("table.action")}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((s) => (
                <tr key={s.id}>
                  <td>{s.unit}</td>
                  <td>{s.form_key}</td>
                  <td>
                    {s.period}
                    {s.late_entry ? (
                      <>
                        {" "}
                        <span className="badge late-entry">{t("backfill.lateEntry")}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{s.submitted_at ? s.submitted_at.slice(0, 16).replace("T", " ") : ""}</td>
                  <td>
                    <Link to={`/verification/${s.id}`} aria-label={t("verification.openReport", { unit: s.unit, form: s.form_key, period: s.period })}>
                      {t("verification.open")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
