// The application's own Prometheus metrics, found by name: the MueJam API's names
// (apps/backend/src/metrics.ts) first, then the common names other Node/pg apps expose, so the
// same analysis reads any target that publishes a pool, cache and request-duration histogram.
import { findPromName, promCounterIncrease, promGauge, type LabelFilter, type Point, type PromScrape } from "./telemetry-series.js";

/** Candidate names per reading, most specific first. */
export const APP_METRIC_CANDIDATES = {
  poolTotal: ["muejam_db_pool_total_connections", /^[a-z0-9_]*(db|pg|database)_pool_(total|size)(_connections)?$/],
  poolIdle: ["muejam_db_pool_idle_connections", /^[a-z0-9_]*(db|pg|database)_pool_idle(_connections)?$/],
  poolWaiting: ["muejam_db_pool_waiting_clients", /^[a-z0-9_]*(db|pg|database)_pool_waiting(_clients|_requests)?$/],
  poolMax: ["muejam_db_pool_max_connections", /^[a-z0-9_]*(db|pg|database)_pool_max(_connections)?$/],
  cacheHits: ["muejam_cache_hits_total", /^[a-z0-9_]*cache_hits?_total$/],
  cacheMisses: ["muejam_cache_misses_total", /^[a-z0-9_]*cache_miss(es)?_total$/],
  // Histograms: named by their base; looked up through the <base>_sum series.
  requestDuration: ["muejam_http_request_duration_seconds", "http_request_duration_seconds", /^[a-z0-9_]*request_duration_seconds$/],
  queriesPerRequest: ["muejam_db_queries_per_request", /^[a-z0-9_]*queries_per_request$/],
  poolAcquire: ["muejam_db_pool_acquire_seconds", /^[a-z0-9_]*(db|pg|database)_pool_acquire(_duration)?_seconds$/],
  queryDuration: ["muejam_db_query_duration_seconds", /^[a-z0-9_]*(db|pg|database)_query_duration_seconds$/],
  eventLoopLagP99: ["nodejs_eventloop_lag_p99_seconds", /eventloop_lag_p99_seconds$/],
  eventLoopLag: ["nodejs_eventloop_lag_seconds", /eventloop_lag_seconds$/],
  cpuSeconds: ["process_cpu_seconds_total"],
  rssBytes: ["process_resident_memory_bytes"],
  rateLimited: ["muejam_rate_limited_requests_total", /^[a-z0-9_]*rate_limited(_requests)?_total$/],
} as const satisfies Record<string, readonly (string | RegExp)[]>;

export type AppReading = keyof typeof APP_METRIC_CANDIDATES;

export function appMetricName(scrapes: readonly PromScrape[], reading: AppReading): string | undefined {
  return findPromName(scrapes, APP_METRIC_CANDIDATES[reading]);
}

/** A gauge reading of the app (summed over its label sets, e.g. several pools), with the name used. */
export function appGauge(scrapes: readonly PromScrape[], reading: AppReading, filter?: LabelFilter): { name: string; points: Point[] } | undefined {
  const name = appMetricName(scrapes, reading);
  if (!name) return undefined;
  const points = promGauge(scrapes, name, filter);
  return points.length > 0 ? { name, points } : undefined;
}

/** Pool in use (total − idle), waiting clients and size per scrape. */
export interface PoolSeries {
  inUse: Point[];
  waiting: Point[];
  /** The pool's configured maximum (gauge), when exposed. */
  max?: number;
  names: string[];
}

export function appPoolSeries(scrapes: readonly PromScrape[]): PoolSeries | undefined {
  const total = appGauge(scrapes, "poolTotal");
  const idle = appGauge(scrapes, "poolIdle");
  const waiting = appGauge(scrapes, "poolWaiting");
  const max = appGauge(scrapes, "poolMax");
  if (!total && !waiting) return undefined;
  const idleAt = new Map((idle?.points ?? []).map((p) => [p.t, p.v]));
  const inUse = (total?.points ?? []).map((p) => ({ t: p.t, v: Math.max(0, p.v - (idleAt.get(p.t) ?? 0)) }));
  const names = [total?.name, idle?.name, waiting?.name, max?.name].filter((n): n is string => !!n);
  const series: PoolSeries = { inUse, waiting: waiting?.points ?? [], names };
  if (max && max.points.length > 0) series.max = Math.max(...max.points.map((p) => p.v));
  return series;
}

/** Cache hits and misses counted by the app over the run (total, and by the first grouping label found). */
export function appCacheCounts(scrapes: readonly PromScrape[]): { hits: number; misses: number; source: string } | undefined {
  const hitName = appMetricName(scrapes, "cacheHits");
  const missName = appMetricName(scrapes, "cacheMisses");
  if (!hitName || !missName) return undefined;
  const hits = [...promCounterIncrease(scrapes, hitName).values()].reduce((a, b) => a + b, 0);
  const misses = [...promCounterIncrease(scrapes, missName).values()].reduce((a, b) => a + b, 0);
  return { hits, misses, source: `prometheus ${hitName} / ${missName} (increase over the run)` };
}

