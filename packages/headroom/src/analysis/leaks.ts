// The leak verdicts of a run: app memory (RSS) and connections (the app pool's checked-out
// clients when it exposes them, else the server's connection count), each a trend test over the
// steady window (see trend.ts), plus the pool-stability verdict the sustained test reports.
import { steadyPoints, type RunSignals } from "./run-signals.js";
import { mean, round } from "./stats.js";
import { leakVerdict, MIN_TREND_SAMPLES } from "./trend.js";
import type { LeakVerdict, PoolStability } from "./types.js";

export interface LeakOptions {
  /** App memory growth per hour that counts as a leak: the larger of this (bytes) and 10 % of the mean RSS. Default 64 MiB. */
  memoryBytesPerHour?: number;
  /** Connection growth per hour that counts as a leak. Default 10. */
  connectionsPerHour?: number;
}

const MiB = 1024 * 1024;
/** Windows shorter than this judge app memory growth more strictly (see leakVerdicts). */
export const SHORT_LEAK_WINDOW_SEC = 60;

export function leakVerdicts(s: RunSignals, opts: LeakOptions = {}): LeakVerdict[] {
  const out: LeakVerdict[] = [];
  const rss = steadyPoints(s, "app.rssBytes", MIN_TREND_SAMPLES);
  const meanRss = rss.length > 0 ? mean(rss.map((p) => p.v)) : 0;
  const rssSpanSec = rss.length > 1 ? rss[rss.length - 1]!.t - rss[0]!.t : 0;
  out.push(
    leakVerdict(rss, {
      metric: "app.memory",
      label: "app memory (RSS)",
      unit: "bytes",
      source: s.readings.get("app.rssBytes")?.source ?? "telemetry process.rss_bytes",
      minChangePerHour: Math.max(opts.memoryBytesPerHour ?? 64 * MiB, 0.1 * meanRss),
      // Over the window the leak must add a tenth of the process's memory: below that, a short
      // run cannot tell it from a process still growing its heap to its working size. Under a
      // minute, heap growth and caches filling after a start look like a leak too; only growth of
      // half the process's memory is called one there (the sustained run decides the rest).
      minFittedChange: (rssSpanSec < SHORT_LEAK_WINDOW_SEC ? 0.5 : 0.1) * meanRss,
      // Under 1 % of the process's memory over the window is noise of the allocator, not a trend to report.
      negligibleChange: 0.01 * meanRss,
    }),
  );
  const poolId = s.readings.has("app.poolInUse") ? "app.poolInUse" : "db.connections";
  out.push(
    leakVerdict(steadyPoints(s, poolId, MIN_TREND_SAMPLES), {
      metric: "db.connections",
      label: poolId === "app.poolInUse" ? "app DB pool connections in use" : "DB connections",
      unit: "connections",
      source: s.readings.get(poolId)?.source ?? "telemetry postgres.connections",
      minChangePerHour: opts.connectionsPerHour ?? 10,
      minFittedChange: 2,
    }),
  );
  if (s.readings.has("db.idleInTx")) {
    out.push(
      leakVerdict(steadyPoints(s, "db.idleInTx", MIN_TREND_SAMPLES), {
        metric: "db.idleInTx",
        label: "DB connections idle in transaction",
        unit: "connections",
        source: s.readings.get("db.idleInTx")!.source,
        minChangePerHour: opts.connectionsPerHour ?? 10,
        minFittedChange: 2,
      }),
    );
  }
  return out;
}

/** Waiting clients in this share of samples or more: the pool is the queue, not the database. */
export const POOL_WAITING_SHARE = 0.1;

export function poolStability(s: RunSignals, leaks: readonly LeakVerdict[]): PoolStability {
  const inUse = s.readings.get("app.poolInUse");
  const waiting = s.readings.get("app.poolWaiting");
  const conn = leaks.find((l) => l.metric === "db.connections");
  const leaking = conn?.verdict === "leak";
  if (!inUse && !waiting) {
    const dbc = s.readings.get("db.connections");
    if (!dbc) return { verdict: "not measured", source: "none", reason: "not measured: neither the app's pool metrics nor PostgreSQL telemetry were collected" };
    const v = dbc.points.map((p) => p.v);
    return {
      verdict: leaking ? "leaking" : "stable",
      source: `${dbc.source} (server side; the app exposes no pool metrics, so waiting clients are unknown)`,
      maxInUse: Math.max(...v),
      avgInUse: round(mean(v), 2),
      reason: leaking ? `connections rise without levelling off: ${conn!.reason}` : `server connections between ${Math.min(...v)} and ${Math.max(...v)}; ${conn?.reason ?? ""}`.trim(),
    };
  }
  const used = inUse?.points.map((p) => p.v) ?? [];
  const waits = waiting?.points.map((p) => p.v) ?? [];
  const size = s.pool?.max;
  const out: PoolStability = { verdict: "stable", source: (inUse ?? waiting)!.source, reason: "" };
  if (size) out.size = size;
  if (used.length > 0) {
    out.maxInUse = Math.max(...used);
    out.avgInUse = round(mean(used), 2);
    if (size) {
      out.maxUtilPct = round((out.maxInUse / size) * 100, 1);
      out.avgUtilPct = round((out.avgInUse / size) * 100, 1);
    }
  }
  if (waits.length > 0) {
    out.maxWaiting = Math.max(...waits);
    out.waitingSamplePct = round((waits.filter((w) => w > 0).length / waits.length) * 100, 1);
  }
  const waitShare = (out.waitingSamplePct ?? 0) / 100;
  if (leaking) {
    out.verdict = "leaking";
    out.reason = `connections in use rise without levelling off: ${conn!.reason}`;
  } else if (waitShare >= POOL_WAITING_SHARE) {
    out.verdict = "saturated";
    out.reason = `clients waited for a connection in ${out.waitingSamplePct}% of samples (up to ${out.maxWaiting} waiting)${size ? ` with the pool of ${size} at up to ${out.maxUtilPct}% use` : ""}`;
  } else {
    out.reason = `${size ? `pool of ${size}, ` : ""}up to ${out.maxInUse ?? "?"} in use${out.maxUtilPct !== undefined ? ` (${out.maxUtilPct}%)` : ""}, waiting clients in ${out.waitingSamplePct ?? 0}% of samples; ${conn?.reason ?? ""}`.trim();
  }
  return out;
}
