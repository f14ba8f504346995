import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiAdx, apiImportAdx } from "~/models/api-exchange.server";
import { clientIp } from "~/utils/http.server";

/** GET /api/v1/dhis2/adx?package&period[&unit]: the same values as ADX XML (docs/api.md, docs/dhis2.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => {
    const xml = await apiAdx(caller, new URL(request.url));
    return new Response(xml, { status: 200, headers: { "Content-Type": "application/adx+xml; charset=utf-8", "Cache-Control": "no-store" } });
  });
}

/** POST /api/v1/dhis2/adx[?package]: import an ADX XML body, all or nothing (write tokens only), answered as the dataValueSets import. */
export async function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiImportAdx(caller, request, clientIp(context))));
}
