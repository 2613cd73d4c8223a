// Planning's inputs measured from a synthetic run store (hand-built so every figure is known),
// from analysis results, and from a JSON file.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CapacityAnalysis, LoadStep } from "../../src/analysis/types.js";
import { HeadroomError } from "../../src/core/errors.js";
import { capacityFromAnalysis } from "../../src/planning/capacity-from-analysis.js";
import { capacityFromRun, type RunData } from "../../src/planning/capacity-from-run.js";
import { T0, syntheticRun } from "./fixtures.js";
import { mergeCapacityInputs, parseCapacityInputs } from "../../src/planning/capacity-inputs.js";

const run = syntheticRun();

test("from a run: CPU per request is the slope of app CPU against RPS, idle its intercept", () => {
  const c = capacityFromRun(run);
  // 0.5 % of a core per req/s = 5 ms of CPU per request; intercept 5 % of a core.
  assert.equal(c.cpuMsPerRequest, 5);
  assert.equal(c.idleCpuCorePct, 5);
  assert.match(c.sources!.cpuMsPerRequest!, /slope of app CPU/);
  assert.equal(c.dbQueriesPerRequest, 2);
  assert.equal(c.cacheOpsPerRequest, 3);
  assert.equal(c.readShare, 0.8);
  // Held at 50 users for 60 s; seconds 5-59 average 70 req/s (20..120 in steps of 10): 70 / 50 = 1.4.
  assert.equal(c.rpsPerActiveUser, 1.4);
  assert.equal(c.measuredAtUsers, 50);
  // Open connections (the server's clients, no app gauge scraped) peak at 3 + 3 = 6.
  assert.equal(c.dbConnectionsPeakPerInstance, 6);
  assert.equal(c.cacheWorkingSetBytes, 12e6);
  assert.equal(c.cacheHitPct, 90);
  assert.equal(c.cacheEvictionPct, 0);
  assert.equal(c.memoryBytesPerInstance, 200e6 + 12);
  assert.deepEqual(c.rpsPerMinute, [65]);
  // The busiest 5-second window paired with a CPU sample: 10 x 12 = 120 req/s.
  assert.equal(c.observedMaxRpsPerInstance, 120);
  assert.equal(c.maxRpsPerInstance, undefined, "a single run does not establish the SLO bound");
});

test("from a run on 2 instances: per-instance figures are halved", () => {
  const c = capacityFromRun(run, { measuredInstances: 2 });
  assert.equal(c.dbConnectionsPeakPerInstance, 3);
  assert.equal(c.memoryBytesPerInstance, 100e6 + 6);
  // CPU per request is per request: unchanged by the instance count.
  assert.equal(c.cpuMsPerRequest, 5);
});

test("from a steady run the ratio of means is used, idle not separable", () => {
  const steady: RunData = {
    ...run,
    intervals: run.intervals.map((l) => ({ ...l, endpoints: { "/read": { ...l.endpoints["/read"]!, requests: 100 } } })),
    telemetry: Array.from({ length: 12 }, (_, k) => ({ ts: T0 + 5000 * (k + 1), t: 5 * (k + 1), ok: true, source: "process", values: { cpu_pct: 40 } })),
  };
  const c = capacityFromRun(steady);
  // 40 % of a core at 100 req/s: 4 ms per request.
  assert.equal(c.cpuMsPerRequest, 4);
  assert.equal(c.idleCpuCorePct, 0);
  assert.match(c.sources!.cpuMsPerRequest!, /too steady/);
  assert.equal(c.readShare, 1);
  assert.equal(c.dbQueriesPerRequest, undefined);
});

function step(users: number, rps: number, p95Ms: number, errorPct = 0): LoadStep {
  return { users, rps, p95Ms, errorPct, requests: rps * 60, durationSec: 60 };
}

test("from a capacity analysis: SLO bound, comfortable capacity and RPS per user below the knee", () => {
  const analysis = {
    model: "closed",
    steps: [step(100, 50, 80), step(200, 100, 120), step(400, 190, 450), step(800, 210, 2400, 3)],
    slo: { p95Ms: 500, errorPct: 1 },
    maxUsers: { value: 400, unit: "users", confidence: "medium", reason: "r", formula: "f" },
    maxRps: { value: 210, unit: "req/s", confidence: "medium", reason: "r", formula: "f" },
    ceiling: { value: 210, unit: "req/s", confidence: "medium", reason: "r", formula: "f", evidence: "r", lowerBound: false },
    sloCapacity: { users: 400, rps: 190, brokeAtUsers: 800, bracketPct: 100, confidence: "medium", reason: "r" },
    disturbed: [],
    retested: [],
    breakingPoint: { users: 800, rps: 210, limit: "p95", confidence: "medium", reason: "r" },
    comfortable: { users: 280, rps: 133, fraction: 0.7, confidence: "medium", reason: "r" },
    degradation: [],
    confidence: "medium",
    confidenceReason: "r",
  } satisfies CapacityAnalysis;
  const c = capacityFromAnalysis(analysis, { measuredInstances: 2, source: "suite s" });
  // The highest step within p95 < 500 ms and errors < 1 % is 190 req/s, on 2 instances: 95.
  assert.equal(c.maxRpsPerInstance, 95);
  assert.equal(c.observedMaxRpsPerInstance, 105);
  assert.equal(c.comfortableRpsPerInstance, 66.5);
  assert.equal(c.comfortableUsersPerInstance, 140);
  assert.equal(c.maxUsersPerInstance, 200);
  // (50 + 100 + 190) / (100 + 200 + 400) = 340 / 700.
  assert.equal(c.rpsPerActiveUser, Math.round((340 / 700) * 1e4) / 1e4);
  assert.match(c.sources!.maxRpsPerInstance!, /^suite s: highest throughput of 3 step/);
});

