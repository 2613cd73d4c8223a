// Redis stops and comes back (a redis-server of this test's own): readiness turns 503 with the
// reason and back to 200; meanwhile requests are still served, the limiter failing open and
// counting it, cache reads going through to PostgreSQL.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { bearer, createTestDatabase, startOwnRedis, TEST_SECRET, type OwnRedis, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
let redis: OwnRedis;
let app: MueJamApp;

before(async () => {
  [db, redis] = await Promise.all([createTestDatabase({ users: 50, stories: 200 }), startOwnRedis()]);
  app = build({ databaseUrl: db.url, redisUrl: redis.url, tokenSecret: TEST_SECRET });
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
  for (let i = 0; i < 3; i++) {
    const me = await app.inject({ url: "/api/users/me", headers });
    assert.equal(me.statusCode, 200, "served while Redis is down");
    assert.equal(me.headers["x-cache"], "MISS");
  }
  assert.equal((await app.inject({ url: "/api/discovery/trending", headers })).statusCode, 200);
  const metrics = (await app.inject({ url: "/metrics" })).body;
  assert.equal(metricValue(metrics, "muejam_rate_limiter_fail_open_total"), 4);
  assert.ok(metricValue(metrics, 'muejam_cache_errors_total{family="profile"}') >= 3);
  assert.ok(metricValue(metrics, "muejam_session_store_errors_total") >= 1);

  await redis.start();
  const back = await waitForReadiness(200, 15_000);
  assert.equal(back.statusCode, 200, JSON.stringify(back.body));
  const me = await app.inject({ url: "/api/users/me", headers });
  assert.equal(me.statusCode, 200);
  const again = await app.inject({ url: "/api/users/me", headers });
  assert.equal(again.headers["x-cache"], "HIT", "the cache works again");
});
