// Planning's inputs from the analysis' results: the capacity bounds of a load search or a suite
// (max and comfortable RPS and users, RPS per user below the knee), and the per-run figures the
// run analysis already established (pool in use, cache, memory, read share).
import type { CapacityAnalysis, LoadStep, RunAnalysis } from "../analysis/types.js";
import { round } from "./figure.js";
import type { CapacityInputs } from "./types.js";

function withinSlo(step: LoadStep, slo: CapacityAnalysis["slo"]): boolean {
  if (step.generatorLimited || step.disturbed) return false;
  if (slo.p95Ms !== undefined && step.p95Ms > slo.p95Ms) return false;
  if (slo.p99Ms !== undefined && step.p99Ms !== undefined && step.p99Ms > slo.p99Ms) return false;
  if (slo.p50Ms !== undefined && step.p50Ms !== undefined && step.p50Ms > slo.p50Ms) return false;
  if (slo.errorPct !== undefined && step.errorPct > slo.errorPct) return false;
  return true;
}

/**
 * From a capacity analysis measured on `measuredInstances` app instances (default 1):
 *   max_rps_per_instance         the highest step throughput within the SLO (else maxRps) / instances
 *   comfortable_rps_per_instance comfortable.rps / instances
 *   rps_per_active_user          sum(rps) / sum(users) over the closed-model steps within the SLO
 */
export function capacityFromAnalysis(capacity: CapacityAnalysis, opts: { measuredInstances?: number; source?: string } = {}): CapacityInputs {
  const n = opts.measuredInstances ?? 1;
  const source = opts.source ?? "capacity analysis";
  const out: CapacityInputs = { source, measuredInstances: n, sources: {} };
  const s = out.sources!;
  const ok = capacity.steps.filter((st) => withinSlo(st, capacity.slo));
  const sloText = Object.entries(capacity.slo).map(([k, v]) => `${k} ${v}`).join(", ") || "no SLO";
  if (ok.length > 0) {
    const best = Math.max(...ok.map((st) => st.rps));
    out.maxRpsPerInstance = round(best / n, 2);
    s.maxRpsPerInstance = `${source}: highest throughput of ${ok.length} step(s) within the SLO (${sloText}) / ${n} instance(s); ${capacity.confidence} confidence: ${capacity.confidenceReason}`;
  } else if (capacity.maxRps.value !== null) {
    out.maxRpsPerInstance = round(capacity.maxRps.value / n, 2);
    s.maxRpsPerInstance = `${source}: maxRps (${capacity.maxRps.confidence} confidence: ${capacity.maxRps.reason}) / ${n} instance(s)`;
  }
  if (capacity.comfortable.rps !== null) {
    out.comfortableRpsPerInstance = round(capacity.comfortable.rps / n, 2);
    s.comfortableRpsPerInstance = `${source}: comfortable capacity / ${n} instance(s); ${capacity.comfortable.confidence} confidence: ${capacity.comfortable.reason}`;
  }
  if (capacity.comfortable.users !== null) {
    out.comfortableUsersPerInstance = round(capacity.comfortable.users / n, 2);
    s.comfortableUsersPerInstance = `${source}: comfortable users / ${n} instance(s)`;
  }
  if (capacity.maxUsers.value !== null) {
    out.maxUsersPerInstance = round(capacity.maxUsers.value / n, 2);
    s.maxUsersPerInstance = `${source}: max concurrent users (${capacity.maxUsers.confidence} confidence) / ${n} instance(s)`;
  }
  const reached = capacity.steps.filter((st) => !st.generatorLimited).map((st) => st.rps);
  if (reached.length > 0) {
    out.observedMaxRpsPerInstance = round(Math.max(...reached) / n, 2);
    s.observedMaxRpsPerInstance = `${source}: highest step throughput / ${n} instance(s)`;
  }
  const closed = ok.filter((st) => st.users !== undefined && st.users > 0);
  const users = closed.reduce((a, st) => a + st.users!, 0);
  if (users > 0) {
    out.rpsPerActiveUser = round(closed.reduce((a, st) => a + st.rps, 0) / users, 4);
    s.rpsPerActiveUser = `${source}: sum of throughput / sum of users over ${closed.length} closed-model step(s) within the SLO`;
  }
  return out;
}

/** The figures a run analysis established: pool in use and size, cache hit rate, app memory, read share, users. */
export function capacityFromRunAnalysis(a: RunAnalysis, opts: { measuredInstances?: number } = {}): CapacityInputs {
  const n = opts.measuredInstances ?? 1;
  const source = `run analysis ${a.run.dir} (${a.run.name})`;
  const out: CapacityInputs = { source, measuredInstances: n, sources: {} };
  const s = out.sources!;
  if (a.pool.maxInUse !== undefined) {
    out.dbConnectionsPeakPerInstance = round(a.pool.maxInUse / n, 2);
    s.dbConnectionsPeakPerInstance = `${source}: pool in use (max; open idle connections not counted), ${a.pool.source}`;
  }
  if (a.pool.size !== undefined) {
    out.dbPoolPerInstance = a.pool.size;
    s.dbPoolPerInstance = `${source}: pool size, ${a.pool.source}`;
  }
  if (a.cache.hitPct !== undefined) {
    out.cacheHitPct = a.cache.hitPct;
    s.cacheHitPct = `${source}: ${a.cache.source}`;
  }
  const rss = a.components.application.rssBytesMax;
  if (rss !== undefined) {
    out.memoryBytesPerInstance = Math.round(rss / n);
    s.memoryBytesPerInstance = `${source}: app RSS (max) / ${n} instance(s)`;
  }
  const total = a.endpoints.reduce((t, e) => t + e.requests, 0);
  if (total > 0) {
    const reads = a.endpoints.filter((e) => e.method === "GET" || e.method === "HEAD").reduce((t, e) => t + e.requests, 0);
    out.readShare = round(reads / total, 4);
    s.readShare = `${source}: GET and HEAD requests / all ${total} requests`;
  }
  if (a.summary.peakUsers > 0) {
    out.measuredAtUsers = a.summary.peakUsers;
    s.measuredAtUsers = `${source}: most concurrent users`;
  }
  return out;
}
