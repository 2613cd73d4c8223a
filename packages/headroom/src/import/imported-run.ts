// What every importer shares: latency histograms rebuilt from percentiles (when a tool kept only
// percentiles), counts spread without losing a request, and writing the run directory with notes
// that say what the source lacked.
import { summarizeIntervals } from "../metrics/summary.js";
import { newRunManifest } from "../engine/manifest.js";
import { createHistogram, encodeHistogram } from "../metrics/histogram.js";
import { createRunStore } from "../store/run-store.js";
import type { EndpointInterval, IntervalLine, PlanDescription, RunSummary } from "../core/types.js";

/** A latency distribution known only by some of its quantiles: [quantile 0..1, value ms]. */
export type QuantilesMs = [number, number][];

/**
 * `count` latencies (ms, ascending) whose known quantiles read back as given: the value at rank
 * ceil(p x count) is the p quantile, the last is the max, and the others follow the
 * piecewise-linear inverse of the distribution through the known quantiles.
 */
export function valuesFromQuantiles(count: number, quantiles: QuantilesMs): Float64Array {
  const q = [...quantiles].filter(([p, v]) => Number.isFinite(p) && Number.isFinite(v)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Float64Array(Math.max(0, count));
  if (q.length === 0) return out;
  if (q[0]![0] > 0) q.unshift([0, q[0]![1]]);
  // The rank at which each known quantile is read (HDR: the value at rank ceil(p x count)) holds it exactly.
  const exactAt = new Map<number, number>();
  for (const [p, v] of q) exactAt.set(Math.max(1, Math.ceil(p * count)), Math.max(v, exactAt.get(Math.max(1, Math.ceil(p * count))) ?? v));
  let k = 1;
  for (let r = 1; r <= count; r++) {
    const u = r / count;
    while (k < q.length - 1 && q[k]![0] < u) k++;
    const [p0, v0] = q[k - 1] ?? q[0]!;
    const [p1, v1] = q[k] ?? q[0]!;
    const v = exactAt.get(r) ?? (p1 > p0 ? v0 + ((Math.max(v1, v0) - v0) * Math.min(1, Math.max(0, u - p0))) / (p1 - p0) : Math.max(v0, v1));
    out[r - 1] = Math.max(r > 1 ? out[r - 2]! : 0, v);
  }
  return out;
}

/** An encoded histogram of the given latencies (ms). */
export function histogramOfMs(values: ArrayLike<number>): string {
  const h = createHistogram();
  for (let i = 0; i < values.length; i++) h.recordValue(Math.max(1, Math.round(values[i]! * 1000)));
  const out = encodeHistogram(h);
  h.destroy();
  return out;
}

/**
 * Gives each second its latencies so that the whole run's are exactly `runValues` (ascending) and
 * a second whose own distribution was slower gets the slower ones: every second draws stand-in
 * values from its own quantiles, all stand-ins are ranked, and rank k takes the run's k-th value.
 */
export function spreadRunValues(runValues: Float64Array, seconds: { count: number; quantiles: QuantilesMs }[]): number[][] {
  const stand: { v: number; sec: number }[] = [];
  seconds.forEach((s, sec) => valuesFromQuantiles(s.count, s.quantiles).forEach((v) => stand.push({ v, sec })));
  // Ties (seconds with the same shape) go round-robin rather than all to the first second.
  stand.sort((a, b) => a.v - b.v);
  const out: number[][] = seconds.map(() => []);
  stand.forEach((x, k) => out[x.sec]!.push(runValues[Math.min(k, runValues.length - 1)] ?? 0));
  return out;
}

/** Splits `total` into integer parts proportional to `weights` (largest remainders; sums exactly). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  return parts;
}

export function endpointInterval(method: string, requests: number, failed: number, hist: string, extra: Partial<EndpointInterval> = {}): EndpointInterval {
  return { method, requests, ok: requests - failed, failed, status: {}, errors: failed > 0 ? { other: failed } : {}, bytesIn: 0, bytesOut: 0, hist, ...extra };
}

export function emptyLine(t: number, ts: number, users: number): IntervalLine {
  return { t, ts, users, dropped: 0, endpoints: {}, generator: { cpuPct: 0, eventLoopLagMsP99: 0, rssBytes: 0 } };
}

export interface ImportedRun {
  name: string;
  source: "locust" | "k6";
  startedAt: Date;
  lines: IntervalLine[];
  plan: PlanDescription;
  target: { url?: string; scenario?: string };
  /** What the source lacked and how it was filled in: in the manifest, and printed. */
  notes: string[];
}

export interface ImportResult {
  requests: number;
  durationSec: number;
  notes: string[];
  summary: RunSummary;
}

/** Writes the run directory (manifest with source and notes, intervals, summary). */
export function writeImportedRun(dir: string, run: ImportedRun): ImportResult {
  // The machine that ran Locust or k6 is not in their results; this one only imported them.
  const host = { hostname: `not recorded by ${run.source}`, platform: "", release: "", arch: "", cpus: 0, cpuModel: "unknown", memBytes: 0, node: "-" };
  const base = newRunManifest({ name: run.name, plan: run.plan, target: run.target, startedAt: run.startedAt, notes: run.notes });
  const manifest = { ...base, source: run.source, host };
  const store = createRunStore(dir, manifest);
  for (const line of run.lines) store.appendInterval(line);
  const endedAt = new Date(run.startedAt.getTime() + (run.lines.length > 0 ? (run.lines[run.lines.length - 1]!.t + 1) * 1000 : 0));
  const summary = summarizeIntervals(run.lines, { ...manifest, status: "completed", endedAt: endedAt.toISOString() }, store.dir);
  store.finish("completed", summary, endedAt);
  return { requests: summary.requests.total, durationSec: summary.durationSec, notes: run.notes, summary };
}
