/**
 * Memory and time of the worst accepted import (docs/benchmarks.md, "Bounded input"): a CSV of
 * 100,000 rows and just under 15 MB (the documented limits) and an XLSX of the same rows (shared
 * strings, as Excel writes them; one free-text column of random words so it is ~15 MB too), each
 * uploaded by the national admin to a fresh built server on the demo database, the job run to its
 * end. Measured through the server process's own figures: resident memory before the upload and
 * its peak (VmHWM, reset through /proc/<pid>/clear_refs) until the job is done.
 *
 * The server runs with MALLOC_ARENA_MAX=2, as `npm start` starts it (docs/decisions/019-bounded-input.md);
 * `--glibc-arenas default` leaves glibc's own setting.
 *
 *   npx remix build && npx tsx tests/bench/imports.ts [--rows 100000] [--glibc-arenas 2|default] [--json]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { openDb } from "~/db/db.server";
import { loginCookie, openMonthlyDeadlines, spawnServer, type ServerProcess } from "../crash/server";
import { profilCells } from "../helpers/ilp-profil";
import { MAX_IMPORT_TEXT_CHARS } from "~/models/import-file.server";
import { MAX_IMPORT_BYTES } from "~/utils/limits";

const args = process.argv.slice(2);
const ROWS = Number(args[args.indexOf("--rows") + 1]) || 100_000;
const JSON_OUT = args.includes("--json");
const ARENAS = args.includes("--glibc-arenas") ? args[args.indexOf("--glibc-arenas") + 1] : "2";
const FORM = "ilp-nasional/ilp_profil";
/** Leave room for the multipart envelope's share of the limit. */
const TARGET_BYTES = MAX_IMPORT_BYTES - 32 * 1024;

interface Result {
  format: "csv" | "xlsx";
  fileMb: number;
  rows: number;
  residentBeforeMb: number;
  /** Peak resident memory above residentBeforeMb: the upload (read, check, job created), then the job. */
  uploadPeakRiseMb: number;
  jobPeakRiseMb: number;
  residentAfterMb: number;
  uploadSeconds: number;
  jobSeconds: number;
  stored: number;
  refused: number;
  status: string;
}

function servingPid(tsxPid: number): number {
  let current = tsxPid;
  for (let depth = 0; depth < 3; depth++) {
    const children = fs.readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    const serving = children.find((c) => fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("app/cli/main.ts"));
    if (serving === undefined) return current;
    current = serving;
  }
  return current;
}

const memory = (pid: number, field: "VmRSS" | "VmHWM") =>
  Number(
    fs
      .readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`))!
      .split(/\s+/)[1],
  ) / 1024;

/** Deterministic words for the free-text column (so the XLSX does not compress to nothing). */
function words(seed: number, length: number): string {
  let x = seed * 2654435761 + 1;
  let out = "";
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${(x >>> 8).toString(36)} `;
  }
  return out.slice(0, length).trim();
}

/** The rows: every Puskesmas, month after month back from last month (units × periods all distinct). */
function buildRows(units: string[], noteLength: number): { header: string[]; rows: string[][] } {
  const cells = profilCells();
  const keys = Object.keys(cells).filter((k) => k !== "catatan_ilp");
  const header = ["org_unit", "period", ...keys, "catatan_ilp"];
  const now = new Date();
  const last = now.getUTCFullYear() * 12 + now.getUTCMonth() - 1;
  const rows: string[][] = [];
  for (let i = 0; i < ROWS; i++) {
    const m = last - Math.floor(i / units.length);
    const period = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
    rows.push([units[i % units.length], period, ...keys.map((k) => String(cells[k])), words(i, noteLength)]);
  }
  return { header, rows };
}

function csvOf(header: string[], rows: string[][]): Buffer {
  return Buffer.from([header, ...rows].map((r) => r.join(",")).join("\n"), "utf8");
}

async function xlsxOf(header: string[], rows: string[][]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk as Buffer);
      done();
    },
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: true });
  const ws = wb.addWorksheet("Data");
  ws.addRow(header).commit();
  for (const r of rows) ws.addRow(r.map((v, i) => (i > 1 && /^-?\d+$/.test(v) ? Number(v) : v))).commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/**
 * A file of `format` as large as the caps allow: just under 15 MB, or (an XLSX, whose text
 * compresses) just under the cap on all cell text.
 */
async function worstFile(format: "csv" | "xlsx", units: string[]): Promise<Buffer> {
  const base = buildRows(units, 0).rows.reduce((n, r) => n + r.reduce((m, c) => m + c.length, 0), 0);
  const textRoom = Math.floor((MAX_IMPORT_TEXT_CHARS * 0.995 - base) / ROWS);
  let noteLength = Math.min(100, textRoom);
  for (let attempt = 0; ; attempt++) {
    const { header, rows } = buildRows(units, noteLength);
    const bytes = format === "csv" ? csvOf(header, rows) : await xlsxOf(header, rows);
    if (bytes.length <= TARGET_BYTES && (bytes.length > TARGET_BYTES * 0.97 || noteLength >= textRoom || attempt >= 4)) return bytes;
    noteLength = Math.min(textRoom, Math.max(1, Math.floor(noteLength * (TARGET_BYTES / bytes.length) * 0.995 - (bytes.length > TARGET_BYTES ? 2 : 0))));
  }
}

