// Charts as inline SVG strings: line and scatter charts with axes, units, a legend, shaded phases
// and tooltips through <title> (no script, no network, prints as vectors). Drawn by hand because
// the report must be one self-contained file and a chart library would be most of its weight.
import { escapeXml } from "../escape.js";
import { formatCompact, formatElapsed, formatNumber } from "../format.js";

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

interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/** A 1-2-5 step that gives about `count` ticks over [0, max]. */
export function niceScale(min: number, max: number, count = 5): Scale {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 1e6; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min: lo, max: hi, ticks };
}

const ELAPSED_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

function elapsedScale(min: number, max: number, count = 6): Scale {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const step = ELAPSED_STEPS.find((s) => s >= raw) ?? 86400;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push(v);
  return { min, max, ticks };
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

function yExtent(series: ChartSeries[]): number {
  let max = 0;
  for (const s of series) for (const v of s.y) if (finite(v) && v > max) max = v;
  return max;
}

/** The series' value at chart position i (own-x series: the nearest sample within `tolerance`). */
function valueAt(s: ChartSeries, i: number, x: number, tolerance: number): number | null | undefined {
  if (!s.x) return s.y[i];
  let lo = 0;
  let hi = s.x.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.x[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const j = lo > 0 && Math.abs(s.x[lo - 1]! - x) < Math.abs(s.x[lo]! - x) ? lo - 1 : lo;
  return Math.abs(s.x[j]! - x) <= tolerance ? s.y[j] : undefined;
}

function fmtValue(v: number, unit: string | undefined): string {
  return `${formatNumber(v, 4)}${unit ? (unit === "%" ? " %" : ` ${unit}`) : ""}`;
}

interface LegendItem {
  name: string;
  color: string;
  kind: "dot" | "dash" | "line";
  side?: "left" | "right";
}

interface DrawnChart {
  width: number;
  height: number;
  /** The SVG elements of the plot (no <svg> wrapper). */
  body: string;
  pointsDrawn: number;
  legend: LegendItem[];
}

/** Draws the plot of a chart: axes, bands, markers, series and hover columns. */
function drawChart(spec: ChartSpec): DrawnChart {
  const W = spec.width ?? 640;
  const H = spec.height ?? 260;
  const hasRight = spec.series.some((s) => s.axis === "right");
  const m = { left: 58, right: hasRight ? 58 : 18, top: 14, bottom: 42 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const allX = [...spec.x, ...spec.series.flatMap((s) => s.x ?? [])].filter(finite);
  const xMin = allX.length ? Math.min(...allX) : 0;
  const xMaxData = allX.length ? Math.max(...allX) : 1;
  const xs = spec.xFormat === "elapsed" ? elapsedScale(Math.min(0, xMin), Math.max(xMaxData, xMin + 1)) : niceScale(Math.min(0, xMin), xMaxData);
  // An all-zero series (no errors at all) gets a 0-1 axis rather than ticks of 0.0000001.
  const extent = (xs: ChartSeries[]): number => yExtent(xs) || 1;
  const left = niceScale(0, spec.yMax ?? extent(spec.series.filter((s) => s.axis !== "right")));
  const right = niceScale(0, spec.yRightMax ?? extent(spec.series.filter((s) => s.axis === "right")));
  const px = (x: number): number => m.left + ((x - xs.min) / (xs.max - xs.min || 1)) * plotW;
  const py = (y: number, sc: Scale): number => m.top + plotH - ((y - sc.min) / (sc.max - sc.min || 1)) * plotH;
  const r1 = (v: number): string => String(Math.round(v * 10) / 10);
  const fmtX = (x: number): string => (spec.xFormat === "elapsed" ? formatElapsed(x) : formatCompact(x));

  const parts: string[] = [];
  for (const b of spec.bands ?? []) {
    const x0 = px(Math.max(b.from, xs.min));
    const x1 = px(Math.min(b.to, xs.max));
    if (x1 <= x0) continue;
    parts.push(`<g class="band"><rect x="${r1(x0)}" y="${m.top}" width="${r1(x1 - x0)}" height="${plotH}"><title>${escapeXml(`${b.name}: ${fmtX(b.from)} to ${fmtX(b.to)}`)}</title></rect><text x="${r1(x0 + 4)}" y="${m.top + 11}">${escapeXml(b.name)}</text></g>`);
  }
  for (const t of left.ticks) {
    const y = r1(py(t, left));
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}"/><text class="tick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatCompact(t)}</text>`);
  }
  if (hasRight) {
    for (const t of right.ticks) {
      parts.push(`<text class="tick" x="${m.left + plotW + 6}" y="${r1(py(t, right))}" dominant-baseline="middle">${formatCompact(t)}</text>`);
    }
  }
  for (const t of xs.ticks) {
    const x = r1(px(t));
    parts.push(`<line class="xtick" x1="${x}" x2="${x}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}"/><text class="tick" x="${x}" y="${m.top + plotH + 16}" text-anchor="middle">${fmtX(t)}</text>`);
  }
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}"/>`);
  parts.push(`<text class="label" x="${m.left + plotW / 2}" y="${H - 6}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  parts.push(`<text class="label" transform="translate(13 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  if (hasRight && spec.yRightLabel) {
    parts.push(`<text class="label" transform="translate(${W - 8} ${m.top + plotH / 2}) rotate(90)" text-anchor="middle">${escapeXml(spec.yRightLabel)}</text>`);
  }

  let pointsDrawn = 0;
  spec.series.forEach((s, idx) => {
    const color = s.color ?? PALETTE[idx % PALETTE.length]!;
    const sc = s.axis === "right" ? right : left;
    const xv = s.x ?? spec.x;
    if (s.style === "points") {
      const dots: string[] = [];
      for (let i = 0; i < s.y.length; i++) {
        const v = s.y[i];
        const x = xv[i];
        if (!finite(v) || !finite(x)) continue;
        dots.push(`<circle cx="${r1(px(x))}" cy="${r1(py(v, sc))}" r="${s.radius ?? 2.6}"><title>${escapeXml(`${s.labels?.[i] ?? s.name}: ${fmtX(x)} → ${fmtValue(v, s.axis === "right" ? spec.yRightUnit : spec.yUnit)}`)}</title></circle>`);
      }
      pointsDrawn += dots.length;
      parts.push(`<g class="points" fill="${color}" data-series="${escapeXml(s.name)}" data-points="${dots.length}">${dots.join("")}</g>`);
      return;
    }
    let d = "";
    let pen = false;
    let count = 0;
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i];
      const x = xv[i];
      if (!finite(v) || !finite(x)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${r1(px(x))} ${r1(py(v, sc))}`;
      pen = true;
      count++;
    }
    pointsDrawn += count;
    const dash = s.style === "dashed" ? ` stroke-dasharray="5 4"` : "";
    parts.push(`<path class="series" d="${d}" stroke="${color}"${dash} data-series="${escapeXml(s.name)}" data-points="${count}"/>`);
  });

  (spec.markers ?? []).forEach((mk, i) => {
    if (!finite(mk.x) || mk.x < xs.min || mk.x > xs.max) return;
    const x = r1(px(mk.x));
    const color = mk.color ?? "#1d2330";
    const anchor = px(mk.x) > m.left + plotW * 0.75 ? "end" : "start";
    parts.push(`<g class="marker"><line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + plotH}" stroke="${color}"/><text x="${anchor === "end" ? r1(px(mk.x) - 4) : r1(px(mk.x) + 4)}" y="${m.top + 12 + i * 13}" text-anchor="${anchor}" fill="${color}">${escapeXml(mk.name)}</text></g>`);
  });

  // Hover columns: one transparent strip per x position (at most ~240), its <title> lists every
  // series' value there (series with their own x, such as telemetry, give their nearest sample).
  const hover: string[] = [];
  const lineSeries = spec.series.filter((s) => s.style !== "points");
  if (spec.hover !== false && lineSeries.length > 0 && spec.x.length > 0) {
    const every = Math.max(1, Math.ceil(spec.x.length / 240));
    for (let i = 0; i < spec.x.length; i += every) {
      const x = spec.x[i]!;
      const next = i + every < spec.x.length ? spec.x[i + every]! : undefined;
      // The column is centred on its point: from halfway to the previous column to halfway to the next.
      const prev = i - every >= 0 ? spec.x[i - every]! : undefined;
      const xa = prev !== undefined ? (px(prev) + px(x)) / 2 : m.left;
      const xb = next !== undefined ? (px(x) + px(next)) / 2 : m.left + plotW;
      const tolerance = next !== undefined ? next - x : i > 0 ? x - spec.x[i - 1]! : 1;
      const rows = lineSeries
        .map((s) => {
          const v = valueAt(s, i, x, tolerance);
          return finite(v) ? `${s.name}: ${fmtValue(v, s.axis === "right" ? spec.yRightUnit : spec.yUnit)}` : undefined;
        })
        .filter((r): r is string => r !== undefined);
      if (rows.length === 0) continue;
      hover.push(`<rect x="${r1(xa)}" y="${m.top}" width="${r1(Math.max(1, xb - xa))}" height="${plotH}"><title>${escapeXml([fmtX(x), ...rows].join("\n"))}</title></rect>`);
    }
  }
  parts.push(`<g class="hover">${hover.join("")}</g>`);

  const legend = spec.series.map((s, idx): LegendItem => ({
    name: s.name,
    color: s.color ?? PALETTE[idx % PALETTE.length]!,
    kind: s.style === "points" ? "dot" : s.style === "dashed" ? "dash" : "line",
    ...(hasRight ? { side: s.axis === "right" ? ("right" as const) : ("left" as const) } : {}),
  }));
  return { width: W, height: H, body: parts.join(""), pointsDrawn, legend };
}

