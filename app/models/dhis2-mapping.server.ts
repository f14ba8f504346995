/**
 * The DHIS2 mapping of a package (docs/dhis2.md, docs/decisions/048-dhis2-exchange.md): which
 * DHIS2 data set, data elements with category option combos, and org units the package's fields,
 * indicators and units are exchanged as. One CSV per package (`kind,form,pantau,dhis2,
 * category_option_combo`), imported whole or not at all by the national admin: every bad row is
 * reported with its line, in both languages, and nothing is stored while any row is bad. A stored
 * mapping can come to point at nothing later (a new package version without the field, a unit
 * removed); `mappingProblems` says so, and exports refuse until it is fixed.
 */
import { fieldsOf, type TemplatePackage } from "@engine";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { DHIS2_MAPPING_ROLES, nationalAdminGrants } from "~/auth/policy.server";
import type { Grant } from "~/auth/session.server";
import { getDb, nowIso } from "~/db/db.server";
import type { Dhis2MappingKind } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { both, type LocalizedText, type MessageParams } from "~/i18n/message";
import { csvText } from "~/utils/spreadsheet.server";
import { parseRow, readCsv } from "./import-file.server";
import { getPublishedPackage } from "./templates.server";

/** DHIS2's UID: 11 characters, a letter then letters and digits (CodeGenerator in dhis2-core). */
export const DHIS2_UID = /^[A-Za-z][A-Za-z0-9]{10}$/;
/** An org unit as DHIS2 names it: its UID, or its code (then import into DHIS2 with orgUnitIdScheme=CODE). */
export const DHIS2_ORG_ID = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,49}$/;
export const MAPPING_HEADER = ["kind", "form", "pantau", "dhis2", "category_option_combo"] as const;
/** 1.5 MB: with the multipart overhead, within the 2 MB of a signed-in form body (app/utils/limits.ts). */
export const MAX_MAPPING_BYTES = 1.5 * 1024 * 1024;
export const MAX_MAPPING_ROWS = 20_000;
/** Problems listed per refused file; the count stays exact. */
export const MAX_LISTED_PROBLEMS = 500;
const KINDS: readonly Dhis2MappingKind[] = ["dataset", "field", "indicator", "org_unit"];

export interface MappingProblem {
  /** Line of the CSV (the header is line 1); 0 for the file as a whole. */
  line: number;
  text: LocalizedText;
}

export interface FieldMapping {
  form: string;
  field: string;
  dataElement: string;
  coc: string;
}
export interface IndicatorMapping {
  indicator: string;
  dataElement: string;
  coc: string;
}
export interface UnitMapping {
  code: string;
  orgUnit: string;
}

/** A package's mapping, as the exchange reads it. */
export interface Dhis2Mapping {
  packageKey: string;
  dataSet: { id: string; attributeOptionCombo: string } | null;
  fields: FieldMapping[];
  indicators: IndicatorMapping[];
  units: UnitMapping[];
}

const problem = (line: number, key: MessageKey, params?: MessageParams): MappingProblem => ({ line, text: both(key, params) });

/** The national admin's grants: they alone edit mappings (docs/dhis2.md). */
export function mappingEditGrants(user: { grants: readonly Grant[] }): Grant[] {
  return nationalAdminGrants(user as { grants: Grant[] }).filter((g) => DHIS2_MAPPING_ROLES.includes(g.role));
}

/** The stored mapping of a package (empty lists when none). */
export async function loadMapping(db: DbOrTrx, packageKey: string): Promise<Dhis2Mapping> {
  const rows = await db.selectFrom("dhis2_mapping").selectAll().where("package_key", "=", packageKey).orderBy("id").execute();
  const mapping: Dhis2Mapping = { packageKey, dataSet: null, fields: [], indicators: [], units: [] };
  for (const r of rows) {
    if (r.kind === "dataset") mapping.dataSet = { id: r.dhis2_id, attributeOptionCombo: r.dhis2_coc };
    else if (r.kind === "field") mapping.fields.push({ form: r.form_key, field: r.pantau_key, dataElement: r.dhis2_id, coc: r.dhis2_coc });
    else if (r.kind === "indicator") mapping.indicators.push({ indicator: r.pantau_key, dataElement: r.dhis2_id, coc: r.dhis2_coc });
    else mapping.units.push({ code: r.pantau_key, orgUnit: r.dhis2_id });
  }
  return mapping;
}

