/**
 * The explain page's view model: one scorecard cell in the reader's words and number format
 * (built by app/models/scorecard-explain.server.ts, drawn by app/routes/scorecards_.explain.tsx).
 */
import type { CellState, Direction } from "@engine";

export interface ExplainUnit {
  code: string;
  name: string;
}

export interface ExplainFormView {
  form: string;
  title: string;
  reported: string;
  expected: string;
  /** The form's periods in the window, in words ("Oktober 2026"). */
  periods: string;
  /** Each unit in exactly one list: every report in, some in, none in. */
  complete: ExplainUnit[];
  incomplete: ExplainUnit[];
  notReported: ExplainUnit[];
}

export interface ExplainView {
  indicator: { key: string; name: string; unit: string | null; direction: Direction };
  row: { code: string; name: string };
  periodLabel: string;
  state: CellState;
  /** The unrounded value, for those who compare it with the scorecard. */
  value: number | null;
  summary: string;
  formula: { numerator: string; denominator: string | null; errors: string[] };
  numerator: string;
  denominator: string | null;
  factor: string | null;
  /** Formatted with the indicator's decimals and unit; "–" for none. */
  valueText: string;
  inputs: Array<{ field: string; label: string; formTitle: string; aggregation: string; total: string }>;
  /** The target in words: its value, whose target it is ("target Kota Sawahlunto"), the year and the regulation. */
  target: { value: string; source: string } | null;
  achievement: string | null;
  greenAt: { pct: string; value: string };
  yellowAt: { pct: string; value: string };
  trend: { arrow: "up" | "down" | "flat"; verdict: "better" | "worse" | "same"; byAchievement: { from: string; to: string } | null } | null;
  previous: { period: string; value: string } | null;
  completeness: { pct: string; min: string } | null;
  forms: ExplainFormView[];
}
