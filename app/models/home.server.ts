/** What each role sees first: what is due, what is waiting, what is new. */
import type { Grant } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { SubmissionStatus } from "~/db/schema";

/** Monthly reports are due by the 10th of the following month (default, to be confirmed per district). */
export const DEADLINE_DAY = 10;

export function previousMonthPeriod(now = new Date()): { period: string; deadline: string } {
  const year = now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
  const month = now.getUTCMonth() === 0 ? 12 : now.getUTCMonth();
  const period = `${year}-${String(month).padStart(2, "0")}`;
  const deadline = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-${String(DEADLINE_DAY).padStart(2, "0")}`;
  return { period, deadline };
}

interface PackageForm {
  key: string;
  title: { id: string; en?: string };
  periodType: "month" | "quarter" | "year";
}

/** The forms of the latest published version of each package (national packages apply everywhere). */
export async function publishedForms(): Promise<Array<{ packageKey: string; version: number; form: PackageForm }>> {
  const db = getDb();
  const rows = await db
    .selectFrom("template_package")
    .select(["key", "version", "document"])
    .where("status", "=", "published")
    .orderBy("key")
    .orderBy("version", "desc")
    .execute();
  const seen = new Set<string>();
  const result: Array<{ packageKey: string; version: number; form: PackageForm }> = [];
  for (const row of rows) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    const doc = JSON.parse(row.document) as { forms?: PackageForm[] };
    for (const form of doc.forms ?? []) result.push({ packageKey: row.key, version: row.version, form });
  }
  return result;
}

export async function operatorHome(grants: Grant[], now = new Date()) {
  const db = getDb();
  const { period, deadline } = previousMonthPeriod(now);
  const unitIds = grants.map((g) => g.orgUnitId);
  const forms = (await publishedForms()).filter((f) => f.form.periodType === "month");
  const subs = unitIds.length
    ? await db
        .selectFrom("submission")
        .select(["org_unit_id", "package_key", "form_key", "period", "status", "updated_at"])
        .where("org_unit_id", "in", unitIds)
        .where("period", "=", period)
        .execute()
    : [];
  const late = now.toISOString().slice(0, 10) > deadline;
  const due = grants.flatMap((g) =>
    forms.map((f) => {
      const sub = subs.find((s) => s.org_unit_id === g.orgUnitId && s.package_key === f.packageKey && s.form_key === f.form.key);
      const status: SubmissionStatus | "missing" | "late" = sub ? sub.status : late ? "late" : "missing";
      return { unit: g.orgName, unitCode: g.orgCode, formKey: f.form.key, title: f.form.title, period, deadline, status };
    }),
  );
  const recent = unitIds.length
    ? await db
        .selectFrom("submission")
        .select(["id", "form_key", "period", "status", "updated_at", "return_note"])
        .where("org_unit_id", "in", unitIds)
        .orderBy("updated_at", "desc")
        .limit(8)
        .execute()
    : [];
  return { period, deadline, due, recent };
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
