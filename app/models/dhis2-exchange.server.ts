/**
 * DHIS2 exchange (docs/dhis2.md, docs/decisions/048-dhis2-exchange.md): a period's counted
 * reports of a package in a unit's subtree, and the mapped indicators' values there, as DHIS2
 * dataValueSets JSON or ISO/IHE ADX XML; and dataValueSets JSON imported into reports through the
 * web form's validation (prepareSubmission), deadlines and locks (assertEditable, storeSubmissions)
 * and audit rows, all or nothing. Every function takes who asks as an `ExchangePrincipal` (the
 * areas it may touch, from the policy) and returns plain objects and strings, so a page, the CLI
 * and an API route call the same code.
 */
import { fieldsOf, parsePeriod, type Field, type Form } from "@engine/server";
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { DbOrTrx } from "~/auth/audit.server";
import { MAX_DHIS2_IMPORT_BYTES } from "~/utils/limits";
import { exportScope, importScope } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { OrgLevel, OrgUnit } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { both, render, type LocalizedText, type MessageParams } from "~/i18n/message";
import { clock } from "~/utils/clock.server";
import { loadMapping, mappingProblems, type Dhis2Mapping } from "./dhis2-mapping.server";
import { assertEditable, EntryRefusal } from "./entry.server";
import { LockCache } from "./locks.server";
import { buildScorecard, ROW_LEVELS } from "./scorecard.server";
import { effectivePackage } from "./templates.server";
import {
  COUNTED,
  parseCell,
  prepareSubmission,
  storeSubmissions,
  SubmissionContext,
  SubmissionLockedError,
  yearlyValues,
  type PreparedSubmission,
} from "./submissions.server";

/** Largest dataValueSets body an import reads (bytes), and most values in one. */
export { MAX_DHIS2_IMPORT_BYTES };
export const MAX_DHIS2_VALUES = 100_000;
/** Conflicts listed in an import summary; the counts stay exact. */
export const MAX_CONFLICTS = 1_000;
export const ADX_NAMESPACE = "urn:ihe:qrph:adx:2015";
export const AUDIT_IMPORT_ACTION = "submission.dhis2_import";

/** Who asks: the areas (org-unit paths) they may export or import; null = the whole country (the CLI without --as). */
export interface ExchangePrincipal {
  userId: number | null;
  scopePaths: readonly string[] | null;
}

/** A refusal of a whole request (unknown package or unit, out of scope, mapping problems), with its HTTP status. */
export class ExchangeError extends Error {
  constructor(
    readonly text: LocalizedText,
    readonly status: number,
    readonly details: LocalizedText[] = [],
  ) {
    super(text.id);
  }
}

const fail = (status: number, key: MessageKey, params?: MessageParams, details?: LocalizedText[]) => new ExchangeError(both(key, params), status, details);

export function exportPrincipal(user: SessionUser): ExchangePrincipal {
  return { userId: user.id, scopePaths: exportScope(user).map((g) => g.orgPath) };
}

export function importPrincipal(user: Pick<SessionUser, "id" | "grants">): ExchangePrincipal {
  return { userId: user.id, scopePaths: importScope(user).map((g) => g.orgPath) };
}

const inScope = (p: ExchangePrincipal, unit: Pick<OrgUnit, "path">) => p.scopePaths === null || p.scopePaths.some((s) => unit.path.startsWith(s));

// ---------------------------------------------------------------------------------------------
// Periods: Pantau 2025-01, 2025-Q1, 2025 ↔ DHIS2 202501, 2025Q1, 2025 ↔ ADX 2025-01-01/P1M

export function toDhis2Period(period: string): string {
  const p = parsePeriod(period);
  if (p.type === "month") return `${p.year}${String(p.month).padStart(2, "0")}`;
  if (p.type === "quarter") return `${p.year}Q${p.quarter}`;
  return String(p.year);
}

