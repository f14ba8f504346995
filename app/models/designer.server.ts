/**
 * Package drafts for the designer: create a draft (from the latest published version
 * or empty), save it — with its problems, so nothing typed is lost — under an optimistic lock,
 * check text without storing, discard, and publish (zero problems, after a diff, refusing
 * changes that would corrupt stored data). A published row is never written again.
 *
 * Who: only admins of the owning scope (`packageOwnerGrant` in app/auth/policy.server.ts;
 * docs/decisions/008-designer-drafts.md).
 * Every change writes its audit row in the same transaction.
 */
import {
  checkPackageSemantics,
  diffPackages,
  findForbiddenKeys,
  parseJsonDocument,
  publishedFieldHistory,
  publishRefusals,
  validateDocument,
  validatePackage,
  PACKAGE_KEY_PATTERN,
  PACKAGE_MAX_BYTES,
  monthIndex,
  monthPeriodOf,
  type DocumentError,
  type PackageDiff,
  type TemplatePackage,
} from "@engine/server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { forbidden, notFound } from "~/auth/guards.server";
import { nationalAdminGrants, packageOwnerGrant, type LibraryAccess } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { OrgLevel } from "~/db/schema";
import type { DesignerProblem, PublishedFieldInfo } from "~/contracts/designer";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { listSubtree } from "./org.server";
import { clock } from "~/utils/clock.server";

type Actor = { userId: number | null; ip?: string | null };

/** Why a write was refused; the route turns it into a message (designer.error.<reason>). */
export type DesignerRefusal =
  | "published"
  | "stale"
  | "notJson"
  | "exists"
  | "noPublished"
  | "invalidKey"
  | "emptyTitle"
  | "chooseOwner"
  | "problems"
  | "refused"
  | "notConfirmed"
  | "effectiveFrom"
  | "retroactive";

/** The message of each refusal, in the catalogue (app/i18n/messages/designer.ts). */
export const REFUSAL_MESSAGES: Record<DesignerRefusal, MessageKey> = {
  published: "designer.error.published",
  stale: "designer.error.stale",
  notJson: "designer.error.notJson",
  exists: "designer.error.exists",
  noPublished: "designer.error.noPublished",
  invalidKey: "designer.error.invalidKey",
  emptyTitle: "designer.error.emptyTitle",
  chooseOwner: "designer.error.chooseOwner",
  problems: "designer.error.problems",
  refused: "designer.error.refused",
  notConfirmed: "designer.error.notConfirmed",
  effectiveFrom: "designer.error.effectiveFrom",
  retroactive: "designer.error.retroactive",
};

/** How far ahead an effective-from month may lie: beyond this it is a typing slip (2206-01). */
const EFFECTIVE_FROM_MAX_AHEAD = 36;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first month not yet begun at `now`: where a new version applies unless the admin chooses otherwise (decision 026). */
export function defaultEffectiveFrom(now = clock.now()): string {
  return monthPeriodOf(monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1) + 1);
}

/**
 * The month a version applies from, as the admin chose it: blank means the default; a month
 * before the default (retroactive: forms new in the version become due for periods already
 * begun or ended) only with `retroactive` ticked after the warning.
 */
export function checkEffectiveFrom(
  chosen: string,
  retroactive: boolean,
  now = clock.now(),
): { ok: true; month: string } | { ok: false; reason: "effectiveFrom" | "retroactive" } {
  const fallback = defaultEffectiveFrom(now);
  if (chosen.trim() === "") return { ok: true, month: fallback };
  const m = MONTH_PATTERN.exec(chosen.trim());
  if (!m) return { ok: false, reason: "effectiveFrom" };
  const index = monthIndex(Number(m[1]), Number(m[2]));
  const first = monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1) + 1;
  if (index > first + EFFECTIVE_FROM_MAX_AHEAD || Number(m[1]) < 2000) return { ok: false, reason: "effectiveFrom" };
  if (index < first && !retroactive) return { ok: false, reason: "retroactive" };
  return { ok: true, month: monthPeriodOf(index) };
}

