// The Redis circuit breaker's state machine on an injected clock, and the outage-safe cache's
// rule (invalidations kept while Redis is away and replayed when the breaker closes; no reads
// while other instances replay theirs) over the in-process cache, without any server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryCache, type Cache } from "../src/cache/cache.js";
import { createOutageSafeCache } from "../src/cache/outage-safe-cache.js";
import { createRedisGuard, RedisUnavailableError, type BreakerState } from "../src/redis/redis-guard.js";

class FakeReplyError extends Error {}

function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function guardOnClock(coolDownMs = 1_000) {
  const clock = fakeClock();
  const transitions: BreakerState[] = [];
  let rejected = 0;
  const guard = createRedisGuard({ coolDownMs, now: clock.now, isOutage: (err) => !(err instanceof FakeReplyError), onRejected: () => void (rejected += 1) });
  guard.onTransition((to) => transitions.push(to));
  return { guard, clock, transitions, rejected: () => rejected };
}

const timedOut = (): Promise<never> => Promise.reject(new Error("Command timed out"));

describe("redis guard", () => {
  it("opens on a timeout, refuses without calling Redis during the cool-down, then lets one probe through", async () => {
    const { guard, clock, transitions, rejected } = guardOnClock(1_000);
    assert.equal(await guard.run(async () => "PONG"), "PONG");
    await assert.rejects(guard.run(async () => {
      throw new FakeReplyError("WRONGTYPE");
    }), FakeReplyError);
    assert.equal(guard.status().state, "closed", "an error reply means Redis answered");

    await assert.rejects(guard.run(timedOut), /timed out/);
    assert.deepEqual(guard.status(), { state: "open", sinceMs: clock.now(), lastError: "Command timed out", probeAtMs: clock.now() + 1_000 });
    let calls = 0;
    const counted = async (): Promise<string> => {
      calls += 1;
      return "PONG";
    };
    await assert.rejects(guard.run(counted), (err: unknown) => err instanceof RedisUnavailableError && /open, next probe in 1000 ms.*Command timed out/.test(err.message));
    clock.advance(999);
    await assert.rejects(guard.run(counted), RedisUnavailableError);
    assert.equal(calls, 0, "nothing is sent while open");
    assert.equal(rejected(), 2);

    clock.advance(1);
    let answer!: (v: string) => void;
    const probe = guard.run(() => new Promise<string>((resolve) => (answer = resolve)));
    assert.equal(guard.status().state, "half-open");
    await assert.rejects(guard.run(counted), /half-open, a probe is in flight/);
    answer("PONG");
    assert.equal(await probe, "PONG");
    assert.equal(guard.status().state, "closed");
    assert.equal(await guard.run(counted), "PONG");
    assert.equal(calls, 1);
    assert.deepEqual(transitions, ["open", "half-open", "closed"]);
  });

  it("a failed probe opens it for another cool-down; an error reply to the probe closes it", async () => {
    const { guard, clock, transitions } = guardOnClock(500);
    await assert.rejects(guard.run(timedOut));
    clock.advance(500);
    await assert.rejects(guard.run(() => Promise.reject(new Error("connect ECONNREFUSED"))), /ECONNREFUSED/);
    assert.equal(guard.status().state, "open");
    assert.equal(guard.status().probeAtMs, clock.now() + 500);
    assert.equal(guard.status().lastError, "connect ECONNREFUSED");
    clock.advance(500);
    await assert.rejects(guard.run(() => Promise.reject(new FakeReplyError("NOSCRIPT"))), FakeReplyError);
    assert.equal(guard.status().state, "closed");
    assert.deepEqual(transitions, ["open", "half-open", "open", "half-open", "closed"]);
  });

  it("commands sent before it opened cannot reopen or close it when they settle late", async () => {
    const { guard, clock, transitions } = guardOnClock(1_000);
    const late: ((err?: Error) => void)[] = [];
    const pending = [0, 1, 2].map(() =>
      guard.run(() => new Promise<void>((resolve, reject) => late.push((err) => (err ? reject(err) : resolve())))).catch((err: unknown) => err),
    );
    late[0]!(new Error("Command timed out"));
    await pending[0];
    const opened = guard.status();
    clock.advance(300);
    late[1]!(new Error("Command timed out"));
    late[2]!();
    await Promise.all(pending);
    assert.deepEqual(guard.status(), opened, "the same open state, cool-down not pushed back, not closed");
    assert.deepEqual(transitions, ["open"]);
  });

  it("sends its own probe after the cool-down and closes without any request", async () => {
    let pings = 0;
    const guard = createRedisGuard({
      coolDownMs: 20,
      probe: async () => {
        pings += 1;
        return "PONG";
      },
    });
    const closed = new Promise<void>((resolve) => guard.onTransition((to) => to === "closed" && resolve()));
    await assert.rejects(guard.run(timedOut));
    // The guard's timer does not keep the process alive (unref); this one does, and bounds the wait.
    let limit: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((_, reject) => (limit = setTimeout(() => reject(new Error("the guard did not probe within 2 s")), 2_000)))]);
    clearTimeout(limit);
    assert.equal(pings, 1);
    assert.equal(guard.status().state, "closed");
    guard.close();
  });
});

