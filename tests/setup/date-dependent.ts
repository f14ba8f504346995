/**
 * Which of the given test files can depend on today's date, for .ci/moved-clocks: one per line
 * on stdout, each with its reasons on stderr. A file can when
 * - the last vitest run recorded it on the wall clock (tests/setup/clock-audit.ts: the app's clock
 *   read while no test had set it, or an e2e server started without PANTAU_NOW), or
 * - the last run left no record of it (it did not run, or did not finish): kept, to be safe, or
 * - its own code, or a module of tests/ it imports, reads the date directly (`Date.now()`,
 *   `new Date()`, `Date()`), on a line without a `clock-audit:` comment saying why that read is
 *   not a date (elapsed time, or a use the audit already notes).
 * The app itself reads the time only through app/utils/clock.server.ts, which the audit watches.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { importGraph } from "../helpers/imports";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const AUDIT_DIR = path.join(ROOT, "tests/artifacts/clock-audit");
const DATE_READ = /\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|(?<![\w.])Date\s*\(\s*\)/;

const dateReads = new Map<string, string[]>();
function directDateReads(file: string): string[] {
  let found = dateReads.get(file);
  if (found) return found;
  found = fs
    .readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .flatMap((line, i) => (DATE_READ.test(line) && !line.includes("clock-audit:") ? [`${file}:${i + 1} reads the date`] : []));
  dateReads.set(file, found);
  return found;
}

for (const file of process.argv.slice(2).map((f) => path.relative(ROOT, path.resolve(f)).split(path.sep).join("/"))) {
  const reasons: string[] = [];
  const record = path.join(AUDIT_DIR, `${file.replace(/[^0-9A-Za-z.-]/g, "_")}.json`);
  if (!fs.existsSync(record)) reasons.push("no clock audit from the last run");
  else {
    const { wallClock } = JSON.parse(fs.readFileSync(record, "utf8")) as { wallClock: Record<string, number> };
    for (const [what, times] of Object.entries(wallClock)) reasons.push(`${what} (${times}×)`);
  }
  const graph = importGraph([file], (f) => !f.startsWith("tests/"));
  for (const module of graph.reachedFrom.keys()) if (module.startsWith("tests/")) reasons.push(...directDateReads(module));
  if (reasons.length === 0) continue;
  console.log(file);
  console.error(`${file}: ${reasons.slice(0, 3).join("; ")}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ""}`);
}
