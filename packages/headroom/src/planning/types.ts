// The planning part's data: what it reads (measured capacity + the infrastructure model) and what
// it returns (autoscaling replay, connection budget, replica and cache sizing, growth and cost).
// Every derived number is a PlanFigure carrying its formula and inputs, so a report can show how
// it was reached; a figure whose inputs were not measured has value null and says which are missing.

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/**
 * Measured capacity, in the units planning needs. Every field is optional: absent means "not
 * measured", and each figure depending on it comes out null with the reason. `sources` says where
 * each present figure came from (run directory, analysis field), for the report's footnotes.
 */
export interface CapacityInputs {
  /** What was measured, in words ("suite runs/2024-05-01", "run runs/peak-..."). */
  source: string;
  /** App instances that served the measured load (the per-instance figures are divided by it). Default 1. */
  measuredInstances?: number;
  /** Highest RPS one instance served with the latency and error targets met (the SLO bound). */
  maxRpsPerInstance?: number;
  /** The highest RPS per instance the measurement actually reached (beyond it, CPU per request is extrapolated). */
  observedMaxRpsPerInstance?: number;
  /** RPS one instance serves comfortably (targets met with margin; the analysis' comfortable capacity). */
  comfortableRpsPerInstance?: number;
  /** Concurrent users one instance served at its maximum / comfortably. */
  maxUsersPerInstance?: number;
  comfortableUsersPerInstance?: number;
  /** Requests per second one active (concurrent) user generates, from the measured mix and wait times. */
  rpsPerActiveUser?: number;
  /** App CPU per request, in core-milliseconds (app CPU core-seconds per second / RPS x 1000). */
  cpuMsPerRequest?: number;
  /** App CPU at zero load, in % of one core (the intercept of CPU against RPS). */
  idleCpuCorePct?: number;
  /** Resident memory of one instance at the measured peak, bytes. */
  memoryBytesPerInstance?: number;
  /** Share of requests that only read (GET/HEAD), 0-1. */
  readShare?: number;
  /** Database statements per request (queries per second / RPS). */
  dbQueriesPerRequest?: number;
  /** Database connections one instance held open at peak (idle ones count against max_connections too), and its pool size. */
  dbConnectionsPeakPerInstance?: number;
  dbPoolPerInstance?: number;
  /** Bytes of cache the measured load touched (Redis used_memory at steady state). */
  cacheWorkingSetBytes?: number;
  /** Cache hit rate, % of lookups. */
  cacheHitPct?: number;
  /** Keys evicted per key written, % (the seed's eviction rate). */
  cacheEvictionPct?: number;
  /** Cache commands per request (Redis ops/s / RPS). */
  cacheOpsPerRequest?: number;
  /** Concurrent users during the measurement the working set and rates were read at. */
  measuredAtUsers?: number;
  /** RPS per minute of a measured run, for the autoscaling replay over a real curve. */
  rpsPerMinute?: number[];
  /** Where each present field came from, keyed by field name. */
  sources?: Partial<Record<Exclude<keyof CapacityInputs, "source" | "sources">, string>>;
}

export interface InstanceSize {
  /** Provider name of the size, e.g. "c6i.large". */
  type: string;
  vcpus: number;
  memoryGb: number;
  /** Assumed monthly price of one instance (see `assumptions`). */
  monthlyPrice: number;
}

export interface StepPolicy {
  /** +1 instance when average CPU stays above this ... */
  scaleUpCpuPct: number;
  /** ... for this many consecutive minutes. */
  scaleUpForMin: number;
  /** −1 instance when average CPU stays below this ... */
  scaleDownCpuPct: number;
  /** ... for this many consecutive minutes. */
  scaleDownForMin: number;
  /** No further scaling action for this long after one (the cloud providers' cooldown). */
  cooldownMin: number;
}

export interface TargetPolicy {
  /** Keep average CPU near this. */
  targetCpuPct: number;
  /** Scale out when CPU is above target for this many consecutive minutes. */
  scaleOutForMin: number;
  /** Scale in when CPU is below `scaleInBelowPct` of the target for this many consecutive minutes. */
  scaleInForMin: number;
  /** % of the target below which scale-in is considered (hysteresis, so it does not flap). */
  scaleInBelowPct: number;
  cooldownMin: number;
}

export interface GrowthPeriod {
  /** "Launch", "3 months", ... */
  name: string;
  /** Months after launch. */
  month: number;
  /** Registered (or monthly active) users expected by then. */
  expectedUsers: number;
  /** Share of expected users online at the daily peak, 0-1. */
  peakConcurrencyRatio: number;
}

/** The infrastructure model (config/infrastructure.default.json, overridable with --infra FILE). */
export interface InfrastructureModel {
  /** Free text stating what the prices and growth figures assume. */
  assumptions: string[];
  currency: string;
  app: {
    size: InstanceSize;
    /** Vertical upgrade path: bigger sizes, in order. */
    upgradePath: InstanceSize[];
    minInstances: number;
    maxInstances: number;
    /** Node.js worker processes per instance; an instance uses at most min(vcpus, workers) cores. */
    workersPerInstance: number;
    /** Minutes from a scale-up decision until the new instance serves traffic. */
    startupMin: number;
    /** Planning target for average CPU (the seed: 60 %). */
    targetCpuPct: number;
    /** Memory alert bound, % (the seed: 80 %). */
    memoryLimitPct: number;
  };
  database: {
    size: InstanceSize;
    /** The app's pool per instance: the seed's 20-50 range and the value in use. */
    poolPerInstance: number;
    poolMinPerInstance: number;
    poolMaxPerInstance: number;
    maxConnections: number;
    /** Connections PostgreSQL keeps for superusers (superuser_reserved_connections, default 3). */
    reservedConnections: number;
    /** Connections kept free for migrations, admin and monitoring. */
    adminConnections: number;
    replicas: number;
    maxReplicas: number;
    replicaMonthlyPrice: number;
    /** Add replicas when reads exceed this share of traffic (the seed: 0.70). */
    replicaReadShareTrigger: number;
    replicaLagTargetMs: number;
    /** Statements per second one database node handles at its target load (an assumption; not measured by headroom). */
    maxQueriesPerSecPerNode: number;
    /** pgbouncer in transaction mode (the seed's settings). */
    pgbouncer: { poolMode: "transaction" | "session" | "statement"; defaultPoolSize: number; maxClientConnections: number; monthlyPrice: number };
  };
  cache: {
    size: InstanceSize;
    /** Bigger cache nodes, in order (vertical cache scaling). */
    upgradePath: InstanceSize[];
    evictionPolicy: string;
    /** Keep used memory under this % of the node's memory (the seed's cache memory target: 80 %). */
    memoryTargetPct: number;
    /** Eviction rate target, % of writes (the seed: < 1 %). */
    evictionTargetPct: number;
    /** Commands per second one Redis node handles at its target load (an assumption). */
    maxOpsPerSecPerNode: number;
  };
  loadBalancer: { type: string; timeoutSec: number; healthCheckPath: string; monthlyPrice: number };
  scaling: { step: StepPolicy; target: TargetPolicy };
  traffic: {
    /** 24 hourly factors of the day's peak (1 = peak hour), replayed minute by minute. */
    dailyShape: number[];
  };
  growth: {
    periods: GrowthPeriod[];
    /** Monthly growth after the last period, % (extrapolates "when the setup runs out"). */
    monthlyGrowthPctAfter: number;
  };
}

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
