/**
 * The one place the server reads the wall clock. Deadlines, default periods, sessions, the demo's
 * "today" and audit times all come from `clock`, so a test (or a demo run on another date) moves
 * every one of them together: `clock.set()` in-process, or `PANTAU_NOW` for a whole server process
 * (demos and tests only; app/env.server.ts refuses it in production and checks its form). With
 * PANTAU_NOW the clock reads that instant when the process starts and ticks on from there.
 * Elapsed-time measurements (performance.now) are not clock reads.
 *
 * The offset lives on globalThis: the CLI and the server build each carry a copy of this module,
 * and both must read one clock.
 */
import { readFakeNow } from "~/env.server";

const KEY = Symbol.for("pantau.clock.offsetMs");
type Holder = { [KEY]?: number };

function offset(): number {
  const holder = globalThis as Holder;
  if (holder[KEY] === undefined) {
    const at = readFakeNow();
    // Measured from the process start, so every module copy and every first read agree.
    holder[KEY] = at === null ? 0 : at - performance.timeOrigin;
  }
  return holder[KEY];
}

export const clock = {
  /** Milliseconds since the epoch. */
  ms(): number {
    return Date.now() + offset();
  },
  /** The current instant. */
  now(): Date {
    return new Date(clock.ms());
  },
  /** The current instant as ISO 8601 UTC, as the database stores it. */
  iso(): string {
    return clock.now().toISOString();
  },
  /** Today's date, "YYYY-MM-DD" (UTC, as every stored date): due dates and reminders compare against it. */
  today(): string {
    return clock.iso().slice(0, 10);
  },
  /** Sets the clock to `at` (it ticks on from there); null goes back to the real clock. For tests. */
  set(at: Date | string | null): void {
    (globalThis as Holder)[KEY] = at === null ? 0 : new Date(at).getTime() - Date.now();
  },
};
