// One Redis client per app, set up to fail fast: commands are not queued while disconnected
// and time out quickly, so a Redis outage turns into cache misses and a fail-open limiter
// instead of requests that hang.
import { Redis } from "ioredis";

export const REDIS_COMMAND_TIMEOUT_MS = 500;

export function connectRedis(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Keep trying to come back, at most every 2 s, for as long as the app runs.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    lazyConnect: false,
  });
  // Connection errors are reported through readiness and the fail-open counters; without a
  // listener ioredis would print every reconnect attempt.
  client.on("error", () => {});
  return client;
}

/** Resolves when the client is ready or after `timeoutMs`, whichever comes first. */
export async function waitForRedis(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return true;
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      client.off("ready", onReady);
      resolve(ok);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on("ready", onReady);
  });
}
