// A manual check, not part of the test run: how long API requests take while Redis stalls.
// Builds the API over a fresh test database and a redis-server of its own, keeps four request
// loops going through app.inject() (users/me, trending, a story view, shelves), pauses that Redis
// with CLIENT PAUSE <pauseMs> ALL one second in, and prints latency before, during and after
// (a request counts in every phase it was in flight in).
//   node --import tsx apps/backend/test/redis-stall-check.ts [pauseMs=2000]
import { Redis } from "ioredis";
import { build } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { bearer, createTestDatabase, startOwnRedis, TEST_SECRET } from "./helpers.js";

const pauseMs = Number(process.argv[2] ?? 2000);
const LOOPS = 4;

const [db, redis] = await Promise.all([createTestDatabase({ users: 50, stories: 200 }), startOwnRedis()]);
const app = build({ databaseUrl: db.url, redisUrl: redis.url, tokenSecret: TEST_SECRET, rateLimits: { userPerMin: 100_000 } });
await app.ready();
const admin = new Redis(redis.url);
admin.on("error", () => {});
try {
  const slug = (await db.query<{ slug: string }>("SELECT slug FROM stories WHERE visibility = 'public' ORDER BY id LIMIT 1"))[0]!.slug;
  const urls = ["/api/users/me", "/api/discovery/trending", `/api/stories/${slug}`, "/api/library/shelves"];
  const samples: { startMs: number; ms: number; status: number }[] = [];
  const t0 = performance.now();
  const endAtMs = 1_000 + pauseMs + 2_000;
  const loop = async (i: number): Promise<void> => {
    const headers = bearer(signToken(TEST_SECRET, String(i + 1)));
    for (let n = 0; performance.now() - t0 < endAtMs; n++) {
      const start = performance.now();
      const res = await app.inject({ url: urls[n % urls.length]!, headers });
      samples.push({ startMs: start - t0, ms: performance.now() - start, status: res.statusCode });
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const pause = (async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    await admin.call("CLIENT", "PAUSE", String(pauseMs), "ALL");
  })();
  await Promise.all([pause, ...Array.from({ length: LOOPS }, (_, i) => loop(i))]);
  // A request belongs to a phase when it was in flight during any part of it.
  const phase = (from: number, to: number): string => {
    const ms = samples.filter((s) => s.startMs < to && s.startMs + s.ms > from).map((s) => s.ms).sort((a, b) => a - b);
    if (ms.length === 0) return "no requests";
    const q = (p: number): string => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
    return `${ms.length} requests, p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${ms[ms.length - 1]!.toFixed(0)} ms`;
  };
  const metrics = (await app.inject({ url: "/metrics" })).body;
  const pick = (name: string): string => metrics.split("\n").filter((l) => l.startsWith(name)).join("; ") || "(absent)";
  console.log(`CLIENT PAUSE ${pauseMs} ALL at 1.0 s, ${LOOPS} request loops`);
  console.log(`before the pause:  ${phase(0, 1_000)}`);
  console.log(`during the pause:  ${phase(1_000, 1_000 + pauseMs)}`);
  console.log(`after the pause:   ${phase(1_000 + pauseMs, endAtMs)}`);
  console.log(`non-2xx: ${samples.filter((s) => s.status >= 300).length} of ${samples.length}`);
  console.log(pick("muejam_rate_limiter_fail_open_total"));
  console.log(pick("muejam_session_store_errors_total"));
  console.log(pick("muejam_redis_breaker"));
} finally {
  admin.disconnect();
  await app.close();
  await redis.stop();
  await db.drop();
}
