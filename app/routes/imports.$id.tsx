import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { notFound, requireRole, requireUser } from "~/auth/guards.server";
import { say, type Reader } from "~/i18n/message";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { jobReports } from "~/models/backfill.server";
import { IMPORT_ROLES } from "~/auth/policy.server";
import { jobMessage, jobProblems, loadJob, resumeJob } from "~/models/bulk-import.server";
import styles from "~/styles/imports.css";
import { clientIp, readForm } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.import");
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

function jobId(params: Record<string, string | undefined>, reader: Reader): number {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound(reader, "access.import.notFound");
  return id;
}

const problemsCsvPath = (id: number) => `/imports/${id}/problems.csv`;

/** The uploader's own job only (another user's id is 404): progress, counts, one page of problems. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, IMPORT_ROLES);
  const id = jobId(params, user);
  const job = await loadJob(user.id, id);
  if (!job) throw notFound(user, "access.import.notFound");
  const url = new URL(request.url);
  // The download lives in a resource route: a Response returned here would reach the page as data.
  if (url.searchParams.get("format") === "csv") throw redirect(problemsCsvPath(id));
  return pageData(job, Number(url.searchParams.get("page")) || 1, user);
}

async function pageData(job: NonNullable<Awaited<ReturnType<typeof loadJob>>>, page: number, reader: Reader) {
  const problems = await jobProblems(job.id, page, reader);
  const { worker: _worker, user_id: _user, ...rest } = job;
  const visible = { ...rest, message: jobMessage(job, reader) };
  // A backfill lists what it stored, each with its history: the admin's way to the late-entry marks.
  const reports = job.backfill_reason !== null ? await jobReports(job.id) : null;
  return { job: visible, problems: problems.rows, storedProblems: problems.stored, page: problems.page, pages: problems.pages, reports };
}

/** Resume an interrupted or failed job from the first row not yet stored. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, IMPORT_ROLES);
  const id = jobId(params, user);
  const form = await readForm(request);
  if (form.get("intent") !== "resume")
    throw new Response(say(user, "imports.error.intent"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const job = await loadJob(user.id, id);
  if (!job) throw notFound(user, "access.import.notFound");
  await resumeJob(user, id, clientIp(context));
  return redirect(`/imports/${id}`);
}

const STATUS_KEYS: Record<string, MessageKey> = {
  queued: "imports.status.queued",
  running: "imports.status.running",
  done: "imports.status.done",
  failed: "imports.status.failed",
  interrupted: "imports.status.interrupted",
};

/** Polls the loader once a second while the job runs (no inline script: CSP). */
function usePolling(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => window.clearInterval(timer);
  }, [active, revalidator]);
}

