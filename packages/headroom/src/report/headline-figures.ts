// The capacity figures the headline reads, from the capacity analysis: the only place that picks
// them, so a change in how analysis names them is a change here alone.
import type { CapacityAnalysis, Confidence } from "../analysis/types.js";
import { formatInt, formatNumber } from "./format.js";

export interface HeadlineFigures {
  /** Saturation throughput: where throughput levels off; a lower bound while it still rose at the heaviest load. */
  ceiling: { rps: number | null; lowerBound: boolean; evidence: string; confidence: Confidence };
  /** The heaviest load that met the SLO, the lightest that broke it, and the bracket between them (% of the first). */
  slo: { users: number | null; rps: number | null; brokeAtUsers: number | null; bracketPct: number | null; limit?: string; confidence: Confidence | null; reason: string };
  /** `share`: what it is a share of, in words ("65 % of the breaking point"). */
  comfortable: { users: number | null; rps: number | null; share: string; reason: string };
}

/** Below this gain from one load to the next heavier one, throughput has levelled off. */
const LEVELLED_GAIN = 0.05;

function ceilingOf(c: CapacityAnalysis): HeadlineFigures["ceiling"] {
  const steps = [...c.steps].filter((s) => s.rps > 0).sort((a, b) => (a.users ?? a.targetRate ?? 0) - (b.users ?? b.targetRate ?? 0));
  if (steps.length === 0) return { rps: null, lowerBound: false, evidence: "no load step recorded throughput", confidence: "low" };
  const best = steps.reduce((m, s) => (s.rps > m.rps ? s : m));
  const load = (s: (typeof steps)[number]): string => (s.users !== undefined ? `${formatInt(s.users)} users` : `${formatNumber(s.targetRate ?? 0, 4)}/s offered`);
  const heavier = steps.filter((s) => (s.users ?? s.targetRate ?? 0) > (best.users ?? best.targetRate ?? 0));
  const levelled = heavier.length > 0 || (steps.length >= 2 && best.rps < steps[steps.length - 2]!.rps * (1 + LEVELLED_GAIN));
  const evidence = levelled
    ? `throughput levelled off: the highest of ${steps.length} load steps, at ${load(best)}${heavier.length ? `; ${heavier.length} heavier step(s) gave no more (${heavier.map((s) => formatNumber(s.rps, 4)).join(", ")} req/s)` : ""}`
    : `throughput still rose at the heaviest of ${steps.length} load steps (${load(best)}): the ceiling lies above it`;
  return { rps: best.rps, lowerBound: !levelled, evidence, confidence: levelled ? c.maxRps.confidence : "low" };
}

export function headlineFigures(c: CapacityAnalysis | undefined): HeadlineFigures {
  if (!c) {
    const none = "no capacity analysis over the suite's load levels";
    return { ceiling: { rps: null, lowerBound: false, evidence: none, confidence: "low" }, slo: { users: null, rps: null, brokeAtUsers: null, bracketPct: null, confidence: null, reason: none }, comfortable: { users: null, rps: null, share: "", reason: none } };
  }
  const bp = c.breakingPoint;
  const good = bp.lastGood ?? c.maxUsers.value;
  const bracketPct = bp.users !== null && good !== null && good > 0 ? Math.round(((bp.users - good) / good) * 1000) / 10 : null;
  return {
    ceiling: ceilingOf(c),
    slo: { users: c.maxUsers.value, rps: c.maxRps.value, brokeAtUsers: bp.users, bracketPct, ...(bp.users !== null ? { limit: bp.limit } : {}), confidence: null, reason: bp.reason },
    comfortable: { users: c.comfortable.users, rps: c.comfortable.rps, share: `${Math.round(c.comfortable.fraction * 100)} % of ${c.comfortable.basis ?? "the breaking point"}`, reason: c.comfortable.reason },
  };
}
