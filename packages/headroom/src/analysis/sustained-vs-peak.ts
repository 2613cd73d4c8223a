// The sustained-vs-peak table of the result documents: the same figures of the two runs side by side.
import { round } from "./stats.js";
import type { RunAnalysis, SustainedVsPeakRow } from "./types.js";

/** The sustained-vs-peak table of the result documents, from the two runs' analyses. */
export function sustainedVsPeak(sustained: RunAnalysis, peak: RunAnalysis): SustainedVsPeakRow[] {
  const res = (a: RunAnalysis, id: string, stat: "avg" | "max"): number | undefined => a.resources.find((r) => r.metric === id)?.[stat];
  const rows: [string, string, (a: RunAnalysis) => number | undefined][] = [
    ["Users (peak)", "users", (a) => a.summary.peakUsers],
    ["Throughput", "req/s", (a) => a.summary.requests.ratePerSec],
    ["P50 latency", "ms", (a) => a.summary.latencyMs.p50],
    ["P95 latency", "ms", (a) => a.summary.latencyMs.p95],
    ["P99 latency", "ms", (a) => a.summary.latencyMs.p99],
    ["Error rate", "%", (a) => (a.summary.requests.total > 0 ? round((a.summary.requests.failed / a.summary.requests.total) * 100, 3) : undefined)],
    ["App CPU (mean)", "%", (a) => res(a, "app.cpuPct", "avg")],
    ["App memory (max RSS)", "bytes", (a) => res(a, "app.rssBytes", "max")],
    ["DB connections (max)", "connections", (a) => res(a, "db.connections", "max")],
    ["DB pool in use (max)", "connections", (a) => res(a, "app.poolInUse", "max")],
    ["Query latency (mean)", "ms", (a) => res(a, "db.meanQueryMs", "avg")],
    ["Cache hit rate", "%", (a) => a.cache.hitPct],
  ];
  return rows.map(([metric, unit, f]) => {
    const s = f(sustained);
    const p = f(peak);
    const row: SustainedVsPeakRow = { metric, unit };
    if (s !== undefined) row.sustained = s;
    if (p !== undefined) row.peak = p;
    if (s !== undefined && p !== undefined && s !== 0) row.ratio = round(p / s, 3);
    return row;
  });
}
