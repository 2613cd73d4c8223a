// The cache behind cache-aside reads: Redis when configured (shared by every instance), or a
// bounded in-process map. Values are JSON strings.
import type { Redis } from "ioredis";

export interface Cache {
  readonly kind: "redis" | "in-process";
  /** `undefined` on a miss; throws when the store cannot answer (the caller counts it and reads through). */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSec: number): Promise<void>;
  del(keys: string[]): Promise<void>;
}

export function createRedisCache(redis: Redis, prefix: string): Cache {
  const full = (key: string): string => `${prefix}cache:${key}`;
  return {
    kind: "redis",
    async get(key) {
      const value = await redis.get(full(key));
      return value ?? undefined;
    },
    async set(key, value, ttlSec) {
      await redis.set(full(key), value, "EX", ttlSec);
    },
    async del(keys) {
      if (keys.length > 0) await redis.del(...keys.map(full));
    },
  };
}

/** An LRU map with per-entry expiry; `now` is injectable for tests. */
export function createMemoryCache(opts: { maxEntries?: number; now?: () => number } = {}): Cache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAtMs: number }>();
  return {
    kind: "in-process",
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAtMs <= now()) {
        entries.delete(key);
        return undefined;
      }
      // Re-insert so Map order is least- to most-recently used.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlSec) {
      entries.delete(key);
      entries.set(key, { value, expiresAtMs: now() + ttlSec * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    async del(keys) {
      for (const key of keys) entries.delete(key);
    },
  };
}
