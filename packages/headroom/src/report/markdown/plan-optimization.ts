// capacity-plan.md's "## Optimization Recommendations": the seed's checklist, each item ticked or
// annotated from what the plan measured.
import type { RunAnalysis } from "../../analysis/types.js";
import type { CapacityPlanning } from "../../planning/types.js";
import { formatInt, formatMs } from "../format.js";
import { headlineOf } from "../model/headline.js";
import { analyses, findRun, heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { NO_PLANNING } from "./plan-figure.js";

/** The replayed step policy's peak, and when it spent minutes over the SLO, that it fell short of the projection. */
function autoscaleTodo(p: CapacityPlanning): string {
  const r = p.autoscale!.step;
  const period = p.autoscale!.period;
  if (r.minutesOverSlo === 0) return `the replayed step policy needs up to ${r.peakInstances} instances at the ${period} peak`;
  const row = p.growth.rows.find((x) => x.period === period);
  const needs = row?.appInstances.value != null ? `, where the projection needs ${formatInt(row.appInstances.value)}` : "";
  return `the replayed step policy reached ${r.peakInstances} instances at the ${period} peak${needs}, and spent ${formatInt(r.minutesOverSlo)} minutes of the day over the SLO: scale on what limits the platform (see the replay findings under Scaling Strategy)`;
}

export function optimizationSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const p = model.planning;
  const box = (done: boolean, text: string, note: string): string => `- [${done ? "x" : " "}] ${text}: ${note}`;
  const baseline = findRun(model, "baseline");
  // The plan's one ranking (headline.ts): what gave way at the breaking point first, then the tests'.
  const h = headlineOf(model);
  const all = h.bottlenecks.map((r) => r.bottleneck);
  const primary = h.bottlenecks.find((r) => r.rank === "primary");
  const primaryText = primary ? `${primary.bottleneck.componentLabel} (${primary.seenIn})` : "";
  const slow = a?.components.database.slowQueries;
  const replicas = p?.current.replicas;
  return [
    "## Optimization Recommendations",
    "",
    "### Immediate (P0)",
    box(!!baseline, "Run baseline load tests", baseline ? `done on ${model.environment.date} (${formatInt(baseline.report.summary.requests.total)} requests)` : "the suite did not run the baseline profile"),
    box(analyses(model).length > 0, "Identify bottlenecks", all.length ? `${new Set(all.map((b) => b.kind)).size} kinds found; primary: ${primaryText || "none"}` : analyses(model).length ? "none found in the tested range" : "not measured: no run was analysed"),
    box(false, "Fix critical performance issues", primary ? h.firstAction : "no critical issue found in the tested range"),
    box(true, "Document current capacity", "this document"),
    "",
    "### Short-term (P1)",
    box(false, "Implement auto-scaling", p?.autoscale ? autoscaleTodo(p) : "see Scaling Strategy"),
    box(false, "Set up monitoring dashboards", model.documents?.grafanaDashboard ? `import \`${model.documents.grafanaDashboard}\`` : "no dashboard generated in this run"),
    box(false, "Configure alerts", model.documents?.alertRules ? `load \`${model.documents.alertRules}\` into Prometheus` : "no alert rules generated in this run"),
    box(false, "Optimize slow queries", slow !== undefined ? `${formatInt(slow)} statements over 1 s in the ${heaviestRun(model)?.profile ?? "heaviest"} test` : "not measured: no PostgreSQL telemetry"),
    "",
    "### Medium-term (P2)",
    box(false, "Implement read replicas", replicas ? replicas.recommendation : NO_PLANNING),
    box(false, "Optimize cache strategy", a ? `${a.cache.reason}${a.cache.hitPct !== undefined ? ` (${heaviestRun(model)?.profile ?? "heaviest"} test${a.run.loadLevel !== "normal" ? `, judged against the ${a.run.loadLevel} load level's target` : ""})` : ""}` : "not measured: no run was analysed"),
    box(false, "Add CDN for static assets", "not measured: the load tests call the API only"),
    box(false, "Implement query result caching", a?.components.database.meanQueryMs !== undefined ? `mean statement time ${formatMs(a.components.database.meanQueryMs)} ms` : "not measured: no PostgreSQL query timings"),
    "",
    "### Long-term (P3)",
    box(false, "Consider database sharding", p ? `connection budget and replicas ${p.growth.runsOut.limits.some((l) => /database|connection|replica/i.test(l.limit) && l.month !== null) ? "run out within the horizon" : "suffice within the horizon"}` : NO_PLANNING),
    box(false, "Implement Redis Cluster", p ? (p.current.cache.clusterDue === null ? "not measured: working set or command rate unknown" : p.current.cache.clusterDue ? "due: no single node fits" : "not needed at the measured load") : NO_PLANNING),
    box(false, "Optimize data model", "not measured: a design question the load tests do not answer"),
    box(false, "Consider microservices architecture", "not measured: a design question the load tests do not answer"),
    "",
  ];
}
