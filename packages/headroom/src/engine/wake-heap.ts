// Wake-ups for thousands of waiting users without a timer (and a promise) per wait: waiting users
// sit in a binary min-heap by wake time, and one tick every `tickMs` wakes those that are due.
// A user waiting 1-5 s otherwise leaves a Timeout, a promise and an async frame per wait, all
// living long enough to be promoted to the old generation: at 10,000 users that garbage, not
// the users, is what grows the heap. Wake-ups are late by at most one tick.
import type { Clock, TimerHandle } from "../core/clock.js";

export interface Sleeper {
  /** When to wake (clock ms); set by the heap. */
  wakeAtMs: number;
  /** Position in the heap, -1 when not in it (kept by the heap). */
  heapIndex: number;
  onWake(): void;
}

export class WakeHeap {
  private readonly heap: Sleeper[] = [];
  private timer: TimerHandle | undefined;
  /** Clock time the armed tick fires at. */
  private armedFor = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly tickMs = 10,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Wakes `s` after `delayMs`. */
  sleep(s: Sleeper, delayMs: number): void {
    s.wakeAtMs = this.clock.now() + delayMs;
    s.heapIndex = this.heap.length;
    this.heap.push(s);
    this.up(s.heapIndex);
    this.arm();
  }

  /** Takes `s` out without waking it. */
  cancel(s: Sleeper): void {
    const i = s.heapIndex;
    if (i < 0 || this.heap[i] !== s) return;
    const last = this.heap.pop()!;
    s.heapIndex = -1;
    if (last !== s) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(i);
    }
  }

  /** Keeps one tick armed for the earliest wake-up, never closer than `tickMs` from now. */
  private arm(): void {
    if (this.heap.length === 0) return;
    const now = this.clock.now();
    const due = Math.max(this.heap[0]!.wakeAtMs, now + this.tickMs);
    if (this.timer && this.armedFor <= due) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.armedFor = due;
    this.timer = this.clock.setTimeout(() => this.tick(), due - now);
  }

  private tick(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    while (this.heap.length > 0 && this.heap[0]!.wakeAtMs <= now) {
      const s = this.heap[0]!;
      this.cancel(s);
      s.onWake();
    }
    this.arm();
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.wakeAtMs <= item.wakeAtMs) break;
      h[i] = h[p]!;
      h[i]!.heapIndex = i;
      i = p;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.wakeAtMs < h[l]!.wakeAtMs ? r : l;
      if (h[c]!.wakeAtMs >= item.wakeAtMs) break;
      h[i] = h[c]!;
      h[i]!.heapIndex = i;
      i = c;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }
}
