// The breaking-point search, as a pure algorithm over an injected step runner (the CLI's runs
// the engine; tests run a fake). It steps the load up geometrically (users in the closed model,
// an arrival rate in the open model) until a step breaks the SLO, throughput stops growing, or
// the bounds are reached; then bisects between the last good and the first broken load until
// they are within `tolerance` of each other; repeats the best good load once to measure
// run-to-run variance; and finally (when asked) measures recovery: the break held, then the
// load dropped to the comfortable level.
import { analyzeCapacity, COMFORTABLE_FRACTION } from "./capacity.js";
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
}

const asLoad = (model: "closed" | "open", v: number): StepLoad => (model === "open" ? { rate: v } : { users: v });

export async function searchCapacity(opts: SearchOptions, runStep: StepRunner, runRecovery?: RecoveryRunner): Promise<SearchResult> {
  const model = opts.model;
  const growth = opts.growth ?? 2;
  const maxLoad = opts.maxLoad ?? (model === "open" ? 100_000 : 10_000);
  const maxSteps = opts.maxSteps ?? 14;
  const tol = opts.tolerance ?? 0.1;
  const minEff = opts.plateauEfficiency ?? 0.2;
  const whole = model === "closed";
  const norm = (v: number): number => (whole ? Math.max(1, Math.round(v)) : Math.round(v * 100) / 100);
  const steps: SearchStep[] = [];
  let stopReason = "";

  const run = async (load: number, pass: SearchStep["pass"]): Promise<SearchStep | undefined> => {
    const measured = await runStep(asLoad(model, load), steps.length, pass);
    // A step cut short by Ctrl-C measured the interruption, not the load: it is not judged.
    if (opts.signal?.aborted) return undefined;
    const prevOk = [...steps].filter((s) => s.ok && s.pass !== "repeat" && loadOf(s) < load).sort((a, b) => loadOf(b) - loadOf(a))[0];
    let broke = sloBreach(measured, opts.slo);
    if (!broke && model === "open" && measured.rps < 0.9 * load) broke = `throughput ${measured.rps.toFixed(1)} req/s < 90% of the offered ${load} req/s`;
    if (!broke && model === "closed" && prevOk && prevOk.rps > 0) {
      const eff = (measured.rps / prevOk.rps - 1) / (load / loadOf(prevOk) - 1);
      if (eff < minEff) broke = `throughput flat: ${prevOk.rps.toFixed(1)} -> ${measured.rps.toFixed(1)} req/s from ${loadOf(prevOk)} to ${load} users`;
    }
    const step: SearchStep = { ...measured, pass, ok: broke === undefined, ...(broke ? { broke } : {}) };
    steps.push(step);
    opts.onStep?.(step);
    return step;
  };
  let spent: string | undefined;
  const outOfTime = (): boolean => (spent ??= opts.stopBefore?.()) !== undefined;
  const budgetLeft = (): boolean => steps.length < maxSteps && !opts.signal?.aborted && !outOfTime();

  // 1. Up: geometric steps until something breaks.
  let good: number | undefined;
  let bad: number | undefined;
  let load = norm(opts.start ?? 10);
  while (budgetLeft()) {
    const s = await run(load, "ramp");
    if (!s) break;
    if (!s.ok) {
      bad = load;
      break;
    }
    good = load;
    if (load >= maxLoad) {
      stopReason = `reached the maximum load of ${maxLoad} without breaking ${describeSlo(opts.slo)}`;
      break;
    }
    load = Math.min(maxLoad, norm(load * growth));
  }
  // The first step already broke: come down until one holds.
  while (good === undefined && bad !== undefined && budgetLeft() && bad > (whole ? 1 : 0.5)) {
    const down = norm(bad / growth);
    if (down >= bad) break;
    const s = await run(down, "ramp");
    if (!s) break;
    if (s.ok) good = down;
    else bad = down;
  }
  // 2. Bisect the bracket.
  if (good !== undefined && bad !== undefined) {
    while (budgetLeft() && bad - good > Math.max(whole ? 1 : 0.01, tol * good)) {
      const mid = norm((good + bad) / 2);
      if (mid <= good || mid >= bad) break;
      const s = await run(mid, "bisect");
      if (!s) break;
      if (s.ok) good = mid;
      else bad = mid;
    }
    stopReason ||= `bracketed the break between ${good} and ${bad} ${whole ? "users" : "req/s"}`;
  }
  if (!stopReason) stopReason = opts.signal?.aborted ? "interrupted before the break was found" : spent ? `stopped before the break was found: ${spent}` : `used all ${maxSteps} steps before the break was found`;
  else if (spent) stopReason += ` (${spent})`;
  // 3. Repeat the best good load once, for the run-to-run variance.
  if ((opts.repeat ?? true) && good !== undefined && !opts.signal?.aborted && !outOfTime()) await run(good, "repeat");

  const capacity = analyzeCapacity(steps, { slo: opts.slo, model, comfortableFraction: opts.comfortableFraction ?? COMFORTABLE_FRACTION, plateauEfficiency: minEff });
  // 4. Recovery from the break down to the comfortable load.
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
