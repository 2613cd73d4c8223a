import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { compareRuns, type CompareInput } from "../../src/analysis/compare.js";
import { renderComparisonMarkdown, renderComparisonText } from "../../src/report/markdown/compare-render.js";
import { readRunStore } from "../../src/store/run-store.js";
import { holmAdjust, mannWhitneyU, twoProportionZ } from "../../src/analysis/significance.js";
import { normalCdf } from "../../src/analysis/stats.js";
import { buildIntervals, fixtureManifest, writeFixtureRun, type FixtureOptions } from "./fixture-run.js";
import { queueRun } from "./queue-runs.js";

const SEARCH = "/api/search/stories";
let dir: string;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-compare-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const input = (o: FixtureOptions): CompareInput => ({ dir: `seed-${o.seed}`, manifest: fixtureManifest("peak", 60, 60), intervals: buildIntervals({ durationSec: 60, peakUsers: 60, ...o }) });

describe("significance tests", () => {
  test("normal CDF matches known values", () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-2.575829) - 0.005) < 1e-6);
  });

  test("Mann-Whitney U: complete separation of 3 vs 3 gives scipy's asymptotic p", () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.u, 9);
    assert.equal(r.probBGreater, 1);
    // scipy.stats.mannwhitneyu([1,2,3],[4,5,6], method="asymptotic") → p = 0.0808556
    assert.ok(Math.abs(r.pValue - 0.0808556) < 1e-4, `p ${r.pValue}`);
  });

  test("Mann-Whitney U: identical samples and all-tied samples are not significant", () => {
    assert.equal(mannWhitneyU([5, 6, 7, 8], [5, 6, 7, 8]).pValue, 1);
    assert.equal(mannWhitneyU([3, 3, 3], [3, 3]).pValue, 1);
  });

  test("two-proportion z-test: 10/1000 vs 30/1000 is significant, 10/1000 vs 12/1000 is not", () => {
    assert.ok(twoProportionZ(10, 1000, 30, 1000).pValue < 0.01);
    assert.ok(twoProportionZ(10, 1000, 12, 1000).pValue > 0.5);
  });

  test("Holm adjustment is monotone and multiplies the smallest p by m", () => {
    assert.deepEqual(holmAdjust([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
    assert.deepEqual(holmAdjust([0.5, 0.9]), [1, 1]);
  });
});

describe("compareRuns on recorded runs", () => {
  test("identical runs: no change, no regression", () => {
    const c = compareRuns(input({ seed: 1 }), input({ seed: 1 }));
    assert.equal(c.regression, false);
    for (const m of c.overall.metrics) {
      assert.equal(m.a, m.b);
      assert.equal(m.test?.pValue, 1);
      // No change: noise, or "inconclusive" where 60 s could not have shown a change of the bound's size.
      assert.ok(m.verdict === "not significant" || m.verdict === "inconclusive", `${m.metric} ${m.verdict}`);
    }
  });

  test("two runs of the same system with different randomness: noise is not a regression", () => {
    for (const seed of [2, 3, 4]) {
      const c = compareRuns(input({ seed: 1 }), input({ seed }));
      assert.equal(c.regression, false, `seed ${seed}: ${c.regressions.join("; ")}`);
      // The raw figures do move (p99 of a small endpoint by well over 10 %), so the test is what saved it.
      assert.ok(c.endpoints.some((e) => e.metrics.some((m) => Math.abs(m.changePct ?? 0) > 10)), "expected noisy figures");
    }
  });

  test("doubled latency on one endpoint: its p95 regresses significantly, other endpoints do not", () => {
    const c = compareRuns(input({ seed: 1 }), input({ seed: 2, slowdown: { [SEARCH]: 2 } }));
    assert.equal(c.regression, true);
    const search = c.endpoints.find((e) => e.name === SEARCH)!;
    const p95 = search.metrics.find((m) => m.metric === "p95Ms")!;
    assert.equal(p95.verdict, "regression");
    assert.ok(p95.changePct! > 60 && p95.changePct! < 140, `change ${p95.changePct}`);
    assert.ok(p95.test!.adjustedP < 0.001);
    for (const e of c.endpoints.filter((x) => x.name !== SEARCH)) {
      assert.ok(e.metrics.every((m) => m.verdict !== "regression"), `${e.name} flagged`);
    }
    assert.ok(c.regressions.some((r) => r.startsWith(`${SEARCH} P95`)));
  });

  test("a bound larger than the change tolerates it; a faster run is an improvement, not a regression", () => {
    const slow = compareRuns(input({ seed: 1 }), input({ seed: 2, slowdown: { [SEARCH]: 1.3 } }), { maxRegressionPct: 80 });
    assert.equal(slow.regression, false);
    const fast = compareRuns(input({ seed: 1, slowdown: { [SEARCH]: 2 } }), input({ seed: 2 }));
    assert.equal(fast.regression, false);
    assert.equal(fast.endpoints.find((e) => e.name === SEARCH)!.metrics.find((m) => m.metric === "p95Ms")!.verdict, "improvement");
  });

  test("throughput halved and errors up are regressions", () => {
    const c = compareRuns(input({ seed: 1 }), input({ seed: 2, throughputFactor: 0.5, errorRate: 0.05 }));
    const overall = Object.fromEntries(c.overall.metrics.map((m) => [m.metric, m]));
    assert.equal(overall.rps!.verdict, "regression");
    assert.equal(overall.errorPct!.verdict, "regression");
  });

  test("text and Markdown renderings name the regression", () => {
    const c = compareRuns(input({ seed: 1 }), input({ seed: 2, slowdown: { [SEARCH]: 2 } }));
    const text = renderComparisonText(c);
    assert.match(text, /REGRESSION/);
    assert.match(text, /Mann-Whitney U/);
    const md = renderComparisonMarkdown(c);
    assert.match(md, /^# Run comparison/);
    assert.match(md, /\| GET \/api\/search\/stories \| P95 \(ms\) \|.*\*\*REGRESSION\*\*/);
  });
});

describe("compare on runs recorded by headroom run (fixtures/recorded)", () => {
  const REC = join(dirname(fileURLToPath(import.meta.url)), "fixtures/recorded");
  const load = (name: string): CompareInput => {
    const s = readRunStore(join(REC, name));
    return { dir: name, manifest: s.manifest, intervals: s.intervals };
  };

  test("the same test run twice: the figures move (P99 by over 30 %) but nothing is a regression", () => {
    const c = compareRuns(load("run-a"), load("run-b"));
    assert.equal(c.regression, false, c.regressions.join("; "));
    const p99 = c.overall.metrics.find((m) => m.metric === "p99Ms")!;
    assert.ok(p99.changePct! > 30, `p99 change ${p99.changePct}`);
    // 20 s whose P99 is set by two warm-up seconds cannot show a 10 % change: said, with the size it could.
    assert.equal(p99.verdict, "inconclusive");
    assert.ok(p99.detectable! > 0.1 * p99.a, `detectable ${p99.detectable}`);
    assert.match(renderComparisonText(c), /inconclusive \(the runs are too short to detect a change of the bound's size\):\n[\s\S]* {2}- overall P99: 10\.2 ms → 14\.2 ms \(\+38\.6 %, p = [\d.]+\): these runs could detect only changes of [\d.]+ ms \([\d.]+ % of A\) or more/);
  });

  test("a queue going from 63 % to 93 % busy for 20 s each: the whole-run P95 and P99 regress, though the median second did not move", () => {
    for (const seed of [1, 2, 3]) {
      // 64 servers holding each request 20 ms: at 93 % a queue forms now and then, the typical request still waits for nothing.
      const c = compareRuns(queueRun("a", { servers: 64, serviceMs: 20, utilization: 0.63, seconds: 20, seed }), queueRun("b", { servers: 64, serviceMs: 20, utilization: 0.93, seconds: 20, seed: seed + 100 }));
      const by = Object.fromEntries(c.overall.metrics.map((m) => [m.metric, m]));
      assert.equal(by.p50Ms!.a, by.p50Ms!.b, "the median request still waits for nothing");
      for (const metric of ["p95Ms", "p99Ms"]) {
        const m = by[metric]!;
        assert.ok(m.changePct! > 15, `seed ${seed} ${metric} +${m.changePct} %`);
        assert.equal(m.verdict, "regression", `seed ${seed} ${metric}: ${m.a} → ${m.b} ms, adjusted p ${m.test?.adjustedP}`);
        assert.equal(m.test!.name, "block-bootstrap-z");
      }
      assert.equal(c.regression, true);
    }
  });

  test("runs too short for the bound: the change is inconclusive, with the smallest change they could detect", () => {
    // 12 s each of the same queue at 60 % and 66 % busy: a small tail change 12 s cannot resolve.
    const c = compareRuns(queueRun("a", { servers: 4, serviceMs: 20, utilization: 0.6, seconds: 12, seed: 7 }), queueRun("b", { servers: 4, serviceMs: 20, utilization: 0.66, seconds: 12, seed: 8 }));
    const p99 = c.overall.metrics.find((m) => m.metric === "p99Ms")!;
    assert.equal(p99.verdict, "inconclusive", JSON.stringify(p99));
    assert.ok(p99.detectable! > (c.options.maxRegressionPct / 100) * p99.a, `detectable ${p99.detectable} ms at A ${p99.a} ms`);
    // 4 s each: too short to resample at all.
    const tiny = compareRuns(queueRun("a", { servers: 4, serviceMs: 20, utilization: 0.6, seconds: 4, seed: 7 }), queueRun("b", { servers: 4, serviceMs: 20, utilization: 0.66, seconds: 4, seed: 8 }));
    const t99 = tiny.overall.metrics.find((m) => m.metric === "p99Ms")!;
    assert.equal(t99.verdict, "inconclusive");
    assert.match(renderComparisonText(tiny), /the runs are too short to tell \(fewer than 8 s each to resample\)/);
  });

  test("the service time doubled: P50, P95 and P99 regress, significantly", () => {
    const c = compareRuns(load("run-a"), load("run-slow"));
    assert.equal(c.regression, true);
    for (const metric of ["p50Ms", "p95Ms", "p99Ms"]) {
      const m = c.overall.metrics.find((x) => x.metric === metric)!;
      assert.equal(m.verdict, "regression", metric);
      assert.ok(m.changePct! > 80 && m.changePct! < 130, `${metric} ${m.changePct}`);
      assert.ok(m.test!.adjustedP < 0.001);
    }
  });
});

describe("headroom compare (CLI)", () => {
  test("exit 0 for identical runs, 100 with a regression, JSON on stdout stays parseable", async () => {
    const a = writeFixtureRun(join(dir, "a"), { seed: 1, durationSec: 40, peakUsers: 40, telemetry: false });
    const same = writeFixtureRun(join(dir, "same"), { seed: 1, durationSec: 40, peakUsers: 40, telemetry: false });
    const slow = writeFixtureRun(join(dir, "slow"), { seed: 2, durationSec: 40, peakUsers: 40, telemetry: false, slowdown: { [SEARCH]: 2 } });
    const io1 = memoryIo();
    assert.equal(await main(["compare", a, same], io1), EXIT.OK);
    assert.match(io1.out(), /No significant regression/);
    const io2 = memoryIo();
    assert.equal(await main(["compare", a, slow, "--json"], io2), EXIT.REGRESSION);
    const parsed = JSON.parse(io2.out()) as { regression: boolean };
    assert.equal(parsed.regression, true);
    assert.match(io2.err(), /error\[HR_REGRESSION\]/);
    const io3 = memoryIo();
    assert.equal(await main(["compare", a, slow, "--max-regression", "500%"], io3), EXIT.OK);
  });

  test("bad flags name the value and the expected form", async () => {
    const io = memoryIo();
    assert.equal(await main(["compare", "x", "y", "--max-regression", "ten"], io), EXIT.USAGE);
    assert.match(io.err(), /--max-regression "ten" is not a percentage/);
    const io2 = memoryIo();
    assert.equal(await main(["compare", join(dir, "nope"), join(dir, "nope2")], io2), EXIT.CONFIG);
    assert.match(io2.err(), /HR_RUN_NOT_FOUND/);
  });
});
