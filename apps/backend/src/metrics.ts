// The Prometheus metrics the API exposes on /metrics. The names are a contract with headroom's
// telemetry and analysis: import them from here, never retype them.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CacheFamily } from "./cache/cache-aside.js";
import type { PoolStats, QueryTiming } from "./db/database.js";
import type { BreakerState } from "./redis/redis-guard.js";

export const METRIC = {
  /** Histogram (seconds), labels route (the route template, e.g. /api/stories/:slug), method, status, cache (hit | miss | none). */
  httpRequestDuration: "muejam_http_request_duration_seconds",
  /** Histogram, label route: queries one request ran (N+1 shows as a high count on one route). */
  dbQueriesPerRequest: "muejam_db_queries_per_request",
  /** Histogram (seconds), labels kind (read | write), outcome (ok | error): a statement on its connection, as seen from the app. */
  dbQueryDuration: "muejam_db_query_duration_seconds",
  /** Histogram (seconds), label pool: waiting to check a connection out of the pool (pool pressure). */
  dbPoolAcquire: "muejam_db_pool_acquire_seconds",
  /** Gauges, label pool (primary | replica): configured size, open connections, idle ones, requests waiting for one. */
  dbPoolMax: "muejam_db_pool_max_connections",
  dbPoolTotal: "muejam_db_pool_total_connections",
  dbPoolIdle: "muejam_db_pool_idle_connections",
  dbPoolWaiting: "muejam_db_pool_waiting_clients",
  /** Counters, label family (trending | story | profile). */
  cacheHits: "muejam_cache_hits_total",
  cacheMisses: "muejam_cache_misses_total",
  /** Counter, label family: the cache store could not answer (read through / invalidation lost). */
  cacheErrors: "muejam_cache_errors_total",
  /** Counter, label group (user | anon-read | anon-write | submission): requests answered 429. */
  rateLimited: "muejam_rate_limited_requests_total",
  /** Counter: requests let through because the limiter's store (Redis) could not answer. */
  rateLimiterFailOpen: "muejam_rate_limiter_fail_open_total",
  /** Counter: session look-ups that failed (Redis down); the signed token alone authenticated. */
  sessionStoreErrors: "muejam_session_store_errors_total",
  /** Gauge: 1 while the Redis circuit breaker is open or half-open (summed across cluster workers: how many are open). Only with Redis. */
  redisBreakerOpen: "muejam_redis_breaker_open",
  /** Counter, label to (open | half-open | closed): the breaker's transitions. */
  redisBreakerTransitions: "muejam_redis_breaker_transitions_total",
  /** Counter: Redis commands refused by the open breaker without being sent. */
  redisBreakerRejected: "muejam_redis_breaker_rejected_total",
  /** Gauge: cache keys whose invalidation waits for Redis to come back (replayed when the breaker closes). */
  cacheInvalidationsPending: "muejam_cache_invalidations_pending",
  /** Gauge = 1, labels version, cache (redis | in-process), lab_faults (comma list or "none"), pool_size. */
  appInfo: "muejam_app_info",
  /** Lab faults' own bookkeeping, so a diagnosis can be checked against the truth. */
  labLeakedBytes: "muejam_lab_leaked_bytes",
  labCpuBurnSeconds: "muejam_lab_cpu_burned_seconds",
  // prom-client default metrics (per process; summed or averaged across cluster workers):
  /** Gauge (seconds): event-loop lag sampled at scrape; nodejs_eventloop_lag_{mean,p50,p90,p99,max}_seconds summarise the delay histogram. */
  eventLoopLag: "nodejs_eventloop_lag_seconds",
  eventLoopLagP99: "nodejs_eventloop_lag_p99_seconds",
  processCpu: "process_cpu_seconds_total",
  processResidentMemory: "process_resident_memory_bytes",
  heapUsed: "nodejs_heap_size_used_bytes",
} as const;

export type CacheLabel = "hit" | "miss" | "none";

export interface AppMetrics {
  registry: Registry;
  observeRequest(labels: { route: string; method: string; status: number; cache: CacheLabel }, durationSec: number, queries: number): void;
  observeQuery(timing: QueryTiming): void;
  cacheHit(family: CacheFamily): void;
  cacheMiss(family: CacheFamily): void;
  cacheError(family: CacheFamily): void;
  rateLimited(group: string): void;
  limiterFailOpen(): void;
  sessionStoreError(): void;
  redisBreakerTransition(to: BreakerState): void;
  redisBreakerRejected(): void;
}

export interface MetricsSources {
  poolStats(): PoolStats[];
  labLeakedBytes?(): number;
  labCpuBurnSeconds?(): number;
  /** With Redis: the circuit breaker's state and the invalidations waiting for it. */
  redisBreaker?: { state(): BreakerState; pendingInvalidations(): number };
  info: { version: string; cache: string; labFaults: string; poolSize: number };
}

const LATENCY_BUCKETS_SEC = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

