/**
 * The overlay designer: a district admin adapts a national package through a
 * draft overlay, publishes it, and rebases it when a new national version appears.
 *
 * Storage: one `district_overlay` row per overlay version. The district's working copy is the
 * row with status "draft" (version = highest version of the district's rows for the package + 1);
 * publishing turns that row into a published version. A draft row's `document` is the derived
 * overlay plus an `editor` member holding exactly what the admin typed (the edited effective
 * package, the hidden field keys and the conflicts left by a rebase), so a draft with problems
 * loses nothing; publishing stores the clean overlay only. Nothing outside this module reads
 * draft rows except the template library (which reads their title).
 *
 * Optimistic lock: the revision of a draft is the number of audit rows written for it (every
 * change writes one in the same transaction); 0 = no draft row yet. Saves compare the posted
 * revision and then update with a compare-and-set on the stored document, so two concurrent
 * saves of the same revision cannot both win on either dialect.
 *
 * Scope: only a district admin whose grant covers the district may change its overlay; national
 * admins may look (read-only); everyone else gets 403 (docs/security.md item 8).
 */
import {
  applyOverlay,
  deriveOverlay,
  describeOverlay,
  editableView,
  rebaseOverlay,
  targetKey,
  validateOverlay,
  validatePackage,
  type DistrictOverlay,
  type OverlayOrigins,
  type RebaseConflict,
  type TemplatePackage,
  type Text,
} from "@engine/server";
import { diffPackages, overlayMessage, parseJsonDocument } from "@engine";
import { notFound } from "~/auth/guards.server";
import { libraryAccess, overlayAccess } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import type { DesignerOrigin, DesignerProblem } from "~/contracts/designer";
import { PostgresAdapter } from "kysely";
import { getDb, nowIso } from "~/db/db.server";
import { translate, type Locale } from "~/i18n/catalog";
import { message, render, say, type LocalizedText, type Message, type Reader } from "~/i18n/message";
import type { OrgUnit } from "~/db/schema";
import { getOrgByCode, listSubtree } from "./org.server";
import { getDistrictOverlay, getPublishedPackage } from "./templates.server";

type Actor = { userId: number | null; ip?: string | null };

/** What a draft row's document holds besides the overlay. */
interface EditorState {
  package: TemplatePackage;
  hidden: string[];
  conflicts: RebaseConflict[];
}

type DraftDocument = DistrictOverlay & { editor?: EditorState };

export interface OverlayScope {
  user: SessionUser;
  district: OrgUnit;
  /** True for a district admin of this district; national admins only view. */
  canEdit: boolean;
}

/**
 * The overlay designer of `districtCode` as `user` may open it (`overlayAccess`): 403 for
 * non-admins before the district is looked up, 404 for an unknown district.
 */
export async function overlayScope(user: SessionUser, districtCode: string, need: "view" | "edit"): Promise<OverlayScope> {
  const access = libraryAccess(user);
  const district = await getOrgByCode(getDb(), districtCode);
  if (!district || district.level !== "district") throw notFound(user, "access.overlay.districtNotFound");
  const { canEdit } = overlayAccess(access, district, need);
  return { user, district, canEdit };
}

interface DraftRow {
  id: number;
  version: number;
  base_version: number;
  document: string;
}

async function latestDraft(db: DbOrTrx, districtId: number, key: string): Promise<DraftRow | undefined> {
  return db
    .selectFrom("district_overlay")
    .select(["id", "version", "base_version", "document"])
    .where("district_org_unit_id", "=", districtId)
    .where("package_key", "=", key)
    .where("status", "=", "draft")
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
}

