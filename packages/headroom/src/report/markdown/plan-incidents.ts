// capacity-plan.md's "## Incident Response": the seed's procedures and their runbooks, then what
// the failure scenarios showed (failure-scenarios.ts).
import type { PlanReportModel } from "../model/plan-report-model.js";
import { failureIncidentLines } from "./failure-scenarios.js";

const PROCEDURES = [
  "## Incident Response",
  "",
  "### Performance Degradation",
  "1. Check monitoring dashboards",
  "2. Identify bottleneck (CPU, memory, database, cache)",
  "3. Scale horizontally if possible",
  "4. Investigate root cause",
  "5. Implement fix",
  "6. Document incident",
  "",
  "Runbook: `docs/operations/runbooks/performance-degradation.md`.",
  "",
  "### Capacity Exceeded",
  "1. Enable auto-scaling immediately",
  "2. Add instances manually if needed",
  "3. Implement rate limiting if not already active",
  "4. Communicate with users if necessary",
  "5. Plan for capacity increase",
  "",
  "Runbook: `docs/operations/runbooks/capacity-exceeded.md`.",
  "",
];

export function incidentResponseSection(model: PlanReportModel): string[] {
  return [...PROCEDURES, ...failureIncidentLines(model)];
}
