// The output types of analysis: what `analyzeRun` says about one stored run, what
// `analyzeCapacity` says about a set of load steps (a search, or a plan's runs), the USL fit and
// the bottleneck list. Reports, planning and `headroom plan` render these; nothing here touches
// files or the clock.
//
// Terms used throughout:
//   verdict   PASS (within target) / WARN (within acceptable) / FAIL (beyond acceptable) /
//             NOT_MEASURED (the data is absent: never a silent PASS) / NOT_TESTABLE (the load
//             design cannot produce what the target asks, e.g. a throughput above what the users'
//             think time allows by Little's law); a run that did not finish is INCOMPLETE
//   tier      where a measured value falls among the bounds of its target: target, acceptable,
//             degraded (beyond acceptable but not yet past the "unacceptable" bound) or unacceptable
//   step      one load level held steady (users in the closed model, a rate in the open model)
import type { LoadLevel, PlanDescription, RunStatus, RunSummary } from "../core/types.js";

export type { Verdict, RunVerdict, Tier, TargetMetric, TargetBound } from "../core/verdict.js";
import type { MetricScope, RunVerdict, TargetBound, TargetMetric, Tier, Verdict } from "../core/verdict.js";
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

export interface Evidence {
  /** What was measured, e.g. "pool waiting clients (max)". */
  what: string;
  value: number | string;
  unit?: string;
  /** Where it came from: "telemetry postgres.connections_active", "prometheus muejam_db_pool_waiting", "intervals". */
  source: string;
}

export type BottleneckKind =
  | "db-pool"
  | "db-queries"
  | "db-slow-queries"
  | "db-locks"
  | "db-connections"
  | "app-cpu"
  | "event-loop"
  | "app-memory"
  | "connection-leak"
  | "cache"
  | "cache-evictions"
  | "network"
  | "generator";

export interface Bottleneck {
  rank: "primary" | "secondary" | "tertiary" | "minor";
  kind: BottleneckKind;
  component: Component;
  /** Component as a person would name it: "PostgreSQL connection pool", "app CPU". */
  componentLabel: string;
  symptom: string;
  evidence: Evidence[];
  /** The limit that was reached, in words with numbers: "pool of 2 connections, 100 % busy". */
  limit: string;
  impact: string;
  recommendation: string;
  /** 0..1: how strongly the evidence says this limited the run (the ranking key). */
  score: number;
}

/** The seed's per-component bottleneck figures ("Bottlenecks Identified"). Absent = not measured. */
export interface ComponentFigures {
  database: { poolSize?: number; poolMaxInUse?: number; poolUtilPct?: number; meanQueryMs?: number; slowQueries?: number; lockWaitsMax?: number; connectionsMax?: number; maxConnections?: number };
  application: { cpuPctAvg?: number; cpuPctMax?: number; memoryPctMax?: number; rssBytesMax?: number; workers?: number; eventLoopLagMsMax?: number };
  cache: { hitPct?: number; memoryPctMax?: number; evictedPerSecMax?: number; opsPerSecMax?: number };
  network: { rxBytesPerSecMax?: number; txBytesPerSecMax?: number; bytesInPerSec?: number; bytesOutPerSec?: number; minLatencyMs?: number };
}

export interface RunAnalysis {
  run: {
    dir: string;
    id: string;
    name: string;
    status: RunStatus;
    source: string;
    loadLevel: LoadLevel;
    startedAt: string;
    durationSec: number;
    plan: PlanDescription;
    scale?: number;
  };
  summary: RunSummary;
  /** INCOMPLETE when the run did not finish (see `incomplete`); else the worst verdict over the measured metrics, NOT_MEASURED only when nothing was. */
  verdict: RunVerdict;
  /** Why the run is INCOMPLETE: killed (no end, no summary), interrupted or failed; absent for a finished run. */
  incomplete?: string;
  verdicts: MetricVerdict[];
  phases: PhaseRow[];
  endpoints: EndpointRow[];
  classes: ClassRow[];
  resources: ResourceRow[];
  errorThirds: ErrorThird[];
  leaks: LeakVerdict[];
  pool: PoolStability;
  cache: CacheEffectiveness;
  recovery: Recovery;
  components: ComponentFigures;
  generator: { limited: boolean; reason?: string; cpuPct: number; eventLoopLagMsP99: number };
  bottlenecks: Bottleneck[];
  /** Telemetry gaps, skipped lines, and other facts a reader needs. */
  notes: string[];
}

