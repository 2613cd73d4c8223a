// What one run store says a request and a user cost: app CPU per request, memory, statements and
// cache commands per request, requests per user, the read share, the pool in use, the cache working
// set. Each figure says how it was measured. Planning turns these into its inputs
// (planning/capacity-from-run.ts); capacity bounds (max / comfortable RPS) need a load search or a
// suite and come from the capacity analysis.
//
// CPU per request is the slope of app CPU (summed over the app's processes, % of one core) against
// RPS over the telemetry samples, when the run's load varied enough to fit a line (a ramp does);
// otherwise the ratio of the means, with no idle share.
import { MUEJAM_METRICS } from "../core/app-metric-names.js";
import { POSTGRES_KEYS, PROCESS_KEYS, REDIS_KEYS } from "../core/telemetry-keys.js";
import type { IntervalLine, Manifest, RunSummary, TelemetryLine } from "../core/types.js";
import { rpsPerMinuteFromIntervals } from "./rps-per-minute.js";
import { telemetrySeries, type Point } from "./telemetry-series.js";

export interface RunData {
  dir: string;
  manifest: Pick<Manifest, "name" | "plan">;
  intervals: IntervalLine[];
  telemetry: TelemetryLine[];
  summary?: Pick<RunSummary, "endpoints" | "peakUsers">;
}

/** A measured figure and how it was measured (unrounded; undefined or NaN when the data had none). */
export interface MeasuredFigure {
  value: number | undefined;
  how: string;
}

/** The figures one run measured, in the order they are reported; a figure the run could not measure is absent. */
export interface RunResources {
  /** RPS averaged over each minute of the run. */
  rpsPerMinute?: number[];
  cpuMsPerRequest?: MeasuredFigure;
  idleCpuCorePct?: MeasuredFigure;
  observedMaxRpsPerInstance?: MeasuredFigure;
  memoryBytesPerInstance?: MeasuredFigure;
  rpsPerActiveUser?: MeasuredFigure;
  /** The most concurrent users of a closed-model run (the users rpsPerActiveUser was measured at). */
  measuredAtUsers?: number;
  readShare?: MeasuredFigure;
  dbQueriesPerRequest?: MeasuredFigure;
  dbConnectionsPeakPerInstance?: MeasuredFigure;
  dbPoolPerInstance?: MeasuredFigure;
  cacheWorkingSetBytes?: MeasuredFigure;
  cacheHitPct?: MeasuredFigure;
  cacheEvictionPct?: MeasuredFigure;
  cacheOpsPerRequest?: MeasuredFigure;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const requestsOf = (l: IntervalLine): number => Object.values(l.endpoints).reduce((s, e) => s + e.requests, 0);

/** A per-second reading paired with the RPS of the window it covers. */
interface RpsPoint {
  rps: number;
  v: number;
}

/** Every series of one Prometheus metric name (keys are `name` or `name{labels}`). */
const promSeries = (name: string) => (k: string) => k === name || k.startsWith(`${name}{`);

/** One point per scrape, summing every key `match` accepts. */
function promSum(lines: readonly TelemetryLine[], match: (key: string) => boolean): Point[] {
  const byTs = new Map<number, Point>();
  for (const l of lines) {
    if (l.source !== "prometheus" || !l.ok) continue;
    let v: number | undefined;
    for (const [k, x] of Object.entries(l.values)) if (match(k) && Number.isFinite(x)) v = (v ?? 0) + x;
    if (v === undefined) continue;
    const s = byTs.get(l.ts);
    if (s) s.v += v;
    else byTs.set(l.ts, { t: l.t, v });
  }
  return [...byTs.values()].sort((a, b) => a.t - b.t);
}

/** Requests per second over [from, to) seconds of the run. */
function rpsBetween(lines: IntervalLine[], from: number, to: number): number | undefined {
  let n = 0;
  let secs = 0;
  for (const l of lines) {
    if (l.t < from || l.t >= to) continue;
    secs++;
    n += requestsOf(l);
  }
  return secs > 0 ? n / secs : undefined;
}

/** Pairs each sample after the first with the RPS over the window since the previous sample. */
function pairWithRps(samples: Point[], intervals: IntervalLine[]): RpsPoint[] {
  const out: RpsPoint[] = [];
  for (let i = 1; i < samples.length; i++) {
    const rps = rpsBetween(intervals, Math.floor(samples[i - 1]!.t), Math.floor(samples[i]!.t));
    if (rps !== undefined) out.push({ rps, v: samples[i]!.v });
  }
  return out;
}

/** Per-request cost of a per-second reading (v per second / RPS), as the ratio of the means over samples with load. */
function perRequest(points: RpsPoint[]): number | undefined {
  const loaded = points.filter((p) => p.rps > 0);
  if (loaded.length === 0) return undefined;
  const r = mean(loaded.map((p) => p.rps));
  return r > 0 ? mean(loaded.map((p) => p.v)) / r : undefined;
}

/** Least-squares line of a reading against RPS, when the load varied enough (CV of RPS >= 0.2) and the slope is positive. */
function fitLine(points: RpsPoint[]): { slope: number; intercept: number } | undefined {
  const xs = points.map((p) => p.rps);
  const mx = mean(xs);
  const sd = Math.sqrt(mean(xs.map((x) => (x - mx) ** 2)));
  if (points.length < 4 || mx <= 0 || sd / mx < 0.2) return undefined;
  const my = mean(points.map((p) => p.v));
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.rps - mx) * (p.v - my);
    sxx += (p.rps - mx) ** 2;
  }
  const slope = sxy / sxx;
  return slope > 0 ? { slope, intercept: my - slope * mx } : undefined;
}

