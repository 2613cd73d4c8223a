// The breaking-point search of a plan in the documents, from a recorded search (a quick plan's
// stage on the lab machine: 2,000 / 4,000 users held, 8,000 broke on p95, 6,000 held; budget
// spent): the capacity table, the steps table, summary.json and the HTML report. No server.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { initHistograms } from "../../src/metrics/histogram.js";
import { renderCapacityPlan } from "../../src/report/markdown/capacity-plan.js";
import { renderPerformanceSummary } from "../../src/report/markdown/performance-summary.js";
import { renderPlanHtmlReport } from "../../src/report/html/plan-html-report.js";
import { renderPlanSummaryJson } from "../../src/report/data/plan-json.js";
import type { PlanReportModel, PlanSearch } from "../../src/report/model/plan-report-model.js";
import { capacityFromAnalysis } from "../../src/planning/capacity-from-analysis.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import { planCapacity } from "../../src/planning/plan-capacity.js";
import { suiteCapacity } from "../../src/jobs/plan-documents.js";
import { FIXTURE_INPUTS, fixturePlanModel } from "./fixture-plan.js";

const recorded = (): PlanSearch => JSON.parse(readFileSync(new URL("./fixtures/plan-search.json", import.meta.url), "utf8")) as PlanSearch;
const NORMAL_SLO = { p95Ms: 500, p99Ms: 1000, errorPct: 0.1 };
let dir: string;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-plan-search-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function modelWith(search: PlanSearch, name: string): Promise<PlanReportModel> {
  const model = await fixturePlanModel(join(dir, name), { only: ["baseline", "peak"] });
  model.search = search;
  model.capacity = suiteCapacity([], NORMAL_SLO, search)!;
  return model;
}

/** The capacity table's row of a metric: its value and confidence cells. */
function row(md: string, metric: string): string {
  const line = md.split("\n").find((l) => l.startsWith(`| ${metric} |`));
  assert.ok(line, `row ${metric}`);
  return line;
}