export interface DraftRow {
  id: number;
  key: string;
  version: number;
  status: "draft" | "published";
  ownerOrgUnitId: number;
  ownerCode: string;
  ownerName: string;
  ownerLevel: OrgLevel;
  ownerPath: string;
  revision: number;
  document: string;
  updatedAt: string | null;
  publishedAt: string | null;
}

/** DocumentErrors (engine) as the designer shows them, in the reader's language. */
export function toDesignerProblems(errors: readonly DocumentError[], locale: Locale): DesignerProblem[] {
  return errors.map((e) => ({
    pointer: e.pointer,
    message: locale === "en" ? e.messageEn : e.message,
    code: e.code,
    ...(e.start !== undefined ? { start: e.start } : {}),
    ...(e.end !== undefined ? { end: e.end } : {}),
  }));
}

function requireOwner(access: LibraryAccess, row: DraftRow): Grant {
  const grant = packageOwnerGrant(access, row);
  if (!grant) {
    throw forbidden(access.user, row.ownerLevel === "national" ? "access.designer.nationalOnly" : "access.designer.ownedBy", { owner: row.ownerName });
  }
  return grant;
}

async function loadRow(db: DbOrTrx, key: string, version: number): Promise<DraftRow | undefined> {
  const row = await db
    .selectFrom("template_package as p")
    .innerJoin("org_unit as o", "o.id", "p.owner_org_unit_id")
    .select([
      "p.id",
      "p.key",
      "p.version",
      "p.status",
      "p.owner_org_unit_id",
      "p.revision",
      "p.document",
      "p.updated_at",
      "p.published_at",
      "o.code",
      "o.name",
      "o.level",
      "o.path",
    ])
    .where("p.key", "=", key)
    .where("p.version", "=", version)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    status: row.status,
    ownerOrgUnitId: row.owner_org_unit_id,
    ownerCode: row.code,
    ownerName: row.name,
    ownerLevel: row.level,
    ownerPath: row.path,
    revision: Number(row.revision),
    document: row.document,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}

/** A row the user may open in the designer: 404 when absent, 403 outside the owning scope. */
async function ownedRow(access: LibraryAccess, key: string, version: number, db: DbOrTrx = getDb()): Promise<DraftRow> {
  const row = await loadRow(db, key, version);
  if (!row) throw notFound(access.user, "access.package.notFound");
  requireOwner(access, row);
  return row;
}

/** Every published version of a package, oldest first. */
async function publishedVersions(db: DbOrTrx, key: string, below?: number): Promise<TemplatePackage[]> {
  let q = db.selectFrom("template_package").select(["version", "document"]).where("key", "=", key).where("status", "=", "published");
  if (below !== undefined) q = q.where("version", "<", below);
  const rows = await q.orderBy("version").execute();
  return rows.map((r) => JSON.parse(r.document) as TemplatePackage);
}

export interface GateResult {
  /** The text was a JSON object within the caps: it may be stored (problems or not). */
  parsed: boolean;
  value?: Record<string, unknown>;
  /** Problems: the gate's own (when not parsed) or validation + publish refusals. */
  errors: DocumentError[];
  /** Ready to publish: schema, semantics and refusals all pass. */
  package?: TemplatePackage;
}

function gateError(code: string, message: string, messageEn: string, pointer = ""): DocumentError {
  return { pointer, code, message, messageEn };
}

/**
 * The one server gate for designer text (save, check, JSON view): size cap before parsing,
 * JSON, depth, an object, no forbidden keys; then package validation, the row's key/version,
 * and the publish refusals against all earlier published versions.
 */
