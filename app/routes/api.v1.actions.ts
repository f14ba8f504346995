import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiActions } from "~/models/api.server";

/** GET /api/v1/actions: follow-up actions the token may read (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiActions(caller)));
}
