/**
 * The comparison page's view model (plain data from the loader to app/components/scorecard/CompareTable.tsx;
 * the chart is drawn from it on the server by app/models/scorecard-compare.server.ts).
 */
import type { CellState } from "@engine";
import type { OrgLevel } from "~/db/schema";

export interface CompareCell {
  code: string;
  state: CellState;
  value: string;
  raw: number | null;
  target: string | null;
  achievement: string | null;
  /** Difference to the first unit, formatted with sign and unit; null for the first unit or missing values. */
  diff: string | null;
  diffSign: "up" | "down" | "same" | null;
  best: boolean;
}

export interface ChartSeries {
  code: string;
  name: string;
  /** One value per period (null = no value). */
  values: Array<number | null>;
}

export interface CompareIndicator {
  key: string;
  name: string;
  unit: string | null;
  decimals: number;
  direction: "higher" | "lower";
  ytd: boolean;
  cells: CompareCell[];
  series: ChartSeries[];
  /** The reference unit's target per period (null = none), drawn as the chart's target line. */
  targets: Array<number | null>;
}

export interface CompareView {
  periodLabel: string;
  periods: string[];
  periodLabels: string[];
  units: Array<{ code: string; name: string }>;
  level: OrgLevel;
  indicators: CompareIndicator[];
  /** Units that may be added: same level, inside the viewer's area, not yet chosen (within a group: members only). */
  candidates: Array<{ code: string; name: string }>;
  /** The org-unit group the comparison is limited to, said in words ("Hanya anggota kelompok BLUD: …"); null for all units. */
  groupNote: string | null;
}
