/**
 * Stable keys for forms, sections, fields and choices, generated from what the admin types.
 * Pure: used by the form builder in the browser and by its unit tests.
 */
import type { Field, Form, TemplatePackage } from "@engine";

/** Room left for a "_12" suffix under the 64-character cap. */
const BASE_MAX = 56;

/**
 * A key from a label: "Jumlah Ibu Hamil (K1)" → "jumlah_ibu_hamil_k1". Accents are dropped,
 * anything else becomes "_"; a key that would not start with a letter gets `prefix` first.
 */
export function slugKey(label: string, prefix = "isian"): string {
  const base = label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const started = /^[a-z]/.test(base) ? base : base ? `${prefix}_${base}` : prefix;
  return started.slice(0, BASE_MAX).replace(/_+$/, "");
}

/** `base`, or `base_2`, `base_3` … : the first one not in `taken`. */
export function uniqueKey(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Every field key of the package (keys are unique package-wide). */
export function fieldKeysOf(pkg: TemplatePackage): Set<string> {
  return new Set(pkg.forms.flatMap((f) => f.sections.flatMap((s) => s.fields.map((x) => x.key))));
}

/** Keys a new field may not take: field keys, indicator keys (formulas could not tell them apart). */
export function takenKeys(pkg: TemplatePackage): Set<string> {
  const taken = fieldKeysOf(pkg);
  for (const ind of pkg.indicators) taken.add(ind.key);
  return taken;
}

/**
 * The key a field should have after its label changed: a key that still follows the old label
 * (the admin never typed one) follows the new label; a key typed by hand, or a published one,
 * stays as it is.
 */
export function keyAfterRelabel(field: Field, newLabel: string, taken: ReadonlySet<string>, published: boolean, prefix = ""): string {
  if (published) return field.key;
  const others = new Set(taken);
  others.delete(field.key);
  const followsOld = field.key === uniqueKey(prefix + slugKey(field.label.id), others);
  if (!followsOld) return field.key;
  return uniqueKey(prefix + slugKey(newLabel), others);
}

/** A choice value from its label (pattern ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$), unique in the field. */
export function choiceValue(label: string, taken: ReadonlySet<string>): string {
  return uniqueKey(slugKey(label, "pilihan"), taken);
}

/** A section key unique in its form. */
export function sectionKey(form: Form, title: string, prefix = ""): string {
  return uniqueKey(prefix + slugKey(title, "bagian"), new Set(form.sections.map((s) => s.key)));
}
