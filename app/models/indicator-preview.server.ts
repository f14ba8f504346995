/**
 * Indicator preview for the designer: the draft package posted by the page goes through the
 * intake gate (size and depth caps, schema, semantics), the indicator is compiled by the engine
 * and computed on the last 6 months of real submissions inside the caller's area, with the same
 * SQL fact provider and engine functions as the scorecards. Nothing is written.
 */
import {
  compilePackage,
  computeScorecard,
  formatNumberId,
  monthPeriodOf,
  parseJsonDocument,
  periodLabel,
  planScorecard,
  validatePackage,
  PACKAGE_MAX_BYTES,
  type DocumentError,
  type TemplatePackage,
} from "@engine/server";
import { indicatorPreviewGrant } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import type { DbOrTrx } from "~/auth/audit.server";
import type { OrgUnit } from "~/db/schema";
import type { PreviewPeriod, PreviewProblem, PreviewResult } from "~/contracts/indicator-preview";
import { rowFacts } from "./fact-index-facts.server";
import { getOrgById, listChildren } from "./org.server";
import { clock } from "~/utils/clock.server";
import type { Locale } from "~/i18n/catalog";
import { localeOf, MessageError, say } from "~/i18n/message";

/** Months shown by the preview. */
export const PREVIEW_PERIODS = 6;

const ROW_LEVELS: ReadonlyArray<OrgUnit["level"]> = ["province", "district", "puskesmas"];
const COUNTED = ["submitted", "approved"];

/** A problem with the request the user can fix (wrong index, no area): a catalogue key, rendered for the user. */
export class PreviewInputError extends MessageError {}

function toProblem(e: DocumentError, locale: Locale, pointer = e.pointer): PreviewProblem {
  return { pointer, code: e.formulaCode ?? e.code, message: locale === "en" ? e.messageEn : e.message, start: e.start, end: e.end };
}

/**
 * The unit whose children are the preview's rows: the national admin's nation (rows: provinces),
 * a district admin's district (rows: its Puskesmas). Always from the session's grants.
 */
export async function previewScope(db: DbOrTrx, user: SessionUser): Promise<OrgUnit> {
  const grant = indicatorPreviewGrant(user);
  if (!grant) throw new PreviewInputError("preview.error.role", {}, 403, user);
  const unit = await getOrgById(db, grant.orgUnitId);
  if (!unit) throw new PreviewInputError("preview.error.noArea", {}, 404, user);
  return unit;
}

/**
 * Keeps what the indicator needs (groups, forms, the indicator and its targets) so a half-built
 * other indicator or rule in the draft does not block previewing this one.
 */
function reducedPackage(doc: Record<string, unknown>, index: number): { json: Record<string, unknown>; targetIndex: number[] } | undefined {
  const indicators = doc.indicators;
  if (!Array.isArray(indicators) || index < 0 || index >= indicators.length) return undefined;
  const indicator = indicators[index] as Record<string, unknown> | null;
  if (!indicator || typeof indicator !== "object") return undefined;
  const targets = Array.isArray(doc.targets) ? doc.targets : [];
  const targetIndex: number[] = [];
  const kept = targets.filter((t, i) => {
    const keep = t && typeof t === "object" && (t as Record<string, unknown>).indicator === indicator.key;
    if (keep) targetIndex.push(i);
    return keep;
  });
  return { json: { ...doc, indicators: [indicator], targets: kept, rules: [] }, targetIndex };
}

/** Maps a pointer of the reduced package back into the posted draft. */
function originalPointer(pointer: string, index: number, targetIndex: number[]): string {
  const m = /^\/(indicators|targets|rules)\/(\d+)(.*)$/.exec(pointer);
  if (!m) return pointer;
  if (m[1] === "indicators") return `/indicators/${index}${m[3]}`;
  if (m[1] === "targets") return `/targets/${targetIndex[Number(m[2])] ?? m[2]}${m[3]}`;
  return pointer;
}

export interface PreviewInput {
  user: SessionUser;
  /** The draft package as JSON text (what the designer page holds). */
  documentText: string;
  /** Position of the indicator in the draft's `indicators`. */
  index: number;
}