describe("outage-safe cache", () => {
  function setup(opts: { maxPending?: number } = {}) {
    const { guard, clock } = guardOnClock(1_000);
    const memory = createMemoryCache({ now: clock.now });
    let down = false;
    const fail = (): Promise<never> => Promise.reject(new Error("Command timed out"));
    const inner: Cache = {
      kind: "redis",
      get: (key) => (down ? fail() : memory.get(key)),
      set: (key, value, ttlSec) => (down ? fail() : memory.set(key, value, ttlSec)),
      del: (keys) => (down ? fail() : memory.del(keys)),
    };
    const cache = createOutageSafeCache(inner, guard, { settleMs: 2_000, maxTtlSec: 300, now: clock.now, maxPending: opts.maxPending });
    return { cache, guard, clock, memory, setDown: (d: boolean) => void (down = d) };
  }

  it("keeps an invalidation made while Redis is away, replays it when the guard closes, and reads nothing until others have settled", async () => {
    const { cache, guard, clock, memory, setDown } = setup();
    await cache.set("profile:5", '{"whispers":1}', 300);
    assert.equal(await cache.get("profile:5"), '{"whispers":1}');

    setDown(true);
    await assert.rejects(cache.get("profile:5"), /timed out/);
    assert.equal(guard.status().state, "open");
    await assert.rejects(cache.del(["profile:5"]), RedisUnavailableError);
    await assert.rejects(cache.set("story:a", "{}", 300), RedisUnavailableError);
    assert.equal(cache.pendingInvalidations(), 1);
    setDown(false);
    assert.equal(await memory.get("profile:5"), '{"whispers":1}', "the stale entry is still in the store");

    clock.advance(1_000);
    await guard.run(async () => "PONG");
    assert.equal(guard.status().state, "closed");
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.pendingInvalidations(), 0, "replayed on closing");
    assert.equal(await memory.get("profile:5"), undefined);

    await cache.set("profile:5", '{"whispers":2}', 300);
    assert.equal(await cache.get("profile:5"), undefined, "settling: no reads for a while after the recovery");
    clock.advance(2_000);
    assert.equal(await cache.get("profile:5"), '{"whispers":2}');
  });

  it("an invalidation whose DEL times out is replayed before the next read", async () => {
    const { cache, guard, clock, memory, setDown } = setup();
    await cache.set("story:a", "old", 300);
    setDown(true);
    await assert.rejects(cache.del(["story:a"]), /timed out/);
    assert.equal(cache.pendingInvalidations(), 1);
    setDown(false);
    clock.advance(1_000);
    // The first read after the cool-down replays the DEL (as the probe that closes the guard),
    // then settles instead of reading.
    assert.equal(await cache.get("story:a"), undefined);
    assert.equal(guard.status().state, "closed");
    assert.equal(cache.pendingInvalidations(), 0);
    assert.equal(await memory.get("story:a"), undefined, "deleted in the store");
  });

  it("a read is never the probe: after the cool-down it is refused until something else has closed the guard", async () => {
    const { cache, guard, clock, setDown } = setup();
    await cache.set("k", "v", 300);
    setDown(true);
    await assert.rejects(cache.get("k"), /timed out/);
    setDown(false);
    clock.advance(1_000);
    await assert.rejects(cache.get("k"), /open, waiting for a probe/);
    assert.equal(guard.status().state, "open");
    await guard.run(async () => "PONG");
    assert.equal(await cache.get("k"), undefined, "settling");
    clock.advance(2_000);
    assert.equal(await cache.get("k"), "v");
  });

  it("past maxPending waiting keys, reads bypass the cache for the longest TTL", async () => {
    const { cache, clock, setDown } = setup({ maxPending: 2 });
    await cache.set("k", "v", 300);
    setDown(true);
    await assert.rejects(cache.del(["a", "b", "c"]));
    assert.equal(cache.pendingInvalidations(), 1, "the list was dropped and started again");
    setDown(false);
    clock.advance(1_000);
    assert.equal(await cache.get("k"), undefined, "replays the one key left, closes, bypasses");
    assert.equal(cache.pendingInvalidations(), 0);
    await cache.set("k", "fresh", 300);
    clock.advance(298_999);
    assert.equal(await cache.get("k"), undefined, "still within the longest TTL of the dropped keys");
    clock.advance(1);
    assert.equal(await cache.get("k"), "fresh");
  });
});
