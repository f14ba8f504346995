import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { VERIFIER_ROLES } from "~/auth/policy.server";
import { useT } from "~/i18n/useT";
import { verificationQueue } from "~/models/verification.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.verifications");

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
      <DataTable
        rows={queue}
        rowKey={(s) => s.id}
        empty={t("verification.empty")}
        columns={[
          { header: t("verification.col.unit"), cell: (s) => s.unit },
          { header: t("verification.col.form"), cell: (s) => s.form_key },
          {
            header: t("verification.col.period"),
            cell: (s) => (
              <>
                {s.period}
                {s.late_entry ? (
                  <>
                    {" "}
                    <span className="badge late-entry">{t("backfill.lateEntry")}</span>
                  </>
                ) : null}
              </>
            ),
          },
          { header: t("verification.col.submitted"), cell: (s) => (s.submitted_at ? s.submitted_at.slice(0, 16).replace("T", " ") : "") },
        ]}
        actions={{
          header: t("table.action"),
          cell: (s) => (
            <Link to={`/verification/${s.id}`} aria-label={t("verification.openReport", { unit: s.unit, form: s.form_key, period: s.period })}>
              {t("verification.open")}
            </Link>
          ),
        }}
      />
    </div>
  );
}
