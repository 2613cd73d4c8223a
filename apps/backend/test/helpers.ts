// Test fixtures: a uniquely named database on the machine's PostgreSQL (dropped afterwards), a
// unique Redis key prefix, and a private redis-server for outage tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { migrate } from "../src/db/migrate.js";
import { seedDatabase, type SeedSize } from "../src/db/seed.js";
import { freePort } from "../src/platform/free-port.js";

export const ADMIN_URL = process.env.MUEJAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.MUEJAM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const TEST_SECRET = "test-secret";

export interface TestDatabase {
  url: string;
  name: string;
  query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(seed: SeedSize | false = { users: 200, stories: 1000 }): Promise<TestDatabase> {
  const name = `muejam_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  await migrate(url);
  if (seed) await seedDatabase(url, seed);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // pool.end() resolves before its clients have closed, so the FORCE drop below can still reach
  // one; the pool's idle listener then re-emits the server's 57P01 here, and unheard it would crash.
  pool.on("error", () => {});
  let removed = 0;
  pool.on("remove", () => void (removed += 1));
  return {
    url,
    name,
    async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
      return (await pool.query<R>(sql, values)).rows;
    },
    async drop() {
      const closedAfter = removed + pool.totalCount;
      await pool.end();
      while (removed < closedAfter) await new Promise((r) => setTimeout(r, 5));
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function uniquePrefix(): string {
  return `muejam-test:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key under a prefix (tests clean up after themselves on the shared Redis). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** A redis-server of our own on a free port, which a test may stop and start again. */
export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "allkeys-lru"], { stdio: "ignore" });
    const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    // Refused until the server listens; heard here, so ioredis does not print each attempt.
    probe.on("error", () => {});
    await probe.connect().catch(() => {});
    await probe.ping();
    probe.disconnect();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGTERM");
      });
    },
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
