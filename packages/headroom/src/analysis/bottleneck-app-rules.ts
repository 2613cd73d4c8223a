// Bottleneck rules of the app: its CPU, event loop and memory, and leaked connections (see
// bottlenecks.ts for scoring and ranking).
import { steadyPoints } from "./run-signals.js";
import { mean, round } from "./stats.js";
import type { Evidence } from "./types.js";
import { clamp01, fmt, maxOf, steadyMean, type BottleneckInputs, type Finding } from "./bottleneck-rule-kit.js";

/** Event-loop lag (mean of the sampled p99 over the steady window) from which a busy app process is saturated. */
export const LAG_SATURATED_MS = 100;

export function appCpu(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const cpu = steadyMean(s, "app.cpuPct");
  if (cpu === undefined) return undefined;
  const lagPts = steadyPoints(s, "app.eventLoopLagMs");
  const lag = lagPts.length > 0 ? mean(lagPts.map((p) => p.v)) : undefined;
  const hostCpu = steadyMean(s, "host.cpuPct");
  // On a shared host a saturated Node process may get less than a core: its event loop then
  // lags behind while its CPU reads below 100 %. Lag with real CPU use is the same limit.
  const starved = lag !== undefined && lag >= LAG_SATURATED_MS && cpu >= 40;
  if (cpu < 70 && !starved) return undefined;
  const evidence: Evidence[] = [{ what: "app CPU, busiest process (mean over the steady window)", value: round(cpu, 1), unit: "% of one core", source: s.readings.get("app.cpuPct")!.source }];
  if (lag !== undefined) evidence.push({ what: "event-loop lag p99 (mean over the steady window)", value: round(lag, 1), unit: "ms", source: s.readings.get("app.eventLoopLagMs")!.source });
  if (hostCpu !== undefined) evidence.push({ what: "host CPU (mean over the steady window)", value: round(hostCpu, 1), unit: "% of all cores", source: s.readings.get("host.cpuPct")!.source });
  if (s.appProcesses > 0) evidence.push({ what: "app processes sampled", value: s.appProcesses, source: "telemetry process" });
  evidence.push({ what: "throughput (steady window)", value: round(s.steady.rps, 1), unit: "req/s", source: "intervals" });
  let score = cpu >= 85 ? 0.55 + 0.45 * clamp01((cpu - 85) / 15) : 0.35;
  if (starved) score = Math.max(score, 0.55 + 0.45 * clamp01((lag - LAG_SATURATED_MS) / 400));
  const hostBusy = hostCpu !== undefined && hostCpu >= 90 ? ` on a host whose cores were ${fmt(hostCpu)}% busy` : "";
  return {
    kind: "app-cpu",
    component: "app",
    componentLabel: "app CPU",
    symptom: starved && cpu < 85 ? `the app's event loop lagged ${fmt(lag!)} ms (p99, mean) while its busiest process used ${fmt(cpu)}% of a core${hostBusy}: CPU-bound work saturates it` : `the busiest app process used ${fmt(cpu)}% of a core during the steady load`,
    evidence,
    limit: `one core per Node.js process (${fmt(cpu)}% used${lag !== undefined ? `, event-loop lag ${fmt(lag)} ms` : ""})`,
    impact: "requests queue on the event loop: latency rises with load and throughput stops growing",
    recommendation: "add app instances (more processes or hosts behind the load balancer); profile the hot path (node --cpu-prof) for work to remove or move off the event loop",
    score,
  };
}

export function eventLoop(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const lagPts = steadyPoints(s, "app.eventLoopLagMs");
  if (lagPts.length === 0) return undefined;
  const avg = mean(lagPts.map((p) => p.v));
  const max = Math.max(...lagPts.map((p) => p.v));
  if (max < 100 && avg < 50) return undefined;
  return {
    kind: "event-loop",
    component: "app",
    componentLabel: "app event loop",
    symptom: `event-loop lag up to ${fmt(max)} ms (mean ${fmt(avg)} ms)`,
    evidence: [{ what: "event-loop lag (mean / max over the steady window)", value: `${fmt(avg)} / ${fmt(max)}`, unit: "ms", source: s.readings.get("app.eventLoopLagMs")!.source }],
    limit: `${fmt(max)} ms of event-loop delay`,
    impact: "every request on that process waits behind the blocking work, whatever its own cost",
    recommendation: "find the synchronous work blocking the loop (large JSON, crypto, regex) and move it to a worker thread or make it incremental",
    score: avg >= 50 ? 0.5 + 0.5 * clamp01(avg / 500) : 0.35,
  };
}

