// Bottleneck rules of the cache, the network (link and connection handling, the accept queue)
// and the load generator itself (see bottlenecks.ts for scoring and ranking).
import { GENERATOR_CPU_LIMIT_PCT, GENERATOR_LAG_LIMIT_MS } from "../metrics/summary.js";
import { round } from "./stats.js";
import type { Evidence } from "./types.js";
import { clamp01, fmt, maxOf, rateTotal, type BottleneckInputs, type Finding } from "./bottleneck-rule-kit.js";

export function cacheRule(i: BottleneckInputs): Finding | undefined {
  const c = i.cache;
  const bound = i.targets.levels[i.signals.level].cacheHitPct?.target;
  if (c.hitPct === undefined || bound === undefined || c.hitPct >= bound) return undefined;
  const evidence: Evidence[] = [{ what: "cache hit rate", value: c.hitPct, unit: "%", source: c.source }];
  if (c.hits !== undefined && c.misses !== undefined) evidence.push({ what: "hits / misses", value: `${c.hits} / ${c.misses}`, source: c.source });
  if (c.hitLatencyMs !== undefined && c.missLatencyMs !== undefined) evidence.push({ what: "mean latency of hits / misses", value: `${c.hitLatencyMs} / ${c.missLatencyMs}`, unit: "ms", source: c.latencySource ?? c.source });
  if (c.maxEvictedPerSec !== undefined) evidence.push({ what: "evictions per second (max)", value: c.maxEvictedPerSec, source: "telemetry redis.evicted_keys_per_sec" });
  return {
    kind: "cache",
    component: "cache",
    // Redis when its telemetry was sampled; otherwise the app's own counters (an in-process cache, or Redis not watched).
    componentLabel: [...i.signals.readings.values()].some((r) => r.source.includes("redis")) ? "cache (Redis)" : "cache",
    symptom: `cache hit rate ${c.hitPct}% (target > ${bound}%)`,
    evidence,
    limit: `${c.hitPct}% of lookups served from the cache`,
    impact: `${fmt(100 - c.hitPct)}% of cacheable reads go to PostgreSQL${c.hitLatencyMs !== undefined && c.missLatencyMs !== undefined ? `, each costing ${fmt(c.missLatencyMs - c.hitLatencyMs, 2)} ms more than a hit` : ""}`,
    recommendation: c.hitPct < 5 ? "the cache is not serving reads: check that caching is enabled and reachable, and that reads are cached after a miss (cache-aside)" : "lengthen the TTLs of hot keys, cache the hot reads that miss, and check that writes invalidate rather than flush",
    score: 0.5 + 0.5 * clamp01((bound - c.hitPct) / bound),
  };
}

export function cacheEvictions(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const pct = maxOf(s, "cache.evictionPct");
  const perSec = maxOf(s, "cache.evictedPerSec");
  const mem = maxOf(s, "cache.memoryPct");
  if (!((pct !== undefined && pct >= 1) || ((perSec ?? 0) > 0 && (mem ?? 0) >= 90))) return undefined;
  const evidence: Evidence[] = [];
  if (perSec !== undefined) evidence.push({ what: "evictions per second (max)", value: round(perSec, 2), source: s.readings.get("cache.evictedPerSec")!.source });
  if (pct !== undefined) evidence.push({ what: "evictions (% of writes, max)", value: round(pct, 2), unit: "%", source: s.readings.get("cache.evictionPct")!.source });
  if (mem !== undefined) evidence.push({ what: "cache memory (% of maxmemory, max)", value: round(mem, 1), unit: "%", source: s.readings.get("cache.memoryPct")!.source });
  return {
    kind: "cache-evictions",
    component: "cache",
    componentLabel: "cache memory",
    symptom: `Redis evicted keys${pct !== undefined ? ` (${fmt(pct, 2)}% of writes)` : ""} at ${fmt(mem ?? 0)}% of its memory`,
    evidence,
    limit: "maxmemory reached: the working set does not fit",
    impact: "hot keys are evicted and re-read from PostgreSQL",
    recommendation: "raise Redis maxmemory to the working set (keep evictions under 1 % of writes), or shorten TTLs of cold keys",
    score: 0.5 + 0.5 * clamp01(((pct ?? 1) - 1) / 9),
  };
}