async function nextVersion(db: DbOrTrx, districtId: number, key: string): Promise<number> {
  const row = await db
    .selectFrom("district_overlay")
    .select((eb) => eb.fn.max("version").as("v"))
    .where("district_org_unit_id", "=", districtId)
    .where("package_key", "=", key)
    .executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

async function revisionOf(db: DbOrTrx, draftId: number | null): Promise<number> {
  if (draftId === null) return 0;
  const row = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("entity_type", "=", "district_overlay")
    .where("entity_id", "=", String(draftId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function districtMembers(db: DbOrTrx, district: OrgUnit): Promise<OrgUnit[]> {
  return listSubtree(db, district);
}

function defaultTitle(district: OrgUnit): Text {
  return { id: `Penyesuaian ${district.name}`.slice(0, 200), en: `${district.name} adaptation`.slice(0, 200) };
}

function cleanOverlay(doc: DraftDocument): DistrictOverlay {
  const { editor: _editor, ...overlay } = doc;
  return overlay;
}

/** The working state of a district's adaptation (the draft, or what a new draft would start from). */
interface WorkingState {
  draftId: number | null;
  version: number;
  base: { id: number; version: number; document: TemplatePackage };
  title: Text;
  overlay: DistrictOverlay;
  edited: TemplatePackage;
  hidden: string[];
  conflicts: RebaseConflict[];
  published: { version: number; baseVersion: number } | null;
  revision: number;
}

/**
 * Serialises writers of one district's adaptation of one package: on PostgreSQL (READ
 * COMMITTED) a twin save could otherwise read the revision before the other commits and its
 * document after. SQLite write transactions are already serialised (BEGIN IMMEDIATE).
 */
async function lockAdaptation(trx: DbOrTrx, districtId: number, key: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await trx.selectFrom("district_overlay").select("id").where("district_org_unit_id", "=", districtId).where("package_key", "=", key).forUpdate().execute();
}

async function workingState(db: DbOrTrx, scope: OverlayScope, key: string, inside: ReadonlySet<string>): Promise<WorkingState> {
  const latest = await getPublishedPackage(key, undefined, db);
  if (!latest) throw notFound(scope.user, "access.package.notPublished");
  const published = await getDistrictOverlay(key, scope.district.id, db);
  const publishedInfo = published ? { version: published.document.version, baseVersion: published.document.baseVersion } : null;
  const draft = await latestDraft(db, scope.district.id, key);
  if (draft) {
    const doc = JSON.parse(draft.document) as DraftDocument;
    const base = await getPublishedPackage(key, draft.base_version, db);
    if (!base) throw notFound(scope.user, "access.overlay.baseVersionNotFound", { version: draft.base_version });
    const overlay = cleanOverlay(doc);
    let edited: TemplatePackage;
    let hidden: string[];
    if (doc.editor) {
      edited = doc.editor.package;
      hidden = doc.editor.hidden;
    } else {
      const view = editableView(base.document, overlay, { inDistrict: inside });
      edited = view.package;
      hidden = view.hidden;
    }
    return {
      draftId: draft.id,
      version: draft.version,
      base,
      title: overlay.title,
      overlay,
      edited,
      hidden,
      conflicts: doc.editor?.conflicts ?? [],
      published: publishedInfo,
      revision: await revisionOf(db, draft.id),
    };
  }
  const base = published ? await getPublishedPackage(key, published.document.baseVersion, db) : latest;
  if (!base) throw notFound(scope.user, "access.overlay.baseNotFound");
  const version = await nextVersion(db, scope.district.id, key);
  const title = published?.document.title ?? defaultTitle(scope.district);
  const overlay: DistrictOverlay = published
    ? { ...structuredClone(published.document), version }
    : { package: key, baseVersion: base.version, district: scope.district.code, title, version, operations: [] };
  const view = editableView(base.document, overlay, { inDistrict: inside });
  return { draftId: null, version, base, title, overlay, edited: view.package, hidden: view.hidden, conflicts: [], published: publishedInfo, revision: 0 };
}

function toRecord(map: Map<string, DesignerOrigin>): Record<string, DesignerOrigin> {
  const out: Record<string, DesignerOrigin> = {};
  for (const [k, v] of map) out[k] = v;
  return out;
}

/** Origin marks of the edited document: those of the derived overlay, anything else not national is local. */
function originsOf(base: TemplatePackage, edited: TemplatePackage, overlay: DistrictOverlay, inside: ReadonlySet<string>) {
  const applied = editableView(base, overlay, { inDistrict: inside }).origins as OverlayOrigins;
  const o = {
    forms: toRecord(applied.forms),
    sections: toRecord(applied.sections),
    fields: toRecord(applied.fields),
    indicators: toRecord(applied.indicators),
    rules: toRecord(applied.rules),
    targets: toRecord(applied.targets),
  };
  const forms = Array.isArray(edited.forms) ? edited.forms : [];
  for (const form of forms) {
    for (const s of Array.isArray(form?.sections) ? form.sections : []) {
      for (const f of Array.isArray(s?.fields) ? s.fields : []) if (f && typeof f.key === "string" && !(f.key in o.fields)) o.fields[f.key] = "local";
    }
  }
  for (const i of Array.isArray(edited.indicators) ? edited.indicators : [])
    if (i && typeof i.key === "string" && !(i.key in o.indicators)) o.indicators[i.key] = "local";
  for (const r of Array.isArray(edited.rules) ? edited.rules : []) if (r && typeof r.key === "string" && !(r.key in o.rules)) o.rules[r.key] = "local";
  for (const t of Array.isArray(edited.targets) ? edited.targets : []) {
    if (!t || typeof t !== "object" || !t.scope) continue;
    const k = targetKey(t);
    if (!(k in o.targets)) o.targets[k] = base.targets.some((x) => targetKey(x) === k) ? "overridden" : "local";
  }
  return o;
}

/** Derives, validates and locates every problem of an edited document (pointers into it), in the reader's language. */
function checkEdited(
  base: TemplatePackage,
  edited: TemplatePackage,
  hidden: string[],
  meta: { district: string; title: Text; version: number },
  inside: ReadonlySet<string>,
  locale: Locale,
) {
  const derived = deriveOverlay(base, edited, hidden, { ...meta, inDistrict: inside });
  const problems: DesignerProblem[] = derived.problems.map((p) => ({
    pointer: p.pointer,
    message: overlayMessage(p.messageCode, p.params, locale),
    code: p.code,
  }));
  const seen = new Set(problems.map((p) => p.pointer));
  const validation = validateOverlay(derived.overlay, base);
  for (const e of validation.errors) {
    const m = /^\/operations\/(\d+)(.*)$/.exec(e.pointer);
    const pointer = m ? (derived.pointers[Number(m[1])] ?? "") : e.pointer;
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    problems.push({ pointer, message: locale === "en" ? e.messageEn : e.message, code: e.code });
  }
  // The effective package as the Puskesmas will get it must be a valid package too.
  const applied = applyOverlay(base, derived.overlay, { inDistrict: inside });
  if (applied.problems.length === 0 && problems.length === 0) {
    const effective = validatePackage(edited, { allowLocalKeys: true });
    for (const e of effective.errors) {
      if (seen.has(e.pointer)) continue;
      seen.add(e.pointer);
      problems.push({
        pointer: e.pointer,
        message: locale === "en" ? e.messageEn : e.message,
        code: e.code,
        ...(e.start !== undefined ? { start: e.start } : {}),
        ...(e.end !== undefined ? { end: e.end } : {}),
      });
    }
  }
  return { overlay: derived.overlay, problems };
}

/** Why an operation no longer applies, in the reader's language (drafts stored earlier hold the Indonesian reason only). */
function conflictReason(c: RebaseConflict, locale: Locale): string {
  return c.messageCode ? overlayMessage(c.messageCode, c.params ?? {}, locale) : c.reason;
}

export interface RebaseInfo {
  fromVersion: number;
  toVersion: number;
  /** What changed nationally, one plain line each, in the reader's language. */
  changes: string[];
  /** Operations of the current draft that would not apply on the new version. */
  conflicts: Array<{ op: string; reason: string }>;
}

function label(t: Text | undefined): string {
  return t && typeof t.id === "string" ? t.id : "";
}

/** A package text as a message param: its Indonesian text, and its English one where the package has it. */
function text(t: Text | undefined): LocalizedText {
  const id = label(t);
  return { id, en: t && typeof t.en === "string" && t.en ? t.en : id };
}

/** What changed nationally between two versions, one plain line each, for `reader`. */
function nationalChanges(oldBase: TemplatePackage, newBase: TemplatePackage, reader: Reader): string[] {
  const d = diffPackages(oldBase, newBase);
  const lines: Message[] = [];
  for (const f of d.forms.added) lines.push(message("overlayDesigner.change.formAdded", { title: text(f.title), key: f.key }));
  for (const f of d.forms.removed) lines.push(message("overlayDesigner.change.formRemoved", { title: text(f.title), key: f.key }));
  for (const f of d.fields.added) lines.push(message("overlayDesigner.change.fieldAdded", { label: text(f.label), key: f.key, form: f.form }));
  for (const f of d.fields.removed) lines.push(message("overlayDesigner.change.fieldRemoved", { label: text(f.label), key: f.key, form: f.form }));
  for (const f of d.fields.changed) {
    const aspects = f.aspects.map((a) => `${a.aspect} ${a.before || "–"} → ${a.after || "–"}`).join("; ");
    lines.push(message("overlayDesigner.change.fieldChanged", { label: text(f.label), key: f.key, aspects }));
  }
  for (const i of d.indicators.added) lines.push(message("overlayDesigner.change.indicatorAdded", { name: text(i.name), key: i.key }));
  for (const i of d.indicators.removed) lines.push(message("overlayDesigner.change.indicatorRemoved", { name: text(i.name), key: i.key }));
  for (const i of d.indicators.changed)
    lines.push(message("overlayDesigner.change.indicatorChanged", { name: text(i.name), key: i.key, aspects: i.aspects.map((a) => a.aspect).join(", ") }));
  for (const r of d.rules.added) lines.push(message("overlayDesigner.change.ruleAdded", { key: r.key }));
  for (const r of d.rules.removed) lines.push(message("overlayDesigner.change.ruleRemoved", { key: r.key }));
  const targets = d.targets.added.length + d.targets.removed.length + d.targets.changed.length;
  if (targets > 0) lines.push(message("overlayDesigner.change.targets", { count: targets }));
  if (lines.length === 0) lines.push(message("overlayDesigner.change.none"));
  return lines.map((m) => render(reader, m));
}

/** A short name of an operation (a conflict's subject), for `reader`. */
function describeOp(op: DistrictOverlay["operations"][number], reader: Reader): string {
  switch (op.op) {
    case "addField":
      return say(reader, "overlayDesigner.op.addField", { key: op.field.key });
    case "addForm":
      return say(reader, "overlayDesigner.op.addForm", { key: op.form.key });
    case "addIndicator":
      return say(reader, "overlayDesigner.op.addIndicator", { key: op.indicator.key });
    case "addRule":
      return say(reader, "overlayDesigner.op.addRule", { key: op.rule.key });
    case "hideField":
      return say(reader, "overlayDesigner.op.hideField", { field: op.field });
    case "setBands":
      return say(reader, "overlayDesigner.op.setBands", { indicator: op.indicator });
    case "setTarget":
      return op.target.scope.level === "national"
        ? say(reader, "overlayDesigner.op.setTargetNational", { indicator: op.target.indicator, year: op.target.year })
        : say(reader, "overlayDesigner.op.setTarget", { indicator: op.target.indicator, year: op.target.year, org: String(op.target.scope.org) });
    case "relabel":
      return say(reader, "overlayDesigner.op.relabel", { target: String(op.indicator ?? op.field ?? op.section ?? op.form) });
    default:
      return String((op as { op?: unknown }).op);
  }
}

export interface OverlayDesignerData {
  district: { code: string; name: string };
  packageKey: string;
  canEdit: boolean;
  draftId: number | null;
  version: number;
  baseVersion: number;
  latestVersion: number;
  title: Text;
  published: { version: number; baseVersion: number } | null;
  revision: number;
  document: TemplatePackage;
  hidden: string[];
  origins: ReturnType<typeof originsOf>;
  orgUnits: Array<{ code: string; name: string; level: "district" | "puskesmas" }>;
  problems: DesignerProblem[];
  /** National fields (their key and type are fixed): for the editors' `published` context. */
  publishedFields: Record<string, { type: string; label: string }>;
  /** What publishing the saved draft would change (plain lines in the reader's language). */
  summary: string[];
  /** Conflicts a rebase left in the draft (listed until published). */
  conflicts: Array<{ op: string; reason: string }>;
  rebase: RebaseInfo | null;
}

/** Everything the overlay designer page shows. */
export async function loadOverlayDesigner(scope: OverlayScope, key: string, locale: Locale = "id"): Promise<OverlayDesignerData> {
  const db = getDb();
  const members = await districtMembers(db, scope.district);
  const inside = new Set(members.map((u) => u.code));
  const w = await workingState(db, scope, key, inside);
  const latest = (await getPublishedPackage(key, undefined, db))!;
  const meta = { district: scope.district.code, title: w.title, version: w.version };
  const checked = checkEdited(w.base.document, w.edited, w.hidden, meta, inside, locale);
  let rebase: RebaseInfo | null = null;
  if (latest.version > w.base.version) {
    const preview = rebaseOverlay(checked.overlay, w.base.document, latest.document, { inDistrict: inside });
    rebase = {
      fromVersion: w.base.version,
      toVersion: latest.version,
      changes: nationalChanges(w.base.document, latest.document, locale),
      conflicts: preview.conflicts.map((c) => ({ op: describeOp(c.operation, locale), reason: conflictReason(c, locale) })),
    };
  }
  return {
    district: { code: scope.district.code, name: scope.district.name },
    packageKey: key,
    canEdit: scope.canEdit,
    draftId: w.draftId,
    version: w.version,
    baseVersion: w.base.version,
    latestVersion: latest.version,
    title: w.title,
    published: w.published,
    revision: w.revision,
    document: w.edited,
    hidden: w.hidden,
    origins: originsOf(w.base.document, w.edited, checked.overlay, inside),
    orgUnits: members
      .filter((u) => u.level === "district" || u.level === "puskesmas")
      .map((u) => ({ code: u.code, name: u.name, level: u.level as "district" | "puskesmas" })),
    problems: checked.problems,
    publishedFields: Object.fromEntries(
      w.base.document.forms.flatMap((f) => f.sections.flatMap((s) => s.fields.map((x) => [x.key, { type: x.type, label: x.label.id }] as const))),
    ),
    summary: describeOverlay(w.base.document, checked.overlay, locale),
    conflicts: w.conflicts.map((c) => ({ op: describeOp(c.operation, locale), reason: conflictReason(c, locale) })),
    rebase,
  };
}

export interface OverlayActionResult {
  ok: boolean;
  problems: DesignerProblem[];
  revision: number;
  message?: string;
  parsed?: boolean;
  /** Set by publish/rebase: the version published or the national version rebased onto. */
  version?: number;
  status?: number;
}

/** The answer when someone else saved the adaptation since the page was loaded: reload and redo. */
function stale(revision: number, locale: Locale): OverlayActionResult {
  return { ok: false, status: 409, problems: [], revision, message: translate(locale, "overlayDesigner.result.stale") };
}

function parseHidden(text: unknown): string[] {
  if (typeof text !== "string" || text === "") return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? [...new Set(v.filter((x): x is string => typeof x === "string"))].slice(0, 2000) : [];
  } catch {
    return [];
  }
}

function parseDocument(text: unknown, locale: Locale): { ok: true; doc: TemplatePackage } | { ok: false; problems: DesignerProblem[]; message: string } {
  if (typeof text !== "string" || text.trim() === "") {
    return {
      ok: false,
      problems: [{ pointer: "", code: "EMPTY", message: translate(locale, "overlayDesigner.document.empty") }],
      message: translate(locale, "overlayDesigner.document.emptyNothingSaved"),
    };
  }
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) {
    const problems = parsed.errors.map((e) => ({ pointer: e.pointer, code: e.code, message: locale === "en" ? e.messageEn : e.message }));
    return { ok: false, problems, message: problems[0]?.message ?? translate(locale, "overlayDesigner.document.notJson") };
  }
  const v = parsed.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    const message = translate(locale, "overlayDesigner.document.notPackage");
    return { ok: false, problems: [{ pointer: "", code: "NOT_A_PACKAGE", message }], message };
  }
  return { ok: true, doc: v as TemplatePackage };
}

function conflictError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /unique|duplicate|UNIQUE constraint/i.test(msg);
}

