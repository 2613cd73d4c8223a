// Windows of interval lines: the totals and merged-histogram latency of any span of seconds,
// the steady window of a run (where the load was held at its peak), and the phases.
import { latencyStatsMs, mergeEncoded, type LatencyStatsMs } from "../metrics/histogram.js";
import type { IntervalLine } from "../core/types.js";

export interface WindowStats {
  startSec: number;
  endSec: number;
  seconds: number;
  requests: number;
  failures: number;
  timeouts: number;
  rateLimited: number;
  dropped: number;
  maxUsers: number;
  rps: number;
  errorPct: number;
  latency: LatencyStatsMs;
}

/** Totals and merged latency of the lines (their seconds, [first t, last t + 1)). */
export function windowStats(lines: readonly IntervalLine[], endpoint?: string): WindowStats {
  const hists: string[] = [];
  let requests = 0;
  let failures = 0;
  let timeouts = 0;
  let rateLimited = 0;
  let dropped = 0;
  let maxUsers = 0;
  for (const l of lines) {
    dropped += l.dropped;
    maxUsers = Math.max(maxUsers, l.users);
    for (const [name, ep] of Object.entries(l.endpoints)) {
      if (endpoint !== undefined && name !== endpoint) continue;
      requests += ep.requests;
      failures += ep.failed;
      timeouts += ep.errors.timeout ?? 0;
      rateLimited += ep.status["429"] ?? 0;
      if (ep.hist) hists.push(ep.hist);
    }
  }
  const h = mergeEncoded(hists);
  const latency = latencyStatsMs(h);
  h.destroy();
  const startSec = lines.length > 0 ? lines[0]!.t : 0;
  const endSec = lines.length > 0 ? lines[lines.length - 1]!.t + 1 : 0;
  const seconds = endSec - startSec;
  return {
    startSec,
    endSec,
    seconds,
    requests,
    failures,
    timeouts,
    rateLimited,
    dropped,
    maxUsers,
    rps: seconds > 0 ? requests / seconds : 0,
    errorPct: requests > 0 ? (failures / requests) * 100 : 0,
    latency,
  };
}

/** The load a line applied: the arrival rate asked for (open model) or the users/connections. */
export function loadOf(l: IntervalLine): number {
  return l.targetRate ?? l.users;
}

/**
 * The seconds where the load was held at (at least 90 % of) its maximum: the window the
 * steady figures (throughput per user, leak trends) are judged on. All lines when none qualify.
 * When the window runs to the end of the run, its last line is left out: the engine counts the
 * requests that finish in the stop's grace period in the last second, so its rate is not steady.
 */
export function steadyLines(lines: readonly IntervalLine[], fraction = 0.9): IntervalLine[] {
  const w = heldLines(lines, fraction);
  const endsRun = w.length > 0 && w[w.length - 1] === lines[lines.length - 1];
  return endsRun && w.length > 3 ? w.slice(0, -1) : w;
}

/** The seconds from the first to the last at 90 % of the peak load or more (all of them, grace second included). */
export function heldLines(lines: readonly IntervalLine[], fraction = 0.9): IntervalLine[] {
  const peak = Math.max(0, ...lines.map(loadOf));
  if (peak === 0) return [...lines];
  const first = lines.findIndex((l) => loadOf(l) >= fraction * peak);
  let last = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (loadOf(lines[i]!) >= fraction * peak) {
      last = i;
      break;
    }
  }
  return first < 0 ? [...lines] : lines.slice(first, last + 1);
}

export interface PhaseSpan {
  phase: string;
  lines: IntervalLine[];
}

/**
 * Contiguous runs of the lines' `phase` label in order. Lines without labels get derived ones:
 * "ramp-up" before the load first reaches its peak, "steady" while it is held, "ramp-down" after.
 */
export function phaseSpans(lines: readonly IntervalLine[]): PhaseSpan[] {
  const labelled = lines.some((l) => l.phase);
  let labels: string[];
  if (labelled) {
    labels = lines.map((l) => l.phase ?? "unlabelled");
  } else {
    const steady = heldLines(lines);
    const from = steady[0]?.t ?? 0;
    const to = steady[steady.length - 1]?.t ?? 0;
    labels = lines.map((l) => (l.t < from ? "ramp-up" : l.t <= to ? "steady" : "ramp-down"));
  }
  const spans: PhaseSpan[] = [];
  lines.forEach((l, i) => {
    const last = spans[spans.length - 1];
    if (last && last.phase === labels[i]) last.lines.push(l);
    else spans.push({ phase: labels[i]!, lines: [l] });
  });
  return spans;
}

/** Splits the lines into `parts` spans of equal duration (by t), e.g. the thirds of a sustained run. */
export function splitByTime(lines: readonly IntervalLine[], parts: number): { startSec: number; endSec: number; lines: IntervalLine[] }[] {
  if (lines.length === 0) return [];
  const start = lines[0]!.t;
  const end = lines[lines.length - 1]!.t + 1;
  const span = (end - start) / parts;
  return Array.from({ length: parts }, (_, i) => {
    const a = start + i * span;
    const b = i === parts - 1 ? end : start + (i + 1) * span;
    return { startSec: Math.round(a * 1000) / 1000, endSec: Math.round(b * 1000) / 1000, lines: lines.filter((l) => l.t >= a && l.t < b) };
  });
}
