// Thresholds: pass/fail limits on a run's figures, written as k6 users write them.
//   p95<500ms   p99<1s   p(95)<500 (k6: milliseconds when no unit)   avg<200ms   max<2s
//   errors<1%   rps>100   requests>=1000
//   p95{name:/api/stories/[slug]}<300ms    (one request name)
//   errors{class:Reader}<1%                (one user class: errors, rps and requests only)
// A threshold is judged on everything the selection measured over the whole run (percentiles
// from merged histograms). Latency values are kept in ms, error rates in %, rates per second.
import { HeadroomError } from "../core/errors.js";

export type ThresholdMetric = "p50" | "p90" | "p95" | "p99" | "p999" | "avg" | "min" | "max" | "errors" | "rps" | "requests";
export type ThresholdOp = "<" | "<=" | ">" | ">=";

export interface Threshold {
  /** As the user wrote it (printed in verdicts). */
  text: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  /** ms for latency metrics, % for errors, per second for rps, a count for requests. */
  value: number;
  /** Only the requests of this name (as in the run's endpoint table)... */
  name?: string;
  /** ...or of this user class. */
  userClass?: string;
}

const LATENCY: Record<string, ThresholdMetric> = { p50: "p50", med: "p50", median: "p50", p90: "p90", p95: "p95", p99: "p99", "p99.9": "p999", p999: "p999", avg: "avg", mean: "avg", min: "min", max: "max" };
const OTHER: Record<string, ThresholdMetric> = { errors: "errors", error: "errors", error_rate: "errors", rps: "rps", requests: "requests" };

export const THRESHOLD_FORM = 'METRIC[{name:NAME}|{class:CLASS}]OP VALUE, e.g. "p95<500ms", "p99<1s", "errors<1%", "rps>100", "p95{name:/api/stories/[slug]}<300ms"';

function bad(text: string, why: string): HeadroomError {
  return new HeadroomError(
    "HR_BAD_SLO",
    `--threshold "${text}": ${why}; expected ${THRESHOLD_FORM}`,
    "metrics: p50, p90, p95, p99, p99.9, avg, min, max (ms, s or us), errors (%), rps (per second), requests (a count); operators < <= > >=",
  );
}

/** Parses one threshold; throws HR_BAD_SLO naming the part that is wrong. */
export function parseThreshold(text: string): Threshold {
  const s = text.trim();
  // The selector may hold any character but "}" (request names have slashes and brackets).
  const m = /^([a-z_]+(?:\(\d+(?:\.\d+)?\))?|p\d+(?:\.\d+)?)\s*(?:\{\s*(name|class)\s*:\s*([^}]+?)\s*\})?\s*(<=|>=|<|>)\s*([\d.]+)\s*([a-z%/]*)$/i.exec(s);
  if (!m) throw bad(text, "it is not of the form METRIC OP VALUE");
  const rawMetric = m[1]!.toLowerCase().replace(/^p\((\d+(?:\.\d+)?)\)$/, "p$1");
  const metric = LATENCY[rawMetric] ?? OTHER[rawMetric];
  if (!metric) throw bad(text, `"${m[1]}" is not a metric`);
  const value = Number(m[5]);
  if (!Number.isFinite(value)) throw bad(text, `"${m[5]}" is not a number`);
  const unit = m[6]!.toLowerCase();
  const t: Threshold = { text: s, metric, op: m[4] as ThresholdOp, value };
  if (m[2]) {
    if (m[2].toLowerCase() === "name") t.name = m[3]!;
    else {
      if (metric !== "errors" && metric !== "rps" && metric !== "requests") throw bad(text, `a user class has no latency histogram of its own (latency is recorded per request name); use errors, rps or requests with {class:...}, or ${metric}{name:...}`);
      t.userClass = m[3]!;
    }
  }
  if (metric in { errors: 1 }) {
    if (unit !== "%") throw bad(text, "the error rate is a percentage: errors<1%");
  } else if (metric === "rps") {
    if (unit !== "" && unit !== "/s") throw bad(text, `"${unit}" is not a rate unit; rps is per second (rps>100)`);
  } else if (metric === "requests") {
    if (unit !== "") throw bad(text, "requests is a count, without a unit (requests>=1000)");
  } else {
    // k6 writes p(95)<500 for 500 ms: a bare number is milliseconds.
    const scale: Record<string, number> = { "": 1, ms: 1, s: 1000, us: 0.001, "µs": 0.001 };
    if (!(unit in scale)) throw bad(text, `"${unit}" is not a time unit (ms, s or us)`);
    t.value = value * scale[unit]!;
  }
  return t;
}

/** The unit a metric's values are shown in. */
export function thresholdUnit(metric: ThresholdMetric): string {
  return metric === "errors" ? "%" : metric === "rps" ? " req/s" : metric === "requests" ? "" : " ms";
}

/** True when `measured` meets the threshold. */
export function meetsThreshold(t: Threshold, measured: number): boolean {
  switch (t.op) {
    case "<":
      return measured < t.value;
    case "<=":
      return measured <= t.value;
    case ">":
      return measured > t.value;
    case ">=":
      return measured >= t.value;
  }
}
