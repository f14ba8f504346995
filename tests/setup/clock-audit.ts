/**
 * Records, for each test file, whether it ran on the wall clock: whether the app's clock
 * (app/utils/clock.server.ts) was read while no test had set it, and whether an e2e server was
 * started without PANTAU_NOW. `.ci/moved-clocks` re-runs under moved clocks the files that did
 * (with those whose own code reads the date: date-dependent.ts), and only those once a full
 * run has left a record for every file. Writes tests/artifacts/clock-audit/<file>.json after each
 * file; global-setup.ts empties that folder when a run starts.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll } from "vitest";

export const CLOCK_AUDIT_DIR = path.resolve(__dirname, "../artifacts/clock-audit");
const OFFSET_KEY = Symbol.for("pantau.clock.offsetMs");
const NOTE_KEY = Symbol.for("pantau.clock-audit.note");

type Holder = { [OFFSET_KEY]?: number; [NOTE_KEY]?: (what: string) => void };
const holder = globalThis as Holder;
const uses = new Map<string, number>();
const note = (what: string) => uses.set(what, (uses.get(what) ?? 0) + 1);

// The app's clock keeps its offset from the wall clock on globalThis: 0 (or unset) is the wall
// clock itself. Every read of it while it is 0 is a read of today's date.
let offset = holder[OFFSET_KEY];
Object.defineProperty(globalThis, OFFSET_KEY, {
  configurable: true,
  enumerable: false,
  get() {
    if (offset === 0) note("the app's clock read while not set (clock.set, PANTAU_NOW)");
    return offset;
  },
  set(value: number | undefined) {
    offset = value;
  },
});
holder[NOTE_KEY] = note;

// Vitest hands hooks their context first (to be destructured) and the suite, here the file, second.
// eslint-disable-next-line no-empty-pattern -- vitest refuses a first parameter that is not destructured
afterAll(({}, suite) => {
  const filepath = suite.file?.filepath ?? (suite as { filepath?: string }).filepath;
  if (!filepath) return;
  const relative = path.relative(path.resolve(__dirname, "../.."), filepath).split(path.sep).join("/");
  fs.mkdirSync(CLOCK_AUDIT_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(CLOCK_AUDIT_DIR, `${relative.replace(/[^0-9A-Za-z.-]/g, "_")}.json`),
    JSON.stringify({ file: relative, wallClock: Object.fromEntries(uses) }, null, 2),
  );
});
