// The per-test result document (Markdown) the platform keeps for each test: configuration,
// summary, requirements vs actual, per-endpoint, per-phase and per-class tables, resources,
// error rate per third, stability verdicts, cache, recovery and bottlenecks. Every figure is
// measured or says "not measured: <reason>". Also what `headroom report --format md` writes.
import type { MetricVerdict, RunAnalysis } from "../../analysis/types.js";
import type { PlanDescription } from "../../core/types.js";
import { chartMarkdown } from "../html/chart-files.js";
import { formatBytes, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { mdTable } from "./markdown.js";
import { classRowsOf, type RunReportModel } from "../model/run-report-model.js";
import { VERDICT_MARK, describeBound, describeMeasured, notMeasuredText } from "../verdict-text.js";
import { NOT_ANALYSED, bottleneckList, cacheSection, errorThirdsTable, recoverySection, resourceTable, stabilitySection } from "./analysis-tables.js";

export { VERDICT_MARK, resourceTable };

const TITLES: Record<string, string> = {
  baseline: "Baseline Load Test",
  peak: "Peak Load Test",
  sustained: "Sustained Load Test",
  spike: "Spike Test",
  "rate-limiting": "Rate Limiting Test",
  "database-stress": "Database Stress Test",
  "cache-performance": "Cache Performance Test",
};

/** "Peak Load Test" for the seed's profiles, else the run's name. */
export function testTitle(name: string): string {
  return TITLES[name] ?? `${name[0]?.toUpperCase() ?? ""}${name.slice(1)} Test`;
}


const pct = (n: number, of: number): string => (of > 0 ? formatPct((n / of) * 100) : "0");

function configuration(m: RunReportModel): string {
  const p = m.manifest.plan;
  const lines = [
    p.users !== undefined ? `- Users: ${formatInt(p.users)}` : p.rate !== undefined ? `- Arrival rate: ${formatNumber(p.rate, 4)} per second` : "",
    spawnRateOf(p) !== undefined ? `- Spawn Rate: ${formatNumber(spawnRateOf(p)!, 3)} users/second` : "",
    p.stages?.length ? `- Stages: ${p.stages.map((s) => `${s.name ? `${s.name} ` : ""}${formatDuration(s.durationSec)}${s.users !== undefined ? ` to ${s.users} users` : ""}${s.rate !== undefined ? ` to ${s.rate}/s` : ""}${s.spawnRate !== undefined ? ` at ${s.spawnRate}/s` : ""}`).join(", ")}` : "",
    `- Duration: ${formatDuration(p.durationSec)} planned, ${formatDuration(m.summary.durationSec)} recorded`,
    `- User Mix: ${describeUserMix(m)}`,
    `- Load model: ${p.executor}${p.workers ? `, ${p.workers} worker thread(s)` : ""}${p.seed !== undefined ? `, seed ${p.seed}` : ""}`,
    m.manifest.loadLevel ? `- Judged at load level: ${m.manifest.loadLevel}` : "",
    m.manifest.scale !== undefined && m.manifest.scale !== 1 ? `- Scale factor: ${m.manifest.scale} (users and durations multiplied by it; run with --full for the capacity plan template's values)` : "",
  ];
  return lines.filter(Boolean).join("\n");
}

/** The spawn rate of the run: the profile's, or its first stage's (staged profiles). */
export function spawnRateOf(p: PlanDescription): number | undefined {
  return p.spawnRate ?? p.stages?.find((s) => s.spawnRate !== undefined)?.spawnRate;
}

/** The configured class weights, else the mix measured at the busiest second, else why it is absent. */
export function describeUserMix(m: RunReportModel): string {
  const classes = m.manifest.plan.classes;
  if (classes?.length) return `${userMix(classes)} (configured weights)`;
  if (m.userMix.length) return `${userMix(m.userMix.map((c) => ({ name: c.name, weight: c.users })))} (measured: virtual users per class at the busiest second)`;
  return "not measured: the run recorded no user classes";
}

export function userMix(classes: { name: string; weight: number }[]): string {
  const total = classes.reduce((s, c) => s + c.weight, 0);
  return classes.map((c) => `${formatPct(total > 0 ? (c.weight / total) * 100 : 0)}% ${c.name}`).join(", ");
}

/**
 * The whole run's throughput (all requests over the run's duration, ramp included) and, when the
 * throughput target was judged, the steady window's it was judged on: two numbers, each named.
 */
export function throughputLines(m: RunReportModel): string[] {
  const whole = `Throughput: ${formatNumber(m.summary.requests.ratePerSec, 4)} requests/second (whole run)`;
  const steady = steadyThroughput(m);
  return steady ? [whole, `Throughput (steady window): ${formatNumber(steady.value, 4)} requests/second${steady.window ? ` (${steady.window})` : ""}`] : [whole];
}

/** The throughput the target was judged on: requests per second over the run's steady window. */
export function steadyThroughput(m: RunReportModel): { value: number; window?: string } | undefined {
  const v = m.verdicts.find((x) => x.metric === "rps" && x.measured !== undefined);
  if (!v) return undefined;
  const window = /steady window \(([^)]+)\)/.exec(v.source)?.[1];
  return { value: v.measured!, ...(window ? { window } : {}) };
}

