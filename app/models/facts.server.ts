/**
 * The SQL fact provider: computes the engine's RowFacts (engine/facts.ts) with indexed GROUP BY
 * queries over submission_value and submission — no JSON scans, no loading every submission.
 * It must agree exactly with the in-memory reference (engine/facts-memory.ts); tests check both
 * on the same data. Rows are org units of one depth (or Pustu and Posyandu of mixed depth: village
 * rows); they group by the denormalised province_id / district_id / puskesmas_id column (a
 * Puskesmas row rolls up its Pustu and Posyandu), village rows by org_unit_id. Who is expected and
 * the org-group filter follow docs/decisions/034-who-reports-what.md: expected unit-periods are
 * counted here from the units and their memberships, reports and values are filtered in SQL.
 *
 * Every window of a plan (current and previous, with or without year-to-date) is read in the
 * same scan: one conditional aggregate column per window (`SUM(CASE WHEN month_index IN (…))`),
 * so the trend costs no second pass. Fields that sum over time are totalled per row in SQL;
 * fields that need a per-unit value first (last/max/min/avg over several periods, and fields
 * read inside count_units) are fetched per unit and summed per row here.
 */
import { PostgresAdapter, sql, type RawBuilder } from "kysely";
import {
  expectedFor,
  groupsInWindow,
  periodWindow,
  reportsForm,
  type CountingUnit,
  type GroupMembership,
  type MonthWindow,
  type PeriodType,
  type PlanField,
  type PlanWindow,
  type RowFacts,
  type ScorecardPlan,
  type UnitFacts,
} from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";
import { periodEndIndex } from "./submissions.server";

/**
 * Grouping column by the depth of the row units: 0 national (none), 1 province, 2 district,
 * 3 Puskesmas (its own reports and those of its Pustu and Posyandu), 4 and 5 Pustu and Posyandu
 * (village rows: each its own reports).
 */
function groupColumnOf(depth: number): "province_id" | "district_id" | "puskesmas_id" | "org_unit_id" | null {
  if (depth <= 0) return null;
  if (depth === 1) return "province_id";
  if (depth === 2) return "district_id";
  if (depth === 3) return "puskesmas_id";
  return "org_unit_id";
}

/** Months a period of this type spans before its last month (submissions are filed at the last). */
const SPAN: Record<PeriodType, number> = { month: 0, quarter: 2, year: 11 };

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

/** A reporting unit of some row, with what the counting rules need (engine/reporting-units.ts). */
interface SqlUnit extends CountingUnit {
  id: number;
  code: string;
}

/**
 * `and <the scanned row is of one of the levels>`: with the denormalised puskesmas_id, a
 * Puskesmas's own report is the one whose unit is its Puskesmas; other sets ask the org tree.
 */
function levelFilter(levels: readonly string[]): RawBuilder<unknown> {
  const set = new Set(levels);
  if (set.size === 1 && set.has("puskesmas")) return sql`and sv.org_unit_id = sv.puskesmas_id`;
  if (set.size === 3) return sql`and sv.puskesmas_id is not null`;
  if (set.size === 2 && !set.has("puskesmas")) return sql`and sv.puskesmas_id is not null and sv.org_unit_id <> sv.puskesmas_id`;
  // Correlated (one primary-key probe per scanned report): an IN list of every Posyandu of the
  // nation would be probed against the index once per Puskesmas × month × status instead.
  return sql`and exists (select 1 from org_unit lv where lv.id = sv.org_unit_id and lv.level in (${textList([...set])}))`;
}

/**
 * `and <the scanned row's unit, its Pustu or its Puskesmas was a member of a group with key
 * orgGroup during the row's period>` (the period ends at month_index and spans `span` months before).
 * A Posyandu's parent is its Pustu or its Puskesmas; a Pustu's is its Puskesmas (puskesmas_id).
 */
function orgGroupFilter(orgGroup: string | null, span: number): RawBuilder<unknown> {
  if (orgGroup === null) return sql``;
  return sql`and exists (select 1 from org_group_member gm inner join org_group gg on gg.id = gm.group_id where gg.key = ${orgGroup} and gm.from_month <= sv.month_index and (gm.to_month is null or gm.to_month >= sv.month_index - ${sql.lit(span)}) and (gm.org_unit_id = sv.org_unit_id or gm.org_unit_id = sv.puskesmas_id or gm.org_unit_id = (select pu.parent_id from org_unit pu where pu.id = sv.org_unit_id and pu.level = 'posyandu')))`;
}

