// Every reading the analysis of one run looks at, gathered once from its run store: the
// telemetry series (PostgreSQL, Redis, processes, host, the app's Prometheus metrics), the
// generator's own readings, the steady window, and the summary rebuilt from the intervals.
import type { RunStore } from "../store/run-store.js";
import { HOST_KEYS, POSTGRES_KEYS, PROCESS_KEYS, REDIS_KEYS } from "../core/telemetry-keys.js";
import type { IntervalLine, LoadLevel, RunSummary } from "../core/types.js";
import { appEventLoopLagMs, appPoolSeries, type PoolSeries } from "./app-metrics.js";
import { summarizeIntervals } from "../metrics/summary.js";
import { promCounterRate, promGauge, promScrapes, telemetrySeries, within, type Combine, type Point, type PromScrape } from "./telemetry-series.js";
import type { Component } from "./types.js";
import { steadyLines, windowStats, type WindowStats } from "./windows.js";

export interface Series {
  points: Point[];
  source: string;
}

export interface ReadingSpec {
  id: string;
  component: Component;
  label: string;
  unit: string;
  /** Shown in the resource table as "not measured" when absent (the seed's resource rows). */
  required?: boolean;
}

interface TelemetryReading extends ReadingSpec {
  from: { source: string; key: string; combine?: Combine };
}

const TELEMETRY_READINGS: TelemetryReading[] = [
  { id: "app.cpuPct", component: "app", label: "App CPU (busiest process, % of one core)", unit: "%", required: true, from: { source: "process", key: PROCESS_KEYS.cpuPct, combine: "max" } },
  { id: "app.rssBytes", component: "app", label: "App memory (RSS, all processes)", unit: "bytes", required: true, from: { source: "process", key: PROCESS_KEYS.rssBytes, combine: "sum" } },
  { id: "app.fds", component: "app", label: "App open file descriptors", unit: "fds", from: { source: "process", key: PROCESS_KEYS.fds, combine: "sum" } },
  { id: "db.connections", component: "database", label: "DB connections", unit: "connections", required: true, from: { source: "postgres", key: POSTGRES_KEYS.connections } },
  { id: "db.connectionsPct", component: "database", label: "DB connections (% of max_connections)", unit: "%", from: { source: "postgres", key: POSTGRES_KEYS.connectionsPct } },
  { id: "db.maxConnections", component: "database", label: "DB max_connections", unit: "connections", from: { source: "postgres", key: POSTGRES_KEYS.maxConnections } },
  { id: "db.active", component: "database", label: "DB connections active", unit: "connections", from: { source: "postgres", key: POSTGRES_KEYS.active } },
  { id: "db.idleInTx", component: "database", label: "DB connections idle in transaction", unit: "connections", from: { source: "postgres", key: POSTGRES_KEYS.idleInTx } },
  { id: "db.meanQueryMs", component: "database", label: "Query latency (mean)", unit: "ms", required: true, from: { source: "postgres", key: POSTGRES_KEYS.meanQueryMs } },
  { id: "db.queriesPerSec", component: "database", label: "Queries per second", unit: "q/s", from: { source: "postgres", key: POSTGRES_KEYS.queriesPerSec } },
  { id: "db.lockWaits", component: "database", label: "Lock waits", unit: "backends", required: true, from: { source: "postgres", key: POSTGRES_KEYS.lockWaits } },
  { id: "db.slowQueries", component: "database", label: "Slow queries (> 1 s)", unit: "queries", required: true, from: { source: "postgres", key: POSTGRES_KEYS.slowQueries } },
  { id: "db.xactPerSec", component: "database", label: "Transactions per second", unit: "tx/s", from: { source: "postgres", key: POSTGRES_KEYS.xactPerSec } },
  { id: "db.blksHitPct", component: "database", label: "DB buffer cache hit ratio", unit: "%", from: { source: "postgres", key: POSTGRES_KEYS.cacheHitPct } },
  { id: "db.longestActiveMs", component: "database", label: "Longest active query", unit: "ms", from: { source: "postgres", key: POSTGRES_KEYS.longestActiveMs } },
  { id: "db.deadlocksPerSec", component: "database", label: "Deadlocks per second", unit: "/s", from: { source: "postgres", key: POSTGRES_KEYS.deadlocks } },
  { id: "cache.usedMemoryBytes", component: "cache", label: "Cache memory (used)", unit: "bytes", required: true, from: { source: "redis", key: REDIS_KEYS.usedMemoryBytes } },
  { id: "cache.memoryPct", component: "cache", label: "Cache memory (% of maxmemory)", unit: "%", from: { source: "redis", key: REDIS_KEYS.memoryPct } },
  { id: "cache.hitPct", component: "cache", label: "Cache hit rate (Redis keyspace)", unit: "%", required: true, from: { source: "redis", key: REDIS_KEYS.hitPct } },
  { id: "cache.opsPerSec", component: "cache", label: "Cache commands per second", unit: "ops/s", required: true, from: { source: "redis", key: REDIS_KEYS.opsPerSec } },
  { id: "cache.evictedPerSec", component: "cache", label: "Cache evictions per second", unit: "keys/s", required: true, from: { source: "redis", key: REDIS_KEYS.evictedPerSec } },
  { id: "cache.evictionPct", component: "cache", label: "Cache evictions (% of writes)", unit: "%", from: { source: "redis", key: REDIS_KEYS.evictionPct } },
  { id: "cache.hitsPerSec", component: "cache", label: "Cache hits per second", unit: "/s", from: { source: "redis", key: REDIS_KEYS.hitsPerSec } },
  { id: "cache.missesPerSec", component: "cache", label: "Cache misses per second", unit: "/s", from: { source: "redis", key: REDIS_KEYS.missesPerSec } },
  { id: "cache.clients", component: "cache", label: "Cache clients", unit: "clients", from: { source: "redis", key: REDIS_KEYS.clients } },
  { id: "host.cpuPct", component: "host", label: "Host CPU (all cores)", unit: "%", from: { source: "host", key: HOST_KEYS.cpuPct } },
  { id: "host.memUsedPct", component: "host", label: "Host memory used", unit: "%", from: { source: "host", key: HOST_KEYS.memUsedPct } },
  { id: "host.diskUsedPct", component: "host", label: "Disk used", unit: "%", from: { source: "host", key: HOST_KEYS.diskUsedPct } },
  { id: "host.netRxBytesPerSec", component: "network", label: "Network received", unit: "bytes/s", from: { source: "host", key: HOST_KEYS.netRxBytesPerSec } },
  { id: "host.netTxBytesPerSec", component: "network", label: "Network sent", unit: "bytes/s", from: { source: "host", key: HOST_KEYS.netTxBytesPerSec } },
  { id: "host.load1", component: "host", label: "Load average (1 min)", unit: "", from: { source: "host", key: HOST_KEYS.load1 } },
  { id: "host.listenOverflowsPerSec", component: "network", label: "Listen queue overflows (connections turned away)", unit: "/s", from: { source: "host", key: HOST_KEYS.listenOverflowsPerSec } },
  { id: "host.listenDropsPerSec", component: "network", label: "Listen drops (SYNs dropped at a listener)", unit: "/s", from: { source: "host", key: HOST_KEYS.listenDropsPerSec } },
  { id: "host.tcpTimeoutsPerSec", component: "network", label: "TCP retransmission timeouts", unit: "/s", from: { source: "host", key: HOST_KEYS.tcpTimeoutsPerSec } },
];

