/** Small timing helpers: medians, and a Kysely plugin that records every query's wall time. */
import {
  PostgresQueryCompiler,
  SqliteQueryCompiler,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import type { DbKind } from "~/db/db.server";

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs `fn` once to warm up, then `runs` times; returns each run's ms and the last result. */
export async function timeRuns<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number[]; median: number; min: number; result: T }> {
  let result = await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await fn();
    ms.push(performance.now() - t);
  }
  return { ms, median: median(ms), min: Math.min(...ms), result };
}

export interface QueryTiming {
  sql: string;
  ms: number;
  rows: number;
}

/** Records each query (SQL text, ms from compile to result, row count). Use via db.withPlugin(). */
export class QueryTimer implements KyselyPlugin {
  readonly queries: QueryTiming[] = [];
  private readonly pending = new WeakMap<object, { sql: string; t: number }>();
  private readonly compiler: SqliteQueryCompiler | PostgresQueryCompiler;

  constructor(kind: DbKind) {
    this.compiler = kind === "postgres" ? new PostgresQueryCompiler() : new SqliteQueryCompiler();
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    let text = "?";
    try {
      text = this.compiler.compileQuery(args.node, args.queryId).sql;
    } catch {
      // labelling only
    }
    this.pending.set(args.queryId as unknown as object, { sql: text.replace(/\s+/g, " "), t: performance.now() });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const p = this.pending.get(args.queryId as unknown as object);
    if (p) this.queries.push({ sql: p.sql, ms: performance.now() - p.t, rows: args.result.rows.length });
    return args.result;
  }

  reset(): void {
    this.queries.length = 0;
  }
}

/** Which part of the engine path a query belongs to, by its SQL. */
export function queryCategory(text: string): string {
  const s = text.toLowerCase();
  if (s.includes('max("updated_at")')) return "lastChange (max updated_at)";
  if (s.includes("template_package") || s.includes("district_overlay")) return "package lookup";
  if (s.includes("from submission_value") && s.startsWith("select org_unit_id, field_key")) return "facts: per-unit values (count_units)";
  if (s.includes("from submission_value") && s.includes("row_number()")) return "facts: totals (last, window fn)";
  if (s.includes("from submission_value")) return "facts: totals (sum)";
  if (s.includes("from submission where") && s.includes("group by org_unit_id")) return "facts: reported per unit";
  if (s.includes("from submission where")) return "facts: reported per row";
  if (s.includes('from "org_unit"')) return "org units (resolve + facts)";
  return "other";
}
