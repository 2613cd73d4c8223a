// Connection budget, replicas, cache and per-instance capacity against hand-computed figures on
// the default model (max_connections 100, 3 reserved, 5 admin, pool 25, pgbouncer 1000 clients).
import assert from "node:assert/strict";
import { test } from "node:test";
import { cachePlan } from "../../src/planning/cache-plan.js";
import { connectionBudget } from "../../src/planning/connection-budget.js";
import { perInstanceCapacity } from "../../src/planning/instance-capacity.js";
import { replicaPlan } from "../../src/planning/replica-plan.js";
import { defaultInfra } from "./fixtures.js";

const infra = defaultInfra();
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

test("connection budget: 92 available; 3 instances of 25 fit, the 4th needs pgbouncer", () => {
  const b3 = connectionBudget(infra, 3);
  assert.equal(b3.available.value, 92);
  assert.equal(b3.available.worked, "100 - 3 - 5 = 92");
  assert.equal(b3.demand.value, 75);
  assert.equal(b3.headroom.value, 17);
  assert.equal(b3.needsPgbouncer, false);
  assert.equal(b3.maxInstancesDirect.value, 3);
  assert.equal(b3.pgbouncerAtInstances.value, 4);
  assert.equal(b3.maxInstancesWithPgbouncer.value, 40);
  const b4 = connectionBudget(infra, 4);
  assert.equal(b4.demand.value, 100);
  assert.equal(b4.headroom.value, -8);
  assert.equal(b4.needsPgbouncer, true);
  // The seed's pool range: 20 -> 4 fit (pgbouncer at 5); 50 -> 1 fits, so min 2 instances already need it.
  assert.deepEqual(b4.byPool, [
    { pool: 20, maxInstancesDirect: 4, pgbouncerAtInstances: 5 },
    { pool: 25, maxInstancesDirect: 3, pgbouncerAtInstances: 4 },
    { pool: 50, maxInstancesDirect: 1, pgbouncerAtInstances: 2 },
  ]);
});

test("connection budget: measured peak per instance against the pool", () => {
  const b = connectionBudget(infra, 2, { source: "t", dbConnectionsPeakPerInstance: 10 });
  assert.equal(b.measuredPeakPerInstance.value, 40);
  assert.equal(connectionBudget(infra, 2).measuredPeakPerInstance.value, null);
  assert.match(connectionBudget(infra, 2).measuredPeakPerInstance.note!, /not measured: peak_open_connections_per_instance/);
});

test("per instance: RPS at 60 % CPU from core-ms per request and usable cores", () => {
  // 2 cores: (60 - 0/2) x 2 x 10 / 5 = 240 req/s; planning = min(240, 200, 300) = 200.
  const p = perInstanceCapacity({ source: "t", cpuMsPerRequest: 5, comfortableRpsPerInstance: 200, maxRpsPerInstance: 300 }, infra);
  assert.equal(p.usableCores.value, 2);
  assert.equal(p.rpsAtTargetCpu.value, 240);
  assert.equal(p.planningRps.value, 200);
  // 1 worker on 2 vCPUs uses 1 core: 60 x 1 x 10 / 5 = 120.
  const one = perInstanceCapacity({ source: "t", cpuMsPerRequest: 5 }, { ...infra, app: { ...infra.app, workersPerInstance: 1 } });
  assert.equal(one.usableCores.value, 1);
  assert.equal(one.rpsAtTargetCpu.value, 120);
  // Idle 10 % of one core on 2 cores is 5 % of the instance: (60 - 5) x 2 x 10 / 5 = 220.
  assert.equal(perInstanceCapacity({ source: "t", cpuMsPerRequest: 5, idleCpuCorePct: 10 }, infra).rpsAtTargetCpu.value, 220);
  const none = perInstanceCapacity({ source: "t" }, infra);
  assert.equal(none.planningRps.value, null);
  assert.match(none.planningRps.note!, /not measured/);
});

