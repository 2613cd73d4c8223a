// The engine side of a breaking-point search: runs each step the algorithm (analysis/search.ts)
// asks for into its own run directory, with telemetry sampling the platform, and measures it.
// A step is held until its steady window is steady, or stopped as soon as the window is far past
// the SLO; the recovery run holds the break, then drops to the comfortable load. `headroom search`
// and the breaking-point stage of `headroom plan` both run their steps through here. Nothing here
// prints: warnings and per-second lines flow out through callbacks.
import { join } from "node:path";
import { recoveryAfterLoadDrop } from "../analysis/recovery.js";
import type { RecoveryRunner, StepLoad, StepRunner } from "../analysis/search.js";
import { describeNoise, noiseOf } from "../analysis/disturbance.js";
import { littleCheck } from "../analysis/little.js";
import { DEFAULT_STEADY, isSteady, measuredLines } from "../analysis/steady-state.js";
import { stepFromLines } from "../analysis/load-steps.js";
import { analyzeRun } from "../analysis/analyze-run.js";
import type { Recovery, RunAnalysis, SearchResult, SearchStep, Slo } from "../analysis/types.js";
import { newRunManifest } from "../engine/manifest.js";
import { runTest } from "../engine/run-test.js";
import type { SingleRequest } from "../engine/single-request.js";
import { describeProfile, validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { WaitSpec } from "../plan/wait.js";
import type { Targets } from "../plan/targets.js";
import { createRunStore, readRunStore, type RunStoreWriter } from "../store/run-store.js";
import type { IntervalLine, LoadLevel, Manifest, PlanDescription, RunStatus, RunSummary, TelemetryLine } from "../core/types.js";
import { startTelemetry, type TelemetryConfig } from "../telemetry/index.js";

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

/** runTest finishes the store itself; deferring that lets telemetry's last sample land first. */
export function deferFinish(store: RunStoreWriter): { writer: RunStoreWriter; finish(status?: RunStatus): void } {
  let args: [RunStatus, RunSummary | undefined, Date | undefined] | undefined;
  const writer: RunStoreWriter = {
    dir: store.dir,
    appendInterval: (l) => store.appendInterval(l),
    appendTelemetry: (l) => store.appendTelemetry(l),
    updateManifest: (p) => store.updateManifest(p),
    finish: (status, summary, endedAt) => {
      args = [status, summary, endedAt];
    },
  };
  return {
    writer,
    finish(status) {
      if (!args) return;
      const [s, summary, endedAt] = args;
      const final = status ?? s;
      store.finish(final, summary ? { ...summary, runStatus: final } : undefined, endedAt);
    },
  };
}

/** A window at twice the SLO's latency or error bound: broken whatever the rest of the step would show. */
export function farPastSlo(window: IntervalLine[], slo: Slo): boolean {
  const step = stepFromLines(window, {});
  if (step.requests === 0) return false;
  return (slo.p95Ms !== undefined && step.p95Ms > 2 * slo.p95Ms) || (slo.errorPct !== undefined && step.errorPct > 2 * slo.errorPct && step.errorPct >= 1);
}

export function createSearchRunner(opts: SearchRunnerOptions): SearchRunner {
  const { model, outDir, slo, warmupSec, windowSec, timeoutMs, workers } = opts;
  const stepDirs: string[] = [];
  const who = opts.notePrefix ?? "headroom search";
  const level = opts.loadLevel ?? "normal";
  const stop = opts.signal;

  const profileAt = (name: string, load: StepLoad, durationSec: number): Profile => {
    const base = { name, durationSec, timeoutMs, loadLevel: level };
    if (model === "open") return validateProfile({ ...base, executor: "open", rate: load.rate! });
    return validateProfile({ ...base, executor: "closed", users: load.users!, ...(opts.rampSec !== undefined ? { spawnRate: Math.max(1, Math.ceil(load.users! / opts.rampSec)) } : {}), ...(opts.staggerStart ? { staggerStart: true } : {}), ...(opts.thinkTime ? { thinkTime: opts.thinkTime } : {}) });
  };

  /** Runs one profile into its own run directory (with telemetry); `until` may stop it early. */
  const runInto = async (dir: string, profile: Profile, note: string, until?: (lines: IntervalLine[]) => boolean): Promise<{ lines: IntervalLine[]; telemetry: TelemetryLine[]; stoppedEarly: boolean; stoppedAt: number }> => {
    const manifest = newRunManifest({ name: profile.name, plan: describeProfile(profile, opts.planExtra), target: opts.target, loadLevel: level, notes: [note] });
    const store = createRunStore(dir, manifest);
    const deferred = deferFinish(store);
    const telemetry: TelemetryLine[] = [];
    const handle = opts.telemetry ? startTelemetry(opts.telemetry, (l) => {
      telemetry.push(l);
      store.appendTelemetry(l);
    }, { startedAtMs: Date.parse(manifest.startedAt), intervalMs: opts.telemetryIntervalMs, diskPath: dir }) : undefined;
    const lines: IntervalLine[] = [];
    const local = new AbortController();
    let stoppedEarly = false;
    let stoppedAt = 0;
    const onStop = (): void => local.abort();
    stop?.addEventListener("abort", onStop, { once: true });
    if (stop?.aborted) local.abort();
    try {
      await runTest({
        profile,
        store: deferred.writer,
        workers,
        signal: local.signal,
        vars: opts.vars ?? {},
        ...(opts.request ? { request: opts.request } : { scenario: opts.scenario! }),
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        onInterval: (line) => {
          lines.push(line);
          opts.onInterval?.(line);
          // The plan's last second also carries the stop's grace period: never judge a step on it.
          const last = line.t >= Math.ceil(profile.durationSec) - 1;
          if (!local.signal.aborted && !last && until?.(lines)) {
            stoppedEarly = true;
            stoppedAt = lines.length;
            local.abort();
          }
        },
        ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
      });
    } finally {
      stop?.removeEventListener("abort", onStop);
      await handle?.stop();
      // Stopped because it was steady is a completed step, not an interrupted one.
      deferred.finish(stoppedEarly && !stop?.aborted ? "completed" : undefined);
    }
    return { lines, telemetry, stoppedEarly, stoppedAt };
  };

  const steadyOpts = { ...DEFAULT_STEADY, warmupSec: 0, windowSec };
  const runStep: StepRunner = async (load, index, pass) => {
    const label = model === "open" ? `rate-${load.rate}` : `users-${load.users}`;
    const dir = join(outDir, `step-${String(index + 1).padStart(2, "0")}-${label}`);
    stepDirs.push(dir);
    // Never below warm-up + window + the final second, whatever the limit says.
    const stepSec = Math.max(warmupSec + windowSec + 1, Math.min(opts.stepSec, opts.stepSecLimit?.() ?? Infinity));
    opts.onStepStart?.({ index, load, pass, dir, durationSec: stepSec });
    // A step ends once its window is steady, or as soon as its window is far past the SLO (no
    // need to hold an overload for the whole step time).
    let why: "steady" | "broken" | undefined;
    const thinkSec = model === "closed" ? opts.thinkSec?.() : undefined;
    const { lines, telemetry, stoppedEarly, stoppedAt } = await runInto(dir, profileAt(`search-step-${index + 1}`, load, stepSec), `${who}: ${pass} step ${index + 1} at ${model === "open" ? `${load.rate} req/s` : `${load.users} users`}, held until steady`, (ls) => {
      if (ls.length < warmupSec + windowSec) return false;
      if (isSteady(ls.slice(warmupSec), steadyOpts) && (thinkSec === undefined || littleCheck(ls.slice(-windowSec), load.users!, thinkSec).holds)) why = "steady";
      else if (farPastSlo(ls.slice(-windowSec), slo)) why = "broken";
      return why !== undefined;
    });
    // The engine counts requests that finish in the stop's grace period in the last line: that line is not measured.
    const measured = stoppedEarly ? lines.slice(stoppedAt - windowSec, stoppedAt) : measuredLines(lines.slice(0, -1), warmupSec);
    const steady = why === "steady" ? true : why === "broken" ? undefined : false;
    const step = stepFromLines(measured, { ...(model === "open" ? { targetRate: load.rate! } : { users: load.users! }), source: dir, ...(steady !== undefined ? { steady } : {}), workers });
    step.noise = noiseOf(measured, telemetry, workers);
    const disturbed = describeNoise(step.noise);
    if (disturbed) step.disturbed = disturbed;
    return step;
  };

  const holdSec = opts.recoveryHoldSec ?? 5;
  const settleSec = opts.recoverySettleSec ?? 15;
  const runRecovery: RecoveryRunner = async (brk, settle): Promise<Recovery> => {
    const dir = join(outDir, "recovery");
    stepDirs.push(dir);
    const base = { name: "search-recovery", durationSec: holdSec + settleSec, timeoutMs, loadLevel: level };
    const think = opts.thinkTime ? { thinkTime: opts.thinkTime } : {};
    const profile: Profile =
      model === "open"
        ? validateProfile({ ...base, executor: "open", rate: brk.rate!, stages: [{ name: "overload", durationSec: holdSec, rate: brk.rate! }, { name: "drop", durationSec: 1, rate: settle.rate! }, { name: "recovery", durationSec: Math.max(1, settleSec - 1), rate: settle.rate! }] })
        : validateProfile({ ...base, executor: "closed", ...think, stages: [{ name: "overload", durationSec: holdSec, users: brk.users! }, { name: "recovery", durationSec: settleSec, users: settle.users! }] });
    opts.onStepStart?.({ index: stepDirs.length - 1, load: brk, pass: "recovery", dir, durationSec: holdSec + settleSec });
    const { lines } = await runInto(dir, profile, `${who}: recovery run, ${holdSec} s at the breaking load then ${settleSec} s at the comfortable load`);
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
