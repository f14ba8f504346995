/**
 * Scorecards from the database: choose the rows (children of a parent, or every unit of a
 * level in a scope), the package (national, or the district's effective package when every
 * row lies in one district), compute facts with SQL and hand them to the engine.
 */
import {
  computeScorecard,
  explainCell,
  isFinerOrEqual,
  isVillageLevel,
  nationalYardstick,
  packageYardstick,
  periodWindow,
  planScorecard,
  type CellExplanation,
  type OrgChainLink,
  type PeriodType,
  type Scorecard,
  type ScorecardRequest,
  type TemplatePackage,
  type Yardstick,
  type Yardsticks,
  type RowFacts,
  type ScorecardPlan,
} from "@engine";
import type { SelectQueryBuilder } from "kysely";
import type { DbOrTrx } from "~/auth/audit.server";
import { mayReadGroup } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { Database, OrgLevel, OrgUnit } from "~/db/schema";
import { districtsOf, readyFactIndex } from "./fact-index.server";
import { rowFacts } from "./fact-index-facts.server";
import { cachedRowFacts, cacheFor, readVersions, type DataVersions, type ScorecardCache } from "./scorecard-cache.server";
import { groupMembersDuringQuery } from "./expected-units.server";
import { GROUP_KEY_PATTERN } from "./groups.server";
import { getOrgByCode, getOrgsByIds, listChildren, listSubtree } from "./org.server";
import { ancestorIds, COUNTED } from "./submissions.server";
import { adaptedDistricts, effectivePackage, getPublishedPackage, type EffectivePackage } from "./templates.server";
import { clock } from "~/utils/clock.server";
import { MessageError } from "~/i18n/message";

/** Levels that can be scorecard rows; Pustu and Posyandu are the village rows of one Puskesmas (decision 034). */
export const ROW_LEVELS: readonly OrgLevel[] = ["province", "district", "puskesmas", "pustu", "posyandu"];

export interface ScorecardQuery {
  packageKey: string;
  period: string;
  ytd?: boolean;
  /**
   * Rows are the children of this unit (national → provinces → districts → Puskesmas); of a
   * Puskesmas, every Pustu and Posyandu under it (village rows, each its own reports), with the
   * Puskesmas itself (all their reports rolled up) as the total row.
   */
  parentCode?: string;
  /** Or: every unit of this level inside `scopePaths` (default national). */
  level?: OrgLevel;
  group?: string;
  /**
   * An org-unit group key (not an indicator `group`): only units that were members of a group with
   * this key during the period, or lie below one (its Pustu and Posyandu), count; Puskesmas rows
   * are those members or those with a member below them (docs/decisions/034-who-reports-what.md).
   * Refused unless the viewer may read a group with this key.
   */
  orgGroup?: string;
  /** Who asks, for `orgGroup` (mayReadGroup); without one (CLI, warmer) any group in `scopePaths` or national. */
  viewer?: Pick<SessionUser, "grants">;
  indicators?: string[];
  /** Compare with the previous period (trend arrows); default true. */
  trend?: boolean;
  /** Restrict to these subtrees (the caller's grants); undefined = everything. */
  scopePaths?: string[];
  /**
   * What cells are judged against: "nearest" (default) — each row by its nearest scope's target
   * and its district's bands, the same on every page; "national" — every row by the national
   * target and bands, one yardstick for a like-for-like comparison.
   */
  basis?: TargetBasis;
}

export type TargetBasis = "nearest" | "national";

/**
 * A request the user can fix (unknown template, unit, level): a catalogue key with params;
 * `message` is Indonesian (the CLI), `for(reader)` renders it for the web reader.
 */
export class ScorecardQueryError extends MessageError {}

export interface ScorecardResult {
  scorecard: Scorecard;
  request: ScorecardRequest;
  parent: OrgUnit | null;
  rows: OrgUnit[];
  effective: EffectivePackage;
  /** Newest change to a submission among the rows (ISO UTC), for "data last changed". */
  lastChange: string | null;
  /** What the cells were judged against. */
  basis: TargetBasis;
}

interface Resolved {
  request: ScorecardRequest;
  parent: OrgUnit | null;
  rows: OrgUnit[];
  effective: EffectivePackage;
  orgChains: Record<string, OrgChainLink[]>;
  pkg: TemplatePackage;
  yardsticks: Yardsticks | undefined;
}

/** One yardstick object per package object, so the engine's target index is built once. */
const yardstickCache = new WeakMap<TemplatePackage, { nearest: Yardstick; national: Yardstick }>();
function yardstickFor(pkg: TemplatePackage, basis: TargetBasis): Yardstick {
  let y = yardstickCache.get(pkg);
  if (!y) yardstickCache.set(pkg, (y = { nearest: packageYardstick(pkg), national: nationalYardstick(pkg) }));
  return y[basis];
}

