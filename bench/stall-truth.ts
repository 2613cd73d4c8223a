// The stall server's schedule and the latency percentiles it really imposes on a constant
// arrival rate. A request due at a uniformly random moment lands inside a freeze with
// probability f = STALL_MS / STALL_PERIOD_MS and then waits uniformly 0..STALL_MS, so the
// q-quantile of latency is STALL_MS * (1 - (1 - q) / f) when that is positive.
export const STALL_MS = 1000;
export const STALL_PERIOD_MS = 5000;

export function trueStallPercentileMs(q: number, stallMs = STALL_MS, periodMs = STALL_PERIOD_MS): number {
  const f = stallMs / periodMs;
  // Rounded to the microsecond: the float arithmetic of (1 - q) is not exact.
  return Math.max(0, Math.round(stallMs * (1 - (1 - q) / f) * 1000) / 1000);
}