export default function ImportJobPage() {
  const { job, problems, storedProblems, page, pages, reports } = useLoaderData<typeof pageData>();
  const navigation = useNavigation();
  const t = useT();
  const active = job.status === "queued" || job.status === "running";
  usePolling(active);
  const pct = job.total_rows === 0 ? 100 : Math.floor((job.next_row / job.total_rows) * 100);
  const more = job.error_count + job.warning_count - storedProblems;
  return (
    <div className="page">
      <p>
        <Link to="/imports">{t("imports.back")}</Link>
      </p>
      <PageHeader title={t("imports.job.title", { file: job.file_name })} intro={t("imports.job.intro", { form: job.form_key, rows: job.total_rows })} />
      {job.backfill_reason !== null ? (
        <div className="alert info" role="note">
          <p>
            <span className="badge late-entry">{t("backfill.option.legend")}</span> {t("backfill.job.banner", { reason: job.backfill_reason })}
          </p>
          <p>{t("backfill.job.bannerHelp")}</p>
        </div>
      ) : null}
      <section className="card" aria-labelledby="progress-title">
        <h2 id="progress-title">
          {t("imports.job.progress")}: <span className={`imp-status imp-status-${job.status}`}>{t(STATUS_KEYS[job.status])}</span>
        </h2>
        <progress className="imp-progress" max={job.total_rows || 1} value={job.next_row} aria-labelledby="progress-title" aria-describedby="progress-text">
          {pct}%
        </progress>
        <p id="progress-text" aria-live="polite">
          {t("imports.job.progressText", { done: job.next_row, total: job.total_rows, pct })}
        </p>
        <dl className="imp-counts">
          <div>
            <dt>{t("imports.job.stored")}</dt>
            <dd>{job.stored_rows}</dd>
          </div>
          <div>
            <dt>{t("imports.job.refused")}</dt>
            <dd>{job.refused_rows}</dd>
          </div>
          <div>
            <dt>{t("imports.job.errors")}</dt>
            <dd>{job.error_count}</dd>
          </div>
          <div>
            <dt>{t("imports.job.warnings")}</dt>
            <dd>{job.warning_count}</dd>
          </div>
        </dl>
        {job.status === "done" ? (
          <div className={`alert ${job.refused_rows ? "warning" : "success"}`} role="status">
            {job.refused_rows
              ? t("imports.job.doneWithErrors", { stored: job.stored_rows, refused: job.refused_rows })
              : t("imports.job.doneAll", { stored: job.stored_rows })}
          </div>
        ) : null}
        {job.message ? (
          <div className="alert error" role="alert">
            {job.message}
          </div>
        ) : null}
        {job.resumable ? (
          <Form method="post">
            <input type="hidden" name="intent" value="resume" />
            <button type="submit" className="button" disabled={navigation.state !== "idle"}>
              {t("imports.job.resume")}
            </button>
          </Form>
        ) : null}
      </section>
      {problems.length > 0 ? (
        <section className="card" aria-labelledby="problems-title">
          <h2 id="problems-title">{t("imports.problems.title", { count: job.error_count + job.warning_count })}</h2>
          <p>
            {t("imports.problems.intro")}{" "}
            <a href={problemsCsvPath(job.id)} download>
              {t("imports.problems.download")}
            </a>
          </p>
          {more > 0 ? <p className="muted">{t("imports.problems.capped", { shown: storedProblems, more })}</p> : null}
          <DataTable
            className="data imp-problems"
            caption={t("imports.problems.caption", { page, pages })}
            rows={problems}
            rowKey={(p, i) => `${p.row_number}-${i}`}
            rowProps={(p) => ({ className: p.severity === "warning" ? "imp-warning" : undefined })}
            columns={[
              { header: t("imports.problems.row"), cell: (p) => p.row_number },
              { header: t("imports.problems.column"), cell: (p) => <code>{p.column_key ?? "—"}</code> },
              { header: t("imports.problems.kind"), cell: (p) => (p.severity === "error" ? t("imports.problems.error") : t("imports.problems.warning")) },
              { header: t("imports.problems.message"), cell: (p) => p.message },
            ]}
          />
          {pages > 1 ? (
            <nav className="imp-pager" aria-label={t("imports.problems.pages")}>
              {page > 1 ? <Link to={`?page=${page - 1}`}>{t("imports.problems.prev")}</Link> : <span />}
              <span>{t("imports.problems.pageOf", { page, pages })}</span>
              {page < pages ? <Link to={`?page=${page + 1}`}>{t("imports.problems.next")}</Link> : <span />}
            </nav>
          ) : null}
        </section>
      ) : job.status === "done" ? null : active ? (
        <p className="muted">{t("imports.problems.pending")}</p>
      ) : null}
      {reports && reports.total > 0 ? (
        <section className="card" aria-labelledby="reports-title">
          <h2 id="reports-title">{t("backfill.job.reports", { count: reports.total })}</h2>
          {reports.total > reports.rows.length ? (
            <p className="muted">{t("backfill.job.reportsCapped", { shown: reports.rows.length, count: reports.total })}</p>
          ) : null}
          <DataTable
            rows={reports.rows}
            rowKey={(r) => `${r.id}-${r.revision}`}
            columns={[
              {
                header: t("backfill.job.unit"),
                cell: (r) => (
                  <>
                    {r.name} ({r.code})
                  </>
                ),
              },
              { header: t("backfill.job.period"), cell: (r) => r.period },
              { header: t("backfill.job.mark"), cell: (r) => (r.lateEntry ? <span className="badge late-entry">{t("backfill.lateEntry")}</span> : "—") },
            ]}
            actions={{
              header: t("table.action"),
              cell: (r) => (
                <Link to={`/submissions/${r.id}/history`} aria-label={t("backfill.job.historyOf", { unit: r.name, period: r.period })}>
                  {t("backfill.job.history")}
                </Link>
              ),
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
