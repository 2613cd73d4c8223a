// Recovery after load removal: the load drops when it falls to half its peak or less (or another
// share) after the peak; the run has recovered from the first second after which every 3-second window meets
// the p95 and error-rate criteria. Windows (not single seconds) keep one slow request in an
// almost idle second from deciding it.
import type { IntervalLine } from "../core/types.js";
import type { Recovery } from "./types.js";
import { loadOf, windowStats } from "./windows.js";

export const RECOVERY_WINDOW_SEC = 3;

/** `dropFraction`: the load counts as removed once it falls to this share of its peak (after the peak). */
export function recoveryAfterLoadDrop(lines: readonly IntervalLine[], criteria: { p95Ms: number; errorPct: number }, dropFraction = 0.5): Recovery {
  if (lines.length === 0) return { status: "not measured", criteria, reason: "not measured: the run recorded no intervals" };
  const peak = Math.max(...lines.map(loadOf));
  let lastPeak = -1;
  lines.forEach((l, i) => {
    if (loadOf(l) >= 0.9 * peak) lastPeak = i;
  });
  const dropIdx = lines.findIndex((l, i) => i > lastPeak && loadOf(l) <= dropFraction * peak);
  if (dropIdx < 0) return { status: "no load drop", criteria, reason: `the load was not removed before the run ended (no second at ${Math.round(dropFraction * 100)}% of the peak load or less after the peak)` };
  const after = lines.slice(dropIdx).filter((l) => Object.values(l.endpoints).some((e) => e.requests > 0));
  const loadDropSec = lines[dropIdx]!.t;
  if (after.length === 0) return { status: "not measured", loadDropSec, criteria, reason: "not measured: no requests completed after the load dropped" };
  const ok = after.map((_, i) => {
    const w = windowStats(after.slice(i, i + RECOVERY_WINDOW_SEC));
    return w.requests > 0 && w.latency.p95 <= criteria.p95Ms && w.errorPct <= criteria.errorPct;
  });
  // The earliest index from which every window is within the criteria.
  let from = ok.length;
  for (let i = ok.length - 1; i >= 0 && ok[i]; i--) from = i;
  if (from === ok.length) {
    return { status: "not recovered", loadDropSec, criteria, reason: `p95 or error rate still beyond p95 ${criteria.p95Ms} ms / errors ${criteria.errorPct}% in the last ${RECOVERY_WINDOW_SEC} s of the run (${lines[lines.length - 1]!.t + 1 - loadDropSec} s after the load dropped)` };
  }
  const recoveredAtSec = after[from]!.t;
  const recoverySec = recoveredAtSec - loadDropSec;
  return { status: "recovered", loadDropSec, recoveredAtSec, recoverySec, criteria, reason: `load dropped at ${loadDropSec} s; p95 and error rate back within p95 ${criteria.p95Ms} ms / errors ${criteria.errorPct}% ${recoverySec} s later` };
}
