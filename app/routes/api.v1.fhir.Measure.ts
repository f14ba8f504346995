import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/auth/api.server";
import { apiFhirMeasures, fhirJson } from "~/models/api-exchange.server";

/** GET /api/v1/fhir/Measure?package[&version]: a package's indicators as a FHIR searchset of Measures (docs/api.md, docs/fhir.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => fhirJson(await apiFhirMeasures(caller, new URL(request.url))));
}