/**
 * The yardsticks of a scorecard (engine Yardsticks), the same whichever page asks. Nearest: a row
 * inside a district that adapted the package is judged by the district's adaptation applied to
 * the newest national version (its own targets and bands over the ministry's newest), including
 * on the district's own page, whose forms may follow an older version; other rows by the page's
 * package. National: every row by the newest national version's national targets and bands.
 */
export async function yardsticksOf(
  db: DbOrTrx,
  q: Pick<ScorecardQuery, "packageKey" | "basis">,
  chains: Readonly<Record<string, readonly OrgChainLink[]>>,
): Promise<Yardsticks | undefined> {
  if (q.basis === "national") {
    const latest = await getPublishedPackage(q.packageKey, undefined, db);
    return latest ? { all: yardstickFor(latest.document, "national") } : undefined;
  }
  const districts = new Set<string>();
  for (const chain of Object.values(chains)) for (const link of chain) if (link.level === "district") districts.add(link.code);
  if (districts.size === 0) return undefined;
  const byDistrict: Record<string, Yardstick> = Object.create(null);
  for (const d of await adaptedDistricts(q.packageKey, db)) {
    if (districts.has(d.districtCode)) byDistrict[d.districtCode] = yardstickFor(d.onLatest.package, "nearest");
  }
  return Object.keys(byDistrict).length > 0 ? { byDistrict } : undefined;
}

/**
 * Refuses an org-group filter the viewer may not use: a malformed key (400), or no group with that
 * key the viewer may read (404) — a national group, or a district's inside the viewer's area
 * (mayReadGroup); without a viewer (CLI, warmer), national groups and those inside `scopePaths`.
 */
export async function checkOrgGroup(db: DbOrTrx, q: Pick<ScorecardQuery, "orgGroup" | "viewer" | "scopePaths">): Promise<void> {
  if (q.orgGroup === undefined) return;
  if (!GROUP_KEY_PATTERN.test(q.orgGroup)) throw new ScorecardQueryError("levels.orgGroup.invalid", { group: q.orgGroup.slice(0, 80) }, 400);
  const owners = await db
    .selectFrom("org_group as g")
    .innerJoin("org_unit as o", "o.id", "g.owner_org_unit_id")
    .select(["o.level", "o.path"])
    .where("g.key", "=", q.orgGroup)
    .execute();
  const readable = owners.some((o) =>
    q.viewer ? mayReadGroup(q.viewer, o) : o.level === "national" || !q.scopePaths || q.scopePaths.some((p) => o.path.startsWith(p) || p.startsWith(o.path)),
  );
  if (!readable) throw new ScorecardQueryError("levels.orgGroup.unknown", { group: q.orgGroup }, 404);
}

/** Puskesmas rows under the org-group filter: members during the period, or with a member Pustu or Posyandu. */
async function withMembers(db: DbOrTrx, rows: OrgUnit[], orgGroup: string, period: string): Promise<OrgUnit[]> {
  const { start, end } = periodWindow(period);
  const members = await db
    .selectFrom("org_unit")
    .select("path")
    .where("id", "in", groupMembersDuringQuery(db, [orgGroup], start, end))
    .execute();
  return rows.filter((r) => members.some((m) => m.path.startsWith(r.path)));
}

