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
import {
  ACTIVITY_SQL,
  DATABASE_SQL,
  MARK,
  SETUP_SQL,
  SLOW_ACTIVITY_SQL,
  statementCounters,
  statementDeltas,
  type ActivityRow,
  type DbCounters,
  type StatementCounters,
  type StatementRow,
} from "./postgres-sql.js";

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

export interface SlowStatement {
  query: string;
  calls: number;
  meanMs: number;
}

/** The connection-state figures of one ACTIVITY_SQL row. */
function activityValues(a: ActivityRow, values: Record<string, number>): void {
  values[POSTGRES_KEYS.connections] = Number(a.connections);
  values[POSTGRES_KEYS.active] = Number(a.active);
  values[POSTGRES_KEYS.idle] = Number(a.idle);
  values[POSTGRES_KEYS.idleInTx] = Number(a.idle_in_tx);
  values[POSTGRES_KEYS.lockWaits] = Number(a.lock_waits);
  values[POSTGRES_KEYS.longestActiveMs] = round(a.longest_active_ms, 3);
  values[POSTGRES_KEYS.maxConnections] = a.max_connections;
  values[POSTGRES_KEYS.connectionsPct] = round((Number(a.connections) / a.max_connections) * 100, 2);
}

/** Rates from two pg_stat_database reads; `own` transactions (the collector's) are left out of the commits. */
function databaseRates(before: DbCounters | undefined, cur: DbCounters, own: number, values: Record<string, number>): void {
  if (!before || cur.nowMs <= before.nowMs || cur.commits < before.commits) return;
  const dtSec = (cur.nowMs - before.nowMs) / 1000;
  values[POSTGRES_KEYS.xactPerSec] = round(Math.max(0, cur.commits - before.commits - own) / dtSec, 3);
  values[POSTGRES_KEYS.rollbackPerSec] = round((cur.rollbacks - before.rollbacks) / dtSec, 3);
  values[POSTGRES_KEYS.deadlocks] = round((cur.deadlocks - before.deadlocks) / dtSec, 3);
  const dHits = cur.hits - before.hits;
  const dReads = cur.reads - before.reads;
  if (dHits + dReads > 0) values[POSTGRES_KEYS.cacheHitPct] = round((dHits / (dHits + dReads)) * 100, 2);
}

const oneLine = (query: string): string => query.replace(/\s+/g, " ").trim();

class PostgresCollector implements Collector {
  readonly source = "postgres";
  private readonly timeoutMs: number;
  private readonly slowMs: number;
  private readonly topN: number;
  private client: pg.Client | undefined;
  private querySource: QuerySource = "pg_stat_activity";
  private sourceReason = "";
  private totalTimeColumn = "total_exec_time";
  private prevDb: DbCounters | undefined;
  private prevStatements: StatementCounters | undefined;
  private prevSlowSeen = new Set<string>();
  // Our statements since the last pg_stat_database read: each is one transaction there.
  private ownStatements = 0;

  constructor(private readonly opts: PostgresCollectorOptions) {
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.slowMs = opts.slowQueryMs ?? 1000;
    this.topN = opts.topStatements ?? 5;
  }

