import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireRole, requireUser } from "~/auth/guards.server";
import { IMPORT_ROLES } from "~/auth/policy.server";
import { say } from "~/i18n/message";
import { jobProblemsCsv, loadJob } from "~/models/bulk-import.server";

/**
 * Every stored problem of the uploader's own job as CSV (another user's id is 404). A resource
 * route: the job page has a component, so Remix would hand a Response from its loader to the page
 * as data instead of sending it; `/imports/<id>?format=csv` redirects here.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, IMPORT_ROLES);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0 || !(await loadJob(user.id, id))) throw notFound(user, "access.import.notFound");
  return new Response(await jobProblemsCsv(id, user), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${say(user, "imports.problems.fileName", { id })}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
