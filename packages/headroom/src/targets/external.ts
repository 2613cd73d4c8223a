// The external target: a platform already running at --target URL. headroom starts nothing, so
// stop() ends nothing; it samples and may fault only what the flags named (--postgres, --redis,
// --pid), and a local target's listening process.
import type { FaultTargets } from "../plan/faults.js";
import type { TelemetryConfig } from "../telemetry/types.js";
import type { RunningTarget, Target } from "./types.js";

export interface ExternalTargetOptions {
  /** The platform's base URL (--target), already checked to be http(s). */
  url: string;
  /** Its Prometheus endpoint (--metrics; default <url>/metrics). */
  metricsUrl?: string;
  /** PostgreSQL to sample and to drop the app's connections on (--postgres). */
  databaseUrl?: string;
  /** Redis to sample and to pause (--redis). */
  redisUrl?: string;
  /** App processes to sample and to stall (--pid). */
  pids: number[];
  /** A JSON file of bearer tokens (--tokens), absolute. */
  tokensFile?: string;
  /** App instances behind the URL (--instances). */
  instances: number;
}

function telemetryOf(o: ExternalTargetOptions): TelemetryConfig {
  const telemetry: TelemetryConfig = { host: true, prometheus: { url: o.metricsUrl ?? `${o.url}/metrics` } };
  if (o.databaseUrl) telemetry.postgres = { connectionString: o.databaseUrl };
  if (o.redisUrl) telemetry.redis = { url: o.redisUrl };
  const host = new URL(o.url);
  const port = Number(host.port || (o.url.startsWith("https:") ? 443 : 80));
  const local = /^(127\.|localhost|\[::1\])/.test(host.host);
  if (o.pids.length > 0 || local) telemetry.processes = o.pids.length > 0 ? { pids: o.pids } : { port };
  telemetry.others = { ...(o.pids.length > 0 ? { pids: o.pids } : {}), ...(local ? { port } : {}) };
  return telemetry;
}

/** Faults act only on what was named: the database with --postgres, processes with --pid, Redis with --redis. */
function faultTargetsOf(o: ExternalTargetOptions): FaultTargets {
  return {
    baseUrl: o.url,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
    ...(o.pids.length > 0 ? { pids: o.pids } : {}),
    ...(o.redisUrl ? { redisUrl: o.redisUrl } : {}),
    missing: { database: "no --postgres given", pids: "no --pid given: headroom stalls only processes it started or was given", redis: "no --redis given" },
  };
}

export function externalTarget(o: ExternalTargetOptions): Target {
  return {
    name: `target ${o.url}`,
    start: async (): Promise<RunningTarget> => {
      const notes: string[] = [];
      if (!o.databaseUrl) notes.push("no --postgres given: database telemetry not measured");
      if (!o.redisUrl) notes.push("no --redis given: Redis telemetry not measured");
      return {
        url: o.url,
        instances: o.instances,
        telemetry: telemetryOf(o),
        faultTargets: faultTargetsOf(o),
        vars: o.tokensFile ? { tokens: o.tokensFile } : {},
        environment: `target ${o.url}`,
        notes,
        // Only the versions of what headroom started are queried (today: none of an external platform).
        versions: async () => ({}),
        stop: async () => {},
      };
    },
  };
}
