// The planning part's data: what it reads (measured capacity + the infrastructure model) and what
// it returns (autoscaling replay, connection budget, replica and cache sizing, growth and cost).
// Every derived number is a PlanFigure carrying its formula and inputs, so a report can show how
// it was reached; a figure whose inputs were not measured has value null and says which are missing.
import type { CapacityInputs, InfrastructureModel, InstanceSize } from "./input-types.js";

// What planning reads lives in input-types.ts; this file holds what it returns, and gathers both for importers.
export type * from "./input-types.js";

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/** One derived number with how it was reached. */
export interface PlanFigure {
  value: number | null;
  unit: string;
  /** Symbolic: "ceil(peak_rps / rps_per_instance)". */
  formula: string;
  /** The formula's inputs by the names it uses; null = not measured. */
  inputs: Record<string, number | string | null>;
  /** The formula with the numbers in: "ceil(600 / 150) = 4". */
  worked: string;
  /** Why the value is null (which input is missing), or a caveat. */
  note?: string;
}

/** What one instance can carry, from the measured capacity. */
export interface PerInstanceCapacity {
  /** Cores one instance can use: min(vcpus, workers). */
  usableCores: PlanFigure;
  /** RPS at which CPU reaches the target (60 %). */
  rpsAtTargetCpu: PlanFigure;
  /** RPS within the SLO (measured). */
  sloRps: PlanFigure;
  /** The RPS per instance planning uses: the smaller of the two above (or whichever is known). */
  planningRps: PlanFigure;
}

export type ScalingPolicyName = "step" | "target";

/** The per-instance model the replay runs on: CPU % of usable cores = idleCpuPct + cpuPctPerRps x RPS per instance. */
export interface AutoscaleCapacity {
  idleCpuPct: number;
  cpuPctPerRps: number;
  /** RPS per instance beyond which the SLO is missed; null = not measured (CPU saturation is used instead). */
  sloRpsPerInstance: number | null;
  /** The highest RPS per instance measured; replay loads beyond it rest on an extrapolated CPU model. */
  observedMaxRpsPerInstance?: number;
}

export interface AutoscaleMinute {
  minute: number;
  /** Offered load this minute. */
  rps: number;
  /** Instances serving traffic. */
  instances: number;
  /** Instances asked for (serving + starting). */
  desired: number;
  /** Average CPU of serving instances, % (capped at 100). */
  cpuPct: number;
  /** Load per serving instance exceeded the SLO bound this minute. */
  overSlo: boolean;
}

export interface AutoscaleAction {
  /** The minute whose end the decision was taken at; the instance serves from minute + 1 + startupMin (up) or minute + 1 (down). */
  minute: number;
  direction: "up" | "down";
  from: number;
  to: number;
  reason: string;
}

export interface AutoscaleResult {
  policy: ScalingPolicyName;
  /** The policy's parameters and the capacity model used, for the report. */
  parameters: Record<string, number | string>;
  minutes: AutoscaleMinute[];
  actions: AutoscaleAction[];
  /** Minutes in which load per serving instance exceeded the SLO bound (scaling lagging or max reached). */
  minutesOverSlo: number;
  /** Of those, minutes with the fleet already at max instances (more instances would not be allowed). */
  minutesOverSloAtMax: number;
  /** Reversals: an action opposite to the previous one within `flapWindowMin`. */
  flaps: number;
  flapWindowMin: number;
  instanceHours: number;
  peakInstances: number;
  minInstancesSeen: number;
  /** Over the SLO bound because of missing input (null = the SLO bound was known). */
  sloNote?: string;
  /** What the replay suggests changing in the policy, with the numbers that show it (empty when nothing). */
  advice: string[];
}