/** Δ_sum / Δ_count of a histogram over the run, by the value of `label`. */
function histogramMeanByLabel(scrapes: readonly PromScrape[], reading: "requestDuration" | "queriesPerRequest" | "poolAcquire" | "queryDuration", label: string): { byValue: Map<string, { count: number; mean: number }>; base: string } | undefined {
  // A histogram is exposed as <base>_bucket/_sum/_count: look the candidates up by their _sum series.
  const sumCandidates = APP_METRIC_CANDIDATES[reading].map((c) => (typeof c === "string" ? `${c}_sum` : new RegExp(c.source.replace(/\$$/, "_sum$"))));
  const sumName = findPromName(scrapes, sumCandidates);
  if (!sumName) return undefined;
  const base = sumName.replace(/_sum$/, "");
  const sums = promCounterIncrease(scrapes, `${base}_sum`, undefined, label);
  const counts = promCounterIncrease(scrapes, `${base}_count`, undefined, label);
  const byValue = new Map<string, { count: number; mean: number }>();
  for (const [value, count] of counts) {
    if (value === "" || count <= 0) continue;
    byValue.set(value, { count, mean: (sums.get(value) ?? 0) / count });
  }
  return byValue.size > 0 ? { byValue, base } : undefined;
}

/** Δ_sum / Δ_count over every label value: the histogram's overall mean and count. */
function overallMean(h: { byValue: Map<string, { count: number; mean: number }> }): { count: number; mean: number } {
  let count = 0;
  let sum = 0;
  for (const v of h.byValue.values()) {
    count += v.count;
    sum += v.mean * v.count;
  }
  return { count, mean: count > 0 ? sum / count : 0 };
}

/**
 * Time spent waiting to check a connection out of the pool against the statements' own time, over
 * the run: the pool is the limit when requests wait longer for a connection than they use it. Sums
 * every wait, where sampling the waiting-clients gauge sees only the instants of its samples.
 */
export function appPoolWait(scrapes: readonly PromScrape[]): { checkouts: number; acquireMeanMs: number; queryMeanMs?: number; source: string } | undefined {
  const acquire = histogramMeanByLabel(scrapes, "poolAcquire", "pool");
  if (!acquire) return undefined;
  const a = overallMean(acquire);
  if (a.count <= 0) return undefined;
  const query = histogramMeanByLabel(scrapes, "queryDuration", "kind");
  const q = query ? overallMean(query) : undefined;
  return {
    checkouts: a.count,
    acquireMeanMs: a.mean * 1000,
    ...(q && q.count > 0 ? { queryMeanMs: q.mean * 1000 } : {}),
    source: `prometheus ${acquire.base}${query ? ` / ${query.base}` : ""} (_sum/_count increase over the run)`,
  };
}

/** Mean request duration (ms) by the value of `label` (e.g. cache=hit|miss), from the histogram's _sum and _count. */
export function appDurationByLabel(
  scrapes: readonly PromScrape[],
  label: string,
): { byValue: Map<string, { count: number; meanMs: number }>; source: string } | undefined {
  const h = histogramMeanByLabel(scrapes, "requestDuration", label);
  if (!h) return undefined;
  const byValue = new Map([...h.byValue].map(([k, v]) => [k, { count: v.count, meanMs: v.mean * 1000 }]));
  return { byValue, source: `prometheus ${h.base} (_sum/_count increase by ${label})` };
}

/** Mean database queries per request, by route (the N+1 signature is a high count on one route). */
export function appQueriesPerRequest(
  scrapes: readonly PromScrape[],
): { byRoute: Map<string, { count: number; mean: number }>; overall: number; source: string } | undefined {
  const h = histogramMeanByLabel(scrapes, "queriesPerRequest", "route");
  if (!h) return undefined;
  let n = 0;
  let q = 0;
  for (const v of h.byValue.values()) {
    n += v.count;
    q += v.mean * v.count;
  }
  return { byRoute: h.byValue, overall: n > 0 ? q / n : 0, source: `prometheus ${h.base} (_sum/_count increase by route)` };
}

/** Event-loop lag of the app in ms (p99 when exposed, else the sampled lag). */
export function appEventLoopLagMs(scrapes: readonly PromScrape[]): { name: string; points: Point[] } | undefined {
  const g = appGauge(scrapes, "eventLoopLagP99") ?? appGauge(scrapes, "eventLoopLag");
  if (!g) return undefined;
  return { name: g.name, points: g.points.map((p) => ({ t: p.t, v: p.v * 1000 })) };
}
