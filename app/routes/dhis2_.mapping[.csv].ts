import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireUserWithRole } from "~/auth/guards.server";
import { DHIS2_MAPPING_ROLES } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import { mappingCsv } from "~/models/dhis2-mapping.server";
import { getPublishedPackage } from "~/models/templates.server";

/** A package's DHIS2 mapping as CSV (`?package=<key>`), for the national admin (docs/dhis2.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, DHIS2_MAPPING_ROLES);
  const key = (new URL(request.url).searchParams.get("package") ?? "").slice(0, 64);
  if (!key || !(await getPublishedPackage(key))) throw notFound(user, "exchange.page.packageNotFound");
  return new Response(await mappingCsv(getDb(), key), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="dhis2-mapping-${key.replace(/[^A-Za-z0-9_-]/g, "_")}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
