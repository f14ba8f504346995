import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiExplain } from "~/models/api.server";

/** GET /api/v1/scorecards/explain?…&row=<code>&indicator=<key>: why one cell has its value (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiExplain(caller, new URL(request.url))));
}
