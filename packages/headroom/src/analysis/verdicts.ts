// Verdicts per metric: each target of the run's load level, the value measured for it, the
// bound and the tier. A metric without data is NOT_MEASURED with the reason, never a PASS.
//
// How each is measured (the `source` of every verdict repeats it):
//   latency percentiles   the merged HDR histogram of every request of the run
//   rps                   requests per second over the steady window, against the per-user bound
//                         times the users (or connections) held there
//   error / timeout rate  failed (timeouts) / requests over the run
//   CPU (host, app)       mean of the samples in the steady window: the seed's "sustained" CPU
//   memory, disk, DB connections, pool, cache memory: the highest sample (what must fit)
//   query latency         mean of the samples' mean_query_ms, weighted by queries per second
//   cache hit rate        hits / (hits + misses) over the run: the app's own counters when it
//                         exposes them, else Redis keyspace hits and misses
import { TARGET_METRICS, type ResolvedBound, type Targets } from "../plan/targets.js";
import { judge } from "./judge.js";
import { appCacheCounts } from "./app-metrics.js";
import { steadyPoints, type RunSignals } from "./run-signals.js";
import { describeMixLimit, mixThroughputLimit } from "./mix-throughput.js";
import { mean, round } from "./stats.js";
import { integrateRate } from "./telemetry-series.js";
import type { MetricVerdict, TargetBound, TargetMetric } from "./types.js";

interface Measurement {
  value?: number;
  source: string;
  note?: string;
}

const notMeasured = (source: string, note: string): Measurement => ({ source, note });

function fromReading(s: RunSignals, id: string, stat: "max" | "steadyMean", what: string): Measurement {
  const r = s.readings.get(id);
  if (!r) return notMeasured(what, `not measured: no ${what} telemetry in this run`);
  if (stat === "max") return { value: Math.max(...r.points.map((p) => p.v)), source: `${r.source} (max of ${r.points.length} samples)` };
  const pts = steadyPoints(s, id);
  return { value: mean(pts.map((p) => p.v)), source: `${r.source} (mean of ${pts.length} samples over the steady window)` };
}

/** Cache hit rate over the run, from the app's counters or Redis's. */
export function measureCacheHitPct(s: RunSignals): Measurement & { hits?: number; misses?: number } {
  const app = appCacheCounts(s.scrapes);
  if (app && app.hits + app.misses > 0) return { value: (app.hits / (app.hits + app.misses)) * 100, source: app.source, hits: app.hits, misses: app.misses };
  const hits = s.readings.get("cache.hitsPerSec");
  const misses = s.readings.get("cache.missesPerSec");
  if (hits && misses) {
    // Rates are per second over each sample's interval: weight by the gap to the previous sample.
    const h = integrateRate(hits.points);
    const m = integrateRate(misses.points);
    if (h + m > 0) return { value: (h / (h + m)) * 100, source: "telemetry redis keyspace hits / (hits + misses) over the run", hits: Math.round(h), misses: Math.round(m) };
  }
  const pct = s.readings.get("cache.hitPct");
  if (pct) return { value: mean(pct.points.map((p) => p.v)), source: `${pct.source} (mean of ${pct.points.length} samples)` };
  if (app) return notMeasured(app.source, "not measured: the cache saw no lookups during the run");
  return notMeasured("cache", "not measured: no cache telemetry (Redis INFO or the app's cache counters) in this run");
}

function measureQueryLatency(s: RunSignals): Measurement {
  const lat = s.readings.get("db.meanQueryMs");
  if (!lat) return notMeasured("postgres", "not measured: no PostgreSQL telemetry in this run");
  const qps = new Map((s.readings.get("db.queriesPerSec")?.points ?? []).map((p) => [p.t, p.v]));
  let w = 0;
  let sum = 0;
  for (const p of lat.points) {
    const weight = qps.get(p.t) ?? 1;
    w += weight;
    sum += p.v * weight;
  }
  return { value: w > 0 ? sum / w : mean(lat.points.map((p) => p.v)), source: `${lat.source} (mean over ${lat.points.length} samples, weighted by queries/s)` };
}

