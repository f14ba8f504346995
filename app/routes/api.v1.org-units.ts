import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiOrgUnits } from "~/models/api.server";

/** GET /api/v1/org-units[?root=<code>]: the token's area as a flat tree (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson({ units: await apiOrgUnits(caller, new URL(request.url).searchParams.get("root")) }));
}
