// The tables of one run's analysis: a verdict per target metric, and the rows per phase, endpoint,
// user class, resource and third of the run. Terms (verdict, tier) are defined in types.ts.
import type { MetricScope, TargetBound, TargetMetric, Tier, Verdict } from "../core/verdict.js";

export type Confidence = "high" | "medium" | "low";

export interface MetricVerdict {
  metric: TargetMetric;
  /** Human label, e.g. "P95 latency". */
  label: string;
  /** "client": what the users saw; "server": what the platform felt (telemetry). */
  scope: MetricScope;
  verdict: Verdict;
  /** The measured value in `bound.unit`; absent when not measured. */
  measured?: number;
  /** The bound as applied to this run (for rps: scaled by the run's users, see targets.ts). */
  bound: TargetBound;
  tier?: Tier;
  /** Where the number came from, e.g. "merged HDR histogram of all requests", "telemetry postgres.connections (max of 36 samples)". */
  source: string;
  /** Why it is NOT_MEASURED, or a note on how it was judged. */
  note?: string;
}

export interface PhaseRow {
  phase: string;
  /** Seconds since the run started: [startSec, endSec). */
  startSec: number;
  endSec: number;
  durationSec: number;
  maxUsers: number;
  requests: number;
  failures: number;
  failurePct: number;
  rps: number;
  /** From the phase's merged histograms. */
  latencyMs: { avg: number; p50: number; p95: number; p99: number; max: number };
}

export interface EndpointRow {
  name: string;
  method: string;
  requests: number;
  failures: number;
  failurePct: number;
  /** Responses with status 429 (expected behaviour for rate-limited endpoints, not a failure by itself). */
  rateLimited: number;
  rps: number;
  latencyMs: { avg: number; p50: number; p95: number; p99: number; max: number };
}

export interface ClassRow {
  name: string;
  requests: number;
  failures: number;
  rateLimited: number;
  rateLimitedPct: number;
  successPct: number;
}

export type Component = "app" | "database" | "cache" | "host" | "generator" | "network";

/** Min/avg/max of one telemetry reading over the run. */
export interface ResourceRow {
  component: Component;
  /** Stable id, e.g. "db.connections", "app.cpuPct". */
  metric: string;
  label: string;
  unit: string;
  /** "telemetry <source>.<key>" or "prometheus <name>". */
  source: string;
  samples: number;
  /** Absent (with `note`) when no sample carried the reading. */
  min?: number;
  avg?: number;
  max?: number;
  note?: string;
}

export interface ErrorThird {
  /** 1, 2, 3. */
  index: number;
  startSec: number;
  endSec: number;
  requests: number;
  failures: number;
  errorPct: number;
  verdict: Verdict;
}
