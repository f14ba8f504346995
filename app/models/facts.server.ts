/**
 * The SQL fact provider: computes the engine's RowFacts (engine/facts.ts) with indexed GROUP BY
 * queries over submission_value and submission — no JSON scans, no loading every submission.
 * It must agree exactly with the in-memory reference (engine/facts-memory.ts); tests check both
 * on the same data. Rows are org units of one depth; they group by the denormalised
 * province_id / district_id / org_unit_id column, so a national district-level scorecard is a
 * handful of GROUP BY queries.
 */
import { sql, type RawBuilder } from "kysely";
import { type PlanField, type PlanWindow, type RowFacts, type ScorecardPlan, type UnitFacts } from "../../engine/index";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";
import { periodEndIndex } from "./submissions.server";

/** Grouping column by the depth of the row units (0 national, 1 province, 2 district, 3 Puskesmas). */
const GROUP_COLUMN: Record<number, "province_id" | "district_id" | "org_unit_id" | null> = {
  0: null,
  1: "province_id",
  2: "district_id",
  3: "org_unit_id",
};

const COUNTED = ["submitted", "approved"];

export interface SqlFactOptions {
  /** Also list contributing and missing units per form (for explain). */
  withUnitLists?: boolean;
}

type RowUnit = Pick<OrgUnit, "id" | "code" | "depth" | "path">;

function idList(values: readonly number[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql.lit(Math.trunc(v))));
}

function textList(values: readonly string[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql`${v}`));
}

/** The id of the row a unit belongs to: its ancestor at the rows' depth, read from its path. */
function rowIdOfPath(path: string, depth: number): number | undefined {
  const id = path.split("/").filter(Boolean)[depth];
  return id === undefined ? undefined : Number(id);
}

