// The report's charts, as chart specs drawn from the report model: load, latency (overall and per
// endpoint), errors and 429s, telemetry panels and the throughput-vs-users curve. Each *Spec
// function is the chart itself; report.html renders it as a figure (renderChart), the Markdown
// documents as a standalone SVG file (chart-files.ts).
import { AXIS_IN_SYSTEM } from "../../analysis/usl-axis.js";
import type { FailureScenariosAnalysis } from "../../analysis/failure-scenarios.js";
import type { CapacityAnalysis, UslFit } from "../../analysis/types.js";
import type { AutoscaleResult } from "../../planning/types.js";
import type { RunSeries } from "../../analysis/run-series.js";
import { formatNumber } from "../format.js";
import { PALETTE, renderChart, type ChartBand, type ChartMarker, type ChartSeries, type ChartSpec } from "./svg-chart.js";
import type { TelemetryPanel } from "../../analysis/telemetry-panels.js";

const TIME = "elapsed time (m:ss)";
const P_COLORS = { p50: "#59a14f", p95: "#f28e2b", p99: "#e15759" };

function bands(series: RunSeries): ChartBand[] {
  return series.phases.map((p) => ({ name: p.name, from: p.startSec, to: p.endSec }));
}

const stepNote = (series: RunSeries): string => (series.stepSec > 1 ? ` (per ${series.stepSec} s)` : "");

export function loadChart(series: RunSeries): string {
  return renderChart(loadSpec(series));
}

export function loadSpec(series: RunSeries): ChartSpec {
  const s: ChartSeries[] = [
    { name: "throughput (req/s)", y: series.requestsPerSec, color: PALETTE[0] },
    { name: "virtual users", y: series.users, axis: "right", color: "#7a8394", style: "dashed" },
  ];
  if (series.targetRatePerSec) s.push({ name: "scheduled arrivals (per s)", y: series.targetRatePerSec, color: PALETTE[5], style: "dashed" });
  return { id: "chart-load", title: `Users and throughput over time${stepNote(series)}`, x: series.tSec, xLabel: TIME, xFormat: "elapsed", yLabel: "requests per second", yUnit: "req/s", yRightLabel: "virtual users", yRightUnit: "users", series: s, bands: bands(series) };
}

type LatencySeries = { p50Ms: (number | null)[]; p95Ms: (number | null)[]; p99Ms: (number | null)[] };

export function latencyChart(id: string, title: string, lat: LatencySeries, series: RunSeries, size: { width?: number; height?: number } = {}): string {
  return renderChart(latencySpec(id, title, lat, series, size));
}

export function latencySpec(id: string, title: string, lat: LatencySeries, series: RunSeries, size: { width?: number; height?: number } = {}): ChartSpec {
  return {
    id,
    title,
    x: series.tSec,
    xLabel: TIME,
    xFormat: "elapsed",
    yLabel: "latency (ms)",
    yUnit: "ms",
    series: [
      { name: "P50", y: lat.p50Ms, color: P_COLORS.p50 },
      { name: "P95", y: lat.p95Ms, color: P_COLORS.p95 },
      { name: "P99", y: lat.p99Ms, color: P_COLORS.p99 },
    ],
    bands: bands(series),
    ...size,
  };
}

/** Failed requests by error class and 429 responses, per second. */
export function errorsChart(series: RunSeries): string {
  const s: ChartSeries[] = Object.entries(series.errorsPerSec).map(([cls, y], i) => ({ name: `errors: ${cls}`, y, color: ["#e15759", "#b07aa1", "#9c755f", "#ff9da7", "#edc948", "#76b7b2", "#bab0ac", "#4e79a7"][i % 8] }));
  s.push({ name: "429 rate limited (expected)", y: series.rateLimitedPerSec, color: "#f28e2b", style: "dashed" });
  if (series.droppedPerSec.some((v) => v > 0)) s.push({ name: "dropped arrivals", y: series.droppedPerSec, color: "#5d6677", style: "dashed" });
  return renderChart({ id: "chart-errors", title: `Errors and 429s over time${stepNote(series)}`, x: series.tSec, xLabel: TIME, xFormat: "elapsed", yLabel: "responses per second", yUnit: "/s", series: s, bands: bands(series) });
}