/** intent=check: derive and validate without storing. */
export async function checkOverlayDraft(scope: OverlayScope, key: string, form: FormData, locale: Locale = "id"): Promise<OverlayActionResult> {
  const db = getDb();
  const inside = new Set((await districtMembers(db, scope.district)).map((u) => u.code));
  const w = await workingState(db, scope, key, inside);
  const parsed = parseDocument(form.get("document"), locale);
  if (!parsed.ok) return { ok: false, parsed: false, problems: parsed.problems, revision: w.revision, message: parsed.message };
  const checked = checkEdited(
    w.base.document,
    parsed.doc,
    parseHidden(form.get("hidden")),
    { district: scope.district.code, title: w.title, version: w.version },
    inside,
    locale,
  );
  return { ok: checked.problems.length === 0, parsed: true, problems: checked.problems, revision: w.revision };
}

/** intent=save: store the draft (even with problems), answer its problems and the new revision. */
export async function saveOverlayDraft(scope: OverlayScope, key: string, form: FormData, actor: Actor, locale: Locale = "id"): Promise<OverlayActionResult> {
  const posted = Number(form.get("revision"));
  const parsed = parseDocument(form.get("document"), locale);
  const hidden = parseHidden(form.get("hidden"));
  const db = getDb();
  const inside = new Set((await districtMembers(db, scope.district)).map((u) => u.code));
  try {
    return await db.transaction().execute(async (trx): Promise<OverlayActionResult> => {
      await lockAdaptation(trx, scope.district.id, key);
      const w = await workingState(trx, scope, key, inside);
      if (!Number.isInteger(posted) || posted !== w.revision) return stale(Number.isInteger(posted) ? posted : w.revision, locale);
      if (!parsed.ok) return { ok: false, parsed: false, problems: parsed.problems, revision: w.revision, message: parsed.message };
      const checked = checkEdited(w.base.document, parsed.doc, hidden, { district: scope.district.code, title: w.title, version: w.version }, inside, locale);
      const stored: DraftDocument = { ...checked.overlay, editor: { package: parsed.doc, hidden, conflicts: w.conflicts } };
      const document = JSON.stringify(stored);
      let id = w.draftId;
      if (id === null) {
        const row = await trx
          .insertInto("district_overlay")
          .values({
            district_org_unit_id: scope.district.id,
            package_key: key,
            base_version: w.base.version,
            version: w.version,
            status: "draft",
            document,
            created_by: actor.userId,
            created_at: nowIso(),
            published_at: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        id = row.id;
      } else {
        const before = await trx.selectFrom("district_overlay").select("document").where("id", "=", id).executeTakeFirstOrThrow();
        const result = await trx
          .updateTable("district_overlay")
          .set({ document })
          .where("id", "=", id)
          .where("status", "=", "draft")
          .where("document", "=", before.document)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return stale(posted, locale);
      }
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "overlay.draft.save",
        entityType: "district_overlay",
        entityId: id,
        orgUnitId: scope.district.id,
        after: {
          package: key,
          version: w.version,
          baseVersion: w.base.version,
          operations: checked.overlay.operations.length,
          problems: checked.problems.length,
        },
        ip: actor.ip,
      });
      const revision = await revisionOf(trx, id);
      const n = checked.problems.length;
      return {
        ok: true,
        problems: checked.problems,
        revision,
        message: n === 0 ? translate(locale, "overlayDesigner.result.saved") : translate(locale, "overlayDesigner.result.savedWithProblems", { count: n }),
      };
    });
  } catch (e) {
    if (conflictError(e)) return stale(posted, locale);
    throw e;
  }
}

