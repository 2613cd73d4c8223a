// The open model (k6 constant- and ramping-arrival-rate): arrivals are due at times fixed by
// the plan, whatever the target does. Latency counts from the due time, so a stalled server
// cannot hide behind a stalled generator (coordinated omission). An arrival that finds
// `maxInFlight` requests already in flight is counted as dropped, never delayed.
import type { OpenStage } from "../plan/profile.js";
import type { Clock, TimerHandle } from "../core/clock.js";
import { arrivalCursor } from "./schedule.js";
import { inSegment, type SegmentPath } from "./segments.js";
import type { Workload } from "./workload.js";

export interface OpenCounters {
  /** Arrivals of this segment due so far. */
  scheduled: number;
  started: number;
  dropped: number;
}

export interface OpenExecutor {
  start(): void;
  stop(): void;
  counters(): OpenCounters;
  /** Called for every dropped arrival (the recorder counts it in the current second). */
  settled(): Promise<void>;
}

export function openExecutor(opts: {
  stages: readonly OpenStage[];
  segment: SegmentPath;
  maxInFlight: number;
  workload: Workload;
  clock: Clock;
  onDropped(): void;
  onScheduled?(): void;
}): OpenExecutor {
  const { segment, maxInFlight, workload, clock } = opts;
  const cursor = arrivalCursor(opts.stages);
  const counters: OpenCounters = { scheduled: 0, started: 0, dropped: 0 };
  let n = 0; // next global arrival index
  let t0 = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const done = (): void => {
    inFlight--;
    if (inFlight === 0 && idle) idle();
  };

  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = clock.now();
    for (; n < cursor.total; n++) {
      const due = cursor.dueMs(n);
      if (t0 + due > now) {
        timer = clock.setTimeout(tick, t0 + due - now);
        return;
      }
      if (!inSegment(segment, n)) continue;
      counters.scheduled++;
      opts.onScheduled?.();
      if (inFlight >= maxInFlight) {
        counters.dropped++;
        opts.onDropped();
        continue;
      }
      counters.started++;
      inFlight++;
      workload.startIteration(t0 + due, done);
    }
  };

  return {
    start() {
      t0 = clock.now();
      tick();
    },
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
    counters: () => ({ ...counters }),
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve))),
  };
}
