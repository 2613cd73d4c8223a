import assert from "node:assert/strict";
import { test } from "node:test";
import { HeadroomError } from "../../src/core/errors.js";
import { mergeInfrastructure, parseInfrastructure, resolveInfrastructure } from "../../src/planning/infrastructure.js";
import { DEFAULT_INFRA_JSON, defaultInfra } from "./fixtures.js";

test("the default model is valid and carries the seed's figures", () => {
  const m = defaultInfra();
  assert.equal(m.app.minInstances, 2);
  assert.equal(m.database.maxConnections, 100);
  assert.ok(m.database.poolMinPerInstance === 20 && m.database.poolMaxPerInstance === 50);
  assert.equal(m.cache.evictionPolicy, "allkeys-lru");
  assert.equal(m.loadBalancer.timeoutSec, 30);
  assert.deepEqual(m.scaling.step, { scaleUpCpuPct: 70, scaleUpForMin: 5, scaleDownCpuPct: 40, scaleDownForMin: 10, cooldownMin: 5 });
  assert.equal(m.scaling.target.targetCpuPct, 60);
  assert.deepEqual(m.database.pgbouncer, { poolMode: "transaction", defaultPoolSize: 25, maxClientConnections: 1000, monthlyPrice: 12.26 });
  assert.deepEqual(m.growth.periods.map((p) => p.month), [0, 3, 6, 12]);
  assert.ok(m.assumptions.some((a) => /ASSUMED/.test(a)), "prices are labelled as assumptions");
});

test("a partial override merges over the defaults; arrays replace", () => {
  const m = resolveInfrastructure(DEFAULT_INFRA_JSON, { app: { maxInstances: 20 }, growth: { periods: [{ name: "Now", month: 0, expectedUsers: 1, peakConcurrencyRatio: 1 }] } }, "defaults + x.json");
  assert.equal(m.app.maxInstances, 20);
  assert.equal(m.app.minInstances, 2);
  assert.equal(m.growth.periods.length, 1);
  assert.equal(m.growth.monthlyGrowthPctAfter, 8);
  assert.deepEqual(mergeInfrastructure({ a: { b: 1, c: 2 } }, { a: { c: 3 } }), { a: { b: 1, c: 3 } });
});

test("invalid fields are named with their path, value problem and the fix", () => {
  const bad = mergeInfrastructure(DEFAULT_INFRA_JSON, { app: { minInstances: 12, workersPerInstance: 0 }, database: { maxConnections: 6 }, traffic: { dailyShape: [1, 2] }, extra: true });
  assert.throws(
    () => parseInfrastructure(bad, "my-infra.json"),
    (e: unknown) => {
      assert.ok(e instanceof HeadroomError);
      assert.equal(e.code, "HR_CONFIG_INVALID");
      assert.match(e.message, /my-infra\.json/);
      assert.match(e.message, /app\.workersPerInstance/);
      assert.match(e.message, /traffic\.dailyShape/);
      assert.match(e.message, /extra/);
      assert.match(e.hint, /infrastructure\.default\.json/);
      return true;
    },
  );
  // Cross-field checks run once the shapes are right.
  assert.throws(() => parseInfrastructure(mergeInfrastructure(DEFAULT_INFRA_JSON, { app: { minInstances: 12 } }), "f"), /minInstances 12 is above maxInstances 10/);
  assert.throws(() => parseInfrastructure(mergeInfrastructure(DEFAULT_INFRA_JSON, { database: { maxConnections: 8 } }), "f"), /leave no connections/);
  assert.throws(() => parseInfrastructure(mergeInfrastructure(DEFAULT_INFRA_JSON, { scaling: { step: { scaleDownCpuPct: 75 } } }), "f"), /must be below scaleUpCpuPct/);
});