/** Computes the preview; never writes. Throws PreviewInputError for requests the user can fix. */
export async function previewIndicator(db: DbOrTrx, input: PreviewInput): Promise<PreviewResult> {
  const scope = await previewScope(db, input.user);
  const locale = localeOf(input.user);
  const parsed = parseJsonDocument(input.documentText, { maxBytes: PACKAGE_MAX_BYTES });
  if (!parsed.ok) {
    return { status: "problems", message: say(locale, "preview.error.unreadable"), problems: parsed.errors.map((e) => toProblem(e, locale)) };
  }
  const doc = parsed.value;
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return {
      status: "problems",
      message: say(locale, "preview.error.notObject"),
      problems: [{ pointer: "", code: "NOT_OBJECT", message: say(locale, "preview.error.notObject") }],
    };
  }
  const reduced = reducedPackage(doc as Record<string, unknown>, input.index);
  if (!reduced) throw new PreviewInputError("preview.error.noIndicator", {}, 400, locale);
  // lokal_ keys are fine here: an overlay's effective package carries them.
  const checked = validatePackage(reduced.json, { allowLocalKeys: true, maxBytes: PACKAGE_MAX_BYTES });
  if (!checked.ok || !checked.package) {
    return {
      status: "problems",
      message: say(locale, "preview.error.notComputable"),
      problems: checked.errors.slice(0, 50).map((e) => toProblem(e, locale, originalPointer(e.pointer, input.index, reduced.targetIndex))),
    };
  }
  const pkg: TemplatePackage = checked.package;
  const indicator = pkg.indicators[0];
  const compiled = compilePackage(pkg).indicators.get(indicator.key);
  const forms = compiled?.forms ?? [];
  // The last month is read from the finest forms: a yearly form is filed at its year's end
  // (December) and would otherwise push the window past the months actually reported.
  const FINENESS = ["month", "quarter", "year"];
  const typeOf = (key: string) => pkg.forms.find((f) => f.key === key)?.periodType ?? "year";
  const finest = Math.min(...forms.map((f) => FINENESS.indexOf(typeOf(f))));
  const clockForms = forms.filter((f) => FINENESS.indexOf(typeOf(f)) === finest);

  const rows = (await listChildren(db, scope.id)).filter((u) => ROW_LEVELS.includes(u.level));
  const latest =
    forms.length === 0 || rows.length === 0
      ? undefined
      : await db
          .selectFrom("submission")
          .innerJoin("org_unit", "org_unit.id", "submission.org_unit_id")
          .select((eb) => eb.fn.max("submission.month_index").as("m"))
          .where("submission.package_key", "=", pkg.key)
          .where("submission.form_key", "in", clockForms)
          .where("submission.status", "in", COUNTED as never[])
          .where("org_unit.path", "like", `${scope.path}%`)
          .executeTakeFirst();
  // Up to the last complete month: the current one holds only a few early reports.
  const today = clock.now();
  const lastComplete = today.getUTCFullYear() * 12 + today.getUTCMonth() - 1;
  const lastIndex = latest?.m === null || latest?.m === undefined ? null : Math.min(Number(latest.m), lastComplete);
  if (lastIndex === null) {
    return {
      status: "nodata",
      scope: { code: scope.code, name: scope.name },
      message: forms.length
        ? say(locale, "preview.noData.forms", { forms: forms.join(", "), package: pkg.key, area: scope.name })
        : say(locale, "preview.noData.indicator", { package: pkg.key, area: scope.name }),
    };
  }

  const decimals = indicator.decimals ?? 1;
  const request = {
    rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level })),
    total: { code: scope.code, name: scope.name, level: scope.level },
    indicators: [indicator.key],
    ytd: indicator.ytd,
    trend: false,
  };
  const periods: PreviewPeriod[] = [];
  for (let i = PREVIEW_PERIODS - 1; i >= 0; i--) {
    const period = monthPeriodOf(lastIndex - i);
    const req = { ...request, period };
    const plan = planScorecard(pkg, req);
    const facts = await rowFacts(db, plan, rows);
    const card = computeScorecard(pkg, req, { facts });
    const cell = card.total.cells[0];
    const whole = (x: number | null) => (x !== null && Number.isInteger(x) ? 0 : 2);
    const fmt = (x: number | null, d = decimals) => (x === null ? "–" : formatNumberId(x, d));
    periods.push({
      period,
      label: periodLabel(period, { ytd: card.columns[0]?.ytd }),
      value: cell.value,
      numerator: cell.numerator,
      denominator: cell.denominator,
      target: cell.target?.value ?? null,
      achievement: cell.achievement,
      band: cell.band,
      state: cell.state,
      reason: cell.reason,
      completeness: cell.completeness,
      shown: {
        value: fmt(cell.value),
        numerator: fmt(cell.numerator, whole(cell.numerator)),
        denominator: fmt(cell.denominator, whole(cell.denominator)),
        target: fmt(cell.target?.value ?? null),
        achievement: cell.achievement === null ? "–" : `${formatNumberId(cell.achievement, 1)}%`,
        completeness: cell.completeness === null ? "–" : `${formatNumberId(cell.completeness * 100, 0)}%`,
      },
    });
  }
  return {
    status: "ok",
    indicator: indicator.key,
    unit: indicator.unit ?? null,
    scope: { code: scope.code, name: scope.name, level: scope.level, rows: rows.length },
    periods,
  };
}
