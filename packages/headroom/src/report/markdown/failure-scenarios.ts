// The failure-scenarios result document (test-results/failure-scenarios.md) and its HTML section:
// a table of the injected faults (when, how long, requests, errors, p99 before and during, max,
// recovery, what readiness said, verdict), then the seconds around each fault. Every figure is
// measured or says "not measured: <reason>".
import type { FailureScenariosAnalysis, FaultResult, SecondRow } from "../../analysis/failure-scenarios.js";
import { escapeXml as e } from "../escape.js";
import { formatDuration, formatInt, formatMs } from "../format.js";
import { absent, badge, table } from "../html/html-parts.js";
import { mdTable } from "./markdown.js";
import type { PlanReportModel, SuiteRun } from "../model/plan-report-model.js";
import type { RunReportModel } from "../model/run-report-model.js";
import { chartMarkdown } from "../html/chart-files.js";
import { failureTimelineSpec } from "../html/html-charts.js";
import { renderChart } from "../html/svg-chart.js";
import { describeUserMix, VERDICT_MARK } from "./test-result.js";

const ms = (v: number): string => `${formatMs(v)} ms`;
const sec = (v: number | undefined): string => (v === undefined ? "—" : `${Math.round(v * 10) / 10} s`);

/** "status 503 ×4, reset ×1", or "none". */
export function errorsText(errors: Record<string, number> | undefined): string {
  const parts = Object.entries(errors ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${formatInt(n)}`);
  return parts.length ? parts.join(", ") : "none";
}

const failuresIn = (f: FaultResult): number => Object.values(f.errors ?? {}).reduce((a, n) => a + n, 0);

/** One line per fault for summaries: "App stall (SIGSTOP) at 12 s for 2 s: p99 1,980 ms (before 9.1 ms), 0 errors, recovered in 1 s (PASS)". */
export function faultLine(f: FaultResult): string {
  if (f.status !== "measured") return `${f.label}: not measured: ${f.reason}`;
  const w = f.window!;
  const b = f.before!;
  const rec = f.recoverySec !== undefined ? `recovered in ${sec(f.recoverySec)}` : "not recovered within the test";
  return `${f.label} at ${sec(f.atSec)}${(f.durationSec ?? 0) >= 0.1 ? ` for ${sec(f.durationSec)}` : ""}: p99 ${ms(w.p99Ms)} (before ${ms(b.p99Ms)}), max ${ms(w.maxMs)}, ${formatInt(failuresIn(f))} errors, ${rec} (${f.verdict === "NOT_MEASURED" ? "NOT MEASURED" : f.verdict})`;
}

function faultRow(f: FaultResult): string[] {
  const mark = VERDICT_MARK[f.verdict];
  if (f.status !== "measured") return [f.label, `${sec(f.plannedAtSec)} (planned)`, "—", "—", "—", "—", "—", "—", `not measured: ${f.reason}`, "—", mark];
  const w = f.window!;
  const b = f.before!;
  const platform = [f.readiness?.text ?? "not measured: no readiness poll in the span", ...(f.failOpenText ? [f.failOpenText] : [])].join("; ");
  return [f.label, sec(f.atSec), (f.durationSec ?? 0) >= 0.1 ? sec(f.durationSec) : "instant", `${formatInt(w.requests)} (${w.startSec}-${w.endSec} s)`, errorsText(f.errors), `${ms(b.p99Ms)} / ${ms(w.p99Ms)}`, `${ms(b.p95Ms)} / ${ms(w.p95Ms)}`, ms(w.maxMs), f.recoverySec !== undefined ? sec(f.recoverySec) : "not recovered", platform, mark];
}

const HEAD = ["Fault", "At", "Duration", "Requests in window", "Errors (fault to next fault)", "P99 before / during", "P95 before / during", "Max during", "Recovery time", "Readiness seen", "Verdict"];

function secondsTable(rows: readonly SecondRow[], f: FaultResult): string {
  const end = f.endSec ?? f.atSec ?? 0;
  const mark = (t: number): string => {
    if (f.atSec === undefined) return "";
    if (t === Math.floor(f.atSec) || (t > f.atSec && t < end)) return "fault";
    if (f.recoveredAtSec !== undefined && t === f.recoveredAtSec) return "recovered";
    return "";
  };
  return mdTable(
    ["t (s)", "", "Requests", "Errors", "P95 ms", "P99 ms", "Max ms", "Readiness"],
    rows.map((r) => [String(r.t), mark(r.t), formatInt(r.requests), formatInt(r.failures), formatMs(r.p95Ms), formatMs(r.p99Ms), formatMs(r.maxMs), r.readiness.join(" ") || "—"]),
    ["right", "left", "right", "right", "right", "right", "right", "left"],
  );
}

export function renderFailureScenarios(m: RunReportModel, a: FailureScenariosAnalysis): string {
  const s = m.summary;
  const c = a.criteria;
  const out = [
    "# Failure Scenarios Test",
    "",
    `Run \`${m.manifest.id}\`, ${m.manifest.startedAt}, target ${m.manifest.target.url ?? "not recorded"}.`,
    "",
    "Steady load of the suite's user mix while real faults hit the platform through its real interfaces (no mocks): the database drops the app's connections, the app process stalls, the cache and limiter store pauses. Each fault is measured for its impact (the seconds of the fault against the seconds before) and its recovery.",
    "",
    "## Configuration",
    "",
    `- Users: ${formatInt(m.manifest.plan.users ?? s.peakUsers)}; User Mix: ${describeUserMix(m)}`,
    `- Duration: ${formatDuration(s.durationSec)} recorded; ${formatInt(s.requests.total)} requests, ${formatInt(s.requests.failed)} failed over the whole run (faults included)`,
    `- Latency counts from when each request was sent; a user's next request is due after its think time, so requests sent into a stall wait for its end and show in p99 and max.`,
    `- Recovered: the first second after the fault's end from which every ${c.stableSec}-second window has p95 ≤ ${formatMs(c.p95Ms)} ms (the ${a.level} level's p95 target) and no errors. Recovery time is judged against < ${c.recovery.target} s (acceptable < ${c.recovery.acceptable} s; faultRecoverySec in the targets); errors after recovery move it later, so errors are allowed only inside the fault's window.`,
    `- Readiness: \`/health/ready\` polled every 0.5 s during the test (timeout 1 s; "none" = no answer).`,
    "",
    `**Verdict**: ${VERDICT_MARK[a.verdict]} (the worst of the faults; a fault that could not be injected is not measured and says why)`,
    "",
    ...chartMarkdown(m.charts?.load),
    ...chartMarkdown(m.charts?.latency),
    "## Faults",
    "",
    mdTable(HEAD, a.faults.map(faultRow)),
    "",
  ];
  for (const f of a.faults) {
    out.push(`### ${f.label}`, "");
    if (f.status !== "measured") {
      out.push(`Not measured: ${f.reason}.`, "");
      continue;
    }
    out.push(`- Injected at ${sec(f.atSec)} (planned ${sec(f.plannedAtSec)}): ${f.detail ?? "no detail recorded"}.`);
    out.push(`- Before (${f.before!.startSec}-${f.before!.endSec} s): ${formatInt(f.before!.requests)} requests, ${formatInt(f.before!.failures)} failed, p95 ${ms(f.before!.p95Ms)}, p99 ${ms(f.before!.p99Ms)}, max ${ms(f.before!.maxMs)}.`);
    out.push(`- During (${f.window!.startSec}-${f.window!.endSec} s): ${formatInt(f.window!.requests)} requests, ${formatInt(f.window!.failures)} failed, p95 ${ms(f.window!.p95Ms)}, p99 ${ms(f.window!.p99Ms)}, max ${ms(f.window!.maxMs)}.`);
    out.push(`- Errors from the fault to the next: ${errorsText(f.errors)}.`);
    out.push(`- Recovery: ${f.recoveryText}.`);
    out.push(`- Readiness: ${f.readiness?.text ?? "not measured: no readiness poll in the span"}.`);
    if (f.failOpenText) out.push(`- Limiter: ${f.failOpenText}.`);
    out.push(`- Verdict: ${VERDICT_MARK[f.verdict]}: ${f.verdictReason}.`, "");
    out.push(secondsTable(f.seconds, f), "");
  }
  if (a.notes.length || m.notes.length) out.push("## Notes", "", ...[...a.notes, ...m.notes].map((n) => `- ${n}`), "");
  return out.join("\n");
}

