/**
 * The one place the server reads the wall clock. Deadlines, default periods, sessions, the demo's
 * "today" and audit times all come from `clock`, so a test (or a demo run on another date) moves
 * every one of them together: `clock.set()` in-process, or `PANTAU_NOW` for a whole server process
 * (outside production only; app/env.server.ts refuses it there). The clock keeps ticking from the
 * instant it is set to. Elapsed-time measurements (performance.now) are not clock reads.
 */
let offsetMs: number | null = null;

function offset(): number {
  if (offsetMs === null) {
    const raw = process.env.PANTAU_NOW?.trim();
    const at = raw ? Date.parse(raw) : NaN;
    offsetMs = Number.isFinite(at) ? at - Date.now() : 0;
  }
  return offsetMs;
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
  /** Sets the clock to `at` (it ticks on from there); null goes back to the real clock. For tests. */
  set(at: Date | string | null): void {
    offsetMs = at === null ? 0 : new Date(at).getTime() - Date.now();
  },
};
