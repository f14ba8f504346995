/** What each role sees first: what is due, what is waiting, what is new. */
import type { Grant } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import { operatorForms } from "./entry.server";

/** The default monthly deadline: the 10th of the following month (districts set their own on /locks). */
export const DEADLINE_DAY = 10;

export function previousMonthPeriod(now = new Date()): { period: string; deadline: string } {
  const year = now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
  const month = now.getUTCMonth() === 0 ? 12 : now.getUTCMonth();
  const period = `${year}-${String(month).padStart(2, "0")}`;
  const deadline = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-${String(DEADLINE_DAY).padStart(2, "0")}`;
  return { period, deadline };
}

/**
 * The operator's home: every form of their Puskesmas for the current and the previous period,
 * with status (late when the deadline passed before it was submitted), deadline and progress.
 */
export async function operatorHome(grants: Grant[], now = new Date()) {
  const db = getDb();
  const unitIds = grants.filter((g) => g.orgLevel === "puskesmas").map((g) => g.orgUnitId);
  const units = unitIds.length ? await db.selectFrom("org_unit").selectAll().where("id", "in", unitIds).orderBy("code").execute() : [];
  const rows = await operatorForms(units, now);
  // What needs doing first: late, returned, not yet filled, drafts; then what is done.
  const order = { late: 0, returned: 1, missing: 2, draft: 3, submitted: 4, approved: 5 } as const;
  const due = [...rows].sort((a, b) => order[a.display] - order[b.display] || a.deadline.localeCompare(b.deadline) || a.formKey.localeCompare(b.formKey));
  const done = rows.filter((r) => r.status === "submitted" || r.status === "approved").length;
  const recent = unitIds.length
    ? await db
        .selectFrom("submission")
        .select(["id", "form_key", "period", "status", "updated_at", "return_note"])
        .where("org_unit_id", "in", unitIds)
        .orderBy("updated_at", "desc")
        .limit(8)
        .execute()
    : [];
  return {
    due,
    progress: { done, total: rows.length, late: rows.filter((r) => r.display === "late").length, percent: rows.length ? Math.round((done / rows.length) * 100) : null },
    several: units.length > 1,
    recent,
  };
}

function scopeFilter(grants: Grant[]) {
  return (eb: any) => eb.or(grants.map((g) => eb("o.path", "like", `${g.orgPath}%`)));
}

export async function verifierHome(grants: Grant[]) {
  const db = getDb();
  const queue = await db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["s.id", "o.name as unit", "s.form_key", "s.period", "s.submitted_at"])
    .where("s.status", "=", "submitted")
    .where(scopeFilter(grants))
    .orderBy("s.submitted_at")
    .limit(10)
    .execute();
  const { count } = await db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("s.status", "=", "submitted")
    .where(scopeFilter(grants))
    .executeTakeFirstOrThrow();
  return { queue, queueCount: Number(count) };
}

export async function scopeStats(grants: Grant[], now = new Date()) {
  const db = getDb();
  const { period } = previousMonthPeriod(now);
  const { puskesmas } = await db
    .selectFrom("org_unit as o")
    .select((eb) => eb.fn.countAll<number>().as("puskesmas"))
    .where("o.level", "=", "puskesmas")
    .where(scopeFilter(grants))
    .executeTakeFirstOrThrow();
  const { reported, lastChange } = await db
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select((eb) => [
      eb.fn.count<number>(eb.case().when(eb.and([eb("s.period", "=", period), eb("s.status", "in", ["submitted", "approved"])])).then(eb.ref("s.org_unit_id")).end()).distinct().as("reported"),
      eb.fn.max("s.updated_at").as("lastChange"),
    ])
    .where(scopeFilter(grants))
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
        eb("a.org_unit_id", "is", null).and(eb("a.actor_user_id", "in", eb.selectFrom("role_grant as g").innerJoin("org_unit as o2", "o2.id", "g.org_unit_id").select("g.user_id").where((e2) => e2.or(grants.map((g) => e2("o2.path", "like", `${g.orgPath}%`)))))),
        ...grants.map((g) => eb("o.path", "like", `${g.orgPath}%`)),
      ]),
    )
    .orderBy("a.id", "desc")
    .limit(10)
    .execute();
  return { packages, audit };
}