function summaryBlock(m: RunReportModel): string {
  const s = m.summary;
  const r429 = s.status["429"] ?? 0;
  return [
    "```",
    `Total Requests: ${formatInt(s.requests.total)}`,
    `Failures: ${formatInt(s.requests.failed)} (${pct(s.requests.failed, s.requests.total)}%)`,
    `Rate Limited (429): ${formatInt(r429)} (${pct(r429, s.requests.total)}%)`,
    `Average Response Time: ${formatMs(s.latencyMs.mean)} ms`,
    `P50 Latency: ${formatMs(s.latencyMs.p50)} ms`,
    `P95 Latency: ${formatMs(s.latencyMs.p95)} ms`,
    `P99 Latency: ${formatMs(s.latencyMs.p99)} ms`,
    `P99.9 Latency: ${formatMs(s.latencyMs.p999)} ms`,
    `Max Latency: ${formatMs(s.latencyMs.max)} ms`,
    ...throughputLines(m),
    `Peak Users: ${formatInt(s.peakUsers)}`,
    "```",
  ].join("\n");
}

/** The seed's "Requirements vs actual" table: one row per target, met / not met. */
export function requirementsTable(verdicts: MetricVerdict[]): string {
  if (verdicts.length === 0) return `Requirements were ${NOT_ANALYSED}.`;
  const met = (v: MetricVerdict): string => (v.verdict === "PASS" ? "met" : v.verdict === "WARN" ? "met (acceptable tier only)" : v.verdict === "FAIL" ? "not met" : notMeasuredText(v));
  return mdTable(
    ["Requirement", "Bound", "Actual", "Tier", "Met", "Verdict", "Source"],
    verdicts.map((v) => [v.label, describeBound(v.bound), describeMeasured(v), v.tier ?? "—", met(v), VERDICT_MARK[v.verdict], v.source]),
  );
}

export function endpointTable(m: RunReportModel): string {
  if (m.endpoints.length === 0) return "not measured: no requests were recorded";
  return mdTable(
    ["Endpoint", "Requests", "Avg (ms)", "P50 (ms)", "P95 (ms)", "P99 (ms)", "Errors", "Error %", "429s"],
    m.endpoints.map((e) => [`${e.method} ${e.name}`, formatInt(e.requests), formatMs(e.latencyMs.avg), formatMs(e.latencyMs.p50), formatMs(e.latencyMs.p95), formatMs(e.latencyMs.p99), formatInt(e.failures), formatPct(e.failurePct), formatInt(e.rateLimited)]),
    ["left", "right", "right", "right", "right", "right", "right", "right", "right"],
  );
}