/** intent=publish: the saved draft, with zero problems and a confirmation, becomes a published version. */
export async function publishOverlayDraft(scope: OverlayScope, key: string, form: FormData, actor: Actor, locale: Locale = "id"): Promise<OverlayActionResult> {
  const posted = Number(form.get("revision"));
  const db = getDb();
  const inside = new Set((await districtMembers(db, scope.district)).map((u) => u.code));
  return db.transaction().execute(async (trx): Promise<OverlayActionResult> => {
    await lockAdaptation(trx, scope.district.id, key);
    const w = await workingState(trx, scope, key, inside);
    if (w.draftId === null) return { ok: false, status: 400, problems: [], revision: w.revision, message: translate(locale, "overlayDesigner.result.noDraft") };
    if (!Number.isInteger(posted) || posted !== w.revision) return stale(Number.isInteger(posted) ? posted : w.revision, locale);
    const checked = checkEdited(w.base.document, w.edited, w.hidden, { district: scope.district.code, title: w.title, version: w.version }, inside, locale);
    if (checked.problems.length > 0) {
      return {
        ok: false,
        status: 400,
        problems: checked.problems,
        revision: w.revision,
        message: translate(locale, "overlayDesigner.result.publishProblems", { count: checked.problems.length }),
      };
    }
    if (form.get("confirm") !== "yes") {
      return { ok: false, status: 400, problems: [], revision: w.revision, message: translate(locale, "overlayDesigner.result.confirm") };
    }
    const overlay = checked.overlay;
    // The audit row keeps the summary in Bahasa Indonesia, like all stored text.
    const summary = describeOverlay(w.base.document, overlay);
    const now = nowIso();
    const result = await trx
      .updateTable("district_overlay")
      .set({ status: "published", published_at: now, document: JSON.stringify(overlay), base_version: w.base.version })
      .where("id", "=", w.draftId)
      .where("status", "=", "draft")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return stale(posted, locale);
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "overlay.publish",
      entityType: "district_overlay",
      entityId: w.draftId,
      orgUnitId: scope.district.id,
      before: w.published,
      after: { package: key, baseVersion: w.base.version, version: w.version, operations: overlay.operations.length, summary },
      ip: actor.ip,
    });
    return { ok: true, problems: [], revision: 0, version: w.version, message: translate(locale, "overlayDesigner.result.published", { version: w.version }) };
  });
}

