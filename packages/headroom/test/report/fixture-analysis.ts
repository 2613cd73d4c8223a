// Hand-written analysis results for the report tests: verdicts of every kind (PASS, WARN, FAIL,
// NOT_MEASURED), phases, resources, thirds, leaks, pool, cache, recovery and bottlenecks, plus a
// capacity analysis with a USL fit. Shaped like analysis' output so renderers are tested without it.
import type { CapacityAnalysis, MetricVerdict, RunAnalysis } from "../../src/analysis/types.js";
import type { RunStore } from "../../src/store/run-store.js";
import type { RunSummary } from "../../src/core/types.js";
import { endpointRowsFromSummary } from "../../src/report/model/run-report-model.js";

export function fixtureVerdicts(summary: RunSummary): MetricVerdict[] {
  return [
    { metric: "p50Ms", label: "P50 latency", scope: "client", verdict: "PASS", measured: summary.latencyMs.p50, bound: { direction: "max", target: 200, acceptable: 500, unit: "ms" }, tier: "target", source: "merged HDR histogram of all requests" },
    { metric: "p95Ms", label: "P95 latency", scope: "client", verdict: "WARN", measured: summary.latencyMs.p95, bound: { direction: "max", target: 80, acceptable: 1000, unit: "ms" }, tier: "acceptable", source: "merged HDR histogram of all requests" },
    { metric: "errorPct", label: "Error rate", scope: "client", verdict: "FAIL", measured: 0.2, bound: { direction: "max", target: 0.01, acceptable: 0.05, unacceptable: 0.1, unit: "%" }, tier: "unacceptable", source: "interval counts" },
    { metric: "diskPct", label: "Disk used", scope: "server", verdict: "NOT_MEASURED", bound: { direction: "max", target: 70, acceptable: 80, unit: "%" }, source: "telemetry host.disk_used_pct", note: "no host sample carried disk_used_pct" },
  ];
}

