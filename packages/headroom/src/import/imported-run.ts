// What every importer shares: latency histograms rebuilt from percentiles (when a tool kept only
// percentiles), counts spread without losing a request, and writing the run directory with notes
// that say what the source lacked.
import { summarizeIntervals } from "../analysis/summary.js";
import { newRunManifest } from "../engine/manifest.js";
import { createHistogram, encodeHistogram } from "../metrics/histogram.js";
import { createRunStore } from "../store/run-store.js";
import type { EndpointInterval, IntervalLine, PlanDescription, RunSummary } from "../store/types.js";

/** A latency distribution known only by some of its quantiles: [quantile 0..1, value ms]. */
export type QuantilesMs = [number, number][];

/**
 * An encoded histogram of `count` latencies whose quantiles are the given ones: the requests of
 * each band between two known quantiles are spread evenly between their values (the upper one
 * included). `carry` keeps, per band, what rounding left over from earlier seconds of the same
 * name, so over many small seconds the bands hold their exact shares and the tail is not rounded
 * away; start it with `carryWithMax()` so that the run's highest value is recorded once.
 */
export function histogramFromQuantiles(count: number, quantiles: QuantilesMs, carry: Map<number, number> = new Map()): string {
  const h = createHistogram();
  const q = [...quantiles].filter(([p, v]) => Number.isFinite(p) && Number.isFinite(v)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (count > 0 && q.length > 0) {
    if (q[0]![0] > 0) q.unshift([0, q[0]![1]]);
    const exact = q.map(([p], k) => count * (p - (k === 0 ? 0 : q[k - 1]![0])) + (carry.get(p) ?? 0));
    const parts = apportion(count, exact.map((e) => Math.max(0, e)));
    q.forEach(([p], k) => carry.set(p, exact[k]! - parts[k]!));
    let prevV = q[0]![1];
    q.forEach(([, v], k) => {
      const n = parts[k]!;
      const hi = Math.max(v, prevV);
      const steps = k === 0 ? Math.min(n, 1) : Math.min(n, 4);
      for (let s = 1; s <= steps; s++) {
        const share = Math.round((n * s) / steps) - Math.round((n * (s - 1)) / steps);
        const value = k === 0 ? v : prevV + ((hi - prevV) * s) / steps;
        if (share > 0) h.recordValueWithCount(Math.max(1, Math.round(value * 1000)), share);
      }
      prevV = hi;
    });
  }
  const out = encodeHistogram(h);
  h.destroy();
  return out;
}

/** A fresh carry for histogramFromQuantiles that owes the top band one request (the run's max was seen). */
export function carryWithMax(): Map<number, number> {
  return new Map([[1, 1]]);
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
  const manifest = { ...newRunManifest({ name: run.name, plan: run.plan, target: run.target, startedAt: run.startedAt, notes: run.notes }), source: run.source, host };
  const store = createRunStore(dir, manifest);
  for (const line of run.lines) store.appendInterval(line);
  const endedAt = new Date(run.startedAt.getTime() + (run.lines.length > 0 ? (run.lines[run.lines.length - 1]!.t + 1) * 1000 : 0));
  const summary = summarizeIntervals(run.lines, { ...manifest, status: "completed", endedAt: endedAt.toISOString() }, store.dir);
  store.finish("completed", summary, endedAt);
  return { requests: summary.requests.total, durationSec: summary.durationSec, notes: run.notes, summary };
}
