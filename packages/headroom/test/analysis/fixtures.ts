// Builders of synthetic run stores for the analysis tests: interval lines with real encoded
// histograms, and telemetry lines in the collectors' formats, all from a seeded RNG.
import { createHistogram, encodeHistogram } from "../../src/metrics/histogram.js";
import type { RunStore } from "../../src/store/run-store.js";
import type { IntervalLine, LoadLevel, Manifest, TelemetryLine } from "../../src/core/types.js";
import { seededRng, type Rng } from "../../src/core/rng.js";

export const T0 = Date.UTC(2025, 0, 1);

export interface SecondSpec {
  users: number;
  /** Requests completed in the second. */
  requests: number;
  /** Latency of request i in µs. */
  latencyUs: (i: number, rng: Rng) => number;
  failed?: number;
  status429?: number;
  timeouts?: number;
  phase?: string;
  endpoint?: string;
  targetRate?: number;
  generatorCpuPct?: number;
}

export function intervalLine(t: number, s: SecondSpec, rng: Rng): IntervalLine {
  const h = createHistogram();
  for (let i = 0; i < s.requests; i++) h.recordValue(Math.max(1, Math.round(s.latencyUs(i, rng))));
  const hist = s.requests > 0 ? encodeHistogram(h) : "";
  h.destroy();
  const failed = s.failed ?? 0;
  const r429 = s.status429 ?? 0;
  const status: Record<string, number> = { "200": s.requests - failed - r429 };
  if (failed) status["500"] = failed - (s.timeouts ?? 0);
  if (r429) status["429"] = r429;
  const errors: Record<string, number> = {};
  if (failed - (s.timeouts ?? 0) > 0) errors.status = failed - (s.timeouts ?? 0);
  if (s.timeouts) errors.timeout = s.timeouts;
  const line: IntervalLine = {
    t,
    ts: T0 + t * 1000,
    users: s.users,
    dropped: 0,
    endpoints: { [s.endpoint ?? "/api/x"]: { method: "GET", requests: s.requests, ok: s.requests - failed, failed, status, errors, bytesIn: s.requests * 500, bytesOut: s.requests * 100, hist } },
    generator: { cpuPct: s.generatorCpuPct ?? 20, eventLoopLagMsP99: 2, rssBytes: 80e6 },
  };
  if (s.phase) line.phase = s.phase;
  if (s.targetRate !== undefined) line.targetRate = s.targetRate;
  return line;
}

export function manifest(name: string, level?: LoadLevel): Manifest {
  return {
    storeVersion: 1,
    id: `test-${name}`,
    name,
    tool: { name: "headroom", version: "test" },
    source: "headroom",
    target: { url: "http://127.0.0.1:1" },
    plan: { executor: "closed", durationSec: 60, users: 100 },
    ...(level ? { loadLevel: level } : {}),
    host: { hostname: "test", platform: "linux", release: "", arch: "x64", cpus: 2, cpuModel: "", memBytes: 8e9, node: "v20" },
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 60_000).toISOString(),
    status: "completed",
  };
}

export function store(name: string, intervals: IntervalLine[], telemetry: TelemetryLine[] = [], level?: LoadLevel): RunStore {
  return { dir: `/fixtures/${name}`, manifest: manifest(name, level), intervals, telemetry, skippedLines: 0 };
}

/** `seconds` seconds of steady load at `users`, `rps` requests per second, latency around `latencyMs`. */
export function steadyRun(seconds: number, opts: { users?: number; rps?: number; latencyMs?: number; failPerSec?: number; seed?: number; phase?: (t: number) => string } = {}): IntervalLine[] {
  const rng = seededRng(opts.seed ?? 1);
  const users = opts.users ?? 100;
  const rps = opts.rps ?? 60;
  const lat = (opts.latencyMs ?? 20) * 1000;
  return Array.from({ length: seconds }, (_, t) => {
    const spec: SecondSpec = { users, requests: rps, latencyUs: (_i, r) => lat * (0.5 + r.next()), failed: opts.failPerSec ?? 0 };
    const phase = opts.phase?.(t);
    if (phase) spec.phase = phase;
    return intervalLine(t, spec, rng);
  });
}

/** One telemetry sample every `everySec` seconds over `seconds`, values from `f(t)`. */
export function telemetry(source: string, seconds: number, everySec: number, f: (t: number) => Record<string, number>, labels?: (t: number) => Record<string, string>): TelemetryLine[] {
  const out: TelemetryLine[] = [];
  for (let t = 0; t <= seconds; t += everySec) {
    const line: TelemetryLine = { ts: T0 + t * 1000, t, source, ok: true, values: f(t) };
    const l = labels?.(t);
    if (l) line.labels = l;
    out.push(line);
  }
  return out;
}

/** Prometheus scrapes of a MueJam-like app: pool gauges, cache counters, request-duration and queries-per-request histograms. */
export function appScrapes(
  seconds: number,
  everySec: number,
  f: (t: number) => { poolMax: number; poolInUse: number; waiting: number; hits: number; misses: number; hitMs: number; missMs: number; queriesPerRequest: number; requests: number; lagSec?: number; acquireMs?: number; statementMs?: number },
): TelemetryLine[] {
  let acquireSum = 0;
  let statementSum = 0;
  let hits = 0;
  let misses = 0;
  let hitSum = 0;
  let missSum = 0;
  let qSum = 0;
  let qCount = 0;
  return telemetry("prometheus", seconds, everySec, (t) => {
    const v = f(t);
    if (t > 0) {
      hits += v.hits;
      misses += v.misses;
      hitSum += (v.hits * v.hitMs) / 1000;
      missSum += (v.misses * v.missMs) / 1000;
      qSum += v.requests * v.queriesPerRequest;
      qCount += v.requests;
      acquireSum += (v.requests * v.queriesPerRequest * (v.acquireMs ?? 0.02)) / 1000;
      statementSum += (v.requests * v.queriesPerRequest * (v.statementMs ?? 2)) / 1000;
    }
    return {
      'muejam_db_pool_acquire_seconds_sum{pool="primary"}': acquireSum,
      'muejam_db_pool_acquire_seconds_count{pool="primary"}': qSum,
      'muejam_db_query_duration_seconds_sum{kind="read",outcome="ok"}': statementSum,
      'muejam_db_query_duration_seconds_count{kind="read",outcome="ok"}': qSum,
      'muejam_db_pool_max_connections{pool="primary"}': v.poolMax,
      'muejam_db_pool_total_connections{pool="primary"}': v.poolInUse,
      'muejam_db_pool_idle_connections{pool="primary"}': 0,
      'muejam_db_pool_waiting_clients{pool="primary"}': v.waiting,
      'muejam_cache_hits_total{family="story"}': hits,
      'muejam_cache_misses_total{family="story"}': misses,
      'muejam_http_request_duration_seconds_sum{route="/api/stories/:slug",method="GET",status="200",cache="hit"}': hitSum,
      'muejam_http_request_duration_seconds_count{route="/api/stories/:slug",method="GET",status="200",cache="hit"}': hits,
      'muejam_http_request_duration_seconds_sum{route="/api/stories/:slug",method="GET",status="200",cache="miss"}': missSum,
      'muejam_http_request_duration_seconds_count{route="/api/stories/:slug",method="GET",status="200",cache="miss"}': misses,
      'muejam_db_queries_per_request_sum{route="/api/stories/:slug"}': qSum,
      'muejam_db_queries_per_request_count{route="/api/stories/:slug"}': qCount,
      nodejs_eventloop_lag_p99_seconds: v.lagSec ?? 0.012,
      "rate(muejam_cache_hits_total)": 1,
    };
  });
}
