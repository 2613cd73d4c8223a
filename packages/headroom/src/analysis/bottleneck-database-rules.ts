// Bottleneck rules of the database: the pool, statements per request, slow statements, lock
// waits and the server's connections (see bottlenecks.ts for scoring and ranking).
import type { TelemetryLine } from "../core/types.js";
import { appPoolWait, appQueriesPerRequest } from "./app-metrics.js";
import { round } from "./stats.js";
import type { Evidence } from "./types.js";
import { clamp01, fmt, maxOf, slowestEndpoint, steadyMean, type BottleneckInputs, type Finding } from "./bottleneck-rule-kit.js";

/**
 * The pool is the limit when a checkout waits on average at least POOL_WAIT_MIN_MS and at least
 * POOL_WAIT_MIN_RATIO of the statement it then runs. A pool with room answers in microseconds: on
 * the lab's seven faults a free pool's checkouts averaged 0.004-0.11 ms (0.3 % of the statement or
 * less), the tiny pool's 1.9 ms (1.3x the statement).
 */
const POOL_WAIT_MIN_MS = 0.5;
const POOL_WAIT_MIN_RATIO = 0.25;

export function dbPool(i: BottleneckInputs): Finding | undefined {
  const { pool } = i;
  const waitShare = (pool.waitingSamplePct ?? 0) / 100;
  const avgUtil = pool.avgUtilPct ?? 0;
  const maxUtil = pool.maxUtilPct ?? 0;
  // Every wait summed by the app's acquire histogram: bursts of waiting that the gauge's samples miss still count.
  const wait = appPoolWait(i.signals.scrapes);
  const waitRatio = wait?.queryMeanMs !== undefined && wait.queryMeanMs > 0 ? wait.acquireMeanMs / wait.queryMeanMs : undefined;
  const waitsDominate = wait !== undefined && waitRatio !== undefined && wait.acquireMeanMs >= POOL_WAIT_MIN_MS && waitRatio >= POOL_WAIT_MIN_RATIO;
  let score = 0;
  if (waitShare >= 0.1) score = 0.55 + 0.45 * clamp01(waitShare / 0.5);
  else if (avgUtil >= 90) score = 0.5;
  else if (maxUtil >= 95 || (pool.maxWaiting ?? 0) > 0) score = 0.3;
  if (waitsDominate) score = Math.max(score, 0.55 + 0.45 * clamp01(waitRatio / 2));
  if (score === 0) return undefined;
  const evidence: Evidence[] = [];
  if (wait) evidence.push({ what: "mean wait for a connection / mean statement", value: `${round(wait.acquireMeanMs, 3)} / ${wait.queryMeanMs !== undefined ? round(wait.queryMeanMs, 3) : "?"}`, unit: "ms", source: `${wait.source}, ${wait.checkouts} checkouts` });
  if (pool.size !== undefined) evidence.push({ what: "pool size", value: pool.size, unit: "connections", source: pool.source });
  if (pool.maxInUse !== undefined) evidence.push({ what: "connections in use (max)", value: pool.maxInUse, source: pool.source });
  if (pool.avgUtilPct !== undefined) evidence.push({ what: "pool utilisation (mean / max)", value: `${pool.avgUtilPct} / ${pool.maxUtilPct}`, unit: "%", source: pool.source });
  if (pool.maxWaiting !== undefined) evidence.push({ what: "clients waiting for a connection (max)", value: pool.maxWaiting, source: pool.source });
  if (pool.waitingSamplePct !== undefined) evidence.push({ what: "samples with clients waiting", value: pool.waitingSamplePct, unit: "%", source: pool.source });
  const q = steadyMean(i.signals, "db.meanQueryMs");
  if (q !== undefined) evidence.push({ what: "mean query time (server side)", value: round(q, 2), unit: "ms", source: i.signals.readings.get("db.meanQueryMs")!.source });
  return {
    kind: "db-pool",
    component: "database",
    componentLabel: "PostgreSQL connection pool",
    symptom: `requests waited for a database connection in ${pool.waitingSamplePct ?? 0}% of samples${waitsDominate ? `, ${round(wait.acquireMeanMs, 2)} ms per checkout on average (${round(waitRatio, 1)}x the statement's own ${round(wait.queryMeanMs!, 2)} ms)` : ""}${pool.size !== undefined ? ` (pool of ${pool.size})` : ""}`,
    evidence,
    limit: `pool of ${pool.size ?? "?"} connections${pool.maxUtilPct !== undefined ? `, up to ${pool.maxUtilPct}% in use` : ""}, up to ${pool.maxWaiting ?? 0} clients waiting`,
    impact: `requests queue for a connection before their queries run, so latency grows with load${q !== undefined ? ` while each query takes only ${fmt(q, 2)} ms on the server` : ""}`,
    recommendation: "raise the pool size per instance (keep instances x pool within max_connections minus a reserve), or put pgbouncer in transaction mode in front of PostgreSQL; look for long transactions holding connections",
    score,
  };
}

export function dbQueries(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const qpr = appQueriesPerRequest(s.scrapes);
  const qps = steadyMean(s, "db.queriesPerSec");
  const rps = s.steady.rps;
  // Queries per request: the app's own histogram when exposed (exact, per route), else the server's queries/s over the client's requests/s.
  const perRequest = qpr ? qpr.overall : qps !== undefined && rps > 0 ? qps / rps : undefined;
  // N+1 is a per-route pattern: the worst route that carries a real share (5 %) of the requests.
  const total = qpr ? [...qpr.byRoute.values()].reduce((a, r) => a + r.count, 0) : 0;
  const worst = qpr ? [...qpr.byRoute.entries()].filter(([, r]) => r.count >= 0.05 * total).sort((a, b) => b[1].mean - a[1].mean)[0] : undefined;
  const signature = worst ? worst[1].mean : perRequest;
  const meanQ = steadyMean(s, "db.meanQueryMs");
  const bound = i.targets.levels[s.level].queryLatencyMs?.target;
  // Statements over 1 s explain a high mean by themselves: that is the slow-query rule's finding.
  const slowExplains = slowStatements(i.telemetry).length > 0;
  let score = 0;
  const evidence: Evidence[] = [];
  let symptom = "";
  let recommendation = "";
  if (signature !== undefined && signature >= 5) {
    // Ten or more queries for one request is a defect in the code whatever else is slow: it ranks high.
    score = Math.max(score, 0.7 + 0.25 * clamp01((signature - 5) / 5));
    if (perRequest !== undefined) evidence.push({ what: "database queries per request (mean over all requests)", value: round(perRequest, 2), source: qpr?.source ?? "telemetry postgres.queries_per_sec / client requests per second" });
    if (worst) evidence.push({ what: `queries per request on ${worst[0]} (${worst[1].count} requests)`, value: round(worst[1].mean, 2), source: qpr!.source });
    symptom = worst ? `${fmt(worst[1].mean)} queries per request on ${worst[0]} (${fmt(perRequest ?? 0)} over all requests): the N+1 pattern` : `${fmt(signature)} database queries per request`;
    recommendation = `fetch related rows in one query (a JOIN, or WHERE id = ANY($1)) instead of one query per row${worst ? ` in the handler of ${worst[0]}` : ""}`;
  }
  if (meanQ !== undefined && bound !== undefined && meanQ > bound && !slowExplains) {
    score = Math.max(score, 0.5 + 0.5 * clamp01(meanQ / bound - 1));
    symptom ||= `mean query time ${fmt(meanQ, 2)} ms, above the ${bound} ms target`;
    recommendation ||= "EXPLAIN ANALYZE the heaviest statements (pg_stat_statements by total time) and add the indexes they need";
  }
  if (score === 0) return undefined;
  if (meanQ !== undefined) evidence.push({ what: "mean query time (server side)", value: round(meanQ, 2), unit: "ms", source: s.readings.get("db.meanQueryMs")!.source });
  if (qps !== undefined) evidence.push({ what: "queries per second (steady window)", value: round(qps, 1), source: s.readings.get("db.queriesPerSec")!.source });
  const slow = slowestEndpoint(s);
  if (slow) evidence.push(slow);
  return {
    kind: "db-queries",
    component: "database",
    componentLabel: "database queries",
    symptom,
    evidence,
    limit: signature !== undefined && signature >= 5 ? `${fmt(signature)} queries per request${worst ? ` on ${worst[0]}` : ""}` : `mean query time ${fmt(meanQ ?? 0, 2)} ms (target < ${bound} ms)`,
    impact: "every request waits on many (or slow) round trips to PostgreSQL: latency and database load grow with each row served",
    recommendation,
    score,
  };
}

interface SlowStatement {
  query: string;
  calls: number;
  meanMs: number;
}

/** A statement is slow from this mean execution time on (the seed's "slow queries (> 1 s)"). */
export const SLOW_QUERY_MS = 1000;

/** The statements over 1 s the postgres collector listed (label slow_statements, which holds the top statements by mean time), merged by text. */
export function slowStatements(telemetry: readonly TelemetryLine[]): SlowStatement[] {
  const by = new Map<string, SlowStatement>();
  for (const l of telemetry) {
    if (l.source !== "postgres" || !l.ok || !l.labels?.slow_statements) continue;
    let list: unknown;
    try {
      list = JSON.parse(l.labels.slow_statements);
    } catch {
      continue;
    }
    if (!Array.isArray(list)) continue;
    for (const raw of list as Partial<SlowStatement>[]) {
      if (typeof raw?.query !== "string" || typeof raw.meanMs !== "number" || raw.meanMs < SLOW_QUERY_MS) continue;
      const cur = by.get(raw.query) ?? { query: raw.query, calls: 0, meanMs: 0 };
      cur.calls += typeof raw.calls === "number" ? raw.calls : 1;
      cur.meanMs = Math.max(cur.meanMs, raw.meanMs);
      by.set(raw.query, cur);
    }
  }
  return [...by.values()].sort((a, b) => b.meanMs * b.calls - a.meanMs * a.calls);
}

export function dbSlowQueries(i: BottleneckInputs): Finding | undefined {
  const s = i.signals;
  const slow = s.readings.get("db.slowQueries");
  const count = slow ? slow.points.reduce((a, p) => a + p.v, 0) : 0;
  const statements = slowStatements(i.telemetry);
  if (count === 0 && statements.length === 0) return undefined;
  const minutes = Math.max(1 / 60, (s.toSec - s.fromSec) / 60);
  const perMin = count / minutes;
  const top = statements[0];
  const evidence: Evidence[] = [{ what: "slow queries (> 1 s) during the run", value: count, source: slow?.source ?? "telemetry postgres.slow_queries" }];
  const meanQ = steadyMean(s, "db.meanQueryMs");
  if (meanQ !== undefined) evidence.push({ what: "mean query time (server side)", value: round(meanQ, 2), unit: "ms", source: s.readings.get("db.meanQueryMs")!.source });
  for (const st of statements.slice(0, 3)) evidence.push({ what: `slow statement (${st.calls} calls, mean ${fmt(st.meanMs, 0)} ms)`, value: st.query.slice(0, 2000), source: "telemetry postgres label slow_statements" });
  return {
    kind: "db-slow-queries",
    component: "database",
    componentLabel: "slow queries",
    symptom: `${count} statements ran longer than 1 s${top ? `; slowest: ${top.query.slice(0, 120)}` : ""}`,
    evidence,
    limit: top ? `statement mean ${fmt(top.meanMs, 0)} ms` : `${count} queries over 1 s`,
    impact: "each slow statement holds a pooled connection for its whole duration, starving the other requests of connections",
    recommendation: top ? `EXPLAIN ANALYZE "${top.query.slice(0, 80)}${top.query.length > 80 ? "..." : ""}" and add the index it needs or rewrite it` : "enable pg_stat_statements to name the statements, then EXPLAIN ANALYZE them",
    score: count > 0 ? 0.5 + 0.45 * clamp01(perMin / 10) : 0.3,
  };
}

export function dbLocks(i: BottleneckInputs): Finding | undefined {
  const r = i.signals.readings.get("db.lockWaits");
  if (!r) return undefined;
  const v = r.points.map((p) => p.v);
  const share = v.filter((x) => x > 0).length / v.length;
  const max = Math.max(...v);
  if (max === 0) return undefined;
  return {
    kind: "db-locks",
    component: "database",
    componentLabel: "PostgreSQL locks",
    symptom: `backends waited on locks in ${fmt(share * 100)}% of samples (up to ${max} at once)`,
    evidence: [
      { what: "backends waiting on a lock (max)", value: max, source: r.source },
      { what: "samples with lock waits", value: round(share * 100, 1), unit: "%", source: r.source },
    ],
    limit: `${max} backends waiting on locks`,
    impact: "writes serialise on the same rows: their latency grows with concurrency, and the connections they hold are unavailable",
    recommendation: "shorten the transactions that update the contended rows, update in a consistent order, or move hot counters out of the row (e.g. into Redis)",
    score: share >= 0.1 ? 0.5 + 0.5 * clamp01(share) : 0.3,
  };
}

export function dbConnections(i: BottleneckInputs): Finding | undefined {
  const pct = maxOf(i.signals, "db.connectionsPct");
  if (pct === undefined || pct < 80) return undefined;
  const conn = maxOf(i.signals, "db.connections");
  const maxConn = maxOf(i.signals, "db.maxConnections");
  return {
    kind: "db-connections",
    component: "database",
    componentLabel: "PostgreSQL max_connections",
    symptom: `${conn ?? "?"} of ${maxConn ?? "?"} server connections in use (${fmt(pct)}%)`,
    evidence: [{ what: "connections (% of max_connections, max)", value: round(pct, 1), unit: "%", source: i.signals.readings.get("db.connectionsPct")!.source }],
    limit: `max_connections ${maxConn ?? "?"}`,
    impact: "new connections are refused once the server is full: another app instance cannot connect",
    recommendation: "pool connections in front of PostgreSQL (pgbouncer, transaction mode) or lower the per-instance pool; raise max_connections only with the memory for it",
    score: 0.5 + 0.5 * clamp01((pct - 80) / 20),
  };
}
