/**
 * The designer's form settings "applies to" (decision 036): the groups an admin may choose from
 * (the groups they may read, `listGroups`) and the problems of a draft's `appliesTo` keys that name
 * no such group. An unknown key is a problem in the designer's list, not a refusal: a group may be
 * created after the form, and a district group of another district is not the admin's to see.
 * The same holds for the keys indicator formulas read with in_group (decision 039).
 */
import { checkFormula, type FormulaType } from "@engine";
import type { SessionUser } from "~/auth/session.server";
import type { DesignerProblem } from "~/contracts/designer";
import type { Locale } from "~/i18n/catalog";
import { both } from "~/i18n/message";
import { listGroups } from "./groups.server";

/** A group the admin may choose for a form's "applies to": key, name, owner. */
export interface DesignerGroup {
  key: string;
  name: string;
  owner: string;
}

/** The groups `user` may read, by key (one entry per key; owners differ only in name). */
export async function designerGroups(user: SessionUser): Promise<DesignerGroup[]> {
  const { groups } = await listGroups(user);
  const byKey = new Map<string, DesignerGroup>();
  for (const g of groups) if (!byKey.has(g.key)) byKey.set(g.key, { key: g.key, name: g.name, owner: g.owner });
  return [...byKey.values()];
}

/**
 * One problem per `appliesTo` key of a form in `doc` (a package document, possibly not valid yet)
 * that names none of `groups`, at `/forms/<i>/appliesTo/groups/<j>`, in the reader's language.
 */
export function appliesToProblems(doc: unknown, groups: readonly Pick<DesignerGroup, "key">[], locale: Locale): DesignerProblem[] {
  const forms = typeof doc === "object" && doc !== null && Array.isArray((doc as { forms?: unknown }).forms) ? (doc as { forms: unknown[] }).forms : [];
  const known = new Set(groups.map((g) => g.key));
  const problems: DesignerProblem[] = [];
  forms.forEach((form, fi) => {
    const keys = (form as { appliesTo?: { groups?: unknown } } | null)?.appliesTo?.groups;
    if (!Array.isArray(keys)) return;
    keys.forEach((key, gi) => {
      if (typeof key !== "string" || known.has(key)) return;
      problems.push({
        pointer: `/forms/${fi}/appliesTo/groups/${gi}`,
        code: "UNKNOWN_GROUP_KEY",
        message: both("designer.appliesTo.unknownGroup", { key })[locale],
      });
    });
  });
  return problems;
}

/** `appliesToProblems` of a document sent as text; none when it is not JSON (the draft check says so). */
export function appliesToProblemsOfText(documentText: string, groups: readonly Pick<DesignerGroup, "key">[], locale: Locale): DesignerProblem[] {
  try {
    return appliesToProblems(JSON.parse(documentText), groups, locale);
  } catch {
    return [];
  }
}

const NO_SYMBOLS: ReadonlyMap<string, FormulaType> = new Map();

/**
 * One problem per indicator formula part (numerator, denominator) and in_group key in it that
 * names none of `groups`, at `/indicators/<i>/<part>`, in the reader's language. Formula errors
 * themselves are the formula editor's and the package check's to report, not repeated here.
 */
export function inGroupProblems(doc: unknown, groups: readonly Pick<DesignerGroup, "key">[], locale: Locale): DesignerProblem[] {
  const indicators =
    typeof doc === "object" && doc !== null && Array.isArray((doc as { indicators?: unknown }).indicators) ? (doc as { indicators: unknown[] }).indicators : [];
  const known = new Set(groups.map((g) => g.key));
  const problems: DesignerProblem[] = [];
  indicators.forEach((indicator, ii) => {
    for (const part of ["numerator", "denominator"] as const) {
      const src = (indicator as Record<string, unknown> | null)?.[part];
      // Cheap first: most formulas never mention in_group.
      if (typeof src !== "string" || !src.includes("in_group")) continue;
      for (const key of checkFormula(src, { symbols: NO_SYMBOLS, context: "indicator" }).groupRefs) {
        if (known.has(key)) continue;
        problems.push({ pointer: `/indicators/${ii}/${part}`, code: "UNKNOWN_GROUP_KEY", message: both("designer.inGroup.unknownGroup", { key })[locale] });
      }
    }
  });
  return problems;
}

/** Every group key of a draft that names no group the admin may read: forms' "applies to" and indicators' in_group. */
export function groupKeyProblems(doc: unknown, groups: readonly Pick<DesignerGroup, "key">[], locale: Locale): DesignerProblem[] {
  return [...appliesToProblems(doc, groups, locale), ...inGroupProblems(doc, groups, locale)];
}

/** `groupKeyProblems` of a document sent as text; none when it is not JSON (the draft check says so). */
export function groupKeyProblemsOfText(documentText: string, groups: readonly Pick<DesignerGroup, "key">[], locale: Locale): DesignerProblem[] {
  try {
    return groupKeyProblems(JSON.parse(documentText), groups, locale);
  } catch {
    return [];
  }
}
