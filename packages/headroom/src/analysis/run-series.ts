// Time series of a run for charts: users, throughput, latency percentiles per endpoint, errors by
// class and 429s, one point per second (or per bucket of seconds for long runs, so a 4-hour run
// still draws a few hundred points). Percentiles of a bucket come from the merged histograms of
// its seconds, never from averaging per-second percentiles.
import { createHistogram, decodeHistogram, type Histogram } from "../metrics/histogram.js";
import { coveredSeconds } from "../metrics/summary.js";
import type { IntervalLine } from "../core/types.js";

export interface LatencySeries {
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
}

export interface EndpointSeries extends LatencySeries {
  name: string;
  method: string;
  requestsPerSec: number[];
}

export interface PhaseSpan {
  name: string;
  startSec: number;
  endSec: number;
}

export interface RunSeries {
  /** Seconds one point covers: 1, or more when a long run is bucketed. */
  stepSec: number;
  /** Start of each point, in seconds since the run started. */
  tSec: number[];
  /** Virtual users (or connections) at the end of each point. */
  users: number[];
  /** Open model: scheduled arrivals per second; absent for closed-model runs. */
  targetRatePerSec?: number[];
  requestsPerSec: number[];
  failedPerSec: number[];
  /** Responses with status 429 per second (expected behaviour, shown apart from errors). */
  rateLimitedPerSec: number[];
  droppedPerSec: number[];
  /** Failed requests per second by error class (timeout, status, reset, ...). */
  errorsPerSec: Record<string, number[]>;
  /** 429 responses per second by user class (scenario runs only). */
  rateLimitedByClassPerSec: Record<string, number[]>;
  overall: LatencySeries;
  endpoints: EndpointSeries[];
  phases: PhaseSpan[];
  /** The load generator watching itself: CPU (% of one core, all workers) and event-loop lag p99 (worst second of each point). */
  generator: { cpuPct: number[]; eventLoopLagMsP99: number[] };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function percentilesMs(h: Histogram | undefined): [number | null, number | null, number | null] {
  if (!h || h.totalCount === 0) return [null, null, null];
  return [round3(h.getValueAtPercentile(50) / 1000), round3(h.getValueAtPercentile(95) / 1000), round3(h.getValueAtPercentile(99) / 1000)];
}

/** Bucket width so that a run of `durationSec` draws at most `maxPoints` points. */
export function stepFor(durationSec: number, maxPoints: number): number {
  return Math.max(1, Math.ceil(durationSec / Math.max(1, maxPoints)));
}

/** Phases as contiguous spans of the phase names written on interval lines. */
export function phaseSpans(lines: IntervalLine[]): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  if (lines.length === 0) return spans;
  const t0 = lines[0]!.t;
  for (const line of lines) {
    if (!line.phase) continue;
    const last = spans[spans.length - 1];
    const at = line.t - t0;
    if (last && last.name === line.phase && at <= last.endSec + 1) last.endSec = at + 1;
    else spans.push({ name: line.phase, startSec: at, endSec: at + 1 });
  }
  return spans;
}

function emptySeries(): RunSeries {
  return {
    stepSec: 1,
    tSec: [],
    users: [],
    requestsPerSec: [],
    failedPerSec: [],
    rateLimitedPerSec: [],
    droppedPerSec: [],
    errorsPerSec: {},
    rateLimitedByClassPerSec: {},
    overall: { p50Ms: [], p95Ms: [], p99Ms: [] },
    endpoints: [],
    phases: [],
    generator: { cpuPct: [], eventLoopLagMsP99: [] },
  };
}

/** Percentile series of per-point histograms (destroyed as they are read). */
function latencySeries(hists: (Histogram | undefined)[]): LatencySeries {
  const out: LatencySeries = { p50Ms: [], p95Ms: [], p99Ms: [] };
  for (const h of hists) {
    const [p50, p95, p99] = percentilesMs(h);
    out.p50Ms.push(p50);
    out.p95Ms.push(p95);
    out.p99Ms.push(p99);
    h?.destroy();
  }
  return out;
}

interface EndpointCounts {
  method: string;
  requests: number[];
  hists: (Histogram | undefined)[];
  total: number;
}

/** Counts per point, before they become rates; histograms merged per point. */
interface SeriesFold {
  series: RunSeries;
  endpoints: Map<string, EndpointCounts>;
  overallHists: (Histogram | undefined)[];
  zeros: () => number[];
}