function measure(metric: TargetMetric, s: RunSignals): Measurement {
  const sum = s.summary;
  const req = sum.requests.total;
  const hist = `merged HDR histogram of all ${req} requests`;
  const noRequests = notMeasured("intervals", "not measured: the run recorded no requests");
  switch (metric) {
    case "p50Ms":
      return req > 0 ? { value: sum.latencyMs.p50, source: hist } : noRequests;
    case "p95Ms":
      return req > 0 ? { value: sum.latencyMs.p95, source: hist } : noRequests;
    case "p99Ms":
      return req > 0 ? { value: sum.latencyMs.p99, source: hist } : noRequests;
    case "p999Ms":
      return req > 0 ? { value: sum.latencyMs.p999, source: hist } : noRequests;
    case "rps":
      return s.steady.seconds > 0 ? { value: s.steady.rps, source: `requests per second over the steady window (${s.steady.seconds} s at ${s.steady.maxUsers} users)` } : noRequests;
    case "errorPct":
      return req > 0 ? { value: (sum.requests.failed / req) * 100, source: `${sum.requests.failed} failed of ${req} requests` } : noRequests;
    case "timeoutPct": {
      const t = sum.errors.timeout ?? 0;
      return req > 0 ? { value: (t / req) * 100, source: `${t} timeouts of ${req} requests` } : noRequests;
    }
    case "cpuPct":
      return fromReading(s, "host.cpuPct", "steadyMean", "host");
    case "memoryPct":
      return fromReading(s, "host.memUsedPct", "max", "host");
    case "diskPct":
      return fromReading(s, "host.diskUsedPct", "max", "host");
    case "dbConnectionsPct":
      return fromReading(s, "db.connectionsPct", "max", "postgres");
    case "dbConnections":
      return fromReading(s, "db.connections", "max", "postgres");
    case "dbPoolPct":
      if (!s.readings.has("app.poolUtilPct")) {
        return notMeasured("app pool", s.pool ? "not measured: the app exposes its pool's use but not its maximum size" : "not measured: the app exposes no DB pool metrics (Prometheus) in this run");
      }
      return fromReading(s, "app.poolUtilPct", "max", "app pool");
    case "queryLatencyMs":
      return measureQueryLatency(s);
    case "cacheHitPct":
      return measureCacheHitPct(s);
    case "cacheMemoryPct": {
      if (!s.readings.has("cache.memoryPct") && s.readings.has("cache.usedMemoryBytes")) return notMeasured("redis", "not measured: Redis has no maxmemory limit, so its memory has no percentage");
      return fromReading(s, "cache.memoryPct", "max", "redis");
    }
    case "appCpuPct":
      return fromReading(s, "app.cpuPct", "steadyMean", "app process");
    case "appMemoryPct":
      return fromReading(s, "app.memoryPct", "max", "app process");
    case "concurrentUsers":
      return notMeasured("capacity", "judged on a search or a suite (headroom search / plan), not on one run");
    case "faultRecoverySec":
      return notMeasured("failure scenarios", "judged per injected fault by the failure-scenarios test, not on a run without faults");
  }
}

/** The bound as applied to this run: rps per user is multiplied by the users held in the steady window. */
function applied(metric: TargetMetric, b: ResolvedBound, s: RunSignals): { bound: TargetBound; note?: string } {
  const { perUser: _perUser, ...bound } = b;
  if (metric !== "rps" || !b.perUser) return { bound };
  const users = s.steady.maxUsers;
  const k = (v: number): number => round(v * users, 2);
  const scaled: TargetBound = { ...bound, target: k(b.target), acceptable: k(b.acceptable), unacceptable: k(b.unacceptable ?? b.acceptable) };
  return { bound: scaled, note: `bound is ${b.target} req/s per user (acceptable ${b.acceptable}) x ${users} users` };
}

/**
 * Targets the run's load design cannot test: a throughput the user mix cannot produce (Little's
 * law, see mix-throughput.ts), and the metrics its profile declares untestable (`untestable` in the
 * profile, kept in the manifest: a focused test whose traffic by design misses a target meant for
 * the normal mix). Such a target is NOT_TESTABLE with the reason, never FAIL or PASS.
 */
function notTestable(metric: TargetMetric, bound: TargetBound, s: RunSignals, untestable: Partial<Record<TargetMetric, string>>): string | undefined {
  const declared = untestable[metric];
  if (declared) return `not testable by this profile: ${declared}`;
  if (metric !== "rps") return undefined;
  const mix = mixThroughputLimit(s.steady);
  if (!mix || bound.target <= mix.maxRps) return undefined;
  return `not testable by this user mix: ${describeMixLimit(mix, bound.target)}`;
}

export function computeVerdicts(s: RunSignals, targets: Targets, untestable: Partial<Record<TargetMetric, string>> = {}): MetricVerdict[] {
  const level = targets.levels[s.level];
  const out: MetricVerdict[] = [];
  for (const [metric, b] of Object.entries(level) as [TargetMetric, ResolvedBound][]) {
    if (metric === "concurrentUsers" || metric === "faultRecoverySec") continue;
    const info = TARGET_METRICS[metric];
    const m = measure(metric, s);
    const { bound, note } = applied(metric, b, s);
    const v: MetricVerdict = { metric, label: info.label, scope: info.scope, verdict: "NOT_MEASURED", bound, source: m.source };
    const cannot = notTestable(metric, bound, s, untestable);
    if (m.value !== undefined && Number.isFinite(m.value)) {
      v.measured = round(m.value, 3);
      if (cannot) v.verdict = "NOT_TESTABLE";
      else {
        const j = judge(v.measured, bound);
        v.verdict = j.verdict;
        v.tier = j.tier;
      }
    }
    const notes = [cannot, m.note, note].filter(Boolean);
    if (notes.length > 0) v.note = notes.join("; ");
    out.push(v);
  }
  return out;
}
