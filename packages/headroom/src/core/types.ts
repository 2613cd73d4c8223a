// The run store: one directory per run, written while the run happens, read by everything after.
//
//   manifest.json      what ran (plan, versions, host, start, end, status); rewritten at start and end
//   intervals.ndjson   one IntervalLine per second of load (appended as each second closes)
//   telemetry.ndjson   one TelemetryLine per sample of each collector (appended as sampled)
//   summary.json       the RunSummary, written when the run ends (and derivable again from intervals)
//
// Because every line is appended when it is complete, a killed run leaves every completed second
// on disk; `headroom analyze`/`report` rebuild the summary from intervals.ndjson.

export const STORE_VERSION = 1;

export const MANIFEST_FILE = "manifest.json";
export const INTERVALS_FILE = "intervals.ndjson";
export const TELEMETRY_FILE = "telemetry.ndjson";
export const SUMMARY_FILE = "summary.json";

export type RunStatus = "running" | "completed" | "interrupted" | "failed";

/** Why a request did not count as a success. */
export type ErrorClass =
  | "timeout" // no complete response within the request timeout
  | "refused" // ECONNREFUSED
  | "reset" // ECONNRESET, EPIPE, socket closed mid-response
  | "dns" // ENOTFOUND, EAI_AGAIN
  | "protocol" // malformed HTTP, TLS failure
  | "status" // an HTTP status the request's check did not accept (default: >= 400)
  | "check" // a user-written check returned false or threw
  | "other";

export const ERROR_CLASSES: readonly ErrorClass[] = ["timeout", "refused", "reset", "dns", "protocol", "status", "check", "other"];

/** The load level a run is judged at (the seed's targets differ by level). */
export type LoadLevel = "normal" | "peak" | "sustained";

export interface StageSpec {
  /** Phase name reported per interval, e.g. "ramp-up", "peak", "ramp-down". */
  name?: string;
  durationSec: number;
  /** Closed model: users to reach by the end of the ramp (then held for the rest of the stage). */
  users?: number;
  /** Closed model: users started (or stopped) per second while moving toward `users`. */
  spawnRate?: number;
  /** Open model: arrivals per second reached by the end of the stage (linear ramp from the previous). */
  rate?: number;
}

/** The profile as run, in plain data (what --dry-run prints). */
export interface PlanDescription {
  executor: "closed" | "open" | "throughput";
  durationSec: number;
  users?: number;
  spawnRate?: number;
  stages?: StageSpec[];
  rate?: number;
  connections?: number;
  /** Open model: most requests in flight at once (capacity); an arrival beyond it is dropped. */
  maxInFlight?: number;
  url?: string;
  method?: string;
  scenario?: string;
  classes?: { name: string; weight: number; wait: string }[];
  timeoutMs?: number;
  workers?: number;
  seed?: number;
}

export interface HostInfo {
  hostname: string;
  platform: string;
  release: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memBytes: number;
  node: string;
}

export interface Manifest {
  storeVersion: number;
  id: string;
  /** Test or profile name ("baseline", "peak", "run" for ad-hoc runs). */
  name: string;
  tool: { name: string; version: string };
  /** Where the data came from: headroom itself, or an imported Locust/k6 result. */
  source: "headroom" | "locust" | "k6";
  target: { url?: string; scenario?: string };
  plan: PlanDescription;
  loadLevel?: LoadLevel;
  /** Users and durations were multiplied by this (headroom plan --scale). */
  scale?: number;
  /** Targets this run's profile cannot test, by metric id, with the reason (Profile.untestable). */
  untestable?: Record<string, string>;
  host: HostInfo;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  notes?: string[];
  /** A test split across hosts: this host's segment, or (a merged run) every part (k8s/merge-runs.ts). */
  distributed?: DistributedInfo;
}

/** One host's share of a test split across hosts, as the merged run accounts for it. */
export interface DistributedPart {
  segment: string;
  /** "missing": no run directory or stream came from this segment (it never started). */
  status: RunStatus | "missing";
  hostname?: string;
  /** Where the part came from: its run directory, or redis stream. */
  source?: string;
  /** Epoch ms of the part's t = 0. */
  startEpochMs?: number;
  /** Whole seconds it started after the test's start. */
  lateSec?: number;
  /** Seconds of the test (merged t) without a line from this part, as inclusive ranges. */
  missingSeconds: [number, number][];
  /** Why it is incomplete, in words; absent when whole. */
  problem?: string;
}

