/**
 * A line chart drawn as plain SVG on the server: one line per unit over the last periods,
 * Indonesian number format on the axis, a legend with the unit names, a different dash
 * pattern and marker shape per line (colour is never the only signal), and a text summary in
 * <title>/<desc> for screen readers. Sized by viewBox, so it scales to a projector.
 */
import { formatNumber } from "~/contracts/scorecard";
import { useT } from "~/i18n/useT";

export interface TrendSeries {
  code: string;
  name: string;
  values: Array<number | null>;
}

/** Okabe–Ito colours (distinguishable with colour-vision deficiencies). */
export const SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6100", "#56B4E9"];
export const SERIES_DASHES = ["", "10 5", "3 4", "14 4 3 4", "6 3", "2 2"];
const MARKERS = ["circle", "square", "triangle", "diamond", "cross", "triangle-down"] as const;

// Compact: four charts side by side at 1366 px still read at about 12 px.
const W = 440;
const LEFT = 64;
const RIGHT = 14;
const TOP = 10;
const PLOT_H = 130;
const AXIS_H = 48;
const LEGEND_ROW = 28;
const LEGEND_COLS = 2;
const TARGET_COLOUR = "#3d4a45";
const TARGET_DASH = "2 6";

/** Round tick step (1, 2, 2.5, 5 × 10^k) giving about `count` ticks. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** Decimals a tick step needs to be shown exactly (0.25 → 2, 5 → 0). */
function stepDecimals(step: number): number {
  for (let d = 0; d <= 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

export function axisScale(values: readonly number[]): { min: number; max: number; ticks: number[]; decimals: number } {
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(hi)) hi = 1;
  if (hi === lo) hi = lo + 1;
  const step = niceStep(hi - lo, 5);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(Number((lo + i * step).toFixed(10)));
  return { min: lo, max: hi, ticks, decimals: stepDecimals(step) };
}

function Marker({ kind, x, y, colour }: { kind: (typeof MARKERS)[number]; x: number; y: number; colour: string }) {
  const s = 6;
  switch (kind) {
    case "circle":
      return <circle cx={x} cy={y} r={s} fill={colour} />;
    case "square":
      return <rect x={x - s} y={y - s} width={2 * s} height={2 * s} fill={colour} />;
    case "triangle":
      return <polygon points={`${x},${y - s - 1} ${x + s + 1},${y + s} ${x - s - 1},${y + s}`} fill={colour} />;
    case "diamond":
      return <polygon points={`${x},${y - s - 2} ${x + s + 2},${y} ${x},${y + s + 2} ${x - s - 2},${y}`} fill={colour} />;
    case "cross":
      return <path d={`M${x - s},${y - s}L${x + s},${y + s}M${x - s},${y + s}L${x + s},${y - s}`} stroke={colour} strokeWidth={3} />;
    default:
      return <polygon points={`${x},${y + s + 1} ${x + s + 1},${y - s} ${x - s - 1},${y - s}`} fill={colour} />;
  }
}

export function TrendChart({
  id,
  title,
  series,
  periodLabels,
  decimals,
  unit,
  target,
  showLegend = true,
}: {
  id: string;
  title: string;
  series: TrendSeries[];
  periodLabels: string[];
  decimals: number;
  unit: string | null;
  /** The reference unit's target per period, drawn as a dotted line with its own legend entry. */
  target?: { name: string; values: Array<number | null> };
  /** False when the page shows one TrendLegend for all its charts (the same units, lines and markers in each). */
  showLegend?: boolean;
}) {
  const t = useT();
  const hasTarget = !!target && target.values.some((v) => v !== null);
  const all = [...series, ...(hasTarget ? [target] : [])].flatMap((s) => s.values.filter((v): v is number => v !== null));
  const legendRows = showLegend ? Math.ceil((series.length + (hasTarget ? 1 : 0)) / LEGEND_COLS) : 0;
  const legendTop = TOP + PLOT_H + AXIS_H;
  const H = legendTop + legendRows * LEGEND_ROW + 8;
  const plotW = W - LEFT - RIGHT;
  const n = periodLabels.length;
  const xOf = (i: number) => LEFT + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const { min, max, ticks, decimals: tickDecimals } = axisScale(all.length ? all : [0, 1]);
  const yOf = (v: number) => TOP + PLOT_H - ((v - min) / (max - min)) * PLOT_H;
  const fmt = (v: number | null) => formatNumber(v, decimals, t.locale);
  const segmentsOf = (values: ReadonlyArray<number | null>): string[][] => {
    const segments: string[][] = [];
    let cur: string[] = [];
    values.forEach((v, i) => {
      if (v === null) {
        if (cur.length) segments.push(cur);
        cur = [];
      } else cur.push(`${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`);
    });
    if (cur.length) segments.push(cur);
    return segments;
  };
  const summary = series
    .map((s) => {
      const known = s.values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null);
      if (known.length === 0) return t("scorecards.compare.chart.noValues", { name: s.name });
      const a = known[0];
      const b = known[known.length - 1];
      return t("scorecards.compare.chart.seriesSummary", {
        name: s.name,
        from: fmt(a.v),
        fromPeriod: periodLabels[a.i],
        to: fmt(b.v),
        toPeriod: periodLabels[b.i],
      });
    })
    .join(" ");
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure className="tc-figure">
      <svg
        className="tc-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        data-series={series.length}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        {/* Horizontal grid and value axis */}
        {ticks.map((v) => (
          <g key={`y${v}`} className="tc-tick">
            <line x1={LEFT} x2={W - RIGHT} y1={yOf(v)} y2={yOf(v)} stroke={v === 0 ? "#5f6b66" : "#d5dcd8"} strokeWidth={1} />
            <text x={LEFT - 10} y={yOf(v) + 5} textAnchor="end" className="tc-label">
              {formatNumber(v, tickDecimals, t.locale)}
            </text>
          </g>
        ))}
        {unit ? (
          <text x={12} y={TOP + PLOT_H / 2} className="tc-label tc-unit" textAnchor="middle" transform={`rotate(-90 12 ${TOP + PLOT_H / 2})`}>
            {unit}
          </text>
        ) : null}
        {/* Period axis: month (or quarter) on the first line, the year when it changes */}
        {periodLabels.map((label, i) => {
          // Every other period named when there are many: the labels would touch.
          if (n > 8 && (n - 1 - i) % 2 === 1) return null;
          const [head, ...rest] = label.split(" ");
          const year = rest.join(" ");
          const step = n > 8 ? 2 : 1;
          const prevYear = i >= step ? periodLabels[i - step].split(" ").slice(1).join(" ") : null;
          return (
            <g key={`x${i}`}>
              <line x1={xOf(i)} x2={xOf(i)} y1={TOP + PLOT_H} y2={TOP + PLOT_H + 6} stroke="#5f6b66" />
              <text x={xOf(i)} y={TOP + PLOT_H + 22} textAnchor="middle" className="tc-label">
                {head}
              </text>
              {year && year !== prevYear ? (
                <text x={xOf(i)} y={TOP + PLOT_H + 42} textAnchor="middle" className="tc-label tc-year">
                  {year}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={LEFT} x2={W - RIGHT} y1={TOP + PLOT_H} y2={TOP + PLOT_H} stroke="#5f6b66" strokeWidth={1.5} />
        {/* One line per unit, broken where a period has no value */}
        {series.map((s, si) => {
          const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
          const segments = segmentsOf(s.values);
          return (
            <g key={s.code} className="tc-series" data-code={s.code}>
              {segments
                .filter((seg) => seg.length > 1)
                .map((seg, k) => (
                  <polyline
                    key={k}
                    points={seg.join(" ")}
                    fill="none"
                    stroke={colour}
                    strokeWidth={3.5}
                    strokeDasharray={SERIES_DASHES[si % SERIES_DASHES.length] || undefined}
                    strokeLinejoin="round"
                  />
                ))}
              {s.values.map((v, i) =>
                v === null ? null : (
                  <g key={i}>
                    <title>{`${s.name}, ${periodLabels[i]}: ${fmt(v)}`}</title>
                    <Marker kind={MARKERS[si % MARKERS.length]} x={xOf(i)} y={yOf(v)} colour={colour} />
                  </g>
                ),
              )}
            </g>
          );
        })}
        {/* The reference unit's target: a dotted line (a single period's target as a short dash) */}
        {hasTarget ? (
          <g className="tc-target">
            <title>{`${target.name}: ${target.values.map((v, i) => `${periodLabels[i]} ${fmt(v)}`).join(", ")}`}</title>
            {segmentsOf(target.values).map((seg, k) => (
              <polyline
                key={k}
                points={
                  seg.length > 1
                    ? seg.join(" ")
                    : `${Number(seg[0].split(",")[0]) - 8},${seg[0].split(",")[1]} ${Number(seg[0].split(",")[0]) + 8},${seg[0].split(",")[1]}`
                }
                fill="none"
                stroke={TARGET_COLOUR}
                strokeWidth={3}
                strokeDasharray={TARGET_DASH}
                strokeLinecap="round"
              />
            ))}
          </g>
        ) : null}
        {/* Legend */}
        {showLegend ? (
          <g className="tc-legend">
            {series.map((s, si) => {
              const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
              const x = LEFT + (si % LEGEND_COLS) * (plotW / LEGEND_COLS);
              const y = legendTop + Math.floor(si / LEGEND_COLS) * LEGEND_ROW + 14;
              return (
                <g key={s.code}>
                  <line
                    x1={x}
                    x2={x + 44}
                    y1={y}
                    y2={y}
                    stroke={colour}
                    strokeWidth={3.5}
                    strokeDasharray={SERIES_DASHES[si % SERIES_DASHES.length] || undefined}
                  />
                  <Marker kind={MARKERS[si % MARKERS.length]} x={x + 22} y={y} colour={colour} />
                  <text x={x + 54} y={y + 6} className="tc-label tc-legend-text">
                    {s.name.length > 24 ? `${s.name.slice(0, 23)}…` : s.name}
                  </text>
                </g>
              );
            })}
            {hasTarget ? (
              <g className="tc-legend-target">
                <line
                  x1={LEFT + (series.length % LEGEND_COLS) * (plotW / LEGEND_COLS)}
                  x2={LEFT + (series.length % LEGEND_COLS) * (plotW / LEGEND_COLS) + 44}
                  y1={legendTop + Math.floor(series.length / LEGEND_COLS) * LEGEND_ROW + 14}
                  y2={legendTop + Math.floor(series.length / LEGEND_COLS) * LEGEND_ROW + 14}
                  stroke={TARGET_COLOUR}
                  strokeWidth={3}
                  strokeDasharray={TARGET_DASH}
                  strokeLinecap="round"
                />
                <text
                  x={LEFT + (series.length % LEGEND_COLS) * (plotW / LEGEND_COLS) + 54}
                  y={legendTop + Math.floor(series.length / LEGEND_COLS) * LEGEND_ROW + 20}
                  className="tc-label tc-legend-text"
                >
                  {target.name.length > 24 ? `${target.name.slice(0, 23)}…` : target.name}
                </text>
              </g>
            ) : null}
          </g>
        ) : null}
      </svg>
    </figure>
  );
}

/** One legend for a page of charts that all draw the same units (and the reference's target) the same way. */
export function TrendLegend({ series, target }: { series: ReadonlyArray<{ code: string; name: string }>; target?: string }) {
  return (
    <ul className="tc-shared-legend">
      {series.map((s, si) => {
        const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
        return (
          <li key={s.code}>
            <svg width="48" height="16" viewBox="0 0 48 16" aria-hidden="true">
              <line x1={2} x2={46} y1={8} y2={8} stroke={colour} strokeWidth={3.5} strokeDasharray={SERIES_DASHES[si % SERIES_DASHES.length] || undefined} />
              <Marker kind={MARKERS[si % MARKERS.length]} x={24} y={8} colour={colour} />
            </svg>
            <span className="tc-legend-text">{s.name}</span>
          </li>
        );
      })}
      {target ? (
        <li className="tc-legend-target">
          <svg width="48" height="16" viewBox="0 0 48 16" aria-hidden="true">
            <line x1={2} x2={46} y1={8} y2={8} stroke={TARGET_COLOUR} strokeWidth={3} strokeDasharray={TARGET_DASH} strokeLinecap="round" />
          </svg>
          <span className="tc-legend-text">{target}</span>
        </li>
      ) : null}
    </ul>
  );
}
