// Reading the hosts' run directories and writing a merged run as a normal run directory
// (manifest, intervals, telemetry, summary), so analyze, report and compare read it like any run.
import { summarizeIntervals } from "../metrics/summary.js";
import { createRunStore, readRunStore } from "../store/run-store.js";
import type { RunSummary } from "../core/types.js";
import type { MergedRun, RunPart } from "./merge-runs.js";

/** Reads each directory with the store's validating reader (HR_RUN_NOT_FOUND / HR_RUN_INVALID name the bad one). */
export function readRunParts(dirs: string[]): RunPart[] {
  return dirs.map((dir) => {
    const store = readRunStore(dir);
    return { manifest: store.manifest, intervals: store.intervals, telemetry: store.telemetry, source: dir };
  });
}

/** Writes the merged run into `dir` (files replaced whole) and returns its summary. */
export function writeMergedRun(dir: string, merged: MergedRun, now = new Date()): RunSummary {
  const store = createRunStore(dir, merged.manifest);
  for (const line of merged.intervals) store.appendInterval(line);
  for (const line of merged.telemetry) store.appendTelemetry(line);
  const endedAt = merged.manifest.endedAt ? new Date(merged.manifest.endedAt) : now;
  const summary = summarizeIntervals(merged.intervals, { ...merged.manifest, endedAt: endedAt.toISOString() }, store.dir);
  store.finish(merged.manifest.status, summary, endedAt);
  return summary;
}