export interface DistributedInfo {
  /** A host's run: its segment ("2/4"). */
  segment?: string;
  /** The shared start (--start-at), epoch ms. */
  plannedStartEpochMs?: number;
  /** Epoch ms of this run's t = 0. */
  startEpochMs?: number;
  /** A merged run: every segment of the test, present or not. */
  parts?: DistributedPart[];
  /** A merged run: some part is missing seconds, so counts and rates in those seconds are low by its share. */
  partial?: boolean;
}

/** One named request's share of one second. */
export interface EndpointInterval {
  method: string;
  requests: number;
  ok: number;
  failed: number;
  /** Counts by HTTP status code ("200", "429", ...); requests without a response are absent. */
  status: Record<string, number>;
  errors: Partial<Record<ErrorClass, number>>;
  bytesIn: number;
  bytesOut: number;
  /** Encoded HDR histogram (compressed base64) of latency in microseconds, every request of the second. */
  hist: string;
}

/** One user class's share of one second (closed model with a scenario). */
export interface ClassInterval {
  requests: number;
  failed: number;
  /** Responses with status 429. */
  rateLimited: number;
  users: number;
}

export interface GeneratorInterval {
  /** CPU used by the generator process over the second, in % of one core (can exceed 100 with workers). */
  cpuPct: number;
  /** P99 of event-loop delay over the second, worst across workers, ms. */
  eventLoopLagMsP99: number;
  rssBytes: number;
}

export interface IntervalLine {
  /** Seconds since the run started: this line covers [t, t+1). Requests count in the second they completed. */
  t: number;
  /** Epoch ms of the start of the second. */
  ts: number;
  /** Active virtual users at the end of the second (closed model), or connections (throughput). */
  users: number;
  /** Open model: arrivals per second scheduled in this second. */
  targetRate?: number;
  /** Requests in flight at the end of the second. */
  inFlight?: number;
  phase?: string;
  /** Arrivals (open model) that could not start because no capacity was free. */
  dropped: number;
  endpoints: Record<string, EndpointInterval>;
  classes?: Record<string, ClassInterval>;
  generator: GeneratorInterval;
  /** Which segment wrote this line when lines are per segment (multi-host); absent once merged. */
  segment?: string;
  /** A merged line: the segments with no line for this second (its counts are low by their share). */
  missingSegments?: string[];
}

export type TelemetrySource = "postgres" | "redis" | "process" | "host" | "prometheus" | string;

export interface TelemetryLine {
  /** Epoch ms of the sample. */
  ts: number;
  /** Seconds since the run started. */
  t: number;
  source: TelemetrySource;
  ok: boolean;
  /** Why the sample failed (ok=false): the gap is recorded, the run goes on. */
  error?: string;
  /** Numeric readings; keys are listed in telemetry-keys.ts. */
  values: Record<string, number>;
  /** Textual readings (for example redis maxmemory_policy, slow query texts as JSON). */
  labels?: Record<string, string>;
}

export interface EndpointSummary {
  name: string;
  method: string;
  requests: number;
  ok: number;
  failed: number;
  ratePerSec: number;
  latencyMs: { min: number; mean: number; p50: number; p90: number; p95: number; p99: number; p999: number; max: number };
  status: Record<string, number>;
  errors: Record<string, number>;
}

export interface RunSummary {
  runDir: string;
  name: string;
  runStatus: RunStatus;
  startedAt: string;
  endedAt: string;
  /** Seconds covered by interval lines. */
  durationSec: number;
  requests: { total: number; ok: number; failed: number; ratePerSec: number };
  latencyMs: { min: number; mean: number; p50: number; p90: number; p95: number; p99: number; p999: number; max: number };
  /** Counts by HTTP status code over the whole run. */
  status: Record<string, number>;
  errors: Record<string, number>;
  dropped: number;
  bytes: { in: number; out: number };
  peakUsers: number;
  endpoints: EndpointSummary[];
  classes: Record<string, { requests: number; failed: number; rateLimited: number; rateLimitedPct: number }>;
  generator: { cpuPct: number; eventLoopLagMsP99: number; peakRssBytes: number; limited: boolean; reason?: string };
}
