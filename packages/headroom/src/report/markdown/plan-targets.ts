// capacity-plan.md's "## Performance Targets": the seed's target tables, with the measured value of each test beside them.
import type { RunAnalysis } from "../../analysis/types.js";
import { formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { mdTable } from "./markdown.js";
import { perTest, resourceMax } from "./plan-figure.js";
import { steadyThroughput } from "./test-result.js";

export function targetsSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const ms = (k: "p50" | "p95" | "p99") => perTest(model, (r) => `${formatMs(r.report.summary.latencyMs[k])} ms`);
  const errPct = perTest(model, (r) => `${formatPct(r.report.summary.requests.total ? (r.report.summary.requests.failed / r.report.summary.requests.total) * 100 : 0)}%`);
  const toPct = perTest(model, (r) => `${formatPct(r.report.summary.requests.total ? ((r.report.summary.errors.timeout ?? 0) / r.report.summary.requests.total) * 100 : 0)}%`);
  // The rate the throughput target was judged on (the steady window), else the whole run's, named either way.
  const rps = perTest(model, (r) => {
    const steady = steadyThroughput(r.report);
    return steady ? `${formatNumber(steady.value, 4)} req/s (steady window${steady.window ? `, ${steady.window}` : ""})` : `${formatNumber(r.report.summary.requests.ratePerSec, 4)} req/s at ${formatInt(r.report.summary.peakUsers)} users (whole run)`;
  });
  const users = model.capacity?.maxUsers.value != null ? `${formatInt(model.capacity.maxUsers.value)} users (capacity analysis)` : `not measured: ${model.capacity ? model.capacity.maxUsers.reason : "no capacity analysis"}`;
  const peak = heaviestRun(model)?.profile ?? "heaviest";
  const res = (id: string, what: string): string => {
    const v = resourceMax(a, id);
    return v !== undefined ? `${formatPct(v)}% max (${peak} test, ${what})` : `not measured: no ${what} telemetry`;
  };
  return [
    "## Performance Targets",
    "",
    "### Response Time Targets",
    "",
    mdTable(["Percentile", "Target", "Acceptable", "Unacceptable", "Measured"], [["P50", "< 200ms", "< 500ms", "> 500ms", ms("p50")], ["P95", "< 500ms", "< 1000ms", "> 1000ms", ms("p95")], ["P99", "< 1000ms", "< 2000ms", "> 2000ms", ms("p99")]]),
    "",
    "### Throughput Targets",
    "",
    mdTable(["Metric", "Target", "Acceptable", "Unacceptable", "Measured"], [["Requests/Second", "> 100", "> 50", "< 50", rps], ["Concurrent Users", "> 500", "> 200", "< 100", users]]),
    "",
    "### Error Rate Targets",
    "",
    mdTable(["Metric", "Target", "Acceptable", "Unacceptable", "Measured"], [["Error Rate", "< 0.1%", "< 1%", "> 5%", errPct], ["Timeout Rate", "< 0.1%", "< 0.5%", "> 1%", toPct]]),
    "",
    "### Resource Utilization Targets",
    "",
    mdTable(
      ["Resource", "Target", "Warning", "Critical", "Measured"],
      [
        ["CPU", "< 60%", "70-80%", "> 80%", `${res("host.cpuPct", "host CPU")}; app ${res("app.cpuPct", "app process CPU, % of one core")}`],
        ["Memory", "< 70%", "80-90%", "> 90%", res("host.memUsedPct", "host memory")],
        ["Disk", "< 70%", "80-90%", "> 90%", res("host.diskUsedPct", "disk")],
        ["DB Connections", "< 60%", "70-80%", "> 80%", res("db.connectionsPct", "PostgreSQL connections, % of max_connections")],
      ],
    ),
    "",
  ];
}
