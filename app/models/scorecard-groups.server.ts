/**
 * Scorecards within an org-unit group and down to the village
 * (docs/decisions/037-scorecard-group-filter.md): which groups a viewer may filter by, the one
 * named in a URL (unknown or unreadable: refused with a message, never an empty scorecard), the
 * units of a comparison that may join it, which Puskesmas have Pustu or Posyandu to drill to,
 * and which cells of a village row are not measured at that level.
 */
import { compilePackage, periodWindow, reportingLevelsOf, type TemplatePackage } from "@engine";
import type { DbOrTrx } from "~/auth/audit.server";
import { mayReadGroup } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import type { ScorecardView } from "~/contracts/scorecard";
import { translate, type Locale } from "~/i18n/catalog";
import { groupMembersDuringQuery } from "./expected-units.server";
import { GROUP_KEY_PATTERN } from "./groups.server";
import { ScorecardQueryError } from "./scorecard.server";

/** Levels below the Puskesmas: their rows count their own reports only. */
export const VILLAGE_LEVELS: readonly OrgUnit["level"][] = ["pustu", "posyandu"];

/** One choice of the "Kelompok unit" select: a key, its name, and who owns a group with that key. */
export interface OrgGroupOption {
  key: string;
  name: string;
  /** "Puskesmas BLUD (Indonesia)", "Lokus ILP 2025 (Kabupaten Tegal, Kabupaten Kendal)". */
  label: string;
  national: boolean;
}

/** The group a scorecard is limited to, named in the reader's language. */
export interface AppliedOrgGroup {
  key: string;
  name: string;
}

/**
 * The groups the viewer may read (the policy's `mayReadGroup` on the viewer's scorecard grants):
 * national groups and the groups of districts in the viewer's area. A filter names a key, and
 * every readable group with that key counts, so groups sharing a key (two districts' "terpencil")
 * are one choice naming all their owners.
 */
async function readableGroups(roots: readonly Grant[], locale: Locale, db: DbOrTrx) {
  const rows = await db
    .selectFrom("org_group as g")
    .innerJoin("org_unit as o", "o.id", "g.owner_org_unit_id")
    .select(["g.key", "g.name", "g.name_en", "o.name as owner", "o.level", "o.path"])
    .orderBy("o.path")
    .orderBy("g.name")
    .execute();
  return rows
    .filter((r) => mayReadGroup({ grants: [...roots] }, { level: r.level, path: r.path }))
    .map((r) => ({ key: r.key, name: locale === "en" && r.name_en ? r.name_en : r.name, owner: r.owner, national: r.level === "national" }));
}

/** The choices of the group filter: national groups first, then the area's district groups, each by name. */
export async function orgGroupOptions(roots: readonly Grant[], locale: Locale, db: DbOrTrx = getDb()): Promise<OrgGroupOption[]> {
  const byKey = new Map<string, { key: string; name: string; owners: string[]; national: boolean }>();
  for (const g of await readableGroups(roots, locale, db)) {
    const seen = byKey.get(g.key);
    if (!seen) byKey.set(g.key, { key: g.key, name: g.name, owners: [g.owner], national: g.national });
    else {
      if (!seen.owners.includes(g.owner)) seen.owners.push(g.owner);
      // A national group's name wins: it is the one the whole country knows.
      if (g.national && !seen.national) Object.assign(seen, { name: g.name, national: true });
    }
  }
  return [...byKey.values()]
    .sort((a, b) => Number(b.national) - Number(a.national) || a.name.localeCompare(b.name, "id") || a.key.localeCompare(b.key))
    .map((g) => ({
      key: g.key,
      name: g.name,
      national: g.national,
      label: translate(locale, "groupFilter.option", { name: g.name, owners: g.owners.join(", ") }),
    }));
}

/**
 * The group of `orgGroup=<key>` as the viewer may read it. An unknown key and a key only of groups
 * the viewer may not read get the same answer (404), so a URL cannot probe another district's
 * groups; a key no group can have is the same message with 400.
 */
export async function readableOrgGroup(key: string, roots: readonly Grant[], locale: Locale, db: DbOrTrx = getDb()): Promise<AppliedOrgGroup> {
  if (!GROUP_KEY_PATTERN.test(key)) throw new ScorecardQueryError("groupFilter.error.unknown", { key }, 400);
  const found = (await readableGroups(roots, locale, db)).filter((g) => g.key === key);
  if (found.length === 0) throw new ScorecardQueryError("groupFilter.error.unknown", { key }, 404);
  return { key, name: (found.find((g) => g.national) ?? found[0]).name };
}

/** "Hanya anggota kelompok BLUD" / "Members of group BLUD only". */
export function orgGroupNote(group: AppliedOrgGroup, locale: Locale): string {
  return translate(locale, "groupFilter.applied", { name: group.name });
}

/**
 * Keeps the units that may join a comparison within group `key` in `period`: those that were
 * members during a month of the period, and those with such a member below them (a district with
 * member Puskesmas, a Puskesmas with a member Posyandu) — the rule of the scorecard's own rows.
 */
export async function withGroupMembers<U extends Pick<OrgUnit, "path">>(units: readonly U[], key: string, period: string, db: DbOrTrx = getDb()): Promise<U[]> {
  if (units.length === 0) return [];
  const { start, end } = periodWindow(period);
  const members = await db
    .selectFrom("org_unit")
    .select("path")
    .where("id", "in", groupMembersDuringQuery(db, [key], start, end))
    .execute();
  const paths = members.map((m) => m.path);
  return units.filter((u) => paths.some((p) => p.startsWith(u.path)));
}

/** Of these Puskesmas ids, those with Pustu or Posyandu below them (rows to drill down to). */
export async function puskesmasWithVillages(ids: readonly number[], db: DbOrTrx = getDb()): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom("org_unit")
      .select("parent_id")
      .distinct()
      .where("parent_id", "in", ids.slice(i, i + 500))
      .where("level", "in", [...VILLAGE_LEVELS])
      .execute();
    for (const r of rows) if (r.parent_id !== null) out.add(r.parent_id);
  }
  return out;
}

/** Makes the Puskesmas rows that have Pustu or Posyandu drill down to them. */
export async function markVillageDrill(view: ScorecardView, rows: readonly OrgUnit[], db: DbOrTrx = getDb()): Promise<void> {
  const puskesmas = rows.filter((r) => r.level === "puskesmas");
  if (puskesmas.length === 0) return;
  const parents = await puskesmasWithVillages(
    puskesmas.map((r) => r.id),
    db,
  );
  const codes = new Set(puskesmas.filter((r) => parents.has(r.id)).map((r) => r.code));
  for (const row of view.rows) if (codes.has(row.code)) row.drillable = true;
}

/**
 * Whether an indicator is not measured at a village row's level: some form it reads is not
 * reported at that level (a Puskesmas form on a Posyandu row), so the row can have no value of its
 * own and its cell says so in words instead of showing an empty or zero value.
 */
export function notMeasuredAt(pkg: TemplatePackage, indicator: string, level: string): boolean {
  if (!(VILLAGE_LEVELS as readonly string[]).includes(level)) return false;
  const compiled = compilePackage(pkg);
  const forms = compiled.indicators.get(indicator)?.forms ?? [];
  return forms.some((f) => {
    const form = compiled.forms.get(f);
    return form !== undefined && !(reportingLevelsOf(form) as string[]).includes(level);
  });
}
