// test-needs: redis
// Redis stalls (CLIENT PAUSE) and then stops and comes back, on a redis-server of this test's
// own. While it stalls, the circuit breaker answers for it at once: requests wait out one command
// timeout at most, the limiter fails open and counts it, cache reads go to PostgreSQL, and a
// write's cache invalidation waits and is replayed, so nothing stale is served afterwards. When
// it is down, readiness turns 503 with the reason and back to 200 once it is up again.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Redis } from "ioredis";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { REDIS_COMMAND_TIMEOUT_MS } from "../src/redis/connect-redis.js";
import { bearer, createTestDatabase, startOwnRedis, TEST_SECRET, type OwnRedis, type TestDatabase } from "./helpers.js";

// Short, so the test waits little for probes and for the settling after a recovery (cool-down
// plus two command timeouts: 1.3 s).
const COOL_DOWN_MS = 300;

let db: TestDatabase;
let redis: OwnRedis;
let app: MueJamApp;

before(async () => {
  [db, redis] = await Promise.all([createTestDatabase({ users: 50, stories: 200 }), startOwnRedis()]);
  app = build({ databaseUrl: db.url, redisUrl: redis.url, tokenSecret: TEST_SECRET, redisCoolDownMs: COOL_DOWN_MS });
  await app.ready();
});

after(async () => {
  await app?.close();
  await redis?.stop();
  await db?.drop();
});

async function waitForReadiness(status: number, withinMs: number): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await app.inject({ url: "/health/ready" });
    if (res.statusCode === status || Date.now() > deadline) return { statusCode: res.statusCode, body: res.json() };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line ? Number(line.split(" ").pop()) : NaN;
}

async function metric(name: string): Promise<number> {
  return metricValue((await app.inject({ url: "/metrics" })).body, name);
}

/** Repeats the request until the cache answers it (after a recovery the cache settles first). */
async function untilCacheHit(url: string, headers: Record<string, string>, withinMs: number, check: (body: Record<string, unknown>) => void = () => {}): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await app.inject({ url, headers });
    assert.equal(res.statusCode, 200, res.body);
    check(res.json());
    const cache = String(res.headers["x-cache"]);
    if (cache === "HIT" || Date.now() > deadline) return cache;
    await new Promise((r) => setTimeout(r, 100));
  }
}

