import { getDbHandle, isMigrated } from "~/db/db.server";

/** Public: readiness for load balancers; ok once every migration has run and the database answers. */
export async function loader() {
  const handle = getDbHandle();
  let ok = false;
  try {
    ok = await isMigrated(handle);
  } catch {
    ok = false;
  }
  return Response.json({ ok, db: handle.kind }, { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
