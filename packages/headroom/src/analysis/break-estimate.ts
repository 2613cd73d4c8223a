// Where to look for the break before measuring it, by the operational laws.
//   Think time: in a closed model N = X (R + Z), so each steady step gives Z = N / X − R.
//   The SLO's break: past the knee throughput stays at X_max and the mean response time is
//   R = N / X_max − Z, so latency reaches the SLO at N ≈ X (R_slo + Z), R_slo the mean response
//   time whose p95 is the bound (the step's mean/p95 ratio carries the shape). A step below the
//   knee gives a lower estimate (its X is below X_max); one past it gives the break itself, with X
//   the highest throughput measured up to its load (an overload can collapse below X_max).
//   The utilization law: X_max ≈ 1 / D of the busiest resource (D: its busy time per request),
//   from the profiles' telemetry: the host's CPU (the lab runs on one machine) and the app's.
import { HOST_KEYS, PROCESS_KEYS } from "../core/telemetry-keys.js";
import type { RunStore } from "../store/run-store.js";
import { OTHERS_KEYS } from "../telemetry/others-collector.js";
import type { UtilizationEstimate } from "./capacity-figures.js";
import { round } from "./stats.js";
import { sloBreach } from "./slo.js";
import type { LoadStep, Slo } from "./types.js";
import { windowStats } from "./windows.js";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The users' think time, seconds: the median over undisturbed closed-model steps of N / X − R. */
/** The undisturbed steps, or all of them when every one was disturbed (a machine never quiet). */
export function quietOrAll<T extends LoadStep>(steps: readonly T[]): T[] {
  const quiet = steps.filter((s) => !s.disturbed);
  return quiet.length > 0 ? quiet : [...steps];
}

export function thinkTimeSec(steps: readonly LoadStep[]): number | undefined {
  const zs = quietOrAll(steps)
    .filter((s) => s.steady !== false && (s.users ?? 0) > 0 && s.rps > 0 && s.meanMs !== undefined)
    .map((s) => s.users! / s.rps - s.meanMs! / 1000);
  const z = median(zs);
  return Number.isFinite(z) ? Math.max(0, z) : undefined;
}

/**
 * A closed-model step is past the knee when its throughput fell below this share of the light-load
 * line N / (R0 + Z) (the asymptotic bound): requests queue for a good part of the users' cycle.
 */
export const SATURATED_EFFICIENCY = 0.8;

/**
 * A closed-model step is queueing when its mean response time is this many times the light-load R0
 * (and QUEUE_MIN_MS above it). With a think time much longer than R0 the throughput stays near the
 * light-load line well past the knee (R = N / X − Z grows while X hardly falls), so the response
 * time tells sooner than the throughput that the busiest resource is saturated: its completion rate
 * is then X_max.
 */
export const QUEUEING_FACTOR = 5;
const QUEUE_MIN_MS = 20;
const queueing = (meanMs: number, r0Ms: number): boolean => meanMs >= QUEUEING_FACTOR * r0Ms && meanMs - r0Ms >= QUEUE_MIN_MS;

/** X (R0 + Z) / N: 1 on the light-load line, falling as requests queue. */
export function cycleEfficiency(users: number, rps: number, r0Ms: number, thinkSec: number): number {
  return users > 0 ? (rps * (r0Ms / 1000 + thinkSec)) / users : 1;
}

/**
 * A closed-model step past the knee: its throughput fell below SATURATED_EFFICIENCY of the
 * light-load line, or its mean response time shows requests queueing (QUEUEING_FACTOR x R0): its
 * bottleneck is saturated, and its throughput is X_max's.
 */
export function pastTheKnee(users: number, rps: number, meanMs: number, r0Ms: number, thinkSec: number): boolean {
  return cycleEfficiency(users, rps, r0Ms, thinkSec) < SATURATED_EFFICIENCY || queueing(meanMs, r0Ms);
}

/**
 * The users at which the SLO's latency bound is crossed, estimated from the steps, or undefined.
 * `saturated`: the estimate comes from a step past the knee, where it is the break itself;
 * otherwise it is a lower bound (the steps' throughput was still below X_max).
 */
