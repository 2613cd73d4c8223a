// The tables of one run: per phase, per endpoint, per user class (429 share), and the error
// rate per third of the run. Latency always comes from merged histograms of the rows' seconds.
import type { Targets } from "../plan/targets.js";
import { judge } from "./judge.js";
import type { IntervalLine, LoadLevel, RunSummary } from "../core/types.js";
import { round } from "./stats.js";
import type { ClassRow, EndpointRow, ErrorThird, PhaseRow } from "./types.js";
import { phaseSpans, splitByTime, windowStats, type WindowStats } from "./windows.js";

function latencyRow(w: WindowStats): PhaseRow["latencyMs"] {
  return { avg: w.latency.mean, p50: w.latency.p50, p95: w.latency.p95, p99: w.latency.p99, max: w.latency.max };
}

export function phaseTable(lines: readonly IntervalLine[]): PhaseRow[] {
  return phaseSpans(lines).map(({ phase, lines: ls }) => {
    const w = windowStats(ls);
    return {
      phase,
      startSec: w.startSec,
      endSec: w.endSec,
      durationSec: w.seconds,
      maxUsers: w.maxUsers,
      requests: w.requests,
      failures: w.failures,
      failurePct: round(w.errorPct, 3),
      rps: round(w.rps, 2),
      latencyMs: latencyRow(w),
    };
  });
}

export function endpointTable(summary: RunSummary): EndpointRow[] {
  return summary.endpoints.map((e) => ({
    name: e.name,
    method: e.method,
    requests: e.requests,
    failures: e.failed,
    failurePct: e.requests > 0 ? round((e.failed / e.requests) * 100, 3) : 0,
    rateLimited: e.status["429"] ?? 0,
    rps: e.ratePerSec,
    latencyMs: { avg: e.latencyMs.mean, p50: e.latencyMs.p50, p95: e.latencyMs.p95, p99: e.latencyMs.p99, max: e.latencyMs.max },
  }));
}

/** Per user class: the share of 429s and of successes (neither failed nor rate-limited). */
export function classTable(summary: RunSummary): ClassRow[] {
  return Object.entries(summary.classes)
    .map(([name, c]) => ({
      name,
      requests: c.requests,
      failures: c.failed,
      rateLimited: c.rateLimited,
      rateLimitedPct: c.requests > 0 ? round((c.rateLimited / c.requests) * 100, 3) : 0,
      successPct: c.requests > 0 ? round(((c.requests - c.failed - c.rateLimited) / c.requests) * 100, 3) : 0,
    }))
    .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
}

/** Error rate in each third of the run, each judged against the level's error-rate target. */
export function errorThirds(lines: readonly IntervalLine[], targets: Targets, level: LoadLevel): ErrorThird[] {
  const bound = targets.levels[level].errorPct;
  return splitByTime(lines, 3).map((part, i) => {
    const w = windowStats(part.lines);
    const errorPct = round(w.errorPct, 3);
    return {
      index: i + 1,
      startSec: part.startSec,
      endSec: part.endSec,
      requests: w.requests,
      failures: w.failures,
      errorPct,
      verdict: w.requests === 0 || !bound ? "NOT_MEASURED" : judge(errorPct, bound).verdict,
    };
  });
}
