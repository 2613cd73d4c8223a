// Samples PostgreSQL on one dedicated connection (application_name "headroom-telemetry", its own
// statement timeout), never through the application's pool:
//   - connections by state, from pg_stat_activity (client backends of every database, this
//     collector's own connection excluded), against max_connections;
//   - lock waits: backends whose wait_event_type is 'Lock' right now;
//   - commits, rollbacks and deadlocks per second and the buffer cache hit % from deltas of
//     pg_stat_database summed over all databases (the collector's own transactions subtracted);
//   - query timing, from one of two sources, named in the `query_source` label:
//       "pg_stat_statements" when the extension is loaded (shared_preload_libraries) and created
//         in the connected database (the collector creates it when it is loaded but not created,
//         unless told not to): per-statement deltas of calls and total_exec_time give
//         queries/s, the mean query time over the interval, slow queries (calls of statements
//         whose mean over the interval exceeds slowQueryMs) and the top statements by mean;
//       "pg_stat_activity" otherwise: active queries running longer than slowQueryMs at the
//         moment of the sample (each counted once however many samples see it) and the longest
//         active query; mean query time and queries/s are then not measured (absent).
//     The `query_source_reason` label says why the fallback was taken.
import pg from "pg";
import { POSTGRES_KEYS } from "../core/telemetry-keys.js";
import { errorMessage, round, type Collector, type CollectorReading } from "./types.js";

export interface PostgresCollectorOptions {
  connectionString: string;
  /** Connect timeout and statement timeout of the collector's queries. Default 3000. */
  timeoutMs?: number;
  /** A query slower than this is slow. Default 1000 (the seed's "> 1 s"). */
  slowQueryMs?: number;
  /** Run CREATE EXTENSION pg_stat_statements when the library is preloaded but the extension is missing. Default true. */
  createStatementsExtension?: boolean;
  /** How many statements go into the slow_statements label. Default 5. */
  topStatements?: number;
}

export type QuerySource = "pg_stat_statements" | "pg_stat_activity";

/** Marks the collector's own statements so pg_stat_statements figures can leave them out. */
const MARK = "/* headroom-telemetry */";

const ACTIVITY_SQL = `select ${MARK}
  count(*) filter (where mine) as connections,
  count(*) filter (where mine and state = 'active') as active,
  count(*) filter (where mine and state = 'idle') as idle,
  count(*) filter (where mine and state like 'idle in transaction%') as idle_in_tx,
  count(*) filter (where wait_event_type = 'Lock') as lock_waits,
  coalesce(max(extract(epoch from clock_timestamp() - query_start) * 1000) filter (where mine and state = 'active'), 0)::float8 as longest_active_ms,
  current_setting('max_connections')::int as max_connections
from (select *, backend_type = 'client backend' and pid <> pg_backend_pid() as mine from pg_stat_activity) a`;

const DATABASE_SQL = `select ${MARK}
  coalesce(sum(xact_commit), 0)::float8 as commits, coalesce(sum(xact_rollback), 0)::float8 as rollbacks,
  coalesce(sum(blks_hit), 0)::float8 as hits, coalesce(sum(blks_read), 0)::float8 as reads,
  coalesce(sum(deadlocks), 0)::float8 as deadlocks
from pg_stat_database`;

const SLOW_ACTIVITY_SQL = `select ${MARK} pid, query_start::text as started,
  (extract(epoch from clock_timestamp() - query_start) * 1000)::float8 as running_ms, left(query, 300) as query
from pg_stat_activity
where backend_type = 'client backend' and pid <> pg_backend_pid() and state = 'active'
  and clock_timestamp() - query_start > make_interval(secs => $1::float8 / 1000)
order by running_ms desc`;

const SETUP_SQL = `select ${MARK} current_setting('shared_preload_libraries') as preload,
  current_setting('server_version_num')::int as version,
  exists(select 1 from pg_extension where extname = 'pg_stat_statements') as installed`;

interface DbCounters {
  nowMs: number;
  commits: number;
  rollbacks: number;
  hits: number;
  reads: number;
  deadlocks: number;
}

