// Little's law as a test of steadiness for a closed-model step: N users cycle between a request
// (mean response time R) and a think (mean Z), so in equilibrium N = X (R + Z). While a queue is
// still building (users started together, or a load past the knee not yet settled), completions
// lag and X (R + Z) falls short of N; while it drains, the opposite. A window is steady when the
// two agree within `tolerance` and its throughput has no trend.
import type { IntervalLine } from "../core/types.js";
import { requestsIn } from "./steady-state.js";
import { windowStats } from "./windows.js";

export interface LittleCheck {
  holds: boolean;
  /** X (R + Z), the users Little's law accounts for. */
  impliedUsers: number;
  /** Relative change of throughput across the window per its length (least-squares slope x seconds / mean). */
  trend: number;
  reason?: string;
}

/** Least-squares slope of `ys` over their index, times the window's length, over their mean. */
export function relativeTrend(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  if (my === 0) return 0;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, i) => {
    sxy += (i - mx) * (y - my);
    sxx += (i - mx) ** 2;
  });
  return ((sxy / sxx) * n) / my;
}

export function littleCheck(window: readonly IntervalLine[], users: number, thinkSec: number, tolerance = 0.1): LittleCheck {
  const w = windowStats(window);
  const implied = w.rps * (w.latency.mean / 1000 + thinkSec);
  const trend = relativeTrend(window.map(requestsIn));
  const off = users > 0 ? Math.abs(implied - users) / users : 0;
  const reasons: string[] = [];
  if (off > tolerance) reasons.push(`Little's law accounts for ${Math.round(implied)} of ${users} users (X ${w.rps.toFixed(1)} req/s x (R ${w.latency.mean.toFixed(0)} ms + Z ${(thinkSec * 1000).toFixed(0)} ms))`);
  if (Math.abs(trend) > tolerance) reasons.push(`throughput moved ${(trend * 100).toFixed(0)}% across the window`);
  return { holds: reasons.length === 0, impliedUsers: implied, trend, ...(reasons.length > 0 ? { reason: reasons.join("; ") } : {}) };
}
