// A workload for executor tests: users and iterations take fixed fake-clock time, and every
// start, stop and due time is recorded.
import type { Clock } from "../../src/core/clock.js";
import type { UserHandle, Workload } from "../../src/engine/workload.js";

export interface FakeWorkload extends Workload {
  started: number[];
  stopped: number[];
  /** [due, startedAt] of each iteration. */
  iterations: [number, number][];
  live(): number;
}

/** Users loop forever until stopped; an iteration takes `iterationMs` of fake time. */
export function fakeWorkload(clock: Clock, iterationMs: number): FakeWorkload {
  const started: number[] = [];
  const stopped: number[] = [];
  const iterations: [number, number][] = [];
  let live = 0;
  let inFlight = 0;
  return {
    started,
    stopped,
    iterations,
    live: () => live,
    startUser(index): UserHandle {
      started.push(index);
      live++;
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      return {
        stop() {
          stopped.push(index);
          live--;
          resolve();
        },
        done,
      };
    },
    startIteration(dueMs, done) {
      iterations.push([dueMs, clock.now()]);
      inFlight++;
      clock.setTimeout(() => {
        inFlight--;
        done();
      }, iterationMs);
    },
    inFlight: () => inFlight,
    async close() {},
  };
}
