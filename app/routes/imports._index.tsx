import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbidden, requireRole, requireUser } from "~/auth/guards.server";
import { backfillScope, IMPORT_PAGE_ROLES, mayBackfill, mayExport, mayImport } from "~/auth/policy.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import {
  createImportJob,
  importForm,
  listJobs,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  MULTIPART_OVERHEAD_BYTES,
  readImportFile,
} from "~/models/bulk-import.server";
import { BACKFILL_REASON_MAX, BACKFILL_REASON_MIN, checkBackfillReason } from "~/models/backfill.server";
import { publishedForms } from "~/models/submission-export.server";
import styles from "~/styles/imports.css";
import { clientIp } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.imports");
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** Importers (operators, admins) and exporters (also verifiers): forms, templates, own jobs. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, IMPORT_PAGE_ROLES);
  const canImport = mayImport(user);
  const forms = (await publishedForms()).map((f) => ({ value: `${f.packageKey}/${f.formKey}`, formKey: f.formKey, packageKey: f.packageKey, title: f.title }));
  return {
    canImport,
    canExport: mayExport(user),
    forms,
    jobs: canImport ? await listJobs(user.id) : [],
    maxMb: Math.round(MAX_IMPORT_BYTES / 1024 / 1024),
    maxRows: MAX_IMPORT_ROWS,
    // Admins only: the area their backfill may cover (docs/decisions/018-backfill.md).
    backfillArea: backfillScope(user).map((g) => g.orgName),
    reasonMin: BACKFILL_REASON_MIN,
    reasonMax: BACKFILL_REASON_MAX,
  };
}

type ActionResult = {
  message: string;
  fileError: string | null;
  form: string;
  confirmWarnings: boolean;
  reasonError?: string;
  backfill?: boolean;
  reason?: string;
};

function refused(status: number, message: string, fileError: string | null, form = "", confirmWarnings = false) {
  return data<ActionResult>({ message, fileError, form, confirmWarnings }, { status });
}

