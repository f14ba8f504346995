import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiScorecard } from "~/models/api.server";

/** GET /api/v1/scorecards?…: the scorecard page's and CSV export's query parameters, JSON rows (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiScorecard(caller, new URL(request.url))));
}
