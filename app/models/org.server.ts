/** Org-unit tree: nasional → provinsi → kabupaten/kota → Puskesmas → Pustu → Posyandu (a Posyandu also directly under a Puskesmas). */
import { sql } from "kysely";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import { nowIso } from "~/db/db.server";

export const ORG_LEVELS: readonly OrgLevel[] = ["national", "province", "district", "puskesmas", "pustu", "posyandu"];

/**
 * Which levels a unit of each level may sit directly under. A Posyandu sits under the Pustu of its
 * village, or directly under the Puskesmas where the village has no Pustu
 * (docs/decisions/035-village-reporting.md).
 */
const PARENT_LEVEL: Record<OrgLevel, readonly OrgLevel[]> = {
  national: [],
  province: ["national"],
  district: ["province"],
  puskesmas: ["district"],
  pustu: ["puskesmas"],
  posyandu: ["pustu", "puskesmas"],
};

export function isOrgLevel(value: string): value is OrgLevel {
  return (ORG_LEVELS as readonly string[]).includes(value);
}

/** The levels a unit of `level` may sit directly under (none: the national unit). */
export function allowedParentLevels(level: OrgLevel): readonly OrgLevel[] {
  return PARENT_LEVEL[level];
}

export async function getOrgByCode(db: DbOrTrx, code: string): Promise<OrgUnit | undefined> {
  return db.selectFrom("org_unit").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function getOrgById(db: DbOrTrx, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom("org_unit").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getOrgsByIds(db: DbOrTrx, ids: number[]): Promise<OrgUnit[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("org_unit").selectAll().where("id", "in", ids).execute();
}

export async function listChildren(db: DbOrTrx, parentId: number): Promise<OrgUnit[]> {
  return db.selectFrom("org_unit").selectAll().where("parent_id", "=", parentId).orderBy("code").execute();
}

/** All units in the subtree of `root` (root included), optionally of one level. */
export async function listSubtree(db: DbOrTrx, root: Pick<OrgUnit, "path">, level?: OrgLevel): Promise<OrgUnit[]> {
  let q = db.selectFrom("org_unit").selectAll().where("path", "like", `${root.path}%`);
  if (level) q = q.where("level", "=", level);
  return q.orderBy("path").execute();
}

/** Ancestors from the top (national) down to and including the unit. */
export async function getAncestors(db: DbOrTrx, unit: Pick<OrgUnit, "path">): Promise<OrgUnit[]> {
  const ids = unit.path.split("/").filter(Boolean).map(Number);
  const rows = await getOrgsByIds(db, ids);
  return rows.sort((a, b) => a.depth - b.depth);
}

export interface OrgInput {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  note?: string | null;
}

/**
 * Inserts units given parent-first; parents may be earlier rows or existing units.
 * Multi-row inserts would need the parent ids first, so units are inserted one level at a time.
 */
export async function insertOrgUnits(db: DbOrTrx, units: OrgInput[]): Promise<number> {
  const byCode = new Map<string, { id: number; path: string; depth: number }>();
  const createdAt = nowIso();
  let inserted = 0;
  for (const level of ORG_LEVELS) {
    const batch = units.filter((u) => u.level === level);
    if (batch.length === 0) continue;
    const parentCodes = [...new Set(batch.map((u) => u.parentCode).filter((c): c is string => !!c && !byCode.has(c)))];
    // In slices: a national tree's village level names tens of thousands of parents.
    for (let i = 0; i < parentCodes.length; i += 1000) {
      const parents = await db
        .selectFrom("org_unit")
        .select(["id", "code", "path", "depth"])
        .where("code", "in", parentCodes.slice(i, i + 1000))
        .execute();
      for (const p of parents) byCode.set(p.code, p);
    }
    for (let i = 0; i < batch.length; i += 200) {
      const chunk = batch.slice(i, i + 200);
      const rows = chunk.map((u) => {
        const parent = u.parentCode ? byCode.get(u.parentCode) : undefined;
        if (u.parentCode && !parent) throw new Error(`Induk ${u.parentCode} untuk unit ${u.code} tidak ditemukan.`);
        return { u, parent };
      });
      const ids = await db
        .insertInto("org_unit")
        .values(
          rows.map(({ u, parent }) => ({
            code: u.code,
            name: u.name,
            level: u.level,
            parent_id: parent?.id ?? null,
            path: "pending",
            depth: parent ? parent.depth + 1 : 0,
            note: u.note ?? null,
            created_at: createdAt,
          })),
        )
        .returning(["id", "code"])
        .execute();
      const idByCode = new Map(ids.map((r) => [r.code, r.id]));
      // The path needs the generated id: one UPDATE for the chunk, the parent's path and the id.
      for (const { u, parent } of rows) {
        const id = idByCode.get(u.code)!;
        byCode.set(u.code, { id, path: `${parent?.path ?? "/"}${id}/`, depth: parent ? parent.depth + 1 : 0 });
      }
      await db
        .updateTable("org_unit")
        .set({ path: sql<string>`coalesce((select p.path from org_unit p where p.id = org_unit.parent_id), '/') || org_unit.id || '/'` })
        .where(
          "id",
          "in",
          ids.map((r) => r.id),
        )
        .execute();
      inserted += chunk.length;
    }
  }
  return inserted;
}