/** A DHIS2 period (or a Pantau one) as Pantau's; null for what Pantau has no period type for (weeks, days …). */
export function fromDhis2Period(text: string): string | null {
  const t = text.trim();
  let m = /^(\d{4})(\d{2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return `${m[1]}-${m[2]}`;
  m = /^(\d{4})Q([1-4])$/.exec(t);
  if (m) return `${m[1]}-Q${m[2]}`;
  if (/^\d{4}$/.test(t)) return t;
  try {
    parsePeriod(t);
    return t;
  } catch {
    return null;
  }
}

/** An ADX period (2025-01-01/P1M, 2025-04-01/P3M, 2025-01-01/P1Y) as Pantau's; null for any other (weeks, days, periods not starting on a month's, quarter's or year's first day). */
export function fromAdxPeriod(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-01\/(P1M|P3M|P1Y)$/.exec(text.trim());
  if (!m) return null;
  const month = Number(m[2]);
  if (m[3] === "P1M") return month >= 1 && month <= 12 ? `${m[1]}-${m[2]}` : null;
  if (m[3] === "P3M") return [1, 4, 7, 10].includes(month) ? `${m[1]}-Q${(month - 1) / 3 + 1}` : null;
  return month === 1 ? m[1] : null;
}

export function toAdxPeriod(period: string): string {
  const p = parsePeriod(period);
  if (p.type === "month") return `${p.year}-${String(p.month).padStart(2, "0")}-01/P1M`;
  if (p.type === "quarter") return `${p.year}-${String((p.quarter - 1) * 3 + 1).padStart(2, "0")}-01/P3M`;
  return `${p.year}-01-01/P1Y`;
}

// ---------------------------------------------------------------------------------------------
// Export

export interface ExportValue {
  dataElement: string;
  period: string;
  orgUnit: string;
  categoryOptionCombo?: string;
  attributeOptionCombo?: string;
  value: string;
  lastUpdated?: string;
}

export interface ExportResult {
  packageKey: string;
  /** Pantau's period and DHIS2's. */
  period: string;
  dhis2Period: string;
  unitCode: string;
  dataSet: string | null;
  values: ExportValue[];
  /** Field values (numbers and yes/no only in ADX) and indicator values written. */
  counts: { fieldValues: number; indicatorValues: number; reports: number; unmappedUnits: number };
}

export interface ExportRequest {
  packageKey: string;
  /** Pantau's form (2025-01, 2025-Q1, 2025) or DHIS2's (202501, 2025Q1, 2025). */
  period: string;
  /** The subtree's root; default the principal's one area (or the whole country for null scopes). */
  unitCode?: string | null;
}

async function exportRoot(db: DbOrTrx, principal: ExchangePrincipal, unitCode: string | null | undefined): Promise<OrgUnit> {
  const code = unitCode?.trim().slice(0, 64);
  if (!code) {
    if (principal.scopePaths === null) {
      const root = await db.selectFrom("org_unit").selectAll().where("level", "=", "national").executeTakeFirst();
      if (root) return root;
      throw fail(404, "exchange.unit.none");
    }
    if (principal.scopePaths.length !== 1) throw fail(400, "exchange.unit.choose");
    const root = await db.selectFrom("org_unit").selectAll().where("path", "=", principal.scopePaths[0]).executeTakeFirst();
    if (!root) throw fail(404, "exchange.unit.none");
    return root;
  }
  const unit = await db.selectFrom("org_unit").selectAll().where("code", "=", code).executeTakeFirst();
  // The same answer whether the unit exists or not, for one outside the caller's area.
  if (!unit || !inScope(principal, unit))
    throw fail(unit || principal.scopePaths ? 403 : 404, unit || principal.scopePaths ? "exchange.unit.outOfScope" : "exchange.unit.unknown", { code });
  return unit;
}

/** A field value as DHIS2 text; undefined for nothing to send. */
function valueText(field: Field, v: unknown): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return v.length ? v.join(";") : undefined;
  return field.type === "text" || field.type === "choice" || field.type === "date" ? String(v) : undefined;
}

const round6 = (v: number) => String(Number(v.toFixed(6)));

/**
 * The values to export: every counted (submitted or approved) report of the package for the
 * period in the unit's subtree, each mapped field of a mapped unit; then each mapped indicator's
 * scorecard value at each mapped unit of the subtree (the scorecard's own rows: province to
 * Posyandu). Refused before anything is read when the mapping points at nothing.
 */
export async function collectExport(principal: ExchangePrincipal, req: ExportRequest, db: DbOrTrx = getDb()): Promise<ExportResult> {
  const period = fromDhis2Period(req.period);
  if (!period) throw fail(400, "exchange.period.invalid", { period: req.period.slice(0, 20) });
  const mapping = await loadMapping(db, req.packageKey);
  if (mapping.fields.length + mapping.indicators.length === 0 || mapping.units.length === 0) {
    throw fail(409, "exchange.mapping.empty", { package: req.packageKey });
  }
  const problems = await mappingProblems(db, mapping);
  if (problems.length) throw fail(409, "exchange.mapping.broken", { count: problems.length }, problems);
  const root = await exportRoot(db, principal, req.unitCode);
  const unitIds = new Map(mapping.units.map((u) => [u.code, u.orgUnit] as const));
  const aoc = mapping.dataSet?.attributeOptionCombo || undefined;
  const dhis2Period = toDhis2Period(period);
  const values: ExportValue[] = [];
  const counts = { fieldValues: 0, indicatorValues: 0, reports: 0, unmappedUnits: 0 };

  const fieldsByForm = new Map<string, Dhis2Mapping["fields"]>();
  for (const f of mapping.fields) fieldsByForm.set(f.form, [...(fieldsByForm.get(f.form) ?? []), f]);
  const fieldDefs = new Map<string, Field>();
  const base = await effectivePackage(req.packageKey, null, db);
  for (const form of base?.package.forms ?? []) for (const f of fieldsOf(form)) fieldDefs.set(`${form.key}|${f.key}`, f);
  if (fieldsByForm.size) {
    const reports = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["s.form_key", "s.data", "s.updated_at", "o.code"])
      .where("s.package_key", "=", req.packageKey)
      .where("s.period", "=", period)
      .where("s.status", "in", [...COUNTED])
      .where("s.form_key", "in", [...fieldsByForm.keys()])
      .where("o.path", "like", `${root.path}%`)
      .orderBy("o.code")
      .orderBy("s.form_key")
      .execute();
    const unmapped = new Set<string>();
    for (const r of reports) {
      const orgUnit = unitIds.get(r.code);
      if (!orgUnit) {
        unmapped.add(r.code);
        continue;
      }
      counts.reports++;
      const data = JSON.parse(r.data) as Record<string, unknown>;
      for (const f of fieldsByForm.get(r.form_key) ?? []) {
        const def = fieldDefs.get(`${f.form}|${f.field}`);
        const text = def ? valueText(def, data[f.field]) : undefined;
        if (text === undefined) continue;
        values.push({
          dataElement: f.dataElement,
          period: dhis2Period,
          orgUnit,
          ...(f.coc ? { categoryOptionCombo: f.coc } : {}),
          ...(aoc ? { attributeOptionCombo: aoc } : {}),
          value: text,
          lastUpdated: r.updated_at,
        });
        counts.fieldValues++;
      }
    }
    counts.unmappedUnits = unmapped.size;
  }

  if (mapping.indicators.length) {
    const mappedUnits = await db
      .selectFrom("org_unit")
      .select(["code", "level"])
      .where(
        "code",
        "in",
        mapping.units.map((u) => u.code),
      )
      .where("path", "like", `${root.path}%`)
      .execute();
    const levels = [...new Set(mappedUnits.map((u) => u.level))].filter((l): l is OrgLevel => ROW_LEVELS.includes(l));
    for (const level of levels) {
      const result = await buildScorecard(
        { packageKey: req.packageKey, period, level, scopePaths: [root.path], indicators: mapping.indicators.map((i) => i.indicator), trend: false },
        db,
      );
      const byKey = new Map(mapping.indicators.map((i) => [i.indicator, i] as const));
      for (const row of result.scorecard.rows) {
        const orgUnit = unitIds.get(row.code);
        if (!orgUnit) continue;
        for (const cell of row.cells) {
          const m = byKey.get(cell.indicator);
          if (!m || cell.value === null) continue;
          values.push({
            dataElement: m.dataElement,
            period: dhis2Period,
            orgUnit,
            ...(m.coc ? { categoryOptionCombo: m.coc } : {}),
            ...(aoc ? { attributeOptionCombo: aoc } : {}),
            value: round6(cell.value),
          });
          counts.indicatorValues++;
        }
      }
    }
  }
  return { packageKey: req.packageKey, period, dhis2Period, unitCode: root.code, dataSet: mapping.dataSet?.id ?? null, values, counts };
}

