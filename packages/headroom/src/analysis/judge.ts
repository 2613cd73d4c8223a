// Verdicts: where a measured value falls among a target's tiered bounds, and the worst of several.
// The bounds themselves are plan specs (plan/targets.ts); judging them is analysis.
import type { TargetBound, Tier, Verdict } from "../core/verdict.js";

/** Where `value` falls among the bounds, and the verdict that follows. */
export function judge(value: number, bound: TargetBound): { verdict: Exclude<Verdict, "NOT_MEASURED">; tier: Tier } {
  const within = (limit: number): boolean => (bound.direction === "max" ? value <= limit : value >= limit);
  // "< 500" in the seed's tables: a value exactly on a target bound counts as meeting it.
  if (within(bound.target)) return { verdict: "PASS", tier: "target" };
  if (within(bound.acceptable)) return { verdict: "WARN", tier: "acceptable" };
  if (within(bound.unacceptable ?? bound.acceptable)) return { verdict: "FAIL", tier: "degraded" };
  return { verdict: "FAIL", tier: "unacceptable" };
}

/** "< 500 ms (acceptable < 1000)" */
export function describeBound(b: TargetBound): string {
  const op = b.direction === "max" ? "<" : ">";
  const unit = b.unit === "%" ? "%" : ` ${b.unit}`;
  const acc = b.acceptable === b.target ? "" : ` (acceptable ${op} ${b.acceptable}${unit})`;
  return `${op} ${b.target}${unit}${acc}`;
}

/** Worst of the verdicts; NOT_MEASURED only when every one is. */
export function worstVerdict(verdicts: Verdict[]): Verdict {
  const order: Verdict[] = ["FAIL", "WARN", "PASS"];
  for (const v of order) if (verdicts.includes(v)) return v;
  return "NOT_MEASURED";
}
