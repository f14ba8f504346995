/** The national seed package, read once, for tests and tools that need its field keys. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TemplatePackage } from "@engine";

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../seeds/packages/ilp-nasional.v1.json");
export const seedPackage = JSON.parse(fs.readFileSync(file, "utf8")) as TemplatePackage;

/** Field keys of a form of the seed package, in display order. */
export function formFieldKeys(formKey: string): string[] {
  const form = seedPackage.forms.find((f) => f.key === formKey);
  if (!form) throw new Error(`form ${formKey} is not in the seed package`);
  return form.sections.flatMap((s) => s.fields.map((f) => f.key));
}
