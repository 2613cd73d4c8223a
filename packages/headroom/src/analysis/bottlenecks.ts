// Bottleneck attribution: rules over one run's signals, each naming a component with the
// numbers that convict it (and where they came from), the limit reached, the impact and what to
// do. Each rule scores 0..1 how strongly its evidence says it limited the run:
//   >= 0.5   a bottleneck: ranked primary, secondary, tertiary by score
//   < 0.5    a minor observation (worth a line, not a rank)
// Rules fire on saturation evidence only (waiting clients, a core at its limit, a significant
// leak trend...), so a healthy run gets no primary. When a cause and its symptoms both fire (N+1
// queries keep the pool busy and the CPU hot), the symptoms are discounted below the cause.
import type { TelemetryLine } from "../core/types.js";
import type { Targets } from "../plan/targets.js";
import { appPoolWait, appQueriesPerRequest } from "./app-metrics.js";
import { steadyPoints, type RunSignals } from "./run-signals.js";
import { GENERATOR_CPU_LIMIT_PCT, GENERATOR_LAG_LIMIT_MS } from "../metrics/summary.js";
import { mean, round } from "./stats.js";
import type { Bottleneck, BottleneckKind, CacheEffectiveness, Evidence, LeakVerdict, PoolStability } from "./types.js";

export interface BottleneckInputs {
  signals: RunSignals;
  telemetry: readonly TelemetryLine[];
  targets: Targets;
  leaks: readonly LeakVerdict[];
  pool: PoolStability;
  cache: CacheEffectiveness;
  /** Network link capacity, bytes/s, when known (the network rule needs it to call a link saturated). */
  linkBytesPerSec?: number;
}

type Finding = Omit<Bottleneck, "rank">;

const clamp01 = (v: number): number => Math.max(0, Math.min(1, v));
const fmt = (v: number, digits = 1): string => String(round(v, digits));

/**
 * Kinds that cause the load on other components; the kinds they make look busy. (A saturated
 * generator causes nothing on the server: what the server shows beside it stands on its own.)
 */
const CAUSES: BottleneckKind[] = ["db-queries", "db-slow-queries", "db-locks", "cache", "app-memory", "connection-leak"];
const SYMPTOMS: BottleneckKind[] = ["db-pool", "app-cpu", "event-loop", "db-connections"];
const SYMPTOM_DISCOUNT = 0.8;

function steadyMean(s: RunSignals, id: string): number | undefined {
  const pts = steadyPoints(s, id);
  return pts.length > 0 ? mean(pts.map((p) => p.v)) : undefined;
}

function maxOf(s: RunSignals, id: string): number | undefined {
  const r = s.readings.get(id);
  return r ? Math.max(...r.points.map((p) => p.v)) : undefined;
}

function slowestEndpoint(s: RunSignals): Evidence | undefined {
  const e = [...s.summary.endpoints].filter((x) => x.requests > 0).sort((a, b) => b.latencyMs.p95 - a.latencyMs.p95)[0];
  return e ? { what: `slowest endpoint (p95): ${e.name}`, value: e.latencyMs.p95, unit: "ms", source: "intervals (merged histogram)" } : undefined;
}

/**
 * The pool is the limit when a checkout waits on average at least POOL_WAIT_MIN_MS and at least
 * POOL_WAIT_MIN_RATIO of the statement it then runs. A pool with room answers in microseconds: on
 * the lab's seven faults a free pool's checkouts averaged 0.004-0.11 ms (0.3 % of the statement or
 * less), the tiny pool's 1.9 ms (1.3x the statement).
 */
const POOL_WAIT_MIN_MS = 0.5;
const POOL_WAIT_MIN_RATIO = 0.25;