/** Adds one line's endpoints into point `i`. */
function addEndpoints(fold: SeriesFold, line: IntervalLine, i: number): void {
  const { series, zeros } = fold;
  for (const [name, ep] of Object.entries(line.endpoints)) {
    let agg = fold.endpoints.get(name);
    if (!agg) {
      agg = { method: ep.method, requests: zeros(), hists: new Array<Histogram | undefined>(series.tSec.length).fill(undefined), total: 0 };
      fold.endpoints.set(name, agg);
    }
    agg.requests[i]! += ep.requests;
    agg.total += ep.requests;
    series.requestsPerSec[i]! += ep.requests;
    series.failedPerSec[i]! += ep.failed;
    series.rateLimitedPerSec[i]! += ep.status["429"] ?? 0;
    for (const [cls, count] of Object.entries(ep.errors)) {
      if (!count) continue;
      (series.errorsPerSec[cls] ??= zeros())[i]! += count;
    }
    if (!ep.hist) continue;
    const d = decodeHistogram(ep.hist);
    (agg.hists[i] ??= createHistogram()).add(d);
    (fold.overallHists[i] ??= createHistogram()).add(d);
    d.destroy();
  }
}

/** Adds one line into point `i`. */
function addLine(fold: SeriesFold, line: IntervalLine, i: number): void {
  const { series, zeros } = fold;
  series.users[i] = line.users;
  series.generator.cpuPct[i] = Math.max(series.generator.cpuPct[i]!, Math.round(line.generator.cpuPct * 10) / 10);
  series.generator.eventLoopLagMsP99[i] = Math.max(series.generator.eventLoopLagMsP99[i]!, Math.round(line.generator.eventLoopLagMsP99 * 100) / 100);
  series.droppedPerSec[i]! += line.dropped;
  if (series.targetRatePerSec) series.targetRatePerSec[i]! += line.targetRate ?? 0;
  addEndpoints(fold, line, i);
  for (const [cls, c] of Object.entries(line.classes ?? {})) {
    (series.rateLimitedByClassPerSec[cls] ??= zeros())[i]! += c.rateLimited;
  }
}

/** Turns the counts per point into rates per second. */
function countsToRates(series: RunSeries, perSec: (values: number[]) => number[]): void {
  series.requestsPerSec = perSec(series.requestsPerSec);
  series.failedPerSec = perSec(series.failedPerSec);
  series.rateLimitedPerSec = perSec(series.rateLimitedPerSec);
  series.droppedPerSec = perSec(series.droppedPerSec);
  if (series.targetRatePerSec) series.targetRatePerSec = perSec(series.targetRatePerSec);
  for (const k of Object.keys(series.errorsPerSec)) series.errorsPerSec[k] = perSec(series.errorsPerSec[k]!);
  for (const k of Object.keys(series.rateLimitedByClassPerSec)) series.rateLimitedByClassPerSec[k] = perSec(series.rateLimitedByClassPerSec[k]!);
}

/**
 * Builds chart series from interval lines (sorted by t). `maxPoints` bounds the number of points
 * per series (default 720).
 */
export function buildRunSeries(lines: IntervalLine[], maxPoints = 720): RunSeries {
  const empty = emptySeries();
  if (lines.length === 0) return empty;
  const t0 = lines[0]!.t;
  const durationSec = coveredSeconds(lines);
  const step = stepFor(durationSec, maxPoints);
  const n = Math.ceil(durationSec / step);
  const zeros = (): number[] => new Array<number>(n).fill(0);
  const secondsIn = (i: number): number => Math.min(step, durationSec - i * step);

  const series: RunSeries = {
    ...empty,
    stepSec: step,
    tSec: Array.from({ length: n }, (_, i) => i * step),
    users: zeros(),
    requestsPerSec: zeros(),
    failedPerSec: zeros(),
    rateLimitedPerSec: zeros(),
    droppedPerSec: zeros(),
    generator: { cpuPct: zeros(), eventLoopLagMsP99: zeros() },
  };
  if (lines.some((l) => l.targetRate !== undefined)) series.targetRatePerSec = zeros();
  const fold: SeriesFold = { series, endpoints: new Map(), overallHists: new Array<Histogram | undefined>(n).fill(undefined), zeros };
  for (const line of lines) addLine(fold, line, Math.floor((line.t - t0) / step));

  const perSec = (values: number[]): number[] => values.map((v, i) => round3(v / secondsIn(i)));
  countsToRates(series, perSec);
  series.overall = latencySeries(fold.overallHists);
  const ordered = [...fold.endpoints.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
  series.endpoints = ordered.map(([name, agg]) => ({ name, method: agg.method, requestsPerSec: perSec(agg.requests), ...latencySeries(agg.hists) }));
  series.phases = phaseSpans(lines);
  return series;
}
