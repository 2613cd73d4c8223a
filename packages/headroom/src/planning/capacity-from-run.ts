// Planning's inputs measured from one run store: what one request costs (app CPU, database
// statements, cache commands), what one user asks for, the read share, the pool in use, the cache
// working set. Each figure names its source. Capacity bounds (max / comfortable RPS) need a load
// search or a suite and come from the analysis (capacity-from-analysis.ts).
//
// CPU per request is the slope of app CPU (summed over the app's processes, % of one core) against
// RPS over the telemetry samples, when the run's load varied enough to fit a line (a ramp does);
// otherwise the ratio of the means, with no idle share.
import { POSTGRES_KEYS, PROCESS_KEYS, REDIS_KEYS } from "../core/telemetry-keys.js";
import type { IntervalLine, Manifest, RunSummary, TelemetryLine } from "../core/types.js";
import { MUEJAM_METRICS } from "./app-metric-names.js";
import { round } from "./figure.js";
import { rpsPerMinuteFromIntervals } from "./traffic-curve.js";
import type { CapacityInputs } from "./types.js";

export interface RunData {
  dir: string;
  manifest: Pick<Manifest, "name" | "plan">;
  intervals: IntervalLine[];
  telemetry: TelemetryLine[];
  summary?: Pick<RunSummary, "endpoints" | "peakUsers">;
}

interface Sample {
  t: number;
  v: number;
}

