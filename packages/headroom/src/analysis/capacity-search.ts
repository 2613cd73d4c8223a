// The breaking-point search's state and steps (search.ts describes the algorithm): 1. up until a
// step breaks, 2. bisect the bracket, 3. re-test a load that broke below one that passed, 4. repeat
// the best good load, 5. measure recovery.
import { analyzeCapacity, COMFORTABLE_FRACTION, sloBoundsLatency } from "./capacity.js";
import { estimateBreakUsers, thinkTimeSec } from "./break-estimate.js";
import { ambientCores, judgeNoise, otherCpuLimit } from "./disturbance.js";
import { describeSlo, sloBreach } from "./slo.js";
import type { RecoveryRunner, SearchOptions, StepLoad, StepRunner } from "./search.js";
import type { CapacityAnalysis, LoadStep, SearchResult, SearchStep } from "./types.js";

function loadOf(s: LoadStep): number {
  return s.users ?? s.targetRate ?? 0;
}

/** A step that met the SLO on a window not steady: never judged on it (with `retestUnsteady`, measured again). */
export function unsteadyPass(s: SearchStep): boolean {
  return s.ok && s.steady === false;
}

export class CapacitySearch {
  private readonly steps: SearchStep[] = [];
  private readonly whole: boolean;
  private readonly unit: string;
  private readonly growth: number;
  private readonly maxLoad: number;
  private readonly maxSteps: number;
  private readonly tol: number;
  private readonly minEff: number;
  private readonly maxRetests: number;
  /** Closed model under a latency SLO: throughput levelling off is the ceiling, and latency breaks further up. */
  private readonly flatBreaks: boolean;
  private stopReason = "";
  private spent: string | undefined;
  // Noise that outlasted a re-test is persistent (a machine never quiet): re-testing more disturbed
  // steps would only spend the budget, until a quiet step shows the noise has gone.
  private persistentNoise = false;
  // Undisturbed bounds (the bracket) and provisional ones from disturbed steps (where to look next).
  private good: number | undefined;
  private bad: number | undefined;
  private navGood: number | undefined;
  private navBad: number | undefined;
  // The load the break estimate led to inside the bracket, and whether that step left the bracket
  // open: the estimate (or the step one tolerance from a bound it led to) missed, and from then on
  // the search bisects (a collapsed overload, say, would walk the bracket a tolerance a step).
  private estimatedAt: number | undefined;
  private estimateMissed = false;

  constructor(
    private readonly opts: SearchOptions,
    private readonly runStep: StepRunner,
    private readonly runRecovery?: RecoveryRunner,
  ) {
    const model = opts.model;
    this.growth = opts.growth ?? 2;
    this.maxLoad = opts.maxLoad ?? (model === "open" ? 100_000 : 10_000);
    this.maxSteps = opts.maxSteps ?? 14;
    this.tol = opts.tolerance ?? 0.1;
    this.minEff = opts.plateauEfficiency ?? 0.2;
    this.maxRetests = opts.maxRetests ?? 1;
    this.whole = model === "closed";
    this.unit = this.whole ? "users" : "req/s";
    this.flatBreaks = this.whole && !sloBoundsLatency(opts.slo);
  }