/** The plan's HTML section: the fault table and a timeline of p99, max and errors with the faults marked. */
export function failureScenariosHtml(a: FailureScenariosAnalysis | undefined, link?: string): string {
  if (!a) return absent("Not measured: the suite ran no test with faults.");
  const rows = a.faults.map((f) => {
    const r = faultRow(f);
    return [badge(f.verdict), ...r.slice(0, -1).map(e)];
  });
  const spec = failureTimelineSpec(a);
  const chart = spec ? renderChart(spec) : absent("Not measured: the run recorded no intervals.");
  return `<p>${badge(a.verdict)} Recovery: p95 ≤ ${e(formatMs(a.criteria.p95Ms))} ms with no errors held ${a.criteria.stableSec} s, judged against &lt; ${a.criteria.recovery.target} s (acceptable &lt; ${a.criteria.recovery.acceptable} s).${link ? ` Details: <a href="${e(link)}">${e(link)}</a>.` : ""}</p>${table(["Verdict", ...HEAD.slice(0, -1)], rows, HEAD.map(() => false))}${chart}`;
}

/** The failure-scenarios run of a plan, when the suite ran one. */
export function failureRun(model: Pick<PlanReportModel, "runs">): SuiteRun | undefined {
  return model.runs.find((r) => r.failures !== undefined);
}

