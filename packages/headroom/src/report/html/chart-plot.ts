// The plot of a chart as SVG elements: scales, bands, grid and axes, series, markers and hover
// columns. svg-chart.ts wraps it as an HTML figure or a standalone SVG file.
import { escapeXml } from "../escape.js";
import { formatCompact, formatElapsed, formatNumber } from "../format.js";
import { PALETTE, type ChartSeries, type ChartSpec } from "./chart-spec.js";

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

export interface DrawnChart {
  width: number;
  height: number;
  /** The SVG elements of the plot (no <svg> wrapper). */
  body: string;
  pointsDrawn: number;
  legend: LegendItem[];
}

/** Where things go: the plot's size and margins, its scales, and the mapping from data to pixels. */
interface Frame {
  W: number;
  H: number;
  hasRight: boolean;
  m: { left: number; right: number; top: number; bottom: number };
  plotW: number;
  plotH: number;
  xs: Scale;
  left: Scale;
  right: Scale;
  px(x: number): number;
  py(y: number, sc: Scale): number;
  fmtX(x: number): string;
}

const r1 = (v: number): string => String(Math.round(v * 10) / 10);

function frameOf(spec: ChartSpec): Frame {
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
  return {
    W,
    H,
    hasRight,
    m,
    plotW,
    plotH,
    xs,
    left,
    right,
    px: (x) => m.left + ((x - xs.min) / (xs.max - xs.min || 1)) * plotW,
    py: (y, sc) => m.top + plotH - ((y - sc.min) / (sc.max - sc.min || 1)) * plotH,
    fmtX: (x) => (spec.xFormat === "elapsed" ? formatElapsed(x) : formatCompact(x)),
  };
}

/** The shaded phases (ramp-up, peak, ...) behind the data. */
function bandParts(spec: ChartSpec, f: Frame): string[] {
  const { m, plotH, xs, px, fmtX } = f;
  const parts: string[] = [];
  for (const b of spec.bands ?? []) {
    const x0 = px(Math.max(b.from, xs.min));
    const x1 = px(Math.min(b.to, xs.max));
    if (x1 <= x0) continue;
    parts.push(`<g class="band"><rect x="${r1(x0)}" y="${m.top}" width="${r1(x1 - x0)}" height="${plotH}"><title>${escapeXml(`${b.name}: ${fmtX(b.from)} to ${fmtX(b.to)}`)}</title></rect><text x="${r1(x0 + 4)}" y="${m.top + 11}">${escapeXml(b.name)}</text></g>`);
  }
  return parts;
}

/** Grid lines, ticks, the x axis and the axis labels. */
function axisParts(spec: ChartSpec, f: Frame): string[] {
  const { W, H, m, plotW, plotH, left, right, hasRight, xs, px, py, fmtX } = f;
  const parts: string[] = [];
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
  return parts;
}

/** One series: a "points" group of dots, or a path with gaps where values are missing. */
function seriesPart(spec: ChartSpec, f: Frame, s: ChartSeries, idx: number): { part: string; points: number } {
  const { left, right, px, py, fmtX } = f;
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
    return { part: `<g class="points" fill="${color}" data-series="${escapeXml(s.name)}" data-points="${dots.length}">${dots.join("")}</g>`, points: dots.length };
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
  const dash = s.style === "dashed" ? ` stroke-dasharray="5 4"` : "";
  return { part: `<path class="series" d="${d}" stroke="${color}"${dash} data-series="${escapeXml(s.name)}" data-points="${count}"/>`, points: count };
}

/** Labelled vertical lines (the breaking point, the comfortable capacity). */
function markerParts(spec: ChartSpec, f: Frame): string[] {
  const { m, plotW, plotH, xs, px } = f;
  const parts: string[] = [];
  (spec.markers ?? []).forEach((mk, i) => {
    if (!finite(mk.x) || mk.x < xs.min || mk.x > xs.max) return;
    const x = r1(px(mk.x));
    const color = mk.color ?? "#1d2330";
    const anchor = px(mk.x) > m.left + plotW * 0.75 ? "end" : "start";
    parts.push(`<g class="marker"><line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + plotH}" stroke="${color}"/><text x="${anchor === "end" ? r1(px(mk.x) - 4) : r1(px(mk.x) + 4)}" y="${m.top + 12 + i * 13}" text-anchor="${anchor}" fill="${color}">${escapeXml(mk.name)}</text></g>`);
  });
  return parts;
}

/**
 * Hover columns: one transparent strip per x position (at most ~240), its <title> lists every
 * series' value there (series with their own x, such as telemetry, give their nearest sample).
 */
function hoverColumns(spec: ChartSpec, f: Frame): string[] {
  const { m, plotW, plotH, px, fmtX } = f;
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
  return hover;
}

/** Draws the plot of a chart: axes, bands, markers, series and hover columns. */
export function drawChart(spec: ChartSpec): DrawnChart {
  const f = frameOf(spec);
  const parts = [...bandParts(spec, f), ...axisParts(spec, f)];
  let pointsDrawn = 0;
  spec.series.forEach((s, idx) => {
    const drawn = seriesPart(spec, f, s, idx);
    pointsDrawn += drawn.points;
    parts.push(drawn.part);
  });
  parts.push(...markerParts(spec, f));
  parts.push(`<g class="hover">${hoverColumns(spec, f).join("")}</g>`);
  const legend = spec.series.map((s, idx): LegendItem => ({
    name: s.name,
    color: s.color ?? PALETTE[idx % PALETTE.length]!,
    kind: s.style === "points" ? "dot" : s.style === "dashed" ? "dash" : "line",
    ...(f.hasRight ? { side: s.axis === "right" ? ("right" as const) : ("left" as const) } : {}),
  }));
  return { width: f.W, height: f.H, body: parts.join(""), pointsDrawn, legend };
}
