import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiGroups } from "~/models/api.server";

/** GET /api/v1/groups: the org-unit groups the token may read (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiGroups(caller)));
}