  async search(): Promise<SearchResult> {
    await this.bracketTheBreak();
    this.concludeStopReason();
    await this.retestSuspects();
    // 4. Repeat the best good load once, for the run-to-run variance.
    const o = this.opts;
    if ((o.repeat ?? true) && this.good !== undefined && !o.signal?.aborted && !this.outOfTime()) await this.run(this.good, "repeat");
    const capacity = analyzeCapacity(this.steps, {
      slo: o.slo,
      model: o.model,
      comfortableFraction: o.comfortableFraction ?? COMFORTABLE_FRACTION,
      plateauEfficiency: this.minEff,
      tolerance: this.tol,
    });
    const { recoverySec, recoveryNote } = await this.recovery(capacity);
    const whole = this.whole;
    const stepRow = (s: SearchStep): SearchResult["steps"][number] => ({
      users: whole ? (s.users ?? null) : null,
      ...(whole ? {} : { targetRate: s.targetRate }),
      rps: s.rps,
      p95Ms: s.p95Ms,
      errorPct: s.errorPct,
    });
    return {
      model: o.model,
      maxRps: capacity.maxRps.value,
      breakingPoint: { users: capacity.breakingPoint.users, rps: capacity.breakingPoint.rps, limit: capacity.breakingPoint.limit },
      comfortable: { users: capacity.comfortable.users, rps: capacity.comfortable.rps },
      recoverySec,
      confidence: capacity.confidence,
      confidenceReason: capacity.confidenceReason,
      steps: this.steps.map(stepRow),
      detail: { steps: this.steps, capacity, stopReason: this.stopReason + recoveryNote },
    };
  }

  private asLoad(v: number): StepLoad {
    return this.opts.model === "open" ? { rate: v } : { users: v };
  }

  private norm(v: number): number {
    return this.whole ? Math.max(1, Math.round(v)) : Math.round(v * 100) / 100;
  }

  private outOfTime(): boolean {
    return (this.spent ??= this.opts.stopBefore?.()) !== undefined;
  }

  private budgetLeft(): boolean {
    return this.steps.length < this.maxSteps && !this.opts.signal?.aborted && !this.outOfTime();
  }

  /** Why a measured step broke: the SLO, (open) not keeping up with the offered rate, (closed, no latency SLO) throughput flat. */
  private breach(measured: LoadStep, load: number): string | undefined {
    const prevOk = [...this.steps]
      .filter((s) => s.ok && !s.disturbed && s.pass !== "repeat" && loadOf(s) < load)
      .sort((a, b) => loadOf(b) - loadOf(a))[0];
    let broke = sloBreach(measured, this.opts.slo);
    if (!broke && this.opts.model === "open" && measured.rps < 0.9 * load) broke = `throughput ${measured.rps.toFixed(1)} req/s < 90% of the offered ${load} req/s`;
    if (!broke && this.flatBreaks && prevOk && prevOk.rps > 0) {
      const eff = (measured.rps / prevOk.rps - 1) / (load / loadOf(prevOk) - 1);
      if (eff < this.minEff) broke = `throughput flat: ${prevOk.rps.toFixed(1)} -> ${measured.rps.toFixed(1)} req/s from ${loadOf(prevOk)} to ${load} users`;
    }
    return broke;
  }

  private async run(load: number, pass: SearchStep["pass"], retest?: string): Promise<SearchStep | undefined> {
    const o = this.opts;
    // Disturbance judged against the quietest window so far (a machine never quiet raises the bar).
    const measured = judgeNoise([...(o.priorSteps ?? []), ...this.steps, await this.runStep(this.asLoad(load), this.steps.length, pass)], o.slo).pop()!;
    // A step cut short by Ctrl-C measured the interruption, not the load: it is not judged.
    if (o.signal?.aborted) return undefined;
    const broke = this.breach(measured, load);
    const step: SearchStep = { ...measured, pass, ok: broke === undefined, ...(broke ? { broke } : {}), ...(retest ? { retest } : {}) };
    this.steps.push(step);
    o.onStep?.(step);
    return step;
  }

