// What a chart is made of (series, bands, markers, axes), for svg-chart.ts to draw.

export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#76b7b2", "#b07aa1", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"];

export interface ChartSeries {
  name: string;
  /** Values aligned with the chart's `x` (or with this series' own `x`); null leaves a gap. */
  y: (number | null)[];
  /** Own x values (scatter data, fitted curves); defaults to the chart's x. */
  x?: number[];
  color?: string;
  axis?: "left" | "right";
  style?: "line" | "dashed" | "points";
  /** Dot radius for "points" (default 2.6). */
  radius?: number;
  /** Per-point names for the tooltips of a "points" series (one series, many named points). */
  labels?: string[];
}

export interface ChartBand {
  name: string;
  from: number;
  to: number;
}

/** A vertical line at x with a label (the breaking point, the comfortable capacity). */
export interface ChartMarker {
  name: string;
  x: number;
  color?: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Shared x values of the series (seconds for time charts). */
  x: number[];
  xLabel: string;
  /** "elapsed" draws m:ss ticks. */
  xFormat?: "elapsed" | "number";
  yLabel: string;
  /** Unit appended to values in tooltips ("ms", "req/s", "%"). */
  yUnit?: string;
  yRightLabel?: string;
  yRightUnit?: string;
  series: ChartSeries[];
  bands?: ChartBand[];
  markers?: ChartMarker[];
  /** Fixed axis bounds (for example 0-100 for percentages); by default 0 to the data maximum. */
  yMax?: number;
  yRightMax?: number;
  /** Tooltip columns over x (default true); off for scatter charts whose x is not time. */
  hover?: boolean;
  width?: number;
  height?: number;
}
