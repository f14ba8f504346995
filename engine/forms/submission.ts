/**
 * Server-side validation of one submission: strip unknown keys, compute calculated fields,
 * drop values of hidden fields, then check every visible field with Ajv validators derived from
 * the same schema rjsf renders (docs/decisions/001-flat-form-data.md).
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { createFormAjv } from "../intake/ajv";
import { escapePointerToken } from "../intake/errors";
import { fromAjvError } from "../intake/messages";
import type { Field, Form } from "../../schemas/types.generated";
import { applyCalculations } from "./calculate";
import { fieldJsonSchema } from "./derive";
import { hiddenByShowIf, withoutKeys } from "./show-if";
import { fieldsOf, getOwn, isEmptyValue, localText, setOwn, type Locale } from "./text";
import type { IntakeMessageParams } from "../intake/intake-messages";
import { submissionMessage, submissionMessageErrorCode, type SubmissionMessageCode } from "./submission-messages";

export interface SubmissionError {
  /** Field key, or "" for the submission as a whole. */
  field: string;
  /** JSON pointer into the submission data. */
  pointer: string;
  code: string;
  /** Key of the message in SUBMISSION_MESSAGES or INTAKE_MESSAGES (submission-messages.ts). */
  messageCode: SubmissionMessageCode;
  /** What the message needs: the field's label in the requested locale, choice labels. */
  params: IntakeMessageParams;
  /** In the requested locale (Bahasa Indonesia by default): what is wrong and how to fix it. */
  message: string;
  messageEn: string;
}

export interface SubmissionResult {
  ok: boolean;
  /** Cleaned data to store: known visible fields only, calculated values filled in. */
  data: Record<string, unknown>;
  errors: SubmissionError[];
  /** Keys that were dropped because the form has no such (visible) field. */
  ignored: string[];
}

export interface FormValidatorOptions {
  /** Version of the form definition (package version, or effective-package version). */
  formVersion?: string | number;
  /** Field keys hidden by the district overlay. */
  hiddenFields?: readonly string[];
}

export interface SubmissionOptions extends FormValidatorOptions {
  locale?: Locale;
}

/** Compiled per-field validators of one form variant; built once, reused for every submission. */
export interface FormValidator {
  readonly cacheKey: string;
  readonly form: Form;
  readonly hidden: ReadonlySet<string>;
  /** Visible fields in display order, each with its compiled validator. */
  readonly fields: ReadonlyArray<{ field: Field; validate: ValidateFunction }>;
}

const ajv = createFormAjv();
const CACHE_LIMIT = 200;
const cache = new Map<string, FormValidator>();
const fingerprints = new WeakMap<Form, string>();

/** Two FNV-1a 32-bit passes with different offsets: a cheap 64-bit content fingerprint. */
function fingerprint(form: Form): string {
  let fp = fingerprints.get(form);
  if (fp) return fp;
  const text = JSON.stringify(form);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
  }
  fp = (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
  fingerprints.set(form, fp);
  return fp;
}

/**
 * The validator of a form variant, compiled once per (form key, version, hidden fields) and
 * cached. The key also carries a content fingerprint, so an effective package that changed a
 * form without a new version number can never reuse a stale validator.
 */
export function getFormValidator(form: Form, options: FormValidatorOptions = {}): FormValidator {
  const hiddenList = [...new Set(options.hiddenFields ?? [])].sort();
  const cacheKey = JSON.stringify([form.key, options.formVersion ?? null, hiddenList, fingerprint(form)]);
  const cached = cache.get(cacheKey);
  if (cached) {
    // Refresh recency for the LRU eviction below.
    cache.delete(cacheKey);
    cache.set(cacheKey, cached);
    return cached;
  }
  const hidden = new Set(hiddenList);
  const fields = fieldsOf(form)
    .filter((f) => !hidden.has(f.key))
    .map((field) => ({ field, validate: ajv.compile(fieldJsonSchema(field, "id")) }));
  const validator: FormValidator = { cacheKey, form, hidden, fields };
  cache.set(cacheKey, validator);
  if (cache.size > CACHE_LIMIT) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, FormValidator];
    cache.delete(oldestKey);
    for (const { validate } of oldest.fields) ajv.removeSchema(validate.schema);
  }
  return validator;
}

/** A problem as data, rendered in the requested locale and in English; `code` defaults to the message's own. */
function problem(
  field: string,
  pointer: string,
  locale: Locale,
  messageCode: SubmissionMessageCode,
  params: IntakeMessageParams = {},
  code?: string,
): SubmissionError {
  return {
    field,
    pointer,
    code: code ?? submissionMessageErrorCode(messageCode),
    messageCode,
    params,
    message: submissionMessage(messageCode, params, locale),
    messageEn: submissionMessage(messageCode, params, "en"),
  };
}

