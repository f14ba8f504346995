import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { VERIFIER_ROLES } from "~/auth/policy.server";
import type { MessageKey } from "~/i18n/catalog";
import { render, say } from "~/i18n/message";
import { useT } from "~/i18n/useT";
import {
  bulkApprove,
  filterOptions,
  parseQueueFilters,
  QUEUE_LIMIT,
  QUEUE_STATUSES,
  queueRows,
  queueSearch,
  type BulkItem,
} from "~/models/verification-queue.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import { pageTitle } from "~/i18n/title";
import { clientIp, formString, readForm } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.verifications");

const FILTER_NAMES = new Set(["form", "period", "unit", "status"]);

const LAST = { approved: "verification.done.approvedLast", returned: "verification.done.returnedLast" } as const satisfies Record<string, MessageKey>;

/**
 * District verifiers only: reports of their own district(s), filtered by the query (form, period,
 * Puskesmas, status), flagged reports first. A filter that cannot be read is dropped and named (400).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, grants } = await requireUserWithRole(request, VERIFIER_ROLES);
  const url = new URL(request.url);
  const { filters, problems } = parseQueueFilters(url.searchParams);
  // The filter form sends every field; empty ones and the default status leave the address, so links stay short.
  const redundant = [...url.searchParams.entries()].some(([k, v]) => FILTER_NAMES.has(k) && (v === "" || (k === "status" && v === "submitted")));
  if (redundant && problems.length === 0) throw redirect(`/verification${queueSearch(filters)}`);
  const done = url.searchParams.get("done");
  const queue = await queueRows(user, grants, filters);
  const payload = {
    queue,
    // The page lists the oldest QUEUE_LIMIT reports; the verifier is told to filter for the rest.
    truncated: queue.length >= QUEUE_LIMIT ? say(user, "verification.queue.truncated", { max: QUEUE_LIMIT }) : null,
    options: await filterOptions(user, grants),
    filters,
    // Sent with the data: the list lives in a server module, which the browser bundle leaves out.
    statuses: QUEUE_STATUSES,
    search: queueSearch(filters),
    problems: problems.map((p) => render(user, p)),
    done: url.searchParams.get("last") === "1" && (done === "approved" || done === "returned") ? say(user, LAST[done]) : null,
  };
  return problems.length > 0 ? data(payload, { status: 400 }) : payload;
}

/** Bulk approval of clean reports: "review" shows what would be approved, "approve" (confirmed) approves each as a single approval would. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, VERIFIER_ROLES);
  const form = await readForm(request);
  const intent = formString(form, "intent", 10);
  if (intent !== "review" && intent !== "approve") return data({ ok: false as const, message: say(user, "verification.bulk.chooseIntent") }, { status: 400 });
  const picks = form
    .getAll("pick")
    .slice(0, 1000)
    .map((v) => (typeof v === "string" ? v.split(":") : []))
    .map(([id, revision]) => ({ id: Number(id), revision: revision === undefined ? null : Number(revision) }))
    .filter((p) => Number.isInteger(p.id) && p.id > 0);
  const result = await bulkApprove({ user, step: intent, picks, confirmed: formString(form, "confirm", 5) === "yes", ip: clientIp(context) });
  if (!result.ok) return data({ ok: false as const, message: render(user, result.message) }, { status: result.status });
  const refused = result.refused.map((r) => ({ ...r, reason: render(user, r.reason) }));
  if (result.step === "confirm") return { ok: true as const, step: "confirm" as const, items: result.items, refused };
  return { ok: true as const, step: "done" as const, items: result.approved, refused };
}

function ReportList({ items }: { items: Array<BulkItem & { reason?: string }> }) {
  const t = useT();
  return (
    <ul>
      {items.map((i) => (
        <li key={i.id}>
          {t("verification.unitWithCode", { name: i.unit, code: i.unitCode })} · {i.formTitle} · {i.period}
          {i.reason ? <> — {i.reason}</> : null}
        </li>
      ))}
    </ul>
  );
}

export default function VerificationQueue() {
  const { queue, truncated, options, filters, statuses, search, problems, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const clean = queue.filter((s) => s.clean);
  const open = (id: number) => `/verification/${id}${search}`;
  return (
    <div className="page">
      <PageHeader title={t("verification.title")} intro={t("verification.queue.intro")} />
      {done ? (
        <div className="alert success" role="status">
          {done}
        </div>
      ) : null}
      {problems.map((p, i) => (
        <div className="alert error" role="alert" key={i}>
          {p}
        </div>
      ))}
      {result && !result.ok ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      {result?.ok && result.step === "done" ? (
        <div className="alert success" role="status">
          {result.items.length > 0 ? t("verification.bulk.done", { count: result.items.length }) : t("verification.bulk.nothingLeft")}
        </div>
      ) : null}
      {result?.ok && result.step === "confirm" ? (
        <section className="card" aria-labelledby="bulk-confirm-title">
          <h2 id="bulk-confirm-title">
            {result.items.length > 0 ? t("verification.bulk.confirmTitle", { count: result.items.length }) : t("verification.bulk.nothingLeft")}
          </h2>
          {result.items.length > 0 ? (
            <Form method="post">
              <p>{t("verification.bulk.confirmIntro")}</p>
              <ReportList items={result.items} />
              {result.items.map((i) => (
                <input type="hidden" name="pick" value={`${i.id}:${i.revision}`} key={i.id} />
              ))}
              <input type="hidden" name="confirm" value="yes" />
              <div className="button-row">
                <button type="submit" name="intent" value="approve" className="button" disabled={navigation.state !== "idle"}>
                  {t("verification.bulk.confirm", { count: result.items.length })}
                </button>
                <Link to={`/verification${search}`}>{t("verification.bulk.cancel")}</Link>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}
      {result?.ok && result.refused.length > 0 ? (
        <section className="card" aria-labelledby="bulk-refused-title">
          <h2 id="bulk-refused-title">{t("verification.bulk.refusedTitle")}</h2>
          <ReportList items={result.refused} />
        </section>
      ) : null}

      <Form method="get" className="card no-print" aria-labelledby="filter-title">
        <h2 id="filter-title">{t("verification.filter.title")}</h2>
        <div className="form-row">
          <div className="field">
            <label htmlFor="vf-form">{t("verification.filter.form")}</label>
            <select id="vf-form" name="form" defaultValue={filters.form ?? ""}>
              <option value="">{t("verification.filter.allForms")}</option>
              {options.forms.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="vf-period">{t("verification.filter.period")}</label>
            <select id="vf-period" name="period" defaultValue={filters.period ?? ""}>
              <option value="">{t("verification.filter.allPeriods")}</option>
              {filters.period && !options.periods.includes(filters.period) ? <option value={filters.period}>{filters.period}</option> : null}
              {options.periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="vf-unit">{t("verification.filter.unit")}</label>
            <select id="vf-unit" name="unit" defaultValue={filters.unit ?? ""}>
              <option value="">{t("verification.filter.allUnits")}</option>
              {options.units.map((u) => (
                <option key={u.code} value={u.code}>
                  {t("verification.unitWithCode", { name: u.name, code: u.code })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="vf-status">{t("verification.filter.status")}</label>
            <select id="vf-status" name="status" defaultValue={filters.status}>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            {t("verification.filter.apply")}
          </button>
          <Link to="/verification">{t("verification.filter.reset")}</Link>
        </div>
      </Form>

      <Form method="post">
        <p className="muted">
          {t("verification.queue.count", { count: queue.length })}
          {truncated ? <> {truncated}</> : null}
        </p>
        <DataTable
          className="data vq-table"
          rows={queue}
          rowKey={(s) => s.id}
          rowProps={(s) => (s.flagCount > 0 ? { className: "flagged-report", "data-flagged": "1" } : {})}
          empty={t("verification.empty")}
          columns={[
            filters.status === "submitted" && clean.length > 0
              ? {
                  header: t("verification.bulk.pickColumn"),
                  cell: (s) =>
                    s.clean ? (
                      <input
                        type="checkbox"
                        name="pick"
                        value={`${s.id}:${s.revision}`}
                        defaultChecked
                        aria-label={t("verification.bulk.pick", { unit: s.unit, form: s.formTitle, period: s.period })}
                      />
                    ) : null,
                }
              : null,
            { header: t("verification.col.unit"), rowHeader: true, cell: (s) => t("verification.unitWithCode", { name: s.unit, code: s.unitCode }) },
            { header: t("verification.col.form"), cell: (s) => s.formTitle },
            {
              header: t("verification.col.period"),
              cell: (s) => (
                <>
                  {s.period}
                  {s.lateEntry ? (
                    <>
                      {" "}
                      <span className="badge late-entry">{t("backfill.lateEntry")}</span>
                    </>
                  ) : null}
                </>
              ),
            },
            {
              header: t("verification.col.flags"),
              cell: (s) =>
                s.flagCount === 0 && s.warningCount === 0 ? (
                  <span className="muted">{t("verification.noFlags")}</span>
                ) : (
                  <>
                    {s.flagCount > 0 ? <span className="badge flagged">{t("verification.flagCount", { count: s.flagCount })}</span> : null}
                    {s.flagCount > 0 && s.warningCount > 0 ? " " : null}
                    {s.warningCount > 0 ? <span className="badge flagged">{t("verification.warningCount", { count: s.warningCount })}</span> : null}
                  </>
                ),
            },
            filters.status !== "submitted" ? { header: t("verification.filter.status"), cell: (s) => t(`status.${s.status}` as MessageKey) } : null,
            { header: t("verification.col.submitted"), cell: (s) => (s.submittedAt ? s.submittedAt.slice(0, 16).replace("T", " ") : "") },
          ]}
          actions={{
            header: t("table.action"),
            cell: (s) => (
              <Link to={open(s.id)} aria-label={t("verification.openReport", { unit: s.unit, form: s.formTitle, period: s.period })}>
                {t("verification.open")}
              </Link>
            ),
          }}
        />
        {filters.status === "submitted" && queue.length > 0 ? (
          <section aria-labelledby="bulk-title">
            <h2 id="bulk-title">{t("verification.bulk.title")}</h2>
            {clean.length > 0 ? (
              <>
                <p className="muted">{t("verification.bulk.help")}</p>
                <div className="button-row">
                  <button type="submit" name="intent" value="review" className="button secondary" disabled={navigation.state !== "idle"}>
                    {t("verification.bulk.review")}
                  </button>
                </div>
              </>
            ) : (
              <p className="muted">{t("verification.bulk.none")}</p>
            )}
          </section>
        ) : null}
      </Form>
    </div>
  );
}
