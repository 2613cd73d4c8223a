import assert from "node:assert/strict";
import { before, test } from "node:test";
import { analyzeRun } from "../../src/analysis/analyze-run.js";
import { buildTargets } from "../../src/plan/targets.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import type { IntervalLine, TelemetryLine } from "../../src/core/types.js";
import { seededRng } from "../../src/core/rng.js";
import { appScrapes, intervalLine, steadyRun, store, telemetry, type SecondSpec } from "./fixtures.js";

before(() => initHistograms());

const MiB = 1048576;
const SECONDS = 120;

interface Platform {
  poolMax: number;
  poolInUse: number;
  waiting: number;
  hitShare: number;
  queriesPerRequest: number;
  appCpuPct: number;
  rss: (t: number) => number;
  meanQueryMs: number;
  slow?: { count: number; query: string };
  /** Mean wait to check a connection out (the app's acquire histogram); 0.02 ms when not given. */
  acquireMs?: number;
}

const HEALTHY: Platform = { poolMax: 20, poolInUse: 5, waiting: 0, hitShare: 0.9, queriesPerRequest: 1.5, appCpuPct: 30, rss: () => 150 * MiB, meanQueryMs: 2 };

/** The telemetry every collector would write for a platform in the given state. */
function platformTelemetry(p: Platform, rps = 60, seed = 3): TelemetryLine[] {
  const rng = seededRng(seed);
  const jitter = (v: number, rel = 0.05): number => v * (1 + (rng.next() - 0.5) * 2 * rel);
  return [
    ...telemetry(
      "postgres",
      SECONDS,
      5,
      () => ({ connections: 12, connections_pct: 12, max_connections: 100, connections_active: 3, connections_idle_in_tx: 0, lock_waits: 0, slow_queries: p.slow ? p.slow.count : 0, mean_query_ms: jitter(p.meanQueryMs), queries_per_sec: jitter(rps * p.queriesPerRequest) }),
      () => ({ slow_statements: JSON.stringify(p.slow ? [{ query: p.slow.query, calls: p.slow.count, meanMs: 1250 }] : []) }),
    ),
    ...telemetry("redis", SECONDS, 5, () => ({ keyspace_hits_per_sec: rps * p.hitShare, keyspace_misses_per_sec: rps * (1 - p.hitShare), hit_pct: p.hitShare * 100, used_memory_bytes: 20 * MiB, maxmemory_bytes: 100 * MiB, memory_pct: 20, ops_per_sec: 200, evicted_keys_per_sec: 0 }), () => ({ maxmemory_policy: "allkeys-lru" })),
    ...telemetry("process", SECONDS, 5, (t) => ({ cpu_pct: jitter(p.appCpuPct, 0.03), rss_bytes: p.rss(t) + (rng.next() - 0.5) * 2 * MiB, open_fds: 40 }), () => ({ pid: "4242", command: "node api" })),
    ...telemetry("host", SECONDS, 5, () => ({ cpu_pct: jitter(40), mem_used_pct: 50, mem_total_bytes: 8192 * MiB, disk_used_pct: 40, net_rx_bytes_per_sec: 1e5, net_tx_bytes_per_sec: 1e5 })),
    ...appScrapes(SECONDS, 5, () => ({ poolMax: p.poolMax, poolInUse: p.poolInUse, waiting: p.waiting, hits: 5 * rps * p.hitShare, misses: 5 * rps * (1 - p.hitShare), hitMs: 3, missMs: 15, queriesPerRequest: p.queriesPerRequest, requests: 5 * rps, ...(p.acquireMs !== undefined ? { acquireMs: p.acquireMs } : {}), statementMs: p.meanQueryMs })),
  ];
}

function run(name: string, p: Platform, latencyMs = 20, lines?: IntervalLine[]): ReturnType<typeof analyzeRun> {
  return analyzeRun(store(name, lines ?? steadyRun(SECONDS, { users: 100, rps: 60, latencyMs }), platformTelemetry(p)), buildTargets());
}

