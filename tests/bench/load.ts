/**
 * Bulk loader for the benchmark dataset. It uses the real schema (migrations) and the real
 * package import, but bypasses per-submission validation: org units, submissions and their
 * numeric facts go in as multi-row INSERTs with literal values, committed every few thousand
 * rows. The facts are derived with the app's own numericFacts(), with puskesmas_id (the
 * Puskesmas itself), district_id and province_id from the materialised path and month_index = year*12 + month-1 of the period's last month
 * (yearly forms → December), exactly as storeSubmission() files them. No extra indexes.
 */
import fs from "node:fs";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import type { Form, TemplatePackage } from "@engine";
import type { DbHandle } from "~/db/db.server";
import type { Database } from "~/db/schema";
import { importPackage } from "~/models/templates.server";
import { numericFacts, periodEndIndex } from "~/models/submissions.server";
import { generateSubmissions, type GenerateOptions, type OrgNode, type Tree } from "./dataset";

export const PACKAGE_KEY = "ilp-nasional";
export const LOADED_FORMS = ["spm_bulanan", "spm_sasaran", "ilp_profil"] as const;

export function readPackage(): TemplatePackage {
  const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../seeds/packages/ilp-nasional.v1.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as TemplatePackage;
}

function q(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function lit(v: string | number | null): string {
  if (v === null) return "null";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`non-finite literal ${v}`);
    return String(v);
  }
  return q(v);
}

async function execRaw(db: Kysely<Database>, text: string): Promise<void> {
  await sql.raw(text).execute(db);
}

export interface LoadStats {
  orgUnits: number;
  provinces: number;
  districts: number;
  puskesmas: number;
  submissions: number;
  submissionsCounted: number;
  submissionsDraft: number;
  values: number;
  perForm: Record<string, { submissions: number; values: number }>;
  loadMs: number;
  orgMs: number;
  packageMs: number;
  submissionsMs: number;
}

/** Inserts the org tree with explicit ids and paths (multi-row, one transaction). */
async function loadOrg(handle: DbHandle, tree: Tree, createdAt: string): Promise<number> {
  const all: OrgNode[] = [tree.national, ...tree.provinces, ...tree.districts, ...tree.puskesmas];
  await handle.db.transaction().execute(async (trx) => {
    for (let i = 0; i < all.length; i += 1000) {
      const rows = all
        .slice(i, i + 1000)
        .map((u) => `(${u.id}, ${q(u.code)}, ${q(u.name)}, ${q(u.level)}, ${lit(u.parentId)}, ${q(u.path)}, ${u.depth}, null, ${q(createdAt)})`);
      await execRaw(
        trx as unknown as Kysely<Database>,
        `insert into org_unit (id, code, name, level, parent_id, path, depth, note, created_at) values ${rows.join(",")}`,
      );
    }
  });
  return all.length;
}

/** After explicit ids, PostgreSQL's identity sequences must move past them. */
async function bumpSequences(handle: DbHandle): Promise<void> {
  if (handle.kind !== "postgres") return;
  for (const table of ["org_unit", "submission"]) {
    await execRaw(handle.db, `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 1) from ${table}))`);
  }
}

const SUBMISSION_COLUMNS =
  "id, org_unit_id, puskesmas_id, district_id, province_id, package_key, package_version, overlay_id, form_key, period, year, month_index, status, data, revision, idempotency_key, return_note, created_by, created_at, updated_at, submitted_at, approved_at, approved_by";
const VALUE_COLUMNS = "submission_id, org_unit_id, puskesmas_id, district_id, province_id, package_key, form_key, field_key, year, month_index, value";

