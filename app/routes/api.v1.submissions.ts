import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiSaveSubmission } from "~/models/api.server";
import { clientIp } from "~/utils/http.server";

/**
 * POST /api/v1/submissions (Idempotency-Key header): create or update a report through the fill
 * page's own save (docs/api.md). Write tokens only.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson(await apiSaveSubmission(caller, request, clientIp(context))));
}