/** Computes RowFacts for every window of the plan × every row. */
export async function sqlRowFacts(db: DbOrTrx, plan: ScorecardPlan, rows: readonly RowUnit[], options: SqlFactOptions = {}): Promise<RowFacts[]> {
  if (rows.length === 0) return [];
  const depth = rows[0].depth;
  if (rows.some((r) => r.depth !== depth)) throw new Error("Baris scorecard harus berada pada satu tingkat yang sama.");
  if (!(depth in GROUP_COLUMN)) throw new Error("Baris scorecard harus tingkat nasional, provinsi, kabupaten/kota atau Puskesmas.");
  const column = GROUP_COLUMN[depth];
  const rowIds = rows.map((r) => r.id);
  const pkg = plan.package.key;

  // Units of the plan's level under each row: one query under the rows' common ancestor.
  const common = commonPathPrefix(rows.map((r) => r.path));
  const unitRows = await db.selectFrom("org_unit").select(["id", "code", "path"]).where("level", "=", plan.unitLevel as OrgUnit["level"]).where("path", "like", `${common}%`).execute();
  const unitsOfRow = new Map<number, Array<{ id: number; code: string }>>(rowIds.map((id) => [id, []]));
  const unitCode = new Map<number, string>();
  const rowOfUnit = new Map<number, number>();
  for (const u of unitRows) {
    const rid = rowIdOfPath(u.path, depth);
    if (rid === undefined || !unitsOfRow.has(rid)) continue;
    unitsOfRow.get(rid)!.push({ id: u.id, code: u.code });
    unitCode.set(u.id, u.code);
    rowOfUnit.set(u.id, rid);
  }
  for (const list of unitsOfRow.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const groupExpr = column ? sql.ref(column) : sql.lit(0);
  const rowFilter = column ? sql`and ${sql.ref(column)} in (${idList(rowIds)})` : sql``;

  const out: RowFacts[] = [];
  for (const w of plan.windows) {
    const facts = new Map<number, RowFacts>();
    for (const r of rows) {
      facts.set(r.id, { row: r.code, window: w.id, totals: Object.create(null), reported: Object.create(null), expected: Object.create(null) });
    }
    const monthsOf = (form: string) => [...new Set((w.formPeriods[form] ?? []).map((p) => periodEndIndex(p)))];
    const unitForms = new Set(w.unitFields.map((k) => plan.fields[k].form));
    const needUnitCounts = options.withUnitLists || unitForms.size > 0;
    const reportingUnits = new Set<number>();

    for (const form of w.forms) {
      const months = monthsOf(form);
      for (const r of rows) {
        const f = facts.get(r.id)!;
        f.reported[form] = 0;
        f.expected[form] = unitsOfRow.get(r.id)!.length * months.length;
      }
      if (months.length === 0) {
        if (options.withUnitLists) {
          for (const f of facts.values()) {
            (f.contributing ??= Object.create(null))![form] = [];
            (f.missing ??= Object.create(null))![form] = [];
          }
        }
        continue;
      }
      const base = sql`from submission where package_key = ${pkg} and form_key = ${form} and status in (${textList(COUNTED)}) and month_index in (${idList(months)}) ${rowFilter}`;
      const reported = await sql<{ row_id: number; n: number }>`select ${groupExpr} as row_id, count(*) as n ${base} group by ${groupExpr}`.execute(db);
      for (const r of reported.rows) {
        const f = facts.get(Number(r.row_id) || rows[0].id);
        if (f) f.reported[form] = Number(r.n);
      }
      if (needUnitCounts) {
        const perUnit = await sql<{ org_unit_id: number; n: number }>`select org_unit_id, count(*) as n ${base} group by org_unit_id`.execute(db);
        const countOf = new Map(perUnit.rows.map((r) => [Number(r.org_unit_id), Number(r.n)]));
        if (unitForms.has(form)) for (const id of countOf.keys()) if (rowOfUnit.has(id)) reportingUnits.add(id);
        if (options.withUnitLists) {
          for (const r of rows) {
            const f = facts.get(r.id)!;
            f.contributing ??= Object.create(null);
            f.missing ??= Object.create(null);
            const units = unitsOfRow.get(r.id)!;
            f.contributing![form] = units.filter((u) => (countOf.get(u.id) ?? 0) > 0).map((u) => u.code);
            f.missing![form] = units.filter((u) => (countOf.get(u.id) ?? 0) < months.length).map((u) => u.code);
          }
        }
      }
    }

    // Row totals, one query per (form, aggregation): Σ over units of each unit's time aggregate.
    for (const [groupKey, fields] of groupFields(plan, w)) {
      const [form, aggregation] = groupKey.split("|");
      const months = monthsOf(form);
      if (months.length === 0) continue;
      const keys = fields.map((f) => f.key);
      const where = sql`package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(months)}) ${rowFilter}`;
      let query: RawBuilder<{ row_id: number; field_key: string; total: number }>;
      // With one period per unit every aggregation is that period's value.
      const effective = months.length === 1 ? "sum" : aggregation;
      if (effective === "sum") {
        query = sql`select ${groupExpr} as row_id, field_key, sum(value) as total from submission_value where ${where} group by ${groupExpr}, field_key`;
      } else if (effective === "last") {
        query = sql`select row_id, field_key, sum(value) as total from (
            select ${groupExpr} as row_id, field_key, value,
              row_number() over (partition by org_unit_id, field_key order by month_index desc) as rn
            from submission_value where ${where}) t
          where rn = 1 group by row_id, field_key`;
      } else {
        const fn = sql.raw(effective === "avg" ? "avg" : effective === "max" ? "max" : "min");
        query = sql`select row_id, field_key, sum(unit_value) as total from (
            select ${groupExpr} as row_id, org_unit_id, field_key, ${fn}(value) as unit_value
            from submission_value where ${where} group by ${groupExpr}, org_unit_id, field_key) t
          group by row_id, field_key`;
      }
      const result = await query.execute(db);
      for (const r of result.rows) {
        const f = facts.get(Number(r.row_id) || rows[0].id);
        if (f) f.totals[r.field_key] = Number(r.total);
      }
    }
    for (const f of facts.values()) for (const key of w.fields) if (!(key in f.totals)) f.totals[key] = null;

    // Per-unit values for count_units.
    if (w.unitFields.length > 0) {
      const unitValues = new Map<number, Record<string, number | null>>();
      for (const [groupKey, fields] of groupFields(plan, w, true)) {
        const [form, aggregation] = groupKey.split("|");
        const months = monthsOf(form);
        if (months.length === 0) continue;
        const keys = fields.map((f) => f.key);
        const where = sql`package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(months)}) ${rowFilter}`;
        const effective = months.length === 1 ? "sum" : aggregation;
        const query =
          effective === "last"
            ? sql<{ org_unit_id: number; field_key: string; v: number }>`select org_unit_id, field_key, value as v from (
                select org_unit_id, field_key, value, row_number() over (partition by org_unit_id, field_key order by month_index desc) as rn
                from submission_value where ${where}) t where rn = 1`
            : sql<{ org_unit_id: number; field_key: string; v: number }>`select org_unit_id, field_key, ${sql.raw(effective)}(value) as v
                from submission_value where ${where} group by org_unit_id, field_key`;
        for (const r of (await query.execute(db)).rows) {
          const id = Number(r.org_unit_id);
          let values = unitValues.get(id);
          if (!values) unitValues.set(id, (values = Object.create(null) as Record<string, number | null>));
          values[r.field_key] = Number(r.v);
        }
      }
      for (const r of rows) {
        const list: UnitFacts[] = [];
        for (const u of unitsOfRow.get(r.id)!) {
          if (!reportingUnits.has(u.id)) continue;
          const values = Object.create(null) as Record<string, number | null>;
          const known = unitValues.get(u.id);
          for (const key of w.unitFields) values[key] = known && key in known ? known[key] : null;
          list.push({ code: u.code, values });
        }
        facts.get(r.id)!.units = list;
      }
    }
    for (const r of rows) out.push(facts.get(r.id)!);
  }
  return out;
}

/** The window's fields grouped by form and aggregation (only unit fields when `unitOnly`). */
function groupFields(plan: ScorecardPlan, w: PlanWindow, unitOnly = false): Map<string, PlanField[]> {
  const groups = new Map<string, PlanField[]>();
  for (const key of unitOnly ? w.unitFields : w.fields) {
    const f = plan.fields[key];
    const k = `${f.form}|${f.aggregation}`;
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  return groups;
}

function commonPathPrefix(paths: readonly string[]): string {
  let prefix = paths[0];
  for (const p of paths) {
    while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  }
  return prefix || "/";
}
