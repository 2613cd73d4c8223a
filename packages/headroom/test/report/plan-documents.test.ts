import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { initHistograms } from "../../src/metrics/histogram.js";
import { renderCapacityPlan } from "../../src/report/markdown/capacity-plan.js";
import { renderPerformanceSummary } from "../../src/report/markdown/performance-summary.js";
import { renderPlanSummaryJson } from "../../src/report/data/plan-json.js";
import type { PlanReportModel } from "../../src/report/model/plan-report-model.js";
import { renderTestResult } from "../../src/report/markdown/test-result.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import { readRunStore } from "../../src/store/run-store.js";
import { suitePlanning } from "../../src/jobs/plan-documents.js";
import type { SuiteRunResult } from "../../src/jobs/run-suite.js";
import { fixtureAnalysis } from "./fixture-analysis.js";
import { fixturePlanModel } from "./fixture-plan.js";
import { writeFixtureRun } from "./fixture-run.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SEED = readFileSync(join(HERE, "fixtures/seed-capacity-planning.md"), "utf8");
let dir: string;
let full: PlanReportModel;
let bare: PlanReportModel;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-plan-docs-"));
  full = await fixturePlanModel(join(dir, "full"));
  bare = await fixturePlanModel(join(dir, "bare"), { only: ["peak"], planning: false, capacity: false });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Heading lines outside code blocks. */
function headings(md: string): string[] {
  let fenced = false;
  const out: string[] = [];
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) out.push(line.trimEnd());
  }
  return out;
}

/** The seed's bold labels ("**Instances**:", "**Status**:") and results keys ("Total Requests:"). */
function labels(md: string): string[] {
  return [...new Set([...md.matchAll(/\*\*([^*]+)\*\*:/g)].map((m) => m[1]!))];
}

function assertNoPlaceholders(md: string, name: string): void {
  for (const bad of ["TBD", "[To be filled", "undefined", "NaN", "[object Object]", "Infinity"]) assert.ok(!md.includes(bad), `${name} contains "${bad}": ${md.split("\n").find((l) => l.includes(bad))}`);
  assert.doesNotMatch(md, /: null\b|\(null\)/, `${name} prints a null`);
  assert.doesNotMatch(md, /not measured: not measured/, `${name} repeats "not measured"`);
}