export function gateDraftText(text: string, row: Pick<DraftRow, "key" | "version">, history: readonly TemplatePackage[]): GateResult {
  const parsed = parseJsonDocument(text, { maxBytes: PACKAGE_MAX_BYTES });
  if (!parsed.ok) return { parsed: false, errors: parsed.errors };
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      parsed: false,
      errors: [
        gateError(
          "NOT_OBJECT",
          "Dokumen harus berupa objek JSON ({ … }) berisi paket templat.",
          "The document must be a JSON object ({ … }) holding a template package.",
        ),
      ],
    };
  }
  const forbiddenKeys = findForbiddenKeys(value);
  if (forbiddenKeys.length > 0) return { parsed: false, errors: forbiddenKeys };
  const doc = value as Record<string, unknown>;
  const errors: DocumentError[] = [];
  if (doc.key !== row.key) {
    errors.push(
      gateError(
        "KEY_MISMATCH",
        `Kunci paket harus "${row.key}" (draf ini milik paket itu). Kembalikan nilai "key".`,
        `The package key must be "${row.key}" (this draft belongs to it). Restore "key".`,
        "/key",
      ),
    );
  }
  if (doc.version !== row.version) {
    errors.push(
      gateError(
        "VERSION_MISMATCH",
        `Nomor versi draf ini adalah ${row.version}. Kembalikan nilai "version" menjadi ${row.version}.`,
        `This draft is version ${row.version}. Set "version" back to ${row.version}.`,
        "/version",
      ),
    );
  }
  const schemaOk = validateDocument("template-package", value).ok;
  const validation = validatePackage(value);
  errors.push(...validation.errors);
  if (schemaOk) errors.push(...publishRefusals(history, value as unknown as TemplatePackage));
  else errors.push(...packageChecksDespiteSchema(doc, validation.errors));
  return { parsed: true, value: doc, errors, ...(errors.length === 0 ? { package: value as unknown as TemplatePackage } : {}) };
}

/** The element a pointer names: a text's language leaf ("/name/id") is the text ("/name"). */
function placeOf(pointer: string): string {
  return pointer.replace(/\/(id|en)$/, "");
}

/**
 * validatePackage stops at the schema; the designer lists every problem at once, so the package
 * checks (formulas, references, duplicates) run on a document the schema refused too, as far as
 * its shape allows (they assume the schema's shape and may throw on a broken one: then only the
 * schema's problems are listed). A check at or under a place the schema already flags is left
 * out: one problem per place, in the schema's words.
 */
function packageChecksDespiteSchema(value: Record<string, unknown>, schemaErrors: readonly DocumentError[]): DocumentError[] {
  let found: DocumentError[];
  try {
    found = checkPackageSemantics(value as unknown as TemplatePackage);
  } catch {
    return [];
  }
  const places = schemaErrors.map((e) => placeOf(e.pointer));
  return found.filter((e) => {
    const at = placeOf(e.pointer);
    return !places.some((p) => at === p || at.startsWith(`${p}/`) || (p !== "" && p.startsWith(`${at}/`)));
  });
}

export interface DesignerView {
  row: Omit<DraftRow, "document">;
  document: TemplatePackage;
  problems: DocumentError[];
  published: Record<string, PublishedFieldInfo>;
  readOnly: boolean;
  orgUnits: Array<{ code: string; name: string; level: "national" | "province" | "district" | "puskesmas" }>;
}

/** The designer page: the row (draft editable, published read-only), its problems and context. */
export async function loadDesigner(access: LibraryAccess, key: string, version: number): Promise<DesignerView> {
  const db = getDb();
  const row = await ownedRow(access, key, version, db);
  const history = await publishedVersions(db, key, row.version);
  const gate = gateDraftText(row.document, row, row.status === "draft" ? history : []);
  const published: Record<string, PublishedFieldInfo> = {};
  for (const [k, h] of publishedFieldHistory(history)) published[k] = { type: h.type, label: h.label };
  const owner = { path: row.ownerPath };
  const units = (await listSubtree(db, owner)).filter(
    (u) => u.level === "national" || u.level === "province" || u.level === "district" || u.level === "puskesmas",
  );
  const { document: _text, ...rest } = row;
  return {
    row: rest,
    document: (gate.value ?? JSON.parse(row.document)) as TemplatePackage,
    problems: gate.errors,
    published,
    readOnly: row.status !== "draft",
    orgUnits: units.map((u) => ({ code: u.code, name: u.name, level: u.level as "national" | "province" | "district" | "puskesmas" })),
  };
}

