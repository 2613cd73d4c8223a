// The PostgreSQL collector's queries (postgres-collector.ts), and the counters it keeps between
// samples to turn pg_stat_database and pg_stat_statements totals into per-interval figures.

/** Marks the collector's own statements so pg_stat_statements figures can leave them out. */
export const MARK = "/* headroom-telemetry */";

export const ACTIVITY_SQL = `select ${MARK}
  count(*) filter (where mine) as connections,
  count(*) filter (where mine and state = 'active') as active,
  count(*) filter (where mine and state = 'idle') as idle,
  count(*) filter (where mine and state like 'idle in transaction%') as idle_in_tx,
  count(*) filter (where wait_event_type = 'Lock') as lock_waits,
  coalesce(max(extract(epoch from clock_timestamp() - query_start) * 1000) filter (where mine and state = 'active'), 0)::float8 as longest_active_ms,
  current_setting('max_connections')::int as max_connections
from (select *, backend_type = 'client backend' and pid <> pg_backend_pid() as mine from pg_stat_activity) a`;

export const DATABASE_SQL = `select ${MARK}
  coalesce(sum(xact_commit), 0)::float8 as commits, coalesce(sum(xact_rollback), 0)::float8 as rollbacks,
  coalesce(sum(blks_hit), 0)::float8 as hits, coalesce(sum(blks_read), 0)::float8 as reads,
  coalesce(sum(deadlocks), 0)::float8 as deadlocks
from pg_stat_database`;

export const SLOW_ACTIVITY_SQL = `select ${MARK} pid, query_start::text as started,
  (extract(epoch from clock_timestamp() - query_start) * 1000)::float8 as running_ms, left(query, 300) as query
from pg_stat_activity
where backend_type = 'client backend' and pid <> pg_backend_pid() and state = 'active'
  and clock_timestamp() - query_start > make_interval(secs => $1::float8 / 1000)
order by running_ms desc`;

export const SETUP_SQL = `select ${MARK} current_setting('shared_preload_libraries') as preload,
  current_setting('server_version_num')::int as version,
  exists(select 1 from pg_extension where extname = 'pg_stat_statements') as installed`;

export interface DbCounters {
  nowMs: number;
  commits: number;
  rollbacks: number;
  hits: number;
  reads: number;
  deadlocks: number;
}

export interface StatementCounters {
  nowMs: number;
  byKey: Map<string, { queryid: string; calls: number; totalMs: number }>;
}

/** The row of ACTIVITY_SQL (counts come back as text). */
export interface ActivityRow {
  connections: string;
  active: string;
  idle: string;
  idle_in_tx: string;
  lock_waits: string;
  longest_active_ms: number;
  max_connections: number;
}

/** The row of a pg_stat_statements read: one statement of one user in one database. */
export interface StatementRow {
  queryid: string;
  userid: string;
  dbid: string;
  calls: number;
  total_ms: number;
}

/** The statements' counters of one sample, keyed by user, database and queryid. */
export function statementCounters(nowMs: number, rows: readonly StatementRow[]): StatementCounters {
  const cur: StatementCounters = { nowMs, byKey: new Map() };
  for (const r of rows) {
    const key = `${r.userid}:${r.dbid}:${r.queryid}`;
    const e = cur.byKey.get(key);
    // The same statement may appear twice (top-level and nested): add them up.
    if (e) {
      e.calls += r.calls;
      e.totalMs += r.total_ms;
    } else cur.byKey.set(key, { queryid: r.queryid, calls: r.calls, totalMs: r.total_ms });
  }
  return cur;
}

/** What ran between two samples: calls, their time, the slow calls, and each statement's calls and mean. */
export function statementDeltas(
  before: StatementCounters,
  cur: StatementCounters,
  slowMs: number,
): { calls: number; totalMs: number; slow: number; interval: { queryid: string; calls: number; meanMs: number }[] } {
  let calls = 0;
  let totalMs = 0;
  let slow = 0;
  const interval: { queryid: string; calls: number; meanMs: number }[] = [];
  for (const [key, now] of cur.byKey) {
    const was = before.byKey.get(key);
    // A statement new since the last sample (or reset) ran all its calls in the interval.
    const dCalls = was && now.calls >= was.calls ? now.calls - was.calls : now.calls;
    const dMs = was && now.calls >= was.calls ? now.totalMs - was.totalMs : now.totalMs;
    if (dCalls <= 0) continue;
    calls += dCalls;
    totalMs += dMs;
    const meanMs = dMs / dCalls;
    if (meanMs > slowMs) slow += dCalls;
    interval.push({ queryid: now.queryid, calls: dCalls, meanMs });
  }
  return { calls, totalMs, slow, interval };
}
