// The live view of `headroom plan`: the platform's startup lines, which test runs, how far along
// it is, and a line per finished test, and a line per step of the breaking-point search. Built on
// the run command's per-second progress sink.
import { generatorNote } from "../analysis/disturbance.js";
import { describeSlo } from "../analysis/slo.js";
import type { BreakingPointEvent } from "../jobs/breaking-point.js";
import type { PlanJobEvent } from "../jobs/plan-job.js";
import type { SuiteEvent } from "../jobs/run-suite.js";
import { progressSink, type ProgressSink } from "./progress.js";

export function planProgress(out: { write(s: string): unknown; isTTY?: boolean }): (e: SuiteEvent) => void {
  let sink: ProgressSink | undefined;
  return (e) => {
    switch (e.kind) {
      case "test-start":
        out.write(`\n[${e.index + 1}/${e.total}] ${e.test.name} (${e.test.loadLevel} level, ${e.test.profile.durationSec} s)\n`);
        sink = progressSink(out, e.test.profile.durationSec, 5);
        break;
      case "interval":
        sink?.line(e.line);
        break;
      case "warning":
        sink?.end();
        out.write(`  warning: ${e.message}\n`);
        break;
      case "test-end": {
        sink?.end();
        sink = undefined;
        const s = e.summary;
        const errPct = s.requests.total > 0 ? (s.requests.failed / s.requests.total) * 100 : 0;
        out.write(`  done: ${s.requests.total} requests, ${s.requests.ratePerSec} rps, p95 ${s.latencyMs.p95} ms, errors ${errPct.toFixed(2)}% -> ${e.analysis.verdict}\n`);
        break;
      }
    }
  };
}

/** The live view of the breaking-point stage: a line per step (users, req/s, p95 -> ok/broke). */
export function breakingPointProgress(out: { write(s: string): unknown; isTTY?: boolean }): (e: BreakingPointEvent) => void {
  let sink: ProgressSink | undefined;
  return (e) => {
    switch (e.kind) {
      case "search-start":
        out.write(`\n[breaking-point] closed-model search with the suite's user mix from ${e.startUsers} users (x2, then bisecting; at most ${e.maxUsers}), SLO ${describeSlo(e.slo)}${e.budgetSec !== undefined ? `, time budget ${e.budgetSec} s` : ""}\n`);
        break;
      case "search-step-start":
        out.write(`  step ${e.index + 1}: ${e.pass === "recovery" ? `recovery run from ${e.users} users` : `${e.pass} at ${e.users} users`} (up to ${e.durationSec} s)\n`);
        sink = progressSink(out, e.durationSec, 5);
        break;
      case "search-interval":
        sink?.line(e.line);
        break;
      case "search-warning":
        sink?.end();
        out.write(`  warning: ${e.message}\n`);
        break;
      case "search-step": {
        sink?.end();
        sink = undefined;
        const s = e.step;
        out.write(`  step ${e.index + 1}: ${s.users} users: ${s.rps.toFixed(1)} req/s, p95 ${s.p95Ms.toFixed(1)} ms, errors ${s.errorPct.toFixed(2)}%${generatorNote(s)}${s.steady === false ? " (not steady)" : ""} -> ${s.ok ? "ok" : `broke: ${s.broke}`}\n`);
        break;
      }
      case "search-end": {
        sink?.end();
        sink = undefined;
        const d = e.search.result.detail;
        out.write(`  done in ${e.search.elapsedSec} s: ${d.stopReason}\n`);
        break;
      }
    }
  };
}

function isSearchEvent(e: PlanJobEvent): e is BreakingPointEvent {
  return e.kind.startsWith("search-");
}

/** The live view of the whole plan job (runPlanJob's events). */
export function planJobProgress(out: { write(s: string): unknown; isTTY?: boolean }): (e: PlanJobEvent) => void {
  const suite = planProgress(out);
  const search = breakingPointProgress(out);
  return (e) => {
    if (e.kind === "target-log") out.write(`${e.line}\n`);
    else if (e.kind === "warm-up") out.write(`warming up for ${e.seconds} s (not measured)...\n`);
    else if (e.kind === "target-ready" || e.kind === "target-stopped") return;
    else if (isSearchEvent(e)) search(e);
    else suite(e);
  };
}