/** dataValueSets JSON (DHIS2's /api/dataValueSets body), as an object. */
export async function exportDataValueSets(principal: ExchangePrincipal, req: ExportRequest, db: DbOrTrx = getDb()) {
  const result = await collectExport(principal, req, db);
  return {
    result,
    json: {
      ...(result.dataSet ? { dataSet: result.dataSet } : {}),
      dataValues: result.values,
    },
  };
}

/**
 * ADX XML (IHE QRPH ADX, urn:ihe:qrph:adx:2015): one `group` per org unit and period, carrying
 * the data set; each value a `dataValue` with its data element and, when mapped, its category
 * option combo as an extra attribute (the loose ADX schema allows them). ADX values are decimals:
 * yes/no as 1/0, text and choices left out (counted in `skippedText`).
 */
export async function exportAdx(principal: ExchangePrincipal, req: ExportRequest, db: DbOrTrx = getDb()) {
  const result = await collectExport(principal, req, db);
  const adxPeriod = toAdxPeriod(result.period);
  const groups = new Map<string, ExportValue[]>();
  let skippedText = 0;
  for (const v of result.values) {
    const value = v.value === "true" ? "1" : v.value === "false" ? "0" : v.value;
    if (!/^-?\d+(\.\d+)?$/.test(value)) {
      skippedText++;
      continue;
    }
    const list = groups.get(v.orgUnit) ?? [];
    list.push({ ...v, value });
    groups.set(v.orgUnit, list);
  }
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    adx: {
      "@_xmlns": ADX_NAMESPACE,
      "@_exported": clock.iso(),
      group: [...groups.entries()].map(([orgUnit, list]) => ({
        "@_orgUnit": orgUnit,
        "@_period": adxPeriod,
        ...(result.dataSet ? { "@_dataSet": result.dataSet } : {}),
        ...(list[0].attributeOptionCombo ? { "@_attributeOptionCombo": list[0].attributeOptionCombo } : {}),
        dataValue: list.map((v) => ({
          "@_dataElement": v.dataElement,
          ...(v.categoryOptionCombo ? { "@_categoryOptionCombo": v.categoryOptionCombo } : {}),
          "@_value": v.value,
        })),
      })),
    },
  };
  const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true }).build(doc) as string;
  return { result, xml, groups: groups.size, skippedText };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface ImportConflict {
  /** The DHIS2 identifier or Pantau report the conflict is about. */
  object: string;
  /** Index of the value in dataValues (0-based); null for a conflict of a whole report. */
  index: number | null;
  text: LocalizedText;
  /** Where the value is in the body (JSON pointer: /dataValues/3, or /group/0/dataValue/3 in ADX). */
  pointer?: string;
  /** The value's org unit lies outside the principal's area (an API answers 403). */
  outOfScope?: true;
}