async function resolve(db: DbOrTrx, q: ScorecardQuery): Promise<Resolved> {
  let parent: OrgUnit | null = null;
  let rows: OrgUnit[];
  await checkOrgGroup(db, q);
  const inScope = (u: Pick<OrgUnit, "path">) => !q.scopePaths || q.scopePaths.some((p) => u.path.startsWith(p));
  if (q.parentCode) {
    parent = (await getOrgByCode(db, q.parentCode)) ?? null;
    if (!parent) throw new ScorecardQueryError("scorecards.error.unit", { code: q.parentCode }, 404);
    // A parent outside the scope is refused, even if some children were visible.
    if (!inScope(parent)) throw new ScorecardQueryError("scorecards.query.outOfScope", {}, 403);
    // A Puskesmas's rows are its village units: every Pustu and Posyandu under it, in tree order.
    rows =
      parent.level === "puskesmas"
        ? (await listSubtree(db, parent)).filter((u) => isVillageLevel(u.level))
        : (await listChildren(db, parent.id)).filter((u) => ROW_LEVELS.includes(u.level));
    if (rows.length === 0) throw new ScorecardQueryError("scorecards.query.noChildren", { name: parent.name });
  } else {
    const level = q.level ?? "district";
    if (!ROW_LEVELS.includes(level)) throw new ScorecardQueryError("scorecards.error.level", { level });
    let query = db.selectFrom("org_unit").selectAll().where("level", "=", level);
    if (q.scopePaths) query = query.where((eb) => eb.or(q.scopePaths!.map((p) => eb("path", "like", `${p}%`))));
    rows = await query.orderBy("code").execute();
    if (rows.length === 0) throw new ScorecardQueryError("scorecards.query.noUnits");
  }
  if (q.orgGroup !== undefined && rows[0].level === "puskesmas") {
    rows = await withMembers(db, rows, q.orgGroup, q.period);
    if (rows.length === 0) throw new ScorecardQueryError("levels.orgGroup.noRows", { group: q.orgGroup, period: q.period }, 404);
  }
  const districtIds = new Set(rows.map((r) => (r.level === "district" ? r.id : ancestorIds(r).districtId)));
  const districtId = districtIds.size === 1 && (rows[0].level === "puskesmas" || isVillageLevel(rows[0].level)) ? [...districtIds][0] : null;
  const effective = await effectivePackage(q.packageKey, districtId, db);
  if (!effective) throw new ScorecardQueryError("scorecards.query.template", { template: q.packageKey }, 404);
  const ancestorIdSet = new Set<number>();
  for (const u of [...rows, ...(parent ? [parent] : [])]) for (const id of u.path.split("/").filter(Boolean)) ancestorIdSet.add(Number(id));
  const byId = new Map((await getOrgsByIds(db, [...ancestorIdSet])).map((u) => [u.id, u]));
  const chainOf = (u: OrgUnit): OrgChainLink[] =>
    u.path
      .split("/")
      .filter(Boolean)
      .map((id) => byId.get(Number(id))!)
      .filter(Boolean)
      .map((a) => ({ code: a.code, level: a.level }));
  const orgChains: Record<string, OrgChainLink[]> = Object.create(null);
  for (const u of rows) orgChains[u.code] = chainOf(u);
  if (parent) orgChains[parent.code] = chainOf(parent);
  const request: ScorecardRequest = {
    period: q.period,
    ytd: q.ytd,
    group: q.group,
    orgGroup: q.orgGroup,
    indicators: q.indicators,
    trend: q.trend,
    rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })),
    total: parent ? { code: parent.code, name: parent.name, level: parent.level } : undefined,
  };
  const yardsticks = await yardsticksOf(db, q, orgChains);
  return { request, parent, rows, effective, orgChains, pkg: effective.package, yardsticks };
}

/** A stable key of a query (with the caller's scope): equal keys ask for the same scorecard. */
function queryKey(q: ScorecardQuery): string {
  return JSON.stringify([
    q.packageKey,
    q.period,
    q.ytd ?? null,
    q.parentCode ?? null,
    q.parentCode ? null : (q.level ?? "district"),
    q.group ?? null,
    q.orgGroup ?? null,
    q.indicators ?? null,
    q.trend ?? true,
    q.scopePaths ?? null,
    q.basis ?? "nearest",
  ]);
}

/**
 * Counted submissions of the package under each of `paths`: one query per path, so each is a
 * single seek into an index (an OR would defeat SQLite's max() optimisation); a national path
 * covers everything and ends the list. Reads the denormalised province/district columns and
 * their indexes (migration 005) instead of joining the org tree. Counted only: a draft changes
 * no scorecard (and bumps no data version, migration 007).
 */
function countedUnder(db: DbOrTrx, packageKey: string, paths: readonly string[]): Array<SelectQueryBuilder<Database, "submission", object>> {
  const out: Array<SelectQueryBuilder<Database, "submission", object>> = [];
  for (const p of paths) {
    const ids = p.split("/").filter(Boolean).map(Number);
    const depth = ids.length - 1;
    let query = db
      .selectFrom("submission")
      .where("package_key", "=", packageKey)
      .where("status", "in", [...COUNTED]);
    if (depth === 1) query = query.where("province_id", "=", ids[1]);
    else if (depth === 2) query = query.where("district_id", "=", ids[2]);
    else if (depth > 2) query = query.where("org_unit_id", "in", (eb) => eb.selectFrom("org_unit").select("id").where("path", "like", `${p}%`));
    out.push(query);
    if (depth <= 0) break;
  }
  return out;
}

