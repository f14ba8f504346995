/**
 * Reporting periods: month `2025-03`, quarter `2025-Q1`, year `2025`.
 * Months are handled as a single integer index (year*12 + month-1) so windows are plain ranges
 * and match the `month_index` column the database layer filters on.
 */
import type { PeriodType } from "./documents";
import { periodMessage, type PeriodMessageCode, type PeriodMessageParams } from "./period-messages";

export type { PeriodType };

/** A parsed period. `month` is 1..12, `quarter` 1..4. */
export type Period = { type: "month"; year: number; month: number } | { type: "quarter"; year: number; quarter: number } | { type: "year"; year: number };

/** An inclusive range of month indexes. */
export interface MonthWindow {
  start: number;
  end: number;
}

/**
 * Thrown for a malformed period string: `messageCode` and `params` name the problem in
 * PERIOD_MESSAGES; `message` is its Bahasa Indonesia rendering.
 */
export class PeriodError extends Error {
  readonly input: string;
  constructor(
    input: string,
    readonly messageCode: PeriodMessageCode,
    readonly params: PeriodMessageParams = {},
  ) {
    super(periodMessage(messageCode, params));
    this.name = "PeriodError";
    this.input = input;
  }
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const QUARTER_RE = /^(\d{4})-Q(\d)$/;
const YEAR_RE = /^(\d{4})$/;
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

function checkYear(input: string, year: number): void {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PeriodError(input, "PERIOD_YEAR_RANGE", { year, period: input, min: MIN_YEAR, max: MAX_YEAR });
  }
}

/** Parses a period string; throws PeriodError (a code in PERIOD_MESSAGES, Bahasa Indonesia message). */
export function parsePeriod(input: string): Period {
  if (typeof input !== "string" || input.length === 0) {
    throw new PeriodError(String(input), "PERIOD_EMPTY");
  }
  let m = MONTH_RE.exec(input);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    checkYear(input, year);
    if (month < 1 || month > 12) {
      throw new PeriodError(input, "PERIOD_MONTH", { month: m[2], period: input });
    }
    return { type: "month", year, month };
  }
  m = QUARTER_RE.exec(input);
  if (m) {
    const year = Number(m[1]);
    const quarter = Number(m[2]);
    checkYear(input, year);
    if (quarter < 1 || quarter > 4) {
      throw new PeriodError(input, "PERIOD_QUARTER", { quarter: m[2], period: input });
    }
    return { type: "quarter", year, quarter };
  }
  m = YEAR_RE.exec(input);
  if (m) {
    const year = Number(m[1]);
    checkYear(input, year);
    return { type: "year", year };
  }
  throw new PeriodError(input, "PERIOD_UNRECOGNISED", { period: input });
}

/** Parses without throwing: the period, or the problem (its Bahasa Indonesia message, and its code and params in PERIOD_MESSAGES). */
export function tryParsePeriod(
  input: string,
): { ok: true; period: Period } | { ok: false; error: string; messageCode: PeriodMessageCode; params: PeriodMessageParams } {
  try {
    return { ok: true, period: parsePeriod(input) };
  } catch (e) {
    if (e instanceof PeriodError) return { ok: false, error: e.message, messageCode: e.messageCode, params: e.params };
    throw e;
  }
}

function asPeriod(p: Period | string): Period {
  return typeof p === "string" ? parsePeriod(p) : p;
}

/** Canonical string of a period. */
export function formatPeriod(p: Period): string {
  const y = String(p.year).padStart(4, "0");
  switch (p.type) {
    case "month":
      return `${y}-${String(p.month).padStart(2, "0")}`;
    case "quarter":
      return `${y}-Q${p.quarter}`;
    case "year":
      return y;
  }
}

/** Month index of a calendar month (month 1..12). */
export function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1;
}

/** Calendar year and month (1..12) of a month index. */
export function fromMonthIndex(index: number): { year: number; month: number } {
  const year = Math.floor(index / 12);
  return { year, month: index - year * 12 + 1 };
}

/** Month period string of a month index. */
export function monthPeriodOf(index: number): string {
  const { year, month } = fromMonthIndex(index);
  return formatPeriod({ type: "month", year, month });
}

