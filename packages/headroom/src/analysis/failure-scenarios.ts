// The failure-scenarios analysis: for each fault injected during a run (telemetry source "fault",
// see faults/fault-injector.ts), its impact and its recovery, from the interval lines:
//   before     the seconds before the fault (at most BEFORE_SEC, none of a previous fault's span)
//   window     the fault's seconds: from its injection to the second its end falls in (requests
//              held by a stall complete there)
//   span       from the fault's end to the next fault's injection or the end of the run
//   recovered  the first second of the span from which every RECOVERY_WINDOW_SEC window is within
//              the level's p95 target with no errors; recovery time = that second - the fault's end
// Each fault is judged against faultRecoverySec; the test takes the worst verdict. Pure: reads lines.
import { TARGET_METRICS, type Targets } from "../plan/targets.js";
import { judge, worstVerdict } from "./judge.js";
import type { IntervalLine, LoadLevel, TelemetryLine } from "../core/types.js";
import { FAULT_LABELS, type ScheduledFault } from "../plan/faults.js";
import { RECOVERY_WINDOW_SEC } from "./recovery.js";
import type { MetricVerdict, TargetBound } from "./types.js";
import type { FailureScenariosAnalysis, FaultResult, ReadinessSeen, SecondRow, WindowFigures } from "./failure-scenario-types.js";
import { windowStats } from "./windows.js";

/** Seconds before a fault that describe the platform undisturbed. */
export const BEFORE_SEC = 5;
/** The limiter's fail-open counter of the MueJam API (Prometheus). */
export const FAIL_OPEN_METRIC = "muejam_rate_limiter_fail_open_total";
export const DEFAULT_RECOVERY_BOUND: TargetBound = { direction: "max", target: 10, acceptable: 20, unacceptable: 20, unit: "s" };

export type { FailureScenariosAnalysis, FaultResult, ReadinessSeen, SecondRow, WindowFigures } from "./failure-scenario-types.js";

function secondRow(l: IntervalLine, readiness: string[]): SecondRow {
  const w = windowStats([l]);
  return { t: l.t, requests: w.requests, failures: w.failures, p95Ms: w.latency.p95, p99Ms: w.latency.p99, maxMs: w.latency.max, readiness };
}

function figures(lines: readonly IntervalLine[], startSec: number, endSec: number): WindowFigures {
  const w = windowStats(lines.filter((l) => l.t >= startSec && l.t < endSec));
  return { startSec, endSec, requests: w.requests, failures: w.failures, p95Ms: w.latency.p95, p99Ms: w.latency.p99, maxMs: w.latency.max };
}

function errorsIn(lines: readonly IntervalLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    for (const ep of Object.values(l.endpoints)) {
      for (const [cls, n] of Object.entries(ep.errors)) {
        if (!n) continue;
        if (cls === "status") continue;
        out[cls] = (out[cls] ?? 0) + n;
      }
      if (ep.errors.status) {
        for (const [code, n] of Object.entries(ep.status)) if (Number(code) >= 500 && n > 0) out[`status ${code}`] = (out[`status ${code}`] ?? 0) + n;
      }
    }
  }
  return out;
}

/**
 * The first second of `span` from which every window of `stableSec` seconds (shorter at the end)
 * has p95 within `p95Ms` and no failure. Seconds without any completed request do not count as good.
 */
export function recoveredAt(span: readonly IntervalLine[], p95Ms: number, stableSec = RECOVERY_WINDOW_SEC): number | undefined {
  const ok = span.map((_, i) => {
    if (!Object.values(span[i]!.endpoints).some((ep) => ep.requests > 0)) return false;
    const w = windowStats(span.slice(i, i + stableSec));
    return w.failures === 0 && w.latency.p95 <= p95Ms;
  });
  let from = ok.length;
  for (let i = ok.length - 1; i >= 0 && ok[i]; i--) from = i;
  if (from === ok.length) return undefined;
  // A recovery needs the whole stable window observed after it.
  if (span.length - from < Math.min(stableSec, span.length)) return undefined;
  return span[from]!.t;
}

function readinessSeen(polls: readonly TelemetryLine[], fromSec: number, toSec: number): ReadinessSeen | undefined {
  const inSpan = polls.filter((p) => p.t >= fromSec && p.t < toSec);
  if (inSpan.length === 0) return undefined;
  const bad = inSpan.filter((p) => p.values.status !== 200);
  const last = inSpan[inSpan.length - 1]!;
  if (bad.length === 0) return { polls: inSpan.length, notReady: 0, text: `stayed ready (${inSpan.length} polls answered 200)`, readyAfter: true };
  const first = bad[0]!;
  const lastBad = bad[bad.length - 1]!;
  const what = [...new Set(bad.map((p) => (p.values.status ? String(p.values.status) : "no answer")))].join("/");
  const why = first.labels?.reason ? `: ${first.labels.reason}` : "";
  const again = inSpan.find((p) => p.t > lastBad.t && p.values.status === 200);
  const back = again ? `; ready again at ${again.t.toFixed(1)} s` : "; not ready again before the span ended";
  return { polls: inSpan.length, notReady: bad.length, text: `${what} ${first.t === lastBad.t ? `at ${first.t.toFixed(1)} s` : `from ${first.t.toFixed(1)} s to ${lastBad.t.toFixed(1)} s`} (${bad.length} of ${inSpan.length} polls)${why}${back}`, readyAfter: last.values.status === 200 };
}

