// Traffic curves for the autoscaling replay: a day built from 24 hourly factors times a peak RPS,
// or the RPS per minute of a measured run.
import type { IntervalLine } from "../core/types.js";

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

/** Requests per second, averaged over each whole or partial minute of a run's interval lines. */
export function rpsPerMinuteFromIntervals(lines: IntervalLine[]): number[] {
  if (lines.length === 0) return [];
  const t0 = lines[0]!.t;
  const requests: number[] = [];
  const seconds: number[] = [];
  for (const l of lines) {
    const m = Math.floor((l.t - t0) / 60);
    while (requests.length <= m) {
      requests.push(0);
      seconds.push(0);
    }
    let n = 0;
    for (const e of Object.values(l.endpoints)) n += e.requests;
    requests[m]! += n;
    seconds[m]! += 1;
  }
  return requests.map((r, i) => (seconds[i]! > 0 ? r / seconds[i]! : 0));
}

/** Multiplies a curve so its busiest minute carries `peakRps` (a measured shape at a projected size). */
export function scaleCurveToPeak(rpsPerMinute: number[], peakRps: number): number[] {
  const max = Math.max(0, ...rpsPerMinute);
  return max > 0 ? rpsPerMinute.map((r) => (r * peakRps) / max) : rpsPerMinute.map(() => 0);
}
