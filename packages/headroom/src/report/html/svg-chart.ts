// Charts as inline SVG strings: line and scatter charts with axes, units, a legend, shaded phases
// and tooltips through <title> (no script, no network, prints as vectors). Drawn by hand because
// the report must be one self-contained file and a chart library would be most of its weight.
import { escapeXml } from "../escape.js";
import { drawChart } from "./chart-plot.js";
import type { ChartSpec } from "./chart-spec.js";

export { PALETTE, type ChartBand, type ChartMarker, type ChartSeries, type ChartSpec } from "./chart-spec.js";
export { niceScale } from "./chart-plot.js";

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
