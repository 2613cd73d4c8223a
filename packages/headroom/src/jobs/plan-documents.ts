// From a finished suite to the report set: the capacity analysis across the suite's load levels,
// the planning result, and every document rendered as text, keyed by its path relative to the
// suite's output folder (the Markdown documents' charts as charts/<name>.svg among them). The CLI
// writes them; nothing here touches files.
import { relative } from "node:path";
import { utilizationEstimate } from "../analysis/break-estimate.js";
import { analyzeCapacity } from "../analysis/capacity.js";
import { stepsFromRuns } from "../analysis/load-steps.js";
import type { CapacityAnalysis, Slo } from "../analysis/types.js";
import { capacityFromAnalysis, capacityFromRunAnalysis } from "../planning/capacity-from-analysis.js";
import { capacityFromRun } from "../planning/capacity-from-run.js";
import { mergeCapacityInputs } from "../planning/capacity-inputs.js";
import { planCapacity } from "../planning/plan-capacity.js";
import type { CapacityPlanning, InfrastructureModel } from "../planning/types.js";
import type { Targets } from "../plan/targets.js";
import { alertRules, prometheusRulesYaml, type AlertRulesOptions, type AlertThresholds } from "../report/ops/alert-rules.js";
import { renderCapacityPlan } from "../report/markdown/capacity-plan.js";
import { planHeadline } from "../report/model/headline.js";
import { headlineJunitSuite } from "../report/markdown/headline-render.js";
import { planChartFiles, runChartFiles } from "../report/html/chart-files.js";
import { grafanaDashboard } from "../report/ops/grafana-dashboard.js";
import { renderHtmlReport } from "../report/html/html-report.js";
import { renderJsonReport } from "../report/data/json-report.js";
import { junitSuiteOf, renderJunit } from "../report/data/junit.js";
import { renderFailureScenarios } from "../report/markdown/failure-scenarios.js";
import { renderPerformanceSummary } from "../report/markdown/performance-summary.js";
import { renderPlanHtmlReport } from "../report/html/plan-html-report.js";
import { renderPlanSummaryJson } from "../report/data/plan-json.js";
import type { EnvironmentInfo, PlanReportModel, PlanSearch, SuiteRun } from "../report/model/plan-report-model.js";
import { runReportModel } from "../report/model/run-report-model.js";
import { measureRun } from "../analysis/run-figures.js";
import { renderTestResult } from "../report/markdown/test-result.js";
import type { SuiteRunResult } from "./run-suite.js";

export interface PlanDocumentsInput {
  runs: SuiteRunResult[];
  outDir: string;
  environment: EnvironmentInfo;
  infrastructure: InfrastructureModel;
  /** Limits a load step must meet to count as within capacity. */
  slo: Slo;
  targets: Targets;
  alertThresholds: AlertThresholds;
  /** App instances that served the load (the per-instance figures divide by it). */
  instances: number;
  generatedAt: string;
  /** The breaking-point stage, when it ran: its steps join the capacity analysis, judged by its SLO. */
  search?: PlanSearch;
}

export interface PlanDocuments {
  model: PlanReportModel;
  capacity?: CapacityAnalysis;
  planning: CapacityPlanning;
  /** Relative path → content. */
  files: Map<string, string>;
}

/**
 * Whether a run drove the suite's own user mix. Profiles that replace class weights or waits
 * (rate limiting, database stress, cache) make a different request mix per user, so their steps
 * do not lie on the same throughput-vs-users curve and would fake a plateau or a knee.
 */
export function runsTheStandardMix(run: SuiteRunResult): boolean {
  return run.test.profile.classWeights === undefined && run.test.profile.classOverrides === undefined && !hasFaults(run);
}

/** A run with injected faults (the failure-scenarios test) measures recoveries, not capacity or steady resources. */
export function hasFaults(run: SuiteRunResult): boolean {
  return (run.test.profile.faults?.length ?? 0) > 0;
}

/**
 * The capacity analysis of every steady phase of the runs that drove the standard mix, plus the
 * steps of the breaking-point search when it ran (they arrive judged against the search's SLO,
 * which then judges the profiles' steps too, so one SLO draws the whole curve).
 */
export function suiteCapacity(runs: SuiteRunResult[], slo: Slo, search?: PlanSearch): CapacityAnalysis | undefined {
  const stores = runs.filter(runsTheStandardMix).map((r) => r.store);
  const steps = [...stepsFromRuns(stores), ...(search?.result.detail.steps ?? [])];
  if (steps.length === 0) return undefined;
  const utilization = utilizationEstimate(stores);
  return analyzeCapacity(steps, { slo: search?.slo ?? slo, model: "closed", ...(search ? { tolerance: search.settings.tolerance } : {}), ...(utilization ? { utilization } : {}) });
}

