/**
 * The validated bulk intake benchmark (part of `npm run bench`; `--intake-only` runs just this
 * part, `--quick` a quarter of it): N reports of the national form `spm_bulanan` (12 integer
 * fields, rules against the yearly sasaran) uploaded as a CSV by the national admin and run
 * through the very path an upload takes — `readImportFile` (stream, caps, header check), then
 * `createImportJob` and the job in this process (scope, duplicates, `parseCell`,
 * `prepareSubmission`, deadline lock, `storeSubmissions` per chunk with problems and progress) —
 * not the raw loader. Into a database with a quarter of the national tree (--quick: a tenth) and two months of 2025 already
 * reported (so the submission and fact tables and their indexes are not empty), for the months
 * March–December 2025 of enough Puskesmas; then a second file re-sends a quarter of those reports
 * with other values (the update path: new revision, facts replaced).
 *
 * Reported: submissions per second over the upload read plus the job, for new reports and for
 * updates, and the peak resident memory above the resident memory before each run (VmHWM, reset
 * through /proc/self/clear_refs; the process's own figures, as tests/bench/imports.ts reads the
 * server's). Every stored report is counted back; the job must refuse nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import { sql } from "kysely";
import { migrateToLatest, openDb, setDbHandle, type DbHandle, type DbKind } from "~/db/db.server";
import { loadGrants } from "~/auth/session.server";
import { createImportJob, importForm, importJobSettled, readImportFile } from "~/models/bulk-import.server";
import { clock } from "~/utils/clock.server";
import { buildTree } from "./dataset";
import { loadDataset, PACKAGE_KEY, readPackage } from "./load";
import { round } from "./timing";

const FORM = "spm_bulanan";
/** The months imported: March–December 2025 (January and February are the background data). */
const FIRST_MONTH = 3;
const MONTHS = 10;

export interface IntakeRun {
  rows: number;
  stored: number;
  refused: number;
  readMs: number;
  jobMs: number;
  submissionsPerSecond: number;
  /** The job alone, without reading the file. */
  jobSubmissionsPerSecond: number;
  peakRssRiseMiB: number | null;
  /** CPU time of this process (every thread: JavaScript, node-sqlite3's workers) per row; PostgreSQL's server is not in it. */
  cpuMsPerRow: number;
  /** The machine's load average (1 min) at the end of the run: the wall figures are only comparable at a similar load. */
  loadAverage: number;
}

export interface IntakeResult {
  db: DbKind;
  label: string;
  background: { puskesmas: number; submissions: number; values: number };
  fileMiB: number;
  insert: IntakeRun;
  update: IntakeRun;
}

