// test-needs: redis
// Ground truth for the bottleneck diagnosis: the MueJam API started with each lab fault, the same
// load against each (a search-heavy reader mix, 16 users pausing 0-10 ms), telemetry from Prometheus, PostgreSQL,
// Redis, the API process and the host, then analyzeRun. The diagnosis must name the fault's
// component first: tiny pool -> DB pool; N+1 -> database queries; cache off -> cache; leak ->
// app memory; CPU burn -> app CPU; slow query -> slow queries with the statement. Without faults
// no platform component is named primary.
//
// One embedded PostgreSQL (seeded once) serves every API process; the processes start together,
// then each is loaded in turn for 2 s of warm-up and 5 s of measurement.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { migrate, seedDatabase, startEmbeddedPostgres, startPlatform, type EmbeddedPostgres, type RunningPlatform } from "@muejam/backend";
import { analyzeRun } from "../../src/analysis/analyze-run.js";
import type { RunAnalysis } from "../../src/analysis/types.js";
import { newRunManifest } from "../../src/engine/manifest.js";
import { runTest } from "../../src/engine/run-test.js";
import { describeProfile, type Profile } from "../../src/plan/profile.js";
import { scenario, task, userClass } from "../../src/plan/scenario-api.js";
import { between } from "../../src/plan/wait.js";
import { createRunStore, readRunStore, type RunStoreWriter } from "../../src/store/run-store.js";
import type { RunStatus, RunSummary } from "../../src/core/types.js";
import { startTelemetry } from "../../src/telemetry/index.js";

const REDIS_URL = process.env.MUEJAM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const FAULTS = ["none", "tiny-pool", "n-plus-one", "cache-off", "slow-query", "leak", "cpu-burn"] as const;
type Fault = (typeof FAULTS)[number];

const TERMS = ["fantasy", "romance", "adventure", "mystery", "scifi"];
const readers = scenario({
  name: "lab readers",
  classes: [
    userClass<{ slugs: string[] }>({
      name: "Reader",
      weight: 1,
      wait: between(0, 0.01),
      state: () => ({ slugs: [] }),
      tasks: [
        task("trending", 1, async (u) => {
          const r = await u.get("/api/discovery/trending");
          if (r.status !== 200) return;
          for (const s of r.json<{ results: { slug: string }[] }>().results) if (!u.state.slugs.includes(s.slug)) u.state.slugs.push(s.slug);
        }),
        task("story", 3, async (u) => {
          if (u.state.slugs.length === 0) u.skip("no slug seen yet");
          await u.get(`/api/stories/${u.pick(u.state.slugs)}`, { name: "/api/stories/[slug]" });
        }),
        task("search", 6, async (u) => {
          await u.get("/api/search/stories", { query: { q: u.pick(TERMS) } });
        }),
      ],
    }),
  ],
});

const work = mkdtempSync(join(tmpdir(), "lab-faults-"));
// Its own directory: embedded PostgreSQL runs initdb as another user, which must reach it.
const pgDir = mkdtempSync(join(tmpdir(), "lab-faults-pg-"));
let db: EmbeddedPostgres | undefined;
const platforms = new Map<Fault, RunningPlatform>();
const analyses = new Map<Fault, RunAnalysis>();
const runId = `${process.pid}-${Date.now()}`;

before(async () => {
  db = await startEmbeddedPostgres({ dataDir: pgDir, log: () => {} });
  await migrate(db.url);
  const seeded = (async () => {
    await seedDatabase(db!.url, { users: 1000, stories: 20_000 });
    // Fresh statistics, so the planner's choices do not change halfway through the runs.
    const c = new pg.Client({ connectionString: db!.url });
    await c.connect();
    await c.query("VACUUM ANALYZE");
    await c.end();
  })();
  const started = Promise.all(
    FAULTS.map(async (fault) => {
      const p = await startPlatform({
        databaseUrl: db!.url,
        seed: false,
        redisUrl: REDIS_URL,
        lab: true,
        faults: fault === "none" ? [] : [fault],
        // Rate limits off: one generator host would otherwise be limited as one anonymous IP.
        env: {
          MUEJAM_REDIS_PREFIX: `headroom-lab:${runId}:${fault}:`,
          MUEJAM_RATE_LIMITS: "0",
          // 64 KiB retained per request (default 16): the leak must stand out of a 5 s window even
          // when a busy machine halves the request rate.
          ...(fault === "leak" ? { MUEJAM_LAB_LEAK_BYTES: String(64 * 1024) } : {}),
        },
      });
      platforms.set(fault, p);
    }),
  );
  await Promise.all([seeded, started]);
  for (const fault of FAULTS) {
    analyses.set(fault, await loadAndAnalyze(fault, platforms.get(fault)!));
    // Stopped at once: its idle connections and process would otherwise weigh on the next runs.
    await platforms.get(fault)!.stop();
  }
});

