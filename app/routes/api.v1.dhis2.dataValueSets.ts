import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiDataValueSets, apiImportDataValueSets } from "~/models/api-exchange.server";
import { clientIp } from "~/utils/http.server";

/** GET /api/v1/dhis2/dataValueSets?package&period[&unit]: DHIS2 dataValueSets JSON of the token's area (docs/api.md, docs/dhis2.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiDataValueSets(caller, new URL(request.url))));
}

/** POST /api/v1/dhis2/dataValueSets[?package]: import a dataValueSets body, all or nothing (write tokens only). */
export async function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiImportDataValueSets(caller, request, clientIp(context))));
}