/** intent=rebase: a draft on the latest national version keeping the operations that still apply. */
export async function rebaseOverlayDraft(scope: OverlayScope, key: string, form: FormData, actor: Actor, locale: Locale = "id"): Promise<OverlayActionResult> {
  const posted = Number(form.get("revision"));
  const to = Number(form.get("to"));
  const db = getDb();
  const inside = new Set((await districtMembers(db, scope.district)).map((u) => u.code));
  try {
    return await db.transaction().execute(async (trx): Promise<OverlayActionResult> => {
      await lockAdaptation(trx, scope.district.id, key);
      const w = await workingState(trx, scope, key, inside);
      if (!Number.isInteger(posted) || posted !== w.revision) return stale(Number.isInteger(posted) ? posted : w.revision, locale);
      const latest = (await getPublishedPackage(key, undefined, trx))!;
      if (latest.version <= w.base.version)
        return {
          ok: false,
          status: 400,
          problems: [],
          revision: w.revision,
          message: translate(locale, "overlayDesigner.result.upToDate", { version: w.base.version }),
        };
      if (to !== latest.version)
        return {
          ok: false,
          status: 409,
          problems: [],
          revision: w.revision,
          message: translate(locale, "overlayDesigner.result.newerVersion", { version: latest.version }),
        };
      const current = deriveOverlay(w.base.document, w.edited, w.hidden, {
        district: scope.district.code,
        title: w.title,
        version: w.version,
        inDistrict: inside,
      }).overlay;
      const rebased = rebaseOverlay(current, w.base.document, latest.document, { inDistrict: inside });
      const view = editableView(latest.document, rebased.overlay, { inDistrict: inside });
      const stored: DraftDocument = {
        ...rebased.overlay,
        editor: { package: view.package, hidden: view.hidden, conflicts: [...w.conflicts, ...rebased.conflicts] },
      };
      const document = JSON.stringify(stored);
      let id = w.draftId;
      if (id === null) {
        const row = await trx
          .insertInto("district_overlay")
          .values({
            district_org_unit_id: scope.district.id,
            package_key: key,
            base_version: latest.version,
            version: w.version,
            status: "draft",
            document,
            created_by: actor.userId,
            created_at: nowIso(),
            published_at: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        id = row.id;
      } else {
        await trx.updateTable("district_overlay").set({ document, base_version: latest.version }).where("id", "=", id).where("status", "=", "draft").execute();
      }
      await writeAudit(trx, {
        actorUserId: actor.userId,
        action: "overlay.rebase",
        entityType: "district_overlay",
        entityId: id,
        orgUnitId: scope.district.id,
        before: { baseVersion: w.base.version },
        after: { baseVersion: latest.version, kept: rebased.applied.length, conflicts: rebased.conflicts.map((c) => ({ code: c.code, reason: c.reason })) },
        ip: actor.ip,
      });
      return {
        ok: true,
        problems: [],
        revision: await revisionOf(trx, id),
        version: latest.version,
        message:
          rebased.conflicts.length === 0
            ? translate(locale, "overlayDesigner.result.rebased", { version: latest.version })
            : translate(locale, "overlayDesigner.result.rebasedConflicts", { version: latest.version, count: rebased.conflicts.length }),
      };
    });
  } catch (e) {
    if (conflictError(e)) return stale(posted, locale);
    throw e;
  }
}