describe("capacity-plan.md", () => {
  for (const [name, get] of [["full suite", () => full], ["one run, no capacity or planning", () => bare]] as const) {
    test(`${name}: the seed's headings in the seed's order, its labels present, no TBD`, () => {
      const md = renderCapacityPlan(get());
      // The seed's headings, opened by the Answer (the headline every output prints), plus the
      // failure-scenarios test after the seed's six tests.
      const expected = headings(SEED);
      expected.splice(1, 0, "## Answer");
      expected.splice(expected.indexOf("### Cache Performance Test") + 1, 0, "### Failure Scenarios Test");
      assert.deepEqual(headings(md), expected);
      for (const label of labels(SEED)) assert.ok(md.includes(`**${label}**:`), `label **${label}**: missing`);
      for (const key of ["Total Requests:", "Failures:", "Average Response Time:", "P95 Latency:", "Memory Growth:", "Connection Pool Utilization:", "Rate Limited (429):", "Slow Queries (>1s):", "Cache Hit Rate:", "Avg Response Time (cache miss):"]) {
        if (name === "full suite") assert.ok(md.includes(key), `results key ${key} missing`);
      }
      assertNoPlaceholders(md, name);
    });
  }

  test("every figure is measured, derived with its formula, or not measured with a reason", () => {
    const md = renderCapacityPlan(full);
    assert.match(md, /- \*\*Test Tool\*\*: headroom 0\.1\.0 \(`headroom plan --scale 0\.1`\)/);
    assert.match(md, /- \*\*Machine\*\*: fixture-host, 2 × Fixture CPU, 8 GiB RAM/);
    assert.match(md, /- \*\*Versions\*\*: headroom 0\.1\.0, node v20\.20\.2, postgres 16\.4, redis 7\.2\.4/);
    assert.match(md, /- \*\*Scale Factor\*\*: 0\.1/);
    // measured
    assert.match(md, /Connection Pool Utilization: 70% max, 41% average of a pool of 20/);
    assert.match(md, /Cache Hit Rate: 85%/);
    assert.match(md, /\| Max Concurrent Users \| 150 users \(max\(users of steps meeting the SLO\)\) \| Medium: /);
    // derived, with the worked formula
    assert.match(md, /- Max instances: 10 \(infrastructure model\); the 1 year projection needs \d+ instances \(max\(2, ceil\(/);
    assert.match(md, /\| Launch \| 10,000 \(assumed: infrastructure model growth\) \| 500 users \(10,000 x 0\.05 = 500\) \|/);
    assert.match(md, /\| Launch \| \$\d+\/month \|/);
    // Figures of one test say which, and a long list of tests is summed up.
    assert.match(md, / {3}- Hit rate: 85% \(telemetry redis\) \(peak test\)/);
    assert.match(md, /- \[ \] Optimize cache strategy: .* \(peak test, judged against the peak load level's target\)/);
    assert.match(md, /- \[x\] Identify bottlenecks: 2 kinds found; primary: app CPU \(Baseline Load Test\)/);
    // The read share once, with its trigger; one replica in the singular.
    assert.match(md, /- Measured: reads are 90 % \(trigger 70 %\); replicas needed 1 replica \(max\(1, 0\) = 1\); /);
    // A replay that spent minutes over the SLO does not read as enough autoscaling.
    const step = full.planning!.autoscale!.step;
    assert.ok(step.minutesOverSlo > 0);
    assert.match(md, new RegExp(`Implement auto-scaling: the replayed step policy reached ${step.peakInstances} instances at the 1 year peak, where the projection needs \\d+, and spent ${step.minutesOverSlo.toLocaleString("en-US")} minutes of the day over the SLO`));
    // not measured, with the reason
    assert.match(md, /Index coverage: not measured: headroom samples statement timings, not index usage/);
    assert.match(md, /\| Disk \| < 70% \| 80-90% \| > 90% \| not measured: no disk telemetry \|/);
  });

  test("the whole run's throughput and the steady window's the target judged are two named numbers", () => {
    // The throughput target is judged on the steady window; the results block's rate is the whole run's.
    const rpsVerdict = { metric: "rps" as const, label: "Throughput", scope: "client" as const, verdict: "WARN" as const, measured: 28.92, bound: { direction: "min" as const, target: 50, acceptable: 25, unit: "req/s" }, tier: "acceptable" as const, source: "requests per second over the steady window (12 s at 100 users)" };
    const runs = full.runs.map((r) => (r.profile === "baseline" ? { ...r, report: { ...r.report, verdicts: [...r.report.verdicts, rpsVerdict] } } : r));
    const md = renderCapacityPlan({ ...full, runs });
    const baseline = md.slice(md.indexOf("### Baseline Test"), md.indexOf("### Peak Load Test"));
    const whole = full.runs.find((r) => r.profile === "baseline")!.report.summary.requests.ratePerSec;
    assert.match(baseline, new RegExp(`Throughput: ${String(whole).replace(".", "\\.")} requests/second \\(whole run\\)\nThroughput \\(steady window\\): 28\\.92 requests/second \\(12 s at 100 users\\)`));
    assert.match(baseline, /\*\*Notes\*\*: .*Throughput over the steady window 28\.92 req\/s against > 50 req\/s \(acceptable > 25 req\/s\) \(WARN\)/);
    // The targets table shows the judged number, named; a run without the verdict, its whole-run rate, named.
    assert.match(md, /\| Requests\/Second \| > 100 \| > 50 \| < 50 \| baseline 28\.92 req\/s \(steady window, 12 s at 100 users\) · peak [\d.]+ req\/s at 40 users \(whole run\)/);
    // The per-test document's results block names both too.
    const doc = renderTestResult(runs.find((r) => r.profile === "baseline")!.report);
    assert.match(doc, /Throughput: [\d.]+ requests\/second \(whole run\)\nThroughput \(steady window\): 28\.92 requests\/second \(12 s at 100 users\)/);
  });

  test("a test's notes name its bottleneck once: no 'app memory: app memory grows'", () => {
    const run = full.runs.find((r) => r.profile === "baseline")!;
    const a = run.report.analysis!;
    const memory = { ...a.bottlenecks[0]!, rank: "minor" as const, kind: "app-memory" as const, componentLabel: "app memory", symptom: "app memory grows slowly under constant load" };
    const runs = full.runs.map((r) => (r === run ? { ...r, report: { ...r.report, analysis: { ...a, bottlenecks: [memory] } } } : r));
    const md = renderCapacityPlan({ ...full, runs });
    const baseline = md.slice(md.indexOf("### Baseline Test"), md.indexOf("### Peak Load Test"));
    assert.match(baseline, /; minor bottleneck: app memory grows slowly under constant load;/);
    // A symptom that does not start with the label keeps it.
    assert.match(md.slice(md.indexOf("### Peak Load Test")), /primary bottleneck: app CPU: /);
  });

  test("without runs, capacity or planning every figure says why it is missing", () => {
    const md = renderCapacityPlan(bare);
    assert.match(md, /Total Requests: not measured: the suite did not run the baseline profile/);
    assert.match(md, /\*\*Status\*\*: – NOT RUN/);
    assert.match(md, /\| Max Concurrent Users \| not measured: no capacity analysis over the suite's load levels \| n\/a \|/);
    assert.match(md, /- \*\*Instance Type\*\*: not measured: planning did not run/);
    assert.match(md, /\| 1 year \| not measured: planning did not run/);
  });
});

describe("planning inputs of a suite", () => {
  test("the sustained run's figures win over a focused test's (the read share of the mix, not of a read-only test)", async () => {
    const out = join(dir, "inputs");
    const runs = ["sustained", "cache-performance"].map((name, i) => {
      const store = readRunStore(writeFixtureRun(join(out, name), { seed: 60 + i, name, durationSec: 30, peakUsers: 20 }));
      return { test: { name, profile: { name, executor: "closed", durationSec: 30, users: 20 }, loadLevel: "normal" }, dir: join(out, name), store, summary: store.summary!, analysis: fixtureAnalysis(store, store.summary!) } as SuiteRunResult;
    });
    const infra = parseInfrastructure(JSON.parse(readFileSync(join(HERE, "../../../../config/infrastructure.default.json"), "utf8")), "config/infrastructure.default.json");
    for (const order of [runs, [...runs].reverse()]) {
      const p = suitePlanning(order, undefined, infra, 1);
      assert.match(p.inputs.sources?.readShare ?? "", /\(sustained\): GET and HEAD requests/, `read share from ${p.inputs.sources?.readShare}`);
    }
  });
});

describe("per-test result documents", () => {
  test("sustained and peak documents carry every table the platform keeps", () => {
    for (const profile of ["sustained", "peak"]) {
      const run = full.runs.find((r) => r.profile === profile)!;
      const md = renderTestResult(run.report);
      assertNoPlaceholders(md, profile);
      assert.deepEqual(headings(md), [
        `# ${profile === "peak" ? "Peak Load Test" : "Sustained Load Test"} Results`,
        "## Configuration",
        "## Results",
        "## Requirements vs Actual",
        "## Per-Endpoint Results",
        "## Per-Phase Results",
        "## Rate Limiting per User Class",
        "## Resource Utilization",
        "## Error Rate per Third of the Run",
        "## Stability",
        "### Memory growth and leak verdicts",
        "### Connection pool stability",
        "## Cache",
        "## Recovery",
        "## Bottlenecks",
      ]);
      assert.match(md, /\| Endpoint \| Requests \| Avg \(ms\) \| P50 \(ms\) \| P95 \(ms\) \| P99 \(ms\) \| Errors \| Error % \| 429s \|/);
      assert.match(md, /\| ramp-up \| 0-30 s \|/);
      assert.match(md, /\| peak \| 30-90 s \|/);
      assert.match(md, /\| ramp-down \| 90-120 s \|/);
      assert.match(md, /\| App memory \(RSS, all processes\) \| 181 MiB \| 196 MiB \| 211 MiB \|/);
      assert.match(md, /\| 2 \| 40 s to 80 s \| 1,900 \| 4 \| 0\.21% \| ✗ FAIL \|/);
      assert.match(md, /\| App memory \(RSS\) \| growing \|/);
      assert.match(md, /- \*\*Verdict\*\*: stable: never exhausted/);
      assert.match(md, /\| AuthenticatedUser \| 3,454 \| 9 \| 56 \| 1\.6% \| 98\.1% \|/);
      assert.match(md, /\| P95 latency \| < 80 ms \(acceptable < 1000 ms\) \| [\d.]+ ms \| acceptable \| met \(acceptable tier only\) \| ⚠ WARN \|/);
    }
  });

  test("the user mix is the configured weights, else the mix measured at the busiest second", () => {
    const report = full.runs[0]!.report;
    assert.match(renderTestResult(report), /- User Mix: 73\.7% AuthenticatedUser, 26\.3% UnauthenticatedUser \(configured weights\)/);
    const { classes: _classes, ...plan } = report.manifest.plan;
    const measured = renderTestResult({ ...report, manifest: { ...report.manifest, plan } });
    assert.match(measured, /- User Mix: 75% AuthenticatedUser, 25% UnauthenticatedUser \(measured: virtual users per class at the busiest second\)/);
  });

  test("a run without analysis says what is missing instead of inventing it", () => {
    const report = { ...full.runs[0]!.report, analysis: undefined, verdict: undefined, verdicts: [] };
    const md = renderTestResult(report);
    assertNoPlaceholders(md, "unanalysed");
    assert.match(md, /## Per-Phase Results\n\nnot measured: no analysis was made for this run/);
    assert.match(md, /\*\*Status\*\*: – NOT JUDGED \(no targets\)/);
  });
});

describe("performance-summary.md", () => {
  test("covers results by test, breaking point, bottlenecks, degradation, sustained vs peak, spike", () => {
    const md = renderPerformanceSummary(full);
    assertNoPlaceholders(md, "summary");
    assert.deepEqual(headings(md), ["# Performance Metrics Summary", "## Answer", "## Results by Test", "## Requirements vs Actual", "## Breaking Point", "## Bottlenecks", "## Graceful Degradation by Load Level", "## Sustained vs Peak", "## Spike and Recovery", "## Resource Utilization (Peak Load Test)"]);
    assert.equal(md.match(/^\| (Baseline|Peak|Sustained|Spike|Rate Limiting|Database Stress|Cache Performance) (Load )?Test \| \d+ \|/gm)?.length, 7);
    // Its rate is the whole run's; the requirements beside it judge the steady window's.
    assert.match(md, /\| Test \| Users \| Duration \| Requests \| RPS \(whole run\) \|/);
    assert.match(md, /\| Primary \| app CPU \|/);
    assert.match(md, /\| Secondary \| PostgreSQL connection pool \|/);
    assert.match(md, /\| 200 \| 14\.35 \| 340 \| 1\.5% \| ✗ FAIL \| errors \|/);
    assert.match(md, /\| P95 latency \| 61 ms \| 95 ms \| 1\.56× \|/);
    const bareMd = renderPerformanceSummary(bare);
    assertNoPlaceholders(bareMd, "bare summary");
    assert.match(bareMd, /## Breaking Point\n\nnot measured: no capacity analysis/);
    assert.match(bareMd, /## Spike and Recovery\n\nnot measured: the suite did not run the spike profile/);
  });
});

describe("summary.json", () => {
  test("carries every test's figures, the capacity analysis and planning figures with their formulas", () => {
    const json = renderPlanSummaryJson(full);
    assert.doesNotMatch(json, /NaN|undefined/);
    const doc = JSON.parse(json) as { tests: { profile: string; summary: { requests: { total: number } }; analysis: { verdicts: unknown[] } | null }[]; capacity: { maxUsers: { value: number } }; planning: { growth: { rows: { appInstances: { formula: string; worked: string } }[] } } };
    assert.deepEqual(doc.tests.map((t) => t.profile), ["baseline", "peak", "sustained", "spike", "rate-limiting", "database-stress", "cache-performance"]);
    assert.ok(doc.tests.every((t) => t.summary.requests.total > 0 && t.analysis && t.analysis.verdicts.length === 4));
    assert.equal(doc.capacity.maxUsers.value, 150);
    assert.match(doc.planning.growth.rows[0]!.appInstances.worked, /ceil\(/);
  });
});