export function fixtureAnalysis(store: RunStore, summary: RunSummary): RunAnalysis {
  const m = store.manifest;
  return {
    run: { dir: store.dir, id: m.id, name: m.name, status: m.status, source: m.source, loadLevel: m.loadLevel ?? "normal", startedAt: m.startedAt, durationSec: summary.durationSec, plan: m.plan },
    summary,
    verdict: "FAIL",
    verdicts: fixtureVerdicts(summary),
    phases: [
      { phase: "ramp-up", startSec: 0, endSec: 30, durationSec: 30, maxUsers: 100, requests: 800, failures: 1, failurePct: 0.125, rps: 26.7, latencyMs: { avg: 20, p50: 18, p95: 60, p99: 110, max: 300 } },
      { phase: "peak", startSec: 30, endSec: 90, durationSec: 60, maxUsers: 100, requests: 3000, failures: 6, failurePct: 0.2, rps: 50, latencyMs: { avg: 28, p50: 25, p95: 95, p99: 150, max: 646 } },
      { phase: "ramp-down", startSec: 90, endSec: 120, durationSec: 30, maxUsers: 97, requests: 768, failures: 2, failurePct: 0.26, rps: 25.6, latencyMs: { avg: 21, p50: 19, p95: 62, p99: 105, max: 280 } },
    ],
    endpoints: endpointRowsFromSummary(summary),
    classes: [
      { name: "AuthenticatedUser", requests: 3454, failures: 9, rateLimited: 56, rateLimitedPct: 1.62, successPct: 98.1 },
      { name: "UnauthenticatedUser", requests: 1114, failures: 0, rateLimited: 0, rateLimitedPct: 0, successPct: 100 },
    ],
    resources: [
      { component: "app", metric: "app.cpuPct", label: "App CPU (busiest process, % of one core)", unit: "%", source: "telemetry process.cpu_pct", samples: 25, min: 17, avg: 52, max: 79 },
      { component: "app", metric: "app.rssBytes", label: "App memory (RSS, all processes)", unit: "bytes", source: "telemetry process.rss_bytes", samples: 25, min: 190e6, avg: 205e6, max: 221e6 },
      { component: "database", metric: "db.connections", label: "DB connections", unit: "connections", source: "telemetry postgres.connections", samples: 24, min: 6, avg: 27, max: 37 },
      { component: "database", metric: "db.connectionsPct", label: "DB connections (% of max_connections)", unit: "%", source: "telemetry postgres.connections_pct", samples: 24, min: 6, avg: 27, max: 37 },
      { component: "database", metric: "db.lockWaits", label: "Lock waits", unit: "backends", source: "telemetry postgres.lock_waits", samples: 24, min: 0, avg: 0, max: 0 },
      { component: "cache", metric: "cache.hitPct", label: "Cache hit rate (Redis keyspace)", unit: "%", source: "telemetry redis.hit_pct", samples: 25, min: 71, avg: 85, max: 93 },
      { component: "host", metric: "host.cpuPct", label: "Host CPU (all cores)", unit: "%", source: "telemetry host.cpu_pct", samples: 25, min: 20, avg: 48, max: 70 },
      { component: "host", metric: "host.memUsedPct", label: "Host memory used", unit: "%", source: "telemetry host.mem_used_pct", samples: 25, min: 41, avg: 43, max: 44 },
      { component: "host", metric: "host.diskUsedPct", label: "Disk used", unit: "%", source: "telemetry host", samples: 0, note: "not measured: the host collector did not report this reading" },
    ],
    errorThirds: [
      { index: 1, startSec: 0, endSec: 40, requests: 1400, failures: 2, errorPct: 0.143, verdict: "FAIL" },
      { index: 2, startSec: 40, endSec: 80, requests: 1900, failures: 4, errorPct: 0.21, verdict: "FAIL" },
      { index: 3, startSec: 80, endSec: 120, requests: 1268, failures: 3, errorPct: 0.237, verdict: "FAIL" },
    ],
    leaks: [
      {
        metric: "app.memory",
        label: "App memory (RSS)",
        unit: "bytes",
        source: "telemetry process.rss_bytes",
        verdict: "growing",
        first: 190e6,
        last: 221e6,
        trend: { samples: 25, spanSec: 120, slopePerMin: 12e6, fittedChange: 24e6, slopeStdErrPerMin: 1e6, tStat: 12, pValue: 0.0001, mannKendall: { s: 200, z: 5.1, pValue: 0.0001 }, theilSenPerMin: 11.5e6 },
        bound: { changePerHour: 1e9, alpha: 0.05 },
        reason: "significant growth of 24 MB over 2 min, under the practical bound of 1 GB/h",
      },
      { metric: "db.connections", label: "DB connections", unit: "connections", source: "telemetry postgres.connections", verdict: "stable", first: 6, last: 7, reason: "no significant trend (Mann-Kendall p = 0.41)" },
    ],
    pool: { verdict: "stable", source: "prometheus muejam_db_pool_*", size: 20, maxInUse: 14, avgInUse: 8.2, maxUtilPct: 70, avgUtilPct: 41, maxWaiting: 0, waitingSamplePct: 0, reason: "never exhausted; returned to idle after load" },
    cache: { verdict: "PASS", source: "telemetry redis", hitPct: 85, missPct: 15, hitLatencyMs: 4.2, missLatencyMs: 19.8, latencySource: "prometheus muejam_http_request_duration_seconds{cache}", maxEvictedPerSec: 0, maxMemoryPct: 11.7, policy: "allkeys-lru", reason: "hit rate 85 % above the 70 % target" },
    recovery: { status: "recovered", loadDropSec: 90, recoveredAtSec: 94, recoverySec: 4, criteria: { p95Ms: 500, errorPct: 1 }, reason: "p95 and errors back under target 4 s after the load dropped" },
    components: { database: { poolSize: 20, poolMaxInUse: 14, poolUtilPct: 70, meanQueryMs: 5.1, slowQueries: 0, lockWaitsMax: 0, connectionsMax: 37, maxConnections: 100 }, application: { cpuPctAvg: 52, cpuPctMax: 79, rssBytesMax: 221e6, workers: 1, eventLoopLagMsMax: 12 }, cache: { hitPct: 85, memoryPctMax: 11.7, evictedPerSecMax: 0, opsPerSecMax: 900 }, network: { bytesInPerSec: 34000, bytesOutPerSec: 4600, minLatencyMs: 0.4 } },
    generator: { limited: false, cpuPct: 25, eventLoopLagMsP99: 2 },
    bottlenecks: [
      {
        rank: "primary",
        kind: "app-cpu",
        component: "app",
        componentLabel: "app CPU",
        symptom: "P95 latency rose with users while app CPU reached 79 % of its core",
        evidence: [
          { what: "app CPU (max)", value: 79, unit: "%", source: "telemetry process.cpu_pct" },
          { what: "P95 at peak", value: 95, unit: "ms", source: "intervals" },
        ],
        limit: "one Node.js process on one core, 79 % busy at 100 users",
        impact: "latency grows linearly beyond ~100 users",
        recommendation: "run one worker per core (cluster) or add instances; CPU per request is the cost to cut",
        score: 0.8,
      },
      {
        rank: "secondary",
        kind: "db-pool",
        component: "database",
        componentLabel: "PostgreSQL connection pool",
        symptom: "pool 70 % busy at peak",
        evidence: [{ what: "pool in use (max)", value: 14, unit: "connections", source: "prometheus muejam_db_pool_in_use" }],
        limit: "pool of 20 connections",
        impact: "would queue requests at about 140 users",
        recommendation: "raise the pool to 30 within the connection budget",
        score: 0.4,
      },
    ],
    notes: store.telemetry.some((l) => !l.ok) ? ["telemetry postgres: 1 of 25 samples failed (timeout after 2000 ms)"] : [],
  };
}

