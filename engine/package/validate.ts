/**
 * Validation of template packages and district overlays: the JSON Schema first (Ajv, through
 * the intake gate), then the semantic checks of semantics.ts. Server only: Ajv stays out of the
 * browser bundle.
 */
import type { DocumentError } from "../intake/errors";
import { PACKAGE_MAX_BYTES, type JsonCaps } from "../intake/limits";
import { validateDocument } from "../intake/documents";
import type { DistrictOverlay, TemplatePackage } from "../../schemas/types.generated";
import { checkOverlaySemantics, checkPackageSemantics, type PackageValidateOptions } from "./semantics";

export interface PackageValidation {
  ok: boolean;
  errors: DocumentError[];
  /** The typed package, when `ok`. */
  package?: TemplatePackage;
}

export interface OverlayValidation {
  ok: boolean;
  errors: DocumentError[];
  overlay?: DistrictOverlay;
}

const PART_KINDS = [
  ["forms", "form"],
  ["indicators", "indicator"],
  ["targets", "target"],
  ["rules", "validation-rule"],
] as const;

/**
 * Ajv runs with allErrors: false on the server (docs/security.md item 2), so one pass reports one schema
 * error. To list the problems of every broken form, indicator, target and rule at once, each item
 * is validated on its own (still first-error-only, so the work stays bounded by the item count),
 * then the package's own fields with its lists emptied.
 */
function schemaErrorsByPart(json: unknown, first: DocumentError[], options: PackageValidateOptions): DocumentError[] {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return first;
  const doc = json as Record<string, unknown>;
  const errors: DocumentError[] = [];
  for (const [list, kind] of PART_KINDS) {
    const items = Object.hasOwn(doc, list) ? doc[list] : undefined;
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      // The package already passed its size cap; a part is not held to the single-document cap.
      const part = validateDocument(kind, item, { ...options, maxBytes: options.maxBytes ?? PACKAGE_MAX_BYTES });
      for (const e of part.errors) errors.push({ ...e, pointer: `/${list}/${i}${e.pointer}` });
    });
  }
  const shell: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(doc)) {
    Object.defineProperty(shell, key, { value: PART_KINDS.some(([list]) => list === key) && Array.isArray(doc[key]) ? [] : doc[key], enumerable: true });
  }
  const top = validateDocument("template-package", shell, options);
  errors.push(...top.errors);
  // The split can miss what only the whole document breaks (e.g. a cap on the whole): keep the first error then.
  return errors.length > 0 ? errors : first;
}

/**
 * Validates a template package: JSON Schema first (stops there on failure), then semantics.
 * Never throws.
 */
export function validatePackage(json: unknown, options: PackageValidateOptions = {}): PackageValidation {
  const schema = validateDocument("template-package", json, options);
  if (!schema.ok) return { ok: false, errors: schemaErrorsByPart(json, schema.errors, options) };
  const pkg = json as TemplatePackage;
  const errors = checkPackageSemantics(pkg, options);
  return errors.length === 0 ? { ok: true, errors, package: pkg } : { ok: false, errors };
}

/**
 * Basic checks of a district overlay against its base package: structure, referenced keys exist
 * (in the base or added earlier in the overlay), added keys start with `lokal_`, only optional
 * fields hidden, targets scoped inside the district. `baseVersion` is deliberately not compared:
 * rebasing validates an overlay against a newer base. Formulas of added items are checked when
 * the effective package is validated (`validatePackage(effective, {allowLocalKeys: true})`).
 */
export function validateOverlay(overlayJson: unknown, basePackage: TemplatePackage, caps: JsonCaps = {}): OverlayValidation {
  const schema = validateDocument("district-overlay", overlayJson, caps);
  if (!schema.ok) return { ok: false, errors: schema.errors };
  const overlay = overlayJson as DistrictOverlay;
  const errors = checkOverlaySemantics(overlay, basePackage);
  return errors.length === 0 ? { ok: true, errors, overlay } : { ok: false, errors };
}
