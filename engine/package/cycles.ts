/**
 * Cycle finding for dependency graphs (calculated fields reading each other). Its own module,
 * free of Ajv, so the designer in the browser uses the very function package validation uses.
 */

/** Finds cycles in a dependency graph; each cycle once, as keys with the first repeated last. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "visiting");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === "visiting") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}