/** A fresh SQLite file, or a fresh database on the PostgreSQL server of `adminUrl`; removed by `cleanup`. */
export async function intakeTarget(kind: DbKind, adminUrl?: string): Promise<{ url: string; label: string; cleanup: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-intake-"));
    const file = path.join(dir, "intake.sqlite");
    return { url: `sqlite:${file}`, label: file, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pantau_intake_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl!);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    label: `database ${name} on ${u.host}`,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name}`);
      await c.end();
    },
  };
}

/** This process's resident memory (VmRSS) or its peak (VmHWM) in MiB; null where /proc is not Linux's. */
function memoryMiB(field: "VmRSS" | "VmHWM"): number | null {
  try {
    const line = fs
      .readFileSync("/proc/self/status", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current resident size (Linux ≥ 4.0); false where it cannot. */
function resetPeak(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Deterministic values for a report: small counts, mostly under the yearly sasaran. */
function cells(unitIndex: number, month: number, keys: readonly string[], salt: number): string[] {
  return keys.map((_, i) => String((unitIndex * 7 + month * 13 + i * 3 + salt) % 40));
}

/** Uploads `csv` as the national admin and runs its job to the end; the figures of that run. */
async function runFile(handle: DbHandle, csv: string, rows: number, userId: number, log: (m: string) => void): Promise<IntakeRun> {
  const target = (await importForm(PACKAGE_KEY, FORM))!;
  const user = { id: userId, grants: await loadGrants(handle.db, userId) };
  global.gc?.();
  const before = memoryMiB("VmRSS");
  const canPeak = resetPeak();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = new TextEncoder().encode(csv);
  const read = await readImportFile(bytes, target);
  if (!read.ok) throw new Error(`intake file refused: ${read.message}`);
  const t1 = performance.now();
  const id = await createImportJob({
    user,
    target,
    fileName: "intake.csv",
    format: "csv",
    bytes: bytes.length,
    file: read.file,
    confirmWarnings: true,
    ip: null,
  });
  await importJobSettled(id);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const peak = canPeak ? memoryMiB("VmHWM") : null;
  const job = await handle.db.selectFrom("import_job").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  if (job.status !== "done" || job.stored_rows !== rows) {
    const problems = await handle.db.selectFrom("import_job_error").select(["row_number", "message"]).where("job_id", "=", id).limit(3).execute();
    throw new Error(`intake job ${job.status}: ${job.stored_rows} of ${rows} stored; ${job.message ?? ""} ${JSON.stringify(problems)}`);
  }
  const run: IntakeRun = {
    rows,
    stored: job.stored_rows,
    refused: job.refused_rows,
    readMs: round(t1 - t0),
    jobMs: round(t2 - t1),
    submissionsPerSecond: Math.round(rows / ((t2 - t0) / 1000)),
    jobSubmissionsPerSecond: Math.round(rows / ((t2 - t1) / 1000)),
    peakRssRiseMiB: peak !== null && before !== null ? round(peak - before) : null,
    cpuMsPerRow: round((cpu.user + cpu.system) / 1000 / rows, 3),
    loadAverage: round(os.loadavg()[0], 1),
  };
  log(
    `  ${rows} rows: read ${run.readMs} ms, job ${run.jobMs} ms → ${run.submissionsPerSecond} submissions/s, ${run.cpuMsPerRow} ms CPU per row, peak RSS +${run.peakRssRiseMiB} MiB, load ${run.loadAverage}`,
  );
  return run;
}

/** Loads the background data into a fresh database at `url`, then times the two imports. */
export async function benchIntake(url: string, label: string, kind: DbKind, options: { quick: boolean; log: (m: string) => void }): Promise<IntakeResult> {
  const { log } = options;
  const rows = options.quick ? 5_000 : 20_000;
  const tree = buildTree(options.quick ? 0.1 : 0.25);
  const unitCount = Math.ceil(rows / MONTHS);
  if (unitCount > tree.puskesmas.length - 1) throw new Error(`${rows} rows need ${unitCount} Puskesmas; the tree has ${tree.puskesmas.length}`);
  const pkgDoc = readPackage();
  const keys = pkgDoc.forms
    .find((f) => f.key === FORM)!
    .sections.flatMap((s) => s.fields)
    .filter((f) => !f.calculate)
    .map((f) => f.key);
  const handle: DbHandle = openDb(url);
  setDbHandle(handle);
  // Inside the reporting window of the last month imported; every deadline of 2025 open (a national setting, as an admin makes it).
  clock.set("2026-01-05T03:00:00.000Z");
  try {
    await migrateToLatest(handle);
    const holdOut = tree.puskesmas[tree.puskesmas.length - 1];
    const stats = await loadDataset(handle, tree, pkgDoc, { months: FIRST_MONTH - 1, holdOut });
    const now = clock.iso();
    const nation = await handle.db.selectFrom("org_unit").select("id").where("level", "=", "national").executeTakeFirstOrThrow();
    await handle.db
      .insertInto("report_deadline")
      .values({ org_unit_id: nation.id, period_type: "month", days_after: 400, updated_by: null, updated_at: now })
      .execute();
    const { id: userId } = await handle.db
      .insertInto("app_user")
      .values({ username: "intake.admin", display_name: "Intake", password_hash: "x", active: 1, locale: "id", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await handle.db.insertInto("role_grant").values({ user_id: userId, role: "national_admin", org_unit_id: nation.id, created_at: now }).execute();
    if (kind === "postgres") await sql`analyze`.execute(handle.db);
    log(
      `${kind} intake: background ${stats.submissions} reports, ${stats.values} values; importing ${rows} ${FORM} reports (${unitCount} Puskesmas × ${MONTHS} months)…`,
    );

    const units = tree.puskesmas.slice(0, unitCount);
    const file = (salt: number, limit: number) => {
      const lines = [["org_unit", "period", ...keys].join(",")];
      for (let m = 0; m < MONTHS && lines.length <= limit; m++) {
        const period = `2025-${String(FIRST_MONTH + m).padStart(2, "0")}`;
        for (let u = 0; u < units.length && lines.length <= limit; u++) lines.push([units[u].code, period, ...cells(u, m, keys, salt)].join(","));
      }
      return lines.join("\n");
    };
    const insertCsv = file(0, rows);
    const insert = await runFile(handle, insertCsv, rows, userId, log);
    const updates = Math.floor(rows / 4);
    log(`${kind} intake: re-sending ${updates} of them with other values (updates)…`);
    const update = await runFile(handle, file(5, updates), updates, userId, log);
    return {
      db: kind,
      label,
      background: { puskesmas: tree.puskesmas.length, submissions: stats.submissions, values: stats.values },
      fileMiB: round(insertCsv.length / 2 ** 20, 2),
      insert,
      update,
    };
  } finally {
    clock.set(null);
    setDbHandle(null);
    await handle.destroy();
  }
}

export function intakeLines(r: IntakeResult): string {
  const line = (what: string, x: IntakeRun) =>
    `  ${what}: ${x.rows} rows, ${x.submissionsPerSecond} submissions/s (read ${x.readMs} ms + job ${x.jobMs} ms; job alone ${x.jobSubmissionsPerSecond}/s), ${x.cpuMsPerRow} ms CPU per row, peak RSS +${x.peakRssRiseMiB ?? "?"} MiB, load average ${x.loadAverage}`;
  return [
    `validated bulk intake (${r.db}): ${FORM} CSV of ${r.fileMiB} MiB through readImportFile + the import job, over ${r.background.submissions} reports already stored`,
    line("new reports", r.insert),
    line("updates", r.update),
  ].join("\n");
}
