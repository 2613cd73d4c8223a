// summary.json of a plan: every figure of the capacity plan and the test documents, for machines:
// per test the summary, verdicts and full analysis; the capacity analysis; the planning result
// (each derived figure with its formula and inputs); the environment.
import { headlineLines, headlineOf } from "../model/headline.js";
import type { PlanReportModel } from "../model/plan-report-model.js";

export const PLAN_JSON_VERSION = 1;

/** The breaking-point search: how it ran, why it stopped, its steps (users, req/s, p95, errors, ok/broke) and the full result. */
function searchJson(m: PlanReportModel): unknown {
  const s = m.search;
  if (!s) return null;
  const steps = s.result.detail.steps.map((st, i) => ({
    step: i + 1,
    pass: st.pass,
    users: st.users ?? null,
    rps: st.rps,
    p95Ms: st.p95Ms,
    errorPct: st.errorPct,
    ok: st.ok,
    broke: st.broke ?? null,
    generatorLimited: st.generatorLimited === true,
    steady: st.steady ?? null,
    runDir: s.result.detail.stepDirs?.[i] ?? null,
  }));
  const { result, ...stage } = s;
  return { ...stage, stopReason: result.detail.stopReason, steps, result };
}

export function renderPlanSummaryJson(m: PlanReportModel): string {
  const tests = m.runs.map(({ profile, report: r, files, failures }) => ({
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
    // The failure-scenarios test: each fault's impact, recovery and verdict.
    ...(failures ? { failureScenarios: failures } : {}),
    notes: r.notes,
  }));
  const h = headlineOf(m);
  // The headline as every document prints it; bottlenecks by rank, without repeating their evidence.
  const bottlenecks = h.bottlenecks.map((b) => ({
    rank: b.rank,
    kind: b.bottleneck.kind,
    component: b.bottleneck.componentLabel,
    symptom: b.bottleneck.symptom,
    seenIn: b.seenIn,
    atBreak: b.atBreak,
  }));
  const headline = { ...h, bottlenecks, lines: Object.fromEntries(headlineLines(h)) };
  const doc = {
    reportVersion: PLAN_JSON_VERSION,
    platform: m.platform,
    generatedAt: m.generatedAt,
    environment: m.environment,
    headline,
    documents: m.documents ?? null,
    tests,
    capacity: m.capacity ?? null,
    search: searchJson(m),
    planning: m.planning ?? null,
  };
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}
