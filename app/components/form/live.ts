/**
 * Live show-if and calculated fields in the browser, with the engine's own functions (the
 * browser-safe "@engine": "@engine/server" also loads Ajv, which must stay on the server).
 */
import { applyCalculations, hiddenByShowIf, withoutKeys } from "@engine";
import type { Form } from "@engine";

type Data = Record<string, unknown>;

/**
 * Fields hidden by show-if for `data`, and `data` with every calculated field recomputed from the
 * visible answers. Answers of hidden fields are kept (shown again if the condition flips back);
 * the server drops them on save.
 */
export function liveState(form: Form, data: Data, overlayHidden: readonly string[]): { hidden: Set<string>; data: Data } {
  const calc = (view: Data, hiddenNow: ReadonlySet<string>) => applyCalculations(form, view, new Set([...overlayHidden, ...hiddenNow]));
  const hidden = hiddenByShowIf(form, data, calc);
  const skip = new Set([...overlayHidden, ...hidden]);
  const computed = applyCalculations(form, withoutKeys(data, hidden), skip);
  const next: Data = { ...data };
  for (const section of form.sections) {
    for (const field of section.fields) {
      if (field.calculate === undefined) continue;
      if (Object.hasOwn(computed, field.key)) next[field.key] = computed[field.key];
      else delete next[field.key];
    }
  }
  return { hidden, data: next };
}
