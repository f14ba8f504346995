import type { LoaderFunctionArgs } from "@remix-run/node";
import { ApiProblem, apiJson, apiRoute } from "~/auth/api.server";
import { apiSubmission } from "~/models/api.server";

/** GET /api/v1/submissions/<id>: one report with its answers (docs/api.md). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => {
    const id = Number(params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new ApiProblem(404, "not-found", "api.problem.notFound.title", null);
    return apiJson(await apiSubmission(caller, id));
  });
}
