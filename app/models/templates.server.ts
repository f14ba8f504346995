/**
 * Template packages and district overlays as stored documents. Published versions never
 * change; effective packages (national package + a district's overlay) are computed once per
 * stored pair and cached, since both documents are immutable once published.
 */
import {
  applyOverlay,
  overlayMessage,
  parsePeriod,
  periodWindow,
  validateDocument,
  validateOverlay,
  validatePackage,
  type DistrictOverlay,
  type DocumentError,
  type TemplatePackage,
} from "@engine/server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { getDb, nowIso, onDbHandleChange } from "~/db/db.server";
import { getOrgByCode, listSubtree } from "./org.server";
import { message, type Message } from "~/i18n/message";

export interface StoredPackage {
  id: number;
  key: string;
  version: number;
  document: TemplatePackage;
}

export interface StoredOverlay {
  id: number;
  districtOrgUnitId: number;
  districtCode: string;
  document: DistrictOverlay;
}

export interface EffectivePackage {
  base: StoredPackage;
  overlay: StoredOverlay | null;
  /** The package a district works with: base + overlay (or the base itself). */
  package: TemplatePackage;
  /** Field keys the overlay hid, per form. */
  hidden: Array<{ form: string; field: string }>;
  /**
   * Per form key, the first month ("YYYY-MM") it is due: the effective-from of the published
   * version that brought the form in (docs/decisions/026-effective-from.md). Forms without an
   * entry are due in any period.
   */
  dueFrom: Readonly<Record<string, string>>;
}

type Actor = { userId: number | null; ip?: string | null };

const parsedPackages = new Map<number, TemplatePackage>();
const parsedOverlays = new Map<number, DistrictOverlay>();
const effectiveCache = new Map<string, EffectivePackage>();

function parsePackageRow(row: { id: number; key: string; version: number; document: string }): StoredPackage {
  let doc = parsedPackages.get(row.id);
  if (!doc) {
    doc = JSON.parse(row.document) as TemplatePackage;
    parsedPackages.set(row.id, doc);
  }
  return { id: row.id, key: row.key, version: row.version, document: doc };
}

/** The published package `key` at `version`, or its latest published version. */
export async function getPublishedPackage(key: string, version?: number, db: DbOrTrx = getDb()): Promise<StoredPackage | undefined> {
  let q = db.selectFrom("template_package").select(["id", "key", "version"]).where("key", "=", key).where("status", "=", "published");
  if (version !== undefined) q = q.where("version", "=", version);
  const head = await q.orderBy("version", "desc").limit(1).executeTakeFirst();
  if (!head) return undefined;
  // A published row never changes: its document is read and parsed once per process.
  const doc = parsedPackages.get(head.id);
  if (doc) return { ...head, document: doc };
  const row = await db.selectFrom("template_package").select("document").where("id", "=", head.id).executeTakeFirstOrThrow();
  return parsePackageRow({ ...head, document: row.document });
}

export async function listPackages(db: DbOrTrx = getDb()) {
  return db
    .selectFrom("template_package")
    .select(["id", "key", "version", "status", "title", "published_at"])
    .orderBy("key")
    .orderBy("version", "desc")
    .execute();
}

export type ImportResult = { ok: true; id: number; key: string; version: number; created: boolean } | { ok: false; errors: DocumentError[] };

/** Re-publishing the identical document is a no-op; a different one under the same version is refused. */
function sameOrRefused(existing: { id: number; document: string }, document: string, key: string, version: number, what: string): ImportResult {
  if (existing.document === document) return { ok: true, id: existing.id, key, version, created: false };
  return {
    ok: false,
    errors: [
      {
        pointer: "/version",
        code: "VERSION_PUBLISHED",
        message: `${what} versi ${version} sudah terbit dan tidak dapat diubah. Naikkan nomor versi untuk perubahan ini.`,
        messageEn: `${what} version ${version} is already published and cannot change. Raise the version for this change.`,
      },
    ],
  };
}

/**
 * Validates and stores a package as a published version. Re-importing the identical document
 * is a no-op; a different document under a published key+version is refused (versions are
 * immutable: raise the version).
 */
