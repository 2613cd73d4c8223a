// What planning reads: capacity measured by the analysis (CapacityInputs) and the infrastructure
// model (instance sizes, scaling policies, growth, prices).

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
