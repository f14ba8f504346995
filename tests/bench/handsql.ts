/**
 * The hand-written baseline: the fastest plain SQL we could write for the national district-level
 * scorecard values of the loaded indicators, one query per indicator family, ratios in JS.
 *
 * Families (semantics identical to engine/facts.ts):
 *  - "sum"   — Σ over the window's months of monthly fields aggregated with `sum`, per district;
 *  - "year"  — yearly-form fields (sasaran): the year's single value per unit, Σ per district;
 *  - "last"  — per unit the value of its latest month in the window (field by field), Σ per district;
 *  - "units" — count_units(sk_klaster and alur_layanan_klaster) ÷ units(): units whose latest
 *              values of both are true ÷ units with a counted ilp_profil submission in the window.
 * Only the current values are computed: no trend (previous period), targets, colours or completeness.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { TemplatePackage } from "@engine";
import type { DbKind } from "~/db/db.server";
import type { Database } from "~/db/schema";

const IDENT = /^[a-z][a-z0-9_]*$/;

export interface IndicatorSpec {
  key: string;
  factor: number;
  kind: "ratio" | "count_units";
  numerator?: string;
  denominator?: string;
}

export interface Families {
  sum: string[];
  year: string[];
  last: string[];
  specs: IndicatorSpec[];
}

/** Sorts the indicators fed by `forms` into SQL families; throws on a shape this baseline does not cover. */
export function familiesOf(pkg: TemplatePackage, forms: readonly string[], indicatorKeys: readonly string[]): Families {
  const fieldInfo = new Map<string, { form: string; periodType: string; aggregation: string }>();
  for (const form of pkg.forms) {
    for (const s of form.sections) {
      for (const f of s.fields) {
        if (f.type !== "integer" && f.type !== "number" && f.type !== "boolean") continue;
        fieldInfo.set(f.key, { form: form.key, periodType: form.periodType, aggregation: f.aggregation ?? (f.type === "boolean" ? "last" : "sum") });
      }
    }
  }
  const fam: Families = { sum: [], year: [], last: [], specs: [] };
  const add = (key: string) => {
    const info = fieldInfo.get(key);
    if (!info || !forms.includes(info.form)) throw new Error(`field ${key} is not in a loaded form`);
    const list = info.periodType === "year" ? fam.year : info.aggregation === "sum" ? fam.sum : info.aggregation === "last" ? fam.last : null;
    if (!list) throw new Error(`aggregation ${info.aggregation} of ${key} not covered by the baseline`);
    if (!list.includes(key)) list.push(key);
  };
  for (const key of indicatorKeys) {
    const ind = pkg.indicators.find((i) => i.key === key)!;
    const factor = ind.factor ?? 1;
    if (ind.numerator === "count_units(sk_klaster and alur_layanan_klaster)" && ind.denominator === "units()") {
      fam.specs.push({ key, factor, kind: "count_units" });
      continue;
    }
    if (!IDENT.test(ind.numerator) || !ind.denominator || !IDENT.test(ind.denominator))
      throw new Error(`indicator ${key}: formula shape not covered by the baseline`);
    add(ind.numerator);
    add(ind.denominator);
    fam.specs.push({ key, factor, kind: "ratio", numerator: ind.numerator, denominator: ind.denominator });
  }
  return fam;
}

function textList(values: readonly string[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql.lit(v)));
}

export interface HandResult {
  /** district id → indicator key → value (null = no value). */
  values: Map<number, Map<string, number | null>>;
  queryMs: Record<string, number>;
}

export interface HandOptions {
  kind: DbKind;
  packageKey: string;
  year: number;
  /** Last month (1..12) of the year-to-date window. */
  lastMonth: number;
  districtIds: readonly number[];
}

