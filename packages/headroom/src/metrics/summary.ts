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

export function summarizeIntervals(lines: IntervalLine[], manifest: Pick<Manifest, "name" | "status" | "startedAt" | "endedAt" | "plan">, runDir: string): RunSummary {
  const durationSec = coveredSeconds(lines);
  const perSec = (n: number): number => (durationSec > 0 ? round(n / durationSec) : 0);
  const byEndpoint = new Map<string, { method: string; requests: number; ok: number; failed: number; status: Record<string, number>; errors: Record<string, number>; hists: string[] }>();
  const status: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const classes: RunSummary["classes"] = {};
  let dropped = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let peakUsers = 0;
  let cpuSum = 0;
  let lagMax = 0;
  let rssMax = 0;
  let hotSeconds = 0;
  for (const line of lines) {
    dropped += line.dropped;
    peakUsers = Math.max(peakUsers, line.users);
    cpuSum += line.generator.cpuPct;
    lagMax = Math.max(lagMax, line.generator.eventLoopLagMsP99);
    rssMax = Math.max(rssMax, line.generator.rssBytes);
    const workers = Math.max(1, manifest.plan.workers ?? 1);
    if (line.generator.cpuPct / workers >= GENERATOR_CPU_LIMIT_PCT || line.generator.eventLoopLagMsP99 >= GENERATOR_LAG_LIMIT_MS) hotSeconds++;
    for (const [name, ep] of Object.entries(line.endpoints)) {
      let agg = byEndpoint.get(name);
      if (!agg) byEndpoint.set(name, (agg = { method: ep.method, requests: 0, ok: 0, failed: 0, status: {}, errors: {}, hists: [] }));
      agg.requests += ep.requests;
      agg.ok += ep.ok;
      agg.failed += ep.failed;
      addCounts(agg.status, ep.status);
      addCounts(agg.errors, ep.errors);
      addCounts(status, ep.status);
      addCounts(errors, ep.errors);
      bytesIn += ep.bytesIn;
      bytesOut += ep.bytesOut;
      if (ep.hist) agg.hists.push(ep.hist);
    }
    for (const [name, c] of Object.entries(line.classes ?? {})) {
      const into = (classes[name] ??= { requests: 0, failed: 0, rateLimited: 0, rateLimitedPct: 0 });
      into.requests += c.requests;
      into.failed += c.failed;
      into.rateLimited += c.rateLimited;
    }
  }
  for (const c of Object.values(classes)) c.rateLimitedPct = c.requests > 0 ? round((c.rateLimited / c.requests) * 100, 3) : 0;

  const endpoints: EndpointSummary[] = [];
  const allHists: string[] = [];
  for (const [name, agg] of byEndpoint) {
    const h = mergeEncoded(agg.hists);
    const { count: _count, ...latencyMs } = latencyStatsMs(h);
    h.destroy();
    allHists.push(...agg.hists);
    endpoints.push({ name, method: agg.method, requests: agg.requests, ok: agg.ok, failed: agg.failed, ratePerSec: perSec(agg.requests), latencyMs, status: agg.status, errors: agg.errors });
  }
  endpoints.sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  const overall = mergeEncoded(allHists);
  const { count: _c, ...latencyMs } = latencyStatsMs(overall);
  overall.destroy();

  const total = endpoints.reduce((s, e) => s + e.requests, 0);
  const ok = endpoints.reduce((s, e) => s + e.ok, 0);
  const failed = endpoints.reduce((s, e) => s + e.failed, 0);
  const cpuPct = lines.length > 0 ? round(cpuSum / lines.length, 1) : 0;
  // The generator was the limit when it was saturated for a tenth of the run or more.
  const limited = lines.length > 0 && hotSeconds / lines.length >= 0.1;
  const generator: RunSummary["generator"] = { cpuPct, eventLoopLagMsP99: round(lagMax, 1), peakRssBytes: rssMax, limited };
  if (limited) {
    generator.reason = `the load generator was saturated in ${hotSeconds} of ${lines.length} seconds (CPU >= ${GENERATOR_CPU_LIMIT_PCT}% of a core or event-loop lag >= ${GENERATOR_LAG_LIMIT_MS} ms): the numbers describe the generator's limit, not the target's; add --workers or hosts`;
  }
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
    status,
    errors,
    dropped,
    bytes: { in: bytesIn, out: bytesOut },
    peakUsers,
    endpoints,
    classes,
    generator,
  };
}