/** Quarter (1..4) that a month (1..12) falls in. */
export function quarterOfMonth(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

/** First and last month (1..12) of a period within its year. */
function monthsOfYear(p: Period): { first: number; last: number } {
  switch (p.type) {
    case "month":
      return { first: p.month, last: p.month };
    case "quarter":
      return { first: p.quarter * 3 - 2, last: p.quarter * 3 };
    case "year":
      return { first: 1, last: 12 };
  }
}

/** Last month (1..12) of a period; targets are profiled by it. */
export function periodEndMonth(p: Period | string): number {
  return monthsOfYear(asPeriod(p)).last;
}

/** Number of months a period spans (1, 3 or 12). */
export function periodLength(p: Period | string): number {
  const { first, last } = monthsOfYear(asPeriod(p));
  return last - first + 1;
}

/**
 * The months a period covers: the period itself, or with `ytd` January of its year up to the
 * period's last month.
 */
export function periodWindow(p: Period | string, options: { ytd?: boolean } = {}): MonthWindow {
  const period = asPeriod(p);
  const { first, last } = monthsOfYear(period);
  return {
    start: monthIndex(period.year, options.ytd ? 1 : first),
    end: monthIndex(period.year, last),
  };
}

/** The period of the given type that contains a month index. */
export function periodContaining(index: number, type: PeriodType): string {
  const { year, month } = fromMonthIndex(index);
  switch (type) {
    case "month":
      return formatPeriod({ type: "month", year, month });
    case "quarter":
      return formatPeriod({ type: "quarter", year, quarter: quarterOfMonth(month) });
    case "year":
      return formatPeriod({ type: "year", year });
  }
}

/**
 * Periods of a type that belong to a window, in order: those whose last month lies inside it.
 * For a period as fine as the window (months in any window, quarters in a quarter or year window)
 * that is the same as lying entirely inside it. A coarser period counts in the window in which it
 * closes: month 2025-12 holds 2025-Q4, 2025-03 holds 2025-Q1, 2025-11 holds no quarter, and a ytd
 * window Jan–Oct holds Q1–Q3 (docs/decisions/005-coarser-periods-in-windows.md). Yearly periods
 * are the exception: a window inside a year uses that year (an annual sasaran applies to every
 * month of it), and a window spanning years counts each year it touches.
 */
export function periodsInWindow(w: MonthWindow, type: PeriodType): string[] {
  if (w.end < w.start) return [];
  if (type === "year") {
    const first = fromMonthIndex(w.start).year;
    const last = fromMonthIndex(w.end).year;
    const out: string[] = [];
    // A multi-year window counts each year it touches; a window within one year counts that year.
    for (let y = first; y <= last; y++) out.push(String(y).padStart(4, "0"));
    return out;
  }
  const out: string[] = [];
  const step = type === "month" ? 1 : 3;
  // Align to the first period end (every month; March, June, September, December) at or after the
  // window start, then take every period end up to the window end.
  let i = w.start;
  if (type === "quarter") while (fromMonthIndex(i).month % 3 !== 0) i++;
  for (; i <= w.end; i += step) out.push(periodContaining(i, type));
  return out;
}

/**
 * The last quarter (1..4) of a year that ends inside the months `first`..`last` (1..12) of that
 * year, or null when none does (e.g. January–February, or November alone).
 */
export function lastQuarterEndingIn(first: number, last: number): number | null {
  const q = Math.floor(last / 3);
  return q >= 1 && q * 3 >= first ? q : null;
}

/** The period of the same type just before this one (March → February, Q1 → Q4 of last year). */
export function previousPeriod(p: Period | string): string {
  return shiftPeriod(p, -1);
}

/** The period of the same type just after this one. */
export function nextPeriod(p: Period | string): string {
  return shiftPeriod(p, 1);
}

/** Moves a period by `n` periods of its own type. */
export function shiftPeriod(p: Period | string, n: number): string {
  const period = asPeriod(p);
  switch (period.type) {
    case "month": {
      const { year, month } = fromMonthIndex(monthIndex(period.year, period.month) + n);
      return formatPeriod({ type: "month", year, month });
    }
    case "quarter": {
      const q = period.year * 4 + period.quarter - 1 + n;
      const year = Math.floor(q / 4);
      return formatPeriod({ type: "quarter", year, quarter: q - year * 4 + 1 });
    }
    case "year":
      return formatPeriod({ type: "year", year: period.year + n });
  }
}

/** Orders periods by their end month, then by length (longer first) for equal ends. */
export function comparePeriods(a: Period | string, b: Period | string): number {
  const wa = periodWindow(a);
  const wb = periodWindow(b);
  return wa.end - wb.end || wb.end - wb.start - (wa.end - wa.start);
}

/** True when a period of type `inner` can be reported within period type `outer` (month ⊂ quarter ⊂ year). */
export function isFinerOrEqual(inner: PeriodType, outer: PeriodType): boolean {
  const rank: Record<PeriodType, number> = { month: 0, quarter: 1, year: 2 };
  return rank[inner] <= rank[outer];
}

/** Human label in Bahasa Indonesia, e.g. "Maret 2025", "Triwulan I 2025", "Tahun 2025". */
export function periodLabel(p: Period | string, options: { ytd?: boolean } = {}): string {
  const period = asPeriod(p);
  const base = (() => {
    switch (period.type) {
      case "month":
        return `${MONTH_NAMES[period.month - 1]} ${period.year}`;
      case "quarter":
        return `Triwulan ${["I", "II", "III", "IV"][period.quarter - 1]} ${period.year}`;
      case "year":
        return `Tahun ${period.year}`;
    }
  })();
  const end = periodEndMonth(period);
  if (!options.ytd || period.type === "year" || end === 1) return base;
  return `Januari–${MONTH_NAMES[end - 1]} ${period.year} (kumulatif)`;
}

const MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