const ariaOf = (spec: ChartSpec): string => `${spec.title}: ${spec.yLabel} against ${spec.xLabel}`;

/** Renders a chart as a <figure> with an HTML legend and an inline SVG (styled by the page's CSS). */
export function renderChart(spec: ChartSpec): string {
  const c = drawChart(spec);
  const legend = c.legend
    .map((l) => {
      const side = l.side ? ` <span class="axis-side">(${l.side} axis)</span>` : "";
      return `<li><span class="swatch ${l.kind}" style="--c:${l.color}"></span>${escapeXml(l.name)}${side}</li>`;
    })
    .join("");
  return `<figure class="chart" id="${escapeXml(spec.id)}"><figcaption>${escapeXml(spec.title)}</figcaption><ul class="legend">${legend}</ul><svg class="chart-svg" viewBox="0 0 ${c.width} ${c.height}" role="img" aria-label="${escapeXml(ariaOf(spec))}" data-points="${c.pointsDrawn}" xmlns="http://www.w3.org/2000/svg">${c.body}</svg></figure>`;
}

/**
 * The charts' own style rules, shared by report.html (each prefixed with "svg ") and the
 * standalone SVG files (embedded as they are): without them a series path would be filled black.
 */
export const CHART_CSS_RULES = [
  ".grid { stroke:#e9ecf1; }",
  ".axis { stroke:#8a93a3; }",
  ".xtick { stroke:#8a93a3; }",
  ".tick { fill:#5d6677; }",
  ".label { fill:#3b4352; font-size:11.5px; }",
  "path.series { fill:none; stroke-width:1.7; stroke-linejoin:round; stroke-linecap:round; }",
  ".band rect { fill:#f3f5f9; }",
  ".band:nth-of-type(even) rect { fill:#eaeef5; }",
  ".band text { fill:#7a8394; font-size:10.5px; }",
  ".marker line { stroke-width:1.3; stroke-dasharray:3 3; }",
  ".marker text { font-size:10.5px; }",
  ".hover rect { fill:transparent; }",
  ".hover rect:hover { fill:rgba(78,121,167,.10); }",
];

