/**
 * The template library as admins see it: packages with their versions and owners, the district
 * overlays an admin may see, which district uses which version, adoption of a national package
 * by a district, read-only package views (with overlay origins) and uploads of package or
 * overlay JSON. Scope always comes from the session's grants (docs/security.md item 8).
 */
import {
  applyOverlay,
  checkFormula,
  defaultAggregation,
  formulaTypeOf,
  publishRefusals,
  targetKey,
  validateDocument,
  type Condition,
  type DistrictOverlay,
  type DocumentError,
  type Field,
  type FormulaType,
  type Origin,
  type Text,
  type TemplatePackage,
} from "@engine/server";
import { forbidden, notFound } from "~/auth/guards.server";
import { mayImportOverlayFor, mayImportPackage, packageOwnerGrant, type LibraryAccess } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import { getOrgByCode, listSubtree } from "./org.server";
import { getDistrictOverlay, getPublishedPackage, importOverlay, importPackage, type ImportResult, type StoredOverlay } from "./templates.server";
import type { Reader } from "~/i18n/message";

/** Uploads must be smaller than MAX_UPLOAD_BYTES (checked on Content-Length and on the file itself, before parsing). */
export { MAX_TEMPLATE_UPLOAD_BYTES as MAX_UPLOAD_BYTES, MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";

type Actor = { userId: number | null; ip?: string | null };

export interface LibraryVersion {
  version: number;
  status: "draft" | "published";
  title: string;
  ownerName: string;
  ownerCode: string;
  publishedAt: string | null;
  /** First month forms new in this version are due (docs/decisions/026-effective-from.md); null: before the rule, or a draft. */
  effectiveFrom: string | null;
}

export interface LibraryOverlay {
  districtCode: string;
  districtName: string;
  version: number;
  baseVersion: number;
  title: Text;
  status: "draft" | "published";
  publishedAt: string | null;
}

export interface LibraryUsage {
  districtCode: string;
  districtName: string;
  /** `overlay`: the district's own adaptation on `baseVersion`; `national`: the latest national version as is. */
  kind: "overlay" | "national";
  version: number;
  baseVersion: number;
}

export interface LibraryPackage {
  key: string;
  title: string;
  latestVersion: number | null;
  versions: LibraryVersion[];
  overlays: LibraryOverlay[];
  usage: LibraryUsage[];
  /** National admins: how many other districts have no overlay and use the latest version. */
  othersOnLatest: number;
  /** District admins: their districts without an overlay of this package. */
  adoptable: Array<{ code: string; name: string }>;
}

function parseTitle(document: string): Text {
  try {
    const title = (JSON.parse(document) as { title?: Text }).title;
    if (title && typeof title.id === "string") return { id: title.id, ...(typeof title.en === "string" ? { en: title.en } : {}) };
  } catch {
    // Stored documents were validated; an unreadable one still gets a row.
  }
  return { id: "" };
}

/** The packages, versions, overlays and per-district usage visible to `access`. */
export async function listLibrary(access: LibraryAccess): Promise<LibraryPackage[]> {
  const db = getDb();
  const versions = await db
    .selectFrom("template_package as p")
    .innerJoin("org_unit as o", "o.id", "p.owner_org_unit_id")
    .select([
      "p.key",
      "p.version",
      "p.status",
      "p.title",
      "p.published_at",
      "p.effective_from",
      "p.owner_org_unit_id",
      "o.level as owner_level",
      "o.name as owner_name",
      "o.code as owner_code",
    ])
    .orderBy("p.key")
    .orderBy("p.version", "desc")
    .execute()
    // A draft is listed only to the admins who may edit it.
    .then((rows) =>
      rows.filter((v) => v.status === "published" || packageOwnerGrant(access, { ownerOrgUnitId: v.owner_org_unit_id, ownerLevel: v.owner_level })),
    );
  let overlayQuery = db
    .selectFrom("district_overlay as d")
    .innerJoin("org_unit as o", "o.id", "d.district_org_unit_id")
    .select(["d.package_key", "d.version", "d.base_version", "d.status", "d.document", "d.published_at", "d.district_org_unit_id", "o.code", "o.name"])
    .orderBy("o.code")
    .orderBy("d.version", "desc");
  if (!access.national) {
    const ids = access.districts.map((g) => g.orgUnitId);
    if (ids.length === 0) overlayQuery = overlayQuery.where("d.id", "=", -1);
    else overlayQuery = overlayQuery.where("d.district_org_unit_id", "in", ids);
  }
  const overlays = await overlayQuery.execute();
  const districtCount = access.national
    ? Number(
        (
          await db
            .selectFrom("org_unit")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("level", "=", "district")
            .executeTakeFirstOrThrow()
        ).n,
      )
    : 0;

  const byKey = new Map<string, LibraryPackage>();
  for (const v of versions) {
    let entry = byKey.get(v.key);
    if (!entry) {
      entry = { key: v.key, title: v.title, latestVersion: null, versions: [], overlays: [], usage: [], othersOnLatest: 0, adoptable: [] };
      byKey.set(v.key, entry);
    }
    if (v.status === "published" && entry.latestVersion === null) {
      entry.latestVersion = v.version;
      entry.title = v.title;
    }
    entry.versions.push({
      version: v.version,
      status: v.status,
      title: v.title,
      ownerName: v.owner_name,
      ownerCode: v.owner_code,
      publishedAt: v.published_at,
      effectiveFrom: v.effective_from,
    });
  }
  for (const entry of byKey.values()) {
    const mine = overlays.filter((o) => o.package_key === entry.key);
    entry.overlays = mine.map((o) => ({
      districtCode: o.code,
      districtName: o.name,
      version: o.version,
      baseVersion: o.base_version,
      title: parseTitle(o.document),
      status: o.status,
      publishedAt: o.published_at,
    }));
    // A district works with its latest published overlay (effectivePackage does the same).
    const inUse = new Map<string, LibraryUsage>();
    for (const o of mine) {
      if (o.status !== "published" || inUse.has(o.code)) continue;
      inUse.set(o.code, { districtCode: o.code, districtName: o.name, kind: "overlay", version: o.version, baseVersion: o.base_version });
    }
    entry.usage = [...inUse.values()];
    if (entry.latestVersion !== null) {
      const latest = entry.latestVersion;
      if (access.national) {
        entry.othersOnLatest = Math.max(0, districtCount - inUse.size);
      } else {
        for (const g of access.districts) {
          if (inUse.has(g.orgCode)) continue;
          entry.usage.push({ districtCode: g.orgCode, districtName: g.orgName, kind: "national", version: latest, baseVersion: latest });
          entry.adoptable.push({ code: g.orgCode, name: g.orgName });
        }
      }
    }
  }
  return [...byKey.values()];
}

export type AdoptResult =
  | { ok: true; districtCode: string; districtName: string; baseVersion: number; created: boolean }
  | { ok: false; status: number; problem: "chooseDistrict" | "exists" | "invalid"; errors: DocumentError[] };

/**
 * "Adopt for my district": an overlay v1 without operations on the latest national version.
 * The district is one of the admin's own district grants; a `requestedDistrict` naming any other
 * unit is refused with 403 (the request never widens the session's scope).
 */
export async function adoptPackage(access: LibraryAccess, packageKey: string, requestedDistrict: string, actor: Actor): Promise<AdoptResult> {
  if (access.districts.length === 0) throw forbidden(access.user, "access.adopt.role");
  let grant: Grant | undefined;
  if (requestedDistrict) {
    grant = access.districts.find((g) => g.orgCode === requestedDistrict);
    if (!grant) throw forbidden(access.user, "access.adopt.ownDistrict");
  } else if (access.districts.length === 1) {
    grant = access.districts[0];
  } else {
    return { ok: false, status: 400, problem: "chooseDistrict", errors: [] };
  }
  const latest = await getPublishedPackage(packageKey);
  if (!latest) throw notFound(access.user, "access.package.notPublished");
  const existing = await getDistrictOverlay(packageKey, grant.orgUnitId);
  if (existing) return { ok: false, status: 409, problem: "exists", errors: [] };
  const overlay: DistrictOverlay = {
    package: latest.key,
    baseVersion: latest.version,
    district: grant.orgCode,
    title: { id: `Penyesuaian ${grant.orgName}`.slice(0, 200), en: `${grant.orgName} adaptation`.slice(0, 200) },
    version: 1,
    operations: [],
  };
  const result = await importOverlay(overlay, actor);
  if (!result.ok) return { ok: false, status: 400, problem: "invalid", errors: result.errors };
  return { ok: true, districtCode: grant.orgCode, districtName: grant.orgName, baseVersion: latest.version, created: result.created };
}

// ---------------------------------------------------------------------------------------------
// Read-only package view

export type ShowIfValue = { bool: boolean } | { text: Text } | { raw: string } | null;

export interface ShowIfView {
  match: "all" | "any";
  clauses: Array<{ field: string; fieldLabel: Text | null; op: string; value: ShowIfValue }>;
}

export interface FieldView {
  key: string;
  type: Field["type"];
  label: Text;
  help: Text | null;
  unit: string | null;
  required: boolean;
  optional: boolean;
  min: number | null;
  max: number | null;
  choices: Array<{ value: string; label: Text }>;
  showIf: ShowIfView | null;
  calculate: string | null;
  aggregation: string | null;
  origin: Origin | null;
  /** Hidden by the district overlay: shown in the view, not in the district's form. */
  hidden: boolean;
}

export interface SectionView {
  key: string;
  title: Text;
  origin: Origin | null;
  fields: FieldView[];
}

export interface FormView {
  key: string;
  title: Text;
  periodType: string;
  origin: Origin | null;
  sections: SectionView[];
}

export interface IndicatorView {
  key: string;
  name: Text;
  group: string;
  groupName: Text | null;
  cluster: string | null;
  numerator: string;
  denominator: string | null;
  factor: number;
  unit: string | null;
  decimals: number;
  direction: "higher" | "lower";
  ytd: boolean;
  bands: { green: number; yellow: number };
  origin: Origin | null;
}

export interface TargetView {
  indicator: string;
  indicatorName: Text | null;
  year: number;
  level: string;
  org: string | null;
  orgName: string | null;
  value: number;
  profile: string;
  profileValues: number[];
  source: string;
  origin: Origin | null;
}

export interface RuleView {
  key: string;
  form: string;
  formTitle: Text | null;
  left: string;
  op: string;
  right: string;
  severity: "error" | "warning";
  message: Text;
  origin: Origin | null;
}

export interface PackageView {
  key: string;
  version: number;
  title: Text;
  description: Text | null;
  owner: string;
  source: string;
  status: "draft" | "published";
  publishedAt: string | null;
  ownerName: string;
  /** Set when a district admin views the version their overlay builds on. */
  overlay: { districtCode: string; districtName: string; version: number; title: Text; problems: string[] } | null;
  forms: FormView[];
  indicators: IndicatorView[];
  targets: TargetView[];
  rules: RuleView[];
}

function text(t: Text | undefined | null): Text | null {
  if (!t || typeof t.id !== "string") return null;
  return t.en === undefined ? { id: t.id } : { id: t.id, en: t.en };
}

function showIfView(condition: Condition | undefined, fields: Map<string, Field>): ShowIfView | null {
  if (!condition) return null;
  return {
    match: condition.match,
    clauses: condition.clauses.map((c) => {
      const target = fields.get(c.field);
      let value: ShowIfValue = null;
      if (c.value !== undefined) {
        if (typeof c.value === "boolean") value = { bool: c.value };
        else if (target?.choices) {
          const choice = target.choices.find((ch) => ch.value === c.value);
          value = choice ? { text: text(choice.label)! } : { raw: String(c.value) };
        } else value = { raw: String(c.value) };
      }
      return { field: c.field, fieldLabel: text(target?.label), op: c.op, value };
    }),
  };
}

function fieldView(f: Field, allFields: Map<string, Field>, origin: Origin | null, hidden: boolean): FieldView {
  return {
    key: f.key,
    type: f.type,
    label: text(f.label)!,
    help: text(f.help),
    unit: f.unit ?? null,
    required: f.required === true,
    optional: f.optional === true,
    min: f.min ?? null,
    max: f.max ?? null,
    choices: (f.choices ?? []).map((c) => ({ value: c.value, label: text(c.label)! })),
    showIf: showIfView(f.showIf, allFields),
    calculate: f.calculate ?? null,
    aggregation: f.aggregation ?? defaultAggregation(f.type) ?? null,
    origin,
    hidden,
  };
}

function allFieldsOf(pkg: TemplatePackage): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const form of pkg.forms) for (const s of form.sections) for (const f of s.fields) out.set(f.key, f);
  return out;
}