/**
 * Upload: size cap before and while reading (here and in app/server/body-limit.server.ts), then
 * the file is read as a stream with caps, its header checked against the chosen form first
 * (wrong form → one message, nothing stored); the rows become a job.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!mayImport(user)) throw forbidden(user);
  const { t, locale } = await serverT(request, user);
  const maxMb = Math.round(MAX_IMPORT_BYTES / 1024 / 1024);
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES) {
    return refused(413, t("imports.refused"), t("imports.error.tooLarge", { size: (length / 1024 / 1024).toFixed(1), max: maxMb }));
  }
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    return refused(400, t("imports.refused"), t("imports.error.noFile"));
  }
  let body: FormData;
  try {
    body = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return refused(413, t("imports.refused"), t("imports.error.tooLargeNoSize", { max: maxMb }));
    return refused(400, t("imports.refused"), t("imports.error.unreadable"));
  }
  const formValue = String(body.get("form") ?? "");
  const confirmWarnings = body.get("confirmWarnings") === "1";
  // Backfill: checked before the file is read, so a missing reason costs no parsing.
  let backfillReason: string | null = null;
  if (body.get("backfill") === "1") {
    if (!mayBackfill(user)) throw forbidden(user, "backfill.forbidden");
    const field = body.get("reason");
    const raw = typeof field === "string" ? field : "";
    const reason = checkBackfillReason(raw);
    if (!reason.ok)
      return data<ActionResult>(
        {
          message: t("backfill.refused"),
          fileError: null,
          form: formValue,
          confirmWarnings,
          reasonError: t(reason.key, reason.vars),
          backfill: true,
          reason: raw.slice(0, BACKFILL_REASON_MAX + 100),
        },
        { status: 400 },
      );
    backfillReason = reason.reason;
  }
  const [packageKey, formKey] = formValue.split("/");
  const target = packageKey && formKey ? await importForm(packageKey, formKey) : undefined;
  if (!target) return refused(400, t("imports.error.form"), null, formValue, confirmWarnings);
  const file = body.get("file");
  if (!file || typeof file === "string" || file.size === 0) return refused(400, t("imports.refused"), t("imports.error.noFile"), formValue, confirmWarnings);
  const bytes = new Uint8Array(await file.arrayBuffer());
  // Read as a stream with caps; the header is checked against the form before any row is taken.
  const read = await readImportFile(bytes, target, locale);
  if (!read.ok) return refused(400, t(read.wrongForm ? "imports.refusedWrongForm" : "imports.refused"), read.message, formValue, confirmWarnings);
  const id = await createImportJob({
    user,
    target,
    fileName: file.name || `impor.${read.format}`,
    format: read.format,
    bytes: bytes.length,
    file: read.file,
    confirmWarnings,
    backfillReason,
    ip: clientIp(context),
  });
  return redirect(`/imports/${id}`);
}

const STATUS_KEYS: Record<string, MessageKey> = {
  queued: "imports.status.queued",
  running: "imports.status.running",
  done: "imports.status.done",
  failed: "imports.status.failed",
  interrupted: "imports.status.interrupted",
};

export default function ImportsPage() {
  const { canImport, canExport, forms, jobs, maxMb, maxRows, backfillArea, reasonMin, reasonMax } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const pick = (text: { id: string; en?: string }) => (t.locale === "en" && text.en ? text.en : text.id);
  const busy = navigation.state === "submitting";
  const selected = result?.form || forms[0]?.value || "";
  return (
    <div className="page">
      <PageHeader title={t("imports.title")} intro={canImport ? t("imports.intro") : t("imports.introExport")} />
      {result?.message ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      {canImport ? (
        <>
          <section className="card" aria-labelledby="template-title">
            <h2 id="template-title">{t("imports.templates.title")}</h2>
            <p>{t("imports.templates.intro")}</p>
            <ul className="imp-template-list">
              {forms.map((f) => (
                <li key={f.value}>
                  <span>{pick(f.title)}</span>{" "}
                  <a
                    className="button secondary small"
                    href={`/forms/${encodeURIComponent(f.formKey)}/template?package=${encodeURIComponent(f.packageKey)}&format=xlsx`}
                    download
                    aria-label={t("imports.templates.xlsxOf", { form: pick(f.title) })}
                  >
                    {t("imports.templates.xlsx")}
                  </a>{" "}
                  <a
                    className="button secondary small"
                    href={`/forms/${encodeURIComponent(f.formKey)}/template?package=${encodeURIComponent(f.packageKey)}&format=csv`}
                    download
                    aria-label={t("imports.templates.csvOf", { form: pick(f.title) })}
                  >
                    {t("imports.templates.csv")}
                  </a>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="upload-title">
            <h2 id="upload-title">{t("imports.upload.title")}</h2>
            <p>{t("imports.upload.intro", { max: maxMb, rows: maxRows.toLocaleString(t.locale === "en" ? "en-US" : "id-ID") })}</p>
            <Form method="post" encType="multipart/form-data">
              <div className="field">
                <label htmlFor="imp-form">{t("imports.upload.form")}</label>
                <select id="imp-form" name="form" defaultValue={selected} key={selected}>
                  {forms.map((f) => (
                    <option key={f.value} value={f.value}>
                      {pick(f.title)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="imp-file">{t("imports.upload.file")}</label>
                <input
                  id="imp-file"
                  name="file"
                  type="file"
                  accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  required
                  aria-invalid={result?.fileError ? true : undefined}
                  aria-describedby={result?.fileError ? "imp-file-error" : "imp-file-help"}
                />
                <span className="help" id="imp-file-help">
                  {t("imports.upload.fileHelp", { max: maxMb })}
                </span>
                {result?.fileError ? (
                  <span className="field-error" id="imp-file-error">
                    {result.fileError}
                  </span>
                ) : null}
              </div>
              <div className="field imp-check">
                <input id="imp-confirm" name="confirmWarnings" type="checkbox" value="1" defaultChecked={result?.confirmWarnings ?? false} />
                <label htmlFor="imp-confirm">{t("imports.upload.confirmWarnings")}</label>
              </div>
              {backfillArea.length > 0 ? (
                <fieldset className="imp-backfill">
                  <legend>{t("backfill.option.legend")}</legend>
                  <div className="field imp-check">
                    <input
                      id="imp-backfill"
                      name="backfill"
                      type="checkbox"
                      value="1"
                      defaultChecked={result?.backfill ?? false}
                      aria-describedby="imp-backfill-help"
                    />
                    <label htmlFor="imp-backfill">{t("backfill.option.check")}</label>
                  </div>
                  <p className="help" id="imp-backfill-help">
                    {t("backfill.option.help", { area: backfillArea.join(", ") })}
                  </p>
                  <div className="field">
                    <label htmlFor="imp-reason">{t("backfill.reason.label")}</label>
                    <textarea
                      id="imp-reason"
                      name="reason"
                      rows={3}
                      maxLength={reasonMax}
                      defaultValue={result?.reason ?? ""}
                      aria-invalid={result?.reasonError ? true : undefined}
                      aria-describedby={result?.reasonError ? "imp-reason-error imp-reason-help" : "imp-reason-help"}
                    />
                    <span className="help" id="imp-reason-help">
                      {t("backfill.reason.help", { min: reasonMin, max: reasonMax })}
                    </span>
                    {result?.reasonError ? (
                      <span className="field-error" id="imp-reason-error">
                        {result.reasonError}
                      </span>
                    ) : null}
                  </div>
                </fieldset>
              ) : null}
              <button type="submit" className="button" disabled={busy}>
                {busy ? t("imports.upload.sending") : t("imports.upload.submit")}
              </button>
            </Form>
          </section>
        </>
      ) : null}
      {canExport ? (
        <section className="card" aria-labelledby="export-title">
          <h2 id="export-title">{t("exports.title")}</h2>
          <p>{t("exports.intro")}</p>
          <form method="get" action="/submissions/export" className="imp-export-form">
            <div className="field">
              <label htmlFor="exp-form">{t("imports.upload.form")}</label>
              <select id="exp-form" name="form" defaultValue={forms[0]?.value}>
                {forms.map((f) => (
                  <option key={f.value} value={f.value}>
                    {pick(f.title)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="exp-from">{t("exports.from")}</label>
              <input id="exp-from" name="from" type="text" inputMode="text" placeholder="2025-01" aria-describedby="exp-period-help" />
            </div>
            <div className="field">
              <label htmlFor="exp-to">{t("exports.to")}</label>
              <input id="exp-to" name="to" type="text" inputMode="text" placeholder="2025-12" aria-describedby="exp-period-help" />
            </div>
            <span className="help" id="exp-period-help">
              {t("exports.periodHelp")}
            </span>
            <div className="button-row">
              <button type="submit" name="format" value="xlsx" className="button secondary">
                {t("exports.xlsx")}
              </button>
              <button type="submit" name="format" value="csv" className="button secondary">
                {t("exports.csv")}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {canImport ? (
        <section className="card" aria-labelledby="jobs-title">
          <h2 id="jobs-title">{t("imports.jobs.title")}</h2>
          <DataTable
            rows={jobs}
            rowKey={(j) => j.id}
            empty={t("imports.jobs.empty")}
            columns={[
              { header: t("imports.jobs.file"), cell: (j) => <Link to={`/imports/${j.id}`}>{j.file_name}</Link> },
              {
                header: t("imports.upload.form"),
                cell: (j) => (
                  <>
                    {j.form_key}
                    {j.backfill_reason !== null ? (
                      <>
                        {" "}
                        <span className="badge late-entry">{t("backfill.option.legend")}</span>
                      </>
                    ) : null}
                  </>
                ),
              },
              { header: t("table.when"), cell: (j) => <>{j.created_at.slice(0, 16).replace("T", " ")} UTC</> },
              { header: t("table.status"), cell: (j) => <span className={`imp-status imp-status-${j.status}`}>{t(STATUS_KEYS[j.status])}</span> },
              {
                header: t("imports.jobs.counts"),
                cell: (j) => t("imports.jobs.countsValue", { stored: j.stored_rows, refused: j.refused_rows, total: j.total_rows }),
              },
            ]}
          />
        </section>
      ) : null}
    </div>
  );
}
