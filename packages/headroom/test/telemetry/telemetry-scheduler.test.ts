import assert from "node:assert/strict";
import { test } from "node:test";
import type { TelemetryLine } from "../../src/core/types.js";
import { scheduleCollectors } from "../../src/telemetry/telemetry-scheduler.js";
import type { Collector, CollectorReading } from "../../src/telemetry/types.js";
import type { Clock } from "../../src/core/clock.js";

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A virtual clock: advance() fires due timeouts in order and lets their promises settle. */
function fakeTimers(startMs: number) {
  let now = startMs;
  let seq = 0;
  const pending = new Map<number, { atMs: number; fn: () => void }>();
  const timers: Clock = {
    now: () => now,
    epochMs: () => now,
    setTimeout: (fn, ms) => {
      pending.set(++seq, { atMs: now + ms, fn });
      return { id: seq };
    },
    clearTimeout: (h) => void pending.delete(h.id),
  };
  return {
    timers,
    pendingCount: () => pending.size,
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await flush();
        const next = [...pending.entries()].filter(([, p]) => p.atMs <= target).sort((a, b) => a[1].atMs - b[1].atMs)[0];
        if (!next) break;
        pending.delete(next[0]);
        now = next[1].atMs;
        next[1].fn();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}

function counting(source: string): Collector & { closed: number; samples: number[] } {
  const c = {
    source,
    closed: 0,
    samples: [] as number[],
    async sample(nowMs: number): Promise<CollectorReading[]> {
      c.samples.push(nowMs);
      return [{ ok: true, values: { n: c.samples.length } }];
    },
    async close() {
      c.closed++;
    },
  };
  return c;
}

test("ticks fall on startedAt + k*interval, the first at once; t is seconds since startedAt", async () => {
  const clock = fakeTimers(10_000);
  const lines: TelemetryLine[] = [];
  const a = counting("a");
  const b = counting("b");
  const h = scheduleCollectors([a, b], (l) => lines.push(l), { startedAtMs: 10_000, intervalMs: 1000, clock: clock.timers });
  await flush();
  await clock.advance(3_500);
  assert.deepEqual(a.samples, [10_000, 11_000, 12_000, 13_000]);
  assert.deepEqual(b.samples, a.samples);
  assert.deepEqual(
    lines.filter((l) => l.source === "a").map((l) => [l.t, l.ts, l.ok, l.values.n]),
    [
      [0, 10_000, true, 1],
      [1, 11_000, true, 2],
      [2, 12_000, true, 3],
      [3, 13_000, true, 4],
    ],
  );
  await h.stop();
  assert.equal(a.samples.at(-1), 13_500, "a final sample on stop (the last tick is 500 ms old)");
  assert.equal(a.closed, 1);
  assert.equal(b.closed, 1);
  assert.equal(clock.pendingCount(), 0, "no tick left scheduled");
  await clock.advance(5_000);
  assert.equal(a.samples.length, 5, "nothing after stop");
  await h.stop(); // idempotent
  assert.equal(a.closed, 1);
});

test("started late: the first sample is at once, then back on the run's grid", async () => {
  const clock = fakeTimers(52_300);
  const a = counting("a");
  const lines: TelemetryLine[] = [];
  const h = scheduleCollectors([a], (l) => lines.push(l), { startedAtMs: 50_000, intervalMs: 1000, clock: clock.timers, finalSample: false });
  await clock.advance(1_000);
  assert.deepEqual(a.samples, [52_300, 53_000]);
  assert.deepEqual(lines.map((l) => l.t), [2.3, 3]);
  await h.stop();
  assert.equal(a.samples.length, 2, "finalSample: false");
});

test("started a few ms before t = 0: no second tick 20 ms after the first (it would only find the first still sampling)", async () => {
  const clock = fakeTimers(49_980);
  const a = counting("a");
  const lines: TelemetryLine[] = [];
  const h = scheduleCollectors([a], (l) => lines.push(l), { startedAtMs: 50_000, intervalMs: 1000, clock: clock.timers, finalSample: false });
  await clock.advance(2_000);
  assert.deepEqual(a.samples, [49_980, 51_000]);
  assert.deepEqual(lines.map((l) => l.t), [-0.02, 1]);
  await h.stop();
});

test("a collector still sampling skips its tick, recorded as an ok=false line; the others go on", async () => {
  const clock = fakeTimers(0);
  const lines: TelemetryLine[] = [];
  let release: (() => void) | undefined;
  let calls = 0;
  const slow: Collector = {
    source: "slow",
    async sample() {
      calls++;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      return [{ ok: true, values: { call: calls } }];
    },
    async close() {},
  };
  const fast = counting("fast");
  const h = scheduleCollectors([slow, fast], (l) => lines.push(l), { startedAtMs: 0, intervalMs: 1000, clock: clock.timers, finalSample: false });
  await clock.advance(2_000); // ticks at 1000 and 2000 find the first sample still running
  assert.equal(calls, 1);
  const skipped = lines.filter((l) => l.source === "slow");
  assert.deepEqual(
    skipped.map((l) => [l.ts, l.ok, l.labels?.skipped, l.error]),
    [
      [1000, false, "true", "skipped: the sample started at t=0s is still running"],
      [2000, false, "true", "skipped: the sample started at t=0s is still running"],
    ],
  );
  assert.equal(lines.filter((l) => l.source === "fast" && l.ok).length, 3);
  release?.();
  await flush();
  const done = lines.filter((l) => l.source === "slow" && l.ok);
  assert.deepEqual(done.map((l) => [l.ts, l.values.call]), [[0, 1]], "the late sample keeps the time it was taken");
  await clock.advance(1_000);
  assert.equal(calls, 2, "sampling resumes at the next tick");
  await h.stop();
});

test("a throwing sample becomes an ok=false line with the message, and the next tick tries again", async () => {
  const clock = fakeTimers(0);
  const lines: TelemetryLine[] = [];
  let n = 0;
  const flaky: Collector = {
    source: "flaky",
    async sample() {
      n++;
      if (n === 2) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      if (n === 3) return [];
      return [{ ok: true, values: { v: n }, labels: {} }];
    },
    async close() {
      throw new Error("close fails too");
    },
  };
  const h = scheduleCollectors([flaky], (l) => lines.push(l), { startedAtMs: 0, intervalMs: 5000, clock: clock.timers, finalSample: false });
  await clock.advance(15_000);
  assert.deepEqual(
    lines.map((l) => [l.t, l.ok, l.error ?? null, l.values.v ?? null]),
    [
      [0, true, null, 1],
      [5, false, "connect ECONNREFUSED 127.0.0.1:1", null],
      [10, false, "the collector returned no reading", null],
      [15, true, null, 4],
    ],
  );
  assert.equal(lines[0].labels, undefined, "empty labels are left out");
  await h.stop(); // a close that throws does not break stop()
});

test("a sink that throws loses that line only; onSinkError hears about it", async () => {
  const clock = fakeTimers(0);
  const kept: TelemetryLine[] = [];
  const sinkErrors: string[] = [];
  let writes = 0;
  const h = scheduleCollectors(
    [counting("a")],
    (l) => {
      if (++writes === 2) throw new Error("disk full");
      kept.push(l);
    },
    { startedAtMs: 0, intervalMs: 1000, clock: clock.timers, finalSample: false, onSinkError: (e) => sinkErrors.push((e as Error).message) },
  );
  await clock.advance(2_000);
  assert.deepEqual(kept.map((l) => l.t), [0, 2]);
  assert.deepEqual(sinkErrors, ["disk full"]);
  await h.stop();
});

test("no final sample when the last tick is too recent for meaningful rates", async () => {
  const clock = fakeTimers(0);
  const a = counting("a");
  const h = scheduleCollectors([a], () => {}, { startedAtMs: 0, intervalMs: 5000, clock: clock.timers });
  await clock.advance(5_200); // last tick at 5000, 200 ms ago < min(1000, 2500)
  await h.stop();
  assert.deepEqual(a.samples, [0, 5000]);
});