test("replicas: triggered above 70 % reads; counted from the statement rate", () => {
  // 80 % reads, 150 req/s x 2 statements = 300/s: one node suffices, but the trigger asks for 1.
  const a = replicaPlan(infra, { source: "t", readShare: 0.8, dbQueriesPerRequest: 2 }, 150);
  assert.equal(a.triggered, true);
  assert.equal(a.queriesPerSec.value, 300);
  assert.equal(a.replicasNeeded.value, 1);
  // 60 % reads: not triggered; 1000 req/s x 2 = 2000/s fits one node exactly; 1500 req/s -> 3000/s -> ceil(1000/2000) = 1.
  assert.equal(replicaPlan(infra, { source: "t", readShare: 0.6, dbQueriesPerRequest: 2 }, 1000).replicasNeeded.value, 0);
  const b = replicaPlan(infra, { source: "t", readShare: 0.6, dbQueriesPerRequest: 2 }, 1500);
  assert.equal(b.triggered, false);
  assert.equal(b.replicasNeeded.value, 1);
  // 80 % reads at 5000 req/s x 2 = 10000/s: ceil(8000 / 2000) = 4, above maxReplicas 2.
  const c = replicaPlan(infra, { source: "t", readShare: 0.8, dbQueriesPerRequest: 2 }, 5000);
  assert.equal(c.replicasNeeded.value, 4);
  assert.match(c.recommendation, /more than the 2 allowed/);
  // 20 % reads at 3000 req/s: writes alone are 4800/s > 2000/s: replicas cannot help.
  const d = replicaPlan(infra, { source: "t", readShare: 0.2, dbQueriesPerRequest: 2 }, 3000);
  assert.match(d.recommendation, /writes alone/);
  // Not measured: null, and the read trigger alone gives the seed's 1.
  assert.equal(replicaPlan(infra, { source: "t" }, 100).replicasNeeded.value, null);
  assert.equal(replicaPlan(infra, { source: "t" }, 100).triggered, null);
  assert.equal(replicaPlan(infra, { source: "t", readShare: 0.9 }, 100).replicasNeeded.value, 1);
});

test("cache: working set scaled by users, node chosen for the 80 % memory target, cluster when none fits", () => {
  const inputs = { source: "t", cacheWorkingSetBytes: 512 * MIB, measuredAtUsers: 200, cacheOpsPerRequest: 3, cacheEvictionPct: 2 };
  // 512 MiB x 1000 / 200 = 2560 MiB = 2.5 GiB; / 0.8 = 3.125 GiB > 3.09 GiB -> cache.m6g.large (6.38 GiB).
  const a = cachePlan(infra, inputs, { users: 1000, rps: 300 });
  assert.equal(a.workingSetBytes.value, 2.5 * GIB);
  assert.equal(a.memoryNeededBytes.value, 3.125 * GIB);
  assert.equal(Math.round(a.memoryUsePct.value! * 1000) / 1000, Math.round((2.5 / 3.09) * 100 * 1000) / 1000);
  assert.equal(a.nodeSize?.type, "cache.m6g.large");
  assert.equal(a.clusterDue, false);
  assert.equal(a.opsPerSec.value, 900);
  assert.match(a.recommendation, /eviction rate 2 % is at or above the 1 % target/);
  // 4000 users: 10 GiB -> 12.5 GiB -> cache.r6g.large (13.07).
  assert.equal(cachePlan(infra, inputs, { users: 4000, rps: 1200 }).nodeSize?.type, "cache.r6g.large");
  // 20000 users: 50 GiB -> 62.5 GiB > 52.82 GiB (largest): cluster.
  const c = cachePlan(infra, inputs, { users: 20000, rps: 6000 });
  assert.equal(c.nodeSize, null);
  assert.equal(c.clusterDue, true);
  assert.match(c.recommendation, /Redis Cluster: 62\.5 GiB needed/);
  // Command rate: 30000 req/s x 3 = 90000/s > 80000/s per node.
  assert.equal(cachePlan(infra, { ...inputs, cacheWorkingSetBytes: MIB }, { users: 200, rps: 30000 }).clusterDue, true);
  // Nothing measured: null figures, not a guess.
  const none = cachePlan(infra, { source: "t" }, { users: 100, rps: 10 });
  assert.equal(none.workingSetBytes.value, null);
  assert.equal(none.clusterDue, null);
});