function counterIncrease(prom: readonly TelemetryLine[], key: string, fromSec: number, toSec: number): number | undefined {
  const withKey = prom.filter((l) => l.ok && l.values[key] !== undefined);
  if (withKey.length === 0) return undefined;
  const before = withKey.filter((l) => l.t <= fromSec).at(-1)?.values[key] ?? 0;
  const after = withKey.filter((l) => l.t <= toSec + 2).at(-1)?.values[key];
  return after === undefined ? undefined : Math.max(0, after - before);
}

export interface FailureScenariosOptions {
  /** The faults the profile planned (to report those that never fired). */
  planned: readonly ScheduledFault[];
  targets: Targets;
  level: LoadLevel;
}

/** What every fault of one run is measured against: the run's lines and telemetry, split by source. */
interface FaultContext {
  lines: IntervalLine[];
  runEnd: number;
  p95Ms: number;
  recovery: TargetBound;
  polls: TelemetryLine[];
  prom: TelemetryLine[];
  events: TelemetryLine[];
  timeline: SecondRow[];
  measuredStarts: number[];
  notes: string[];
}

/** Sets the recovery text and verdict of a measured fault: recovered within the bound, and ready again. */
function judgeRecovery(result: FaultResult, recAt: number | undefined, spanEndAfterFault: number, c: FaultContext): void {
  const { p95Ms, recovery: bound } = c;
  const endSec = result.endSec!;
  if (recAt === undefined) {
    result.recoveryText = `not recovered: p95 ≤ ${p95Ms} ms with no errors was not held for ${RECOVERY_WINDOW_SEC} s in the ${spanEndAfterFault} s after the fault`;
    result.verdict = "FAIL";
    result.verdictReason = result.recoveryText;
  } else {
    result.recoveredAtSec = recAt;
    result.recoverySec = Math.max(0, Math.round((recAt - endSec) * 10) / 10);
    result.recoveryText = `${result.recoverySec} s (from ${recAt} s, p95 ≤ ${p95Ms} ms and no errors held ${RECOVERY_WINDOW_SEC} s)`;
    const j = judge(result.recoverySec, bound);
    result.verdict = j.verdict;
    result.verdictReason = `recovered in ${result.recoverySec} s against < ${bound.target} s (acceptable < ${bound.acceptable} s)`;
  }
  if (result.readiness && result.readiness.readyAfter === false) {
    result.verdict = "FAIL";
    result.verdictReason += "; the readiness endpoint was still not ready when the span ended";
  }
}

/** One injected fault: the seconds before it, its window, the errors, readiness and recovery after it. */
function measuredFault(f: ScheduledFault, ev: TelemetryLine, base: FaultBase, c: FaultContext): FaultResult {
  const { lines, events, measuredStarts, polls, prom } = c;
  const atSec = ev.values.startT!;
  const endSec = ev.values.endT ?? atSec;
  const prevStart = measuredStarts.filter((s) => s < atSec).at(-1);
  const prevEnd = prevStart === undefined ? 0 : Math.floor(events.find((e) => e.values.startT === prevStart)?.values.endT ?? prevStart) + 1;
  const nextStart = measuredStarts.find((s) => s > atSec) ?? c.runEnd;
  const at0 = Math.floor(atSec);
  const windowEnd = Math.floor(endSec) + 1;
  const spanEnd = Math.max(windowEnd, Math.floor(nextStart));
  const before = figures(lines, Math.max(prevEnd, at0 - BEFORE_SEC), at0);
  const window = figures(lines, at0, windowEnd);
  const span = lines.filter((l) => l.t >= Math.floor(endSec) && l.t < spanEnd);
  const recAt = recoveredAt(span, c.p95Ms);
  const readiness = readinessSeen(polls, atSec - 0.5, spanEnd);
  const failOpen = f.kind === "redis-pause" ? counterIncrease(prom, FAIL_OPEN_METRIC, atSec, windowEnd) : undefined;
  const result: FaultResult = {
    ...base,
    status: "measured",
    atSec,
    endSec,
    durationSec: Math.round((endSec - atSec) * 100) / 100,
    ...(ev.labels?.detail ? { detail: ev.labels.detail } : {}),
    affected: ev.values.affected ?? 0,
    before,
    window,
    errors: errorsIn(lines.filter((l) => l.t >= at0 && l.t < spanEnd)),
    recoveryText: "",
    ...(readiness ? { readiness } : {}),
    verdict: "NOT_MEASURED",
    verdictReason: "",
    seconds: c.timeline.filter((r) => r.t >= before.startSec && r.t < Math.min(spanEnd, (recAt ?? windowEnd) + RECOVERY_WINDOW_SEC + 1)),
  };
  if (f.kind === "redis-pause") {
    if (failOpen !== undefined) result.failOpen = failOpen;
    result.failOpenText =
      failOpen === undefined ? `not measured: the app exposes no ${FAIL_OPEN_METRIC}` : `${failOpen} request(s) let through by the limiter while Redis could not answer (${FAIL_OPEN_METRIC})`;
  }
  judgeRecovery(result, recAt, spanEnd - Math.floor(endSec), c);
  if (failOpen === undefined && f.kind === "redis-pause" && prom.length === 0) c.notes.push("no Prometheus telemetry: the limiter's fail-open counter was not read");
  return result;
}

