/**
 * The one list of a draft's problems (docs/decisions/008-designer-drafts.md): the checks the
 * browser runs as the admin types (forms, indicators, targets, rules) and the server's answer
 * to the last save or check (schema and package checks), one entry per place and message.
 * Every counter of the designer — the header, the tabs, the form chips, the table columns, the
 * problem panel — counts this list, so they always agree. Also where a pointer is, in words.
 */
import type { TemplatePackage } from "@engine";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import type { DesignerContext, DesignerProblem } from "~/contracts/designer";
import { checkForms } from "./forms/checks";
import { indicatorChecks, ruleChecks, targetChecks, type Check } from "./indicators/checks";

/** Where an indicator editor's input ("at") sits in the document. */
const AT_POINTER: Readonly<Record<string, string>> = { profile: "profile", values: "profile" };

function fromChecks(prefix: string, checks: readonly Check[], locale: Locale): DesignerProblem[] {
  return checks.map((c) => ({
    pointer: `${prefix}/${AT_POINTER[c.at] ?? c.at}`,
    message: translate(locale, c.key as MessageKey, c.params),
    code: "CLIENT_CHECK",
    origin: "client" as const,
  }));
}

/** The input a pointer belongs to: a text's language leaf ("/name/id") is its text ("/name"), as the editors show it. */
function placeOf(pointer: string): string {
  return pointer.replace(/\/(id|en)$/, "");
}

/**
 * Client checks first, then the server's problems not already said at the same place: a field
 * the browser already flags ("Kelompok belum dipilih") is not listed again in the server's words.
 */
export function collectProblems(doc: TemplatePackage, context: DesignerContext, server: readonly DesignerProblem[], locale: Locale): DesignerProblem[] {
  const client: DesignerProblem[] = checkForms(doc, context, locale).map((p) => ({ ...p, origin: "client" as const }));
  doc.indicators.forEach((_, i) => client.push(...fromChecks(`/indicators/${i}`, indicatorChecks(doc, i, context), locale)));
  doc.targets.forEach((_, i) => client.push(...fromChecks(`/targets/${i}`, targetChecks(doc, i, context), locale)));
  doc.rules.forEach((_, i) => client.push(...fromChecks(`/rules/${i}`, ruleChecks(doc, i, context), locale)));
  const out: DesignerProblem[] = [];
  const seen = new Set<string>();
  const clientPlaces = new Set(client.map((p) => placeOf(p.pointer)));
  for (const p of [...client, ...server]) {
    if (p.origin !== "client" && clientPlaces.has(placeOf(p.pointer))) continue;
    const id = `${p.pointer}\u0000${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

const PROPERTY_WORDS: Readonly<Record<string, MessageKey>> = {
  title: "designer.where.prop.title",
  label: "designer.where.prop.label",
  name: "designer.where.prop.name",
  key: "designer.where.prop.key",
  type: "designer.where.prop.type",
  min: "designer.where.prop.min",
  max: "designer.where.prop.max",
  choices: "designer.where.prop.choices",
  showIf: "designer.where.prop.showIf",
  calculate: "designer.where.prop.calculate",
  source: "designer.where.prop.source",
  aggregation: "designer.where.prop.aggregation",
  group: "designer.where.prop.group",
  numerator: "designer.where.prop.numerator",
  denominator: "designer.where.prop.denominator",
  bands: "designer.where.prop.bands",
  value: "designer.where.prop.value",
  year: "designer.where.prop.year",
  scope: "designer.where.prop.scope",
  profile: "designer.where.prop.profile",
  message: "designer.where.prop.message",
  form: "designer.where.prop.form",
  periodType: "designer.where.prop.periodType",
  reportingLevels: "designer.where.prop.reportingLevels",
  appliesTo: "designer.where.prop.appliesTo",
  fields: "designer.where.prop.fields",
};

function text(value: { id?: string; en?: string } | undefined, locale: Locale, fallback: string): string {
  const s = (locale === "en" ? value?.en || value?.id : value?.id)?.trim();
  return s || fallback;
}

/**
 * A pointer in words: "/forms/1/sections/0/fields/2/label/id" →
 * "Formulir SPM bulanan › Bagian Ibu hamil › Kolom K6 › Label". Unknown parts are left out.
 */
export function describePointer(doc: TemplatePackage, pointer: string, t: T, locale: Locale): string {
  const parts = pointer.split("/").slice(1);
  const out: string[] = [];
  const prop = (name: string | undefined) => {
    const key = name === undefined ? undefined : PROPERTY_WORDS[name];
    if (key) out.push(t(key));
  };
  const [head, a, b, c, d, e, f, g] = parts;
  const ia = Number(a);
  if (head === "forms" && doc.forms[ia]) {
    const form = doc.forms[ia];
    out.push(t("designer.where.form", { name: text(form.title, locale, form.key) }));
    if (b === "sections" && form.sections[Number(c)]) {
      const section = form.sections[Number(c)];
      out.push(t("designer.where.section", { name: text(section.title, locale, section.key) }));
      if (d === "fields" && section.fields[Number(e)]) {
        const field = section.fields[Number(e)];
        out.push(t("designer.where.field", { name: text(field.label, locale, field.key) }));
        prop(f === "choices" && g !== undefined ? "choices" : f);
      } else prop(d);
    } else prop(b);
  } else if (head === "indicators" && doc.indicators[ia]) {
    const ind = doc.indicators[ia];
    out.push(t("designer.where.indicator", { name: text(ind.name, locale, ind.key) }));
    prop(b);
  } else if (head === "targets" && doc.targets[ia]) {
    const target = doc.targets[ia];
    out.push(t("designer.where.target", { name: target.indicator || "–", year: target.year }));
    prop(b);
  } else if (head === "rules" && doc.rules[ia]) {
    const rule = doc.rules[ia];
    out.push(t("designer.where.rule", { name: text(rule.message, locale, rule.key) }));
    prop(b);
  } else if (head === "groups" && doc.groups[ia]) {
    const group = doc.groups[ia];
    out.push(t("designer.where.group", { name: text(group.name, locale, group.key) }));
  } else {
    out.push(t("designer.where.package"));
    prop(head);
  }
  return out.join(" › ");
}
