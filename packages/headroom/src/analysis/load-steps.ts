// Load steps: one load level held steady, measured over its steady seconds. They come from a
// search's steps, or from the phases of a plan's runs where the load was held constant.
import type { RunStore } from "../store/run-store.js";
import type { IntervalLine } from "../core/types.js";
import { describeNoise, noiseOf } from "./disturbance.js";
import { round } from "./stats.js";
import { generatorHot } from "../metrics/summary.js";
import type { LoadStep } from "./types.js";
import { loadOf, phaseSpans, windowStats } from "./windows.js";

/** The generator was the limit in a tenth of the seconds or more (the rule of summary.ts). */
export function generatorLimitedLines(lines: readonly IntervalLine[], workers = 1): boolean {
  if (lines.length === 0) return false;
  const hot = lines.filter((l) => generatorHot(l, workers)).length;
  return hot / lines.length >= 0.1;
}

/**
 * The 429s among the failures of the lines. A 429 is the target's rate limiter answering, not the
 * target breaking, so a step counts it apart from its errors. A single URL fails every 429; a
 * scenario may accept it (acceptAlso(429)), and then it never was a failure. Interval lines count
 * statuses and error classes, not their pairs: an endpoint that failed its 429s has, in every
 * second, at least as many status failures as 429s; a second with fewer shows it accepts them.
 */
export function failedRateLimited(lines: readonly IntervalLine[]): number {
  const byEndpoint = new Map<string, { failed: number; accepted: boolean }>();
  for (const l of lines) {
    for (const [name, ep] of Object.entries(l.endpoints)) {
      const n = ep.status["429"] ?? 0;
      if (n === 0) continue;
      const e = byEndpoint.get(name) ?? { failed: 0, accepted: false };
      if ((ep.errors.status ?? 0) < n) e.accepted = true;
      else e.failed += n;
      byEndpoint.set(name, e);
    }
  }
  let failed = 0;
  for (const e of byEndpoint.values()) if (!e.accepted) failed += e.failed;
  return failed;
}

export interface StepContext {
  users?: number;
  targetRate?: number;
  source?: string;
  steady?: boolean;
  workers?: number;
}

/** A LoadStep from the measured lines of one load level. */
export function stepFromLines(lines: readonly IntervalLine[], ctx: StepContext): LoadStep {
  const w = windowStats(lines);
  const open = ctx.targetRate !== undefined;
  // Open model: an arrival dropped for lack of capacity is a request the system did not serve.
  // A 429 is the limiter working: counted apart (rateLimitedPct), never as an error.
  const attempts = w.requests + (open ? w.dropped : 0);
  const failures = w.failures - failedRateLimited(lines) + (open ? w.dropped : 0);
  const step: LoadStep = {
    rps: round(w.rps, 3),
    meanMs: w.latency.mean,
    p50Ms: w.latency.p50,
    p95Ms: w.latency.p95,
    p99Ms: w.latency.p99,
    errorPct: attempts > 0 ? round((failures / attempts) * 100, 4) : 0,
    requests: w.requests,
    durationSec: w.seconds,
    concurrency: open ? round((w.rps * w.latency.mean) / 1000, 3) : (ctx.users ?? w.maxUsers),
  };
  if (ctx.users !== undefined) step.users = ctx.users;
  if (open) step.targetRate = ctx.targetRate!;
  if (w.dropped > 0) step.dropped = w.dropped;
  if (w.rateLimited > 0) {
    step.rateLimited = w.rateLimited;
    step.rateLimitedPct = round((w.rateLimited / w.requests) * 100, 4);
  }
  if (generatorLimitedLines(lines, ctx.workers)) step.generatorLimited = true;
  if (ctx.source) step.source = ctx.source;
  if (ctx.steady !== undefined) step.steady = ctx.steady;
  return step;
}

/**
 * The steps of a stored run: each stretch of at least `minSec` seconds where the load stayed
 * within 5 % of one level (within a phase), measured after dropping its first `settleSec`.
 */
export function stepsFromRun(store: RunStore, opts: { minSec?: number; settleSec?: number } = {}): LoadStep[] {
  const minSec = opts.minSec ?? 5;
  const settle = opts.settleSec ?? 2;
  const steps: LoadStep[] = [];
  const open = store.manifest.plan.executor === "open";
  for (const span of phaseSpans(store.intervals)) {
    let run: IntervalLine[] = [];
    const flush = (): void => {
      if (run.length >= minSec) {
        const measured = run.slice(Math.min(settle, run.length - 1));
        // The level the stretch held: its median second, not its first (a ramp down to 100 users
        // enters the stretch at 104, 101..., and 101 would stand as a load level of its own).
        const loads = measured.map(loadOf).sort((a, b) => a - b);
        const level = open ? loads[Math.floor(loads.length / 2)]! : Math.round(loads[Math.floor(loads.length / 2)]!);
        if (level > 0) {
          const step = stepFromLines(measured, { ...(open ? { targetRate: level } : { users: level }), source: `${store.dir} (${span.phase}, ${measured[0]!.t}-${measured[measured.length - 1]!.t + 1} s)`, workers: store.manifest.plan.workers ?? 1 });
          step.noise = noiseOf(measured, store.telemetry, store.manifest.plan.workers ?? 1);
          const why = describeNoise(step.noise);
          if (why) step.disturbed = why;
          steps.push(step);
        }
      }
      run = [];
    };
    // The run's last line also holds the requests of the stop's grace period: not a steady second.
    const spanLines = span.lines[span.lines.length - 1] === store.intervals[store.intervals.length - 1] ? span.lines.slice(0, -1) : span.lines;
    for (const l of spanLines) {
      if (run.length > 0 && Math.abs(loadOf(l) - loadOf(run[0]!)) > 0.05 * Math.max(1, loadOf(run[0]!))) flush();
      run.push(l);
    }
    flush();
  }
  return steps;
}

export function stepsFromRuns(stores: readonly RunStore[], opts?: { minSec?: number; settleSec?: number }): LoadStep[] {
  return stores.flatMap((s) => stepsFromRun(s, opts)).sort((a, b) => (a.users ?? a.targetRate ?? 0) - (b.users ?? b.targetRate ?? 0));
}