type FaultBase = Pick<FaultResult, "index" | "kind" | "label" | "plannedAtSec" | "seconds">;

/** One planned fault: measured, or why not (never injected, or its injection failed). */
function faultResult(f: ScheduledFault, c: FaultContext): FaultResult {
  const label = FAULT_LABELS[f.kind];
  const ev = c.events.find((e) => e.values.index === f.index);
  const base = { index: f.index, kind: f.kind, label, plannedAtSec: f.atSec, seconds: [] as SecondRow[] };
  if (!ev) {
    const reason = f.atSec >= c.runEnd ? `the run ended before the fault was due at ${f.atSec} s` : "the fault was not injected (the run stopped first)";
    return { ...base, status: "not measured", reason, recoveryText: "not measured", verdict: "NOT_MEASURED", verdictReason: "not injected" };
  }
  if (!ev.ok || ev.values.startT === undefined) {
    const reason = (ev.error ?? "not measured").replace(/^not measured: /, "");
    return { ...base, status: "not measured", reason, ...(ev.labels?.detail ? { detail: ev.labels.detail } : {}), recoveryText: "not measured", verdict: "NOT_MEASURED", verdictReason: reason };
  }
  return measuredFault(f, ev, base, c);
}

export function analyzeFailureScenarios(
  intervals: readonly IntervalLine[],
  telemetry: readonly TelemetryLine[],
  opts: FailureScenariosOptions,
): FailureScenariosAnalysis {
  const lines = [...intervals].sort((a, b) => a.t - b.t);
  const runEnd = lines.length ? lines[lines.length - 1]!.t + 1 : 0;
  const levelTargets = opts.targets.levels[opts.level];
  const p95Ms = levelTargets.p95Ms?.target ?? 500;
  const rb = levelTargets.faultRecoverySec;
  const recovery: TargetBound = rb ? { direction: "max", target: rb.target, acceptable: rb.acceptable, unacceptable: rb.unacceptable ?? rb.acceptable, unit: "s" } : DEFAULT_RECOVERY_BOUND;
  const polls = telemetry.filter((l) => l.source === "readiness").sort((a, b) => a.t - b.t);
  const prom = telemetry.filter((l) => l.source === "prometheus").sort((a, b) => a.t - b.t);
  const events = telemetry.filter((l) => l.source === "fault");
  const readinessBySec = new Map<number, string[]>();
  for (const p of polls) {
    const s = Math.floor(p.t);
    readinessBySec.set(s, [...(readinessBySec.get(s) ?? []), p.values.status ? String(p.values.status) : "none"]);
  }
  const timeline = lines.map((l) => secondRow(l, readinessBySec.get(l.t) ?? []));
  const notes: string[] = [];
  const measuredStarts = events.filter((e) => e.ok && e.values.startT !== undefined).map((e) => e.values.startT!).sort((a, b) => a - b);
  const context: FaultContext = { lines, runEnd, p95Ms, recovery, polls, prom, events, timeline, measuredStarts, notes };
  const faults = opts.planned.map((f) => faultResult(f, context));
  const verdict = worstVerdict(faults.map((f) => f.verdict));
  if (polls.length === 0) notes.push("readiness was not polled (no readiness endpoint answered)");
  return { level: opts.level, criteria: { p95Ms, stableSec: RECOVERY_WINDOW_SEC, recovery }, faults, verdict, timeline, notes };
}

/** The per-fault verdicts in the form of the run's target verdicts (junit, summary, documents). */
export function faultVerdicts(a: FailureScenariosAnalysis): MetricVerdict[] {
  return a.faults.map((f) => {
    const v: MetricVerdict = {
      metric: "faultRecoverySec",
      label: `${TARGET_METRICS.faultRecoverySec.label}: ${f.label}`,
      scope: "client",
      verdict: f.verdict,
      bound: a.criteria.recovery,
      source: f.status === "measured" ? `interval lines: first second from which p95 ≤ ${a.criteria.p95Ms} ms with no errors held ${a.criteria.stableSec} s, minus the fault's end` : "fault injector",
    };
    if (f.recoverySec !== undefined) v.measured = f.recoverySec;
    if (f.status !== "measured") v.note = `not measured: ${f.reason}`;
    else if (f.verdict === "FAIL") v.note = f.verdictReason;
    return v;
  });
}
