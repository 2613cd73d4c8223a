// The USL on the right axis: fitted on in-system concurrency X·R (Little's law) when the users
// think, on the users when they do not; refused when the data cannot determine it. Generated data
// with known α, β: a USL server (X(n) = γn / (1 + α(n−1) + βn(n−1)) at n requests in the system)
// driven by a closed population that thinks Z: users N = n + X·Z, response time R = n / X.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeCapacity } from "../../src/analysis/capacity.js";
import type { LoadStep } from "../../src/analysis/types.js";
import { AXIS_IN_SYSTEM, AXIS_USERS, uslOnConcurrency } from "../../src/analysis/usl-axis.js";
import { fitUsl, uslThroughput } from "../../src/analysis/usl.js";
import { seededRng } from "../../src/core/rng.js";

const TRUTH = { alpha: 0.04, beta: 0.0008, gamma: 50 };
const IN_SYSTEM = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48];

function levels(thinkSec: number, noise: number, seed = 1): { load: number; rps: number; meanMs: number }[] {
  const rng = seededRng(seed);
  return IN_SYSTEM.map((n) => {
    const x = uslThroughput(n, TRUTH.alpha, TRUTH.beta, TRUTH.gamma) * (1 + noise * (rng.next() - 0.5));
    return { load: n + x * thinkSec, rps: x, meanMs: (n / x) * 1000 };
  });
}

const within5 = (got: number, want: number, what: string): void => assert.ok(Math.abs(got / want - 1) <= 0.05, `${what}: ${got} vs ${want}`);

for (const [z, axis] of [
  [0, AXIS_USERS],
  [2, AXIS_IN_SYSTEM],
] as const) {
  test(`USL recovers α and β within 5 % ${z === 0 ? "without think time (on the users)" : `with ${z} s think time (on X·R)`}`, () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { usl, refused } = uslOnConcurrency(levels(z, 0.01, seed), "closed");
      assert.ok(usl, refused);
      assert.equal(usl.axis, axis);
      within5(usl.alpha, TRUTH.alpha, `α (seed ${seed})`);
      within5(usl.beta, TRUTH.beta, `β (seed ${seed})`);
      within5(usl.gamma, TRUTH.gamma, `γ (seed ${seed})`);
    }
  });
}

test("fitted on the users of a population that thinks, the USL is wrong: the axis matters", () => {
  const naive = fitUsl(levels(2, 0).map((l) => ({ concurrency: l.load, throughput: l.rps })));
  assert.ok(Math.abs(naive.alpha / TRUTH.alpha - 1) > 0.05 || Math.abs(naive.beta / TRUTH.beta - 1) > 0.05, `naive α ${naive.alpha}, β ${naive.beta}`);
});

test("the capacity analysis fits its steps on in-system concurrency and says so", () => {
  const steps: LoadStep[] = levels(2, 0).map((l) => ({ users: l.load, rps: l.rps, meanMs: l.meanMs, p95Ms: l.meanMs * 1.5, errorPct: 0, requests: 1000, durationSec: 10 }));
  const c = analyzeCapacity(steps, { slo: { p95Ms: 100_000 } });
  assert.equal(c.usl?.axis, AXIS_IN_SYSTEM);
  within5(c.usl!.alpha, TRUTH.alpha, "α");
  within5(c.usl!.beta, TRUTH.beta, "β");
  assert.equal(c.uslRefused, undefined);
});

test("a fit the data cannot determine is refused with the reason, not printed as zeros", () => {
  // Throughput in proportion to the users (no contention in the range): α = β = 0 would say "no ceiling".
  const linear = [10, 20, 40, 80, 160].map((n) => ({ load: n, rps: n / 3.01, meanMs: 10 }));
  const a = uslOnConcurrency(linear, "closed");
  assert.equal(a.usl, undefined);
  assert.match(a.refused!, /grew in proportion to the concurrency \(in-system concurrency X·R \(Little's law\)\) over the data: no contention was measured/);
  const few = uslOnConcurrency(levels(0, 0).slice(0, 3), "closed");
  assert.equal(few.usl, undefined);
  assert.match(few.refused!, /only 3 distinct concurrencies \(users \(no think time\)\): the three USL coefficients need at least 4/);
  const noR = uslOnConcurrency([10, 20, 40, 80].map((n) => ({ load: n, rps: n })), "closed");
  assert.match(noR.refused!, /no mean response time/);
  const c = analyzeCapacity([10, 20, 40, 80, 160].map((n) => ({ users: n, rps: n / 3.01, meanMs: 10, p95Ms: 20, errorPct: 0, requests: 100, durationSec: 5 })), { slo: { p95Ms: 500 } });
  assert.equal(c.usl, undefined);
  assert.match(c.uslRefused!, /no contention was measured/);
});
