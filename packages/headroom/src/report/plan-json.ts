// summary.json of a plan: every figure of the capacity plan and the test documents, for machines:
// per test the summary, verdicts and full analysis; the capacity analysis; the planning result
// (each derived figure with its formula and inputs); the environment.
import type { PlanReportModel } from "./plan-report-model.js";

export const PLAN_JSON_VERSION = 1;

export function renderPlanSummaryJson(m: PlanReportModel): string {
  const tests = m.runs.map(({ profile, report: r, files }) => ({
    profile,
    name: r.manifest.name,
    runDir: r.summary.runDir,
    files: files ?? null,
    verdict: r.verdict ?? null,
    verdicts: r.verdicts,
    manifest: r.manifest,
    summary: r.summary,
    summaryRebuilt: r.summaryRebuilt,
    analysis: r.analysis ?? null,
    notes: r.notes,
  }));
  const doc = { reportVersion: PLAN_JSON_VERSION, platform: m.platform, generatedAt: m.generatedAt, environment: m.environment, documents: m.documents ?? null, tests, capacity: m.capacity ?? null, planning: m.planning ?? null };
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}
