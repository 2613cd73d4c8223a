// What every bottleneck rule reads (BottleneckInputs) and returns (a Finding: a bottleneck before
// ranking), and the small readings the rules share.
import type { TelemetryLine } from "../core/types.js";
import type { Targets } from "../plan/targets.js";
import { steadyPoints, type RunSignals } from "./run-signals.js";
import { mean, round } from "./stats.js";
import { integrateRate } from "./telemetry-series.js";
import type { Bottleneck, CacheEffectiveness, Evidence, LeakVerdict, PoolStability } from "./types.js";

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

export type Finding = Omit<Bottleneck, "rank">;

export const clamp01 = (v: number): number => Math.max(0, Math.min(1, v));
export const fmt = (v: number, digits = 1): string => String(round(v, digits));

export function steadyMean(s: RunSignals, id: string): number | undefined {
  const pts = steadyPoints(s, id);
  return pts.length > 0 ? mean(pts.map((p) => p.v)) : undefined;
}

export function maxOf(s: RunSignals, id: string): number | undefined {
  const r = s.readings.get(id);
  return r ? Math.max(...r.points.map((p) => p.v)) : undefined;
}

export interface RateTotal {
  total: number;
  peak: number;
  samplesWith: number;
  samples: number;
  source: string;
}

/**
 * A per-second rate sampled every few seconds, added up over the run: each sample's rate times
 * the time since the sample before (the first one's, the typical gap). `samplesWith`: samples
 * whose rate was above zero.
 */
export function rateTotal(s: RunSignals, id: string): RateTotal | undefined {
  const r = s.readings.get(id);
  if (!r || r.points.length === 0) return undefined;
  const pts = [...r.points].sort((a, b) => a.t - b.t);
  const gaps = pts.slice(1).map((p, k) => p.t - pts[k]!.t).sort((a, b) => a - b);
  const typical = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 1;
  const total = integrateRate(pts, typical);
  const peak = Math.max(...pts.map((p) => p.v));
  return { total: Math.round(total), peak, samplesWith: pts.filter((p) => p.v > 0).length, samples: pts.length, source: r.source };
}

export function slowestEndpoint(s: RunSignals): Evidence | undefined {
  const e = [...s.summary.endpoints].filter((x) => x.requests > 0).sort((a, b) => b.latencyMs.p95 - a.latencyMs.p95)[0];
  return e ? { what: `slowest endpoint (p95): ${e.name}`, value: e.latencyMs.p95, unit: "ms", source: "intervals (merged histogram)" } : undefined;
}
