// The connection pools (primary, and a replica for reads when configured) and the one funnel
// every query goes through, so each is timed, counted per request, and run the same way in
// pgbouncer mode (no named prepared statements, no session parameters).
import pg from "pg";
import type { AppConfig } from "../config.js";

/** A statement with a stable name: prepared once per connection, except in pgbouncer mode. */
export interface Statement {
  name: string;
  text: string;
}

/** Counts the queries one request ran (the N+1 symptom is a large count). */
export interface QueryCounter {
  queries: number;
}

export interface PoolStats {
  pool: "primary" | "replica";
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

/** One query: how long it waited for a pooled connection, then how long it ran on it. */
export interface QueryTiming {
  kind: "read" | "write";
  pool: "primary" | "replica";
  acquireSec: number;
  /** Undefined when no connection was obtained (acquire timed out or connecting failed). */
  querySec?: number;
  failed: boolean;
}

export type QueryObserver = (timing: QueryTiming) => void;

export interface Database {
  /** A read: goes to the replica when one is configured. */
  read<R extends pg.QueryResultRow>(stmt: Statement, values: unknown[], counter?: QueryCounter | null): Promise<pg.QueryResult<R>>;
  /** A write, or a read that must see the caller's own writes: always the primary. */
  write<R extends pg.QueryResultRow>(stmt: Statement, values: unknown[], counter?: QueryCounter | null): Promise<pg.QueryResult<R>>;
  poolStats(): PoolStats[];
  /** `SELECT 1` on the primary within `timeoutMs`; throws with the reason otherwise. */
  ping(timeoutMs: number): Promise<void>;
  setObserver(observer: QueryObserver): void;
  close(): Promise<void>;
}

export const POOL_ACQUIRE_TIMEOUT_MS = 10_000;

export function poolConfig(url: string, config: AppConfig): pg.PoolConfig {
  const base: pg.PoolConfig = {
    connectionString: url,
    max: config.poolSize,
    idleTimeoutMillis: 30_000,
    // A request that cannot get a connection within this gets 503 instead of waiting out the 30 s request timeout.
    connectionTimeoutMillis: POOL_ACQUIRE_TIMEOUT_MS,
    application_name: "muejam-api",
  };
  // pgbouncer refuses unknown startup parameters, so the server-side timeout becomes a client-side one.
  return config.pgbouncer
    ? { ...base, query_timeout: config.requestTimeoutMs }
    : { ...base, statement_timeout: config.requestTimeoutMs };
}

/** Named (prepared once per connection) unless behind pgbouncer in transaction mode, where a
 * prepared statement would live on whichever server connection happened to run it. */
export function queryConfig(stmt: Statement, values: unknown[], pgbouncer: boolean): pg.QueryConfig {
  return pgbouncer ? { text: stmt.text, values } : { name: stmt.name, text: stmt.text, values };
}

export function createDatabase(config: AppConfig): Database {
  const primary = new pg.Pool(poolConfig(config.databaseUrl, config));
  const replica = config.databaseReplicaUrl ? new pg.Pool(poolConfig(config.databaseReplicaUrl, config)) : undefined;
  // An idle client that loses its server emits here; without a listener the process would crash.
  const swallow = (): void => {};
  primary.on("error", swallow);
  replica?.on("error", swallow);
  let observe: QueryObserver = () => {};

  // Checkout and query are timed apart: waiting for a connection (pool too small) and a slow
  // statement (database) are different bottlenecks with the same total latency.
  async function run<R extends pg.QueryResultRow>(pool: pg.Pool, kind: "read" | "write", stmt: Statement, values: unknown[], counter?: QueryCounter | null): Promise<pg.QueryResult<R>> {
    if (counter) counter.queries += 1;
    const poolName = pool === primary ? "primary" : "replica";
    const t0 = performance.now();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      observe({ kind, pool: poolName, acquireSec: (performance.now() - t0) / 1000, failed: true });
      throw err;
    }
    const t1 = performance.now();
    try {
      const result = await client.query<R>(queryConfig(stmt, values, config.pgbouncer));
      client.release();
      observe({ kind, pool: poolName, acquireSec: (t1 - t0) / 1000, querySec: (performance.now() - t1) / 1000, failed: false });
      return result;
    } catch (err) {
      // A broken connection is discarded; after an ordinary SQL error it is still good.
      client.release(isDatabaseUnavailable(err) ? (err as Error) : undefined);
      observe({ kind, pool: poolName, acquireSec: (t1 - t0) / 1000, querySec: (performance.now() - t1) / 1000, failed: true });
      throw err;
    }
  }

  const stats = (pool: pg.Pool, name: "primary" | "replica"): PoolStats => ({
    pool: name,
    max: config.poolSize,
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  });

  return {
    read: (stmt, values, counter) => run(replica ?? primary, "read", stmt, values, counter),
    write: (stmt, values, counter) => run(primary, "write", stmt, values, counter),
    poolStats: () => (replica ? [stats(primary, "primary"), stats(replica, "replica")] : [stats(primary, "primary")]),
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([primary.query("SELECT 1"), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    setObserver(observer) {
      observe = observer;
    },
    async close() {
      await Promise.all([primary.end(), replica?.end()]);
    },
  };
}

/** Errors that mean "the database cannot serve now" (503) rather than a bug (500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P01|57P02|57P03|53300|08\w{3})$/.test(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout/i.test(err.message);
}
