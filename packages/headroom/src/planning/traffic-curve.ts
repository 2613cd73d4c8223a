// Traffic curves for the autoscaling replay: a day built from 24 hourly factors times a peak RPS,
// or the RPS per minute of a measured run (analysis/rps-per-minute.ts) scaled to a peak.
export const MINUTES_PER_DAY = 1440;

/**
 * 1440 minutes of RPS. Each hourly factor is the load at the start of its hour, relative to the
 * largest factor; minutes between two hours are interpolated linearly (hour 23 runs into hour 0
 * of the next day), so the busiest minute carries exactly `peakRps`.
 */
export function dailyTrafficCurve(hourlyShape: number[], peakRps: number): number[] {
  if (hourlyShape.length !== 24) throw new RangeError(`hourlyShape has ${hourlyShape.length} values, expected 24`);
  const max = Math.max(...hourlyShape);
  if (!(max > 0)) throw new RangeError("hourlyShape has no positive value");
  const out: number[] = [];
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    const h = Math.floor(m / 60);
    const a = hourlyShape[h]! / max;
    const b = hourlyShape[(h + 1) % 24]! / max;
    out.push(peakRps * (a + ((b - a) * (m % 60)) / 60));
  }
  return out;
}

/** Multiplies a curve so its busiest minute carries `peakRps` (a measured shape at a projected size). */
export function scaleCurveToPeak(rpsPerMinute: number[], peakRps: number): number[] {
  const max = Math.max(0, ...rpsPerMinute);
  return max > 0 ? rpsPerMinute.map((r) => (r * peakRps) / max) : rpsPerMinute.map(() => 0);
}
