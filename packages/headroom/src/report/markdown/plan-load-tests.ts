// capacity-plan.md's "## Load Test Results": the test environment, then each test (capacity-plan-tests.ts).
import { formatBytes, formatDuration } from "../format.js";
import type { PlanReportModel } from "../model/plan-report-model.js";
import { loadTestSections } from "./capacity-plan-tests.js";

function environmentSection(model: PlanReportModel): string[] {
  const e = model.environment;
  const m = e.machine;
  const durations = model.runs.map((r) => `${r.profile} ${formatDuration(r.report.summary.durationSec)}`).join(", ");
  return [
    "### Test Environment",
    `- **Date**: ${e.date}`,
    `- **Environment**: ${e.environment}`,
    `- **Test Tool**: headroom ${e.versions.headroom ?? ""} (\`${e.command}\`): ${e.suite ? `the suite \`${e.suite}\`` : "the MueJam suite of `apps/backend/tests/load_tests/` with the intended user mix"}`.replace("headroom  (", "headroom ("),
    `- **Test Duration**: ${durations || "not measured: no test ran"}${e.scale !== 1 ? ` (scale factor ${e.scale}: users and durations multiplied by it; \`headroom plan --full\` runs the template's values)` : " (the template's durations, scale 1)"}`,
    `- **Machine**: ${m.hostname}, ${m.cpus} × ${m.cpuModel}, ${formatBytes(m.memBytes)} RAM, ${m.platform} ${m.release} ${m.arch}${e.targetMachine ? `; platform on ${e.targetMachine.hostname} (${e.targetMachine.cpus} × ${e.targetMachine.cpuModel})` : "; load generator and platform share it"}`,
    `- **Versions**: ${Object.entries(e.versions).map(([k, v]) => `${k} ${v}`).join(", ") || "not recorded"}`,
    `- **Scale Factor**: ${e.scale}`,
    `- **Target**: ${e.target}`,
    ...(e.notes ?? []).map((n) => `- ${n}`),
    "",
  ];
}

export function loadTestResultsSection(model: PlanReportModel): string[] {
  return ["## Load Test Results", "", ...environmentSection(model), ...loadTestSections(model)];
}