export function rateLimitByClassChart(series: RunSeries): string | undefined {
  const entries = Object.entries(series.rateLimitedByClassPerSec).filter(([, y]) => y.some((v) => v > 0));
  if (entries.length === 0) return undefined;
  return renderChart({ id: "chart-429-by-class", title: `429 responses by user class${stepNote(series)}`, x: series.tSec, xLabel: TIME, xFormat: "elapsed", yLabel: "429 responses per second", yUnit: "/s", series: entries.map(([name, y]) => ({ name, y })), bands: bands(series) });
}

export function telemetryChart(panel: TelemetryPanel): string {
  const longest = panel.series.reduce((a, b) => (b.xSec.length > a.xSec.length ? b : a));
  return renderChart({
    id: `chart-${panel.id}`,
    title: panel.title,
    x: longest.xSec,
    xLabel: TIME,
    xFormat: "elapsed",
    yLabel: panel.yLabel,
    yUnit: panel.yUnit,
    ...(panel.yRightLabel ? { yRightLabel: panel.yRightLabel } : {}),
    ...(panel.yRightUnit ? { yRightUnit: panel.yRightUnit } : {}),
    ...(panel.yMax !== undefined ? { yMax: panel.yMax } : {}),
    series: panel.series.map((s) => ({ name: s.name, x: s.xSec, y: s.y, ...(s.axis ? { axis: s.axis } : {}), ...(s.style ? { style: s.style } : {}) })),
  });
}

/** USL throughput at concurrency n: γn / (1 + α(n − 1) + βn(n − 1)). */
export function uslThroughput(fit: Pick<UslFit, "alpha" | "beta" | "gamma">, n: number): number {
  return (fit.gamma * n) / (1 + fit.alpha * (n - 1) + fit.beta * n * (n - 1));
}

/**
 * Throughput against load: every second of the run as a point (users, or scheduled rate in the
 * open model), the capacity analysis' steady steps, and the fitted USL curve when there is one.
 */
export function throughputCurveChart(series: RunSeries, capacity?: CapacityAnalysis): string | undefined {
  const open = series.targetRatePerSec !== undefined || capacity?.model === "open";
  const xs = open ? (series.targetRatePerSec ?? []) : series.users;
  const s: ChartSeries[] = [];
  const pts = xs.map((x, i) => ({ x, y: series.requestsPerSec[i]! })).filter((p) => p.x > 0);
  if (pts.length > 0) s.push({ name: series.stepSec > 1 ? `${series.stepSec}-second buckets` : "each second", x: pts.map((p) => p.x), y: pts.map((p) => p.y), style: "points", color: "#9fb7d3" });
  const steps = (capacity?.steps ?? []).filter((st) => (open ? st.targetRate : st.users) !== undefined);
  if (steps.length > 0) s.push({ name: "steady load steps", x: steps.map((st) => (open ? st.targetRate! : st.users!)), y: steps.map((st) => st.rps), style: "points", color: "#1d2330", radius: 4 });
  const usl = capacity?.usl;
  const xMax = Math.max(0, ...s.flatMap((x) => x.x ?? []));
  // A fit on in-system concurrency (X·R) has no place on a users axis.
  if (usl && usl.axis !== AXIS_IN_SYSTEM && !open && xMax > 0) {
    const top = Math.max(xMax * 1.25, Number.isFinite(usl.nMax) ? Math.min(usl.nMax * 1.1, xMax * 3) : 0);
    const n = Array.from({ length: 121 }, (_, i) => 1 + (i / 120) * (top - 1));
    s.push({ name: `USL fit (α=${usl.alpha.toPrecision(2)}, β=${usl.beta.toPrecision(2)}, R²=${usl.rSquared.toFixed(3)})`, x: n, y: n.map((v) => uslThroughput(usl, v)), color: "#e15759" });
  }
  if (s.length === 0) return undefined;
  return renderChart({
    id: "chart-throughput-curve",
    title: open ? "Throughput against arrival rate" : "Throughput against concurrent users",
    x: [],
    xLabel: open ? "scheduled arrivals per second" : "concurrent virtual users",
    yLabel: "achieved requests per second",
    yUnit: "req/s",
    series: s,
    hover: false,
  });
}

type SuitePoint = { name: string; users: number; rps: number };

