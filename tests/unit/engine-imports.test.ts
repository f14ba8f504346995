/**
 * The engine is pure (docs/style.md rule 2): it imports nothing from app/, no Node built-in (no
 * I/O), and no package but Ajv, which only its server entry loads. The app reaches it through
 * its two entries, so the engine's files can move without touching the app.
 */
import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";
import { chainTo, importGraph, importsOf, isAjvPackage, resolveImport, sourceFiles } from "../helpers/imports";

const BUILTINS = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0]);

describe("engine imports", () => {
  const files = sourceFiles("engine");

  it("stay inside engine/ and schemas/, by relative path: no app code, no app alias", () => {
    expect(files.length).toBeGreaterThan(40);
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((i) => i.specifier.startsWith(".") || i.specifier.startsWith("~") || i.specifier.startsWith("@engine"))
        .filter((i) => !i.specifier.startsWith(".") || !/^(engine|schemas)\//.test(resolveImport(file, i.specifier)!))
        .map((i) => `${file}: ${i.specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it("use no Node built-in and no package but Ajv", () => {
    const packages = files.flatMap((file) =>
      importsOf(file)
        .filter((i) => resolveImport(file, i.specifier) === undefined)
        .filter((i) => isBuiltin(i.specifier) || !isAjvPackage(i.specifier))
        .map((i) => `${file}: ${i.specifier}`),
    );
    expect(packages).toEqual([]);
  });

  it("load Ajv only behind the server entry", () => {
    const ajvOf = (entry: string) => {
      const graph = importGraph([entry]);
      return [...graph.packages].filter(([p]) => isAjvPackage(p)).map(([p, by]) => `${p} ← ${chainTo(graph, by[0])}`);
    };
    expect(ajvOf("engine/index.ts")).toEqual([]);
    // Not vacuous: the server entry does load it.
    expect(ajvOf("engine/server.ts")).toContain("ajv ← engine/server.ts → engine/intake/index.ts → engine/intake/ajv.ts");
  });
});

describe("who imports the engine", () => {
  it("the app, only through @engine and @engine/server", () => {
    const deep = sourceFiles("app").flatMap((file) =>
      importsOf(file)
        .filter((i) => resolveImport(file, i.specifier)?.startsWith("engine/"))
        .filter((i) => i.specifier !== "@engine" && i.specifier !== "@engine/server")
        .map((i) => `${file}: ${i.specifier}`),
    );
    expect(deep).toEqual([]);
  });

  it("the tests, through the alias rather than ../../engine paths", () => {
    const relative = sourceFiles("tests").flatMap((file) =>
      importsOf(file)
        .filter((i) => /^(\.\.\/)+engine(\/|$)/.test(i.specifier))
        .map((i) => `${file}: ${i.specifier}`),
    );
    expect(relative).toEqual([]);
  });
});
