import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { getDb } from "~/db/db.server";
import { notulenDownload } from "~/models/notulen.server";
import { clientIp } from "~/utils/http.server";

/**
 * The meeting record (notulen) as a PDF, A4 landscape (docs/decisions/031-notulen-pdf.md): for
 * whoever may read the meeting (its scope overlaps their area, or they were invited); audited.
 * A resource route beside the meeting page, not nested under it.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return notulenDownload(getDb(), user, params.id, "pdf", clientIp(context));
}