/** The mapping as its CSV (what `importMappingCsv` reads back). */
export async function mappingCsv(db: DbOrTrx, packageKey: string): Promise<string> {
  const m = await loadMapping(db, packageKey);
  const rows: string[][] = [[...MAPPING_HEADER]];
  if (m.dataSet) rows.push(["dataset", "", "", m.dataSet.id, m.dataSet.attributeOptionCombo]);
  for (const f of m.fields) rows.push(["field", f.form, f.field, f.dataElement, f.coc]);
  for (const i of m.indicators) rows.push(["indicator", "", i.indicator, i.dataElement, i.coc]);
  for (const u of m.units) rows.push(["org_unit", "", u.code, u.orgUnit, ""]);
  return csvText(rows);
}

interface CheckedRow {
  kind: Dhis2MappingKind;
  form: string;
  pantau: string;
  dhis2: string;
  coc: string;
}

/** Whether the package (its newest national version) has this form field; its indicators. */
function packageIndex(pkg: TemplatePackage) {
  const fields = new Map<string, Set<string>>();
  for (const form of pkg.forms) fields.set(form.key, new Set(fieldsOf(form).map((f) => f.key)));
  return { fields, indicators: new Set(pkg.indicators.map((i) => i.key)) };
}

/**
 * Checks a mapping CSV for a package: header, kinds, UIDs, that every row names a field,
 * indicator or unit that exists, and that no two rows map the same thing or the same DHIS2
 * element (an import would not know which to fill). Returns the rows or every problem.
 */
export async function checkMappingCsv(
  db: DbOrTrx,
  packageKey: string,
  bytes: Uint8Array,
): Promise<{ ok: true; rows: CheckedRow[] } | { ok: false; status: number; problems: MappingProblem[] }> {
  const refuse = (status: number, problems: MappingProblem[]) => ({ ok: false as const, status, problems });
  if (bytes.byteLength > MAX_MAPPING_BYTES) {
    return refuse(413, [problem(0, "exchange.mapping.tooLarge", { max: MAX_MAPPING_BYTES / 1024 / 1024 })]);
  }
  const stored = await getPublishedPackage(packageKey, undefined, db);
  if (!stored) return refuse(404, [problem(0, "exchange.package.unknown", { package: packageKey })]);
  let seenHeader = "";
  const read = await readCsv(bytes, {
    checkHeader: async (header) => {
      seenHeader = header.join(",").slice(0, 200);
      return header.length >= MAPPING_HEADER.length && MAPPING_HEADER.every((c, i) => header[i]?.trim().toLowerCase() === c) ? null : "header";
    },
  });
  if (!read.ok) {
    return refuse(400, [
      read.wrongForm
        ? problem(1, "exchange.mapping.header", { header: seenHeader, expected: MAPPING_HEADER.join(",") })
        : { line: 0, text: { id: read.message, en: read.message } },
    ]);
  }
  const lines = read.file.rows.map(parseRow);
  if (lines.length === 0) return refuse(400, [problem(0, "exchange.mapping.noRows")]);
  if (lines.length > MAX_MAPPING_ROWS) return refuse(413, [problem(0, "exchange.mapping.tooManyRows", { count: lines.length, max: MAX_MAPPING_ROWS })]);
  const index = packageIndex(stored.document);
  const codes = [...new Set(lines.filter((l) => l.cells[0]?.trim() === "org_unit").map((l) => (l.cells[2] ?? "").trim()))];
  const known = new Set<string>();
  for (let i = 0; i < codes.length; i += 500) {
    const found = await db
      .selectFrom("org_unit")
      .select("code")
      .where("code", "in", codes.slice(i, i + 500))
      .execute();
    for (const f of found) known.add(f.code);
  }
  const problems: MappingProblem[] = [];
  const rows: CheckedRow[] = [];
  const seenKey = new Map<string, number>();
  const seenTarget = new Map<string, number>();
  let dataSetLine = 0;
  for (const { row: line, cells } of lines) {
    const [kindRaw = "", formRaw = "", pantauRaw = "", dhis2Raw = "", cocRaw = ""] = cells;
    const kind = kindRaw.trim().toLowerCase();
    const form = formRaw.trim();
    const pantau = pantauRaw.trim();
    const dhis2 = dhis2Raw.trim();
    const coc = cocRaw.trim();
    if (!KINDS.includes(kind as Dhis2MappingKind)) {
      problems.push(problem(line, "exchange.mapping.kind", { kind: kindRaw.slice(0, 40) }));
      continue;
    }
    const before = problems.length;
    const uid = (value: string, column: string) => {
      if (!DHIS2_UID.test(value)) problems.push(problem(line, "exchange.mapping.uid", { value: value.slice(0, 40), column }));
    };
    if (kind === "dataset") {
      if (dataSetLine) problems.push(problem(line, "exchange.mapping.datasetTwice", { first: dataSetLine }));
      dataSetLine ||= line;
      uid(dhis2, "dhis2");
      if (coc) uid(coc, "category_option_combo");
    } else if (kind === "field") {
      const fields = index.fields.get(form);
      if (!fields) problems.push(problem(line, "exchange.mapping.unknownForm", { form: form.slice(0, 64), package: packageKey }));
      else if (!fields.has(pantau)) problems.push(problem(line, "exchange.mapping.unknownField", { field: pantau.slice(0, 64), form }));
      uid(dhis2, "dhis2");
      if (coc) uid(coc, "category_option_combo");
    } else if (kind === "indicator") {
      if (!index.indicators.has(pantau))
        problems.push(problem(line, "exchange.mapping.unknownIndicator", { indicator: pantau.slice(0, 64), package: packageKey }));
      uid(dhis2, "dhis2");
      if (coc) uid(coc, "category_option_combo");
    } else {
      if (!known.has(pantau)) problems.push(problem(line, "exchange.mapping.unknownUnit", { code: pantau.slice(0, 64) }));
      if (!DHIS2_ORG_ID.test(dhis2)) problems.push(problem(line, "exchange.mapping.orgUnitId", { value: dhis2.slice(0, 60) }));
      if (coc) problems.push(problem(line, "exchange.mapping.unitCoc"));
    }
    if (problems.length > before) continue;
    const key = `${kind}|${kind === "field" ? form : ""}|${pantau}`;
    const target = kind === "org_unit" ? `ou|${dhis2}` : kind === "dataset" ? null : `de|${dhis2}|${coc}`;
    const firstKey = seenKey.get(key);
    const firstTarget = target ? seenTarget.get(target) : undefined;
    if (firstKey) problems.push(problem(line, "exchange.mapping.duplicate", { first: firstKey }));
    else if (firstTarget) problems.push(problem(line, "exchange.mapping.duplicateTarget", { first: firstTarget, dhis2, coc: coc || "default" }));
    if (problems.length > before) continue;
    seenKey.set(key, line);
    if (target) seenTarget.set(target, line);
    rows.push({ kind: kind as Dhis2MappingKind, form: kind === "field" ? form : "", pantau: kind === "dataset" ? "" : pantau, dhis2, coc });
  }
  return problems.length ? refuse(400, problems) : { ok: true, rows };
}