/** The suite curve's series colours, apart from each other and from the markers (break #b3261e, comfortable #2e7d32). */
export const SUITE_COLORS = { steady: "#1d2330", held: "#4e79a7", broke: "#e15759", wholeRun: "#9aa3b0", usl: "#b07aa1" } as const;
type SearchPoint = { users: number; rps: number; ok: boolean };

/** Throughput against users over a suite: the capacity steps, each test's overall point, and the USL fit. */
export function suiteCurveChart(capacity: CapacityAnalysis | undefined, runs: SuitePoint[], search?: SearchPoint[]): string | undefined {
  const spec = suiteCurveSpec(capacity, runs, search);
  return spec && renderChart(spec);
}

/** The suite's curve, with the breaking point and the comfortable capacity marked when they were found. */
export function suiteCurveSpec(capacity: CapacityAnalysis | undefined, runs: SuitePoint[], search?: SearchPoint[]): ChartSpec | undefined {
  const s: ChartSeries[] = [];
  // With a breaking-point search, its steps are drawn apart (held / broke) from the profiles' steady phases.
  const steps = (capacity?.steps ?? []).filter((st) => st.users !== undefined && !(search && "pass" in st));
  if (steps.length) s.push({ name: "steady load steps", x: steps.map((st) => st.users!), y: steps.map((st) => st.rps), style: "points", color: SUITE_COLORS.steady, radius: 4 });
  // One colour per meaning: held blue, broke red (as the breaking-point marker), the tests' whole
  // runs one grey series named point by point in the tooltips, the fit a purple line.
  for (const [ok, name, color] of [[true, "search steps that held the SLO", SUITE_COLORS.held], [false, "search steps that broke", SUITE_COLORS.broke]] as const) {
    const pts = (search ?? []).filter((p) => p.ok === ok && p.users > 0);
    if (pts.length) s.push({ name, x: pts.map((p) => p.users), y: pts.map((p) => p.rps), style: "points", color, radius: 5 });
  }
  const withUsers = runs.filter((r) => r.users > 0);
  if (withUsers.length) s.push({ name: "tests' whole runs", x: withUsers.map((r) => r.users), y: withUsers.map((r) => r.rps), labels: withUsers.map((r) => `${r.name} (whole run)`), style: "points", color: SUITE_COLORS.wholeRun, radius: 4 });
  const usl = capacity?.usl;
  const xMax = Math.max(0, ...s.flatMap((x) => x.x ?? []));
  if (usl && usl.axis !== AXIS_IN_SYSTEM && xMax > 0) {
    const top = Math.max(xMax * 1.25, Number.isFinite(usl.nMax) ? Math.min(usl.nMax * 1.1, xMax * 3) : 0);
    const n = Array.from({ length: 121 }, (_, i) => 1 + (i / 120) * (top - 1));
    s.push({ name: `USL fit (α=${usl.alpha.toPrecision(2)}, β=${usl.beta.toPrecision(2)}, R²=${usl.rSquared.toFixed(3)})`, x: n, y: n.map((v) => uslThroughput(usl, v)), color: SUITE_COLORS.usl });
  }
  if (s.length === 0) return undefined;
  const markers: ChartMarker[] = [];
  if (capacity?.breakingPoint.users != null) markers.push({ name: `breaking point ${Math.round(capacity.breakingPoint.users)} users`, x: capacity.breakingPoint.users, color: "#b3261e" });
  if (capacity?.comfortable.users != null) markers.push({ name: `comfortable ${Math.round(capacity.comfortable.users)} users`, x: capacity.comfortable.users, color: "#2e7d32" });
  return { id: "chart-suite-curve", title: "Throughput against concurrent users", x: [], xLabel: "concurrent virtual users", yLabel: "achieved requests per second", yUnit: "req/s", series: s, hover: false, markers };
}

/** P95 latency and error rate at each load step (graceful degradation). */
export function degradationChart(capacity: CapacityAnalysis | undefined): string | undefined {
  const spec = degradationSpec(capacity);
  return spec && renderChart(spec);
}