function dbPool(i: BottleneckInputs): Finding | undefined {
  const { pool } = i;
  const waitShare = (pool.waitingSamplePct ?? 0) / 100;
  const avgUtil = pool.avgUtilPct ?? 0;
  const maxUtil = pool.maxUtilPct ?? 0;
  // Every wait summed by the app's acquire histogram: bursts of waiting that the gauge's samples miss still count.
  const wait = appPoolWait(i.signals.scrapes);
  const waitRatio = wait?.queryMeanMs !== undefined && wait.queryMeanMs > 0 ? wait.acquireMeanMs / wait.queryMeanMs : undefined;
  const waitsDominate = wait !== undefined && waitRatio !== undefined && wait.acquireMeanMs >= POOL_WAIT_MIN_MS && waitRatio >= POOL_WAIT_MIN_RATIO;
  let score = 0;
  if (waitShare >= 0.1) score = 0.55 + 0.45 * clamp01(waitShare / 0.5);
  else if (avgUtil >= 90) score = 0.5;
  else if (maxUtil >= 95 || (pool.maxWaiting ?? 0) > 0) score = 0.3;
  if (waitsDominate) score = Math.max(score, 0.55 + 0.45 * clamp01(waitRatio / 2));
  if (score === 0) return undefined;
  const evidence: Evidence[] = [];
  if (wait) evidence.push({ what: "mean wait for a connection / mean statement", value: `${round(wait.acquireMeanMs, 3)} / ${wait.queryMeanMs !== undefined ? round(wait.queryMeanMs, 3) : "?"}`, unit: "ms", source: `${wait.source}, ${wait.checkouts} checkouts` });
  if (pool.size !== undefined) evidence.push({ what: "pool size", value: pool.size, unit: "connections", source: pool.source });
  if (pool.maxInUse !== undefined) evidence.push({ what: "connections in use (max)", value: pool.maxInUse, source: pool.source });
  if (pool.avgUtilPct !== undefined) evidence.push({ what: "pool utilisation (mean / max)", value: `${pool.avgUtilPct} / ${pool.maxUtilPct}`, unit: "%", source: pool.source });
  if (pool.maxWaiting !== undefined) evidence.push({ what: "clients waiting for a connection (max)", value: pool.maxWaiting, source: pool.source });
  if (pool.waitingSamplePct !== undefined) evidence.push({ what: "samples with clients waiting", value: pool.waitingSamplePct, unit: "%", source: pool.source });
  const q = steadyMean(i.signals, "db.meanQueryMs");
  if (q !== undefined) evidence.push({ what: "mean query time (server side)", value: round(q, 2), unit: "ms", source: i.signals.readings.get("db.meanQueryMs")!.source });
  return {
    kind: "db-pool",
    component: "database",
    componentLabel: "PostgreSQL connection pool",
    symptom: `requests waited for a database connection in ${pool.waitingSamplePct ?? 0}% of samples${waitsDominate ? `, ${round(wait.acquireMeanMs, 2)} ms per checkout on average (${round(waitRatio, 1)}x the statement's own ${round(wait.queryMeanMs!, 2)} ms)` : ""}${pool.size !== undefined ? ` (pool of ${pool.size})` : ""}`,
    evidence,
    limit: `pool of ${pool.size ?? "?"} connections${pool.maxUtilPct !== undefined ? `, up to ${pool.maxUtilPct}% in use` : ""}, up to ${pool.maxWaiting ?? 0} clients waiting`,
    impact: `requests queue for a connection before their queries run, so latency grows with load${q !== undefined ? ` while each query takes only ${fmt(q, 2)} ms on the server` : ""}`,
    recommendation: "raise the pool size per instance (keep instances x pool within max_connections minus a reserve), or put pgbouncer in transaction mode in front of PostgreSQL; look for long transactions holding connections",
    score,
  };
}

function dbQueries(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const qpr = appQueriesPerRequest(s.scrapes);
  const qps = steadyMean(s, "db.queriesPerSec");
  const rps = s.steady.rps;
  // Queries per request: the app's own histogram when exposed (exact, per route), else the server's queries/s over the client's requests/s.
  const perRequest = qpr ? qpr.overall : qps !== undefined && rps > 0 ? qps / rps : undefined;
  // N+1 is a per-route pattern: the worst route that carries a real share (5 %) of the requests.
  const total = qpr ? [...qpr.byRoute.values()].reduce((a, r) => a + r.count, 0) : 0;
  const worst = qpr ? [...qpr.byRoute.entries()].filter(([, r]) => r.count >= 0.05 * total).sort((a, b) => b[1].mean - a[1].mean)[0] : undefined;
  const signature = worst ? worst[1].mean : perRequest;
  const meanQ = steadyMean(s, "db.meanQueryMs");
  const bound = i.targets.levels[s.level].queryLatencyMs?.target;
  // Statements over 1 s explain a high mean by themselves: that is the slow-query rule's finding.
  const slowExplains = slowStatements(i.telemetry).length > 0;
  let score = 0;
  const evidence: Evidence[] = [];
  let symptom = "";
  let recommendation = "";
  if (signature !== undefined && signature >= 5) {
    // Ten or more queries for one request is a defect in the code whatever else is slow: it ranks high.
    score = Math.max(score, 0.7 + 0.25 * clamp01((signature - 5) / 5));
    if (perRequest !== undefined) evidence.push({ what: "database queries per request (mean over all requests)", value: round(perRequest, 2), source: qpr?.source ?? "telemetry postgres.queries_per_sec / client requests per second" });
    if (worst) evidence.push({ what: `queries per request on ${worst[0]} (${worst[1].count} requests)`, value: round(worst[1].mean, 2), source: qpr!.source });
    symptom = worst ? `${fmt(worst[1].mean)} queries per request on ${worst[0]} (${fmt(perRequest ?? 0)} over all requests): the N+1 pattern` : `${fmt(signature)} database queries per request`;
    recommendation = `fetch related rows in one query (a JOIN, or WHERE id = ANY($1)) instead of one query per row${worst ? ` in the handler of ${worst[0]}` : ""}`;
  }
  if (meanQ !== undefined && bound !== undefined && meanQ > bound && !slowExplains) {
    score = Math.max(score, 0.5 + 0.5 * clamp01(meanQ / bound - 1));
    symptom ||= `mean query time ${fmt(meanQ, 2)} ms, above the ${bound} ms target`;
    recommendation ||= "EXPLAIN ANALYZE the heaviest statements (pg_stat_statements by total time) and add the indexes they need";
  }
  if (score === 0) return undefined;
  if (meanQ !== undefined) evidence.push({ what: "mean query time (server side)", value: round(meanQ, 2), unit: "ms", source: s.readings.get("db.meanQueryMs")!.source });
  if (qps !== undefined) evidence.push({ what: "queries per second (steady window)", value: round(qps, 1), source: s.readings.get("db.queriesPerSec")!.source });
  const slow = slowestEndpoint(s);
  if (slow) evidence.push(slow);
  return {
    kind: "db-queries",
    component: "database",
    componentLabel: "database queries",
    symptom,
    evidence,
    limit: signature !== undefined && signature >= 5 ? `${fmt(signature)} queries per request${worst ? ` on ${worst[0]}` : ""}` : `mean query time ${fmt(meanQ ?? 0, 2)} ms (target < ${bound} ms)`,
    impact: "every request waits on many (or slow) round trips to PostgreSQL: latency and database load grow with each row served",
    recommendation,
    score,
  };
}

interface SlowStatement {
  query: string;
  calls: number;
  meanMs: number;
}

/** A statement is slow from this mean execution time on (the seed's "slow queries (> 1 s)"). */
export const SLOW_QUERY_MS = 1000;

/** The statements over 1 s the postgres collector listed (label slow_statements, which holds the top statements by mean time), merged by text. */
export function slowStatements(telemetry: readonly TelemetryLine[]): SlowStatement[] {
  const by = new Map<string, SlowStatement>();
  for (const l of telemetry) {
    if (l.source !== "postgres" || !l.ok || !l.labels?.slow_statements) continue;
    let list: unknown;
    try {
      list = JSON.parse(l.labels.slow_statements);
    } catch {
      continue;
    }
    if (!Array.isArray(list)) continue;
    for (const raw of list as Partial<SlowStatement>[]) {
      if (typeof raw?.query !== "string" || typeof raw.meanMs !== "number" || raw.meanMs < SLOW_QUERY_MS) continue;
      const cur = by.get(raw.query) ?? { query: raw.query, calls: 0, meanMs: 0 };
      cur.calls += typeof raw.calls === "number" ? raw.calls : 1;
      cur.meanMs = Math.max(cur.meanMs, raw.meanMs);
      by.set(raw.query, cur);
    }
  }
  return [...by.values()].sort((a, b) => b.meanMs * b.calls - a.meanMs * a.calls);
}

function dbSlowQueries(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const slow = s.readings.get("db.slowQueries");
  const count = slow ? slow.points.reduce((a, p) => a + p.v, 0) : 0;
  const statements = slowStatements(i.telemetry);
  if (count === 0 && statements.length === 0) return undefined;
  const minutes = Math.max(1 / 60, (s.toSec - s.fromSec) / 60);
  const perMin = count / minutes;
  const top = statements[0];
  const evidence: Evidence[] = [{ what: "slow queries (> 1 s) during the run", value: count, source: slow?.source ?? "telemetry postgres.slow_queries" }];
  const meanQ = steadyMean(s, "db.meanQueryMs");
  if (meanQ !== undefined) evidence.push({ what: "mean query time (server side)", value: round(meanQ, 2), unit: "ms", source: s.readings.get("db.meanQueryMs")!.source });
  for (const st of statements.slice(0, 3)) evidence.push({ what: `slow statement (${st.calls} calls, mean ${fmt(st.meanMs, 0)} ms)`, value: st.query.slice(0, 2000), source: "telemetry postgres label slow_statements" });
  return {
    kind: "db-slow-queries",
    component: "database",
    componentLabel: "slow queries",
    symptom: `${count} statements ran longer than 1 s${top ? `; slowest: ${top.query.slice(0, 120)}` : ""}`,
    evidence,
    limit: top ? `statement mean ${fmt(top.meanMs, 0)} ms` : `${count} queries over 1 s`,
    impact: "each slow statement holds a pooled connection for its whole duration, starving the other requests of connections",
    recommendation: top ? `EXPLAIN ANALYZE "${top.query.slice(0, 80)}${top.query.length > 80 ? "..." : ""}" and add the index it needs or rewrite it` : "enable pg_stat_statements to name the statements, then EXPLAIN ANALYZE them",
    score: count > 0 ? 0.5 + 0.45 * clamp01(perMin / 10) : 0.3,
  };
}

function dbLocks(i: BottleneckInputs): Finding | undefined {
  const r = i.signals.readings.get("db.lockWaits");
  if (!r) return undefined;
  const v = r.points.map((p) => p.v);
  const share = v.filter((x) => x > 0).length / v.length;
  const max = Math.max(...v);
  if (max === 0) return undefined;
  return {
    kind: "db-locks",
    component: "database",
    componentLabel: "PostgreSQL locks",
    symptom: `backends waited on locks in ${fmt(share * 100)}% of samples (up to ${max} at once)`,
    evidence: [
      { what: "backends waiting on a lock (max)", value: max, source: r.source },
      { what: "samples with lock waits", value: round(share * 100, 1), unit: "%", source: r.source },
    ],
    limit: `${max} backends waiting on locks`,
    impact: "writes serialise on the same rows: their latency grows with concurrency, and the connections they hold are unavailable",
    recommendation: "shorten the transactions that update the contended rows, update in a consistent order, or move hot counters out of the row (e.g. into Redis)",
    score: share >= 0.1 ? 0.5 + 0.5 * clamp01(share) : 0.3,
  };
}

function dbConnections(i: BottleneckInputs): Finding | undefined {
  const pct = maxOf(i.signals, "db.connectionsPct");
  if (pct === undefined || pct < 80) return undefined;
  const conn = maxOf(i.signals, "db.connections");
  const maxConn = maxOf(i.signals, "db.maxConnections");
  return {
    kind: "db-connections",
    component: "database",
    componentLabel: "PostgreSQL max_connections",
    symptom: `${conn ?? "?"} of ${maxConn ?? "?"} server connections in use (${fmt(pct)}%)`,
    evidence: [{ what: "connections (% of max_connections, max)", value: round(pct, 1), unit: "%", source: i.signals.readings.get("db.connectionsPct")!.source }],
    limit: `max_connections ${maxConn ?? "?"}`,
    impact: "new connections are refused once the server is full: another app instance cannot connect",
    recommendation: "pool connections in front of PostgreSQL (pgbouncer, transaction mode) or lower the per-instance pool; raise max_connections only with the memory for it",
    score: 0.5 + 0.5 * clamp01((pct - 80) / 20),
  };
}

/** Event-loop lag (mean of the sampled p99 over the steady window) from which a busy app process is saturated. */
export const LAG_SATURATED_MS = 100;

function appCpu(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const cpu = steadyMean(s, "app.cpuPct");
  if (cpu === undefined) return undefined;
  const lagPts = steadyPoints(s, "app.eventLoopLagMs");
  const lag = lagPts.length > 0 ? mean(lagPts.map((p) => p.v)) : undefined;
  const hostCpu = steadyMean(s, "host.cpuPct");
  // On a shared host a saturated Node process may get less than a core: its event loop then
  // lags behind while its CPU reads below 100 %. Lag with real CPU use is the same limit.
  const starved = lag !== undefined && lag >= LAG_SATURATED_MS && cpu >= 40;
  if (cpu < 70 && !starved) return undefined;
  const evidence: Evidence[] = [{ what: "app CPU, busiest process (mean over the steady window)", value: round(cpu, 1), unit: "% of one core", source: s.readings.get("app.cpuPct")!.source }];
  if (lag !== undefined) evidence.push({ what: "event-loop lag p99 (mean over the steady window)", value: round(lag, 1), unit: "ms", source: s.readings.get("app.eventLoopLagMs")!.source });
  if (hostCpu !== undefined) evidence.push({ what: "host CPU (mean over the steady window)", value: round(hostCpu, 1), unit: "% of all cores", source: s.readings.get("host.cpuPct")!.source });
  if (s.appProcesses > 0) evidence.push({ what: "app processes sampled", value: s.appProcesses, source: "telemetry process" });
  evidence.push({ what: "throughput (steady window)", value: round(s.steady.rps, 1), unit: "req/s", source: "intervals" });
  let score = cpu >= 85 ? 0.55 + 0.45 * clamp01((cpu - 85) / 15) : 0.35;
  if (starved) score = Math.max(score, 0.55 + 0.45 * clamp01((lag - LAG_SATURATED_MS) / 400));
  const hostBusy = hostCpu !== undefined && hostCpu >= 90 ? ` on a host whose cores were ${fmt(hostCpu)}% busy` : "";
  return {
    kind: "app-cpu",
    component: "app",
    componentLabel: "app CPU",
    symptom: starved && cpu < 85 ? `the app's event loop lagged ${fmt(lag!)} ms (p99, mean) while its busiest process used ${fmt(cpu)}% of a core${hostBusy}: CPU-bound work saturates it` : `the busiest app process used ${fmt(cpu)}% of a core during the steady load`,
    evidence,
    limit: `one core per Node.js process (${fmt(cpu)}% used${lag !== undefined ? `, event-loop lag ${fmt(lag)} ms` : ""})`,
    impact: "requests queue on the event loop: latency rises with load and throughput stops growing",
    recommendation: "add app instances (more processes or hosts behind the load balancer); profile the hot path (node --cpu-prof) for work to remove or move off the event loop",
    score,
  };
}

function eventLoop(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const lagPts = steadyPoints(s, "app.eventLoopLagMs");
  if (lagPts.length === 0) return undefined;
  const avg = mean(lagPts.map((p) => p.v));
  const max = Math.max(...lagPts.map((p) => p.v));
  if (max < 100 && avg < 50) return undefined;
  return {
    kind: "event-loop",
    component: "app",
    componentLabel: "app event loop",
    symptom: `event-loop lag up to ${fmt(max)} ms (mean ${fmt(avg)} ms)`,
    evidence: [{ what: "event-loop lag (mean / max over the steady window)", value: `${fmt(avg)} / ${fmt(max)}`, unit: "ms", source: s.readings.get("app.eventLoopLagMs")!.source }],
    limit: `${fmt(max)} ms of event-loop delay`,
    impact: "every request on that process waits behind the blocking work, whatever its own cost",
    recommendation: "find the synchronous work blocking the loop (large JSON, crypto, regex) and move it to a worker thread or make it incremental",
    score: avg >= 50 ? 0.5 + 0.5 * clamp01(avg / 500) : 0.35,
  };
}

function appMemory(i: BottleneckInputs): Finding | undefined {
  const leak = i.leaks.find((l) => l.metric === "app.memory");
  const memPct = maxOf(i.signals, "app.memoryPct");
  const leaking = leak?.verdict === "leak";
  const high = memPct !== undefined && memPct >= 80;
  if (!leaking && !high && leak?.verdict !== "growing") return undefined;
  const evidence: Evidence[] = [];
  if (leak?.trend) {
    evidence.push({ what: "RSS growth (least-squares slope)", value: round((leak.trend.slopePerMin * 60) / 1048576, 1), unit: "MiB/h", source: leak.source });
    evidence.push({ what: "slope t statistic (p-value)", value: `${fmt(leak.trend.tStat, 2)} (${leak.trend.pValue.toExponential(1)})`, source: "least squares over the steady window" });
    evidence.push({ what: "Mann-Kendall Z (p-value)", value: `${fmt(leak.trend.mannKendall.z, 2)} (${leak.trend.mannKendall.pValue.toExponential(1)})`, source: "Mann-Kendall over the steady window" });
    if (leak.first !== undefined && leak.last !== undefined) evidence.push({ what: "RSS first / last sample", value: `${fmt(leak.first / 1048576)} / ${fmt(leak.last / 1048576)}`, unit: "MiB", source: leak.source });
  }
  if (memPct !== undefined) evidence.push({ what: "app memory (% of limit, max)", value: round(memPct, 1), unit: "%", source: i.signals.readings.get("app.memoryPct")!.source });
  return {
    kind: "app-memory",
    component: "app",
    componentLabel: "app memory",
    symptom: leaking ? "app memory grows steadily under constant load (a leak)" : high ? `app memory reached ${fmt(memPct!)}% of its limit` : "app memory grows slowly under constant load",
    evidence,
    limit: (leaking || !high) && leak?.trend ? `+${fmt((leak.trend.slopePerMin * 60) / 1048576)} MiB per hour${leaking ? " until the process runs out of memory" : ""}` : `${fmt(memPct ?? 0)}% of the memory limit`,
    impact: leaking
      ? "the process will be killed or slowed by garbage collection after hours of traffic; restarts hide it"
      : high
        ? "little room for traffic growth before memory runs out"
        : `none in the tested range${memPct !== undefined ? ` (${fmt(memPct)}% of the memory limit)` : ""}: slow growth over a short run is often warm-up (heap, caches filling), not yet a leak`,
    recommendation: leaking
      ? "take two heap snapshots minutes apart under load (node --inspect, or heapdump) and diff the retained objects; look for caches and arrays without bounds"
      : high
        ? "raise the instance memory or lower per-request allocation"
        : "watch the trend over a longer sustained run (headroom plan --full holds 30 minutes); act only if it keeps growing",
    score: leaking ? 0.85 : high ? 0.5 + 0.5 * clamp01((memPct! - 80) / 20) : 0.2,
  };
}

function connectionLeak(i: BottleneckInputs): Finding | undefined {
  const leak = i.leaks.find((l) => (l.metric === "db.connections" || l.metric === "db.idleInTx") && l.verdict === "leak");
  if (!leak?.trend) return undefined;
  return {
    kind: "connection-leak",
    component: "database",
    componentLabel: "database connections",
    symptom: `${leak.label} keep rising under constant load`,
    evidence: [
      { what: `${leak.label} growth`, value: round(leak.trend.slopePerMin * 60, 1), unit: "per hour", source: leak.source },
      { what: "first / last sample", value: `${leak.first} / ${leak.last}`, source: leak.source },
      { what: "slope t (p), Mann-Kendall Z (p)", value: `${fmt(leak.trend.tStat, 2)} (${leak.trend.pValue.toExponential(1)}), ${fmt(leak.trend.mannKendall.z, 2)} (${leak.trend.mannKendall.pValue.toExponential(1)})`, source: "trend tests over the steady window" },
    ],
    limit: "the pool (or max_connections) will be exhausted",
    impact: "once every connection is held, requests wait for connections that are never returned",
    recommendation: "release every checked-out client on every path (try/finally around client.release()), and close transactions on errors",
    score: 0.85,
  };
}

function cacheRule(i: BottleneckInputs): Finding | undefined {
  const c = i.cache;
  const bound = i.targets.levels[i.signals.level].cacheHitPct?.target;
  if (c.hitPct === undefined || bound === undefined || c.hitPct >= bound) return undefined;
  const evidence: Evidence[] = [{ what: "cache hit rate", value: c.hitPct, unit: "%", source: c.source }];
  if (c.hits !== undefined && c.misses !== undefined) evidence.push({ what: "hits / misses", value: `${c.hits} / ${c.misses}`, source: c.source });
  if (c.hitLatencyMs !== undefined && c.missLatencyMs !== undefined) evidence.push({ what: "mean latency of hits / misses", value: `${c.hitLatencyMs} / ${c.missLatencyMs}`, unit: "ms", source: c.latencySource ?? c.source });
  if (c.maxEvictedPerSec !== undefined) evidence.push({ what: "evictions per second (max)", value: c.maxEvictedPerSec, source: "telemetry redis.evicted_keys_per_sec" });
  return {
    kind: "cache",
    component: "cache",
    // Redis when its telemetry was sampled; otherwise the app's own counters (an in-process cache, or Redis not watched).
    componentLabel: [...i.signals.readings.values()].some((r) => r.source.includes("redis")) ? "cache (Redis)" : "cache",
    symptom: `cache hit rate ${c.hitPct}% (target > ${bound}%)`,
    evidence,
    limit: `${c.hitPct}% of lookups served from the cache`,
    impact: `${fmt(100 - c.hitPct)}% of cacheable reads go to PostgreSQL${c.hitLatencyMs !== undefined && c.missLatencyMs !== undefined ? `, each costing ${fmt(c.missLatencyMs - c.hitLatencyMs, 2)} ms more than a hit` : ""}`,
    recommendation: c.hitPct < 5 ? "the cache is not serving reads: check that caching is enabled and reachable, and that reads are cached after a miss (cache-aside)" : "lengthen the TTLs of hot keys, cache the hot reads that miss, and check that writes invalidate rather than flush",
    score: 0.5 + 0.5 * clamp01((bound - c.hitPct) / bound),
  };
}

function cacheEvictions(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const pct = maxOf(s, "cache.evictionPct");
  const perSec = maxOf(s, "cache.evictedPerSec");
  const mem = maxOf(s, "cache.memoryPct");
  if (!((pct !== undefined && pct >= 1) || ((perSec ?? 0) > 0 && (mem ?? 0) >= 90))) return undefined;
  const evidence: Evidence[] = [];
  if (perSec !== undefined) evidence.push({ what: "evictions per second (max)", value: round(perSec, 2), source: s.readings.get("cache.evictedPerSec")!.source });
  if (pct !== undefined) evidence.push({ what: "evictions (% of writes, max)", value: round(pct, 2), unit: "%", source: s.readings.get("cache.evictionPct")!.source });
  if (mem !== undefined) evidence.push({ what: "cache memory (% of maxmemory, max)", value: round(mem, 1), unit: "%", source: s.readings.get("cache.memoryPct")!.source });
  return {
    kind: "cache-evictions",
    component: "cache",
    componentLabel: "cache memory",
    symptom: `Redis evicted keys${pct !== undefined ? ` (${fmt(pct, 2)}% of writes)` : ""} at ${fmt(mem ?? 0)}% of its memory`,
    evidence,
    limit: "maxmemory reached: the working set does not fit",
    impact: "hot keys are evicted and re-read from PostgreSQL",
    recommendation: "raise Redis maxmemory to the working set (keep evictions under 1 % of writes), or shorten TTLs of cold keys",
    score: 0.5 + 0.5 * clamp01(((pct ?? 1) - 1) / 9),
  };
}

function network(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const total = s.summary.requests.total;
  const connErrors = (s.summary.errors.reset ?? 0) + (s.summary.errors.refused ?? 0);
  const share = total > 0 ? connErrors / total : 0;
  const rx = maxOf(s, "host.netRxBytesPerSec");
  const tx = maxOf(s, "host.netTxBytesPerSec");
  const util = i.linkBytesPerSec && (rx !== undefined || tx !== undefined) ? Math.max(rx ?? 0, tx ?? 0) / i.linkBytesPerSec : undefined;
  if (share < 0.01 && (util === undefined || util < 0.8)) return undefined;
  const evidence: Evidence[] = [];
  if (connErrors > 0) evidence.push({ what: "connection resets and refusals", value: connErrors, source: "intervals (error classes reset, refused)" });
  if (rx !== undefined) evidence.push({ what: "network received (max)", value: round(rx, 0), unit: "bytes/s", source: s.readings.get("host.netRxBytesPerSec")!.source });
  if (tx !== undefined) evidence.push({ what: "network sent (max)", value: round(tx, 0), unit: "bytes/s", source: s.readings.get("host.netTxBytesPerSec")!.source });
  if (util !== undefined) evidence.push({ what: "link utilisation (max)", value: round(util * 100, 1), unit: "%", source: `against the given link of ${i.linkBytesPerSec} bytes/s` });
  return {
    kind: "network",
    component: "network",
    componentLabel: "network and connection handling",
    symptom: share >= 0.01 ? `${fmt(share * 100, 2)}% of requests failed at the connection (reset or refused)` : `the link ran at ${fmt(util! * 100)}% of its capacity`,
    evidence,
    limit: share >= 0.01 ? "the server's (or load balancer's) connection capacity: accept backlog, file descriptors, keep-alive limits" : `${i.linkBytesPerSec} bytes/s link`,
    impact: "clients see failures that never reach the application",
    recommendation: share >= 0.01 ? "raise the listen backlog and file-descriptor limits, enable keep-alive, and check the load balancer's connection limits" : "compress responses or add bandwidth",
    score: Math.max(share >= 0.01 ? 0.5 + 0.5 * clamp01(share / 0.1) : 0, util !== undefined && util >= 0.8 ? 0.5 + 0.5 * clamp01((util - 0.8) / 0.2) : 0),
  };
}

function generator(i: BottleneckInputs): Finding | undefined {
  const g = i.signals.summary.generator;
  if (!g.limited) return undefined;
  const lines = i.signals.intervals;
  const workers = Math.max(1, i.signals.workers);
  const hot = lines.filter((l) => l.generator.cpuPct / workers >= GENERATOR_CPU_LIMIT_PCT || l.generator.eventLoopLagMsP99 >= GENERATOR_LAG_LIMIT_MS).length;
  const share = lines.length > 0 ? hot / lines.length : 0;
  return {
    kind: "generator",
    component: "generator",
    componentLabel: "the load generator",
    symptom: g.reason ?? "the load generator was saturated",
    evidence: [
      { what: "generator CPU (mean)", value: g.cpuPct, unit: "% of one core", source: "intervals generator.cpuPct" },
      { what: "generator event-loop lag p99 (max)", value: g.eventLoopLagMsP99, unit: "ms", source: "intervals generator.eventLoopLagMsP99" },
    ],
    limit: "the generator's CPU or event loop, not the target",
    impact: "the measured latency and throughput describe the generator's limit: the target may have more capacity than measured",
    recommendation: "run with more --workers, on a separate machine from the target, or across hosts",
    // Saturated in a tenth of the seconds: weak; in half of them: strong. Still below a platform
    // limit measured on the server side, which holds whatever the generator did.
    score: 0.5 + 0.4 * clamp01((share - 0.1) / 0.4),
  };
}

const RULES = [generator, dbQueries, dbSlowQueries, dbLocks, cacheRule, cacheEvictions, appMemory, connectionLeak, dbPool, dbConnections, appCpu, eventLoop, network];

export function findBottlenecks(inputs: BottleneckInputs): Bottleneck[] {
  const findings = RULES.map((r) => r(inputs)).filter((f): f is Finding => f !== undefined);
  // Blocking work shows as both CPU and lag: report it once, as CPU, when the CPU is the reason.
  const cpu = findings.find((f) => f.kind === "app-cpu" && f.score >= 0.5);
  const withoutLag = cpu ? findings.filter((f) => f.kind !== "event-loop") : findings;
  const cause = withoutLag.filter((f) => CAUSES.includes(f.kind) && f.score >= 0.5).sort((a, b) => b.score - a.score)[0];
  for (const f of withoutLag) {
    if (cause && SYMPTOMS.includes(f.kind) && f.score >= 0.5) {
      f.score = round(Math.min(f.score, cause.score) * SYMPTOM_DISCOUNT, 3);
      f.impact += ` (likely a consequence of ${cause.componentLabel}: ${cause.symptom})`;
    }
    f.score = round(f.score, 3);
  }
  const ranked = withoutLag.sort((a, b) => b.score - a.score);
  const ranks: Bottleneck["rank"][] = ["primary", "secondary", "tertiary"];
  let next = 0;
  return ranked.map((f) => ({ rank: f.score >= 0.5 && next < 3 ? ranks[next++]! : "minor", ...f }));
}