const primary = (a: ReturnType<typeof analyzeRun>): string | undefined => a.bottlenecks.find((b) => b.rank === "primary")?.kind;

test("a healthy run passes every measured target and names no primary bottleneck", () => {
  const a = run("healthy", HEALTHY);
  const failing = a.verdicts.filter((v) => v.verdict !== "PASS");
  assert.deepEqual(failing.map((v) => `${v.metric}:${v.verdict}:${v.note ?? ""}`), []);
  assert.equal(a.verdict, "PASS");
  assert.equal(primary(a), undefined, JSON.stringify(a.bottlenecks.map((b) => [b.kind, b.score])));
  const p95 = a.verdicts.find((v) => v.metric === "p95Ms")!;
  assert.equal(p95.bound.target, 500);
  assert.equal(p95.tier, "target");
  assert.ok(p95.measured! > 20 && p95.measured! < 31, `p95 ${p95.measured}`);
  const rps = a.verdicts.find((v) => v.metric === "rps")!;
  assert.equal(rps.measured, 60);
  assert.equal(rps.bound.target, 50); // 0.5 req/s per user x 100 users
  assert.equal(a.pool.verdict, "stable");
  assert.equal(a.pool.size, 20);
  assert.equal(a.leaks.find((l) => l.metric === "app.memory")!.verdict, "stable");
  assert.equal(a.cache.hitPct, 90);
  assert.equal(a.cache.hitLatencyMs, 3);
  assert.equal(a.cache.missLatencyMs, 15);
  assert.equal(a.cache.policy, "allkeys-lru");
  assert.equal(a.recovery.status, "no load drop");
  assert.equal(a.components.database.poolSize, 20);
  assert.equal(a.components.application.workers, 1);
});

test("without telemetry the server-side targets are NOT_MEASURED, never PASS", () => {
  const a = analyzeRun(store("bare", steadyRun(30)), buildTargets());
  for (const m of ["cpuPct", "dbPoolPct", "queryLatencyMs", "cacheHitPct", "appCpuPct", "appMemoryPct"]) {
    const v = a.verdicts.find((x) => x.metric === m)!;
    assert.equal(v.verdict, "NOT_MEASURED", m);
    assert.equal(v.measured, undefined);
    assert.match(v.note!, /not measured/);
  }
  assert.equal(a.verdict, "PASS");
  assert.ok(a.notes.some((n) => /no telemetry/.test(n)));
  const cpuRow = a.resources.find((r) => r.metric === "app.cpuPct")!;
  assert.equal(cpuRow.samples, 0);
  assert.match(cpuRow.note!, /not measured/);
  assert.equal(a.leaks[0]!.verdict, "not measured");
  assert.deepEqual(a.bottlenecks, []);
});

