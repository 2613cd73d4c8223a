// A run store's summary, always: summary.json as the run wrote it, or, for a run killed before it
// wrote one, the same fold (metrics/summary.ts) over the interval lines on disk. The manifest's
// status (running, interrupted, failed) is kept, so a killed run still reads as incomplete.
import { summarizeIntervals } from "../metrics/summary.js";
import type { RunSummary } from "../core/types.js";
import type { RunStore } from "./run-store.js";

export function runStoreSummary(store: Pick<RunStore, "dir" | "manifest" | "intervals" | "summary">): { summary: RunSummary; rebuilt: boolean } {
  if (store.summary) return { summary: store.summary, rebuilt: false };
  return { summary: summarizeIntervals(store.intervals, store.manifest, store.dir), rebuilt: true };
}
