// Synthetic run stores for the report tests: a closed-model run with ramp-up / peak / ramp-down,
// four endpoints with seeded latencies, user classes with 429s, errors, and telemetry from every
// collector (one failed sample). Deterministic for a given seed.
import { summarizeIntervals } from "../../src/metrics/summary.js";
import { createRunStore } from "../../src/store/run-store.js";
import { createHistogram, encodeHistogram } from "../../src/metrics/histogram.js";
import { seededRng, type Rng } from "../../src/core/rng.js";
import type { EndpointInterval, IntervalLine, Manifest, TelemetryLine } from "../../src/core/types.js";

export interface FixtureOptions {
  seed?: number;
  durationSec?: number;
  peakUsers?: number;
  /** Multiplies every latency of these endpoints (default: none). */
  slowdown?: Record<string, number>;
  /** Multiplies request counts (throughput) of every endpoint. */
  throughputFactor?: number;
  /** Extra failure probability per request. */
  errorRate?: number;
  telemetry?: boolean;
  /** Leave out summary.json (a killed run). */
  killed?: boolean;
  name?: string;
}

export const START_MS = Date.UTC(2025, 0, 15, 10, 0, 0);

const ENDPOINTS: { name: string; method: string; share: number; baseMs: number }[] = [
  { name: "/api/discovery/trending", method: "GET", share: 0.4, baseMs: 18 },
  { name: "/api/stories/[slug]", method: "GET", share: 0.3, baseMs: 12 },
  { name: "/api/search/stories", method: "GET", share: 0.2, baseMs: 45 },
  { name: "/api/whispers [POST]", method: "POST", share: 0.1, baseMs: 30 },
];

/** A latency with a long right tail: base × exp(0.5 N(0,1)) with an occasional slow request. */
function latencyUs(rng: Rng, baseMs: number, load: number): number {
  const u1 = Math.max(rng.next(), 1e-12);
  const u2 = rng.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const tail = rng.next() < 0.01 ? 6 : 1;
  return Math.max(50, Math.round(baseMs * (1 + load) * Math.exp(0.5 * z) * tail * 1000));
}

export function usersAt(t: number, durationSec: number, peak: number): { users: number; phase: string } {
  const up = Math.round(durationSec / 4);
  const down = durationSec - Math.round(durationSec / 4);
  if (t < up) return { users: Math.max(1, Math.round((peak * (t + 1)) / up)), phase: "ramp-up" };
  if (t < down) return { users: peak, phase: "peak" };
  return { users: Math.max(1, Math.round((peak * (durationSec - t)) / (durationSec - down))), phase: "ramp-down" };
}

export function fixtureManifest(name: string, durationSec: number, peak: number): Manifest {
  return {
    storeVersion: 1,
    id: `${name}-fixture`,
    name,
    tool: { name: "headroom", version: "0.1.0" },
    source: "headroom",
    target: { url: "http://127.0.0.1:3000", scenario: "apps/backend/tests/load_tests/muejam.ts" },
    plan: { executor: "closed", durationSec, users: peak, spawnRate: 10, scenario: "muejam", classes: [{ name: "AuthenticatedUser", weight: 70, wait: "between(1s, 5s)" }, { name: "UnauthenticatedUser", weight: 25, wait: "between(2s, 8s)" }], workers: 1, seed: 1 },
    loadLevel: "peak",
    host: { hostname: "fixture-host", platform: "linux", release: "6.1", arch: "x64", cpus: 2, cpuModel: "Fixture CPU", memBytes: 8 * 1024 ** 3, node: "v20.20.2" },
    startedAt: new Date(START_MS).toISOString(),
    status: "running",
  };
}