test("a collector that failed is reported as a gap", () => {
  const failed: TelemetryLine[] = [0, 5, 10].map((t) => ({ ts: t * 1000, t, source: "postgres", ok: false, error: "connect ECONNREFUSED 127.0.0.1:5999", values: {} }));
  const a = analyzeRun(store("gap", steadyRun(15), failed), buildTargets());
  assert.ok(a.notes.some((n) => /postgres: 3 of 3 samples failed \(connect ECONNREFUSED/.test(n)), a.notes.join("\n"));
  assert.match(a.resources.find((r) => r.metric === "db.connections")!.note!, /every postgres sample failed/);
});

test("tiny pool: the DB pool is the primary bottleneck, with its evidence", () => {
  const a = run("tiny-pool", { ...HEALTHY, poolMax: 2, poolInUse: 2, waiting: 18 }, 400);
  assert.equal(primary(a), "db-pool");
  const b = a.bottlenecks[0]!;
  assert.equal(b.component, "database");
  assert.ok(b.evidence.some((e) => e.what === "pool size" && e.value === 2));
  assert.ok(b.evidence.some((e) => /waiting/.test(e.what) && e.source.includes("muejam_db_pool_waiting_clients")));
  assert.equal(a.pool.verdict, "saturated");
  assert.equal(a.verdicts.find((v) => v.metric === "dbPoolPct")!.verdict, "FAIL");
});

test("N+1 queries: database queries are primary, the busy pool is ranked below as their consequence", () => {
  const a = run("n-plus-one", { ...HEALTHY, queriesPerRequest: 22, poolInUse: 20, waiting: 6 }, 300);
  assert.equal(primary(a), "db-queries");
  const q = a.bottlenecks[0]!;
  assert.match(q.symptom, /22 queries per request on \/api\/stories\/:slug/);
  const pool = a.bottlenecks.find((b) => b.kind === "db-pool")!;
  assert.ok(pool.score < q.score);
  assert.match(pool.impact, /consequence of database queries/);
});

test("cache off: the cache is primary (hit rate 0 %)", () => {
  const a = run("cache-off", { ...HEALTHY, hitShare: 0, queriesPerRequest: 2.5, poolInUse: 12 });
  assert.equal(primary(a), "cache");
  assert.equal(a.cache.hitPct, 0);
  assert.equal(a.cache.verdict, "FAIL");
  assert.match(a.bottlenecks[0]!.recommendation, /not serving reads/);
  assert.equal(a.bottlenecks[0]!.componentLabel, "cache (Redis)");
  // The app's own counters without Redis telemetry (an in-process cache): not called Redis.
  const inProcess = analyzeRun(store("cache-off-in-process", steadyRun(SECONDS, { users: 100, rps: 60, latencyMs: 20 }), platformTelemetry({ ...HEALTHY, hitShare: 0 }).filter((l) => l.source !== "redis")), buildTargets());
  assert.equal(primary(inProcess), "cache");
  assert.equal(inProcess.bottlenecks[0]!.componentLabel, "cache");
});

test("memory leak: a significant steady RSS trend is a leak and the primary bottleneck", () => {
  const a = run("leak", { ...HEALTHY, rss: (t) => 150 * MiB + t * 0.5 * MiB });
  const leak = a.leaks.find((l) => l.metric === "app.memory")!;
  assert.equal(leak.verdict, "leak", leak.reason);
  assert.ok(leak.trend!.pValue < 1e-6);
  assert.equal(primary(a), "app-memory");
});

test("CPU burn: app CPU is primary; a slow query names its statement", () => {
  const cpu = run("cpu-burn", { ...HEALTHY, appCpuPct: 99 }, 250);
  assert.equal(primary(cpu), "app-cpu");
  const slow = run("slow-query", { ...HEALTHY, slow: { count: 2, query: "SELECT pg_sleep(1.2), id FROM stories WHERE search @@ $1" } }, 300);
  assert.equal(primary(slow), "db-slow-queries");
  assert.ok(slow.bottlenecks[0]!.evidence.some((e) => String(e.value).includes("pg_sleep")));
});

test("a generator-limited run says so first", () => {
  const rng = seededRng(5);
  const lines = Array.from({ length: 30 }, (_, t) => intervalLine(t, { users: 100, requests: 50, latencyUs: () => 5000, generatorCpuPct: 99 }, rng));
  const a = analyzeRun(store("gen", lines), buildTargets());
  assert.equal(primary(a), "generator");
  assert.equal(a.generator.limited, true);
});

test("phases, thirds and 429 shares come from the intervals", () => {
  const rng = seededRng(9);
  const lines: IntervalLine[] = [];
  for (let t = 0; t < 30; t++) {
    const phase = t < 10 ? "ramp-up" : t < 20 ? "peak" : "ramp-down";
    const spec: SecondSpec = { users: phase === "peak" ? 100 : 50, requests: 100, latencyUs: () => (phase === "peak" ? 200_000 : 10_000), phase, failed: t >= 20 ? 2 : 0, status429: 5 };
    lines.push(intervalLine(t, spec, rng));
  }
  lines[0]!.classes = { AuthenticatedUser: { requests: 70, failed: 0, rateLimited: 7, users: 35 }, WriterUser: { requests: 30, failed: 3, rateLimited: 0, users: 15 } };
  const a = analyzeRun(store("phases", lines, [], "peak"), buildTargets());
  assert.deepEqual(
    a.phases.map((p) => [p.phase, p.startSec, p.endSec, p.requests, p.failures]),
    [
      ["ramp-up", 0, 10, 1000, 0],
      ["peak", 10, 20, 1000, 0],
      ["ramp-down", 20, 30, 1000, 20],
    ],
  );
  assert.ok(Math.abs(a.phases[1]!.latencyMs.p95 - 200) < 0.5);
  assert.ok(Math.abs(a.phases[0]!.latencyMs.p95 - 10) < 0.05);
  assert.deepEqual(a.errorThirds.map((x) => [x.index, x.failures, x.errorPct, x.verdict]), [
    [1, 0, 0, "PASS"],
    [2, 0, 0, "PASS"],
    [3, 20, 2, "WARN"], // peak: < 1 % target, < 5 % acceptable
  ]);
  assert.equal(a.endpoints[0]!.rateLimited, 150);
  assert.deepEqual(a.classes.map((c) => [c.name, c.rateLimitedPct, c.successPct]), [
    ["AuthenticatedUser", 10, 90],
    ["WriterUser", 0, 90],
  ]);
  assert.equal(a.run.loadLevel, "peak");
});

test("recovery: seconds from the load drop until p95 and errors stay within target", () => {
  const rng = seededRng(11);
  const lines: IntervalLine[] = [];
  for (let t = 0; t < 40; t++) {
    const users = t < 20 ? 500 : 100;
    // Overloaded until 5 s after the drop at t = 20, then fast.
    const slow = t < 25;
    lines.push(intervalLine(t, { users, requests: 50, latencyUs: () => (slow ? 900_000 : 30_000), failed: slow ? 5 : 0 }, rng));
  }
  const a = analyzeRun(store("spike", lines, [], "peak"), buildTargets());
  assert.equal(a.recovery.status, "recovered");
  assert.equal(a.recovery.loadDropSec, 20);
  assert.equal(a.recovery.recoverySec, 5);
  const never = analyzeRun(store("never", lines.map((l) => (l.t >= 20 ? { ...l, endpoints: lines[0]!.endpoints } : l)), [], "peak"), buildTargets());
  assert.equal(never.recovery.status, "not recovered");
});

test("a throughput bound the user mix cannot produce is NOT_TESTABLE by Little's law, with the users it needs; one the platform misses is judged", () => {
  // 1000 users at 300 req/s and 2 ms: Z = 1000 / 300 - 0.002 = 3.331 s; even an instant platform
  // gets at most 1000 / 3.331 = 300.2 req/s, below the 500 asked: 500 x 3.333 s = 1667 users needed.
  const thinking = analyzeRun(store("thinking", steadyRun(SECONDS, { users: 1000, rps: 300, latencyMs: 2 }), platformTelemetry(HEALTHY, 300)), buildTargets());
  const t = thinking.verdicts.find((v) => v.metric === "rps")!;
  assert.equal(t.bound.target, 500);
  assert.equal(t.verdict, "NOT_TESTABLE");
  assert.equal(t.measured, 300);
  assert.equal(t.tier, undefined);
  assert.match(t.note ?? "", /^not testable by this user mix: by Little's law 1000 users thinking 3\.33 s per request .* send at most N \/ Z = 300\.2 req\/s even with an instant platform, below the 500 req\/s the target asks; this mix needs 1667 users/);
  assert.notEqual(thinking.verdict, "FAIL");
  // 100 users at 30 req/s and 2 s each: Z = 1.33 s, so an instant platform would give 75 req/s,
  // above the 50 asked: the platform's latency is why the target is missed, and it is judged.
  const slow = analyzeRun(store("slow", steadyRun(SECONDS, { users: 100, rps: 30, latencyMs: 2000 }), platformTelemetry(HEALTHY, 30)), buildTargets());
  const r = slow.verdicts.find((v) => v.metric === "rps")!;
  assert.equal(r.verdict, "WARN");
  assert.doesNotMatch(r.note ?? "", /not testable/);
});

test("a run that did not finish is INCOMPLETE, never PASS; a target it already failed makes it FAIL", () => {
  const killed = store("killed", steadyRun(SECONDS, { users: 100, rps: 60, latencyMs: 20 }), platformTelemetry(HEALTHY));
  killed.manifest.status = "running";
  delete killed.manifest.endedAt;
  const a = analyzeRun(killed, buildTargets());
  assert.equal(a.verdict, "INCOMPLETE");
  assert.match(a.incomplete ?? "", /^the run did not finish: its manifest has no end and summary\.json is missing .*it recorded \d+ s of the 60 s its profile planned$/);
  assert.ok(!a.verdicts.some((v) => v.verdict === "FAIL"));
  // The same run at 2 s per request: its p95 already failed, and a FAIL is a FAIL.
  const slow = store("killed-slow", steadyRun(SECONDS, { users: 100, rps: 30, latencyMs: 2000 }), platformTelemetry(HEALTHY, 30));
  slow.manifest.status = "interrupted";
  const s = analyzeRun(slow, buildTargets());
  assert.equal(s.verdict, "FAIL");
  assert.match(s.incomplete ?? "", /^the run was interrupted/);
});

test("a target the profile declares untestable is NOT_TESTABLE with its reason, never FAIL", () => {
  const s = store("db-stress", steadyRun(SECONDS, { users: 100, rps: 60, latencyMs: 20 }), platformTelemetry({ ...HEALTHY, hitShare: 0.4 }));
  const judged = analyzeRun(s, buildTargets()).verdicts.find((v) => v.metric === "cacheHitPct")!;
  assert.equal(judged.verdict, "FAIL");
  s.manifest.untestable = { cacheHitPct: "its traffic opens the long tail by design" };
  const a = analyzeRun(s, buildTargets());
  const v = a.verdicts.find((x) => x.metric === "cacheHitPct")!;
  assert.equal(v.verdict, "NOT_TESTABLE");
  assert.equal(v.measured, judged.measured);
  assert.match(v.note ?? "", /^not testable by this profile: its traffic opens the long tail by design/);
  assert.ok(!a.verdicts.some((x) => x.verdict === "FAIL"), JSON.stringify(a.verdicts.filter((x) => x.verdict === "FAIL")));
});

test("memory that grows a little over a short run is a minor note to watch, not advice to buy memory", () => {
  // +2.4 MiB over 2 minutes on 150 MiB: significant, but a tenth of the process's memory it is not.
  const a = run("growing", { ...HEALTHY, rss: (t) => 150 * MiB + t * 0.02 * MiB });
  const leak = a.leaks.find((l) => l.metric === "app.memory")!;
  assert.equal(leak.verdict, "growing", leak.reason);
  const note = a.bottlenecks.find((b) => b.kind === "app-memory")!;
  assert.equal(note.rank, "minor");
  assert.match(note.impact, /^none in the tested range/);
  assert.match(note.recommendation, /longer sustained run/);
  assert.doesNotMatch(note.recommendation, /raise the instance memory/);
});

test("pool waits the gauge's samples miss: the acquire histogram's mean wait against the statement names the pool", () => {
  // The waiting-clients gauge reads 0 at every sample, but checkouts waited 1.9 ms for 1.5 ms statements.
  const a = run("bursty-pool", { ...HEALTHY, poolMax: 2, poolInUse: 1, meanQueryMs: 1.5, acquireMs: 1.9 });
  assert.equal(primary(a), "db-pool", JSON.stringify(a.bottlenecks.map((b) => [b.kind, b.score])));
  const pool = a.bottlenecks.find((b) => b.kind === "db-pool")!;
  assert.match(pool.symptom, /1\.9 ms per checkout on average \(1\.3x the statement's own 1\.5 ms\)/);
  assert.ok(pool.evidence.some((e) => e.what === "mean wait for a connection / mean statement" && e.value === "1.9 / 1.5"));
  // A pool with room answers in microseconds: no finding.
  const free = run("free-pool", { ...HEALTHY, acquireMs: 0.05 });
  assert.equal(free.bottlenecks.find((b) => b.kind === "db-pool"), undefined);
});