/** DHIS2's import summary, in Pantau's words: counts of values, conflicts, and how many reports were stored. */
export interface ImportSummary {
  status: "SUCCESS" | "ERROR";
  /** The HTTP status an API route answers with. */
  httpStatus: number;
  packageKey: string | null;
  importCount: { imported: number; updated: number; ignored: number; deleted: 0 };
  conflicts: ImportConflict[];
  /** Conflicts in all (the list holds at most MAX_CONFLICTS). */
  conflictCount: number;
  /** Reports stored (new or as a new revision). */
  reports: number;
  text: LocalizedText;
}

interface Group {
  unit: OrgUnit;
  form: string;
  period: string;
  values: Map<string, { raw: string; index: number }>;
}

type RawValue = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v.trim() : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

/**
 * Imports a dataValueSets JSON body into reports, all or nothing: each value's data element (with
 * its category option combo), org unit and period must be mapped, known and in the principal's
 * area; a unit's values of one form and period make one report, merged over the stored report's
 * answers and checked as the web form checks a submission (types, bounds, required, rules), not
 * past its deadline nor approved. Any conflict stores nothing (status ERROR); otherwise every
 * report is stored, submitted, in one transaction, each with its history and audit row. Values of
 * mapped indicators are ignored (Pantau computes them), as are values equal to the stored ones.
 */
