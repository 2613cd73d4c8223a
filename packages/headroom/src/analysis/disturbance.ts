// Whether a measured window is DISTURBED: something other than the platform set its figures. Either
// the load generator was limited (its CPU or event loop saturated in at least two seconds and a
// tenth of the window: users could not send as they should), or processes other than the
// platform's and the generator's used more than half a core (the "others" telemetry source). A
// disturbed window is never a break and never the capacity: the search re-tests it, and the
// capacity analysis names it and leaves it out.
//
// A machine that is never quiet (its quietest window already had other processes using more than
// half a core: a shared CI runner, a laptop with a browser) would leave nothing to judge; there
// the bar is half a core above the quietest window's ("the ambient noise"), and the documents say so.
//
// A limited generator can only lower the load it offers (users send late) and add its event-loop
// lag to the latencies it records (a response read late is timed late, by at most the lag). So a
// window in which it was limited (and no process was lost) still shows a break when a latency
// percentile exceeds its bound by more than the generator's worst lag: the platform broke at a
// load no heavier than the step's. Such a window is judged a break, and says why
// (LoadStep.lagOutweighed); a limited window that met the SLO stays disturbed.
import { OTHERS_KEYS } from "../telemetry/others-collector.js";
import type { IntervalLine, TelemetryLine } from "../core/types.js";
import { round } from "./stats.js";
import { generatorHot } from "../metrics/summary.js";
import type { LoadStep, Slo } from "./types.js";

/** Other processes using more than this many cores on average over a window (above the ambient, on a machine never quiet) disturb it. */
export const OTHER_CPU_LIMIT_CORES = 0.5;

/** The "others" samples that cover the seconds of `lines` (a sample at t covers the interval before it). */
export function othersIn(lines: readonly IntervalLine[], telemetry: readonly TelemetryLine[]): TelemetryLine[] {
  if (lines.length === 0) return [];
  const from = lines[0]!.t;
  const to = lines[lines.length - 1]!.t + 1;
  return telemetry.filter((t) => t.source === "others" && t.ok && typeof t.values[OTHERS_KEYS.cpuCores] === "number" && t.t > from && t.t <= to + 0.5);
}

/** What disturbed a window, as measured: the facts behind LoadStep.disturbed. */
export interface Noise {
  /** Mean cores used by other processes over the window, when measured. */
  otherCpuCores?: number;
  /** The busiest of them ("node:4242 0.98, ..."). */
  busiest?: string;
  /** Why the generator counts as limited, when it does. */
  generator?: string;
  /** The generator's worst event-loop lag (the largest per-second p99, ms) when it was limited. */
  generatorLagMs?: number;
  /** A generator process was lost: the step failed, whatever its figures. */
  generatorLost?: boolean;
}

export function noiseOf(lines: readonly IntervalLine[], telemetry: readonly TelemetryLine[], workers = 1): Noise {
  const noise: Noise = {};
  const hot = lines.filter((l) => generatorHot(l, workers)).length;
  if (lines.length > 0 && hot >= 2 && hot / lines.length >= 0.1) {
    const lag = Math.max(...lines.map((l) => l.generator.eventLoopLagMsP99));
    const cpu = Math.max(...lines.map((l) => l.generator.cpuPct / Math.max(1, workers)));
    noise.generator = `the load generator was limited in ${hot} of ${lines.length} s (CPU up to ${round(cpu, 0)}% of a core, event-loop lag p99 up to ${round(lag, 0)} ms)`;
    noise.generatorLagMs = round(lag, 1);
  }
  const others = othersIn(lines, telemetry);
  if (others.length > 0) {
    noise.otherCpuCores = round(others.reduce((a, t) => a + t.values[OTHERS_KEYS.cpuCores]!, 0) / others.length, 3);
    // The busiest processes of the window's noisiest sample.
    const loudest = others.reduce((a, t) => (t.values[OTHERS_KEYS.cpuCores]! > a.values[OTHERS_KEYS.cpuCores]! ? t : a));
    if (loudest.labels?.busiest) noise.busiest = loudest.labels.busiest;
  }
  return noise;
}