/** The overlay this admin works with on `key` at `version`, if any of their districts has one on that base. */
async function overlayFor(access: LibraryAccess, key: string, version: number): Promise<StoredOverlay | undefined> {
  for (const g of access.districts) {
    const overlay = await getDistrictOverlay(key, g.orgUnitId);
    if (overlay && overlay.document.baseVersion === version) return overlay;
  }
  return undefined;
}

/**
 * The read-only view of a published package version; for a district admin whose overlay builds
 * on this version, the effective package with origin marks and the hidden fields kept in place.
 * Everything returned is plain data: labels stay strings and are rendered as text.
 */
export async function packageView(access: LibraryAccess, key: string, version: number): Promise<PackageView> {
  const db = getDb();
  const stored = await getPublishedPackage(key, version);
  if (!stored) throw notFound(access.user, "access.package.notFound");
  const row = await db
    .selectFrom("template_package as p")
    .innerJoin("org_unit as o", "o.id", "p.owner_org_unit_id")
    .select(["p.status", "p.published_at", "o.name"])
    .where("p.id", "=", stored.id)
    .executeTakeFirstOrThrow();
  const base = stored.document;
  const overlay = await overlayFor(access, key, version);
  let pkg: TemplatePackage = base;
  let origins: ReturnType<typeof applyOverlay>["origins"] | null = null;
  let hidden: Array<{ form: string; field: string }> = [];
  let overlayInfo: PackageView["overlay"] = null;
  if (overlay) {
    const district = await getOrgByCode(db, overlay.districtCode);
    const inside = new Set(district ? (await listSubtree(db, district)).map((u) => u.code) : []);
    const applied = applyOverlay(base, overlay.document, { inDistrict: inside });
    pkg = applied.package;
    origins = applied.origins;
    hidden = applied.hidden;
    overlayInfo = {
      districtCode: overlay.districtCode,
      districtName: district?.name ?? overlay.districtCode,
      version: overlay.document.version,
      title: text(overlay.document.title) ?? { id: "" },
      problems: applied.problems.map((p) => p.message),
    };
  }
  const fields = allFieldsOf(pkg);
  const baseFields = allFieldsOf(base);
  for (const [k, f] of baseFields) if (!fields.has(k)) fields.set(k, f);
  const hiddenKeys = new Set(hidden.map((h) => h.field));

  const forms: FormView[] = pkg.forms.map((form) => ({
    key: form.key,
    title: text(form.title)!,
    periodType: form.periodType,
    origin: origins?.forms.get(form.key) ?? null,
    sections: form.sections.map((s) => ({
      key: s.key,
      title: text(s.title)!,
      origin: origins?.sections.get(`${form.key}/${s.key}`) ?? null,
      fields: s.fields.map((f) => fieldView(f, fields, origins?.fields.get(f.key) ?? null, false)),
    })),
  }));
  // Hidden fields go back where the national version has them, marked, so the admin sees what the district dropped.
  for (const baseForm of base.forms) {
    const view = forms.find((f) => f.key === baseForm.key);
    if (!view) continue;
    for (const baseSection of baseForm.sections) {
      const hiddenHere = baseSection.fields.filter((f) => hiddenKeys.has(f.key));
      if (hiddenHere.length === 0) continue;
      let section = view.sections.find((s) => s.key === baseSection.key);
      if (!section) {
        section = { key: baseSection.key, title: text(baseSection.title)!, origin: "national", fields: [] };
        const baseOrder = baseForm.sections.map((s) => s.key);
        const at = view.sections.findIndex((s) => baseOrder.indexOf(s.key) > baseOrder.indexOf(baseSection.key));
        view.sections.splice(at < 0 ? view.sections.length : at, 0, section);
      }
      for (const f of hiddenHere) {
        const order = baseSection.fields.map((x) => x.key);
        const before = order.slice(0, order.indexOf(f.key));
        let at = 0;
        section.fields.forEach((x, i) => {
          if (before.includes(x.key)) at = i + 1;
        });
        section.fields.splice(at, 0, fieldView(f, fields, "national", true));
      }
    }
  }

  const groups = new Map(pkg.groups.map((g) => [g.key, g.name]));
  const indicatorNames = new Map(pkg.indicators.map((i) => [i.key, i.name]));
  const formTitles = new Map(pkg.forms.map((f) => [f.key, f.title]));
  const orgCodes = [...new Set(pkg.targets.flatMap((t) => (t.scope.level === "national" ? [] : [t.scope.org])))];
  const orgNames = new Map<string, string>();
  if (orgCodes.length > 0) {
    for (const o of await db.selectFrom("org_unit").select(["code", "name"]).where("code", "in", orgCodes).execute()) orgNames.set(o.code, o.name);
  }
  const indicatorOrder = new Map(pkg.indicators.map((i, n) => [i.key, n]));
  const levelOrder = ["national", "province", "district", "puskesmas"];
  const targets: TargetView[] = pkg.targets
    .map((t) => ({
      indicator: t.indicator,
      indicatorName: text(indicatorNames.get(t.indicator)),
      year: t.year,
      level: t.scope.level,
      org: t.scope.level === "national" ? null : t.scope.org,
      orgName: t.scope.level === "national" ? null : (orgNames.get(t.scope.org) ?? null),
      value: t.value,
      profile: t.profile.type,
      profileValues: "values" in t.profile ? [...t.profile.values] : [],
      source: t.source,
      origin: origins?.targets.get(targetKey(t)) ?? null,
    }))
    .sort(
      (a, b) =>
        (indicatorOrder.get(a.indicator) ?? 0) - (indicatorOrder.get(b.indicator) ?? 0) ||
        a.year - b.year ||
        levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level) ||
        (a.org ?? "").localeCompare(b.org ?? ""),
    );

  return {
    key: pkg.key,
    version: pkg.version,
    title: text(pkg.title)!,
    description: text(pkg.description),
    owner: pkg.owner,
    source: pkg.source,
    status: row.status,
    publishedAt: row.published_at,
    ownerName: row.name,
    overlay: overlayInfo,
    forms,
    indicators: pkg.indicators.map((i) => ({
      key: i.key,
      name: text(i.name)!,
      group: i.group,
      groupName: text(groups.get(i.group)),
      cluster: i.cluster ?? null,
      numerator: i.numerator,
      denominator: i.denominator ?? null,
      factor: i.factor ?? 1,
      unit: i.unit ?? null,
      decimals: i.decimals ?? 1,
      direction: i.direction ?? "higher",
      ytd: i.ytd === true,
      bands: { green: i.bands?.green ?? 100, yellow: i.bands?.yellow ?? 80 },
      origin: origins?.indicators.get(i.key) ?? null,
    })),
    targets,
    rules: pkg.rules.map((r) => ({
      key: r.key,
      form: r.form,
      formTitle: text(formTitles.get(r.form)),
      left: r.left,
      op: r.op,
      right: r.right,
      severity: r.severity,
      message: text(r.message)!,
      origin: origins?.rules.get(r.key) ?? null,
    })),
  };
}

