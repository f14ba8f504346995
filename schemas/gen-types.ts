/**
 * Generates schemas/types.generated.ts from the JSON Schemas in schemas/.
 *
 *   tsx schemas/gen-types.ts          write the file
 *   tsx schemas/gen-types.ts --check  exit 1 when the committed file is stale
 *
 * Each schema file is self-contained (local `$ref` only), so shared `$defs` are repeated across
 * files. The generator refuses to run when two files disagree on a shared definition, then
 * compiles one combined schema so every type is emitted once, under its `$defs` name.
 */
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";

const SCHEMA_DIR = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = path.join(SCHEMA_DIR, "types.generated.ts");

const BANNER = `/* eslint-disable */
/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: schemas/*.schema.json. Regenerate with \`npm run gen:types\`;
 * tests/unit/schema-types-drift.test.ts fails when this file is stale.
 */`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Reads every `*.schema.json` in a stable (sorted) order. */
export function readSchemaFiles(dir = SCHEMA_DIR): { file: string; schema: Record<string, Json> }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".schema.json"))
    .sort()
    .map((file) => ({ file, schema: JSON.parse(readFileSync(path.join(dir, file), "utf8")) }));
}

function rootDefName(schema: Record<string, Json>, file: string): string {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/$defs/")) {
    throw new Error(`${file}: root must be {"$ref": "#/$defs/<Name>"}`);
  }
  return ref.slice("#/$defs/".length);
}

/**
 * Merges the `$defs` of all files, throwing when a shared name has different content:
 * the copies are the same definition and must not drift apart.
 */
export function mergeDefs(files: { file: string; schema: Record<string, Json> }[]): {
  defs: Record<string, Json>;
  roots: string[];
} {
  const defs: Record<string, Json> = {};
  const firstSeen: Record<string, string> = {};
  const roots: string[] = [];
  for (const { file, schema } of files) {
    roots.push(rootDefName(schema, file));
    const fileDefs = (schema.$defs ?? {}) as Record<string, Json>;
    for (const name of Object.keys(fileDefs)) {
      const text = JSON.stringify(fileDefs[name]);
      if (name in defs && JSON.stringify(defs[name]) !== text) {
        throw new Error(`$defs/${name} differs between ${firstSeen[name]} and ${file}`);
      }
      defs[name] = fileDefs[name];
      firstSeen[name] ??= file;
    }
  }
  return { defs, roots: [...new Set(roots)] };
}

/**
 * json-schema-to-typescript turns `{ "$ref", "description" }` into a fresh copy of the
 * referenced type (Text1, Text2 …); dropping the siblings keeps one named type per definition.
 * `discriminator` is Ajv-only; `minItems` would turn arrays into non-empty tuple types that are
 * awkward to build in code (Ajv still enforces it at runtime).
 */
function forTypeGeneration(node: Json): Json {
  if (Array.isArray(node)) return node.map(forTypeGeneration);
  if (node === null || typeof node !== "object") return node;
  if (typeof node.$ref === "string") return { $ref: node.$ref };
  const out: Record<string, Json> = {};
  for (const key of Object.keys(node)) {
    if (key === "discriminator" || key === "minItems") continue;
    out[key] = forTypeGeneration(node[key]);
  }
  return out;
}

/** Produces the full text of types.generated.ts (deterministic for a given set of schemas). */
export async function generateTypes(dir = SCHEMA_DIR): Promise<string> {
  const { defs, roots } = mergeDefs(readSchemaFiles(dir));
  const sortedDefs: Record<string, Json> = {};
  for (const name of Object.keys(defs).sort()) sortedDefs[name] = forTypeGeneration(defs[name]);
  const combined = {
    title: "PantauDocument",
    description: "Any top-level document of Pantau ILP.",
    anyOf: roots.sort().map((name) => ({ $ref: `#/$defs/${name}` })),
    $defs: sortedDefs,
  };
  const body = await compile(combined as unknown as JSONSchema, "PantauDocument", {
    bannerComment: BANNER,
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    maxItems: -1,
    format: true,
    style: { singleQuote: false, printWidth: 100, trailingComma: "all" },
    cwd: dir,
    $refOptions: { resolve: { external: false } } as never,
  });
  return body.endsWith("\n") ? body : body + "\n";
}

async function main(): Promise<void> {
  const text = await generateTypes();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(OUTPUT, "utf8");
    } catch {
      // A missing file is simply stale.
    }
    if (current !== text) {
      console.error("schemas/types.generated.ts is stale: run `npm run gen:types`.");
      process.exit(1);
    }
    console.log("schemas/types.generated.ts is up to date.");
    return;
  }
  writeFileSync(OUTPUT, text);
  console.log("wrote schemas/types.generated.ts");
}

// Run only as a script, so the drift test can import generateTypes().
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