export type MappingImportOutcome =
  { ok: true; counts: Record<Dhis2MappingKind, number> } | { ok: false; status: number; problems: MappingProblem[]; total: number };

/**
 * Replaces a package's mapping with a CSV's rows, in one transaction with its audit row, when no
 * row is bad; otherwise stores nothing and lists the problems (at most MAX_LISTED_PROBLEMS, `total`
 * exact). `actor` must be a national admin; the CLI passes `{ id: null, grants: null }` (whoever
 * runs it has the database anyway).
 */
export async function importMappingCsv(input: {
  actor: { id: number | null; grants: readonly Grant[] | null };
  packageKey: string;
  bytes: Uint8Array;
  ip?: string | null;
  db?: DbOrTrx;
}): Promise<MappingImportOutcome> {
  const db = input.db ?? getDb();
  if (input.actor.grants && mappingEditGrants({ grants: input.actor.grants }).length === 0) {
    return { ok: false, status: 403, problems: [problem(0, "exchange.mapping.forbidden")], total: 1 };
  }
  const checked = await checkMappingCsv(db, input.packageKey, input.bytes);
  if (!checked.ok) return { ok: false, status: checked.status, problems: checked.problems.slice(0, MAX_LISTED_PROBLEMS), total: checked.problems.length };
  const counts: Record<Dhis2MappingKind, number> = { dataset: 0, field: 0, indicator: 0, org_unit: 0 };
  for (const r of checked.rows) counts[r.kind]++;
  const now = nowIso();
  const run = async (trx: DbOrTrx) => {
    await trx.deleteFrom("dhis2_mapping").where("package_key", "=", input.packageKey).execute();
    for (let i = 0; i < checked.rows.length; i += 500) {
      await trx
        .insertInto("dhis2_mapping")
        .values(
          checked.rows.slice(i, i + 500).map((r) => ({
            package_key: input.packageKey,
            kind: r.kind,
            form_key: r.form,
            pantau_key: r.pantau,
            dhis2_id: r.dhis2,
            dhis2_coc: r.coc,
            updated_by: input.actor.id,
            updated_at: now,
          })),
        )
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: input.actor.id,
      action: "dhis2.mapping.import",
      entityType: "dhis2_mapping",
      after: { package: input.packageKey, ...counts },
      ip: input.ip ?? null,
    });
  };
  if (input.db) await run(input.db);
  else await getDb().transaction().execute(run);
  return { ok: true, counts };
}

