/**
 * Form → { schema, uiSchema } for @rjsf/core. Data stays flat ({fieldKey: value}, the way
 * submissions are stored); sections are a rendering concern carried in `uiSchema["ui:sections"]`
 * for a custom ObjectFieldTemplate (docs/decisions/001-flat-form-data.md).
 */
import type { Field, Form } from "../../schemas/types.generated";
import { localText, setOwn, type Locale } from "./text";

/** Default and cap of text answers (docs/documents.md: maxLength default 500). */
export const DEFAULT_TEXT_MAX_LENGTH = 500;

export interface DeriveOptions {
  locale?: Locale;
  /** Field keys hidden by the district overlay: left out entirely. */
  hiddenFields?: readonly string[];
}

/** JSON Schema (draft-07, as rjsf's validator uses) of one form. */
export interface FormJsonSchema {
  type: "object";
  title: string;
  description?: string;
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

/** Section grouping for the renderer: which fields, in which order, under which heading. */
export interface UiSection {
  key: string;
  title: string;
  description?: string;
  fields: string[];
}

export type FormUiSchema = Record<string, unknown> & {
  "ui:order": string[];
  "ui:sections": UiSection[];
};

const BOOLEAN_LABELS: Record<Locale, [string, string]> = { id: ["Ya", "Tidak"], en: ["Yes", "No"] };

/** JSON Schema of a single field's value. */
export function fieldJsonSchema(field: Field, locale: Locale = "id"): Record<string, unknown> {
  const label = localText(field.label, locale) ?? field.key;
  const title = field.unit ? `${label} (${field.unit})` : label;
  const choices = (field.choices ?? []).map((c) => ({ const: c.value, title: localText(c.label, locale) ?? c.value }));
  switch (field.type) {
    case "integer":
    case "number":
      return {
        type: field.type,
        title,
        ...(field.min !== undefined ? { minimum: field.min } : {}),
        ...(field.max !== undefined ? { maximum: field.max } : {}),
        ...(field.calculate !== undefined ? { readOnly: true } : {}),
      };
    case "boolean": {
      const [yes, no] = BOOLEAN_LABELS[locale];
      return {
        type: "boolean",
        title,
        oneOf: [
          { const: true, title: yes },
          { const: false, title: no },
        ],
        ...(field.calculate !== undefined ? { readOnly: true } : {}),
      };
    }
    case "text":
      return { type: "string", title, maxLength: field.maxLength ?? DEFAULT_TEXT_MAX_LENGTH };
    case "date":
      // docs/security.md item 1: never a format without maxLength.
      return { type: "string", title, format: "date", maxLength: 10 };
    case "choice":
      return { type: "string", title, oneOf: choices };
    case "multichoice":
      return {
        type: "array",
        title,
        items: { type: "string", oneOf: choices },
        uniqueItems: true,
        maxItems: choices.length,
      };
  }
}

function fieldUiSchema(field: Field, locale: Locale): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  const help = localText(field.help, locale);
  if (help) ui["ui:help"] = help;
  if (field.calculate !== undefined) ui["ui:readonly"] = true;
  if (field.type === "boolean") ui["ui:widget"] = "radio";
  if (field.type === "multichoice") ui["ui:widget"] = "checkboxes";
  if (field.type === "text" && (field.maxLength ?? DEFAULT_TEXT_MAX_LENGTH) > 200) ui["ui:widget"] = "textarea";
  return ui;
}

/**
 * Derives the rjsf schema and uiSchema of a form. Fields with a show-if condition are never in
 * `required` (a hidden field cannot be required); the server enforces their requiredness once
 * it knows they are visible. Calculated fields are read-only and never required from the user.
 */
export function formToJsonSchema(form: Form, options: DeriveOptions = {}): { schema: FormJsonSchema; uiSchema: FormUiSchema } {
  const locale = options.locale ?? "id";
  const hidden = new Set(options.hiddenFields ?? []);
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  const order: string[] = [];
  const sections: UiSection[] = [];
  const uiSchema = { "ui:order": order, "ui:sections": sections } as FormUiSchema;
  for (const section of form.sections) {
    const keys: string[] = [];
    for (const field of section.fields) {
      if (hidden.has(field.key)) continue;
      setOwn(properties, field.key, fieldJsonSchema(field, locale));
      keys.push(field.key);
      if (field.required && field.showIf === undefined && field.calculate === undefined) required.push(field.key);
      const ui = fieldUiSchema(field, locale);
      if (Object.keys(ui).length > 0) setOwn(uiSchema, field.key, ui);
    }
    if (keys.length === 0) continue;
    order.push(...keys);
    const description = localText(section.description, locale);
    sections.push({ key: section.key, title: localText(section.title, locale) ?? section.key, ...(description ? { description } : {}), fields: keys });
  }
  const description = localText(form.description, locale);
  const schema: FormJsonSchema = {
    type: "object",
    title: localText(form.title, locale) ?? form.key,
    ...(description ? { description } : {}),
    properties,
    required,
    additionalProperties: false,
  };
  return { schema, uiSchema };
}
