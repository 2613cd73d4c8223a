// How verdicts read in every format: the bound a metric was held to and the measured value, with
// units, so "P95 latency 612 ms, bound < 500 ms (acceptable < 1000 ms)" reads the same everywhere.
import type { MetricVerdict, RunVerdict, TargetBound } from "../analysis/types.js";
import { formatNumber } from "./format.js";

/** A run's verdict as the documents print it. */
export const VERDICT_MARK: Record<RunVerdict, string> = {
  PASS: "✓ PASS",
  WARN: "⚠ WARN",
  FAIL: "✗ FAIL",
  NOT_MEASURED: "– NOT MEASURED",
  NOT_TESTABLE: "– NOT TESTABLE",
  INCOMPLETE: "✗ INCOMPLETE",
};

const unitSuffix = (unit: string): string => (unit === "%" ? " %" : unit ? ` ${unit}` : "");

/** "< 500 ms (acceptable < 1000 ms)". */
export function describeBound(b: TargetBound): string {
  const op = b.direction === "max" ? "<" : ">";
  const acc = b.acceptable !== b.target ? ` (acceptable ${op} ${formatNumber(b.acceptable, 4)}${unitSuffix(b.unit)})` : "";
  return `${op} ${formatNumber(b.target, 4)}${unitSuffix(b.unit)}${acc}`;
}

/** "612 ms", or "not measured". */
export function describeMeasured(v: MetricVerdict, digits = 4): string {
  return v.measured === undefined ? "not measured" : `${formatNumber(v.measured, digits)}${unitSuffix(v.bound.unit)}`;
}

/** "not measured: <reason>" for a NOT_MEASURED verdict ("not testable: <reason>" for NOT_TESTABLE), without doubling a note that already says so. */
export function notMeasuredText(v: MetricVerdict): string {
  const note = v.note ?? "no data";
  if (v.verdict === "NOT_TESTABLE") return /^not testable\b/i.test(note) ? note : `not testable: ${note}`;
  return /^not measured\b/i.test(note) ? note : `not measured: ${note}`;
}

/** The target and acceptable bounds apart: { target: "< 500 ms", acceptable: "< 1000 ms" } ("—" when they coincide). */
export function boundParts(b: TargetBound): { target: string; acceptable: string } {
  const op = b.direction === "max" ? "<" : ">";
  return { target: `${op} ${formatNumber(b.target, 4)}${unitSuffix(b.unit)}`, acceptable: b.acceptable !== b.target ? `${op} ${formatNumber(b.acceptable, 4)}${unitSuffix(b.unit)}` : "—" };
}