/** Runs the baseline; returns values per district and the time of each family's query. */
export async function handScorecard(db: Kysely<Database>, fam: Families, o: HandOptions): Promise<HandResult> {
  const start = o.year * 12;
  const end = o.year * 12 + o.lastMonth - 1;
  const yearIndex = o.year * 12 + 11;
  const pkg = sql.lit(o.packageKey);
  const queryMs: Record<string, number> = {};
  const totals = new Map<number, Record<string, number>>();
  const put = (d: number, f: string, v: number) => {
    let rec = totals.get(d);
    if (!rec) totals.set(d, (rec = Object.create(null) as Record<string, number>));
    rec[f] = v;
  };
  const timed = async <T>(name: string, q: RawBuilder<T>): Promise<T[]> => {
    const t = performance.now();
    const r = await q.execute(db);
    queryMs[name] = (queryMs[name] ?? 0) + performance.now() - t;
    return r.rows;
  };

  // The families run concurrently (SQLite's two read connections, PostgreSQL's pool), as the
  // engine reads its forms: the fastest hand-written SQL on this machine, not a sequential one.
  const sumFamily = async () => {
    if (fam.sum.length === 0) return;
    const rows = await timed(
      "sum",
      sql<{ d: number; f: string; v: number }>`select district_id as d, field_key as f, sum(value) as v from submission_value
        where package_key = ${pkg} and field_key in (${textList(fam.sum)}) and month_index between ${sql.lit(start)} and ${sql.lit(end)}
        group by district_id, field_key`,
    );
    for (const r of rows) put(Number(r.d), r.f, Number(r.v));
  };
  const yearFamily = async () => {
    if (fam.year.length === 0) return;
    const rows = await timed(
      "year",
      sql<{ d: number; f: string; v: number }>`select district_id as d, field_key as f, sum(value) as v from submission_value
        where package_key = ${pkg} and field_key in (${textList(fam.year)}) and month_index = ${sql.lit(yearIndex)}
        group by district_id, field_key`,
    );
    for (const r of rows) put(Number(r.d), r.f, Number(r.v));
  };
  const needUnits = fam.specs.some((s) => s.kind === "count_units");
  const lastFields = [...fam.last, ...(needUnits ? ["sk_klaster", "alur_layanan_klaster"] : [])];
  const unitCount = new Map<number, number>();
  const condCount = new Map<number, number>();
  const lastFamily = async () => {
    if (lastFields.length === 0) return;
    // Latest value per unit and field in the window: SQLite's bare column of max(), PostgreSQL's DISTINCT ON.
    const where = sql`package_key = ${pkg} and field_key in (${textList(lastFields)}) and month_index between ${sql.lit(start)} and ${sql.lit(end)}`;
    const inner =
      o.kind === "sqlite"
        ? sql`select district_id as d, org_unit_id as u, field_key as f, value as v, max(month_index) as m from submission_value where ${where} group by org_unit_id, field_key`
        : sql`select distinct on (org_unit_id, field_key) district_id as d, org_unit_id as u, field_key as f, value as v from submission_value where ${where} order by org_unit_id, field_key, month_index desc`;
    const rows = await timed(
      "last",
      sql<{ d: number; f: string; v: number }>`with lastv as materialized (${inner})
        select d, f, sum(v) as v from lastv where f in (${textList(fam.last.length ? fam.last : ["-"])}) group by d, f
        union all
        select d, '#cond' as f, count(*) as v from (select d, u from lastv where f in ('sk_klaster', 'alur_layanan_klaster') and v = 1 group by d, u having count(*) = 2) t group by d`,
    );
    for (const r of rows) {
      if (r.f === "#cond") condCount.set(Number(r.d), Number(r.v));
      else put(Number(r.d), r.f, Number(r.v));
    }
  };
  const unitsFamily = async () => {
    if (!needUnits) return;
    const rows = await timed(
      "units",
      sql<{ d: number; n: number }>`select district_id as d, count(distinct org_unit_id) as n from submission
        where package_key = ${pkg} and form_key = 'ilp_profil' and status in ('submitted', 'approved') and month_index between ${sql.lit(start)} and ${sql.lit(end)}
        group by district_id`,
    );
    for (const r of rows) unitCount.set(Number(r.d), Number(r.n));
  };
  await Promise.all([sumFamily(), yearFamily(), lastFamily(), unitsFamily()]);

  const values = new Map<number, Map<string, number | null>>();
  for (const d of o.districtIds) {
    const rec = totals.get(d);
    const out = new Map<string, number | null>();
    for (const s of fam.specs) {
      let num: number | null;
      let den: number | null;
      if (s.kind === "count_units") {
        den = unitCount.get(d) ?? null;
        num = den === null ? null : (condCount.get(d) ?? 0);
      } else {
        num = rec && s.numerator! in rec ? rec[s.numerator!] : null;
        den = rec && s.denominator! in rec ? rec[s.denominator!] : null;
      }
      const v = num === null || den === null || den === 0 ? null : (num / den) * s.factor;
      out.set(s.key, v === 0 ? 0 : v);
    }
    values.set(d, out);
  }
  return { values, queryMs };
}
