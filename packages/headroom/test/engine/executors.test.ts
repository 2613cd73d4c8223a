import assert from "node:assert/strict";
import { test } from "node:test";
import { fakeClock } from "../../src/core/clock.js";
import { closedExecutor } from "../../src/engine/closed-executor.js";
import { openExecutor } from "../../src/engine/open-executor.js";
import { equalSegments, WHOLE } from "../../src/engine/segments.js";
import { openStages } from "../../src/plan/profile.js";
import { fakeWorkload } from "./fake-workload.js";

test("closed executor starts users at the spawn rate and stops the newest first", async () => {
  const clock = fakeClock();
  const w = fakeWorkload(clock, 0);
  const stages = [
    { durationSec: 3, users: 20, spawnRate: 10 },
    { durationSec: 3, users: 5, spawnRate: 5 },
  ];
  const ex = closedExecutor({ stages, segment: WHOLE, workload: w, clock });
  ex.start();
  assert.equal(ex.activeUsers(), 1);
  await clock.advance(950);
  assert.equal(ex.activeUsers(), 10, "10/s: users 0..9 by 0.9 s");
  await clock.advance(1000);
  assert.equal(ex.activeUsers(), 20);
  assert.deepEqual(w.started, Array.from({ length: 20 }, (_, i) => i));
  await clock.advance(1050); // t = 3 s: the ramp down stops one at once
  assert.equal(ex.activeUsers(), 19);
  assert.deepEqual(w.stopped, [19]);
  await clock.advance(3000);
  assert.equal(ex.activeUsers(), 5);
  assert.deepEqual(w.stopped, [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
  ex.stop();
  await ex.settled();
  assert.equal(w.live(), 0);
});

test("closed executor segments run exactly the planned users between them", async () => {
  const clock = fakeClock();
  const stages = [{ durationSec: 10, users: 101, spawnRate: 50 }];
  const parts = equalSegments(3).map((segment) => {
    const w = fakeWorkload(clock, 0);
    return { w, ex: closedExecutor({ stages, segment, workload: w, clock }) };
  });
  for (const p of parts) p.ex.start();
  await clock.advance(1000);
  const counts = parts.map((p) => p.ex.activeUsers());
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    51,
    `at 1 s, 51 users in total (${counts})`,
  );
  await clock.advance(2000);
  assert.deepEqual(
    parts.map((p) => p.ex.activeUsers()),
    [34, 34, 33],
  );
  const all = parts.flatMap((p) => p.w.started).sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 101 }, (_, i) => i), "every user index started exactly once");
  for (const p of parts) p.ex.stop();
});

test("open executor: arrivals start at their due times, latency counted from the due time even when the loop was late", async () => {
  const clock = fakeClock();
  const w = fakeWorkload(clock, 20);
  let dropped = 0;
  const ex = openExecutor({ stages: openStages({ name: "t", executor: "open", durationSec: 2, rate: 10 }), segment: WHOLE, maxInFlight: 100, workload: w, clock, onDropped: () => dropped++ });
  ex.start();
  await clock.advance(999);
  assert.equal(w.iterations.length, 10);
  assert.deepEqual(
    w.iterations.map(([due]) => due),
    [0, 100, 200, 300, 400, 500, 600, 700, 800, 900],
  );
  assert.ok(w.iterations.every(([due, at]) => at === due), "on time");
  // The generator stalls for 500 ms: the arrivals due meanwhile start late but keep their due times.
  const late = fakeClock(clock.now());
  const w2 = fakeWorkload(late, 20);
  const ex2 = openExecutor({ stages: openStages({ name: "t", executor: "open", durationSec: 1, rate: 10 }), segment: WHOLE, maxInFlight: 100, workload: w2, clock: late, onDropped: () => dropped++ });
  ex2.start();
  // 550 ms pass without timers running in between: the event loop was blocked.
  const blockedUntil = late.now() + 550;
  late.jump(550);
  await late.advance(0);
  const t0 = blockedUntil - 550;
  assert.deepEqual(
    w2.iterations.map(([due]) => due - t0),
    [0, 100, 200, 300, 400, 500],
  );
  assert.ok(w2.iterations.slice(1).every(([, at]) => at === blockedUntil), "late arrivals start when the loop runs again");
  assert.equal(dropped, 0);
  ex.stop();
  ex2.stop();
});

test("open executor drops arrivals that find no free capacity, and never delays them", async () => {
  const clock = fakeClock();
  const w = fakeWorkload(clock, 1000); // each request takes 1 s
  let dropped = 0;
  const ex = openExecutor({ stages: openStages({ name: "t", executor: "open", durationSec: 2, rate: 10 }), segment: WHOLE, maxInFlight: 4, workload: w, clock, onDropped: () => dropped++ });
  ex.start();
  await clock.advance(999);
  assert.equal(w.iterations.length, 4);
  assert.equal(dropped, 6);
  await clock.advance(1001);
  // At 1.0 s the first four complete: arrivals due at 1.0..1.3 s start, 1.4..1.9 s are dropped.
  assert.equal(w.iterations.length, 8);
  assert.equal(dropped, 12);
  assert.deepEqual(
    w.iterations.slice(4).map(([due]) => due),
    [1000, 1100, 1200, 1300],
  );
  const c = ex.counters();
  assert.deepEqual(c, { scheduled: 20, started: 8, dropped: 12 });
  ex.stop();
  await clock.advance(2000);
  await ex.settled();
});

test("open executor segments share the arrivals exactly", async () => {
  const clock = fakeClock();
  const stages = openStages({ name: "t", executor: "open", durationSec: 1, rate: 999 });
  const parts = equalSegments(2).map((segment) => {
    const w = fakeWorkload(clock, 1);
    return { w, ex: openExecutor({ stages, segment, maxInFlight: 1000, workload: w, clock, onDropped: () => undefined }) };
  });
  for (const p of parts) p.ex.start();
  await clock.advance(1000);
  assert.deepEqual(
    parts.map((p) => p.w.iterations.length),
    [500, 499],
  );
  const dues = parts.flatMap((p) => p.w.iterations.map(([d]) => d)).sort((a, b) => a - b);
  assert.equal(new Set(dues).size, 999);
});