after(async () => {
  await Promise.all([...platforms.values()].map((p) => p.stop()));
  await db?.stop();
  await deleteRedisPrefix(`headroom-lab:${runId}:`);
  rmSync(work, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
});

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

async function loadAndAnalyze(fault: Fault, p: RunningPlatform): Promise<RunAnalysis> {
  const profile: Profile = { name: `lab-${fault}`, executor: "closed", users: 16, durationSec: 2, timeoutMs: 5000 };
  // Warm-up (not analysed): connections open, caches fill, the process settles.
  const warm = createRunStore(join(work, `${fault}-warm`), newRunManifest({ name: "warm-up", plan: describeProfile(profile), target: { url: p.url } }));
  await runTest({ profile, scenario: readers, store: warm, workers: 1, baseUrl: p.url, seed: 1 });

  const measured: Profile = { ...profile, durationSec: 5 };
  const dir = join(work, fault);
  const manifest = newRunManifest({ name: `lab-${fault}`, plan: describeProfile(measured, { workers: 1 }), target: { url: p.url }, loadLevel: "normal" });
  const store = createRunStore(dir, manifest);
  // runTest finishes the store; holding that back lets telemetry's final sample land first.
  let finish: [RunStatus, RunSummary | undefined, Date | undefined] = ["failed", undefined, undefined];
  const deferred: RunStoreWriter = { ...store, finish: (status, summary, endedAt) => (finish = [status, summary, endedAt]) };
  const telemetry = startTelemetry(
    { prometheus: { url: `${p.url}/metrics` }, postgres: { connectionString: db!.url }, redis: { url: REDIS_URL }, processes: { pids: p.pids }, host: true },
    (line) => store.appendTelemetry(line),
    { startedAtMs: Date.parse(manifest.startedAt), intervalMs: 500, diskPath: work },
  );
  try {
    await runTest({ profile: measured, scenario: readers, store: deferred, workers: 1, baseUrl: p.url, seed: 2 });
  } finally {
    await telemetry.stop();
    store.finish(...finish);
  }
  return analyzeRun(readRunStore(dir));
}

/** The first-ranked finding about the platform (the generator's own limit is reported, but is not a platform component). */
function platformPrimary(a: RunAnalysis): RunAnalysis["bottlenecks"][number] | undefined {
  return a.bottlenecks.find((b) => b.component !== "generator" && b.rank !== "minor");
}

function explain(a: RunAnalysis): string {
  return a.bottlenecks.map((b) => `${b.rank} ${b.kind} (${b.score}): ${b.symptom}`).join("\n") || "no findings";
}

function expectPrimary(fault: Fault, kind: string, component: string): RunAnalysis {
  const a = analyses.get(fault)!;
  const top = platformPrimary(a);
  assert.ok(top, `${fault}: no bottleneck named\n${explain(a)}`);
  assert.equal(top.kind, kind, `${fault}: expected ${kind} first\n${explain(a)}`);
  assert.equal(top.component, component);
  // Ranked primary, unless only the generator's own saturation came before it.
  const before = a.bottlenecks.slice(0, a.bottlenecks.indexOf(top));
  assert.ok(before.every((b) => b.kind === "generator"), explain(a));
  assert.ok(top.evidence.length > 0 && top.evidence.every((e) => e.source.length > 0));
  return a;
}

test("no fault: no platform component is named primary", () => {
  const a = analyses.get("none")!;
  assert.ok(a.summary.requests.total > 500, `only ${a.summary.requests.total} requests`);
  assert.equal(platformPrimary(a), undefined, explain(a));
  assert.equal(a.pool.verdict, "stable", a.pool.reason);
  assert.notEqual(a.leaks.find((l) => l.metric === "app.memory")!.verdict, "leak");
});

test("tiny pool: the PostgreSQL connection pool", () => {
  const a = expectPrimary("tiny-pool", "db-pool", "database");
  assert.equal(a.pool.size, 2);
  assert.ok(a.bottlenecks[0]!.evidence.some((e) => e.what === "pool size" && e.value === 2));
});

test("N+1: database queries, naming the route", () => {
  const a = expectPrimary("n-plus-one", "db-queries", "database");
  assert.match(platformPrimary(a)!.symptom, /queries per request on \/api\/stories\/:slug/);
});

test("cache off: the cache", () => {
  const a = expectPrimary("cache-off", "cache", "cache");
  assert.equal(a.cache.hitPct, 0);
});

test("leak: app memory, as a significant trend", () => {
  const a = expectPrimary("leak", "app-memory", "app");
  const leak = a.leaks.find((l) => l.metric === "app.memory")!;
  assert.equal(leak.verdict, "leak", leak.reason);
  assert.ok(leak.trend!.pValue < 0.01 && leak.trend!.mannKendall.pValue < 0.01);
});

test("CPU burn: app CPU", () => {
  expectPrimary("cpu-burn", "app-cpu", "app");
});

test("slow query: slow queries, with the statement's text", () => {
  const a = expectPrimary("slow-query", "db-slow-queries", "database");
  // The statement as the collector recorded it (pg_stat_statements text, cut at 300 characters): the search's SELECT.
  const statement = platformPrimary(a)!.evidence.find((e) => /^slow statement/.test(e.what));
  assert.ok(statement, explain(a));
  assert.match(String(statement.value), /^SELECT s\.id::text AS id, s\.slug/);
  assert.match(statement.what, /mean 1[12]\d\d ms/); // pg_sleep(1.2) inside the statement
});
