import type { LoaderFunctionArgs } from "@remix-run/node";
import { buildScorecard } from "~/models/scorecard.server";
import { exportFileName, loadScorecard, resolveQuery, scorecardCsv, scorecardXlsx, selectionProblem, toView } from "~/models/scorecard-view.server";

const text = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * The scorecard as a download (`/scorecards?…&format=csv|xlsx` redirects here): the same
 * guards and selection as the page; a bad selection answers with its message as text.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url } = await loadScorecard(request);
  const format = url.searchParams.get("format");
  if (format !== "csv" && format !== "xlsx") return text(400, t("scorecards.error.format"));
  let result;
  let orgGroup;
  try {
    const resolved = await resolveQuery(sel, roots, t);
    orgGroup = resolved.orgGroup;
    result = await buildScorecard(resolved.query);
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return text(problem.status, problem.message);
  }
  const headers = {
    "Content-Disposition": `attachment; filename="${exportFileName(sel, result, format)}"`,
    "Cache-Control": "private, no-store",
  };
  if (format === "csv") return new Response(scorecardCsv(result, orgGroup), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  const body = await scorecardXlsx(result, toView(result, sel, locale), t, sel.transpose, orgGroup);
  return new Response(body, { headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
}