/** Computes RowFacts for every window of the plan × every row. */
export async function sqlRowFacts(db: DbOrTrx, plan: ScorecardPlan, rows: readonly RowUnit[], options: SqlFactOptions = {}): Promise<RowFacts[]> {
  if (rows.length === 0) return [];
  const depth = rows[0].depth;
  const column = groupColumnOf(depth);
  if (rows.some((r) => groupColumnOf(r.depth) !== column)) {
    throw new Error("sqlRowFacts: every row must be at the same level, or every row a Pustu or Posyandu (a caller bug, never a user's input).");
  }
  const village = column === "org_unit_id";
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const rowIds = rows.map((r) => r.id);
  const rowIdSet = new Set(rowIds);
  const pkg = plan.package.key;
  const orgGroup = plan.orgGroup ?? null;
  const windows = plan.windows;
  const forms = [...new Set(windows.flatMap((w) => w.forms))];

  // Reporting units of the plan's forms under each row: one query under the rows' common ancestor.
  const common = commonPathPrefix(rows.map((r) => r.path));
  const levels = [...new Set(forms.flatMap((f) => plan.reporters[f].levels))];
  const unitRows =
    levels.length === 0
      ? []
      : await db.selectFrom("org_unit").select(["id", "code", "path", "level"]).where("level", "in", levels).where("path", "like", `${common}%`).execute();
  // Memberships of the groups the forms apply to, of the org-group filter and of in_group inside
  // count_units, inside the rows' common Puskesmas (the filter and in_group read a unit's Pustu
  // and Puskesmas too) or wider.
  const unitGroups = [...new Set(windows.flatMap((w) => w.unitGroups ?? []))];
  const groupKeys = [...new Set([...forms.flatMap((f) => plan.reporters[f].groups ?? []), ...(orgGroup === null ? [] : [orgGroup]), ...unitGroups])];
  const membershipsOf = new Map<number, GroupMembership[]>();
  if (groupKeys.length > 0 && unitRows.length > 0) {
    const prefix = `/${common.split("/").filter(Boolean).slice(0, 4).join("/")}/`.replace("//", "/");
    const ms = await db
      .selectFrom("org_group_member as m")
      .innerJoin("org_group as g", "g.id", "m.group_id")
      .innerJoin("org_unit as u", "u.id", "m.org_unit_id")
      .select(["m.org_unit_id", "g.key", "m.from_month", "m.to_month"])
      .where("g.key", "in", groupKeys)
      .where("u.path", "like", `${prefix}%`)
      .execute();
    for (const m of ms) {
      const list = membershipsOf.get(m.org_unit_id) ?? [];
      list.push({ groupKey: m.key, from: Number(m.from_month), to: m.to_month === null ? null : Number(m.to_month) });
      membershipsOf.set(m.org_unit_id, list);
    }
  }
  const unitsOfRow = new Map<number, SqlUnit[]>(rowIds.map((id) => [id, []]));
  const rowOfUnit = new Map<number, number>();
  /** Per row, how many units of each level (what `expected` is when no group is involved). */
  const levelCountsOfRow = new Map<number, Map<string, number>>(rowIds.map((id) => [id, new Map()]));
  const NONE: readonly GroupMembership[] = [];
  for (const u of unitRows) {
    const rid = village ? (rowIdSet.has(u.id) ? u.id : undefined) : idAtDepth(u.path, depth);
    if (rid === undefined || !unitsOfRow.has(rid)) continue;
    const unit: SqlUnit = {
      id: u.id,
      code: u.code,
      level: u.level,
      memberships: membershipsOf.get(u.id) ?? NONE,
      // Its own memberships and those of its ancestors at a reporting level (Puskesmas, Pustu): depth 3 and below.
      lineage:
        membershipsOf.size === 0
          ? NONE
          : u.path
              .split("/")
              .filter(Boolean)
              .slice(3)
              .flatMap((id) => membershipsOf.get(Number(id)) ?? NONE),
    };
    unitsOfRow.get(rid)!.push(unit);
    rowOfUnit.set(u.id, rid);
    const counts = levelCountsOfRow.get(rid)!;
    counts.set(u.level, (counts.get(u.level) ?? 0) + 1);
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
    commonDepth >= 3
      ? sql`and district_id = ${sql.lit(idAtDepth(common, 2)!)} and puskesmas_id = ${sql.lit(idAtDepth(common, 3)!)}`
      : commonDepth >= 2
        ? sql`and district_id = ${sql.lit(idAtDepth(common, 2)!)}`
        : fewProvinces
          ? sql`and district_id in (${idList([...rowDistricts].sort((a, b) => a - b))})`
          : commonDepth === 1
            ? sql`and province_id = ${sql.lit(idAtDepth(common, 1)!)}`
            : sql``;
  // A national row aggregates everything: no grouping column (a literal in GROUP BY would be a position).
  const groupExpr = column ? sql.ref(column) : sql.lit(0);
  const rowFilter = column ? sql`and ${sql.ref(column)} in (${idList(rowIds)}) ${ancestorFilter}` : sql``;
  const rowKey = (rowId: unknown) => (column ? Number(rowId) : rows[0].id);

  const facts = windows.map(() => new Map<number, RowFacts>());
  windows.forEach((w, wi) => {
    for (const r of rows)
      facts[wi].set(r.id, { row: r.code, window: w.id, totals: Object.create(null), reported: Object.create(null), expected: Object.create(null) });
  });
  const monthsOf = (w: PlanWindow, form: string) => [...new Set((w.formPeriods[form] ?? []).map((p) => periodEndIndex(p)))];
  const unitForms = windows.map((w) => new Set(w.unitFields.map((k) => plan.fields[k].form)));
  const reportingUnits = windows.map(() => new Map<number, string[]>());
  const unitValues = windows.map(() => new Map<number, Record<string, number | null>>());
  const periodMonths = new Map<string, MonthWindow>();
  const monthsOfPeriod = (p: string): MonthWindow => {
    let m = periodMonths.get(p);
    if (!m) periodMonths.set(p, (m = periodWindow(p)));
    return m;
  };

  // The forms are read concurrently (SQLite's read connections, PostgreSQL's pool): each form's
  // queries touch only that form's facts, fields and completeness. Per-unit totals are summed in
  // unit-id order, so the result does not depend on which query answers first.
  const unitOrder = [...rowOfUnit.keys()].sort((a, b) => a - b);
  const readForm = async (form: string): Promise<void> => {
    const ws = windows.map((w, wi) => ({ w, wi })).filter(({ w }) => w.forms.includes(form));
    const months = ws.map(({ w }) => monthsOf(w, form));
    const all = [...new Set(months.flat())];
    const reporters = plan.reporters[form];
    const formFilter = sql`${levelFilter(reporters.levels)} ${orgGroupFilter(orgGroup, SPAN[reporters.periodType])}`;
    ws.forEach(({ w, wi }) => {
      const periods = (w.formPeriods[form] ?? []).map(monthsOfPeriod);
      for (const r of rows) {
        const f = facts[wi].get(r.id)!;
        f.reported[form] = 0;
        // Expected: per period, the row's units of the form's levels that were due (applies-to
        // membership during the period, the org-group filter).
        let expected = 0;
        if (reporters.groups === null && orgGroup === null) {
          // Without applies-to and filter every unit of the form's levels owes every period: counted
          // per level, no loop over a national row's 400,000 units.
          const counts = levelCountsOfRow.get(r.id)!;
          for (const level of reporters.levels) expected += (counts.get(level) ?? 0) * periods.length;
        } else {
          for (const u of unitsOfRow.get(r.id)!) {
            if (!reportsForm(reporters, u.level)) continue;
            for (const p of periods) if (expectedFor(reporters, u, p, orgGroup)) expected++;
          }
        }
        f.expected[form] = expected;
        if (options.withUnitLists) {
          (f.contributing ??= Object.create(null))![form] = [];
          (f.missing ??= Object.create(null))![form] = [];
        }
      }
    });
    if (all.length === 0) return;

    // Reported unit-periods per row, every window in one scan. When per-unit counts are needed
    // too, the per-row counts are their sums (same filter; each unit carries its row), so the
    // submissions are scanned once instead of twice. Explain's unit lists need each unit's periods.
    const countCols = sql.join(months.map((m, k) => sql`sum(${inWindow(m, sql`1`)}) as ${sql.ref(`c${k}`)}`));
    const subBase = sql`from submission as sv where package_key = ${pkg} and form_key = ${form} and status in (${textList(COUNTED)}) and month_index in (${idList(all)}) ${rowFilter} ${formFilter}`;
    if (options.withUnitLists) {
      const pairs = await sql<{
        org_unit_id: number;
        month_index: number;
      }>`select org_unit_id, month_index ${subBase} group by org_unit_id, month_index`.execute(db);
      const monthsOfUnit = new Map<number, Set<number>>();
      for (const p of pairs.rows) {
        const id = Number(p.org_unit_id);
        if (!rowOfUnit.has(id)) continue;
        let set = monthsOfUnit.get(id);
        if (!set) monthsOfUnit.set(id, (set = new Set()));
        set.add(Number(p.month_index));
      }
      ws.forEach(({ w, wi }, k) => {
        const periods = (w.formPeriods[form] ?? []).map((p) => ({ end: periodEndIndex(p), months: monthsOfPeriod(p) }));
        for (const r of rows) {
          const f = facts[wi].get(r.id)!;
          for (const u of unitsOfRow.get(r.id)!) {
            if (!reportsForm(reporters, u.level)) continue;
            const has = monthsOfUnit.get(u.id);
            const n = has ? months[k].filter((m) => has.has(m)).length : 0;
            f.reported[form] += n;
            if (n > 0) {
              f.contributing![form].push(u.code);
              if (unitForms[wi].has(form)) {
                const list = reportingUnits[wi].get(u.id);
                if (list) list.push(form);
                else reportingUnits[wi].set(u.id, [form]);
              }
            }
            if (periods.some((p) => !has?.has(p.end) && expectedFor(reporters, u, p.months, orgGroup))) f.missing![form].push(u.code);
          }
        }
      });
    } else {
      const needUnitCounts = ws.some(({ wi }) => unitForms[wi].has(form));
      const counted = needUnitCounts
        ? await sql<
            Record<string, number | null> & { row_id: number; org_unit_id: number }
          >`select org_unit_id, min(${groupExpr}) as row_id, ${countCols} ${subBase} group by org_unit_id`.execute(db)
        : await sql<
            Record<string, number | null> & { row_id: number; org_unit_id: number }
          >`select ${groupExpr} as row_id, ${countCols} ${subBase} ${column ? sql`group by ${groupExpr}` : sql``}`.execute(db);
      for (const r of counted.rows) {
        ws.forEach(({ wi }, k) => {
          const f = facts[wi].get(rowKey(r.row_id));
          if (f) f.reported[form] += Number(r[`c${k}`] ?? 0);
        });
      }
      if (needUnitCounts) {
        ws.forEach(({ wi }, k) => {
          if (!unitForms[wi].has(form)) return;
          for (const r of counted.rows) {
            const id = Number(r.org_unit_id);
            if (Number(r[`c${k}`] ?? 0) === 0 || !rowOfUnit.has(id)) continue;
            const list = reportingUnits[wi].get(id);
            if (list) list.push(form);
            else reportingUnits[wi].set(id, [form]);
          }
        });
      }
    }

    // Fields of this form, split into those totalled in SQL and those that need per-unit values.
    const fieldKeys = [...new Set(ws.flatMap(({ w }) => w.fields.filter((k) => plan.fields[k].form === form)))];
    const singlePeriod = months.every((m) => m.length <= 1);
    const perUnit = (f: PlanField) => ws.some(({ w }) => w.unitFields.includes(f.key)) || (f.aggregation !== "sum" && !singlePeriod);
    const rowLevel = fieldKeys.filter((k) => !perUnit(plan.fields[k]));
    const unitLevel = fieldKeys.filter((k) => perUnit(plan.fields[k]));
    const valueBase = (keys: string[]) =>
      sql`from submission_value as sv where package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(all)}) ${rowFilter} ${formFilter}`;

    if (rowLevel.length > 0) {
      // With at most one period per window every aggregation is that period's value, so a sum.
      const cols = sql.join(months.map((m, k) => sql`sum(${inWindow(m, sql`value`)}) as ${sql.ref(`v${k}`)}`));
      const result = await sql<
        Record<string, number | null> & { row_id: number; field_key: string }
      >`select ${groupExpr} as row_id, field_key, ${cols} ${valueBase(rowLevel)} group by ${column ? sql`${groupExpr}, ` : sql``}field_key`.execute(db);
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
          const where = sql`package_key = ${pkg} and field_key in (${textList(keys)}) and month_index in (${idList(months[k])}) ${rowFilter} ${formFilter}`;
          const query = postgres
            ? sql<{
                org_unit_id: number;
                field_key: string;
                v: number;
              }>`select distinct on (org_unit_id, field_key) org_unit_id, field_key, value as v from submission_value as sv where ${where} order by org_unit_id, field_key, month_index desc`
            : sql<{
                org_unit_id: number;
                field_key: string;
                v: number;
              }>`select org_unit_id, field_key, value as v, max(month_index) as m from submission_value as sv where ${where} group by org_unit_id, field_key`;
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
          const one: UnitFacts = { code: u.code, values, forms: [...reportedForms].sort() };
          if (w.unitGroups) one.groups = groupsInWindow(u, w.unitGroups, w.start, w.end);
          list.push(one);
        }
        f.units = list;
      }
      out.push(f);
    }
  });
  return out;
}
