/**
 * The static import graph of the app's and the engine's own modules, read with the TypeScript
 * parser, for the tests that keep Ajv out of the browser and the engine pure. A module is a path
 * relative to the repository root ("engine/index.ts"); a package is a bare specifier ("ajv").
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Import {
  /** As written in the source. */
  specifier: string;
  /** Erased when compiled: `import type`, `export type`, or every named binding marked `type`. */
  typeOnly: boolean;
}

const parsed = new Map<string, Import[]>();

/** Every import, re-export and dynamic import() of a module. */
export function importsOf(file: string): Import[] {
  const known = parsed.get(file);
  if (known) return known;
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly =
        clause !== undefined && (clause.isTypeOnly || (!clause.name && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, out);
  return out;
}

/**
 * The module a specifier names, with the aliases of tsconfig.json ("~/…" is app/…, "@engine" is
 * engine/index.ts, "@engine/…" is engine/…); undefined for a package.
 */
export function resolveImport(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith(".")) base = path.resolve(ROOT, path.dirname(from), specifier);
  else if (specifier.startsWith("~/")) base = path.join(ROOT, "app", specifier.slice(2));
  else if (specifier === "@engine" || specifier.startsWith("@engine/")) base = path.join(ROOT, "engine", specifier.slice("@engine".length));
  else return undefined;
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")];
  const found = candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
  if (!found) throw new Error(`${from}: cannot resolve "${specifier}"`);
  return path.relative(ROOT, found).split(path.sep).join("/");
}

export interface ImportGraph {
  /** Every module reached, with the module that first imported it ("" for a root). */
  reachedFrom: Map<string, string>;
  /** Every package imported at run time, with the modules importing it. */
  packages: Map<string, string[]>;
}

/**
 * The modules reached from `roots` through imports that survive compilation (type-only imports
 * are erased). `stopAt` modules are recorded but not followed.
 */
export function importGraph(roots: readonly string[], stopAt: (file: string) => boolean = () => false): ImportGraph {
  const reachedFrom = new Map<string, string>();
  const packages = new Map<string, string[]>();
  const queue: string[] = [];
  for (const r of roots) {
    if (!reachedFrom.has(r)) reachedFrom.set(r, "");
    queue.push(r);
  }
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (stopAt(file)) continue;
    for (const imp of importsOf(file)) {
      if (imp.typeOnly) continue;
      const target = resolveImport(file, imp.specifier);
      if (target === undefined) {
        const list = packages.get(imp.specifier) ?? [];
        list.push(file);
        packages.set(imp.specifier, list);
      } else if (!reachedFrom.has(target)) {
        reachedFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return { reachedFrom, packages };
}

/** How a module was reached: "root → … → file", for failure messages. */
export function chainTo(graph: ImportGraph, file: string): string {
  const chain = [file];
  for (let at = graph.reachedFrom.get(file); at; at = graph.reachedFrom.get(at)) chain.unshift(at);
  return chain.join(" → ");
}

/** Every .ts/.tsx file under a directory of the repository, as repository-relative paths. */
export function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
    .sort();
}

/** True for a package of the Ajv family (ajv, ajv/dist/…, ajv-i18n, validators built on it such as @rjsf/validator-ajv8). */
export const isAjvPackage = (specifier: string): boolean => /(^|[/@-])ajv/i.test(specifier);
