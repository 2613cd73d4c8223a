import assert from "node:assert/strict";
import { test } from "node:test";
import { linearRegression, mannKendall, normalCdf, studentTQuantile, studentTTwoSidedP, theilSen } from "../../src/analysis/stats.js";
import { leakVerdict, trendTest } from "../../src/analysis/trend.js";
import { seededRng } from "../../src/core/rng.js";

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("Student's t and the normal distribution match tabulated values", () => {
  close(studentTTwoSidedP(2.0, 10), 0.07339, 1e-4, "p(t=2, df=10)");
  close(studentTTwoSidedP(2.228, 10), 0.05, 2e-4, "p(t=2.228, df=10)");
  close(studentTQuantile(0.975, 5), 2.5706, 1e-3, "t(0.975, 5)");
  close(studentTQuantile(0.975, 30), 2.0423, 1e-3, "t(0.975, 30)");
  close(normalCdf(1.96), 0.975, 1e-4, "Phi(1.96)");
  close(normalCdf(-2.5758), 0.005, 1e-4, "Phi(-2.5758)");
});

test("least squares recovers a slope and tests it", () => {
  const xs = [1, 2, 3, 4, 5, 6];
  const ys = [2.1, 3.9, 6.2, 7.8, 10.1, 12.0];
  const f = linearRegression(xs, ys);
  close(f.slope, 1.991429, 1e-5, "slope");
  close(f.intercept, 0.046667, 1e-5, "intercept");
  assert.ok(f.pValue < 1e-5);
  const flat = linearRegression(xs, [5, 5.1, 4.9, 5, 5.1, 4.9]);
  assert.ok(flat.pValue > 0.5, `flat p ${flat.pValue}`);
});

test("Mann-Kendall on a monotone series: S = n(n-1)/2, Z and p by the normal approximation", () => {
  const mk = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(mk.s, 45);
  close(mk.z, 44 / Math.sqrt(125), 1e-9, "Z");
  close(mk.pValue, 8.3e-5, 1e-5, "p");
  assert.equal(theilSen([0, 1, 2, 3, 4], [0, 2, 4, 6, 100]), 2);
});

test("leak verdict: steady growth is a leak, a warm-up plateau and noise are not", () => {
  const rng = seededRng(7);
  const MiB = 1048576;
  // 10 minutes at a 5 s cadence.
  const ts = Array.from({ length: 120 }, (_, i) => i * 5);
  const rule = { metric: "app.memory", label: "RSS", unit: "bytes", source: "test", minChangePerHour: 64 * MiB };
  // +1 MiB per 5 s = 720 MiB/h, with 2 MiB of GC noise.
  const leak = leakVerdict(ts.map((t, i) => ({ t, v: 200 * MiB + i * MiB + (rng.next() - 0.5) * 4 * MiB })), rule);
  assert.equal(leak.verdict, "leak", leak.reason);
  close(leak.trend!.slopePerMin * 60, 720 * MiB, 40 * MiB, "slope per hour");
  // Warm-up: rises 100 MiB in the first 2 minutes, then flat with noise.
  const warm = leakVerdict(ts.map((t) => ({ t, v: 200 * MiB + 100 * MiB * (1 - Math.exp(-t / 30)) + (rng.next() - 0.5) * 4 * MiB })), rule);
  assert.equal(warm.verdict, "stable", warm.reason);
  const noise = leakVerdict(ts.map((t) => ({ t, v: 200 * MiB + (rng.next() - 0.5) * 8 * MiB })), rule);
  assert.equal(noise.verdict, "stable", noise.reason);
  // Significant but tiny: +1 MiB over 10 minutes (6 MiB/h) stays "growing".
  const small = leakVerdict(ts.map((t, i) => ({ t, v: 200 * MiB + (i / 120) * MiB + (rng.next() - 0.5) * 0.05 * MiB })), rule);
  assert.equal(small.verdict, "growing", small.reason);
  // Bytes read in MiB, never as a raw count of bytes per hour.
  assert.match(small.reason, /^significant but small rise \(below the 64\.0 MiB\/h that would matter\): slope [\d.]+ MiB\/h, /);
  assert.doesNotMatch(small.reason, /bytes|\d{7}/);
  // The same rise under a negligible-change floor of 2 MiB (1 % of 200 MiB) is stable, and says why.
  const floor = leakVerdict(ts.map((t, i) => ({ t, v: 200 * MiB + (i / 120) * MiB + (rng.next() - 0.5) * 0.05 * MiB })), { ...rule, negligibleChange: 2 * MiB });
  assert.equal(floor.verdict, "stable", floor.reason);
  assert.match(floor.reason, /^a significant but negligible rise: [\d.]+ MiB over the window \(below 2\.00 MiB\)/);
  const short = leakVerdict([{ t: 0, v: 1 }, { t: 5, v: 2 }], rule);
  assert.equal(short.verdict, "not measured");
  assert.equal(trendTest(ts.map((t) => ({ t, v: 3 }))).slopePerMin, 0);
});
