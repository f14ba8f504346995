/**
 * What the designer's indicator preview ("Pratinjau") receives from app/routes/designer.preview-indicator.ts,
 * computed by app/models/indicator-preview.server.ts and shown by app/components/designer/indicators/IndicatorPreview.tsx.
 */

export interface PreviewProblem {
  pointer: string;
  code: string;
  message: string;
  start?: number;
  end?: number;
}

export interface PreviewPeriod {
  period: string;
  label: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  achievement: number | null;
  band: "green" | "yellow" | "red" | null;
  state: string;
  reason: string | null;
  completeness: number | null;
  /** Display strings (Indonesian number format, the indicator's decimals). */
  shown: { value: string; numerator: string; denominator: string; target: string; achievement: string; completeness: string };
}

export type PreviewResult =
  | { status: "problems"; message: string; problems: PreviewProblem[] }
  | { status: "nodata"; message: string; scope: { code: string; name: string } }
  | {
      status: "ok";
      indicator: string;
      unit: string | null;
      scope: { code: string; name: string; level: string; rows: number };
      periods: PreviewPeriod[];
    };

/** The route's answer: a preview, or a request the user must fix. */
export type PreviewResponse = PreviewResult | { status: "error"; message: string };
