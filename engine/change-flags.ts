/**
 * Change flags for the district verifier (docs/decisions/024-verifier-change-flags.md): a number
 * that moved too far against the unit's last non-draft report, or that lies outside the band its
 * own recent history makes (median ± k × 1.4826 × MAD, never narrower than the thresholds), is
 * flagged at the field. The caller
 * supplies the history; the engine reads no database and no clock.
 */
import type { ChangeCheck, Field, Form } from "./documents";
import type { MessageParams } from "./message-table";

/** Thresholds after defaults, the form's `changeCheck` and the field's `changeCheck` are merged. */
export interface ChangeCheckSettings {
  percent: number;
  minChange: number;
  bandWidth: number;
  off: boolean;
}

/** Defaults when the package says nothing; the decision record gives the reasons. */
export const CHANGE_CHECK_DEFAULTS: Readonly<ChangeCheckSettings> = Object.freeze({ percent: 50, minChange: 3, bandWidth: 3.5, off: false });

/** How many past reports make the history band: at most `window`, and none below `minimum`. */
export const CHANGE_HISTORY = Object.freeze({ window: 12, minimum: 6 });

/** MAD × 1.4826 estimates the standard deviation of normally distributed values. */
const MAD_SCALE = 1.4826;

/** A report's status as the verifier reads it; drafts never serve as a comparison. */
export type PastStatus = "submitted" | "returned" | "approved";

/** One earlier non-draft report of the same unit and form. */
export interface PastReport {
  period: string;
  status: PastStatus;
  data: Readonly<Record<string, unknown>>;
}

export type ChangeFlagCode = "CHANGE_PERCENT" | "CHANGE_FROM_ZERO" | "CHANGE_HISTORY";

export interface ChangeFlag {
  field: string;
  code: ChangeFlagCode;
  params: MessageParams;
}

export interface ChangeFlagResult {
  /** The report the percentage change is measured against: the newest non-draft one, if any. */
  comparison: PastReport | null;
  flags: ChangeFlag[];
  /** Distinct fields with at least one flag. */
  flaggedFields: string[];
}

function pick(into: ChangeCheckSettings, from: ChangeCheck | undefined): ChangeCheckSettings {
  if (!from) return into;
  return {
    percent: from.percent ?? into.percent,
    minChange: from.minChange ?? into.minChange,
    bandWidth: from.bandWidth ?? into.bandWidth,
    off: from.off ?? into.off,
  };
}

/** The thresholds for one field: the defaults, then the form's, then the field's own. */
export function changeCheckFor(form: Pick<Form, "changeCheck">, field: Pick<Field, "changeCheck">): ChangeCheckSettings {
  return pick(pick({ ...CHANGE_CHECK_DEFAULTS }, form.changeCheck), field.changeCheck);
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function numberOf(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Rounded for messages only (one decimal): flags compare unrounded numbers. */
function shown(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * The flags of one report. `past` holds the same unit's earlier non-draft reports of the same
 * form, newest first. The percentage check compares against the newest of them (whatever its
 * status, which the caller shows); the history band uses only submitted and approved reports,
 * since a returned report's numbers were judged wrong.
 */
export function changeFlags(form: Form, current: Readonly<Record<string, unknown>>, past: readonly PastReport[]): ChangeFlagResult {
  const comparison = past[0] ?? null;
  const history = past.filter((r) => r.status !== "returned").slice(0, CHANGE_HISTORY.window);
  const flags: ChangeFlag[] = [];
  for (const section of form.sections) {
    for (const field of section.fields) {
      if (field.type !== "integer" && field.type !== "number") continue;
      const settings = changeCheckFor(form, field);
      if (settings.off) continue;
      const value = numberOf(Object.hasOwn(current, field.key) ? current[field.key] : undefined);
      if (value === null) continue;
      const before = comparison && Object.hasOwn(comparison.data, field.key) ? numberOf(comparison.data[field.key]) : null;
      if (comparison && before !== null && Math.abs(value - before) > settings.minChange) {
        if (before === 0) {
          flags.push({ field: field.key, code: "CHANGE_FROM_ZERO", params: { current: value, period: comparison.period } });
        } else {
          const percent = ((value - before) / Math.abs(before)) * 100;
          if (Math.abs(percent) > settings.percent) {
            flags.push({
              field: field.key,
              code: "CHANGE_PERCENT",
              params: { previous: before, current: value, percent: shown(percent), threshold: settings.percent, period: comparison.period },
            });
          }
        }
      }
      const values = history
        .map((r) => (Object.hasOwn(r.data, field.key) ? numberOf(r.data[field.key]) : null))
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
      if (values.length >= CHANGE_HISTORY.minimum) {
        const mid = median(values);
        const mad = median(values.map((v) => Math.abs(v - mid)).sort((a, b) => a - b));
        // A steady history (MAD 0) would flag any change at all, and a slowly growing count (cadres,
        // villages) would leave its own band every few months: the band is never narrower than
        // minChange, nor than the percentage threshold around the median.
        const half = Math.max(settings.bandWidth * MAD_SCALE * mad, settings.minChange, (settings.percent / 100) * Math.abs(mid));
        if (Math.abs(value - mid) > half) {
          flags.push({
            field: field.key,
            code: "CHANGE_HISTORY",
            params: { current: value, median: shown(mid), low: shown(mid - half), high: shown(mid + half), count: values.length },
          });
        }
      }
    }
  }
  return { comparison, flags, flaggedFields: [...new Set(flags.map((f) => f.field))] };
}