interface StatementCounters {
  nowMs: number;
  byKey: Map<string, { queryid: string; calls: number; totalMs: number }>;
}

export interface SlowStatement {
  query: string;
  calls: number;
  meanMs: number;
}

export function createPostgresCollector(opts: PostgresCollectorOptions): Collector {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const slowMs = opts.slowQueryMs ?? 1000;
  const topN = opts.topStatements ?? 5;
  let client: pg.Client | undefined;
  let source: QuerySource = "pg_stat_activity";
  let sourceReason = "";
  let totalTimeColumn = "total_exec_time";
  let prevDb: DbCounters | undefined;
  let prevStatements: StatementCounters | undefined;
  let prevSlowSeen = new Set<string>();
  // Our statements since the last pg_stat_database read: each is one transaction there.
  let ownStatements = 0;

  async function query<R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[] = []): Promise<R[]> {
    ownStatements++;
    return (await c.query<R>(sql, params)).rows;
  }

  async function chooseSource(c: pg.Client): Promise<void> {
    const [s] = await query<{ preload: string; version: number; installed: boolean }>(c, SETUP_SQL);
    totalTimeColumn = s.version >= 130000 ? "total_exec_time" : "total_time";
    const preloaded = s.preload.split(",").some((l) => l.trim().replace(/^"|"$/g, "") === "pg_stat_statements");
    source = "pg_stat_activity";
    if (!preloaded) {
      sourceReason = `pg_stat_statements is not in shared_preload_libraries ("${s.preload}")`;
      return;
    }
    if (!s.installed) {
      if (opts.createStatementsExtension === false) {
        sourceReason = "pg_stat_statements is preloaded but not created in this database (createStatementsExtension is off)";
        return;
      }
      try {
        await query(c, "create extension if not exists pg_stat_statements");
      } catch (e) {
        sourceReason = `create extension pg_stat_statements failed: ${errorMessage(e)}`;
        return;
      }
    }
    source = "pg_stat_statements";
    sourceReason = "";
  }

  async function connect(): Promise<pg.Client> {
    if (client) return client;
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: "headroom-telemetry",
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 1000,
      connectionTimeoutMillis: timeoutMs,
    });
    // A dropped connection must not crash the run: the next sample reconnects.
    c.on("error", () => {
      if (client === c) client = undefined;
    });
    await c.connect();
    try {
      await chooseSource(c);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    client = c;
    prevStatements = undefined;
    return c;
  }

  async function statementTiming(c: pg.Client, nowMs: number, values: Record<string, number>, labels: Record<string, string>): Promise<void> {
    const rows = await query<{ queryid: string; userid: string; dbid: string; calls: number; total_ms: number }>(
      c,
      `select ${MARK} queryid::text as queryid, userid::text as userid, dbid::text as dbid, calls::float8 as calls, ${totalTimeColumn}::float8 as total_ms
       from pg_stat_statements where queryid is not null and query not like '%headroom-telemetry%'`,
    );
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
    const before = prevStatements;
    prevStatements = cur;
    if (!before || nowMs <= before.nowMs) return;
    const dtSec = (nowMs - before.nowMs) / 1000;
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
    values[POSTGRES_KEYS.queriesPerSec] = round(calls / dtSec, 3);
    values[POSTGRES_KEYS.slowQueries] = slow;
    if (calls > 0) values[POSTGRES_KEYS.meanQueryMs] = round(totalMs / calls, 3);
    const top = interval.sort((a, b) => b.meanMs - a.meanMs).slice(0, topN);
    if (top.length > 0) {
      const texts = await query<{ queryid: string; query: string }>(
        c,
        `select ${MARK} queryid::text as queryid, left(query, 300) as query from pg_stat_statements where queryid = any($1::bigint[])`,
        [top.map((t) => t.queryid)],
      );
      const textOf = new Map(texts.map((t) => [t.queryid, t.query.replace(/\s+/g, " ").trim()]));
      const list: SlowStatement[] = top.map((t) => ({ query: textOf.get(t.queryid) ?? `queryid ${t.queryid}`, calls: t.calls, meanMs: round(t.meanMs, 3) }));
      labels.slow_statements = JSON.stringify(list);
    } else labels.slow_statements = "[]";
  }

  async function activityTiming(c: pg.Client, values: Record<string, number>, labels: Record<string, string>): Promise<void> {
    const rows = await query<{ pid: number; started: string; running_ms: number; query: string }>(c, SLOW_ACTIVITY_SQL, [slowMs]);
    const seen = new Set(rows.map((r) => `${r.pid}@${r.started}`));
    values[POSTGRES_KEYS.slowQueries] = [...seen].filter((k) => !prevSlowSeen.has(k)).length;
    prevSlowSeen = seen;
    const list: SlowStatement[] = rows.slice(0, topN).map((r) => ({ query: r.query.replace(/\s+/g, " ").trim(), calls: 1, meanMs: round(r.running_ms, 3) }));
    labels.slow_statements = JSON.stringify(list);
  }

  async function sampleOnce(nowMs: number): Promise<CollectorReading> {
    const c = await connect();
    const values: Record<string, number> = {};
    const labels: Record<string, string> = {};
    const [a] = await query<{ connections: string; active: string; idle: string; idle_in_tx: string; lock_waits: string; longest_active_ms: number; max_connections: number }>(c, ACTIVITY_SQL);
    values[POSTGRES_KEYS.connections] = Number(a.connections);
    values[POSTGRES_KEYS.active] = Number(a.active);
    values[POSTGRES_KEYS.idle] = Number(a.idle);
    values[POSTGRES_KEYS.idleInTx] = Number(a.idle_in_tx);
    values[POSTGRES_KEYS.lockWaits] = Number(a.lock_waits);
    values[POSTGRES_KEYS.longestActiveMs] = round(a.longest_active_ms, 3);
    values[POSTGRES_KEYS.maxConnections] = a.max_connections;
    values[POSTGRES_KEYS.connectionsPct] = round((Number(a.connections) / a.max_connections) * 100, 2);

    const [d] = await query<Omit<DbCounters, "nowMs">>(c, DATABASE_SQL);
    const own = ownStatements;
    ownStatements = 0;
    const cur: DbCounters = { nowMs, ...d };
    const before = prevDb;
    prevDb = cur;
    if (before && nowMs > before.nowMs && d.commits >= before.commits) {
      const dtSec = (nowMs - before.nowMs) / 1000;
      values[POSTGRES_KEYS.xactPerSec] = round(Math.max(0, d.commits - before.commits - own) / dtSec, 3);
      values[POSTGRES_KEYS.rollbackPerSec] = round((d.rollbacks - before.rollbacks) / dtSec, 3);
      values[POSTGRES_KEYS.deadlocks] = round((d.deadlocks - before.deadlocks) / dtSec, 3);
      const dHits = d.hits - before.hits;
      const dReads = d.reads - before.reads;
      if (dHits + dReads > 0) values[POSTGRES_KEYS.cacheHitPct] = round((dHits / (dHits + dReads)) * 100, 2);
    }

    if (source === "pg_stat_statements") {
      try {
        await statementTiming(c, nowMs, values, labels);
      } catch (e) {
        // Only "the extension is gone or not loaded" switches source; a timeout is a failed sample.
        if (!/pg_stat_statements|does not exist|shared_preload_libraries/i.test(errorMessage(e))) throw e;
        source = "pg_stat_activity";
        sourceReason = `pg_stat_statements query failed: ${errorMessage(e)}`;
        prevStatements = undefined;
      }
    }
    if (source === "pg_stat_activity") await activityTiming(c, values, labels);
    labels.query_source = source;
    if (sourceReason) labels.query_source_reason = sourceReason;
    return { ok: true, values, labels };
  }

  return {
    source: "postgres",
    async sample(nowMs) {
      try {
        return [await sampleOnce(nowMs)];
      } catch (e) {
        const c = client;
        client = undefined;
        await c?.end().catch(() => undefined);
        return [{ ok: false, error: `postgres: ${errorMessage(e)}`, values: {} }];
      }
    },
    async close() {
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
