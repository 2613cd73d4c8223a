// A limited generator can lower the load and add its event-loop lag to the latencies it records,
// no more: a window that broke the SLO by more than that lag is a break, not a disturbance.
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatorNote, judgeNoise, lagOutweighed, noiseOf } from "../../src/analysis/disturbance.js";
import type { LoadStep, Slo } from "../../src/analysis/types.js";
import type { IntervalLine } from "../../src/core/types.js";

const SLO: Slo = { p95Ms: 500, p99Ms: 1000, errorPct: 1 };

function line(t: number, cpuPct: number, lagMs: number): IntervalLine {
  return { t, ts: t * 1000, users: 100, dropped: 0, endpoints: {}, generator: { cpuPct, eventLoopLagMsP99: lagMs, rssBytes: 1 } } as unknown as IntervalLine;
}

function step(p95Ms: number, lags: number[], extra: Partial<LoadStep> = {}): LoadStep {
  const lines = lags.map((lag, i) => line(i, 40, lag));
  const noise = noiseOf(lines, []);
  return { users: 1000, rps: 300, p95Ms, p99Ms: p95Ms * 1.2, errorPct: 0, requests: 900, durationSec: 3, generatorLimited: true, noise, ...extra } as LoadStep;
}

test("the noise of a limited generator carries its worst lag", () => {
  const n = noiseOf([line(0, 40, 10), line(1, 40, 186), line(2, 40, 70)], []);
  assert.equal(n.generatorLagMs, 186);
  assert.match(n.generator!, /limited in 2 of 3 s .*lag p99 up to 186 ms/);
  assert.equal(noiseOf([line(0, 40, 10), line(1, 40, 12)], []).generatorLagMs, undefined);
});

test("a break beyond the generator's lag is judged a break; within it, the window stays disturbed", () => {
  // p95 1,408 ms with lag up to 186 ms: 1,222 ms > 500 ms whatever the lag did.
  const beyond = step(1408, [60, 186, 120]);
  assert.match(lagOutweighed(beyond, SLO)!, /^p95 1408 ms exceeds 500 ms by more than the limited generator's event-loop lag \(p99 up to 186 ms\)/);
  const [judged] = judgeNoise([beyond], SLO);
  assert.equal(judged!.disturbed, undefined);
  assert.ok(judged!.lagOutweighed);
  assert.equal(generatorNote(judged!), " (generator-limited: broke by more than its lag could add)");
  // p95 600 ms with lag up to 632 ms: the lag alone could have made it.
  const within = step(600, [632, 100, 80]);
  assert.equal(lagOutweighed(within, SLO), undefined);
  const [still] = judgeNoise([within], SLO);
  assert.match(still!.disturbed!, /the load generator was limited/);
  assert.equal(still!.lagOutweighed, undefined);
  assert.equal(generatorNote(still!), " (generator-limited)");
});

test("a limited window that met the SLO, or lost a generator process, or is judged without the SLO stays disturbed", () => {
  const met = step(120, [300, 200, 90]);
  assert.ok(judgeNoise([met], SLO)[0]!.disturbed);
  const lost = step(5000, [300, 200, 90]);
  lost.noise = { ...lost.noise!, generatorLost: true };
  assert.equal(lagOutweighed(lost, SLO), undefined);
  assert.ok(judgeNoise([lost], SLO)[0]!.disturbed);
  assert.ok(judgeNoise([step(5000, [300, 200, 90])])[0]!.disturbed);
});

test("other processes over the bar keep a window disturbed even when its break outweighs the lag", () => {
  const noisy = step(2000, [60, 186, 120]);
  noisy.noise = { ...noisy.noise!, otherCpuCores: 1.2 };
  const quiet = step(100, [5, 5, 5], { noise: { otherCpuCores: 0.02 } });
  const [, judged] = judgeNoise([quiet, noisy], SLO);
  assert.match(judged!.disturbed!, /^processes other than the platform's and the generator's used 1\.2 cores/);
  assert.ok(judged!.lagOutweighed);
});
