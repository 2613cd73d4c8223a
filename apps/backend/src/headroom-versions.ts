// The versions of the services a plan's run of the MueJam API used, for the documents'
// environment table. A service that does not answer is reported as unknown, never as an error.
import { Redis } from "ioredis";
import pg from "pg";

async function postgresVersion(databaseUrl: string): Promise<string> {
  try {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    const r = await client.query<{ server_version: string }>("SHOW server_version");
    await client.end();
    return r.rows[0]?.server_version ?? "unknown";
  } catch {
    return "unknown (query failed)";
  }
}

async function redisVersion(redisUrl: string): Promise<string> {
  try {
    const r = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
    await r.connect();
    const info = await r.info("server");
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } catch {
    return "unknown (INFO failed)";
  }
}

/** { postgresql, redis } of the services given. */
export async function serviceVersions(databaseUrl: string, redisUrl: string | undefined): Promise<Record<string, string>> {
  return { postgresql: await postgresVersion(databaseUrl), ...(redisUrl ? { redis: await redisVersion(redisUrl) } : {}) };
}