/** Readings computed from other readings or from the app's Prometheus metrics. */
export const DERIVED_READINGS: ReadingSpec[] = [
  { id: "app.memoryPct", component: "app", label: "App memory (% of limit)", unit: "%" },
  { id: "app.eventLoopLagMs", component: "app", label: "App event-loop lag", unit: "ms" },
  { id: "app.poolInUse", component: "database", label: "App DB pool in use", unit: "connections" },
  { id: "app.poolWaiting", component: "database", label: "App DB pool waiting clients", unit: "clients" },
  { id: "app.poolUtilPct", component: "database", label: "App DB pool utilisation", unit: "%" },
  { id: "generator.cpuPct", component: "generator", label: "Generator CPU (% of one core)", unit: "%" },
  { id: "generator.eventLoopLagMs", component: "generator", label: "Generator event-loop lag (p99)", unit: "ms" },
  { id: "generator.rssBytes", component: "generator", label: "Generator memory (RSS)", unit: "bytes" },
];

export const READING_SPECS: ReadingSpec[] = [...TELEMETRY_READINGS, ...DERIVED_READINGS];

export interface RunSignals {
  intervals: IntervalLine[];
  summary: RunSummary;
  level: LoadLevel;
  /** Seconds covered: [fromSec, toSec). */
  fromSec: number;
  toSec: number;
  steady: WindowStats & { lines: IntervalLine[] };
  scrapes: PromScrape[];
  readings: Map<string, Series>;
  pool?: PoolSeries;
  /** The memory the app's RSS is a share of (opts, else the host's total). */
  appMemoryLimitBytes?: number;
  /** Distinct app processes sampled. */
  appProcesses: number;
  /** The generator's worker threads (its CPU is a share of these many cores). */
  workers: number;
}