// Standalone files are read outside any page: system fonts only (nothing to fetch), a white
// background so they stay legible on a dark theme.
const FILE_CSS = ["svg { font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif; font-size:11px; }", ".title { fill:#1d2330; font-size:13.5px; font-weight:600; }", ".legend text { fill:#3b4352; font-size:12px; }", ...CHART_CSS_RULES].join("\n");

/** Rough width of a line of text at `sizePx` (system sans-serif averages about 0.56 em a character). */
const textWidth = (text: string, sizePx: number): number => text.length * sizePx * 0.56;

/**
 * Renders a chart as a standalone SVG document (an image file for Markdown, a browser or an
 * editor): the same plot as renderChart, with its title and legend drawn inside the SVG, its
 * styles embedded, a background, explicit size and no script. `alt` becomes its <title>.
 */
export function renderChartSvg(spec: ChartSpec, alt = ariaOf(spec)): string {
  const c = drawChart({ ...spec, hover: false });
  const W = c.width;
  // The legend flows in rows under the title.
  const items: string[] = [];
  let x = 12;
  let row = 0;
  for (const l of c.legend) {
    const label = l.side ? `${l.name} (${l.side} axis)` : l.name;
    const w = 22 + textWidth(label, 12) + 16;
    if (x > 12 && x + w > W - 12) {
      x = 12;
      row++;
    }
    const y = 44 + row * 18;
    const swatch = l.kind === "dot" ? `<circle cx="${x + 8}" cy="${y - 4}" r="4" fill="${l.color}"/>` : `<line x1="${x}" x2="${x + 16}" y1="${y - 4}" y2="${y - 4}" stroke="${l.color}" stroke-width="2.5"${l.kind === "dash" ? ` stroke-dasharray="4 3"` : ""}/>`;
    items.push(`${swatch}<text x="${x + 22}" y="${y}">${escapeXml(label)}</text>`);
    x += w;
  }
  const top = 44 + row * 18 + 10;
  const H = top + c.height;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="title" data-points="${c.pointsDrawn}">`,
    `<title id="title">${escapeXml(alt)}</title>`,
    `<style>${FILE_CSS}</style>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text class="title" x="12" y="22">${escapeXml(spec.title)}</text>`,
    `<g class="legend">${items.join("")}</g>`,
    `<g class="plot" transform="translate(0 ${top})">${c.body}</g>`,
    `</svg>`,
    "",
  ].join("\n");
}
