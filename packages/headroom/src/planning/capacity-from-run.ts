// Planning's inputs from one run store: the figures the analysis measured
// (analysis/run-resources.ts), rounded for planning, each naming its source. Capacity bounds
// (max / comfortable RPS) need a load search or a suite and come from the analysis
// (capacity-from-analysis.ts).
import { measureRunResources, type MeasuredFigure, type RunData, type RunResources } from "../analysis/run-resources.js";
import { round } from "./figure.js";
import type { CapacityInputs } from "./types.js";

export type { RunData };

type MeasuredKey = Exclude<{ [K in keyof RunResources]-?: RunResources[K] extends MeasuredFigure | undefined ? K : never }[keyof RunResources], undefined>;

/** The decimals each measured figure keeps, in the order the inputs list them (measuredAtUsers: a count, kept whole). */
const DIGITS: [MeasuredKey | "measuredAtUsers", number][] = [
  ["cpuMsPerRequest", 4],
  ["idleCpuCorePct", 2],
  ["observedMaxRpsPerInstance", 2],
  ["memoryBytesPerInstance", 0],
  ["rpsPerActiveUser", 4],
  ["measuredAtUsers", 0],
  ["readShare", 4],
  ["dbQueriesPerRequest", 4],
  ["dbConnectionsPeakPerInstance", 2],
  ["dbPoolPerInstance", 0],
  ["cacheWorkingSetBytes", 0],
  ["cacheHitPct", 2],
  ["cacheEvictionPct", 3],
  ["cacheOpsPerRequest", 4],
];

export function capacityFromRun(run: RunData, opts: { measuredInstances?: number } = {}): CapacityInputs {
  const n = opts.measuredInstances ?? 1;
  const src = (what: string): string => `run ${run.dir} (${run.manifest.name}): ${what}`;
  const out: CapacityInputs = { source: `run ${run.dir} (${run.manifest.name})`, measuredInstances: n, sources: {} };
  const sources = out.sources!;
  const measured = measureRunResources(run, n);
  if (measured.rpsPerMinute) out.rpsPerMinute = measured.rpsPerMinute.map((r) => round(r, 2));
  for (const [key, digits] of DIGITS) {
    if (key === "measuredAtUsers") {
      if (measured.measuredAtUsers === undefined) continue;
      out.measuredAtUsers = measured.measuredAtUsers;
      sources.measuredAtUsers = src("most concurrent users");
      continue;
    }
    const figure = measured[key];
    if (figure?.value === undefined || !Number.isFinite(figure.value)) continue;
    out[key] = round(figure.value, digits);
    sources[key] = src(figure.how);
  }
  return out;
}
