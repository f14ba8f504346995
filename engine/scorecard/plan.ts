/**
 * Scorecard requests and plans: which indicators, windows, fields and forms a request needs, so
 * a fact provider can compute exactly those facts.
 */
import type { Indicator, TemplatePackage } from "../documents";
import { appliesToGroupsOf, reportingLevelsOf } from "../expected";
import { dict, type FormReporters, type PlanField, type PlanWindow, type ScorecardPlan } from "../facts";
import { parsePeriod, periodsInWindow, periodWindow, previousPeriod, type Period } from "../period";
import { compilePackage, type CompiledIndicator, type CompiledPackage } from "./compile";
import { scorecardMessage, type ScorecardMessageCode, type ScorecardMessageParams } from "./scorecard-messages";

/** An org unit shown as a row. */
export interface ScorecardRowRef {
  code: string;
  name: string;
  level: string;
}

/** What a user asks to see. */
export interface ScorecardRequest {
  period: string;
  /** Forces year-to-date on (or off) for all indicators; default: each indicator's own `ytd`. */
  ytd?: boolean;
  /** Indicator keys to show, in this order; default all (of `group` when given). */
  indicators?: readonly string[];
  group?: string;
  rows: readonly ScorecardRowRef[];
  /** The org unit the total row stands for (its targets apply); default a national total. */
  total?: ScorecardRowRef;
  /** Compute trends against the previous period; default true. */
  trend?: boolean;
  /**
   * An org-unit group key (not an indicator `group`): only units that are members of a group with
   * this key during the period, or lie below such a member (a Pustu or Posyandu of a member
   * Puskesmas), count (docs/decisions/034-who-reports-what.md).
   */
  orgGroup?: string;
}

/** A request the engine cannot serve: a code in SCORECARD_MESSAGES with its params; `message` in Bahasa Indonesia. */
export class ScorecardRequestError extends Error {
  constructor(
    readonly messageCode: ScorecardMessageCode,
    readonly params: ScorecardMessageParams = {},
  ) {
    super(scorecardMessage(messageCode, params));
    this.name = "ScorecardRequestError";
  }
}

/** Code of the total row when the request names no org unit for it. */
export const TOTAL_ROW_CODE = "*";

function selectIndicators(compiled: CompiledPackage, request: ScorecardRequest): CompiledIndicator[] {
  let keys: string[];
  if (request.indicators) {
    keys = [];
    for (const k of request.indicators) {
      if (!compiled.indicators.has(k)) {
        throw new ScorecardRequestError("INDICATOR_NOT_IN_PACKAGE", { indicator: k });
      }
      if (!keys.includes(k)) keys.push(k);
    }
  } else {
    keys = compiled.order;
  }
  const list = keys.map((k) => compiled.indicators.get(k)!);
  return request.group === undefined ? list : list.filter((c) => c.indicator.group === request.group);
}

/** Whether an indicator reads year-to-date in this request (also compute.ts, for its columns). */
export function isYtd(indicator: Indicator, request: ScorecardRequest, period: Period): boolean {
  if (period.type === "year") return false; // a year's window is already Jan..Dec
  return request.ytd ?? indicator.ytd ?? false;
}

/**
 * The data a scorecard request needs: per window (current, and previous for trends; each with or
 * without year-to-date as the indicators need) the fields as row totals, the fields also needed
 * per unit (count_units), and the forms and periods for completeness. Throws PeriodError or
 * ScorecardRequestError on a bad request.
 */
export function planScorecard(pkg: TemplatePackage, request: ScorecardRequest): ScorecardPlan {
  const compiled = compilePackage(pkg);
  const period = parsePeriod(request.period);
  const prev = parsePeriod(previousPeriod(period));
  const withTrend = request.trend ?? true;
  const windows = new Map<string, PlanWindow & { fieldSet: Set<string>; unitSet: Set<string>; groupSet: Set<string> }>();
  const getWindow = (role: "current" | "previous", ytd: boolean): string => {
    const id = ytd ? `${role}-ytd` : role;
    if (!windows.has(id)) {
      const p = role === "current" ? period : prev;
      const w = periodWindow(p, { ytd });
      windows.set(id, {
        id,
        role,
        ytd,
        period: role === "current" ? request.period : previousPeriod(period),
        start: w.start,
        end: w.end,
        fields: [],
        unitFields: [],
        forms: [],
        formPeriods: dict<string[]>(),
        fieldSet: new Set(),
        unitSet: new Set(),
        groupSet: new Set(),
      });
    }
    return id;
  };
  const planIndicators: ScorecardPlan["indicators"] = [];
  const fields = dict<PlanField>();
  for (const ci of selectIndicators(compiled, request)) {
    const ytd = isYtd(ci.indicator, request, period);
    const ids = [getWindow("current", ytd)];
    const previousWindow = withTrend ? getWindow("previous", ytd) : null;
    if (previousWindow) ids.push(previousWindow);
    planIndicators.push({ key: ci.indicator.key, window: ids[0], previousWindow });
    for (const id of ids) {
      const w = windows.get(id)!;
      for (const k of ci.fields) w.fieldSet.add(k);
      for (const k of ci.unitFields) w.unitSet.add(k);
      for (const g of ci.unitGroups) w.groupSet.add(g);
    }
    for (const k of ci.fields) {
      const { label: _label, ...field } = compiled.fields.get(k)!;
      fields[k] = field;
    }
  }
  const out: PlanWindow[] = [];
  const reporters = dict<FormReporters>();
  for (const w of windows.values()) {
    const { fieldSet, unitSet, groupSet, ...rest } = w;
    rest.fields = [...fieldSet];
    rest.unitFields = [...unitSet];
    // Only when a formula reads in_group: no membership work otherwise.
    if (groupSet.size > 0) rest.unitGroups = [...groupSet].sort();
    rest.forms = [...new Set(rest.fields.map((k) => fields[k].form))];
    for (const form of rest.forms) {
      const doc = compiled.forms.get(form)!;
      rest.formPeriods[form] = periodsInWindow({ start: w.start, end: w.end }, doc.periodType);
      reporters[form] ??= { levels: reportingLevelsOf(doc), groups: appliesToGroupsOf(doc), periodType: doc.periodType };
    }
    out.push(rest);
  }
  return {
    package: { key: pkg.key, version: pkg.version },
    period: request.period,
    reporters,
    orgGroup: request.orgGroup ?? null,
    rows: request.rows.map((r) => r.code),
    fields,
    windows: out,
    indicators: planIndicators,
  };
}
