// The one clock of the package: a monotonic `now()` in milliseconds, the wall clock's epoch
// milliseconds for timestamps written to records, and timers. The real clock uses
// performance.now() and Date.now(); tests inject a fake clock and advance it, so executor and
// telemetry schedules are asserted exactly instead of with wall-clock tolerances.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  now(): number;
  /** Epoch milliseconds (Date.now()): timestamps on record, not durations (the wall clock may step). */
  epochMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  setTimeout(fn, ms) {
    return setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as unknown as ReturnType<typeof setTimeout>);
  },
};

export interface FakeClock extends Clock {
  /** Moves time forward, running every timer due on the way (in due order), with microtasks between. */
  advance(ms: number): Promise<void>;
  /** Moves time forward without running timers, as a blocked event loop would; `advance(0)` runs them late. */
  jump(ms: number): void;
  /** Timers still pending. */
  pending(): number;
}

/** A virtual clock for tests: time moves only through `advance`; its epoch is its `now()`. */
export function fakeClock(startMs = 0): FakeClock {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, { due: number; seq: number; fn: () => void }>();
  const flushMicrotasks = async (): Promise<void> => {
    // Several turns, so promise chains started by a timer settle before time moves on.
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    epochMs: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { due: now + Math.max(0, ms), seq: id, fn });
      return { id };
    },
    clearTimeout(handle) {
      if (handle) timers.delete(handle.id);
    },
    pending: () => timers.size,
    jump(ms) {
      now += ms;
    },
    async advance(ms) {
      const end = now + ms;
      await flushMicrotasks();
      for (;;) {
        let next: { id: number; due: number; seq: number; fn: () => void } | undefined;
        for (const [id, t] of timers) if (t.due <= end && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = { id, ...t };
        if (!next) break;
        timers.delete(next.id);
        now = Math.max(now, next.due);
        next.fn();
        await flushMicrotasks();
      }
      now = end;
      await flushMicrotasks();
    },
  };
}

/**
 * Lets a real timer's pending tick not keep the process alive (a background sampler's next tick
 * must not hold a finished CLI open). A fake clock's handle has nothing to unref.
 */
export function unrefTimer(handle: TimerHandle): TimerHandle {
  (handle as { unref?: () => unknown }).unref?.();
  return handle;
}

/** Waits `ms` on `clock`, or less when `signal` aborts; leaves no timer or listener behind either way. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = (): void => {
      clock.clearTimeout(h);
      resolve();
    };
    const h = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
