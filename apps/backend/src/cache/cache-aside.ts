// Cache-aside reads: look in the cache, on a miss load from the database and store the result.
// The cache holds response bodies as JSON text, so a hit is sent as stored, without parsing and
// re-serialising. Each read reports hit or miss for its key family; a cache that cannot answer
// counts as a miss (and an error) and the read goes through to the database.
import type { Cache } from "./cache.js";

export const CACHE_FAMILIES = ["trending", "story", "profile"] as const;
export type CacheFamily = (typeof CACHE_FAMILIES)[number];

export interface CacheEvents {
  hit(family: CacheFamily): void;
  miss(family: CacheFamily): void;
  error(family: CacheFamily): void;
}

/** A hit carries the stored JSON text; a miss carries the loaded value (undefined: not found). */
export type CacheRead<T> = { hit: true; json: string } | { hit: false; value: T | undefined };

export interface CacheReadOptions<T> {
  /** Whether a loaded value may be stored (e.g. not a private story, which only its author may see). */
  storable?: (value: T) => boolean;
}

export interface CacheAside {
  read<T>(family: CacheFamily, key: string, ttlSec: number, load: () => Promise<T | undefined>, opts?: CacheReadOptions<T>): Promise<CacheRead<T>>;
  /** Deletes keys after a write; a failure is counted, not thrown: the write itself succeeded. */
  invalidate(family: CacheFamily, keys: string[]): Promise<void>;
}

/** `disabled` is the `cache-off` lab fault: every read is a miss and nothing is stored. */
export function createCacheAside(cache: Cache, events: CacheEvents, opts: { disabled?: boolean } = {}): CacheAside {
  return {
    async read<T>(family: CacheFamily, key: string, ttlSec: number, load: () => Promise<T | undefined>, readOpts: CacheReadOptions<T> = {}): Promise<CacheRead<T>> {
      if (!opts.disabled) {
        let cached: string | undefined;
        try {
          cached = await cache.get(key);
        } catch {
          events.error(family);
        }
        if (cached !== undefined) {
          events.hit(family);
          return { hit: true, json: cached };
        }
      }
      events.miss(family);
      const value = await load();
      if (value !== undefined && !opts.disabled && (readOpts.storable?.(value) ?? true)) {
        try {
          await cache.set(key, JSON.stringify(value), ttlSec);
        } catch {
          events.error(family);
        }
      }
      return { hit: false, value };
    },
    async invalidate(family, keys) {
      try {
        await cache.del(keys);
      } catch {
        events.error(family);
      }
    },
  };
}