/** The published package as the CLI exports it (`template export`): pretty JSON, 2 spaces. */
export async function exportPackageJson(key: string, version: number, reader?: Reader): Promise<{ filename: string; body: string }> {
  const stored = await getPublishedPackage(key, version);
  if (!stored) throw notFound(reader, "access.package.notFound");
  return { filename: `${stored.key}.v${stored.version}.json`, body: JSON.stringify(stored.document, null, 2) };
}

// ---------------------------------------------------------------------------------------------
// Uploads

/** One line of the report on a refused file. */
export interface ReportError {
  pointer: string;
  code: string;
  message: string;
  messageEn: string;
  start: number | null;
  end: number | null;
  /** The formula the range points into, when the pointer names one. */
  formula: string | null;
}

export type UploadOutcome =
  | { ok: true; kind: "package" | "overlay"; key: string; version: number; created: boolean; baseVersion: number | null; district: string | null }
  | { ok: false; status: number; kind: "package" | "overlay" | null; errors: ReportError[] };

/** Follows an RFC 6901 pointer into parsed JSON (own properties only). */
export function resolvePointer(json: unknown, pointer: string): unknown {
  if (pointer === "") return json;
  let node: unknown = json;
  for (const raw of pointer.split("/").slice(1)) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

function toReport(errors: DocumentError[], json: unknown): ReportError[] {
  return errors.map((e) => {
    const at = e.start !== undefined ? resolvePointer(json, e.pointer) : undefined;
    return {
      pointer: e.pointer,
      code: e.code,
      message: e.message,
      messageEn: e.messageEn,
      start: e.start ?? null,
      end: e.end ?? null,
      formula: typeof at === "string" ? at : null,
    };
  });
}

function problem(code: string, message: string, messageEn: string, pointer = ""): ReportError {
  return { pointer, code, message, messageEn, start: null, end: null, formula: null };
}

export function tooLargeError(bytes: number | null): ReportError {
  const size = bytes === null ? "" : ` (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
  return problem(
    "UPLOAD_TOO_LARGE",
    `Berkas terlalu besar${size}. Berkas impor harus lebih kecil dari 5 MB; buang bagian yang tidak perlu atau pecah paketnya.`,
    `The file is too large${size}. Import files must be smaller than 5 MB; remove unneeded parts or split the package.`,
  );
}

/** The formulas an overlay operation carries, with their pointers relative to the operation. */
function operationFormulas(op: unknown): Array<{ pointer: string; formula: unknown; context: "field" | "indicator" | "rule" }> {
  const o = (op ?? {}) as {
    op?: unknown;
    field?: { calculate?: unknown };
    indicator?: { numerator?: unknown; denominator?: unknown };
    rule?: { left?: unknown; right?: unknown };
  };
  if (o.op === "addField") return [{ pointer: "/field/calculate", formula: o.field?.calculate, context: "field" }];
  if (o.op === "addForm") {
    const sections = (op as { form?: { sections?: Array<{ fields?: Array<{ calculate?: unknown }> }> } }).form?.sections;
    return (Array.isArray(sections) ? sections : []).flatMap((s, si) =>
      (Array.isArray(s?.fields) ? s.fields : []).flatMap((f, fi) =>
        f?.calculate === undefined ? [] : [{ pointer: `/form/sections/${si}/fields/${fi}/calculate`, formula: f.calculate, context: "field" as const }],
      ),
    );
  }
  if (o.op === "addIndicator") {
    return [
      { pointer: "/indicator/numerator", formula: o.indicator?.numerator, context: "indicator" },
      { pointer: "/indicator/denominator", formula: o.indicator?.denominator, context: "indicator" },
    ];
  }
  if (o.op === "addRule") {
    return [
      { pointer: "/rule/left", formula: o.rule?.left, context: "rule" },
      { pointer: "/rule/right", formula: o.rule?.right, context: "rule" },
    ];
  }
  return [];
}

/**
 * Overlay formula problems come back per operation without a position. Re-checking the formula
 * against every numeric/boolean field of the base package plus the overlay's own fields (a
 * superset of what the formula may see) finds the faulty characters whenever the superset still
 * refuses it; otherwise the row keeps its operation pointer.
 */
async function locateOverlayFormulaErrors(errors: ReportError[], json: unknown): Promise<ReportError[]> {
  if (!errors.some((e) => e.code === "BAD_FORMULA")) return errors;
  const head = json as { package?: unknown; baseVersion?: unknown; operations?: unknown };
  if (typeof head.package !== "string" || typeof head.baseVersion !== "number" || !Array.isArray(head.operations)) return errors;
  const base = await getPublishedPackage(head.package, head.baseVersion);
  if (!base) return errors;
  const symbols = new Map<string, FormulaType>();
  const add = (f: { key?: unknown; type?: unknown }) => {
    if (typeof f?.key !== "string") return;
    const type = typeof f.type === "string" ? formulaTypeOf(f.type) : undefined;
    if (type) symbols.set(f.key, type);
  };
  for (const form of base.document.forms) for (const s of form.sections) for (const f of s.fields) add(f);
  for (const op of head.operations as Array<{ op?: unknown; field?: { key?: unknown; type?: unknown }; form?: { sections?: unknown } }>) {
    if (op?.op === "addField" && op.field) add(op.field);
    if (op?.op === "addForm" && Array.isArray(op.form?.sections))
      for (const s of op.form.sections as Array<{ fields?: unknown }>) if (Array.isArray(s?.fields)) for (const f of s.fields) add(f);
  }
  return errors.map((e) => {
    const m = /^\/operations\/(\d+)$/.exec(e.pointer);
    if (e.code !== "BAD_FORMULA" || !m) return e;
    const op = (head.operations as unknown[])[Number(m[1])];
    for (const candidate of operationFormulas(op)) {
      if (typeof candidate.formula !== "string") continue;
      const check = checkFormula(candidate.formula, { symbols, context: candidate.context });
      const first = check.errors[0];
      if (check.ok || !first) continue;
      return { ...e, pointer: `${e.pointer}${candidate.pointer}`, start: first.start, end: first.end, formula: candidate.formula };
    }
    return e;
  });
}

/**
 * The designer's rules apply to uploads too (docs/decisions/008-designer-drafts.md): a version
 * number held by an open draft is taken, and a type change of a published field key (or reuse of
 * a removed key with another meaning) is refused.
 */
async function uploadBlockedByDesigner(json: unknown): Promise<{ status: number; errors: ReportError[] } | null> {
  const head = json as { key?: unknown; version?: unknown };
  if (json === null || typeof json !== "object" || typeof head.key !== "string" || typeof head.version !== "number") return null;
  const db = getDb();
  const draft = await db
    .selectFrom("template_package")
    .select("id")
    .where("key", "=", head.key)
    .where("version", "=", head.version)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (draft) {
    return {
      status: 409,
      errors: [
        problem(
          "VERSION_IS_DRAFT",
          `Versi ${head.version} paket ${head.key} sedang disusun sebagai draf di perancang. Terbitkan atau buang draf itu dulu, atau unggah dengan nomor versi lain.`,
          `Version ${head.version} of ${head.key} is an open draft in the designer. Publish or discard that draft first, or upload another version number.`,
          "/version",
        ),
      ],
    };
  }
  if (!validateDocument("template-package", json).ok) return null;
  const rows = await db
    .selectFrom("template_package")
    .select("document")
    .where("key", "=", head.key)
    .where("status", "=", "published")
    .where("version", "<", head.version)
    .execute();
  const refusals = publishRefusals(
    rows.map((r) => JSON.parse(r.document) as TemplatePackage),
    json as TemplatePackage,
  );
  if (refusals.length === 0) return null;
  return { status: 400, errors: refusals.map((e) => problem(e.code, e.message, e.messageEn, e.pointer)) };
}

/** An overlay is recognised by its own fields; everything else is checked as a package. */
export function isOverlayDocument(json: unknown): boolean {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return "operations" in o || "district" in o || "baseVersion" in o;
}

/**
 * Parses, checks and publishes an uploaded file. Packages: national admins only. Overlays:
 * the overlay's district must lie inside one of the uploader's admin grants. Nothing is stored
 * unless the whole document is valid; importPackage/importOverlay write the audit row.
 */
export async function importUploadedText(access: LibraryAccess, textContent: string, actor: Actor): Promise<UploadOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(textContent.replace(/^\uFEFF/, ""));
  } catch (e) {
    const detail = (e as Error).message;
    return {
      ok: false,
      status: 400,
      kind: null,
      errors: [
        problem(
          "NOT_JSON",
          `Berkas ini bukan JSON yang sah (${detail}). Periksa tanda koma, tanda kutip dan kurung, atau ekspor ulang paketnya.`,
          `This file is not valid JSON (${detail}). Check commas, quotes and brackets, or export the package again.`,
        ),
      ],
    };
  }
  if (isOverlayDocument(json)) {
    const district = (json as { district?: unknown }).district;
    if (typeof district === "string") {
      const unit = await getOrgByCode(getDb(), district);
      if (unit && !mayImportOverlayFor(access, unit)) {
        return {
          ok: false,
          status: 403,
          kind: "overlay",
          errors: [
            problem(
              "DISTRICT_OUT_OF_SCOPE",
              `Adaptasi ini untuk kabupaten/kota ${unit.name} (${unit.code}), di luar wilayah Anda. Anda hanya dapat mengimpor adaptasi untuk kabupaten/kota Anda sendiri.`,
              `This overlay is for ${unit.name} (${unit.code}), outside your area. You can only import overlays for your own district.`,
              "/district",
            ),
          ],
        };
      }
    }
    const result: ImportResult = await importOverlay(json, actor);
    if (!result.ok) return { ok: false, status: 400, kind: "overlay", errors: await locateOverlayFormulaErrors(toReport(result.errors, json), json) };
    const doc = json as DistrictOverlay;
    return {
      ok: true,
      kind: "overlay",
      key: result.key,
      version: result.version,
      created: result.created,
      baseVersion: doc.baseVersion,
      district: doc.district,
    };
  }
  if (!mayImportPackage(access)) {
    return {
      ok: false,
      status: 403,
      kind: "package",
      errors: [
        problem(
          "PACKAGE_NATIONAL_ONLY",
          "Paket templat nasional hanya dapat diimpor oleh admin nasional. Sebagai admin Dinkes, impor adaptasi (overlay) untuk kabupaten/kota Anda.",
          "National template packages can only be imported by the national admin. As a district admin, import an overlay for your district.",
        ),
      ],
    };
  }
  const blocked = await uploadBlockedByDesigner(json);
  if (blocked) return { ok: false, status: blocked.status, kind: "package", errors: blocked.errors };
  const result = await importPackage(json, actor);
  if (!result.ok) return { ok: false, status: 400, kind: "package", errors: toReport(result.errors, json) };
  return { ok: true, kind: "package", key: result.key, version: result.version, created: result.created, baseVersion: null, district: null };
}