export function estimateBreakUsers(steps: readonly LoadStep[], slo: Slo, thinkSec: number): { users: number; saturated: boolean } | undefined {
  const bound = slo.p95Ms ?? slo.p99Ms;
  if (bound === undefined) return undefined;
  const pick = (s: LoadStep): number | undefined => (slo.p95Ms !== undefined ? s.p95Ms : s.p99Ms);
  // A step that met the SLO on a window not steady is measured again, never judged: its transient
  // queue places no break. One not steady that broke it is a queue still growing: it does.
  const usable = quietOrAll(steps).filter(
    (s) => s.rps > 0 && (pick(s) ?? 0) > 0 && s.meanMs !== undefined && s.meanMs > 0 && (s.steady !== false || sloBreach(s, slo) !== undefined),
  );
  if (usable.length === 0) return undefined;
  const rMin = Math.min(...usable.map((s) => s.meanMs!));
  let best: { users: number; saturated: boolean; off: number } | undefined;
  for (const s of usable) {
    const ratio = Math.min(1, s.meanMs! / pick(s)!);
    const saturated = s.users !== undefined && pastTheKnee(s.users, s.rps, s.meanMs!, rMin, thinkSec);
    // Past the knee the throughput is X_max's, which is at least any throughput measured at a
    // lighter load: an overload that collapsed (contention, a thrashing pool) is not the knee's.
    const x = saturated ? Math.max(s.rps, ...usable.filter((o) => (o.users ?? 0) <= s.users!).map((o) => o.rps)) : s.rps;
    const users = x * ((bound / 1000) * ratio + thinkSec);
    // A saturated step's estimate beats any lower bound. Among saturated steps, the one whose
    // latency lies nearest the bound (its mean/p95 shape is the break's); among lower bounds, the largest.
    const off = Math.abs(Math.log(pick(s)! / bound));
    const better = !best || (saturated && !best.saturated) || (saturated === best.saturated && (saturated ? off < best.off : users > best.users));
    if (better) best = { users: Math.round(users), saturated, off };
  }
  return best && { users: best.users, saturated: best.saturated };
}

/**
 * X_max by the utilization law from runs' telemetry: for the host CPU (busy cores less the other
 * processes' over the run, per request) and the app's processes (their CPU per request, at one core
 * each), X_max = capacity / D; the smaller bound is the busiest resource's. Undefined without telemetry.
 */
export function utilizationEstimate(stores: readonly RunStore[]): UtilizationEstimate | undefined {
  let best: UtilizationEstimate | undefined;
  let bestRps = 0;
  for (const store of stores) {
    const lines = store.intervals.slice(0, -1);
    if (lines.length < 3) continue;
    const rps = windowStats(lines).rps;
    if (!(rps > 0)) continue;
    const t0 = lines[0]!.t;
    const t1 = lines[lines.length - 1]!.t + 1;
    const inRun = store.telemetry.filter((l) => l.ok && l.t > t0 && l.t <= t1);
    const avg = (xs: number[]): number | undefined => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
    const candidates: UtilizationEstimate[] = [];
    const host = inRun.filter((l) => l.source === "host" && l.values[HOST_KEYS.cpuPct] !== undefined);
    const cores = host[0]?.values[HOST_KEYS.cores];
    const busy = avg(host.map((l) => (l.values[HOST_KEYS.cpuPct]! / 100) * (l.values[HOST_KEYS.cores] ?? 1)));
    const others = avg(inRun.filter((l) => l.source === "others").map((l) => l.values[OTHERS_KEYS.cpuCores] ?? 0)) ?? 0;
    if (cores && busy !== undefined && busy - others > 0) {
      const d = (busy - others) / rps;
      candidates.push({ rps: round(cores / d, 0), evidence: `host CPU: ${round(d * 1000, 3)} core-ms per request over ${cores} cores, in ${store.manifest.name}` });
    }
    const byTs = new Map<number, { cpu: number; n: number }>();
    for (const l of inRun.filter((x) => x.source === "process" && x.values[PROCESS_KEYS.cpuPct] !== undefined)) {
      const e = byTs.get(l.ts) ?? { cpu: 0, n: 0 };
      e.cpu += l.values[PROCESS_KEYS.cpuPct]! / 100;
      e.n++;
      byTs.set(l.ts, e);
    }
    const app = avg([...byTs.values()].map((e) => e.cpu));
    const procs = Math.max(0, ...[...byTs.values()].map((e) => e.n));
    if (app !== undefined && app > 0 && procs > 0) {
      const d = app / rps;
      const capacity = Math.min(procs, cores ?? procs);
      candidates.push({ rps: round(capacity / d, 0), evidence: `app CPU: ${round(d * 1000, 3)} core-ms per request at ${capacity} core${capacity > 1 ? "s" : ""}, in ${store.manifest.name}` });
    }
    const tight = candidates.sort((a, b) => a.rps - b.rps)[0];
    // The busiest run measures the demand best (fixed costs weigh less).
    if (tight && (!best || rps > bestRps)) {
      best = tight;
      bestRps = rps;
    }
  }
  return best;
}
