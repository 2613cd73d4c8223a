// The breaking-point stage of `headroom plan`: after the profiles, a closed-model search with the
// suite's own scenario and user mix, starting above the peak profile's users and growing until
// the SLO breaks or throughput stops growing, then bisecting. Each step is a run directory under
// `<out>/breaking-point/` with telemetry, so the bottlenecks of the first broken step are named.
// The quick plan gives the stage a hard time budget and stops stepping when it is spent; the
// result says what was reached and why it stopped. Progress flows out through `onEvent`.
import { join } from "node:path";
import { unsteadyPass } from "../analysis/capacity-search.js";
import { searchCapacity, type SearchOptions } from "../analysis/search.js";
import { describeSlo } from "../analysis/slo.js";
import type { LoadStep, SearchResult, SearchStep, Slo } from "../analysis/types.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { Targets } from "../plan/targets.js";
import { describeClasses } from "../engine/scenario-workload.js";
import type { PlanSearch, PlanSearchOutcome } from "../report/model/plan-report-model.js";
import type { IntervalLine } from "../core/types.js";
import type { TelemetryConfig } from "../telemetry/types.js";
import { createSearchRunner, type SearchRunner } from "./search-runner.js";
import { quietWaiter } from "./quiet-wait.js";
import type { SearchStageSettings } from "../plan/search-stage.js";

export type { SearchStageSettings };


/**
 * The quick plan's stage: users start over half a second, each after a pause drawn from its think
 * time (that pause spreads their first requests: no synchronized first burst); 2 s of warm-up, then a 3 s window, judged only once it is steady
 * (Little's law holds and throughput has no trend; up to 12 s); a step not steady by then, or
 * disturbed, is measured again. No repeat, no recovery run (the peak profile measures recovery).
 * The search starts from an estimate of the break (planSearchStart), so the 40 s budget brackets
 * it within 10 % in five or six steps of about 7 s, and the whole quick plan stays near 5 minutes (time spent
 * on disturbed steps, and on steps measured again because their window was not steady, is given
 * back to the budget, up to half of it: a noisy machine takes longer).
 */
export const QUICK_SEARCH: SearchStageSettings = {
  stepSec: 12, rampSec: 0.5, staggerStart: true, retestUnsteady: true, warmupSec: 2, windowSec: 3,
  repeat: false, maxSteps: 10, tolerance: 0.1, growth: 2, budgetSec: 40,
};

/**
 * `--full`: the defaults of `headroom search` (20 s steps held until steady, a 5 s window, the best
 * load repeated, a recovery run), with users started over 3 s and a 4 s warm-up.
 */
export const FULL_SEARCH: SearchStageSettings = {
  stepSec: 20, rampSec: 3, staggerStart: true, retestUnsteady: true, warmupSec: 4, windowSec: 5,
  repeat: true, recovery: { holdSec: 5, settleSec: 15 }, maxSteps: 14, tolerance: 0.1, growth: 2,
};

/** Users per step at most: the generator's memory stays bounded (about 360 MB at 10,000 users). */
export const SEARCH_MAX_USERS = 16_000;

/** Seconds a step takes beyond its own (store, telemetry, stop): a step needs its length plus this left in the budget. */
const STEP_OVERHEAD_SEC = 0.5;
/** Longest wait for a quiet machine before a disturbed step is measured again. */
const QUIET_WAIT_MS = 15_000;

export type BreakingPointEvent =
  | { kind: "search-start"; dir: string; startUsers: number; maxUsers: number; slo: Slo; budgetSec?: number }
  | { kind: "search-step-start"; index: number; users: number; pass: SearchStep["pass"] | "recovery"; durationSec: number }
  | { kind: "search-interval"; line: IntervalLine }
  | { kind: "search-warning"; message: string }
  | { kind: "search-step"; index: number; step: SearchStep }
  | { kind: "search-end"; search: PlanSearch };

export interface BreakingPointOptions {
  scenario: Scenario;
  baseUrl: string;
  vars: Record<string, string>;
  /** The plan's output folder: the stage writes `<outDir>/breaking-point/`. */
  outDir: string;
  slo: Slo;
  targets: Targets;
  telemetry?: TelemetryConfig;
  telemetryIntervalMs: number;
  workers: number;
  /** Generator processes each step's users are split over (`--segment i/N` each, merged per second); default 1: this process. */
  hosts?: number;
  seed?: number;
  timeoutMs?: number;
  startUsers: number;
  maxUsers: number;
  settings: SearchStageSettings;
  /** The users' think time (s) from the profiles: Little's law judges steadiness, the operational laws estimate the break. */
  thinkSec?: number;
  /** The profiles' steps: the estimate starts from them, and one that broke below a load the search passed is re-tested. */
  priorSteps?: LoadStep[];
  /** Said in the result (how the users' tokens were provided, for instance). */
  notes?: string[];
  /** The command a user runs to search further than this stage did, from the most users it ran. */
  furtherCommand: (fromUsers: number) => string;
  signal?: AbortSignal;
  onEvent?: (e: BreakingPointEvent) => void;
  /** Injected clock for the budget (ms). */
  now?: () => number;
}