export function fixtureCapacity(): CapacityAnalysis {
  const steps = [10, 25, 50, 100, 150, 200].map((users) => {
    const rps = (0.5 * users) / (1 + 0.02 * (users - 1) + 0.00005 * users * (users - 1));
    return { users, rps, p50Ms: 10 + users * 0.1, p95Ms: 40 + users * 1.5, p99Ms: 80 + users * 3, errorPct: users > 150 ? 1.5 : 0.05, requests: Math.round(rps * 60), durationSec: 60 };
  });
  return {
    model: "closed",
    steps,
    slo: { p95Ms: 500, errorPct: 1 },
    maxUsers: { value: 150, unit: "users", confidence: "medium", reason: "highest step that met the SLO", formula: "max(users of steps meeting the SLO)" },
    maxRps: { value: 14.71, unit: "req/s", confidence: "high", reason: "highest throughput measured within the SLO", formula: "max(rps of steps meeting the SLO)" },
    ceiling: { value: 14.71, unit: "req/s", confidence: "high", reason: "throughput levelled off", formula: "X_max", evidence: "throughput levelled off at 15 req/s", lowerBound: false },
    sloCapacity: { users: 150, rps: 14.71, brokeAtUsers: 200, bracketPct: 33.3, confidence: "medium", reason: "150 users met the SLO; 200 broke it" },
    disturbed: [],
    retested: [],
    breakingPoint: { users: 200, rps: 14.35, limit: "error rate 1.5 % > 1 %", confidence: "medium", reason: "first step that broke the SLO" },
    comfortable: { users: 105, rps: 14.4, fraction: 0.7, confidence: "medium", reason: "70 % of the breaking point (leaves 30 % headroom)" },
    usl: { alpha: 0.02, beta: 0.00005, gamma: 0.5, nMax: 140, xMax: 14.73, rSquared: 0.99, points: 6, residualStdErr: 0.2, iterations: 12, converged: true, warnings: [] },
    degradation: steps.map((s) => ({ users: s.users, rps: s.rps, p95Ms: s.p95Ms, errorPct: s.errorPct, verdict: s.errorPct > 1 ? ("FAIL" as const) : ("PASS" as const), behaviour: s.errorPct > 1 ? "errors" : s.users > 100 ? "latency rising" : "normal" })),
    sustainedVsPeak: [
      { metric: "P95 latency", unit: "ms", sustained: 61, peak: 95, ratio: 1.56 },
      { metric: "Throughput", unit: "req/s", sustained: 22, peak: 50, ratio: 2.27 },
    ],
    confidence: "medium",
    confidenceReason: "six steps; the breaking point was crossed once",
  };
}
