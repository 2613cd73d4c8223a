// One closed-model user's life (onStart, then task, wait, task, ... until stopped), driven by
// callbacks and the wake heap.
import { nextWaitMs } from "../plan/wait.js";
import type { Rng } from "../core/rng.js";
import type { Clock } from "../core/clock.js";
import type { ScenarioUser } from "./virtual-user.js";
import type { WakeHeap, Sleeper } from "./wake-heap.js";
import type { UserHandle } from "./workload.js";

export interface LoopEnv {
  clock: Clock;
  heap: WakeHeap;
  rng: Rng;
  runOneTask(u: ScenarioUser): Promise<boolean>;
  isFatal(): boolean;
  onStartFailed(u: ScenarioUser, e: unknown): void;
  onStopFailed(e: unknown): void;
  ended(): void;
  /** Begin with a pause of a uniform fraction of one wait (Profile.staggerStart). */
  stagger?: boolean;
}

/**
 * One closed-model user: onStart, then task, wait, task, ... until stopped. Driven by callbacks
 * and the wake heap rather than an async loop, so a waiting user holds no timer, promise or
 * suspended frame.
 */
export class UserLoop implements Sleeper, UserHandle {
  wakeAtMs = 0;
  heapIndex = -1;
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private stopped = false;
  private finished = false;
  private taskStartMs = 0;

  constructor(
    private readonly u: ScenarioUser,
    private readonly env: LoopEnv,
  ) {
    this.done = new Promise<void>((r) => (this.resolveDone = r));
  }

  start(): void {
    const onStart = this.u.cls.def.onStart;
    if (!onStart) return this.first();
    Promise.resolve()
      .then(() => onStart.call(this.u.cls.def, this.u))
      .then(
        () => this.first(),
        (e: unknown) => {
          this.env.onStartFailed(this.u, e);
          this.finish(false);
        },
      );
  }

  /** The first task: at once, or after a staggered pause (onWake then runs it). */
  private first(): void {
    const pauseMs = this.env.stagger ? this.env.rng.next() * nextWaitMs(this.u.cls.wait, this.env.rng, 0) : 0;
    if (pauseMs > 0 && !this.stopped) this.env.heap.sleep(this, pauseMs);
    else this.step();
  }

  private step(): void {
    if (this.stopped || this.env.isFatal()) return this.finish(true);
    this.taskStartMs = this.env.clock.now();
    void this.env.runOneTask(this.u).then((ran) => this.afterTask(ran));
  }

  private afterTask(ran: boolean): void {
    if (this.stopped || this.env.isFatal()) return this.finish(true);
    const waitMs = nextWaitMs(this.u.cls.wait, this.env.rng, this.env.clock.now() - this.taskStartMs);
    // No wait: go on after the event loop turns (a task without I/O must not starve it).
    if (waitMs <= 0 && ran) setImmediate(() => this.step());
    // When every task skipped, pause at least a tick before trying again.
    else this.env.heap.sleep(this, ran ? waitMs : Math.max(waitMs, 10));
  }

  onWake(): void {
    this.step();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // A waiting user stops at once; one in a task stops when the task ends.
    if (this.heapIndex >= 0) {
      this.env.heap.cancel(this);
      this.finish(true);
    }
  }

  private finish(runOnStop: boolean): void {
    if (this.finished) return;
    this.finished = true;
    const onStop = runOnStop ? this.u.cls.def.onStop : undefined;
    const end = (): void => {
      this.env.ended();
      this.resolveDone();
    };
    if (!onStop) return end();
    Promise.resolve()
      .then(() => onStop.call(this.u.cls.def, this.u))
      .catch((e: unknown) => this.env.onStopFailed(e))
      .finally(end);
  }
}
