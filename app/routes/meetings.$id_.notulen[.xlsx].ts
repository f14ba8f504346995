import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { getDb } from "~/db/db.server";
import { notulenDownload } from "~/models/notulen.server";
import { clientIp } from "~/utils/http.server";

/**
 * The meeting record (notulen) as an XLSX workbook — sheets for the meeting, its scorecard and its
 * follow-up actions (docs/decisions/031-notulen-pdf.md): for whoever may read the meeting; audited.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return notulenDownload(getDb(), user, params.id, "xlsx", clientIp(context));
}