/** One load level held steady: from a search step, or a phase of a plan's run. */
export interface LoadStep {
  /** Closed model: concurrent users. */
  users?: number;
  /** Open model: the arrival rate asked for, per second. */
  targetRate?: number;
  /** Achieved throughput (completed requests per second over the steady window). */
  rps: number;
  /** Mean concurrency: the users (closed model), or requests in flight by Little's law, rps x mean latency (open model). */
  concurrency?: number;
  meanMs?: number;
  p50Ms?: number;
  p95Ms: number;
  p99Ms?: number;
  /** Failed requests (and, in the open model, dropped arrivals) per 100 attempts; 429s are not errors here (rateLimitedPct). */
  errorPct: number;
  /** Responses with status 429 (the target's rate limiter answering), and their share of the responses, when there were any. */
  rateLimited?: number;
  rateLimitedPct?: number;
  requests: number;
  durationSec: number;
  /** Whether the measured window was steady (throughput and p95 stable); false when the step ran out of time first. */
  steady?: boolean;
  /** The generator, not the target, was the limit in this step. */
  generatorLimited?: boolean;
  /**
   * Why the step's window was DISTURBED (the generator limited, or other processes used over half
   * a core: analysis/disturbance.ts); absent when it was not. Never a break, never the capacity.
   */
  disturbed?: string;
  /** The facts `disturbed` is judged on: other processes' CPU over the window, the generator's limit (analysis/disturbance.ts). */
  noise?: { otherCpuCores?: number; busiest?: string; generator?: string };
  /** Arrivals dropped for lack of capacity (open model). */
  dropped?: number;
  /** Run directory (and phase) the step came from. */
  source?: string;
}

export interface UslFit {
  alpha: number;
  beta: number;
  gamma: number;
  /** sqrt((1 − α) / β): the concurrency of peak throughput (Infinity when β = 0). */
  nMax: number;
  /** X(nMax) (or the asymptote γ/α when β = 0, Infinity when both are 0). */
  xMax: number;
  rSquared: number;
  points: number;
  /** The N the fit is on: "in-system concurrency X·R (Little's law)" or "users (no think time)". */
  axis?: string;
  /** Residual standard error of throughput. */
  residualStdErr: number;
  /** 95 % intervals from the linearised covariance, where the data allows (more points than parameters, full rank). */
  ci?: { alpha: [number, number]; beta: [number, number]; gamma: [number, number] };
  iterations: number;
  converged: boolean;
  warnings: string[];
}

export interface CapacityFigure {
  /** null when the data does not reach it ("not reached within the tested range"). */
  value: number | null;
  unit: string;
  confidence: Confidence;
  reason: string;
  /** How it was derived. */
  formula: string;
}

export interface DegradationRow {
  users?: number;
  targetRate?: number;
  rps: number;
  p95Ms: number;
  errorPct: number;
  verdict: Verdict;
  /** "normal", "latency rising", "latency beyond target", "errors", "throughput flat", "generator-limited". */
  behaviour: string;
}

export interface SustainedVsPeakRow {
  metric: string;
  unit: string;
  sustained?: number;
  peak?: number;
  /** peak / sustained, where both are measured and sustained is not 0. */
  ratio?: number;
}

