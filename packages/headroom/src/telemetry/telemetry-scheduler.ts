// Runs collectors on a fixed cadence and turns their readings into TelemetryLines.
//   - Ticks fall on startedAtMs + k * intervalMs (the first one at once, the next at least half an
//     interval later), so lines of different collectors share timestamps and line up with the
//     engine's seconds.
//   - Collectors sample concurrently; a collector whose previous sample is still running skips
//     the tick and a line with ok=false and labels.skipped="true" records the skip.
//   - A sample that throws becomes an ok=false line; the next tick tries again.
//   - stop() waits for running samples, takes a final sample (when the last tick is at least
//     min(1 s, interval/2) old, so its rates are not noise), then closes every collector.
import type { TelemetryLine } from "../core/types.js";
import { errorMessage, round, type Collector, type CollectorReading } from "./types.js";
import { realClock, unrefTimer, type Clock, type TimerHandle } from "../core/clock.js";
import { redactSecrets } from "../core/redact.js";

export interface ScheduleOptions {
  /** Epoch ms that t=0 of the lines refers to (the run's start). */
  startedAtMs: number;
  /** Default 5000 (the seed's cadence). */
  intervalMs?: number;
  /** Lines are stamped with its epochMs(); the real clock by default, a fake one in tests. */
  clock?: Clock;
  /** Take one more sample on stop(). Default true. */
  finalSample?: boolean;
  /** Called when the sink throws (the line is lost; sampling goes on). */
  onSinkError?: (e: unknown, line: TelemetryLine) => void;
}

export interface TelemetryHandle {
  /** Stops the ticks, waits for running samples, takes the final sample and closes connections. */
  stop(): Promise<void>;
}

export type TelemetrySink = (line: TelemetryLine) => void;

export function scheduleCollectors(collectors: readonly Collector[], sink: TelemetrySink, opts: ScheduleOptions): TelemetryHandle {
  const clock = opts.clock ?? realClock;
  const intervalMs = opts.intervalMs ?? 5000;
  const running = new Map<Collector, { promise: Promise<void>; sinceMs: number }>();
  let timer: TimerHandle | undefined;
  let stopping: Promise<void> | undefined;
  let lastTickMs = -Infinity;

  const emit = (line: TelemetryLine): void => {
    try {
      sink(line);
    } catch (e) {
      opts.onSinkError?.(e, line);
    }
  };
  const lineOf = (nowMs: number, source: string, r: CollectorReading): TelemetryLine => {
    const line: TelemetryLine = { ts: nowMs, t: round((nowMs - opts.startedAtMs) / 1000, 3), source, ok: r.ok, values: r.values };
    if (r.error !== undefined) line.error = r.error;
    if (r.labels && Object.keys(r.labels).length > 0) line.labels = r.labels;
    return line;
  };

  function run(c: Collector, nowMs: number): void {
    const busy = running.get(c);
    if (busy) {
      const sinceT = round((busy.sinceMs - opts.startedAtMs) / 1000, 3);
      emit(lineOf(nowMs, c.source, { ok: false, error: `skipped: the sample started at t=${sinceT}s is still running`, values: {}, labels: { skipped: "true" } }));
      return;
    }
    const promise = (async () => {
      let readings: CollectorReading[];
      try {
        readings = await c.sample(nowMs);
        if (readings.length === 0) readings = [{ ok: false, error: "the collector returned no reading", values: {} }];
      } catch (e) {
        readings = [{ ok: false, error: redactSecrets(errorMessage(e)), values: {} }];
      }
      for (const r of readings) emit(lineOf(nowMs, c.source, r));
    })().finally(() => running.delete(c));
    running.set(c, { promise, sinceMs: nowMs });
  }

  function tick(): void {
    const nowMs = clock.epochMs();
    lastTickMs = nowMs;
    for (const c of collectors) run(c, nowMs);
    scheduleNext(nowMs);
  }

  function scheduleNext(nowMs: number): void {
    if (stopping) return;
    const k = Math.max(0, Math.floor((nowMs - opts.startedAtMs) / intervalMs) + 1);
    let dueMs = opts.startedAtMs + k * intervalMs;
    // A grid point just after this tick (telemetry started a few ms before the load's t = 0)
    // would only find this tick's samples still running: the next one is due instead.
    if (dueMs - nowMs < intervalMs / 2) dueMs += intervalMs;
    timer = unrefTimer(clock.setTimeout(tick, Math.max(0, dueMs - nowMs)));
  }

  tick();

  return {
    stop() {
      stopping ??= (async () => {
        if (timer !== undefined) clock.clearTimeout(timer);
        await Promise.all([...running.values()].map((r) => r.promise));
        if (opts.finalSample !== false && clock.epochMs() - lastTickMs >= Math.min(1000, intervalMs / 2)) {
          const nowMs = clock.epochMs();
          for (const c of collectors) run(c, nowMs);
          await Promise.all([...running.values()].map((r) => r.promise));
        }
        await Promise.all(collectors.map((c) => c.close().catch(() => undefined)));
      })();
      return stopping;
    },
  };
}
