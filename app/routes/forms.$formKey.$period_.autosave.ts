import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { operatorUnit, parseSaveForm, saveEntry } from "~/models/entry.server";
import { clientIp, readForm } from "~/utils/http.server";

/**
 * Server autosave of the fill page (decision 007): the page posts its answers here every few seconds
 * while they change. Operators only, for their own Puskesmas (as the fill page). It stores a
 * draft only while the report is new or still a draft — a submitted or returned report is never
 * withdrawn behind the operator's back — with the same validation, locks, idempotency and
 * revision check as "Simpan draf". Answers JSON, so the page's plain fetch can read it.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const unit = await operatorUnit(user, new URL(request.url).searchParams.get("unit"));
  const parsed = parseSaveForm(await readForm(request), user, "draft");
  if (!parsed.ok) return Response.json(parsed.result, { status: parsed.result.status });
  const result = await saveEntry({
    ...parsed.input,
    user,
    unit,
    formKey: String(params.formKey ?? ""),
    period: String(params.period ?? ""),
    onlyDraft: true,
    ip: clientIp(context),
  });
  return Response.json(result, { status: result.ok ? 200 : result.status });
}