export async function importDataValueSets(
  principal: ExchangePrincipal,
  input: {
    body: string | Uint8Array;
    packageKey?: string | null;
    ip?: string | null;
    /** The API token importing (named on each audit row). */ apiTokenId?: number;
  },
  now = clock.now(),
): Promise<ImportSummary> {
  const size = typeof input.body === "string" ? Buffer.byteLength(input.body) : input.body.byteLength;
  if (size > MAX_DHIS2_IMPORT_BYTES) return refusedWhole(413, 0, "exchange.import.tooLarge", { max: MAX_DHIS2_IMPORT_BYTES / 1024 / 1024 });
  let doc: unknown;
  try {
    doc = JSON.parse(typeof input.body === "string" ? input.body : Buffer.from(input.body).toString("utf8"));
  } catch {
    return refusedWhole(400, 0, "exchange.import.notJson");
  }
  const root = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as RawValue) : null;
  const list = root?.dataValues;
  if (!root || !Array.isArray(list)) return refusedWhole(400, 0, "exchange.import.shape");
  if (list.length > MAX_DHIS2_VALUES) return refusedWhole(413, list.length, "exchange.import.tooMany", { count: list.length, max: MAX_DHIS2_VALUES });
  return importValueList(principal, { root, list: list as unknown[], pointerOf: (i) => `/dataValues/${i}` }, input, now);
}

/** Attributes of an ADX `dataValue` the import reads; any other (an ADX disaggregation by category code) is refused: the mapping knows category option combos only. */
const ADX_VALUE_ATTRIBUTES = new Set(["dataElement", "value", "categoryOptionCombo"]);
/** Nesting an ADX body needs: adx > group > dataValue > annotation, with room to spare. */
const ADX_MAX_DEPTH = 8;

/**
 * Imports an ADX XML body (IHE QRPH ADX, urn:ihe:qrph:adx:2015) as exportAdx writes it: each
 * group's orgUnit, period (2025-01-01/P1M, /P3M, /P1Y), dataSet and attributeOptionCombo, each
 * dataValue's dataElement, categoryOptionCombo and value. The body is bounded as the JSON import's
 * (MAX_DHIS2_IMPORT_BYTES, MAX_DHIS2_VALUES); a DOCTYPE (and so any entity declaration) is refused
 * before parsing, entities are never expanded and nesting is capped. The values then go through
 * the very path of importDataValueSets: same checks, all or nothing, same summary and audit.
 */
export async function importAdx(
  principal: ExchangePrincipal,
  input: { body: string | Uint8Array; packageKey?: string | null; ip?: string | null; apiTokenId?: number },
  now = clock.now(),
): Promise<ImportSummary> {
  const size = typeof input.body === "string" ? Buffer.byteLength(input.body) : input.body.byteLength;
  if (size > MAX_DHIS2_IMPORT_BYTES) return refusedWhole(413, 0, "exchange.import.adxTooLarge", { max: MAX_DHIS2_IMPORT_BYTES / 1024 / 1024 });
  const text = typeof input.body === "string" ? input.body : Buffer.from(input.body).toString("utf8");
  // A DTD is where entities (billion laughs, external files) are declared: ADX never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return refusedWhole(400, 0, "exchange.import.adxDoctype");
  const valid = XMLValidator.validate(text);
  if (valid !== true) return refusedWhole(400, 0, "exchange.import.notXml", { line: valid.err.line, reason: valid.err.msg.slice(0, 200) });
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      removeNSPrefix: true,
      processEntities: false,
      htmlEntities: false,
      parseAttributeValue: false,
      parseTagValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: ADX_MAX_DEPTH,
      isArray: (name) => name === "group" || name === "dataValue",
    }).parse(text) as Record<string, unknown>;
  } catch (err) {
    return refusedWhole(400, 0, "exchange.import.notXml", { line: "-", reason: (err as Error).message.slice(0, 200) });
  }
  const adx = doc.adx;
  if (!adx || typeof adx !== "object" || Array.isArray(adx)) return refusedWhole(400, 0, "exchange.import.adxShape");
  const groups = ((adx as RawValue).group ?? []) as unknown[];
  const list: RawValue[] = [];
  const pointers: string[] = [];
  const disaggregations = new Map<number, string>();
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] && typeof groups[g] === "object" ? (groups[g] as RawValue) : {};
    const values = Array.isArray(group.dataValue) ? (group.dataValue as unknown[]) : [];
    if (list.length + values.length > MAX_DHIS2_VALUES) {
      const total = groups.reduce<number>(
        (n, x) => n + (x && typeof x === "object" && Array.isArray((x as RawValue).dataValue) ? ((x as RawValue).dataValue as unknown[]).length : 0),
        0,
      );
      return refusedWhole(413, total, "exchange.import.tooMany", { count: total, max: MAX_DHIS2_VALUES });
    }
    const period = str(group.period) ?? "";
    for (let k = 0; k < values.length; k++) {
      const v = values[k] && typeof values[k] === "object" ? (values[k] as RawValue) : {};
      const extra = Object.keys(v).filter((a) => !ADX_VALUE_ATTRIBUTES.has(a) && a !== "annotation" && a !== "#text");
      list.push({
        dataElement: v.dataElement,
        categoryOptionCombo: v.categoryOptionCombo,
        orgUnit: group.orgUnit,
        // Pantau's period, or the ADX text as sent (refused below as unreadable).
        period: fromAdxPeriod(period) ?? (period ? `ADX ${period}` : undefined),
        attributeOptionCombo: group.attributeOptionCombo,
        value: v.value,
      });
      if (extra.length) disaggregations.set(list.length - 1, extra.join(", ").slice(0, 200));
      pointers.push(`/group/${g}/dataValue/${k}`);
    }
  }
  const first = groups.find((x): x is RawValue => !!x && typeof x === "object" && typeof (x as RawValue).dataSet === "string");
  return importValueList(principal, { root: { dataSet: first?.dataSet }, list, pointerOf: (i) => pointers[i] ?? "", disaggregations }, input, now);
}