export interface CapacityAnalysis {
  model: "closed" | "open";
  steps: LoadStep[];
  /** The bounds a step was held to (from --slo or the targets). */
  slo: Slo;
  maxUsers: CapacityFigure;
  maxRps: CapacityFigure;
  /** `lastGood`, set when the break is only loosely bracketed: the heaviest load that met the SLO; the break lies between the two. */
  breakingPoint: { users: number | null; rps: number | null; limit: string; confidence: Confidence; reason: string; lastGood?: number };
  /** `basis`: the load the fraction is taken of (the break, or the last good load when the break is only loosely bracketed). */
  comfortable: { users: number | null; rps: number | null; fraction: number; confidence: Confidence; reason: string; basis?: string };
  usl?: UslFit;
  /** Why no USL fit is shown (the data cannot determine one), when there is none. */
  uslRefused?: string;
  /**
   * The CEILING: the saturation throughput X_max, where throughput levels off (the seed's "Max
   * Requests/Second"). `evidence`: the steps and the plateau, or the utilization-law estimate.
   * `lowerBound`: throughput never levelled off, so the true ceiling is at least `value`.
   * `maxRps` carries the same value.
   */
  ceiling: CapacityFigure & { evidence: string; lowerBound: boolean };
  /**
   * The CAPACITY WITHIN THE SLO: the heaviest undisturbed load that met the SLO (`users`, and its
   * measured `rps`), and the first undisturbed load above it that broke it (`brokeAtUsers`; null
   * when none broke). `bracketPct` = (brokeAtUsers − users) / users x 100 (null without both).
   * Closed model only: users are null in the open model. `maxUsers` and the breaking point agree.
   */
  sloCapacity: { users: number | null; rps: number | null; brokeAtUsers: number | null; bracketPct: number | null; confidence: Confidence; reason: string };
  /** Loads whose every window was disturbed, and why: not judged. Empty when none. */
  disturbed: { load: number; reason: string }[];
  /** Loads measured again before any conclusion, why, and what the re-test found. Empty when none. */
  retested: { load: number; reason: string; outcome: string }[];
  /** Closed model: the knee by the operational laws, N* = Xmax x (R0 + Z), with Z from Little's law at the lightest step. */
  knee?: CapacityFigure;
  degradation: DegradationRow[];
  sustainedVsPeak?: SustainedVsPeakRow[];
  /** The overall confidence (the weakest of the figures) and why. */
  confidence: Confidence;
  confidenceReason: string;
}

/** Limits a step must meet: `--slo "p95<500ms,errors<1%"`. Absent fields are not checked. */
export interface Slo {
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  errorPct?: number;
}

export interface SearchStep extends LoadStep {
  /** Which pass produced it: the upward steps, or the bisection. */
  pass: "ramp" | "bisect" | "repeat" | "retest";
  /** A re-test: why the load was measured again (an earlier step at it was disturbed, not steady, or failed below a passing load). */
  retest?: string;
  /** Whether the step met the SLO, and the limit it broke. */
  ok: boolean;
  broke?: string;
}

/** `headroom search --json`. */
export interface SearchResult {
  model: "closed" | "open";
  maxRps: number | null;
  breakingPoint: { users: number | null; rps: number | null; limit: string };
  comfortable: { users: number | null; rps: number | null };
  recoverySec: number | null;
  confidence: Confidence;
  confidenceReason: string;
  /** users: null in the open model, where the load is `targetRate`. */
  steps: { users: number | null; targetRate?: number; rps: number; p95Ms: number; errorPct: number; rateLimitedPct?: number }[];
  /** The full step records, the capacity analysis and the USL fit behind the figures. */
  detail: {
    steps: SearchStep[];
    capacity: CapacityAnalysis;
    stopReason: string;
    /** The bottlenecks of the first broken step (when telemetry was collected, or the generator limited it). */
    bottlenecks?: Bottleneck[];
    /** Run directory of each step, in order. */
    stepDirs?: string[];
  };
}