/** The bar for other processes' CPU given the quietest window seen: half a core, or half a core above an ambient that exceeds it. */
export function otherCpuLimit(ambientCores: number | undefined): number {
  return ambientCores !== undefined && ambientCores > OTHER_CPU_LIMIT_CORES ? round(ambientCores + OTHER_CPU_LIMIT_CORES, 3) : OTHER_CPU_LIMIT_CORES;
}

/** Why the window is disturbed against the bar, or undefined. */
export function describeNoise(noise: Noise, limitCores = OTHER_CPU_LIMIT_CORES): string | undefined {
  const reasons: string[] = [];
  if (noise.generator) reasons.push(noise.generator);
  if (noise.otherCpuCores !== undefined && noise.otherCpuCores > limitCores) {
    const bar = limitCores > OTHER_CPU_LIMIT_CORES ? `over ${limitCores}: the machine was never quiet, half a core above its quietest window` : `over ${limitCores}`;
    reasons.push(`processes other than the platform's and the generator's used ${round(noise.otherCpuCores, 2)} cores (${bar})${noise.busiest ? `: ${noise.busiest}` : ""}`);
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

/** The quietest window's other-process CPU over the steps (undefined when none was measured). */
export function ambientCores(steps: readonly LoadStep[]): number | undefined {
  const cores = steps.map((s) => s.noise?.otherCpuCores).filter((c): c is number => c !== undefined);
  return cores.length > 0 ? Math.min(...cores) : undefined;
}

/**
 * Why a step whose generator was limited still broke the SLO: a latency percentile above its bound
 * by more than the generator's worst event-loop lag could add; undefined when the lag could account
 * for the breach (or the step met the SLO, or a generator process was lost).
 */
export function lagOutweighed(step: LoadStep, slo: Slo): string | undefined {
  const n = step.noise;
  if (!n?.generator || n.generatorLost || n.generatorLagMs === undefined) return undefined;
  const lag = n.generatorLagMs;
  const checks: [string, number | undefined, number | undefined][] = [
    ["p95", step.p95Ms, slo.p95Ms],
    ["p99", step.p99Ms, slo.p99Ms],
    ["p50", step.p50Ms, slo.p50Ms],
  ];
  for (const [name, value, bound] of checks) {
    if (value !== undefined && bound !== undefined && value - lag > bound) {
      return `${name} ${round(value, 0)} ms exceeds ${bound} ms by more than the limited generator's event-loop lag (p99 up to ${round(lag, 0)} ms) could add: a break`;
    }
  }
  return undefined;
}

/**
 * The steps with `disturbed` judged against the ambient of them all (copies; steps without noise
 * facts keep theirs). With the SLO, a step that broke it by more than a limited generator's lag
 * could add is judged a break, not disturbed by the generator (lagOutweighed).
 */
export function judgeNoise<T extends LoadStep>(steps: readonly T[], slo?: Slo): T[] {
  const limit = otherCpuLimit(ambientCores(steps));
  return steps.map((s) => {
    if (!s.noise) return s;
    const { disturbed: _was, lagOutweighed: _note, ...rest } = s;
    const outweighed = slo ? lagOutweighed(s, slo) : undefined;
    const { generator: _limited, ...withoutGenerator } = s.noise;
    const why = describeNoise(outweighed ? withoutGenerator : s.noise, limit);
    return { ...rest, ...(why ? { disturbed: why } : {}), ...(outweighed ? { lagOutweighed: outweighed } : {}) } as T;
  });
}

/** Why the window is disturbed (the absolute bar of half a core), or undefined. */
export function disturbance(lines: readonly IntervalLine[], telemetry: readonly TelemetryLine[], workers = 1): string | undefined {
  return describeNoise(noiseOf(lines, telemetry, workers));
}

/** The step's generator note for tables: " (generator-limited)", and when it still broke, by how much beyond the lag. */
export function generatorNote(step: Pick<LoadStep, "generatorLimited" | "lagOutweighed">): string {
  if (step.lagOutweighed) return " (generator-limited: broke by more than its lag could add)";
  return step.generatorLimited ? " (generator-limited)" : "";
}
