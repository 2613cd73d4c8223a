// headroom's public API: the scenario API for scenario files, and the library functions the CLI uses.
export * from "./errors.js";
export * from "./store/types.js";
export { createRunStore, readRunStore, type RunStore, type RunStoreWriter } from "./store/run-store.js";
export { summarizeIntervals } from "./analysis/summary.js";
export { initHistograms, createHistogram, encodeHistogram, decodeHistogram, mergeEncoded, latencyStatsMs, type LatencyStatsMs } from "./metrics/histogram.js";
// reports: renderers of a run (HTML, Markdown, JSON, JUnit) and run comparison
export { buildRunReportModel, endpointRowsFromSummary, summaryOf, type RunReportModel, type RunReportOptions } from "./report/run-report-model.js";
export { buildRunSeries, type RunSeries } from "./report/run-series.js";
export { renderHtmlReport } from "./report/html-report.js";
export { renderJsonReport } from "./report/json-report.js";
export { renderJunit, junitSuiteOf, type JunitSuite } from "./report/junit.js";
export { renderTestResult } from "./report/test-result.js";
export { renderChart, type ChartSpec, type ChartSeries } from "./report/svg-chart.js";
export { compareRuns, type RunComparison, type CompareOptions, type CompareInput, type MetricChange, type EndpointComparison } from "./report/compare.js";
export { renderComparisonText, renderComparisonMarkdown } from "./report/compare-render.js";
// The scenario API and the engine (issue 2).
export { scenario, userClass, task, acceptAlso, statusAccepted, isScenario, SkipTask, type Scenario, type ScenarioDef, type UserClassDef, type TaskDef, type VirtualUser, type HttpResponse, type RequestOptions, type AcceptStatus, type CookieJar, type SetupContext, type QueryValue } from "./plan/scenario-api.js";
export { between, constant, constantPacing, describeWait, type WaitSpec } from "./plan/wait.js";
export { parseDurationMs, formatDurationMs } from "./plan/duration.js";
export { describeProfile, validateProfile, profileDurationSec, type Profile, type ClassOverride, type ExecutorKind } from "./plan/profile.js";
export { loadScenario } from "./plan/load-scenario.js";
export { runTest, defaultWorkers, type RunTestOptions } from "./engine/run-test.js";
export { newRunManifest, newRunId, hostInfo } from "./engine/manifest.js";
export { checkReachable } from "./engine/preflight.js";
export type { SingleRequest } from "./engine/single-request.js";
