import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/auth/api.server";
import { apiAdx } from "~/models/api-exchange.server";

/** GET /api/v1/dhis2/adx?package&period[&unit]: the same values as ADX XML (docs/api.md, docs/dhis2.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => {
    const xml = await apiAdx(caller, new URL(request.url));
    return new Response(xml, { status: 200, headers: { "Content-Type": "application/adx+xml; charset=utf-8", "Cache-Control": "no-store" } });
  });
}