/** A refusal of a whole body before any value is read (too large, not parseable, wrong shape). */
function refusedWhole(httpStatus: number, total: number, key: MessageKey, params?: MessageParams): ImportSummary {
  return {
    status: "ERROR",
    httpStatus,
    packageKey: null,
    importCount: { imported: 0, updated: 0, ignored: total, deleted: 0 },
    conflicts: [],
    conflictCount: 0,
    reports: 0,
    text: both(key, params),
  };
}

/**
 * The import itself, shared by dataValueSets JSON and ADX: `list` holds DHIS2 data values (each
 * with dataElement, categoryOptionCombo, orgUnit, period, attributeOptionCombo, value; `root`
 * gives the envelope's defaults and dataSet); `pointerOf` names a value's place in the body.
 */
async function importValueList(
  principal: ExchangePrincipal,
  {
    root,
    list,
    pointerOf,
    disaggregations,
  }: {
    root: RawValue;
    list: unknown[];
    pointerOf: (index: number) => string;
    /** ADX values with disaggregation attributes the mapping cannot read, by index. */
    disaggregations?: ReadonlyMap<number, string>;
  },
  input: { packageKey?: string | null; ip?: string | null; apiTokenId?: number },
  now: Date,
): Promise<ImportSummary> {
  const db = getDb();
  const conflicts: ImportConflict[] = [];
  let conflictCount = 0;
  const conflict = (object: string, index: number | null, key: MessageKey, params?: MessageParams) => {
    conflictCount++;
    if (conflicts.length < MAX_CONFLICTS) conflicts.push({ object, index, ...(index === null ? {} : { pointer: pointerOf(index) }), text: both(key, params) });
  };
  const refused = (httpStatus: number, packageKey: string | null, total: number, key: MessageKey, params?: MessageParams): ImportSummary => ({
    ...refusedWhole(httpStatus, total, key, params),
    packageKey,
    conflicts,
    conflictCount,
  });

  // The package: named, or the one whose mapping has the body's data set, or the only mapped one.
  let packageKey = input.packageKey?.trim() || null;
  if (!packageKey) {
    const mapped = await db.selectFrom("dhis2_mapping").select(["package_key", "kind", "dhis2_id"]).where("kind", "=", "dataset").execute();
    const all = await db.selectFrom("dhis2_mapping").select("package_key").distinct().execute();
    const ds = str(root.dataSet);
    packageKey = (ds ? mapped.find((m) => m.dhis2_id === ds)?.package_key : undefined) ?? (all.length === 1 ? all[0].package_key : null);
    if (!packageKey) return refused(400, null, list.length, "exchange.import.whichPackage");
  }
  const mapping = await loadMapping(db, packageKey);
  if (mapping.units.length === 0 || mapping.fields.length === 0)
    return refused(409, packageKey, list.length, "exchange.mapping.empty", { package: packageKey });
  const broken = await mappingProblems(db, mapping);
  if (broken.length) {
    for (const b of broken) {
      conflictCount++;
      conflicts.push({ object: packageKey, index: null, text: b });
    }
    return refused(409, packageKey, list.length, "exchange.mapping.broken", { count: broken.length });
  }
  const byElement = new Map<string, Dhis2Mapping["fields"]>();
  for (const f of mapping.fields) byElement.set(f.dataElement, [...(byElement.get(f.dataElement) ?? []), f]);
  const indicatorElements = new Set(mapping.indicators.map((i) => `${i.dataElement}|${i.coc}`));
  const indicatorOnly = new Set(mapping.indicators.map((i) => i.dataElement));
  const unitOf = new Map(mapping.units.map((u) => [u.orgUnit, u.code] as const));
  const ctx = new SubmissionContext(packageKey);
  await ctx.preloadUnits(mapping.units.map((u) => u.code));
  const aoc = mapping.dataSet?.attributeOptionCombo ?? "";

  const groups = new Map<string, Group>();
  let ignored = 0;
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      conflict(`#${i}`, i, "exchange.import.valueShape");
      continue;
    }
    const v = raw as RawValue;
    const de = str(v.dataElement) ?? "";
    const coc = str(v.categoryOptionCombo) ?? "";
    const ou = str(v.orgUnit ?? root.orgUnit) ?? "";
    const pe = str(v.period ?? root.period) ?? "";
    const valueAoc = str(v.attributeOptionCombo ?? root.attributeOptionCombo) ?? "";
    const value = str(v.value);
    if (!de || !ou || !pe || value === undefined) {
      conflict(de || `#${i}`, i, "exchange.import.valueShape");
      continue;
    }
    const disaggregation = disaggregations?.get(i);
    if (disaggregation) {
      conflict(de, i, "exchange.import.adxDisaggregation", { attributes: disaggregation });
      continue;
    }
    if (indicatorElements.has(`${de}|${coc}`) || (!coc && indicatorOnly.has(de) && !byElement.has(de))) {
      ignored++;
      continue;
    }
    const candidates = byElement.get(de) ?? [];
    const field = candidates.find((f) => f.coc === coc) ?? (!coc && candidates.length === 1 ? candidates[0] : undefined);
    if (!field) {
      conflict(de, i, candidates.length ? "exchange.import.unknownCoc" : "exchange.import.unknownElement", { dataElement: de, coc: coc || "default" });
      continue;
    }
    if (valueAoc && aoc && valueAoc !== aoc) {
      conflict(valueAoc, i, "exchange.import.unknownAoc", { aoc: valueAoc });
      continue;
    }
    const code = unitOf.get(ou);
    const unit = code ? await ctx.unit(code) : null;
    if (!unit) {
      conflict(ou, i, "exchange.import.unknownOrgUnit", { orgUnit: ou });
      continue;
    }
    if (!inScope(principal, unit)) {
      conflict(ou, i, "exchange.import.outOfScope", { orgUnit: ou, code: unit.code });
      if (conflicts.length > 0 && conflicts[conflicts.length - 1].index === i) conflicts[conflicts.length - 1].outOfScope = true;
      continue;
    }
    const period = fromDhis2Period(pe);
    if (!period) {
      conflict(pe, i, "exchange.import.period", { period: pe.slice(0, 20) });
      continue;
    }
    const key = `${unit.id}|${field.form}|${period}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { unit, form: field.form, period, values: new Map() }));
    const earlier = group.values.get(field.field);
    if (earlier && earlier.raw !== value) {
      conflict(de, i, "exchange.import.twice", { dataElement: de, first: earlier.index });
      continue;
    }
    group.values.set(field.field, { raw: value, index: i });
  }

  // Each report: parsed per field, merged over the stored answers, validated as the web form does.
  const prepared: PreparedSubmission[] = [];
  let imported = 0;
  let updated = 0;
  const lockCache = new LockCache();
  // Yearly reports first: a month's rules read its year's sasaran, as imported in this same set.
  const yearlyOf = new Map<string, Record<string, unknown>>();
  const ordered = [...groups.values()].sort((a, b) => Number(/^\d{4}$/.test(b.period)) - Number(/^\d{4}$/.test(a.period)));
  for (const group of ordered) {
    const label = `${group.unit.code} ${group.form} ${group.period}`;
    const effective = await ctx.packageFor(group.unit);
    const form: Form | undefined = effective?.package.forms.find((f) => f.key === group.form);
    if (!form) {
      conflict(label, null, "exchange.import.formNotForUnit", { form: group.form, code: group.unit.code });
      continue;
    }
    const defs = new Map(fieldsOf(form).map((f) => [f.key, f] as const));
    const existing = await db
      .selectFrom("submission")
      .select(["data", "status"])
      .where("org_unit_id", "=", group.unit.id)
      .where("package_key", "=", packageKey)
      .where("form_key", "=", form.key)
      .where("period", "=", group.period)
      .executeTakeFirst();
    const stored = existing ? (JSON.parse(existing.data) as Record<string, unknown>) : {};
    const data: Record<string, unknown> = { ...stored };
    let changed = 0;
    let added = 0;
    let bad = false;
    for (const [fieldKey, { raw, index }] of group.values) {
      const def = defs.get(fieldKey);
      if (!def) {
        conflict(fieldKey, index, "exchange.import.fieldNotInForm", { field: fieldKey, form: form.key, code: group.unit.code });
        bad = true;
        continue;
      }
      const parsed = parseCell(def, raw);
      if ("error" in parsed) {
        conflictCount++;
        if (conflicts.length < MAX_CONFLICTS)
          conflicts.push({ object: fieldKey, index, pointer: pointerOf(index), text: { id: render("id", parsed.error), en: render("en", parsed.error) } });
        bad = true;
        continue;
      }
      const before = stored[fieldKey];
      if (JSON.stringify(before) === JSON.stringify(parsed.value)) ignored++;
      else if (before === undefined) added++;
      else changed++;
      data[fieldKey] = parsed.value;
    }
    if (bad) continue;
    // Nothing new for a report that already counts: no new revision.
    if (changed === 0 && added === 0 && existing && (existing.status === "submitted" || existing.status === "approved")) continue;
    if (existing?.status === "approved") {
      conflict(label, null, "exchange.import.approved", { report: label });
      continue;
    }
    try {
      await assertEditable(
        db,
        { unitId: group.unit.id, packageKey, formKey: form.key, period: group.period },
        { unit: group.unit, form, now, cache: lockCache },
      );
    } catch (err) {
      if (!(err instanceof EntryRefusal)) throw err;
      conflictCount++;
      if (conflicts.length < MAX_CONFLICTS)
        conflicts.push({ object: label, index: null, text: { id: render("id", err.reason), en: render("en", err.reason) } });
      continue;
    }
    const year = parsePeriod(group.period).year;
    const yearlyKey = `${group.unit.id}|${year}`;
    let yearly: Record<string, unknown> | undefined;
    if (form.periodType !== "year" && yearlyOf.has(yearlyKey)) {
      const yearlyForms = effective!.package.forms.filter((f) => f.periodType === "year").map((f) => f.key);
      yearly = { ...(await yearlyValues(db, group.unit.id, packageKey, yearlyForms, year)), ...yearlyOf.get(yearlyKey) };
    }
    const result = await prepareSubmission(ctx, { unitCode: group.unit.code, formKey: form.key, period: group.period, data, yearly, locale: "id" }, now);
    if (!result.ok) {
      for (const p of result.problems) {
        conflictCount++;
        if (conflicts.length < MAX_CONFLICTS) conflicts.push({ object: label, index: null, text: p.text });
      }
      continue;
    }
    imported += added;
    updated += changed;
    prepared.push(result.submission);
    if (form.periodType === "year") yearlyOf.set(yearlyKey, { ...yearlyOf.get(yearlyKey), ...result.submission.data });
  }
  if (conflictCount > 0) return refused(409, packageKey, list.length, "exchange.import.refused", { count: conflictCount });
  try {
    await db.transaction().execute((trx) =>
      storeSubmissions(trx, prepared, {
        status: "submitted",
        actorUserId: principal.userId,
        auditAction: AUDIT_IMPORT_ACTION,
        now,
        lockCache,
        ip: input.ip ?? null,
        apiTokenId: input.apiTokenId,
      }),
    );
  } catch (err) {
    if (!(err instanceof SubmissionLockedError)) throw err;
    conflictCount++;
    conflicts.push({ object: packageKey, index: null, text: { id: render("id", err.reason), en: render("en", err.reason) } });
    return refused(409, packageKey, list.length, "exchange.import.refused", { count: conflictCount });
  }
  return {
    status: "SUCCESS",
    httpStatus: 200,
    packageKey,
    importCount: { imported, updated, ignored, deleted: 0 },
    conflicts,
    conflictCount: 0,
    reports: prepared.length,
    text: both("exchange.import.done", { reports: prepared.length, imported, updated, ignored }),
  };
}
