// Growth, cost and "when the setup runs out" on the default model, against figures computed by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { averageNeededInstances } from "../../src/planning/growth-cost.js";
import { planGrowth, usersAtMonth } from "../../src/planning/growth-plan.js";
import { planCapacity } from "../../src/planning/plan-capacity.js";
import type { CapacityInputs } from "../../src/planning/types.js";
import { defaultInfra } from "./fixtures.js";

const infra = defaultInfra();
// A flat day: the app tier runs its peak count all day, so every cost sums by hand.
const flat = { ...infra, traffic: { dailyShape: Array.from({ length: 24 }, () => 1) } };
const inputs: CapacityInputs = { source: "t", comfortableRpsPerInstance: 200, maxRpsPerInstance: 300, rpsPerActiveUser: 0.3, readShare: 0.8, dbQueriesPerRequest: 2 };

test("users between periods grow geometrically, after the last at the monthly rate", () => {
  const p = infra.growth.periods;
  assert.deepEqual(usersAtMonth(p, 8, 0), { users: 10000, ratio: 0.05 });
  assert.equal(usersAtMonth(p, 8, 3).users, 25000);
  assert.equal(Math.round(usersAtMonth(p, 8, 4.5).users * 10) / 10, Math.round(25000 * Math.SQRT2 * 10) / 10);
  assert.equal(Math.round(usersAtMonth(p, 8, 14).users), Math.round(100000 * 1.08 ** 2));
  assert.equal(usersAtMonth(p, 8, 14).ratio, 0.04);
});

test("growth table: peak concurrent, peak RPS and instances per period", () => {
  const g = planGrowth(infra, inputs);
  // 10000 x 0.05 = 500 users x 0.3 = 150 req/s; planning RPS min(200, 300) = 200 -> max(2, ceil(0.75)) = 2.
  // 25000 x 0.05 = 1250 -> 375 -> 2; 50000 x 0.045 = 2250 -> 675 -> 4; 100000 x 0.04 = 4000 -> 1200 -> 6.
  assert.deepEqual(g.rows.map((r) => [r.period, r.peakConcurrent.value, r.peakRps.value, r.appInstances.value]), [
    ["Launch", 500, 150, 2],
    ["3 months", 1250, 375, 2],
    ["6 months", 2250, 675, 4],
    ["1 year", 4000, 1200, 6],
  ]);
  assert.equal(g.rows[2]!.appInstances.worked, "max(2, ceil(675 / 200)) = 4");
  assert.deepEqual(g.rows.map((r) => r.connectionBudget.needsPgbouncer), [false, false, true, true]);
  assert.equal(g.rows[3]!.infrastructure, "6 x c6i.large, PostgreSQL db.m6g.large + pgbouncer, 1 read replica, Redis cache.t4g.medium");
});

test("cost table: each period's lines summed by hand", () => {
  const g = planGrowth(flat, inputs);
  // Launch: 2 x 62.05 + 116.07 (primary) + 116.07 (replica: reads 80 % > 70 %) + 47.45 (Redis) + 22.27 (ALB) = 425.96
  // 6 months: 4 x 62.05 + 116.07 + 116.07 + 12.26 (pgbouncer) + 47.45 + 22.27 = 562.32
  // 1 year: 6 x 62.05 + 116.07 + 116.07 + 12.26 + 47.45 + 22.27 = 686.42
  assert.deepEqual(g.costs.map((c) => c.monthly.value), [425.96, 425.96, 562.32, 686.42]);
  assert.equal(g.costs[0]!.monthly.worked, "2 x 62.05 + 1 x 116.07 + 1 x 116.07 + 1 x 47.45 + 1 x 22.27 = 425.96");
  assert.deepEqual(g.costs[2]!.lines.map((l) => l.item), ["app c6i.large (average instances over the day)", "PostgreSQL primary db.m6g.large", "PostgreSQL read replica", "pgbouncer", "Redis cache.t4g.medium", "load balancer AWS ALB"]);
  assert.match(g.costs[2]!.notes, /4 instances on average over the day .*4 at peak; pgbouncer: 4 x pool 25 > 92 connections/);
});

