// The load steps of a stored run: each steady stretch of one load level within a phase.
import assert from "node:assert/strict";
import { test } from "node:test";
import { stepsFromRun } from "../../src/analysis/load-steps.js";
import { seededRng } from "../../src/core/rng.js";
import { intervalLine, store } from "./fixtures.js";

test("a stretch's load level is its median second: a ramp down to 100 users is a step at 100, not at the 104 it entered at", () => {
  const rng = seededRng(5);
  const users = [1000, 1000, 1000, 1000, 1000, 1000, 1000, 104, 101, 100, 100, 100, 100, 100, 100, 100];
  const lines = users.map((u, t) => intervalLine(t, { users: u, requests: u / 4, latencyUs: () => 2000, phase: t < 7 ? "peak" : "ramp-down" }, rng));
  // One more second: a run's last line carries the stop's grace period and is left out.
  lines.push(intervalLine(users.length, { users: 100, requests: 25, latencyUs: () => 2000, phase: "ramp-down" }, rng));
  const steps = stepsFromRun(store("ramp-down", lines));
  assert.deepEqual(steps.map((s) => s.users), [1000, 100]);
});
