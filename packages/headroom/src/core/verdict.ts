// The vocabulary of judging: verdicts, the tiers of a target's bounds, the metrics a target can be
// set for, and a bound. Targets (plan/) are written in it and analysis judges in it; the terms are
// defined in analysis/types.ts.
export type Verdict = "PASS" | "WARN" | "FAIL" | "NOT_MEASURED" | "NOT_TESTABLE";
/** A run's verdict: its worst metric verdict, or INCOMPLETE when the run did not finish (killed, interrupted, failed). */
export type RunVerdict = Verdict | "INCOMPLETE";
export type Tier = "target" | "acceptable" | "degraded" | "unacceptable";

/** Every metric a target can be set for (see src/plan/targets.ts and config/targets.default.json). */
export type TargetMetric =
  // client side, from the interval histograms and counts
  | "p50Ms"
  | "p95Ms"
  | "p99Ms"
  | "p999Ms"
  | "rps"
  | "errorPct"
  | "timeoutPct"
  // host and app, from telemetry
  | "cpuPct"
  | "memoryPct"
  | "diskPct"
  | "dbConnectionsPct"
  | "dbConnections"
  | "dbPoolPct"
  | "queryLatencyMs"
  | "cacheHitPct"
  | "cacheMemoryPct"
  | "appCpuPct"
  | "appMemoryPct"
  // capacity (judged on a suite or a search, not on one run)
  | "concurrentUsers"
  // failure scenarios: seconds from a fault's end until p95 is back within target with no errors
  | "faultRecoverySec";

/** The bounds one metric was held to. `direction` "max": lower is better; "min": higher is better. */
export interface TargetBound {
  direction: "max" | "min";
  target: number;
  acceptable: number;
  /** Past this the value is "unacceptable"; between acceptable and this it is "degraded". Defaults to acceptable. */
  unacceptable?: number;
  unit: string;
}

/** Whose figure a verdict judges: what the users saw, what the platform felt, or the capacity of a suite. */
export type MetricScope = "client" | "server" | "capacity";
