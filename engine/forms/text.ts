import type { Locale } from "../formula/index";
import type { Form, Field, Text } from "../../schemas/types.generated";

/** Languages the platform renders ("id" | "en"); Bahasa Indonesia is the default and the fallback. */
export type { Locale };

/** Picks the text for a locale, falling back to Bahasa Indonesia. */
export function localText(text: Text | undefined, locale: Locale = "id"): string | undefined {
  if (!text) return undefined;
  return locale === "en" && text.en ? text.en : text.id;
}

/** All fields of a form in display order. */
export function fieldsOf(form: Form): Field[] {
  return form.sections.flatMap((s) => s.fields);
}

/** Sets an own property without ever invoking the `__proto__` setter (docs/security.md item 4). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Own-property read: inherited members (`constructor`, `toString` …) never count as values. */
export function getOwn(source: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
}

/** "No answer": undefined, null, empty string, or nothing selected. */
export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/**
 * A number as a reader of `locale` writes it: "100.000" and "12,5" in Bahasa Indonesia,
 * "100,000" and "12.5" in English. Up to six decimals, none when it is whole; no Intl, so the
 * browser and the server agree whatever locale data they carry.
 */
export function formatNumber(x: number, locale: Locale = "id"): string {
  if (!Number.isFinite(x)) return String(x);
  const [group, point] = locale === "en" ? [",", "."] : [".", ","];
  const fixed = Math.abs(x)
    .toFixed(6)
    .replace(/\.?0+$/, "");
  const [int, frac] = fixed.split(".");
  const sign = x < 0 && fixed !== "0" ? "-" : "";
  return `${sign}${int.replace(/\B(?=(\d{3})+(?!\d))/g, group)}${frac ? point + frac : ""}`;
}
