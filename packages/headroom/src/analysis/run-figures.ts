// The measured figures of one run, taken once from its store: the summary (rebuilt from the
// interval lines when a killed run left none), the user mix, the time series and the server
// panels. Reports are drawn from these and never read a store's lines or histograms themselves.
import { summarizeIntervals } from "../metrics/summary.js";
import type { RunStore } from "../store/run-store.js";
import type { IntervalLine, Manifest, RunSummary } from "../core/types.js";
import { buildRunSeries, type RunSeries } from "./run-series.js";
import { buildTelemetryPanels, type TelemetryPanels } from "./telemetry-panels.js";

export interface RunFigures {
  manifest: Manifest;
  summary: RunSummary;
  /** summary.json was missing (a killed run) and the summary was rebuilt from intervals. */
  summaryRebuilt: boolean;
  /** How many interval lines the store held. */
  intervalCount: number;
  /** Unreadable lines the store skipped (a torn last line of a killed run). */
  skippedLines: number;
  /** Virtual users per user class in the second with the most users (the mix as it ran). */
  userMix: { name: string; users: number }[];
  series: RunSeries;
  telemetry: TelemetryPanels;
}

export interface RunFiguresOptions {
  /** Most points per time series (long runs are bucketed; default 720). */
  maxPoints?: number;
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

/** Everything a run's report draws, measured from its store. */
export async function measureRun(store: RunStore, opts: RunFiguresOptions = {}): Promise<RunFigures> {
  const { summary, rebuilt } = summaryOf(store);
  return {
    manifest: store.manifest,
    summary,
    summaryRebuilt: rebuilt,
    intervalCount: store.intervals.length,
    skippedLines: store.skippedLines,
    userMix: measuredUserMix(store.intervals),
    series: buildRunSeries(store.intervals, opts.maxPoints),
    telemetry: buildTelemetryPanels(store.telemetry),
  };
}
