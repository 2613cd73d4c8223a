// The run summary: totals, per-endpoint and per-class figures of a run, computed from its
// interval lines alone (so a killed run, or an imported one, summarizes the same way).
import { latencyStatsMs, mergeEncoded } from "./histogram.js";
import { addCounts } from "./interval-merge.js";
import type { EndpointSummary, IntervalLine, Manifest, RunSummary } from "../core/types.js";

/** The generator is called the limit when it ran its core this hot, or its event loop lagged this much. */
export const GENERATOR_CPU_LIMIT_PCT = 90;
export const GENERATOR_LAG_LIMIT_MS = 50;

const round = (v: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Whether the generator was saturated in this second: its CPU per worker thread, or its event-loop lag, at the limit. */
export function generatorHot(line: IntervalLine, workers = 1): boolean {
  return line.generator.cpuPct / Math.max(1, workers) >= GENERATOR_CPU_LIMIT_PCT || line.generator.eventLoopLagMsP99 >= GENERATOR_LAG_LIMIT_MS;
}

/** Seconds the lines cover: from the first line's t to the last line's t + 1. */
export function coveredSeconds(lines: IntervalLine[]): number {
  if (lines.length === 0) return 0;
  return lines[lines.length - 1]!.t + 1 - lines[0]!.t;
}

interface EndpointFold {
  method: string;
  requests: number;
  ok: number;
  failed: number;
  status: Record<string, number>;
  errors: Record<string, number>;
  hists: string[];
}

/** Every line added up: per endpoint (with its encoded histograms), per status, error and class, and the generator's figures. */
interface LinesFold {
  byEndpoint: Map<string, EndpointFold>;
  status: Record<string, number>;
  errors: Record<string, number>;
  classes: RunSummary["classes"];
  dropped: number;
  bytesIn: number;
  bytesOut: number;
  peakUsers: number;
  cpuSum: number;
  lagMax: number;
  rssMax: number;
  hotSeconds: number;
}

function addEndpoints(fold: LinesFold, line: IntervalLine): void {
  for (const [name, ep] of Object.entries(line.endpoints)) {
    let agg = fold.byEndpoint.get(name);
    if (!agg) fold.byEndpoint.set(name, (agg = { method: ep.method, requests: 0, ok: 0, failed: 0, status: {}, errors: {}, hists: [] }));
    agg.requests += ep.requests;
    agg.ok += ep.ok;
    agg.failed += ep.failed;
    addCounts(agg.status, ep.status);
    addCounts(agg.errors, ep.errors);
    addCounts(fold.status, ep.status);
    addCounts(fold.errors, ep.errors);
    fold.bytesIn += ep.bytesIn;
    fold.bytesOut += ep.bytesOut;
    if (ep.hist) agg.hists.push(ep.hist);
  }
}

function foldLines(lines: IntervalLine[], workers: number): LinesFold {
  const fold: LinesFold = {
    byEndpoint: new Map(), status: {}, errors: {}, classes: {}, dropped: 0, bytesIn: 0, bytesOut: 0, peakUsers: 0,
    cpuSum: 0, lagMax: 0, rssMax: 0, hotSeconds: 0,
  };
  for (const line of lines) {
    fold.dropped += line.dropped;
    fold.peakUsers = Math.max(fold.peakUsers, line.users);
    fold.cpuSum += line.generator.cpuPct;
    fold.lagMax = Math.max(fold.lagMax, line.generator.eventLoopLagMsP99);
    fold.rssMax = Math.max(fold.rssMax, line.generator.rssBytes);
    if (generatorHot(line, workers)) fold.hotSeconds++;
    addEndpoints(fold, line);
    for (const [name, c] of Object.entries(line.classes ?? {})) {
      const into = (fold.classes[name] ??= { requests: 0, failed: 0, rateLimited: 0, rateLimitedPct: 0 });
      into.requests += c.requests;
      into.failed += c.failed;
      into.rateLimited += c.rateLimited;
    }
  }
  for (const c of Object.values(fold.classes)) c.rateLimitedPct = c.requests > 0 ? round((c.rateLimited / c.requests) * 100, 3) : 0;
  return fold;
}

/** Per-endpoint summaries (busiest first) and the whole run's latency, from the merged histograms. */
function endpointSummaries(byEndpoint: Map<string, EndpointFold>, perSec: (n: number) => number): { endpoints: EndpointSummary[]; latencyMs: RunSummary["latencyMs"] } {
  const endpoints: EndpointSummary[] = [];
  const allHists: string[] = [];
  for (const [name, agg] of byEndpoint) {
    const h = mergeEncoded(agg.hists);
    const { count: _count, ...latencyMs } = latencyStatsMs(h);
    h.destroy();
    allHists.push(...agg.hists);
    const { method, requests, ok, failed, status, errors } = agg;
    endpoints.push({ name, method, requests, ok, failed, ratePerSec: perSec(requests), latencyMs, status, errors });
  }
  endpoints.sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  const overall = mergeEncoded(allHists);
  const { count: _c, ...latencyMs } = latencyStatsMs(overall);
  overall.destroy();
  return { endpoints, latencyMs };
}

function generatorSummary(fold: LinesFold, seconds: number): RunSummary["generator"] {
  const cpuPct = seconds > 0 ? round(fold.cpuSum / seconds, 1) : 0;
  // The generator was the limit when it was saturated for a tenth of the run or more.
  const limited = seconds > 0 && fold.hotSeconds / seconds >= 0.1;
  const generator: RunSummary["generator"] = { cpuPct, eventLoopLagMsP99: round(fold.lagMax, 1), peakRssBytes: fold.rssMax, limited };
  if (limited) {
    generator.reason = `the load generator was saturated in ${fold.hotSeconds} of ${seconds} seconds (CPU >= ${GENERATOR_CPU_LIMIT_PCT}% of a core or event-loop lag >= ${GENERATOR_LAG_LIMIT_MS} ms): the numbers describe the generator's limit, not the target's; add --workers or hosts`;
  }
  return generator;
}

export function summarizeIntervals(lines: IntervalLine[], manifest: Pick<Manifest, "name" | "status" | "startedAt" | "endedAt" | "plan">, runDir: string): RunSummary {
  const durationSec = coveredSeconds(lines);
  const perSec = (n: number): number => (durationSec > 0 ? round(n / durationSec) : 0);
  const fold = foldLines(lines, Math.max(1, manifest.plan.workers ?? 1));
  const { endpoints, latencyMs } = endpointSummaries(fold.byEndpoint, perSec);
  const total = endpoints.reduce((s, e) => s + e.requests, 0);
  const ok = endpoints.reduce((s, e) => s + e.ok, 0);
  const failed = endpoints.reduce((s, e) => s + e.failed, 0);
  const startedAt = manifest.startedAt;
  return {
    runDir,
    name: manifest.name,
    runStatus: manifest.status,
    startedAt,
    endedAt: manifest.endedAt ?? (lines.length > 0 ? new Date(lines[lines.length - 1]!.ts + 1000).toISOString() : startedAt),
    durationSec,
    requests: { total, ok, failed, ratePerSec: perSec(total) },
    latencyMs,
    status: fold.status,
    errors: fold.errors,
    dropped: fold.dropped,
    bytes: { in: fold.bytesIn, out: fold.bytesOut },
    peakUsers: fold.peakUsers,
    endpoints,
    classes: fold.classes,
    generator: generatorSummary(fold, lines.length),
  };
}
