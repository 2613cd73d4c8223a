// The MueJam API's Prometheus metric names that analysis, planning, the alert rules and the dashboard use.
// The source of truth is apps/backend/src/metrics.ts (METRIC); headroom keeps its own copy so the
// tool does not depend on the reference app, and a test checks the two agree.
export const MUEJAM_METRICS = {
  /** Histogram (seconds), labels route, method, status, cache. */
  httpRequestDuration: "muejam_http_request_duration_seconds",
  /** Histogram, label route: statements one request ran. */
  dbQueriesPerRequest: "muejam_db_queries_per_request",
  /** Gauges, label pool (primary | replica). */
  dbPoolMax: "muejam_db_pool_max_connections",
  dbPoolTotal: "muejam_db_pool_total_connections",
  dbPoolIdle: "muejam_db_pool_idle_connections",
  dbPoolWaiting: "muejam_db_pool_waiting_clients",
  /** Counters, label family. */
  cacheHits: "muejam_cache_hits_total",
  cacheMisses: "muejam_cache_misses_total",
  /** Counter, label group: requests answered 429. */
  rateLimited: "muejam_rate_limited_requests_total",
  /** prom-client defaults, per process (summed across cluster workers). */
  processCpu: "process_cpu_seconds_total",
  processResidentMemory: "process_resident_memory_bytes",
  eventLoopLagP99: "nodejs_eventloop_lag_p99_seconds",
} as const;

export type MuejamMetric = keyof typeof MUEJAM_METRICS;
