// report.html: one self-contained page (inline CSS and SVG, no script, no network) that answers,
// in order, "did it pass?", "what load ran?", "how fast?", "what failed?", "what did the platform
// feel?", and "where does it break and why?". A section without data says so in one line.
import type { MetricVerdict } from "../../analysis/types.js";
import { escapeXml as e } from "../escape.js";
import { absent, badge, bottleneckCard, capacitySection, table } from "./html-parts.js";
import { formatBytes, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { errorsChart, generatorChart, latencyChart, loadChart, rateLimitByClassChart, telemetryChart, throughputCurveChart } from "./html-charts.js";
import { REPORT_CSS } from "./html-style.js";
import { classRowsOf, type RunReportModel } from "../model/run-report-model.js";
import { boundParts, describeMeasured } from "../verdict-text.js";

function measuredText(v: MetricVerdict): string {
  return v.measured === undefined ? "—" : describeMeasured(v);
}

function headline(m: RunReportModel): string {
  const s = m.summary;
  const errPct = s.requests.total > 0 ? (s.requests.failed / s.requests.total) * 100 : 0;
  const r429 = s.status["429"] ?? 0;
  const counts = { PASS: 0, WARN: 0, FAIL: 0, NOT_MEASURED: 0, NOT_TESTABLE: 0 };
  for (const v of m.verdicts) counts[v.verdict]++;
  const verdictText = m.verdict
    ? `${badge(m.verdict, "verdict-big")} against ${m.verdicts.length} targets: ${counts.PASS} pass, ${counts.WARN} warn, ${counts.FAIL} fail, ${counts.NOT_MEASURED} not measured${counts.NOT_TESTABLE ? `, ${counts.NOT_TESTABLE} not testable by this load` : ""}.${m.analysis?.incomplete ? ` ${e(m.analysis.incomplete)}.` : ""}`
    : "No targets were judged for this run (render it from an analysis to see verdicts).";
  const card = (k: string, v: string, unit = ""): string => `<div class="card"><div class="k">${e(k)}</div><div class="v">${v}${unit ? ` <small>${e(unit)}</small>` : ""}</div></div>`;
  return `<p class="lead">${verdictText}</p>
<div class="cards">${card("Requests", formatInt(s.requests.total))}${card("Throughput", formatNumber(s.requests.ratePerSec, 3), "req/s")}${card("P50 latency", formatMs(s.latencyMs.p50), "ms")}${card("P95 latency", formatMs(s.latencyMs.p95), "ms")}${card("P99 latency", formatMs(s.latencyMs.p99), "ms")}${card("Errors", formatPct(errPct), "%")}${card("429 rate limited", formatInt(r429))}${card("Peak users", formatInt(s.peakUsers))}${card("Duration", e(formatDuration(s.durationSec)))}</div>`;
}

const SEVERITY: Record<MetricVerdict["verdict"], number> = { FAIL: 0, WARN: 1, NOT_TESTABLE: 2, NOT_MEASURED: 3, PASS: 4 };

/** The verdicts, worst first (a reader sees what failed before what passed). */
function verdictSection(m: RunReportModel): string {
  if (m.verdicts.length === 0) return absent("Not judged: no analysis with targets was given for this run.");
  const sorted = m.verdicts.map((v, i) => ({ v, i })).sort((a, b) => SEVERITY[a.v.verdict] - SEVERITY[b.v.verdict] || a.i - b.i);
  const rows = sorted.map(({ v }) => {
    const b = boundParts(v.bound);
    return [badge(v.verdict), e(v.label), e(v.scope), measuredText(v), e(b.target), e(b.acceptable), e(v.tier ?? "—"), `<span class="src">${e(v.note ? `${v.source}; ${v.note}` : v.source)}</span>`];
  });
  return table(["Verdict", "Metric", "Scope", "Measured", "Target", "Acceptable", "Tier", "Source / note"], rows, [false, false, false, true, true, true, false, false]);
}

function endpointSection(m: RunReportModel): string {
  if (m.endpoints.length === 0) return absent("No requests were recorded.");
  const rows = m.endpoints.map((r) => [
    `<code>${e(r.method)}</code> ${e(r.name)}`,
    formatInt(r.requests),
    formatNumber(r.rps, 3),
    formatMs(r.latencyMs.avg),
    formatMs(r.latencyMs.p50),
    formatMs(r.latencyMs.p95),
    formatMs(r.latencyMs.p99),
    formatMs(r.latencyMs.max),
    formatInt(r.failures),
    formatPct(r.failurePct),
    formatInt(r.rateLimited),
  ]);
  return table(["Endpoint", "Requests", "req/s", "Avg ms", "P50 ms", "P95 ms", "P99 ms", "Max ms", "Errors", "Error %", "429s"], rows, [false, true, true, true, true, true, true, true, true, true, true]);
}

function phaseSection(m: RunReportModel): string {
  const phases = m.analysis?.phases ?? [];
  if (phases.length === 0) return "";
  const rows = phases.map((p) => [
    e(p.phase),
    formatDuration(p.durationSec),
    formatInt(p.maxUsers),
    formatInt(p.requests),
    formatNumber(p.rps, 3),
    formatMs(p.latencyMs.avg),
    formatMs(p.latencyMs.p95),
    formatMs(p.latencyMs.p99),
    formatPct(p.failurePct),
  ]);
  return `<h3>Per phase</h3>${table(["Phase", "Duration", "Max users", "Requests", "req/s", "Avg ms", "P95 ms", "P99 ms", "Error %"], rows, [false, true, true, true, true, true, true, true, true])}`;
}

function classSection(m: RunReportModel): string {
  const classes = classRowsOf(m);
  if (classes.length === 0) return "";
  const rows = classes.map((c) => [
    e(c.name), formatInt(c.requests), formatInt(c.failures), formatInt(c.rateLimited),
    formatPct(c.rateLimitedPct), formatPct(c.successPct),
  ]);
  return `<h3>Per user class</h3>${table(["User class", "Requests", "Errors", "429s", "429 share %", "Success %"], rows, [false, true, true, true, true, true])}`;
}

function bottleneckSection(m: RunReportModel): string {
  if (!m.analysis) return absent("Not analysed: bottleneck attribution needs the run's analysis (headroom analyze).");
  if (m.analysis.bottlenecks.length === 0) return absent("No bottleneck found: no component showed saturation in this run's telemetry.");
  return m.analysis.bottlenecks.map(bottleneckCard).join("");
}

function latencySection(m: RunReportModel): string {
  const s = m.series;
  if (s.tSec.length === 0) return absent("No interval data: the run recorded no seconds of load.");
  const overall = latencyChart("chart-latency-all", "All endpoints: P50 / P95 / P99", s.overall, s, { width: 1240, height: 300 });
  const per = s.endpoints.map((ep, i) => latencyChart(`chart-latency-${i}`, `${ep.method} ${ep.name}`, ep, s, { height: 220 })).join("");
  return `${overall}<h3>Per endpoint</h3><div class="grid">${per}</div>`;
}

function serverSection(m: RunReportModel): string {
  const t = m.telemetry;
  const generator = m.series.tSec.length ? generatorChart(m.series, Math.max(1, m.manifest.plan.workers ?? 1)) : "";
  const charts = t.panels.map(telemetryChart).join("") + generator;
  const missing = t.absent.map((a) => absent(`${a.title}: not measured: ${a.reason}.`)).join("");
  return `${charts ? `<div class="grid">${charts}</div>` : ""}${missing}`;
}

function manifestLine(m: RunReportModel): string {
  const man = m.manifest;
  const bits = [
    `run ${man.id}`,
    `started ${man.startedAt}`,
    `status ${man.status}`,
    man.loadLevel ? `load level ${man.loadLevel}` : "",
    man.scale !== undefined && man.scale !== 1 ? `scale ×${man.scale}` : "",
    `${man.source === "headroom" ? `${man.tool.name} ${man.tool.version}` : `imported from ${man.source}`}`,
    `generator ${man.host.hostname} (${man.host.cpus} × ${man.host.cpuModel}, ${formatBytes(man.host.memBytes)}, node ${man.host.node})`,
  ];
  return bits.filter(Boolean).map(e).join(" · ");
}

function planLine(m: RunReportModel): string {
  const p = m.manifest.plan;
  const parts = [`${p.executor} model`, p.users !== undefined ? `${p.users} users` : "", p.spawnRate !== undefined ? `spawn ${p.spawnRate}/s` : "", p.rate !== undefined ? `${p.rate} arrivals/s` : "", `${formatDuration(p.durationSec)}`, p.scenario ? `scenario ${p.scenario}` : p.url ? `${p.method ?? "GET"} ${p.url}` : "", p.workers ? `${p.workers} worker(s)` : ""];
  const classes = p.classes?.length ? `; user classes ${p.classes.map((c) => `${c.name} ${formatNumber(c.weight, 3)}`).join(", ")}` : "";
  return e(parts.filter(Boolean).join(", ") + classes);
}

export function renderHtmlReport(m: RunReportModel): string {
  const curve = throughputCurveChart(m.series, m.capacity);
  const byClass = rateLimitByClassChart(m.series);
  const notes = m.notes.length ? `<h2 id="notes">Notes</h2><ul class="notes">${m.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>` : "";
  const load = m.series.tSec.length ? `<div class="grid">${loadChart(m.series)}${curve ?? ""}</div>` : absent("No interval data: the run recorded no seconds of load.");
  const errors = m.series.tSec.length ? `<div class="grid">${errorsChart(m.series)}${byClass ?? ""}</div>` : "";
  const sections: [string, string, string][] = [
    ["verdicts", "Verdicts", verdictSection(m)],
    ["load", "Load and throughput", `<p>Plan: ${planLine(m)}.</p>${load}`],
    ["latency", "Latency over time", latencySection(m)],
    ["errors", "Errors and rate limiting", errors + (m.summary.requests.failed === 0 && (m.summary.status["429"] ?? 0) === 0 ? absent("No failed requests and no 429 responses in this run.") : "")],
    ["endpoints", "Endpoints", endpointSection(m) + phaseSection(m) + classSection(m)],
    ["server", "Server side", serverSection(m)],
    ["capacity", "Capacity", capacitySection(m.capacity)],
    ["bottlenecks", "Bottlenecks", bottleneckSection(m)],
  ];
  const toc = sections.map(([id, title]) => `<a href="#${id}">${e(title)}</a>`).join("") + (notes ? `<a href="#notes">Notes</a>` : "");
  const body = sections.map(([id, title, html]) => `<section><h2 id="${id}">${e(title)}</h2>${html}</section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`headroom report: ${m.title}`)}</title>
<style>${REPORT_CSS}</style></head>
<body><header class="top"><div class="inner"><div><div class="brand">headroom load test report</div><h1>${e(m.title)}</h1><div class="meta">${manifestLine(m)}</div></div></div></header>
<main>${headline(m)}<nav class="toc">${toc}</nav>
${body}
${notes}
<footer>Rendered ${e(m.generatedAt)} by headroom from the run store ${e(m.summary.runDir)}. Percentiles come from merged HDR histograms of every request (per point: of that second or bucket). 429 responses are rate limiting working as designed and are shown apart from errors.</footer>
</main></body></html>
`;
}