export async function importPackage(json: unknown, actor: Actor, ownerCode = "ID"): Promise<ImportResult> {
  const validation = validatePackage(json);
  if (!validation.ok || !validation.package) return { ok: false, errors: validation.errors };
  const pkg = validation.package;
  const document = JSON.stringify(pkg);
  return getDb()
    .transaction()
    .execute(async (trx): Promise<ImportResult> => {
      const existing = await trx
        .selectFrom("template_package")
        .select(["id", "document"])
        .where("key", "=", pkg.key)
        .where("version", "=", pkg.version)
        .executeTakeFirst();
      if (existing) return sameOrRefused(existing, document, pkg.key, pkg.version, `Paket ${pkg.key}`);
      const owner = await getOrgByCode(trx, ownerCode);
      if (!owner) throw new Error(`Unit pemilik ${ownerCode} tidak ada.`);
      const now = nowIso();
      const { id } = await trx
        .insertInto("template_package")
        .values({
          key: pkg.key,
          version: pkg.version,
          status: "published",
          owner_org_unit_id: owner.id,
          title: pkg.title.id.slice(0, 200),
          document,
          created_by: actor.userId,
          created_at: now,
          published_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "template.publish",
        entityType: "template_package",
        entityId: id,
        orgUnitId: owner.id,
        after: { key: pkg.key, version: pkg.version },
        ip: actor.ip,
      });
      return { ok: true, id, key: pkg.key, version: pkg.version, created: true };
    });
}

/** Validates a district overlay against its base version and stores it as published. */
export async function importOverlay(json: unknown, actor: Actor): Promise<ImportResult> {
  const shape = validateDocument("district-overlay", json);
  if (!shape.ok) return { ok: false, errors: shape.errors };
  const head = json as DistrictOverlay;
  const fail = (pointer: string, code: string, message: string, messageEn: string): ImportResult => ({
    ok: false,
    errors: [{ pointer, code, message, messageEn }],
  });
  const base = await getPublishedPackage(head.package, head.baseVersion);
  if (!base)
    return fail(
      "/baseVersion",
      "UNKNOWN_BASE",
      `Paket ${head.package} versi ${head.baseVersion} belum terbit. Impor paket dasarnya dulu.`,
      `Package ${head.package} version ${head.baseVersion} is not published. Import the base package first.`,
    );
  const district = await getOrgByCode(getDb(), head.district);
  if (!district || district.level !== "district")
    return fail("/district", "UNKNOWN_DISTRICT", `Kabupaten/kota dengan kode ${head.district} tidak ada.`, `No district has the code ${head.district}.`);
  const validation = validateOverlay(json, base.document);
  if (!validation.ok) return { ok: false, errors: validation.errors };
  const overlay = json as DistrictOverlay;
  const inside = new Set((await listSubtree(getDb(), district)).map((u) => u.code));
  const applied = applyOverlay(base.document, overlay, { inDistrict: inside });
  if (applied.problems.length > 0) {
    return {
      ok: false,
      errors: applied.problems.map((p) => ({
        pointer: p.op >= 0 ? `/operations/${p.op}` : "",
        code: p.code,
        message: p.message,
        messageEn: overlayMessage(p.messageCode, p.params, "en"),
      })),
    };
  }
  const effective = validatePackage(applied.package, { allowLocalKeys: true });
  if (!effective.ok) return { ok: false, errors: effective.errors };
  const document = JSON.stringify(overlay);
  return getDb()
    .transaction()
    .execute(async (trx): Promise<ImportResult> => {
      const existing = await trx
        .selectFrom("district_overlay")
        .select(["id", "document"])
        .where("district_org_unit_id", "=", district.id)
        .where("package_key", "=", overlay.package)
        .where("version", "=", overlay.version)
        .executeTakeFirst();
      if (existing) return sameOrRefused(existing, document, overlay.package, overlay.version, `Adaptasi ${district.code} untuk ${overlay.package}`);
      const now = nowIso();
      const { id } = await trx
        .insertInto("district_overlay")
        .values({
          district_org_unit_id: district.id,
          package_key: overlay.package,
          base_version: overlay.baseVersion,
          version: overlay.version,
          status: "published",
          document,
          created_by: actor.userId,
          created_at: now,
          published_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "overlay.publish",
        entityType: "district_overlay",
        entityId: id,
        orgUnitId: district.id,
        after: { package: overlay.package, baseVersion: overlay.baseVersion, version: overlay.version },
        ip: actor.ip,
      });
      return { ok: true, id, key: overlay.package, version: overlay.version, created: true };
    });
}

