/**
 * The SQL fact provider: computes the engine's RowFacts (engine/facts.ts) with indexed GROUP BY
 * queries over submission_value and submission — no JSON scans, no loading every submission.
 * It must agree exactly with the in-memory reference (engine/facts-memory.ts); tests check both
 * on the same data. Rows are org units of one depth; they group by the denormalised
 * province_id / district_id / org_unit_id column.
 *
 * Every window of a plan (current and previous, with or without year-to-date) is read in the
 * same scan: one conditional aggregate column per window (`SUM(CASE WHEN month_index IN (…))`),
 * so the trend costs no second pass. Fields that sum over time are totalled per row in SQL;
 * fields that need a per-unit value first (last/max/min/avg over several periods, and fields
 * read inside count_units) are fetched per unit and summed per row here.
 */
import { PostgresAdapter, sql, type RawBuilder } from "kysely";
import type { PlanField, PlanWindow, RowFacts, ScorecardPlan, UnitFacts } from "@engine";
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

/** Province rows spanning at most this many districts are read by district (index seeks), more by a scan. */
const MAX_DISTRICT_SEEKS = 64;

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

/** The id of the ancestor at `depth` of a unit, read from its materialised path. */
function idAtDepth(path: string, depth: number): number | undefined {
  const id = path.split("/").filter(Boolean)[depth];
  return id === undefined ? undefined : Number(id);
}

function commonPathPrefix(paths: readonly string[]): string {
  let prefix = paths[0];
  for (const p of paths) {
    while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  }
  return prefix || "/";
}

/** `CASE WHEN month_index IN (…) THEN <then> END` for one window's months. */
function inWindow(months: readonly number[], then: RawBuilder<unknown>): RawBuilder<unknown> {
  // An empty window still needs a typed expression (PostgreSQL cannot sum an untyped null).
  return months.length === 0 ? sql`case when 1 = 0 then ${then} end` : sql`case when month_index in (${idList(months)}) then ${then} end`;
}