export function appMemory(i: BottleneckInputs): Finding | undefined {
  const leak = i.leaks.find((l) => l.metric === "app.memory");
  const memPct = maxOf(i.signals, "app.memoryPct");
  const leaking = leak?.verdict === "leak";
  const high = memPct !== undefined && memPct >= 80;
  if (!leaking && !high && leak?.verdict !== "growing") return undefined;
  const evidence: Evidence[] = [];
  if (leak?.trend) {
    evidence.push({ what: "RSS growth (least-squares slope)", value: round((leak.trend.slopePerMin * 60) / 1048576, 1), unit: "MiB/h", source: leak.source });
    evidence.push({ what: "slope t statistic (p-value)", value: `${fmt(leak.trend.tStat, 2)} (${leak.trend.pValue.toExponential(1)})`, source: "least squares over the steady window" });
    evidence.push({ what: "Mann-Kendall Z (p-value)", value: `${fmt(leak.trend.mannKendall.z, 2)} (${leak.trend.mannKendall.pValue.toExponential(1)})`, source: "Mann-Kendall over the steady window" });
    if (leak.first !== undefined && leak.last !== undefined) evidence.push({ what: "RSS first / last sample", value: `${fmt(leak.first / 1048576)} / ${fmt(leak.last / 1048576)}`, unit: "MiB", source: leak.source });
  }
  if (memPct !== undefined) evidence.push({ what: "app memory (% of limit, max)", value: round(memPct, 1), unit: "%", source: i.signals.readings.get("app.memoryPct")!.source });
  return {
    kind: "app-memory",
    component: "app",
    componentLabel: "app memory",
    symptom: leaking ? "app memory grows steadily under constant load (a leak)" : high ? `app memory reached ${fmt(memPct!)}% of its limit` : "app memory grows slowly under constant load",
    evidence,
    limit: (leaking || !high) && leak?.trend ? `+${fmt((leak.trend.slopePerMin * 60) / 1048576)} MiB per hour${leaking ? " until the process runs out of memory" : ""}` : `${fmt(memPct ?? 0)}% of the memory limit`,
    impact: leaking
      ? "the process will be killed or slowed by garbage collection after hours of traffic; restarts hide it"
      : high
        ? "little room for traffic growth before memory runs out"
        : `none in the tested range${memPct !== undefined ? ` (${fmt(memPct)}% of the memory limit)` : ""}: slow growth over a short run is often warm-up (heap, caches filling), not yet a leak`,
    recommendation: leaking
      ? "take two heap snapshots minutes apart under load (node --inspect, or heapdump) and diff the retained objects; look for caches and arrays without bounds"
      : high
        ? "raise the instance memory or lower per-request allocation"
        : "watch the trend over a longer sustained run (headroom plan --full holds 30 minutes); act only if it keeps growing",
    score: leaking ? 0.85 : high ? 0.5 + 0.5 * clamp01((memPct! - 80) / 20) : 0.2,
  };
}

export function connectionLeak(i: BottleneckInputs): Finding | undefined {
  const leak = i.leaks.find((l) => (l.metric === "db.connections" || l.metric === "db.idleInTx") && l.verdict === "leak");
  if (!leak?.trend) return undefined;
  return {
    kind: "connection-leak",
    component: "database",
    componentLabel: "database connections",
    symptom: `${leak.label} keep rising under constant load`,
    evidence: [
      { what: `${leak.label} growth`, value: round(leak.trend.slopePerMin * 60, 1), unit: "per hour", source: leak.source },
      { what: "first / last sample", value: `${leak.first} / ${leak.last}`, source: leak.source },
      { what: "slope t (p), Mann-Kendall Z (p)", value: `${fmt(leak.trend.tStat, 2)} (${leak.trend.pValue.toExponential(1)}), ${fmt(leak.trend.mannKendall.z, 2)} (${leak.trend.mannKendall.pValue.toExponential(1)})`, source: "trend tests over the steady window" },
    ],
    limit: "the pool (or max_connections) will be exhausted",
    impact: "once every connection is held, requests wait for connections that are never returned",
    recommendation: "release every checked-out client on every path (try/finally around client.release()), and close transactions on errors",
    score: 0.85,
  };
}