export function buildIntervals(o: FixtureOptions = {}): IntervalLine[] {
  const rng = seededRng(o.seed ?? 1);
  const durationSec = o.durationSec ?? 120;
  const peak = o.peakUsers ?? 100;
  const lines: IntervalLine[] = [];
  for (let t = 0; t < durationSec; t++) {
    const { users, phase } = usersAt(t, durationSec, peak);
    const load = users / peak;
    const total = Math.round(users * 0.5 * (o.throughputFactor ?? 1) * (0.9 + 0.2 * rng.next()));
    const endpoints: Record<string, EndpointInterval> = {};
    let rateLimitedTotal = 0;
    for (const ep of ENDPOINTS) {
      const n = Math.max(1, Math.round(total * ep.share));
      const h = createHistogram();
      const status: Record<string, number> = {};
      let failed = 0;
      let timeouts = 0;
      let rateLimited = 0;
      for (let i = 0; i < n; i++) {
        h.recordValue(Math.round(latencyUs(rng, ep.baseMs, 0.3 * load) * (o.slowdown?.[ep.name] ?? 1)));
        const r = rng.next();
        if (ep.method === "POST" && load > 0.8 && r < 0.15) {
          rateLimited++;
          status["429"] = (status["429"] ?? 0) + 1;
        } else if (r < (o.errorRate ?? 0.002)) {
          failed++;
          if (rng.next() < 0.3) timeouts++;
          else status["500"] = (status["500"] ?? 0) + 1;
        } else status["200"] = (status["200"] ?? 0) + 1;
      }
      rateLimitedTotal += rateLimited;
      const errors: EndpointInterval["errors"] = {};
      if (failed - timeouts > 0) errors.status = failed - timeouts;
      if (timeouts > 0) errors.timeout = timeouts;
      endpoints[ep.name] = { method: ep.method, requests: n, ok: n - failed, failed, status, errors, bytesIn: n * 900, bytesOut: n * 120, hist: encodeHistogram(h) };
      h.destroy();
    }
    const requests = Object.values(endpoints).reduce((s, e) => s + e.requests, 0);
    const failed = Object.values(endpoints).reduce((s, e) => s + e.failed, 0);
    const auth = Math.round(requests * 0.75);
    lines.push({
      t,
      ts: START_MS + t * 1000,
      users,
      phase,
      dropped: 0,
      endpoints,
      classes: {
        AuthenticatedUser: { requests: auth, failed: Math.round(failed * 0.75), rateLimited: rateLimitedTotal, users: Math.round(users * 0.74) },
        UnauthenticatedUser: { requests: requests - auth, failed: failed - Math.round(failed * 0.75), rateLimited: 0, users: users - Math.round(users * 0.74) },
      },
      generator: { cpuPct: 20 + 10 * load, eventLoopLagMsP99: 2, rssBytes: 120e6 },
    });
  }
  return lines;
}

export function buildTelemetry(durationSec: number, peak: number, seed = 7): TelemetryLine[] {
  const rng = seededRng(seed);
  const out: TelemetryLine[] = [];
  for (let t = 0; t <= durationSec; t += 5) {
    const load = usersAt(Math.min(t, durationSec - 1), durationSec, peak).users / peak;
    const ts = START_MS + t * 1000;
    out.push({ ts, t, source: "process", ok: true, values: { cpu_pct: 15 + 60 * load + 5 * rng.next(), rss_bytes: (180 + 0.2 * t + 10 * load) * 1024 * 1024, open_fds: 40 + Math.round(20 * load), threads: 11 }, labels: { pid: "4242", command: "node" } });
    out.push({ ts: ts + 20, t: t + 0.02, source: "host", ok: true, values: { cpu_pct: 20 + 50 * load, mem_used_pct: 41 + 3 * load, mem_used_bytes: 3.3e9, mem_total_bytes: 8e9, cores: 2, load1: 1.2 } });
    if (t === 60) out.push({ ts: ts + 40, t: t + 0.04, source: "postgres", ok: false, error: "timeout after 2000 ms", values: {} });
    else {
      const conns = Math.round(5 + 30 * load + 2 * rng.next());
      out.push({ ts: ts + 40, t: t + 0.04, source: "postgres", ok: true, values: { connections: conns, connections_active: Math.round(conns * 0.6), connections_idle: Math.round(conns * 0.4), connections_idle_in_tx: 0, max_connections: 100, connections_pct: conns, blks_hit_pct: 99.2, mean_query_ms: 2 + 6 * load, slow_queries: 0, lock_waits: 0 } });
    }
    out.push({ ts: ts + 60, t: t + 0.06, source: "redis", ok: true, values: { hit_pct: 70 + 20 * load + 3 * rng.next(), keyspace_hits_per_sec: 400 * load, keyspace_misses_per_sec: 60 * load, used_memory_bytes: 30e6, maxmemory_bytes: 256e6, memory_pct: 11.7, evicted_keys_per_sec: 0, ops_per_sec: 900 * load, connected_clients: 12 }, labels: { maxmemory_policy: "allkeys-lru" } });
  }
  return out;
}

/** Writes a complete fixture run store into `dir` and returns the dir. Call initHistograms() first. */
export function writeFixtureRun(dir: string, o: FixtureOptions = {}): string {
  const durationSec = o.durationSec ?? 120;
  const peak = o.peakUsers ?? 100;
  const manifest = fixtureManifest(o.name ?? "peak", durationSec, peak);
  const store = createRunStore(dir, manifest);
  const lines = buildIntervals(o);
  for (const line of lines) store.appendInterval(line);
  if (o.telemetry !== false) for (const l of buildTelemetry(durationSec, peak)) store.appendTelemetry(l);
  const endedAt = new Date(START_MS + durationSec * 1000);
  // A killed run: the files are closed (as the OS does) but no summary was written.
  if (o.killed) store.finish("running", undefined, endedAt);
  else store.finish("completed", summarizeIntervals(lines, { ...manifest, status: "completed", endedAt: endedAt.toISOString() }, store.dir), endedAt);
  return dir;
}