/** CPU per request and idle CPU, the busiest window and memory per instance. */
function appFigures(run: RunData, n: number): RunResources {
  const out: RunResources = {};
  const lines = run.intervals;
  const cpu = pairWithRps(telemetrySeries(run.telemetry, "process", PROCESS_KEYS.cpuPct), lines);
  const fit = fitLine(cpu);
  if (fit) {
    out.cpuMsPerRequest = { value: fit.slope * 10, how: `slope of app CPU (sum of process ${PROCESS_KEYS.cpuPct}) against RPS over ${cpu.length} samples` };
    out.idleCpuCorePct = { value: Math.max(0, fit.intercept), how: "intercept of that line" };
  } else {
    const ratio = perRequest(cpu);
    if (ratio !== undefined) {
      const loaded = cpu.filter((p) => p.rps > 0).length;
      out.cpuMsPerRequest = { value: ratio * 10, how: `mean app CPU / mean RPS over ${loaded} samples (load too steady to fit a line; idle CPU counted in)` };
      out.idleCpuCorePct = { value: 0, how: "not separable from a steady load" };
    }
  }
  // The busiest 5-second window (or second, without telemetry) the run reached.
  const windows = cpu.length > 0 ? cpu.map((p) => p.rps) : lines.map(requestsOf);
  if (windows.length > 0) {
    const how = `${cpu.length > 0 ? "busiest telemetry window" : "busiest second"} of the run / ${n} instance(s)`;
    out.observedMaxRpsPerInstance = { value: Math.max(...windows) / n, how };
  }
  const rss = telemetrySeries(run.telemetry, "process", PROCESS_KEYS.rssBytes);
  if (rss.length > 0) out.memoryBytesPerInstance = { value: Math.max(...rss.map((s) => s.v)) / n, how: `max of summed process ${PROCESS_KEYS.rssBytes} / ${n} instance(s)` };
  return out;
}

/** Requests per active user (the seconds held at the run's most users) and the read share by method. */
function trafficFigures(run: RunData): RunResources {
  const out: RunResources = {};
  const lines = run.intervals;
  const peakUsers = run.summary?.peakUsers ?? lines.reduce((m, l) => Math.max(m, l.users), 0);
  if (peakUsers > 0 && run.manifest.plan.executor === "closed") {
    const held = lines.filter((l) => l.users === peakUsers);
    const use = held.length >= 10 ? held.slice(Math.min(5, held.length - 5)) : lines.filter((l) => l.users > 0);
    const perUser = mean(use.map((l) => requestsOf(l) / l.users));
    out.rpsPerActiveUser = { value: perUser, how: `requests per second per active user over ${use.length} s${held.length >= 10 ? ` held at ${peakUsers} users` : ""}` };
    out.measuredAtUsers = peakUsers;
  }
  const byMethod = new Map<string, number>();
  if (run.summary) for (const e of run.summary.endpoints) byMethod.set(e.method, (byMethod.get(e.method) ?? 0) + e.requests);
  else for (const l of lines) for (const e of Object.values(l.endpoints)) byMethod.set(e.method, (byMethod.get(e.method) ?? 0) + e.requests);
  const total = [...byMethod.values()].reduce((a, b) => a + b, 0);
  if (total > 0) out.readShare = { value: ((byMethod.get("GET") ?? 0) + (byMethod.get("HEAD") ?? 0)) / total, how: `GET and HEAD requests / all ${total} requests` };
  return out;
}

