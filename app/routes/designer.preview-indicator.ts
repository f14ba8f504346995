import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { requireUserWithRole } from "~/auth/guards.server";
import { ADMIN_ROLES } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import { PreviewInputError, previewIndicator } from "~/models/indicator-preview.server";
import type { PreviewResponse } from "~/contracts/indicator-preview";
import { PACKAGE_MAX_BYTES } from "@engine";
import { DESIGNER_BODY_BYTES } from "~/utils/limits";
import { readForm } from "~/utils/http.server";
import { say } from "~/i18n/message";

/** Percent-encoding can triple a document's size; anything beyond that is refused unread (same limit as app/server/body-limit.server.ts). */
const MAX_BODY_BYTES = DESIGNER_BODY_BYTES;

/**
 * Indicator preview (designer, Pratinjau panel): admins only; the area comes from the session's
 * grants, never from the request. POST `document` (draft package JSON) and `index` (the
 * indicator's position). Reads only; nothing is stored, so nothing is audited.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, ADMIN_ROLES);
  if (request.method !== "POST") return data<PreviewResponse>({ status: "error", message: say(user, "preview.error.method") }, { status: 405 });
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
    return data<PreviewResponse>(
      { status: "error", message: say(user, "preview.error.tooLarge", { max: Math.round(PACKAGE_MAX_BYTES / 1024) }) },
      { status: 413 },
    );
  }
  const form = await readForm(request);
  const documentText = form.get("document");
  const index = Number(form.get("index"));
  if (typeof documentText !== "string" || documentText === "" || !Number.isInteger(index) || index < 0) {
    return data<PreviewResponse>({ status: "error", message: say(user, "preview.error.incomplete") }, { status: 400 });
  }
  try {
    return data<PreviewResponse>(await previewIndicator(getDb(), { user, documentText, index }));
  } catch (e) {
    if (e instanceof PreviewInputError) return data<PreviewResponse>({ status: "error", message: e.message }, { status: e.status });
    throw e;
  }
}
