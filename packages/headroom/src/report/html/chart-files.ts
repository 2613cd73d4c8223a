// The key charts of the Markdown documents as standalone SVG files beside them (charts/<name>.svg),
// drawn from the same chart specs as report.html. Each chart is a ref the documents embed
// (`![alt](charts/x.svg)`) or, when it has no data, the sentence that stands in its place: a
// document never shows an empty frame. Nothing here touches files: the CLI writes `files`.
import { posix } from "node:path";
import type { FailureScenariosAnalysis } from "../../analysis/failure-scenarios.js";
import { autoscaleSpec, degradationSpec, failureTimelineSpec, latencySpec, loadSpec, suiteCurveSpec } from "./html-charts.js";
import { formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import type { PlanReportModel } from "../model/plan-report-model.js";
import type { RunReportModel } from "../model/run-report-model.js";
import { renderChartSvg, type ChartSpec } from "./svg-chart.js";

/** The folder of the chart files, relative to the documents' output folder. */
export const CHARTS_DIR = "charts";

/** A chart a document embeds (`href`: the file as linked from the document), or why it has none. */
export type ChartRef = { href: string; alt: string } | { absent: string };

/** A chart file to write: path relative to the output folder, and its SVG text. */
export interface ChartFile {
  path: string;
  svg: string;
}

/** The charts of one test's result document. */
export interface RunCharts {
  load: ChartRef;
  latency: ChartRef;
}

/** The charts of the capacity plan. */
export interface PlanCharts {
  capacity: ChartRef;
  degradation: ChartRef;
  autoscale: ChartRef;
  failures?: ChartRef;
}

/** Points a spec would draw: values with a finite x and y. */
export function chartPoints(spec: ChartSpec): number {
  let n = 0;
  for (const s of spec.series) {
    const xs = s.x ?? spec.x;
    s.y.forEach((v, i) => {
      if (typeof v === "number" && Number.isFinite(v) && Number.isFinite(xs[i])) n++;
    });
  }
  return n;
}

const FILE_SIZE = { width: 960, height: 300 };

/** The ref of one chart and its file; without data, the sentence instead. */
function chartOf(spec: ChartSpec | undefined, file: { path: string; docDir: string }, alt: () => string, absent: string, files: ChartFile[]): ChartRef {
  if (!spec || chartPoints(spec) === 0) return { absent };
  const text = alt();
  files.push({ path: file.path, svg: renderChartSvg({ ...spec, ...FILE_SIZE }, text) });
  return { href: posix.relative(file.docDir, file.path), alt: text };
}

const maxOf = (vs: readonly (number | null)[]): number | undefined => {
  const f = vs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return f.length ? Math.max(...f) : undefined;
};
const minOf = (vs: readonly (number | null)[]): number | undefined => {
  const f = vs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return f.length ? Math.min(...f) : undefined;
};
const ms = (v: number | undefined): string => (v === undefined ? "no value" : `${formatMs(v)} ms`);

function phasesText(m: RunReportModel): string {
  const p = m.series.phases;
  return p.length ? `; phases shaded: ${p.map((x) => x.name).join(", ")}` : "";
}

/**
 * The result document's charts of one run: users and throughput over time, and P50/P95/P99 over
 * time, as `charts/<prefix>load.svg` and `charts/<prefix>latency.svg`, linked from a document in
 * `docDir` (both relative to the output folder).
 */
export function runChartFiles(m: RunReportModel, opts: { prefix?: string; docDir?: string } = {}): { charts: RunCharts; files: ChartFile[] } {
  const prefix = opts.prefix ?? "";
  const docDir = opts.docDir ?? "";
  const s = m.series;
  const files: ChartFile[] = [];
  const noLoad = "Chart not drawn: the run recorded no seconds of load.";
  const load = chartOf(
    s.tSec.length ? loadSpec(s) : undefined,
    { path: `${CHARTS_DIR}/${prefix}load.svg`, docDir },
    () => {
      const rate = s.targetRatePerSec ? `, scheduled arrivals up to ${formatNumber(maxOf(s.targetRatePerSec) ?? 0, 4)}/s` : "";
      return `Users and throughput over ${formatDuration(m.summary.durationSec)}: up to ${formatInt(maxOf(s.users) ?? 0)} virtual users${rate}, throughput up to ${formatNumber(maxOf(s.requestsPerSec) ?? 0, 4)} req/s (${formatNumber(m.summary.requests.ratePerSec, 4)} on average)${phasesText(m)}`;
    },
    noLoad,
    files,
  );
  const latency = chartOf(
    s.tSec.length ? latencySpec("chart-latency-all", `P50 / P95 / P99 latency over time, all endpoints${s.stepSec > 1 ? ` (per ${s.stepSec} s)` : ""}`, s.overall, s) : undefined,
    { path: `${CHARTS_DIR}/${prefix}latency.svg`, docDir },
    () => `P50, P95 and P99 latency of all endpoints over time: P50 ${ms(minOf(s.overall.p50Ms))} to ${ms(maxOf(s.overall.p50Ms))}, P95 up to ${ms(maxOf(s.overall.p95Ms))}, P99 up to ${ms(maxOf(s.overall.p99Ms))}${phasesText(m)}`,
    s.tSec.length ? "Chart not drawn: no request completed in any second of the run, so there is no latency to plot." : noLoad,
    files,
  );
  return { charts: { load, latency }, files };
}

function curveAlt(m: PlanReportModel): string {
  const c = m.capacity;
  const steps = (c?.steps ?? []).filter((st) => st.users !== undefined && !(m.search && "pass" in st)).length;
  const search = m.search?.result.detail.steps ?? [];
  const held = search.filter((st) => st.ok).length;
  const parts = [`${steps} steady load steps of the profiles`];
  if (search.length) parts.push(`${search.length} breaking-point search steps (${held} held the SLO, ${search.length - held} broke)`);
  parts.push(`the whole-run point of ${m.runs.filter((r) => r.report.summary.peakUsers > 0).length} tests`);
  if (c?.usl) parts.push(`the Universal Scalability Law fit (R² ${c.usl.rSquared.toFixed(3)})`);
  const bp = c?.breakingPoint.users;
  const cf = c?.comfortable.users;
  const marks = bp != null ? `; breaking point marked at ${formatInt(bp)} users${cf != null ? `, comfortable capacity at ${formatInt(cf)} users` : ""}` : "; no breaking point reached in the tested range";
  return `Throughput against concurrent users: ${parts.join(", ")}${marks}`;
}

/** "errors up to 1.5 %", or "no errors" when none were seen. */
const errorsText = (maxPct: number): string => (maxPct > 0 ? `errors up to ${formatPct(maxPct)} %` : "no errors at any level");

/** "the 2 injected faults shaded (db-connections, app-stall)": only the faults that were injected are counted and named. */
function faultsShaded(a: FailureScenariosAnalysis): string {
  const injected = a.faults.filter((f) => f.atSec !== undefined);
  const skipped = a.faults.filter((f) => f.atSec === undefined);
  const names = injected.map((f) => f.kind).join(", ");
  return `the ${injected.length} injected fault${injected.length === 1 ? "" : "s"} shaded${names ? ` (${names})` : ""}${skipped.length ? `, ${skipped.map((f) => f.kind).join(", ")} not injected` : ""}`;
}

function failuresChart(a: FailureScenariosAnalysis, files: ChartFile[]): ChartRef {
  return chartOf(
    failureTimelineSpec(a),
    { path: `${CHARTS_DIR}/failure-scenarios-timeline.svg`, docDir: "" },
    () => `P99 and max latency and errors per second over the failure-scenarios test, ${faultsShaded(a)}; P99 up to ${ms(maxOf(a.timeline.map((r) => (r.requests ? r.p99Ms : null))))}, ${formatInt(a.timeline.reduce((n, r) => n + r.failures, 0))} errors in all`,
    "Chart not drawn: the failure-scenarios test recorded no seconds of load.",
    files,
  );
}

/**
 * The capacity plan's charts: the suite's throughput curve, degradation by load, the autoscaling
 * replay and the failure-scenarios timeline, linked from documents at the output folder's top.
 */
export function planChartFiles(m: PlanReportModel): { charts: PlanCharts; files: ChartFile[] } {
  const files: ChartFile[] = [];
  const c = m.capacity;
  const capacity = chartOf(
    suiteCurveSpec(
      c,
      m.runs.map((r) => ({ name: r.profile, users: r.report.summary.peakUsers, rps: r.report.summary.requests.ratePerSec })),
      m.search?.result.detail.steps.map((st) => ({ users: st.users ?? 0, rps: st.rps, ok: st.ok })),
    ),
    { path: `${CHARTS_DIR}/throughput-vs-users.svg`, docDir: "" },
    () => curveAlt(m),
    "Chart not drawn: no test measured throughput at a known number of users.",
    files,
  );
  const rows = (c?.degradation ?? []).filter((d) => d.users !== undefined || d.targetRate !== undefined);
  const degradation = chartOf(
    degradationSpec(c),
    { path: `${CHARTS_DIR}/degradation-by-load.svg`, docDir: "" },
    () => {
      const x = rows.map((d) => d.users ?? d.targetRate ?? 0);
      const unit = c?.model === "open" ? "arrivals/s" : "users";
      return `P95 latency and error rate at ${rows.length} load levels from ${formatNumber(Math.min(...x), 4)} to ${formatNumber(Math.max(...x), 4)} ${unit}: P95 from ${ms(minOf(rows.map((d) => d.p95Ms)))} to ${ms(maxOf(rows.map((d) => d.p95Ms)))}, ${errorsText(maxOf(rows.map((d) => d.errorPct)) ?? 0)}`;
    },
    "Chart not drawn: degradation by load needs at least two measured load levels.",
    files,
  );
  const as = m.planning?.autoscale;
  const autoscale = chartOf(
    as ? autoscaleSpec(as.step, as.target, as.period) : undefined,
    { path: `${CHARTS_DIR}/autoscaling-replay.svg`, docDir: "" },
    () => `Autoscaling replay over a day at the ${as!.period} peak: instances of the step policy (up to ${as!.step.peakInstances}) and of target tracking (up to ${as!.target.peakInstances}) against the offered load (up to ${formatNumber(Math.max(0, ...as!.step.minutes.map((x) => x.rps)), 4)} req/s)`,
    m.planning ? "Chart not drawn: the autoscaling replay did not run (CPU per request was not measured)." : "Chart not drawn: planning did not run.",
    files,
  );
  const failed = m.runs.find((r) => r.failures !== undefined)?.failures;
  const charts: PlanCharts = { capacity, degradation, autoscale, ...(failed ? { failures: failuresChart(failed, files) } : {}) };
  return { charts, files };
}

/** Markdown alt text: brackets and line breaks would end it early. */
const mdAlt = (s: string): string => s.replace(/[[\]\\]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, " ");

/** The lines that embed a chart in a document, or say why it has none; none when no charts were made. */
export function chartMarkdown(ref: ChartRef | undefined): string[] {
  if (!ref) return [];
  if ("absent" in ref) return [ref.absent, ""];
  return [`![${mdAlt(ref.alt)}](${ref.href})`, ""];
}