test("app tier over a day: each minute ceil(req/s / planning RPS), averaged", () => {
  // Hours 0-11 at half the peak, 12-23 at the peak; 1000 req/s peak, 200 per instance.
  // Hours 0-10: 500 req/s -> 3 (1980 instance-minutes). Hour 11 ramps 500 -> 1000: 13 min at 3, 24 at 4,
  // 23 at 5 (250). Hours 12-22: 5 (3300). Hour 23 ramps 1000 -> 500: 24 min at 5, 24 at 4, 12 at 3 (252).
  const half = { ...infra, traffic: { dailyShape: Array.from({ length: 24 }, (_, h) => (h < 12 ? 0.5 : 1)) } };
  assert.deepEqual(averageNeededInstances(half, 1000, 200), { average: 5782 / 1440, peak: 5 });
  // Never below min 2.
  assert.deepEqual(averageNeededInstances(half, 10, 200), { average: 2, peak: 2 });
  // With the daily shape, the year's app line costs the average, not the peak.
  const app = planGrowth(infra, inputs).costs[3]!.lines[0]!;
  assert.ok(app.quantity > 2 && app.quantity < 6, `average ${app.quantity}`);
  assert.equal(app.monthly, Math.round(app.quantity * 62.05 * 100) / 100);
});

test("the month the current setup runs out, per limit", () => {
  const r = planGrowth(infra, inputs).runsOut;
  const byLimit = Object.fromEntries(r.limits.map((l) => [l.limit.split(" (")[0]!.split(" above")[0], l.month]));
  // Connections: more than 3 instances when RPS > 600, i.e. > 2000 peak users: month 5 has 1852, month 6 has 2250.
  assert.equal(byLimit["DB connections without pgbouncer"], 6);
  // Statements: 2 per request > 2000/s when RPS > 1000 (> 3333 users): month 10 has 3307, month 11 has 3638.
  assert.equal(byLimit["database statements on 1 node"], 11);
  // Max 10 instances: > 2000 req/s, > 6667 users: 4000 x 1.08^7 = 6855 at month 19 (month 18: 6347).
  assert.equal(byLimit["app instances"], 19);
  // pgbouncer's 40 instances would need 26667 users: month 37, beyond the 36-month horizon.
  assert.equal(byLimit["pgbouncer client limit"], null);
  assert.equal(r.horizonMonths, 36);
  assert.equal(r.month, 6);
  assert.match(r.limit!, /^DB connections without pgbouncer .*month 6: 4 x 25 = 100 connections > 92 available/);
  // Cache figures were not measured: said so, not guessed.
  assert.ok(r.limits.filter((l) => l.limit.startsWith("cache")).every((l) => l.month === null && l.detail === "not measured"));
});

test("without RPS per user, instances come from users per instance; with nothing, figures are null", () => {
  const g = planGrowth(infra, { source: "t", comfortableUsersPerInstance: 600 });
  // ceil(2250 / 600) = 4
  assert.equal(g.rows[2]!.appInstances.value, 4);
  assert.match(g.rows[2]!.appInstances.note!, /sized by users per instance/);
  const none = planGrowth(infra, { source: "t" });
  assert.ok(none.rows.every((r) => r.appInstances.value === null && r.peakRps.value === null));
  assert.ok(none.costs.every((c) => c.monthly.value === null));
  assert.equal(none.runsOut.month, null);
  assert.ok(none.missing.some((m) => m.startsWith("rps_per_active_user")));
  assert.match(none.rows[0]!.infrastructure, /^\? x c6i\.large/);
});

test("the plan replays both policies over the busiest day and says what to change", () => {
  const plan = planCapacity(infra, { ...inputs, cpuMsPerRequest: 5 });
  assert.ok(plan.autoscale);
  assert.equal(plan.autoscale.period, "1 year");
  // 1200 req/s at the peak; 60 % CPU at 240 req/s per instance: both policies reach at least 5 at the peak.
  assert.ok(plan.autoscale.step.peakInstances >= 5, `peak ${plan.autoscale.step.peakInstances}`);
  assert.ok(plan.autoscale.target.peakInstances >= 5);
  // The SLO bound (300 req/s) is at 75 % CPU: above both policies' CPU bounds, so no advice about it.
  assert.ok(!plan.autoscale.step.advice.some((a) => a.includes("SLO bound")));
  // With a bound of 200 req/s (50 % CPU), both policies act too late, and the replay says so.
  const late = planCapacity(infra, { ...inputs, cpuMsPerRequest: 5, maxRpsPerInstance: 200 });
  assert.match(late.autoscale!.step.advice[0]!, /reached at 50 % CPU, at or below the scale-up CPU of 70 %.*scale up below 45 % CPU/);
  assert.match(late.autoscale!.target.advice[0]!, /at or below the target CPU of 60 %/);
  assert.equal(plan.current.connectionBudget.instances, 10);
  assert.equal(plan.current.connectionBudget.needsPgbouncer, true);
  // Without a CPU model there is no replay, and the plan says what is missing.
  assert.equal(planCapacity(infra, inputs).autoscale, null);
  assert.ok(planCapacity(infra, inputs).growth.missing.some((m) => m.startsWith("cpu_ms_per_request")));
});
