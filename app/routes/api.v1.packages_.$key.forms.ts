import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiPackageForms } from "~/models/api.server";

/** GET /api/v1/packages/<key>/forms[?unit=<code>]: the package's forms as the unit's district has them, with their JSON Schemas (docs/api.md). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) =>
    apiJson(await apiPackageForms(caller, String(params.key ?? "").slice(0, 64), new URL(request.url).searchParams.get("unit"))),
  );
}
