import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, apiRoute } from "~/auth/api.server";
import { apiMeetings } from "~/models/api.server";

/** GET /api/v1/meetings: meetings the token may read (docs/api.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async (caller) => apiJson({ meetings: await apiMeetings(caller) }));
}
