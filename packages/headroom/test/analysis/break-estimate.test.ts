// Where the break estimate looks: a step that met the SLO on a window not steady is measured again,
// never judged, so its transient queue must not place the break.
import assert from "node:assert/strict";
import { test } from "node:test";
import { estimateBreakUsers } from "../../src/analysis/break-estimate.js";
import type { LoadStep, Slo } from "../../src/analysis/types.js";
import type { IntervalLine } from "../../src/core/types.js";
import { seededRng } from "../../src/core/rng.js";
import { farPastSlo } from "../../src/jobs/search-runner.js";
import { intervalLine } from "./fixtures.js";

const SLO: Slo = { p95Ms: 500, p99Ms: 1000, errorPct: 1 };
const at = (users: number, rps: number, p95Ms: number, meanMs: number, steady?: boolean): LoadStep => ({
  users, rps, p95Ms, meanMs, errorPct: 0, requests: rps * 3, durationSec: 3, ...(steady !== undefined ? { steady } : {}),
});

test("an unsteady step that met the SLO places no break; its steady re-test is a lower bound", () => {
  // The MueJam quick search: 6,000 users queued for a few seconds (mean 40 ms against 3 ms, p95 156 ms)
  // in a window not steady, then measured again calm.
  const light = at(3000, 883.7, 6.4, 3);
  const transient = at(6000, 1772.7, 155.6, 40, false);
  const calm = at(6000, 1710.3, 8.5, 4, true);
  const withTransient = estimateBreakUsers([light, transient], SLO, 3.4);
  assert.equal(withTransient?.saturated, false, JSON.stringify(withTransient));
  const both = estimateBreakUsers([light, transient, calm], SLO, 3.4)!;
  assert.equal(both.saturated, false);
  // A lower bound from the calm steps: X (R_slo x mean/p95 + Z) with the 6,000-user step's X.
  assert.ok(both.users > 6000 && both.users < 7000, String(both.users));
});

test("an unsteady step that broke the SLO is a queue still growing: it places the break", () => {
  const broke = at(12000, 3000, 1100, 290, false);
  const e = estimateBreakUsers([at(3000, 883.7, 6.4, 3), broke], SLO, 3.4)!;
  assert.equal(e.saturated, true);
  // N = X (R_slo x mean/p95 + Z) = 3000 x (0.5 x 290/1100 + 3.4).
  assert.equal(e.users, Math.round(3000 * (0.5 * (290 / 1100) + 3.4)));
});

test("a step window 1.5x past the SLO's p95 or p99 bound, or twice its error bound, ends the step as broken", () => {
  const slo: Slo = { p95Ms: 500, p99Ms: 1000, errorPct: 1 };
  const rng = seededRng(7);
  // Three seconds whose latencies are all `ms` (p95 = p99 = ms), with `failed` of 1,000 requests failing.
  const window = (ms: number, failed = 0): IntervalLine[] => [0, 1, 2].map((t) => intervalLine(t, { users: 100, requests: 1000, latencyUs: () => ms * 1000, failed }, rng));
  assert.equal(farPastSlo(window(700), slo), false, "p95 700 ms: past the bound, not 1.5x past");
  assert.equal(farPastSlo(window(800), slo), true, "p95 800 ms > 750 ms");
  assert.equal(farPastSlo(window(10, 15), slo), false, "1.5 % errors: not twice the bound");
  assert.equal(farPastSlo(window(10, 25), slo), true, "2.5 % errors");
  // p99 alone: the slowest 2 % at 1,600 ms (p95 still 10 ms).
  const tail = [0, 1, 2].map((t) => intervalLine(t, { users: 100, requests: 1000, latencyUs: (i) => (i < 20 ? 1_600_000 : 10_000) }, rng));
  assert.equal(farPastSlo(tail, { p95Ms: 500, p99Ms: 1000 }), true);
  assert.equal(farPastSlo(tail, { p95Ms: 500 }), false);
  assert.equal(farPastSlo([], slo), false);
});
