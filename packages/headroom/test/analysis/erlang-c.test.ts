// The percentile arithmetic (per-second HDR histograms, merged, read as percentiles) checked
// against queueing theory: an M/M/c queue simulated with a seeded RNG, its response times
// written as interval lines, and the analysis' p50/p95/p99/mean compared with the Erlang C
// closed forms.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { analyzeRun } from "../../src/analysis/analyze-run.js";
import { windowStats } from "../../src/analysis/windows.js";
import { createHistogram, encodeHistogram, initHistograms, type Histogram } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import type { IntervalLine } from "../../src/core/types.js";
import { seededRng } from "../../src/core/rng.js";
import { store, T0 } from "./fixtures.js";

before(() => initHistograms());

/** Erlang C: the probability that an arrival waits, for c servers at offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term / (1 - a / c); // a^c / c! / (1 − ρ)
  return top / (sum + top);
}

/**
 * P(T > t) for the response time T = W + S of M/M/c: W is 0 with probability 1 − C and
 * exponential with rate θ = cμ − λ otherwise; S is exponential with rate μ.
 */
function responseTail(t: number, c: number, lambda: number, mu: number): number {
  const pw = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  return (1 - pw) * Math.exp(-mu * t) + (pw * (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t))) / (theta - mu);
}

function responsePercentile(q: number, c: number, lambda: number, mu: number): number {
  let lo = 0;
  let hi = 100 / mu;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (responseTail(mid, c, lambda, mu) > 1 - q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Simulates M/M/c (FCFS: each arrival takes the server that frees first) and writes one interval line per second of completions. */
function simulate(c: number, lambda: number, mu: number, arrivals: number, seed: number): IntervalLine[] {
  const rng = seededRng(seed);
  const exp = (rate: number): number => -Math.log(1 - rng.next()) / rate;
  const free = new Array<number>(c).fill(0);
  const bySecond = new Map<number, Histogram>();
  let t = 0;
  for (let i = 0; i < arrivals; i++) {
    t += exp(lambda);
    let k = 0;
    for (let j = 1; j < c; j++) if (free[j]! < free[k]!) k = j;
    const start = Math.max(t, free[k]!);
    const done = start + exp(mu);
    free[k] = done;
    const sec = Math.floor(done);
    let h = bySecond.get(sec);
    if (!h) bySecond.set(sec, (h = createHistogram()));
    h.recordValue(Math.max(1, Math.round((done - t) * 1e6)));
  }
  return [...bySecond.keys()]
    .sort((a, b) => a - b)
    .map((sec) => {
      const h = bySecond.get(sec)!;
      const n = h.totalCount;
      const hist = encodeHistogram(h);
      h.destroy();
      return { t: sec, ts: T0 + sec * 1000, users: c, dropped: 0, endpoints: { "/q": { method: "GET", requests: n, ok: n, failed: 0, status: { "200": n }, errors: {}, bytesIn: 0, bytesOut: 0, hist } }, generator: { cpuPct: 10, eventLoopLagMsP99: 1, rssBytes: 1e8 } };
    });
}

for (const { c, lambda, mu } of [
  { c: 10, lambda: 1000, mu: 125 }, // ρ = 0.8, S = 8 ms
  { c: 2, lambda: 160, mu: 100 }, // ρ = 0.8, S = 10 ms: most arrivals wait
]) {
  test(`merged-histogram percentiles match Erlang C for M/M/${c} at ρ = ${lambda / (c * mu)}`, () => {
    // 400,000 arrivals: the sampling error of a p99 from a queue's correlated samples is a few
    // per cent (seeds 1-6 all fell within 5 %); an arithmetic mistake (averaged per-second
    // percentiles, a unit slip) would be off by far more.
    const lines = simulate(c, lambda, mu, 400_000, 7);
    const w = windowStats(lines.slice(1, -1)); // whole seconds only
    const rel = (got: number, want: number): number => Math.abs(got / want - 1);
    const pw = erlangC(c, lambda / mu);
    const meanMs = (pw / (c * mu - lambda) + 1 / mu) * 1000;
    assert.ok(rel(w.latency.mean, meanMs) < 0.03, `mean ${w.latency.mean} vs ${meanMs.toFixed(3)} ms (P(wait) = ${pw.toFixed(4)})`);
    for (const [q, got] of [
      [0.5, w.latency.p50],
      [0.95, w.latency.p95],
      [0.99, w.latency.p99],
    ] as const) {
      const want = responsePercentile(q, c, lambda, mu) * 1000;
      assert.ok(rel(got, want) < 0.05, `p${q * 100}: ${got} vs Erlang C ${want.toFixed(3)} ms`);
    }
    // The run analysis reads the same merged histograms.
    const a = analyzeRun(store("mmc", lines), buildTargets());
    assert.ok(rel(a.summary.latencyMs.p99, responsePercentile(0.99, c, lambda, mu) * 1000) < 0.05);
  });
}

test("Erlang C itself: textbook values", () => {
  // c = 2, a = 1 (ρ = 0.5): C = 1/3. c = 1 reduces to M/M/1: C = ρ.
  assert.ok(Math.abs(erlangC(2, 1) - 1 / 3) < 1e-12);
  assert.ok(Math.abs(erlangC(1, 0.7) - 0.7) < 1e-12);
  // M/M/1: T is exponential with rate μ − λ, so its p95 is ln(20) / (μ − λ).
  assert.ok(Math.abs(responsePercentile(0.95, 1, 70, 100) - Math.log(20) / 30) < 1e-9);
});