export type WriteResult =
  | { ok: true; revision: number; errors: DocumentError[] }
  | { ok: false; status: number; reason: DesignerRefusal; revision: number; errors: DocumentError[]; parsed: boolean };

/** Checks text through the gate without storing anything (the JSON view's "Terapkan"). */
export async function checkDraft(access: LibraryAccess, key: string, version: number, text: string): Promise<WriteResult> {
  const db = getDb();
  const row = await ownedRow(access, key, version, db);
  if (row.status !== "draft") return { ok: false, status: 409, reason: "published", revision: row.revision, errors: [], parsed: true };
  const gate = gateDraftText(text, row, await publishedVersions(db, key, row.version));
  if (!gate.parsed) return { ok: false, status: 400, reason: "notJson", revision: row.revision, errors: gate.errors, parsed: false };
  return { ok: true, revision: row.revision, errors: gate.errors };
}

/**
 * Stores the draft's document when it is a JSON object within the size cap, whatever its
 * problems; refuses a published row and a stale revision (someone saved in between).
 */
export async function saveDraft(access: LibraryAccess, key: string, version: number, text: string, revision: number, actor: Actor): Promise<WriteResult> {
  return getDb()
    .transaction()
    .execute(async (trx): Promise<WriteResult> => {
      const row = await ownedRow(access, key, version, trx);
      if (row.status !== "draft") return { ok: false, status: 409, reason: "published", revision: row.revision, errors: [], parsed: true };
      const gate = gateDraftText(text, row, await publishedVersions(trx, key, row.version));
      if (!gate.parsed || !gate.value) return { ok: false, status: 400, reason: "notJson", revision: row.revision, errors: gate.errors, parsed: false };
      if (revision !== row.revision) return { ok: false, status: 409, reason: "stale", revision: row.revision, errors: gate.errors, parsed: true };
      const document = JSON.stringify(gate.value);
      const title = gate.value.title as { id?: unknown } | undefined;
      const next = row.revision + 1;
      const result = await trx
        .updateTable("template_package")
        .set({ document, revision: next, updated_at: nowIso(), ...(typeof title?.id === "string" && title.id.trim() ? { title: title.id.slice(0, 200) } : {}) })
        .where("id", "=", row.id)
        .where("status", "=", "draft")
        .where("revision", "=", row.revision)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return { ok: false, status: 409, reason: "stale", revision: row.revision, errors: gate.errors, parsed: true };
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "template.draft.save",
        entityType: "template_package",
        entityId: row.id,
        orgUnitId: row.ownerOrgUnitId,
        before: { key, version, revision: row.revision, chars: row.document.length },
        after: { key, version, revision: next, chars: document.length, problems: gate.errors.length },
        ip: actor.ip,
      });
      return { ok: true, revision: next, errors: gate.errors };
    });
}

export type CreateResult = { ok: true; key: string; version: number; created: boolean } | { ok: false; status: number; reason: DesignerRefusal };