/** Newest change to a counted submission of the package among the units under `paths` (ISO UTC). */
async function lastChangeOf(db: DbOrTrx, packageKey: string, paths: readonly string[]): Promise<string | null> {
  let newest: string | null = null;
  for (const query of countedUnder(db, packageKey, paths)) {
    const at = ((await query.select((eb) => eb.fn.max("updated_at").as("at")).executeTakeFirst())?.at as string | null | undefined) ?? null;
    if (at !== null && (newest === null || at > newest)) newest = at;
  }
  return newest;
}

/** Whether the rows are the village units of a Puskesmas parent (the total row is then the Puskesmas's own roll-up). */
function villageParent(r: Pick<Resolved, "parent">): boolean {
  return r.parent?.level === "puskesmas";
}

/**
 * The total row of village rows: the Puskesmas's facts (its own reports and all its Pustu's and
 * Posyandu's), the same as its row one level up — not the sum of the village rows, which leave
 * out the Puskesmas's own reports.
 */
async function villageTotal(
  db: DbOrTrx,
  plan: ScorecardPlan,
  r: Pick<Resolved, "parent">,
  options: { withUnitLists?: boolean } = {},
): Promise<RowFacts[] | undefined> {
  return villageParent(r) ? rowFacts(db, plan, [r.parent!], options) : undefined;
}

async function computeResult(
  db: DbOrTrx,
  q: ScorecardQuery,
  versions: DataVersions | null,
  cache: ScorecardCache<ScorecardResult> | null,
): Promise<ScorecardResult> {
  const r = await resolve(db, q);
  const plan = planScorecard(r.pkg, r.request);
  // The fact index (decision 040), when this process has it, brought up to the versions read first.
  // Only the districts this scorecard reads (its rows, its parent, the paths of "data last
  // changed"): a view of one district does not wait for reloads of districts changed elsewhere.
  const index = versions ? readyFactIndex(db) : null;
  const paths = r.parent ? [r.parent.path] : (q.scopePaths ?? ["/"]);
  if (index && versions) {
    const units = [...r.rows, ...(r.parent ? [r.parent] : []), ...paths.map((path) => ({ path }))];
    await index.refresh(versions, districtsOf(units));
  }
  let facts;
  let total: RowFacts[] | undefined;
  if (cache && versions) {
    // Cached row facts are those of every indicator of the package (same period, year-to-date
    // and trend choice), so an indicator group or a single indicator reuses the rows the full
    // view or the warmer already read instead of scanning again for a subset of its fields.
    const full =
      r.request.group === undefined && r.request.indicators === undefined
        ? plan
        : planScorecard(r.pkg, { ...r.request, group: undefined, indicators: undefined });
    const compute = (p: ScorecardPlan, rows: Resolved["rows"]) => rowFacts(db, p, rows, {}, versions);
    facts = await cachedRowFacts(cache as ScorecardCache<unknown>, versions, full, r.rows, compute);
    if (villageParent(r)) total = await cachedRowFacts(cache as ScorecardCache<unknown>, versions, full, [r.parent!], compute);
  } else {
    facts = await rowFacts(db, plan, r.rows);
    total = await villageTotal(db, plan, r);
  }
  const scorecard = computeScorecard(r.pkg, r.request, { facts, orgChains: r.orgChains, yardsticks: r.yardsticks, ...(total ? { total } : {}) });
  const fromIndex = index?.lastChangeUnder(q.packageKey, paths);
  const lastChange = fromIndex !== undefined ? fromIndex : await lastChangeOf(db, q.packageKey, paths);
  return { scorecard, request: r.request, parent: r.parent, rows: r.rows, effective: r.effective, lastChange, basis: q.basis ?? "nearest" };
}

/**
 * Builds a scorecard; throws ScorecardQueryError (or the engine's PeriodError/ScorecardRequestError) on bad input.
 *
 * Outside a transaction the result is cached by the data versions of the database (decision
 * 009): a repeat with no committed change in between is served from memory, and after a change
 * only the rows of the changed districts are recomputed. The returned object is shared between
 * callers: treat it as read-only. `background`: a build by the warmer, not a view (not
 * remembered as recently viewed).
 */