export const BREAKING_POINT_DIR = "breaking-point";
/** The stage's name in `--profiles` (and its folder). */
export const BREAKING_POINT_STAGE = "breaking-point";

/** The SLO as `--slo` takes it: "p95<500ms,p99<1000ms,errors<1%". */
export function sloFlag(slo: Slo): string {
  return describeSlo(slo, "flag");
}

function outcomeOf(stopReason: string, interrupted: boolean, spent: boolean, steps: readonly SearchStep[], maxUsers: number): PlanSearchOutcome {
  if (interrupted) return "interrupted";
  if (steps.some((s) => !s.ok)) return spent ? "budget" : "bracketed";
  if (spent) return "budget";
  if (steps.some((s) => (s.users ?? 0) >= maxUsers) || /maximum load/.test(stopReason)) return "cap";
  return "steps";
}

/**
 * The stage's time budget: what is left of it, with the time spent on disturbed steps (and on steps
 * that met the SLO on a window not steady, measured again) given back (up to half of it: noise
 * costs the search time, not its answer), and whether it ran out.
 */
function stageBudget(s: SearchStageSettings, now: () => number) {
  const started = now();
  const budgetMs = s.budgetSec !== undefined ? s.budgetSec * 1000 : undefined;
  let creditMs = 0;
  let stepStartMs = started;
  const shortestStep = s.warmupSec + s.windowSec + 1;
  const budget = {
    started,
    spent: false,
    leftSec: (): number => (budgetMs === undefined ? Infinity : (started + budgetMs + Math.min(creditMs, budgetMs / 2) - now()) / 1000),
    /** Why the search stops before its next step: too little budget left for the shortest one. */
    stopBefore: (): string | undefined => {
      if (budget.leftSec() >= shortestStep + STEP_OVERHEAD_SEC) return undefined;
      budget.spent = true;
      return `the ${s.budgetSec} s time budget of the search was spent`;
    },
    /** `disturbed`: why the step just measured was disturbed, if it was. */
    stepDone: (disturbed: string | undefined): void => {
      if (disturbed) creditMs += now() - stepStartMs;
      stepStartMs = now();
    },
    /** Time spent waiting for a quiet machine before a re-test is given back like a disturbed step's. */
    waited: (ms: number): void => {
      creditMs += ms;
    },
    shortestStep,
  };
  return budget;
}

