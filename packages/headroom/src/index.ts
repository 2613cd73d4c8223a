// headroom's public API: the scenario API for scenario files, and the library functions the CLI uses.
export * from "./errors.js";
export * from "./store/types.js";
export { createRunStore, readRunStore, type RunStore, type RunStoreWriter } from "./store/run-store.js";
export { summarizeIntervals } from "./analysis/summary.js";
export { initHistograms, createHistogram, encodeHistogram, decodeHistogram, mergeEncoded, latencyStatsMs, type LatencyStatsMs } from "./metrics/histogram.js";
