// The report model of one run: everything the HTML, Markdown, JSON and JUnit renderers draw,
// built once from a run's measured figures (analysis/run-figures.ts, plus its analysis, when one
// was made). Renderers only format it.
import type { CapacityAnalysis, ClassRow, EndpointRow, MetricVerdict, RunAnalysis, RunVerdict } from "../../analysis/types.js";
import type { Manifest, RunSummary } from "../../core/types.js";
import type { RunCharts } from "../html/chart-files.js";
import type { RunSeries } from "../../analysis/run-series.js";
import type { TelemetryPanels } from "../../analysis/telemetry-panels.js";
import type { RunFigures } from "../../analysis/run-figures.js";

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

export interface RunModelOptions {
  analysis?: RunAnalysis;
  capacity?: CapacityAnalysis;
  /** Rendering time; defaults to the run's end so the same store renders the same report. */
  generatedAt?: string;
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

/** Per-user-class rows: the analysis' when one was made, else from the summary alone. */
export function classRowsOf(m: RunReportModel): ClassRow[] {
  if (m.analysis?.classes) return m.analysis.classes;
  return Object.entries(m.summary.classes).map(([name, c]) => ({
    name,
    requests: c.requests,
    failures: c.failed,
    rateLimited: c.rateLimited,
    rateLimitedPct: c.rateLimitedPct,
    successPct: c.requests > 0 ? ((c.requests - c.failed - c.rateLimited) / c.requests) * 100 : 0,
  }));
}

/** What a reader needs to know that no analysis said: what an imported run lacks, torn lines, a saturated generator, telemetry gaps. */
function notesWithoutAnalysis(figures: RunFigures): string[] {
  const notes: string[] = [];
  if (figures.manifest.source !== "headroom") notes.push(...(figures.manifest.notes ?? []));
  if (figures.skippedLines > 0) notes.push(`${figures.skippedLines} unreadable line(s) in the run store were skipped (a torn last line of a killed run)`);
  if (figures.summary.generator.limited && figures.summary.generator.reason) notes.push(figures.summary.generator.reason);
  for (const g of figures.telemetry.sources) {
    if (g.failed > 0) notes.push(`telemetry ${g.source}: ${g.failed} of ${g.samples} samples failed${g.firstError ? ` (first error: ${g.firstError})` : ""}; the charts show the gaps`);
  }
  return notes;
}

/** The facts printed under a run's report: a rebuilt summary first, then the analysis' notes (or what it would have said). */
function runNotes(figures: RunFigures, analysis: RunAnalysis | undefined): string[] {
  const { manifest } = figures;
  const notes: string[] = [];
  if (figures.summaryRebuilt) {
    const how = manifest.status === "running" ? "killed while running" : manifest.status;
    notes.push(`summary.json was missing (the run was ${how}); the summary was rebuilt from ${figures.intervalCount} interval lines`);
  }
  notes.push(...(analysis ? analysis.notes : notesWithoutAnalysis(figures)));
  return notes;
}

/** The model of one run's report, from its measured figures. */
export function runReportModel(figures: RunFigures, opts: RunModelOptions = {}): RunReportModel {
  const { manifest, summary } = figures;
  const analysis = opts.analysis;
  const model: RunReportModel = {
    title: `${manifest.name}${manifest.target.url ? ` against ${manifest.target.url}` : ""}`,
    generatedAt: opts.generatedAt ?? summary.endedAt,
    manifest,
    summary,
    summaryRebuilt: figures.summaryRebuilt,
    verdicts: analysis?.verdicts ?? [],
    endpoints: analysis?.endpoints ?? endpointRowsFromSummary(summary),
    userMix: figures.userMix,
    series: figures.series,
    telemetry: figures.telemetry,
    notes: runNotes(figures, analysis),
  };
  if (analysis) {
    model.analysis = analysis;
    model.verdict = analysis.verdict;
  }
  if (opts.capacity) model.capacity = opts.capacity;
  return model;
}
