import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/auth/api.server";
import { apiFhirMeasureReports, fhirJson } from "~/models/api-exchange.server";

/** GET /api/v1/fhir/MeasureReport?period&…: a scorecard as a FHIR searchset of MeasureReports (docs/api.md, docs/fhir.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => fhirJson(await apiFhirMeasureReports(caller, new URL(request.url))));
}
