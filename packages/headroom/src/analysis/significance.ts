// The significance tests `headroom compare` uses, so noise between two runs is not called a
// regression:
//   - Mann-Whitney U (rank-sum) on per-second samples (a percentile of each second, or requests
//     per second): no normality assumption, robust to the long tails of latency. Normal
//     approximation with tie correction and continuity correction (fine from ~8 samples a side).
//   - Two-proportion z-test on error counts (pooled), for the error rate.
//   - A z-test of a difference with its standard error (the whole-run latency percentiles, whose
//     standard errors come from a block bootstrap over seconds: percentile-bootstrap.ts).
//   - Holm-Bonferroni over every test of one comparison, so checking 30 figures does not turn
//     the 5 % false-alarm rate of each into a near-certain false alarm somewhere.
// Seconds of one run are not fully independent (latency drifts), which makes the p-values
// somewhat optimistic; the practical bound (--max-regression) is the second guard.

import { normalCdf } from "./stats.js";

const twoSided = (z: number): number => Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));

/** Inverse of normalCdf, by bisection (|error| < 1e-9 in z): the z with P(Z <= z) = p. */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return -Infinity;
  if (!(p < 1)) return Infinity;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface DifferenceTest {
  z: number;
  pValue: number;
}

/** Two-sided z-test of a difference with a known standard error; a zero error decides on the sign alone. */
export function differenceZ(diff: number, stdErr: number): DifferenceTest {
  if (!(stdErr > 0)) return diff === 0 ? { z: 0, pValue: 1 } : { z: Math.sign(diff) * Infinity, pValue: 0 };
  const z = diff / stdErr;
  return { z, pValue: twoSided(z) };
}

export interface MannWhitneyResult {
  /** U of sample b (how often a b value exceeds an a value, ties counting half). */
  u: number;
  z: number;
  pValue: number;
  /** P(b > a) + P(b = a)/2: 0.5 = no shift, 1 = every b above every a. */
  probBGreater: number;
  nA: number;
  nB: number;
}

/** Two-sided Mann-Whitney U test of samples a and b. */
export function mannWhitneyU(a: number[], b: number[]): MannWhitneyResult {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) return { u: 0, z: 0, pValue: 1, probBGreater: 0.5, nA, nB };
  const all = [...a.map((v) => ({ v, fromB: false })), ...b.map((v) => ({ v, fromB: true }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumB = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.fromB) rankSumB += rank;
    i = j + 1;
  }
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1) || 1));
  const probBGreater = u / (nA * nB);
  if (variance <= 0) return { u, z: 0, pValue: 1, probBGreater, nA, nB };
  const diff = u - mean;
  const z = (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance);
  return { u, z, pValue: twoSided(z), probBGreater, nA, nB };
}

export interface ProportionTestResult {
  z: number;
  pValue: number;
}

/** Two-sided pooled two-proportion z-test: failuresA of totalA against failuresB of totalB. */
export function twoProportionZ(failuresA: number, totalA: number, failuresB: number, totalB: number): ProportionTestResult {
  if (totalA === 0 || totalB === 0) return { z: 0, pValue: 1 };
  const pooled = (failuresA + failuresB) / (totalA + totalB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / totalA + 1 / totalB));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (failuresB / totalB - failuresA / totalA) / se;
  return { z, pValue: twoSided(z) };
}

/** Holm-Bonferroni adjusted p-values (same order as the input). */
export function holmAdjust(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
