import assert from "node:assert/strict";
import { before, test } from "node:test";
import { summarizeIntervals } from "../../src/metrics/summary.js";
import { fakeClock, type FakeClock } from "../../src/core/clock.js";
import type { Recorder } from "../../src/engine/recorder.js";
import { runSegment } from "../../src/engine/segment-runner.js";
import { WHOLE } from "../../src/engine/segments.js";
import type { UserHandle, Workload } from "../../src/engine/workload.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { describeProfile, type Profile } from "../../src/plan/profile.js";
import type { IntervalLine } from "../../src/core/types.js";

before(() => initHistograms());

/** Requests take `serviceMs` of fake time; users send one every `thinkMs`. Latency is recorded from the due time. */
function timedWorkload(clock: FakeClock, recorder: Recorder, serviceMs: number, thinkMs = 0): Workload {
  const acc = recorder.endpoint("/x", "GET");
  let inFlight = 0;
  const send = (startMs: number, done: () => void): void => {
    inFlight++;
    clock.setTimeout(() => {
      inFlight--;
      acc.record((clock.now() - startMs) * 1000, 200, -1, 10, 5);
      done();
    }, serviceMs);
  };
  return {
    startUser(): UserHandle {
      let stopped = false;
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const loop = (): void => (stopped ? resolve() : send(clock.now(), () => (stopped ? resolve() : clock.setTimeout(loop, thinkMs))));
      loop();
      return {
        stop: () => {
          stopped = true;
        },
        done,
      };
    },
    startIteration: (dueMs, done) => send(dueMs, done),
    inFlight: () => inFlight,
    async close() {},
  };
}

async function run(profile: Profile, serviceMs: number, thinkMs = 0, jumpAtMs?: number): Promise<IntervalLine[]> {
  const clock = fakeClock(1000);
  const lines: IntervalLine[] = [];
  const done = runSegment({
    profile,
    segment: WHOLE,
    clock,
    startMs: 1000,
    startEpochMs: 1_700_000_000_000,
    emit: (l) => lines.push(l),
    sampleGenerator: () => ({ cpuPct: 10, eventLoopLagMsP99: 1, rssBytes: 1 }),
    makeWorkload: (recorder) => timedWorkload(clock, recorder, serviceMs, thinkMs),
    graceMs: 1000,
  });
  if (jumpAtMs !== undefined) {
    await clock.advance(jumpAtMs);
    clock.jump(300);
  }
  for (let i = 0; i < 40 && lines.length < Math.ceil(profile.durationSec); i++) await clock.advance(250);
  await clock.advance(2000);
  await done;
  return lines;
}

test("open model: one line per second with the planned arrivals, latency from the due time", async () => {
  const lines = await run({ name: "t", executor: "open", durationSec: 3, rate: 10 }, 20);
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines.map((l) => [l.t, l.endpoints["/x"]?.requests, l.targetRate, l.dropped]),
    [
      [0, 10, 10, 0],
      [1, 10, 10, 0],
      [2, 10, 10, 0],
    ],
  );
  assert.equal(lines[1]!.ts, 1_700_000_001_000);
  const s = summarizeIntervals(lines, { name: "t", status: "completed", startedAt: new Date(0).toISOString(), plan: describeProfile({ name: "t", executor: "open", durationSec: 3, rate: 10 }) }, "/x");
  assert.equal(s.requests.total, 30);
  assert.equal(s.requests.ratePerSec, 10);
  assert.ok(Math.abs(s.latencyMs.p50 - 20) < 0.05, `p50 ${s.latencyMs.p50}`);
});

test("open model: a blocked generator shows in the latency instead of hiding", async () => {
  // The loop is blocked 300 ms at t = 0.45 s: arrivals due at 0.5, 0.6, 0.7 s start at 0.75 s.
  const lines = await run({ name: "t", executor: "open", durationSec: 2, rate: 10 }, 20, 0, 450);
  const s = summarizeIntervals(lines, { name: "t", status: "completed", startedAt: new Date(0).toISOString(), plan: describeProfile({ name: "t", executor: "open", durationSec: 2, rate: 10 }) }, "/x");
  assert.equal(s.requests.total, 20);
  assert.ok(s.latencyMs.max >= 269 && s.latencyMs.max <= 271, `max ${s.latencyMs.max} = 250 ms late + 20 ms service`);
});

test("open model: dropped arrivals are counted in the second they were due", async () => {
  const lines = await run({ name: "t", executor: "open", durationSec: 2, rate: 10, maxInFlight: 2 }, 450);
  // 450 ms service, 2 slots: each second 4 start (0, .1 | .5, .6) and 6 are dropped.
  assert.deepEqual(
    lines.map((l) => l.dropped),
    [6, 6],
  );
});

test("closed model: users and phase names per second, requests counted in the second they completed", async () => {
  const profile: Profile = {
    name: "t",
    executor: "closed",
    durationSec: 4,
    stages: [
      { name: "ramp-up", durationSec: 2, users: 4, spawnRate: 2 },
      { name: "peak", durationSec: 2, users: 4 },
    ],
  };
  const lines = await run(profile, 100, 150);
  assert.deepEqual(
    lines.map((l) => l.phase),
    ["ramp-up", "ramp-up", "peak", "peak"],
  );
  assert.deepEqual(
    lines.map((l) => l.users),
    [2, 4, 4, 4],
  );
  // Each user completes one request per 250 ms once started.
  assert.equal(lines[3]!.endpoints["/x"]!.requests, 16);
});

test("throughput: C users with no think time", async () => {
  const lines = await run({ name: "t", executor: "throughput", durationSec: 2, connections: 3 }, 10);
  // Completions at exactly 1.000 s belong to second 1; those at 2.000 s (the end) to the last line.
  assert.deepEqual(
    lines.map((l) => [l.users, l.endpoints["/x"]?.requests]),
    [
      [3, 297],
      [3, 303],
    ],
  );
});