export function createMetrics(sources: MetricsSources): AppMetrics {
  // One registry per app, so several apps in one process (tests) do not collide.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];

  const requestDuration = new Histogram({
    name: METRIC.httpRequestDuration,
    help: "HTTP request duration in seconds, by route template, method, status and cache outcome",
    labelNames: ["route", "method", "status", "cache"] as const,
    buckets: LATENCY_BUCKETS_SEC,
    registers,
  });
  const queriesPerRequest = new Histogram({
    name: METRIC.dbQueriesPerRequest,
    help: "Database queries run by one request, by route template",
    labelNames: ["route"] as const,
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55],
    registers,
  });
  const queryDuration = new Histogram({
    name: METRIC.dbQueryDuration,
    help: "Database statement duration in seconds as seen by the app, on a connection already checked out",
    labelNames: ["kind", "outcome"] as const,
    buckets: LATENCY_BUCKETS_SEC,
    registers,
  });
  const acquireDuration = new Histogram({
    name: METRIC.dbPoolAcquire,
    help: "Seconds spent waiting to check a connection out of the pool",
    labelNames: ["pool"] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number): Gauge<"pool"> =>
    new Gauge({
      name,
      help,
      labelNames: ["pool"] as const,
      registers,
      collect() {
        for (const s of sources.poolStats()) this.set({ pool: s.pool }, pick(s));
      },
    });
  poolGauge(METRIC.dbPoolMax, "Configured maximum connections of the pool", (s) => s.max);
  poolGauge(METRIC.dbPoolTotal, "Open connections in the pool (idle + in use)", (s) => s.total);
  poolGauge(METRIC.dbPoolIdle, "Idle connections in the pool", (s) => s.idle);
  poolGauge(METRIC.dbPoolWaiting, "Queries waiting for a pooled connection", (s) => s.waiting);
  const cacheHits = new Counter({ name: METRIC.cacheHits, help: "Cache hits by key family", labelNames: ["family"] as const, registers });
  const cacheMisses = new Counter({ name: METRIC.cacheMisses, help: "Cache misses by key family", labelNames: ["family"] as const, registers });
  const cacheErrors = new Counter({ name: METRIC.cacheErrors, help: "Cache store failures by key family", labelNames: ["family"] as const, registers });
  const rateLimited = new Counter({ name: METRIC.rateLimited, help: "Requests refused with 429, by limit group", labelNames: ["group"] as const, registers });
  const failOpen = new Counter({ name: METRIC.rateLimiterFailOpen, help: "Requests allowed because the rate-limit store could not answer", registers });
  const sessionErrors = new Counter({ name: METRIC.sessionStoreErrors, help: "Session look-ups that failed; the token alone authenticated", registers });
  const info = new Gauge({ name: METRIC.appInfo, help: "The running API's configuration", labelNames: ["version", "cache", "lab_faults", "pool_size"] as const, registers });
  info.set({ version: sources.info.version, cache: sources.info.cache, lab_faults: sources.info.labFaults, pool_size: String(sources.info.poolSize) }, 1);
  if (sources.labLeakedBytes) {
    const read = sources.labLeakedBytes;
    new Gauge({ name: METRIC.labLeakedBytes, help: "Bytes retained by the leak lab fault", registers, collect() {
      this.set(read());
    } });
  }
  if (sources.labCpuBurnSeconds) {
    const read = sources.labCpuBurnSeconds;
    new Gauge({ name: METRIC.labCpuBurnSeconds, help: "CPU seconds spent so far by the cpu-burn lab fault", registers, collect() {
      this.set(read());
    } });
  }
  let breakerTransitions: Counter<"to"> | undefined;
  let breakerRejected: Counter | undefined;
  if (sources.redisBreaker) {
    const breaker = sources.redisBreaker;
    new Gauge({ name: METRIC.redisBreakerOpen, help: "1 while the Redis circuit breaker is open or half-open (Redis commands refused at once)", registers, collect() {
      this.set(breaker.state() === "closed" ? 0 : 1);
    } });
    new Gauge({ name: METRIC.cacheInvalidationsPending, help: "Cache keys whose invalidation waits for Redis to come back", registers, collect() {
      this.set(breaker.pendingInvalidations());
    } });
    breakerTransitions = new Counter({ name: METRIC.redisBreakerTransitions, help: "Transitions of the Redis circuit breaker, by the state entered", labelNames: ["to"] as const, registers });
    breakerRejected = new Counter({ name: METRIC.redisBreakerRejected, help: "Redis commands refused by the open circuit breaker without being sent", registers });
    for (const to of ["open", "half-open", "closed"] as const) breakerTransitions.inc({ to }, 0);
    breakerRejected.inc(0);
  }
  // Pre-create the zero series, so a scrape shows every family and group before the first event.
  for (const family of ["trending", "story", "profile"] as const) {
    cacheHits.inc({ family }, 0);
    cacheMisses.inc({ family }, 0);
  }
  failOpen.inc(0);

  return {
    registry,
    observeRequest(labels, durationSec, queries) {
      requestDuration.observe({ route: labels.route, method: labels.method, status: String(labels.status), cache: labels.cache }, durationSec);
      queriesPerRequest.observe({ route: labels.route }, queries);
    },
    observeQuery(t) {
      acquireDuration.observe({ pool: t.pool }, t.acquireSec);
      if (t.querySec !== undefined) queryDuration.observe({ kind: t.kind, outcome: t.failed ? "error" : "ok" }, t.querySec);
    },
    cacheHit: (family) => cacheHits.inc({ family }),
    cacheMiss: (family) => cacheMisses.inc({ family }),
    cacheError: (family) => cacheErrors.inc({ family }),
    rateLimited: (group) => rateLimited.inc({ group }),
    limiterFailOpen: () => failOpen.inc(),
    sessionStoreError: () => sessionErrors.inc(),
    redisBreakerTransition: (to) => breakerTransitions?.inc({ to }),
    redisBreakerRejected: () => breakerRejected?.inc(),
  };
}