  private async query<R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[] = []): Promise<R[]> {
    this.ownStatements++;
    return (await c.query<R>(sql, params)).rows;
  }

  private async chooseSource(c: pg.Client): Promise<void> {
    const [s] = await this.query<{ preload: string; version: number; installed: boolean }>(c, SETUP_SQL);
    this.totalTimeColumn = s.version >= 130000 ? "total_exec_time" : "total_time";
    const preloaded = s.preload.split(",").some((l) => l.trim().replace(/^"|"$/g, "") === "pg_stat_statements");
    this.querySource = "pg_stat_activity";
    if (!preloaded) {
      this.sourceReason = `pg_stat_statements is not in shared_preload_libraries ("${s.preload}")`;
      return;
    }
    if (!s.installed) {
      if (this.opts.createStatementsExtension === false) {
        this.sourceReason = "pg_stat_statements is preloaded but not created in this database (createStatementsExtension is off)";
        return;
      }
      try {
        await this.query(c, "create extension if not exists pg_stat_statements");
      } catch (e) {
        this.sourceReason = `create extension pg_stat_statements failed: ${errorMessage(e)}`;
        return;
      }
    }
    this.querySource = "pg_stat_statements";
    this.sourceReason = "";
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: "headroom-telemetry",
      statement_timeout: this.timeoutMs,
      query_timeout: this.timeoutMs + 1000,
      connectionTimeoutMillis: this.timeoutMs,
    });
    // A dropped connection must not crash the run: the next sample reconnects.
    c.on("error", () => {
      if (this.client === c) this.client = undefined;
    });
    await c.connect();
    try {
      await this.chooseSource(c);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    this.client = c;
    this.prevStatements = undefined;
    return c;
  }

  private async statementTiming(c: pg.Client, nowMs: number, values: Record<string, number>, labels: Record<string, string>): Promise<void> {
    const rows = await this.query<StatementRow>(
      c,
      `select ${MARK} queryid::text as queryid, userid::text as userid, dbid::text as dbid, calls::float8 as calls, ${this.totalTimeColumn}::float8 as total_ms
       from pg_stat_statements where queryid is not null and query not like '%headroom-telemetry%'`,
    );
    const cur = statementCounters(nowMs, rows);
    const before = this.prevStatements;
    this.prevStatements = cur;
    if (!before || nowMs <= before.nowMs) return;
    const dtSec = (nowMs - before.nowMs) / 1000;
    const { calls, totalMs, slow, interval } = statementDeltas(before, cur, this.slowMs);
    values[POSTGRES_KEYS.queriesPerSec] = round(calls / dtSec, 3);
    values[POSTGRES_KEYS.slowQueries] = slow;
    if (calls > 0) values[POSTGRES_KEYS.meanQueryMs] = round(totalMs / calls, 3);
    const top = interval.sort((a, b) => b.meanMs - a.meanMs).slice(0, this.topN);
    if (top.length > 0) {
      const texts = await this.query<{ queryid: string; query: string }>(
        c,
        `select ${MARK} queryid::text as queryid, left(query, 300) as query from pg_stat_statements where queryid = any($1::bigint[])`,
        [top.map((t) => t.queryid)],
      );
      const textOf = new Map(texts.map((t) => [t.queryid, oneLine(t.query)]));
      const list: SlowStatement[] = top.map((t) => ({ query: textOf.get(t.queryid) ?? `queryid ${t.queryid}`, calls: t.calls, meanMs: round(t.meanMs, 3) }));
      labels.slow_statements = JSON.stringify(list);
    } else labels.slow_statements = "[]";
  }

  private async activityTiming(c: pg.Client, values: Record<string, number>, labels: Record<string, string>): Promise<void> {
    const rows = await this.query<{ pid: number; started: string; running_ms: number; query: string }>(c, SLOW_ACTIVITY_SQL, [this.slowMs]);
    const seen = new Set(rows.map((r) => `${r.pid}@${r.started}`));
    values[POSTGRES_KEYS.slowQueries] = [...seen].filter((k) => !this.prevSlowSeen.has(k)).length;
    this.prevSlowSeen = seen;
    const list: SlowStatement[] = rows.slice(0, this.topN).map((r) => ({ query: oneLine(r.query), calls: 1, meanMs: round(r.running_ms, 3) }));
    labels.slow_statements = JSON.stringify(list);
  }

  private async sampleOnce(nowMs: number): Promise<CollectorReading> {
    const c = await this.connect();
    const values: Record<string, number> = {};
    const labels: Record<string, string> = {};
    const [a] = await this.query<ActivityRow>(c, ACTIVITY_SQL);
    activityValues(a, values);
    const [d] = await this.query<Omit<DbCounters, "nowMs">>(c, DATABASE_SQL);
    const own = this.ownStatements;
    this.ownStatements = 0;
    const cur: DbCounters = { nowMs, ...d };
    databaseRates(this.prevDb, cur, own, values);
    this.prevDb = cur;
    if (this.querySource === "pg_stat_statements") {
      try {
        await this.statementTiming(c, nowMs, values, labels);
      } catch (e) {
        // Only "the extension is gone or not loaded" switches source; a timeout is a failed sample.
        if (!/pg_stat_statements|does not exist|shared_preload_libraries/i.test(errorMessage(e))) throw e;
        this.querySource = "pg_stat_activity";
        this.sourceReason = `pg_stat_statements query failed: ${errorMessage(e)}`;
        this.prevStatements = undefined;
      }
    }
    if (this.querySource === "pg_stat_activity") await this.activityTiming(c, values, labels);
    labels.query_source = this.querySource;
    if (this.sourceReason) labels.query_source_reason = this.sourceReason;
    return { ok: true, values, labels };
  }

  async sample(nowMs: number): Promise<CollectorReading[]> {
    try {
      return [await this.sampleOnce(nowMs)];
    } catch (e) {
      await this.close();
      return [{ ok: false, error: `postgres: ${errorMessage(e)}`, values: {} }];
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

export function createPostgresCollector(opts: PostgresCollectorOptions): Collector {
  return new PostgresCollector(opts);
}