export function network(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const total = s.summary.requests.total;
  const connErrors = (s.summary.errors.reset ?? 0) + (s.summary.errors.refused ?? 0);
  const share = total > 0 ? connErrors / total : 0;
  const rx = maxOf(s, "host.netRxBytesPerSec");
  const tx = maxOf(s, "host.netTxBytesPerSec");
  const util = i.linkBytesPerSec && (rx !== undefined || tx !== undefined) ? Math.max(rx ?? 0, tx ?? 0) / i.linkBytesPerSec : undefined;
  if (share < 0.01 && (util === undefined || util < 0.8)) return undefined;
  const evidence: Evidence[] = [];
  if (connErrors > 0) evidence.push({ what: "connection resets and refusals", value: connErrors, source: "intervals (error classes reset, refused)" });
  if (rx !== undefined) evidence.push({ what: "network received (max)", value: round(rx, 0), unit: "bytes/s", source: s.readings.get("host.netRxBytesPerSec")!.source });
  if (tx !== undefined) evidence.push({ what: "network sent (max)", value: round(tx, 0), unit: "bytes/s", source: s.readings.get("host.netTxBytesPerSec")!.source });
  if (util !== undefined) evidence.push({ what: "link utilisation (max)", value: round(util * 100, 1), unit: "%", source: `against the given link of ${i.linkBytesPerSec} bytes/s` });
  return {
    kind: "network",
    component: "network",
    componentLabel: "network and connection handling",
    symptom: share >= 0.01 ? `${fmt(share * 100, 2)}% of requests failed at the connection (reset or refused)` : `the link ran at ${fmt(util! * 100)}% of its capacity`,
    evidence,
    limit: share >= 0.01 ? "the server's (or load balancer's) connection capacity: accept backlog, file descriptors, keep-alive limits" : `${i.linkBytesPerSec} bytes/s link`,
    impact: "clients see failures that never reach the application",
    recommendation: share >= 0.01 ? "raise the listen backlog and file-descriptor limits, enable keep-alive, and check the load balancer's connection limits" : "compress responses or add bandwidth",
    score: Math.max(share >= 0.01 ? 0.5 + 0.5 * clamp01(share / 0.1) : 0, util !== undefined && util >= 0.8 ? 0.5 + 0.5 * clamp01((util - 0.8) / 0.2) : 0),
  };
}

/**
 * The accept queue of a listening socket overflowed: the kernel turned connections away
 * (TcpExt ListenOverflows). The client's SYN is retried after 1 s, then 3 s, so those requests
 * take seconds on the client while the server, which times a request from its accept, sees none of
 * it. The counters cover every listener of the host's network namespace.
 */
export function acceptQueue(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const over = rateTotal(s, "host.listenOverflowsPerSec");
  if (!over || over.total <= 0) return undefined;
  const drops = rateTotal(s, "host.listenDropsPerSec");
  const timeouts = rateTotal(s, "host.tcpTimeoutsPerSec");
  const share = over.samplesWith / over.samples;
  const integrated = (r: { source: string }): string => `${r.source} (each sample's rate x its interval)`;
  const evidence: Evidence[] = [
    { what: "connection attempts turned away by a full accept queue (listen overflows, over the test)", value: over.total, source: integrated(over) },
    { what: "listen overflows per second (max)", value: round(over.peak, 1), unit: "/s", source: over.source },
    { what: "host samples with overflows", value: `${over.samplesWith} of ${over.samples}`, source: over.source },
  ];
  if (drops && drops.total > 0) evidence.push({ what: "SYNs dropped at a listener (listen drops, over the test)", value: drops.total, source: integrated(drops) });
  if (timeouts && timeouts.total > 0) evidence.push({ what: "TCP retransmission timeouts per second (max)", value: round(timeouts.peak, 1), unit: "/s", source: timeouts.source });
  if (s.summary.requests.total > 0) evidence.push({ what: "client-measured latency p95", value: s.summary.latencyMs.p95, unit: "ms", source: "intervals (merged histogram)" });
  return {
    kind: "accept-queue",
    component: "network",
    componentLabel: "the accept queue (listen backlog)",
    symptom: `${over.total} connection attempts overflowed the accept queue (peak ${fmt(over.peak)}/s, in ${over.samplesWith} of ${over.samples} host samples)`,
    evidence,
    limit: "the listen backlog: the accept queue (the smaller of the backlog given to listen() and net.core.somaxconn) filled faster than the server accepted",
    impact: "each turned-away SYN is retried after 1 s, then 3 s: clients see 1-3 s latencies (or connect timeouts) that the server's own request-duration histogram does not, since it starts timing at accept",
    recommendation:
      "raise the server's listen backlog (Node: server.listen({ backlog: 4096 }); nginx: listen ... backlog=4096) together with net.core.somaxconn and net.ipv4.tcp_max_syn_backlog (the kernel caps the backlog at somaxconn), and keep connections alive so fewer are opened at once",
    // Overflows in a sixteenth of the samples: a bottleneck; in a quarter of them: a strong one.
    score: 0.35 + 0.6 * clamp01(share / 0.25),
  };
}

export function generator(i: BottleneckInputs): Finding | undefined {
  const g = i.signals.summary.generator;
  if (!g.limited) return undefined;
  const lines = i.signals.intervals;
  const workers = Math.max(1, i.signals.workers);
  const hot = lines.filter((l) => l.generator.cpuPct / workers >= GENERATOR_CPU_LIMIT_PCT || l.generator.eventLoopLagMsP99 >= GENERATOR_LAG_LIMIT_MS).length;
  const share = lines.length > 0 ? hot / lines.length : 0;
  return {
    kind: "generator",
    component: "generator",
    componentLabel: "the load generator",
    symptom: g.reason ?? "the load generator was saturated",
    evidence: [
      { what: "generator CPU (mean)", value: g.cpuPct, unit: "% of one core", source: "intervals generator.cpuPct" },
      { what: "generator event-loop lag p99 (max)", value: g.eventLoopLagMsP99, unit: "ms", source: "intervals generator.eventLoopLagMsP99" },
    ],
    limit: "the generator's CPU or event loop, not the target",
    impact: "the measured latency and throughput describe the generator's limit: the target may have more capacity than measured",
    recommendation: "run with more --workers, on a separate machine from the target, or across hosts",
    // Saturated in a tenth of the seconds: weak; in half of them: strong. Still below a platform
    // limit measured on the server side, which holds whatever the generator did.
    score: 0.5 + 0.4 * clamp01((share - 0.1) / 0.4),
  };
}
