// The breaking-point search, as a pure algorithm over an injected step runner (the CLI's runs
// the engine; tests run a fake). It starts from an estimate of the break (or the given load), steps
// up until a step breaks the SLO or the bounds are reached, guided by the operational laws once a
// step shows where latency crosses the SLO (analysis/break-estimate.ts); then narrows the bracket
// between the heaviest load that met the SLO and the lightest that broke it to within `tolerance`,
// probing the estimate and confirming it one tolerance away rather than halving blindly. A step
// whose window was disturbed (the generator limited, other processes busy) or not steady is
// measured again (pass "retest") before anything is concluded from it; a disturbed step never
// bounds the bracket. A load that broke below one that passed is re-tested too. Then the best
// good load is repeated once (run-to-run variance), and (when asked) recovery is measured.
import { CapacitySearch } from "./capacity-search.js";
import type { LoadStep, Recovery, SearchResult, SearchStep, Slo } from "./types.js";

export interface StepLoad {
  users?: number;
  rate?: number;
}

/** Runs one step at `load` and measures it (held until steady). */
export type StepRunner = (load: StepLoad, index: number, pass: SearchStep["pass"]) => Promise<LoadStep>;

/** Holds `breakLoad`, then drops to `settleLoad`, and reports the recovery. */
export type RecoveryRunner = (breakLoad: StepLoad, settleLoad: StepLoad) => Promise<Recovery>;

export interface SearchOptions {
  model: "closed" | "open";
  slo: Slo;
  /** First load (users or req/s). Default 10. */
  start?: number;
  /** Each upward step multiplies the load by this. Default 2. */
  growth?: number;
  /** Never go beyond this load. Default 10,000 users / 100,000 req/s. */
  maxLoad?: number;
  /** Ramp and bisection steps (the repeat and the recovery run come on top). Default 14. */
  maxSteps?: number;
  /** Stop bisecting when the bracket is within this share of the good load. Default 0.1. */
  tolerance?: number;
  /** Throughput gaining less than this share of the load's relative increase counts as flat. Default 0.2. */
  plateauEfficiency?: number;
  comfortableFraction?: number;
  /** Repeat the best good load once (for the variance behind the confidence). Default true. */
  repeat?: boolean;
  /** Called after each step (progress display). */
  onStep?: (step: SearchStep) => void;
  /** Stops the search between steps. */
  signal?: AbortSignal;
  /**
   * Asked before each step (and before the repeat and the recovery run): why the search must stop
   * now (a time budget spent), or undefined to go on. The reason ends the stop reason.
   */
  stopBefore?: () => string | undefined;
  /** Closed model: the users' think time in seconds (N / X − R of the profiles' steps), for the break estimate. */
  thinkSec?: number;
  /**
   * Closed model without a known think time (`headroom search`): take it from the search's own
   * quiet steps (N / X − R, Little's law) once one is measured, for the break estimate.
   */
  measureThink?: boolean;
  /**
   * Called before a disturbed step is measured again, with the other-process CPU bar (cores) it
   * must come under: waits (bounded) for the machine to be quiet. Absent: measure again at once.
   */
  waitForQuiet?: (limitCores: number) => Promise<void>;
  /** Steps measured before the search (a plan's profiles): one that broke below a load the search passed is re-tested. */
  priorSteps?: readonly LoadStep[];
  /** Times a disturbed (or, with retestUnsteady, unsteady) step is measured again at most. Default 1. */
  maxRetests?: number;
  /** Measure again a step that met the SLO on a window not steady (its queue may still have been building). Default false. */
  retestUnsteady?: boolean;
}

/** Searches for the breaking point (see the top of this file); the steps run through `runStep`. */
export async function searchCapacity(opts: SearchOptions, runStep: StepRunner, runRecovery?: RecoveryRunner): Promise<SearchResult> {
  return new CapacitySearch(opts, runStep, runRecovery).search();
}
