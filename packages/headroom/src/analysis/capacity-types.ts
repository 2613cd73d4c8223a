// What `analyzeCapacity` says about a set of load steps (a search, or a plan's runs): the USL fit,
// the capacity figures, the degradation table, and the search's steps and result.
import type { Verdict } from "../core/verdict.js";
import type { Bottleneck } from "./bottleneck-types.js";
import type { Confidence } from "./run-table-types.js";

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
  noise?: { otherCpuCores?: number; busiest?: string; generator?: string; generatorLagMs?: number; generatorLost?: boolean };
  /** The generator was limited, yet the step broke the SLO by more than its lag could add: judged a break (analysis/disturbance.ts). */
  lagOutweighed?: string;
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