/** Statements per request and the connections held. */
function databaseFigures(run: RunData, n: number): RunResources {
  const out: RunResources = {};
  const tel = run.telemetry;
  // Statements per request: the app's own histogram when scraped (exact), else PostgreSQL's statement rate over RPS.
  const qSum = promSum(tel, promSeries(`${MUEJAM_METRICS.dbQueriesPerRequest}_sum`));
  const qCount = promSum(tel, promSeries(`${MUEJAM_METRICS.dbQueriesPerRequest}_count`));
  const counted = qCount.length > 1 ? qCount[qCount.length - 1]!.v - qCount[0]!.v : 0;
  if (qSum.length > 1 && counted > 0) {
    const how = `prometheus ${MUEJAM_METRICS.dbQueriesPerRequest} (increase of _sum / _count over the run, ${counted} requests)`;
    out.dbQueriesPerRequest = { value: (qSum[qSum.length - 1]!.v - qSum[0]!.v) / counted, how };
  } else {
    const statements = pairWithRps(telemetrySeries(tel, "postgres", POSTGRES_KEYS.queriesPerSec), run.intervals);
    out.dbQueriesPerRequest = { value: perRequest(statements), how: `postgres ${POSTGRES_KEYS.queriesPerSec} / RPS (mean over samples)` };
  }
  // Connections held: what counts against max_connections is every connection a pool keeps open,
  // idle or not. The app's own gauge (primary pool) when scraped, else what PostgreSQL saw.
  const primary = (name: string) => (k: string) => promSeries(name)(k) && !k.includes('pool="replica"');
  const poolOpen = promSum(tel, primary(MUEJAM_METRICS.dbPoolTotal));
  if (poolOpen.length > 0) {
    const how = `max of prometheus ${MUEJAM_METRICS.dbPoolTotal} (open connections of the primary pool) / ${n} instance(s)`;
    out.dbConnectionsPeakPerInstance = { value: Math.max(...poolOpen.map((s) => s.v)) / n, how };
    const max = promSum(tel, primary(MUEJAM_METRICS.dbPoolMax));
    if (max.length > 0) out.dbPoolPerInstance = { value: Math.max(...max.map((s) => s.v)) / n, how: `prometheus ${MUEJAM_METRICS.dbPoolMax} (primary pool)` };
  } else {
    const all = telemetrySeries(tel, "postgres", POSTGRES_KEYS.connections);
    const how = `max of postgres ${POSTGRES_KEYS.connections} (every client of the server, the telemetry's own connection included) / ${n} instance(s)`;
    if (all.length > 0) out.dbConnectionsPeakPerInstance = { value: Math.max(...all.map((s) => s.v)) / n, how };
  }
  return out;
}

/** The cache's working set, hit rate, evictions and commands per request. */
function cacheFigures(run: RunData): RunResources {
  const out: RunResources = {};
  const redis = (key: string) => telemetrySeries(run.telemetry, "redis", key);
  const used = redis(REDIS_KEYS.usedMemoryBytes);
  if (used.length > 0) out.cacheWorkingSetBytes = { value: Math.max(...used.map((s) => s.v)), how: `max redis ${REDIS_KEYS.usedMemoryBytes}` };
  const hits = redis(REDIS_KEYS.hitsPerSec).reduce((a, s) => a + s.v, 0);
  const misses = redis(REDIS_KEYS.missesPerSec).reduce((a, s) => a + s.v, 0);
  if (hits + misses > 0) out.cacheHitPct = { value: (hits / (hits + misses)) * 100, how: `redis ${REDIS_KEYS.hitsPerSec} / (hits + misses), over the samples` };
  const evictionPct = redis(REDIS_KEYS.evictionPct);
  const evicted = redis(REDIS_KEYS.evictedPerSec);
  if (evictionPct.length > 0) out.cacheEvictionPct = { value: mean(evictionPct.map((s) => s.v)), how: `mean redis ${REDIS_KEYS.evictionPct}` };
  else if (evicted.length > 0 && evicted.every((s) => s.v === 0)) out.cacheEvictionPct = { value: 0, how: `redis ${REDIS_KEYS.evictedPerSec} was 0 in every sample` };
  const ops = pairWithRps(redis(REDIS_KEYS.opsPerSec), run.intervals);
  out.cacheOpsPerRequest = { value: perRequest(ops), how: `redis ${REDIS_KEYS.opsPerSec} / RPS (mean over samples)` };
  return out;
}

/** Every figure one run measured; `measuredInstances` app instances served it (per-instance figures divide by it). */
export function measureRunResources(run: RunData, measuredInstances = 1): RunResources {
  const rpsPerMinute = run.intervals.length > 0 ? { rpsPerMinute: rpsPerMinuteFromIntervals(run.intervals) } : {};
  return {
    ...rpsPerMinute,
    ...appFigures(run, measuredInstances),
    ...trafficFigures(run),
    ...databaseFigures(run, measuredInstances),
    ...cacheFigures(run),
  };
}