export function phaseTable(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  if (a.phases.length === 0) return "not measured: the run's profile has no named phases (ramp-up, peak, ramp-down)";
  return mdTable(
    ["Phase", "Window", "Max users", "Requests", "RPS", "Avg (ms)", "P50 (ms)", "P95 (ms)", "P99 (ms)", "Failures"],
    a.phases.map((p) => [p.phase, `${formatInt(p.startSec)}-${formatInt(p.endSec)} s`, formatInt(p.maxUsers), formatInt(p.requests), formatNumber(p.rps, 4), formatMs(p.latencyMs.avg), formatMs(p.latencyMs.p50), formatMs(p.latencyMs.p95), formatMs(p.latencyMs.p99), `${formatInt(p.failures)} (${formatPct(p.failurePct)}%)`]),
    ["left", "left", "right", "right", "right", "right", "right", "right", "right", "right"],
  );
}

export function classTable(m: RunReportModel): string {
  const rows = classRowsOf(m);
  if (rows.length === 0) return "not measured: the run has no user classes (a single-request run, or an import without them)";
  return mdTable(
    ["User class", "Requests", "Failures", "Rate limited (429)", "429 share", "Success"],
    rows.map((c) => [c.name, formatInt(c.requests), formatInt(c.failures), formatInt(c.rateLimited), `${formatPct(c.rateLimitedPct)}%`, `${formatPct(c.successPct)}%`]),
    ["left", "right", "right", "right", "right", "right"],
  );
}


/** The result document of one test run. */
export function renderTestResult(m: RunReportModel): string {
  const a = m.analysis;
  const status = m.verdict ? VERDICT_MARK[m.verdict] : "– NOT JUDGED (no targets)";
  const man = m.manifest;
  const out = [
    `# ${testTitle(man.name)} Results`,
    "",
    `- **Date**: ${man.startedAt}${man.endedAt ? ` to ${man.endedAt}` : ""}`,
    `- **Target**: ${man.target.url ?? "not recorded"}${man.target.scenario ? ` (scenario ${man.target.scenario})` : ""}`,
    `- **Test Tool**: ${man.source === "headroom" ? `headroom ${man.tool.version}` : `${man.source} (imported into headroom ${man.tool.version})`}`,
    `- **Load generator**: ${man.host.hostname}, ${man.host.cpus} × ${man.host.cpuModel}, ${formatBytes(man.host.memBytes)} RAM, Node.js ${man.host.node}`,
    `- **Run directory**: \`${m.summary.runDir}\` (status ${man.status}${m.summaryRebuilt ? "; summary rebuilt from intervals" : ""})`,
    "",
    "## Configuration",
    "",
    configuration(m),
    "",
    "## Results",
    "",
    summaryBlock(m),
    "",
    `**Status**: ${status}`,
    "",
    ...chartMarkdown(m.charts?.load),
    ...chartMarkdown(m.charts?.latency),
    "## Requirements vs Actual",
    "",
    requirementsTable(m.verdicts),
    "",
    "## Per-Endpoint Results",
    "",
    endpointTable(m),
    "",
    "## Per-Phase Results",
    "",
    phaseTable(a),
    "",
    "## Rate Limiting per User Class",
    "",
    classTable(m),
    "",
    "## Resource Utilization",
    "",
    resourceTable(a),
    "",
    "## Error Rate per Third of the Run",
    "",
    errorThirdsTable(a),
    "",
    "## Stability",
    "",
    stabilitySection(a),
    "",
    "## Cache",
    "",
    cacheSection(a),
    "",
    "## Recovery",
    "",
    recoverySection(a),
    "",
    "## Bottlenecks",
    "",
    bottleneckList(a),
    "",
  ];
  if (m.notes.length) out.push("## Notes", "", ...m.notes.map((n) => `- ${n}`), "");
  return out.join("\n");
}
