// The Universal Scalability Law on the right axis. Its N is the concurrency inside the system, not
// the users of a closed model with think time (users who think are not in the system: 1,000 users
// thinking 3 s load a platform like about 30 requests in flight). By Little's law the in-system
// concurrency of a window is X·R (throughput times mean response time); with no think time it
// equals the users. The fit is refused, with the reason, when the data cannot determine it.
import { round } from "./stats.js";
import type { UslFit } from "./types.js";
import { fitUsl, type UslPoint } from "./usl.js";

export interface UslLevel {
  /** Users (closed) or offered rate (open). */
  load: number;
  rps: number;
  meanMs?: number;
}

export const AXIS_IN_SYSTEM = "in-system concurrency X·R (Little's law)";
export const AXIS_USERS = "users (no think time)";

/** Think time below this share of the cycle counts as none: the users are the concurrency. */
const NO_THINK_SHARE = 0.1;
/** Distinct concurrencies needed at least to fit three coefficients with a check left. */
const MIN_DISTINCT = 4;

export function uslOnConcurrency(levels: readonly UslLevel[], model: "closed" | "open"): { usl?: UslFit; refused?: string } {
  const withR = levels.filter((l) => l.rps > 0 && (l.meanMs ?? 0) > 0);
  if (withR.length < levels.filter((l) => l.rps > 0).length || withR.length === 0) return { refused: "the steps carry no mean response time, so the in-system concurrency (X·R) is unknown" };
  // Think share of the cycle: 1 − X·R / N (closed). Open-model loads are rates, never users.
  const thinkShares = model === "closed" ? withR.map((l) => 1 - (l.rps * l.meanMs!) / 1000 / l.load) : [1];
  const noThink = model === "closed" && Math.max(...thinkShares) < NO_THINK_SHARE;
  const axis = noThink ? AXIS_USERS : AXIS_IN_SYSTEM;
  const points: UslPoint[] = withR.map((l) => ({ concurrency: noThink ? l.load : (l.rps * l.meanMs!) / 1000, throughput: l.rps }));
  const distinct = new Set(points.map((p) => round(p.concurrency, 2))).size;
  if (distinct < MIN_DISTINCT) return { refused: `only ${distinct} distinct concurrencies (${axis}): the three USL coefficients need at least ${MIN_DISTINCT}` };
  let fit: UslFit;
  try {
    fit = fitUsl(points);
  } catch (e) {
    return { refused: `the USL fit failed: ${(e as Error).message}` };
  }
  if (fit.alpha === 0 && fit.beta === 0) return { refused: `throughput grew in proportion to the concurrency (${axis}) over the data: no contention was measured, so the USL cannot place a peak` };
  if (fit.rSquared < 0.8) return { refused: `the USL fits the data poorly (R² ${round(fit.rSquared, 3)} on ${axis})` };
  const measuredMax = Math.max(...points.map((p) => p.throughput));
  if (Number.isFinite(fit.xMax) && fit.xMax < 0.95 * measuredMax) return { refused: `the USL's peak (${round(fit.xMax, 1)} req/s) lies below the throughput measured (${round(measuredMax, 1)} req/s on ${axis}): the data do not determine the curve` };
  const ci = fit.ci;
  if (ci && ci.alpha[0] <= 0 && ci.beta[0] <= 0 && fit.points < 6) return { refused: `neither α nor β is distinguishable from 0 with ${fit.points} points (${axis})` };
  return { usl: { ...fit, axis } };
}
