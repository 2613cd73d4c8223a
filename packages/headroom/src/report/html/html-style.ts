// The report page's stylesheet, inlined into report.html (no network). Laptop-first: two charts a
// row from 980 px, one below; print puts one chart per row and keeps charts and tables whole.
import { CHART_CSS_RULES } from "./svg-chart.js";

export const REPORT_CSS = `
:root { --fg:#1d2330; --muted:#5d6677; --line:#dde1e8; --bg:#f5f6f8; --card:#fff; --accent:#4e79a7;
  --pass:#2e7d32; --pass-bg:#e6f4ea; --warn:#9a6700; --warn-bg:#fff4d6; --fail:#b3261e; --fail-bg:#fde7e6; --nm:#5d6677; --nm-bg:#eef0f3; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:1280px; margin:0 auto; padding:20px 24px 48px; }
header.top { background:#1d2330; color:#fff; }
header.top .inner { max-width:1280px; margin:0 auto; padding:18px 24px; display:flex; gap:24px; align-items:center; justify-content:space-between; flex-wrap:wrap; }
header.top h1 { margin:0; font-size:20px; font-weight:600; }
header.top .meta { color:#c5cbd6; font-size:12.5px; margin-top:4px; }
header.top .brand { font-size:12px; color:#9aa3b2; letter-spacing:.04em; text-transform:uppercase; }
h2 { font-size:17px; margin:30px 0 10px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:14px; margin:18px 0 8px; color:var(--muted); font-weight:600; }
p.lead { font-size:15px; margin:14px 0 4px; }
p.absent { color:var(--muted); font-style:italic; margin:6px 0; }
nav.toc { font-size:12.5px; margin:10px 0 0; display:flex; flex-wrap:wrap; gap:4px 14px; }
nav.toc a { color:var(--accent); text-decoration:none; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; margin:16px 0 6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.card .k { color:var(--muted); font-size:12px; }
.card .v { font-size:21px; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
.card .v small { font-size:12px; color:var(--muted); font-weight:400; }
.answer { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:8px 0 16px; } .answer dt { font-weight:600; } .answer dd { margin:0; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; letter-spacing:.02em; white-space:nowrap; }
.badge.PASS { color:var(--pass); background:var(--pass-bg); } .badge.WARN { color:var(--warn); background:var(--warn-bg); }
.badge.FAIL { color:var(--fail); background:var(--fail-bg); } .badge.NOT_MEASURED, .badge.NOT_TESTABLE { color:var(--nm); background:var(--nm-bg); } .badge.INCOMPLETE { color:var(--fail); background:var(--fail-bg); }
.verdict-big { font-size:15px; padding:4px 14px; border-radius:14px; }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; font-size:13px; }
th, td { padding:6px 10px; text-align:left; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f0f2f5; font-weight:600; font-size:12px; color:#3b4352; }
tr:last-child td { border-bottom:0; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.src { color:var(--muted); font-size:12px; }
td:first-child { white-space:nowrap; }
.table-wrap { overflow-x:auto; }
.grid { display:grid; grid-template-columns:1fr; gap:14px; }
@media (min-width:980px) { .grid { grid-template-columns:1fr 1fr; } }
figure.chart { margin:0; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px 6px; break-inside:avoid; }
figure.chart figcaption { font-weight:600; font-size:13.5px; }
ul.legend { list-style:none; margin:4px 0 2px; padding:0; display:flex; flex-wrap:wrap; gap:2px 14px; font-size:12px; color:#3b4352; }
ul.legend li { display:flex; align-items:center; gap:6px; }
.axis-side { color:var(--muted); }
.swatch { display:inline-block; width:16px; height:0; border-top:2.5px solid var(--c); }
.swatch.dash { border-top-style:dashed; }
.swatch.dot { width:8px; height:8px; border:0; border-radius:50%; background:var(--c); }
svg.chart-svg { width:100%; height:auto; display:block; font-size:11px; font-family:inherit; }
${CHART_CSS_RULES.map((r) => `svg ${r}`).join("\n")}
.bottleneck { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--fail); border-radius:8px; padding:10px 14px; margin:10px 0; break-inside:avoid; }
.bottleneck.secondary { border-left-color:#f28e2b; } .bottleneck.tertiary, .bottleneck.minor { border-left-color:#bab0ac; }
.bottleneck h4 { margin:0 0 6px; font-size:14px; }
.bottleneck dl { display:grid; grid-template-columns:130px 1fr; gap:3px 12px; margin:0; font-size:13px; }
.bottleneck dt { color:var(--muted); }
.bottleneck dd { margin:0; }
ul.notes { margin:6px 0; padding-left:20px; color:#3b4352; }
footer { color:var(--muted); font-size:12px; margin-top:36px; border-top:1px solid var(--line); padding-top:10px; }
@media print {
  body { background:#fff; font-size:11.5px; } main { max-width:none; padding:0 6mm; }
  header.top { background:#fff; color:#000; border-bottom:2px solid #000; } header.top .meta, header.top .brand { color:#333; }
  .grid { grid-template-columns:1fr 1fr; } nav.toc { display:none; }
  figure.chart, table, .bottleneck, .card { break-inside:avoid; } h2 { break-after:avoid; }
  svg .hover { display:none; }
}
`;
