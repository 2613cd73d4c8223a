// The engine side of a breaking-point search: runs each step the algorithm (analysis/search.ts)
// asks for into its own run directory, with telemetry sampling the platform, and measures it.
// A step is held until its steady window is steady, or stopped as soon as the window is far past
// the SLO; the recovery run holds the break, then drops to the comfortable load. `headroom search`
// and the breaking-point stage of `headroom plan` both run their steps through here, in this process
// (search-step-run.ts) or split over generator processes (search-step-hosts.ts, `hosts` > 1).
// Nothing here prints: warnings and per-second lines flow out through callbacks.
import { join } from "node:path";
import { recoveryAfterLoadDrop } from "../analysis/recovery.js";
import type { RecoveryRunner, StepLoad, StepRunner } from "../analysis/search.js";
import { describeNoise, noiseOf } from "../analysis/disturbance.js";
import { littleCheck } from "../analysis/little.js";
import { DEFAULT_STEADY, isSteady, measuredLines } from "../analysis/steady-state.js";
import { stepFromLines } from "../analysis/load-steps.js";
import { analyzeRun } from "../analysis/analyze-run.js";
import type { LoadStep, Recovery, RunAnalysis, SearchResult, SearchStep, Slo } from "../analysis/types.js";
import type { SingleRequest } from "../engine/single-request.js";
import { validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { WaitSpec } from "../plan/wait.js";
import type { Targets } from "../plan/targets.js";
import { readRunStore } from "../store/run-store.js";
import type { IntervalLine, LoadLevel, Manifest, PlanDescription } from "../core/types.js";
import type { TelemetryConfig } from "../telemetry/index.js";
import { mergedDir, runOnHosts } from "./search-step-hosts.js";
import { runInProcess, type StepRun } from "./search-step-run.js";

export { deferFinish } from "./search-step-run.js";

export interface SearchRunnerOptions {
  model: "closed" | "open";
  /** One run directory per step inside it. */
  outDir: string;
  slo: Slo;
  /** Longest a step may run while waiting to be steady. */
  stepSec: number;
  /** Seconds of each step not measured. */
  warmupSec: number;
  /** The last seconds that must hold steady, and are measured. */
  windowSec: number;
  timeoutMs: number;
  workers: number;
  /** Exactly one of `request` (a single URL) or `scenario`. */
  request?: SingleRequest;
  scenario?: Scenario;
  baseUrl?: string;
  vars?: Record<string, string>;
  seed?: number;
  /** Single-URL closed model: the pause between a user's requests. */
  thinkTime?: WaitSpec;
  /** Closed model: a step's users start evenly over this many seconds (all at once when absent). */
  rampSec?: number;
  /** Closed model: each user begins with a pause drawn from its think time, so no step opens with a synchronized burst. */
  staggerStart?: boolean;
  /**
   * Closed model: the users' think time in seconds. When known, a window is steady only when
   * Little's law holds (N ≈ X (R + Z) within 10 %) and its throughput has no trend.
   */
  thinkSec?: () => number | undefined;
  /** Recorded in each step's manifest. */
  target: Manifest["target"];
  planExtra?: Partial<PlanDescription>;
  loadLevel?: LoadLevel;
  /** Who ran the steps, in each manifest's note ("headroom search", "headroom plan: breaking-point stage"). */
  notePrefix?: string;
  telemetry?: TelemetryConfig;
  telemetryIntervalMs: number;
  /** The recovery run: seconds at the breaking load, then seconds at the comfortable load. */
  recoveryHoldSec?: number;
  recoverySettleSec?: number;
  /** Stops the step in progress (its data so far is kept; the store is marked interrupted). */
  signal?: AbortSignal;
  /** Caps a step's time (a stage's time budget): seconds the next step may take at most. */
  stepSecLimit?: () => number;
  onWarning?: (message: string) => void;
  onStepStart?: (info: { index: number; load: StepLoad; pass: SearchStep["pass"] | "recovery"; dir: string; durationSec: number }) => void;
  onInterval?: (line: IntervalLine) => void;
  /**
   * Generator processes a step's load is split over (default 1: the steps run in this process).
   * Above 1, each step runs as that many `headroom run --segment i/N` processes from one shared
   * start and is judged on their merged lines (search-step-hosts.ts).
   */
  hosts?: number;
  /** hosts > 1: how far ahead of the processes' launch their shared start is set (default 8 s). */
  hostsLeadMs?: number;
}

export interface SearchRunner {
  runStep: StepRunner;
  runRecovery: RecoveryRunner;
  /** Run directory of each step (and of the recovery run), in the order they ran. */
  stepDirs: string[];
  /**
   * Records the step directories in the result and, when a step broke, analyses the first broken
   * one against `targets` at `level`: its bottlenecks go into the result, its analysis is returned.
   */
  analyzeFirstBroken(result: SearchResult, targets: Targets, level: LoadLevel): RunAnalysis | undefined;
}

/** A window this many times past the SLO's latency bound is broken whatever the rest of the step would show. */
export const FAR_PAST_LATENCY = 1.5;

/**
 * A window at 1.5x the SLO's p95 or p99 bound, or twice its error bound: broken whatever the rest of
 * the step would show (a queue still growing; holding it longer only spends the budget).
 */
export function farPastSlo(window: IntervalLine[], slo: Slo): boolean {
  const step = stepFromLines(window, {});
  if (step.requests === 0) return false;
  const past = (value: number | undefined, bound: number | undefined): boolean =>
    value !== undefined && bound !== undefined && value > FAR_PAST_LATENCY * bound;
  return past(step.p95Ms, slo.p95Ms) || past(step.p99Ms, slo.p99Ms) || (slo.errorPct !== undefined && step.errorPct > 2 * slo.errorPct && step.errorPct >= 1);
}

/** The profile of one search step at `load`. */
function stepProfile(opts: SearchRunnerOptions, name: string, load: StepLoad, durationSec: number): Profile {
  const base = { name, durationSec, timeoutMs: opts.timeoutMs, loadLevel: opts.loadLevel ?? "normal" };
  if (opts.model === "open") return validateProfile({ ...base, executor: "open", rate: load.rate! });
  const spawn = opts.rampSec !== undefined ? { spawnRate: Math.max(1, Math.ceil(load.users! / opts.rampSec)) } : {};
  return validateProfile({ ...base, executor: "closed", users: load.users!, ...spawn, ...(opts.staggerStart ? { staggerStart: true } : {}), ...(opts.thinkTime ? { thinkTime: opts.thinkTime } : {}) });
}

/** The recovery run's profile: `holdSec` at the breaking load, then `settleSec` at the comfortable load. */
function recoveryProfile(opts: SearchRunnerOptions, brk: StepLoad, settle: StepLoad, holdSec: number, settleSec: number): Profile {
  const base = { name: "search-recovery", durationSec: holdSec + settleSec, timeoutMs: opts.timeoutMs, loadLevel: opts.loadLevel ?? "normal" };
  const think = opts.thinkTime ? { thinkTime: opts.thinkTime } : {};
  if (opts.model === "open") {
    const stages = [{ name: "overload", durationSec: holdSec, rate: brk.rate! }, { name: "drop", durationSec: 1, rate: settle.rate! }, { name: "recovery", durationSec: Math.max(1, settleSec - 1), rate: settle.rate! }];
    return validateProfile({ ...base, executor: "open", rate: brk.rate!, stages });
  }
  return validateProfile({ ...base, executor: "closed", ...think, stages: [{ name: "overload", durationSec: holdSec, users: brk.users! }, { name: "recovery", durationSec: settleSec, users: settle.users! }] });
}

/** The step as measured: its window (the steady one it stopped on, else all after the warm-up), steadiness and noise. */
function measureStep(opts: SearchRunnerOptions, load: StepLoad, source: string, run: StepRun, why: "steady" | "broken" | undefined, noiseWorkers: number): LoadStep {
  const { lines, telemetry, stoppedEarly, stoppedAt } = run;
  // The engine counts requests that finish in the stop's grace period in the last line: that line is not measured.
  const measured = stoppedEarly ? lines.slice(stoppedAt - opts.windowSec, stoppedAt) : measuredLines(lines.slice(0, -1), opts.warmupSec);
  const steady = why === "steady" ? true : why === "broken" ? undefined : false;
  const step = stepFromLines(measured, { ...(opts.model === "open" ? { targetRate: load.rate! } : { users: load.users! }), source, ...(steady !== undefined ? { steady } : {}), workers: opts.workers });
  step.noise = noiseOf(measured, telemetry, noiseWorkers);
  // A lost generator process is the generator failing the step: said with the noise, so the search's re-judging keeps it.
  if (run.lost) {
    step.noise.generator = [run.lost, step.noise.generator].filter(Boolean).join("; ");
    step.noise.generatorLost = true;
  }
  const disturbed = describeNoise(step.noise);
  if (disturbed) step.disturbed = disturbed;
  return step;
}

export function createSearchRunner(opts: SearchRunnerOptions): SearchRunner {
  const { model, outDir, slo, warmupSec, windowSec } = opts;
  const stepDirs: string[] = [];
  const who = opts.notePrefix ?? "headroom search";
  const hosts = opts.hosts ?? 1;
  const run = hosts > 1 ? runOnHosts : runInProcess;
  /** The run directory of a step's directory: itself, or the merged run of its processes. */
  const runDir = hosts > 1 ? mergedDir : (dir: string): string => dir;
  // Merged lines carry every process's generator CPU: the noise is judged per worker of them all.
  const noiseWorkers = hosts > 1 ? hosts * Math.max(1, Math.floor(opts.workers / hosts)) : opts.workers;

  const steadyOpts = { ...DEFAULT_STEADY, warmupSec: 0, windowSec };
  const runStep: StepRunner = async (load, index, pass) => {
    const label = model === "open" ? `rate-${load.rate}` : `users-${load.users}`;
    const dir = join(outDir, `step-${String(index + 1).padStart(2, "0")}-${label}`);
    stepDirs.push(runDir(dir));
    // Never below warm-up + window + the final second, whatever the limit says.
    const stepSec = Math.max(warmupSec + windowSec + 1, Math.min(opts.stepSec, opts.stepSecLimit?.() ?? Infinity));
    opts.onStepStart?.({ index, load, pass, dir: runDir(dir), durationSec: stepSec });
    // A step ends once its window is steady, or as soon as its window is far past the SLO (no
    // need to hold an overload for the whole step time).
    let why: "steady" | "broken" | undefined;
    const thinkSec = model === "closed" ? opts.thinkSec?.() : undefined;
    const note = `${who}: ${pass} step ${index + 1} at ${model === "open" ? `${load.rate} req/s` : `${load.users} users`}, held until steady`;
    const done = await run(opts, dir, stepProfile(opts, `search-step-${index + 1}`, load, stepSec), note, (ls) => {
      if (ls.length < warmupSec + windowSec) return false;
      if (isSteady(ls.slice(warmupSec), steadyOpts) && (thinkSec === undefined || littleCheck(ls.slice(-windowSec), load.users!, thinkSec).holds)) why = "steady";
      else if (farPastSlo(ls.slice(-windowSec), slo)) why = "broken";
      return why !== undefined;
    });
    return measureStep(opts, load, runDir(dir), done, why, noiseWorkers);
  };

  const holdSec = opts.recoveryHoldSec ?? 5;
  const settleSec = opts.recoverySettleSec ?? 15;
  const runRecovery: RecoveryRunner = async (brk, settle): Promise<Recovery> => {
    const dir = join(outDir, "recovery");
    stepDirs.push(runDir(dir));
    opts.onStepStart?.({ index: stepDirs.length - 1, load: brk, pass: "recovery", dir: runDir(dir), durationSec: holdSec + settleSec });
    const { lines } = await run(opts, dir, recoveryProfile(opts, brk, settle, holdSec, settleSec), `${who}: recovery run, ${holdSec} s at the breaking load then ${settleSec} s at the comfortable load`);
    // The drop here is from the break to the comfortable load (about 65 % of it): any second below 90 % of the peak is after the drop.
    return recoveryAfterLoadDrop(lines, { p95Ms: slo.p95Ms ?? 500, errorPct: slo.errorPct ?? 1 }, 0.9);
  };

  const analyzeFirstBroken = (result: SearchResult, targets: Targets, at: LoadLevel): RunAnalysis | undefined => {
    result.detail.stepDirs = stepDirs;
    const firstBroken = result.detail.steps.findIndex((st) => !st.ok);
    if (firstBroken < 0) return undefined;
    const analysis = analyzeRun(readRunStore(stepDirs[firstBroken]!), targets, { level: at });
    result.detail.bottlenecks = analysis.bottlenecks;
    return analysis;
  };

  return { runStep, runRecovery, stepDirs, analyzeFirstBroken };
}
