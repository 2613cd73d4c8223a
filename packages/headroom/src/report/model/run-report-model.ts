// The report model of one run: everything the HTML, Markdown, JSON and JUnit renderers draw,
// built once from a run store (plus its analysis, when one was made). Renderers only format it.
import type { CapacityAnalysis, EndpointRow, MetricVerdict, RunAnalysis, RunVerdict } from "../../analysis/types.js";
import { summarizeIntervals } from "../../metrics/summary.js";
import { initHistograms } from "../../metrics/histogram.js";
import type { RunStore } from "../../store/run-store.js";
import type { IntervalLine, Manifest, RunSummary } from "../../core/types.js";
import type { RunCharts } from "../html/chart-files.js";
import { buildRunSeries, type RunSeries } from "../../analysis/run-series.js";
import { buildTelemetryPanels, type TelemetryPanels } from "../html/telemetry-panels.js";

export interface RunReportModel {
  title: string;
  /** When the report was rendered (ISO); injected so renders are reproducible. */
  generatedAt: string;
  manifest: Manifest;
  summary: RunSummary;
  /** summary.json was missing (a killed run) and the summary was rebuilt from intervals. */
  summaryRebuilt: boolean;
  /** The analysis (verdicts, phases, bottlenecks), when one was made for this run. */
  analysis?: RunAnalysis;
  /** A capacity analysis to show with the run (a search, or a plan's suite). */
  capacity?: CapacityAnalysis;
  /** INCOMPLETE for a run that did not finish, else the worst verdict; undefined when no analysis was made. */
  verdict?: RunVerdict;
  verdicts: MetricVerdict[];
  endpoints: EndpointRow[];
  /** Virtual users per user class in the second with the most users (the mix as it ran). */
  userMix: { name: string; users: number }[];
  series: RunSeries;
  telemetry: TelemetryPanels;
  /** Facts a reader needs: rebuilt summary, skipped lines, telemetry gaps, generator limits. */
  notes: string[];
  /** The chart files the Markdown document embeds, when they are written beside it (chart-files.ts). */
  charts?: RunCharts;
}

export interface RunReportOptions {
  analysis?: RunAnalysis;
  capacity?: CapacityAnalysis;
  /** Rendering time; defaults to the run's end so the same store renders the same report. */
  generatedAt?: string;
  /** Most points per time series (long runs are bucketed; default 720). */
  maxPoints?: number;
}

/** Per-endpoint rows from the summary alone (when no analysis was made). */
export function endpointRowsFromSummary(summary: RunSummary): EndpointRow[] {
  return summary.endpoints.map((e) => ({
    name: e.name,
    method: e.method,
    requests: e.requests,
    failures: e.failed,
    failurePct: e.requests > 0 ? Math.round((e.failed / e.requests) * 100_000) / 1000 : 0,
    rateLimited: e.status["429"] ?? 0,
    rps: e.ratePerSec,
    latencyMs: { avg: e.latencyMs.mean, p50: e.latencyMs.p50, p95: e.latencyMs.p95, p99: e.latencyMs.p99, max: e.latencyMs.max },
  }));
}

/** Users per class in the busiest second (the measured user mix). */
export function measuredUserMix(lines: IntervalLine[]): { name: string; users: number }[] {
  let best: IntervalLine | undefined;
  for (const l of lines) if (l.classes && (!best || l.users > best.users)) best = l;
  return Object.entries(best?.classes ?? {})
    .map(([name, c]) => ({ name, users: c.users }))
    .filter((c) => c.users > 0);
}

/** The stored summary, or one rebuilt from the interval lines (a killed run has none). */
export function summaryOf(store: RunStore): { summary: RunSummary; rebuilt: boolean } {
  if (store.summary) return { summary: store.summary, rebuilt: false };
  return { summary: summarizeIntervals(store.intervals, store.manifest, store.dir), rebuilt: true };
}

export async function buildRunReportModel(store: RunStore, opts: RunReportOptions = {}): Promise<RunReportModel> {
  await initHistograms();
  const { summary, rebuilt } = summaryOf(store);
  const notes: string[] = [];
  if (rebuilt) notes.push(`summary.json was missing (the run was ${store.manifest.status === "running" ? "killed while running" : store.manifest.status}); the summary was rebuilt from ${store.intervals.length} interval lines`);
  const telemetry = buildTelemetryPanels(store.telemetry);
  const analysis = opts.analysis;
  if (analysis) notes.push(...analysis.notes);
  else {
    // Without an analysis, say what it would have: what an imported run lacks, torn lines, a saturated generator, telemetry gaps.
    if (store.manifest.source !== "headroom") notes.push(...(store.manifest.notes ?? []));
    if (store.skippedLines > 0) notes.push(`${store.skippedLines} unreadable line(s) in the run store were skipped (a torn last line of a killed run)`);
    if (summary.generator.limited && summary.generator.reason) notes.push(summary.generator.reason);
    for (const g of telemetry.sources) {
      if (g.failed > 0) notes.push(`telemetry ${g.source}: ${g.failed} of ${g.samples} samples failed${g.firstError ? ` (first error: ${g.firstError})` : ""}; the charts show the gaps`);
    }
  }
  const model: RunReportModel = {
    title: `${store.manifest.name}${store.manifest.target.url ? ` against ${store.manifest.target.url}` : ""}`,
    generatedAt: opts.generatedAt ?? summary.endedAt,
    manifest: store.manifest,
    summary,
    summaryRebuilt: rebuilt,
    verdicts: analysis?.verdicts ?? [],
    endpoints: analysis?.endpoints ?? endpointRowsFromSummary(summary),
    userMix: measuredUserMix(store.intervals),
    series: buildRunSeries(store.intervals, opts.maxPoints),
    telemetry,
    notes,
  };
  if (analysis) {
    model.analysis = analysis;
    model.verdict = analysis.verdict;
  }
  if (opts.capacity) model.capacity = opts.capacity;
  return model;
}
