/**
 * What the browser bundle may contain. Ajv compiles schemas with `new Function`, which the CSP
 * refuses (no `unsafe-eval`), and it would weigh down every page: browser code reaches the engine
 * through "@engine" (engine/index.ts), never "@engine/server". The walk follows the imports that
 * survive compilation from everything the browser loads; it stops at *.server.ts modules, which
 * the Remix compiler replaces with empty modules in the browser build. It cannot see tree
 * shaking, so it is stricter than the bundler: a page route (a route with a component) must not
 * import server-only engine code even for its loader or action; a model or a resource route can.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainTo, importGraph, importsOf, isAjvPackage, resolveImport, sourceFiles } from "../helpers/imports";

const isServerOnly = (file: string) => /\.server\.tsx?$/.test(file);
/** A route with a default export (its component) is loaded by the browser; a resource route is not. */
const isPageRoute = (file: string) => /^export default\b/m.test(fs.readFileSync(path.resolve(file), "utf8"));

/** Every module the browser build starts from. */
function browserRoots(): string[] {
  const routes = sourceFiles("app/routes").filter((f) => !isServerOnly(f) && isPageRoute(f));
  const components = sourceFiles("app/components").filter((f) => !isServerOnly(f));
  return ["app/entry.client.tsx", "app/root.tsx", ...routes, ...components];
}

/** Engine modules that load an Ajv package themselves. */
function ajvModules(): string[] {
  return sourceFiles("engine").filter((f) => importsOf(f).some((i) => !i.typeOnly && resolveImport(f, i.specifier) === undefined && isAjvPackage(i.specifier)));
}

describe("browser bundle", () => {
  it("starts from the entry, the root, the page routes and every component", () => {
    const roots = browserRoots();
    expect(roots).toContain("app/routes/designer.$key.$version.tsx");
    expect(roots).toContain("app/components/designer/FormulaInput.tsx");
    // A resource route has no component, so no browser code: its chunk is empty.
    expect(roots).not.toContain("app/routes/designer.preview-form.ts");
  });

  it("never reaches Ajv or the engine's server entry", () => {
    const graph = importGraph(browserRoots(), isServerOnly);
    const forbidden = ["engine/server.ts", ...ajvModules()];
    expect(forbidden).toContain("engine/intake/ajv.ts");
    const reached = forbidden.filter((f) => graph.reachedFrom.has(f)).map((f) => chainTo(graph, f));
    expect(reached).toEqual([]);
    const ajv = [...graph.packages].filter(([p]) => isAjvPackage(p)).map(([p, by]) => `${p} ← ${by.join(", ")}`);
    expect(ajv).toEqual([]);
    // The walk does reach the engine: the designer checks formulas as the admin types.
    expect(graph.reachedFrom.has("engine/formula/checker.ts")).toBe(true);
  });

  it("components import no server-only module at run time (only types)", () => {
    const hits = sourceFiles("app/components").flatMap((file) =>
      importsOf(file)
        .filter((i) => !i.typeOnly)
        .map((i) => ({ i, target: resolveImport(file, i.specifier) }))
        .filter(({ target }) => target !== undefined && isServerOnly(target))
        .map(({ i }) => `${file}: ${i.specifier}`),
    );
    expect(hits).toEqual([]);
  });
});