export interface LoadOptions extends GenerateOptions {
  /** Value rows per multi-row INSERT. */
  valuesPerStatement?: number;
  /** Value rows per transaction. */
  valuesPerTransaction?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function loadDataset(handle: DbHandle, tree: Tree, pkg: TemplatePackage, options: LoadOptions): Promise<LoadStats> {
  const t0 = performance.now();
  const createdAt = "2025-01-01T00:00:00.000Z";
  const orgUnits = await loadOrg(handle, tree, createdAt);
  const tOrg = performance.now();

  const imported = await importPackage(pkg, { userId: null }, tree.national.code);
  if (!imported.ok) throw new Error(`package import failed: ${JSON.stringify(imported.errors.slice(0, 3))}`);
  const tPkg = performance.now();

  // A bigger page cache while bulk loading (the index B-trees are filled in random order); the
  // default (2 MiB) comes back before anything is timed. Durability pragmas stay as the app sets them.
  if (handle.kind === "sqlite") await execRaw(handle.db, "pragma cache_size = -262144");
  const forms = new Map<string, Form>(pkg.forms.map((f) => [f.key, f]));
  const perStatement = options.valuesPerStatement ?? 2000;
  const perTransaction = options.valuesPerTransaction ?? 20_000;
  const perForm: LoadStats["perForm"] = Object.create(null);
  for (const f of LOADED_FORMS) perForm[f] = { submissions: 0, values: 0 };
  let nextId = 1;
  let submissions = 0;
  let counted = 0;
  let drafts = 0;
  let values = 0;

  let subRows: string[] = [];
  let valRows: string[] = [];
  let pendingInTx = 0;
  const statements: string[] = [];
  const flushStatements = () => {
    if (subRows.length > 0) statements.push(`insert into submission (${SUBMISSION_COLUMNS}) values ${subRows.join(",")}`);
    if (valRows.length > 0) statements.push(`insert into submission_value (${VALUE_COLUMNS}) values ${valRows.join(",")}`);
    subRows = [];
    valRows = [];
  };
  const commit = async () => {
    flushStatements();
    if (statements.length === 0) return;
    const batch = statements.splice(0, statements.length);
    await handle.db.transaction().execute(async (trx) => {
      for (const s of batch) await execRaw(trx as unknown as Kysely<Database>, s);
    });
    pendingInTx = 0;
  };

  let unitsDone = 0;
  for (const unitSubs of generateSubmissions(tree, options)) {
    for (const s of unitSubs) {
      const form = forms.get(s.form)!;
      const id = nextId++;
      const ids = s.unit.path.split("/").filter(Boolean).map(Number);
      const provinceId = ids[1];
      const districtId = ids[2];
      const monthIndex = periodEndIndex(s.period);
      const year = Number(s.period.slice(0, 4));
      const isCounted = s.status !== "draft";
      // Reported in the month after the period ends.
      const at = new Date(Date.UTC(year, s.month, 5, 3, 0, 0)).toISOString();
      subRows.push(
        `(${id}, ${s.unit.id}, ${s.unit.id}, ${districtId}, ${provinceId}, ${q(PACKAGE_KEY)}, ${pkg.version}, null, ${q(s.form)}, ${q(s.period)}, ${year}, ${monthIndex}, ${q(s.status)}, ${q(JSON.stringify(s.data))}, 1, null, null, null, ${q(at)}, ${q(at)}, ${isCounted ? q(at) : "null"}, ${s.status === "approved" ? q(at) : "null"}, null)`,
      );
      submissions++;
      perForm[s.form].submissions++;
      if (!isCounted) {
        drafts++;
        continue;
      }
      counted++;
      for (const f of numericFacts(form, s.data)) {
        valRows.push(
          `(${id}, ${s.unit.id}, ${s.unit.id}, ${districtId}, ${provinceId}, ${q(PACKAGE_KEY)}, ${q(s.form)}, ${q(f.field)}, ${year}, ${monthIndex}, ${lit(f.value)})`,
        );
        values++;
        perForm[s.form].values++;
        pendingInTx++;
      }
      if (valRows.length >= perStatement) flushStatements();
    }
    if (pendingInTx >= perTransaction) await commit();
    unitsDone++;
    if (options.onProgress && unitsDone % 500 === 0) options.onProgress(unitsDone, tree.puskesmas.length);
  }
  await commit();
  if (handle.kind === "sqlite") await execRaw(handle.db, "pragma cache_size = -2000");
  await bumpSequences(handle);
  const tEnd = performance.now();
  return {
    orgUnits,
    provinces: tree.provinces.length,
    districts: tree.districts.length,
    puskesmas: tree.puskesmas.length,
    submissions,
    submissionsCounted: counted,
    submissionsDraft: drafts,
    values,
    perForm,
    loadMs: tEnd - t0,
    orgMs: tOrg - t0,
    packageMs: tPkg - tOrg,
    submissionsMs: tEnd - tPkg,
  };
}
