// capacity-plan.md's "## Monitoring and Alerts": the seed's metrics and alert thresholds, with the heaviest test's readings.
import type { RunAnalysis } from "../../analysis/types.js";
import { formatMs, formatPct } from "../format.js";
import { heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { mdTable } from "./markdown.js";
import { resourceMax } from "./plan-figure.js";

export function monitoringSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const run = heaviestRun(model);
  const s = run?.report.summary;
  const peak = run?.profile ?? "heaviest";
  const res = (id: string): string => {
    const v = resourceMax(a, id);
    return v !== undefined ? `${formatPct(v)}%` : "not measured: no telemetry";
  };
  const docs = model.documents;
  return [
    "## Monitoring and Alerts",
    "",
    "### Key Metrics to Monitor",
    "",
    "1. **Application Metrics**:",
    "   - Request rate",
    "   - Response time (P50, P95, P99)",
    "   - Error rate",
    "   - Active connections",
    "",
    "2. **Database Metrics**:",
    "   - Connection pool utilization",
    "   - Query latency",
    "   - Slow queries",
    "   - Replication lag (if using replicas)",
    "",
    "3. **Cache Metrics**:",
    "   - Hit rate",
    "   - Miss rate",
    "   - Memory utilization",
    "   - Eviction rate",
    "",
    "4. **System Metrics**:",
    "   - CPU utilization",
    "   - Memory utilization",
    "   - Disk I/O",
    "   - Network I/O",
    "",
    `Generated from these thresholds: ${docs?.grafanaDashboard ? `Grafana dashboard \`${docs.grafanaDashboard}\`` : "a Grafana dashboard (not generated in this run)"} and ${docs?.alertRules ? `Prometheus alert rules \`${docs.alertRules}\`` : "Prometheus alert rules (not generated in this run)"}.`,
    "",
    "### Alert Thresholds",
    "",
    mdTable(
      ["Metric", "Warning", "Critical", `Measured (${peak} test)`],
      [
        ["P95 Latency", "> 500ms", "> 1000ms", s ? `${formatMs(s.latencyMs.p95)} ms` : "not measured: no run"],
        ["Error Rate", "> 1%", "> 5%", s ? `${formatPct(s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0)}%` : "not measured: no run"],
        ["CPU", "> 70%", "> 85%", `host ${res("host.cpuPct")}, app ${res("app.cpuPct")} of one core`],
        ["Memory", "> 80%", "> 90%", `host ${res("host.memUsedPct")}`],
        ["DB Connections", "> 70%", "> 85%", res("db.connectionsPct")],
        ["Cache Hit Rate", "< 80%", "< 60%", a?.cache.hitPct !== undefined ? `${formatPct(a.cache.hitPct)}%` : `not measured: ${a?.cache.reason ?? "no run was analysed"}`],
      ],
    ),
    "",
  ];
}
