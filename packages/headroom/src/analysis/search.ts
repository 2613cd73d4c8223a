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
import { analyzeCapacity, COMFORTABLE_FRACTION, sloBoundsLatency } from "./capacity.js";
import { estimateBreakUsers } from "./break-estimate.js";
import { judgeNoise } from "./disturbance.js";
import { describeSlo, sloBreach } from "./slo.js";
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
  /** Steps measured before the search (a plan's profiles): one that broke below a load the search passed is re-tested. */
  priorSteps?: readonly LoadStep[];
  /** Times a disturbed (or, with retestUnsteady, unsteady) step is measured again at most. Default 1. */
  maxRetests?: number;
  /** Measure again a step that met the SLO on a window not steady (its queue may still have been building). Default false. */
  retestUnsteady?: boolean;
}

const asLoad = (model: "closed" | "open", v: number): StepLoad => (model === "open" ? { rate: v } : { users: v });

export async function searchCapacity(opts: SearchOptions, runStep: StepRunner, runRecovery?: RecoveryRunner): Promise<SearchResult> {
  const model = opts.model;
  const growth = opts.growth ?? 2;
  const maxLoad = opts.maxLoad ?? (model === "open" ? 100_000 : 10_000);
  const maxSteps = opts.maxSteps ?? 14;
  const tol = opts.tolerance ?? 0.1;
  const minEff = opts.plateauEfficiency ?? 0.2;
  const maxRetests = opts.maxRetests ?? 1;
  const whole = model === "closed";
  const unit = whole ? "users" : "req/s";
  // Closed model under a latency SLO: throughput levelling off is the ceiling, and latency breaks further up.
  const flatBreaks = whole && !sloBoundsLatency(opts.slo);
  const norm = (v: number): number => (whole ? Math.max(1, Math.round(v)) : Math.round(v * 100) / 100);
  const steps: SearchStep[] = [];
  let stopReason = "";

  const run = async (load: number, pass: SearchStep["pass"], retest?: string): Promise<SearchStep | undefined> => {
    // Disturbance judged against the quietest window so far (a machine never quiet raises the bar).
    const measured = judgeNoise([...(opts.priorSteps ?? []), ...steps, await runStep(asLoad(model, load), steps.length, pass)]).pop()!;
    // A step cut short by Ctrl-C measured the interruption, not the load: it is not judged.
    if (opts.signal?.aborted) return undefined;
    const prevOk = [...steps].filter((s) => s.ok && !s.disturbed && s.pass !== "repeat" && loadOf(s) < load).sort((a, b) => loadOf(b) - loadOf(a))[0];
    let broke = sloBreach(measured, opts.slo);
    if (!broke && model === "open" && measured.rps < 0.9 * load) broke = `throughput ${measured.rps.toFixed(1)} req/s < 90% of the offered ${load} req/s`;
    if (!broke && flatBreaks && prevOk && prevOk.rps > 0) {
      const eff = (measured.rps / prevOk.rps - 1) / (load / loadOf(prevOk) - 1);
      if (eff < minEff) broke = `throughput flat: ${prevOk.rps.toFixed(1)} -> ${measured.rps.toFixed(1)} req/s from ${loadOf(prevOk)} to ${load} users`;
    }
    const step: SearchStep = { ...measured, pass, ok: broke === undefined, ...(broke ? { broke } : {}), ...(retest ? { retest } : {}) };
    steps.push(step);
    opts.onStep?.(step);
    return step;
  };
  let spent: string | undefined;
  const outOfTime = (): boolean => (spent ??= opts.stopBefore?.()) !== undefined;
  const budgetLeft = (): boolean => steps.length < maxSteps && !opts.signal?.aborted && !outOfTime();
  /** A step, measured again while its window was disturbed or not steady (never judged on such a window). */
  // Noise that outlasted a re-test is persistent (a machine never quiet): re-testing more disturbed
  // steps would only spend the budget, until a quiet step shows the noise has gone.
  let persistentNoise = false;
  const measure = async (load: number, pass: SearchStep["pass"]): Promise<SearchStep | undefined> => {
    let s = await run(load, pass);
    for (let i = 0; s && i < maxRetests; i++) {
      if (!s.disturbed) persistentNoise = false;
      // A broken step that is not steady is a queue still growing: a break, not a reason to measure again.
      const why = s.disturbed ? (persistentNoise ? undefined : `disturbed: ${s.disturbed}`) : s.steady === false && s.ok && opts.retestUnsteady ? "it met the SLO on a window that was not steady before its time ran out" : undefined;
      if (!why || !budgetLeft()) break;
      const wasDisturbed = s.disturbed !== undefined;
      s = await run(load, "retest", why);
      if (s && wasDisturbed) persistentNoise = s.disturbed !== undefined;
    }
    return s;
  };
  const estimate = (): { users: number; saturated: boolean } | undefined => (whole && opts.thinkSec !== undefined ? estimateBreakUsers([...(opts.priorSteps ?? []), ...steps], opts.slo, opts.thinkSec) : undefined);

  // Undisturbed bounds (the bracket) and provisional ones from disturbed steps (where to look next).
  let good: number | undefined;
  let bad: number | undefined;
  let navGood: number | undefined;
  let navBad: number | undefined;
  let load = norm(opts.start ?? 10);
  while (budgetLeft()) {
    const s = await measure(load, good !== undefined && bad !== undefined ? "bisect" : "ramp");
    if (!s) break;
    if (s.disturbed) {
      if (s.ok) navGood = Math.max(navGood ?? 0, load);
      else navBad = Math.min(navBad ?? Infinity, load);
    } else if (s.ok) good = Math.max(good ?? 0, load);
    else bad = Math.min(bad ?? Infinity, load);
    const lo = Math.max(good ?? 0, navGood !== undefined && navGood < (bad ?? Infinity) ? navGood : 0);
    const hi = Math.min(bad ?? Infinity, navBad !== undefined && navBad > (good ?? 0) ? navBad : Infinity);
    const est = estimate();
    let next: number;
    if (hi === Infinity) {
      // Nothing broke yet: up, to the estimate when it lies ahead (a tolerance on at least), else by `growth`.
      if (lo >= maxLoad) {
        stopReason = `reached the maximum load of ${maxLoad} without breaking ${describeSlo(opts.slo)}`;
        break;
      }
      // A saturated step's estimate is the break: go there (not past one growth step); a lower
      // bound only matters when it lies beyond a growth step.
      if (est?.saturated && est.users > lo) next = Math.min(lo * growth, Math.max(est.users, lo * (1 + tol)));
      else next = Math.max(lo * growth, est?.users ?? 0);
      next = Math.min(maxLoad, next);
    } else if (lo === 0) {
      // The first step already broke: down, to the estimate when it lies below, else by `growth`.
      if (hi <= (whole ? 1 : 0.5)) break;
      // An estimate at or above the broken load says the break is just below it: confirm one tolerance down.
      next = est !== undefined ? Math.min(hi / (1 + tol * 0.99), Math.max(est.users, hi / growth)) : hi / growth;
    } else {
      if (hi - lo <= Math.max(whole ? 1 : 0.01, tol * lo)) break;
      // Only an estimate from a step past the knee places the break; a lower bound does not narrow the bracket.
      next = est?.saturated ? Math.min(hi, Math.max(lo, est.users)) : (lo + hi) / 2;
      // Near a bound, confirm one tolerance away from it: that closes the bracket in one step.
      if (next - lo < tol * lo) next = lo * (1 + tol * 0.99);
      else if (hi - next < tol * next) next = hi / (1 + tol * 0.99);
    }
    const n = norm(next);
    if (n === load && steps.length > 0 && (n <= lo || n >= hi)) break;
    load = n <= lo || n >= hi ? norm((lo + (hi === Infinity ? lo * growth : hi)) / 2) : n;
    if (load <= lo || (hi !== Infinity && load >= hi)) break;
  }
  // A machine never quiet: the disturbed steps are all there is (the capacity analysis says so).
  if (!steps.some((s) => !s.disturbed)) {
    good ??= navGood;
    bad ??= navBad;
  }
  if (good !== undefined && bad !== undefined) stopReason ||= `bracketed the break between ${good} and ${bad} ${unit}`;
  if (!stopReason) stopReason = opts.signal?.aborted ? "interrupted before the break was found" : spent ? `stopped before the break was found: ${spent}` : `used all ${maxSteps} steps before the break was found`;
  else if (spent) stopReason += ` (${spent})`;
  if (navGood !== undefined || navBad !== undefined) stopReason += `; disturbed windows at ${[...new Set(steps.filter((s) => s.disturbed).map(loadOf))].join(", ")} ${unit} were not judged`;
  // 3. A load that broke below one that passed (a profile's, or the search's own) is re-tested.
  if (good !== undefined) {
    const retested = new Set(steps.filter((s) => s.pass === "retest").map(loadOf));
    const suspects = [...(opts.priorSteps ?? []).map((s) => ({ s, broke: s.disturbed ? undefined : sloBreach(s, opts.slo) })), ...steps.map((s) => ({ s, broke: s.disturbed || s.ok ? undefined : s.broke }))]
      .filter((x) => x.broke !== undefined && loadOf(x.s) < good! && loadOf(x.s) > 0 && !retested.has(loadOf(x.s)))
      .sort((a, b) => loadOf(b.s) - loadOf(a.s));
    for (const x of suspects.slice(0, 2)) {
      if (!budgetLeft()) break;
      const at = loadOf(x.s);
      const s = await run(at, "retest", `broke the SLO (${x.broke}) while ${good} ${unit} passed`);
      if (s) stopReason += `; re-tested ${at} ${unit} (it broke while ${good} passed): ${s.disturbed ? "disturbed again" : s.ok ? "met the SLO" : "broke again"}`;
    }
  }
  // 4. Repeat the best good load once, for the run-to-run variance.
  if ((opts.repeat ?? true) && good !== undefined && !opts.signal?.aborted && !outOfTime()) await run(good, "repeat");

  const capacity = analyzeCapacity(steps, { slo: opts.slo, model, comfortableFraction: opts.comfortableFraction ?? COMFORTABLE_FRACTION, plateauEfficiency: minEff, tolerance: tol });
  // 5. Recovery from the break down to the comfortable load.
  let recoverySec: number | null = null;
  let recoveryNote = "";
  if (runRecovery && bad !== undefined && !opts.signal?.aborted && !outOfTime()) {
    const settle = whole ? capacity.comfortable.users : capacity.comfortable.rps;
    if (settle !== null && settle > 0) {
      const r = await runRecovery(asLoad(model, bad), asLoad(model, settle));
      recoverySec = r.recoverySec ?? null;
      recoveryNote = `; recovery: ${r.reason}`;
    }
  }
  return {
    model,
    maxRps: capacity.maxRps.value,
    breakingPoint: { users: capacity.breakingPoint.users, rps: capacity.breakingPoint.rps, limit: capacity.breakingPoint.limit },
    comfortable: { users: capacity.comfortable.users, rps: capacity.comfortable.rps },
    recoverySec,
    confidence: capacity.confidence,
    confidenceReason: capacity.confidenceReason,
    steps: steps.map((s) => ({ users: whole ? (s.users ?? null) : null, ...(whole ? {} : { targetRate: s.targetRate }), rps: s.rps, p95Ms: s.p95Ms, errorPct: s.errorPct })),
    detail: { steps, capacity, stopReason: stopReason + recoveryNote },
  };
}

function loadOf(s: LoadStep): number {
  return s.users ?? s.targetRate ?? 0;
}
