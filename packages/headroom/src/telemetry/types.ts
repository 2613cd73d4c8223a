// The shapes shared by the telemetry collectors and their scheduler. A collector reads one source
// (a Prometheus endpoint, PostgreSQL, Redis, processes, the host) when asked and returns readings;
// the scheduler turns readings into TelemetryLines for the run store. Collectors never throw
// past sample(): a source that is down becomes a reading with ok=false, so the gap is on record.

/** What to sample. Every part is optional; an absent part is not sampled. */
export interface TelemetryConfig {
  /** Any endpoint serving the Prometheus text exposition format (e.g. http://127.0.0.1:3000/metrics). */
  prometheus?: { url: string; timeoutMs?: number };
  /** A PostgreSQL connection string; the collector opens one dedicated connection of its own. */
  postgres?: { connectionString: string; timeoutMs?: number; slowQueryMs?: number; createStatementsExtension?: boolean };
  /** A Redis URL (redis://host:port/db). */
  redis?: { url: string; timeoutMs?: number };
  /** Processes by PID, and/or the process listening on a TCP port (with its child workers). */
  processes?: { pids?: number[]; port?: number };
  /** Host CPU, memory, network, load and disk (from /proc and statfs). */
  host?: boolean;
  /**
   * CPU of every other process on the host: all but these pids, the processes on this port, this
   * (the generator's) process, and their descendants. Noise a load test must not mistake for the platform.
   */
  others?: { pids?: number[]; port?: number };
}

/** One reading of a collector; the scheduler adds ts, t and source. */
export interface CollectorReading {
  ok: boolean;
  /** Why the reading failed (ok=false). */
  error?: string;
  values: Record<string, number>;
  labels?: Record<string, string>;
}

export interface Collector {
  /** TelemetryLine.source of its lines: "prometheus", "postgres", "redis", "process", "host". */
  readonly source: string;
  /**
   * Takes one sample. `nowMs` is the scheduler's clock at the start of the sample: rates are
   * deltas divided by the difference between two samples' nowMs, so tests can inject it.
   * Returns one reading (several for the process collector: one per process).
   */
  sample(nowMs: number): Promise<CollectorReading[]>;
  /** Releases connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Rounds to `digits` decimals (telemetry values are written to JSON; 15-digit noise helps no one). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The message of anything thrown, on one line. */
export function errorMessage(e: unknown): string {
  // Node's happy-eyeballs connect throws an AggregateError with an empty message: use its parts.
  if (e instanceof AggregateError && !e.message && e.errors.length > 0) return [...new Set(e.errors.map(errorMessage))].join("; ");
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const msg = e.message || String(e);
    return (typeof code === "string" && !msg.includes(code) ? `${code}: ${msg}` : msg).replace(/\s+/g, " ").trim();
  }
  return String(e);
}
