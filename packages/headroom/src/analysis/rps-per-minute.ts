// A measured run as a traffic curve: its RPS minute by minute, for the autoscaling replay.
import type { IntervalLine } from "../core/types.js";

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
