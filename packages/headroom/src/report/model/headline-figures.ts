// The capacity figures the headline reads, from the capacity analysis: the only place that picks
// them, so a change in how analysis names them is a change here alone.
import type { CapacityAnalysis, Confidence } from "../../analysis/types.js";

export interface HeadlineFigures {
  /** Saturation throughput: where throughput levels off; a lower bound while it still rose at the heaviest load. */
  ceiling: { rps: number | null; lowerBound: boolean; evidence: string; confidence: Confidence };
  /** The heaviest load that met the SLO, the lightest that broke it, and the bracket between them (% of the first). */
  slo: {
    users: number | null;
    rps: number | null;
    brokeAtUsers: number | null;
    bracketPct: number | null;
    limit?: string;
    confidence: Confidence | null;
    reason: string;
  };
  /** `share`: what it is a share of, in words ("65 % of the breaking point"). */
  comfortable: { users: number | null; rps: number | null; share: string; reason: string };
}

export function headlineFigures(c: CapacityAnalysis | undefined): HeadlineFigures {
  if (!c) {
    const none = "no capacity analysis over the suite's load levels";
    return { ceiling: { rps: null, lowerBound: false, evidence: none, confidence: "low" }, slo: { users: null, rps: null, brokeAtUsers: null, bracketPct: null, confidence: null, reason: none }, comfortable: { users: null, rps: null, share: "", reason: none } };
  }
  const bp = c.breakingPoint;
  const s = c.sloCapacity;
  const noise = [
    ...(c.disturbed.length ? [`disturbed, not judged: ${c.disturbed.map((d) => `${d.load} (${d.reason})`).join("; ")}`] : []),
    ...(c.retested.length ? [`re-tested: ${c.retested.map((r) => `${r.load} (${r.reason}: ${r.outcome})`).join("; ")}`] : []),
  ];
  return {
    ceiling: { rps: c.ceiling.value, lowerBound: c.ceiling.lowerBound, evidence: c.ceiling.evidence, confidence: c.ceiling.confidence },
    slo: {
      users: s.users,
      rps: s.rps,
      brokeAtUsers: s.brokeAtUsers,
      bracketPct: s.bracketPct,
      ...(s.brokeAtUsers !== null && bp.users !== null ? { limit: bp.limit } : {}),
      confidence: s.confidence,
      reason: [s.reason, ...noise].join("; "),
    },
    comfortable: { users: c.comfortable.users, rps: c.comfortable.rps, share: `${Math.round(c.comfortable.fraction * 100)} % of ${c.comfortable.basis ?? "the breaking point"}`, reason: c.comfortable.reason },
  };
}
