// What `headroom plan` prints when its documents are written: a line per test and for the
// search, the answer as the documents open with it, where the files are, and the exit code.
import { EXIT, type ExitCode } from "../core/errors.js";
import { BREAKING_POINT_STAGE } from "../jobs/breaking-point.js";
import type { PlanJobResult } from "../jobs/plan-job.js";
import type { PlanDocuments } from "../jobs/plan-documents.js";
import { headlineText } from "../report/markdown/headline-render.js";
import { headlineOf } from "../report/model/headline.js";

export function printPlanSummary(log: (s: string) => void, result: PlanJobResult, docs: PlanDocuments, shown: string): void {
  log("");
  for (const r of result.runs) {
    const s = r.summary;
    const errors = (s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0).toFixed(2);
    log(`  ${r.test.name.padEnd(18)} ${r.analysis.verdict.padEnd(12)} ${String(s.requests.total).padStart(8)} requests  ${s.requests.ratePerSec.toFixed(1).padStart(8)} rps  p95 ${s.latencyMs.p95.toFixed(1).padStart(7)} ms  errors ${errors}%`);
  }
  const search = result.search;
  const searchSteps = search?.result.detail.steps.length ?? 0;
  if (search) log(`  ${BREAKING_POINT_STAGE.padEnd(18)} ${searchSteps} step${searchSteps === 1 ? "" : "s"} in ${search.elapsedSec} s, up to ${search.maxTestedUsers} users: ${search.result.detail.stopReason}`);
  // The answer, as capacity-plan.md and report.html open with it (one headline model: headline.ts).
  log("\nAnswer");
  for (const line of headlineText(headlineOf(docs.model))) log(line);
  log(`\nwrote ${shown}/capacity-plan.md, performance-metrics.md, test-results/*.md, charts/*.svg, report.html, summary.json, junit.xml, alert-rules.yml, grafana-dashboard.json`);
  log(`open ${shown}/report.html in a browser for the charts`);
}

/** Interrupted: 130; a target failed: 99; a run did not finish: 98 (each said in a line); else undefined (0). */
export function planExitCode(log: (s: string) => void, result: PlanJobResult): ExitCode | undefined {
  const failed = result.runs.filter((r) => r.analysis.verdict === "FAIL");
  const incomplete = result.runs.filter((r) => r.analysis.verdict === "INCOMPLETE");
  if (result.interrupted || result.search?.outcome === "interrupted") return EXIT.INTERRUPTED;
  if (failed.length > 0) {
    log(`targets failed in ${failed.map((r) => r.test.name).join(", ")} (exit ${EXIT.TARGETS_FAILED}); the documents say which figure missed which bound`);
    return EXIT.TARGETS_FAILED;
  }
  if (incomplete.length > 0) {
    log(`runs INCOMPLETE in ${incomplete.map((r) => r.test.name).join(", ")} (exit ${EXIT.INCOMPLETE}): ${incomplete[0]!.analysis.incomplete ?? "the run did not finish"}`);
    return EXIT.INCOMPLETE;
  }
  return undefined;
}