test("a bracketed search: breaking point, max users, comfortable capacity and the steps table", async () => {
  const search = recorded();
  const cap = suiteCapacity([], NORMAL_SLO, search)!;
  // Judged by the search's SLO (the peak level's errors < 1%), not the normal level's 0.1%.
  assert.deepEqual(cap.slo, search.slo);
  assert.equal(cap.breakingPoint.users, 8000);
  assert.match(cap.breakingPoint.limit, /^p95 2861\.06 ms > 500 ms$/);
  assert.equal(cap.maxUsers.value, 6000);
  // The break lies between 6000 and 8000 (bracket wider than 25 %): 65 % of the last good load.
  assert.equal(cap.comfortable.users, 3900);
  assert.equal(cap.breakingPoint.lastGood, 6000);
  // Max Requests/Second is the ceiling: the most throughput measured (8,000 users broke the SLO at
  // 2,443 req/s); the most within the SLO is the capacity within the SLO's.
  assert.equal(cap.maxRps.value, 2443);
  assert.equal(cap.maxRps.value, cap.ceiling.value);
  assert.equal(cap.sloCapacity.rps, 1703);
  assert.equal(cap.sloCapacity.users, 6000);
  assert.equal(cap.sloCapacity.brokeAtUsers, 8000);
  assert.ok(cap.usl && cap.usl.points === 4, "USL fit over the search's steps");

  const md = renderCapacityPlan(await modelWith(search, "bracketed"));
  assert.match(row(md, "Breaking Point"), /\| between 6,000 \(met the SLO\) and 8,000 users \(p95 2861\.06 ms > 500 ms\) \| Medium: .*bracketed only between 6000 and 8000 users/);
  assert.match(row(md, "Comfortable Capacity"), /\| 3,900 users \(65% of the heaviest load that met the SLO\)/);
  // Users read with a thousands separator in every row, as in the breaking point's.
  assert.match(row(md, "Max Concurrent Users"), /\| 6,000 users \(/);
  assert.match(md, /Breaking-point search \(`breaking-point\/`\): closed model with the suite's user mix, from 2,000 users growing x2 then bisecting, at most 16,000 users/);
  assert.match(md, /\| 3 \| ramp \| 8,000 \| 2443 \| 2,861 \| 0% \| broke: p95 2861\.06 ms > 500 ms \|/);
  assert.match(md, /\| 4 \| bisect \| 6,000 \| 1703 \| 21\.3 \| 0% \| ok \(not steady\) \|/);
  assert.match(md, /At the first broken step: primary bottleneck PostgreSQL connection pool: requests waited for a database connection/);
  // The seed's bottleneck list names what broke at the break, not only what the peak test saw.
  const database = md.slice(md.indexOf("1. **Database**"), md.indexOf("2. **Application**"));
  assert.match(database, /- At the breaking point: PostgreSQL connection pool: requests waited for a database connection .*\(primary bottleneck of the breaking-point search's first broken step \(8,000 users\); limit: pool of 20/);
  assert.match(database, /- Recommendation: raise the pool size per instance .*\(primary bottleneck, seen in Breaking-point search \(the step at 8,000 users that broke the SLO\)/);
  // The to-do list leads with what broke at the break, not with what a lighter test saw.
  assert.match(md, /- \[x\] Identify bottlenecks: \d+ kinds found; primary: PostgreSQL connection pool \(Breaking-point search \(the step at 8,000 users that broke the SLO\)\)/);
  assert.match(md, /- \[ \] Fix critical performance issues: raise the pool size per instance .*\(PostgreSQL connection pool, primary bottleneck, seen in Breaking-point search \(the step at 8,000 users that broke the SLO\)\)\n/);
  assert.match(md, /10000 bearer tokens were minted/);
  assert.match(md, /Universal Scalability Law fit \(4 points: the profiles' steady phases and the search's steps/);
  // Fitted on the in-system concurrency (X·R, Little's law), not on the users who think 1-5 s: the
  // contention shows, and the peak is said in requests in the system.
  assert.match(md, /on in-system concurrency X·R \(Little's law\), R² [\d.]+\): contention α = [\d.]+, coherency β = [\d.]+; throughput peaks at \d+ req\/s near \d+ requests in the system\./);
  assert.doesNotMatch(md, /TBD|undefined|NaN|null/);

  // The performance summary: the same steps, and the break's bottleneck ranked with the tests'.
  const perf = renderPerformanceSummary(await modelWith(search, "perf"));
  assert.match(perf, /USL fit \(on in-system concurrency X·R \(Little's law\)\): α = [\d.]+, β = [\d.]+, γ = [\d.]+ req\/s per request in the system/);
  assert.match(perf, /\| 3 \| ramp \| 8,000 \| 2443 \| 2,861 \| 0% \| broke: p95 2861\.06 ms > 500 ms \|/);
  assert.match(perf, /\| PostgreSQL connection pool \| requests waited for a database connection in 62\.5% of samples .*\| Breaking-point search \(the step at 8,000 users that broke the SLO\) \|/);
});

test("a search stopped by the quick budget without a break says how far it got and what to run", async () => {
  const search = recorded();
  const held = search.result.detail.steps.filter((s) => s.ok && (s.users ?? 0) <= 4000);
  search.result.detail.steps = held;
  search.result.detail.stepDirs = search.result.detail.stepDirs!.slice(0, 2);
  delete search.result.detail.bottlenecks;
  search.result.detail.stopReason = "stopped before the break was found: the 40 s time budget of the search was spent";
  search.maxTestedUsers = 4000;
  search.furtherCommand = search.furtherCommand.replace("--start 8000", "--start 4000");
  const model = await modelWith(search, "budget");
  assert.equal(model.capacity!.breakingPoint.users, null);
  const md = renderCapacityPlan(model);
  assert.match(
    row(md, "Breaking Point"),
    /\| not reached up to 4,000 users in the search's 40 s time budget \(p95 < 500 ms, p99 < 1000 ms, errors < 1% held at every step\); run `headroom plan --full` or `headroom search apps\/backend\/tests\/load_tests\/muejam\.scenario\.ts --host http:\/\/127\.0\.0\.1:3000 --var tokens=tokens\.json --start 4000 --slo "p95<500ms,p99<1000ms,errors<1%"/,
  );
  assert.match(row(md, "Comfortable Capacity"), /65% of the largest load tested \(4000; the break was not reached, so this is a floor\)/);
  assert.match(md, /2 steps in 31\.9 s, judged against p95 < 500 ms, p99 < 1000 ms, errors < 1%; stopped before the break was found: the 40 s time budget of the search was spent\./);
  // A generator that limited the search is named as the limit.
  search.generatorLimited = true;
  search.generatorReason = "the load generator's CPU or event loop was saturated in the measured seconds at 4000 users";
  const md2 = renderCapacityPlan(await modelWith(search, "generator"));
  assert.match(row(md2, "Breaking Point"), /the load generator was the limit at 4,000 users, so this is a floor of the platform's capacity/);
  assert.match(md2, /The load generator limited the search: the load generator's CPU or event loop was saturated/);
});

test("the per-instance capacity names its terms and says which is a lower bound or extrapolated; the replay says why CPU rules lag", async () => {
  const model = await modelWith(recorded(), "per-instance");
  const infra = parseInfrastructure(JSON.parse(readFileSync(new URL("../../../../config/infrastructure.default.json", import.meta.url), "utf8")), "config/infrastructure.default.json");
  // The search's capacity on one instance, and CPU cheap enough that 60 % CPU lies past the load measured (as in the lab).
  model.planning = planCapacity(infra, { ...FIXTURE_INPUTS, ...capacityFromAnalysis(model.capacity!), cpuMsPerRequest: 0.4, idleCpuCorePct: 2 });
  const md = renderCapacityPlan(model);
  const line = md.split("\n").find((l) => l.startsWith("- Capacity per instance:"))!;
  assert.match(line, /^- Capacity per instance: [\d,.]+ req\/s, the smallest of: [\d,.]+ req\/s at the 60% target CPU \(extrapolated: the measurement reached [\d,.]+ req\/s per instance; measure higher load \(headroom search\) before relying on it\); [\d,.]+ req\/s at the comfortable capacity \(65% of the heaviest load that met the SLO\); 1703 req\/s the most that met the SLO \(a lower bound: the break lies between 6,000 and 8,000 users\)$/);
  assert.doesNotMatch(line, /\d\.\d\d\d/, "no figure with more than four significant digits");
  // A CPU rule that acts only after the SLO broke is said beside the replay, and the to-do list does not read as enough.
  assert.match(md, /- Replay finding \(step policy\): .*(CPU does not track the limit|the policy acts only after latency has passed the SLO)/);
  assert.equal(model.planning.autoscale!.step.minutesOverSlo, 0);
  assert.match(md, /Implement auto-scaling: the replayed step policy needs up to 2 instances at the 1 year peak\n/);
});

test("summary.json carries the search's steps and the HTML report draws them", async () => {
  const model = await modelWith(recorded(), "json");
  const json = JSON.parse(renderPlanSummaryJson(model)) as { search: { outcome: string; stopReason: string; steps: { step: number; users: number; rps: number; p95Ms: number; errorPct: number; ok: boolean; broke: string | null; runDir: string }[]; result: { breakingPoint: { users: number } } } };
  assert.equal(json.search.outcome, "budget");
  assert.match(json.search.stopReason, /bracketed the break between 6000 and 8000 users/);
  assert.deepEqual(
    json.search.steps.map((s) => [s.users, s.ok]),
    [
      [2000, true],
      [4000, true],
      [8000, false],
      [6000, true],
    ],
  );
  assert.equal(json.search.steps[2]!.broke, "p95 2861.06 ms > 500 ms");
  assert.equal(json.search.steps[2]!.runDir, "breaking-point/step-03-users-8000");
  const html = renderPlanHtmlReport(model);
  assert.match(html, /<h3>Breaking-point search<\/h3>/);
  assert.match(html, /search steps that held the SLO/);
  assert.match(html, /search steps that broke/);
  // The page opens with the same answer as capacity-plan.md: 6,000 met the SLO, 8,000 broke it.
  assert.match(html, /<dt>Capacity within the SLO<\/dt><dd>6,000 users \(1,703 req\/s\): the heaviest load that met the SLO; 8,000 users broke it/);
});
