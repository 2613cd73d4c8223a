// The breaking-point search of a plan in words and tables: why it stopped, what it reached, and
// its steps (users, req/s, p95, errors, ok/broke). The capacity plan, the performance summary and
// the HTML report draw on these.
import { generatorNote } from "../../analysis/disturbance.js";
import type { CapacityAnalysis, UslFit } from "../../analysis/types.js";
import type { PlanSearch } from "../model/plan-report-model.js";
import { formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { mdTable } from "./markdown.js";

/** "in the search's 36 s time budget" / "at the search's cap of 16,000 users" / ...: why the search stopped without a break. */
function stoppedBy(s: PlanSearch): string {
  switch (s.outcome) {
    case "budget":
      return `in the search's ${s.settings.budgetSec ?? Math.round(s.elapsedSec)} s time budget`;
    case "cap":
      return `at the search's cap of ${formatInt(s.maxUsers)} users`;
    case "interrupted":
      return "before the plan was interrupted";
    default:
      return `within the search's ${s.settings.maxSteps} steps`;
  }
}

/** The statement when the search ran but found no break, with the command that searches further. */
export function searchNotReached(s: PlanSearch): string {
  const further = s.outcome === "budget" ? `run \`headroom plan --full\` or \`${s.furtherCommand}\`` : `run \`${s.furtherCommand}\``;
  const generator = s.generatorLimited ? `; the load generator was the limit at ${formatInt(s.maxTestedUsers)} users, so this is a floor of the platform's capacity` : "";
  return `not reached up to ${formatInt(s.maxTestedUsers)} users ${stoppedBy(s)} (${s.sloText} held at every step${generator}); ${further}`;
}

/** One line on how the search ran and ended. */
export function searchSummaryLine(s: PlanSearch): string {
  const st = s.settings;
  const how = `closed model with the suite's user mix, from ${formatInt(s.startUsers)} users growing x${st.growth} then bisecting, at most ${formatInt(s.maxUsers)} users; steps of ${st.rampSec !== undefined ? `users started over ${st.rampSec} s, ` : ""}${st.warmupSec} s warm-up + ${st.windowSec} s steady window${st.repeat ? ", best load repeated" : ""}${st.recovery ? `, recovery run ${st.recovery.holdSec} s + ${st.recovery.settleSec} s` : ""}${st.budgetSec !== undefined ? `, time budget ${st.budgetSec} s` : ""}`;
  const steps = s.result.detail.steps.length;
  return `Breaking-point search (\`${s.dir}/\`): ${how}. ${steps} step${steps === 1 ? "" : "s"} in ${formatNumber(s.elapsedSec, 3)} s, judged against ${s.sloText}; ${s.result.detail.stopReason}.`;
}

/** The search's steps as a table: users, req/s, p95, errors, ok/broke. */
export function searchStepsTable(s: PlanSearch): string {
  const rows = s.result.detail.steps.map((st, i) => [
    String(i + 1),
    st.pass,
    formatInt(st.users ?? 0),
    formatNumber(st.rps, 4),
    formatMs(st.p95Ms),
    `${formatPct(st.errorPct)}%`,
    `${st.ok ? "ok" : `broke: ${st.broke ?? "SLO"}`}${generatorNote(st)}${st.steady === false ? " (not steady)" : ""}`,
  ]);
  return mdTable(["Step", "Pass", "Users", "req/s", "P95 ms", "Errors", "Result"], rows, ["right", "left", "right", "right", "right", "right", "left"]);
}

/** The lines the capacity plan adds under its Current Capacity table. */
export function searchCapacityLines(s: PlanSearch | undefined): string[] {
  if (!s) return [];
  const lines = [searchSummaryLine(s), "", searchStepsTable(s), ""];
  const bottlenecks = s.result.detail.bottlenecks?.filter((b) => b.rank === "primary" || b.rank === "secondary") ?? [];
  if (bottlenecks.length > 0) lines.push(`At the first broken step: ${bottlenecks.map((b) => `${b.rank} bottleneck ${b.componentLabel}: ${b.symptom} (limit: ${b.limit})`).join("; ")}.`, "");
  if (s.generatorLimited) lines.push(`The load generator limited the search: ${s.generatorReason ?? "its CPU or event loop was saturated"}.`, "");
  for (const n of s.notes) lines.push(`- ${n}`);
  if (s.notes.length > 0) lines.push("");
  return lines;
}

/**
 * A USL fit without a finite peak beside a breaking point: throughput still grew in proportion to
 * the users, so what broke was latency or errors, not throughput. "latency (p95 1197 ms > 500 ms)",
 * or undefined when the fit has a peak or nothing broke; said beside the fit, or the two read as a contradiction.
 */
export function uslBrokeWhat(usl: UslFit, bp: CapacityAnalysis["breakingPoint"] | undefined): string | undefined {
  if (Number.isFinite(usl.xMax) || bp?.users == null) return undefined;
  const what = /^p\d+/i.test(bp.limit) ? "latency" : /error/i.test(bp.limit) ? "the error rate" : "the SLO";
  return `${what} (${bp.limit})`;
}
