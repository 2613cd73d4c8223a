// Each lab fault produces its real symptom: pool waits, many queries per request, cache misses,
// slow statements, retained memory, CPU. (pg_stat_statements is checked in start-platform.test.ts,
// where embedded PostgreSQL preloads it.)
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { build, type BuildOptions, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { bearer, createTestDatabase, TEST_SECRET, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
const apps: MueJamApp[] = [];

before(async () => {
  db = await createTestDatabase({ users: 50, stories: 300 });
  // Give one story many whispers, so an N+1 view of it runs many queries.
  await db.query("INSERT INTO whispers (author_id, story_id, content, scope) SELECT 1 + k % 50, 1, 'w' || k, 'public' FROM generate_series(1, 12) AS k");
});

after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await db?.drop();
});

async function labApp(faults: string[], extra: Partial<BuildOptions> = {}): Promise<MueJamApp> {
  const app = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET, lab: true, faults, rateLimits: false, ...extra });
  apps.push(app);
  await app.ready();
  return app;
}

function metric(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

it("n-plus-one: the same story, assembled with one query per related row, never from the cache", async () => {
  const normal = await labApp([]);
  const faulty = await labApp(["n-plus-one"]);
  const [story] = await db.query<{ slug: string }>("SELECT slug FROM stories WHERE id = 1");
  const url = `/api/stories/${story!.slug}`;
  const good = await normal.inject({ url });
  const bad = await faulty.inject({ url });
  const bad2 = await faulty.inject({ url });
  assert.equal(bad.statusCode, 200);
  assert.deepEqual(bad.json(), good.json(), "same response either way");
  assert.equal(bad2.headers["x-cache"], "MISS");
  const goodMetrics = (await normal.inject({ url: "/metrics" })).body;
  const badMetrics = (await faulty.inject({ url: "/metrics" })).body;
  const series = 'muejam_db_queries_per_request_sum{route="/api/stories/:slug"}';
  assert.equal(metric(goodMetrics, series), 1, "one statement per (missed) view");
  // 1 story + 1 tag ids + 2 tags + 1 chapter ids + chapters + 1 whisper ids + 10 x (whisper + author)
  const chapters = good.json().chapters.length;
  assert.equal(metric(badMetrics, series), 2 * (1 + 1 + 2 + 1 + chapters + 1 + 20));
});

it("cache-off: every cached read misses and nothing is stored", async () => {
  const app = await labApp(["cache-off"]);
  for (let i = 0; i < 3; i++) assert.equal((await app.inject({ url: "/api/discovery/trending" })).headers["x-cache"], "MISS");
  const text = (await app.inject({ url: "/metrics" })).body;
  assert.equal(metric(text, 'muejam_cache_misses_total{family="trending"}'), 3);
  assert.equal(metric(text, 'muejam_cache_hits_total{family="trending"}'), 0);
});

it("slow-query: search sleeps inside PostgreSQL; tiny-pool: two connections, requests queue for them", async () => {
  const app = await labApp(["slow-query", "tiny-pool"], { labTuning: { slowQueryMs: 150 } });
  assert.equal(app.muejam.config.poolSize, 2);
  const t0 = performance.now();
  const one = await app.inject({ url: "/api/search/stories?q=fantasy" });
  assert.equal(one.statusCode, 200);
  assert.ok(performance.now() - t0 >= 150, "the sleep is part of the statement");
  let maxWaiting = 0;
  let done = false;
  const burst = Promise.all(Array.from({ length: 6 }, () => app.inject({ url: "/api/search/stories?q=mystery" }))).finally(() => {
    done = true;
  });
  while (!done) {
    maxWaiting = Math.max(maxWaiting, app.muejam.db.poolStats()[0]!.waiting);
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const r of await burst) assert.equal(r.statusCode, 200);
  assert.ok(maxWaiting >= 1, `requests waited for a connection (max waiting ${maxWaiting})`);
  const text = (await app.inject({ url: "/metrics" })).body;
  assert.equal(metric(text, 'muejam_db_pool_max_connections{pool="primary"}'), 2);
  // Four of the six searches queued behind two 150 ms statements: at least 0.9 s of waiting in all.
  assert.ok(metric(text, 'muejam_db_pool_acquire_seconds_sum{pool="primary"}') >= 0.3, "time waiting for a connection is measured");
  assert.match(text, /muejam_app_info\{[^}]*lab_faults="slow-query,tiny-pool"/);
});

it("leak: retains memory per request, up to its cap", async () => {
  const app = await labApp(["leak"], { labTuning: { leakBytesPerRequest: 64 * 1024, leakMaxBytes: 5 * 64 * 1024 } });
  // A first request opens the pool's connections (their buffers, freed later, would hide the leak's).
  await app.inject({ url: "/api/discovery/trending" });
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 3; i++) await app.inject({ url: "/api/discovery/trending" });
  assert.equal(app.muejam.lab.leakedBytes(), 4 * 64 * 1024);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 3 * 64 * 1024, "the buffers are really held");
  for (let i = 0; i < 5; i++) await app.inject({ url: "/api/discovery/trending" });
  assert.equal(app.muejam.lab.leakedBytes(), 5 * 64 * 1024, "capped");
  assert.equal(metric((await app.inject({ url: "/metrics" })).body, "muejam_lab_leaked_bytes"), 5 * 64 * 1024);
});

it("cpu-burn: synchronous CPU work on every API request", async () => {
  const app = await labApp(["cpu-burn"], { labTuning: { cpuBurnMs: 20 } });
  const headers = bearer(signToken(TEST_SECRET, "2"));
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: "/api/users/me", headers })).statusCode, 200);
  assert.ok(app.muejam.lab.cpuBurnedSeconds() >= 0.1);
  assert.ok(metric((await app.inject({ url: "/metrics" })).body, "muejam_lab_cpu_burned_seconds") >= 0.1);
  assert.equal((await app.inject({ url: "/health" })).statusCode, 200);
});
