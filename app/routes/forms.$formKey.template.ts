import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireUser } from "~/auth/guards.server";
import { serverT } from "~/i18n/locale.server";
import { IMPORT_ROLES } from "~/auth/policy.server";
import { templateCsv, templateForm, templateXlsx } from "~/models/import-template.server";
import { publishedForms } from "~/models/submission-export.server";

const text = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * The import template of a form (`?format=csv|xlsx`, optional `package`): key columns, one
 * column per input field of the uploader's district version, labels and types below the keys.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, IMPORT_ROLES);
  const { t } = await serverT(request, user);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "xlsx";
  if (format !== "csv" && format !== "xlsx") return text(400, t("imports.error.templateFormat"));
  const formKey = params.formKey ?? "";
  const wanted = url.searchParams.get("package");
  const entry = (await publishedForms()).find((f) => f.formKey === formKey && (!wanted || f.packageKey === wanted));
  const found = entry ? await templateForm(user, entry.packageKey, formKey) : undefined;
  if (!entry || !found) return text(404, t("imports.error.templateForm", { form: formKey }));
  const hidden = found.effective.hidden.filter((h) => h.form === formKey).map((h) => h.field);
  const name = `templat-${formKey}.${format}`.replace(/[^A-Za-z0-9._-]+/g, "_");
  const headers = { "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" };
  if (format === "csv")
    return new Response(templateCsv(found.form, hidden, found.unitHint), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  return new Response(await templateXlsx(found.form, hidden, found.unitHint), {
    headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  });
}
