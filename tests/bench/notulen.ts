/**
 * The notulen PDF of a district meeting: 40 Puskesmas × 25 indicators, 30 follow-up actions, from
 * a synthetic NotulenData (tests/helpers/notulen-sample.ts; no database), rendered by
 * renderNotulenPdf. Reports the median time of a few runs and the file size against the budgets
 * (under 2 s; a few MB, to share by WhatsApp); not asserted. Part of `npm run bench`, or alone:
 * `npx tsx tests/bench/notulen.ts [--runs N]`.
 */
import { renderNotulenPdf } from "~/models/notulen-pdf.server";
import { sampleNotulen } from "../helpers/notulen-sample";
import { round, timeRuns } from "./timing";

export const NOTULEN_BUDGET = { ms: 2000, bytes: 3 * 1024 * 1024 };

export interface NotulenBench {
  units: number;
  indicators: number;
  actions: number;
  medianMs: number;
  minMs: number;
  bytes: number;
  withinBudget: boolean;
}

export async function benchNotulen(runs = 5): Promise<NotulenBench> {
  const shape = { units: 40, indicators: 25, actions: 30 };
  const data = sampleNotulen(shape);
  const r = await timeRuns(runs, () => renderNotulenPdf(data, "id"));
  const medianMs = round(r.median, 0);
  return {
    ...shape,
    medianMs,
    minMs: round(r.min, 0),
    bytes: r.result.length,
    withinBudget: r.median < NOTULEN_BUDGET.ms && r.result.length < NOTULEN_BUDGET.bytes,
  };
}

export function notulenLine(b: NotulenBench): string {
  return (
    `notulen PDF of a district meeting (${b.units} units × ${b.indicators} indicators, ${b.actions} actions): ` +
    `${b.medianMs} ms median (min ${b.minMs}; budget < ${NOTULEN_BUDGET.ms} ms), ` +
    `${round(b.bytes / 1024, 0)} KiB (budget < ${NOTULEN_BUDGET.bytes / 1024 / 1024} MiB)${b.withinBudget ? "" : "  OVER BUDGET"}`
  );
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("tests/bench/notulen.ts")) {
  const i = process.argv.indexOf("--runs");
  const runs = i > 0 ? Math.max(1, Number.parseInt(process.argv[i + 1] ?? "", 10) || 5) : 5;
  benchNotulen(runs)
    .then((b) => process.stdout.write(notulenLine(b) + "\n"))
    .catch((err) => {
      process.stderr.write(`[bench] notulen failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    });
}
