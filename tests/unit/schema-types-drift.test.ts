import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateTypes, mergeDefs, readSchemaFiles } from "@schemas/gen-types";

const SCHEMA_DIR = path.resolve(__dirname, "../../schemas");

type Node = null | boolean | number | string | Node[] | { [key: string]: Node };

/** Visits every object node of a schema with its JSON path. */
function walk(node: Node, at: string, visit: (obj: { [key: string]: Node }, at: string) => void): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`, visit));
  else if (node !== null && typeof node === "object") {
    visit(node, at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`, visit);
  }
}

describe("schemas/types.generated.ts", () => {
  it("matches what gen-types produces from schemas/*.schema.json (run `npm run gen:types`)", async () => {
    const committed = readFileSync(path.join(SCHEMA_DIR, "types.generated.ts"), "utf8");
    expect(await generateTypes(SCHEMA_DIR)).toBe(committed);
  });

  it("carries a do-not-edit banner", () => {
    expect(readFileSync(path.join(SCHEMA_DIR, "types.generated.ts"), "utf8")).toMatch(/GENERATED FILE: DO NOT EDIT/);
  });

  it("shared $defs are identical in every schema file", () => {
    expect(() => mergeDefs(readSchemaFiles(SCHEMA_DIR))).not.toThrow();
  });
});

describe("schemas/*.schema.json conventions", () => {
  const files = readSchemaFiles(SCHEMA_DIR);

  it("has the seven document schemas", () => {
    expect(files.map((f) => f.file)).toEqual([
      "district-overlay.schema.json",
      "form.schema.json",
      "indicator.schema.json",
      "target.schema.json",
      "template-package.schema.json",
      "text.schema.json",
      "validation-rule.schema.json",
    ]);
  });

  it("every property has a description, objects are closed, strings and arrays are capped, refs are local", () => {
    const problems: string[] = [];
    for (const { file, schema } of files) {
      walk(schema as Node, file, (obj, at) => {
        if (typeof obj.$ref === "string" && !obj.$ref.startsWith("#/")) problems.push(`${at}: non-local $ref`);
        // A discriminated union is closed by its branches (each walked and checked on its own).
        if (obj.type === "object" && obj.oneOf === undefined && obj.additionalProperties !== false) problems.push(`${at}: additionalProperties not false`);
        if (obj.type === "string" && obj.maxLength === undefined && obj.const === undefined && obj.enum === undefined)
          problems.push(`${at}: string without maxLength`);
        if (obj.type === "array" && obj.maxItems === undefined) problems.push(`${at}: array without maxItems`);
        if (obj.properties && typeof obj.properties === "object" && !Array.isArray(obj.properties)) {
          for (const [name, prop] of Object.entries(obj.properties)) {
            if (!prop || typeof prop !== "object" || Array.isArray(prop) || typeof prop.description !== "string") {
              problems.push(`${at}/properties/${name}: no description`);
            }
          }
        }
      });
    }
    expect(problems).toEqual([]);
  });
});
