/**
 * FHIR R4 validation through FHIR.js (`fhir` 4.12), offline: the package bundles the published
 * R4 (4.0.1) StructureDefinitions and ValueSets, pre-parsed (`node_modules/fhir/profiles/`). It
 * checks each element against its definition: known elements only (`errorOnUnexpected`),
 * cardinality and required elements, data types, codes of required bindings, and the resource
 * types a Reference may point at. It does not evaluate the definitions' FHIRPath invariants and its
 * primitive patterns are unanchored (`"2026-13-99"` passes as a date), so this module adds, through
 * the library's own hook, the R4 primitive patterns anchored and the few invariants our resources
 * can break (ele-1, ext-1, bdl-7). Decision 049 (docs/decisions/049-fhir-measure-report.md).
 */
import { Fhir } from "fhir";

export interface FhirIssue {
  severity: "fatal" | "error" | "warning" | "info";
  location: string;
  message: string;
}

export interface FhirValidation {
  /** No issue of severity error or fatal. */
  valid: boolean;
  issues: FhirIssue[];
}

let instance: Fhir | null = null;
/** One parser per process: loading the bundled definitions takes a few tens of milliseconds. */
function fhir(): Fhir {
  return (instance ??= new Fhir());
}

/** The R4 primitive types' regular expressions (https://hl7.org/fhir/R4/datatypes.html), anchored. */
const PRIMITIVE: Record<string, RegExp> = {
  date: /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/,
  dateTime:
    /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/,
  instant:
    /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  code: /^[^\s]+( [^\s]+)*$/,
  uri: /^\S*$/,
  url: /^\S*$/,
  canonical: /^\S*$/,
};
const INTEGER = { integer: [-2147483648, 2147483647], unsignedInt: [0, 2147483647], positiveInt: [1, 2147483647] } as const;

function primitiveIssue(type: string, value: unknown): string | null {
  const pattern = PRIMITIVE[type];
  if (pattern) return typeof value === "string" && pattern.test(value) ? null : `bukan ${type} FHIR yang sah: ${JSON.stringify(value)}`;
  if (type in INTEGER) {
    const [min, max] = INTEGER[type as keyof typeof INTEGER];
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? null
      : `bukan ${type} FHIR yang sah: ${JSON.stringify(value)}`;
  }
  if (type === "decimal") return typeof value === "number" && Number.isFinite(value) ? null : `bukan decimal FHIR yang sah: ${JSON.stringify(value)}`;
  if (type === "string" || type === "markdown") return typeof value === "string" && value.trim() !== "" ? null : `string FHIR tidak boleh kosong`;
  return null;
}

/** ele-1 (every element has a value or children) and ext-1 (an extension has a value or extensions, not both), everywhere. */
function walkInvariants(node: unknown, at: string, issues: FhirIssue[]): void {
  if (node === null) {
    issues.push({ severity: "error", location: at, message: "ele-1: null bukan nilai FHIR" });
    return;
  }
  if (Array.isArray(node)) {
    if (node.length === 0) issues.push({ severity: "error", location: at, message: "ele-1: larik kosong tidak boleh ada" });
    node.forEach((x, i) => walkInvariants(x, `${at}[${i}]`, issues));
    return;
  }
  if (node === "") issues.push({ severity: "error", location: at, message: "ele-1: string kosong bukan nilai FHIR" });
  if (typeof node !== "object") return;
  const keys = Object.keys(node as object);
  if (keys.length === 0) issues.push({ severity: "error", location: at, message: "ele-1: elemen tanpa nilai dan tanpa anak" });
  const obj = node as Record<string, unknown>;
  if (typeof obj.url === "string" && at.endsWith("]") && /\.(extension|modifierExtension)\[\d+\]$/.test(at)) {
    const hasValue = keys.some((k) => k.startsWith("value"));
    const hasExtensions = Array.isArray(obj.extension) && obj.extension.length > 0;
    if (hasValue === hasExtensions)
      issues.push({ severity: "error", location: at, message: "ext-1: ekstensi harus punya nilai atau sub-ekstensi, tidak keduanya" });
  }
  for (const k of keys) walkInvariants(obj[k], `${at}.${k}`, issues);
}

/** bdl-7: a fullUrl appears once in a Bundle (no entry here carries a versioned one). */
function bundleInvariants(resource: Record<string, unknown>, issues: FhirIssue[]): void {
  if (resource.resourceType !== "Bundle" || !Array.isArray(resource.entry)) return;
  const seen = new Set<string>();
  for (const [i, e] of (resource.entry as Array<{ fullUrl?: string }>).entries()) {
    if (!e.fullUrl) continue;
    if (seen.has(e.fullUrl)) issues.push({ severity: "error", location: `Bundle.entry[${i}].fullUrl`, message: `bdl-7: fullUrl ganda ${e.fullUrl}` });
    seen.add(e.fullUrl);
  }
}

/**
 * Validates one resource (a Bundle with everything in it) against the R4 definitions. Warnings
 * (an extensible binding's code not in its value set, e.g. our formula language) do not make it
 * invalid.
 */
export function validateFhir(resource: object): FhirValidation {
  const issues: FhirIssue[] = [];
  const result = fhir().validate(resource, {
    errorOnUnexpected: true,
    onBeforeValidateProperty: (_resource, property, location, value) => {
      const type = property._type;
      if (!type) return [];
      const values: unknown[] = Array.isArray(value) && property._multiple ? value : [value];
      const out = [];
      for (const v of values) {
        const problem = primitiveIssue(type, v);
        if (problem) out.push({ location, severity: "error" as never, message: problem });
      }
      return out;
    },
  });
  for (const m of result.messages) {
    issues.push({ severity: (m.severity ?? "error") as FhirIssue["severity"], location: m.location ?? "", message: m.message ?? "" });
  }
  walkInvariants(resource, (resource as { resourceType?: string }).resourceType ?? "", issues);
  bundleInvariants(resource as Record<string, unknown>, issues);
  return { valid: !issues.some((i) => i.severity === "error" || i.severity === "fatal"), issues };
}