export async function buildScorecard(q: ScorecardQuery, db: DbOrTrx = getDb(), options: { background?: boolean } = {}): Promise<ScorecardResult> {
  const cache = cacheFor<ScorecardResult>(db);
  if (!cache) return computeResult(db, q, null, null);
  // A cached result is served only to a viewer who may use its org-group filter.
  await checkOrgGroup(db, q);
  // Versions first: whatever is read after them is at least as new, so nothing is cached under a newer key than its data.
  const versions = await readVersions(db);
  const key = queryKey(q);
  // What people view is kept warm after changes (decision 013); the warmer's own builds are not "viewed".
  if (!options.background) cache.recent.set(key, { key, query: q, at: clock.ms() });
  const hit = cache.results.get(key);
  if (hit && hit.digest === versions.digest) {
    cache.stats.resultHits++;
    return hit.result;
  }
  cache.stats.resultMisses++;
  const flightKey = `${key}@${versions.digest}`;
  const running = cache.inflight.get(flightKey);
  if (running) return running;
  const promise = computeResult(db, q, versions, cache)
    .then((result) => {
      const current = cache.results.get(key);
      // Stored under the versions read before computing; a request that read other versions misses and recomputes.
      if (!current || current.digest !== versions.digest) cache.results.set(key, { digest: versions.digest, result });
      return result;
    })
    .finally(() => cache.inflight.delete(flightKey));
  cache.inflight.set(flightKey, promise);
  return promise;
}

/**
 * For the empty state: the newest period with counted reports of the scorecard's forms under
 * the same rows, of the finest period type among those forms that have any (a month for SPM
 * counts rather than the yearly sasaran, a quarter for BLUD). Null when there is none, or when
 * it is the period asked for.
 */
export async function latestPeriodWithData(result: ScorecardResult, q: ScorecardQuery, db: DbOrTrx = getDb()): Promise<string | null> {
  const plan = planScorecard(result.effective.package, result.request);
  const typeOf = new Map(result.effective.package.forms.map((f) => [f.key, f.periodType]));
  const finestFirst = (a: PeriodType, b: PeriodType) => (a === b ? 0 : isFinerOrEqual(a, b) ? -1 : 1);
  const forms = [...new Set(plan.windows.flatMap((w) => w.forms))].sort((a, b) => finestFirst(typeOf.get(a)!, typeOf.get(b)!));
  const scopes = countedUnder(db, q.packageKey, result.parent ? [result.parent.path] : (q.scopePaths ?? ["/"]));
  let found: { period: string; month_index: number; type: PeriodType } | null = null;
  for (const form of forms) {
    const type = typeOf.get(form)!;
    // A finer period type with data wins over any coarser one.
    if (found && found.type !== type) break;
    for (const scope of scopes) {
      const row = await scope.select(["period", "month_index"]).where("form_key", "=", form).orderBy("month_index", "desc").limit(1).executeTakeFirst();
      if (row && (!found || Number(row.month_index) > found.month_index)) found = { period: row.period, month_index: Number(row.month_index), type };
    }
  }
  return found && found.period !== q.period ? found.period : null;
}

/** Explains one cell (a row code, or the parent's code for the total row). */
export async function explainScorecardCell(q: ScorecardQuery, cell: { row: string; indicator: string }, db: DbOrTrx = getDb()): Promise<CellExplanation> {
  return (await explainScorecardCellIn(q, cell, db)).explanation;
}

/** explainScorecardCell with the package that explained it (for its labels in the reader's language). */
export async function explainScorecardCellIn(
  q: ScorecardQuery,
  cell: { row: string; indicator: string },
  db: DbOrTrx = getDb(),
): Promise<{ explanation: CellExplanation; pkg: TemplatePackage }> {
  const r = await resolve(db, q);
  const plan = planScorecard(r.pkg, r.request);
  // A unit's cell needs only that row's facts (one narrow query); the total row needs them all.
  const own = r.rows.find((u) => u.code === cell.row);
  const facts = await rowFacts(db, plan, own ? [own] : r.rows, { withUnitLists: true });
  const total = own ? undefined : await villageTotal(db, plan, r, { withUnitLists: true });
  return {
    explanation: explainCell(r.pkg, r.request, { facts, orgChains: r.orgChains, yardsticks: r.yardsticks, ...(total ? { total } : {}) }, cell),
    pkg: r.pkg,
  };
}

/** Explains one unit's indicator in its parent's scorecard (the CLI's `explain --org`). */
export async function explainUnit(
  packageKey: string,
  indicator: string,
  orgCode: string,
  period: string,
  ytd: boolean | undefined,
  db: DbOrTrx = getDb(),
): Promise<CellExplanation> {
  const unit = await getOrgByCode(db, orgCode);
  if (!unit) throw new ScorecardQueryError("scorecards.error.unit", { code: orgCode }, 404);
  if (unit.level === "national") {
    return explainScorecardCell(
      { packageKey, period, ytd, level: "province", parentCode: unit.code, indicators: [indicator] },
      { row: unit.code, indicator },
      db,
    );
  }
  const parentId = unit.parent_id!;
  const parent = (await getOrgsByIds(db, [parentId]))[0];
  return explainScorecardCell({ packageKey, period, ytd, parentCode: parent.code, indicators: [indicator] }, { row: unit.code, indicator }, db);
}