async function insertDraft(trx: DbOrTrx, doc: TemplatePackage, ownerOrgUnitId: number, actor: Actor, from: number | null): Promise<number> {
  const now = nowIso();
  const { id } = await trx
    .insertInto("template_package")
    .values({
      key: doc.key,
      version: doc.version,
      status: "draft",
      owner_org_unit_id: ownerOrgUnitId,
      title: (doc.title.id || doc.key).slice(0, 200),
      document: JSON.stringify(doc),
      created_by: actor.userId,
      created_at: now,
      published_at: null,
      revision: 1,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeAudit(trx, {
    actorUserId: actor.userId,
    action: "template.draft.create",
    entityType: "template_package",
    entityId: id,
    orgUnitId: ownerOrgUnitId,
    after: { key: doc.key, version: doc.version, from, revision: 1 },
    ip: actor.ip,
  });
  return id;
}

/** The open draft of a package, if any (at most one per key). */
export async function findDraft(key: string, db: DbOrTrx = getDb()): Promise<{ version: number } | undefined> {
  return db.selectFrom("template_package").select("version").where("key", "=", key).where("status", "=", "draft").executeTakeFirst();
}

/**
 * "Buat draf versi baru": a copy of the latest published version with the version raised to
 * highest + 1. An existing draft is returned instead (at most one draft per key).
 */
export async function createDraftFromLatest(access: LibraryAccess, key: string, actor: Actor): Promise<CreateResult> {
  try {
    return await createDraftOnce(access, key, actor);
  } catch (e) {
    // Two admins clicking at once: the unique indexes let one insert win; the other opens that draft.
    const draft = e instanceof Response ? undefined : await findDraft(key);
    if (!draft) throw e;
    await ownedRow(access, key, draft.version);
    return { ok: true, key, version: draft.version, created: false };
  }
}

async function createDraftOnce(access: LibraryAccess, key: string, actor: Actor): Promise<CreateResult> {
  return getDb()
    .transaction()
    .execute(async (trx): Promise<CreateResult> => {
      const latest = await trx
        .selectFrom("template_package")
        .select(["version"])
        .where("key", "=", key)
        .where("status", "=", "published")
        .orderBy("version", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!latest) {
        if (await trx.selectFrom("template_package").select("id").where("key", "=", key).executeTakeFirst()) {
          const draft = await findDraft(key, trx);
          if (draft) {
            const row = await ownedRow(access, key, draft.version, trx);
            return { ok: true, key, version: row.version, created: false };
          }
        }
        return { ok: false, status: 404, reason: "noPublished" };
      }
      const row = await ownedRow(access, key, latest.version, trx);
      const draft = await findDraft(key, trx);
      if (draft) return { ok: true, key, version: draft.version, created: false };
      const top = await trx
        .selectFrom("template_package")
        .select((eb) => eb.fn.max("version").as("v"))
        .where("key", "=", key)
        .executeTakeFirstOrThrow();
      const version = Number(top.v) + 1;
      const doc = { ...(JSON.parse(row.document) as TemplatePackage), version };
      await insertDraft(trx, doc, row.ownerOrgUnitId, actor, row.version);
      return { ok: true, key, version, created: true };
    });
}

/**
 * A new, empty package as draft v1. National admins create national packages; a district admin
 * creates packages owned by one of their districts (`ownerCode` picks it when they have several).
 */
export async function createEmptyPackage(access: LibraryAccess, input: { key: string; title: string; ownerCode: string }, actor: Actor): Promise<CreateResult> {
  const key = input.key.trim();
  const title = input.title.trim();
  if (!PACKAGE_KEY_PATTERN.test(key)) return { ok: false, status: 400, reason: "invalidKey" };
  if (!title) return { ok: false, status: 400, reason: "emptyTitle" };
  const db = getDb();
  let owner: { id: number; code: string; level: OrgLevel } | undefined;
  const national = nationalAdminGrants(access.user)[0];
  if (input.ownerCode) {
    const grant = (national && national.orgCode === input.ownerCode ? national : undefined) ?? access.districts.find((g) => g.orgCode === input.ownerCode);
    if (!grant) throw forbidden(access.user, "access.designer.ownArea");
    owner = { id: grant.orgUnitId, code: grant.orgCode, level: grant.orgLevel };
  } else if (national && access.districts.length === 0) {
    owner = { id: national.orgUnitId, code: national.orgCode, level: "national" };
  } else if (!national && access.districts.length === 1) {
    const g = access.districts[0];
    owner = { id: g.orgUnitId, code: g.orgCode, level: "district" };
  } else if (!national && access.districts.length === 0) {
    throw forbidden(access.user, "access.designer.createRole");
  } else {
    return { ok: false, status: 400, reason: "chooseOwner" };
  }
  const doc: TemplatePackage = {
    key,
    version: 1,
    title: { id: title.slice(0, 200) },
    owner: owner.level === "national" ? "nasional" : owner.code,
    source: "",
    groups: [],
    forms: [],
    indicators: [],
    targets: [],
    rules: [],
  };
  return db.transaction().execute(async (trx): Promise<CreateResult> => {
    const existing = await trx.selectFrom("template_package").select("id").where("key", "=", key).executeTakeFirst();
    if (existing) return { ok: false, status: 409, reason: "exists" };
    await insertDraft(trx, doc, owner.id, actor, null);
    return { ok: true, key, version: 1, created: true };
  });
}

/** Deletes a draft (never a published row). */
export async function discardDraft(access: LibraryAccess, key: string, version: number, actor: Actor): Promise<WriteResult> {
  return getDb()
    .transaction()
    .execute(async (trx): Promise<WriteResult> => {
      const row = await ownedRow(access, key, version, trx);
      if (row.status !== "draft") return { ok: false, status: 409, reason: "published", revision: row.revision, errors: [], parsed: true };
      await trx.deleteFrom("template_package").where("id", "=", row.id).where("status", "=", "draft").execute();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "template.draft.discard",
        entityType: "template_package",
        entityId: row.id,
        orgUnitId: row.ownerOrgUnitId,
        before: { key, version, revision: row.revision, document: row.document.length > 64 * 1024 ? null : row.document },
        ip: actor.ip,
      });
      return { ok: true, revision: row.revision, errors: [] };
    });
}

