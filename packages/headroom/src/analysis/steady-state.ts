// When a load step is steady: after a warm-up, the last `windowSec` seconds carry a stable
// throughput (coefficient of variation of requests per second at most `maxRpsCv`) and a p95
// that neither climbs nor falls (the window's second half within `maxP95Drift` of its first).
// An overloaded open-model step never gets there: its queue, and so its latency, keeps growing.
import type { IntervalLine } from "../core/types.js";
import { coefficientOfVariation } from "./stats.js";
import { windowStats } from "./windows.js";

export interface SteadyOptions {
  warmupSec: number;
  windowSec: number;
  maxRpsCv: number;
  maxP95Drift: number;
}

export const DEFAULT_STEADY: SteadyOptions = { warmupSec: 1, windowSec: 4, maxRpsCv: 0.15, maxP95Drift: 0.3 };

export function requestsIn(line: IntervalLine): number {
  let n = 0;
  for (const e of Object.values(line.endpoints)) n += e.requests;
  return n;
}

/** Whether the lines (a step so far) end in a steady window; the window is the last `windowSec` lines. */
export function isSteady(lines: readonly IntervalLine[], opts: SteadyOptions = DEFAULT_STEADY): boolean {
  if (lines.length < opts.warmupSec + opts.windowSec) return false;
  const window = lines.slice(lines.length - opts.windowSec);
  const counts = window.map(requestsIn);
  if (counts.every((c) => c === 0)) return false;
  if (coefficientOfVariation(counts) > opts.maxRpsCv) return false;
  const half = Math.floor(window.length / 2);
  const a = windowStats(window.slice(0, half)).latency.p95;
  const b = windowStats(window.slice(half)).latency.p95;
  if (a === 0 || b === 0) return false;
  return Math.abs(b - a) / Math.max(a, b) <= opts.maxP95Drift;
}

/** The lines a step is measured on: everything after the warm-up (all lines when it is shorter). */
export function measuredLines(lines: readonly IntervalLine[], warmupSec: number): IntervalLine[] {
  return lines.length > warmupSec ? lines.slice(warmupSec) : [...lines];
}
