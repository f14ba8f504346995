/** What each role sees first: what is due, what is waiting, what is new. */
import type { ExpressionBuilder } from "kysely";
import type { Grant } from "~/auth/session.server";
import type { Database } from "~/db/schema";
import { getDb } from "~/db/db.server";
import { operatorForms } from "./entry.server";
import { getPublishedPackage } from "./templates.server";
import { entryUnits } from "./village-entry.server";
import { clock } from "~/utils/clock.server";

/** The default monthly deadline: the 10th of the following month (districts set their own on /locks). */
export const DEADLINE_DAY = 10;

export function previousMonthPeriod(now = clock.now()): { period: string; deadline: string } {
  const year = now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
  const month = now.getUTCMonth() === 0 ? 12 : now.getUTCMonth();
  const period = `${year}-${String(month).padStart(2, "0")}`;
  const deadline = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-${String(DEADLINE_DAY).padStart(2, "0")}`;
  return { period, deadline };
}

/**
 * The operator's home: every form expected from each unit they enter for (their Puskesmas or
 * Pustu and the units below it, `entryUnits`) for the current and the previous period, with
 * status (late when the deadline passed before it was submitted), deadline and progress.
 */
export async function operatorHome(grants: Grant[], now = clock.now()) {
  const db = getDb();
  // The units come from the session's operator grants (`operatorGrants`) and the tree below them.
  const units = await entryUnits(db, grants);
  const byId = new Map(units.map((u) => [u.id, u] as const));
  const unitIds = units.map((u) => u.id);
  const grantCodes = new Set(grants.map((g) => g.orgCode));
  const rows = await operatorForms(units, now);
  // What needs doing first: late, returned, not yet filled, drafts; then what is done.
  const order = { late: 0, returned: 1, missing: 2, draft: 3, submitted: 4, approved: 5 } as const;
  const due = [...rows].sort((a, b) => order[a.display] - order[b.display] || a.deadline.localeCompare(b.deadline) || a.formKey.localeCompare(b.formKey));
  const done = rows.filter((r) => r.status === "submitted" || r.status === "approved").length;
  const recentRows = unitIds.length
    ? await db
        .selectFrom("submission")
        .select(["id", "org_unit_id", "package_key", "form_key", "period", "status", "updated_at", "return_note"])
        .where("org_unit_id", "in", unitIds)
        .orderBy("updated_at", "desc")
        .orderBy("id", "desc")
        .limit(RECENT * 5)
        .execute()
    : [];
  // Newest first: the last change, then (for reports changed at one instant, as a seeding or an
  // import stores them) the latest period.
  recentRows.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || periodRank(b.period).localeCompare(periodRank(a.period)) || b.id - a.id);
  recentRows.splice(RECENT);
  const titles = await formTitles(recentRows);
  const recent = recentRows.map(({ org_unit_id, package_key, ...r }) => ({
    ...r,
    title: titles.get(`${package_key}|${r.form_key}`) ?? { id: r.form_key },
    unitName: byId.get(org_unit_id)?.name ?? "",
    unitLevel: byId.get(org_unit_id)?.level ?? "puskesmas",
  }));
  return {
    due,
    progress: {
      done,
      total: rows.length,
      late: rows.filter((r) => r.display === "late").length,
      percent: rows.length ? Math.round((done / rows.length) * 100) : null,
    },
    several: units.length > 1,
    /** The fill link names the unit unless it is the operator's one Puskesmas or Pustu (old links keep working). */
    implicitUnit: grantCodes.size === 1 ? [...grantCodes][0] : null,
    units: units.filter((u) => grantCodes.has(u.code)).map((u) => ({ code: u.code, name: u.name })),
    recent,
  };
}

/** Reports in the operator's "Kiriman terbaru". */
const RECENT = 8;

/**
 * A period's place in "newest first": its first month, and a month before a quarter before a
 * year starting then ("2025-06" → "2025-06 2", "2025-Q2" → "2025-04 1", "2025" → "2025-01 0"), so
 * the year's sasaran, entered at its start, does not head the list all year.
 */
function periodRank(period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `${quarter[1]}-${String(Number(quarter[2]) * 3 - 2).padStart(2, "0")} 1`;
  return /^\d{4}$/.test(period) ? `${period}-01 0` : `${period} 2`;
}

/**
 * The titles of the forms some reports belong to, from each package's latest published version
 * (a form keeps its key across versions), keyed `package|form`. One read per package.
 */
async function formTitles(rows: ReadonlyArray<{ package_key: string }>): Promise<Map<string, { id: string; en?: string }>> {
  const titles = new Map<string, { id: string; en?: string }>();
  for (const key of new Set(rows.map((r) => r.package_key))) {
    const pkg = await getPublishedPackage(key);
    for (const form of pkg?.document.forms ?? []) titles.set(`${key}|${form.key}`, form.title);
  }
  return titles;
}

function scopeFilter(grants: Grant[]) {
  return (eb: ExpressionBuilder<Database & { o: Database["org_unit"] }, "o">) => eb.or(grants.map((g) => eb("o.path", "like", `${g.orgPath}%`)));
}

/**
 * Submissions of the units in the grants' subtrees: `s.org_unit_id in (units in scope)`, so the
 * database walks the few units and their reports through submission_unit_idx instead of scanning
 * every report (the path test cannot use an index).
 */
function submissionInScope(grants: Grant[]) {
  return (eb: ExpressionBuilder<Database & { s: Database["submission"] }, "s">) =>
    eb("s.org_unit_id", "in", eb.selectFrom("org_unit as o").select("o.id").where(scopeFilter(grants)));
}

export async function verifierHome(grants: Grant[]) {
  const db = getDb();
  // The first ten of the queue and its length in one query (the count is taken before the limit).
  const rows = await db
    .selectFrom("submission as s")
    .innerJoin("org_unit as u", "u.id", "s.org_unit_id")
    .select(["s.id", "u.name as unit", "u.code as unitCode", "s.package_key", "s.form_key", "s.period", "s.submitted_at"])
    .select((eb) => eb.fn.countAll<number>().over().as("total"))
    .where("s.status", "=", "submitted")
    .where(submissionInScope(grants))
    .orderBy("s.submitted_at")
    .orderBy("s.id")
    .limit(10)
    .execute();
  const titles = await formTitles(rows);
  const queue = rows.map(({ total: _total, package_key, ...row }) => ({ ...row, title: titles.get(`${package_key}|${row.form_key}`) ?? { id: row.form_key } }));
  return { queue, queueCount: rows.length ? Number(rows[0].total) : 0 };
}

export async function scopeStats(grants: Grant[], now = clock.now()) {
  const db = getDb();
  const { period } = previousMonthPeriod(now);
  const { puskesmas, reported, lastChange } = await db
    .selectFrom("submission as s")
    .select((eb) => [
      eb
        .selectFrom("org_unit as o")
        .select((e2) => e2.fn.countAll<number>().as("n"))
        .where("o.level", "=", "puskesmas")
        .where(scopeFilter(grants))
        .as("puskesmas"),
      eb.fn
        .count<number>(
          eb
            .case()
            // Reports of Puskesmas only: a Pustu's or Posyandu's report does not make its Puskesmas "reported" (decision 035).
            .when(
              eb.and([
                eb("s.period", "=", period),
                eb("s.status", "in", ["submitted", "approved"]),
                eb("s.org_unit_id", "in", eb.selectFrom("org_unit as o").select("o.id").where("o.level", "=", "puskesmas").where(scopeFilter(grants))),
              ]),
            )
            .then(eb.ref("s.org_unit_id"))
            .end(),
        )
        .distinct()
        .as("reported"),
      eb.fn.max("s.updated_at").as("lastChange"),
    ])
    .where(submissionInScope(grants))
    .executeTakeFirstOrThrow();
  const units = Number(puskesmas);
  return {
    period,
    puskesmas: units,
    reported: Number(reported),
    completeness: units > 0 ? Math.round((Number(reported) / units) * 100) : null,
    lastChange: (lastChange as string | null) ?? null,
  };
}

/** Districts listed one by one on the home page up to this many; more are summed per province. */
export const MAX_AREA_DISTRICTS = 30;

export interface AreaCompleteness {
  code: string;
  name: string;
  level: "province" | "district";
  puskesmas: number;
  reported: number;
  /** Whole per cent; null without Puskesmas. */
  completeness: number | null;
}

/**
 * Reporting completeness of a month per district in the grants' scope (per province when there
 * are more than MAX_AREA_DISTRICTS), least complete first: who needs a call before the kaji
 * banding. "Reported" = Puskesmas with at least one counted report of the month, as the tile.
 */
export async function areaCompleteness(grants: Grant[], period: string, maxDistricts = MAX_AREA_DISTRICTS): Promise<AreaCompleteness[]> {
  const db = getDb();
  const perDistrict = await db
    .selectFrom("org_unit as o")
    .select((eb) => ["o.parent_id as district_id", eb.fn.countAll<number>().as("n")])
    .where("o.level", "=", "puskesmas")
    .where(scopeFilter(grants))
    .groupBy("o.parent_id")
    .execute();
  const districtIds = perDistrict.map((r) => Number(r.district_id)).filter((id) => Number.isFinite(id));
  if (districtIds.length === 0) return [];
  // Grants on whole districts or above: the district list is the scope; a grant on single
  // Puskesmas also needs the unit filter.
  const wholeDistricts = grants.every((g) => g.orgLevel === "national" || g.orgLevel === "province" || g.orgLevel === "district");
  // Puskesmas with a counted report of their own: Pustu and Posyandu reports are not counted here (decision 035).
  let reportedQuery = db
    .selectFrom("submission as s")
    .innerJoin("org_unit as r", "r.id", "s.org_unit_id")
    .select((eb) => ["s.district_id", eb.fn.count<number>("s.org_unit_id").distinct().as("n")])
    .where("r.level", "=", "puskesmas")
    .where("s.period", "=", period)
    .where("s.status", "in", ["submitted", "approved"])
    .where("s.district_id", "in", districtIds);
  if (!wholeDistricts) reportedQuery = reportedQuery.where(submissionInScope(grants));
  const [reportedRows, districts] = await Promise.all([
    reportedQuery.groupBy("s.district_id").execute(),
    db.selectFrom("org_unit").select(["id", "code", "name", "parent_id"]).where("id", "in", districtIds).execute(),
  ]);
  const units = new Map(perDistrict.map((r) => [Number(r.district_id), Number(r.n)]));
  const reported = new Map(reportedRows.map((r) => [Number(r.district_id), Number(r.n)]));
  type Acc = Omit<AreaCompleteness, "completeness">;
  let areas: Acc[] = districts.map((d) => ({
    code: d.code,
    name: d.name,
    level: "district",
    puskesmas: units.get(d.id) ?? 0,
    reported: reported.get(d.id) ?? 0,
  }));
  if (districts.length > maxDistricts) {
    const provinceIds = [...new Set(districts.map((d) => d.parent_id).filter((id): id is number => id !== null))];
    const provinces = new Map((await db.selectFrom("org_unit").select(["id", "code", "name"]).where("id", "in", provinceIds).execute()).map((p) => [p.id, p]));
    const byProvince = new Map<number, Acc>();
    for (const d of districts) {
      const p = d.parent_id === null ? undefined : provinces.get(d.parent_id);
      if (!p) continue;
      const acc = byProvince.get(p.id) ?? { code: p.code, name: p.name, level: "province" as const, puskesmas: 0, reported: 0 };
      acc.puskesmas += units.get(d.id) ?? 0;
      acc.reported += reported.get(d.id) ?? 0;
      byProvince.set(p.id, acc);
    }
    areas = [...byProvince.values()];
  }
  return areas
    .map((a) => ({ ...a, completeness: a.puskesmas > 0 ? Math.round((a.reported / a.puskesmas) * 100) : null }))
    .sort((a, b) => (a.completeness ?? 101) - (b.completeness ?? 101) || a.code.localeCompare(b.code));
}

export async function adminHome(grants: Grant[]) {
  const db = getDb();
  const packages = await db
    .selectFrom("template_package")
    .select(["key", "version", "status", "title", "published_at"])
    .orderBy("key")
    .orderBy("version", "desc")
    .limit(20)
    .execute();
  const audit = await db
    .selectFrom("audit_log as a")
    .leftJoin("app_user as u", "u.id", "a.actor_user_id")
    .leftJoin("org_unit as o", "o.id", "a.org_unit_id")
    .select(["a.id", "a.at", "a.action", "u.username"])
    .where((eb) =>
      eb.or([
        eb("a.org_unit_id", "is", null).and(
          eb(
            "a.actor_user_id",
            "in",
            eb
              .selectFrom("role_grant as g")
              .innerJoin("org_unit as o2", "o2.id", "g.org_unit_id")
              .select("g.user_id")
              .where((e2) => e2.or(grants.map((g) => e2("o2.path", "like", `${g.orgPath}%`)))),
          ),
        ),
        ...grants.map((g) => eb("o.path", "like", `${g.orgPath}%`)),
      ]),
    )
    .orderBy("a.id", "desc")
    .limit(10)
    .execute();
  return { packages, audit };
}