export function degradationSpec(capacity: CapacityAnalysis | undefined): ChartSpec | undefined {
  const rows = (capacity?.degradation ?? []).filter((d) => d.users !== undefined || d.targetRate !== undefined);
  if (rows.length < 2) return undefined;
  const open = capacity!.model === "open";
  const x = rows.map((d) => (open ? d.targetRate! : d.users!));
  return {
    id: "chart-degradation",
    title: "Latency and errors by load level",
    x,
    xLabel: open ? "scheduled arrivals per second" : "concurrent virtual users",
    xFormat: "number",
    yLabel: "P95 latency (ms)",
    yUnit: "ms",
    yRightLabel: "error rate (%)",
    yRightUnit: "%",
    series: [
      { name: "P95 latency", y: rows.map((d) => d.p95Ms), color: P_COLORS.p95 },
      { name: "error rate", y: rows.map((d) => d.errorPct), axis: "right", color: "#e15759", style: "dashed" },
    ],
  };
}

/** Instances of both autoscaling policies and the offered load over the replayed day. */
export function autoscaleChart(step: AutoscaleResult, target: AutoscaleResult, period: string): string {
  return renderChart(autoscaleSpec(step, target, period));
}

export function autoscaleSpec(step: AutoscaleResult, target: AutoscaleResult, period: string): ChartSpec {
  const x = step.minutes.map((m) => m.minute * 60);
  const slo = step.parameters.slo_rps_per_instance;
  return {
    id: "chart-autoscale",
    title: `Autoscaling replay over a day at the ${period} peak`,
    x,
    xLabel: "time of day (h:mm:ss)",
    xFormat: "elapsed",
    yLabel: "instances serving",
    yUnit: "instances",
    yRightLabel: "offered load (req/s)",
    yRightUnit: "req/s",
    series: [
      { name: "step policy", y: step.minutes.map((m) => m.instances), color: PALETTE[0] },
      // Dashed, so it stays visible where both policies hold the same count.
      { name: "target tracking", y: target.minutes.map((m) => m.instances), color: PALETTE[3], style: "dashed" },
      { name: "offered load", y: step.minutes.map((m) => m.rps), axis: "right", color: "#9aa3b2", style: "dashed" },
      // Load above this line is the replay's "minutes over the SLO".
      ...(typeof slo === "number" ? [{ name: `step policy's capacity within the SLO (instances x ${formatNumber(slo, 4)} req/s)`, y: step.minutes.map((m) => m.instances * slo), axis: "right" as const, color: "#e15759" }] : []),
    ],
    width: 1240,
    height: 280,
  };
}

/** The load generator's own CPU and event-loop lag: when these saturate, the run measured headroom, not the target. */
export function generatorChart(series: RunSeries, workers: number): string {
  return renderChart({
    id: "chart-generator",
    title: `Load generator (headroom, ${workers} worker${workers === 1 ? "" : "s"})${stepNote(series)}`,
    x: series.tSec,
    xLabel: TIME,
    xFormat: "elapsed",
    yLabel: "CPU (% of one core)",
    yUnit: "%",
    yRightLabel: "event-loop lag p99 (ms)",
    yRightUnit: "ms",
    series: [
      { name: "generator CPU", y: series.generator.cpuPct, color: PALETTE[5] },
      { name: "event-loop lag p99", y: series.generator.eventLoopLagMsP99, axis: "right", color: PALETTE[8], style: "dashed" },
    ],
    bands: bands(series),
  });
}

/** The failure-scenarios test second by second: p99, max and errors, each fault shaded; undefined without intervals. */
export function failureTimelineSpec(a: FailureScenariosAnalysis): ChartSpec | undefined {
  const tl = a.timeline;
  if (tl.length === 0) return undefined;
  return {
    id: "failure-timeline",
    title: "Failure scenarios: latency and errors per second, faults shaded",
    x: tl.map((r) => r.t),
    xLabel: "time since start",
    xFormat: "elapsed",
    yLabel: "latency (ms)",
    yUnit: "ms",
    yRightLabel: "errors per second",
    series: [
      { name: "p99", y: tl.map((r) => (r.requests ? r.p99Ms : null)) },
      { name: "max", y: tl.map((r) => (r.requests ? r.maxMs : null)), style: "dashed" },
      { name: "errors", y: tl.map((r) => r.failures), axis: "right", style: "points" },
    ],
    bands: a.faults.filter((f) => f.atSec !== undefined).map((f) => ({ name: f.kind, from: f.atSec!, to: Math.max(f.endSec ?? f.atSec!, f.atSec! + 1) })),
  };
}
