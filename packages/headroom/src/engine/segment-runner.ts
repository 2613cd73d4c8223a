// Runs one segment of a test (the whole test in one process, or a worker's share): starts the
// executor at the planned start, closes one interval line per second, and ends at the planned
// duration or when the signal aborts: stop starting work, give in-flight requests a grace period,
// write the last (partial) second.
import { closedStages, defaultMaxInFlight, openStages, profileDurationSec, type Profile } from "../plan/profile.js";
import type { GeneratorInterval, IntervalLine } from "../core/types.js";
import { sleep, type Clock, type TimerHandle } from "../core/clock.js";
import { closedExecutor } from "./closed-executor.js";
import { openExecutor } from "./open-executor.js";
import { Recorder } from "./recorder.js";
import { stageAt } from "./schedule.js";
import { segmentShare, type SegmentPath } from "./segments.js";
import type { Workload } from "./workload.js";

export interface SegmentRunOptions {
  profile: Profile;
  segment: SegmentPath;
  makeWorkload(recorder: Recorder): Workload | Promise<Workload>;
  clock: Clock;
  /** Clock time of t = 0 (may be a little in the future so workers start together). */
  startMs: number;
  /** Epoch ms of t = 0, for the lines' `ts`. */
  startEpochMs: number;
  signal?: AbortSignal;
  emit(line: IntervalLine): void;
  sampleGenerator(): GeneratorInterval;
  /** How long in-flight requests may finish after the end (default min(timeout, 5 s)). */
  graceMs?: number;
}

export type SegmentOutcome = "completed" | "interrupted";

/** The executor as the segment drives it, whichever model it runs. */
interface RunningExecutor {
  users(): number;
  stop(): void;
  settled(): Promise<void>;
}

/** Starts the profile's executor on the workload; the open model counts its arrivals in `counts`. */
function startExecutor(opts: SegmentRunOptions, workload: Workload, recorder: Recorder, counts: { scheduledThisSecond: number }): RunningExecutor {
  const { profile, segment, clock } = opts;
  if (profile.executor === "open") {
    const share = segmentShare(segment);
    const maxInFlight = Math.max(1, Math.ceil((profile.maxInFlight ?? defaultMaxInFlight(profile)) * share));
    const onDropped = (): void => {
      recorder.dropped++;
    };
    const onScheduled = (): void => {
      counts.scheduledThisSecond++;
    };
    const ex = openExecutor({ stages: openStages(profile), segment, maxInFlight, workload, clock, onDropped, onScheduled });
    ex.start();
    return { users: () => workload.inFlight(), stop: () => ex.stop(), settled: () => ex.settled() };
  }
  const closed = profile.executor === "closed" ? closedStages(profile) : [{ durationSec: profileDurationSec(profile), users: profile.connections ?? 1 }];
  const ex = closedExecutor({ stages: closed, segment, workload, clock });
  ex.start();
  return { users: () => ex.activeUsers(), stop: () => ex.stop(), settled: () => ex.settled() };
}

/** Stops starting work and lets in-flight work finish for at most `graceMs`; then closes the workload. */
async function drain(ex: RunningExecutor, workload: Workload, clock: Clock, graceMs: number): Promise<void> {
  ex.stop();
  const grace = new AbortController();
  await Promise.race([ex.settled(), sleep(clock, graceMs, grace.signal)]);
  grace.abort();
  await workload.close();
}

export async function runSegment(opts: SegmentRunOptions): Promise<SegmentOutcome> {
  const { profile, clock, signal } = opts;
  const durationSec = profileDurationSec(profile);
  const recorder = new Recorder();
  const workload = await opts.makeWorkload(recorder);
  // Read once, after the workload is ready: in workers the start time arrives only then.
  const startMs = opts.startMs;
  const startEpochMs = opts.startEpochMs;
  await sleep(clock, startMs - clock.now(), signal);
  if (signal?.aborted) {
    await workload.close();
    recorder.destroy();
    return "interrupted";
  }

  const stages = profile.executor === "open" ? openStages(profile) : profile.executor === "closed" ? closedStages(profile) : [];
  const counts = { scheduledThisSecond: 0 };
  const ex = startExecutor(opts, workload, recorder, counts);
  let users = (): number => ex.users();

  let t = 0;
  const flush = (second: number, final = false): void => {
    if (!final) workload.beforeFlush?.();
    const phase = stages.length > 0 ? stageAt(stages, second * 1000).name : undefined;
    const line = recorder.flush(second, startEpochMs + second * 1000, {
      users: users(),
      inFlight: workload.inFlight(),
      ...(phase ? { phase } : {}),
      ...(profile.executor === "open" ? { targetRate: counts.scheduledThisSecond } : {}),
      generator: opts.sampleGenerator(),
    });
    counts.scheduledThisSecond = 0;
    opts.emit(line);
  };

  // One line per second until the last second, which closes after the grace period. When the
  // loop was blocked past a boundary, the seconds it missed are closed as they are caught up
  // (what completed meanwhile counts in the first of them): every second gets its line.
  let secondTimer: TimerHandle | undefined;
  const lastSecond = Math.ceil(durationSec) - 1;
  const armSecond = (): void => {
    if (t >= lastSecond) return;
    secondTimer = clock.setTimeout(() => {
      const reached = Math.min(lastSecond, Math.floor((clock.now() - startMs) / 1000));
      do {
        flush(t);
        t++;
      } while (t < reached);
      armSecond();
    }, startMs + (t + 1) * 1000 - clock.now());
  };
  armSecond();

  await sleep(clock, startMs + durationSec * 1000 - clock.now(), signal);
  const outcome: SegmentOutcome = signal?.aborted ? "interrupted" : "completed";
  const endedMs = clock.now();
  if (secondTimer) clock.clearTimeout(secondTimer);
  // The last line reports the users the plan had at its end, not the zero left after stopping.
  const usersAtEnd = users();
  users = () => usersAtEnd;
  workload.beforeFlush?.();
  await drain(ex, workload, clock, opts.graceMs ?? Math.min(profile.timeoutMs ?? 30_000, 5000));
  // Requests completed during the grace period count in the last second of the plan; seconds
  // the loop never got to close (it was blocked) are closed first.
  const reached = outcome === "completed" ? lastSecond : Math.min(lastSecond, Math.floor((endedMs - startMs) / 1000));
  while (t < reached) {
    flush(t);
    t++;
  }
  flush(t, true);
  recorder.destroy();
  return outcome;
}
