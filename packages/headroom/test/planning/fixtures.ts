// Shared by the planning tests: the repository's default infrastructure model, read once.
import { readFileSync } from "node:fs";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import type { RunData } from "../../src/planning/capacity-from-run.js";
import type { InfrastructureModel } from "../../src/planning/types.js";
import type { IntervalLine, TelemetryLine } from "../../src/core/types.js";

export const DEFAULT_INFRA_PATH = new URL("../../../../config/infrastructure.default.json", import.meta.url);
export const DEFAULT_INFRA_JSON: unknown = JSON.parse(readFileSync(DEFAULT_INFRA_PATH, "utf8"));

export function defaultInfra(): InfrastructureModel {
  return parseInfrastructure(structuredClone(DEFAULT_INFRA_JSON), "config/infrastructure.default.json");
}

export const T0 = 1_700_000_000_000;
// RPS is constant within each 5-second telemetry window: 10 x (k + 1) in window k (seconds 5k..5k+4).
const rpsAt = (s: number): number => 10 * (Math.floor(s / 5) + 1);

function interval(s: number): IntervalLine {
  const rps = rpsAt(s);
  const ep = (method: string, requests: number) => ({ method, requests, ok: requests, failed: 0, status: {}, errors: {}, bytesIn: 0, bytesOut: 0, hist: "" });
  return { t: s, ts: T0 + s * 1000, users: 50, dropped: 0, endpoints: { "/read": ep("GET", rps * 0.8), "/write": ep("POST", rps * 0.2) }, generator: { cpuPct: 1, eventLoopLagMsP99: 1, rssBytes: 1 } };
}

function telemetry(k: number): TelemetryLine[] {
  // Sample k at t = 5k covers window k-1, whose RPS is 10k. App CPU (two processes) = 5 + 0.5 x RPS % of a core.
  const rps = 10 * k;
  const cpu = 5 + 0.5 * rps;
  const at = { ts: T0 + 5000 * k, t: 5 * k, ok: true };
  return [
    { ...at, source: "process", values: { cpu_pct: cpu / 2, rss_bytes: 100e6 + k }, labels: { pid: "1" } },
    { ...at, source: "process", values: { cpu_pct: cpu / 2, rss_bytes: 100e6 }, labels: { pid: "2" } },
    { ...at, source: "postgres", values: { queries_per_sec: 2 * rps, connections: 3 + (k % 4), connections_active: 1 } },
    { ...at, source: "redis", values: { ops_per_sec: 3 * rps, used_memory_bytes: 1e6 * k, keyspace_hits_per_sec: 9, keyspace_misses_per_sec: 1, evicted_keys_per_sec: 0 } },
  ];
}

/** A 60-second closed-model run at 50 users, RPS rising in 5-second steps, with process, postgres and redis telemetry. */
export function syntheticRun(dir = "runs/synthetic"): RunData {
  return {
    dir,
    manifest: { name: "baseline", plan: { executor: "closed", durationSec: 60, users: 50 } },
    intervals: Array.from({ length: 60 }, (_, s) => interval(s)),
    telemetry: Array.from({ length: 12 }, (_, k) => telemetry(k + 1)).flat(),
  };
}