/**
 * What a stored mapping points at that no longer exists: fields and forms gone from the package's
 * newest national version, indicators gone, units removed. Checked before every export.
 */
export async function mappingProblems(db: DbOrTrx, mapping: Dhis2Mapping): Promise<LocalizedText[]> {
  const stored = await getPublishedPackage(mapping.packageKey, undefined, db);
  if (!stored) return [both("exchange.package.unknown", { package: mapping.packageKey })];
  const index = packageIndex(stored.document);
  const out: LocalizedText[] = [];
  for (const f of mapping.fields) {
    if (!index.fields.has(f.form)) out.push(both("exchange.mapping.unknownForm", { form: f.form, package: mapping.packageKey }));
    else if (!index.fields.get(f.form)!.has(f.field)) out.push(both("exchange.mapping.unknownField", { field: f.field, form: f.form }));
  }
  for (const i of mapping.indicators) {
    if (!index.indicators.has(i.indicator)) out.push(both("exchange.mapping.unknownIndicator", { indicator: i.indicator, package: mapping.packageKey }));
  }
  const codes = mapping.units.map((u) => u.code);
  const known = new Set<string>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const r of await db
      .selectFrom("org_unit")
      .select("code")
      .where("code", "in", codes.slice(i, i + 500))
      .execute())
      known.add(r.code);
  }
  for (const c of codes) if (!known.has(c)) out.push(both("exchange.mapping.unknownUnit", { code: c }));
  return out;
}

/** The packages that have a mapping, and how many rows of each kind (the admin page's list). */
export async function mappingSummary(db: DbOrTrx = getDb()) {
  const rows = await db
    .selectFrom("dhis2_mapping")
    .select(["package_key", "kind", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["package_key", "kind"])
    .execute();
  const out = new Map<string, Record<Dhis2MappingKind, number>>();
  for (const r of rows) {
    const c = out.get(r.package_key) ?? { dataset: 0, field: 0, indicator: 0, org_unit: 0 };
    c[r.kind] = Number(r.n);
    out.set(r.package_key, c);
  }
  return out;
}

/** Rows the page shows; the CSV has them all. */
export const PAGE_ROWS = 200;

/**
 * What the mapping page shows for a package (default: the first published one): the published
 * package keys, the mapping's counts, its first rows, and what it points at that does not exist.
 */
export async function mappingPage(packageKey: string | null, db: DbOrTrx = getDb()) {
  const published = await db.selectFrom("template_package").select("key").distinct().where("status", "=", "published").orderBy("key").execute();
  const keys = published.map((p) => p.key);
  const selected = packageKey && keys.includes(packageKey) ? packageKey : (keys[0] ?? null);
  if (!selected) return { keys, selected, counts: null, rows: [], total: 0, problems: [] as LocalizedText[] };
  const mapping = await loadMapping(db, selected);
  const rows = [
    ...(mapping.dataSet ? [{ kind: "dataset", pantau: "", dhis2: mapping.dataSet.id, coc: mapping.dataSet.attributeOptionCombo }] : []),
    ...mapping.fields.map((f) => ({ kind: "field", pantau: `${f.form}.${f.field}`, dhis2: f.dataElement, coc: f.coc })),
    ...mapping.indicators.map((i) => ({ kind: "indicator", pantau: i.indicator, dhis2: i.dataElement, coc: i.coc })),
    ...mapping.units.map((u) => ({ kind: "org_unit", pantau: u.code, dhis2: u.orgUnit, coc: "" })),
  ];
  const counts = { dataset: mapping.dataSet ? 1 : 0, field: mapping.fields.length, indicator: mapping.indicators.length, org_unit: mapping.units.length };
  return { keys, selected, counts, rows: rows.slice(0, PAGE_ROWS), total: rows.length, problems: rows.length ? await mappingProblems(db, mapping) : [] };
}