/** One point per sample time (lines of one sample share `ts`), summing the per-process lines. */
function series(lines: TelemetryLine[], source: string, key: string, match?: (name: string) => boolean): Sample[] {
  const byTs = new Map<number, Sample>();
  for (const l of lines) {
    if (l.source !== source || !l.ok) continue;
    let v: number | undefined;
    if (match) {
      for (const [k, x] of Object.entries(l.values)) if (match(k) && Number.isFinite(x)) v = (v ?? 0) + x;
    } else v = l.values[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    const s = byTs.get(l.ts);
    if (s) s.v += v;
    else byTs.set(l.ts, { t: l.t, v });
  }
  return [...byTs.values()].sort((a, b) => a.t - b.t);
}

/** Every series of one Prometheus metric name (keys are `name` or `name{labels}`). */
const promSeries = (name: string) => (k: string) => k === name || k.startsWith(`${name}{`);

/** Requests per second over [from, to) seconds of the run. */
function rpsBetween(lines: IntervalLine[], from: number, to: number): number | undefined {
  let n = 0;
  let secs = 0;
  for (const l of lines) {
    if (l.t < from || l.t >= to) continue;
    secs++;
    for (const e of Object.values(l.endpoints)) n += e.requests;
  }
  return secs > 0 ? n / secs : undefined;
}

/** Pairs each sample after the first with the RPS over the window since the previous sample. */
function pairWithRps(samples: Sample[], intervals: IntervalLine[]): { rps: number; v: number }[] {
  const out: { rps: number; v: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const rps = rpsBetween(intervals, Math.floor(samples[i - 1]!.t), Math.floor(samples[i]!.t));
    if (rps !== undefined) out.push({ rps, v: samples[i]!.v });
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function fitLine(points: { rps: number; v: number }[]): { slope: number; intercept: number } | undefined {
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

/** Per-request cost of a per-second reading (v per second / RPS), as the ratio of the means over samples with load. */
function perRequest(points: { rps: number; v: number }[]): number | undefined {
  const loaded = points.filter((p) => p.rps > 0);
  if (loaded.length === 0) return undefined;
  const r = mean(loaded.map((p) => p.rps));
  return r > 0 ? mean(loaded.map((p) => p.v)) / r : undefined;
}

export function capacityFromRun(run: RunData, opts: { measuredInstances?: number } = {}): CapacityInputs {
  const n = opts.measuredInstances ?? 1;
  const src = (what: string): string => `run ${run.dir} (${run.manifest.name}): ${what}`;
  const out: CapacityInputs = { source: `run ${run.dir} (${run.manifest.name})`, measuredInstances: n, sources: {} };
  const sources = out.sources!;
  const set = <K extends keyof NonNullable<CapacityInputs["sources"]>>(key: K, value: number | undefined, how: string, digits = 4): void => {
    if (value === undefined || !Number.isFinite(value)) return;
    (out as unknown as Record<string, number>)[key] = round(value, digits);
    sources[key] = src(how);
  };
  const lines = run.intervals;
  if (lines.length > 0) out.rpsPerMinute = rpsPerMinuteFromIntervals(lines).map((r) => round(r, 2));

  // CPU per request and idle CPU.
  const cpu = pairWithRps(series(run.telemetry, "process", PROCESS_KEYS.cpuPct), lines);
  const fit = fitLine(cpu);
  if (fit) {
    set("cpuMsPerRequest", fit.slope * 10, `slope of app CPU (sum of process ${PROCESS_KEYS.cpuPct}) against RPS over ${cpu.length} samples`);
    set("idleCpuCorePct", Math.max(0, fit.intercept), "intercept of that line", 2);
  } else {
    const ratio = perRequest(cpu);
    if (ratio !== undefined) {
      set("cpuMsPerRequest", ratio * 10, `mean app CPU / mean RPS over ${cpu.filter((p) => p.rps > 0).length} samples (load too steady to fit a line; idle CPU counted in)`);
      set("idleCpuCorePct", 0, "not separable from a steady load", 2);
    }
  }
  // The busiest 5-second window (or second, without telemetry) the run reached.
  const windows = cpu.length > 0 ? cpu.map((p) => p.rps) : lines.map((l) => Object.values(l.endpoints).reduce((s, e) => s + e.requests, 0));
  if (windows.length > 0) set("observedMaxRpsPerInstance", Math.max(...windows) / n, `${cpu.length > 0 ? "busiest telemetry window" : "busiest second"} of the run / ${n} instance(s)`, 2);
  const rss = series(run.telemetry, "process", PROCESS_KEYS.rssBytes);
  if (rss.length > 0) set("memoryBytesPerInstance", Math.max(...rss.map((s) => s.v)) / n, `max of summed process ${PROCESS_KEYS.rssBytes} / ${n} instance(s)`, 0);

  // Requests per active user: the seconds held at the run's most users.
  const peakUsers = run.summary?.peakUsers ?? lines.reduce((m, l) => Math.max(m, l.users), 0);
  if (peakUsers > 0 && run.manifest.plan.executor === "closed") {
    const held = lines.filter((l) => l.users === peakUsers);
    const use = held.length >= 10 ? held.slice(Math.min(5, held.length - 5)) : lines.filter((l) => l.users > 0);
    const perUser = mean(use.map((l) => Object.values(l.endpoints).reduce((s, e) => s + e.requests, 0) / l.users));
    set("rpsPerActiveUser", perUser, `requests per second per active user over ${use.length} s${held.length >= 10 ? ` held at ${peakUsers} users` : ""}`);
    out.measuredAtUsers = peakUsers;
    sources.measuredAtUsers = src("most concurrent users");
  }

  // Read share by method.
  const byMethod = new Map<string, number>();
  if (run.summary) for (const e of run.summary.endpoints) byMethod.set(e.method, (byMethod.get(e.method) ?? 0) + e.requests);
  else for (const l of lines) for (const e of Object.values(l.endpoints)) byMethod.set(e.method, (byMethod.get(e.method) ?? 0) + e.requests);
  const total = [...byMethod.values()].reduce((a, b) => a + b, 0);
  if (total > 0) set("readShare", ((byMethod.get("GET") ?? 0) + (byMethod.get("HEAD") ?? 0)) / total, `GET and HEAD requests / all ${total} requests`);

  // Database.
  // Statements per request: the app's own histogram when scraped (exact), else PostgreSQL's statement rate over RPS.
  const qSum = series(run.telemetry, "prometheus", "", promSeries(`${MUEJAM_METRICS.dbQueriesPerRequest}_sum`));
  const qCount = series(run.telemetry, "prometheus", "", promSeries(`${MUEJAM_METRICS.dbQueriesPerRequest}_count`));
  const counted = qCount.length > 1 ? qCount[qCount.length - 1]!.v - qCount[0]!.v : 0;
  if (qSum.length > 1 && counted > 0) set("dbQueriesPerRequest", (qSum[qSum.length - 1]!.v - qSum[0]!.v) / counted, `prometheus ${MUEJAM_METRICS.dbQueriesPerRequest} (increase of _sum / _count over the run, ${counted} requests)`);
  else set("dbQueriesPerRequest", perRequest(pairWithRps(series(run.telemetry, "postgres", POSTGRES_KEYS.queriesPerSec), lines)), `postgres ${POSTGRES_KEYS.queriesPerSec} / RPS (mean over samples)`);
  // Connections held: what counts against max_connections is every connection a pool keeps open,
  // idle or not. The app's own gauge (primary pool) when scraped, else what PostgreSQL saw.
  const primary = (name: string) => (k: string) => promSeries(name)(k) && !k.includes('pool="replica"');
  const poolOpen = series(run.telemetry, "prometheus", "", primary(MUEJAM_METRICS.dbPoolTotal));
  if (poolOpen.length > 0) {
    set("dbConnectionsPeakPerInstance", Math.max(...poolOpen.map((s) => s.v)) / n, `max of prometheus ${MUEJAM_METRICS.dbPoolTotal} (open connections of the primary pool) / ${n} instance(s)`, 2);
    const max = series(run.telemetry, "prometheus", "", primary(MUEJAM_METRICS.dbPoolMax));
    if (max.length > 0) set("dbPoolPerInstance", Math.max(...max.map((s) => s.v)) / n, `prometheus ${MUEJAM_METRICS.dbPoolMax} (primary pool)`, 0);
  } else {
    const all = series(run.telemetry, "postgres", POSTGRES_KEYS.connections);
    if (all.length > 0) set("dbConnectionsPeakPerInstance", Math.max(...all.map((s) => s.v)) / n, `max of postgres ${POSTGRES_KEYS.connections} (every client of the server, the telemetry's own connection included) / ${n} instance(s)`, 2);
  }

  // Cache.
  const used = series(run.telemetry, "redis", REDIS_KEYS.usedMemoryBytes);
  if (used.length > 0) set("cacheWorkingSetBytes", Math.max(...used.map((s) => s.v)), `max redis ${REDIS_KEYS.usedMemoryBytes}`, 0);
  const hits = series(run.telemetry, "redis", REDIS_KEYS.hitsPerSec).reduce((a, s) => a + s.v, 0);
  const misses = series(run.telemetry, "redis", REDIS_KEYS.missesPerSec).reduce((a, s) => a + s.v, 0);
  if (hits + misses > 0) set("cacheHitPct", (hits / (hits + misses)) * 100, `redis ${REDIS_KEYS.hitsPerSec} / (hits + misses), over the samples`, 2);
  const evictionPct = series(run.telemetry, "redis", REDIS_KEYS.evictionPct);
  const evicted = series(run.telemetry, "redis", REDIS_KEYS.evictedPerSec);
  if (evictionPct.length > 0) set("cacheEvictionPct", mean(evictionPct.map((s) => s.v)), `mean redis ${REDIS_KEYS.evictionPct}`, 3);
  else if (evicted.length > 0 && evicted.every((s) => s.v === 0)) set("cacheEvictionPct", 0, `redis ${REDIS_KEYS.evictedPerSec} was 0 in every sample`, 3);
  set("cacheOpsPerRequest", perRequest(pairWithRps(series(run.telemetry, "redis", REDIS_KEYS.opsPerSec), lines)), `redis ${REDIS_KEYS.opsPerSec} / RPS (mean over samples)`);
  return out;
}
