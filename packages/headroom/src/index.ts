// headroom's public API: the scenario API for scenario files, and the library functions the CLI uses.
export * from "./core/errors.js";
export * from "./core/types.js";
export { createRunStore, readRunStore, type RunStore, type RunStoreWriter } from "./store/run-store.js";
export { runStoreSummary } from "./store/run-store-summary.js";
export { summarizeIntervals } from "./metrics/summary.js";
export { initHistograms, createHistogram, encodeHistogram, decodeHistogram, mergeEncoded, latencyStatsMs, type LatencyStatsMs } from "./metrics/histogram.js";
// reports: renderers of a run (HTML, Markdown, JSON, JUnit) and run comparison
export { buildRunReportModel, type RunReportOptions } from "./jobs/run-report-model.js";
export { endpointRowsFromSummary, runReportModel, type RunReportModel, type RunModelOptions } from "./report/model/run-report-model.js";
export { measureRun, summaryOf, type RunFigures } from "./analysis/run-figures.js";
export { buildRunSeries, type RunSeries } from "./analysis/run-series.js";
export { renderHtmlReport } from "./report/html/html-report.js";
export { renderJsonReport } from "./report/data/json-report.js";
export { renderJunit, junitSuiteOf, type JunitSuite } from "./report/data/junit.js";
export { renderTestResult } from "./report/markdown/test-result.js";
export { renderChart, type ChartSpec, type ChartSeries } from "./report/html/svg-chart.js";
export { compareRuns, type RunComparison, type CompareOptions, type CompareInput, type MetricChange, type EndpointComparison } from "./analysis/compare.js";
export { renderComparisonText, renderComparisonMarkdown } from "./report/markdown/compare-render.js";
export { renderCapacityPlan, planFigure } from "./report/markdown/capacity-plan.js";
export { renderPerformanceSummary } from "./report/markdown/performance-summary.js";
export { findRun, heaviestRun, type PlanReportModel, type SuiteRun, type EnvironmentInfo, type PlanDocuments } from "./report/model/plan-report-model.js";
export { renderPlanHtmlReport } from "./report/html/plan-html-report.js";
export { renderPlanSummaryJson } from "./report/data/plan-json.js";
// The scenario API and the engine (issue 2).
export { scenario, userClass, task, acceptAlso, statusAccepted, isScenario, SkipTask, type Scenario, type ScenarioDef, type UserClassDef, type TaskDef, type VirtualUser, type HttpResponse, type RequestOptions, type AcceptStatus, type CookieJar, type SetupContext, type QueryValue } from "./plan/scenario-api.js";
export { between, constant, constantPacing, describeWait, type WaitSpec } from "./plan/wait.js";
export { parseDurationMs, formatDurationMs } from "./plan/duration.js";
export { describeProfile, validateProfile, profileDurationSec, type Profile, type ClassOverride, type ExecutorKind } from "./plan/profile.js";
export { loadScenario } from "./plan/load-scenario.js";
export { runTest, defaultWorkers, type RunTestOptions } from "./engine/run-test.js";
export { newRunManifest, newRunId, hostInfo } from "./engine/manifest.js";
export { checkReachable } from "./engine/preflight.js";
export { describeClasses } from "./engine/scenario-workload.js";
export type { SingleRequest } from "./engine/single-request.js";
export { parseSegment, formatSegment, equalSegments, countInSegment, inSegment, WeightedPartition, type Segment, type SegmentPath } from "./engine/segments.js";
export { mergeSameSecond, mergeSegments } from "./metrics/interval-merge.js";
// planning (issue 6): infrastructure model, autoscaling replay, connection budget, replicas, cache, growth and cost; alert rules and dashboard
export type * from "./planning/types.js";
export { infrastructureSchema, parseInfrastructure, resolveInfrastructure, mergeInfrastructure } from "./planning/infrastructure.js";
export { planCapacity, simulateDay, type PlanCapacityOptions } from "./planning/plan-capacity.js";
export { replayAutoscaling, cpuPctAt, sloBoundRps, type ReplayOptions } from "./planning/autoscale.js";
export { dailyTrafficCurve, scaleCurveToPeak } from "./planning/traffic-curve.js";
export { rpsPerMinuteFromIntervals } from "./analysis/rps-per-minute.js";
export { perInstanceCapacity, autoscaleCapacity, usableCores } from "./planning/instance-capacity.js";
export { connectionBudget } from "./planning/connection-budget.js";
export { replicaPlan } from "./planning/replica-plan.js";
export { cachePlan } from "./planning/cache-plan.js";
export { planGrowth, usersAtMonth, loadAt, runsOut } from "./planning/growth-plan.js";
export { growthCosts, costRow, averageNeededInstances } from "./planning/growth-cost.js";
export { capacityFromRun, type RunData } from "./planning/capacity-from-run.js";
export { capacityFromAnalysis, capacityFromRunAnalysis } from "./planning/capacity-from-analysis.js";
export { mergeCapacityInputs, parseCapacityInputs } from "./planning/capacity-inputs.js";
export { planningText, growthText, instancesChart, autoscaleSummaryText, connectionBudgetText } from "./planning/planning-text.js";
export { MUEJAM_METRICS } from "./core/app-metric-names.js";
export { alertRules, alertQueries, alertThresholdsFromTargets, prometheusRulesYaml, DEFAULT_ALERT_THRESHOLDS, type AlertRule, type AlertRulesOptions, type AlertThreshold, type AlertThresholds, type AlertKey } from "./report/ops/alert-rules.js";
export { grafanaDashboard, type GrafanaDashboard, type GrafanaPanel } from "./report/ops/grafana-dashboard.js";
// telemetry (issue 4 item 2): collectors of what the platform felt, sampled into the run store
export { startTelemetry, createCollectors, scheduleCollectors, createPrometheusCollector, createPostgresCollector, createRedisCollector, createProcessCollector, createHostCollector, findPortProcesses, parsePrometheusText, seriesKey, bucketQuantile, parseRedisInfo, summarizeTelemetry, formatTelemetryTable, REDIS_EXTRA_KEYS, HOST_EXTRA_KEYS, type StartTelemetryOptions, type TelemetryConfig, type TelemetryHandle, type TelemetrySink, type Collector, type CollectorReading, type SlowStatement, type QuerySource, type PortProcesses, type PromExposition, type PromSample, type TelemetrySummary, type TelemetrySourceStats, type TelemetrySeriesStats } from "./telemetry/index.js";
// The one clock the engine and telemetry run on; tests inject a fake one (startTelemetry's `clock`).
export type { Clock, TimerHandle } from "./core/clock.js";
export { POSTGRES_KEYS, REDIS_KEYS, PROCESS_KEYS, HOST_KEYS } from "./core/telemetry-keys.js";
// analysis (issue 5, issue 4 item 3): targets and verdicts, per-run analysis, capacity, USL, bottlenecks, search
export type * from "./analysis/types.js";
export { judge, describeBound, worstVerdict } from "./analysis/judge.js";
export { buildTargets, loadTargets, validateTargetsFile, TARGET_METRICS, LOAD_LEVELS, type Targets, type TargetsFile, type BoundSpec, type ResolvedBound, type MetricInfo } from "./plan/targets.js";
export { DEFAULT_TARGETS_FILE } from "./plan/targets-default.js";
export { analyzeRun, type AnalyzeRunOptions } from "./analysis/analyze-run.js";
export { analyzeCapacity, COMFORTABLE_FRACTION, type CapacityOptions } from "./analysis/capacity.js";
export { sustainedVsPeak } from "./analysis/sustained-vs-peak.js";
export { stepFromLines, stepsFromRun, stepsFromRuns } from "./analysis/load-steps.js";
export { fitUsl, uslThroughput, parseUslCsv, USL_MIN_POINTS, type UslPoint } from "./analysis/usl.js";
export { findBottlenecks, slowStatements } from "./analysis/bottlenecks.js";
export { searchCapacity, type SearchOptions, type StepRunner, type RecoveryRunner, type StepLoad } from "./analysis/search.js";
export { parseSlo, describeSlo, sloBreach, sloFromTargets, DEFAULT_SLO_TEXT } from "./analysis/slo.js";
export { recoveryAfterLoadDrop } from "./analysis/recovery.js";
// failure scenarios: faults as data of a profile, the injector, and the impact and recovery of each fault
export { scheduleFaults, faultReach, FAULT_KINDS, FAULT_LABELS, type FaultSpec, type FaultKind, type ScheduledFault, type FaultTargets } from "./plan/faults.js";
export { startFaultInjector, terminateAppConnections, stallProcesses, pauseRedis, type FaultInjector, type FaultInjectorOptions } from "./faults/fault-injector.js";
export { analyzeFailureScenarios, faultVerdicts, recoveredAt, type FailureScenariosAnalysis, type FaultResult } from "./analysis/failure-scenarios.js";
export { renderFailureScenarios, failureScenariosHtml } from "./report/markdown/failure-scenarios.js";
export { leakVerdict, trendTest } from "./analysis/trend.js";
export { runAnalysisText, capacityText, searchText, uslText, bottleneckText } from "./analysis/analysis-text.js";
// targets and the plan job: the seam to the platform under test (headroom plan --platform MODULE), and the plan as a library function
export type { Target, RunningTarget, TargetOptions, TargetStartContext, CreateTarget } from "./targets/types.js";
export { externalTarget, type ExternalTargetOptions } from "./targets/external.js";
export { runPlanJob, type PlanJobOptions, type PlanJobEvent, type PlanJobResult, type PlanSearchStage } from "./jobs/plan-job.js";
