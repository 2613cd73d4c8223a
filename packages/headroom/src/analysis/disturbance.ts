// Whether a measured window is DISTURBED: something other than the platform set its figures. Either
// the load generator was limited (its CPU or event loop saturated: users could not send as they
// should), or processes other than the platform's and the generator's used more than half a core
// (the "others" telemetry source). A disturbed window is never a break and never the capacity: the
// search re-tests it, and the capacity analysis names it and leaves it out.
import { OTHERS_KEYS } from "../telemetry/others-collector.js";
import type { IntervalLine, TelemetryLine } from "../store/types.js";
import { round } from "./stats.js";
import { GENERATOR_CPU_LIMIT_PCT, GENERATOR_LAG_LIMIT_MS } from "./summary.js";

/** Other processes using more than this many cores on average over a window disturb it. */
export const OTHER_CPU_LIMIT_CORES = 0.5;

/** The "others" samples that cover the seconds of `lines` (a sample at t covers the interval before it). */
export function othersIn(lines: readonly IntervalLine[], telemetry: readonly TelemetryLine[]): TelemetryLine[] {
  if (lines.length === 0) return [];
  const from = lines[0]!.t;
  const to = lines[lines.length - 1]!.t + 1;
  return telemetry.filter((t) => t.source === "others" && t.ok && typeof t.values[OTHERS_KEYS.cpuCores] === "number" && t.t > from && t.t <= to + 0.5);
}

/** Why the window is disturbed, or undefined when it is not (or nothing says so). */
export function disturbance(lines: readonly IntervalLine[], telemetry: readonly TelemetryLine[], workers = 1): string | undefined {
  const reasons: string[] = [];
  // The generator was the limit in a tenth of the seconds or more (the rule of summary.ts).
  const hot = lines.filter((l) => l.generator.cpuPct / Math.max(1, workers) >= GENERATOR_CPU_LIMIT_PCT || l.generator.eventLoopLagMsP99 >= GENERATOR_LAG_LIMIT_MS).length;
  if (lines.length > 0 && hot / lines.length >= 0.1) {
    const lag = Math.max(...lines.map((l) => l.generator.eventLoopLagMsP99));
    const cpu = Math.max(...lines.map((l) => l.generator.cpuPct / Math.max(1, workers)));
    reasons.push(`the load generator was limited in ${hot} of ${lines.length} s (CPU up to ${round(cpu, 0)}% of a core, event-loop lag p99 up to ${round(lag, 0)} ms)`);
  }
  const others = othersIn(lines, telemetry);
  if (others.length > 0) {
    const cores = others.reduce((a, t) => a + t.values[OTHERS_KEYS.cpuCores]!, 0) / others.length;
    if (cores > OTHER_CPU_LIMIT_CORES) {
      const busiest = others.map((t) => t.labels?.busiest).filter((b): b is string => !!b).pop();
      reasons.push(`processes other than the platform's and the generator's used ${round(cores, 2)} cores (over ${OTHER_CPU_LIMIT_CORES})${busiest ? `: ${busiest}` : ""}`);
    }
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}
