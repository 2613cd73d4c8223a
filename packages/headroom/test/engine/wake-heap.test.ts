import assert from "node:assert/strict";
import { test } from "node:test";
import { fakeClock } from "../../src/core/clock.js";
import { WakeHeap, type Sleeper } from "../../src/engine/wake-heap.js";
import { seededRng } from "../../src/core/rng.js";

function sleeper(log: [string, number][], name: string, now: () => number): Sleeper {
  return { wakeAtMs: 0, heapIndex: -1, onWake: () => log.push([name, now()]) };
}

test("sleepers wake in time order, at most one tick late, with one timer for all", async () => {
  const clock = fakeClock();
  const heap = new WakeHeap(clock, 10);
  const log: [string, number][] = [];
  heap.sleep(sleeper(log, "c", clock.now), 300);
  heap.sleep(sleeper(log, "a", clock.now), 100);
  heap.sleep(sleeper(log, "b", clock.now), 105);
  assert.equal(clock.pending(), 1, "one timer, armed for the earliest");
  await clock.advance(1000);
  assert.deepEqual(log, [
    ["a", 100],
    ["b", 110],
    ["c", 300],
  ]);
  assert.equal(heap.size, 0);
  assert.equal(clock.pending(), 0);
});

test("an earlier sleeper re-arms the tick; a cancelled one never wakes", async () => {
  const clock = fakeClock();
  const heap = new WakeHeap(clock, 10);
  const log: [string, number][] = [];
  const late = sleeper(log, "late", clock.now);
  heap.sleep(late, 5000);
  heap.sleep(sleeper(log, "soon", clock.now), 50);
  const gone = sleeper(log, "gone", clock.now);
  heap.sleep(gone, 60);
  heap.cancel(gone);
  assert.equal(gone.heapIndex, -1);
  await clock.advance(100);
  assert.deepEqual(log, [["soon", 50]]);
  heap.cancel(late);
  await clock.advance(10_000);
  assert.deepEqual(log, [["soon", 50]]);
});

test("many random sleepers and cancellations keep the heap ordered", async () => {
  const clock = fakeClock();
  const heap = new WakeHeap(clock, 1);
  const rng = seededRng(3);
  const woke: number[] = [];
  const all: Sleeper[] = [];
  for (let i = 0; i < 2000; i++) {
    const s: Sleeper = { wakeAtMs: 0, heapIndex: -1, onWake: () => woke.push(s.wakeAtMs) };
    all.push(s);
    heap.sleep(s, Math.floor(rng.next() * 10_000));
  }
  for (let i = 0; i < 2000; i += 3) heap.cancel(all[i]!);
  await clock.advance(20_000);
  assert.equal(woke.length, 2000 - Math.ceil(2000 / 3));
  for (let i = 1; i < woke.length; i++) assert.ok(woke[i]! >= woke[i - 1]!, "in wake-time order");
});