/** Computes RowFacts for every window of the plan × every row. */
export async function sqlRowFacts(db: DbOrTrx, plan: ScorecardPlan, rows: readonly RowUnit[], options: SqlFactOptions = {}): Promise<RowFacts[]> {
  if (rows.length === 0) return [];
  const depth = rows[0].depth;
  if (rows.some((r) => r.depth !== depth)) throw new Error("sqlRowFacts: every row must be at the same level (a caller bug, never a user's input).");
  if (!(depth in GROUP_COLUMN)) throw new Error("sqlRowFacts: rows must be national, province, district or Puskesmas units (a caller bug).");
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const column = GROUP_COLUMN[depth];
  const rowIds = rows.map((r) => r.id);
  const pkg = plan.package.key;

  // Units of the plan's level under each row: one query under the rows' common ancestor.
  const common = commonPathPrefix(rows.map((r) => r.path));
  const unitRows = await db
    .selectFrom("org_unit")
    .select(["id", "code", "path"])
    .where("level", "=", plan.unitLevel as OrgUnit["level"])
    .where("path", "like", `${common}%`)
    .execute();
  const unitsOfRow = new Map<number, Array<{ id: number; code: string }>>(rowIds.map((id) => [id, []]));
  const rowOfUnit = new Map<number, number>();
  for (const u of unitRows) {
    const rid = idAtDepth(u.path, depth);
    if (rid === undefined || !unitsOfRow.has(rid)) continue;
    unitsOfRow.get(rid)!.push({ id: u.id, code: u.code });
    rowOfUnit.set(u.id, rid);
  }
  for (const list of unitsOfRow.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  // Narrow every scan to the rows' common province or district, so the index is used for a
  // district's Puskesmas instead of scanning the nation.
  const commonDepth = common.split("/").filter(Boolean).length - 1;
  // A few province rows (the row cache recomputing the provinces whose data changed): their
  // districts, so the scan seeks into the indexes (which lead with district_id after the month)
  // instead of reading the nation and keeping two provinces.
  const rowDistricts = new Set<number>();
  let everyUnitHasDistrict = true;
  if (depth === 1) {
    for (const u of unitRows) {
      const d = idAtDepth(u.path, 2);
      if (d === undefined) everyUnitHasDistrict = false;
      else if (rowOfUnit.has(u.id)) rowDistricts.add(d);
    }
  }
  const fewProvinces = depth === 1 && everyUnitHasDistrict && rowDistricts.size > 0 && rowDistricts.size <= MAX_DISTRICT_SEEKS;
  const ancestorFilter =
    commonDepth >= 2
      ? sql`and district_id = ${sql.lit(idAtDepth(common, 2)!)}`
      : fewProvinces
        ? sql`and district_id in (${idList([...rowDistricts].sort((a, b) => a - b))})`
        : commonDepth === 1
          ? sql`and province_id = ${sql.lit(idAtDepth(common, 1)!)}`
          : sql``;
  const groupExpr = column ? sql.ref(column) : sql.lit(0);
  const rowFilter = column ? sql`and ${sql.ref(column)} in (${idList(rowIds)}) ${ancestorFilter}` : sql``;
  const rowKey = (rowId: unknown) => (column ? Number(rowId) : rows[0].id);

  const windows = plan.windows;
  const facts = windows.map(() => new Map<number, RowFacts>());
  windows.forEach((w, wi) => {
    for (const r of rows)
      facts[wi].set(r.id, { row: r.code, window: w.id, totals: Object.create(null), reported: Object.create(null), expected: Object.create(null) });
  });
  const monthsOf = (w: PlanWindow, form: string) => [...new Set((w.formPeriods[form] ?? []).map((p) => periodEndIndex(p)))];
  const unitForms = windows.map((w) => new Set(w.unitFields.map((k) => plan.fields[k].form)));
  const reportingUnits = windows.map(() => new Map<number, string[]>());
  const unitValues = windows.map(() => new Map<number, Record<string, number | null>>());
  const forms = [...new Set(windows.flatMap((w) => w.forms))];

  // The forms are read concurrently (SQLite's read connections, PostgreSQL's pool): each form's
  // queries touch only that form's facts, fields and completeness. Per-unit totals are summed in
  // unit-id order, so the result does not depend on which query answers first.
  const unitOrder = [...rowOfUnit.keys()].sort((a, b) => a - b);
  const readForm = async (form: string): Promise<void> => {
    const ws = windows.map((w, wi) => ({ w, wi })).filter(({ w }) => w.forms.includes(form));
    const months = ws.map(({ w }) => monthsOf(w, form));
    const all = [...new Set(months.flat())];
    ws.forEach(({ wi }, k) => {
      for (const r of rows) {
        const f = facts[wi].get(r.id)!;
        f.reported[form] = 0;
        f.expected[form] = unitsOfRow.get(r.id)!.length * months[k].length;
        if (options.withUnitLists) {
          (f.contributing ??= Object.create(null))![form] = [];
          (f.missing ??= Object.create(null))![form] = [];
        }
      }
    });
    if (all.length === 0) return;

    // Reported unit-periods per row, every window in one scan. When per-unit counts are needed
    // too, the per-row counts are their sums (same filter; each unit carries its row), so the
    // submissions are scanned once instead of twice.
    const countCols = sql.join(months.map((m, k) => sql`sum(${inWindow(m, sql`1`)}) as ${sql.ref(`c${k}`)}`));
    const subBase = sql`from submission where package_key = ${pkg} and form_key = ${form} and status in (${textList(COUNTED)}) and month_index in (${idList(all)}) ${rowFilter}`;
    const needUnitCounts = options.withUnitLists || ws.some(({ wi }) => unitForms[wi].has(form));
    const counted = needUnitCounts
      ? await sql<
          Record<string, number | null> & { row_id: number; org_unit_id: number }
        >`select org_unit_id, min(${groupExpr}) as row_id, ${countCols} ${subBase} group by org_unit_id`.execute(db)
      : await sql<
          Record<string, number | null> & { row_id: number; org_unit_id: number }
        >`select ${groupExpr} as row_id, ${countCols} ${subBase} group by ${groupExpr}`.execute(db);
    for (const r of counted.rows) {
      ws.forEach(({ wi }, k) => {
        const f = facts[wi].get(rowKey(r.row_id));
        if (f) f.reported[form] += Number(r[`c${k}`] ?? 0);
      });
    }
    if (needUnitCounts) {
      const perUnit = counted;
      ws.forEach(({ wi }, k) => {
        const countOf = new Map<number, number>();
        for (const r of perUnit.rows) countOf.set(Number(r.org_unit_id), Number(r[`c${k}`] ?? 0));
        if (unitForms[wi].has(form)) {
          for (const [id, n] of countOf) {
            if (n === 0 || !rowOfUnit.has(id)) continue;
            const list = reportingUnits[wi].get(id);
            if (list) list.push(form);
            else reportingUnits[wi].set(id, [form]);
          }
        }
        if (options.withUnitLists) {
          for (const r of rows) {
            const f = facts[wi].get(r.id)!;
            const units = unitsOfRow.get(r.id)!;
            f.contributing![form] = units.filter((u) => (countOf.get(u.id) ?? 0) > 0).map((u) => u.code);
            f.missing![form] = units.filter((u) => (countOf.get(u.id) ?? 0) < months[k].length).map((u) => u.code);
          }
        }
      });
    }

    // Fields of this form, split into those totalled in SQL and those that need per-unit values.
    const fieldKeys = [...new Set(ws.flatMap(({ w }) => w.fields.filter((k) => plan.fields[k].form === form)))];
    const singlePeriod = months.every((m) => m.length <= 1);
    const perUnit = (f: PlanField) => ws.some(({ w }) => w.unitFields.includes(f.key)) || (f.aggregation !== "sum" && !singlePeriod);
    const rowLevel = fieldKeys.filter((k) => !perUnit(plan.fields[k]));
    const unitLevel = fieldKeys.filter((k) => perUnit(plan.fields[k]));
    const valueBase = (keys: string[]) =>
      sql`from submission_value where package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(all)}) ${rowFilter}`;

    if (rowLevel.length > 0) {
      // With at most one period per window every aggregation is that period's value, so a sum.
      const cols = sql.join(months.map((m, k) => sql`sum(${inWindow(m, sql`value`)}) as ${sql.ref(`v${k}`)}`));
      const result = await sql<
        Record<string, number | null> & { row_id: number; field_key: string }
      >`select ${groupExpr} as row_id, field_key, ${cols} ${valueBase(rowLevel)} group by ${groupExpr}, field_key`.execute(db);
      for (const r of result.rows) {
        ws.forEach(({ wi }, k) => {
          const f = facts[wi].get(rowKey(r.row_id));
          const v = r[`v${k}`];
          if (f && v !== null && v !== undefined) f.totals[r.field_key] = Number(v);
        });
      }
    }

    const byAggregation = new Map<string, string[]>();
    for (const key of unitLevel) {
      const agg = singlePeriod ? "sum" : plan.fields[key].aggregation;
      byAggregation.set(agg, [...(byAggregation.get(agg) ?? []), key]);
    }
    for (const [agg, keys] of byAggregation) {
      const record = (wi: number, unitId: number, field: string, v: unknown) => {
        if (v === null || v === undefined || !rowOfUnit.has(unitId)) return;
        let values = unitValues[wi].get(unitId);
        if (!values) unitValues[wi].set(unitId, (values = Object.create(null) as Record<string, number | null>));
        values[field] = Number(v);
      };
      if (agg === "last") {
        // The value of each unit's latest period in the window: SQLite returns the row of max()
        // for bare columns; PostgreSQL has DISTINCT ON.
        for (const [k, { wi }] of ws.entries()) {
          if (months[k].length === 0) continue;
          const where = sql`package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(months[k])}) ${rowFilter}`;
          const query = postgres
            ? sql<{
                org_unit_id: number;
                field_key: string;
                v: number;
              }>`select distinct on (org_unit_id, field_key) org_unit_id, field_key, value as v from submission_value where ${where} order by org_unit_id, field_key, month_index desc`
            : sql<{
                org_unit_id: number;
                field_key: string;
                v: number;
              }>`select org_unit_id, field_key, value as v, max(month_index) as m from submission_value where ${where} group by org_unit_id, field_key`;
          for (const r of (await query.execute(db)).rows) record(wi, Number(r.org_unit_id), r.field_key, r.v);
        }
      } else {
        const fn = sql.raw(agg === "avg" ? "avg" : agg === "max" ? "max" : agg === "min" ? "min" : "sum");
        const cols = sql.join(months.map((m, k) => sql`${fn}(${inWindow(m, sql`value`)}) as ${sql.ref(`v${k}`)}`));
        const result = await sql<
          Record<string, number | null> & { org_unit_id: number; field_key: string }
        >`select org_unit_id, field_key, ${cols} ${valueBase(keys)} group by org_unit_id, field_key`.execute(db);
        for (const r of result.rows) ws.forEach(({ wi }, k) => record(wi, Number(r.org_unit_id), r.field_key, r[`v${k}`]));
      }
      // Row totals of per-unit fields: Σ over the row's units (ratio of sums, missing ≠ zero).
      for (const { wi } of ws) {
        for (const unitId of unitOrder) {
          const values = unitValues[wi].get(unitId);
          if (!values) continue;
          const f = facts[wi].get(rowOfUnit.get(unitId)!)!;
          for (const key of keys) {
            const v = values[key];
            if (v === null || v === undefined) continue;
            f.totals[key] = (f.totals[key] ?? 0) + v;
          }
        }
      }
    }
  };
  await Promise.all(forms.map(readForm));

  const out: RowFacts[] = [];
  windows.forEach((w, wi) => {
    for (const r of rows) {
      const f = facts[wi].get(r.id)!;
      for (const key of w.fields) if (!(key in f.totals)) f.totals[key] = null;
      // A window reads only its own fields.
      for (const key of Object.keys(f.totals)) if (!w.fields.includes(key)) delete f.totals[key];
      if (w.unitFields.length > 0) {
        const list: UnitFacts[] = [];
        for (const u of unitsOfRow.get(r.id)!) {
          const reportedForms = reportingUnits[wi].get(u.id);
          if (!reportedForms) continue;
          const values = Object.create(null) as Record<string, number | null>;
          const known = unitValues[wi].get(u.id);
          for (const key of w.unitFields) values[key] = known && key in known ? known[key] : null;
          list.push({ code: u.code, values, forms: [...reportedForms].sort() });
        }
        f.units = list;
      }
      out.push(f);
    }
  });
  return out;
}
