// runTest: the engine's one entry point. Runs a profile (closed, open or throughput) with a
// scenario or a single request, in this thread or in one worker thread per segment, writes one
// merged interval line per second to the run store as each second closes, and finishes the store
// with the summary. Callers create the store (so telemetry can write to the same one).
import { availableParallelism } from "node:os";
import { summarizeIntervals } from "../metrics/summary.js";
import { HeadroomError } from "../core/errors.js";
import { DEFAULT_TIMEOUT_MS, validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { readRunStore, type RunStoreWriter } from "../store/run-store.js";
import type { IntervalLine, RunStatus, RunSummary } from "../core/types.js";
import { mathRng, seededRng } from "../core/rng.js";
import { realClock } from "../core/clock.js";
import { generatorSampler } from "./generator-sampler.js";
import { scenarioWorkload } from "./scenario-workload.js";
import { runSegment, type SegmentOutcome } from "./segment-runner.js";
import { formatSegment, WHOLE, type SegmentPath } from "./segments.js";
import type { SingleRequest } from "./single-request.js";
import { singleUrlWorkload } from "./url-workload.js";
import { runWorkers } from "./worker-pool.js";

export interface RunTestOptions {
  profile: Profile;
  scenario?: Scenario;
  request?: SingleRequest;
  store: RunStoreWriter;
  /** Worker threads, one segment each (default: one per available core; 1 runs in this thread). */
  workers?: number;
  signal?: AbortSignal;
  onInterval?: (line: IntervalLine) => void;
  /** A warning worth showing the user (a task that threw, a worker that lagged). */
  onWarning?: (message: string) => void;
  vars?: Record<string, string>;
  baseUrl?: string;
  seed?: number;
  /** This host's share when a test is split across hosts (a Kubernetes Indexed Job): e.g. [{ from: 2, to: 3, of: 4 }]. */
  segment?: SegmentPath;
  /** Epoch ms at which the load starts (hosts of one test share it); default: now. */
  startAtEpochMs?: number;
  /**
   * Called with the epoch ms of t = 0 once it is fixed (worker threads take a moment to load):
   * interval line t covers [start + t s, start + t + 1 s). Telemetry started with the same value,
   * or with `startAtEpochMs` chosen a little ahead, lines up second for second.
   */
  onStart?: (startEpochMs: number) => void;
}

/** Worker threads to use by default: one per core this process may run on (taskset is respected). */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runTest(opts: RunTestOptions): Promise<RunSummary> {
  const { profile, store } = opts;
  validateProfile(profile);
  if (!opts.scenario === !opts.request) {
    throw new HeadroomError("HR_BAD_ARGUMENT", "runTest needs exactly one of `scenario` or `request`", "pass a scenario loaded with loadScenario(path), or a single request { url }");
  }
  const manifest = readRunStore(store.dir).manifest;
  const lines: IntervalLine[] = [];
  // A host's share of a multi-host test is marked, so the hosts' streams merge by second later.
  const segmentLabel = opts.segment && opts.segment.length > 0 ? formatSegment(opts.segment) : undefined;
  const accept = (line: IntervalLine): void => {
    if (segmentLabel) line.segment = segmentLabel;
    store.appendInterval(line);
    lines.push(line);
    opts.onInterval?.(line);
  };
  const timeoutMs = profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const workers = Math.max(1, Math.floor(opts.workers ?? defaultWorkers()));
  // Scenarios built in memory cannot be loaded again by a worker: they run in this thread.
  const inProcess = workers === 1 || (opts.scenario !== undefined && !opts.scenario.sourcePath);

  let status: RunStatus = "completed";
  let failure: unknown;
  try {
    const outcome = inProcess ? await runInProcess(opts, timeoutMs, accept) : await runInWorkers(opts, workers, accept);
    if (outcome === "interrupted") status = "interrupted";
  } catch (e) {
    status = "failed";
    failure = e;
  }
  const endedAt = new Date();
  const summary = summarizeIntervals(lines, { ...manifest, status, endedAt: endedAt.toISOString() }, store.dir);
  store.finish(status, summary, endedAt);
  if (failure) throw failure;
  return summary;
}

/** Runs the whole test (or this host's segment) in this thread on the real clock. */
async function runInProcess(opts: RunTestOptions, timeoutMs: number, accept: (line: IntervalLine) => void): Promise<SegmentOutcome> {
  const { profile } = opts;
  const sampler = generatorSampler();
  const rng = opts.seed !== undefined ? seededRng(opts.seed) : mathRng;
  const clock = realClock;
  const startEpochMs = Math.max(Date.now() + 20, opts.startAtEpochMs ?? 0);
  const start = clock.now() + (startEpochMs - Date.now());
  opts.onStart?.(startEpochMs);
  // A scenario bug (onStart threw) stops the run like Ctrl-C, then fails it.
  const stop = new AbortController();
  let fatal: Error | undefined;
  const onAbort = (): void => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const onFatal = (e: Error): void => {
    fatal ??= e;
    stop.abort();
  };
  try {
    const outcome = await runSegment({
      profile,
      segment: opts.segment ?? WHOLE,
      clock,
      startMs: start,
      startEpochMs,
      signal: stop.signal,
      emit: accept,
      sampleGenerator: () => sampler.sample(),
      makeWorkload: (recorder) =>
        opts.request
          ? singleUrlWorkload({ request: opts.request, profile, timeoutMs, recorder, clock, rng })
          : scenarioWorkload({
              scenario: opts.scenario!,
              profile,
              recorder,
              clock,
              rng,
              timeoutMs,
              vars: opts.vars ?? {},
              baseUrl: opts.baseUrl,
              onWarning: opts.onWarning,
              onFatal,
            }),
    });
    if (fatal) throw fatal;
    return outcome;
  } finally {
    sampler.stop();
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Runs the test in `workers` worker threads, one segment each. */
function runInWorkers(opts: RunTestOptions, workers: number, accept: (line: IntervalLine) => void): Promise<SegmentOutcome> {
  return runWorkers({
    workers,
    profile: opts.profile,
    ...(opts.scenario?.sourcePath ? { scenarioPath: opts.scenario.sourcePath } : {}),
    ...(opts.request ? { request: opts.request } : {}),
    vars: opts.vars ?? {},
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    emit: accept,
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    ...(opts.segment ? { segment: opts.segment } : {}),
    ...(opts.startAtEpochMs !== undefined ? { startAtEpochMs: opts.startAtEpochMs } : {}),
    ...(opts.onStart ? { onStart: opts.onStart } : {}),
  });
}
