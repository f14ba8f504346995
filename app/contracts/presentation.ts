/** What the presentation pages draw (app/models/presentation.server.ts builds it). */
import type { CellState } from "./scorecard";

export type PresentMode = "indicator" | "unit";

export interface PresentUnitRef {
  code: string;
  name: string;
}

/** A unit on the overview: its rank by the share of its judged indicators on target. */
export interface OverviewEntry extends PresentUnitRef {
  rank: number;
  onTarget: number;
  judged: number;
  share: number;
  shareText: string;
}

/** How a unit's share on target moved since the comparison period, in percentage points. */
export interface OverviewMove extends PresentUnitRef {
  delta: number;
  deltaText: string;
  from: string;
  to: string;
}

/** A follow-up action marker of a cell (as app/models/action-markers.server.ts counts them). */
export interface PresentMarker {
  total: number;
  open: number;
  overdue: number;
}

/** One horizontal bar: a unit on an indicator slide, an indicator on a unit slide. */
export interface PresentBar {
  /** The cell's row (unit) code. */
  code: string;
  /** The bar's label: the unit's name, or the indicator's on a unit slide. */
  name: string;
  /** The cell's indicator key. */
  indicator: string;
  value: string;
  achievement: string | null;
  target: string | null;
  state: CellState;
  band: "green" | "yellow" | "red" | null;
  /** Bar length and target line, in percent of the track. */
  barPct: number;
  targetPct: number | null;
  /** Reports in and expected, when fewer are in than expected. */
  incomplete: { reported: number; expected: number } | null;
  marker: PresentMarker | null;
}

export type PresentSlide =
  | {
      kind: "overview";
      title: string;
      page: number;
      pages: number;
      ranks: OverviewEntry[];
      improved: OverviewMove[];
      declined: OverviewMove[];
      unranked: PresentUnitRef[];
    }
  | {
      kind: "indicator";
      title: string;
      indicator: string;
      unit: string | null;
      direction: "higher" | "lower";
      targetText: string | null;
      page: number;
      pages: number;
      bars: PresentBar[];
      /** Units without a value for this indicator (listed on the last page, never drawn). */
      noData: PresentUnitRef[];
    }
  | {
      kind: "unit";
      title: string;
      unitCode: string;
      rankText: string;
      page: number;
      pages: number;
      bars: PresentBar[];
      /** Indicators without a value for this unit (code = indicator key). */
      noData: PresentUnitRef[];
    };

export interface Presentation {
  scopeName: string;
  packageKey: string;
  packageTitle: string;
  periodLabel: string;
  /** The period "improved/declined" compares with, or null when it has no scorecard. */
  comparePeriodLabel: string | null;
  mode: PresentMode;
  slides: PresentSlide[];
}
