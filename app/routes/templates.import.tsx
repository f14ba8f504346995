import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { libraryAccess } from "~/auth/policy.server";
import { ErrorReport } from "~/components/templates/ErrorReport";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { importUploadedText, MAX_UPLOAD_BYTES, MULTIPART_OVERHEAD_BYTES, tooLargeError, type ReportError } from "~/models/template-library.server";
import { clientIp } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.templatesImport");

/** Admins only: the upload form; what each admin may import. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  return { national: access.national, districts: access.districts.map((g) => ({ code: g.orgCode, name: g.orgName })) };
}

type ActionResult = {
  ok: boolean;
  message: string;
  /** Shown next to the file input. */
  fileError: string | null;
  errors: ReportError[];
  link: string | null;
};

function refused(status: number, message: string, fileError: string | null, errors: ReportError[] = []) {
  return data<ActionResult>({ ok: false, message, fileError, errors, link: null }, { status });
}

/**
 * Upload of a package JSON (national admin) or an overlay JSON (its district inside the
 * uploader's grant). The size cap is checked on Content-Length before the body is read and on
 * the file part while it streams; a refused file stores nothing and gets a full error report.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const { t } = await serverT(request, user);
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES) {
    return refused(413, t("templates.import.refused"), t("templates.import.tooLarge", { size: (length / 1024 / 1024).toFixed(1) }), [tooLargeError(length)]);
  }
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    return refused(400, t("templates.import.refused"), t("templates.import.noFile"));
  }
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES - 1 }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) {
      return refused(413, t("templates.import.refused"), t("templates.import.tooLargeNoSize"), [tooLargeError(null)]);
    }
    return refused(400, t("templates.import.refused"), t("templates.import.unreadable"));
  }
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) return refused(400, t("templates.import.refused"), t("templates.import.noFile"));
  if (file.size >= MAX_UPLOAD_BYTES) {
    return refused(413, t("templates.import.refused"), t("templates.import.tooLarge", { size: (file.size / 1024 / 1024).toFixed(1) }), [
      tooLargeError(file.size),
    ]);
  }
  const outcome = await importUploadedText(access, await file.text(), { userId: user.id, ip: clientIp(context) });
  if (!outcome.ok) {
    const message = outcome.status === 403 ? t("templates.import.forbidden") : t("templates.import.refusedCount", { count: outcome.errors.length });
    return refused(outcome.status, message, null, outcome.errors);
  }
  const message =
    outcome.kind === "package"
      ? t(outcome.created ? "templates.import.packagePublished" : "templates.import.packageSame", { package: outcome.key, version: outcome.version })
      : t(outcome.created ? "templates.import.overlayPublished" : "templates.import.overlaySame", {
          package: outcome.key,
          version: outcome.version,
          district: outcome.district ?? "",
          base: outcome.baseVersion ?? "",
        });
  const linkVersion = outcome.kind === "package" ? outcome.version : outcome.baseVersion;
  return { ok: true, message, fileError: null, errors: [], link: `/templates/${encodeURIComponent(outcome.key)}/${linkVersion}` } satisfies ActionResult;
}

export default function TemplateImportPage() {
  const { national, districts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const busy = navigation.state === "submitting";
  return (
    <div className="page">
      <p>
        <Link to="/templates">{t("templates.back")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{t("templates.import.title")}</h1>
          <p>
            {national
              ? t("templates.import.introNational")
              : t("templates.import.introDistrict", { districts: districts.map((d) => `${d.name} (${d.code})`).join(", ") })}
          </p>
        </div>
      </div>
      {result?.message ? (
        <div className={`alert ${result.ok ? "success" : "error"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
          {result.ok && result.link ? (
            <>
              {" "}
              <Link to={result.link}>{t("templates.import.view")}</Link>
            </>
          ) : null}
        </div>
      ) : null}
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">{t("templates.import.upload")}</h2>
        <Form method="post" encType="multipart/form-data">
          <div className="field">
            <label htmlFor="file">{t("templates.import.file")}</label>
            <input
              id="file"
              name="file"
              type="file"
              accept=".json,application/json"
              required
              aria-invalid={result?.fileError ? true : undefined}
              aria-describedby={result?.fileError ? "err-file" : "help-file"}
            />
            <span className="help" id="help-file">
              {t("templates.import.fileHelp")}
            </span>
            {result?.fileError ? (
              <span className="field-error" id="err-file">
                {result.fileError}
              </span>
            ) : null}
          </div>
          <button type="submit" className="button" disabled={busy}>
            {busy ? t("templates.import.checking") : t("templates.import.submit")}
          </button>
        </Form>
      </section>
      {result && !result.ok && result.errors.length > 0 ? <ErrorReport errors={result.errors} /> : null}
    </div>
  );
}