export interface ConnectionBudget {
  /** Connections available to apps: max_connections − reserved − admin. */
  available: PlanFigure;
  /** At the given instance count: instances × pool. */
  demand: PlanFigure;
  /** available − demand (negative = over budget). */
  headroom: PlanFigure;
  /** Most instances that fit without pgbouncer: floor(available / pool). */
  maxInstancesDirect: PlanFigure;
  /** The instance count at which pgbouncer (transaction mode) becomes necessary. */
  pgbouncerAtInstances: PlanFigure;
  /** With pgbouncer: most instances its client limit allows, floor(max_client_conn / pool). */
  maxInstancesWithPgbouncer: PlanFigure;
  /** Measured peak connections per instance vs the configured pool (is the pool oversized?). */
  measuredPeakPerInstance: PlanFigure;
  /** The same budget at the seed's pool range ends (20 and 50). */
  byPool: { pool: number; maxInstancesDirect: number; pgbouncerAtInstances: number }[];
  instances: number;
  needsPgbouncer: boolean;
}

export interface ReplicaPlan {
  readShare: PlanFigure;
  /** true when reads exceed the trigger share (null when read share was not measured). */
  triggered: boolean | null;
  /** Statements per second at the given RPS. */
  queriesPerSec: PlanFigure;
  /** Replicas needed for the read load beyond what the primary carries. */
  replicasNeeded: PlanFigure;
  lagTargetMs: number;
  recommendation: string;
}

export interface CachePlan {
  /** Working set at the given user count (scaled linearly from the measurement). */
  workingSetBytes: PlanFigure;
  /** Node memory needed to keep the working set under the memory target. */
  memoryNeededBytes: PlanFigure;
  /** Used memory as % of the current node. */
  memoryUsePct: PlanFigure;
  /** The smallest configured node that fits (null when none does: cluster). */
  nodeSize: InstanceSize | null;
  evictionPct: PlanFigure;
  /** Commands per second at the given RPS. */
  opsPerSec: PlanFigure;
  /** true when no single node fits the memory or the command rate. */
  clusterDue: boolean | null;
  recommendation: string;
}

/** The infrastructure one growth period needs, with its derivation. */
export interface GrowthRow {
  period: string;
  month: number;
  expectedUsers: number;
  peakConcurrent: PlanFigure;
  peakRps: PlanFigure;
  appInstances: PlanFigure;
  /** Instances exceed the configured maximum. */
  exceedsMaxInstances: boolean;
  connectionBudget: ConnectionBudget;
  replicas: ReplicaPlan;
  cache: CachePlan;
  /** One line: "4 x c6i.large, PostgreSQL db.m6g.large + pgbouncer, 1 replica, Redis cache.t4g.medium". */
  infrastructure: string;
}

export interface CostLine {
  item: string;
  quantity: number;
  unitMonthlyPrice: number;
  monthly: number;
}

export interface CostRow {
  period: string;
  month: number;
  lines: CostLine[];
  /** Sum of lines, with the formula. */
  monthly: PlanFigure;
  notes: string;
}

/** When the current setup (max instances, no pgbouncer, current cache node) stops being enough. */
export interface RunsOut {
  /** First month after launch at which something runs out; null = not within the horizon (or not measurable). */
  month: number | null;
  /** What runs out first, in words, and the figure that shows it. */
  limit: string | null;
  /** Each limit and the month it is reached (null = not within the horizon, or not measurable). */
  limits: { limit: string; month: number | null; detail: string }[];
  horizonMonths: number;
}

export interface GrowthPlan {
  perInstance: PerInstanceCapacity;
  rows: GrowthRow[];
  costs: CostRow[];
  runsOut: RunsOut;
  /** Inputs that were missing, and what could therefore not be computed. */
  missing: string[];
}

/** Everything planning derives, as the reports and `headroom plan` consume it. */
export interface CapacityPlanning {
  infrastructure: InfrastructureModel;
  inputs: CapacityInputs;
  growth: GrowthPlan;
  /** The configured setup: the connection budget at max instances; replicas and cache at the measured load (measured users x RPS per user). */
  current: { connectionBudget: ConnectionBudget; replicas: ReplicaPlan; cache: CachePlan };
  /** The autoscaling replay of each policy over the busiest period's day (when capacity is known). */
  autoscale: { period: string; step: AutoscaleResult; target: AutoscaleResult } | null;
}
