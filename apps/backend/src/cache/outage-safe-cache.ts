// The Redis cache behind the circuit breaker (redis/redis-guard.ts), and the rule that keeps an
// outage from leaving stale entries behind:
// 1. While the guard is open, reads miss (the database answers) and stores are skipped. A read
//    is never the probe after a cool-down: it waits for the guard to close and settle.
// 2. An invalidation that could not be delivered (guard open, or the DEL itself failed) is kept
//    here and replayed as soon as the guard closes; while any is waiting, this instance reads
//    nothing from Redis without first delivering them.
// 3. After the guard closes, this instance reads nothing from Redis for `settleMs` (the cool-down
//    plus two command timeouts): time enough for every other instance that held invalidations
//    through the same outage to probe, close its own guard and replay them. Stores go through
//    meanwhile: they carry data loaded after the recovery.
// 4. At most `maxPending` keys wait. Past that the list is dropped, and reads bypass the cache
//    until the longest TTL has passed since: every entry a dropped key should have removed was
//    stored before that moment, so by then it has expired.
// Limit: an instance that made no Redis call during the outage never saw it, so it does not
// settle; it may read an entry another instance still has to invalidate, for at most that
// instance's cool-down plus a command timeout after Redis is back.
import type { RedisGuard } from "../redis/redis-guard.js";
import type { Cache } from "./cache.js";

export interface OutageSafeCacheOptions {
  settleMs: number;
  /** The longest TTL any entry is stored with. */
  maxTtlSec: number;
  now?: () => number;
  maxPending?: number;
}

export interface OutageSafeCache extends Cache {
  /** Keys whose invalidation waits for Redis. */
  pendingInvalidations(): number;
}

export function createOutageSafeCache(inner: Cache, guard: RedisGuard, opts: OutageSafeCacheOptions): OutageSafeCache {
  const now = opts.now ?? Date.now;
  const maxPending = opts.maxPending ?? 10_000;
  const pending = new Set<string>();
  let readsResumeAtMs = 0;
  let flushing: Promise<void> | undefined;

  const remember = (keys: string[]): void => {
    for (const key of keys) {
      if (pending.size >= maxPending) {
        pending.clear();
        readsResumeAtMs = Math.max(readsResumeAtMs, now() + opts.maxTtlSec * 1000);
      }
      pending.add(key);
    }
  };

  // Delivers every waiting invalidation, in batches (keys may arrive while one is in flight);
  // rejects, keeping them, when Redis cannot take them.
  const flush = async (): Promise<void> => {
    while (pending.size > 0) {
      if (!flushing) {
        const keys = [...pending];
        flushing = guard
          .run(() => inner.del(keys))
          .then(() => {
            for (const key of keys) pending.delete(key);
          })
          .finally(() => {
            flushing = undefined;
          });
      }
      await flushing;
    }
  };

  guard.onTransition((to) => {
    if (to !== "closed") return;
    readsResumeAtMs = Math.max(readsResumeAtMs, now() + opts.settleMs);
    flush().catch(() => {});
  });

  return {
    kind: inner.kind,
    async get(key) {
      // Replay first (the replay may be the probe that closes the guard and starts settling).
      await flush();
      if (now() < readsResumeAtMs) return undefined;
      return guard.run(() => inner.get(key), { mayProbe: false });
    },
    async set(key, value, ttlSec) {
      await guard.run(() => inner.set(key, value, ttlSec));
    },
    async del(keys) {
      remember(keys);
      await flush();
    },
    pendingInvalidations: () => pending.size,
  };
}
