import assert from "node:assert/strict";
import { test } from "node:test";
import { arrivalCursor, arrivalDueMs, nextUsersChangeMs, rateAt, stageAt, targetUsersAt, totalArrivals } from "../../src/engine/schedule.js";
import { openStages } from "../../src/plan/profile.js";

test("closed model: users start at the spawn rate, the first at once, then hold", () => {
  const stages = [{ durationSec: 60, users: 100, spawnRate: 10 }];
  assert.equal(targetUsersAt(stages, 0), 1);
  assert.equal(targetUsersAt(stages, 99), 1);
  assert.equal(targetUsersAt(stages, 100), 2);
  assert.equal(targetUsersAt(stages, 1000), 11);
  assert.equal(targetUsersAt(stages, 9900), 100);
  assert.equal(targetUsersAt(stages, 30_000), 100);
  assert.equal(nextUsersChangeMs(stages, 0), 100);
  assert.equal(nextUsersChangeMs(stages, 150), 200);
  assert.equal(nextUsersChangeMs(stages, 9900), Infinity);
  // Without a spawn rate every user starts at once.
  assert.equal(targetUsersAt([{ durationSec: 10, users: 50 }], 0), 50);
});

test("closed model stages: the MueJam spike 50 -> 500 -> 100 at 10/s, 100/s, 20/s", () => {
  const stages = [
    { name: "baseline", durationSec: 120, users: 50, spawnRate: 10 },
    { name: "spike", durationSec: 180, users: 500, spawnRate: 100 },
    { name: "recovery", durationSec: 300, users: 100, spawnRate: 20 },
  ];
  assert.equal(targetUsersAt(stages, 4_900), 50);
  assert.equal(targetUsersAt(stages, 120_000), 51, "the spike's first user starts with the stage");
  assert.equal(targetUsersAt(stages, 121_000), 151);
  assert.equal(targetUsersAt(stages, 124_500), 500);
  assert.equal(targetUsersAt(stages, 300_000), 499, "ramp-down stops one user at once");
  assert.equal(targetUsersAt(stages, 301_000), 479);
  assert.equal(targetUsersAt(stages, 320_000), 100);
  assert.equal(targetUsersAt(stages, 700_000), 100);
  assert.equal(stageAt(stages, 0).name, "baseline");
  assert.equal(stageAt(stages, 150_000).name, "spike");
  assert.equal(stageAt(stages, 599_999).name, "recovery");
  assert.equal(nextUsersChangeMs(stages, 10_000), 120_000, "held users change next at the spike");
});

test("open model: a constant rate puts arrival n at n / rate", () => {
  const stages = openStages({ name: "x", executor: "open", durationSec: 2, rate: 200 });
  assert.equal(totalArrivals(stages), 400);
  assert.equal(arrivalDueMs(stages, 0), 0);
  assert.equal(arrivalDueMs(stages, 1), 5);
  assert.equal(arrivalDueMs(stages, 399), 1995);
  assert.equal(arrivalDueMs(stages, 400), Infinity);
});

test("open model: a linear ramp places arrivals where the integral of the rate says", () => {
  // 0 -> 100/s over 10 s: 500 arrivals; the first half of them by t = sqrt(0.5) * 10 s.
  const stages = openStages({ name: "x", executor: "open", durationSec: 10, rate: 0, stages: [{ durationSec: 10, rate: 100 }] });
  assert.equal(totalArrivals(stages), 500);
  assert.ok(Math.abs(arrivalDueMs(stages, 250) - Math.sqrt(0.5) * 10_000) < 1e-6);
  assert.ok(Math.abs(rateAt(stages, 5000) - 50) < 1e-9);
  // Then a plateau: arrivals continue at 100/s.
  const two = openStages({ name: "x", executor: "open", durationSec: 20, rate: 0, stages: [{ durationSec: 10, rate: 100 }, { durationSec: 10, rate: 100 }] });
  const c = arrivalCursor(two);
  assert.equal(c.total, 1500);
  assert.ok(Math.abs(c.dueMs(500) - 10_000) < 1e-6);
  assert.ok(Math.abs(c.dueMs(600) - 11_000) < 1e-6);
  // Arrivals are in order.
  for (let n = 1; n < c.total; n++) assert.ok(c.dueMs(n) >= c.dueMs(n - 1));
});