/** The capacity plan's "Failure Scenarios Test" section, after the seed's six tests. */
export function failureScenariosPlanSection(model: PlanReportModel): string[] {
  const run = failureRun(model);
  const head = ["### Failure Scenarios Test", ""];
  if (!run?.failures) return [...head, "**Status**: – NOT RUN (not measured: the suite did not run the failure-scenarios profile; `headroom plan` runs it by default)", ""];
  const a = run.failures;
  const s = run.report.summary;
  return [
    ...head,
    "**Configuration**:",
    `- Users: ${formatInt(run.report.manifest.plan.users ?? s.peakUsers)}, the suite's user mix, held steady for ${formatDuration(s.durationSec)}`,
    `- Faults: ${a.faults.map((f) => `${f.kind} at ${sec(f.atSec ?? f.plannedAtSec)}`).join(", ")}`,
    `- Recovered: p95 ≤ ${formatMs(a.criteria.p95Ms)} ms with no errors held ${a.criteria.stableSec} s; target < ${a.criteria.recovery.target} s (acceptable < ${a.criteria.recovery.acceptable} s)`,
    "",
    "**Results**:",
    "",
    mdTable(
      ["Fault", "At", "Duration", "Errors", "P99 before / during", "Max", "Recovery time", "Readiness seen", "Verdict"],
      // The document's columns without requests and p95.
      a.faults.map((f) => faultRow(f).filter((_, i) => i !== 3 && i !== 6)),
    ),
    "",
    ...chartMarkdown(model.charts?.failures),
    `**Status**: ${VERDICT_MARK[a.verdict]}`,
    `**Notes**: judged on each fault's recovery time; whole-run latency includes the faults by design.${run.files?.md ? ` Details and the seconds around each fault: \`${run.files.md}\`.` : ""}`,
    "",
  ];
}

/** Lines for "Incident Response": what the platform measurably did when each fault hit. */
export function failureIncidentLines(model: PlanReportModel): string[] {
  const run = failureRun(model);
  if (!run?.failures) return [];
  const where = run.files?.md ? ` (\`${run.files.md}\`)` : "";
  return ["Measured by the failure-scenarios test" + where + ", what to expect while recovering from these incidents:", ...run.failures.faults.map((f) => `- ${faultLine(f)}${f.readiness ? `; readiness: ${f.readiness.text}` : ""}${f.failOpenText ? `; ${f.failOpenText}` : ""}`), ""];
}