test("merging keeps the later figure and its source; a JSON file is validated", () => {
  const m = mergeCapacityInputs({ source: "a", readShare: 0.5, sources: { readShare: "run a" } }, { source: "b", readShare: 0.9, cpuMsPerRequest: 3 });
  assert.equal(m.readShare, 0.9);
  assert.equal(m.sources!.readShare, undefined);
  assert.equal(m.source, "a + b");
  // Peaks keep the largest, with its source.
  const peaks = mergeCapacityInputs({ source: "suite", observedMaxRpsPerInstance: 400, dbConnectionsPeakPerInstance: 9, sources: { observedMaxRpsPerInstance: "steps" } }, { source: "run", observedMaxRpsPerInstance: 120, dbConnectionsPeakPerInstance: 14, sources: { observedMaxRpsPerInstance: "run" } });
  assert.equal(peaks.observedMaxRpsPerInstance, 400);
  assert.equal(peaks.sources!.observedMaxRpsPerInstance, "steps");
  assert.equal(peaks.dbConnectionsPeakPerInstance, 14);
  const f = parseCapacityInputs({ cpuMsPerRequest: 4, readShare: 0.75 }, "cap.json");
  assert.equal(f.cpuMsPerRequest, 4);
  assert.equal(f.sources!.cpuMsPerRequest, "cap.json");
  assert.throws(
    () => parseCapacityInputs({ readShare: 75, cpuMs: 4 }, "cap.json"),
    (e: unknown) => e instanceof HeadroomError && e.code === "HR_INPUT_INVALID" && /readShare/.test(e.message) && /cpuMs/.test(e.message) && /--run DIR/.test(e.hint),
  );
});

test("from a run with the app's pool gauges: open connections of the primary pool, and its size", () => {
  const base = syntheticRun();
  const prom = (k: number, open: number, replicaOpen: number) => ({
    ts: T0 + 5000 * k,
    t: 5 * k,
    ok: true,
    source: "prometheus",
    values: { 'muejam_db_pool_total_connections{pool="primary"}': open, 'muejam_db_pool_idle_connections{pool="primary"}': open, 'muejam_db_pool_total_connections{pool="replica"}': replicaOpen, 'muejam_db_pool_max_connections{pool="primary"}': 20 },
  });
  const c = capacityFromRun({ ...base, telemetry: [...base.telemetry, prom(1, 4, 9), prom(2, 11, 9), prom(3, 7, 9)] });
  // Idle connections count: 11 open at the busiest scrape, whatever was idle; the replica pool is another server.
  assert.equal(c.dbConnectionsPeakPerInstance, 11);
  assert.equal(c.dbPoolPerInstance, 20);
  assert.match(c.sources!.dbConnectionsPeakPerInstance!, /muejam_db_pool_total_connections \(open connections of the primary pool\)/);
});

test("from a run with the app's statements-per-request histogram: its increase, not PostgreSQL's rate", () => {
  const base = syntheticRun();
  const prom = (k: number, sum: number, count: number) => ({
    ts: T0 + 5000 * k,
    t: 5 * k,
    ok: true,
    source: "prometheus",
    values: { 'muejam_db_queries_per_request_sum{route="/a"}': sum, 'muejam_db_queries_per_request_count{route="/a"}': count, 'muejam_db_queries_per_request_sum{route="/b"}': sum / 2, 'muejam_db_queries_per_request_count{route="/b"}': count },
  });
  // From the first to the last scrape: (30 + 15) - (10 + 5) = 30 statements over (20 + 20) - (10 + 10) = 20 requests.
  const c = capacityFromRun({ ...base, telemetry: [...base.telemetry, prom(1, 10, 10), prom(6, 20, 15), prom(12, 30, 20)] });
  assert.equal(c.dbQueriesPerRequest, 1.5);
  assert.match(c.sources!.dbQueriesPerRequest!, /muejam_db_queries_per_request \(increase of _sum \/ _count over the run, 20 requests\)/);
});
