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
import type { RunVerdict } from "../core/verdict.js";
import type { Bottleneck, ComponentFigures } from "./bottleneck-types.js";
import type { CacheEffectiveness, LeakVerdict, PoolStability, Recovery } from "./run-health-types.js";
import type { ClassRow, EndpointRow, ErrorThird, MetricVerdict, PhaseRow, ResourceRow } from "./run-table-types.js";

// The types of each topic live in their own file; this one gathers them for importers.
export type { Verdict, RunVerdict, Tier, TargetMetric, TargetBound } from "../core/verdict.js";
export type * from "./run-table-types.js";
export type * from "./run-health-types.js";
export type * from "./bottleneck-types.js";
export type * from "./capacity-types.js";

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
