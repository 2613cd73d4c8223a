// performance-summary.md: one page over the whole suite: results by test, requirements vs actual,
// breaking point, bottlenecks, graceful degradation by load level, sustained vs peak, spike
// recovery and the resource table of the heaviest test.
import { AXIS_USERS } from "../../analysis/usl-axis.js";
import type { SustainedVsPeakRow } from "../../analysis/types.js";
import { chartMarkdown } from "../html/chart-files.js";
import { formatBreakUsers, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { searchNotReached, searchStepsTable, searchSummaryLine, uslBrokeWhat } from "./capacity-plan-search.js";
import { headlineOf } from "../model/headline.js";
import { headlineMarkdown } from "./headline-render.js";
import { mdTable } from "./markdown.js";
import { analyses, findRun, heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { resourceTable, testTitle, VERDICT_MARK } from "./test-result.js";
import { describeBound, describeMeasured, notMeasuredText } from "../verdict-text.js";

const pctOf = (n: number, of: number): string => `${of > 0 ? formatPct((n / of) * 100) : "0"}%`;

function resultsByTest(model: PlanReportModel): string {
  if (model.runs.length === 0) return "not measured: the suite ran no test";
  return mdTable(
    ["Test", "Users", "Duration", "Requests", "RPS (whole run)", "Avg (ms)", "P50 (ms)", "P95 (ms)", "P99 (ms)", "Errors", "429s", "Verdict"],
    model.runs.map(({ profile, report: r }) => {
      const s = r.summary;
      return [testTitle(profile), formatInt(s.peakUsers), formatDuration(s.durationSec), formatInt(s.requests.total), formatNumber(s.requests.ratePerSec, 4), formatMs(s.latencyMs.mean), formatMs(s.latencyMs.p50), formatMs(s.latencyMs.p95), formatMs(s.latencyMs.p99), pctOf(s.requests.failed, s.requests.total), pctOf(s.status["429"] ?? 0, s.requests.total), r.verdict ? VERDICT_MARK[r.verdict] : "– not judged"];
    }),
    ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "left"],
  );
}

function requirements(model: PlanReportModel): string {
  const rows = model.runs.flatMap(({ profile, report }) =>
    report.verdicts.map((v) => [testTitle(profile), v.label, describeBound(v.bound), describeMeasured(v), v.verdict === "PASS" ? "met" : v.verdict === "WARN" ? "met (acceptable tier)" : v.verdict === "FAIL" ? "not met" : notMeasuredText(v)]),
  );
  return rows.length ? mdTable(["Test", "Requirement", "Bound", "Actual", "Met"], rows) : "not measured: no run was judged against targets";
}

function breakingPoint(model: PlanReportModel): string {
  const c = model.capacity;
  if (!c) return "not measured: no capacity analysis over the suite's load levels";
  const v = (x: number | null, unit: string): string => (x === null ? "not reached in the tested range" : `${unit === "users" ? formatInt(x) : formatNumber(x, 4)} ${unit}`);
  const rows = [
    ["Max concurrent users", v(c.maxUsers.value, "users"), c.maxUsers.confidence, `${c.maxUsers.reason} (${c.maxUsers.formula})`],
    // The ceiling, as every document's Answer states it (headline.ts).
    ["Max requests/second (ceiling)", headlineOf(model).ceiling.text, headlineOf(model).ceiling.confidence, "the saturation throughput: where throughput levels off over the load steps"],
    ["Breaking point", c.breakingPoint.users !== null ? `${formatBreakUsers(c.breakingPoint.users, c.breakingPoint.lastGood)} users` : model.search && c.breakingPoint.rps === null ? searchNotReached(model.search) : v(c.breakingPoint.rps, "req/s"), c.breakingPoint.confidence, `${c.breakingPoint.limit}: ${c.breakingPoint.reason}`],
    ["Comfortable capacity", c.comfortable.users !== null ? `${formatInt(c.comfortable.users)} users` : v(c.comfortable.rps, "req/s"), c.comfortable.confidence, c.comfortable.reason],
  ];
  const inSystem = c.usl?.axis !== undefined && c.usl.axis !== AXIS_USERS;
  const usl = c.usl ? `\n\nUSL fit${c.usl.axis ? ` (on ${c.usl.axis})` : ""}: α = ${formatNumber(c.usl.alpha, 3)}, β = ${formatNumber(c.usl.beta, 3)}, γ = ${formatNumber(c.usl.gamma, 3)} req/s per ${inSystem ? "request in the system" : "user"}, R² = ${c.usl.rSquared.toFixed(3)} over ${c.usl.points} points${c.usl.warnings.length ? ` (${c.usl.warnings.join("; ")})` : ""}.${uslBrokeWhat(c.usl, c.breakingPoint) ? ` What broke at ${formatInt(c.breakingPoint.users!)} users was ${uslBrokeWhat(c.usl, c.breakingPoint)}, not throughput.` : ""}` : "";
  const search = model.search ? `\n\n${searchSummaryLine(model.search)}\n\n${searchStepsTable(model.search)}` : "";
  return mdTable(["Figure", "Value", "Confidence", "Derivation"], rows) + usl + search;
}

function bottlenecks(model: PlanReportModel): string {
  // The plan's one ranking (headline.ts): the breaking point's findings first, then the tests'.
  const ranked = headlineOf(model).bottlenecks;
  if (ranked.length === 0) return analyses(model).length ? "No bottleneck found: no component showed saturation in the tested range." : "not measured: no run was analysed";
  return mdTable(
    ["Rank", "Component", "Symptom", "Limit", "Impact", "Recommendation", "Seen in"],
    ranked.map(({ bottleneck: b, rank, seenIn }) => {
      const rankText = rank.charAt(0).toUpperCase() + rank.slice(1);
      return [rankText, b.componentLabel, b.symptom, b.limit, b.impact, b.recommendation, seenIn];
    }),
  );
}

function degradation(model: PlanReportModel): string {
  const d = model.capacity?.degradation ?? [];
  if (d.length === 0) return "not measured: no capacity analysis over the suite's load levels";
  return mdTable(
    [model.capacity!.model === "open" ? "Arrival rate" : "Users", "RPS", "P95 (ms)", "Errors", "Verdict", "Behaviour"],
    d.map((r) => [r.users !== undefined ? formatInt(r.users) : `${formatNumber(r.targetRate ?? 0, 4)}/s`, formatNumber(r.rps, 4), formatMs(r.p95Ms), `${formatPct(r.errorPct)}%`, VERDICT_MARK[r.verdict], r.behaviour]),
    ["right", "right", "right", "right", "left", "left"],
  );
}

function sustainedVsPeak(model: PlanReportModel): string {
  let rows: SustainedVsPeakRow[] | undefined = model.capacity?.sustainedVsPeak;
  const sus = findRun(model, "sustained")?.report.summary;
  const peak = findRun(model, "peak")?.report.summary;
  if (!rows?.length && sus && peak) {
    const err = (s: typeof sus): number => (s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0);
    rows = [
      { metric: "Throughput", unit: "req/s", sustained: sus.requests.ratePerSec, peak: peak.requests.ratePerSec },
      { metric: "P50 latency", unit: "ms", sustained: sus.latencyMs.p50, peak: peak.latencyMs.p50 },
      { metric: "P95 latency", unit: "ms", sustained: sus.latencyMs.p95, peak: peak.latencyMs.p95 },
      { metric: "P99 latency", unit: "ms", sustained: sus.latencyMs.p99, peak: peak.latencyMs.p99 },
      { metric: "Error rate", unit: "%", sustained: err(sus), peak: err(peak) },
    ].map((r) => ({ ...r, ...(r.sustained ? { ratio: r.peak / r.sustained } : {}) }));
  }
  if (!rows?.length) return "not measured: the suite needs both a sustained and a peak run";
  const f = (v: number | undefined, unit: string): string => (v === undefined ? "not measured" : `${formatNumber(v, 4)}${unit === "%" ? "%" : ` ${unit}`}`);
  return mdTable(["Metric", "Sustained", "Peak", "Peak / sustained"], rows.map((r) => [r.metric, f(r.sustained, r.unit), f(r.peak, r.unit), r.ratio !== undefined ? `${formatNumber(r.ratio, 3)}×` : "—"]));
}

function spike(model: PlanReportModel): string {
  const run = findRun(model, "spike");
  if (!run) return "not measured: the suite did not run the spike profile";
  const a = run.report.analysis;
  const s = run.report.summary;
  const lines = [`- **Survived**: ${run.report.verdict ? VERDICT_MARK[run.report.verdict] : "not judged"}; ${formatInt(s.requests.total)} requests, ${pctOf(s.requests.failed, s.requests.total)} failed, P99 ${formatMs(s.latencyMs.p99)} ms`];
  if (a) lines.push(`- **Recovery**: ${a.recovery.status}${a.recovery.recoverySec !== undefined ? ` in ${formatDuration(a.recovery.recoverySec)}` : ""}: ${a.recovery.reason}`);
  else lines.push("- **Recovery**: not measured: the run was not analysed");
  return lines.join("\n");
}

export function renderPerformanceSummary(model: PlanReportModel): string {
  const heavy = heaviestRun(model);
  return [
    "# Performance Metrics Summary",
    "",
    `- **Platform**: ${model.platform} at ${model.environment.target}`,
    `- **Date**: ${model.environment.date}`,
    `- **Command**: \`${model.environment.command}\`${model.environment.scale !== 1 ? ` (scale ${model.environment.scale})` : ""}`,
    "",
    ...headlineMarkdown(headlineOf(model)),
    "## Results by Test",
    "",
    resultsByTest(model),
    "",
    "## Requirements vs Actual",
    "",
    requirements(model),
    "",
    "## Breaking Point",
    "",
    breakingPoint(model),
    "",
    ...chartMarkdown(model.charts?.capacity),
    "## Bottlenecks",
    "",
    bottlenecks(model),
    "",
    "## Graceful Degradation by Load Level",
    "",
    degradation(model),
    "",
    ...chartMarkdown(model.charts?.degradation),
    "## Sustained vs Peak",
    "",
    sustainedVsPeak(model),
    "",
    "## Spike and Recovery",
    "",
    spike(model),
    "",
    `## Resource Utilization (${heavy ? testTitle(heavy.profile) : "heaviest test"})`,
    "",
    resourceTable(heavy?.report.analysis),
    "",
  ].join("\n");
}
