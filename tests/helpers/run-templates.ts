/**
 * Things a test run makes once and every file then copies: the demo databases (seeding the demo
 * takes about half a minute, copying it well under a second). A run is the vitest process (every
 * file's worker has it as parent), so a new run never reuses an older run's template, whatever
 * changed in between; the template's name carries what it depends on besides (the clock, the seed
 * code's content hash). The first worker to need a template makes it under a lock directory; the
 * others wait for it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TEMPLATE_DIR = path.join(os.tmpdir(), "pantau-test-templates");
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Whether a process with this id still runs (EPERM: it does, as another user's). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The file system's clock: the modification time of a file just written. A lock's age is measured
 * against it, not against Date.now(): under faketime (the moved-clock runs) the process's clock is
 * months ahead while the kernel stamps files with the real time, so every lock would look stale and
 * two workers would make the same template at once.
 */
function fileSystemNow(): number {
  const probe = path.join(TEMPLATE_DIR, `.now-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  fs.writeFileSync(probe, "");
  try {
    return fs.statSync(probe).mtimeMs;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

let seedHash: string | null = null;
/**
 * A hash of what the demo seed reads and runs from outside the app's models: every file under
 * seeds/ (packages, overlays, org units, the generator), the seed module and the migrations.
 */
export function demoSeedHash(): string {
  if (seedHash) return seedHash;
  const files = [
    ...fs.readdirSync(path.join(REPO_ROOT, "seeds"), { recursive: true, encoding: "utf8" }).map((f) => path.join("seeds", f)),
    ...fs.readdirSync(path.join(REPO_ROOT, "app/db/migrations"), { recursive: true, encoding: "utf8" }).map((f) => path.join("app/db/migrations", f)),
    "app/models/seed.server.ts",
  ]
    .filter((f) => fs.statSync(path.join(REPO_ROOT, f)).isFile())
    .sort();
  const hash = crypto.createHash("sha256");
  for (const f of files)
    hash
      .update(f)
      .update("\0")
      .update(fs.readFileSync(path.join(REPO_ROOT, f)))
      .update("\0");
  seedHash = hash.digest("hex").slice(0, 12);
  return seedHash;
}

/**
 * This run's template `name` (letters, digits, dots and dashes), made by `make` the first time any
 * worker of the run asks. `make` gets a path to make it under (`<base>.sqlite`, say) and returns
 * what a copier needs to know (the file, a database name, the clock when it was done), kept as
 * `<base>.json`, written last: a template is there once that is.
 */
export async function runTemplate<T>(name: string, make: (base: string) => Promise<T>, timeoutMs = 240_000): Promise<T> {
  if (!/^[0-9A-Za-z.-]+$/.test(name)) throw new Error(`template name "${name}": letters, digits, dots and dashes only`);
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  const base = path.join(TEMPLATE_DIR, `run${process.ppid}-${name}`);
  const done = `${base}.json`;
  const lock = `${base}.lock`;
  const read = () => JSON.parse(fs.readFileSync(done, "utf8")) as T;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(done)) return read();
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another worker is making it; a lock older than the deadline belongs to a worker that died.
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      const age = held ? fileSystemNow() - held.mtimeMs : 0;
      if (age > timeoutMs) fs.rmSync(lock, { recursive: true, force: true });
      if (performance.now() > deadline) throw new Error(`no template ${base} after ${timeoutMs / 1000} s (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (fs.existsSync(done)) return read();
      // Templates of earlier runs are of no use any more; those of a run still going (another
      // worktree's, another vitest process') are its own, its lock and half-made files included.
      for (const old of fs.readdirSync(TEMPLATE_DIR)) {
        if (old.startsWith(".now-")) continue; // another worker's clock probe (fileSystemNow)
        const run = Number(/^run(\d+)-/.exec(old)?.[1]);
        if (run !== process.ppid && !processAlive(run)) fs.rmSync(path.join(TEMPLATE_DIR, old), { recursive: true, force: true });
      }
      const made = await make(base);
      const tmp = `${done}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(made));
      fs.renameSync(tmp, done);
      return made;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}