async function upload(server: ServerProcess, cookie: string, bytes: Buffer, name: string): Promise<number> {
  const form = new FormData();
  form.set("form", FORM);
  form.set("confirmWarnings", "1");
  form.set("file", new Blob([bytes as BlobPart]), name);
  const res = await fetch(`${server.baseUrl}/imports?index`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { Cookie: cookie, Origin: server.baseUrl },
  });
  if (res.status !== 302) {
    const page = await res.text();
    throw new Error(`upload ${name}: ${res.status} ${/class="field-error"[^>]*>([^<]*)/.exec(page)?.[1] ?? page.slice(0, 300)}`);
  }
  return Number(res.headers.get("Location")!.split("/").pop());
}

async function run(format: "csv" | "xlsx"): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-bench-imports-"));
  const databaseUrl = `sqlite:${path.join(dir, "bench.sqlite")}`;
  const env: Record<string, string> = { PANTAU_SCORECARD_WARM_SECONDS: "0", NODE_ENV: "production" };
  if (ARENAS !== "default") env.MALLOC_ARENA_MAX = ARENAS;
  else if (process.env.MALLOC_ARENA_MAX) throw new Error("--glibc-arenas default: unset MALLOC_ARENA_MAX first");
  const server = await spawnServer({ databaseUrl, seed: true, name: `bench-imports-${format}`, env });
  const handle = openDb(databaseUrl);
  try {
    await openMonthlyDeadlines(handle.db);
    const units = (await handle.db.selectFrom("org_unit").select("code").where("level", "=", "puskesmas").orderBy("code").execute()).map((u) => u.code);
    const cookie = await loginCookie(server.baseUrl, "admin.nasional");
    const pid = servingPid(server.child.pid!);
    const job = async (id: number) => {
      for (;;) {
        const row = await handle.db.selectFrom("import_job").select(["status", "stored_rows", "refused_rows"]).where("id", "=", id).executeTakeFirstOrThrow();
        if (row.status !== "queued" && row.status !== "running") return row;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    // Warm the import path, so the figures are the file's and not code loading.
    await job(await upload(server, cookie, Buffer.from(`org_unit,period,jumlah_desa\n${units[0]},1990-01,5\n`), "hangat.csv"));
    const bytes = await worstFile(format, units);
    const residentBefore = memory(pid, "VmRSS");
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    const t0 = performance.now();
    const id = await upload(server, cookie, bytes, `terburuk.${format}`);
    const t1 = performance.now();
    const uploadPeak = memory(pid, "VmHWM");
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    const done = await job(id);
    const t2 = performance.now();
    return {
      format,
      fileMb: Math.round((bytes.length / 1024 / 1024) * 100) / 100,
      rows: ROWS,
      residentBeforeMb: Math.round(residentBefore),
      uploadPeakRiseMb: Math.round(uploadPeak - residentBefore),
      jobPeakRiseMb: Math.round(memory(pid, "VmHWM") - residentBefore),
      residentAfterMb: Math.round(memory(pid, "VmRSS")),
      uploadSeconds: Math.round((t1 - t0) / 100) / 10,
      jobSeconds: Math.round((t2 - t1) / 100) / 10,
      stored: done.stored_rows,
      refused: done.refused_rows,
      status: done.status,
    };
  } finally {
    await handle.destroy();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const format of ["csv", "xlsx"] as const) {
  results.push(await run(format));
  process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
}
if (JSON_OUT) process.stdout.write(`${JSON.stringify(results)}\n`);
else {
  process.stdout.write(`MALLOC_ARENA_MAX: ${ARENAS}\n`);
  process.stdout.write("format  file MB  rows     resident before  peak: upload  peak: job  resident after  upload s  job s   stored  refused  status\n");
  for (const r of results) {
    process.stdout.write(
      `${r.format.padEnd(7)} ${String(r.fileMb).padStart(7)}  ${String(r.rows).padEnd(8)} ${`${r.residentBeforeMb} MB`.padStart(15)}  ${`+${r.uploadPeakRiseMb} MB`.padStart(12)}  ${`+${r.jobPeakRiseMb} MB`.padStart(9)}  ${`${r.residentAfterMb} MB`.padStart(14)}  ${String(r.uploadSeconds).padStart(8)}  ${String(r.jobSeconds).padStart(5)}  ${String(r.stored).padStart(7)}  ${String(r.refused).padStart(7)}  ${r.status}\n`,
    );
  }
}
process.exit(0);