export interface SignalOptions {
  level?: LoadLevel;
  appMemoryLimitBytes?: number;
}

export function gatherSignals(store: RunStore, opts: SignalOptions = {}): RunSignals {
  const intervals = store.intervals;
  const summary = intervals.length > 0 || !store.summary ? summarizeIntervals(intervals, store.manifest, store.dir) : store.summary;
  const fromSec = intervals[0]?.t ?? 0;
  const toSec = intervals.length > 0 ? intervals[intervals.length - 1]!.t + 1 : 0;
  // Samples taken while load ran, with one second of slack for the collector's own timing.
  const during = (points: Point[]): Point[] => (intervals.length > 0 ? within(points, fromSec - 1, toSec + 1) : points);
  const readings = new Map<string, Series>();
  const put = (id: string, points: Point[], source: string): void => {
    const p = during(points);
    if (p.length > 0) readings.set(id, { points: p, source });
  };
  for (const r of TELEMETRY_READINGS) put(r.id, telemetrySeries(store.telemetry, r.from.source, r.from.key, r.from.combine), `telemetry ${r.from.source}.${r.from.key}`);

  const scrapes = promScrapes(store.telemetry);
  if (!readings.has("app.cpuPct")) {
    const cpu = promCounterRate(scrapes, "process_cpu_seconds_total");
    put("app.cpuPct", cpu.map((p) => ({ t: p.t, v: p.v * 100 })), "prometheus rate(process_cpu_seconds_total)");
  }
  if (!readings.has("app.rssBytes")) put("app.rssBytes", promGauge(scrapes, "process_resident_memory_bytes"), "prometheus process_resident_memory_bytes");
  const hostTotal = telemetrySeries(store.telemetry, "host", HOST_KEYS.memTotalBytes);
  const appMemoryLimitBytes = opts.appMemoryLimitBytes ?? (hostTotal.length > 0 ? hostTotal[hostTotal.length - 1]!.v : undefined);
  const rss = readings.get("app.rssBytes");
  if (rss && appMemoryLimitBytes) {
    put("app.memoryPct", rss.points.map((p) => ({ t: p.t, v: (p.v / appMemoryLimitBytes) * 100 })), `${rss.source} / ${opts.appMemoryLimitBytes ? "the given memory limit" : "host mem_total_bytes"}`);
  }
  const lag = appEventLoopLagMs(scrapes);
  if (lag) put("app.eventLoopLagMs", lag.points, `prometheus ${lag.name}`);
  const pool = appPoolSeries(scrapes);
  if (pool) {
    const src = `prometheus ${pool.names.join(", ")}`;
    put("app.poolInUse", pool.inUse, src);
    put("app.poolWaiting", pool.waiting, src);
    if (pool.max) put("app.poolUtilPct", pool.inUse.map((p) => ({ t: p.t, v: (p.v / pool.max!) * 100 })), src);
  }
  put("generator.cpuPct", intervals.map((l) => ({ t: l.t, v: l.generator.cpuPct })), "intervals generator.cpuPct");
  put("generator.eventLoopLagMs", intervals.map((l) => ({ t: l.t, v: l.generator.eventLoopLagMsP99 })), "intervals generator.eventLoopLagMsP99");
  put("generator.rssBytes", intervals.map((l) => ({ t: l.t, v: l.generator.rssBytes })), "intervals generator.rssBytes");

  const steady = steadyLines(intervals);
  const pids = new Set(store.telemetry.filter((l) => l.source === "process" && l.ok).map((l) => l.labels?.pid ?? "?"));
  const signals: RunSignals = {
    intervals,
    summary,
    level: opts.level ?? store.manifest.loadLevel ?? "normal",
    fromSec,
    toSec,
    steady: { ...windowStats(steady), lines: steady },
    scrapes,
    readings,
    appProcesses: pids.size,
    workers: store.manifest.plan.workers ?? 1,
  };
  if (pool) signals.pool = pool;
  if (appMemoryLimitBytes) signals.appMemoryLimitBytes = appMemoryLimitBytes;
  return signals;
}

/** The points of a reading inside the steady window (all points when the window holds too few). */
export function steadyPoints(s: RunSignals, id: string, minPoints = 1): Point[] {
  const r = s.readings.get(id);
  if (!r) return [];
  const from = s.steady.startSec;
  const to = s.steady.endSec;
  const inside = within(r.points, from, to);
  return inside.length >= minPoints ? inside : r.points;
}