/** The runner of the stage's steps: run directories under `<out>/breaking-point/`, never past the budget. */
function stageRunner(opts: BreakingPointOptions, dir: string, leftSec: () => number): SearchRunner {
  const s = opts.settings;
  const scenarioName = opts.scenario.sourcePath ?? opts.scenario.name;
  const seed = opts.seed !== undefined ? { seed: opts.seed } : {};
  return createSearchRunner({
    model: "closed",
    outDir: dir,
    slo: opts.slo,
    stepSec: s.stepSec,
    warmupSec: s.warmupSec,
    windowSec: s.windowSec,
    timeoutMs: opts.timeoutMs ?? 30_000,
    workers: opts.workers,
    ...(opts.hosts !== undefined && opts.hosts > 1 ? { hosts: opts.hosts } : {}),
    scenario: opts.scenario,
    baseUrl: opts.baseUrl,
    vars: opts.vars,
    ...seed,
    rampSec: s.rampSec,
    ...(s.staggerStart ? { staggerStart: true } : {}),
    ...(opts.thinkSec !== undefined ? { thinkSec: () => opts.thinkSec } : {}),
    target: { url: opts.baseUrl, scenario: scenarioName },
    planExtra: { scenario: scenarioName, workers: opts.workers, classes: describeClasses(opts.scenario, {}), ...seed },
    notePrefix: "headroom plan: breaking-point stage",
    ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
    telemetryIntervalMs: opts.telemetryIntervalMs,
    ...(s.recovery ? { recoveryHoldSec: s.recovery.holdSec, recoverySettleSec: s.recovery.settleSec } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    // A step never runs past the budget by more than its shortest length.
    stepSecLimit: () => Math.floor(leftSec() - STEP_OVERHEAD_SEC),
    onWarning: (message) => opts.onEvent?.({ kind: "search-warning", message }),
    onStepStart: ({ index, load, pass, durationSec }) => opts.onEvent?.({ kind: "search-step-start", index, users: load.users ?? 0, pass, durationSec }),
    onInterval: (line) => opts.onEvent?.({ kind: "search-interval", line }),
  });
}

/** Before a disturbed step's re-test: wait up to 15 s (within the budget) for the other processes to go quiet. */
function quietWait(opts: BreakingPointOptions, budget: ReturnType<typeof stageBudget>): Pick<SearchOptions, "waitForQuiet"> {
  const others = opts.telemetry?.others;
  if (!others) return {};
  const wait = quietWaiter({
    others,
    maxWaitMs: QUIET_WAIT_MS,
    leftMs: () => (budget.leftSec() - budget.shortestStep - STEP_OVERHEAD_SEC) * 1000,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWait: (message) => opts.onEvent?.({ kind: "search-warning", message }),
  });
  return {
    waitForQuiet: async (limitCores) => {
      const started = Date.now();
      await wait(limitCores);
      budget.waited(Date.now() - started);
    },
  };
}

/** The stage's result as the documents read it. */
function planSearchOf(opts: BreakingPointOptions, result: SearchResult, elapsedMs: number, spent: boolean): PlanSearch {
  const steps = result.detail.steps;
  const firstBroken = steps.findIndex((st) => !st.ok);
  const heaviest = [...steps].sort((a, b) => (b.users ?? 0) - (a.users ?? 0))[0];
  const limiting = firstBroken >= 0 ? steps[firstBroken] : heaviest;
  // Judged on the step's measured seconds: the start of the users (the warm-up) loads the generator more than the steady window does.
  const generatorLimited = limiting?.generatorLimited === true;
  return {
    dir: BREAKING_POINT_DIR,
    slo: opts.slo,
    sloText: describeSlo(opts.slo),
    startUsers: opts.startUsers,
    maxUsers: opts.maxUsers,
    settings: { ...opts.settings },
    elapsedSec: Math.round(elapsedMs / 100) / 10,
    outcome: outcomeOf(result.detail.stopReason, opts.signal?.aborted === true, spent, steps, opts.maxUsers),
    maxTestedUsers: heaviest?.users ?? 0,
    generatorLimited,
    ...(generatorLimited ? { generatorReason: `the load generator's CPU or event loop was saturated in the measured seconds at ${limiting?.users} users: the figures there are the generator's limit, a floor of the platform's; add --workers` } : {}),
    furtherCommand: opts.furtherCommand(heaviest?.users ?? opts.startUsers),
    notes: opts.notes ?? [],
    result,
  };
}

export async function runBreakingPoint(opts: BreakingPointOptions): Promise<PlanSearch> {
  const now = opts.now ?? Date.now;
  const s = opts.settings;
  const dir = join(opts.outDir, BREAKING_POINT_DIR);
  const budget = stageBudget(s, now);
  let stepCount = 0;
  opts.onEvent?.({ kind: "search-start", dir, startUsers: opts.startUsers, maxUsers: opts.maxUsers, slo: opts.slo, ...(s.budgetSec !== undefined ? { budgetSec: s.budgetSec } : {}) });
  const runner = stageRunner(opts, dir, budget.leftSec);
  const result = await searchCapacity(
    {
      model: "closed",
      slo: opts.slo,
      start: opts.startUsers,
      growth: s.growth,
      maxLoad: opts.maxUsers,
      maxSteps: s.maxSteps,
      tolerance: s.tolerance,
      repeat: s.repeat,
      ...(opts.thinkSec !== undefined ? { thinkSec: opts.thinkSec } : {}),
      ...(s.retestUnsteady ? { retestUnsteady: true } : {}),
      ...(opts.priorSteps ? { priorSteps: opts.priorSteps } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      stopBefore: budget.stopBefore,
      ...quietWait(opts, budget),
      onStep: (step) => {
        // A step measured again because it was disturbed, or met the SLO on a window not steady, gave no judgement: its time is given back.
        budget.stepDone(step.disturbed ?? (s.retestUnsteady && unsteadyPass(step) ? "not steady" : undefined));
        opts.onEvent?.({ kind: "search-step", index: stepCount++, step });
      },
    },
    runner.runStep,
    s.recovery ? runner.runRecovery : undefined,
  );
  runner.analyzeFirstBroken(result, opts.targets, "peak");
  const search = planSearchOf(opts, result, now() - budget.started, budget.spent);
  opts.onEvent?.({ kind: "search-end", search });
  return search;
}