/** The latest published overlay of a district for a package, if any. */
export async function getDistrictOverlay(packageKey: string, districtId: number, db: DbOrTrx = getDb()): Promise<StoredOverlay | undefined> {
  const row = await db
    .selectFrom("district_overlay as d")
    .innerJoin("org_unit as o", "o.id", "d.district_org_unit_id")
    .select(["d.id", "d.district_org_unit_id", "o.code"])
    .where("d.package_key", "=", packageKey)
    .where("d.district_org_unit_id", "=", districtId)
    .where("d.status", "=", "published")
    .orderBy("d.version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  // Published overlays never change either: parsed once per process.
  let document = parsedOverlays.get(row.id);
  if (!document) {
    const doc = await db.selectFrom("district_overlay").select("document").where("id", "=", row.id).executeTakeFirstOrThrow();
    document = JSON.parse(doc.document) as DistrictOverlay;
    parsedOverlays.set(row.id, document);
  }
  return { id: row.id, districtOrgUnitId: row.district_org_unit_id, districtCode: row.code, document };
}

/**
 * The package a district works with: the overlay's base version with the overlay applied, or
 * the latest national version when the district has no overlay (or no district is given).
 */
export async function effectivePackage(packageKey: string, districtId: number | null, db: DbOrTrx = getDb()): Promise<EffectivePackage | undefined> {
  const overlay = districtId === null ? undefined : await getDistrictOverlay(packageKey, districtId, db);
  const base = await getPublishedPackage(packageKey, overlay?.document.baseVersion, db);
  if (!base) return undefined;
  return combine(base, overlay, db);
}

/**
 * Every district that adapted `packageKey` (a published overlay), with its adaptation applied to
 * the newest published national version (`onLatest`): what a cell of the district is judged by
 * (its own targets and bands over the ministry's newest ones, whichever version its forms
 * follow). One query for the overlays' heads, documents from the per-process caches; operations
 * that do not fit the newest version are left out, as a rebase would report them.
 */
export async function adaptedDistricts(
  packageKey: string,
  db: DbOrTrx = getDb(),
): Promise<Array<{ districtId: number; districtCode: string; onLatest: EffectivePackage }>> {
  const latest = await getPublishedPackage(packageKey, undefined, db);
  if (!latest) return [];
  const rows = await db
    .selectFrom("district_overlay as d")
    .innerJoin("org_unit as o", "o.id", "d.district_org_unit_id")
    .select(["d.id", "d.district_org_unit_id", "o.code"])
    .where("d.package_key", "=", packageKey)
    .where("d.status", "=", "published")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("district_overlay as n")
            .select("n.id")
            .whereRef("n.package_key", "=", "d.package_key")
            .whereRef("n.district_org_unit_id", "=", "d.district_org_unit_id")
            .where("n.status", "=", "published")
            .whereRef("n.version", ">", "d.version"),
        ),
      ),
    )
    .orderBy("o.code")
    .execute();
  const out: Array<{ districtId: number; districtCode: string; onLatest: EffectivePackage }> = [];
  for (const row of rows) {
    let document = parsedOverlays.get(row.id);
    if (!document) {
      const doc = await db.selectFrom("district_overlay").select("document").where("id", "=", row.id).executeTakeFirstOrThrow();
      document = JSON.parse(doc.document) as DistrictOverlay;
      parsedOverlays.set(row.id, document);
    }
    const overlay: StoredOverlay = { id: row.id, districtOrgUnitId: row.district_org_unit_id, districtCode: row.code, document };
    out.push({ districtId: row.district_org_unit_id, districtCode: row.code, onLatest: await combine(latest, overlay, db) });
  }
  return out;
}

/**
 * The first month each form of `base` is due: walking the published versions up to `base` in
 * order, a form takes the effective-from of the version in which it appears (again); a form that
 * stays keeps the month it came with. Versions published before the rule have none: due always.
 */
async function dueFromOf(base: StoredPackage, db: DbOrTrx): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("template_package")
    .select(["id", "key", "version", "effective_from"])
    .where("key", "=", base.key)
    .where("status", "=", "published")
    .where("version", "<=", base.version)
    .orderBy("version")
    .execute();
  if (rows.every((r) => r.effective_from === null)) return {};
  let since = new Map<string, string | null>();
  for (const row of rows) {
    const doc = row.id === base.id ? base.document : (await getPublishedPackage(row.key, row.version, db))?.document;
    if (!doc) continue;
    const next = new Map<string, string | null>();
    for (const form of doc.forms) next.set(form.key, since.has(form.key) ? since.get(form.key)! : row.effective_from);
    since = next;
  }
  const out: Record<string, string> = {};
  for (const [form, month] of since) if (month) out[form] = month;
  return out;
}