/** Planning inputs: capacity bounds from the suite's steps, resource figures from each run. */
export function suitePlanning(runs: SuiteRunResult[], capacity: CapacityAnalysis | undefined, infra: InfrastructureModel, instances: number, capacitySource = "the suite's load steps"): CapacityPlanning {
  const parts = [];
  // The sustained run describes steady operation best; then the baseline; then any. Later parts
  // win field by field, so the best comes last: a focused test (cache-performance reads only)
  // fills a figure only the others did not measure, and does not set the read share of the mix.
  const order = ["sustained", "baseline", "peak"];
  const ranked = runs.filter((r) => !hasFaults(r)).sort((a, b) => (order.indexOf(b.test.name) + 1 || 99) - (order.indexOf(a.test.name) + 1 || 99));
  for (const r of ranked) {
    const { manifest, intervals, telemetry, summary } = r.store;
    parts.push(capacityFromRun({ dir: r.dir, manifest, intervals, telemetry, summary }, { measuredInstances: instances }));
    parts.push(capacityFromRunAnalysis(r.analysis, { measuredInstances: instances }));
  }
  if (capacity) parts.unshift(capacityFromAnalysis(capacity, { measuredInstances: instances, source: capacitySource }));
  return planCapacity(infra, mergeCapacityInputs(...parts));
}

export async function buildPlanDocuments(input: PlanDocumentsInput): Promise<PlanDocuments> {
  const files = new Map<string, string>();
  const capacity = suiteCapacity(input.runs, input.slo, input.search);
  const planning = suitePlanning(input.runs, capacity, input.infrastructure, input.instances, input.search ? "the suite's load steps and the breaking-point search" : undefined);
  const suiteRuns: SuiteRun[] = [];
  const junit = [];
  for (const r of input.runs) {
    const report = runReportModel(await measureRun(r.store), { analysis: r.analysis, generatedAt: input.generatedAt });
    const rel = relative(input.outDir, r.dir) || r.test.name;
    const charts = runChartFiles(report, { prefix: `${r.test.name}-`, docDir: "test-results" });
    for (const c of charts.files) files.set(c.path, c.svg);
    report.charts = charts.charts;
    files.set(`${rel}/report.html`, renderHtmlReport(report));
    files.set(`${rel}/report.json`, renderJsonReport(report));
    files.set(`test-results/${r.test.name}.md`, r.failures ? renderFailureScenarios(report, r.failures) : renderTestResult(report));
    junit.push(junitSuiteOf(report));
    suiteRuns.push({ profile: r.test.name, report, files: { dir: rel, html: `${rel}/report.html`, md: `test-results/${r.test.name}.md` }, ...(r.failures ? { failures: r.failures } : {}) });
  }
  const alertOptions: AlertRulesOptions = {
    thresholds: input.alertThresholds,
    coresPerInstance: Math.min(input.infrastructure.app.size.vcpus, input.infrastructure.app.workersPerInstance),
    memoryBytesPerInstance: input.infrastructure.app.size.memoryGb * 2 ** 30,
    maxConnections: input.infrastructure.database.maxConnections,
  };
  const model: PlanReportModel = {
    platform: "MueJam",
    generatedAt: input.generatedAt,
    environment: input.environment,
    runs: suiteRuns,
    planning,
    documents: {
      performanceSummary: "performance-metrics.md",
      html: "report.html",
      summaryJson: "summary.json",
      grafanaDashboard: "grafana-dashboard.json",
      alertRules: "alert-rules.yml",
      junit: "junit.xml",
    },
  };
  if (capacity) model.capacity = capacity;
  if (input.search) model.search = input.search;
  const charts = planChartFiles(model);
  for (const c of charts.files) files.set(c.path, c.svg);
  model.charts = charts.charts;
  model.headline = planHeadline(model);
  files.set("capacity-plan.md", renderCapacityPlan(model));
  files.set("performance-metrics.md", renderPerformanceSummary(model));
  files.set("report.html", renderPlanHtmlReport(model));
  files.set("summary.json", renderPlanSummaryJson(model));
  files.set("junit.xml", renderJunit(junit, [headlineJunitSuite(model.headline)]));
  const header = [
    "Prometheus alerting rules for the MueJam API, written by `headroom plan` from the targets it judged.",
    `${alertRules(alertOptions).length} rules. Check with: promtool check rules alert-rules.yml`,
  ];
  files.set("alert-rules.yml", prometheusRulesYaml({ ...alertOptions, header }));
  files.set("grafana-dashboard.json", JSON.stringify(grafanaDashboard(alertOptions), null, 2) + "\n");
  return { model, ...(capacity ? { capacity } : {}), planning, files };
}