  /** A step, measured again while its window was disturbed or not steady (never judged on such a window). */
  private async measure(load: number, pass: SearchStep["pass"]): Promise<SearchStep | undefined> {
    let s = await this.run(load, pass);
    for (let i = 0; s && i < this.maxRetests; i++) {
      if (!s.disturbed) this.persistentNoise = false;
      // A broken step that is not steady is a queue still growing: a break, not a reason to measure again.
      const unsteady = unsteadyPass(s) && this.opts.retestUnsteady;
      const why = s.disturbed
        ? this.persistentNoise
          ? undefined
          : `disturbed: ${s.disturbed}`
        : unsteady
          ? "it met the SLO on a window that was not steady before its time ran out"
          : undefined;
      if (!why || !this.budgetLeft()) break;
      const wasDisturbed = s.disturbed !== undefined;
      if (wasDisturbed && this.opts.waitForQuiet) await this.opts.waitForQuiet(otherCpuLimit(ambientCores([...(this.opts.priorSteps ?? []), ...this.steps])));
      s = await this.run(load, "retest", why);
      if (s && wasDisturbed) this.persistentNoise = s.disturbed !== undefined;
    }
    return s;
  }

  private estimate(): { users: number; saturated: boolean } | undefined {
    const o = this.opts;
    const steps = [...(o.priorSteps ?? []), ...this.steps];
    const think = o.thinkSec ?? (o.measureThink ? thinkTimeSec(steps) : undefined);
    return this.whole && think !== undefined ? estimateBreakUsers(steps, o.slo, think) : undefined;
  }

  /** Moves the bounds by a measured step at `load`. */
  private bound(s: SearchStep, load: number): void {
    if (s.disturbed) {
      if (s.ok) this.navGood = Math.max(this.navGood ?? 0, load);
      else this.navBad = Math.min(this.navBad ?? Infinity, load);
    } else if (s.ok) this.good = Math.max(this.good ?? 0, load);
    else this.bad = Math.min(this.bad ?? Infinity, load);
  }

  /** The next load to measure inside (lo, hi), or undefined when the search is done. */
  private nextLoad(lo: number, hi: number): number | undefined {
    const { growth, tol, whole } = this;
    const est = this.estimate();
    if (hi === Infinity) {
      // Nothing broke yet: up, to the estimate when it lies ahead (a tolerance on at least), else by `growth`.
      if (lo >= this.maxLoad) {
        this.stopReason = `reached the maximum load of ${this.maxLoad} without breaking ${describeSlo(this.opts.slo)}`;
        return undefined;
      }
      // A saturated step's estimate is the break: go there (not past one growth step); a lower
      // bound only matters when it lies beyond a growth step.
      const next = est?.saturated && est.users > lo ? Math.min(lo * growth, Math.max(est.users, lo * (1 + tol))) : Math.max(lo * growth, est?.users ?? 0);
      return Math.min(this.maxLoad, next);
    }
    if (lo === 0) {
      // The first step already broke: down, to the estimate when it lies below, else by `growth`.
      if (hi <= (whole ? 1 : 0.5)) return undefined;
      // An estimate at or above the broken load says the break is just below it: confirm one tolerance down.
      return est !== undefined ? Math.min(hi / (1 + tol * 0.99), Math.max(est.users, hi / growth)) : hi / growth;
    }
    if (hi - lo <= Math.max(whole ? 1 : 0.01, tol * lo)) return undefined;
    // Only an estimate from a step past the knee places the break; a lower bound does not narrow the
    // bracket, nor does an estimate at or below a load that passed (it was wrong: bisect).
    const trusted = est?.saturated === true && est.users > lo && !this.estimateMissed;
    const mid = trusted ? Math.min(hi, est.users) : (lo + hi) / 2;
    // Near a bound, confirm one tolerance away from it: that closes the bracket in one step.
    const next = mid - lo < tol * lo ? lo * (1 + tol * 0.99) : hi - mid < tol * mid ? hi / (1 + tol * 0.99) : mid;
    this.estimatedAt = trusted ? this.norm(next) : undefined;
    return next;
  }

