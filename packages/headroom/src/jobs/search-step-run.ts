// How one search step (or the recovery run) is run in this process: a profile into its own run
// directory, with telemetry sampling the platform; `until` may stop it early. The per-second lines
// and the telemetry come back for the runner to judge. The hosts path (search-step-hosts.ts)
// returns the same shape from N segment processes.
import { newRunManifest } from "../engine/manifest.js";
import { runTest } from "../engine/run-test.js";
import { describeProfile, type Profile } from "../plan/profile.js";
import { createRunStore, type RunStoreWriter } from "../store/run-store.js";
import type { IntervalLine, RunStatus, RunSummary, TelemetryLine } from "../core/types.js";
import { startTelemetry } from "../telemetry/index.js";
import type { SearchRunnerOptions } from "./search-runner.js";

/** What a step's run gave: its lines, the platform's telemetry, and whether (and after how many lines) `until` stopped it. */
export interface StepRun {
  lines: IntervalLine[];
  telemetry: TelemetryLine[];
  stoppedEarly: boolean;
  stoppedAt: number;
  /** Generator processes lost during the step (hosts > 1): why its figures miss a share of the load. */
  lost?: string;
}

/** Decides after each second whether the step has shown enough (steady, or far past the SLO). */
export type StopWhen = (lines: IntervalLine[]) => boolean;

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

/** The plan's last second also carries the stop's grace period: a step is never judged on it. */
export const isLastSecond = (line: IntervalLine, profile: Profile): boolean => line.t >= Math.ceil(profile.durationSec) - 1;

/** Runs one profile into its own run directory (with telemetry) in this process; `until` may stop it early. */
export async function runInProcess(opts: SearchRunnerOptions, dir: string, profile: Profile, note: string, until?: StopWhen): Promise<StepRun> {
  const level = opts.loadLevel ?? "normal";
  const stop = opts.signal;
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
      workers: opts.workers,
      signal: local.signal,
      vars: opts.vars ?? {},
      ...(opts.request ? { request: opts.request } : { scenario: opts.scenario! }),
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      onInterval: (line) => {
        lines.push(line);
        opts.onInterval?.(line);
        if (!local.signal.aborted && !isLastSecond(line, profile) && until?.(lines)) {
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
}
