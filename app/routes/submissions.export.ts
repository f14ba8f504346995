import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireUser } from "~/auth/guards.server";
import { serverT } from "~/i18n/locale.server";
import { EXPORT_ROLES } from "~/auth/policy.server";
import { ExportProblem, exportCsvStream, exportXlsxStream, prepareExport, publishedForms } from "~/models/submission-export.server";
import { clientIp } from "~/utils/http.server";

const text = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * Submissions of one form as CSV or XLSX (`form=<package>/<form>` or `form=<form>`, optional
 * `from`/`to` periods, `format=csv|xlsx`): stable columns across package versions, only the
 * reports inside the caller's area (operators their Puskesmas, verifiers and admins their
 * district, the national admin all). Facilitators are refused. Audited.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, EXPORT_ROLES);
  const { t } = await serverT(request, user);
  const url = new URL(request.url);
  const format = url.searchParams.get("format");
  if (format !== "csv" && format !== "xlsx") return text(400, t("exports.error.format"));
  const formParam = url.searchParams.get("form") ?? "";
  const [a, b] = formParam.split("/");
  const entry = (await publishedForms()).find((f) => (b ? f.packageKey === a && f.formKey === b : f.formKey === a));
  if (!entry) return text(404, t("exports.error.form", { form: formParam }));
  const clip = (v: string | null) => (v ?? "").trim().slice(0, 16) || null;
  let prepared;
  try {
    prepared = await prepareExport(
      user,
      { packageKey: entry.packageKey, formKey: entry.formKey, from: clip(url.searchParams.get("from")), to: clip(url.searchParams.get("to")), format },
      t,
      clientIp(context),
    );
  } catch (e) {
    if (e instanceof ExportProblem) return text(e.status, e.message);
    throw e;
  }
  const headers = { "Content-Disposition": `attachment; filename="${prepared.fileName}"`, "Cache-Control": "private, no-store" };
  if (format === "csv") return new Response(exportCsvStream(prepared), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  const body = exportXlsxStream(prepared, {
    sheet: t("exports.sheet.data"),
    legend: t("exports.sheet.columns"),
    key: t("exports.col.key"),
    label: t("exports.col.label"),
    since: t("exports.col.since"),
    district: t("exports.col.district"),
  });
  return new Response(body, { headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
}
