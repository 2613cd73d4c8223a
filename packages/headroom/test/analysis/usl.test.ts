import assert from "node:assert/strict";
import { test } from "node:test";
import { fitUsl, parseUslCsv, uslThroughput } from "../../src/analysis/usl.js";
import { seededRng } from "../../src/core/rng.js";

const LEVELS = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64];
const within = (got: number, want: number, rel: number, what: string): void => assert.ok(Math.abs(got / want - 1) <= rel, `${what}: ${got} vs ${want} (${((got / want - 1) * 100).toFixed(3)} %)`);

function gaussian(rng: { next(): number }): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

for (const truth of [
  { alpha: 0.03, beta: 0.0005, gamma: 120 },
  { alpha: 0.1, beta: 0.0005, gamma: 2500 },
  { alpha: 0.02, beta: 0.001, gamma: 40 },
]) {
  test(`USL fit recovers α=${truth.alpha} β=${truth.beta} γ=${truth.gamma} exactly from clean data`, () => {
    const f = fitUsl(LEVELS.map((n) => ({ concurrency: n, throughput: uslThroughput(n, truth.alpha, truth.beta, truth.gamma) })));
    within(f.alpha, truth.alpha, 1e-6, "alpha");
    within(f.beta, truth.beta, 1e-6, "beta");
    within(f.gamma, truth.gamma, 1e-6, "gamma");
    within(f.nMax, Math.sqrt((1 - truth.alpha) / truth.beta), 1e-6, "nMax");
    assert.ok(f.rSquared > 0.999999);
    assert.deepEqual(f.warnings, []);
  });

  test(`USL fit recovers α=${truth.alpha} β=${truth.beta} γ=${truth.gamma} within 1 % from seeded noisy data`, () => {
    // Ten seeds, five repeats per level, 0.1 % multiplicative Gaussian noise: every fit within 1 %.
    for (let seed = 1; seed <= 10; seed++) {
      const rng = seededRng(seed);
      const pts = LEVELS.flatMap((n) => [0, 1, 2, 3, 4].map(() => ({ concurrency: n, throughput: uslThroughput(n, truth.alpha, truth.beta, truth.gamma) * (1 + 0.001 * gaussian(rng)) })));
      const f = fitUsl(pts);
      within(f.alpha, truth.alpha, 0.01, `alpha (seed ${seed})`);
      within(f.beta, truth.beta, 0.01, `beta (seed ${seed})`);
      within(f.gamma, truth.gamma, 0.01, `gamma (seed ${seed})`);
    }
  });
}

test("the 95 % confidence intervals cover the true coefficients about 95 % of the time", () => {
  // 200 seeded data sets with additive Gaussian noise (the fit's own assumption).
  const truth = { alpha: 0.03, beta: 0.0005, gamma: 120 };
  const covered = { alpha: 0, beta: 0, gamma: 0 };
  const runs = 200;
  for (let seed = 1; seed <= runs; seed++) {
    const rng = seededRng(seed);
    const f = fitUsl(LEVELS.flatMap((n) => [0, 1, 2].map(() => ({ concurrency: n, throughput: uslThroughput(n, truth.alpha, truth.beta, truth.gamma) + 20 * gaussian(rng) }))));
    assert.ok(f.ci, `intervals (seed ${seed})`);
    for (const k of ["alpha", "beta", "gamma"] as const) if (f.ci![k][0] <= truth[k] && truth[k] <= f.ci![k][1]) covered[k]++;
  }
  for (const k of ["alpha", "beta", "gamma"] as const) {
    const share = covered[k] / runs;
    // Binomial(200, 0.95): 0.90-0.99 holds with probability > 0.998.
    assert.ok(share >= 0.9 && share <= 0.99, `${k} covered in ${(share * 100).toFixed(1)} % of runs`);
  }
});

test("β stays at 0 (and α at 0) when the data pull them negative", () => {
  // Superlinear growth (negative β) with mild contention.
  const up = [1, 2, 4, 8, 16, 32].map((n) => ({ concurrency: n, throughput: (100 * n) / (1 + 0.05 * (n - 1) - 0.0008 * n * (n - 1)) }));
  const f = fitUsl(up);
  assert.equal(f.beta, 0);
  assert.ok(f.alpha >= 0);
  assert.equal(f.nMax, Infinity);
  assert.ok(f.warnings.some((w) => /β = 0/.test(w)));
  // Perfectly linear and slightly superlinear: both coefficients at the bound.
  const lin = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ concurrency: n, throughput: 10 * n * (1 + 0.01 * n) }));
  const g = fitUsl(lin);
  assert.equal(g.alpha, 0);
  assert.equal(g.beta, 0);
  // With α = 0 too, γ/α is no limit: the note says the growth was linear.
  assert.ok(g.warnings.some((w) => /^α = β = 0 .*grew linearly with concurrency \(X = γN\)/.test(w)), g.warnings.join("; "));
  assert.ok(!g.warnings.some((w) => /γ\/α/.test(w)));
});

test("few points: fitted but flagged", () => {
  const f = fitUsl([1, 2, 4, 8].map((n) => ({ concurrency: n, throughput: uslThroughput(n, 0.05, 0.001, 100) })));
  assert.ok(f.warnings.some((w) => /only 4 points/.test(w)));
  assert.throws(() => fitUsl([{ concurrency: 1, throughput: 1 }, { concurrency: 2, throughput: 2 }]), /at least 3 distinct/);
  assert.throws(() => fitUsl([{ concurrency: 1, throughput: 1 }, { concurrency: 2, throughput: 0 }, { concurrency: 3, throughput: 2 }]), /not usable/);
});

test("CSV: header optional, comments and blank lines skipped, bad lines named", () => {
  assert.deepEqual(parseUslCsv("concurrency,throughput\n1,10\n\n# note\n2, 19.5\n"), [
    { concurrency: 1, throughput: 10 },
    { concurrency: 2, throughput: 19.5 },
  ]);
  assert.deepEqual(parseUslCsv("1;10\n2;20"), [
    { concurrency: 1, throughput: 10 },
    { concurrency: 2, throughput: 20 },
  ]);
  assert.throws(() => parseUslCsv("1,10\n2,abc\n", "f.csv"), /f\.csv line 2: "2,abc"/);
});
