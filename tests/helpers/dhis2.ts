/**
 * DHIS2 test helpers shared by the API exchange tests (integration and e2e): a mapping of every
 * field, indicator and org unit of a package, and the ADX schema check (tests/fixtures/adx).
 */
import fs from "node:fs";
import path from "node:path";
import { validateXML } from "xmllint-wasm";
import { fieldsOf, type TemplatePackage } from "@engine";
import type { Kysely } from "kysely";
import type { Database } from "~/db/schema";

/** A DHIS2-shaped UID: a letter prefix, then digits, 11 characters. */
export const uid = (prefix: string, n: number) => prefix + String(n).padStart(11 - prefix.length, "0");

/** Every field of every form and every indicator of the newest published `packageKey`, and every org unit. */
export async function fullMappingCsv(db: Kysely<Database>, packageKey: string): Promise<string> {
  const row = await db
    .selectFrom("template_package")
    .select("document")
    .where("key", "=", packageKey)
    .where("status", "=", "published")
    .orderBy("version", "desc")
    .executeTakeFirstOrThrow();
  const pkg = JSON.parse(row.document) as TemplatePackage;
  const lines = ["kind,form,pantau,dhis2,category_option_combo", `dataset,,,${uid("D", 1)},`];
  let n = 0;
  for (const form of pkg.forms) for (const f of fieldsOf(form)) lines.push(`field,${form.key},${f.key},${uid("F", ++n)},`);
  pkg.indicators.forEach((ind, i) => lines.push(`indicator,,${ind.key},${uid("I", i + 1)},`));
  const units = await db.selectFrom("org_unit").select(["id", "code"]).orderBy("id").execute();
  for (const u of units) lines.push(`org_unit,,${u.code},${uid("U", u.id)},`);
  return lines.join("\n") + "\n";
}

/** The ADX schema's verdict on `xml` (IHE QRPH ADX, loose schema with SDMX imports). */
export async function validateAdx(xml: string) {
  const dir = path.resolve("tests/fixtures/adx");
  return validateXML({
    xml: { fileName: "export.xml", contents: xml },
    schema: { fileName: "adx_loose.xsd", contents: fs.readFileSync(path.join(dir, "adx_loose.xsd"), "utf8") },
    preload: ["SDMXCommon", "SDMXCommonReferences", "xml"].map((f) => ({
      fileName: `sdmx/${f}.xsd`,
      contents: fs.readFileSync(path.join(dir, "sdmx", `${f}.xsd`), "utf8"),
    })),
  });
}
