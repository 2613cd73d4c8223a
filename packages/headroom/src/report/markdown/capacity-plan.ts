// capacity-plan.md: the user's document (seed/capacity-planning.md) with its exact structure and
// headings, every "TBD" replaced by a measured value (with its source), a derived value (with its
// formula worked out) or "not measured: <reason>". Policy text the seed states as a decision
// (scaling rules, pgbouncer settings, schedules) is kept, with the measured figure beside it.
// Each "##" section of the seed is one file (plan-*.ts); this one puts them in the seed's order.
import { headlineOf } from "../model/headline.js";
import { heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { headlineMarkdown } from "./headline-render.js";
import { overviewSection } from "./plan-overview.js";
import { infrastructureSection } from "./plan-infrastructure.js";
import { loadTestResultsSection } from "./plan-load-tests.js";
import { capacityLimitsSection } from "./plan-capacity.js";
import { scalingSection } from "./plan-scaling.js";
import { targetsSection } from "./plan-targets.js";
import { growthSection } from "./plan-growth.js";
import { monitoringSection } from "./plan-monitoring.js";
import { optimizationSection } from "./plan-optimization.js";
import { TESTING_SCHEDULE } from "./plan-schedule.js";
import { incidentResponseSection } from "./plan-incidents.js";
import { referencesSection } from "./plan-references.js";
import { changelogSection } from "./plan-changelog.js";

export { planFigure } from "./plan-figure.js";

export function renderCapacityPlan(model: PlanReportModel): string {
  const a = heaviestRun(model)?.report.analysis;
  return [
    "# Capacity Planning and Load Test Results",
    "",
    ...headlineMarkdown(headlineOf(model)),
    ...overviewSection(model),
    ...infrastructureSection(model, a),
    ...loadTestResultsSection(model),
    ...capacityLimitsSection(model, a),
    ...scalingSection(model.planning, model.charts, model.capacity),
    ...targetsSection(model, a),
    ...growthSection(model.planning),
    ...monitoringSection(model, a),
    ...optimizationSection(model, a),
    ...TESTING_SCHEDULE,
    ...incidentResponseSection(model),
    ...referencesSection(model),
    ...changelogSection(model),
  ].join("\n");
}
