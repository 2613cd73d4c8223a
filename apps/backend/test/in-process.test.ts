// Without REDIS_URL: the cache, limiter and sessions live in the process, and the API says so.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { bearer, createTestDatabase, TEST_SECRET, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
let app: MueJamApp;

before(async () => {
  db = await createTestDatabase({ users: 50, stories: 200 });
  app = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET });
  await app.ready();
});

after(async () => {
  await app?.close();
  await db?.drop();
});

it("readiness reports the in-process stores with a warning", async () => {
  const res = await app.inject({ url: "/health/ready" });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.checks.redis.mode, "in-process");
  assert.match(body.warnings[0], /REDIS_URL is not set.*not shared between instances/);
  assert.match((await app.inject({ url: "/metrics" })).body, /muejam_app_info\{[^}]*cache="in-process"/);
});

it("caches, limits (101st is a 429 with Retry-After) and keeps sessions in process", async () => {
  const headers = bearer(signToken(TEST_SECRET, "4"));
  const first = await app.inject({ url: "/api/users/me", headers });
  assert.equal(first.headers["x-cache"], "MISS");
  for (let i = 1; i < 100; i++) assert.equal((await app.inject({ url: "/api/users/me", headers })).headers["x-cache"], "HIT");
  const refused = await app.inject({ url: "/api/users/me", headers });
  assert.equal(refused.statusCode, 429);
  assert.ok(Number(refused.headers["retry-after"]) >= 1);

  const t = signToken(TEST_SECRET, "5");
  assert.equal((await app.inject({ method: "DELETE", url: "/api/auth/session", headers: bearer(t) })).statusCode, 204);
  assert.equal((await app.inject({ url: "/api/users/me", headers: bearer(t) })).statusCode, 401);
});