export interface PublishPreview {
  revision: number;
  /** Validation problems of the stored draft (publishing needs none). */
  problems: DocumentError[];
  /** The publish refusals among `problems` (named separately in the panel). */
  refusals: DocumentError[];
  diff: PackageDiff | null;
  /** Submissions made with earlier versions of the forms whose data meaning changes. */
  submissionsAffected: number;
  previousVersion: number | null;
  /** The month proposed as effective-from (the first not yet begun) and the current one (decision 026). */
  effectiveFrom: { proposed: string; current: string };
}

const REFUSAL_CODES = new Set(["FIELD_TYPE_CHANGED", "KEY_REUSED", "FORM_PERIOD_CHANGED"]);

async function countAffected(db: DbOrTrx, key: string, version: number, forms: readonly string[]): Promise<number> {
  if (forms.length === 0) return 0;
  const row = await db
    .selectFrom("submission")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("package_key", "=", key)
    .where("package_version", "<", version)
    .where("form_key", "in", [...forms])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What publishing the stored draft would do: problems, refusals, diff and submissions affected. */
export async function publishPreview(access: LibraryAccess, key: string, version: number): Promise<PublishPreview> {
  const db = getDb();
  const row = await ownedRow(access, key, version, db);
  if (row.status !== "draft") throw notFound(access.user, "access.designer.notDraft");
  const history = await publishedVersions(db, key, row.version);
  const gate = gateDraftText(row.document, row, history);
  const previous = history.length > 0 ? history[history.length - 1] : null;
  let diff: PackageDiff | null = null;
  let submissionsAffected = 0;
  if (validateDocument("template-package", gate.value).ok) {
    diff = diffPackages(previous, gate.value as unknown as TemplatePackage);
    submissionsAffected = await countAffected(db, key, row.version, diff.changedForms);
  }
  return {
    revision: row.revision,
    problems: gate.errors,
    refusals: gate.errors.filter((e) => REFUSAL_CODES.has(e.code)),
    diff,
    submissionsAffected,
    previousVersion: previous?.version ?? null,
    effectiveFrom: { proposed: defaultEffectiveFrom(), current: monthPeriodOf(monthIndex(clock.now().getUTCFullYear(), clock.now().getUTCMonth() + 1)) },
  };
}

export type PublishResult =
  { ok: true; version: number; revision: number } | { ok: false; status: number; reason: DesignerRefusal; revision: number; errors: DocumentError[] };

/**
 * Publishes the stored draft at `revision` after the admin confirmed the diff, applying from the
 * month `when` names (blank: the first month not yet begun; earlier only with `retroactive`).
 * Refused (and audited as refused) when the draft has problems or would corrupt stored data.
 */
export async function publishDraft(
  access: LibraryAccess,
  key: string,
  version: number,
  revision: number,
  confirmed: boolean,
  actor: Actor,
  when: { effectiveFrom: string; retroactive: boolean } = { effectiveFrom: "", retroactive: false },
): Promise<PublishResult> {
  const effective = checkEffectiveFrom(when.effectiveFrom, when.retroactive);
  return getDb()
    .transaction()
    .execute(async (trx): Promise<PublishResult> => {
      const row = await ownedRow(access, key, version, trx);
      if (row.status !== "draft") return { ok: false, status: 409, reason: "published", revision: row.revision, errors: [] };
      if (revision !== row.revision) return { ok: false, status: 409, reason: "stale", revision: row.revision, errors: [] };
      if (!confirmed) return { ok: false, status: 400, reason: "notConfirmed", revision: row.revision, errors: [] };
      if (!effective.ok) return { ok: false, status: 400, reason: effective.reason, revision: row.revision, errors: [] };
      const history = await publishedVersions(trx, key, row.version);
      const gate = gateDraftText(row.document, row, history);
      if (!gate.package) {
        const refusals = gate.errors.filter((e) => REFUSAL_CODES.has(e.code));
        await writeAudit(trx, {
          actorUserId: actor.userId,
          action: "template.publish.refused",
          entityType: "template_package",
          entityId: row.id,
          orgUnitId: row.ownerOrgUnitId,
          before: { key, version, status: "draft", revision: row.revision },
          after: { problems: gate.errors.slice(0, 50).map((e) => ({ pointer: e.pointer, code: e.code })), count: gate.errors.length },
          ip: actor.ip,
        });
        return { ok: false, status: 409, reason: refusals.length > 0 ? "refused" : "problems", revision: row.revision, errors: gate.errors };
      }
      const previous = history.length > 0 ? history[history.length - 1] : null;
      const diff = diffPackages(previous, gate.package);
      const now = nowIso();
      const document = JSON.stringify(gate.package);
      const result = await trx
        .updateTable("template_package")
        .set({
          status: "published",
          published_at: now,
          updated_at: now,
          document,
          title: gate.package.title.id.slice(0, 200),
          revision: row.revision + 1,
          effective_from: effective.month,
        })
        .where("id", "=", row.id)
        .where("status", "=", "draft")
        .where("revision", "=", row.revision)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return { ok: false, status: 409, reason: "stale", revision: row.revision, errors: [] };
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "template.publish",
        entityType: "template_package",
        entityId: row.id,
        orgUnitId: row.ownerOrgUnitId,
        before: { key, version, status: "draft", revision: row.revision, previousVersion: previous?.version ?? null },
        after: {
          key,
          version,
          status: "published",
          publishedAt: now,
          effectiveFrom: effective.month,
          fields: { added: diff.fields.added.length, removed: diff.fields.removed.length, changed: diff.fields.changed.length },
          indicators: { added: diff.indicators.added.length, removed: diff.indicators.removed.length, changed: diff.indicators.changed.length },
          changedForms: diff.changedForms,
        },
        ip: actor.ip,
      });
      return { ok: true, version, revision: row.revision + 1 };
    });
}

/** Drafts the admin may continue, by package key (for the library's "Lanjutkan draf"). */
export async function editableDrafts(access: LibraryAccess): Promise<Map<string, number>> {
  const rows = await getDb()
    .selectFrom("template_package as p")
    .innerJoin("org_unit as o", "o.id", "p.owner_org_unit_id")
    .select(["p.key", "p.version", "p.owner_org_unit_id", "o.level"])
    .where("p.status", "=", "draft")
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) if (packageOwnerGrant(access, { ownerOrgUnitId: r.owner_org_unit_id, ownerLevel: r.level })) out.set(r.key, r.version);
  return out;
}

/** Package keys whose latest published version the admin may turn into a new draft. */
export async function draftablePackages(access: LibraryAccess): Promise<Set<string>> {
  const rows = await getDb()
    .selectFrom("template_package as p")
    .innerJoin("org_unit as o", "o.id", "p.owner_org_unit_id")
    .select(["p.key", "p.owner_org_unit_id", "o.level"])
    .where("p.status", "=", "published")
    .execute();
  const out = new Set<string>();
  for (const r of rows) if (packageOwnerGrant(access, { ownerOrgUnitId: r.owner_org_unit_id, ownerLevel: r.level })) out.add(r.key);
  return out;
}