function fieldError(
  field: Field,
  locale: Locale,
  messageCode: SubmissionMessageCode,
  params: IntakeMessageParams,
  subPath = "",
  code?: string,
): SubmissionError {
  return problem(field.key, `/${escapePointerToken(field.key)}${subPath}`, locale, messageCode, params, code);
}

/** Turns the first Ajv error of a field into a message naming the field by its label. */
function describeFieldError(field: Field, value: unknown, errors: ErrorObject[], locale: Locale): SubmissionError {
  const label = localText(field.label, locale) ?? field.key;
  const choiceKeywords = new Set(["oneOf", "const", "enum"]);
  const e = errors.find((x) => !choiceKeywords.has(x.keyword)) ?? errors[errors.length - 1];
  if ((field.type === "choice" || field.type === "multichoice") && choiceKeywords.has(e.keyword)) {
    const labels = (field.choices ?? []).map((c) => localText(c.label, locale) ?? c.value);
    const labelsEn = (field.choices ?? []).map((c) => localText(c.label, "en") ?? c.value);
    return fieldError(field, locale, "SUBMISSION_UNKNOWN_CHOICE", { label, choices: labels.join(", "), choicesEn: labelsEn.join(", ") }, e.instancePath);
  }
  if (field.type === "boolean" && choiceKeywords.has(e.keyword)) {
    return fieldError(field, locale, "SUBMISSION_YES_NO", { label });
  }
  const numeric = field.type === "integer" || field.type === "number";
  if (numeric && (e.keyword === "maximum" || e.keyword === "minimum") && typeof value === "number") {
    const limit = (e.params as { limit: number }).limit;
    return fieldError(field, locale, e.keyword === "maximum" ? "SUBMISSION_TOO_LARGE" : "SUBMISSION_TOO_SMALL", { label, limit, value });
  }
  const converted = fromAjvError(e, label);
  return fieldError(field, locale, converted.messageCode as SubmissionMessageCode, converted.params ?? {}, e.instancePath, converted.code);
}

/**
 * Validates one submission against a form. Unknown keys (including `__proto__`, hidden fields
 * and values sent for calculated fields) are dropped, not refused: rjsf keeps values of fields
 * that became hidden, and a stale client must not lose the user's other answers. Never throws.
 */
export function validateSubmission(form: Form, data: unknown, options: SubmissionOptions = {}): SubmissionResult {
  const locale = options.locale ?? "id";
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      ok: false,
      data: {},
      ignored: [],
      errors: [problem("", "", locale, "SUBMISSION_NOT_OBJECT")],
    };
  }
  const input = data as Record<string, unknown>;
  const ignored: string[] = [];
  let validator: FormValidator;
  let hidden: Set<string>;
  let cleaned: Record<string, unknown>;
  try {
    validator = getFormValidator(form, options);
    const known = new Set(validator.fields.filter(({ field }) => field.calculate === undefined).map(({ field }) => field.key));
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      if (!known.has(key)) {
        ignored.push(key);
        continue;
      }
      const value = input[key];
      // rjsf sends null/"" for cleared inputs: both mean "no answer".
      if (value === null || value === "") continue;
      setOwn(values, key, value);
    }
    const overlayHidden = validator.hidden;
    const calc = (view: Record<string, unknown>, hiddenNow: ReadonlySet<string>): Record<string, unknown> =>
      applyCalculations(form, view, new Set([...overlayHidden, ...hiddenNow]));
    hidden = hiddenByShowIf(form, values, calc);
    for (const key of overlayHidden) hidden.add(key);
    cleaned = withoutKeys(applyCalculations(form, withoutKeys(values, hidden), hidden), hidden);
  } catch {
    // Only a form that skipped validatePackage gets here (bad formula, uncompilable field).
    return {
      ok: false,
      data: {},
      ignored,
      errors: [problem("", "", locale, "SUBMISSION_FORM_DEFINITION")],
    };
  }

  const errors: SubmissionError[] = [];
  for (const { field, validate } of validator.fields) {
    if (hidden.has(field.key)) continue;
    const value = getOwn(cleaned, field.key);
    const label = localText(field.label, locale) ?? field.key;
    if (isEmptyValue(value)) {
      if (field.required && field.calculate !== undefined) {
        errors.push(fieldError(field, locale, "SUBMISSION_NOT_CALCULABLE", { label }));
      } else if (field.required) {
        errors.push(fieldError(field, locale, "SUBMISSION_REQUIRED", { label }));
      }
      continue;
    }
    if (!validate(value)) errors.push(describeFieldError(field, value, validate.errors ?? [], locale));
  }
  return { ok: errors.length === 0, data: cleaned, errors, ignored };
}
