import { getDbHandle, isMigrated } from "~/db/db.server";
import { warmerStatus } from "~/models/scorecard-warmer.server";
import { factIndexStatus } from "~/models/fact-index.server";

/**
 * Public: readiness for load balancers; ok once every migration has run and the database answers.
 * While this process's fact index is still loading (a start, decision 040) the answer is 503 with
 * `starting: true`, so a balancer sends scorecard viewers to a warm instance; the process serves
 * every page meanwhile (scorecards through SQL). A failed index load does not hold readiness back.
 * `scorecards`: when the background warmer (decision 013) last finished a run and how many
 * selections it built — counts and a time, no data; absent when no warmer runs in this process.
 * `factIndex`: its size and how often a district or the tree was reloaded (the load test reads these).
 */
export async function loader() {
  const handle = getDbHandle();
  let ok: boolean;
  try {
    ok = await isMigrated(handle);
  } catch {
    ok = false;
  }
  const warm = warmerStatus();
  const scorecards = warm ? { warmedAt: warm.last?.at ?? null, views: warm.last?.views ?? 0, runs: warm.runs } : undefined;
  const index = factIndexStatus();
  const factIndex = index
    ? {
        ready: index.ready,
        loadMs: index.loadMs,
        values: index.values,
        reports: index.reports,
        bytes: index.bytes,
        districtReloads: index.districtReloads,
        partialReloads: index.partialReloads,
        globalReloads: index.globalReloads,
      }
    : undefined;
  const starting = index?.loading === true;
  return Response.json(
    { ok, db: handle.kind, ...(starting ? { starting } : {}), ...(scorecards ? { scorecards } : {}), ...(factIndex ? { factIndex } : {}) },
    { status: ok && !starting ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