/** Whether `formKey` of `effective` is due in `period`: the period begins in or after the form's effective-from month. */
export function formDueIn(effective: Pick<EffectivePackage, "dueFrom">, formKey: string, period: string): boolean {
  const from = effective.dueFrom[formKey];
  if (!from) return true;
  return periodWindow(parsePeriod(period)).start >= periodWindow(parsePeriod(from)).start;
}

/** The refusal for a report of `formKey` in a period before the form applies, or null. */
export function beforeEffectiveProblem(effective: Pick<EffectivePackage, "dueFrom">, formKey: string, period: string): Message | null {
  if (formDueIn(effective, formKey, period)) return null;
  return message("entry.period.beforeEffective", { from: effective.dueFrom[formKey], period });
}

/** base + overlay, computed once per stored pair (both are immutable once published). */
async function combine(base: StoredPackage, overlay: StoredOverlay | undefined, db: DbOrTrx): Promise<EffectivePackage> {
  const cacheKey = `${base.id}:${overlay?.id ?? 0}`;
  const hit = effectiveCache.get(cacheKey);
  if (hit) return hit;
  let result: EffectivePackage;
  const dueFrom = await dueFromOf(base, db);
  if (!overlay) {
    result = { base, overlay: null, package: base.document, hidden: [], dueFrom };
  } else {
    const district = await db.selectFrom("org_unit").select(["path"]).where("id", "=", overlay.districtOrgUnitId).executeTakeFirstOrThrow();
    const inside = new Set((await listSubtree(db, district)).map((u) => u.code));
    const applied = applyOverlay(base.document, overlay.document, { inDistrict: inside });
    result = { base, overlay, package: applied.package, hidden: applied.hidden, dueFrom };
  }
  effectiveCache.set(cacheKey, result);
  return result;
}

/**
 * `effectivePackage(key, districtId)` for every published package key, in key order, with one
 * query for the heads (latest published version per key and the district's latest published
 * overlay) instead of three or more; documents come from the per-process caches of published
 * rows. Keys whose overlay's base version is not published are left out (effectivePackage gives
 * undefined for them).
 */
export async function effectivePackages(districtId: number | null, db: DbOrTrx = getDb()): Promise<Array<{ key: string; effective: EffectivePackage }>> {
  const rows = await db
    .selectFrom("template_package as p")
    .leftJoin("district_overlay as d", (join) =>
      join.on((eb) =>
        eb(
          "d.id",
          "=",
          eb
            .selectFrom("district_overlay as d2")
            .select("d2.id")
            .whereRef("d2.package_key", "=", "p.key")
            .where("d2.district_org_unit_id", "=", districtId ?? -1)
            .where("d2.status", "=", "published")
            .orderBy("d2.version", "desc")
            .limit(1),
        ),
      ),
    )
    .leftJoin("org_unit as o", "o.id", "d.district_org_unit_id")
    .select(["p.id", "p.key", "p.version", "d.id as overlayId", "d.district_org_unit_id as overlayDistrictId", "o.code as overlayDistrictCode"])
    .where("p.status", "=", "published")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("template_package as q")
            .select("q.id")
            .whereRef("q.key", "=", "p.key")
            .where("q.status", "=", "published")
            .whereRef("q.version", ">", "p.version"),
        ),
      ),
    )
    .orderBy("p.key")
    .execute();
  const out: Array<{ key: string; effective: EffectivePackage }> = [];
  for (const row of rows) {
    let overlay: StoredOverlay | undefined;
    if (districtId !== null && row.overlayId !== null && row.overlayDistrictId !== null && row.overlayDistrictCode !== null) {
      let document = parsedOverlays.get(row.overlayId);
      if (!document) {
        const doc = await db.selectFrom("district_overlay").select("document").where("id", "=", row.overlayId).executeTakeFirstOrThrow();
        document = JSON.parse(doc.document) as DistrictOverlay;
        parsedOverlays.set(row.overlayId, document);
      }
      overlay = { id: row.overlayId, districtOrgUnitId: row.overlayDistrictId, districtCode: row.overlayDistrictCode, document };
    }
    let base: StoredPackage | undefined;
    if (overlay && overlay.document.baseVersion !== row.version) base = await getPublishedPackage(row.key, overlay.document.baseVersion, db);
    else {
      const doc = parsedPackages.get(row.id);
      base = doc ? { id: row.id, key: row.key, version: row.version, document: doc } : await getPublishedPackage(row.key, row.version, db);
    }
    if (!base) continue;
    out.push({ key: row.key, effective: await combine(base, overlay, db) });
  }
  return out;
}

onDbHandleChange(() => {
  parsedPackages.clear();
  parsedOverlays.clear();
  effectiveCache.clear();
});
