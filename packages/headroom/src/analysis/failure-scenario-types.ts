// What the failure-scenarios analysis returns: per fault, the figures before it and in its window,
// the seconds around it, readiness and recovery, and the verdict (failure-scenarios.ts measures them).
import type { LoadLevel } from "../core/types.js";
import type { FaultKind } from "../plan/faults.js";
import type { TargetBound, Verdict } from "./types.js";

export interface WindowFigures {
  startSec: number;
  endSec: number;
  requests: number;
  failures: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One second of the per-second table around a fault. */
export interface SecondRow {
  t: number;
  requests: number;
  failures: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Readiness answers seen in the second, e.g. "200", "503", "none" (no answer). */
  readiness: string[];
}

export interface ReadinessSeen {
  polls: number;
  notReady: number;
  /** In words: "stayed ready (12 polls answered 200)", "503 from 6.1 s to 6.6 s: postgres: ...". */
  text: string;
  /** The last poll of the span answered 200 (undefined when no poll fell in it). */
  readyAfter?: boolean;
}

export interface FaultResult {
  index: number;
  kind: FaultKind;
  label: string;
  status: "measured" | "not measured";
  /** Why not measured. */
  reason?: string;
  /** Planned and actual injection (seconds after t = 0). */
  plannedAtSec: number;
  atSec?: number;
  endSec?: number;
  durationSec?: number;
  detail?: string;
  /** Connections terminated or processes stopped. */
  affected?: number;
  before?: WindowFigures;
  window?: WindowFigures;
  /** Failures in the window by error class or status ("status 503", "reset"). */
  errors?: Record<string, number>;
  recoveredAtSec?: number;
  recoverySec?: number;
  /** Why it did not recover, or how it did. */
  recoveryText: string;
  readiness?: ReadinessSeen;
  /** Requests the limiter let through because Redis could not answer (fail-open counter increase). */
  failOpen?: number;
  failOpenText?: string;
  verdict: Verdict;
  verdictReason: string;
  seconds: SecondRow[];
}

export interface FailureScenariosAnalysis {
  level: LoadLevel;
  criteria: { p95Ms: number; stableSec: number; recovery: TargetBound };
  faults: FaultResult[];
  verdict: Verdict;
  /** Per-second requests, failures, p99 and max over the whole run (the timeline chart). */
  timeline: SecondRow[];
  notes: string[];
}
