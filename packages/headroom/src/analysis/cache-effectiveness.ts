// Cache effectiveness: hit and miss rates (the app's own counters, else Redis keyspace), the
// latency of requests served from the cache vs from the database (the app's request-duration
// histogram carries a `cache` label hit|miss), evictions, memory and policy.
import type { Targets } from "../plan/targets.js";
import { judge } from "./judge.js";
import { appDurationByLabel } from "./app-metrics.js";
import type { RunSignals } from "./run-signals.js";
import { round } from "./stats.js";
import { lastLabel } from "./telemetry-series.js";
import type { CacheEffectiveness } from "./types.js";
import { measureCacheHitPct } from "./verdicts.js";
import type { TelemetryLine } from "../core/types.js";

export function cacheEffectiveness(s: RunSignals, telemetry: readonly TelemetryLine[], targets: Targets): CacheEffectiveness {
  const m = measureCacheHitPct(s);
  const out: CacheEffectiveness = { verdict: "NOT_MEASURED", source: m.source, reason: m.note ?? "" };
  const bound = targets.levels[s.level].cacheHitPct;
  if (m.value !== undefined) {
    out.hitPct = round(m.value, 2);
    out.missPct = round(100 - m.value, 2);
    if (m.hits !== undefined) out.hits = m.hits;
    if (m.misses !== undefined) out.misses = m.misses;
    if (bound) out.verdict = judge(out.hitPct, bound).verdict;
  }
  const lat = appDurationByLabel(s.scrapes, "cache");
  if (lat) {
    const hit = lat.byValue.get("hit");
    const miss = lat.byValue.get("miss");
    if (hit) out.hitLatencyMs = round(hit.meanMs, 3);
    if (miss) out.missLatencyMs = round(miss.meanMs, 3);
    out.latencySource = lat.source;
  }
  const ev = s.readings.get("cache.evictedPerSec");
  if (ev) out.maxEvictedPerSec = round(Math.max(...ev.points.map((p) => p.v)), 3);
  const mem = s.readings.get("cache.memoryPct");
  if (mem) out.maxMemoryPct = round(Math.max(...mem.points.map((p) => p.v)), 2);
  const policy = lastLabel(telemetry, "redis", "maxmemory_policy");
  if (policy) out.policy = policy;
  if (out.hitPct !== undefined) {
    const parts = [`hit rate ${out.hitPct}%${bound ? ` (target ${bound.direction === "min" ? ">" : "<"} ${bound.target}%)` : ""}`];
    if (out.hitLatencyMs !== undefined && out.missLatencyMs !== undefined) parts.push(`hits average ${out.hitLatencyMs} ms vs misses ${out.missLatencyMs} ms`);
    if (out.policy && out.policy !== "allkeys-lru") parts.push(`eviction policy is ${out.policy}, not the allkeys-lru the platform specifies`);
    out.reason = parts.join("; ");
  }
  return out;
}