  /** 1-2. Up until a step breaks, then narrow the bracket between the heaviest good and the lightest bad load. */
  private async bracketTheBreak(): Promise<void> {
    let load = this.norm(this.opts.start ?? 10);
    while (this.budgetLeft()) {
      const s = await this.measure(load, this.good !== undefined && this.bad !== undefined ? "bisect" : "ramp");
      if (!s) break;
      this.bound(s, load);
      if (!s.disturbed && load === this.estimatedAt) this.estimateMissed = true;
      const { good, bad, navGood, navBad } = this;
      const lo = Math.max(good ?? 0, navGood !== undefined && navGood < (bad ?? Infinity) ? navGood : 0);
      const hi = Math.min(bad ?? Infinity, navBad !== undefined && navBad > (good ?? 0) ? navBad : Infinity);
      const next = this.nextLoad(lo, hi);
      if (next === undefined) break;
      const n = this.norm(next);
      if (n === load && this.steps.length > 0 && (n <= lo || n >= hi)) break;
      load = n <= lo || n >= hi ? this.norm((lo + (hi === Infinity ? lo * this.growth : hi)) / 2) : n;
      if (load <= lo || (hi !== Infinity && load >= hi)) break;
    }
    // A machine never quiet: the disturbed steps are all there is (the capacity analysis says so).
    if (!this.steps.some((s) => !s.disturbed)) {
      this.good ??= this.navGood;
      this.bad ??= this.navBad;
    }
  }

  private concludeStopReason(): void {
    const { good, bad, unit, spent } = this;
    if (good !== undefined && bad !== undefined) this.stopReason ||= `bracketed the break between ${good} and ${bad} ${unit}`;
    if (!this.stopReason) {
      this.stopReason = this.opts.signal?.aborted
        ? "interrupted before the break was found"
        : spent
          ? `stopped before the break was found: ${spent}`
          : `used all ${this.maxSteps} steps before the break was found`;
    } else if (spent) this.stopReason += ` (${spent})`;
    if (this.navGood !== undefined || this.navBad !== undefined) {
      const disturbedLoads = [...new Set(this.steps.filter((s) => s.disturbed).map(loadOf))].join(", ");
      this.stopReason += `; disturbed windows at ${disturbedLoads} ${unit} were not judged`;
    }
  }

  /** 3. A load that broke below one that passed (a profile's, or the search's own) is re-tested. */
  private async retestSuspects(): Promise<void> {
    const { good, unit } = this;
    if (good === undefined) return;
    const retested = new Set(this.steps.filter((s) => s.pass === "retest").map(loadOf));
    const prior = (this.opts.priorSteps ?? []).map((s) => ({ s, broke: s.disturbed ? undefined : sloBreach(s, this.opts.slo) }));
    const own = this.steps.map((s) => ({ s, broke: s.disturbed || s.ok ? undefined : s.broke }));
    const suspects = [...prior, ...own]
      .filter((x) => x.broke !== undefined && loadOf(x.s) < good && loadOf(x.s) > 0 && !retested.has(loadOf(x.s)))
      .sort((a, b) => loadOf(b.s) - loadOf(a.s));
    for (const x of suspects.slice(0, 2)) {
      if (!this.budgetLeft()) break;
      const at = loadOf(x.s);
      const s = await this.run(at, "retest", `broke the SLO (${x.broke}) while ${good} ${unit} passed`);
      if (s) this.stopReason += `; re-tested ${at} ${unit} (it broke while ${good} passed): ${s.disturbed ? "disturbed again" : s.ok ? "met the SLO" : "broke again"}`;
    }
  }

  /** 5. Recovery from the break down to the comfortable load. */
  private async recovery(capacity: CapacityAnalysis): Promise<{ recoverySec: number | null; recoveryNote: string }> {
    const none = { recoverySec: null, recoveryNote: "" };
    if (!this.runRecovery || this.bad === undefined || this.opts.signal?.aborted || this.outOfTime()) return none;
    const settle = this.whole ? capacity.comfortable.users : capacity.comfortable.rps;
    if (settle === null || settle <= 0) return none;
    const r = await this.runRecovery(this.asLoad(this.bad), this.asLoad(settle));
    return { recoverySec: r.recoverySec ?? null, recoveryNote: `; recovery: ${r.reason}` };
  }
}
