// Telemetry: what the platform felt while the load ran. One collector per source, each optional,
// sampled together every intervalMs (5 s by default) into a sink (normally the run store's
// appendTelemetry). A failing source never stops the run: its lines say ok=false and why.
//
//   const telemetry = startTelemetry({ postgres: { connectionString }, redis: { url }, processes: { port: 3000 }, host: true },
//     (line) => store.appendTelemetry(line), { startedAtMs: Date.parse(manifest.startedAt), intervalMs: 5000 });
//   ...run the load...
//   await telemetry.stop();
import { HeadroomError } from "../core/errors.js";
import { createHostCollector } from "./host-collector.js";
import { createOthersCollector } from "./others-collector.js";
import { createPostgresCollector } from "./postgres-collector.js";
import { createProcessCollector } from "./process-collector.js";
import { createPrometheusCollector } from "./prometheus-collector.js";
import { createRedisCollector } from "./redis-collector.js";
import { scheduleCollectors, type TelemetryHandle, type TelemetrySink } from "./telemetry-scheduler.js";
import type { Collector, TelemetryConfig } from "./types.js";
import type { Clock } from "../core/clock.js";
import { redactSecrets } from "../core/redact.js";

export type { Collector, CollectorReading, TelemetryConfig } from "./types.js";
export { scheduleCollectors, type ScheduleOptions, type TelemetryHandle, type TelemetrySink } from "./telemetry-scheduler.js";
export { createPrometheusCollector, bucketQuantile, type PrometheusCollectorOptions } from "./prometheus-collector.js";
export { parsePrometheusText, seriesKey, familyOf, parsePromValue, type PromExposition, type PromSample, type PromType, type PromParseError } from "./prometheus-text.js";
export { createPostgresCollector, type PostgresCollectorOptions, type QuerySource, type SlowStatement } from "./postgres-collector.js";
export { createRedisCollector, REDIS_EXTRA_KEYS, type RedisCollectorOptions } from "./redis-collector.js";
export { parseRedisInfo, type RedisInfo } from "./redis-info.js";
export { createProcessCollector, type ProcessCollectorOptions } from "./process-collector.js";
export { findPortProcesses, type PortProcesses } from "./port-owner.js";
export { createHostCollector, HOST_EXTRA_KEYS, type HostCollectorOptions } from "./host-collector.js";
export { createOthersCollector, descendantsOf, OTHERS_KEYS, type OthersCollectorOptions } from "./others-collector.js";
export { summarizeTelemetry, formatTelemetryTable, type TelemetrySummary, type TelemetrySourceStats, type TelemetrySeriesStats } from "./telemetry-summary.js";

export interface StartTelemetryOptions {
  /** Epoch ms of t=0 (the run's start). */
  startedAtMs: number;
  /** Sampling period. Default 5000. */
  intervalMs?: number;
  /** Filesystem whose usage the host collector reports (the run directory). Default "/". */
  diskPath?: string;
  /** Injected clock (tests); the real one by default. */
  clock?: Clock;
  /** Take one more sample on stop(). Default true. */
  finalSample?: boolean;
  onSinkError?: (e: unknown) => void;
}

function checkUrl(what: string, url: string, protocols: string[], example: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HeadroomError("HR_BAD_URL", `${what} "${redactSecrets(url)}" is not a URL; expected the form ${example}`, `give the full URL, for example ${example}`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new HeadroomError("HR_BAD_URL", `${what} "${redactSecrets(url)}" has protocol "${u.protocol}"; expected ${protocols.join(" or ")}`, `use the form ${example}`);
  }
}

function checkWholeNumber(what: string, n: number, min: number, max: number, fix: string): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HeadroomError("HR_BAD_NUMBER", `${what} ${String(n)} is not a whole number from ${min} to ${max}`, fix);
  }
}

/** Builds the collectors a config asks for (validating it first). */
export function createCollectors(config: TelemetryConfig, opts: { diskPath?: string } = {}): Collector[] {
  const out: Collector[] = [];
  if (config.prometheus) {
    checkUrl("prometheus URL", config.prometheus.url, ["http:", "https:"], "http://127.0.0.1:3000/metrics");
    out.push(createPrometheusCollector(config.prometheus));
  }
  if (config.postgres) {
    checkUrl("postgres connection string", config.postgres.connectionString, ["postgres:", "postgresql:"], "postgres://user:password@127.0.0.1:5432/dbname");
    out.push(createPostgresCollector(config.postgres));
  }
  if (config.redis) {
    checkUrl("redis URL", config.redis.url, ["redis:", "rediss:"], "redis://127.0.0.1:6379/0");
    out.push(createRedisCollector(config.redis));
  }
  const p = config.processes;
  if (p && ((p.pids?.length ?? 0) > 0 || p.port !== undefined)) {
    for (const pid of p.pids ?? []) checkWholeNumber("pid", pid, 1, 2 ** 22, "give the numeric process id, as `pgrep -f <name>` prints it");
    if (p.port !== undefined) checkWholeNumber("port", p.port, 1, 65535, "give the TCP port the target listens on, for example 3000");
    out.push(createProcessCollector({ pids: p.pids, port: p.port }));
  }
  if (config.host) out.push(createHostCollector({ diskPath: opts.diskPath }));
  const others = config.others;
  if (others) out.push(createOthersCollector({ ...(others.pids ? { pids: others.pids } : {}), ...(others.port !== undefined ? { port: others.port } : {}) }));
  return out;
}

/**
 * Starts sampling every configured source now and then every intervalMs; lines go to `sink`.
 * Throws HR_BAD_URL / HR_BAD_NUMBER for a config that cannot work; unreachable sources are not
 * errors here, they produce ok=false lines.
 */
export function startTelemetry(config: TelemetryConfig, sink: TelemetrySink, opts: StartTelemetryOptions): TelemetryHandle {
  const collectors = createCollectors(config, { diskPath: opts.diskPath });
  return scheduleCollectors(collectors, sink, {
    startedAtMs: opts.startedAtMs,
    intervalMs: opts.intervalMs,
    clock: opts.clock,
    finalSample: opts.finalSample,
    onSinkError: opts.onSinkError,
  });
}
