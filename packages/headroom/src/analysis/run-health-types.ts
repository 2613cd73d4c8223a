// What one run says about the platform's health over time: trend tests and leak verdicts, the
// connection pool's stability, the cache's effectiveness, and recovery after a fault.
import type { Verdict } from "../core/verdict.js";

/** A trend with a significance test: least-squares slope with its t statistic, and Mann-Kendall. */
export interface TrendTest {
  samples: number;
  spanSec: number;
  /** Least-squares slope, in unit per minute. */
  slopePerMin: number;
  /** slopePerMin × span: the growth the trend explains over the run. */
  fittedChange: number;
  /** Standard error of the slope (unit per minute), its t statistic and two-sided p-value. */
  slopeStdErrPerMin: number;
  tStat: number;
  pValue: number;
  /** Mann-Kendall S, normal-approximation Z and two-sided p-value (robust to outliers and non-linearity). */
  mannKendall: { s: number; z: number; pValue: number };
  /** Theil-Sen slope (median of pairwise slopes), unit per minute. */
  theilSenPerMin: number;
}

export interface LeakVerdict {
  /** "app.memory" | "db.connections" | ... */
  metric: string;
  label: string;
  unit: string;
  source: string;
  /** "leak": significant growth above the practical bound; "growing": significant but small; "stable"; "not measured". */
  verdict: "leak" | "growing" | "stable" | "not measured";
  trend?: TrendTest;
  first?: number;
  last?: number;
  /** The practical bound the fitted change was held to (unit), and the significance level. */
  bound?: { changePerHour: number; alpha: number };
  reason: string;
}

export interface PoolStability {
  verdict: "stable" | "saturated" | "leaking" | "not measured";
  source: string;
  /** Pool size (max connections of the app pool) when known. */
  size?: number;
  maxInUse?: number;
  avgInUse?: number;
  maxUtilPct?: number;
  avgUtilPct?: number;
  /** Clients waiting for a connection: max over the run, and the share of samples with any waiting. */
  maxWaiting?: number;
  waitingSamplePct?: number;
  reason: string;
}

export interface CacheEffectiveness {
  verdict: Verdict;
  source: string;
  hitPct?: number;
  missPct?: number;
  hits?: number;
  misses?: number;
  /** Average request latency of cache hits vs misses, from the app's request-duration histogram (label cache). */
  hitLatencyMs?: number;
  missLatencyMs?: number;
  latencySource?: string;
  maxEvictedPerSec?: number;
  maxMemoryPct?: number;
  policy?: string;
  reason: string;
}

export interface Recovery {
  status: "recovered" | "not recovered" | "no load drop" | "not measured";
  /** Second at which load dropped (users or rate fell by half or more from its peak). */
  loadDropSec?: number;
  /** First second from which p95 and error rate stayed under target. */
  recoveredAtSec?: number;
  recoverySec?: number;
  /** What "recovered" was held to. */
  criteria: { p95Ms: number; errorPct: number };
  reason: string;
}
