import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiPackages } from "~/models/api.server";

/** GET /api/v1/packages: published packages within the token's packages (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson({ packages: await apiPackages(caller) }));
}