it("while Redis stalls, requests wait out one command timeout at most, and no write is served stale afterwards", async () => {
  const admin = new Redis(redis.url);
  admin.on("error", () => {});
  try {
    assert.equal((await waitForReadiness(200, 5_000)).statusCode, 200);
    const headers = bearer(signToken(TEST_SECRET, "5"));
    const whispersOf = (body: Record<string, unknown>): number => (body.stats as { whispers: number }).whispers;
    const first = await app.inject({ url: "/api/users/me", headers });
    const whispersBefore = whispersOf(first.json());
    assert.equal(await untilCacheHit("/api/users/me", headers, 3_000), "HIT", "user 5's profile is cached before the stall");
    const failOpenBefore = await metric("muejam_rate_limiter_fail_open_total");

    const pauseMs = 1_500;
    await admin.call("CLIENT", "PAUSE", String(pauseMs), "ALL");
    const pausedAt = Date.now();
    const durations: { url: string; ms: number; status: number }[] = [];
    const timed = async (url: string, opts: { method?: "GET" | "POST"; payload?: object } = {}): Promise<void> => {
      const t0 = performance.now();
      const res = await app.inject({ url, headers, method: opts.method ?? "GET", payload: opts.payload });
      durations.push({ url, ms: performance.now() - t0, status: res.statusCode });
    };
    const flow = async (urls: string[]): Promise<void> => {
      for (let i = 0; Date.now() - pausedAt < pauseMs - 300; i++) await timed(urls[i % urls.length]!);
    };
    // Two request streams into the stall; once the breaker has opened, a write whose cache
    // invalidation therefore cannot be sent.
    const streams = Promise.all([flow(["/api/users/me", "/api/discovery/trending"]), flow(["/api/library/shelves", "/api/users/me"])]);
    while (app.muejam.redisGuard!.status().state === "closed" && Date.now() - pausedAt < pauseMs) await new Promise((r) => setTimeout(r, 10));
    assert.equal(app.muejam.redisGuard!.status().state, "open", "the first timed-out command opened the breaker");
    await timed("/api/whispers", { method: "POST", payload: { content: "written while Redis stalls", scope: "public" } });
    const ready = await app.inject({ url: "/health/ready" });
    await streams;
    assert.ok(Date.now() - pausedAt < pauseMs, "the requests above ran inside the stall");

    assert.equal(ready.statusCode, 503);
    assert.match((ready.json() as { reasons: string[] }).reasons.join(" "), /^redis: .*(circuit breaker|timed out).*fail open/);
    assert.ok(durations.length >= 10, `requests kept flowing through the stall (${durations.length})`);
    const slowest = Math.max(...durations.map((d) => d.ms));
    assert.ok(slowest < 800, `each request took at most one ${REDIS_COMMAND_TIMEOUT_MS} ms timeout, not one per Redis call: ${JSON.stringify(durations)}`);
    assert.deepEqual(durations.filter((d) => d.status >= 300), [], "all answered successfully");
    assert.ok((await metric("muejam_rate_limiter_fail_open_total")) > failOpenBefore, "the limiter failed open and counted it");
    assert.ok((await metric("muejam_redis_breaker_transitions_total{to=\"open\"}")) >= 1);
    assert.ok((await metric("muejam_redis_breaker_rejected_total")) > 0, "commands were refused without waiting");

    // After the stall: the breaker closes, the waiting invalidation is replayed, and the profile
    // comes from the cache again, never with the count from before the write.
    await new Promise((r) => setTimeout(r, Math.max(0, pauseMs - (Date.now() - pausedAt))));
    assert.equal((await waitForReadiness(200, 5_000)).statusCode, 200);
    const cache = await untilCacheHit("/api/users/me", headers, 5_000, (body) => assert.equal(whispersOf(body), whispersBefore + 1, "the whisper written during the stall is counted"));
    assert.equal(cache, "HIT", "the cache serves hits again");
    assert.equal(await metric("muejam_redis_breaker_open"), 0);
    assert.equal(await metric("muejam_cache_invalidations_pending"), 0);
    assert.ok((await metric("muejam_redis_breaker_transitions_total{to=\"closed\"}")) >= 1);
  } finally {
    admin.disconnect();
  }
});

it("readiness follows Redis down and back up; the API keeps serving, failing open", async () => {
  const up = await waitForReadiness(200, 5_000);
  assert.equal(up.statusCode, 200);
  const checks = up.body.checks as { redis: { maxmemoryPolicy: string } };
  assert.equal(checks.redis.maxmemoryPolicy, "allkeys-lru");
  assert.equal((up.body.warnings as string[]).length, 0, "allkeys-lru: no warning");

  await redis.stop();
  const down = await waitForReadiness(503, 5_000);
  assert.equal(down.statusCode, 503);
  assert.equal(down.body.status, "unavailable");
  assert.match((down.body.reasons as string[]).join(" "), /^redis: .*fail open/);

  const headers = bearer(signToken(TEST_SECRET, "3"));
  const before = { failOpen: await metric("muejam_rate_limiter_fail_open_total"), cacheErrors: await metric('muejam_cache_errors_total{family="profile"}') || 0 };
  for (let i = 0; i < 3; i++) {
    const me = await app.inject({ url: "/api/users/me", headers });
    assert.equal(me.statusCode, 200, "served while Redis is down");
    assert.equal(me.headers["x-cache"], "MISS");
  }
  assert.equal((await app.inject({ url: "/api/discovery/trending", headers })).statusCode, 200);
  const metrics = (await app.inject({ url: "/metrics" })).body;
  assert.equal(metricValue(metrics, "muejam_rate_limiter_fail_open_total") - before.failOpen, 4, "each request failed open once");
  assert.ok(metricValue(metrics, 'muejam_cache_errors_total{family="profile"}') - before.cacheErrors >= 3);
  assert.ok(metricValue(metrics, "muejam_session_store_errors_total") >= 1);
  assert.equal(metricValue(metrics, "muejam_redis_breaker_open"), 1);

  await redis.start();
  const back = await waitForReadiness(200, 15_000);
  assert.equal(back.statusCode, 200, JSON.stringify(back.body));
  assert.equal((back.body.checks as { redis: { breaker: { state: string } } }).redis.breaker.state, "closed");
  assert.equal(await untilCacheHit("/api/users/me", headers, 5_000), "HIT", "the cache works again");
});
