/**
 * What the verifier is warned about on a report: the engine's change flags against the unit's
 * own earlier reports (docs/decisions/024-verifier-change-flags.md) and the package's validation
 * rules. Loaded for many reports at once (the queue) with a fixed number of queries.
 */
import {
  changeFlags,
  checkRules,
  previousPeriod,
  tryParsePeriod,
  type ChangeFlagResult,
  type Form,
  type Locale,
  type PastReport,
  type RuleViolation,
} from "@engine";
import { getDb } from "~/db/db.server";
import type { SubmissionStatus } from "~/db/schema";
import { packageAt } from "./submission-history.server";

/** The parts of a stored report the checks read. */
export interface CheckTarget {
  id: number;
  org_unit_id: number;
  package_key: string;
  package_version: number;
  overlay_id: number | null;
  form_key: string;
  period: string;
  data: string;
}

export interface ReportChecks {
  /** The form in the package version the report was made with. */
  form: Form | undefined;
  flags: ChangeFlagResult;
  /** Rule violations (warnings; errors only in data stored before a rule existed). */
  warnings: RuleViolation[];
  /** The calendar period before the report's and the status of its report there, if any (a draft included). */
  previousPeriod: { period: string; status: SubmissionStatus | null };
}

const groupKey = (unitId: number, packageKey: string, formKey: string) => `${unitId}|${packageKey}|${formKey}`;

function parsed(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Checks for each target, by id; `locale` is the reader's (rule messages). */
export async function reportChecks(targets: readonly CheckTarget[], locale: Locale): Promise<Map<number, ReportChecks>> {
  const out = new Map<number, ReportChecks>();
  if (targets.length === 0) return out;
  const units = [...new Set(targets.map((t) => t.org_unit_id))];
  const forms = [...new Set(targets.map((t) => t.form_key))];
  const earlier = await getDb()
    .selectFrom("submission")
    .select(["org_unit_id", "package_key", "form_key", "period", "status", "data"])
    .where("org_unit_id", "in", units)
    .where("form_key", "in", forms)
    .execute();
  const byGroup = new Map<string, typeof earlier>();
  for (const r of earlier) {
    const k = groupKey(r.org_unit_id, r.package_key, r.form_key);
    const list = byGroup.get(k);
    if (list) list.push(r);
    else byGroup.set(k, [r]);
  }
  // Newest first; periods of one form share a type, and their canonical strings sort in time order.
  for (const list of byGroup.values()) list.sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
  const packages = new Map<string, Awaited<ReturnType<typeof packageAt>>>();
  for (const t of targets) {
    const k = `${t.package_key}:${t.package_version}:${t.overlay_id ?? 0}`;
    if (!packages.has(k)) packages.set(k, await packageAt(t.package_key, t.package_version, t.overlay_id));
  }
  const yearlyForms = new Set<string>();
  for (const p of packages.values()) for (const f of p?.package.forms ?? []) if (f.periodType === "year") yearlyForms.add(f.key);
  // Unit, package and year → the yearly forms' answers by form key (rules read them beside the report's own).
  const yearly = new Map<string, Map<string, Record<string, unknown>>>();
  if (yearlyForms.size > 0) {
    const rows = await getDb()
      .selectFrom("submission")
      .select(["org_unit_id", "package_key", "form_key", "period", "data"])
      .where("org_unit_id", "in", units)
      .where("form_key", "in", [...yearlyForms])
      .execute();
    for (const r of rows) {
      const k = `${r.org_unit_id}|${r.package_key}|${r.period}`;
      if (!yearly.has(k)) yearly.set(k, new Map());
      yearly.get(k)!.set(r.form_key, parsed(r.data));
    }
  }
  for (const t of targets) {
    const pkg = packages.get(`${t.package_key}:${t.package_version}:${t.overlay_id ?? 0}`);
    const form = pkg?.package.forms.find((f) => f.key === t.form_key);
    const data = parsed(t.data);
    const group = byGroup.get(groupKey(t.org_unit_id, t.package_key, t.form_key)) ?? [];
    const before = group.filter((r) => r.period < t.period);
    const past: PastReport[] = before
      .filter((r): r is typeof r & { status: PastReport["status"] } => r.status !== "draft")
      .map((r) => ({ period: r.period, status: r.status, data: parsed(r.data) }));
    const parsedPeriod = tryParsePeriod(t.period);
    const prevPeriod = parsedPeriod.ok ? previousPeriod(parsedPeriod.period) : "";
    const flags = form ? changeFlags(form, data, past) : { comparison: past[0] ?? null, flags: [], flaggedFields: [] };
    let warnings: RuleViolation[] = [];
    if (pkg && form && parsedPeriod.ok) {
      const year = String(parsedPeriod.period.year);
      const docs = yearly.get(`${t.org_unit_id}|${t.package_key}|${year}`);
      const values: Record<string, unknown> = Object.create(null);
      for (const f of pkg.package.forms) if (f.periodType === "year" && f.key !== form.key) Object.assign(values, docs?.get(f.key) ?? {});
      warnings = checkRules(pkg.package, form.key, data, values, locale);
    }
    out.set(t.id, {
      form,
      flags,
      warnings,
      previousPeriod: { period: prevPeriod, status: before.find((r) => r.period === prevPeriod)?.status ?? null },
    });
  }
  return out;
}
